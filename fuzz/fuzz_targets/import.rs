//! `otchet import` on arbitrary bytes: never panics, and whatever it
//! imports passes the loader. Seeds: the DOCX fixtures of
//! `tests/fixtures/import/` (libFuzzer mutates their ZIP bytes; the
//! `word/document.xml` of a seed can also be fed through `--` as is).
#![no_main]

use libfuzzer_sys::fuzz_target;
use otchet::import::{import, Given, Input};
use otchet::template::Template;

fuzz_target!(|data: &[u8]| {
    if data.len() > 256 * 1024 {
        return;
    }
    let template = Template::official();
    let given = Given { year: Some(2020), quarter: Some(4), ..Given::default() };
    if let Ok(imported) = import(&[Input { name: "fuzz.docx", bytes: data }], &template, &given) {
        assert!(otchet::load::load_bytes("fuzz.toml", imported.toml.as_bytes()).is_ok(), "{}", imported.toml);
    }
    // The body reader alone, on the bytes as XML.
    if let Ok(xml) = std::str::from_utf8(data) {
        let _ = otchet::import::docx::body(xml);
    }
});
