//! `otchet check`: validates a data file (and a template) and shows the
//! warnings; writes nothing.

use std::path::Path;

use super::{load_checked, load_template, or_report, report, say, FAILED, OK};
use crate::diag;

/// `otchet check`: validates and prints warnings; writes nothing.
pub fn check(input: &Path, template: Option<&Path>) -> i32 {
    let Some(template) = or_report(load_template(template, true)) else {
        return FAILED;
    };
    let Some(loaded) = or_report(load_checked(input, &template, true)) else {
        return FAILED;
    };
    report(&loaded.warnings, &loaded.source);
    say(&format!(
        "{}: данные в порядке — департаментов: {}, мероприятий: {}; {}\n",
        loaded.source.name,
        loaded.report.departments.len(),
        loaded.report.event_count(),
        diag::summary(&loaded.warnings)
    ));
    OK
}
