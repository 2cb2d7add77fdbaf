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
    say(&format!(
        "{}: данные в порядке — департаментов: {}, мероприятий: {}; {}\n",
        loaded.source.name,
        loaded.report.departments.len(),
        loaded.report.event_count(),
        diag::summary(&loaded.warnings)
    ));
    Ok(())
}
