//! load -> layout -> both renderers on arbitrary bytes: never panics, and
//! a file that loads renders to documents holding its texts.
#![no_main]

use libfuzzer_sys::fuzz_target;
use otchet::template::Template;

fuzz_target!(|data: &[u8]| {
    if data.len() > 64 * 1024 {
        return;
    }
    // Texts the PDF fonts cannot show are refused by the loader.
    let Ok(loaded) = otchet::load::load_bytes_with("fuzz.toml", data, Some(otchet::fonts::glyphs(true))) else {
        return;
    };
    let template = Template::official();
    let table = otchet::layout::build(&loaded.report, &template);
    let docx = otchet::render::docx::render(&table, &template).expect("DOCX renders");
    let pdf = otchet::render::pdf::render(&table, &template, &[]).expect("PDF renders");
    assert!(docx.starts_with(b"PK"));
    assert!(pdf.starts_with(b"%PDF"));
});
