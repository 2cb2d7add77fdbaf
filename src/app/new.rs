//! `otchet new`: the next quarter's file from the last one; never
//! overwrites.

use std::path::{Path, PathBuf};

use super::{failed, print_out, put_schema_beside, rendered, say, CliError, CliResult};
use crate::diag::{Diagnostic, Source};
use crate::load;
use crate::output;

/// What `otchet new` does.
#[derive(Debug, Clone)]
pub struct NewArgs {
    /// The last period's data file.
    pub from: PathBuf,
    /// Year of the new file (the next quarter's by default).
    pub year: Option<i32>,
    /// Quarter of the new file (the next one by default).
    pub quarter: Option<u8>,
    /// The new file (beside the old one by default).
    pub output: Option<PathBuf>,
}

/// `otchet new`: the next period's file from the last one; never overwrites.
pub fn new_period(args: &NewArgs) -> CliResult {
    let loaded = failed(load::load_file(&args.from))?;
    let (y, q) = match loaded.report.period {
        crate::model::Period::Quarter { year, quarter } => crate::new::next_quarter(year, quarter),
        crate::model::Period::Year { year } => (year + 1, 1),
    };
    let (year, quarter) = (args.year.unwrap_or(y), args.quarter.unwrap_or(q));
    let text = crate::new::next_file(&loaded.report, year, quarter);
    let source = Source::new("<new>", text.clone());
    if let Err(f) = load::load_bytes(&source.name, text.as_bytes()) {
        let d = Diagnostic::error("внутренняя ошибка: сформированный файл не проходит проверку");
        let why = rendered(&[d], &Source::new(args.from.display().to_string(), String::new()));
        return Err(CliError::failure(&f).then(CliError::text(why)));
    }
    let dir = args.from.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let path = args.output.clone().unwrap_or_else(|| dir.join(format!("{year}-q{quarter}.toml")));
    if let Err(d) = output::write_new(&path, text.as_bytes()) {
        let d = d.help("укажите другое имя через -o или удалите старый файл");
        return Err(CliError::text(rendered(&[d], &Source::new(path.display().to_string(), String::new()))));
    }
    put_schema_beside(&path);
    say(&format!(
        "Создан файл {} — отчет {}. Заполните мероприятия и проверьте: otchet check {}\n",
        path.display(),
        crate::model::Period::Quarter { year, quarter }.label(),
        path.display()
    ));
    print_out(&format!("{}\n", path.display()))
}
