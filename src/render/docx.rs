//! DOCX renderer: docx-rs builds the document; a small quick-xml pass then
//! adds what docx-rs 0.4 has no API for (repeating header row, document
//! language, automatic hyphenation, core properties), and the parts are
//! packed with Deflate and fixed timestamps so the bytes are reproducible.

use std::io::{Cursor, Write};

use docx_rs::{
    AlignmentType, BorderType, Docx, Footer, Header, InstrPAGE, InstrText, LineSpacing, LineSpacingType, PageMargin,
    PageOrientationType, Paragraph, Run, RunFonts, Table, TableBorder, TableBorderPosition, TableBorders, TableCell,
    TableCellMargins, TableLayoutType, TableRow, VAlignType, WidthType,
};
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, Writer};

use crate::layout::{self, Merge, Row};
use crate::template::{mm_to_twips, Align, PageNumbers, Template};

/// Renders the logical table to DOCX bytes.
pub fn render(table: &layout::Table, t: &Template) -> Result<Vec<u8>, String> {
    let docx = build(table, t);
    let mut xml = docx.build();
    let when = super::timestamp(table.meta.period).format("%Y-%m-%dT%H:%M:%SZ").to_string();
    xml.document = amend_document(&xml.document).map_err(|e| e.to_string())?;
    xml.styles = amend_styles(&xml.styles, &t.font.language).map_err(|e| e.to_string())?;
    if t.cell.hyphenate {
        xml.settings = amend_settings(&xml.settings).map_err(|e| e.to_string())?;
    }
    xml.doc_props.core =
        core_xml(&table.meta.title, &table.meta.subject, &when, &t.font.language).map_err(|e| e.to_string())?;
    // The body rows go right after the header row, before `</w:tbl>`.
    let at = find(&xml.document, b"</w:tbl>").ok_or("docx-rs wrote no table")?;
    pack(&xml, at, |w| write_rows(w, table, t)).map_err(|e| e.to_string())
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Writes the body rows (department rows and event rows) as WordprocessingML,
/// in the form docx-rs gives the header row: fixed cell widths, rows that
/// cannot split, department rows kept with the next row, the agreement
/// column merged vertically within a merge group.
fn write_rows(out: &mut impl Write, table: &layout::Table, t: &Template) -> std::io::Result<()> {
    let widths = t.column_widths_twips();
    let total: u32 = widths.iter().sum();
    let bold_dep = t.font.department_bold;
    let aligns: Vec<&str> = t.column.iter().map(|c| jc(c.align)).collect();
    let mut x = String::with_capacity(16 * 1024);
    for row in &table.rows {
        x.clear();
        x.push_str("<w:tr><w:trPr><w:cantSplit /></w:trPr>");
        match row {
            Row::Department(c) => {
                cell_start(&mut x, total);
                x.push_str("<w:gridSpan w:val=\"");
                x.push_str(&widths.len().to_string());
                x.push_str("\" /></w:tcPr>");
                paragraphs_xml(&mut x, &c.text, "center", bold_dep, true);
                x.push_str("</w:tc>");
            }
            Row::Event(ev) => {
                for (i, c) in ev.cells.iter().enumerate() {
                    cell_start(&mut x, widths[i]);
                    if i == layout::AGREEMENT_COL {
                        match ev.merge {
                            Merge::Single => {}
                            Merge::Start { .. } => x.push_str("<w:vMerge w:val=\"restart\" />"),
                            Merge::Continue => {
                                x.push_str("<w:vMerge w:val=\"continue\" /></w:tcPr><w:p><w:pPr><w:rPr /></w:pPr></w:p></w:tc>");
                                continue;
                            }
                        }
                    }
                    x.push_str("</w:tcPr>");
                    paragraphs_xml(&mut x, &c.text, aligns[i], false, false);
                    x.push_str("</w:tc>");
                }
            }
        }
        x.push_str("</w:tr>");
        out.write_all(x.as_bytes())?;
    }
    Ok(())
}

fn jc(a: Align) -> &'static str {
    match a {
        Align::Left => "left",
        Align::Center => "center",
        Align::Right => "right",
        Align::Justify => "both",
    }
}

fn cell_start(x: &mut String, width: u32) {
    x.push_str("<w:tc><w:tcPr><w:tcW w:w=\"");
    x.push_str(&width.to_string());
    x.push_str("\" w:type=\"dxa\" />");
}

/// One paragraph per line of `text`, at the document's default size.
fn paragraphs_xml(x: &mut String, text: &str, jc: &str, bold: bool, keep_next: bool) {
    for p in text.split('\n') {
        x.push_str("<w:p><w:pPr><w:rPr /><w:jc w:val=\"");
        x.push_str(jc);
        x.push_str("\" />");
        if keep_next {
            x.push_str("<w:keepNext />");
        }
        x.push_str("</w:pPr><w:r>");
        x.push_str(if bold { "<w:rPr><w:b /><w:bCs /></w:rPr>" } else { "<w:rPr />" });
        x.push_str("<w:t xml:space=\"preserve\">");
        escape_into(x, p);
        x.push_str("</w:t></w:r></w:p>");
    }
}

