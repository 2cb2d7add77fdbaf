//! Prints a synthetic report of N events: `cargo run --example synth -- 60`.
#[path = "../support/synth.rs"]
mod synth;

fn main() {
    let n = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(60);
    print!("{}", synth::report(n));
}
