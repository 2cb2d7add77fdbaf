//! `otchet extract` on arbitrary bytes as a PDF: never panics, finishes
//! with bounded work (the name-tree walk, inflation and object count are
//! bounded), and every name it would write, once made safe, is a plain
//! file name. Seeds: PDFs otchet rendered (`fuzz/seeds-extract/`, made by
//! rendering `seeds/*.toml`; not committed).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() > 1024 * 1024 {
        return;
    }
    if let Ok(files) = otchet::archive::embedded_files(data) {
        assert!(files.len() <= otchet::archive::MAX_FILES);
        for f in files {
            assert!(f.bytes.len() <= otchet::archive::MAX_EMBEDDED_BYTES);
            let name = otchet::archive::safe_name(&f.name).unwrap_or(f.name);
            assert!(otchet::archive::is_plain_name(&name), "{name:?}");
            assert!(!name.starts_with('.') && name.len() <= 240, "{name:?}");
        }
    }
    // Any text as an embedded name.
    if let Ok(s) = std::str::from_utf8(data) {
        let name = otchet::archive::safe_name(s).unwrap_or_else(|| s.to_string());
        assert!(otchet::archive::is_plain_name(&name) && name.to_lowercase().ends_with(".toml"), "{name:?}");
        assert_eq!(otchet::archive::safe_name(&name), None, "a safe name stays: {name:?}");
    }
});
