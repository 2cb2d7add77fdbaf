//! `otchet serve --listen` — the office server — over HTTPS with a test
//! certificate authority made here: sign-in, sessions, throttling, every
//! role against every endpoint, departments' sections and statuses, slow
//! clients, a crash during saves, and the command line's refusals.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{BIN, REFERENCE};
use serde_json::{json, Value};

const CULTURE: &str = "Департамент Смоленской области по культуре";
const ECONOMY: &str = "Департамент экономического развития Смоленской области";
const PASSWORD: &str = "длинный пароль 2021";

/// A test CA and a server certificate for 127.0.0.1 and localhost.
struct Pki {
    ca_der: Vec<u8>,
    cert: PathBuf,
    key: PathBuf,
}

fn pki(dir: &Path) -> Pki {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair, SanType};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name.push(rcgen::DnType::CommonName, "otchet test CA");
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let key = KeyPair::generate().unwrap();
    let mut leaf = CertificateParams::new(vec!["localhost".to_string()]).unwrap();
    leaf.subject_alt_names.push(SanType::IpAddress("127.0.0.1".parse().unwrap()));
    let issuer = rcgen::Issuer::new(ca, ca_key);
    let cert = leaf.signed_by(&key, &issuer).unwrap();
    let (cert_path, key_path) = (dir.join("server.pem"), dir.join("server.key"));
    std::fs::write(&cert_path, cert.pem()).unwrap();
    std::fs::write(&key_path, key.serialize_pem()).unwrap();
    Pki { ca_der: ca_cert.der().to_vec(), cert: cert_path, key: key_path }
}

/// An office server on a folder with the reference report and four users.
struct Office {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
    tls: Arc<rustls::ClientConfig>,
    _pki: tempfile::TempDir,
}

impl Drop for Office {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn users(dir: &Path) {
    for (login, role, dept) in [
        ("coord", "coordinator", None),
        ("culture", "department", Some(CULTURE)),
        ("economy", "department", Some(ECONOMY)),
        ("boss", "reader", None),
    ] {
        let mut args = vec!["users", "add", login, "--role", role, "--dir", ".", "--password-stdin"];
        let name = format!("Сотрудник {login}");
        args.extend(["--name", &name]);
        if let Some(d) = dept {
            args.extend(["--department", d]);
        }
        let mut c = Command::new(BIN)
            .args(&args)
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        c.stdin.take().unwrap().write_all(format!("{PASSWORD}\n").as_bytes()).unwrap();
        let o = c.wait_with_output().unwrap();
        assert!(o.status.success(), "users add {login}");
    }
}

fn spawn_server(dir: &Path, pki: &Pki, env: &[(&str, &str)]) -> (Child, u16) {
    let mut child = Command::new(BIN)
        .envs(env.iter().copied())
        .args(["serve", ".", "--listen", "127.0.0.1:0", "--tls-cert"])
        .arg(&pki.cert)
        .arg("--tls-key")
        .arg(&pki.key)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap()).read_line(&mut line).unwrap();
    let url = line.trim().to_string();
    assert!(url.starts_with("https://127.0.0.1:") && url.ends_with('/'), "{url}");
    let port = url.trim_start_matches("https://127.0.0.1:").trim_end_matches('/').parse().unwrap();
    (child, port)
}

fn start() -> Office {
    start_with(&[])
}

fn start_with(env: &[(&str, &str)]) -> Office {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(REFERENCE, dir.path().join("q.toml")).unwrap();
    users(dir.path());
    let pki_dir = tempfile::tempdir().unwrap();
    let pki = pki(pki_dir.path());
    let (child, port) = spawn_server(dir.path(), &pki, env);
    let mut roots = rustls::RootCertStore::empty();
    roots.add(rustls::pki_types::CertificateDer::from(pki.ca_der.clone())).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    Office { child, port, dir, tls: Arc::new(tls), _pki: pki_dir }
}

use common::serve::Resp;

trait SetCookie {
    fn cookie(&self) -> Option<String>;
}

impl SetCookie for Resp {
    /// The `name=value` of the cookie the response sets.
    fn cookie(&self) -> Option<String> {
        self.header("set-cookie").map(|c| c.split(';').next().unwrap().to_string())
    }
}

