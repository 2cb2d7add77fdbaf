//! The validated report model. Every text keeps the byte span of its value in
//! the source file, so later stages (e.g. the PDF font check) can point at it.

use std::ops::Range;

use chrono::NaiveDate;

/// Byte range in the source file.
pub type Span = Range<usize>;

/// A piece of user text with its location in the data file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    /// The text as the user typed it (TOML escapes resolved).
    pub value: String,
    /// Where the value is in the data file.
    pub span: Span,
}

impl Text {
    /// A text found at `span`.
    pub fn new(value: impl Into<String>, span: Span) -> Self {
        Text { value: value.into(), span }
    }
}

/// The `dates` field of an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dates {
    /// Free text, printed as written.
    Text(String),
    /// One day.
    Day(NaiveDate),
    /// An inclusive range of days.
    Range {
        /// First day.
        from: NaiveDate,
        /// Last day.
        to: NaiveDate,
    },
}

/// An agreement of the registry (`[agreements]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agreement {
    /// Short key events refer to (`moscow`).
    pub key: String,
    /// Full title, printed in the agreement column.
    pub title: Text,
    /// Where the key is in the data file.
    pub key_span: Span,
}

/// One event (`[[department.event]]`): a numbered row of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Key of its agreement in the registry.
    pub agreement: String,
    /// Where the `agreement` value is in the data file.
    pub agreement_span: Span,
    /// «Наименование мероприятия».
    pub title: Text,
    /// «Сроки проведения мероприятия».
    pub dates: Dates,
    /// Where the `dates` value is in the data file.
    pub dates_span: Span,
    /// «Место проведения мероприятия».
    pub place: Text,
    /// «Участники мероприятия».
    pub participants: Text,
    /// «Содержание и результат мероприятия».
    pub result: Text,
    /// Span of the whole `[[department.event]]` table.
    pub span: Span,
}

/// A department (`[[department]]`): a section row and its events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Department {
    /// The section row's text.
    pub name: Text,
    /// Its events, in file order.
    pub events: Vec<Event>,
}

/// The reporting period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    /// A quarter of a year.
    Quarter {
        /// The year.
        year: i32,
        /// 1–4.
        quarter: u8,
    },
    /// A whole year (the annual report).
    Year {
        /// The year.
        year: i32,
    },
}

impl Period {
    /// The period's year.
    pub fn year(&self) -> i32 {
        match *self {
            Period::Quarter { year, .. } | Period::Year { year } => year,
        }
    }

    /// First and last day of the period.
    pub fn bounds(&self) -> (NaiveDate, NaiveDate) {
        let (year, first_month, last_month) = match *self {
            Period::Quarter { year, quarter } => {
                let m = (quarter as u32 - 1) * 3 + 1;
                (year, m, m + 2)
            }
            Period::Year { year } => (year, 1, 12),
        };
        let from = NaiveDate::from_ymd_opt(year, first_month, 1).expect("valid period start");
        let to = if last_month == 12 {
            NaiveDate::from_ymd_opt(year, 12, 31)
        } else {
            NaiveDate::from_ymd_opt(year, last_month + 1, 1).and_then(|d| d.pred_opt())
        }
        .expect("valid period end");
        (from, to)
    }
}

/// A whole data file, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The reporting period.
    pub period: Period,
    /// The region, for the document's metadata.
    pub region: Option<String>,
    /// A title replacing the form's.
    pub title: Option<Text>,
    /// The quarter's due date (`due` in `[report]`), for the office
    /// server's sections; not printed.
    pub due: Option<chrono::NaiveDate>,
    /// Registry in file order.
    pub agreements: Vec<Agreement>,
    /// Departments in file order.
    pub departments: Vec<Department>,
}

impl Report {
    /// The registry entry of `key`.
    pub fn agreement(&self, key: &str) -> Option<&Agreement> {
        self.agreements.iter().find(|a| a.key == key)
    }

    /// Number of events in all departments.
    pub fn event_count(&self) -> usize {
        self.departments.iter().map(|d| d.events.len()).sum()
    }
}
