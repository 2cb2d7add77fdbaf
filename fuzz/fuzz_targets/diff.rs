//! `otchet diff` on two arbitrary data files: whenever both load, the
//! comparison and the changes DOCX never panic, and the DOCX's document
//! part is well-formed XML. The input is split at the first NUL byte into
//! the old and the new file. Seeds: `seeds/*.toml` joined in pairs.
#![no_main]

use libfuzzer_sys::fuzz_target;
use otchet::template::Template;

fuzz_target!(|data: &[u8]| {
    if data.len() > 256 * 1024 {
        return;
    }
    let (old, new) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, data),
    };
    let (Ok(old), Ok(new)) = (otchet::load::load_bytes("old.toml", old), otchet::load::load_bytes("new.toml", new))
    else {
        return;
    };
    let t = Template::official();
    let (a, b) = (otchet::layout::build(&old.report, &t), otchet::layout::build(&new.report, &t));
    let revised = otchet::diff::compare(&a, &b);
    let docx = otchet::render::docx::render_revised(&revised, &b, &t, "fuzz", "2020-12-31T00:00:00Z")
        .expect("a changes DOCX for loaded data");
    assert!(docx.starts_with(b"PK"));
});
