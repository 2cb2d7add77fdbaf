//! Benchmark of the office server: 20 department users (four in each of
//! five departments) on a 1,000-event report over TLS, each loading the
//! report and saving an event of its own section every second for 60 s
//! (`-- SECONDS` to change). Reports the latency of loads and saves
//! (median, p95, max), the answers (200 / 409), and checks that no
//! answered save was lost: each user's last answered edit is in the file.
//!
//!     cargo build --release && cargo run --release --example office_bench [-- SECONDS]

#[path = "../support/synth.rs"]
mod synth;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const PASSWORD: &str = "длинный пароль 2021";

fn otchet() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let bin = exe.parent().unwrap().parent().unwrap().join("otchet");
    assert!(bin.exists(), "build the binary first: cargo build --release");
    bin
}

struct Client {
    port: u16,
    tls: Arc<rustls::ClientConfig>,
}

impl Client {
    fn req(
        &self,
        method: &str,
        path: &str,
        cookie: Option<&str>,
        body: Option<&Value>,
    ) -> (u16, Option<String>, Vec<u8>) {
        let tcp = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
        let mut s = rustls::StreamOwned::new(rustls::ClientConnection::new(self.tls.clone(), name).unwrap(), tcp);
        let bytes = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: localhost:{}\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.port,
            bytes.len()
        );
        if body.is_some() {
            head.push_str("Content-Type: application/json\r\n");
        }
        if let Some(c) = cookie {
            head.push_str(&format!("Cookie: {c}\r\n"));
        }
        head.push_str("\r\n");
        s.write_all(head.as_bytes()).unwrap();
        s.write_all(&bytes).unwrap();
        let mut all = Vec::new();
        let _ = s.read_to_end(&mut all);
        let split = all.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
        let head = String::from_utf8_lossy(&all[..split]).into_owned();
        let status = head.split(' ').nth(1).unwrap().parse().unwrap();
        let cookie = head
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
            .map(|l| l.split_once(':').unwrap().1.trim().split(';').next().unwrap().to_string());
        (status, cookie, all[split + 4..].to_vec())
    }
}

