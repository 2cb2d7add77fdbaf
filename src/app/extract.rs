//! `otchet extract`: the source files a report PDF carries, written back
//! byte for byte; never overwrites.

use std::path::{Path, PathBuf};

use super::{print_out, CliError, CliResult};
use crate::archive::{self, ReadError};
use crate::diag::Diagnostic;
use crate::output;

/// What `otchet extract` does.
#[derive(Debug, Clone)]
pub struct ExtractArgs {
    /// The report PDF.
    pub input: PathBuf,
    /// A file (one embedded file) or a directory; beside the PDF by default.
    pub output: Option<PathBuf>,
}

/// `otchet extract`: writes the embedded files, all or none.
pub fn extract(args: &ExtractArgs) -> CliResult {
    let fail = |d: Diagnostic| Err(CliError::at(&args.input.display().to_string(), d));
    let bytes = match read_pdf(&args.input) {
        Ok(b) => b,
        Err(d) => return fail(d),
    };
    let files = match archive::embedded_files(&bytes) {
        Ok(f) => f,
        Err(ReadError::NotPdf(why)) => {
            return fail(
                Diagnostic::error(format!("файл не читается как PDF: {why}"))
                    .help("укажите PDF отчета, сформированный командой otchet render"),
            )
        }
        Err(ReadError::BadFile(why)) => return fail(Diagnostic::error(why)),
    };
    if files.is_empty() {
        return fail(Diagnostic::error("в PDF нет вложенных исходных данных").help(
            "PDF сформирован с --no-source или не программой otchet; исходный файл .toml ищите в архиве отдела",
        ));
    }
    // With `-o FILE` the embedded name does not matter; otherwise each name
    // is made safe (and said when changed), and duplicates are numbered.
    let single_file = args.output.as_deref().is_some_and(|o| files.len() == 1 && !is_dir_arg(o));
    let mut names = Vec::new();
    for f in &files {
        let name = match archive::safe_name(&f.name) {
            Some(safe) if !single_file => {
                super::say(&format!(
                    "{}: вложенное имя «{}» заменено на «{safe}» (имя должно быть обычным именем файла .toml, \
                     допустимым в Windows и Linux)\n",
                    args.input.display(),
                    archive::shown(&f.name)
                ));
                safe
            }
            _ => f.name.clone(),
        };
        names.push(name);
    }
    let mut numbered = names.clone();
    crate::ops::number_duplicates(&mut numbered);
    for (before, after) in names.iter().zip(&numbered) {
        if before != after {
            super::say(&format!(
                "{}: в PDF несколько вложенных файлов с именем «{before}»; этот записан как «{after}»\n",
                args.input.display()
            ));
        }
    }
    let targets = match targets(&args.input, args.output.as_deref(), numbered.iter().map(String::as_str)) {
        Ok(t) => t,
        Err(d) => return fail(d),
    };
    if let Some(existing) = targets.iter().find(|p| output::name_taken(p)) {
        let what = if existing.is_dir() { "каталог" } else { "файл" };
        return fail(
            Diagnostic::error(format!("{what} «{}» уже существует", existing.display()))
                .help("otchet не перезаписывает файлы: укажите другой путь через -o"),
        );
    }
    for (f, path) in files.iter().zip(&targets) {
        if f.checksum_ok == Some(false) {
            super::say(&format!(
                "{}: предупреждение: «{}» изменен внутри PDF после того, как PDF был сформирован (контрольная сумма \
                 не совпадает): это не те данные, из которых сделан отчет\n",
                args.input.display(),
                path.display()
            ));
        }
    }
    let mut written: Vec<&Path> = Vec::new();
    for (file, path) in files.iter().zip(&targets) {
        if let Err(d) = output::write_new(path, &file.bytes) {
            // All or none: the files written so far are new, remove them.
            for p in written {
                let _ = std::fs::remove_file(p);
            }
            return fail(d);
        }
        written.push(path);
    }
    let list: String = targets.iter().map(|p| format!("{}\n", p.display())).collect();
    print_out(&list)
}

/// Reads the PDF, bounded.
fn read_pdf(path: &Path) -> Result<Vec<u8>, Diagnostic> {
    crate::load::read_bounded(
        path,
        "PDF",
        ".pdf",
        crate::ops::MAX_PDF_BYTES,
        "укажите PDF отчета, сформированный otchet",
    )
}

/// Where each file goes: beside the PDF under its own name; with `-o`, that
/// path for a single file unless it is a directory, else into that
/// directory (several files need a directory).
fn targets<'a>(
    pdf: &Path,
    output: Option<&Path>,
    names: impl ExactSizeIterator<Item = &'a str>,
) -> Result<Vec<PathBuf>, Diagnostic> {
    let several = names.len() > 1;
    let beside = pdf.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let dir = match output {
        None => beside.to_path_buf(),
        Some(o) if is_dir_arg(o) => o.to_path_buf(),
        Some(o) if !several => return Ok(vec![o.to_path_buf()]),
        Some(o) if o.exists() => {
            return Err(Diagnostic::error(format!(
                "в PDF несколько вложенных файлов, а «{}» — не каталог",
                o.display()
            ))
            .help("укажите через -o каталог"))
        }
        Some(o) => o.to_path_buf(),
    };
    Ok(names.map(|n| dir.join(n)).collect())
}

/// Does `-o` name a directory (an existing one, or a path ending in `/`)?
fn is_dir_arg(o: &Path) -> bool {
    o.is_dir() || o.to_string_lossy().ends_with(['/', std::path::MAIN_SEPARATOR])
}