/// XML-escapes text as docx-rs does: the five XML entities, carriage
/// returns dropped.
fn escape_into(x: &mut String, s: &str) {
    let s: std::borrow::Cow<'_, str> = if s.contains('\r') { s.replace('\r', "").into() } else { s.into() };
    x.push_str(&quick_xml::escape::escape(s));
}

fn size(pt: f32) -> usize {
    (pt * 2.0).round() as usize
}

/// Paragraphs of a cell text; `\n` starts a new paragraph. The size is
/// written on runs only where it differs from the document default.
fn paragraphs(
    text: &str,
    align: AlignmentType,
    bold: bool,
    pt: f32,
    default_pt: f32,
    keep_next: bool,
) -> Vec<Paragraph> {
    text.split('\n')
        .map(|p| {
            let mut run = Run::new().add_text(p);
            if bold {
                run = run.bold();
            }
            let mut para = Paragraph::new().align(align);
            if pt != default_pt {
                run = run.size(size(pt));
                para = para.size(size(pt));
            }
            para = para.add_run(run);
            if keep_next {
                para = para.keep_next(true);
            }
            para
        })
        .collect()
}

fn cell(width: u32, paras: Vec<Paragraph>) -> TableCell {
    paras.into_iter().fold(TableCell::new().width(width as usize, WidthType::Dxa), |c, p| c.add_paragraph(p))
}

fn build(table: &layout::Table, t: &Template) -> Docx {
    let widths = t.column_widths_twips();
    let total: u32 = widths.iter().sum();
    let font = &t.font;
    let family = font.family.as_str();
    let body = font.body_size;

    // Title: two centred bold lines.
    let mut docx = Docx::new()
        .page_size(mm_to_twips(t.page.width), mm_to_twips(t.page.height))
        .page_orient(if t.page.width > t.page.height {
            PageOrientationType::Landscape
        } else {
            PageOrientationType::Portrait
        })
        .page_margin(PageMargin {
            top: mm_to_twips(t.page.margin_top) as i32,
            left: mm_to_twips(t.page.margin_left) as i32,
            bottom: mm_to_twips(t.page.margin_bottom) as i32,
            right: mm_to_twips(t.page.margin_right) as i32,
            header: mm_to_twips(t.page.header_distance) as i32,
            footer: mm_to_twips(t.page.header_distance) as i32,
            gutter: 0,
        })
        .default_fonts(RunFonts::new().ascii(family).hi_ansi(family).cs(family).east_asia(family))
        .default_size(size(font.body_size))
        .default_line_spacing(LineSpacing::new().before(0).after(0).line(240).line_rule(LineSpacingType::Auto));

    let last = table.title.len().saturating_sub(1);
    for (i, line) in table.title.iter().enumerate() {
        let mut p = Paragraph::new()
            .add_run(Run::new().add_text(line).bold().size(size(font.title_size)))
            .align(AlignmentType::Center)
            .size(size(font.title_size))
            .keep_next(true);
        if i == last && t.title.space_after > 0.0 {
            p = p.line_spacing(LineSpacing::new().after((t.title.space_after * 20.0).round() as u32));
        }
        docx = docx.add_paragraph(p);
    }

    // Header row.
    let header_cells = table
        .header
        .iter()
        .zip(&widths)
        .map(|(text, w)| {
            cell(*w, paragraphs(text, AlignmentType::Center, font.header_bold, font.header_size, body, false))
                .vertical_align(VAlignType::Center)
        })
        .collect();
    // Only the header row: the body rows are streamed into the package by
    // [`write_rows`] (docx-rs holds a whole document in memory several
    // times over; at 10,000 events that was 400 MB).
    let rows = vec![TableRow::new(header_cells).cant_split()];

    let pad_l = mm_to_twips(t.cell.padding_left) as usize;
    let pad_r = mm_to_twips(t.cell.padding_right) as usize;
    let pad_t = mm_to_twips(t.cell.padding_top) as usize;
    let pad_b = mm_to_twips(t.cell.padding_bottom) as usize;
    let border = (t.cell.border * 8.0).round().max(2.0) as usize;
    let borders = [
        TableBorderPosition::Top,
        TableBorderPosition::Left,
        TableBorderPosition::Bottom,
        TableBorderPosition::Right,
        TableBorderPosition::InsideH,
        TableBorderPosition::InsideV,
    ]
    .into_iter()
    .fold(TableBorders::new(), |b, pos| {
        b.set(TableBorder::new(pos).border_type(BorderType::Single).size(border).color("000000"))
    });
    let tbl = Table::new(rows)
        .set_grid(widths.iter().map(|w| *w as usize).collect())
        .layout(TableLayoutType::Fixed)
        .width(total as usize, WidthType::Dxa)
        .set_borders(borders)
        .margins(
            TableCellMargins::new()
                .margin_left(pad_l, WidthType::Dxa)
                .margin_right(pad_r, WidthType::Dxa)
                .margin_top(pad_t, WidthType::Dxa)
                .margin_bottom(pad_b, WidthType::Dxa),
        );
    docx = docx.add_table(tbl);

    // Page numbers: centred in the header.
    if t.page.page_numbers != PageNumbers::None {
        let number = Paragraph::new().align(AlignmentType::Center).size(size(font.page_number_size)).add_run(
            Run::new()
                .size(size(font.page_number_size))
                .add_field_char(docx_rs::FieldCharType::Begin, false)
                .add_instr_text(InstrText::PAGE(InstrPAGE::new()))
                .add_field_char(docx_rs::FieldCharType::Separate, false)
                .add_text("2")
                .add_field_char(docx_rs::FieldCharType::End, false),
        );
        docx = docx.header(Header::new().add_paragraph(number));
        if t.page.page_numbers == PageNumbers::FromSecond {
            docx = docx.first_header(Header::new().add_paragraph(Paragraph::new())).title_pg();
        }
        docx = docx.footer(Footer::new().add_paragraph(Paragraph::new()));
    }
    docx
}

