//! DOCX renderer: the logical table as WordprocessingML, written directly
//! so that every property block follows the ECMA-376 schema sequence
//! ([`xml`]) and the package holds only the parts a report uses
//! ([`package`]). The body rows are streamed into the archive; the bytes
//! are reproducible (fixed timestamps, no random ids).

pub mod form;
pub mod package;
mod revised;
pub mod xml;

pub use form::{render_form, Form};
pub use revised::render_revised;

use std::io::Write;

use crate::layout::{self, Merge, Row};
use crate::template::{mm_to_twips, Align, PageNumbers, Template, HYPHENATION_ZONE};

use package::{Parts, Story, StoryKind};
use xml::{PPr, RPr, SectPr, Spacing, TblPr, TcPr, TrPr, VMerge, Xml, R_NS, W_NS};

/// The custom document property of a report whose text carries a soft
/// hyphen at every hyphenation point ([`Template::auto_hyphenated`] off):
/// import takes those out again, so the data comes back as typed.
pub const PROP_HYPHENATION: &str = "otchet-hyphenation";
/// [`PROP_HYPHENATION`]'s value.
pub const SOFT_HYPHENS: &str = "soft";

/// Renders the logical table to DOCX bytes.
pub fn render(table: &layout::Table, t: &Template) -> Result<Vec<u8>, super::Error> {
    let parts = parts(table, t);
    package::pack(&parts, |out| write_document(out, table, t, &parts.stories, None)).map_err(super::Error::Package)
}

/// The package parts of a report besides its body.
fn parts(table: &layout::Table, t: &Template) -> Parts {
    let when = super::timestamp(table.meta.period).format("%Y-%m-%dT%H:%M:%SZ").to_string();
    Parts {
        styles: styles(t),
        settings: xml::settings(t.cell.auto_hyphens().then_some(crate::units::Pt(HYPHENATION_ZONE).twips().0)),
        font_table: package::font_table(&t.font.family),
        core: package::core(&table.meta.title, &table.meta.subject, &when, &t.font.language),
        app: package::app(),
        stories: stories(t),
        custom: if t.cell.soft_hyphens() {
            vec![(PROP_HYPHENATION.to_string(), SOFT_HYPHENS.to_string())]
        } else {
            Vec::new()
        },
    }
}

/// Half-points of a size in pt.
fn half_points(pt: f32) -> u32 {
    crate::units::Pt(pt).half_points()
}

/// The size to write on a run: none when it is the document default.
fn size_unless_default(pt: f32, t: &Template) -> Option<u32> {
    (half_points(pt) != half_points(t.font.body_size)).then(|| half_points(pt))
}

pub(super) fn jc(a: Align) -> &'static str {
    match a {
        Align::Left => "left",
        Align::Center => "center",
        Align::Right => "right",
        Align::Justify => "both",
    }
}

/// Document defaults: the template's font, size and language, single
/// spacing without space before or after; one `Normal` paragraph style.
fn styles(t: &Template) -> String {
    let mut x = Xml::with_capacity(1024);
    x.open("w:styles", &[("xmlns:w", W_NS)]);
    x.open("w:docDefaults", &[]);
    x.open("w:rPrDefault", &[]);
    let f = &t.font;
    RPr { fonts: Some(&f.family), size: Some(half_points(f.body_size)), lang: Some(&f.language), ..RPr::default() }
        .write(&mut x);
    x.close("w:rPrDefault");
    x.open("w:pPrDefault", &[]);
    PPr {
        widow_control_off: true,
        spacing: Some(Spacing { before: Some(0), after: Some(0), line: Some(240) }),
        ..PPr::default()
    }
    .write(&mut x);
    x.close("w:pPrDefault");
    x.close("w:docDefaults");
    x.open("w:style", &[("w:type", "paragraph"), ("w:default", "1"), ("w:styleId", "Normal")]);
    x.empty("w:name", &[("w:val", "Normal")]);
    x.empty("w:qFormat", &[]);
    x.close("w:style");
    x.close("w:styles");
    xml::with_declaration(x)
}

