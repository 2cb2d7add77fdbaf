//! `otchet check`: validates a data file (and a template) and shows the
//! warnings; writes nothing.

use std::path::Path;

use super::{failed, load_checked, load_template, report, say, CliResult};
use crate::diag;

/// `otchet check`: validates and prints warnings; writes nothing.
pub fn check(input: &Path, template: Option<&Path>) -> CliResult {
    let template = failed(load_template(template, true))?;
    let loaded = failed(load_checked(input, &template, true))?;
    report(&loaded.warnings, &loaded.source);
    // On the office server's folder: the sections not yet accepted.
    let dir = input.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if let Some(stem) = super::output_stem(input) {
        let names: Vec<String> = loaded.report.departments.iter().map(|d| d.name.value.clone()).collect();
        if let Some(open) = crate::office::unaccepted(dir, &stem, &names) {
            for (d, status) in &open {
                say(&format!(
                    "{}: предупреждение: раздел «{}» не принят координатором (сейчас: {status})\n",
                    loaded.source.name,
                    crate::text::one_line(d)
                ));
            }
        }
    }
    say(&format!(
        "{}: данные в порядке — департаментов: {}, мероприятий: {}; {}\n",
        loaded.source.name,
        loaded.report.departments.len(),
        loaded.report.event_count(),
        diag::summary(&loaded.warnings)
    ));
    Ok(())
}