/// The same hyphenation zone as the PDF engine's, in twips.
const HYPHENATION_ZONE_TWIPS: u32 = (crate::render::pdf::engine::HYPHENATION_ZONE * 20.0) as u32;

type XmlResult<T> = Result<T, quick_xml::Error>;

/// What a [`transform`] edit wants next.
#[derive(PartialEq)]
enum Flow {
    /// Show me the next event.
    Continue,
    /// My change is made: copy the rest of the part unchanged.
    Done,
}

/// Streams `xml` through `edit`, which sees each event before it is written
/// (and may write extra events before it). Once `edit` is done, the rest of
/// the part is copied without parsing it.
fn transform(
    xml: &[u8],
    mut edit: impl FnMut(&Event<'_>, &mut Writer<Cursor<Vec<u8>>>) -> XmlResult<Flow>,
) -> XmlResult<Vec<u8>> {
    let mut reader = Reader::from_reader(xml);
    let mut writer = Writer::new(Cursor::new(Vec::with_capacity(xml.len() + 256)));
    let mut buf = Vec::new();
    loop {
        let ev = reader.read_event_into(&mut buf)?;
        if let Event::Eof = ev {
            break;
        }
        let flow = edit(&ev, &mut writer)?;
        writer.write_event(ev.borrow())?;
        if flow == Flow::Done {
            let rest = &xml[reader.buffer_position() as usize..];
            writer.get_mut().get_mut().extend_from_slice(rest);
            break;
        }
        buf.clear();
    }
    Ok(writer.into_inner().into_inner())
}

/// Marks the first table row as the header row repeated on every page.
fn amend_document(xml: &[u8]) -> XmlResult<Vec<u8>> {
    let mut rows_seen = 0usize;
    let mut in_first_trpr = false;
    transform(xml, |ev, w| {
        match ev {
            Event::Start(e) if e.name().as_ref() == b"w:tr" => rows_seen += 1,
            Event::Start(e) if e.name().as_ref() == b"w:trPr" && rows_seen == 1 => in_first_trpr = true,
            Event::End(e) if e.name().as_ref() == b"w:trPr" && in_first_trpr => {
                w.write_event(Event::Empty(BytesStart::new("w:tblHeader")))?;
                return Ok(Flow::Done);
            }
            _ => {}
        }
        Ok(Flow::Continue)
    })
}

/// Sets the document language in the default run properties.
fn amend_styles(xml: &[u8], lang: &str) -> XmlResult<Vec<u8>> {
    let mut in_defaults = false;
    transform(xml, |ev, w| {
        match ev {
            Event::Start(e) if e.name().as_ref() == b"w:rPrDefault" => in_defaults = true,
            Event::End(e) if e.name().as_ref() == b"w:rPr" && in_defaults => {
                let mut l = BytesStart::new("w:lang");
                l.push_attribute(("w:val", lang));
                l.push_attribute(("w:eastAsia", lang));
                l.push_attribute(("w:bidi", "ar-SA"));
                w.write_event(Event::Empty(l))?;
                return Ok(Flow::Done);
            }
            _ => {}
        }
        Ok(Flow::Continue)
    })
}

/// Turns on automatic hyphenation (after `w:defaultTabStop`, per the schema).
fn amend_settings(xml: &[u8]) -> XmlResult<Vec<u8>> {
    let mut after_tab_stop = false;
    transform(xml, |ev, w| {
        if after_tab_stop {
            // Written before the current event: right after defaultTabStop.
            w.write_event(Event::Empty(BytesStart::new("w:autoHyphenation")))?;
            let mut zone = BytesStart::new("w:hyphenationZone");
            zone.push_attribute(("w:val", HYPHENATION_ZONE_TWIPS.to_string().as_str()));
            w.write_event(Event::Empty(zone))?;
            return Ok(Flow::Done);
        }
        if let Event::Empty(e) = ev {
            after_tab_stop = e.name().as_ref() == b"w:defaultTabStop";
        }
        Ok(Flow::Continue)
    })
}

/// `docProps/core.xml` with title, subject, creator and fixed dates.
fn core_xml(title: &str, subject: &str, when: &str, lang: &str) -> XmlResult<Vec<u8>> {
    let mut w = Writer::new(Cursor::new(Vec::new()));
    w.write_event(Event::Decl(quick_xml::events::BytesDecl::new("1.0", Some("UTF-8"), Some("yes"))))?;
    let mut root = BytesStart::new("cp:coreProperties");
    root.push_attribute(("xmlns:cp", "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"));
    root.push_attribute(("xmlns:dc", "http://purl.org/dc/elements/1.1/"));
    root.push_attribute(("xmlns:dcterms", "http://purl.org/dc/terms/"));
    root.push_attribute(("xmlns:dcmitype", "http://purl.org/dc/dcmitype/"));
    root.push_attribute(("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"));
    let end = root.to_end().into_owned();
    w.write_event(Event::Start(root))?;
    for (name, value) in [
        ("dc:title", title),
        ("dc:subject", subject),
        ("dc:creator", "otchet"),
        ("cp:lastModifiedBy", "otchet"),
        ("dc:language", lang),
        ("cp:revision", "1"),
    ] {
        w.create_element(name).write_text_content(quick_xml::events::BytesText::new(value))?;
    }
    for name in ["dcterms:created", "dcterms:modified"] {
        w.create_element(name)
            .with_attribute(("xsi:type", "dcterms:W3CDTF"))
            .write_text_content(quick_xml::events::BytesText::new(when))?;
    }
    w.write_event(Event::End(end))?;
    Ok(w.into_inner().into_inner())
}

/// Packs the parts with Deflate and a fixed timestamp (1980-01-01, the ZIP
/// epoch), in a fixed order.
fn pack(
    xml: &docx_rs::XMLDocx,
    body_at: usize,
    body: impl FnOnce(&mut zip::ZipWriter<Cursor<Vec<u8>>>) -> std::io::Result<()>,
) -> zip::result::ZipResult<Vec<u8>> {
    use zip::write::SimpleFileOptions;
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    let mut parts: Vec<(String, &[u8])> = vec![
        ("[Content_Types].xml".into(), &xml.content_type),
        ("_rels/.rels".into(), &xml.rels),
        ("docProps/app.xml".into(), &xml.doc_props.app),
        ("docProps/core.xml".into(), &xml.doc_props.core),
        ("docProps/custom.xml".into(), &xml.doc_props.custom),
        ("word/_rels/document.xml.rels".into(), &xml.document_rels),
        ("word/document.xml".into(), &xml.document),
        ("word/styles.xml".into(), &xml.styles),
        ("word/settings.xml".into(), &xml.settings),
        ("word/fontTable.xml".into(), &xml.font_table),
        ("word/comments.xml".into(), &xml.comments),
        ("word/numbering.xml".into(), &xml.numberings),
        ("word/commentsExtended.xml".into(), &xml.comments_extended),
        ("word/footnotes.xml".into(), &xml.footnotes),
    ];
    // As docx-rs itself packs them: each header/footer with its rels.
    for (kind, items, rels) in [("header", &xml.headers, &xml.header_rels), ("footer", &xml.footers, &xml.footer_rels)]
    {
        for (i, part) in items.iter().enumerate() {
            parts.push((format!("word/{kind}{}.xml", i + 1), part));
            if let Some(r) = rels.get(i) {
                parts.push((format!("word/_rels/{kind}{}.xml.rels", i + 1), r));
            }
        }
    }
    let mut body = Some(body);
    for (name, bytes) in parts {
        zip.start_file(name.as_str(), opts)?;
        match body.take_if(|_| name == "word/document.xml") {
            Some(rows) => {
                zip.write_all(&bytes[..body_at])?;
                rows(&mut zip)?;
                zip.write_all(&bytes[body_at..])?;
            }
            None => zip.write_all(bytes)?,
        }
    }
    Ok(zip.finish()?.into_inner())
}
