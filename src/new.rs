//! `otchet new`: the next period's data file from the last one — the same
//! region, the whole agreement registry, every department with no events
//! and a commented-out example event showing every field.

use std::fmt::Write as _;

use crate::model::Report;

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
    let agreements: Vec<(&str, &str)> =
        from.agreements.iter().map(|a| (a.key.as_str(), a.title.value.as_str())).collect();
    crate::toml_write::head(
        &mut s,
        &crate::toml_write::Head {
            period: crate::model::Period::Quarter { year, quarter },
            comments: &["Заполните мероприятия, затем: otchet check ФАЙЛ; otchet render ФАЙЛ -o out".to_string()],
            region: from.region.as_deref(),
            title: from.title.as_ref().map(|t| t.value.as_str()),
            agreements: &agreements,
            write: crate::toml_write::string,
        },
    );
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
            crate::toml_write::string(&d.name.value)
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
}
