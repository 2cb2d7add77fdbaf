//! `otchet serve` over HTTP: the API of `docs/serve-api.md` and every
//! security rule (token, Host, Origin, names, body size), against the
//! real binary on a free port.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;

use common::serve::{raw, start};
use common::{run, stderr, REFERENCE};
use serde_json::{json, Value};

fn reference() -> Vec<u8> {
    std::fs::read(REFERENCE).unwrap()
}

#[test]
fn lists_the_reports_with_their_errors() {
    let s = start(&[
        ("2020-q4.toml", &reference()),
        ("broken.toml", b"[report]\nyear = 2020\nquarter = [\n"),
        ("notes.txt", b"x"),
    ]);
    let r = s.req("GET", "/api/reports", None);
    assert_eq!(r.status, 200);
    let list = r.json()["reports"].as_array().unwrap().clone();
    assert_eq!(list.len(), 2, "{list:?}");
    let q4 = &list[0];
    assert_eq!(
        (q4["name"].as_str(), q4["year"].as_i64(), q4["quarter"].as_i64()),
        (Some("2020-q4"), Some(2020), Some(4))
    );
    assert_eq!((q4["events"].as_i64(), q4["errors"].as_i64()), (Some(17), Some(0)));
    assert_eq!(q4["region"], "Смоленская область");
    let broken = &list[1];
    assert_eq!(broken["name"], "broken");
    assert!(broken["errors"].as_i64().unwrap() >= 1);
    assert_eq!(broken["first_error"]["line"], 3, "{broken}");
    // A file that does not parse is never overwritten from the page.
    let v = s.req("GET", "/api/reports/broken", None).json();
    assert_eq!(v["editable"], false);
    let put = s.req("PUT", "/api/reports/broken", Some(&json!({ "data": {}, "version": v["version"] })));
    assert_eq!(put.status, 409);
    assert_eq!(std::fs::read(s.path("broken.toml")).unwrap(), b"[report]\nyear = 2020\nquarter = [\n");
}

#[test]
fn loads_checks_and_saves_keeping_comments_and_formatting() {
    let original = reference();
    let s = start(&[("2020-q4.toml", &original)]);
    let r = s.req("GET", "/api/reports/2020-q4", None);
    assert_eq!(r.status, 200);
    let v = r.json();
    assert_eq!(v["diagnostics"].as_array().unwrap().len(), 0, "{}", v["diagnostics"]);
    let data = v["data"].clone();
    assert_eq!(data["report"]["year"], 2020);
    assert_eq!(data["department"][1]["event"][0]["dates"], json!({ "from": "2020-10-16", "to": "2020-11-15" }));
    // The table is the renderers' own: 17 numbered events, merges.
    let rows = v["table"]["rows"].as_array().unwrap();
    assert_eq!(rows.iter().filter(|r| r["kind"] == "event").count(), 17);
    assert!(rows.iter().any(|r| r["merge"] == "start" && r["rows"] == 3), "{rows:?}");

    // An empty title: a Russian error at its field, with its line.
    let mut bad = data.clone();
    bad["department"][0]["event"][2]["title"] = json!("");
    let c = s.req("POST", "/api/check", Some(&json!({ "name": "2020-q4", "data": bad })));
    assert_eq!(c.status, 200);
    let diags = c.json()["diagnostics"].as_array().unwrap().clone();
    let d = diags.iter().find(|d| d["path"] == "/department/0/event/2/title").unwrap_or_else(|| panic!("{diags:?}"));
    assert_eq!(d["severity"], "error");
    assert!(d["message"].as_str().unwrap().contains("пуст"), "{d}");
    assert!(d["line"].as_i64().unwrap() > 1 && d["column"].as_i64().unwrap() >= 1);
    assert_eq!(std::fs::read(s.path("2020-q4.toml")).unwrap(), original, "check wrote");

    // Save one changed title: every other byte of the file stays.
    let mut edited = data.clone();
    edited["department"][1]["event"][0]["title"] = json!("Арт-проект «Точки пересечения» (продолжение)\nвторой абзац");
    let put = s.req("PUT", "/api/reports/2020-q4", Some(&json!({ "data": edited, "version": v["version"] })));
    assert_eq!(put.status, 200, "{}", String::from_utf8_lossy(&put.body));
    let saved = std::fs::read_to_string(s.path("2020-q4.toml")).unwrap();
    let before = String::from_utf8(original.clone()).unwrap();
    let old_line = "title = \"Арт-проект «Точки пересечения»\"";
    assert!(before.contains(old_line));
    let (a, b) = (before.split_once(old_line).unwrap(), saved.split_once("title = ").map(|_| ()));
    assert!(b.is_some());
    assert!(saved.starts_with(a.0), "the text before the edit changed");
    let tail_start = saved.find("\ndates = { from = 2020-10-16").unwrap();
    assert!(a.1.ends_with(&saved[tail_start..]), "the text after the edit changed");
    assert!(saved.contains('#'), "comments lost");
    let back = s.req("GET", "/api/reports/2020-q4", None).json();
    assert_eq!(back["data"], edited);
    assert_ne!(back["version"], v["version"]);
    // The previous content is kept as a version.
    let versions = s.path(".otchet/versions/2020-q4");
    let kept: Vec<_> = std::fs::read_dir(&versions).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(kept.len(), 1);
    assert_eq!(std::fs::read(&kept[0]).unwrap(), original);

    // A stale version (the file changed since): 409, the file unchanged.
    let stale = s.req("PUT", "/api/reports/2020-q4", Some(&json!({ "data": data, "version": v["version"] })));
    assert_eq!(stale.status, 409);
    assert!(stale.json()["error"].as_str().unwrap().contains("изменился"));
    assert_eq!(std::fs::read_to_string(s.path("2020-q4.toml")).unwrap(), saved);
}

