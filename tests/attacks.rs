//! The third hostile test of `otchet serve`, its folder and returned forms
//! (issue 32): one test per defect class, against the real binary.
//! Those needing a second user or a small file system run as root (CI
//! runs as root; elsewhere they say so and pass only when not in CI).

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

use common::serve::{raw, start, start_at};
use common::{run, stderr, BIN, REFERENCE};
use serde_json::{json, Value};

fn reference() -> Vec<u8> {
    std::fs::read(REFERENCE).unwrap()
}

/// Root is needed (another owner, a small tmpfs): in CI a test that cannot
/// run fails; elsewhere it says why it did not run.
fn as_root(what: &str) -> bool {
    #[cfg(unix)]
    if rustix::process::geteuid().is_root() {
        return true;
    }
    assert!(std::env::var_os("OTCHET_CI").is_none(), "{what}: CI must run this test as root");
    eprintln!("{what}: needs root, not run here");
    false
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// Saves `data` as the new content of report `name` from `version`, by
/// port and token (callable from threads).
fn put(port: u16, token: &str, name: &str, data: &Value, version: &Value) -> (u16, Value) {
    let bearer = format!("Bearer {token}");
    let host = format!("127.0.0.1:{port}");
    let body = json!({ "data": data, "version": version }).to_string();
    let r = raw(
        port,
        "PUT",
        &format!("/api/reports/{name}"),
        &[("Host", &host), ("Authorization", &bearer), ("Content-Type", "application/json")],
        body.as_bytes(),
    );
    (r.status, serde_json::from_slice(&r.body).unwrap_or(Value::Null))
}

// 1. The token never appears on a command line.
#[cfg(unix)]
#[test]
fn the_browser_is_opened_without_the_token_on_any_command_line() {
    use std::io::{BufRead, BufReader};
    use std::os::unix::fs::PermissionsExt;
    let bin = tempfile::tempdir().unwrap();
    let args = bin.path().join("args");
    let opener = bin.path().join("xdg-open");
    std::fs::write(&opener, format!("#!/bin/sh\nprintf '%s\\n' \"$@\" > {}.tmp && mv {0}.tmp {0}\n", args.display()))
        .unwrap();
    std::fs::set_permissions(&opener, std::fs::Permissions::from_mode(0o755)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("q.toml"), reference()).unwrap();
    let path = format!("{}:{}", bin.path().display(), std::env::var("PATH").unwrap_or_default());
    let mut child = std::process::Command::new(BIN)
        .args(["serve", "."])
        .current_dir(dir.path())
        .env("PATH", path)
        .env_remove("XDG_RUNTIME_DIR")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap()).read_line(&mut line).unwrap();
    let token = line.trim().rsplit("token=").next().unwrap().to_string();
    let until = Instant::now() + Duration::from_secs(20);
    while !args.exists() && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(50));
    }
    let given = std::fs::read_to_string(&args).expect("the browser opener was run");
    let _ = child.kill();
    let _ = child.wait();
    assert!(!given.contains(&token), "the token is on the opener's command line: {given}");
    let page = Path::new(given.trim());
    assert!(page.is_absolute() && page.exists(), "the opener was given {given:?}, not a private page");
    assert_eq!(mode(page), 0o600, "the page with the token is readable by others");
    assert_eq!(mode(page.parent().unwrap()), 0o700);
    assert!(std::fs::read_to_string(page).unwrap().contains(&format!("?token={token}")));
}

