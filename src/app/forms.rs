//! `otchet forms`: a Word form for each department; never overwrites, and
//! writes all the forms or none.

use std::path::{Path, PathBuf};

use super::{failed, load_template, print_out, say, CliError, CliResult};
use crate::diag::Diagnostic;
use crate::load;
use crate::output;

/// What `otchet forms` does.
#[derive(Debug, Clone)]
pub struct FormsArgs {
    /// The quarter's data file.
    pub input: PathBuf,
    /// The folder for the forms (beside the data file, named after it, by
    /// default).
    pub outdir: Option<PathBuf>,
    /// Empty rows in each form.
    pub rows: usize,
    /// Only these departments (all when empty).
    pub departments: Vec<String>,
}

/// The default folder of the forms of `input`: `DIR/NAME формы`.
pub fn default_dir(input: &Path) -> PathBuf {
    let stem = input.file_stem().map_or_else(|| "отчет".into(), |s| s.to_string_lossy().into_owned());
    input.with_file_name(format!("{stem} формы"))
}

/// `otchet forms`: loads the data, makes every form, then writes them all
/// (none when any name is taken).
pub fn forms(args: &FormsArgs) -> CliResult {
    let loaded = failed(load::load_file(&args.input))?;
    let template = failed(load_template(None, false))?;
    let shown = args.input.display().to_string();
    let made = crate::forms::forms(&loaded.report, &template, args.rows, &args.departments)
        .map_err(|d| CliError::at(&shown, d))?;
    let dir = args.outdir.clone().unwrap_or_else(|| default_dir(&args.input));
    let dir_shown = dir.display().to_string();
    if output::name_taken(&dir) && !dir.is_dir() {
        return Err(CliError::at(
            &dir_shown,
            Diagnostic::error("это не каталог").help("укажите каталог для форм: -o КАТАЛОГ"),
        ));
    }
    let paths: Vec<PathBuf> = made.iter().map(|f| dir.join(&f.name)).collect();
    let taken: Vec<String> = paths.iter().filter(|p| output::name_taken(p)).map(|p| p.display().to_string()).collect();
    if !taken.is_empty() {
        let d = Diagnostic::error(format!("формы уже есть: {}", taken.join(", "))).help(
            "otchet не перезаписывает файлы (в них могли вписать мероприятия): укажите другой каталог через -o или уберите старые формы",
        );
        return Err(CliError::at(&dir_shown, d));
    }
    std::fs::create_dir_all(&dir)
        .map_err(|e| CliError::at(&dir_shown, load::io_error("не удалось создать каталог", &e)))?;
    let mut written: Vec<&Path> = Vec::new();
    for (form, path) in made.iter().zip(&paths) {
        if let Err(d) = output::write_new(path, &form.bytes) {
            // All or none: the forms written by this run go again.
            for p in written {
                let _ = std::fs::remove_file(p);
            }
            return Err(CliError::at(&path.display().to_string(), d));
        }
        written.push(path);
    }
    let mut list = String::new();
    for (form, path) in made.iter().zip(&paths) {
        say(&format!(
            "Форма: {} — {}, мероприятий {}, пустых строк {}\n",
            path.display(),
            crate::text::one_line(&form.department),
            form.events,
            args.rows
        ));
        list.push_str(&format!("{}\n", path.display()));
    }
    say(&format!(
        "Создано форм: {} в каталоге {dir_shown}. Разошлите их департаментам; заполненные соберите командой:\n  otchet import ФОРМЫ.docx… --registry {shown}\n",
        made.len()
    ));
    print_out(&list)
}
