//! The defects of the hostile test (issue 13), each end to end through the
//! binary: all or nothing across both files, bounded reads, printing to a
//! closed or full output, interruption, linear and summarised diagnostics,
//! `annual --name`, quarters of different regions.
mod common;

use common::{run, stderr, BIN, REFERENCE};
use std::path::Path;
use std::process::{Command, Stdio};

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    v.sort();
    v
}

#[test]
fn a_pdf_path_that_is_a_directory_leaves_the_old_docx() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("out/r.pdf")).unwrap();
    std::fs::write(dir.path().join("out/r.docx"), b"old docx").unwrap();
    std::fs::copy(REFERENCE, dir.path().join("r.toml")).unwrap();
    let o = run(&["render", "r.toml", "-o", "out"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("ничего не записано"), "{}", stderr(&o));
    assert_eq!(std::fs::read(dir.path().join("out/r.docx")).unwrap(), b"old docx", "docx replaced");
    assert_eq!(names(&dir.path().join("out")), ["r.docx", "r.pdf"]);
}

#[test]
fn endless_and_oversized_inputs_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(&["check", "/dev/zero"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("файл слишком велик"), "{}", stderr(&o));
    // An endless pipe.
    let mut child = Command::new(BIN)
        .args(["check", "/dev/stdin"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || {
        use std::io::Write;
        let line = b"a = 1\n".repeat(10_000);
        while stdin.write_all(&line).is_ok() {}
    });
    let o = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("файл слишком велик"), "{}", stderr(&o));
    // A template is read through the same bound.
    let o = run(&["check", REFERENCE, "--template", "/dev/zero"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("файл слишком велик"), "{}", stderr(&o));
}

#[test]
fn closed_and_full_outputs_do_not_panic() {
    let dir = tempfile::tempdir().unwrap();
    let full = || std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    for args in [vec!["schema"], vec!["completions", "bash"]] {
        let o = Command::new(BIN).args(&args).stdout(full()).output().unwrap();
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("нет места"), "{args:?}: {}", stderr(&o));
    }
    // Errors to a full stderr: still exit 1, no panic (101).
    let o = Command::new(BIN).args(["check", "/nonexistent.toml"]).stderr(full()).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    // A reader that goes away at once.
    let mut child = Command::new(BIN).args(["schema"]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    let _ = dir;
}

#[test]
fn an_interrupted_write_leaves_nothing_behind() {
    for signal in ["INT", "TERM"] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(REFERENCE, dir.path().join("r.toml")).unwrap();
        // Held between writing the temporaries and renaming them.
        let child = Command::new(BIN)
            .args(["render", "r.toml", "-o", "new/out"])
            .current_dir(dir.path())
            .env("OTCHET_TEST_PAUSE_MS", "20000")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let out = dir.path().join("new/out");
        let start = std::time::Instant::now();
        while !(out.is_dir() && names(&out).iter().filter(|n| n.ends_with(".tmp")).count() == 2) {
            assert!(start.elapsed().as_secs() < 15, "temporaries never appeared");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let kill = Command::new("kill").args([&format!("-{signal}"), &child.id().to_string()]).status().unwrap();
        assert!(kill.success());
        let o = child.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(130), "{signal}");
        // The temporaries and the directories made for them are gone.
        assert!(!dir.path().join("new").exists(), "{signal}: {:?}", names(&out));
    }
}