// 2. Two servers on one folder: no answered save vanishes.
#[test]
fn two_servers_on_one_folder_never_lose_an_answered_save() {
    let a = start(&[("q.toml", &reference())]);
    let b = start_at(&a.root, &[]);
    for round in 0..10 {
        let v = a.req("GET", "/api/reports/q", None).json();
        let mut da = v["data"].clone();
        let mut db = v["data"].clone();
        da["department"][0]["event"][0]["title"] = json!(format!("Правка А {round}"));
        db["department"][0]["event"][1]["title"] = json!(format!("Правка Б {round}"));
        let version = v["version"].clone();
        let (pa, ta, pb, tb) = (a.port, a.token.clone(), b.port, b.token.clone());
        let (va, vb) = (version.clone(), version);
        let ha = std::thread::spawn(move || put(pa, &ta, "q", &da, &va));
        let hb = std::thread::spawn(move || put(pb, &tb, "q", &db, &vb));
        let (ra, rb) = (ha.join().unwrap(), hb.join().unwrap());
        let mut statuses = [ra.0, rb.0];
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 409], "round {round}: {} {} / {} {}", ra.0, ra.1, rb.0, rb.1);
        let text = std::fs::read_to_string(a.path("q.toml")).unwrap();
        let won = if ra.0 == 200 { format!("Правка А {round}") } else { format!("Правка Б {round}") };
        assert!(text.contains(&won), "round {round}: the answered save is not in the file");
    }
}

// 3. A journal planted in the folder is not obeyed.
#[test]
fn a_planted_journal_is_not_obeyed() {
    let s = start(&[("q.toml", &reference()), ("victim.toml", &reference())]);
    std::fs::write(s.path("planted.toml"), b"# planted\n").unwrap();
    // The old format: rename planted.toml over victim.toml.
    std::fs::write(s.path(".otchet-journal"), "victim.toml\tplanted.toml\n").unwrap();
    let r = s.save_edit("q", |d| d["department"][0]["event"][0]["title"] = json!("Правка"));
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(std::fs::read(s.path("victim.toml")).unwrap(), reference(), "a planted journal replaced a report");
    assert!(s.path("planted.toml").exists());
    // Our own format, but not ours: another user's file (root only).
    #[cfg(unix)]
    if as_root("a journal of another owner") {
        use sha2::Digest;
        let hash = |b: &[u8]| sha2::Sha256::digest(b).iter().map(|x| format!("{x:02x}")).collect::<String>();
        std::fs::write(s.path(".otchet-1-b0.tmp"), b"# evil\n").unwrap();
        let journal = format!(
            "otchet-journal 2\nvictim.toml\t.otchet-1-b0.tmp\t{}\nmissing.toml\t\t{}\n",
            hash(&reference()),
            hash(b"x")
        );
        std::fs::write(s.path(".otchet-journal"), journal).unwrap();
        for f in [".otchet-journal", ".otchet-1-b0.tmp"] {
            rustix::fs::chown(&s.path(f), Some(rustix::process::Uid::from_raw(65534)), None).unwrap();
        }
        let r = s.save_edit("q", |d| d["department"][0]["event"][0]["title"] = json!("Правка 2"));
        assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
        assert_eq!(std::fs::read(s.path("victim.toml")).unwrap(), reference(), "another owner's journal was obeyed");
    }
}