fn percentile(v: &mut [Duration], p: f64) -> Duration {
    v.sort();
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    let seconds: u64 = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(60);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("big.toml"), synth::report(1000)).unwrap();
    let departments: Vec<String> = {
        let l = otchet::load::load_file(&dir.path().join("big.toml")).unwrap_or_else(|_| panic!("synthetic report"));
        l.report.departments.iter().map(|d| d.name.value.clone()).collect()
    };
    let users: Vec<(String, String)> =
        (0..20).map(|i| (format!("user{i:02}"), departments[i % departments.len()].clone())).collect();
    for (login, dept) in &users {
        let mut c = Command::new(otchet())
            .args([
                "users",
                "add",
                login,
                "--role",
                "department",
                "--department",
                dept,
                "--dir",
                ".",
                "--password-stdin",
            ])
            .current_dir(dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        c.stdin.take().unwrap().write_all(format!("{PASSWORD}\n").as_bytes()).unwrap();
        assert!(c.wait().unwrap().success());
    }
    // A test CA and the server's certificate.
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let key = rcgen::KeyPair::generate().unwrap();
    let leaf = rcgen::CertificateParams::new(vec!["localhost".to_string()]).unwrap();
    let cert = leaf.signed_by(&key, &rcgen::Issuer::new(ca, ca_key)).unwrap();
    std::fs::write(dir.path().join(".cert.pem"), cert.pem()).unwrap();
    std::fs::write(dir.path().join(".key.pem"), key.serialize_pem()).unwrap();
    let mut server = Command::new(otchet())
        .args(["serve", ".", "--listen", "127.0.0.1:0", "--tls-cert", ".cert.pem", "--tls-key", ".key.pem"])
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(server.stdout.as_mut().unwrap()).read_line(&mut line).unwrap();
    let port: u16 = line.trim().trim_start_matches("https://127.0.0.1:").trim_end_matches('/').parse().unwrap();
    let mut roots = rustls::RootCertStore::empty();
    roots.add(ca_cert.der().clone()).unwrap();
    let tls = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let client = Arc::new(Client { port, tls: Arc::new(tls) });

    let loads = Arc::new(Mutex::new(Vec::new()));
    let saves = Arc::new(Mutex::new(Vec::new()));
    let answers = Arc::new(Mutex::new((0usize, 0usize, 0usize)));
    let last: Arc<Mutex<Vec<Option<String>>>> = Arc::new(Mutex::new(vec![None; users.len()]));
    let started = Instant::now();
    let threads: Vec<_> = users
        .iter()
        .enumerate()
        .map(|(u, (login, dept))| {
            let (client, loads, saves, answers, last) =
                (client.clone(), loads.clone(), saves.clone(), answers.clone(), last.clone());
            let (login, dept) = (login.clone(), dept.clone());
            std::thread::spawn(move || {
                let body = json!({ "login": login, "password": PASSWORD });
                let (status, cookie, _) = client.req("POST", "/api/login", None, Some(&body));
                assert_eq!(status, 200);
                let cookie = cookie.unwrap();
                let mut n = 0;
                let until = started + Duration::from_secs(seconds);
                while Instant::now() < until {
                    let tick = Instant::now();
                    let t = Instant::now();
                    let (status, _, bytes) = client.req("GET", "/api/reports/big/data", Some(&cookie), None);
                    loads.lock().unwrap().push(t.elapsed());
                    assert_eq!(status, 200);
                    let v: Value = serde_json::from_slice(&bytes).unwrap();
                    let d = v["data"]["department"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .position(|x| x["name"] == dept.as_str())
                        .unwrap();
                    let mut data = v["data"].clone();
                    let marker = format!("{login} сохранение {n}");
                    // Each user its own event of the section.
                    data["department"][d]["event"][u / 5]["title"] = json!(marker);
                    let t = Instant::now();
                    let (status, _, _) = client.req(
                        "PUT",
                        "/api/reports/big",
                        Some(&cookie),
                        Some(&json!({ "data": data, "version": v["version"] })),
                    );
                    saves.lock().unwrap().push(t.elapsed());
                    let mut a = answers.lock().unwrap();
                    match status {
                        200 => {
                            a.0 += 1;
                            last.lock().unwrap()[u] = Some(marker);
                        }
                        409 => a.1 += 1,
                        _ => a.2 += 1,
                    }
                    drop(a);
                    n += 1;
                    if let Some(rest) = Duration::from_secs(1).checked_sub(tick.elapsed()) {
                        std::thread::sleep(rest);
                    }
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let _ = server.kill();
    let _ = server.wait();
    let text = std::fs::read_to_string(dir.path().join("big.toml")).unwrap();
    let lost: Vec<String> =
        last.lock().unwrap().iter().flatten().filter(|m| !text.contains(m.as_str())).cloned().collect();
    let (ok, conflicts, other) = *answers.lock().unwrap();
    let mut loads = loads.lock().unwrap().clone();
    let mut saves = saves.lock().unwrap().clone();
    println!(
        "office server, 20 department users, 1,000 events, TLS, {seconds} s: saves {ok} answered 200, {conflicts} 409 (own section changed by a colleague), {other} other"
    );
    for (what, v) in [("load", &mut loads), ("save", &mut saves)] {
        println!(
            "  {what}: n = {}, median {:.0} ms, p95 {:.0} ms, max {:.0} ms",
            v.len(),
            percentile(v, 0.5).as_secs_f64() * 1000.0,
            percentile(v, 0.95).as_secs_f64() * 1000.0,
            percentile(v, 1.0).as_secs_f64() * 1000.0
        );
    }
    println!("  lost answered saves: {}", lost.len());
    assert!(lost.is_empty(), "answered saves lost: {lost:?}");
    assert_eq!(other, 0, "answers other than 200 and 409");
}
