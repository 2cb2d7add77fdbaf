//! The one TOML writer of the data files otchet generates (`otchet new`,
//! `otchet import`): strings, keys, texts with paragraphs, dates, and the
//! head every generated file starts with — the schema line, the comments,
//! `[report]` and the agreement registry. Edits of existing files go
//! through `toml_edit` instead (their comments and layout kept).

use std::fmt::Write as _;

use crate::model::{Dates, Period};

/// A TOML basic string literal (one line: a line break as `\n`).
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() && c != '\t' => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A TOML key: bare when possible, else quoted.
pub fn key(k: &str) -> String {
    if !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        k.to_string()
    } else {
        string(k)
    }
}

/// A text as people write it: one line as a basic string, paragraphs as a
/// multi-line (`"""`) string.
pub fn text(s: &str) -> String {
    if !s.contains('\n') {
        return string(s);
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

/// An event's `dates` value.
pub fn dates(d: &Dates) -> String {
    match d {
        Dates::Text(s) => text(s),
        Dates::Day(d) => d.format("%Y-%m-%d").to_string(),
        Dates::Range { from, to } => {
            format!("{{ from = {}, to = {} }}", from.format("%Y-%m-%d"), to.format("%Y-%m-%d"))
        }
    }
}

/// The head of a generated data file.
pub struct Head<'a> {
    /// The quarter (a year's data is filed under its fourth quarter).
    pub period: Period,
    /// Comment lines after the title's (without `# `).
    pub comments: &'a [String],
    /// `region`, when known.
    pub region: Option<&'a str>,
    /// A title replacing the form's.
    pub title: Option<&'a str>,
    /// Key and title, in order.
    pub agreements: &'a [(&'a str, &'a str)],
    /// How the title and the agreements' titles are written: [`string`]
    /// or [`text`].
    pub write: fn(&str) -> String,
}

/// Writes `head` into `s`: the schema line, the report's title and the
/// comments, `[report]`, then `[agreements]`.
pub fn head(s: &mut String, head: &Head<'_>) {
    s.push_str("#:schema ./otchet.schema.json\n");
    let _ =
        writeln!(s, "# Отчет о реализации соглашений в сфере межрегионального сотрудничества {}.", head.period.label());
    for c in head.comments {
        let _ = writeln!(s, "# {c}");
    }
    s.push('\n');
    let (year, quarter) = match head.period {
        Period::Quarter { year, quarter } => (year, quarter),
        Period::Year { year } => (year, 4),
    };
    let _ = writeln!(s, "[report]\nyear = {year}\nquarter = {quarter}");
    if let Some(region) = head.region {
        let _ = writeln!(s, "region = {}", string(region));
    }
    if let Some(title) = head.title {
        let _ = writeln!(s, "title = {}", (head.write)(title));
    }
    s.push_str("\n[agreements]\n");
    for (k, title) in head.agreements {
        let _ = writeln!(s, "{} = {}", key(k), (head.write)(title));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_and_keys_are_valid_toml() {
        assert_eq!(string("a \"b\" \\ c\nd\u{7}"), r#""a \"b\" \\ c\nd\u0007""#);
        assert_eq!(key("kaluga-bryansk"), "kaluga-bryansk");
        assert_eq!(key("москва"), "\"москва\"");
    }

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
