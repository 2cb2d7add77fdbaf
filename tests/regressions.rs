//! Inputs that once crashed the fuzzer (fuzz/fuzz_targets/pipeline.rs):
//! each must load or fail cleanly, and render without panicking.
mod common;

#[test]
fn fuzz_regressions_render_or_fail_cleanly() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fuzz-regressions");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        n += 1;
        if let Ok(l) = otchet::load::load_bytes("fuzz.toml", &bytes) {
            assert!(common::docx(&l).starts_with(b"PK"));
            assert!(common::pdf(&l).starts_with(b"%PDF"));
        }
    }
    assert!(n > 0);
}
