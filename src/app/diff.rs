//! `otchet diff`: the corrected report as a DOCX with every change against
//! the earlier version tracked, and a Russian summary of the changes.

use std::path::PathBuf;

use super::{changes, failed, load_checked, load_template, print_out, report, say, CliError, CliResult};
use crate::output;

/// What `otchet diff` does.
#[derive(Debug, Clone)]
pub struct DiffArgs {
    /// The earlier version.
    pub old: PathBuf,
    /// The corrected version.
    pub new: PathBuf,
    /// The changes DOCX to write (never over an existing file).
    pub output: PathBuf,
    /// The changes' author in Word's review pane (`otchet` by default).
    pub author: Option<String>,
    /// A template file instead of the official form.
    pub template: Option<PathBuf>,
}

/// `otchet diff`: writes the changes DOCX (never over an existing file) and
/// prints one line per change.
pub fn diff(args: &DiffArgs) -> CliResult {
    if let Some(author) = &args.author {
        if let Some(c) = author.chars().find(|&c| c.is_control() || crate::archive::invisible(c) || !xml_char(c)) {
            return Err(CliError {
                code: 2,
                text: format!(
                    "otchet: в имени автора (--author) недопустимый символ U+{:04X}: имя показывается в Word и \
                     должно состоять из видимых символов\nСправка: otchet diff --help\n",
                    c as u32
                ),
            });
        }
        if author.chars().count() > 255 {
            return Err(CliError {
                code: 2,
                text: "otchet: имя автора (--author) длиннее 255 символов\nСправка: otchet diff --help\n".into(),
            });
        }
    }
    let template = failed(load_template(args.template.as_deref(), false))?;
    // Both files are checked and all their errors listed before anything
    // is written.
    let old = load_checked(&args.old, &template, false);
    let new = load_checked(&args.new, &template, false);
    let (old, new) = match (old, new) {
        (Ok(o), Ok(n)) => (o, n),
        (o, n) => {
            let errors = [o.err(), n.err()].into_iter().flatten().map(|f| CliError::failure(&f));
            return Err(errors.reduce(CliError::then).expect("one of the two failed"));
        }
    };
    report(&old.warnings, &old.source);
    report(&new.warnings, &new.source);
    let (bytes, revised) = match changes(&old.report, &new.report, &template, args.author.as_deref()) {
        Ok(x) => x,
        Err(e) => return Err(CliError::text(format!("otchet: не удалось сформировать DOCX: {e}\n"))),
    };
    if let Err(d) = output::write_new(&args.output, &bytes) {
        let d = d.help("otchet не перезаписывает файлы: укажите другое имя через -o");
        return Err(CliError::at(&args.output.display().to_string(), d));
    }
    say(&format!("Записан файл изменений {}\n", args.output.display()));
    let text = if revised.is_empty() {
        "изменений нет\n".to_string()
    } else {
        revised.summary.iter().map(|l| format!("{l}\n")).collect()
    };
    print_out(&text)
}

/// Can XML 1.0 carry `c` at all?
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}
