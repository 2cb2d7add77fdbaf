//! Benchmark: TOML -> DOCX + PDF for the reference report and synthetic
//! reports of 1,000 and 10,000 events, whole process (release build).
//!
//!     cargo build --release && cargo run --release --example bench
//!
//! Wall time is the best of 3 runs; peak memory (max RSS) comes from
//! `/usr/bin/time` (Debian package `time`). It also times `otchet import`
//! of the 10,000-event DOCX, and with `soffice` on PATH LibreOffice
//! converting our 1,000-event DOCX to PDF.

#[path = "../support/synth.rs"]
mod synth;

#[path = "../support/docx_edit.rs"]
mod docx_edit;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn otchet() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    // target/release/examples/bench -> target/release/otchet
    let bin = exe.parent().unwrap().parent().unwrap().join("otchet");
    assert!(bin.exists(), "build the binary first: cargo build --release");
    bin
}

fn best_of(n: usize, mut f: impl FnMut()) -> Duration {
    (0..n)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap()
}

fn peak_kib(args: &[&Path]) -> Option<u64> {
    let out = Command::new("/usr/bin/time").arg("-f").arg("%M").args(args).output().ok()?;
    String::from_utf8_lossy(&out.stderr).lines().last()?.trim().parse().ok()
}

fn main() {
    let bin = otchet();
    let dir = tempfile::tempdir().unwrap();
    let outdir = dir.path().join("out");
    let reference = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/2020-q4.toml");
    let mut cases: Vec<(String, PathBuf)> = vec![("17 (reference)".into(), reference)];
    for n in [1_000, 10_000] {
        let p = dir.path().join(format!("synth{n}.toml"));
        std::fs::write(&p, synth::report(n)).unwrap();
        cases.push((n.to_string(), p));
    }
    println!("| events | wall, best of 3 | peak memory | output |");
    println!("|---|---|---|---|");
    let mut times = Vec::new();
    for (name, input) in &cases {
        let run = || {
            let st = Command::new(&bin).arg("render").arg(input).arg("-o").arg(&outdir).output().unwrap();
            assert!(st.status.success(), "{}", String::from_utf8_lossy(&st.stderr));
        };
        let t = best_of(3, run);
        times.push(t);
        let mem = peak_kib(&[&bin, Path::new("render"), input, Path::new("-o"), &outdir])
            .map_or("n/a".to_string(), |k| format!("{:.0} MiB", k as f64 / 1024.0));
        let stem = input.file_stem().unwrap().to_string_lossy().into_owned();
        let size = |ext: &str| std::fs::metadata(outdir.join(format!("{stem}.{ext}"))).map_or(0, |m| m.len());
        println!(
            "| {name} | {:.3} s | {mem} | DOCX {} KiB, PDF {} KiB |",
            t.as_secs_f64(),
            size("docx") / 1024,
            size("pdf") / 1024
        );
    }
    println!("\nt(10000) / t(1000) = {:.2}", times[2].as_secs_f64() / times[1].as_secs_f64());

    // Import: the 10,000-event DOCX back into data (a new file each run).
    let docx10k = outdir.join("synth10000.docx");
    let mut k = 0;
    let t = best_of(3, || {
        k += 1;
        let to = dir.path().join(format!("imported{k}.toml"));
        let st = Command::new(&bin).arg("import").arg(&docx10k).arg("-o").arg(&to).output().unwrap();
        assert!(st.status.success(), "{}", String::from_utf8_lossy(&st.stderr));
    });
    let to = dir.path().join("imported-mem.toml");
    let mem = peak_kib(&[&bin, Path::new("import"), &docx10k, Path::new("-o"), &to])
        .map_or("n/a".to_string(), |k| format!("{:.0} MiB", k as f64 / 1024.0));
    println!("import of the 10000-event DOCX: {:.3} s, {mem}", t.as_secs_f64());

    diff_figures(&bin, dir.path());
    import_hostile_figures(&bin, dir.path());
    serve_figures(&bin, &cases[1].1);

    let docx = outdir.join("synth1000.docx");
    let lo = dir.path().join("lo");
    let t = Instant::now();
    let ok = Command::new("soffice")
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(&lo)
        .arg(&docx)
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        let lo_t = t.elapsed();
        println!(
            "soffice --convert-to pdf of our 1000-event DOCX: {:.2} s ({:.0}x otchet's DOCX+PDF)",
            lo_t.as_secs_f64(),
            lo_t.as_secs_f64() / times[1].as_secs_f64()
        );
    } else {
        println!("soffice not available: LibreOffice comparison skipped");
    }
}