impl Office {
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// One HTTPS request (`Connection: close`).
    fn req(&self, method: &str, path: &str, cookie: Option<&str>, body: Option<&Value>) -> Resp {
        let tcp = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        tcp.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
        let conn = rustls::ClientConnection::new(self.tls.clone(), name).unwrap();
        let mut s = rustls::StreamOwned::new(conn, tcp);
        let bytes = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: localhost:{}\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.port,
            bytes.len()
        );
        if body.is_some() {
            head.push_str(&format!("Content-Type: application/json\r\nOrigin: https://localhost:{}\r\n", self.port));
        }
        if let Some(c) = cookie {
            head.push_str(&format!("Cookie: {c}\r\n"));
        }
        head.push_str("\r\n");
        s.write_all(head.as_bytes()).unwrap();
        s.write_all(&bytes).unwrap();
        let mut all = Vec::new();
        let _ = s.read_to_end(&mut all);
        common::serve::parse(&all)
    }

    fn login(&self, login: &str) -> String {
        let r = self.req("POST", "/api/login", None, Some(&json!({ "login": login, "password": PASSWORD })));
        assert_eq!(r.status, 200, "{login}: {}", String::from_utf8_lossy(&r.body));
        r.cookie().unwrap()
    }

    fn load(&self, cookie: &str) -> Value {
        let r = self.req("GET", "/api/reports/q", Some(cookie), None);
        assert_eq!(r.status, 200);
        r.json()
    }
}

fn dept_index(data: &Value, name: &str) -> usize {
    data["department"].as_array().unwrap().iter().position(|d| d["name"] == name).unwrap()
}

#[test]
fn sign_in_sessions_and_cookies() {
    let o = start();
    // Nothing without a session: 401 for the API, the sign-in page for pages.
    assert_eq!(o.req("GET", "/api/reports", None, None).status, 401);
    let page = o.req("GET", "/", None, None);
    assert_eq!(page.status, 303);
    assert_eq!(page.header("location"), Some("/login"));
    let login_page = o.req("GET", "/login", None, None);
    assert_eq!(login_page.status, 200);
    assert!(String::from_utf8_lossy(&login_page.body).contains("Вход"));
    assert!(login_page.header("strict-transport-security").is_some(), "no HSTS under TLS");
    assert!(login_page.header("content-security-policy").unwrap().contains("frame-ancestors 'none'"));
    // Wrong login and wrong password: one answer.
    let a = o.req("POST", "/api/login", None, Some(&json!({ "login": "nobody", "password": PASSWORD })));
    let b = o.req("POST", "/api/login", None, Some(&json!({ "login": "coord", "password": "не тот пароль" })));
    assert_eq!((a.status, b.status), (401, 401));
    assert_eq!(a.json(), b.json());
    assert!(a.header("set-cookie").is_none());
    // Sign-in: the cookie's flags; no fixation (a cookie sent in is not kept).
    let planted = format!("otchet_session={}", "a".repeat(64));
    let r = o.req("POST", "/api/login", Some(&planted), Some(&json!({ "login": "coord", "password": PASSWORD })));
    assert_eq!(r.status, 200);
    let set = r.header("set-cookie").unwrap().to_string();
    for flag in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/"] {
        assert!(set.contains(flag), "{flag} missing: {set}");
    }
    let cookie = r.cookie().unwrap();
    assert_ne!(cookie, planted);
    assert_eq!(cookie.len(), "otchet_session=".len() + 64, "a session id of 256 bits");
    assert_eq!(o.req("GET", "/api/reports", Some(&planted), None).status, 401);
    let me = o.req("GET", "/api/me", Some(&cookie), None).json();
    assert_eq!(me, json!({ "login": "coord", "name": "Сотрудник coord", "role": "coordinator", "department": null }));
    // A second sign-in: another session id.
    let again = o.login("coord");
    assert_ne!(again, cookie);
    // Sign-out ends the session on the server.
    assert_eq!(o.req("POST", "/api/logout", Some(&cookie), Some(&json!({}))).status, 200);
    assert_eq!(o.req("GET", "/api/reports", Some(&cookie), None).status, 401);
    assert_eq!(o.req("GET", "/api/reports", Some(&again), None).status, 200);
    // The audit log, newest first, failed sign-ins included.
    let log = o.req("GET", "/api/audit", Some(&again), None).json();
    let actions: Vec<&str> = log["entries"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions[0], "logout", "{actions:?}");
    assert!(
        actions.contains(&"logout") && actions.iter().filter(|a| **a == "login-failed").count() == 2,
        "{actions:?}"
    );
    let out = Command::new(BIN).args(["audit", "--dir"]).arg(o.dir.path()).output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("login-failed"));
}

