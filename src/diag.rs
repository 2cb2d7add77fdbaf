//! Diagnostics: errors and warnings with source locations, rendered in
//! Russian in the `file:line:col: message` form followed by the offending
//! source line (via annotate-snippets), as cargo does.

use std::fmt::Write as _;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use crate::model::Span;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Reported; the documents are still written.
    Warning,
    /// Nothing is written.
    Error,
}

/// One problem found in an input, in Russian, with where it is and what to
/// do about it (rendered as cargo renders its errors).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Where in the source, if anywhere.
    pub span: Option<Span>,
    /// What is wrong, in Russian.
    pub message: String,
    /// Short text under the highlighted source.
    pub label: Option<String>,
    /// What to do about it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error (nothing is written).
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Error, span: None, message: message.into(), label: None, help: None }
    }

    /// A warning (the documents are still written).
    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(message) }
    }

    /// Located at `span` of the source.
    pub fn at(mut self, span: Span) -> Self {
        self.span = Some(span);
        self
    }

    /// With a short text under the highlighted source.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// With advice on what to do.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Is this an error (not a warning)?
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// A file that could not be loaded: the diagnostics, and the source to show
/// them against when it could be read.
#[derive(Debug)]
pub struct Failure {
    /// The file (empty text when it could not be read).
    pub source: Source,
    /// Everything found wrong, errors and warnings.
    pub diagnostics: Vec<Diagnostic>,
}

/// A Russian description of an I/O error.
pub fn io_error(what: &str, e: &std::io::Error) -> Diagnostic {
    let (why, help) = io_words(e);
    Diagnostic::error(format!("{what}: {why}")).help(help)
}

/// Why an I/O operation failed, in Russian (the system's own English text
/// is never shown; an unusual error is named by its code).
pub fn io_reason(e: &std::io::Error) -> String {
    io_words(e).0
}

fn io_words(e: &std::io::Error) -> (String, &'static str) {
    use std::io::ErrorKind::{
        AddrInUse, AddrNotAvailable, AlreadyExists, FileTooLarge, InvalidInput, IsADirectory, NotADirectory, NotFound,
        PermissionDenied, QuotaExceeded, ReadOnlyFilesystem, StorageFull,
    };
    let (why, help) = match e.kind() {
        NotFound => ("нет такого файла или каталога", "проверьте путь"),
        PermissionDenied => ("нет прав доступа", "проверьте права на файл или каталог"),
        AlreadyExists => ("файл уже существует", "укажите другое имя или удалите старый файл"),
        IsADirectory => ("это каталог", "укажите путь к файлу"),
        NotADirectory => ("часть пути — файл, а не каталог", "проверьте путь"),
        ReadOnlyFilesystem => ("файловая система только для чтения", "укажите другой каталог"),
        StorageFull | QuotaExceeded => ("нет места на диске", "освободите место на диске и повторите"),
        FileTooLarge => ("файл слишком велик", "проверьте, что выбран нужный файл"),
        AddrInUse => ("порт уже занят другой программой", "укажите другой порт"),
        AddrNotAvailable => ("такого адреса нет на этом компьютере", "проверьте адрес"),
        InvalidInput if e.get_ref().is_some() => {
            return (e.get_ref().map(ToString::to_string).unwrap_or_default(), "проверьте файл");
        }
        _ => {
            let why = match e.raw_os_error() {
                Some(code) => format!("ошибка ввода-вывода (код {code})"),
                None => "ошибка ввода-вывода".to_string(),
            };
            return (why, "повторите; если ошибка не исчезнет, проверьте диск");
        }
    };
    (why.to_string(), help)
}

/// A source file as the user named it, for locating diagnostics.
#[derive(Debug, Clone)]
pub struct Source {
    /// The path as given on the command line.
    pub name: String,
    /// Its text.
    pub text: String,
    /// Byte offsets of the line starts, computed on first use, so that
    /// locating many diagnostics costs a binary search each.
    lines: std::sync::OnceLock<Vec<usize>>,
}

