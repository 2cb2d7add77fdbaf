//! The document outline (bookmarks): the report's title, under it each
//! department, and under a department whatever the table marks at level 2
//! (the quarters of an annual report); each points at the page and line
//! where its row starts.

use std::collections::HashMap;

use lopdf::{dictionary, Dictionary, Document as Pdf, Object, ObjectId};

use super::meta::text;
use crate::layout::Table;
use crate::render::pdf::engine::Owner;

/// One bookmark being built.
struct Item {
    title: String,
    at: (ObjectId, f32),
    kids: Vec<Item>,
}

/// Adds the outline's objects; returns the `/Outlines` dictionary's id
/// (none when the title was not drawn: an empty document).
pub(super) fn build(
    pdf: &mut Pdf,
    table: &Table,
    title: &str,
    first_at: &HashMap<Owner, (ObjectId, f32)>,
) -> Option<ObjectId> {
    let top = *first_at.get(&Owner::Title)?;
    let mut departments: Vec<Item> = Vec::new();
    for mark in &table.outline {
        let Some(&at) = first_at.get(&Owner::Cell { row: mark.row, col: 0 }) else { continue };
        let item = Item { title: mark.title.clone(), at, kids: Vec::new() };
        match (mark.level, departments.last_mut()) {
            (2, Some(d)) => d.kids.push(item),
            _ => departments.push(item),
        }
    }
    let root = Item { title: title.to_string(), at: top, kids: departments };
    let outlines = pdf.new_object_id();
    let (first, last, count) = items(pdf, std::slice::from_ref(&root), outlines);
    pdf.objects.insert(
        outlines,
        Object::Dictionary(dictionary! { "Type" => "Outlines", "First" => first, "Last" => last, "Count" => count }),
    );
    Some(outlines)
}

/// Writes `list` as siblings under `parent` (all open); returns the first
/// and last ids and the number of items shown.
fn items(pdf: &mut Pdf, list: &[Item], parent: ObjectId) -> (ObjectId, ObjectId, i64) {
    let ids: Vec<ObjectId> = list.iter().map(|_| pdf.new_object_id()).collect();
    let mut shown = 0;
    for (k, item) in list.iter().enumerate() {
        let (page, top) = item.at;
        let mut d: Dictionary = dictionary! {
            "Title" => text(&item.title),
            "Parent" => parent,
            "Dest" => vec![Object::Reference(page), "XYZ".into(), Object::Null, Object::Real(top), Object::Null],
        };
        if k > 0 {
            d.set("Prev", ids[k - 1]);
        }
        if k + 1 < ids.len() {
            d.set("Next", ids[k + 1]);
        }
        shown += 1;
        if !item.kids.is_empty() {
            let (first, last, count) = items(pdf, &item.kids, ids[k]);
            d.set("First", first);
            d.set("Last", last);
            d.set("Count", count);
            shown += count;
        }
        pdf.objects.insert(ids[k], Object::Dictionary(d));
    }
    (ids[0], ids[ids.len() - 1], shown)
}