/// A PDF whose one object stream unpacks to `mib` MiB.
fn bomb(mib: usize) -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(b"4 0 << >> ").unwrap();
    let chunk = vec![b' '; 1 << 20];
    for _ in 0..mib {
        z.write_all(&chunk).unwrap();
    }
    let data = z.finish().unwrap();
    let mut pdf = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    offsets.push(pdf.len());
    pdf.extend_from_slice(b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
    offsets.push(pdf.len());
    pdf.extend_from_slice(b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n");
    offsets.push(pdf.len());
    pdf.extend_from_slice(
        format!("3 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length {} >>\nstream\n", data.len())
            .as_bytes(),
    );
    pdf.extend_from_slice(&data);
    pdf.extend_from_slice(b"\nendstream\nendobj\n");
    let xref = pdf.len();
    pdf.extend_from_slice(b"xref\n0 4\n0000000000 65535 f \n");
    for o in offsets {
        pdf.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(format!("trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").as_bytes());
    pdf
}

// 4. An object-stream bomb is not unpacked past the budget.
#[test]
fn an_object_stream_bomb_is_not_unpacked() {
    let pdf = bomb(512);
    assert!(pdf.len() < 2 << 20, "{}", pdf.len());
    // Reading it (the archive list's and extract's reading) stays far below
    // the 512 MiB the stream holds.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bomb.pdf"), &pdf).unwrap();
    let o = std::process::Command::new("/usr/bin/time")
        .args(["-f", "maxrss=%M"])
        .arg(BIN)
        .args(["extract", "bomb.pdf"])
        .current_dir(dir.path())
        .output()
        .expect("/usr/bin/time (Debian's package time)");
    let err = String::from_utf8_lossy(&o.stderr);
    let kib: u64 = err.rsplit("maxrss=").next().unwrap().trim().parse().unwrap_or_else(|_| panic!("{err}"));
    assert!(kib < 200 * 1024, "reading the PDF took {} MiB", kib / 1024);
    let s = start(&[("q.toml", &reference()), ("bomb.pdf", &pdf)]);
    let list = s.req("GET", "/api/archive", None);
    assert_eq!(list.status, 200);
    assert_eq!(list.json()["pdfs"][0]["file"], "bomb.pdf");
}

// 6. Headers are bounded before anything else.
#[test]
fn a_header_flood_is_cut_off_before_the_token_is_checked() {
    let s = start(&[("q.toml", &reference())]);
    let mut c = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
    c.set_write_timeout(Some(Duration::from_secs(20))).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    c.write_all(format!("GET /api/reports HTTP/1.1\r\nHost: {}\r\n", s.host()).as_bytes()).unwrap();
    let line = format!("X-Flood: {}\r\n", "a".repeat(1000));
    let total: usize = 64 << 20;
    let mut sent = 0;
    while sent < total {
        if c.write_all(line.as_bytes()).is_err() {
            break;
        }
        sent += line.len();
    }
    let mut answer = Vec::new();
    let _ = c.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        sent < total || answer.starts_with("HTTP/1.1 431"),
        "the server read {sent} bytes of headers: {}",
        answer.lines().next().unwrap_or("")
    );
    // And goes on serving.
    assert_eq!(s.req("GET", "/api/reports", None).status, 200);
}

// 7. A save keeps the file's mode; versions are no more readable.
#[cfg(unix)]
#[test]
fn saves_keep_the_reports_mode() {
    use std::os::unix::fs::PermissionsExt;
    let s = start(&[("private.toml", &reference()), ("group.toml", &reference())]);
    std::fs::set_permissions(s.path("private.toml"), std::fs::Permissions::from_mode(0o600)).unwrap();
    std::fs::set_permissions(s.path("group.toml"), std::fs::Permissions::from_mode(0o664)).unwrap();
    for (name, want) in [("private", 0o600), ("group", 0o664)] {
        let r = s.save_edit(name, |d| d["department"][0]["event"][0]["title"] = json!("Правка"));
        assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
        assert_eq!(mode(&s.path(&format!("{name}.toml"))), want, "{name}.toml");
        let versions = s.path(".otchet/versions").join(name);
        for v in std::fs::read_dir(versions).unwrap() {
            let m = mode(&v.unwrap().path());
            assert_eq!(m & !want, 0, "{name}: a version is {m:o}, more readable than the report's {want:o}");
        }
    }
    assert_eq!(mode(&s.path(".otchet")), 0o700);
}

// 9. A named pipe swapped in for a report never stalls the server.
#[cfg(unix)]
#[test]
fn a_pipe_swapped_in_for_a_report_never_stalls_the_server() {
    let s = start(&[("q.toml", &reference())]);
    let side = s.path("side");
    std::fs::create_dir(&side).unwrap();
    let fifo = side.join("fifo");
    rustix::fs::mknodat(
        rustix::fs::CWD,
        &fifo,
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::RUSR | rustix::fs::Mode::WUSR,
        0,
    )
    .unwrap();
    let q = s.path("q.toml");
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let swapper = {
        let (stop, fifo, q) = (stop.clone(), fifo.clone(), q.clone());
        std::thread::spawn(move || {
            let swap = || {
                rustix::fs::renameat_with(
                    rustix::fs::CWD,
                    &fifo,
                    rustix::fs::CWD,
                    &q,
                    rustix::fs::RenameFlags::EXCHANGE,
                )
                .unwrap();
            };
            // The report and a pipe change places, again and again: a
            // request may list the report and open the pipe.
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                swap();
                std::thread::sleep(Duration::from_micros(50));
                swap();
                std::thread::sleep(Duration::from_micros(50));
            }
        })
    };
    let (port, token) = (s.port, s.token.clone());
    let hammer: Vec<_> = (0..8)
        .map(|_| {
            let token = token.clone();
            std::thread::spawn(move || {
                for _ in 0..150 {
                    let mut c = TcpStream::connect(("127.0.0.1", port)).unwrap();
                    c.set_read_timeout(Some(Duration::from_millis(500))).unwrap();
                    let req = format!(
                        "GET /api/reports/q HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
                    );
                    let _ = c.write_all(req.as_bytes());
                    let mut sink = Vec::new();
                    let _ = c.read_to_end(&mut sink);
                }
            })
        })
        .collect();
    for h in hammer {
        h.join().unwrap();
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    swapper.join().unwrap();
    // Every worker free: the page's own files and the list still answer.
    let mut c = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let req = format!(
        "GET /api/reports HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\nConnection: close\r\n\r\n",
        s.host(),
        s.token
    );
    c.write_all(req.as_bytes()).unwrap();
    let mut answer = Vec::new();
    let _ = c.read_to_end(&mut answer);
    assert!(String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 200"), "the server stalled on a pipe");
}

// 10. Links planted in the server's folder are never followed.
#[cfg(unix)]
#[test]
fn links_planted_in_the_servers_folder_are_not_followed() {
    use std::os::unix::fs::PermissionsExt;
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::set_permissions(elsewhere.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let s = start(&[("q.toml", &reference())]);
    std::fs::set_permissions(s.path("q.toml"), std::fs::Permissions::from_mode(0o600)).unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), s.path(".otchet")).unwrap();
    let r = s.save_edit("q", |d| d["department"][0]["event"][0]["title"] = json!("Правка"));
    assert_ne!(r.status, 200, "a save went through a link");
    assert!(r.json()["error"].as_str().unwrap().contains(".otchet"), "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(std::fs::read(s.path("q.toml")).unwrap(), reference(), "saved without keeping the version");
    assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0, "wrote into another folder");
    // A link at versions/NAME.
    std::fs::remove_file(s.path(".otchet")).unwrap();
    std::fs::create_dir_all(s.path(".otchet/versions")).unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), s.path(".otchet/versions/q")).unwrap();
    let r = s.save_edit("q", |d| d["department"][0]["event"][0]["title"] = json!("Правка"));
    assert_ne!(r.status, 200, "a save went through a link");
    assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0, "wrote into another folder");
}

