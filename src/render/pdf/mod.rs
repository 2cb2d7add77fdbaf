//! PDF renderer: the layout [`engine`] positions every line; this module
//! paints the result with printpdf, embedding Liberation Serif (subset,
//! with a ToUnicode map) under fixed resource names, with fixed dates and a
//! document id derived from the content, so the bytes are reproducible.

pub mod engine;
pub mod fonts;
pub mod hyphen;

use std::hash::{Hash, Hasher};
use std::sync::OnceLock;

use printpdf::{
    Color, FontId, Line, LinePoint, Op, OffsetDateTime, ParsedFont, PdfDocument, PdfFont, PdfFontHandle, PdfPage,
    PdfSaveOptions, Point, Pt, Rgb, TextItem, TextMatrix,
};

use crate::diag::Diagnostic;
use crate::layout::Table;
use crate::model::Span;
use crate::template::Template;

/// Resource names; the first six letters double as the subset tag.
const REGULAR_ID: &str = "OTCHRG";
const BOLD_ID: &str = "OTCHBD";

/// Characters that cannot be shown with the PDF fonts, as errors pointing
/// at the text in the data file (`src` is the data file's text).
pub fn check_glyphs(table: &Table, src: &str) -> Vec<Diagnostic> {
    let (regular, bold) = (fonts::regular(), fonts::bold());
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let texts = table
        .title
        .iter()
        .chain(&table.header)
        .map(|t| (t.as_str(), None))
        .chain(table.cells().map(|c| (c.text.as_str(), c.origin.as_ref())));
    for (text, origin) in texts {
        for c in text.chars() {
            if c == '\n' || c == '\t' || (regular.has_glyph(c) && bold.has_glyph(c)) {
                continue;
            }
            if !seen.insert((c, origin.map(|s: &Span| s.start))) {
                continue;
            }
            let mut d = Diagnostic::error(format!(
                "символ «{c}» (U+{:04X}) нельзя вывести в PDF: его нет в шрифте Liberation Serif",
                c as u32
            ))
            .label("этого символа нет в шрифте")
            .help("замените символ (например, иероглиф или эмодзи) или опишите его словами");
            if let Some(span) = origin {
                let at = src
                    .get(span.clone())
                    .and_then(|raw| raw.find(c))
                    .map_or(span.clone(), |i| span.start + i..span.start + i + c.len_utf8());
                d = d.at(at);
            }
            out.push(d);
        }
    }
    out
}

fn parsed(data: &'static [u8], cell: &'static OnceLock<Option<ParsedFont>>) -> Result<ParsedFont, String> {
    cell.get_or_init(|| ParsedFont::from_bytes(data, 0, &mut Vec::new()))
        .clone()
        .ok_or_else(|| "встроенный шрифт не читается".to_string())
}

fn regular_font() -> Result<ParsedFont, String> {
    static F: OnceLock<Option<ParsedFont>> = OnceLock::new();
    parsed(fonts::REGULAR_TTF, &F)
}

fn bold_font() -> Result<ParsedFont, String> {
    static F: OnceLock<Option<ParsedFont>> = OnceLock::new();
    parsed(fonts::BOLD_TTF, &F)
}

