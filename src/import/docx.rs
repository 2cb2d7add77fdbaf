//! Reading a Word document's main part (`document.xml`) as a sequence of
//! body paragraphs and tables, with the cell structure
//! (column spans, vertical and horizontal merges) and the text as Word
//! shows it: runs joined, tracked deletions left out, field codes and
//! drawings skipped.

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;

use super::shown;

/// Most rows, cells and paragraphs a body may hold (a 10,000-event report
/// has about 250,000): bounds the memory a small, highly compressed part
/// of empty elements could take.
/// (The unit tests use a smaller bound, to stay fast in debug builds.)
const MAX_ITEMS: usize = if cfg!(test) { 50_000 } else { 5_000_000 };
/// Most items of drop-down lists in a document (all lists together, nested
/// ones included): a form of 500 rows over a registry of 400 agreements.
const MAX_LIST_ITEMS: usize = if cfg!(test) { 5_000 } else { 200_000 };

/// WordprocessingML namespaces: transitional and strict.
const W_NS: [&[u8]; 2] = [
    b"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    b"http://purl.oclc.org/ooxml/wordprocessingml/main",
];

/// A body paragraph or table, in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A paragraph outside any table.
    Paragraph(Paragraph),
    /// A table.
    Table(Table),
}

/// A paragraph's text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Paragraph {
    /// The text: runs joined; a manual line break is a space; no-break
    /// spaces made plain.
    pub text: String,
    /// Has automatic list numbering (Word's numbered list).
    pub numbered: bool,
    /// Its paragraph mark is a tracked deletion: it joins the next one.
    pub mark_deleted: bool,
    /// Footnote and endnote references in it (their text is not read).
    pub notes: usize,
    /// Pictures, drawings and embedded objects in it (not read).
    pub pictures: usize,
}

/// Vertical merge state of a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VMerge {
    /// Starts a merged cell.
    Restart,
    /// Continues the merged cell above (its own content is hidden).
    Continue,
}

/// A table cell.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cell {
    /// Paragraphs (empty leading and trailing ones removed).
    pub paragraphs: Vec<Paragraph>,
    /// Grid columns it spans.
    pub span: usize,
    /// Vertical merge.
    pub v_merge: Option<VMerge>,
    /// Continues a horizontal merge (the old `w:hMerge` form).
    pub h_continue: bool,
    /// Holds a nested table (its text is in `paragraphs`).
    pub nested: bool,
    /// Footnote references, and pictures or objects, in its paragraphs
    /// (counted when the cell ends).
    pub unread: (usize, usize),
    /// A drop-down list content control in it (the first).
    pub choice: Option<Choice>,
}

/// A drop-down list (or combo box) content control.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Choice {
    /// Its items: the text shown and the value.
    pub items: Vec<(String, String)>,
    /// It shows its placeholder (nothing chosen).
    pub placeholder: bool,
    /// The text inside the control, as a paragraph's text is read.
    pub text: String,
}

impl Cell {
    /// The cell's text: paragraphs joined by `\n`.
    pub fn text(&self) -> String {
        let texts: Vec<&str> = self.paragraphs.iter().map(|p| p.text.as_str()).collect();
        texts.join("\n")
    }

    /// Does it show automatic list numbering?
    pub fn numbered(&self) -> bool {
        self.paragraphs.iter().any(|p| p.numbered)
    }

    /// Footnotes, and pictures or objects, in it (neither is read).
    pub fn unread(&self) -> (usize, usize) {
        self.unread
    }
}

/// A table row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Row {
    /// Its cells, left to right (horizontal merge continuations included).
    pub cells: Vec<Cell>,
    /// Marked to repeat as a header on every page.
    pub header: bool,
    /// Grid columns skipped before the first cell.
    pub grid_before: usize,
    /// Grid columns left empty after the last cell.
    pub grid_after: usize,
    /// Deleted as a tracked change (not part of the document as shown
    /// after accepting changes).
    pub deleted: bool,
}

