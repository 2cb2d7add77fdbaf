//! The changes DOCX of `otchet diff`: the new report laid out as `render`
//! lays it out, with Word's tracked changes against the old one — inserted
//! and deleted words (`w:ins`, `w:del` with `w:delText`), inserted and
//! deleted rows (`w:trPr/w:ins`, `w:trPr/w:del`), paragraph marks, and a
//! merged agreement cell's old merge in `w:tcPrChange`, so that accepting
//! every change gives the new report and rejecting every change the old.

use std::cell::Cell;
use std::io::Write;

use super::xml::{PPr, RPr, Revision, TcPr, TrPr, Xml};
use super::{jc, run_text, v_merge, Parts};
use crate::diff::{Change, Piece, Revised};
use crate::layout::{self, AGREEMENT_COL};
use crate::template::Template;

/// Author, date and the running id of the tracked changes; the changes of
/// a row (or the title) made by another known author carry that author's
/// name and time.
pub struct Marks {
    pub author: String,
    /// `YYYY-MM-DDTHH:MM:SSZ`.
    pub date: String,
    next: Cell<u32>,
    authors: Vec<(String, String)>,
    current: Cell<Option<usize>>,
}

impl Marks {
    pub fn new(author: &str, date: &str) -> Marks {
        Marks {
            author: author.to_string(),
            date: date.to_string(),
            next: Cell::new(1),
            authors: Vec::new(),
            current: Cell::new(None),
        }
    }

    /// The changes written from now on are `by` this author (an index into
    /// the revised report's authors), or the document's one author.
    pub fn by(&self, by: Option<usize>) {
        self.current.set(by.filter(|&i| i < self.authors.len()));
    }

    fn mark(&self, tag: &'static str) -> Revision<'_> {
        let id = self.next.get();
        self.next.set(id + 1);
        match self.current.get().map(|i| &self.authors[i]) {
            Some((author, date)) => Revision { tag, id, author, date },
            None => Revision { tag, id, author: &self.author, date: &self.date },
        }
    }
}

/// Renders the changes: `new` is the new report's table (page, header,
/// metadata), `rev` its rows and title with the changes.
pub fn render_revised(
    rev: &Revised,
    new: &layout::Table,
    t: &Template,
    author: &str,
    date: &str,
) -> Result<Vec<u8>, crate::render::Error> {
    // Corrections are read in Word beside the text typed there: automatic
    // hyphenation, no soft hyphens written into the text.
    let t = &t.auto_hyphenated();
    let parts: Parts = super::parts(new, t);
    let mut marks = Marks::new(author, date);
    marks.authors.clone_from(&rev.authors);
    super::package::pack(&parts, |out| super::write_document(out, new, t, &parts.stories, Some((rev, &marks))))
        .map_err(crate::render::Error::Package)
}

/// Pieces split into paragraphs at `\n`: each paragraph's pieces and how
/// its mark changed (the kind of the piece that held the `\n`).
fn split(pieces: &[Piece]) -> Vec<(Vec<(Kind, &str)>, Kind)> {
    let mut out = vec![(Vec::new(), Kind::Same)];
    for p in pieces {
        let (kind, text) = match p {
            Piece::Same(s) => (Kind::Same, s.as_str()),
            Piece::Ins(s) => (Kind::Ins, s.as_str()),
            Piece::Del(s) => (Kind::Del, s.as_str()),
        };
        let mut parts = text.split('\n');
        if let Some(first) = parts.next() {
            if !first.is_empty() {
                out.last_mut().expect("a paragraph").0.push((kind, first));
            }
        }
        for rest in parts {
            out.last_mut().expect("a paragraph").1 = kind;
            out.push((Vec::new(), Kind::Same));
            if !rest.is_empty() {
                out.last_mut().expect("a paragraph").0.push((kind, rest));
            }
        }
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Same,
    Ins,
    Del,
}

/// Paragraphs of a cell (or a title line) from its pieces.
pub(super) fn paragraphs(x: &mut Xml, pieces: &[Piece], ppr: &PPr, rpr: &RPr, marks: &Marks) {
    for (runs, mark) in split(pieces) {
        let text: String = runs.iter().map(|r| r.1).collect();
        let suppress = ppr.suppress_auto_hyphens || crate::text::has_address(&text);
        let mark_revision = match mark {
            Kind::Same => None,
            Kind::Ins => Some(marks.mark("w:ins")),
            Kind::Del => Some(marks.mark("w:del")),
        };
        x.open("w:p", &[]);
        PPr { suppress_auto_hyphens: suppress, mark_revision, ..*ppr }.write(x);
        for (kind, text) in runs {
            match kind {
                Kind::Same => {
                    x.open("w:r", &[]);
                    rpr.write(x);
                    run_text(x, text, "w:t");
                    x.close("w:r");
                }
                Kind::Ins | Kind::Del => {
                    let (tag, text_tag) = if kind == Kind::Ins { ("w:ins", "w:t") } else { ("w:del", "w:delText") };
                    marks.mark(tag).open(x, tag);
                    x.open("w:r", &[]);
                    rpr.write(x);
                    run_text(x, text, text_tag);
                    x.close("w:r");
                    x.close(tag);
                }
            }
        }
        x.close("w:p");
    }
}

/// The body rows with their changes.
pub(super) fn write_rows(
    out: &mut dyn Write,
    rev: &Revised,
    t: &Template,
    widths: &[u32],
    marks: &Marks,
    tall: &[bool],
) -> std::io::Result<()> {
    let total: u32 = widths.iter().sum();
    let department = RPr { bold: t.font.department_bold, ..RPr::default() };
    let plain = RPr::default();
    let mut x = Xml::with_capacity(16 * 1024);
    for row in &rev.rows {
        marks.by(row.by);
        x.clear();
        x.open("w:tr", &[]);
        let revision = match row.change {
            Change::Kept => None,
            Change::Inserted => Some(marks.mark("w:ins")),
            Change::Deleted => Some(marks.mark("w:del")),
        };
        let tall = row.new_row.is_some_and(|i| tall.get(i).copied().unwrap_or(false));
        TrPr { cant_split: !tall, header: false }.write_with(&mut x, revision);
        if row.department {
            x.open("w:tc", &[]);
            TcPr { width: total, grid_span: Some(widths.len()), v_merge: None, v_center: false }.write(&mut x);
            let ppr = PPr { keep_next: true, jc: Some("center"), ..PPr::default() };
            paragraphs(&mut x, row.cells.first().map_or(&[][..], Vec::as_slice), &ppr, &department, marks);
            x.close("w:tc");
        } else {
            for (i, pieces) in row.cells.iter().enumerate() {
                let now = TcPr { width: widths[i], grid_span: None, v_merge: v_merge(i, row.merge), v_center: false };
                let before = row
                    .merge_before
                    .filter(|_| i == AGREEMENT_COL)
                    .map(|m| (marks.mark("w:tcPrChange"), TcPr { v_merge: v_merge(i, m), ..now }));
                x.open("w:tc", &[]);
                now.write_with_change(&mut x, before);
                if pieces.is_empty() {
                    x.empty("w:p", &[]);
                } else {
                    let ppr = PPr { jc: Some(jc(t.column[i].align)), ..PPr::default() };
                    paragraphs(&mut x, pieces, &ppr, &plain, marks);
                }
                x.close("w:tc");
            }
        }
        x.close("w:tr");
        marks.by(None);
        out.write_all(x.0.as_bytes())?;
    }
    Ok(())
}