/// The page-number header (with an empty first-page header when numbers
/// start on page 2) and an empty footer.
fn stories(t: &Template) -> Vec<Story> {
    if t.page.page_numbers == PageNumbers::None {
        return Vec::new();
    }
    let story = |root: &str, body: &dyn Fn(&mut Xml)| {
        let mut x = Xml::with_capacity(512);
        x.open(root, &[("xmlns:w", W_NS), ("xmlns:r", R_NS)]);
        body(&mut x);
        x.close(root);
        xml::with_declaration(x)
    };
    let size = Some(half_points(t.font.page_number_size));
    let number = story("w:hdr", &|x| {
        x.open("w:p", &[]);
        PPr { jc: Some("center"), mark: RPr { size, ..RPr::default() }, ..PPr::default() }.write(x);
        x.open("w:r", &[]);
        RPr { size, ..RPr::default() }.write(x);
        x.empty("w:fldChar", &[("w:fldCharType", "begin")]);
        x.open("w:instrText", &[]);
        x.text("PAGE");
        x.close("w:instrText");
        x.empty("w:fldChar", &[("w:fldCharType", "separate")]);
        x.open("w:t", &[]);
        x.text("2");
        x.close("w:t");
        x.empty("w:fldChar", &[("w:fldCharType", "end")]);
        x.close("w:r");
        x.close("w:p");
    });
    let empty_paragraph = |x: &mut Xml| x.empty("w:p", &[]);
    let mut out = vec![Story { file: "header1.xml".into(), id: "rId4", kind: StoryKind::Header, xml: number }];
    if t.page.page_numbers == PageNumbers::FromSecond {
        let xml = story("w:hdr", &empty_paragraph);
        out.push(Story { file: "header2.xml".into(), id: "rId5", kind: StoryKind::Header, xml });
    }
    let xml = story("w:ftr", &empty_paragraph);
    out.push(Story { file: "footer1.xml".into(), id: "rId6", kind: StoryKind::Footer, xml });
    out
}

/// `word/document.xml`: the title, the table (header row, then the body
/// rows written a row at a time) and the section properties.
/// With `revised`, the title and the body rows are those of the changes.
fn write_document(
    out: &mut dyn Write,
    table: &layout::Table,
    t: &Template,
    stories: &[Story],
    revised: Option<(&crate::diff::Revised, &revised::Marks)>,
) -> std::io::Result<()> {
    let widths = t.column_widths_twips();
    let mut x = Xml::with_capacity(16 * 1024);
    x.0.push_str(xml::DECLARATION);
    x.open("w:document", &[("xmlns:w", W_NS), ("xmlns:r", R_NS)]);
    x.open("w:body", &[]);

    title(&mut x, table, t, revised);
    open_table(&mut x, table, t, &widths);
    out.write_all(x.0.as_bytes())?;

    // Rows taller than a page may split, as in the PDF (a tracked row
    // whose new text is that tall, in the corrections).
    let tall = crate::render::pdf::engine::tall_rows(table, t);
    match revised {
        Some((rev, marks)) => revised::write_rows(out, rev, t, &widths, marks, &tall)?,
        None => write_rows(out, table, t, &widths, &tall)?,
    }

    x.clear();
    x.close("w:tbl");
    closing_paragraph(&mut x);
    section(&mut x, t, stories);
    x.close("w:body");
    x.close("w:document");
    out.write_all(x.0.as_bytes())
}

