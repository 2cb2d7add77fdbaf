//! The logical structure of the tagged PDF (ISO 32000-1 §14.7–14.8, the
//! PDF/UA-1 rules for tables): Document > H1 (the title) > Table > THead
//! (one TR of TH cells, scope Column) and TBody (a TR per table row: a
//! department row is one TD spanning every column, a merged agreement one
//! TD spanning its group's rows). A cell's text on several pages stays one
//! element; the page content's marked sequences (MCIDs) are tied to the
//! elements both ways: each element's /K, and the ParentTree from each
//! page's /StructParents.
//!
//! A long report has tens of thousands of elements: they are written here
//! as compact PDF text for object streams (see [`super::file`]), not built
//! as dictionaries.

use std::fmt::Write as _;

use super::file::Raw;
use crate::layout::{Merge, Row, Table};
use crate::render::pdf::engine::Owner;

/// A structure element's attributes (`/A`, owner Table).
#[derive(Clone, Copy)]
enum Attr {
    None,
    Scope,
    RowSpan(usize),
    ColSpan(usize),
}

/// One structure element being built.
struct Element {
    kind: &'static str,
    /// Index of the parent element (None: the tree root).
    parent: Option<usize>,
    kids: Vec<usize>,
    /// Marked content: (page index, MCID), in page order.
    content: Vec<(u32, u32)>,
    attr: Attr,
}

/// The structure tree of the pages (each page's object number and the owner
/// of each of its MCIDs), as objects numbered from `first_id` on; the first
/// is the StructTreeRoot.
pub(super) fn build(table: &Table, pages: &[(u32, Vec<Owner>)], first_id: u32) -> Raw {
    let mut all: Vec<Element> = Vec::with_capacity(8 * table.rows.len() + 16);
    let add = |all: &mut Vec<Element>, kind, parent: Option<usize>, attr| {
        let n = all.len();
        if let Some(p) = parent {
            all[p].kids.push(n);
        }
        all.push(Element { kind, parent, kids: Vec::new(), content: Vec::new(), attr });
        n
    };
    let document = add(&mut all, "Document", None, Attr::None);
    let title = add(&mut all, "H1", Some(document), Attr::None);
    let table_el = add(&mut all, "Table", Some(document), Attr::None);
    let head = add(&mut all, "THead", Some(table_el), Attr::None);
    let head_row = add(&mut all, "TR", Some(head), Attr::None);
    let columns = table.header.len();
    let header: Vec<usize> = (0..columns).map(|_| add(&mut all, "TH", Some(head_row), Attr::Scope)).collect();
    let body = add(&mut all, "TBody", Some(table_el), Attr::None);
    // The element of each body cell: first of the row, then by column
    // (usize::MAX: none, as for the agreement of a group's later rows).
    let mut cells: Vec<[usize; 8]> = Vec::with_capacity(table.rows.len());
    for row in &table.rows {
        let tr = add(&mut all, "TR", Some(body), Attr::None);
        let mut these = [usize::MAX; 8];
        match row {
            Row::Department(_) => these[0] = add(&mut all, "TD", Some(tr), Attr::ColSpan(columns)),
            Row::Event(e) => {
                for (col, slot) in these.iter_mut().enumerate().take(e.cells.len()) {
                    let merged = col == crate::layout::AGREEMENT_COL;
                    *slot = match e.merge {
                        Merge::Continue if merged => usize::MAX,
                        Merge::Start { rows } if merged => add(&mut all, "TD", Some(tr), Attr::RowSpan(rows)),
                        _ => add(&mut all, "TD", Some(tr), Attr::None),
                    };
                }
            }
        }
        cells.push(these);
    }

    // Object numbers: the root, the ParentTree, then the elements in order.
    let id = |el: usize| first_id + 2 + el as u32;
    let mut raw = Raw::default();
    raw.push(
        first_id,
        &format!(
            "<</Type/StructTreeRoot/K {} 0 R/ParentTree {} 0 R/ParentTreeNextKey {}>>",
            id(document),
            first_id + 1,
            pages.len()
        ),
    );
    // The ParentTree (per page: MCID -> element), filling in the elements'
    // content as it goes.
    let mut tree = String::with_capacity(16 * pages.iter().map(|p| p.1.len()).sum::<usize>() + 16);
    tree.push_str("<</Nums[");
    for (p, (_, owners)) in pages.iter().enumerate() {
        let _ = write!(tree, "{p}[");
        for (mcid, owner) in owners.iter().enumerate() {
            let el = match *owner {
                Owner::Title => title,
                Owner::Header(col) => header[col],
                Owner::Cell { row, col } => cells[row][col],
                Owner::Repeat | Owner::PageNumber => unreachable!("artifacts have no MCID"),
            };
            all[el].content.push((p as u32, mcid as u32));
            let _ = write!(tree, "{} 0 R ", id(el));
        }
        tree.push(']');
    }
    tree.push_str("]>>");
    raw.push(first_id + 1, &tree);
    drop(tree);

    let mut s = String::with_capacity(128);
    for (n, el) in all.iter().enumerate() {
        s.clear();
        let parent = el.parent.map_or(first_id, id);
        let _ = write!(s, "<</S/{}/P {parent} 0 R", el.kind);
        match el.attr {
            Attr::None => {}
            Attr::Scope => s.push_str("/A<</O/Table/Scope/Column>>"),
            Attr::RowSpan(n) => {
                let _ = write!(s, "/A<</O/Table/RowSpan {n}>>");
            }
            Attr::ColSpan(n) => {
                let _ = write!(s, "/A<</O/Table/ColSpan {n}>>");
            }
        }
        let first_page = el.content.first().map(|c| c.0);
        if let Some(p) = first_page {
            let _ = write!(s, "/Pg {} 0 R", pages[p as usize].0);
        }
        let k = el.kids.len() + el.content.len();
        if k > 0 {
            s.push_str("/K");
            if k > 1 {
                s.push('[');
            }
            for &kid in &el.kids {
                let _ = write!(s, " {} 0 R", id(kid));
            }
            for &(p, mcid) in &el.content {
                if Some(p) == first_page {
                    let _ = write!(s, " {mcid}");
                } else {
                    let _ = write!(s, "<</Type/MCR/Pg {} 0 R/MCID {mcid}>>", pages[p as usize].0);
                }
            }
            if k > 1 {
                s.push(']');
            }
        }
        s.push_str(">>");
        raw.push(id(n), &s);
    }
    raw
}