// 11. A crash after the rename never reverts the edit later.
#[test]
fn a_crash_after_the_rename_never_reverts_the_edit() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("q.toml"), reference()).unwrap();
    std::fs::write(dir.path().join("r.toml"), reference()).unwrap();
    let mut held = start_at(dir.path(), &[("OTCHET_TEST_PAUSE_AT", "renamed"), ("OTCHET_TEST_PAUSE_MS", "60000")]);
    let v = held.req("GET", "/api/reports/q", None).json();
    let mut data = v["data"].clone();
    data["department"][0]["event"][0]["title"] = json!("Правка до сбоя");
    let (port, token, version) = (held.port, held.token.clone(), v["version"].clone());
    std::thread::spawn(move || put(port, &token, "q", &data, &version));
    let q = dir.path().join("q.toml");
    let until = Instant::now() + Duration::from_secs(20);
    while !std::fs::read_to_string(&q).unwrap().contains("Правка до сбоя") {
        assert!(Instant::now() < until, "the edit never reached the file");
        std::thread::sleep(Duration::from_millis(20));
    }
    held.child.kill().unwrap();
    held.child.wait().unwrap();
    let s = start_at(dir.path(), &[]);
    let r = s.save_edit("r", |d| d["department"][0]["event"][0]["title"] = json!("Другой отчет"));
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert!(std::fs::read_to_string(&q).unwrap().contains("Правка до сбоя"), "recovery reverted a completed write");
}

