//! PDF renderer: the layout [`engine`] positions every line; [`write`]
//! serializes the result, embedding Liberation Serif (subset by printpdf,
//! with a ToUnicode map) under fixed resource names, with fixed dates and a
//! document id derived from the content, so the bytes are reproducible.

pub mod engine;
pub mod hyphen;
pub mod write;

use std::hash::{Hash, Hasher};
use std::sync::OnceLock;

use printpdf::ParsedFont;

use crate::fonts;

use std::collections::BTreeMap;

use crate::layout::{Row, Table};
use crate::template::Template;

/// Resource names; the first six letters double as the subset tag.
const REGULAR_ID: &str = "OTCHRG";
const BOLD_ID: &str = "OTCHBD";
const SANS_ID: &str = "OTCHSR";
const SANS_BOLD_ID: &str = "OTCHSB";

/// A font parsed once per process, for subsetting.
fn parsed(data: &'static [u8], cell: &'static OnceLock<Option<ParsedFont>>) -> Result<&'static ParsedFont, String> {
    cell.get_or_init(|| ParsedFont::from_bytes(data, 0, &mut Vec::new()))
        .as_ref()
        .ok_or_else(|| "встроенный шрифт не читается".to_string())
}

fn regular_font() -> Result<&'static ParsedFont, String> {
    static F: OnceLock<Option<ParsedFont>> = OnceLock::new();
    parsed(fonts::REGULAR_TTF, &F)
}

fn bold_font() -> Result<&'static ParsedFont, String> {
    static F: OnceLock<Option<ParsedFont>> = OnceLock::new();
    parsed(fonts::BOLD_TTF, &F)
}

fn sans_font() -> Result<&'static ParsedFont, String> {
    static F: OnceLock<Option<ParsedFont>> = OnceLock::new();
    parsed(fonts::SANS_TTF, &F)
}

fn sans_bold_font() -> Result<&'static ParsedFont, String> {
    static F: OnceLock<Option<ParsedFont>> = OnceLock::new();
    parsed(fonts::SANS_BOLD_TTF, &F)
}

/// Renders the logical table to PDF bytes.
pub fn render(table: &Table, t: &Template) -> Result<Vec<u8>, String> {
    let used = used_glyphs(table, t);
    // The fallback faces are parsed and embedded only when a text needs them.
    let lazy = |k: usize, f: fn() -> Result<&'static ParsedFont, String>| {
        if k < 2 || !used[k].is_empty() {
            f().map(Some)
        } else {
            Ok(None)
        }
    };
    let parsed = [lazy(0, regular_font)?, lazy(1, bold_font)?, lazy(2, sans_font)?, lazy(3, sans_bold_font)?];
    let specs = [
        (REGULAR_ID, "LiberationSerif", fonts::regular(), 80),
        (BOLD_ID, "LiberationSerif-Bold", fonts::bold(), 140),
        (SANS_ID, "DejaVuSans", fonts::sans(), 80),
        (SANS_BOLD_ID, "DejaVuSans-Bold", fonts::sans_bold(), 140),
    ];
    let faces: Vec<write::Face<'_>> = specs
        .into_iter()
        .zip(parsed)
        .map(|((tag, postscript_name, metrics, stem_v), parsed)| write::Face { tag, postscript_name, metrics, parsed, stem_v })
        .collect();
    let meta = write::Meta {
        title: &table.meta.title,
        subject: &table.meta.subject,
        author: "otchet",
        creator: "otchet",
        producer: concat!("otchet ", env!("CARGO_PKG_VERSION")),
        language: &t.font.language,
        date: super::timestamp(table.meta.period),
        id: document_id(table),
    };
    let sheet = engine::Sheet::of(t);
    write::write(sheet, &faces, &meta, used, |on_page| {
        engine::layout_with(table, t, on_page);
    })
}

/// Which of the four faces draws `c` in text of the given weight: the
/// text face (0 regular, 1 bold), or its DejaVu Sans fallback (2, 3).
pub fn face_index(bold: bool, c: char) -> usize {
    let primary = if bold { fonts::bold() } else { fonts::regular() };
    usize::from(bold) + if primary.has_glyph(c) || !primary.covers(c) { 0 } else { 2 }
}

/// The glyphs each face may show (glyph id -> text, for subsetting and the
/// ToUnicode maps), from the table's texts in the faces the template gives
/// them, plus what the layout adds: the hyphen and page-number digits.
fn used_glyphs(table: &Table, t: &Template) -> [BTreeMap<u16, String>; 4] {
    let mut used = [BTreeMap::new(), BTreeMap::new(), BTreeMap::new(), BTreeMap::new()];
    let mut seen: Vec<Vec<bool>> = Vec::new();
    let mut add = |bold: bool, text: &str| {
        for c in text.chars().filter(|&c| !crate::text::is_invisible(c)) {
            let k = face_index(bold, c);
            let face = [fonts::regular, fonts::bold, fonts::sans, fonts::sans_bold][k]();
            if seen.len() <= k {
                seen.resize(4, Vec::new());
            }
            if seen[k].is_empty() {
                seen[k] = vec![false; face.glyph_advance.len()];
            }
            let g = face.glyph(c);
            if g != 0 && !std::mem::replace(&mut seen[k][usize::from(g)], true) {
                used[k].insert(g, if c == '\t' { " ".to_string() } else { c.to_string() });
            }
        }
    };
    for bold in [false, true] {
        add(bold, " -0123456789");
    }
    for line in &table.title {
        add(true, line);
    }
    for h in &table.header {
        add(t.font.header_bold, h);
    }
    for row in &table.rows {
        match row {
            Row::Department(c) => add(t.font.department_bold, &c.text),
            Row::Event(e) => e.cells.iter().for_each(|c| add(false, &c.text)),
        }
    }
    used
}

/// A stable identifier of the document's content.
fn document_id(table: &Table) -> [u8; 16] {
    let mut a = std::hash::DefaultHasher::new();
    let mut b = std::hash::DefaultHasher::new();
    table.hash(&mut a);
    ("otchet", table).hash(&mut b);
    let mut id = [0u8; 16];
    id[..8].copy_from_slice(&a.finish().to_be_bytes());
    id[8..].copy_from_slice(&b.finish().to_be_bytes());
    id
}