#[test]
fn a_draft_with_errors_saves_but_does_not_render() {
    let s = start(&[("q.toml", &reference())]);
    let put = s.save_edit("q", |d| d["department"][0]["event"][0]["agreement"] = json!("nowhere"));
    assert_eq!(put.status, 200);
    assert!(put.json()["diagnostics"].as_array().unwrap().iter().any(|d| d["severity"] == "error"));
    let pdf = s.req("GET", "/api/reports/q.pdf", None);
    assert_eq!(pdf.status, 422);
    assert!(pdf.json()["error"].as_str().unwrap().contains("ошибки"));
}

#[test]
fn documents_are_byte_identical_to_render() {
    let s = start(&[("2020-q4.toml", &reference())]);
    let o = run(&["render", "2020-q4.toml", "-o", "out"], s.dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    for (ext, kind) in [("docx", "wordprocessingml"), ("pdf", "application/pdf")] {
        let r = s.req("GET", &format!("/api/reports/2020-q4.{ext}"), None);
        assert_eq!(r.status, 200);
        assert!(r.header("content-type").unwrap().contains(kind));
        assert_eq!(r.body, std::fs::read(s.path(&format!("out/2020-q4.{ext}"))).unwrap(), "{ext}");
    }
    let pdf = s.req("GET", "/api/reports/2020-q4.pdf", None);
    assert!(pdf.header("content-disposition").unwrap().starts_with("inline"));
}

#[test]
fn every_request_needs_the_token_and_the_right_host_and_origin() {
    let s = start(&[("q.toml", &reference())]);
    let host = s.host();
    // No token: 403, for the API and the page.
    for path in ["/api/reports", "/", "/reports/q", "/api/reports/q.pdf"] {
        let r = raw(s.port, "GET", path, &[("Host", &host)], b"");
        assert_eq!(r.status, 403, "{path}");
    }
    let wrong = raw(s.port, "GET", "/api/reports", &[("Host", &host), ("Authorization", "Bearer 00")], b"");
    assert_eq!(wrong.status, 403);
    // The first visit: the page cookie (HttpOnly, SameSite=Strict) and the
    // address without the token in its query (the page takes the token
    // from the fragment, which no request carries); then the cookie opens
    // the page's files — and nothing else: a browser sends cookies to every
    // port of the host, so the cookie must not be a key to the data.
    let first = raw(s.port, "GET", &format!("/reports/q?token={}", s.token), &[("Host", &host)], b"");
    assert_eq!(first.status, 303);
    assert_eq!(first.header("location"), Some(format!("/reports/q#token={}", s.token).as_str()));
    let cookie = first.header("set-cookie").unwrap().to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
    let pair = cookie.split(';').next().unwrap().to_string();
    let page = raw(s.port, "GET", "/reports/q", &[("Host", &host), ("Cookie", &pair)], b"");
    assert_eq!(page.status, 200);
    assert!(String::from_utf8_lossy(&page.body).contains("<!DOCTYPE html>"));
    assert!(page.header("content-security-policy").unwrap().contains("default-src 'self'"));
    assert!(!pair.contains(&s.token), "the cookie carries the token: {pair}");
    for path in ["/api/reports", "/api/reports/q", "/api/reports/q.pdf"] {
        let r = raw(s.port, "GET", path, &[("Host", &host), ("Cookie", &pair)], b"");
        assert_eq!(r.status, 403, "the page cookie opened {path}");
    }
    // DNS rebinding: another Host is refused, token or not.
    let bearer = format!("Bearer {}", s.token);
    for bad_host in ["evil.example:80", &format!("evil.example:{}", s.port), "127.0.0.1", "127.0.0.1:1"] {
        let r = raw(s.port, "GET", "/api/reports", &[("Host", bad_host), ("Authorization", &bearer)], b"");
        assert_eq!(r.status, 403, "{bad_host}");
    }
    let r = raw(
        s.port,
        "GET",
        "/api/reports",
        &[("Host", &format!("localhost:{}", s.port)), ("Authorization", &bearer)],
        b"",
    );
    assert_eq!(r.status, 200);
    // CSRF: a change from another site's page is refused; the file stays.
    let v = s.req("GET", "/api/reports/q", None).json();
    let mut data = v["data"].clone();
    data["report"]["year"] = json!(2021);
    let body = json!({ "data": data, "version": v["version"] }).to_string();
    let before = std::fs::read(s.path("q.toml")).unwrap();
    for origin in ["http://evil.example", "null", &format!("http://127.0.0.1:{}.evil", s.port)] {
        let r = raw(
            s.port,
            "PUT",
            "/api/reports/q",
            &[("Host", &host), ("Authorization", &bearer), ("Origin", origin), ("Content-Type", "application/json")],
            body.as_bytes(),
        );
        assert_eq!(r.status, 403, "{origin}");
    }
    assert_eq!(std::fs::read(s.path("q.toml")).unwrap(), before);
    // The server's own origin may.
    let own = format!("http://127.0.0.1:{}", s.port);
    let r = raw(
        s.port,
        "PUT",
        "/api/reports/q",
        &[("Host", &host), ("Authorization", &bearer), ("Origin", &own), ("Content-Type", "application/json")],
        body.as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
}

#[test]
fn no_name_from_a_request_reaches_outside_the_folder() {
    let outer = tempfile::tempdir().unwrap();
    std::fs::write(outer.path().join("secret.toml"), reference()).unwrap();
    let s = start(&[("q.toml", &reference())]);
    let secret = outer.path().join("secret.toml");
    #[cfg(unix)]
    std::os::unix::fs::symlink(&secret, s.path("link.toml")).unwrap();
    let rel = Path::new("..").join(outer.path().file_name().unwrap()).join("secret");
    let rel = rel.to_string_lossy().replace('/', "%2F");
    for name in [rel.as_str(), "..%2Fq", "%2E%2E%2Fq", "q%00", "link", "Q", "q.toml", "%2Fetc%2Fpasswd"] {
        for path in [format!("/api/reports/{name}"), format!("/api/reports/{name}.pdf")] {
            let r = s.req("GET", &path, None);
            assert_eq!(r.status, 404, "{path}: {}", String::from_utf8_lossy(&r.body));
        }
        let r = s.req("PUT", &format!("/api/reports/{name}"), Some(&json!({ "data": {}, "version": "x" })));
        assert_eq!(r.status, 404, "{name}");
    }
    let list = s.req("GET", "/api/reports", None).json();
    assert_eq!(list["reports"].as_array().unwrap().len(), 1, "{list}");
    assert_eq!(std::fs::read(&secret).unwrap(), reference());
}

#[test]
fn bodies_are_bounded_and_must_be_json() {
    let s = start(&[("q.toml", &reference())]);
    let host = s.host();
    let bearer = format!("Bearer {}", s.token);
    // A declared size over the limit is refused before it is read.
    let mut st = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
    write!(
        st,
        "POST /api/check HTTP/1.1\r\nHost: {host}\r\nAuthorization: {bearer}\r\nContent-Length: 999999999\r\nConnection: close\r\n\r\n{{"
    )
    .unwrap();
    let mut all = Vec::new();
    let _ = st.read_to_end(&mut all);
    assert!(String::from_utf8_lossy(&all).starts_with("HTTP/1.1 413"), "{}", String::from_utf8_lossy(&all));
    let r = raw(s.port, "POST", "/api/check", &[("Host", &host), ("Authorization", &bearer)], b"{not json");
    assert_eq!(r.status, 400);
    assert!(r.json()["error"].as_str().unwrap().contains("не JSON"));
}

#[test]
fn user_text_is_data_never_markup() {
    let s = start(&[("q.toml", &reference())]);
    let put = s.save_edit("q", |d| d["department"][0]["event"][0]["title"] = json!("<script>alert(1)</script>"));
    assert_eq!(put.status, 200);
    // The page is static: the text reaches it only as JSON, set as text.
    let page = raw(
        s.port,
        "GET",
        "/reports/q",
        &[("Host", &s.host()), ("Authorization", &format!("Bearer {}", s.token))],
        b"",
    );
    assert!(!String::from_utf8_lossy(&page.body).contains("alert(1)"));
    let js = s.req("GET", "/static/app.js", None);
    assert!(!String::from_utf8_lossy(&js.body).contains("innerHTML"));
    let back = s.req("GET", "/api/reports/q", None).json();
    assert_eq!(back["data"]["department"][0]["event"][0]["title"], "<script>alert(1)</script>");
}

fn b64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The names of the folder's files (not hidden), sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    v.sort();
    v
}

#[test]
fn import_previews_then_writes_what_the_cli_writes() {
    let s = start(&[("2020-q4.toml", &reference())]);
    let d = s.dir.path();
    assert!(run(&["render", "2020-q4.toml", "--format", "docx", "-o", "w"], d).status.success());
    let docx = std::fs::read(d.join("w/2020-q4.docx")).unwrap();
    std::fs::copy(d.join("w/2020-q4.docx"), d.join("w/отчет.docx")).unwrap();
    let o = run(&["import", "w/отчет.docx", "-o", "w/cli.toml"], d);
    assert!(o.status.success(), "{}", stderr(&o));
    let before = listing(d);
    let files = json!([{ "name": "отчет.docx", "content": b64(&docx) }]);
    // The preview: events and period; nothing written.
    let r = s.req("POST", "/api/import/preview", Some(&json!({ "files": files })));
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let p = r.json();
    assert_eq!(p["period"], "за IV квартал 2020 года");
    assert_eq!(p["events"].as_array().unwrap().len(), 17);
    assert_eq!(p["suggested"], "2020-q4");
    assert_eq!(listing(d), before, "a preview writes nothing");
    // A new report: the very bytes `otchet import` writes.
    let r = s.req("POST", "/api/import", Some(&json!({ "files": files, "new": "imported" })));
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert!(std::fs::read(d.join("imported.toml")).unwrap() == std::fs::read(d.join("w/cli.toml")).unwrap());
    // Never over an existing report.
    let r = s.req("POST", "/api/import", Some(&json!({ "files": files, "new": "imported" })));
    assert_eq!(r.status, 409);
    // Added to a report of the quarter without events: its departments
    // get the events, its registry keys are reused; the old file is kept.
    assert!(run(&["new", "--from", "2020-q4.toml", "--year", "2020", "--quarter", "4", "-o", "empty.toml"], d)
        .status
        .success());
    let v = s.req("GET", "/api/reports/empty", None).json();
    let r = s.req(
        "POST",
        "/api/import",
        Some(&json!({ "files": files, "registry": "empty", "add": "empty", "version": v["version"] })),
    );
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let v = s.req("GET", "/api/reports/empty", None).json();
    assert_eq!(v["diagnostics"].as_array().unwrap().iter().filter(|d| d["severity"] == "error").count(), 0, "{v}");
    let o = run(&["render", "empty.toml", "--format", "docx", "-o", "e"], d);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(std::fs::read(d.join("e/empty.docx")).unwrap() == docx, "the same report as the reference");
    assert_eq!(std::fs::read_dir(d.join(".otchet/versions/empty")).unwrap().count(), 1);
    // Bad uploads: the CLI's messages; nothing written.
    let before = listing(d);
    let old_word = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0, 0];
    let r = s.req(
        "POST",
        "/api/import",
        Some(&json!({ "files": [{ "name": "a.doc", "content": b64(&old_word) }], "new": "x" })),
    );
    assert_eq!(r.status, 422);
    assert!(r.json()["error"].as_str().unwrap().contains("старого формата Word"), "{}", r.json());
    let bomb = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/bomb.docx")).unwrap();
    let r =
        s.req("POST", "/api/import/preview", Some(&json!({ "files": [{ "name": "b.docx", "content": b64(&bomb) }] })));
    assert_eq!(r.status, 422, "{}", String::from_utf8_lossy(&r.body));
    let r = s.req("POST", "/api/import/preview", Some(&json!({ "files": [{ "name": "c.docx", "content": "%%%" }] })));
    assert_eq!(r.status, 400);
    let r = s.req("POST", "/api/import", Some(&json!({ "files": files, "new": "../escape" })));
    assert_eq!(r.status, 400);
    let many: Vec<Value> =
        (0..65).map(|i| json!({ "name": format!("{i}.docx"), "content": b64(&[i as u8]) })).collect();
    let r = s.req("POST", "/api/import/preview", Some(&json!({ "files": many })));
    assert_eq!(r.status, 413, "more documents than one import takes");
    let twice = json!([{ "name": "a.docx", "content": b64(&docx) }, { "name": "b.docx", "content": b64(&docx) }]);
    let r = s.req("POST", "/api/import/preview", Some(&json!({ "files": twice })));
    assert_eq!(r.status, 400);
    assert!(r.json()["error"].as_str().unwrap().contains("тот же документ"), "{}", r.json());
    assert_eq!(listing(d), before);
}

