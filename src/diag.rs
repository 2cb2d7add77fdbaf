//! Diagnostics: errors and warnings with source locations, rendered in
//! Russian in the `file:line:col: message` form followed by the offending
//! source line (via annotate-snippets), as cargo does.

use std::fmt::Write as _;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use crate::model::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Where in the source, if anywhere.
    pub span: Option<Span>,
    pub message: String,
    /// Short text under the highlighted source.
    pub label: Option<String>,
    /// What to do about it.
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Error, span: None, message: message.into(), label: None, help: None }
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(message) }
    }

    pub fn at(mut self, span: Span) -> Self {
        self.span = Some(span);
        self
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// A source file as the user named it, for locating diagnostics.
#[derive(Debug, Clone)]
pub struct Source {
    /// The path as given on the command line.
    pub name: String,
    pub text: String,
}

impl Source {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        Source { name: name.into(), text: text.into() }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = before[line_start..].chars().count() + 1;
        (line, col)
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

/// Renders diagnostics for the terminal (or a test). `color` adds ANSI styles.
pub fn render(diags: &[Diagnostic], source: &Source, color: bool) -> String {
    let renderer = if color { Renderer::styled() } else { Renderer::plain() };
    let mut out = String::new();
    for d in diags {
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
            let text = source.text.as_str();
            let start = floor_char_boundary(text, span.start.min(text.len()));
            let end = floor_char_boundary(text, span.end.min(text.len())).max(start);
            let mut ann = AnnotationKind::Primary.span(start..end);
            if let Some(label) = &d.label {
                ann = ann.label(label.as_str());
            }
            group = group.element(Snippet::source(text).line_start(1).annotation(ann));
        }
        if let Some(help) = &d.help {
            group = group.element(Level::HELP.with_name(Some("подсказка")).message(help.as_str()));
        }
        let _ = writeln!(out, "{}", renderer.render(&[group]));
    }
    out
}

/// One-line summary, e.g. `ошибок: 2, предупреждений: 1`.
pub fn summary(diags: &[Diagnostic]) -> String {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    format!("ошибок: {errors}, предупреждений: {warnings}")
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
