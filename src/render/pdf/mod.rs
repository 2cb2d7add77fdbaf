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

/// Renders the logical table to PDF bytes.
pub fn render(table: &Table, t: &Template) -> Result<Vec<u8>, String> {
    let (regular, bold) = (regular_font()?, bold_font()?);
    let faces = [
        write::Face {
            tag: REGULAR_ID,
            postscript_name: "LiberationSerif",
            metrics: fonts::regular(),
            parsed: regular,
            stem_v: 80,
        },
        write::Face {
            tag: BOLD_ID,
            postscript_name: "LiberationSerif-Bold",
            metrics: fonts::bold(),
            parsed: bold,
            stem_v: 140,
        },
    ];
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
    let used = used_glyphs(table, t);
    write::write(sheet, &faces, &meta, used, |on_page| {
        engine::layout_with(table, t, on_page);
    })
}

/// The glyphs each face may show (glyph id -> text, for subsetting and the
/// ToUnicode maps), from the table's texts in the faces the template gives
/// them, plus what the layout adds: the hyphen and page-number digits.
fn used_glyphs(table: &Table, t: &Template) -> [BTreeMap<u16, String>; 2] {
    let faces = [fonts::regular(), fonts::bold()];
    let mut used = [BTreeMap::new(), BTreeMap::new()];
    let mut seen: Vec<Vec<bool>> = faces.iter().map(|f| vec![false; f.glyph_advance.len()]).collect();
    let mut add = |bold: bool, text: &str| {
        let k = usize::from(bold);
        for c in text.chars().filter(|&c| !crate::text::is_invisible(c)) {
            let g = faces[k].glyph(c);
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