#[test]
fn next_quarter_is_what_new_writes() {
    let s = start(&[("2020-q4.toml", &reference())]);
    let d = s.dir.path();
    assert!(run(&["new", "--from", "2020-q4.toml", "-o", "cli.toml"], d).status.success());
    let r = s.req("POST", "/api/reports/2020-q4/next", Some(&json!({})));
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.json()["name"], "2021-q1");
    assert!(std::fs::read(d.join("2021-q1.toml")).unwrap() == std::fs::read(d.join("cli.toml")).unwrap());
    let r = s.req("POST", "/api/reports/2020-q4/next", Some(&json!({})));
    assert_eq!(r.status, 409, "never over an existing file");
}

#[test]
fn versions_show_the_changes_diff_shows_and_restore_keeps_everything() {
    let s = start(&[("2020-q4.toml", &reference())]);
    let d = s.dir.path();
    let r = s.save_edit("2020-q4", |data| {
        data["department"][0]["event"][1]["title"] = json!("Исправленное название мероприятия");
    });
    assert_eq!(r.status, 200);
    let list = s.req("GET", "/api/reports/2020-q4/versions", None).json();
    let versions = list["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 1);
    let id = versions[0]["id"].as_str().unwrap().to_string();
    assert!(versions[0]["summary"].as_str().unwrap().contains("изменено"), "{list}");
    // The changes: what `otchet diff VERSION CURRENT` prints and writes.
    let kept = d.join(format!(".otchet/versions/2020-q4/{id}.toml"));
    let o = run(&["diff", kept.to_str().unwrap(), "2020-q4.toml", "-o", "cli.docx"], d);
    assert!(o.status.success(), "{}", stderr(&o));
    let printed: Vec<String> = String::from_utf8_lossy(&o.stdout).lines().map(str::to_string).collect();
    let v = s.req("GET", &format!("/api/reports/2020-q4/versions/{id}"), None).json();
    let summary: Vec<String> =
        v["summary"].as_array().unwrap().iter().map(|l| l.as_str().unwrap().to_string()).collect();
    assert_eq!(summary, printed);
    let docx = s.req("GET", &format!("/api/reports/2020-q4/versions/{id}.docx"), None);
    assert_eq!(docx.status, 200);
    assert!(docx.body == std::fs::read(d.join("cli.docx")).unwrap(), "byte-identical to otchet diff");
    // Restore: the version again, what it replaced kept as a version.
    let current = s.req("GET", "/api/reports/2020-q4", None).json();
    let r = s.req(
        "POST",
        &format!("/api/reports/2020-q4/versions/{id}/restore"),
        Some(&json!({ "version": current["version"] })),
    );
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert!(std::fs::read(d.join("2020-q4.toml")).unwrap() == reference());
    assert_eq!(s.req("GET", "/api/reports/2020-q4/versions", None).json()["versions"].as_array().unwrap().len(), 2);
    // A stale page cannot restore over newer content.
    let r = s.req("POST", &format!("/api/reports/2020-q4/versions/{id}/restore"), Some(&json!({ "version": "stale" })));
    assert_eq!(r.status, 409);
    assert_eq!(s.req("GET", "/api/reports/2020-q4/versions/..%2F..%2Fx", None).status, 404);
}

#[test]
fn annual_documents_are_what_annual_writes() {
    let s = start(&[("2020-q4.toml", &reference())]);
    let d = s.dir.path();
    let o = run(&["annual", "2020-q4.toml", "--allow-partial", "-o", "cli"], d);
    assert!(o.status.success(), "{}", stderr(&o));
    for ext in ["docx", "pdf"] {
        let r = s.req("GET", &format!("/api/annual.{ext}?names=2020-q4&partial=1"), None);
        assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
        assert!(r.body == std::fs::read(d.join(format!("cli/2020-annual.{ext}"))).unwrap(), "{ext}");
    }
    let r = s.req("GET", "/api/annual.docx?names=2020-q4", None);
    assert_eq!(r.status, 422);
    assert!(r.json().to_string().contains("нет данных за I, II и III кварталы"), "{}", r.json());
}

#[test]
fn the_archive_lists_pdfs_and_restores_their_data_into_a_new_file() {
    let s = start(&[("2020-q4.toml", &reference())]);
    let d = s.dir.path();
    assert!(run(&["render", "2020-q4.toml", "-o", "out"], d).status.success());
    assert!(run(&["render", "2020-q4.toml", "-o", ".", "--format", "pdf", "--no-source"], d).status.success());
    let a = s.req("GET", "/api/archive", None).json();
    let pdfs = a["pdfs"].as_array().unwrap();
    assert_eq!(pdfs.len(), 2, "{a}");
    let inside = pdfs.iter().find(|p| p["file"] == "out/2020-q4.pdf").unwrap();
    assert_eq!(inside["pages"], 11);
    assert_eq!(inside["data"][0]["period"], "за IV квартал 2020 года");
    let bare = pdfs.iter().find(|p| p["file"] == "2020-q4.pdf").unwrap();
    assert_eq!(bare["data"].as_array().unwrap().len(), 0);
    let r = s.req("POST", "/api/archive/restore", Some(&json!({ "file": "out/2020-q4.pdf" })));
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.json()["name"], "2020-q4-2", "never over the existing report");
    assert!(std::fs::read(d.join("2020-q4-2.toml")).unwrap() == reference());
    assert!(std::fs::read(d.join("2020-q4.toml")).unwrap() == reference());
    let r = s.req("POST", "/api/archive/restore", Some(&json!({ "file": "2020-q4.pdf" })));
    assert_eq!(r.status, 422);
    let r = s.req("POST", "/api/archive/restore", Some(&json!({ "file": "../2020-q4.pdf" })));
    assert_eq!(r.status, 404);
}