/// A table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    /// Its rows, top to bottom.
    pub rows: Vec<Row>,
}

/// Appends an entity or character reference's character.
pub(super) fn push_reference(out: &mut String, r: &quick_xml::events::BytesRef<'_>) {
    if let Ok(Some(c)) = r.resolve_char_ref() {
        out.push(c);
    } else if let Some(s) = r.decode().ok().and_then(|n| quick_xml::escape::resolve_predefined_entity(&n)) {
        out.push_str(s);
    }
}

/// Where the reader is inside the body.
// The flags are independent element contexts of a streaming reader.
#[allow(clippy::struct_excessive_bools)]
#[derive(Default)]
struct State {
    blocks: Vec<Block>,
    /// Open tables, innermost last.
    tables: Vec<Table>,
    /// The paragraph being read.
    para: Option<Paragraph>,
    /// Depth inside elements whose content is not shown text (deletions,
    /// field codes, drawings, alternate content); 0 when reading text.
    hidden: usize,
    /// Inside `w:t`.
    in_text: bool,
    /// Inside `w:pPr`/`w:rPr` of a paragraph mark.
    in_ppr: bool,
    in_mark_rpr: bool,
    /// Inside `w:trPr`.
    in_trpr: bool,
    /// Inside a run's `w:rPr`; the run is hidden text (`w:vanish`), which
    /// Word does not show.
    in_run_rpr: bool,
    run_hidden: bool,
    /// Rows, cells and paragraphs read.
    items: usize,
    /// Content controls open inside a cell, innermost last.
    sdts: Vec<Sdt>,
    /// Items of drop-down lists read.
    list_items: usize,
}

/// A content control being read.
#[derive(Default)]
struct Sdt {
    /// Inside its `w:sdtPr`.
    in_pr: bool,
    /// Its list, when it is a drop-down or combo box.
    list: Option<Vec<(String, String)>>,
    placeholder: bool,
    /// Where its content starts: paragraphs of the cell finished, and the
    /// open paragraph's text length (a control inside a paragraph).
    paragraphs: usize,
    in_para: Option<usize>,
}

impl State {
    fn cell(&mut self) -> Option<&mut Cell> {
        self.tables.last_mut().and_then(|t| t.rows.last_mut()).and_then(|r| r.cells.last_mut())
    }

    fn row(&mut self) -> Option<&mut Row> {
        self.tables.last_mut().and_then(|t| t.rows.last_mut())
    }

    fn push_text(&mut self, s: &str) {
        if self.run_hidden {
            return;
        }
        if let Some(p) = self.para.as_mut() {
            for c in s.chars() {
                p.text.push(shown::plain(c));
            }
        }
    }
}

/// Elements whose whole content is not text of the paragraph they are in.
fn hides(local: &[u8]) -> bool {
    matches!(
        local,
        b"del"
            | b"moveFrom"
            | b"instrText"
            | b"delInstrText"
            | b"drawing"
            | b"pict"
            | b"object"
            | b"footnoteReference"
            | b"endnoteReference"
            | b"commentReference"
            | b"rPrChange"
            | b"pPrChange"
            | b"tcPrChange"
            | b"trPrChange"
            | b"tblPrChange"
            | b"sectPrChange"
            | b"numberingChange"
    )
}

fn val(e: &BytesStart<'_>) -> Option<String> {
    val_named(e, b"val")
}

/// A quick-xml error, in Russian: what is wrong with the XML and where
/// (line of the part), never the library's English.
fn xml_error(xml: &str, at: u64, e: &quick_xml::Error) -> String {
    let line = xml.as_bytes()[..(at as usize).min(xml.len())].iter().filter(|&&b| b == b'\n').count() + 1;
    let what = match e {
        quick_xml::Error::Syntax(_) => "нарушена разметка XML (незакрытый тег, комментарий или блок CDATA)",
        quick_xml::Error::IllFormed(_) => "теги XML не согласованы (закрывающий тег без открывающего или наоборот)",
        quick_xml::Error::Escape(_) => "неверная ссылка на символ (&…;)",
        quick_xml::Error::Encoding(_) => "текст не в кодировке UTF-8",
        quick_xml::Error::InvalidAttr(_) => "неверный атрибут тега",
        quick_xml::Error::Namespace(_) => "неверное пространство имен XML",
        quick_xml::Error::Io(_) => "XML не читается",
    };
    format!("{what} (строка {line} части)")
}