/// One HTTP/1.1 request to the local server; the response body.
fn http(port: u16, token: &str, method: &str, path: &str, body: &str) -> (u16, Vec<u8>) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut all = Vec::new();
    s.read_to_end(&mut all).unwrap();
    let status = String::from_utf8_lossy(&all[9..12]).parse().unwrap();
    let split = all.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    (status, all[split + 4..].to_vec())
}

/// `otchet serve` on a 1,000-event report: the page load (the page and its
/// data with diagnostics and table) and a validation round trip (an edited
/// title checked), median of 10 (targets: 300 ms and 100 ms).
fn serve_figures(bin: &Path, input: &Path) {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(input, dir.path().join("r.toml")).unwrap();
    let mut child = Command::new(bin)
        .args(["serve", ".", "--no-browser"])
        .current_dir(dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.as_mut().unwrap()).read_line(&mut line).unwrap();
    let rest = line.trim().strip_prefix("http://127.0.0.1:").unwrap().to_string();
    let (port, token) = rest.split_once("/?token=").unwrap();
    let port: u16 = port.parse().unwrap();
    let median = |mut f: Box<dyn FnMut() -> Duration>| {
        let mut v: Vec<Duration> = (0..10).map(|_| f()).collect();
        v.sort();
        v[5]
    };
    let load = median(Box::new(|| {
        let t = Instant::now();
        assert_eq!(http(port, token, "GET", "/reports/r", "").0, 200);
        assert_eq!(http(port, token, "GET", "/static/app.js", "").0, 200);
        assert_eq!(http(port, token, "GET", "/api/reports/r", "").0, 200);
        t.elapsed()
    }));
    let (_, body) = http(port, token, "GET", "/api/reports/r", "");
    let mut v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    v["data"]["department"][0]["event"][0]["title"] = serde_json::Value::from("Измененное название");
    let check = serde_json::json!({ "name": "r", "data": v["data"] }).to_string();
    let round = median(Box::new(|| {
        let t = Instant::now();
        assert_eq!(http(port, token, "POST", "/api/check", &check).0, 200);
        t.elapsed()
    }));
    let _ = child.kill();
    let _ = child.wait();
    println!(
        "serve, 1000 events: page load {:.0} ms (target 300), validation round trip {:.0} ms (target 100), medians of 10",
        load.as_secs_f64() * 1000.0,
        round.as_secs_f64() * 1000.0
    );
}

/// `otchet diff` of 2,000 events in 10 departments of 200, every row
/// changed (the case that took a minute when rows were paired by word
/// diffs): best of 3.
fn diff_figures(bin: &Path, dir: &Path) {
    let doc = |prefix: &str| {
        let mut s = String::from("[report]\nyear = 2020\nquarter = 4\n\n[agreements]\nm = \"Соглашение\"\n");
        for d in 0..10 {
            s.push_str(&format!("\n[[department]]\nname = \"Департамент {d}\"\n"));
            for e in 0..200 {
                let w = |n: usize, k: usize| {
                    (0..n).map(|i| format!("слово{}", (d * 7 + e * 13 + i * k) % 97)).collect::<Vec<_>>().join(" ")
                };
                s.push_str(&format!(
                    "\n[[department.event]]\nagreement = \"m\"\ntitle = \"{prefix}{}\"\ndates = \"октябрь\"\nplace = \"{prefix}{}\"\n\
                     participants = \"{prefix}{}\"\nresult = \"{prefix}{}\"\n",
                    w(8, 3),
                    w(5, 5),
                    w(15, 7),
                    w(30, 11)
                ));
            }
        }
        s
    };
    let (a, b) = (dir.join("diff-a.toml"), dir.join("diff-b.toml"));
    std::fs::write(&a, doc("")).unwrap();
    std::fs::write(&b, doc("Новое ")).unwrap();
    let mut k = 0;
    let t = best_of(3, || {
        k += 1;
        let out = dir.join(format!("changes{k}.docx"));
        let st = Command::new(bin).arg("diff").arg(&a).arg(&b).arg("-o").arg(&out).output().unwrap();
        assert!(st.status.success(), "{}", String::from_utf8_lossy(&st.stderr));
    });
    println!("diff of 2000 events, every row changed: {:.3} s", t.as_secs_f64());
}