/// The page's wording of every diagnostic: no data-file key, no TOML
/// syntax, no command-line flag, no line:column, no server path.
#[test]
fn messages_for_the_page_speak_the_pages_words() {
    let s = start(&[("q.toml", &reference())]);
    let v = s.req("GET", "/api/reports/q", None).json();
    let edits: Vec<Box<dyn Fn(&mut Value)>> = vec![
        Box::new(|d| d["department"][0]["event"][0]["title"] = json!("")),
        Box::new(|d| d["department"][0]["event"][0]["place"] = json!("")),
        Box::new(|d| d["department"][0]["event"][0]["agreement"] = json!("moskow")),
        Box::new(|d| d["department"][0]["event"][0]["dates"] = json!({ "from": "2020-12-01", "to": "2020-11-01" })),
        Box::new(|d| d["department"][0]["event"][0]["dates"] = json!("2021-05-05")),
        Box::new(|d| d["report"]["quarter"] = json!(5)),
        Box::new(|d| d["report"]["year"] = json!(1999)),
        Box::new(|d| d["department"][1]["event"] = json!([])),
        Box::new(|d| d["department"][1]["name"] = json!("")),
        Box::new(|d| d["agreements"]["orel"] = json!("")),
        Box::new(|d| d["department"][0]["event"][0]["extra"] = json!("x")),
        Box::new(|d| {
            d.as_object_mut().unwrap().remove("agreements");
        }),
    ];
    let keys = [
        "«title»",
        "«dates»",
        "«place»",
        "«participants»",
        "«result»",
        "«agreement»",
        "«year»",
        "«quarter»",
        "«region»",
    ];
    let mut seen = 0;
    for edit in edits {
        let mut data = v["data"].clone();
        edit(&mut data);
        let r = s.req("POST", "/api/check", Some(&json!({ "name": "q", "data": data })));
        assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
        for d in r.json()["diagnostics"].as_array().unwrap() {
            for field in ["text", "advice"] {
                let Some(t) = d[field].as_str() else { continue };
                seen += 1;
                assert!(!t.contains("[[") && !t.contains("--") && !t.contains("[report]"), "{t}");
                assert!(!keys.iter().any(|k| t.contains(k)), "a data-file key: {t}");
                assert!(!t.contains(".toml") && !t.contains(s.root.to_str().unwrap()), "a file or path: {t}");
                let line_col = t.split_whitespace().any(|w| {
                    let w = w.trim_end_matches(':');
                    w.split_once(':').is_some_and(|(a, b)| a.parse::<u32>().is_ok() && b.parse::<u32>().is_ok())
                });
                assert!(!line_col && !t.contains("строка "), "a line:column: {t}");
                assert!(!t.contains("..="), "a Rust range: {t}");
            }
        }
    }
    assert!(seen >= 12, "too few messages checked: {seen}");
}

