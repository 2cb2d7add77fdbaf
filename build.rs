//! Build script: the commit the binary is built from, for `otchet
//! --version` (`OTCHET_COMMIT` overrides it, e.g. when building from a
//! source archive without `.git`).

fn main() {
    let commit = std::env::var("OTCHET_COMMIT")
        .ok()
        .filter(|c| !c.is_empty())
        .or_else(|| {
            let out = std::process::Command::new("git").args(["rev-parse", "--short=12", "HEAD"]).output().ok()?;
            out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
        })
        .unwrap_or_else(|| "unknown".to_string());
    println!("cargo:rustc-env=OTCHET_COMMIT={commit}");
    println!("cargo:rerun-if-env-changed=OTCHET_COMMIT");
    println!("cargo:rerun-if-changed=build.rs");
    for path in [".git/HEAD", ".git/refs/heads", ".git/packed-refs"] {
        if std::path::Path::new(path).exists() {
            println!("cargo:rerun-if-changed={path}");
        }
    }
}
