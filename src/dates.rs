//! Russian rendering of event dates and Roman numerals.

use chrono::{Datelike, NaiveDate};

use crate::model::{Dates, Period};

const MONTHS_GENITIVE: [&str; 12] = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
];

/// Roman numeral for 1..=3999 (quarters need only I..IV).
pub fn roman(mut n: u32) -> String {
    const TABLE: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut out = String::new();
    for (value, digits) in TABLE {
        while n >= value {
            out.push_str(digits);
            n -= value;
        }
    }
    out
}

fn month(d: NaiveDate) -> &'static str {
    MONTHS_GENITIVE[d.month0() as usize]
}

/// `20 октября`, with ` 2021 года` when the year differs from the report's.
fn day(d: NaiveDate, report_year: i32) -> String {
    if d.year() == report_year {
        format!("{} {}", d.day(), month(d))
    } else {
        format!("{} {} {} года", d.day(), month(d), d.year())
    }
}

/// Renders the `dates` field as printed in the report.
///
/// Ranges use an en dash: `26 ноября – 16 декабря`; within one month the
/// dash stands between the days without spaces: `26–28 ноября`.
pub fn format(dates: &Dates, report_year: i32) -> String {
    match dates {
        Dates::Text(s) => s.clone(),
        Dates::Day(d) => day(*d, report_year),
        Dates::Range { from, to } if from == to => day(*from, report_year),
        Dates::Range { from, to } => {
            if from.year() == to.year() && from.month() == to.month() {
                let suffix =
                    if from.year() == report_year { String::new() } else { format!(" {} года", from.year()) };
                format!("{}–{} {}{}", from.day(), to.day(), month(*from), suffix)
            } else if from.year() == to.year() && from.year() != report_year {
                // Both outside the report's year: say the year once, at the end.
                format!("{} {} – {} {} {} года", from.day(), month(*from), to.day(), month(*to), to.year())
            } else {
                format!("{} – {}", day(*from, report_year), day(*to, report_year))
            }
        }
    }
}

/// `D month` or `D month YYYY года`: the day, the month (1-based) and the
/// year when written.
fn parse_day(s: &str) -> Option<(u32, u32, Option<i32>)> {
    let mut words = s.split(' ');
    let day = words.next()?.parse().ok()?;
    let name = words.next()?;
    let month = MONTHS_GENITIVE.iter().position(|m| *m == name)? as u32 + 1;
    match (words.next(), words.next(), words.next()) {
        (None, _, _) => Some((day, month, None)),
        (Some(y), Some("года"), None) => Some((day, month, Some(y.parse().ok()?))),
        _ => None,
    }
}

/// The `dates` value whose printed form for a report of `period` is
/// exactly `text`, when all of its days lie within the period: the inverse
/// of [`format`] (`import` uses it). Any other text stays text.
pub fn parse(text: &str, period: Period) -> Option<Dates> {
    let year = period.year();
    let date = |d: u32, m: u32, y: Option<i32>, default: i32| NaiveDate::from_ymd_opt(y.unwrap_or(default), m, d);
    let candidates: Vec<Dates> = if let Some((a, b)) = text.split_once(" – ") {
        let (d2, m2, y2) = parse_day(b)?;
        let (d1, m1, y1) = parse_day(a)?;
        let to = date(d2, m2, y2, year)?;
        // The first day's year is the report's, or said once at the end.
        [year, to.year()]
            .into_iter()
            .filter_map(|y| date(d1, m1, y1, y))
            .map(|from| Dates::Range { from, to })
            .collect()
    } else if let Some((a, b)) = text.split_once('–') {
        let d1: u32 = a.parse().ok()?;
        let (d2, m, y) = parse_day(b)?;
        vec![Dates::Range { from: date(d1, m, y, year)?, to: date(d2, m, y, year)? }]
    } else {
        let (d, m, y) = parse_day(text)?;
        vec![Dates::Day(date(d, m, y, year)?)]
    };
    let (first, last) = period.bounds();
    candidates.into_iter().find(|c| {
        let (from, to) = match *c {
            Dates::Day(d) => (d, d),
            Dates::Range { from, to } => (from, to),
            Dates::Text(_) => return false,
        };
        (from < to || matches!(c, Dates::Day(_))) && format(c, year) == text && first <= from && to <= last
    })
}

