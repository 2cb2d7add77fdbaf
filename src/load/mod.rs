//! Loading: bytes -> validated [`Report`], collecting every problem of the
//! file (not only the first) as [`Diagnostic`]s with source spans.
//!
//! The file is parsed into toml's spanned document tree (`DeTable`) and
//! walked by hand, so that each missing field, wrong type, unknown key or
//! bad value gets its own message at its own line and column.

mod cross;
mod report;
mod syntax;
mod template;
pub(crate) mod walk;

pub use template::key_span as template_key_span;

pub use report::{AGREEMENT_NOT_CHOSEN, YEARS};
pub use walk::Glyphs;

use std::path::Path;

pub use crate::diag::{io_error, read_bounded, Failure};
use crate::diag::{Diagnostic, Source};
use crate::model::Report;

/// Larger input files are refused before reading them.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;
/// Longest accepted text of one field, in characters.
pub const MAX_TEXT_CHARS: usize = 50_000;
/// Most events accepted in one file.
pub const MAX_EVENTS: usize = 100_000;

/// The UTF-8 byte order mark (Notepad writes it).
const UTF8_BOM: &[u8] = &[0xEF, 0xBB, 0xBF];

/// A successfully loaded report with its warnings.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The decoded text, for diagnostics.
    pub source: Source,
    /// The file began with a UTF-8 byte order mark (dropped from `source`).
    pub bom: bool,
    /// The validated report.
    pub report: Report,
    /// Warnings found on the way.
    pub warnings: Vec<Diagnostic>,
}

impl Loaded {
    /// The file's exact bytes, as read (the PDF carries them): decoding
    /// only drops the byte order mark, so they are rebuilt from the text
    /// when wanted rather than kept beside it for every load.
    pub fn raw_bytes(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(self.source.text.len() + 3);
        if self.bom {
            bytes.extend_from_slice(UTF8_BOM);
        }
        bytes.extend_from_slice(self.source.text.as_bytes());
        bytes
    }
}

/// Reads and validates a data file.
pub fn load_file(path: &Path) -> Result<Loaded, Failure> {
    load_file_with(path, None)
}

/// Reads and validates a data file, also asking the PDF fonts about every
/// character of its texts (reported with all other problems).
pub fn load_file_with(path: &Path, glyphs: Option<Glyphs<'_>>) -> Result<Loaded, Failure> {
    let name = path.display().to_string();
    let bytes = read_file(path, "файл данных")
        .map_err(|d| Failure { source: Source::new(name.clone(), String::new()), diagnostics: vec![d] })?;
    load_bytes_with(&name, &bytes, glyphs)
}

/// Reads a file otchet takes as input, never more than [`MAX_FILE_BYTES`]:
/// a device, a pipe or an endless stream is refused past the limit as a
/// large file is (its length cannot be known in advance).
pub fn read_file(path: &Path, what: &str) -> Result<Vec<u8>, Diagnostic> {
    let help = "проверьте, что указан файл данных отчета; большой отчет разделите по кварталам";
    read_bounded(path, what, ".toml", MAX_FILE_BYTES, help)
}

/// Decodes the bytes (UTF-8, optional BOM) and validates the report.
pub fn load_bytes(name: &str, bytes: &[u8]) -> Result<Loaded, Failure> {
    load_bytes_with(name, bytes, None)
}

/// [`load_bytes`] with the PDF fonts' glyph check.
pub fn load_bytes_with(name: &str, bytes: &[u8], glyphs: Option<Glyphs<'_>>) -> Result<Loaded, Failure> {
    let source = decode(name, bytes)?;
    let (report, diagnostics) = parse_with(&source, glyphs);
    match report {
        Some(report) if !diagnostics.iter().any(Diagnostic::is_error) => {
            Ok(Loaded { source, bom: bytes.starts_with(UTF8_BOM), report, warnings: diagnostics })
        }
        _ => Err(Failure { source, diagnostics }),
    }
}

