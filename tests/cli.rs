//! The command line end to end: exit codes, messages, files written.
mod common;

use common::{run, stderr, REFERENCE};

#[test]
fn check_reference_succeeds() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(&["check", REFERENCE], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("мероприятий: 17"));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "check writes nothing");
}

#[test]
fn unknown_agreement_fails_with_location() {
    let dir = tempfile::tempdir().unwrap();
    let text =
        std::fs::read_to_string(REFERENCE).unwrap().replacen("agreement = \"moscow\"", "agreement = \"moskow\"", 1);
    let line = text.lines().position(|l| l.contains("moskow")).unwrap() + 1;
    std::fs::write(dir.path().join("2020-q4.toml"), &text).unwrap();
    let o = run(&["check", "2020-q4.toml"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "2020-q4.toml:{line}:13: неизвестное соглашение «moskow»; есть: kaluga-bryansk, orel, moscow"
        )),
        "{err}"
    );
}

#[test]
fn render_writes_both_documents() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(&["render", REFERENCE, "-o", "out/sub"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let docx = std::fs::read(dir.path().join("out/sub/2020-q4.docx")).unwrap();
    let pdf = std::fs::read(dir.path().join("out/sub/2020-q4.pdf")).unwrap();
    assert!(docx.starts_with(b"PK"));
    assert!(pdf.starts_with(b"%PDF"));
    assert_eq!(std::fs::read_dir(dir.path().join("out/sub")).unwrap().count(), 2, "no temporary files left");
}

#[test]
fn format_selects_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(&["render", REFERENCE, "--format", "pdf"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(dir.path().join("2020-q4.pdf").exists());
    assert!(!dir.path().join("2020-q4.docx").exists());
}

#[test]
fn failed_render_leaves_existing_outputs_intact() {
    let dir = tempfile::tempdir().unwrap();
    let bad = std::fs::read_to_string(REFERENCE).unwrap().replace("year = 2020", "year = 20200");
    std::fs::write(dir.path().join("r.toml"), bad).unwrap();
    std::fs::write(dir.path().join("r.docx"), b"signed submission").unwrap();
    std::fs::write(dir.path().join("r.pdf"), b"archived").unwrap();
    let o = run(&["render", "r.toml"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("ничего не записано"));
    assert_eq!(std::fs::read(dir.path().join("r.docx")).unwrap(), b"signed submission");
    assert_eq!(std::fs::read(dir.path().join("r.pdf")).unwrap(), b"archived");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 3);
}

#[test]
fn missing_glyph_is_an_error_naming_character_and_place() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(REFERENCE).unwrap().replacen("Арт-проект", "Арт-проект 漢", 1);
    std::fs::write(dir.path().join("r.toml"), &text).unwrap();
    let line = text.lines().position(|l| l.contains('漢')).unwrap() + 1;
    let o = run(&["render", "r.toml"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains(&format!("r.toml:{line}:")) && err.contains("U+6F22"), "{err}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "nothing written");
}

#[test]
fn unreadable_input_and_bad_usage() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(&["check", "nope.toml"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("nope.toml: не удалось открыть файл: нет такого файла"), "{}", stderr(&o));
    let o = run(&["render"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("не указан обязательный аргумент"), "{}", stderr(&o));
    let o = run(&["render", REFERENCE, "--format", "odt"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["--help"], dir.path());
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).contains("Сформировать отчет"));
}

#[test]
fn output_directory_that_cannot_be_created() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("file"), b"x").unwrap();
    let o = run(&["render", REFERENCE, "-o", "file/sub"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("не удалось создать каталог"), "{}", stderr(&o));
}

#[test]
fn output_equal_to_input_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(REFERENCE).unwrap();
    // The output path is a link to the data file itself.
    std::fs::write(dir.path().join("r.toml"), &text).unwrap();
    std::fs::create_dir(dir.path().join("out")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("r.toml"), dir.path().join("out/r.pdf")).unwrap();
    let o = run(&["render", "r.toml", "--format", "pdf", "-o", "out"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("совпадает с входным"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(dir.path().join("r.toml")).unwrap(), text, "input untouched");
}

#[test]
fn output_name_is_the_whole_input_name_less_toml() {
    // `2020.q4.toml` once rendered to `2020.pdf`, so `2020.q1.toml` and
    // `2020.q4.toml` overwrote each other's reports.
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(REFERENCE).unwrap();
    for name in ["2020.q1.toml", "2020.q4.toml", "отчет.TOML", "noext"] {
        std::fs::write(dir.path().join(name), &text).unwrap();
        let o = run(&["render", name, "--format", "pdf", "-o", "out"], dir.path());
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    let mut names: Vec<String> = std::fs::read_dir(dir.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["2020.q1.pdf", "2020.q4.pdf", "noext.pdf", "отчет.pdf"]);
}

#[test]
fn huge_inputs_are_refused_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    // 200 MB (sparse): refused before it is read.
    let f = std::fs::File::create(dir.path().join("huge.toml")).unwrap();
    f.set_len(200 * 1024 * 1024).unwrap();
    let o = run(&["render", "huge.toml"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("файл слишком велик: 200 МБ"), "{}", stderr(&o));
    // One text of 10 MB: refused with its place.
    let text = std::fs::read_to_string(REFERENCE).unwrap();
    let big =
        text.replacen("result = \"Обмен опытом работы\"", &format!("result = \"{}\"", "а".repeat(5 * 1024 * 1024)), 1);
    assert!(big.len() > 10_000_000);
    std::fs::write(dir.path().join("big.toml"), big).unwrap();
    let o = run(&["render", "big.toml"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("поле «result» мероприятия слишком длинное: 5242880 символов"),
        "{}",
        &stderr(&o)[..300.min(stderr(&o).len())]
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2, "nothing written");
}

#[test]
fn version_names_the_commit_and_man_pages_are_russian() {
    let dir = tempfile::tempdir().unwrap();
    let o = common::run(&["--version"], dir.path());
    assert!(o.status.success());
    let v = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(v.starts_with(&format!("otchet {} (коммит ", env!("CARGO_PKG_VERSION"))), "{v}");
    assert!(!v.contains("(коммит )"), "{v}");
    let o = common::run(&["man", "render"], dir.path());
    assert!(o.status.success(), "{}", common::stderr(&o));
    let page = String::from_utf8_lossy(&o.stdout).into_owned();
    for needle in [".TH OTCHET-RENDER 1", ".SH ИМЯ", ".SH ПАРАМЕТРЫ", "no\\-source", "Сформировать отчет"]
    {
        assert!(page.contains(needle), "{needle} missing:\n{page}");
    }
    let o = common::run(&["man"], dir.path());
    assert!(String::from_utf8_lossy(&o.stdout).contains("otchet\\-extract(1)"));
    let o = common::run(&["man", "nosuch"], dir.path());
    assert_eq!(o.status.code(), Some(2));
}

/// Every flag that takes a number or an address says, when its value is
/// wrong, what it allows — in Russian, from its own definition.
#[test]
fn every_valued_flag_says_what_it_allows() {
    let dir = tempfile::tempdir().unwrap();
    for (args, allowed) in [
        (&["new", "--from", "x.toml", "--year", "1999"][..], "год — число от 2000 до 2100"),
        (&["import", "a.docx", "--quarter", "5"][..], "квартал — число от 1 до 4"),
        (&["forms", "x.toml", "--rows", "100000"][..], "число строк — от 0 до 500"),
        (&["serve", "--port", "70000"][..], "порт — число от 0 до 65535"),
        (&["audit", "--dir", ".", "--limit", "x"][..], "число записей — целое число больше нуля"),
        (&["serve", "--listen", "nope"][..], "адрес и порт через двоеточие"),
        (&["serve", "--listen", "0.0.0.0:1", "--trusted-proxy", "x"][..], "IP-адрес прокси"),
    ] {
        let o = common::run(args, dir.path());
        let err = common::stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(allowed), "{args:?} does not say «{allowed}»: {err}");
        assert!(!err.contains("проверьте значение по справке"), "{args:?}: {err}");
    }
    assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none(), "a usage error wrote a file");
}
