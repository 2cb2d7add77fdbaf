//! PDF renderer (in progress).
use crate::diag::Diagnostic;
use crate::layout::Table;
use crate::template::Template;

pub fn check_glyphs(_table: &Table) -> Vec<Diagnostic> {
    Vec::new()
}

pub fn render(_table: &Table, _t: &Template) -> Result<Vec<u8>, String> {
    Err("PDF ещё не реализован".into())
}
