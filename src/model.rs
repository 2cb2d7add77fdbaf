//! The validated report model. Every text keeps the byte span of its value in
//! the source file, so later stages (e.g. the PDF font check) can point at it.

use std::ops::Range;

use chrono::NaiveDate;

/// Byte range in the source file.
pub type Span = Range<usize>;

/// A piece of user text with its location in the data file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub value: String,
    pub span: Span,
}

impl Text {
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
    Range { from: NaiveDate, to: NaiveDate },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agreement {
    pub key: String,
    pub title: Text,
    pub key_span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub agreement: String,
    pub agreement_span: Span,
    pub title: Text,
    pub dates: Dates,
    pub dates_span: Span,
    pub place: Text,
    pub participants: Text,
    pub result: Text,
    /// Span of the whole `[[department.event]]` table.
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Department {
    pub name: Text,
    pub events: Vec<Event>,
}

/// The reporting period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    Quarter { year: i32, quarter: u8 },
    Year { year: i32 },
}

impl Period {
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub period: Period,
    pub region: Option<String>,
    pub title: Option<Text>,
    /// Registry in file order.
    pub agreements: Vec<Agreement>,
    pub departments: Vec<Department>,
}

impl Report {
    pub fn agreement(&self, key: &str) -> Option<&Agreement> {
        self.agreements.iter().find(|a| a.key == key)
    }

    pub fn event_count(&self) -> usize {
        self.departments.iter().map(|d| d.events.len()).sum()
    }
}