#[test]
fn sessions_end_when_idle_and_at_their_maximum_age() {
    let o = start_with(&[("OTCHET_TEST_SESSION_IDLE", "2"), ("OTCHET_TEST_SESSION_MAX", "5")]);
    let idle = o.login("boss");
    std::thread::sleep(Duration::from_millis(3200));
    assert_eq!(o.req("GET", "/api/reports", Some(&idle), None).status, 401, "an idle session lived on");
    // Used every second, a session still ends at its maximum age.
    let busy = o.login("boss");
    let started = Instant::now();
    let mut ended = None;
    while started.elapsed() < Duration::from_secs(9) {
        if o.req("GET", "/api/me", Some(&busy), None).status == 401 {
            ended = Some(started.elapsed());
            break;
        }
        std::thread::sleep(Duration::from_millis(900));
    }
    let ended = ended.expect("a session used all the time never ended");
    assert!(ended >= Duration::from_secs(4), "ended too early: {ended:?}");
}

#[test]
fn sign_in_is_throttled() {
    let o = start();
    for _ in 0..5 {
        let r = o.req("POST", "/api/login", None, Some(&json!({ "login": "boss", "password": "неверный пароль" })));
        assert_eq!(r.status, 401);
    }
    let r = o.req("POST", "/api/login", None, Some(&json!({ "login": "boss", "password": PASSWORD })));
    assert_eq!(r.status, 429, "{}", String::from_utf8_lossy(&r.body));
    let wait: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!(wait > 0 && wait <= 15 * 60);
    assert!(r.json()["error"].as_str().unwrap().contains("попыток"));
    // Another login from this address still may.
    o.login("coord");
}

/// Every role against every endpoint.
#[test]
fn every_role_against_every_endpoint() {
    let o = start();
    let cookies: Vec<(&str, String)> = ["coord", "culture", "boss"].iter().map(|l| (*l, o.login(l))).collect();
    let v = o.load(&cookies[0].1);
    let same = json!({ "data": v["data"], "version": v["version"] });
    // (method, path, body, [coordinator, department, reader])
    let table: Vec<(&str, String, Option<Value>, [u16; 3])> = vec![
        ("GET", "/api/reports".into(), None, [200, 200, 200]),
        ("GET", "/api/reports/q".into(), None, [200, 200, 200]),
        ("GET", "/api/reports/q/docx".into(), None, [200, 200, 200]),
        ("GET", "/api/reports/q/versions".into(), None, [200, 200, 200]),
        ("GET", "/api/reports/q/status".into(), None, [200, 200, 200]),
        ("GET", "/api/archive".into(), None, [200, 200, 200]),
        ("GET", "/api/me".into(), None, [200, 200, 200]),
        ("GET", "/api/audit".into(), None, [200, 403, 403]),
        ("POST", "/api/check".into(), Some(json!({ "data": v["data"] })), [200, 200, 200]),
        ("PUT", "/api/reports/q".into(), Some(same.clone()), [200, 200, 403]),
        ("POST", "/api/reports/q/next".into(), Some(json!({})), [200, 403, 403]),
        ("POST", "/api/import/preview".into(), Some(json!({ "files": [] })), [400, 403, 403]),
        ("POST", "/api/archive/restore".into(), Some(json!({ "file": "none.pdf" })), [404, 403, 403]),
        ("POST", "/api/reports/q/versions/x/restore".into(), Some(json!({ "version": v["version"] })), [404, 403, 403]),
    ];
    for (method, path, body, want) in &table {
        for (i, (login, cookie)) in cookies.iter().enumerate() {
            let r = o.req(method, path, Some(cookie), body.as_ref());
            assert_eq!(r.status, want[i], "{login} {method} {path}: {}", String::from_utf8_lossy(&r.body));
            if r.status == 403 {
                let msg = r.json()["error"].as_str().unwrap().to_string();
                assert!(msg.chars().any(|c| ('а'..='я').contains(&c)), "not Russian: {msg}");
            }
        }
    }
}