/// Reads the body of a main document part.
pub fn body(xml: &str) -> Result<Vec<Block>, String> {
    let mut reader = NsReader::from_str(xml);
    let mut s = State::default();
    loop {
        if s.items > MAX_ITEMS {
            return Err(format!("больше {MAX_ITEMS} строк, ячеек и абзацев — это не отчет"));
        }
        if s.list_items > MAX_LIST_ITEMS {
            return Err(format!("больше {MAX_LIST_ITEMS} элементов раскрывающихся списков — это не форма otchet"));
        }
        let at = reader.buffer_position();
        let (ns, event) = reader.read_resolved_event().map_err(|e| xml_error(xml, at, &e))?;
        let wml = matches!(ns, ResolveResult::Bound(n) if W_NS.contains(&n.as_ref()));
        match event {
            Event::DocType(_) => return Err("объявление DOCTYPE в документе Word недопустимо".into()),
            Event::Start(e) => {
                let local = e.local_name();
                let local = local.as_ref();
                if !wml {
                    // An equation (OMML) is an object the data cannot hold:
                    // counted, its content skipped.
                    if s.hidden == 0 && matches!(local, b"oMath" | b"oMathPara") {
                        if let Some(p) = s.para.as_mut() {
                            p.pictures += 1;
                        }
                        s.hidden += 1;
                        continue;
                    }
                    // Alternate content (drawings, text boxes) is skipped
                    // whole; other foreign wrappers are read through.
                    if local == b"AlternateContent" || s.hidden > 0 {
                        s.hidden += 1;
                    }
                    continue;
                }
                if s.hidden > 0 || hides(local) {
                    if s.hidden == 0 && matches!(local, b"drawing" | b"pict" | b"object") {
                        if let Some(p) = s.para.as_mut() {
                            p.pictures += 1;
                        }
                    }
                    s.hidden += 1;
                    continue;
                }
                start(&mut s, local, &e, false);
            }
            Event::Empty(e) => {
                if !wml || s.hidden > 0 {
                    continue;
                }
                start(&mut s, e.local_name().as_ref(), &e, true);
            }

            Event::End(e) => {
                if s.hidden > 0 {
                    s.hidden -= 1;
                    continue;
                }
                if wml {
                    end(&mut s, e.local_name().as_ref());
                }
            }
            Event::Text(t) if s.in_text && s.hidden == 0 => {
                let text = t
                    .xml_content()
                    .map_err(|e| xml_error(xml, reader.buffer_position(), &quick_xml::Error::Encoding(e)))?;
                s.push_text(&text);
            }
            Event::CData(t) if s.in_text && s.hidden == 0 => {
                let text = std::str::from_utf8(&t).map_err(|_| "текст не в кодировке UTF-8".to_string())?.to_string();
                s.push_text(&text);
            }
            Event::GeneralRef(r) if s.in_text && s.hidden == 0 => {
                let mut text = String::new();
                push_reference(&mut text, &r);
                s.push_text(&text);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(s.blocks)
}

/// A WordprocessingML element starts (`empty`: and ends): the table, content-control or text element it is
/// (in that order: `w:del` inside `w:trPr` is a deleted row, elsewhere a
/// deleted paragraph mark).
fn start(s: &mut State, local: &[u8], e: &BytesStart<'_>, empty: bool) {
    if matches!(local, b"tr" | b"tc" | b"p") {
        s.items += 1;
    }
    let _ = start_table(s, local, e, empty) || start_control(s, local, e, empty) || start_text(s, local, e, empty);
}

/// Rows, cells and their properties (spans, merges, header rows).
fn start_table(s: &mut State, local: &[u8], e: &BytesStart<'_>, empty: bool) -> bool {
    match local {
        b"tbl" => s.tables.push(Table::default()),
        b"tr" => {
            if let Some(t) = s.tables.last_mut() {
                t.rows.push(Row::default());
            }
        }
        b"trPr" if !empty => s.in_trpr = true,
        b"del" if s.in_trpr => {
            if let Some(r) = s.row() {
                r.deleted = true;
            }
        }
        b"tblHeader" => {
            let on = val(e).is_none_or(|v| !matches!(v.as_str(), "0" | "false" | "off"));
            if let Some(r) = s.row() {
                r.header = on;
            }
        }
        b"gridBefore" => {
            // Bounded like a span: a report's grid has 7 columns.
            let n = val(e).and_then(|v| v.parse::<usize>().ok()).unwrap_or(0).min(64);
            if let Some(r) = s.row() {
                r.grid_before = n;
            }
        }
        b"gridAfter" => {
            let n = val(e).and_then(|v| v.parse::<usize>().ok()).unwrap_or(0).min(64);
            if let Some(r) = s.row() {
                r.grid_after = n;
            }
        }
        b"tc" => {
            if let Some(r) = s.row() {
                r.cells.push(Cell { span: 1, ..Cell::default() });
            }
        }
        b"gridSpan" => {
            let n = val(e).and_then(|v| v.parse::<usize>().ok()).unwrap_or(1).clamp(1, 64);
            if let Some(c) = s.cell() {
                c.span = n;
            }
        }
        b"vMerge" => {
            let m = if val(e).as_deref() == Some("restart") { VMerge::Restart } else { VMerge::Continue };
            if let Some(c) = s.cell() {
                c.v_merge = Some(m);
            }
        }
        b"hMerge" => {
            let cont = val(e).as_deref() != Some("restart");
            if let Some(c) = s.cell() {
                c.h_continue = cont;
            }
        }
        _ => return false,
    }
    true
}

/// Content controls: drop-down lists and their placeholders.
fn start_control(s: &mut State, local: &[u8], e: &BytesStart<'_>, empty: bool) -> bool {
    match local {
        b"sdt" if !empty && !s.tables.is_empty() => {
            let paragraphs = s.cell().map_or(0, |c| c.paragraphs.len());
            let in_para = s.para.as_ref().map(|p| p.text.len());
            s.sdts.push(Sdt { paragraphs, in_para, ..Sdt::default() });
        }
        b"sdtPr" if !empty => {
            if let Some(d) = s.sdts.last_mut() {
                d.in_pr = true;
            }
        }
        b"dropDownList" | b"comboBox" if s.sdts.last().is_some_and(|d| d.in_pr) => {
            if let Some(d) = s.sdts.last_mut() {
                d.list = Some(Vec::new());
            }
        }
        b"listItem" if s.sdts.last().is_some_and(|d| d.in_pr) => {
            s.list_items += 1;
            let value = val_named(e, b"value");
            let shown = val_named(e, b"displayText").or_else(|| value.clone()).unwrap_or_default();
            if let Some(list) = s.sdts.last_mut().and_then(|d| d.list.as_mut()) {
                if list.len() < 10_000 {
                    list.push((shown, value.unwrap_or_default()));
                }
            }
        }
        b"showingPlcHdr" if s.sdts.last().is_some_and(|d| d.in_pr) => {
            let on = val(e).is_none_or(|v| !matches!(v.as_str(), "0" | "false" | "off"));
            if let Some(d) = s.sdts.last_mut() {
                d.placeholder = on;
            }
        }
        _ => return false,
    }
    true
}

/// Paragraphs, runs and the characters Word shows for its elements.
fn start_text(s: &mut State, local: &[u8], e: &BytesStart<'_>, empty: bool) -> bool {
    match local {
        b"p" if !empty => s.para = Some(Paragraph::default()),
        b"p" => finish_paragraph(s, Paragraph::default()),
        b"pPr" if !empty => s.in_ppr = true,
        b"rPr" if s.in_ppr && !empty => s.in_mark_rpr = true,
        b"numPr" if s.in_ppr => {
            if let Some(p) = s.para.as_mut() {
                p.numbered = true;
            }
        }
        b"del" | b"moveFrom" if s.in_mark_rpr => {
            if let Some(p) = s.para.as_mut() {
                p.mark_deleted = true;
            }
        }
        b"r" if !empty => s.run_hidden = false,
        b"rPr" if !empty => s.in_run_rpr = true,
        b"vanish" | b"specVanish" if s.in_run_rpr => {
            s.run_hidden = val(e).is_none_or(|v| !matches!(v.as_str(), "0" | "false" | "off"));
        }
        // A chunk of another format (HTML, RTF) kept inside the document:
        // not read, counted as an object of its cell.
        b"altChunk" => {
            if let Some(c) = s.cell() {
                c.unread.1 += 1;
            } else {
                s.blocks.push(Block::Paragraph(Paragraph { pictures: 1, ..Paragraph::default() }));
            }
        }
        b"t" if !empty => s.in_text = true,
        b"tab" | b"ptab" if !s.in_ppr => s.push_text(" "),
        // A page or column break is layout only; a line break is a space
        // (one: none next to a space, see `trim`).
        b"br" | b"cr" if !matches!(val_named(e, b"type").as_deref(), Some("page" | "column")) => {
            s.push_text(&shown::LINE_BREAK.to_string());
        }
        b"footnoteReference" | b"endnoteReference" => {
            if let Some(p) = s.para.as_mut() {
                p.notes += 1;
            }
        }
        b"softHyphen" => s.push_text("\u{AD}"),
        b"noBreakHyphen" => s.push_text(&shown::NO_BREAK_HYPHEN_ELEMENT.to_string()),
        b"sym" => {
            let c = val_named(e, b"char").and_then(|h| u32::from_str_radix(&h, 16).ok()).and_then(char::from_u32);
            // Symbol-font characters sit in the private use area.
            if let Some(c) = c.filter(|c| !('\u{F000}'..='\u{F0FF}').contains(c)) {
                s.push_text(&c.to_string());
            }
        }

        _ => return false,
    }
    true
}

pub(super) fn val_named(e: &BytesStart<'_>, name: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .and_then(|a| a.unescape_value().ok().map(std::borrow::Cow::into_owned))
}

/// A WordprocessingML element ends.
fn end(s: &mut State, local: &[u8]) {
    match local {
        b"sdtPr" => {
            if let Some(d) = s.sdts.last_mut() {
                d.in_pr = false;
            }
        }
        b"sdt" => {
            if let Some(d) = s.sdts.pop() {
                end_sdt(s, d);
            }
        }
        b"t" => s.in_text = false,
        b"pPr" => s.in_ppr = false,
        b"trPr" => s.in_trpr = false,
        b"rPr" => {
            s.in_mark_rpr = false;
            s.in_run_rpr = false;
        }
        b"r" => s.run_hidden = false,
        b"p" => {
            if let Some(p) = s.para.take() {
                finish_paragraph(s, p);
            }
        }
        b"tc" => {
            if let Some(c) = s.cell() {
                trim_cell(c);
            }
        }
        b"tbl" => {
            if let Some(t) = s.tables.pop() {
                match s.cell() {
                    // A nested table: its text goes into the cell holding it.
                    Some(cell) => {
                        cell.nested = true;
                        // Rows deleted as tracked changes are not shown.
                        for row in t.rows.into_iter().filter(|r| !r.deleted) {
                            for c in row.cells {
                                cell.paragraphs.extend(c.paragraphs);
                                cell.unread.0 += c.unread.0;
                                cell.unread.1 += c.unread.1;
                            }
                        }
                    }
                    None => s.blocks.push(Block::Table(t)),
                }
            }
        }
        _ => {}
    }
}

/// A content control in a cell ends: a drop-down list is kept on its cell
/// with the text it holds.
fn end_sdt(s: &mut State, d: Sdt) {
    let Some(items) = d.list else { return };
    let finished = s.cell().map_or(0, |c| c.paragraphs.len());
    let text = match (d.in_para, s.para.as_ref()) {
        // Inside a paragraph: what the paragraph gained since it started.
        (Some(at), Some(p)) if finished == d.paragraphs => p.text.get(at..).unwrap_or_default().to_string(),
        // Around paragraphs: those finished since.
        _ => s
            .cell()
            .map(|c| {
                c.paragraphs.get(d.paragraphs..).unwrap_or_default().iter().map(|p| p.text.clone()).collect::<Vec<_>>()
            })
            .unwrap_or_default()
            .join("\n"),
    };
    let mut shown = Paragraph { text, ..Paragraph::default() };
    trim(&mut shown);
    if let Some(c) = s.cell() {
        if c.choice.is_none() {
            c.choice = Some(Choice { items, placeholder: d.placeholder, text: shown.text });
        }
    }
}

/// A paragraph ends: into the open cell, or the body.
/// (Spaces around a paragraph are layout, trimmed; in a cell only when
/// the cell ends, after paragraphs with deleted marks are joined.)
fn finish_paragraph(s: &mut State, mut p: Paragraph) {
    if s.tables.is_empty() {
        trim(&mut p);
        s.blocks.push(Block::Paragraph(p));
    } else if let Some(c) = s.cell() {
        match c.paragraphs.last_mut() {
            // A deleted paragraph mark joins it with this one.
            Some(prev) if prev.mark_deleted => {
                prev.text.push_str(&p.text);
                prev.mark_deleted = p.mark_deleted;
                prev.numbered |= p.numbered;
                prev.notes += p.notes;
                prev.pictures += p.pictures;
            }
            _ => c.paragraphs.push(p),
        }
    }
}

/// Resolves the paragraph's line breaks and spaces (see
/// [`shown::paragraph`]).
fn trim(p: &mut Paragraph) {
    p.text = shown::paragraph(std::mem::take(&mut p.text));
}

/// Removes a cell's empty leading and trailing paragraphs (Word keeps an
/// empty paragraph after a nested table, editors leave blank lines).
fn trim_cell(c: &mut Cell) {
    c.paragraphs.iter_mut().for_each(trim);
    // What the paragraphs hold that is not read, counted before empty
    // ones go.
    for p in &mut c.paragraphs {
        c.unread.0 += std::mem::take(&mut p.notes);
        c.unread.1 += std::mem::take(&mut p.pictures);
    }
    let keep = |p: &Paragraph| !p.text.is_empty() || p.numbered;
    while c.paragraphs.last().is_some_and(|p| !keep(p)) {
        c.paragraphs.pop();
    }
    let lead = c.paragraphs.iter().take_while(|p| !keep(p)).count();
    c.paragraphs.drain(..lead);
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: &str = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"";

    fn doc(body: &str) -> Vec<Block> {
        body_of(&format!("<w:document {W}><w:body>{body}</w:body></w:document>"))
    }

    fn body_of(xml: &str) -> Vec<Block> {
        super::body(xml).unwrap()
    }

    fn para(b: &Block) -> &str {
        match b {
            Block::Paragraph(p) => &p.text,
            Block::Table(_) => panic!("a table"),
        }
    }

    #[test]
    fn deleted_rows_of_nested_tables_and_alternative_chunks() {
        let b = doc("<w:tbl><w:tr><w:tc><w:tbl>\
             <w:tr><w:tc><w:p><w:r><w:t>видно</w:t></w:r></w:p></w:tc></w:tr>\
             <w:tr><w:trPr><w:del w:id=\"1\" w:author=\"a\"/></w:trPr><w:tc><w:p><w:r><w:t>удалено</w:t></w:r></w:p></w:tc></w:tr>\
             </w:tbl><w:altChunk/><w:p/></w:tc></w:tr></w:tbl>");
        let Block::Table(t) = &b[0] else { panic!("a table") };
        let cell = &t.rows[0].cells[0];
        assert_eq!(cell.text(), "видно");
        assert_eq!(cell.unread().1, 1, "the alternative chunk is counted");
    }

    #[test]
    fn line_breaks_are_one_space() {
        let b = doc("<w:p><w:r><w:t xml:space=\"preserve\">а </w:t><w:br/><w:t>б</w:t><w:br/><w:br/><w:t xml:space=\"preserve\"> в</w:t><w:br/></w:r></w:p>\
             <w:p><w:r><w:br/><w:t>г</w:t><w:cr/><w:t>д</w:t></w:r></w:p>");
        assert_eq!(para(&b[0]), "а б в");
        assert_eq!(para(&b[1]), "г д");
    }

    #[test]
    fn runs_join_breaks_are_spaces_typed_nbsp_kept_deletions_dropped() {
        let b = doc("<w:p><w:r><w:t>Отчет о</w:t></w:r><w:r><w:br/><w:t xml:space=\"preserve\">реализации\u{a0}соглашений </w:t></w:r>\
             <w:del><w:r><w:delText>лишнее</w:delText></w:r></w:del><w:ins><w:r><w:t>&amp; новое</w:t></w:r></w:ins>\
             <w:r><w:fldChar w:fldCharType=\"begin\"/><w:instrText>PAGE</w:instrText><w:fldChar w:fldCharType=\"separate\"/><w:t>2</w:t></w:r>\
             <w:r><w:softHyphen/><w:noBreakHyphen/><w:tab/>&#1040;</w:r></w:p>");
        assert_eq!(b.len(), 1);
        // The no-break space is typed (typography would not put one there): kept.
        assert_eq!(para(&b[0]), "Отчет о реализации\u{a0}соглашений & новое2\u{AD}\u{2011}");
        // One where typography puts it (after a short word) is plain.
        let b = doc("<w:p><w:r><w:t>Отчет о\u{a0}реализации</w:t></w:r></w:p>");
        assert_eq!(para(&b[0]), "Отчет о реализации");
    }

    #[test]
    fn cells_keep_spans_merges_and_paragraphs() {
        let b = doc("<w:tbl><w:tr><w:trPr><w:tblHeader/></w:trPr><w:tc><w:tcPr><w:gridSpan w:val=\"7\"/></w:tcPr><w:p/><w:p><w:r><w:t>А</w:t></w:r></w:p><w:p><w:r><w:t>Б </w:t></w:r></w:p><w:p/></w:tc></w:tr>\
             <w:tr><w:tc><w:tcPr><w:vMerge w:val=\"restart\"/></w:tcPr><w:p><w:pPr><w:numPr><w:ilvl w:val=\"0\"/></w:numPr></w:pPr></w:p></w:tc><w:tc><w:tcPr><w:vMerge/><w:hMerge/></w:tcPr><w:p/></w:tc></w:tr></w:tbl>");
        let Block::Table(t) = &b[0] else { panic!() };
        assert!(t.rows[0].header);
        assert_eq!(t.rows[0].cells[0].span, 7);
        assert_eq!(t.rows[0].cells[0].text(), "А\nБ");
        assert_eq!(t.rows[1].cells[0].v_merge, Some(VMerge::Restart));
        assert!(t.rows[1].cells[0].numbered());
        assert_eq!(t.rows[1].cells[1].v_merge, Some(VMerge::Continue));
        assert!(t.rows[1].cells[1].h_continue);
    }

    #[test]
    fn spans_and_skipped_columns_are_bounded() {
        let b = doc("<w:tbl><w:tr><w:trPr><w:gridBefore w:val=\"4000000000\"/></w:trPr><w:tc><w:tcPr><w:gridSpan w:val=\"99999\"/></w:tcPr><w:p/></w:tc></w:tr></w:tbl>");
        let Block::Table(t) = &b[0] else { panic!() };
        assert_eq!((t.rows[0].grid_before, t.rows[0].cells[0].span), (64, 64));
    }

    #[test]
    fn a_row_deleted_as_a_tracked_change_is_marked() {
        let b = doc("<w:tbl><w:tr><w:trPr><w:del w:id=\"1\" w:author=\"a\"/></w:trPr><w:tc><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc></w:tr><w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl>");
        let Block::Table(t) = &b[0] else { panic!() };
        assert!(t.rows[0].deleted);
        assert!(!t.rows[1].deleted);
    }

    #[test]
    fn a_deleted_paragraph_mark_joins_paragraphs() {
        let b = doc("<w:tbl><w:tr><w:tc><w:p><w:pPr><w:rPr><w:del w:id=\"1\" w:author=\"a\"/></w:rPr></w:pPr><w:r><w:t>один </w:t></w:r></w:p><w:p><w:r><w:t>два</w:t></w:r></w:p></w:tc></w:tr></w:tbl>");
        let Block::Table(t) = &b[0] else { panic!() };
        assert_eq!(t.rows[0].cells[0].text(), "один два");
    }

    #[test]
    fn alternate_content_and_textboxes_are_not_paragraphs() {
        let b = body_of(&format!(
            "<w:document {W} xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\"><w:body>\
             <w:p><w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><w:txbxContent><w:p><w:r><w:t>X</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice>\
             <mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>X</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent><w:t>Текст</w:t></w:r></w:p></w:body></w:document>"
        ));
        assert_eq!(b.len(), 1);
        assert_eq!(para(&b[0]), "Текст");
    }

    #[test]
    fn footnotes_and_pictures_are_counted_not_read() {
        let b = doc(
            "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Выставка</w:t></w:r><w:r><w:footnoteReference w:id=\"1\"/></w:r></w:p>\
             <w:p><w:r><w:drawing><w:t>x</w:t></w:drawing></w:r></w:p></w:tc></w:tr></w:tbl>",
        );
        let Block::Table(t) = &b[0] else { panic!() };
        assert_eq!(t.rows[0].cells[0].text(), "Выставка");
        assert_eq!(t.rows[0].cells[0].unread(), (1, 1));
    }

    #[test]
    fn a_flood_of_empty_cells_is_refused() {
        let row = format!("<w:tbl><w:tr>{}</w:tr></w:tbl>", "<w:tc/>".repeat(MAX_ITEMS + 1));
        let err = super::body(&format!("<w:document {W}><w:body>{row}</w:body></w:document>")).unwrap_err();
        assert!(err.contains("строк, ячеек и абзацев"), "{err}");
    }

    #[test]
    fn a_flood_of_list_items_is_refused() {
        // Nested drop-down lists in one cell: all of them would be held.
        let list = format!(
            "<w:sdtPr><w:dropDownList>{}</w:dropDownList></w:sdtPr>",
            "<w:listItem w:value=\"k\"/>".repeat(100)
        );
        let open = format!("<w:sdt>{list}<w:sdtContent>").repeat(MAX_LIST_ITEMS / 100 + 1);
        let close = "</w:sdtContent></w:sdt>".repeat(MAX_LIST_ITEMS / 100 + 1);
        let err = super::body(&format!("<w:document {W}><w:body><w:tbl><w:tr><w:tc>{open}<w:p/>{close}</w:tc></w:tr></w:tbl></w:body></w:document>"))
            .unwrap_err();
        assert!(err.contains("элементов раскрывающихся списков"), "{err}");
    }

    #[test]
    fn a_doctype_is_refused() {
        assert!(super::body("<!DOCTYPE x [<!ENTITY a \"b\">]><x/>").is_err());
    }
}
