//! The imported data as a TOML file laid out as people write it: the
//! report, the registry, then each department with its numbered events;
//! texts with paragraphs as multi-line strings.

use std::fmt::Write as _;

use crate::model::{Dates, Period};
use crate::new::{toml_key, toml_str};

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

/// A TOML string: multi-line (`"""`) when it has paragraphs.
fn text(s: &str) -> String {
    if !s.contains('\n') {
        return toml_str(s);
    }
    let mut out = String::from("\"\"\"\n");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' | '\t' => out.push(c),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push_str("\"\"\"");
    out
}

fn dates(d: &Dates) -> String {
    match d {
        Dates::Text(s) => text(s),
        Dates::Day(d) => d.format("%Y-%m-%d").to_string(),
        Dates::Range { from, to } => {
            format!("{{ from = {}, to = {} }}", from.format("%Y-%m-%d"), to.format("%Y-%m-%d"))
        }
    }
}

/// The data file's text, and each event's bytes in it (in order).
pub fn toml(d: &Data<'_>) -> (String, Vec<std::ops::Range<usize>>) {
    let mut spans = Vec::new();
    let mut s = String::new();
    s.push_str("#:schema ./otchet.schema.json\n");
    let _ =
        writeln!(s, "# Отчет о реализации соглашений в сфере межрегионального сотрудничества {}.", d.period.label());
    // Names as messages show them: a line break or a bidi control in a file
    // name neither ends the comment nor reorders the line in an editor.
    let sources: Vec<String> = d.sources.iter().map(|n| crate::archive::shown(n)).collect();
    let _ = writeln!(s, "# Импортирован командой otchet import из: {}.", sources.join(", "));
    s.push_str("# Проверьте данные: otchet check ФАЙЛ; сформируйте отчет: otchet render ФАЙЛ -o out\n\n");
    let (year, quarter) = match d.period {
        Period::Quarter { year, quarter } => (year, quarter),
        Period::Year { year } => (year, 4),
    };
    let _ = writeln!(s, "[report]\nyear = {year}\nquarter = {quarter}");
    if let Some(region) = d.region {
        let _ = writeln!(s, "region = {}", toml_str(region));
    }
    if let Some(title) = d.title {
        let _ = writeln!(s, "title = {}", text(title));
    }
    s.push_str("\n[agreements]\n");
    for (key, title) in &d.agreements {
        let _ = writeln!(s, "{} = {}", toml_key(key), text(title));
    }
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
                toml_str(e.agreement),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_line_strings_read_back_exactly() {
        for s in
            ["один\nдва", "«кавычки» \"и\" \\ обратная\n\nчерта\t", "\nс начала", "конец\n", "три \"\"\" кавычки\n\""]
        {
            let doc = format!("v = {}", text(s));
            let v: toml::Table = toml::from_str(&doc).unwrap_or_else(|e| panic!("{doc}: {e}"));
            assert_eq!(v["v"].as_str(), Some(s), "{doc}");
        }
    }
}
