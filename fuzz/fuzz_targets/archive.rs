//! The archive list's reading of a PDF (`GET /api/archive`): the pages and
//! the data files a PDF carries, each data file checked as the list
//! checks it. Never panics; its memory is bounded by the unpacking budget
//! (`otchet::archive::MAX_UNPACKED_BYTES`) — run with
//! `-rss_limit_mb=512` so a bomb that gets past it is a crash. Seeds: as
//! `extract`'s, plus object-stream PDFs (`qpdf --object-streams=generate`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() > 1024 * 1024 {
        return;
    }
    if let Ok((_pages, files)) = otchet::archive::described(data) {
        assert!(files.len() <= otchet::archive::MAX_FILES);
        for f in files.iter().filter(|f| f.name.to_lowercase().ends_with(".toml")) {
            let _ = otchet::app::check_bytes(&f.name, &f.bytes);
        }
    }
});