/// The title: centred bold lines kept with the table (with `revised`,
/// those of the changes).
fn title(x: &mut Xml, table: &layout::Table, t: &Template, revised: Option<(&crate::diff::Revised, &revised::Marks)>) {
    let title_size = Some(half_points(t.font.title_size));
    let last = table.title.len().saturating_sub(1);
    for (i, line) in table.title.iter().enumerate() {
        let after = (i == last && t.title.space_after > 0.0).then(|| crate::units::Pt(t.title.space_after).twips().0);
        let ppr = PPr {
            keep_next: true,
            spacing: after.map(|a| Spacing { before: None, after: Some(a), line: None }),
            jc: Some("center"),
            mark: RPr { size: title_size, ..RPr::default() },
            ..PPr::default()
        };
        let rpr = RPr { bold: true, size: title_size, ..RPr::default() };
        match revised {
            Some((rev, marks)) => {
                marks.by(rev.title_by);
                if let Some(pieces) = rev.title.get(i) {
                    revised::paragraphs(x, pieces, &ppr, &rpr, marks);
                }
                marks.by(None);
            }
            None => paragraph_soft(x, line, &ppr, &rpr, &soft_points(line, t.cell.soft_hyphens())),
        }
    }
    // Title lines the new version no longer has.
    if let Some((rev, marks)) = revised {
        marks.by(rev.title_by);
        for pieces in rev.title.iter().skip(table.title.len()) {
            revised::paragraphs(x, pieces, &PPr { jc: Some("center"), ..PPr::default() }, &RPr::default(), marks);
        }
        marks.by(None);
    }
}

/// Opens the table: its properties, grid and the header row (repeated on
/// every page).
fn open_table(x: &mut Xml, table: &layout::Table, t: &Template, widths: &[u32]) {
    let total: u32 = widths.iter().sum();
    x.open("w:tbl", &[]);
    let margins =
        [t.cell.padding_top, t.cell.padding_left, t.cell.padding_bottom, t.cell.padding_right].map(mm_to_twips);
    // Border widths are eighths of a point; Word's thinnest is 2.
    let border = (t.cell.border * 8.0).round().max(2.0) as u32;
    TblPr { width: total, border, fixed: true, margins }.write(x);
    x.open("w:tblGrid", &[]);
    for w in widths {
        x.empty("w:gridCol", &[("w:w", &w.to_string())]);
    }
    x.close("w:tblGrid");

    // The header row, repeated on every page.
    x.open("w:tr", &[]);
    TrPr { cant_split: true, header: true }.write(x);
    let size = size_unless_default(t.font.header_size, t);
    for (text, &w) in table.header.iter().zip(widths) {
        x.open("w:tc", &[]);
        TcPr { width: w, grid_span: None, v_merge: None, v_center: true }.write(x);
        // Column titles break between words only, as the form has them.
        let ppr = PPr {
            suppress_auto_hyphens: true,
            jc: Some("center"),
            mark: RPr { size, ..RPr::default() },
            ..PPr::default()
        };
        paragraphs(x, text, &ppr, &RPr { bold: t.font.header_bold, size, ..RPr::default() }, false);
        x.close("w:tc");
    }
    x.close("w:tr");
}

/// The section properties: page size and margins, header and footer.
/// The paragraph after the table, as small as the format allows (1 pt,
/// exactly): a document cannot end with a table, and Word would otherwise
/// end it with a 12 pt paragraph of its own, which a table ending within a
/// line of the bottom margin pushes onto a blank extra page.
fn closing_paragraph(x: &mut Xml) {
    x.open("w:p", &[]);
    x.open("w:pPr", &[]);
    x.empty("w:spacing", &[("w:before", "0"), ("w:after", "0"), ("w:line", "20"), ("w:lineRule", "exact")]);
    x.open("w:rPr", &[]);
    x.empty("w:sz", &[("w:val", "2")]);
    x.empty("w:szCs", &[("w:val", "2")]);
    x.close("w:rPr");
    x.close("w:pPr");
    x.close("w:p");
}

fn section(x: &mut Xml, t: &Template, stories: &[Story]) {
    let pm = |mm: f32| mm_to_twips(mm);
    let p = &t.page;
    let refs = |kind: StoryKind| -> Vec<(&'static str, &'static str)> {
        stories
            .iter()
            .filter(|s| s.kind == kind)
            .map(|s| (if s.file.ends_with("2.xml") { "first" } else { "default" }, s.id))
            .collect()
    };
    SectPr {
        headers: refs(StoryKind::Header),
        footers: refs(StoryKind::Footer),
        page: (pm(p.width), pm(p.height)),
        margins: [
            pm(p.margin_top),
            pm(p.margin_right),
            pm(p.margin_bottom),
            pm(p.margin_left),
            pm(p.header_distance),
            pm(p.header_distance),
        ],
        title_page: p.page_numbers == PageNumbers::FromSecond,
    }
    .write(x);
}