#[test]
fn a_department_changes_its_own_events_only() {
    let o = start();
    let c = o.login("culture");
    let v = o.load(&c);
    let before = std::fs::read(o.path("q.toml")).unwrap();
    let culture = dept_index(&v["data"], CULTURE);
    let economy = dept_index(&v["data"], ECONOMY);
    // Another section, the registry, the period: 403, the file unchanged.
    let edits: Vec<Box<dyn Fn(&mut Value)>> = vec![
        Box::new(move |d: &mut Value| d["department"][economy]["event"][0]["title"] = json!("Чужая правка")),
        Box::new(|d: &mut Value| d["agreements"]["moscow"] = json!("Другое соглашение")),
        Box::new(|d: &mut Value| d["report"]["quarter"] = json!(3)),
        Box::new(move |d: &mut Value| d["department"][culture]["name"] = json!("Переименованный")),
    ];
    for edit in edits {
        let mut data = v["data"].clone();
        edit(&mut data);
        let r = o.req("PUT", "/api/reports/q", Some(&c), Some(&json!({ "data": data, "version": v["version"] })));
        assert_eq!(r.status, 403, "{}", String::from_utf8_lossy(&r.body));
        assert_eq!(std::fs::read(o.path("q.toml")).unwrap(), before, "a refused save changed the file");
    }
    // Its own events: saved, with its author in the versions.
    let mut data = v["data"].clone();
    data["department"][culture]["event"][0]["title"] = json!("Правка департамента культуры");
    let r = o.req("PUT", "/api/reports/q", Some(&c), Some(&json!({ "data": data, "version": v["version"] })));
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let versions = o.req("GET", "/api/reports/q/versions", Some(&c), None).json();
    assert_eq!(versions["versions"][0]["author"], "Сотрудник culture");
}

#[test]
fn two_departments_saving_at_once_both_land_and_an_own_conflict_is_409() {
    let o = start();
    let (a, b) = (o.login("culture"), o.login("economy"));
    let v = o.load(&a);
    let (ci, ei) = (dept_index(&v["data"], CULTURE), dept_index(&v["data"], ECONOMY));
    let mut da = v["data"].clone();
    da["department"][ci]["event"][0]["title"] = json!("Правка культуры");
    let mut db = v["data"].clone();
    db["department"][ei]["event"][0]["title"] = json!("Правка экономики");
    let o = Arc::new(o);
    let (o1, o2) = (o.clone(), o.clone());
    let (va, vb) = (v["version"].clone(), v["version"].clone());
    let ta = std::thread::spawn(move || {
        o1.req("PUT", "/api/reports/q", Some(&a), Some(&json!({ "data": da, "version": va })))
    });
    let tb = std::thread::spawn(move || {
        o2.req("PUT", "/api/reports/q", Some(&b), Some(&json!({ "data": db, "version": vb })))
    });
    let (ra, rb) = (ta.join().unwrap(), tb.join().unwrap());
    assert_eq!(
        (ra.status, rb.status),
        (200, 200),
        "{:?} {:?}",
        String::from_utf8_lossy(&ra.body),
        String::from_utf8_lossy(&rb.body)
    );
    let text = std::fs::read_to_string(o.path("q.toml")).unwrap();
    assert!(text.contains("Правка культуры") && text.contains("Правка экономики"), "a section's save was lost");
    // The same department from the old version again: its section changed.
    let c = o.login("culture");
    let mut again = v["data"].clone();
    again["department"][ci]["event"][1]["title"] = json!("Поздняя правка");
    let r = o.req("PUT", "/api/reports/q", Some(&c), Some(&json!({ "data": again, "version": v["version"] })));
    assert_eq!(r.status, 409, "{}", String::from_utf8_lossy(&r.body));
    assert!(!std::fs::read_to_string(o.path("q.toml")).unwrap().contains("Поздняя правка"));
}

