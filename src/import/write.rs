//! The imported data as a TOML file laid out as people write it: the
//! report, the registry, then each department with its numbered events;
//! texts with paragraphs as multi-line strings.

use std::fmt::Write as _;

use crate::model::{Dates, Period};
use crate::toml_write::{dates, string, text};

/// An event to write.
pub struct Event<'a> {
    pub agreement: &'a str,
    pub title: &'a str,
    pub dates: Dates,
    pub place: &'a str,
    pub participants: &'a str,
    pub result: &'a str,
}

/// A department to write.
pub struct Department<'a> {
    pub name: &'a str,
    pub events: Vec<Event<'a>>,
}

/// The whole file.
pub struct Data<'a> {
    pub period: Period,
    pub region: Option<&'a str>,
    pub title: Option<&'a str>,
    /// Key and title, in order.
    pub agreements: Vec<(&'a str, &'a str)>,
    pub departments: Vec<Department<'a>>,
    /// The imported files' names.
    pub sources: &'a [&'a str],
}

/// The data file's text, and each event's bytes in it (in order).
pub fn toml(d: &Data<'_>) -> (String, Vec<std::ops::Range<usize>>) {
    let mut spans = Vec::new();
    let mut s = String::new();
    // Names as messages show them: a line break or a bidi control in a file
    // name neither ends the comment nor reorders the line in an editor.
    let sources: Vec<String> = d.sources.iter().map(|n| crate::archive::shown(n)).collect();
    crate::toml_write::head(
        &mut s,
        &crate::toml_write::Head {
            period: d.period,
            comments: &[
                format!("Импортирован командой otchet import из: {}.", sources.join(", ")),
                "Проверьте данные: otchet check ФАЙЛ; сформируйте отчет: otchet render ФАЙЛ -o out".to_string(),
            ],
            region: d.region,
            title: d.title,
            agreements: &d.agreements,
            write: text,
        },
    );
    let mut n = 0;
    for dep in &d.departments {
        s.push_str("\n# ---------------------------------------------------------------------------\n");
        let _ = writeln!(s, "[[department]]\nname = {}", text(dep.name));
        for e in &dep.events {
            n += 1;
            let start = s.len() + 1;
            let _ = write!(
                s,
                "\n[[department.event]] # {n}\nagreement = {}\ntitle = {}\ndates = {}\nplace = {}\nparticipants = {}\nresult = {}\n",
                string(e.agreement),
                text(e.title),
                dates(&e.dates),
                text(e.place),
                text(e.participants),
                text(e.result)
            );
            spans.push(start..s.len());
        }
    }
    (s, spans)
}