impl Source {
    /// A source named `name` with `text`.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        Source { name: name.into(), text: text.into(), lines: std::sync::OnceLock::new() }
    }

    fn line_starts(&self) -> &[usize] {
        self.lines.get_or_init(|| std::iter::once(0).chain(self.text.match_indices('\n').map(|(i, _)| i + 1)).collect())
    }

    /// 0-based line index of a byte offset and the byte range of that line
    /// (without its line end).
    fn line_of(&self, offset: usize) -> (usize, std::ops::Range<usize>) {
        let starts = self.line_starts();
        let line = starts.partition_point(|&s| s <= offset) - 1;
        let end = starts.get(line + 1).map_or(self.text.len(), |&s| s - 1);
        (line, starts[line]..end)
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let (line, range) = self.line_of(offset);
        let col = self.text[range.start..offset].chars().count() + 1;
        (line + 1, col)
    }

    /// `file:line:col` of a byte offset.
    pub fn location(&self, offset: usize) -> String {
        let (line, col) = self.line_col(offset);
        format!("{}:{}:{}", self.name, line, col)
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Diagnostics of one kind shown in full; the rest are counted.
pub const SHOWN_PER_KIND: usize = 5;

/// The kind of a message: its text with the quoted and numeric parts
/// (names, keys, line numbers) left out.
fn kind(d: &Diagnostic) -> (Severity, String) {
    let mut out = String::with_capacity(d.message.len());
    let mut quoted = 0usize;
    for c in d.message.chars() {
        match c {
            '«' => {
                quoted += 1;
                out.push(c);
            }
            '»' => {
                quoted = quoted.saturating_sub(1);
                out.push(c);
            }
            _ if quoted > 0 => {}
            c if c.is_ascii_digit() => {}
            c => out.push(c),
        }
    }
    (d.severity, out)
}

/// Renders diagnostics for the terminal (or a test). `color` adds ANSI
/// styles. Of many diagnostics of one kind (the same message about other
/// names), the first [`SHOWN_PER_KIND`] are shown and the rest counted.
pub fn render(diags: &[Diagnostic], source: &Source, color: bool) -> String {
    let renderer = if color { Renderer::styled() } else { Renderer::plain() };
    let mut out = String::new();
    // Per kind: how many seen, and where its entry in `hidden` is.
    let mut seen: std::collections::HashMap<(Severity, String), (usize, Option<usize>)> =
        std::collections::HashMap::new();
    let mut hidden: Vec<(Severity, &Diagnostic, usize)> = Vec::new();
    for d in diags {
        let (n, at) = seen.entry(kind(d)).or_insert((0, None));
        *n += 1;
        if *n > SHOWN_PER_KIND {
            match at {
                Some(i) => hidden[*i].2 += 1,
                None => {
                    *at = Some(hidden.len());
                    hidden.push((d.severity, d, 1));
                }
            }
            continue;
        }
        // Errors follow the contract's `file:line:col: message` form exactly;
        // warnings say that they are warnings.
        let place = match &d.span {
            Some(span) => source.location(span.start),
            None => source.name.clone(),
        };
        let head = match d.severity {
            Severity::Error => place,
            Severity::Warning => format!("{place}: предупреждение"),
        };
        let level = match d.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let mut group = Group::with_title(level.with_name(Some(head)).primary_title(d.message.as_str()));
        if let Some(span) = &d.span {
            // Only the lines the span covers are handed to the renderer, so
            // each diagnostic costs its own lines, not the whole file.
            let text = source.text.as_str();
            let start = floor_char_boundary(text, span.start.min(text.len()));
            let end = floor_char_boundary(text, span.end.min(text.len())).max(start);
            let (first, lines) = source.line_of(start);
            let (_, last) = source.line_of(end);
            let shown = &text[lines.start..last.end.max(lines.start)];
            let mut ann = AnnotationKind::Primary.span(start - lines.start..(end - lines.start).min(shown.len()));
            if let Some(label) = &d.label {
                ann = ann.label(label.as_str());
            }
            group = group.element(Snippet::source(shown).line_start(first + 1).annotation(ann));
        }
        if let Some(help) = &d.help {
            group = group.element(Level::HELP.with_name(Some("подсказка")).message(help.as_str()));
        }
        let _ = writeln!(out, "{}", renderer.render(&[group]));
    }
    for (severity, first, count) in hidden {
        let what = match severity {
            Severity::Error => "ошибок",
            Severity::Warning => "предупреждений",
        };
        let _ = writeln!(out, "{}: … и ещё {count} таких же {what}, как «{}»\n", source.name, first.message);
    }
    out
}

/// One-line summary, e.g. `ошибок: 2, предупреждений: 1`.
pub fn summary(diags: &[Diagnostic]) -> String {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    format!("ошибок: {errors}, предупреждений: {warnings}")
}

/// Reads at most `limit` bytes of the file at `path` (`what` it is, its
/// usual `extension`, and `help` when it is too large, for the messages).
pub fn read_bounded(
    path: &std::path::Path,
    what: &str,
    extension: &str,
    limit: u64,
    help: &str,
) -> Result<Vec<u8>, Diagnostic> {
    use std::io::Read;
    if path.is_dir() {
        return Err(
            Diagnostic::error(format!("это каталог, а не {what}")).help(format!("укажите путь к файлу {extension}"))
        );
    }
    let file = std::fs::File::open(path).map_err(|e| io_error("не удалось открыть файл", &e))?;
    let too_big = |size: String| {
        Diagnostic::error(format!("файл слишком велик: {size} МБ, допустимо не более {} МБ", limit / (1024 * 1024)))
            .help(help)
    };
    // A regular file says its size: refused before reading.
    if let Some(meta) = file.metadata().ok().filter(|m| m.is_file() && m.len() > limit) {
        return Err(too_big((meta.len() / (1024 * 1024)).to_string()));
    }
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes).map_err(|e| io_error("не удалось прочитать файл", &e))?;
    if bytes.len() as u64 > limit {
        return Err(too_big(format!("больше {}", limit / (1024 * 1024))));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters() {
        let s = Source::new("f.toml", "а = 1\nбв = \"x\"\n");
        assert_eq!(s.line_col(0), (1, 1));
        let off = s.text.find("\"x\"").unwrap();
        assert_eq!(s.line_col(off), (2, 6));
        assert_eq!(s.location(off), "f.toml:2:6");
    }

    #[test]
    fn rendering_names_file_line_and_column() {
        let src = Source::new("q.toml", "[report]\nyear = 1999\n");
        let off = src.text.find("1999").unwrap();
        let d = Diagnostic::error("год вне диапазона").at(off..off + 4).label("здесь").help("укажите год");
        let out = render(&[d], &src, false);
        assert!(out.starts_with("q.toml:2:8: год вне диапазона"), "{out}");
        assert!(out.contains("year = 1999"), "{out}");
        assert!(out.contains("подсказка: укажите год"), "{out}");
    }
}