impl Period {
    /// `за IV квартал 2020 года` / `за 2020 год` (with the dates: it is
    /// written in Russian with a Roman numeral).
    pub fn label(&self) -> String {
        match *self {
            Period::Quarter { year, quarter } => {
                format!("за {} квартал {} года", roman(quarter as u32), year)
            }
            Period::Year { year } => format!("за {year} год"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn roman_numerals() {
        let cases = [(1, "I"), (2, "II"), (3, "III"), (4, "IV"), (9, "IX"), (14, "XIV"), (2020, "MMXX")];
        for (n, want) in cases {
            assert_eq!(roman(n), want, "{n}");
        }
    }

    #[test]
    fn dates_in_russian() {
        let cases = [
            (Dates::Text("В течение всего периода".into()), "В течение всего периода"),
            (Dates::Day(d(2020, 10, 20)), "20 октября"),
            (Dates::Day(d(2021, 1, 5)), "5 января 2021 года"),
            (Dates::Range { from: d(2020, 10, 16), to: d(2020, 11, 15) }, "16 октября – 15 ноября"),
            (Dates::Range { from: d(2020, 11, 26), to: d(2020, 11, 28) }, "26–28 ноября"),
            (Dates::Range { from: d(2020, 12, 2), to: d(2020, 12, 2) }, "2 декабря"),
            (Dates::Range { from: d(2020, 12, 28), to: d(2021, 1, 10) }, "28 декабря – 10 января 2021 года"),
            (Dates::Range { from: d(2019, 12, 1), to: d(2019, 12, 3) }, "1–3 декабря 2019 года"),
            (Dates::Range { from: d(2019, 11, 1), to: d(2019, 12, 3) }, "1 ноября – 3 декабря 2019 года"),
        ];
        for (dates, want) in cases {
            assert_eq!(format(&dates, 2020), want);
        }
    }

    #[test]
    fn printed_dates_parse_back_within_the_period() {
        let q4 = Period::Quarter { year: 2020, quarter: 4 };
        let cases = [
            ("20 октября", Some(Dates::Day(d(2020, 10, 20)))),
            ("16 октября – 15 ноября", Some(Dates::Range { from: d(2020, 10, 16), to: d(2020, 11, 15) })),
            ("26–28 ноября", Some(Dates::Range { from: d(2020, 11, 26), to: d(2020, 11, 28) })),
            // Not as the renderer writes them, or outside the quarter: text.
            ("26-28 ноября", None),
            ("26 – 28 ноября", None),
            ("20  октября", None),
            ("20 октября 2020 года", None),
            ("5 января", None),
            ("28 декабря – 10 января 2021 года", None),
            ("31 ноября", None),
            ("28–26 ноября", None),
            ("В течение всего периода", None),
            ("октябрь", None),
        ];
        for (text, want) in cases {
            assert_eq!(parse(text, q4), want, "{text}");
            if let Some(dates) = want {
                assert_eq!(format(&dates, 2020), text);
            }
        }
        let y = Period::Year { year: 2020 };
        assert_eq!(parse("1–3 декабря", y), Some(Dates::Range { from: d(2020, 12, 1), to: d(2020, 12, 3) }));
    }

    #[test]
    fn every_month_has_a_genitive_name() {
        for m in 1..=12 {
            let s = format(&Dates::Day(d(2020, m, 1)), 2020);
            assert!(s.starts_with("1 ") && (s.ends_with('я') || s.ends_with("та")), "{s}");
        }
    }
}