/// Renders the logical table to PDF bytes.
pub fn render(table: &Table, t: &Template) -> Result<Vec<u8>, String> {
    let laid = engine::layout(table, t);
    let mut doc = PdfDocument::new(&table.meta.title);
    let regular = FontId(REGULAR_ID.into());
    let bold = FontId(BOLD_ID.into());
    doc.resources.fonts.map.insert(regular.clone(), PdfFont::new(regular_font()?));
    doc.resources.fonts.map.insert(bold.clone(), PdfFont::new(bold_font()?));

    let when = OffsetDateTime::from_unix_timestamp(super::timestamp(table.meta.period).timestamp())
        .map_err(|e| e.to_string())?;
    let info = &mut doc.metadata.info;
    info.creation_date = when;
    info.modification_date = when;
    info.metadata_date = when;
    info.author = "otchet".into();
    info.creator = "otchet".into();
    info.producer = format!("otchet {}", env!("CARGO_PKG_VERSION"));
    info.subject = table.meta.subject.clone();
    info.identifier = document_id(table);

    let (w, h) = (laid.width, laid.height);
    let pages = laid
        .pages
        .iter()
        .map(|page| {
            let mut ops = vec![
                Op::SaveGraphicsState,
                Op::SetOutlineColor { col: Color::Rgb(Rgb { r: 0.0, g: 0.0, b: 0.0, icc_profile: None }) },
                Op::SetOutlineThickness { pt: Pt(laid.border) },
            ];
            for r in &page.rules {
                ops.push(Op::DrawLine {
                    line: Line {
                        points: vec![
                            LinePoint { p: Point { x: Pt(r.x1), y: Pt(h - r.y1) }, bezier: false },
                            LinePoint { p: Point { x: Pt(r.x2), y: Pt(h - r.y2) }, bezier: false },
                        ],
                        is_closed: false,
                    },
                });
            }
            ops.push(Op::RestoreGraphicsState);
            ops.push(Op::StartTextSection);
            let mut current: Option<(bool, f32)> = None;
            for run in &page.texts {
                if current != Some((run.bold, run.size)) {
                    let id = if run.bold { bold.clone() } else { regular.clone() };
                    ops.push(Op::SetFont { font: PdfFontHandle::External(id), size: Pt(run.size) });
                    current = Some((run.bold, run.size));
                }
                ops.push(Op::SetTextMatrix { matrix: TextMatrix::Translate(Pt(run.x), Pt(h - run.y)) });
                ops.push(Op::ShowText { items: vec![TextItem::Text(run.text.replace('\t', " "))] });
            }
            ops.push(Op::EndTextSection);
            PdfPage::new(printpdf::Mm(w * 25.4 / 72.0), printpdf::Mm(h * 25.4 / 72.0), ops)
        })
        .collect();
    doc.with_pages(pages);

    let mut warnings = Vec::new();
    let mut lo = doc.to_lopdf_document(&PdfSaveOptions { subset_fonts: true, ..Default::default() }, &mut warnings);
    // printpdf's trailer ids come from a process-wide counter: replace them
    // with the content-derived id.
    let id = info_id_bytes(&doc.metadata.info.identifier);
    lo.trailer.set(
        "ID",
        lopdf::Object::Array(vec![
            lopdf::Object::String(id.clone(), lopdf::StringFormat::Hexadecimal),
            lopdf::Object::String(id, lopdf::StringFormat::Hexadecimal),
        ]),
    );
    compress(&mut lo);
    let mut out = Vec::new();
    lo.save_to(&mut out).map_err(|e| e.to_string())?;
    Ok(out)
}

/// Flate-compresses every uncompressed stream. (lopdf's own `compress`
/// uses the slowest level, which dominated the time of large reports;
/// level 6 costs a few per cent of size.)
fn compress(doc: &mut lopdf::Document) {
    use std::io::Write;
    for obj in doc.objects.values_mut() {
        if let lopdf::Object::Stream(stream) = obj {
            if stream.dict.has(b"Filter") || !stream.allows_compression {
                continue;
            }
            let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
            if enc.write_all(&stream.content).is_err() {
                continue;
            }
            if let Ok(packed) = enc.finish() {
                if packed.len() < stream.content.len() {
                    stream.dict.set("Filter", "FlateDecode");
                    stream.set_content(packed);
                }
            }
        }
    }
}

/// A stable identifier of the document's content.
fn document_id(table: &Table) -> String {
    let mut a = std::hash::DefaultHasher::new();
    let mut b = std::hash::DefaultHasher::new();
    table.hash(&mut a);
    ("otchet", table).hash(&mut b);
    format!("{:016x}{:016x}", a.finish(), b.finish())
}

fn info_id_bytes(hex: &str) -> Vec<u8> {
    (0..hex.len() / 2).filter_map(|i| u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()).collect()
}
