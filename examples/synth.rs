//! Prints a synthetic report of N events: `cargo run --example synth -- 60`.
fn main() {
    let n = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(60);
    print!("{}", otchet::synth::report(n));
}