/// Role × from-status × to-status.
#[test]
fn section_statuses_follow_the_rules() {
    let o = start();
    let (coord, culture, economy, boss) = (o.login("coord"), o.login("culture"), o.login("economy"), o.login("boss"));
    let set = |cookie: &str, dept: &str, status: &str, remark: Option<&str>| {
        let mut body = json!({ "department": dept, "status": status });
        if let Some(r) = remark {
            body["remark"] = json!(r);
        }
        o.req("POST", "/api/reports/q/status", Some(cookie), Some(&body))
    };
    let status_of = |dept: &str| {
        let s = o.req("GET", "/api/reports/q/status", Some(&coord), None).json();
        s["departments"].as_array().unwrap().iter().find(|d| d["department"] == dept).unwrap().clone()
    };
    assert_eq!(status_of(CULTURE)["status"], "draft");
    // (who, department, to, remark, expected status code, status after)
    let steps: Vec<(&str, &str, &str, Option<&str>, u16, &str)> = vec![
        (&coord, CULTURE, "accepted", None, 422, "draft"),
        (&economy, CULTURE, "submitted", None, 403, "draft"),
        (&boss, CULTURE, "submitted", None, 403, "draft"),
        (&culture, CULTURE, "accepted", None, 403, "draft"),
        (&culture, CULTURE, "submitted", None, 200, "submitted"),
        (&culture, CULTURE, "submitted", None, 422, "submitted"),
        (&coord, CULTURE, "returned", None, 422, "submitted"),
        (&coord, CULTURE, "returned", Some("Уточните даты"), 200, "returned"),
        (&culture, CULTURE, "submitted", None, 200, "submitted"),
        (&coord, CULTURE, "accepted", None, 200, "accepted"),
        (&culture, CULTURE, "draft", None, 403, "accepted"),
        (&coord, CULTURE, "draft", None, 200, "draft"),
    ];
    for (i, (who, dept, to, remark, code, after)) in steps.iter().enumerate() {
        let r = set(who, dept, to, *remark);
        assert_eq!(r.status, *code, "step {i}: {}", String::from_utf8_lossy(&r.body));
        assert_eq!(status_of(dept)["status"], *after, "step {i}");
        if r.status >= 400 {
            assert!(r.json()["error"].as_str().unwrap().chars().any(|c| ('а'..='я').contains(&c)));
        }
    }
    // A submitted section is read-only to its department (403, unchanged).
    assert_eq!(set(&culture, CULTURE, "submitted", None).status, 200);
    let v = o.load(&culture);
    let ci = dept_index(&v["data"], CULTURE);
    let mut data = v["data"].clone();
    data["department"][ci]["event"][0]["title"] = json!("После сдачи");
    let before = std::fs::read(o.path("q.toml")).unwrap();
    let r = o.req("PUT", "/api/reports/q", Some(&culture), Some(&json!({ "data": data, "version": v["version"] })));
    assert_eq!(r.status, 403);
    assert_eq!(std::fs::read(o.path("q.toml")).unwrap(), before);
    // A section with errors is not handed in.
    let ev = o.load(&economy);
    let ei = dept_index(&ev["data"], ECONOMY);
    let mut data = ev["data"].clone();
    data["department"][ei]["event"][0]["title"] = json!("");
    let r = o.req("PUT", "/api/reports/q", Some(&economy), Some(&json!({ "data": data, "version": ev["version"] })));
    assert_eq!(r.status, 200);
    let r = set(&economy, ECONOMY, "submitted", None);
    assert_eq!(r.status, 422, "{}", String::from_utf8_lossy(&r.body));
    assert!(r.json()["error"].as_str().unwrap().contains("ошибки"));
    // Every change in the audit log.
    let log = o.req("GET", "/api/audit", Some(&coord), None).json();
    let statuses = log["entries"].as_array().unwrap().iter().filter(|e| e["action"] == "status").count();
    assert_eq!(statuses, 6);
}

#[test]
fn slow_and_idle_connections_do_not_stall_a_signed_in_user() {
    let o = start();
    let mut held = Vec::new();
    for i in 0..24 {
        let mut s = TcpStream::connect(("127.0.0.1", o.port)).unwrap();
        if i % 2 == 1 {
            // A byte now, more later: a handshake that never finishes.
            s.write_all(&[0x16]).unwrap();
        }
        held.push(s);
    }
    let dribble = {
        let port = o.port;
        std::thread::spawn(move || {
            let mut conns: Vec<TcpStream> = (0..8).map(|_| TcpStream::connect(("127.0.0.1", port)).unwrap()).collect();
            for _ in 0..8 {
                for c in &mut conns {
                    let _ = c.write_all(&[0x16]);
                }
                std::thread::sleep(Duration::from_secs(1));
            }
        })
    };
    let started = Instant::now();
    let c = o.login("culture");
    let v = o.load(&c);
    let ci = dept_index(&v["data"], CULTURE);
    let mut data = v["data"].clone();
    data["department"][ci]["event"][0]["title"] = json!("Правка при медленных соединениях");
    let r = o.req("PUT", "/api/reports/q", Some(&c), Some(&json!({ "data": data, "version": v["version"] })));
    assert_eq!(r.status, 200);
    let took = started.elapsed();
    assert!(took < Duration::from_secs(5), "sign-in, load and save took {took:?} beside slow connections");
    dribble.join().unwrap();
    drop(held);
}