/// One paragraph: its properties and one run of text.
pub(super) fn paragraph(x: &mut Xml, text: &str, ppr: &PPr, rpr: &RPr) {
    paragraph_soft(x, text, ppr, rpr, &[]);
}

/// [`paragraph`] with a soft hyphen at each of the byte offsets `soft`.
fn paragraph_soft(x: &mut Xml, text: &str, ppr: &PPr, rpr: &RPr, soft: &[usize]) {
    x.open("w:p", &[]);
    ppr.write(x);
    x.open("w:r", &[]);
    rpr.write(x);
    if soft.is_empty() {
        run_content(x, text);
    } else {
        run_soft(x, text, soft);
    }
    x.close("w:r");
    x.close("w:p");
}

/// A run's text with the hyphenation points `soft` (byte offsets) as Word's
/// soft hyphen elements. (Word shows the U+00AD character in text as a
/// hard hyphen; LibreOffice reads both alike.) The text between them keeps
/// `xml:space` only where it has a space at an end, so each point costs
/// 29 bytes. Typed soft and non-breaking hyphens are elements too, as in
/// [`run_content`]; import takes one soft hyphen off each point, so the
/// typed ones remain.
fn run_soft(x: &mut Xml, text: &str, soft: &[usize]) {
    let chunk = |x: &mut Xml, t: &str| {
        if t.starts_with(' ') || t.ends_with(' ') {
            text_element(x, t, "w:t");
        } else if !t.is_empty() {
            x.open("w:t", &[]);
            x.text(t);
            x.close("w:t");
        }
    };
    let (mut from, mut next) = (0, 0);
    for (i, c) in text.char_indices() {
        if soft.get(next) == Some(&i) {
            chunk(x, &text[from..i]);
            x.empty("w:softHyphen", &[]);
            from = i;
            next += 1;
        }
        if let Some(element) = special(text, i, c) {
            chunk(x, &text[from..i]);
            x.empty(element, &[]);
            from = i + c.len_utf8();
        }
    }
    chunk(x, &text[from..]);
}

/// The content of a run: text, with a typed soft hyphen and non-breaking
/// hyphen as Word's own elements for them (an optional break point shown
/// only at a line end; a hyphen never broken at). A hyphen between digits
/// («2020-2024») is written as a non-breaking hyphen too: LibreOffice and
/// the PDF never break there (Unicode's rule LB25), Word-like engines would.
/// A typed non-breaking hyphen between digits stays the character itself,
/// so import tells the two apart ([`crate::text::digit_hyphen`]).
fn run_content(x: &mut Xml, text: &str) {
    run_text(x, text, "w:t");
}

/// [`run_content`] with `tag` for the text (`w:delText` in a deletion).
fn run_text(x: &mut Xml, text: &str, tag: &str) {
    let mut from = 0;
    for (i, c) in text.char_indices() {
        let Some(element) = special(text, i, c) else { continue };
        if from < i {
            text_element(x, &text[from..i], tag);
        }
        x.empty(element, &[]);
        from = i + c.len_utf8();
    }
    // The last chunk, even empty (an empty run's one text element).
    text_element(x, &text[from..], tag);
}

/// The element that stands for character `c` at byte `i` of `text`, if
/// Word has one for it: a typed soft hyphen, a non-breaking hyphen, a
/// hyphen between digits.
fn special(text: &str, i: usize, c: char) -> Option<&'static str> {
    match c {
        crate::text::SOFT_HYPHEN => Some("w:softHyphen"),
        crate::text::NO_BREAK_HYPHEN if !crate::text::digit_hyphen(text, i) => Some("w:noBreakHyphen"),
        '-' if crate::text::digit_hyphen(text, i) => Some("w:noBreakHyphen"),
        _ => None,
    }
}

