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

/// Why a document could not be produced. The data are checked before
/// rendering, so these are faults of a font file or of otchet itself.
#[derive(Debug)]
pub enum Error {
    /// A font could not be read or subset.
    Font(String),
    /// The PDF writer failed (compression, a worker thread).
    Pdf(String),
    /// The DOCX package could not be written.
    Package(zip::result::ZipError),
    /// A renderer's thread stopped.
    Internal,
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Font(m) => write!(f, "шрифт: {m}"),
            Error::Pdf(m) => write!(f, "PDF: {m}"),
            Error::Package(e) => write!(f, "упаковка DOCX: {e}"),
            Error::Internal => write!(f, "внутренняя ошибка"),
        }
    }
}

impl std::error::Error for Error {}

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
