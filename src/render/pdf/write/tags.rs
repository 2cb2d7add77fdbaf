//! The logical structure of the tagged PDF (ISO 32000-1 §14.7–14.8, the
//! PDF/UA-1 rules for tables): Document > H1 (the title) > Table > THead
//! (one TR of TH cells, scope Column) and TBody (a TR per table row: a
//! department row is one TD spanning every column, a merged agreement one
//! TD spanning its group's rows). A cell's text on several pages stays one
//! element; the page content's marked sequences (MCIDs) are tied to the
//! elements both ways: each element's /K, and the ParentTree from each
//! page's /StructParents.

use lopdf::{dictionary, Dictionary, Document as Pdf, Object, ObjectId};

use crate::layout::{Merge, Row, Table};
use crate::render::pdf::engine::Owner;

/// One structure element being built.
struct Element {
    id: ObjectId,
    kind: &'static str,
    parent: ObjectId,
    /// Child elements, in reading order.
    kids: Vec<ObjectId>,
    /// Marked content: (page index, MCID), in page order.
    content: Vec<(usize, usize)>,
    attributes: Option<Dictionary>,
}

/// Table attributes of a cell (`/O /Table`).
fn table_attributes(entries: &[(&str, Object)]) -> Dictionary {
    let mut d = dictionary! { "O" => "Table" };
    for (k, v) in entries {
        d.set(*k, v.clone());
    }
    d
}

/// Builds the structure tree for `pages` (each page's object and the owner
/// of each of its MCIDs) and returns the StructTreeRoot.
pub(super) fn build(pdf: &mut Pdf, table: &Table, pages: &[(ObjectId, Vec<Owner>)]) -> ObjectId {
    let root = pdf.new_object_id();
    let mut all: Vec<Element> = Vec::new();
    let add = |pdf: &mut Pdf, all: &mut Vec<Element>, kind, parent: Option<usize>, attributes| {
        let id = pdf.new_object_id();
        let parent_id = parent.map_or(root, |p| all[p].id);
        if let Some(p) = parent {
            all[p].kids.push(id);
        }
        all.push(Element { id, kind, parent: parent_id, kids: Vec::new(), content: Vec::new(), attributes });
        all.len() - 1
    };
    let document = add(pdf, &mut all, "Document", None, None);
    let title = add(pdf, &mut all, "H1", Some(document), None);
    let table_el = add(pdf, &mut all, "Table", Some(document), None);
    let head = add(pdf, &mut all, "THead", Some(table_el), None);
    let head_row = add(pdf, &mut all, "TR", Some(head), None);
    let columns = table.header.len();
    let header: Vec<usize> = (0..columns)
        .map(|_| {
            let a = table_attributes(&[("Scope", "Column".into())]);
            add(pdf, &mut all, "TH", Some(head_row), Some(a))
        })
        .collect();
    let body = add(pdf, &mut all, "TBody", Some(table_el), None);
    // Element of each body cell: cells[row][col] (usize::MAX: none, as for
    // the agreement column of a group's later rows).
    let mut cells: Vec<Vec<usize>> = Vec::with_capacity(table.rows.len());
    for row in &table.rows {
        let tr = add(pdf, &mut all, "TR", Some(body), None);
        let mut these = Vec::with_capacity(columns);
        match row {
            Row::Department(_) => {
                let a = table_attributes(&[("ColSpan", (columns as i64).into())]);
                these.push(add(pdf, &mut all, "TD", Some(tr), Some(a)));
            }
            Row::Event(e) => {
                for col in 0..e.cells.len() {
                    let merged = col == crate::layout::AGREEMENT_COL;
                    let el = match e.merge {
                        Merge::Continue if merged => usize::MAX,
                        Merge::Start { rows } if merged => {
                            let a = table_attributes(&[("RowSpan", (rows as i64).into())]);
                            add(pdf, &mut all, "TD", Some(tr), Some(a))
                        }
                        _ => add(pdf, &mut all, "TD", Some(tr), None),
                    };
                    these.push(el);
                }
            }
        }
        cells.push(these);
    }

    // Marked content to elements, and the ParentTree (per page: MCID ->
    // element).
    let mut nums = Vec::with_capacity(2 * pages.len());
    for (p, (_, owners)) in pages.iter().enumerate() {
        let mut parents = Vec::with_capacity(owners.len());
        for (mcid, owner) in owners.iter().enumerate() {
            let el = match *owner {
                Owner::Title => title,
                Owner::Header(col) => header[col],
                Owner::Cell { row, col } => cells[row][col],
                Owner::Repeat | Owner::PageNumber => unreachable!("artifacts have no MCID"),
            };
            all[el].content.push((p, mcid));
            parents.push(Object::Reference(all[el].id));
        }
        nums.push(Object::Integer(p as i64));
        nums.push(Object::Array(parents));
    }
    let parent_tree = pdf.add_object(dictionary! { "Nums" => nums });
    let document_id = all[document].id;

    for el in all {
        let mut d = dictionary! { "Type" => "StructElem", "S" => el.kind, "P" => el.parent };
        if let Some(a) = el.attributes {
            d.set("A", a);
        }
        let mut k: Vec<Object> = el.kids.iter().map(|&id| Object::Reference(id)).collect();
        if let Some(&(first, _)) = el.content.first() {
            let page = pages[first].0;
            d.set("Pg", page);
            for &(p, mcid) in &el.content {
                k.push(if p == first {
                    Object::Integer(mcid as i64)
                } else {
                    Object::Dictionary(dictionary! { "Type" => "MCR", "Pg" => pages[p].0, "MCID" => mcid as i64 })
                });
            }
        }
        match k.len() {
            0 => {}
            1 => d.set("K", k.pop().expect("one kid")),
            _ => d.set("K", k),
        }
        pdf.objects.insert(el.id, Object::Dictionary(d));
    }
    pdf.objects.insert(
        root,
        Object::Dictionary(dictionary! {
            "Type" => "StructTreeRoot",
            "K" => document_id,
            "ParentTree" => parent_tree,
            "ParentTreeNextKey" => pages.len() as i64,
        }),
    );
    root
}
