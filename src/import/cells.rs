//! Table rows as the report reads them: cells with horizontal merges
//! joined, the header told by its column titles, number cells.

use super::docx::{self, VMerge};
use crate::template::{Template, COLUMNS};
use crate::text::normalize_title;

/// A table cell as the report reads it: horizontal merges joined.
#[derive(Debug, Clone, Default)]
pub(super) struct LCell {
    /// Its text (paragraphs joined by `\n`).
    pub text: String,
    /// Shows automatic list numbering.
    pub numbered: bool,
    /// Vertical merge.
    pub v_merge: Option<VMerge>,
    /// Grid columns covered.
    pub cols: usize,
    /// Footnotes, and pictures or objects, not read.
    pub unread: (usize, usize),
    /// A drop-down list in it.
    pub choice: Option<docx::Choice>,
}

/// A row's cells with horizontal merges joined and skipped grid columns
/// as empty cells.
pub(super) fn logical(row: &docx::Row) -> Vec<LCell> {
    let mut out: Vec<LCell> = (0..row.grid_before).map(|_| LCell { cols: 1, ..LCell::default() }).collect();
    for c in &row.cells {
        match out.last_mut() {
            Some(prev) if c.h_continue => prev.cols += c.span,
            _ => out.push(LCell {
                text: c.text(),
                numbered: c.numbered(),
                v_merge: c.v_merge,
                cols: c.span,
                unread: c.unread(),
                choice: c.choice.clone(),
            }),
        }
    }
    // Grid columns left empty after the last cell are empty cells, as the
    // ones skipped before the first are.
    out.extend((0..row.grid_after).map(|_| LCell { cols: 1, ..LCell::default() }));
    out
}

/// The texts of a row's cells that are not empty, left to right.
pub(super) fn texts(row: &docx::Row) -> Vec<String> {
    logical(row).into_iter().map(|c| c.text).filter(|t| !t.is_empty()).collect()
}

/// Are two column titles the same, up to case, spacing, line breaks,
/// punctuation and small slips?
pub(super) fn same_heading(found: &str, want: &str) -> bool {
    let (a, b) = (normalize_title(found), normalize_title(want));
    // A text far longer or shorter than the title cannot be 0.8 alike (the
    // distance is at least the difference in length): no quadratic
    // comparison for a long cell.
    let (al, bl) = (a.chars().count(), b.chars().count());
    if al.abs_diff(bl) * 5 > al.max(bl) {
        return false;
    }
    a == b || (!a.is_empty() && strsim::normalized_levenshtein(&a, &b) >= 0.8)
}

/// Is the row the report's header (at least 5 of the 7 titles)?
pub(super) fn is_header(cells: &[LCell], t: &Template) -> bool {
    // An event row (a number first) is never the header: the cheap test
    // keeps the comparison off the body rows.
    cells.len() == COLUMNS
        && number(&cells[0].text).is_none()
        && cells.iter().zip(&t.column).filter(|(c, col)| same_heading(&c.text, &col.title)).count() >= COLUMNS - 2
}

/// A row numbering the columns: `1 2 3 … 7`.
pub(super) fn is_column_numbers(cells: &[LCell]) -> bool {
    cells.len() == COLUMNS && cells.iter().enumerate().all(|(i, c)| number(&c.text) == Some(i + 1))
}

/// The number of a number cell: `1.`, `1`, `1)`.
pub(super) fn number(s: &str) -> Option<usize> {
    let digits = s.trim().trim_end_matches(['.', ')']);
    (!digits.is_empty() && digits.len() <= 6 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()
}

/// "ячейка" agreeing with a number.
pub(super) fn cells_word(n: usize) -> &'static str {
    match (n % 10, n % 100) {
        (1, r) if r != 11 => "ячейка",
        (2..=4, r) if !(12..=14).contains(&r) => "ячейки",
        _ => "ячеек",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_columns_before_and_after_are_empty_cells() {
        let cell = "<w:tc><w:p><w:r><w:t>т</w:t></w:r></w:p></w:tc>";
        let xml = format!(
            "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body><w:tbl>\
             <w:tr><w:trPr><w:gridBefore w:val=\"1\"/><w:gridAfter w:val=\"2\"/></w:trPr>{}</w:tr></w:tbl></w:body></w:document>",
            cell.repeat(4)
        );
        let blocks = crate::import::docx::body(&xml).unwrap();
        let crate::import::docx::Block::Table(t) = &blocks[0] else { panic!("a table") };
        let cells = logical(&t.rows[0]);
        assert_eq!(cells.len(), 7);
        assert_eq!(cells.iter().map(|c| c.text.as_str()).collect::<Vec<_>>(), ["", "т", "т", "т", "т", "", ""]);
    }

    #[test]
    fn numbers_and_cell_words() {
        assert_eq!(number("12."), Some(12));
        assert_eq!(number("3)"), Some(3));
        assert_eq!(number(" 7 "), Some(7));
        assert_eq!(number("Итого"), None);
        assert_eq!(number(""), None);
        assert_eq!(cells_word(1), "ячейка");
        assert_eq!(cells_word(3), "ячейки");
        assert_eq!(cells_word(6), "ячеек");
        assert_eq!(cells_word(11), "ячеек");
    }
}
