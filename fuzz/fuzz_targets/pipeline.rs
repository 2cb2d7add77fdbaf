//! load -> layout -> both renderers on arbitrary bytes: never panics, and
//! a file that loads renders to documents holding its texts.
#![no_main]

use libfuzzer_sys::fuzz_target;
use otchet::template::Template;

fuzz_target!(|data: &[u8]| {
    if data.len() > 64 * 1024 {
        return;
    }
    let Ok(loaded) = otchet::load::load_bytes("fuzz.toml", data) else { return };
    let template = Template::official();
    let table = otchet::layout::build(&loaded.report, &template);
    if !otchet::render::pdf::check_glyphs(&table, &loaded.source.text).is_empty() {
        return;
    }
    let docx = otchet::render::docx::render(&table, &template).expect("DOCX renders");
    let pdf = otchet::render::pdf::render(&table, &template).expect("PDF renders");
    assert!(docx.starts_with(b"PK"));
    assert!(pdf.starts_with(b"%PDF"));
});