#[test]
fn a_crash_during_saves_loses_no_answered_save() {
    let o = start();
    let c = o.login("coord");
    let pid = o.child.id();
    let o = Arc::new(o);
    let answered = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let worker = {
        let (o, answered) = (o.clone(), answered.clone());
        std::thread::spawn(move || {
            for i in 0..1000 {
                let Ok(r) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    o.req("GET", "/api/reports/q", Some(&c), None)
                })) else {
                    return;
                };
                if r.status != 200 {
                    return;
                }
                let v = r.json();
                let mut data = v["data"].clone();
                let title = format!("Сохранение номер {i}");
                data["department"][0]["event"][0]["title"] = json!(title);
                let body = json!({ "data": data, "version": v["version"] });
                let put = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    o.req("PUT", "/api/reports/q", Some(&c), Some(&body))
                }));
                match put {
                    Ok(r) if r.status == 200 => answered.lock().unwrap().push(title),
                    _ => return,
                }
            }
        })
    };
    std::thread::sleep(Duration::from_millis(1500));
    // kill -9, while saves go on.
    let status = Command::new("kill").args(["-9", &pid.to_string()]).status().unwrap();
    assert!(status.success());
    let _ = worker.join();
    let answered = answered.lock().unwrap().clone();
    assert!(answered.len() > 2, "too few saves before the crash: {}", answered.len());
    let text = std::fs::read_to_string(o.path("q.toml")).unwrap();
    assert!(otchet::load::load_bytes("q.toml", text.as_bytes()).is_ok(), "the report is torn");
    let last = answered.last().unwrap();
    let in_file = text.contains(last.as_str());
    let versions: Vec<String> = std::fs::read_dir(o.path(".otchet/versions/q"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    for (i, title) in answered.iter().enumerate() {
        let kept = versions.iter().any(|v| v.contains(title.as_str())) || (i + 1 == answered.len() && in_file);
        assert!(kept, "answered save «{title}» is neither the file nor a version");
    }
    let db = rusqlite::Connection::open(o.path(".otchet/otchet.db")).unwrap();
    let saves: i64 = db.query_row("SELECT COUNT(*) FROM audit WHERE action = 'save'", [], |r| r.get(0)).unwrap();
    assert!(saves as usize >= answered.len(), "audit entries lost: {saves} < {}", answered.len());
}

#[test]
fn the_command_line_refuses_an_open_unencrypted_server() {
    let dir = tempfile::tempdir().unwrap();
    let o = Command::new(BIN)
        .args(["serve", ".", "--listen", "0.0.0.0:0", "--no-browser"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("не зашифровано") && err.contains("--insecure-http"), "{err}");
    // Only one of the two files.
    let o = Command::new(BIN)
        .args(["serve", ".", "--listen", "127.0.0.1:0", "--tls-cert", "c.pem"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    // A password is never taken from the command line, and a short one is refused.
    let mut c = Command::new(BIN)
        .args(["users", "add", "x", "--role", "reader", "--dir", ".", "--password-stdin"])
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    c.stdin.take().unwrap().write_all(b"short\n").unwrap();
    let out = c.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("пароль слишком короткий"));
    // A generated password is printed once and works.
    let out = Command::new(BIN)
        .args(["users", "add", "y", "--role", "reader", "--dir", "."])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let printed = String::from_utf8_lossy(&out.stdout);
    let password = printed.lines().last().unwrap().trim().to_string();
    assert_eq!(password.len(), 16, "{printed}");
    let office = otchet::office::Office::open(dir.path()).unwrap();
    assert!(office.sign_in("y", &password, "test").unwrap().is_ok());
    let db = std::fs::read(dir.path().join(".otchet/otchet.db")).unwrap();
    assert!(!String::from_utf8_lossy(&db).contains(&password), "the password is stored");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join(".otchet/otchet.db")).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}

#[test]
fn the_due_date_marks_late_sections_and_check_names_the_unaccepted() {
    let o = start();
    let coord = o.login("coord");
    let v = o.load(&coord);
    let mut data = v["data"].clone();
    data["report"]["due"] = json!("2021-01-10");
    let r = o.req("PUT", "/api/reports/q", Some(&coord), Some(&json!({ "data": data, "version": v["version"] })));
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert!(std::fs::read_to_string(o.path("q.toml")).unwrap().contains("due = 2021-01-10"), "a date, not a string");
    let culture = o.login("culture");
    assert_eq!(
        o.req(
            "POST",
            "/api/reports/q/status",
            Some(&culture),
            Some(&json!({ "department": CULTURE, "status": "submitted" }))
        )
        .status,
        200
    );
    assert_eq!(
        o.req(
            "POST",
            "/api/reports/q/status",
            Some(&coord),
            Some(&json!({ "department": CULTURE, "status": "accepted" }))
        )
        .status,
        200
    );
    let s = o.req("GET", "/api/reports/q/status", Some(&coord), None).json();
    assert_eq!(s["due"], "2021-01-10");
    for d in s["departments"].as_array().unwrap() {
        assert_eq!(d["overdue"], d["department"] != CULTURE, "{d}");
        assert!(d["events"].as_u64().unwrap() > 0 || d["department"] != CULTURE);
    }
    let culture_row = s["departments"].as_array().unwrap().iter().find(|d| d["department"] == CULTURE).unwrap().clone();
    assert_eq!(culture_row["last_change"]["by"], "Сотрудник coord");
    // `otchet check` beside the database: the four sections not accepted.
    let out = Command::new(BIN).args(["check", "q.toml"]).current_dir(o.dir.path()).output().unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.matches("не принят координатором").count(), 4, "{err}");
    assert!(!err.contains(&format!("«{CULTURE}» не принят")), "{err}");
    // The documents are made all the same (no mark in them).
    assert_eq!(o.req("GET", "/api/reports/q/pdf", Some(&coord), None).status, 200);
}

#[test]
fn the_corrections_docx_puts_each_change_under_its_author() {
    let o = start();
    let (a, b, coord) = (o.login("culture"), o.login("economy"), o.login("coord"));
    let v = o.load(&a);
    let (ci, ei) = (dept_index(&v["data"], CULTURE), dept_index(&v["data"], ECONOMY));
    for (cookie, i, text) in [(&a, ci, "Правка культуры"), (&b, ei, "Правка экономики")] {
        let now = o.load(cookie);
        let mut data = now["data"].clone();
        data["department"][i]["event"][0]["title"] = json!(text);
        let r = o.req("PUT", "/api/reports/q", Some(cookie), Some(&json!({ "data": data, "version": now["version"] })));
        assert_eq!(r.status, 200);
    }
    let versions = o.req("GET", "/api/reports/q/versions", Some(&coord), None).json();
    let list = versions["versions"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["author"], "Сотрудник economy");
    assert_eq!(list[1]["author"], "Сотрудник culture");
    let oldest = list[1]["id"].as_str().unwrap();
    let r = o.req("GET", &format!("/api/reports/q/versions/{oldest}.docx"), Some(&coord), None);
    assert_eq!(r.status, 200);
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(r.body)).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml").unwrap().read_to_string(&mut xml).unwrap();
    let authors: std::collections::BTreeSet<&str> =
        xml.split("w:author=\"").skip(1).map(|s| s.split('"').next().unwrap()).collect();
    assert_eq!(
        authors.into_iter().collect::<Vec<_>>(),
        ["Сотрудник culture", "Сотрудник economy"],
        "each change under the user who made it"
    );
    // Each change is under the name of the one who made it.
    // The first text after each mark, by the mark's author.
    let marked = |author: &str| -> String {
        let tag = format!("w:author=\"{author}\"");
        xml.match_indices(&tag)
            .filter_map(|(at, _)| {
                let rest = &xml[at..];
                let t = rest.find("<w:t").map(|i| &rest[i..])?;
                let body = &t[t.find('>')? + 1..];
                Some(body[..body.find('<')?].to_string())
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let (culture, economy) = (marked("Сотрудник culture"), marked("Сотрудник economy"));
    assert!(culture.contains("культуры") && !culture.contains("экономики"), "{culture}");
    assert!(economy.contains("экономики") && !economy.contains("культуры"), "{economy}");
}