/// A copy of the reference report filed as another quarter.
fn reference_as_quarter(q: u8) -> Vec<u8> {
    String::from_utf8(reference()).unwrap().replacen("quarter = 4", &format!("quarter = {q}"), 1).into_bytes()
}

#[test]
fn an_annual_pdf_restores_the_quarters_chosen_or_all() {
    let s = start(&[("2020-q3.toml", &reference_as_quarter(3)), ("2020-q4.toml", &reference())]);
    let d = s.dir.path();
    let o = run(&["annual", "2020-q3.toml", "2020-q4.toml", "--allow-partial", "-o", "out", "--format", "pdf"], d);
    assert!(o.status.success(), "{}", stderr(&o));
    let pdf = "out/2020-annual.pdf";
    // One quarter, chosen by name.
    let r = s.req("POST", "/api/archive/restore", Some(&json!({ "file": pdf, "data": "2020-q4.toml" })));
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.json()["restored"].as_array().unwrap().len(), 1);
    assert!(std::fs::read(d.join("2020-q4-2.toml")).unwrap() == reference());
    // All of them when none is named: both quarters, each byte for byte.
    let r = s.req("POST", "/api/archive/restore", Some(&json!({ "file": pdf })));
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let names: Vec<String> =
        r.json()["restored"].as_array().unwrap().iter().map(|x| x["name"].as_str().unwrap().to_string()).collect();
    assert_eq!(names, ["2020-q3-2", "2020-q4-3"]);
    assert!(std::fs::read(d.join("2020-q3-2.toml")).unwrap() == reference_as_quarter(3));
    assert!(std::fs::read(d.join("2020-q4-3.toml")).unwrap() == reference());
    // The same quarter named many times: restored once.
    let many: Vec<&str> = vec!["2020-q3.toml"; 5000];
    let r = s.req("POST", "/api/archive/restore", Some(&json!({ "file": pdf, "data": many })));
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.json()["restored"].as_array().unwrap().len(), 1);
    assert!(!d.join("2020-q3-4.toml").exists());
    // A name the PDF does not carry: refused, nothing written.
    let r = s.req("POST", "/api/archive/restore", Some(&json!({ "file": pdf, "data": "../x.toml" })));
    assert_eq!(r.status, 422);
}

