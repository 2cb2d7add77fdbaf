//! Time of each pipeline stage, in process, for a synthetic report of N
//! events (default 10,000): `cargo run --release --example stages -- 10000`.
//! Complements `bench` (whole process) when looking for what dominates.

#[path = "../support/synth.rs"]
mod synth;

use std::time::Instant;

use otchet::template::Template;

fn main() {
    let n = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(10_000);
    let text = synth::report(n);
    let template = Template::official();
    let t = Instant::now();
    let loaded = otchet::load::load_bytes_with("synth.toml", text.as_bytes(), Some(otchet::fonts::glyphs(true)))
        .unwrap_or_else(|_| panic!("invalid synthetic report"));
    let t_load = t.elapsed();
    let t = Instant::now();
    let table = otchet::layout::build(&loaded.report, &template);
    let t_table = t.elapsed();
    let t = Instant::now();
    let laid = otchet::render::pdf::engine::layout(&table, &template);
    let t_engine = t.elapsed();
    let t = Instant::now();
    let pdf = otchet::render::pdf::render(&table, &template, &[]).unwrap();
    let t_pdf = t.elapsed();
    let t = Instant::now();
    let docx = otchet::render::docx::render(&table, &template).unwrap();
    let t_docx = t.elapsed();
    println!("events {n}, input {} KiB", text.len() / 1024);
    println!("load + glyphs   {:>8.3} s", t_load.as_secs_f64());
    println!("logical table   {:>8.3} s", t_table.as_secs_f64());
    println!("pdf layout      {:>8.3} s ({} pages)", t_engine.as_secs_f64(), laid.pages.len());
    println!("pdf (all)       {:>8.3} s ({} KiB)", t_pdf.as_secs_f64(), pdf.len() / 1024);
    println!("docx (all)      {:>8.3} s ({} KiB)", t_docx.as_secs_f64(), docx.len() / 1024);
}
