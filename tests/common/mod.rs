//! Helpers shared by the integration tests: render the reference data and
//! read the produced documents back.
#![allow(dead_code)]

use std::io::Read;

#[path = "../../support/synth.rs"]
pub mod synth;

#[path = "../../support/docx_edit.rs"]
pub mod docx_edit;

pub mod serve;

use otchet::layout::Table;
use otchet::load::{self, Loaded};
use otchet::template::Template;
use quick_xml::events::Event;
use quick_xml::Reader;

pub const REFERENCE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/2020-q4.toml");

/// The `otchet` binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_otchet");

/// Runs `otchet` in `dir` without colours.
pub fn run(args: &[&str], dir: &std::path::Path) -> std::process::Output {
    std::process::Command::new(BIN).args(args).current_dir(dir).env("NO_COLOR", "1").output().unwrap()
}

/// Standard error of a run, as text.
pub fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn load_str(text: &str) -> Loaded {
    match load::load_bytes("test.toml", text.as_bytes()) {
        Ok(l) => l,
        Err(f) => panic!("{}", otchet::diag::render(&f.diagnostics, &f.source, false)),
    }
}

pub fn reference() -> Loaded {
    load_str(&std::fs::read_to_string(REFERENCE).unwrap())
}

pub fn table(l: &Loaded) -> Table {
    otchet::layout::build(&l.report, &Template::official())
}

pub fn docx(l: &Loaded) -> Vec<u8> {
    otchet::render::docx::render(&table(l), &Template::official()).unwrap()
}

pub fn pdf(l: &Loaded) -> Vec<u8> {
    otchet::render::pdf::render(&table(l), &Template::official(), &[]).unwrap()
}

/// A part of a DOCX package as text.
pub fn part(docx: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut f = zip.by_name(name).unwrap();
    let mut s = String::new();
    f.read_to_string(&mut s).unwrap();
    s
}

/// A table cell read back from document.xml.
#[derive(Debug, Default, Clone)]
pub struct XCell {
    pub text: String,
    pub grid_span: Option<String>,
    pub vmerge: Option<String>,
}

#[derive(Debug, Default, Clone)]
pub struct XRow {
    pub header: bool,
    pub cant_split: bool,
    pub cells: Vec<XCell>,
}

/// Rows of the first table of document.xml; paragraphs joined with `\n`.
pub fn rows(document_xml: &str) -> Vec<XRow> {
    let mut r = Reader::from_str(document_xml);
    let mut rows: Vec<XRow> = Vec::new();
    let mut in_t = false;
    // Paragraphs outside a cell (the one closing the document) are not
    // any cell's.
    let mut in_tc = false;
    let mut paras_in_cell = 0;
    loop {
        match r.read_event().unwrap() {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => {
                let name = e.name();
                let attr = |k: &[u8]| {
                    e.attributes()
                        .flatten()
                        .find(|a| a.key.as_ref() == k)
                        .map(|a| String::from_utf8(a.value.to_vec()).unwrap())
                };
                match name.as_ref() {
                    b"w:tr" => rows.push(XRow::default()),
                    b"w:tblHeader" => rows.last_mut().unwrap().header = true,
                    b"w:cantSplit" => rows.last_mut().unwrap().cant_split = true,
                    b"w:tc" => {
                        rows.last_mut().unwrap().cells.push(XCell::default());
                        paras_in_cell = 0;
                        in_tc = true;
                    }
                    b"w:gridSpan" => rows.last_mut().unwrap().cells.last_mut().unwrap().grid_span = attr(b"w:val"),
                    b"w:vMerge" => {
                        rows.last_mut().unwrap().cells.last_mut().unwrap().vmerge =
                            Some(attr(b"w:val").unwrap_or_else(|| "continue".into()));
                    }
                    b"w:p" if !rows.is_empty() && in_tc => {
                        if let Some(c) = rows.last_mut().and_then(|r| r.cells.last_mut()) {
                            if paras_in_cell > 0 {
                                c.text.push('\n');
                            }
                            paras_in_cell += 1;
                        }
                    }
                    b"w:t" => in_t = true,
                    b"w:softHyphen" | b"w:noBreakHyphen" => {
                        if let Some(c) = rows.last_mut().and_then(|r| r.cells.last_mut()) {
                            // The element between digits stands for the plain
                            // hyphen typed («2020-2024»), resolved at the cell's end.
                            c.text.push(if name.as_ref() == b"w:softHyphen" { '\u{AD}' } else { '\u{FFFE}' });
                        }
                    }
                    _ => {}
                }
            }
            Event::End(e) if e.name().as_ref() == b"w:t" => in_t = false,
            Event::End(e) if e.name().as_ref() == b"w:tc" => {
                in_tc = false;
                if let Some(c) = rows.last_mut().and_then(|r| r.cells.last_mut()) {
                    let t = &c.text;
                    c.text = t
                        .char_indices()
                        .map(|(i, ch)| match ch {
                            '\u{FFFE}' if otchet::text::digit_hyphen(t, i) => '-',
                            '\u{FFFE}' => '\u{2011}',
                            ch => ch,
                        })
                        .collect();
                }
            }
            Event::Text(t) if in_t => {
                if let Some(c) = rows.last_mut().and_then(|r| r.cells.last_mut()) {
                    c.text.push_str(&t.decode().unwrap());
                }
            }
            Event::GeneralRef(g) if in_t => {
                if let Some(c) = rows.last_mut().and_then(|r| r.cells.last_mut()) {
                    let name = g.decode().unwrap();
                    let ch = match name.as_ref() {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        other => panic!("unexpected entity {other}"),
                    };
                    c.text.push_str(ch);
                }
            }
            _ => {}
        }
    }
    rows
}

/// All text of a PDF, page by page (lopdf, through the ToUnicode maps).
pub fn pdf_pages(pdf: &[u8]) -> Vec<String> {
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    doc.get_pages().keys().map(|&n| doc.extract_text(&[n]).unwrap()).collect()
}

/// Text with whitespace, no-break spaces and hyphens removed, so that line
/// breaks and hyphenation do not matter for comparisons.
/// `document.xml` without its soft hyphen elements between text elements
/// (otchet's, at every hyphenation point), so words are found whole.
pub fn no_soft_hyphens(xml: &str) -> String {
    xml.replace("</w:t><w:softHyphen/><w:t>", "").replace("</w:t><w:softHyphen/><w:t xml:space=\"preserve\">", "")
}

/// A DOCX cell's text without otchet's soft hyphens (one at every
/// hyphenation point of each paragraph): the text as typed.
pub fn typed(text: &str) -> String {
    let paragraphs: Vec<String> =
        text.split('\n').map(|p| otchet::render::pdf::hyphen::typed_soft_hyphens(p).into_owned()).collect();
    paragraphs.join("\n")
}

pub fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace() && *c != '-' && *c != '\u{a0}').collect()
}

/// Every user text of a report with a description.
pub fn user_texts(l: &Loaded) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for a in &l.report.agreements {
        out.push((format!("agreement {}", a.key), a.title.value.clone()));
    }
    for d in &l.report.departments {
        out.push(("department".into(), d.name.value.clone()));
        for (i, e) in d.events.iter().enumerate() {
            for (k, v) in
                [("title", &e.title), ("place", &e.place), ("participants", &e.participants), ("result", &e.result)]
            {
                out.push((format!("{} event {} {k}", d.name.value, i + 1), v.value.clone()));
            }
        }
    }
    out
}