#[test]
fn annual_warnings_and_errors_are_told_before_the_document() {
    let s = start(&[("2020-q3.toml", &reference_as_quarter(3)), ("2020-q4.toml", &reference())]);
    let r = s.req("GET", "/api/annual.json?names=2020-q3,2020-q4&partial=1", None);
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.json()["period"], "за 2020 год");
    // The quarter-three copy's dates lie in the fourth quarter: told per file.
    let warnings = r.json()["warnings"].to_string();
    assert!(warnings.contains("2020-q3"), "{warnings}");
    let r = s.req("GET", "/api/annual.json?names=2020-q3,2020-q4", None);
    assert_eq!(r.status, 422);
    assert!(r.json().to_string().contains("нет данных за I и II кварталы"), "{}", r.json());
}

#[test]
fn forms_from_the_page_are_what_forms_writes() {
    let s = start(&[("2020-q4.toml", &reference())]);
    let d = s.dir.path();
    let o = run(&["forms", "2020-q4.toml", "-o", "cli"], d);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut cli: Vec<(String, Vec<u8>)> = std::fs::read_dir(d.join("cli"))
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| (e.file_name().into_string().unwrap(), std::fs::read(e.path()).unwrap()))
        .collect();
    cli.sort();
    assert_eq!(cli.len(), 5);
    let r = s.req("GET", "/api/reports/2020-q4/forms.zip", None);
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(r.body.clone())).unwrap();
    let mut got = Vec::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut b = Vec::new();
        f.read_to_end(&mut b).unwrap();
        got.push((f.name().to_string(), b));
    }
    assert!(got == cli, "the ZIP is not otchet forms' files");
    assert!(s.req("GET", "/api/reports/2020-q4/forms.zip", None).body == r.body, "deterministic");
    let one = s.req("GET", "/api/reports/2020-q4/forms/2.docx", None);
    assert_eq!(one.status, 200);
    assert!(one.body == cli[2].1);
    assert_eq!(s.req("GET", "/api/reports/2020-q4/forms/9.docx", None).status, 404);
}