/// One text element.
fn text_element(x: &mut Xml, chunk: &str, tag: &str) {
    x.open(tag, &[("xml:space", "preserve")]);
    x.text(chunk);
    x.close(tag);
}

/// One paragraph per line of `text` (`\n` separates paragraphs); a
/// paragraph with a web or e-mail address is not hyphenated; with `soft`,
/// every hyphenation point of the others is a soft hyphen.
pub(super) fn paragraphs(x: &mut Xml, text: &str, ppr: &PPr, rpr: &RPr, soft: bool) {
    for p in text.split('\n') {
        if !ppr.suppress_auto_hyphens && crate::text::has_address(p) {
            paragraph(x, p, &PPr { suppress_auto_hyphens: true, ..*ppr }, rpr);
        } else {
            paragraph_soft(x, p, ppr, rpr, &soft_points(p, soft && !ppr.suppress_auto_hyphens));
        }
    }
}

/// Where a paragraph's text gets a soft hyphen (every hyphenation point,
/// when `soft` and it has no address), as the PDF engine breaks it.
fn soft_points(p: &str, soft: bool) -> Vec<usize> {
    if soft && !crate::text::has_address(p) {
        crate::render::pdf::hyphen::soft_points(p)
    } else {
        Vec::new()
    }
}

/// The vertical merge of column `col` of an event row in merge state
/// `merge` (only the agreement column merges).
fn v_merge(col: usize, merge: Merge) -> Option<VMerge> {
    match merge {
        _ if col != layout::AGREEMENT_COL => None,
        Merge::Single => None,
        Merge::Start { .. } => Some(VMerge::Restart),
        Merge::Continue => Some(VMerge::Continue),
    }
}

/// Writes the body rows: department rows (one cell over all columns, kept
/// with the next row) and event rows (the agreement column merged
/// vertically within a merge group); no row splits across pages unless it
/// is taller than a page (`tall`, by row), as in the PDF.
fn write_rows(
    out: &mut dyn Write,
    table: &layout::Table,
    t: &Template,
    widths: &[u32],
    tall: &[bool],
) -> std::io::Result<()> {
    let total: u32 = widths.iter().sum();
    let aligns: Vec<&str> = t.column.iter().map(|c| jc(c.align)).collect();
    let department = RPr { bold: t.font.department_bold, ..RPr::default() };
    let plain = RPr::default();
    let soft = t.cell.soft_hyphens();
    let mut x = Xml::with_capacity(16 * 1024);
    for (i, row) in table.rows.iter().enumerate() {
        x.clear();
        x.open("w:tr", &[]);
        TrPr { cant_split: !tall.get(i).copied().unwrap_or(false), header: false }.write(&mut x);
        match row {
            Row::Department(c) => {
                x.open("w:tc", &[]);
                TcPr { width: total, grid_span: Some(widths.len()), v_merge: None, v_center: false }.write(&mut x);
                let ppr = PPr { keep_next: true, jc: Some("center"), ..PPr::default() };
                paragraphs(&mut x, &c.text, &ppr, &department, soft);
                x.close("w:tc");
            }
            Row::Event(ev) => {
                for (i, c) in ev.cells.iter().enumerate() {
                    let v_merge = v_merge(i, ev.merge);
                    x.open("w:tc", &[]);
                    TcPr { width: widths[i], grid_span: None, v_merge, v_center: false }.write(&mut x);
                    if v_merge == Some(VMerge::Continue) {
                        // The merged cell's text is in the group's first row.
                        x.empty("w:p", &[]);
                    } else {
                        paragraphs(&mut x, &c.text, &PPr { jc: Some(aligns[i]), ..PPr::default() }, &plain, soft);
                    }
                    x.close("w:tc");
                }
            }
        }
        x.close("w:tr");
        out.write_all(x.0.as_bytes())?;
    }
    Ok(())
}