// 13. Versions are described when kept; heavy work never starves the page.
#[test]
fn versions_are_described_when_kept_and_heavy_work_never_starves_the_page() {
    let big = common::synth::report(1000);
    let s = start(&[("q.toml", &reference()), ("big.toml", big.as_bytes())]);
    let r = s.save_edit("q", |d| d["department"][0]["event"][0]["title"] = json!("Первая правка"));
    assert_eq!(r.status, 200);
    let r = s.save_edit("q", |d| d["department"][0]["event"][0]["place"] = json!("Вторая правка"));
    assert_eq!(r.status, 200);
    let list = s.req("GET", "/api/reports/q/versions", None).json();
    let v = list["versions"].as_array().unwrap();
    assert_eq!(v.len(), 2, "{list}");
    let (newer, older) = (v[0]["summary"].as_str().unwrap(), v[1]["summary"].as_str().unwrap());
    // Each version says what its own save changed (not everything since).
    assert!(older.contains("Наименование") && !older.contains("Место"), "older: {older}");
    assert!(newer.contains("Место") && !newer.contains("Наименование"), "newer: {newer}");
    // Six documents of 1,000 events at once, and the page meanwhile.
    let (port, token) = (s.port, s.token.clone());
    let started = Instant::now();
    let heavy: Vec<_> = (0..6)
        .map(|_| {
            let token = token.clone();
            std::thread::spawn(move || {
                let bearer = format!("Bearer {token}");
                let r = raw(
                    port,
                    "GET",
                    "/api/reports/big/pdf",
                    &[("Host", &format!("127.0.0.1:{port}")), ("Authorization", &bearer)],
                    b"",
                );
                assert_eq!(r.status, 200);
                started.elapsed()
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    let r = s.req("GET", "/api/reports/q/data", None);
    assert_eq!(r.status, 200);
    let light = started.elapsed();
    let last = heavy.into_iter().map(|h| h.join().unwrap()).max().unwrap();
    assert!(light < last, "the page's request waited for every document: {light:?} vs {last:?}");
}

// 14. Data nested deeper than the file can be read back is never saved.
#[test]
fn data_nested_too_deep_is_refused_before_writing() {
    let s = start(&[("q.toml", &reference())]);
    // Deeper than the TOML reader's limit, within JSON's own (128).
    let mut deep = json!("x");
    for _ in 0..100 {
        deep = json!([deep]);
    }
    let r = s.save_edit("q", |d| d["department"][0]["event"][0]["note"] = deep);
    assert_ne!(r.status, 200, "saved data the file cannot hold");
    assert!(!r.json()["error"].as_str().unwrap_or("").is_empty());
    assert_eq!(std::fs::read(s.path("q.toml")).unwrap(), reference());
    let v = s.req("GET", "/api/reports/q", None).json();
    assert_eq!(v["editable"], true);
}

// 15. Names are routed by structure.
#[test]
fn report_names_with_commas_and_document_suffixes_are_routed_by_structure() {
    let other = String::from_utf8(reference()).unwrap().replace("Межрегиональная", "Другая");
    let s = start(&[("2020,q4.toml", &reference()), ("x.toml", &reference()), ("x.docx.toml", other.as_bytes())]);
    let r = s.req("GET", "/api/annual.docx?names=2020%2Cq4&partial=1", None);
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let r = s.req("GET", "/api/annual.docx?name=2020%2Cq4&partial=1", None);
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let data = s.req("GET", "/api/reports/x.docx/data", None);
    assert_eq!(data.status, 200);
    assert_eq!(data.json()["name"], "x.docx");
    assert!(data.json()["data"].to_string().contains("Другая"));
    let doc = s.req("GET", "/api/reports/x.docx/docx", None);
    assert_eq!(doc.status, 200);
    assert!(doc.header("content-disposition").unwrap().contains("x.docx.docx"));
}

// 16. A department's exact name picks it.
#[test]
fn forms_take_a_departments_exact_name_even_inside_another() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from_utf8(reference()).unwrap();
    text.push_str(
        "\n[[department]]\nname = \"Департамент Смоленской области по культуре и туризму\"\n\n[[department.event]]\n\
         agreement = \"moscow\"\ntitle = \"Т\"\ndates = 2020-10-20\nplace = \"П\"\nparticipants = \"У\"\nresult = \"Р\"\n",
    );
    std::fs::write(dir.path().join("q.toml"), text).unwrap();
    let o =
        run(&["forms", "q.toml", "-o", "f", "--department", "Департамент Смоленской области по культуре"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let made: Vec<_> = std::fs::read_dir(dir.path().join("f")).unwrap().collect();
    assert_eq!(made.len(), 1);
}

// 17. A full disk: a Russian message with its hint, no version left.
#[cfg(unix)]
#[test]
fn a_save_on_a_full_disk_says_so_in_russian_and_keeps_no_version() {
    if !as_root("a full disk (tmpfs)") {
        return;
    }
    let mnt = tempfile::tempdir().unwrap();
    let status = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=512k", "tmpfs"])
        .arg(mnt.path())
        .status()
        .unwrap();
    assert!(status.success(), "mount tmpfs");
    struct Unmount<'a>(&'a Path);
    impl Drop for Unmount<'_> {
        fn drop(&mut self) {
            let _ = std::process::Command::new("umount").arg(self.0).status();
        }
    }
    let _unmount = Unmount(mnt.path());
    std::fs::write(mnt.path().join("q.toml"), reference()).unwrap();
    let s = start_at(mnt.path(), &[]);
    let v = s.req("GET", "/api/reports/q", None).json();
    // Fill the disk, then leave room for the version only.
    let filler = mnt.path().join("filler");
    let mut f = std::fs::File::create(&filler).unwrap();
    let block = vec![0u8; 4096];
    while f.write_all(&block).and_then(|()| f.sync_all()).is_ok() {}
    let len = std::fs::metadata(&filler).unwrap().len();
    let room = (reference().len() as u64).div_ceil(4096) * 4096 + 3 * 4096;
    f.set_len(len.saturating_sub(room)).unwrap();
    f.sync_all().unwrap();
    let mut data = v["data"].clone();
    data["department"][0]["event"][0]["title"] = json!("Правка ".repeat(2000));
    let (status, body) = put(s.port, &s.token, "q", &data, &v["version"]);
    assert_eq!(status, 500, "{body}");
    let msg = body["error"].as_str().unwrap();
    assert!(msg.contains("нет места на диске") && msg.contains("освободите место"), "{msg}");
    assert!(!msg.contains("os error") && !msg.contains("No space"), "{msg}");
    assert_eq!(std::fs::read(mnt.path().join("q.toml")).unwrap(), reference());
    let versions = mnt.path().join(".otchet/versions/q");
    let kept = std::fs::read_dir(&versions).map(|d| d.count()).unwrap_or(0);
    assert_eq!(kept, 0, "a failed save left a version behind");
    drop(s);
}

/// The reference rendered from another department's data: an agreement
/// with Tver that is not the report's, and the report's Moscow one.
fn other_departments_document(dir: &Path) -> Vec<u8> {
    let reference = String::from_utf8(reference()).unwrap();
    let moscow = reference.lines().find(|l| l.starts_with("moscow = ")).unwrap().trim_start_matches("moscow = ");
    let text = format!(
        "[report]\nyear = 2020\nquarter = 4\n\n[agreements]\nculture-tver = \"Соглашение о сотрудничестве в сфере культуры между \
         Департаментом Смоленской области по культуре и Министерством культуры Тверской области\"\nmsk = {moscow}\n\n\
         [[department]]\nname = \"Департамент Смоленской области по туризму\"\n\n[[department.event]]\nagreement = \"culture-tver\"\n\
         title = \"Фестиваль\"\ndates = 2020-10-20\nplace = \"Тверь\"\nparticipants = \"У\"\nresult = \"Р\"\n\n\
         [[department.event]]\nagreement = \"msk\"\ntitle = \"Выставка\"\ndates = 2020-11-20\nplace = \"Москва\"\n\
         participants = \"У\"\nresult = \"Р\"\n"
    );
    std::fs::write(dir.join("other.toml"), text).unwrap();
    let o = run(&["render", "other.toml", "--format", "docx", "-o", "o"], dir);
    assert!(o.status.success(), "{}", stderr(&o));
    std::fs::read(dir.join("o/other.docx")).unwrap()
}

// 5. Added into a report, agreements are matched by its registry's titles.
#[test]
fn import_into_a_report_matches_agreements_by_that_reports_titles() {
    use base64::Engine as _;
    let s = start(&[("q.toml", &reference())]);
    let doc = other_departments_document(&s.root);
    let v = s.req("GET", "/api/reports/q", None).json();
    let files = json!([{ "name": "other.docx", "content": base64::engine::general_purpose::STANDARD.encode(&doc) }]);
    let r = s.req("POST", "/api/import", Some(&json!({ "files": files, "add": "q", "version": v["version"] })));
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let loaded = otchet::load::load_file(&s.path("q.toml")).unwrap_or_else(|f| panic!("{:?}", f.diagnostics));
    let title = |key: &str| loaded.report.agreements.iter().find(|a| a.key == key).unwrap().title.value.clone();
    let events: Vec<_> = loaded.report.departments.iter().flat_map(|d| &d.events).collect();
    let festival = events.iter().find(|e| e.title.value == "Фестиваль").unwrap();
    assert!(title(&festival.agreement).contains("сфере культуры"), "recorded as «{}»", title(&festival.agreement));
    let show = events.iter().find(|e| e.title.value == "Выставка").unwrap();
    assert_eq!(show.agreement, "moscow", "the report's Moscow agreement was added again");
    assert_eq!(loaded.report.agreements.len(), 8, "one new agreement only");
}

// 12. A form's list key counts only as the registry has it now.
#[test]
fn a_forms_key_reassigned_in_the_registry_is_matched_by_the_chosen_text() {
    let dir = tempfile::tempdir().unwrap();
    let text = String::from_utf8(reference()).unwrap();
    std::fs::write(dir.path().join("q.toml"), &text).unwrap();
    let o = run(&["forms", "q.toml", "-o", "forms"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    // The coordinator swaps two keys' titles in the registry.
    let line = |k: &str| text.lines().find(|l| l.starts_with(&format!("{k} = "))).unwrap().to_string();
    let (orel, kemerovo) = (line("orel"), line("kemerovo"));
    let swapped = text
        .replace(&orel, "ORel")
        .replace(&kemerovo, &kemerovo.replacen("kemerovo", "orel", 1))
        .replace("ORel", &orel.replacen("orel", "kemerovo", 1));
    std::fs::write(dir.path().join("swapped.toml"), swapped).unwrap();
    let forms: Vec<String> = {
        let mut f: Vec<_> = std::fs::read_dir(dir.path().join("forms"))
            .unwrap()
            .map(|e| e.unwrap().path().display().to_string())
            .collect();
        f.sort();
        f
    };
    let mut args = vec!["import"];
    args.extend(forms.iter().map(String::as_str));
    args.extend(["--registry", "swapped.toml", "-o", "back.toml"]);
    let o = run(&args, dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("теперь означает"), "no warning:\n{}", stderr(&o));
    let back = otchet::load::load_file(&dir.path().join("back.toml")).unwrap();
    let orig = otchet::load::load_file(&dir.path().join("q.toml")).unwrap();
    let titles = |l: &otchet::load::Loaded| -> Vec<String> {
        l.report
            .departments
            .iter()
            .flat_map(|d| &d.events)
            .map(|e| l.report.agreements.iter().find(|a| a.key == e.agreement).unwrap().title.value.clone())
            .collect()
    };
    assert_eq!(titles(&back), titles(&orig), "an event records another agreement than the one chosen");
}