#[test]
fn the_table_stays_the_official_one_while_the_data_has_errors() {
    let s = start(&[("2020-q4.toml", &reference())]);
    let v = s.req("GET", "/api/reports/2020-q4", None).json();
    let mut data = v["data"].clone();
    // An event without title, another without agreement.
    data["department"][0]["event"][0]["title"] = json!("");
    data["department"][1]["event"][0]["agreement"] = json!("");
    let r = s.req("POST", "/api/check", Some(&json!({ "name": "2020-q4", "data": data }))).json();
    let errors: Vec<&Value> =
        r["diagnostics"].as_array().unwrap().iter().filter(|d| d["severity"] == "error").collect();
    assert_eq!(errors.len(), 2, "{r}");
    let at = |p: &str| errors.iter().find(|d| d["path"] == p).unwrap_or_else(|| panic!("no error at {p}: {r}"));
    assert!(at("/department/1/event/0/agreement")["text"].as_str().unwrap().contains("соглашение не выбрано"));
    at("/department/0/event/0/title");
    // The table: every event, numbered and merged as in the documents.
    let rows = r["table"]["rows"].as_array().expect("a table despite the errors");
    let good = v["table"]["rows"].as_array().unwrap();
    assert_eq!(rows.len(), good.len());
    let events: Vec<&Value> = rows.iter().filter(|x| x["kind"] == "event").collect();
    assert_eq!(events.len(), 17);
    assert!(events.iter().zip(1..).all(|(e, n)| e["number"] == n));
    assert!(rows.iter().any(|x| x["merge"] == "start"), "merges kept");
    assert_eq!(events[0]["cells"][2], "");
    assert_eq!(r["table"]["header"], v["table"]["header"], "the official header");
}

