//! A DOCX with its `word/document.xml` changed: for tests and benchmarks
//! that need a document otchet did not write (outside the library's API;
//! included with `#[path]`).
#![allow(dead_code)]

use std::io::{Read, Write};

/// The package `docx` with `edit` applied to its document part; every other
/// part copied as it is.
pub fn edit_document(docx: &[u8], edit: impl FnOnce(&str) -> String) -> Vec<u8> {
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(docx)).expect("a DOCX");
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let mut edit = Some(edit);
    for i in 0..zin.len() {
        let mut part = zin.by_index(i).expect("a part");
        let name = part.name().to_string();
        let mut bytes = Vec::new();
        part.read_to_end(&mut bytes).expect("a readable part");
        if name == "word/document.xml" {
            let text = String::from_utf8(bytes).expect("UTF-8");
            bytes = (edit.take().expect("one document part"))(&text).into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default()).expect("a part written");
        out.write_all(&bytes).expect("a part written");
    }
    out.finish().expect("a DOCX").into_inner()
}
