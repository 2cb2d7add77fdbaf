//! `otchet annual`: the year's report from its quarter files.

use std::path::{Path, PathBuf};

use super::{
    annual_table, emit, failed, load_checked, load_template_carried, rendered, report, unique_names, write_failed,
    Carried, CliError, CliResult,
};
use crate::diag::Diagnostic;
use crate::render::Format;

/// What `otchet annual` does.
#[derive(Debug, Clone)]
pub struct AnnualArgs {
    /// The quarter files.
    pub inputs: Vec<PathBuf>,
    /// Directory for the documents.
    pub outdir: PathBuf,
    /// Formats to write.
    pub formats: Vec<Format>,
    /// A template file instead of the official form.
    pub template: Option<PathBuf>,
    /// Allow a year with fewer than four quarters.
    pub allow_partial: bool,
    /// Output file name without extension; `<year>-annual` by default.
    pub name: Option<String>,
    /// Leave the quarters' files (and template) out of the PDF.
    pub no_source: bool,
}

/// `otchet annual`: the year's report from its quarter files.
pub fn annual(args: &AnnualArgs) -> CliResult {
    let pdf = args.formats.contains(&Format::Pdf);
    let (template, template_file) = failed(load_template_carried(args.template.as_deref(), pdf))?;
    // Every quarter's file is checked; all their errors are shown.
    let mut loaded = Vec::new();
    let mut errors: Option<CliError> = None;
    for input in &args.inputs {
        match load_checked(input, &template, pdf) {
            Ok(l) => loaded.push(l),
            Err(f) => {
                let e = CliError::failure(&f);
                errors = Some(match errors {
                    Some(before) => before.then(e),
                    None => e,
                });
            }
        }
    }
    if let Some(e) = errors {
        return Err(e);
    }
    for l in &loaded {
        report(&l.warnings, &l.source);
    }
    let (merged, warnings) = match crate::annual::merge(&loaded, args.allow_partial) {
        Ok(x) => x,
        Err(errors) => {
            let mut text: String =
                errors.iter().map(|(i, d)| rendered(std::slice::from_ref(d), &loaded[*i].source)).collect();
            text.push_str(&format!("ошибок: {} — ничего не записано\n", errors.len()));
            return Err(CliError::text(text));
        }
    };
    for (i, d) in &warnings {
        report(std::slice::from_ref(d), &loaded[*i].source);
    }
    let table = annual_table(&loaded, &merged, &template);
    let stem = args.name.clone().unwrap_or_else(|| format!("{}-annual", merged.period.year()));
    if let Err(d) = check_file_name(&stem) {
        return Err(write_failed(&args.inputs[0], d));
    }
    let inputs: Vec<&Path> = args.inputs.iter().map(PathBuf::as_path).collect();
    let mut files = Vec::new();
    if !args.no_source {
        for (path, l) in args.inputs.iter().zip(&loaded) {
            files.push(Carried::data(path, l.raw_bytes()));
        }
        files.extend(template_file);
        unique_names(&mut files);
    }
    emit(&table, &template, &args.outdir, &stem, &args.formats, &inputs, &files)
}

/// A name given for output files is a plain file name: not empty, no
/// directories, not `.` or `..`.
fn check_file_name(name: &str) -> Result<(), Diagnostic> {
    let plain = !name.trim().is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\'])
        && !name.chars().any(char::is_control)
        && Path::new(name).file_name().is_some_and(|f| f == name);
    if plain {
        Ok(())
    } else {
        Err(Diagnostic::error(format!("недопустимое имя файлов «{name}»")).help(
            "--name задает только имя файла без расширения и без каталогов, например 2020-annual; каталог — через -o",
        ))
    }
}
