//! `otchet new`: the next period's data file from the last one — the same
//! region, the whole agreement registry, every department with no events
//! and a commented-out example event showing every field.

use std::fmt::Write as _;

use crate::model::Report;

/// A TOML basic string literal.
pub fn toml_str(s: &str) -> String {
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
pub fn toml_key(k: &str) -> String {
    if !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        k.to_string()
    } else {
        toml_str(k)
    }
}

/// The quarter after `(year, quarter)`.
pub fn next_quarter(year: i32, quarter: u8) -> (i32, u8) {
    if quarter >= 4 {
        (year + 1, 1)
    } else {
        (year, quarter + 1)
    }
}

/// The data file for `(year, quarter)` based on `from`.
pub fn next_file(from: &Report, year: i32, quarter: u8) -> String {
    let mut s = String::new();
    s.push_str("#:schema ./otchet.schema.json\n");
    let period = crate::model::Period::Quarter { year, quarter }.label();
    let _ = writeln!(s, "# Отчет о реализации соглашений в сфере межрегионального сотрудничества {period}.");
    s.push_str("# Заполните мероприятия, затем: otchet check ФАЙЛ; otchet render ФАЙЛ -o out\n\n");
    let _ = writeln!(s, "[report]\nyear = {year}\nquarter = {quarter}");
    if let Some(region) = &from.region {
        let _ = writeln!(s, "region = {}", toml_str(region));
    }
    if let Some(title) = &from.title {
        let _ = writeln!(s, "title = {}", toml_str(&title.value));
    }
    s.push_str("\n[agreements]\n");
    for a in &from.agreements {
        let _ = writeln!(s, "{} = {}", toml_key(&a.key), toml_str(&a.title.value));
    }
    let example_key = from.agreements.first().map_or("ключ", |a| a.key.as_str());
    let (first_month, _) = crate::model::Period::Quarter { year, quarter }.bounds();
    let day = first_month.format("%Y-%m-%d");
    let later = (first_month + chrono::Duration::days(2)).format("%Y-%m-%d");
    for d in &from.departments {
        let _ = write!(
            s,
            "\n[[department]]\nname = {}\n\
             \n# [[department.event]]\
             \n# agreement = \"{example_key}\"          # ключ из [agreements]\
             \n# title = \"Наименование мероприятия\"\
             \n# dates = {day}                  # или {{ from = {day}, to = {later} }}, или \"В течение всего периода\"\
             \n# place = \"Место проведения\"\
             \n# participants = \"Участники (общее количество, представители регионов)\"\
             \n# result = \"\"\"\
             \n# Содержание и результат мероприятия.\
             \n# Новый абзац — с новой строки.\"\"\"\n",
            toml_str(&d.name.value)
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_roll_over_the_year() {
        assert_eq!(next_quarter(2020, 4), (2021, 1));
        assert_eq!(next_quarter(2021, 1), (2021, 2));
    }

    #[test]
    fn strings_and_keys_are_valid_toml() {
        assert_eq!(toml_str("a \"b\" \\ c\nd\u{7}"), r#""a \"b\" \\ c\nd\u0007""#);
        assert_eq!(toml_key("kaluga-bryansk"), "kaluga-bryansk");
        assert_eq!(toml_key("москва"), "\"москва\"");
    }
}
