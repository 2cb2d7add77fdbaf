//! Renderers: logical table + template -> document bytes.

pub mod docx;
pub mod pdf;

use chrono::{DateTime, NaiveTime, Utc};

use crate::model::Period;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    /// Word document.
    Docx,
    /// PDF/A.
    Pdf,
}

impl Format {
    /// The file extension (`docx`, `pdf`).
    pub fn extension(self) -> &'static str {
        match self {
            Format::Docx => "docx",
            Format::Pdf => "pdf",
        }
    }
}

/// The fixed timestamp written into documents: `SOURCE_DATE_EPOCH` when
/// set, otherwise the last day of the report period at 00:00 UTC. The same
/// input therefore always gives the same bytes.
pub fn timestamp(period: Period) -> DateTime<Utc> {
    if let Some(t) = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| DateTime::<Utc>::from_timestamp(secs, 0))
    {
        return t;
    }
    period.bounds().1.and_time(NaiveTime::MIN).and_utc()
}