/// Text decoding: UTF-8 with an optional BOM; UTF-16 and other encodings are
/// refused with a hint.
pub fn decode(name: &str, bytes: &[u8]) -> Result<Source, Failure> {
    let fail = |d: Diagnostic| Failure { source: Source::new(name, String::new()), diagnostics: vec![d] };
    let resave = "откройте файл в редакторе и сохраните его в кодировке UTF-8";
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) || looks_like_utf16(bytes) {
        return Err(fail(Diagnostic::error("файл в кодировке UTF-16, а нужна UTF-8").help(resave)));
    }
    let bytes = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(Source::new(name, text)),
        Err(e) => {
            let valid = e.valid_up_to();
            let text = String::from_utf8_lossy(bytes).into_owned();
            // The lossy text has the same prefix, so the offset is valid there.
            let source = Source::new(name, text);
            let d = Diagnostic::error(format!(
                "файл не в кодировке UTF-8 (байт 0x{:02X}); вероятно, он сохранен в Windows-1251",
                bytes[valid]
            ))
            .at(valid..valid + 1)
            .help(resave);
            Err(Failure { source, diagnostics: vec![d] })
        }
    }
}

fn looks_like_utf16(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(200)];
    head.len() >= 4 && head.iter().filter(|&&b| b == 0).count() * 4 >= head.len()
}

/// Parses and validates; the report is returned only if it could be built
/// (it may still come with errors from cross-checks).
pub fn parse(source: &Source) -> (Option<Report>, Vec<Diagnostic>) {
    parse_with(source, None)
}

fn parse_with(source: &Source, glyphs: Option<Glyphs<'_>>) -> (Option<Report>, Vec<Diagnostic>) {
    let text = source.text.as_str();
    if text.trim().is_empty() {
        return (
            None,
            vec![Diagnostic::error("файл пуст")
                .help("начните с раздела [report] с полями year и quarter; пример — в README.md")],
        );
    }
    let (doc, errors) = toml::de::DeTable::parse_recoverable(text);
    let mut cx = report::Cx::new(text);
    cx.w.glyphs = glyphs;
    if !errors.is_empty() {
        for e in errors {
            let d = syntax::syntax_error(&e, text);
            // One fault often breaks the parse twice at one place.
            if !cx.diags.iter().any(|o| o.span == d.span && o.message == d.message) {
                cx.diags.push(d);
            }
        }
        return (None, cx.w.diags);
    }
    let report = cx.report(&doc);
    let mut diags = cx.w.diags;
    // In file order; diagnostics without a place first.
    diags.sort_by_key(|d| d.span.as_ref().map_or(0, |s| s.start + 1));
    (report, diags)
}

/// The report as far as it can be read, for showing the table while the
/// data has errors: every department and event kept, faulty values left
/// empty. `None` when the file cannot be parsed or has no period. Never
/// for documents: those are made only from data without errors.
pub fn parse_lenient(source: &Source) -> Option<Report> {
    let text = source.text.as_str();
    let (doc, errors) = toml::de::DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        return None;
    }
    let mut cx = report::Cx::new(text);
    cx.lenient = true;
    let report = cx.report(&doc)?;
    // Every event kept, or the rows would not be the data's.
    let events: usize = report.departments.iter().map(|d| d.events.len()).sum();
    (events == cx.event_items).then_some(report)
}

/// The closest known key, for "did you mean".
pub fn suggest<'a>(unknown: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    known
        .into_iter()
        .map(|k| (strsim::levenshtein(unknown, k), k))
        .filter(|(d, k)| *d <= 2.max(k.chars().count() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(suggest("moskow", ["moscow", "tver"]), Some("moscow"));
        assert_eq!(suggest("titel", ["agreement", "title", "dates"]), Some("title"));
        assert_eq!(suggest("zzzzzz", ["moscow"]), None);
    }
}