#[test]
fn a_period_running_past_the_quarter_is_warned_about() {
    let s = start(&[("2020-q4.toml", &reference())]);
    let v = s.req("GET", "/api/reports/2020-q4", None).json();
    let mut data = v["data"].clone();
    data["department"][0]["event"][0]["dates"] = json!({ "from": "2020-12-20", "to": "2021-01-10" });
    let r = s.req("POST", "/api/check", Some(&json!({ "name": "2020-q4", "data": data }))).json();
    let w = r["diagnostics"].to_string();
    assert!(w.contains("заканчивается после конца отчетного периода"), "{w}");
    assert!(r["table"].is_object(), "a warning, not an error");
}

/// `check`: the server's diagnostics are the command line's — the same
/// places (line, column), messages and hints.
#[test]
fn the_servers_check_is_otchet_check() {
    let bad = String::from_utf8(reference())
        .unwrap()
        .replacen("agreement = \"moscow\"", "agreement = \"moskow\"", 1)
        .replacen("dates = 2020-10-20", "dates = { from = 2020-12-20, to = 2021-01-10 }", 1);
    let s = start(&[("q.toml", bad.as_bytes())]);
    let o = run(&["check", "q.toml"], s.dir.path());
    assert!(!o.status.success());
    let cli = stderr(&o);
    let v = s.req("GET", "/api/reports/q", None).json();
    let diags = v["diagnostics"].as_array().unwrap();
    assert!(diags.len() >= 2, "{v}");
    for d in diags {
        let head = format!("q.toml:{}:{}: ", d["line"], d["column"]);
        let kind = if d["severity"] == "warning" { "предупреждение: " } else { "" };
        let line = format!("{head}{kind}{}", d["message"].as_str().unwrap());
        assert!(cli.contains(&line), "«{line}» is not what otchet check says:\n{cli}");
        if let Some(h) = d["hint"].as_str() {
            assert!(cli.contains(&format!("= подсказка: {h}")), "hint «{h}» is not otchet check's:\n{cli}");
        }
    }
    let counted = format!("ошибок: {}", diags.iter().filter(|d| d["severity"] == "error").count());
    assert!(cli.contains(&counted), "{cli}");
}

/// The archive: restoring a PDF's data gives what `otchet extract` gives.
#[test]
fn restoring_from_the_archive_is_otchet_extract() {
    let s = start(&[("2020-q4.toml", &reference())]);
    let d = s.dir.path();
    assert!(run(&["render", "2020-q4.toml", "-o", "out", "--format", "pdf"], d).status.success());
    let o = run(&["extract", "out/2020-q4.pdf", "-o", "cli.toml"], d);
    assert!(o.status.success(), "{}", stderr(&o));
    let r = s.req("POST", "/api/archive/restore", Some(&json!({ "file": "out/2020-q4.pdf" })));
    assert_eq!(r.status, 200);
    let name = r.json()["name"].as_str().unwrap().to_string();
    assert!(std::fs::read(d.join(format!("{name}.toml"))).unwrap() == std::fs::read(d.join("cli.toml")).unwrap());
}