/// `otchet import` of the hostile test's slow inputs (each took a minute or
/// more before the linear fixes): 5,000 agreements naming no partner
/// region (alone and with a 50,000-key --registry), the report followed by
/// 100,000 one-cell tables, and 60 long seven-cell rows in the table.
fn import_hostile_figures(bin: &Path, dir: &Path) {
    let mut data = String::from("[report]\nyear = 2020\nquarter = 4\n\n[agreements]\n");
    for i in 0..5000 {
        data.push_str(&format!("a{i} = \"Соглашение о сотрудничестве номер {i}\"\n"));
    }
    data.push_str("\n[[department]]\nname = \"Департамент\"\n");
    for i in 0..5000 {
        data.push_str(&format!(
            "\n[[department.event]]\nagreement = \"a{i}\"\ntitle = \"Т{i}\"\ndates = \"октябрь\"\nplace = \"П\"\n\
             participants = \"У\"\nresult = \"Р\"\n"
        ));
    }
    let mut registry = String::from("[report]\nyear = 2020\nquarter = 4\n\n[agreements]\n");
    for i in 0..50_000 {
        registry.push_str(&format!("soglashenie-{i} = \"Другое соглашение {i}\"\n"));
    }
    std::fs::write(dir.join("many.toml"), data).unwrap();
    std::fs::write(dir.join("registry.toml"), registry).unwrap();
    let st = Command::new(bin)
        .args(["render", "many.toml", "--format", "docx", "-o", "."])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(st.status.success());
    // The same DOCX with its document.xml changed.
    let edit = |name: &str, f: &dyn Fn(&str) -> String| {
        let docx = std::fs::read(dir.join("many.docx")).unwrap();
        std::fs::write(dir.join(name), docx_edit::edit_document(&docx, f)).unwrap();
    };
    let cell = |t: &str| format!("<w:tc><w:p><w:r><w:t>{t}</w:t></w:r></w:p></w:tc>");
    let tables = format!("<w:tbl><w:tr>{}</w:tr></w:tbl>", cell("x")).repeat(100_000);
    edit("tables.docx", &|d: &str| d.replacen("<w:sectPr", &format!("{tables}<w:sectPr"), 1));
    let long_row = format!("<w:tr>{}</w:tr>", cell(&"длинный текст ".repeat(300)).repeat(7)).repeat(60);
    edit("longrows.docx", &|d: &str| d.replacen("</w:tbl>", &format!("{long_row}</w:tbl>"), 1));
    let mut k = 0;
    let mut time = |args: &[&str]| {
        best_of(3, || {
            k += 1;
            let out = format!("imported-{k}.toml");
            let st = Command::new(bin).arg("import").args(args).args(["-o", &out]).current_dir(dir).output().unwrap();
            assert!(st.status.success(), "{}", String::from_utf8_lossy(&st.stderr));
        })
        .as_secs_f64()
    };
    let many = time(&["many.docx"]);
    let registry = time(&["many.docx", "--registry", "registry.toml"]);
    let tables = time(&["tables.docx"]);
    let long = time(&["longrows.docx"]);
    println!(
        "import, hostile inputs: 5000 agreements {many:.3} s, with a 50000-key registry {registry:.3} s, \
         100000 tables after the report {tables:.3} s, 60 long 7-cell rows {long:.3} s"
    );
}
