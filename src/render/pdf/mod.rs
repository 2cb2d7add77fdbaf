//! PDF renderer: the layout [`engine`] positions every line; [`write`]
//! serializes the result, embedding Liberation Serif (subset by the subsetter crate,
//! with a ToUnicode map) under fixed resource names, with fixed dates and a
//! document id derived from the content, so the bytes are reproducible.

pub mod engine;
pub mod hyphen;
pub mod write;

use std::hash::{Hash, Hasher};

use crate::fonts;

use std::collections::BTreeMap;

use crate::layout::{Row, Table};
use crate::template::Template;

/// Resource names; the first six letters double as the subset tag.
const REGULAR_ID: &str = "OTCHRG";
const BOLD_ID: &str = "OTCHBD";
const SANS_ID: &str = "OTCHSR";
const SANS_BOLD_ID: &str = "OTCHSB";

pub use write::Attachment;

/// Renders the logical table to PDF bytes, embedding `files` (the source
/// data) as associated files.
pub fn render(table: &Table, t: &Template, files: &[Attachment<'_>]) -> Result<Vec<u8>, super::Error> {
    let set = fonts::FontSet::of(t);
    let used = used_glyphs(table, t, set);
    // The fallback faces are read, parsed and embedded only when a text
    // needs them; otherwise the text face stands in (never drawn).
    let fallback = if used[2].is_empty() && used[3].is_empty() {
        [set.regular, set.bold]
    } else {
        let f = fonts::FontSet::fallback();
        [f.regular, f.bold]
    };
    let all = [(REGULAR_ID, set.regular), (BOLD_ID, set.bold), (SANS_ID, fallback[0]), (SANS_BOLD_ID, fallback[1])];
    let mut faces = Vec::with_capacity(4);
    for (k, (tag, face)) in all.into_iter().enumerate() {
        let bytes = (k < 2 || !used[k].is_empty()).then_some(face.bytes);
        faces.push(write::Face {
            tag,
            postscript_name: &face.postscript_name,
            metrics: face.metrics,
            bytes,
            stem_v: face.stem_v,
        });
    }
    let meta = write::Meta {
        title: &table.meta.title,
        subject: &table.meta.subject,
        author: "otchet",
        creator: "otchet",
        producer: concat!("otchet ", env!("CARGO_PKG_VERSION")),
        language: &t.font.language,
        date: super::timestamp(table.meta.period),
        id: document_id(table, files),
    };
    let sheet = engine::Sheet::of(t);
    write::write(table, sheet, &faces, &meta, used, files, |sink| {
        engine::layout_with(table, t, sink);
    })
    .map_err(super::Error::Pdf)
}

/// Which of the four faces draws `c` in text of the given weight: the
/// text face (0 regular, 1 bold), or its DejaVu Sans fallback (2, 3).
/// `primary` is the text face of that weight.
pub fn face_index(primary: &fonts::Metrics, bold: bool, c: char) -> usize {
    // Line ends and tabs are never drawn from a fallback (nor is the
    // fallback font read for them).
    if c.is_control() {
        return usize::from(bold);
    }
    usize::from(bold) + if primary.has_glyph(c) || !primary.covers(c) { 0 } else { 2 }
}

/// The glyphs each face may show (glyph id -> text, for subsetting and the
/// ToUnicode maps), from the table's texts in the weights the layout sets
/// them in ([`engine::Weights`]), plus what the layout adds: the hyphen,
/// page-number digits and line-end spaces. (Pages are streamed, not held,
/// and the fonts are written before them, so the set is taken from the
/// texts, not from finished pages.)
fn used_glyphs(table: &Table, t: &Template, set: fonts::FontSet) -> [BTreeMap<u16, String>; 4] {
    let mut used = [BTreeMap::new(), BTreeMap::new(), BTreeMap::new(), BTreeMap::new()];
    let mut seen: Vec<Vec<bool>> = Vec::new();
    let mut add = |bold: bool, text: &str| {
        for c in text.chars().filter(|&c| !crate::text::is_invisible(c)) {
            // The text face unless it lacks the glyph (one lookup for most).
            let primary = set.text(bold);
            let (k, face) = if primary.glyph(c) != 0 || face_index(primary, bold, c) < 2 {
                (usize::from(bold), primary)
            } else if bold {
                (3, fonts::sans_bold())
            } else {
                (2, fonts::sans())
            };
            if seen.len() <= k {
                seen.resize(4, Vec::new());
            }
            if seen[k].is_empty() {
                seen[k] = vec![false; face.glyph_advance.len()];
                // A line may end with a space in any face it uses.
                let space = face.glyph(' ');
                seen[k][usize::from(space)] = true;
                used[k].insert(space, " ".to_string());
            }
            let g = face.glyph(c);
            if g != 0 && !std::mem::replace(&mut seen[k][usize::from(g)], true) {
                used[k].insert(g, if c == '\t' { " ".to_string() } else { c.to_string() });
            }
        }
    };
    // The weights the layout sets each part in.
    let weights = engine::Weights::of(t);
    for bold in [false, true] {
        add(bold, " -0123456789");
    }
    for line in &table.title {
        add(weights.title, line);
    }
    for h in &table.header {
        add(weights.header, h);
    }
    for row in &table.rows {
        let bold = weights.row(row);
        match row {
            Row::Department(c) => add(bold, &c.text),
            Row::Event(e) => e.cells.iter().for_each(|c| add(bold, &c.text)),
        }
    }
    used
}

/// A stable identifier of the document's content (the table and the
/// embedded files): SipHash-1-3 with zero keys from the `siphasher` crate —
/// the algorithm std's `DefaultHasher` uses today but does not promise to
/// keep, so the same input gives the same `/ID` whatever Rust built otchet.
fn document_id(table: &Table, files: &[Attachment<'_>]) -> [u8; 16] {
    let mut a = siphasher::sip::SipHasher13::new_with_keys(0, 0);
    let mut b = siphasher::sip::SipHasher13::new_with_keys(0, 0);
    table.hash(&mut a);
    ("otchet", table).hash(&mut b);
    for f in files {
        (f.name, f.bytes).hash(&mut a);
        (f.bytes, f.name).hash(&mut b);
    }
    let mut id = [0u8; 16];
    id[..8].copy_from_slice(&a.finish().to_be_bytes());
    id[8..].copy_from_slice(&b.finish().to_be_bytes());
    id
}