#[test]
fn temporaries_of_a_killed_run_are_removed_by_the_next() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(REFERENCE, dir.path().join("r.toml")).unwrap();
    std::fs::create_dir(dir.path().join("out")).unwrap();
    // What SIGKILL leaves: a temporary of a process that is gone.
    std::fs::write(dir.path().join("out/.otchet-4194305-Ab12Cd.tmp"), vec![0u8; 1000]).unwrap();
    let o = run(&["render", "r.toml", "-o", "out"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(names(&dir.path().join("out")), ["r.docx", "r.pdf"]);
}

#[test]
fn a_failed_render_removes_the_directory_it_created() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(REFERENCE).unwrap().replacen("year = 2020", "year = 1999", 1);
    std::fs::write(dir.path().join("r.toml"), text).unwrap();
    let o = run(&["render", "r.toml", "-o", "a/b"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(!dir.path().join("a").exists());
}

/// A report whose every event names an agreement missing from a registry
/// of `n` keys.
fn unknown_references(n: usize) -> String {
    let mut s = String::from("[report]\nyear = 2020\nquarter = 4\n[agreements]\n");
    for i in 0..n {
        s.push_str(&format!("k{i} = \"Соглашение {i}\"\n"));
    }
    s.push_str("[[department]]\nname = \"Д\"\n");
    for i in 0..n {
        s.push_str(&format!(
            "[[department.event]]\nagreement = \"x{i}\"\ntitle = \"т\"\ndates = \"октябрь\"\nplace = \"п\"\nparticipants = \"у\"\nresult = \"р\"\n"
        ));
    }
    s
}

#[test]
fn many_errors_are_summarised() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("r.toml"), unknown_references(10_000)).unwrap();
    let o = run(&["check", "r.toml"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    // Was 903 MB at 10,000 x 10,000 (every message listed every key).
    assert!(err.len() < 20_000, "{} bytes of messages", err.len());
    assert!(err.contains("и ещё 9995 таких же ошибок"), "{}", &err[err.len().saturating_sub(600)..]);
    assert!(err.contains("ошибок: 10000"), "the count is still complete");
    assert!(err.contains("есть: k0, k1, k2, k3, k4, k5, k6, k7, k8, k9 и ещё 9990"), "{}", &err[..1000.min(err.len())]);
    // Many departments without events: a handful of warnings, then a count.
    let mut s = String::from("[report]\nyear = 2020\nquarter = 4\n[agreements]\nk = \"С\"\n");
    for i in 0..1000 {
        s.push_str(&format!("[[department]]\nname = \"Д{i}\"\n"));
    }
    s.push_str("[[department.event]]\nagreement = \"k\"\ntitle = \"т\"\ndates = \"октябрь\"\nplace = \"п\"\nparticipants = \"у\"\nresult = \"р\"\n");
    std::fs::write(dir.path().join("d.toml"), s).unwrap();
    let o = run(&["check", "d.toml"], dir.path());
    assert_eq!(o.status.code(), Some(0));
    let err = stderr(&o);
    assert_eq!(err.matches("нет мероприятий").count(), 5 + 1, "{err}");
    assert!(err.contains("и ещё 994 таких же предупреждений"), "{err}");
}

#[test]
fn annual_name_is_a_plain_file_name() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["", ".", "..", "../x", "/tmp/x", "a/b"] {
        let o = run(&["annual", REFERENCE, "--allow-partial", "-o", "out", "--name", name], dir.path());
        assert_eq!(o.status.code(), Some(1), "--name {name:?}");
        assert!(stderr(&o).contains("недопустимое имя"), "{name:?}: {}", stderr(&o));
        assert!(names(dir.path()).is_empty(), "--name {name:?} wrote {:?}", names(dir.path()));
    }
}

#[test]
fn annual_refuses_quarters_of_different_regions() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(REFERENCE).unwrap();
    std::fs::write(dir.path().join("q4.toml"), &text).unwrap();
    let q3 = text
        .replacen("quarter = 4", "quarter = 3", 1)
        .replace("region = \"Смоленская область\"", "region = \"Брянская область\"");
    assert!(q3.contains("Брянская"));
    std::fs::write(dir.path().join("q3.toml"), q3).unwrap();
    let o = run(&["annual", "q3.toml", "q4.toml", "--allow-partial", "-o", "out"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("регион") && err.contains("q3.toml") && err.contains("q4.toml"), "{err}");
    assert!(!dir.path().join("out").exists());
}

/// The first line of each message, with quoted parts («…») left out.
fn unquoted(message: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in message.chars() {
        match c {
            '«' => depth += 1,
            '»' => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out.replace("TOML", "")
}

#[test]
fn syntax_errors_are_worded_in_russian() {
    let cases = [
        "x = 2020-02-30",
        "x = \"\\uZZZZ\"",
        "x = ",
        "x = \"abc",
        "[a",
        "a = 1\na = 2",
        "x = 1_",
        "x = tru",
        "x = [1,2",
        "x = { a = 1",
        "x = 12:00:99",
        "= 1",
        "x = \"a\\q\"",
        "x = 1e",
        "x = '''abc",
        "x = 0x_1",
        "x = +0x1",
        "x = [1,,2]",
        "x = 1 2",
    ];
    for src in cases {
        let f = otchet::load::load_bytes("s.toml", src.as_bytes()).unwrap_err();
        let m = &f.diagnostics[0].message;
        assert!(m.starts_with("синтаксическая ошибка TOML: "), "{src:?}: {m}");
        assert!(!unquoted(m).chars().any(|c| c.is_ascii_alphabetic()), "{src:?}: English left in «{m}»");
    }
}

#[test]
fn too_deep_nesting_is_placed_at_its_key() {
    let key = vec!["a"; 100_000].join(".");
    let src = format!("[report]\nyear = 2020\n{key} = 1\n");
    let f = otchet::load::load_bytes("s.toml", src.as_bytes()).unwrap_err();
    let d = &f.diagnostics[0];
    assert!(d.message.contains("слишком глубокая вложенность"), "{}", d.message);
    assert_eq!(f.source.location(d.span.as_ref().unwrap().start), "s.toml:3:1");
}

#[test]
fn an_empty_agreement_key_is_refused() {
    let src = std::fs::read_to_string(REFERENCE).unwrap().replacen(
        "[agreements]\n",
        "[agreements]\n\"\" = \"Соглашение\"\n",
        1,
    );
    let f = otchet::load::load_bytes("r.toml", src.as_bytes()).unwrap_err();
    assert!(f.diagnostics.iter().any(|d| d.message.contains("пустой ключ соглашения")), "{:?}", f.diagnostics);
}

#[test]
fn no_events_warning_only_when_there_are_none() {
    // Events that exist but are invalid are not "no events".
    let src = "[report]\nyear = 2020\nquarter = 4\n[agreements]\nk = \"С\"\n[[department]]\nname = \"Д\"\n[[department.event]]\nagreement = \"k\"\n";
    let f = otchet::load::load_bytes("r.toml", src.as_bytes()).unwrap_err();
    assert!(f.diagnostics.iter().all(|d| !d.message.contains("нет ни одного мероприятия")), "{:?}", f.diagnostics);
    let src = "[report]\nyear = 2020\nquarter = 4\n[agreements]\nk = \"С\"\n[[department]]\nname = \"Д\"\n";
    let l = otchet::load::load_bytes("r.toml", src.as_bytes()).unwrap();
    assert!(l.warnings.iter().any(|d| d.message.contains("нет ни одного мероприятия")));
}

#[test]
fn glyph_problems_come_with_all_other_problems() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(REFERENCE)
        .unwrap()
        .replacen("Арт-проект", "Арт-проект 漢", 1)
        .replacen("place = ", "plase = ", 1);
    std::fs::write(dir.path().join("r.toml"), &text).unwrap();
    let o = run(&["check", "r.toml"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("неизвестный ключ «plase»"), "{err}");
    assert!(err.contains("символ «漢» (U+6F22) нельзя вывести в PDF"), "{err}");
}

#[test]
fn a_docx_alone_is_never_refused_for_a_glyph() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(REFERENCE).unwrap().replacen("Арт-проект", "Арт-проект 漢字", 1);
    std::fs::write(dir.path().join("r.toml"), &text).unwrap();
    let o = run(&["render", "r.toml", "--format", "docx", "-o", "out"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("предупреждение") && stderr(&o).contains("漢"), "{}", stderr(&o));
    assert_eq!(names(&dir.path().join("out")), ["r.docx"]);
    let o = run(&["render", "r.toml", "-o", "out2"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(!dir.path().join("out2").exists());
}
