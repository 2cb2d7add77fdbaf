//! Hardening, round two: what a hostile test of import, extract, diff and
//! template fonts found (issue 23). Each test reproduces a finding first.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::{run, stderr, REFERENCE};
use lopdf::{dictionary, Document, Object, Stream};

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

/// A directory with the reference data as `r.toml` and its rendering.
fn rendered() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(REFERENCE, dir.path().join("r.toml")).unwrap();
    let o = run(&["render", "r.toml", "-o", "."], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    dir
}

#[cfg(unix)]
#[test]
fn no_clobber_writes_never_follow_a_symbolic_link() {
    let dir = rendered();
    let d = dir.path();
    let victim = d.join("victim");
    // A dangling link (its target does not exist) and one to a file.
    let cases: Vec<(&str, Vec<&str>)> = vec![
        ("out.toml", vec!["extract", "r.pdf", "-o", "out.toml"]),
        ("r2.toml", vec!["import", "r.docx", "-o", "r2.toml"]),
        ("c.docx", vec!["diff", "r.toml", "r.toml", "-o", "c.docx"]),
        ("n.toml", vec!["new", "--from", "r.toml", "-o", "n.toml"]),
    ];
    for (name, args) in cases {
        for dangling in [true, false] {
            let _ = std::fs::remove_file(&victim);
            if !dangling {
                std::fs::write(&victim, b"precious").unwrap();
            }
            let _ = std::fs::remove_file(d.join(name));
            std::os::unix::fs::symlink(&victim, d.join(name)).unwrap();
            let o = run(&args, d);
            assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
            assert!(stderr(&o).contains("уже существует"), "{args:?}: {}", stderr(&o));
            if dangling {
                assert!(!victim.exists(), "{args:?} wrote through a dangling link");
            } else {
                assert_eq!(std::fs::read(&victim).unwrap(), b"precious", "{args:?}");
            }
            assert!(std::fs::symlink_metadata(d.join(name)).unwrap().file_type().is_symlink());
        }
    }
    // render replaces the name itself (rename), never the link's target.
    std::fs::write(&victim, b"precious").unwrap();
    std::fs::create_dir(d.join("out")).unwrap();
    std::os::unix::fs::symlink(&victim, d.join("out/r.pdf")).unwrap();
    let o = run(&["render", "r.toml", "-o", "out"], d);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
    assert!(std::fs::read(d.join("out/r.pdf")).unwrap().starts_with(b"%PDF"));
}

/// The reference PDF with its associated files replaced by `files`
/// (name, bytes) and the catalog changed by `edit`.
fn pdf_with(files: &[(&str, &[u8])], edit: impl FnOnce(&mut Document, Vec<Object>)) -> Vec<u8> {
    let dir = rendered();
    let mut doc = Document::load(dir.path().join("r.pdf")).unwrap();
    let mut specs = Vec::new();
    for (name, bytes) in files {
        let stream = doc.add_object(Stream::new(
            dictionary! { "Type" => "EmbeddedFile", "Params" => dictionary! { "Size" => bytes.len() as i64 } },
            bytes.to_vec(),
        ));
        let mut uf = vec![0xFE, 0xFF];
        uf.extend(name.encode_utf16().flat_map(u16::to_be_bytes));
        let spec = doc.add_object(dictionary! {
            "Type" => "Filespec",
            "F" => Object::string_literal("x.toml"),
            "UF" => Object::String(uf, lopdf::StringFormat::Hexadecimal),
            "EF" => dictionary! { "F" => stream, "UF" => stream },
        });
        specs.push(Object::Reference(spec));
    }
    edit(&mut doc, specs);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

fn set_af(doc: &mut Document, af: Vec<Object>) {
    let root = doc.trailer.get(b"Root").unwrap().as_reference().unwrap();
    doc.get_object_mut(root).unwrap().as_dict_mut().unwrap().set("AF", af);
}

/// Runs `otchet extract` on `pdf` in a fresh directory; bounded in time.
fn extract(pdf: &[u8], extra: &[&str]) -> (tempfile::TempDir, std::process::Output, Duration) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("in.pdf"), pdf).unwrap();
    let mut args = vec!["extract", "in.pdf"];
    args.extend_from_slice(extra);
    let start = Instant::now();
    let o = run(&args, dir.path());
    (dir, o, start.elapsed())
}

#[test]
fn extract_writes_only_names_a_user_expects() {
    let cases = [
        (".bash_profile", "bash_profile.toml"),
        ("Makefile", "Makefile.toml"),
        ("отчет\u{202E}lmot.exe", "отчетlmot.exe.toml"),
        ("CON.toml", "_CON.toml"),
        ("com1.txt", "_com1.txt.toml"),
        ("a\\b.toml", "a_b.toml"),
    ];
    for (name, safe) in cases {
        let pdf = pdf_with(&[(name, b"x = 1\n")], set_af);
        let (dir, o, _) = extract(&pdf, &[]);
        assert_eq!(o.status.code(), Some(0), "{name:?}: {}", stderr(&o));
        let mut want = vec![safe.to_string(), "in.pdf".to_string()];
        want.sort();
        assert_eq!(names(dir.path()), want, "{name:?}");
        assert!(stderr(&o).contains(&format!("заменено на «{safe}»")), "{name:?}: {}", stderr(&o));
    }
    // A name longer than file systems allow is shortened, with a message.
    let long = format!("{}.toml", "д".repeat(200));
    let pdf = pdf_with(&[(&long, b"x = 1\n")], set_af);
    let (dir, o, _) = extract(&pdf, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let written = names(dir.path());
    assert!(written[1].len() <= 240 && written[1].ends_with(".toml"), "{written:?}");
    // Two files of one name: both written, the second numbered, and said.
    let pdf = pdf_with(&[("q.toml", b"a = 1\n"), ("Q.toml", b"b = 2\n")], set_af);
    let (dir, o, _) = extract(&pdf, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(names(dir.path()), ["Q-2.toml", "in.pdf", "q.toml"]);
    assert!(stderr(&o).contains("несколько вложенных файлов с именем"), "{}", stderr(&o));
}

#[test]
fn extract_takes_back_what_render_put_in() {
    for name in ["2020-12-31 10:00 отчет.toml", "a\\b.toml"] {
        if cfg!(windows) {
            continue;
        }
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(REFERENCE, dir.path().join(name)).unwrap();
        let o = run(&["render", name, "-o", "out", "--format", "pdf"], dir.path());
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let pdf = std::fs::read_dir(dir.path().join("out")).unwrap().next().unwrap().unwrap().path();
        // With -o FILE the embedded name does not matter.
        let o = run(&["extract", pdf.to_str().unwrap(), "-o", "back.toml"], dir.path());
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
        assert_eq!(std::fs::read(dir.path().join("back.toml")).unwrap(), std::fs::read(REFERENCE).unwrap());
        // Without it, under a safe name.
        let o = run(&["extract", pdf.to_str().unwrap(), "-o", "x/"], dir.path());
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
        let got = names(&dir.path().join("x"));
        assert_eq!(got.len(), 1);
        assert!(!got[0].contains([':', '\\']), "{got:?}");
    }
}

#[test]
fn extract_is_bounded_in_time_and_memory() {
    // A name tree that lists itself in /Kids.
    let pdf = pdf_with(&[("q.toml", b"x = 1\n")], |doc, specs| {
        let root = doc.trailer.get(b"Root").unwrap().as_reference().unwrap();
        let node = doc.new_object_id();
        let kids: Vec<Object> = (0..50).map(|_| Object::Reference(node)).collect();
        doc.objects.insert(
            node,
            Object::Dictionary(dictionary! {
                "Kids" => kids,
                "Names" => vec![Object::string_literal("q.toml"), specs[0].clone()],
            }),
        );
        let cat = doc.get_object_mut(root).unwrap().as_dict_mut().unwrap();
        cat.remove(b"AF");
        cat.set("Names", dictionary! { "EmbeddedFiles" => node });
    });
    let (dir, o, took) = extract(&pdf, &[]);
    assert!(took < Duration::from_secs(20), "{took:?}");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(names(dir.path()), ["in.pdf", "q.toml"]);

    // A small stream that inflates to gigabytes: stopped at the limit.
    let pdf = pdf_with(&[], |doc, _| {
        use std::io::Write;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..300 {
            z.write_all(&zeros).unwrap();
        }
        let bomb = z.finish().unwrap();
        let stream =
            doc.add_object(Stream::new(dictionary! { "Type" => "EmbeddedFile", "Filter" => "FlateDecode" }, bomb));
        let spec = doc.add_object(dictionary! {
            "Type" => "Filespec", "F" => Object::string_literal("b.toml"), "EF" => dictionary! { "F" => stream },
        });
        set_af(doc, vec![Object::Reference(spec)]);
    });
    assert!(pdf.len() < 2_000_000);
    let (dir, o, took) = extract(&pdf, &[]);
    assert!(took < Duration::from_secs(20), "{took:?}");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("больше 16 МБ после распаковки"), "{}", stderr(&o));
    assert_eq!(names(dir.path()), ["in.pdf"]);

    // The same file listed 200 times: read once.
    let pdf = pdf_with(&[("q.toml", b"x = 1\n")], |doc, specs| {
        set_af(doc, std::iter::repeat_n(specs[0].clone(), 200).collect());
    });
    let (dir, o, _) = extract(&pdf, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(names(dir.path()), ["in.pdf", "q.toml"]);
}

#[test]
fn a_damaged_pdf_is_told_in_russian() {
    let dir = rendered();
    let mut pdf = std::fs::read(dir.path().join("r.pdf")).unwrap();
    pdf.truncate(pdf.len() / 2);
    for bytes in [pdf, b"%PDF-1.7\n garbage".to_vec(), b"not a pdf".to_vec()] {
        let (_, o, _) = extract(&bytes, &[]);
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{e}");
        for english in ["error", "failed", "invalid", "parse", "lopdf", "missing", "reference", "xref"] {
            assert!(!e.to_lowercase().contains(english), "{e}");
        }
        assert!(e.contains("ничего не записано"), "{e}");
    }
}

/// The official template with `edit` applied to its text.
fn template_with(dir: &Path, edit: impl FnOnce(String) -> String) -> String {
    let t = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/templates/official.toml")).unwrap();
    std::fs::write(dir.join("t.toml"), edit(t)).unwrap();
    "t.toml".into()
}

#[test]
fn a_header_taller_than_the_page_is_an_error_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(REFERENCE, dir.path().join("r.toml")).unwrap();
    let t = template_with(dir.path(), |t| {
        let re: Vec<String> = t
            .lines()
            .map(|l| if l.trim_start().starts_with("header_size") { "header_size = 30".into() } else { l.to_string() })
            .collect();
        re.join("\n")
    });
    let line = std::fs::read_to_string(dir.path().join(&t))
        .unwrap()
        .lines()
        .position(|l| l.starts_with("header_size"))
        .unwrap()
        + 1;
    for cmd in ["check", "render"] {
        let start = Instant::now();
        let o = run(&[cmd, "r.toml", "--template", &t], dir.path());
        assert!(start.elapsed() < Duration::from_secs(20));
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{cmd}: {e}");
        assert!(e.contains(&format!("t.toml:{line}:")) && e.contains("шапка таблицы не помещается"), "{cmd}: {e}");
    }
    assert_eq!(names(dir.path()), ["r.toml", "t.toml"]);
}

#[cfg(unix)]
#[test]
fn template_fonts_are_only_regular_files_read_bounded() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(REFERENCE, dir.path().join("r.toml")).unwrap();
    let fifo = dir.path().join("fifo.ttf");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    for file in ["/dev/zero", "fifo.ttf"] {
        let t = template_with(dir.path(), |t| {
            t.replace(
                "family = \"Times New Roman\"",
                &format!("family = \"Times New Roman\"\nregular_file = \"{file}\"\nbold_file = \"{file}\""),
            )
        });
        let start = Instant::now();
        let o = run(&["check", "r.toml", "--template", &t], dir.path());
        assert!(start.elapsed() < Duration::from_secs(10), "{file}");
        assert_eq!(o.status.code(), Some(1), "{file}: {}", stderr(&o));
        assert!(stderr(&o).contains("это не обычный файл"), "{file}: {}", stderr(&o));
    }
}

#[test]
fn diff_refuses_an_author_xml_cannot_carry() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(REFERENCE, dir.path().join("r.toml")).unwrap();
    for author in ["Иванов\u{1}", "a\u{202E}b", "x\u{FFFF}"] {
        let o = run(&["diff", "r.toml", "r.toml", "-o", "c.docx", "--author", author], dir.path());
        assert_eq!(o.status.code(), Some(2), "{author:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("недопустимый символ"), "{}", stderr(&o));
    }
    assert_eq!(names(dir.path()), ["r.toml"]);
    // An ordinary name with markup characters is escaped: the DOCX is well-formed.
    let o = run(&["diff", "r.toml", "r.toml", "-o", "c.docx", "--author", "Петров <&> \"О'Нил\""], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // A directory as -o is named as one.
    std::fs::create_dir(dir.path().join("d")).unwrap();
    let o = run(&["diff", "r.toml", "r.toml", "-o", "d"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("это каталог"), "{}", stderr(&o));
}

#[test]
fn out_of_range_arguments_are_named_in_russian() {
    let dir = tempfile::tempdir().unwrap();
    for (args, want) in [
        (vec!["new", "--from", "r.toml", "--year", "1999"], "от 2000 до 2100"),
        (vec!["new", "--from", "r.toml", "--quarter", "5"], "от 1 до 4"),
        (vec!["import", "a.docx", "--quarter", "IV"], "от 1 до 4"),
    ] {
        let o = run(&args, dir.path());
        assert_eq!(o.status.code(), Some(2));
        let e = stderr(&o);
        assert!(e.contains(want) && !e.contains("invalid"), "{args:?}: {e}");
    }
}

#[test]
fn the_same_document_twice_is_refused() {
    let dir = rendered();
    std::fs::copy(dir.path().join("r.docx"), dir.path().join("copy.docx")).unwrap();
    for second in ["r.docx", "./r.docx", "copy.docx"] {
        let o = run(&["import", "r.docx", second, "-o", "i.toml"], dir.path());
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert!(stderr(&o).contains("тот же документ"), "{}", stderr(&o));
        assert!(!dir.path().join("i.toml").exists());
    }
}

#[test]
fn a_title_with_letters_that_change_length_in_lower_case_does_not_panic() {
    // The Kelvin sign and a Turkish İ lower-case to letters of another
    // length; the period from the file-name form "2020-q4" after them.
    for title in ["\u{212A} 2020-q4", "İ отчет 2020-q4"] {
        let found = otchet::import::period_in(title).unwrap();
        assert_eq!((found.1, found.2), (2020, 4));
        assert!(title.is_char_boundary(found.0) && title[found.0..].starts_with("2020"), "{title}: {found:?}");
    }
}

#[test]
fn the_forms_own_period_line_decides_over_a_title_mentioning_another() {
    let dir = rendered();
    // A custom title naming another quarter, above the real period line.
    let data = std::fs::read_to_string(REFERENCE).unwrap().replace(
        "[report]\n",
        "[report]\ntitle = \"Отчет о реализации соглашений (в продолжение отчета за I квартал 2019 года)\"\n",
    );
    std::fs::write(dir.path().join("t.toml"), &data).unwrap();
    let o = run(&["render", "t.toml", "-o", ".", "--format", "docx"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run(&["import", "t.docx", "-o", "back.toml"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let back = std::fs::read_to_string(dir.path().join("back.toml")).unwrap();
    assert!(back.contains("year = 2020") && back.contains("quarter = 4"), "{back}");
    assert!(back.contains("(в продолжение отчета за I квартал 2019 года)"), "{back}");
}

#[test]
fn a_truncated_or_collection_font_is_refused_when_the_template_is_loaded() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(REFERENCE, dir.path().join("r.toml")).unwrap();
    let font = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/fonts/LiberationSerif-Regular.ttf")).unwrap();
    let mut ttc = b"ttcf\x00\x01\x00\x00\x00\x00\x00\x01\x00\x00\x00\x10".to_vec();
    ttc.extend_from_slice(&font);
    for (bytes, want) in [(font[..font.len() / 3].to_vec(), "поврежден или обрезан"), (ttc, "коллекция шрифтов")]
    {
        std::fs::write(dir.path().join("f.ttf"), bytes).unwrap();
        let t = template_with(dir.path(), |t| {
            t.replace(
                "family = \"Times New Roman\"",
                "family = \"Times New Roman\"\nregular_file = \"f.ttf\"\nbold_file = \"f.ttf\"",
            )
        });
        for cmd in ["check", "render"] {
            let o = run(&[cmd, "r.toml", "--template", &t], dir.path());
            let e = stderr(&o);
            assert_eq!(o.status.code(), Some(1), "{e}");
            assert!(e.contains(want) && e.contains("t.toml:"), "{e}");
            assert!(!e.contains("ошибка otchet"), "{e}");
        }
    }
}

/// Renders `data` as `r.toml` into `out` under `dir`, held at `pause` (an
/// `OTCHET_TEST_PAUSE_AT` step) for 20 s; the child is returned once the
/// step is reached (`ready` says when).
fn held_render(dir: &Path, input: &str, pause: &str, ready: impl Fn() -> bool) -> std::process::Child {
    let child = std::process::Command::new(common::BIN)
        .args(["render", input, "-o", "out"])
        .current_dir(dir)
        .env("OTCHET_TEST_PAUSE_AT", pause)
        .env("OTCHET_TEST_PAUSE_MS", "20000")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while !ready() {
        assert!(start.elapsed() < Duration::from_secs(15), "{pause} never reached");
        std::thread::sleep(Duration::from_millis(10));
    }
    child
}

#[cfg(unix)]
#[test]
fn a_pair_half_replaced_by_a_killed_run_is_put_back_by_the_next() {
    for step in ["journal", "renamed"] {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let reference = std::fs::read_to_string(REFERENCE).unwrap();
        std::fs::write(d.join("r.toml"), &reference).unwrap();
        std::fs::write(d.join("other.toml"), &reference).unwrap();
        assert_eq!(run(&["render", "r.toml", "-o", "out"], d).status.code(), Some(0));
        let old = (std::fs::read(d.join("out/r.docx")).unwrap(), std::fs::read(d.join("out/r.pdf")).unwrap());
        // Other data, killed (SIGKILL: no cleanup) at the step.
        std::fs::write(d.join("r.toml"), reference.replace("Смоленская область", "Калужская область")).unwrap();
        let docx = d.join("out/r.docx");
        let old_docx = old.0.clone();
        let mut child = held_render(d, "r.toml", step, || {
            d.join("out/.otchet-journal").exists()
                && (step == "journal" || std::fs::read(&docx).is_ok_and(|b| b != old_docx))
        });
        child.kill().unwrap();
        child.wait().unwrap();
        if step == "renamed" {
            // What the issue found: the new DOCX beside the old PDF.
            assert_ne!(std::fs::read(d.join("out/r.docx")).unwrap(), old.0);
            assert_eq!(std::fs::read(d.join("out/r.pdf")).unwrap(), old.1);
        }
        // The next run writing into the folder puts the old pair back whole.
        let o = run(&["render", "other.toml", "-o", "out"], d);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_eq!(std::fs::read(d.join("out/r.docx")).unwrap(), old.0, "{step}");
        assert_eq!(std::fs::read(d.join("out/r.pdf")).unwrap(), old.1, "{step}");
        assert_eq!(names(&d.join("out")), ["other.docx", "other.pdf", "r.docx", "r.pdf"], "{step}");
    }
}

#[cfg(unix)]
#[test]
fn concurrent_renders_into_one_folder_never_mix_their_pair() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let reference = std::fs::read_to_string(REFERENCE).unwrap();
    std::fs::write(d.join("r.toml"), &reference).unwrap();
    let other = reference.replace("Смоленская область", "Калужская область");
    std::fs::write(d.join("b.toml"), &other).unwrap();
    // What each data gives alone.
    assert_eq!(run(&["render", "b.toml", "-o", "b"], d).status.code(), Some(0));
    assert_eq!(run(&["render", "r.toml", "-o", "a"], d).status.code(), Some(0));
    // Two runs writing r.docx/r.pdf at once, each held between staging and
    // renaming (under the folder's lock).
    std::fs::create_dir(d.join("out")).unwrap();
    std::fs::write(d.join("r2.toml"), &other).unwrap();
    let spawn = |input: &str| {
        std::process::Command::new(common::BIN)
            .args(["render", input, "-o", "out"])
            .current_dir(d)
            .env("OTCHET_TEST_PAUSE_MS", "700")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };
    // Same output names: render r.toml, and r2.toml copied over r.toml's
    // output names through a folder of its own name.
    std::fs::create_dir(d.join("x")).unwrap();
    std::fs::write(d.join("x/r.toml"), &other).unwrap();
    let a = spawn("r.toml");
    let b = std::process::Command::new(common::BIN)
        .args(["render", "x/r.toml", "-o", "out"])
        .current_dir(d)
        .env("OTCHET_TEST_PAUSE_MS", "700")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    for mut c in [a, b] {
        assert!(c.wait().unwrap().success());
    }
    let pair = (std::fs::read(d.join("out/r.docx")).unwrap(), std::fs::read(d.join("out/r.pdf")).unwrap());
    let alone_a = (std::fs::read(d.join("a/r.docx")).unwrap(), std::fs::read(d.join("a/r.pdf")).unwrap());
    let docx_b = std::fs::read(d.join("b/b.docx")).unwrap();
    // The DOCX and PDF come from one run: both A's, or both B's.
    if pair.0 == alone_a.0 {
        assert_eq!(pair.1, alone_a.1, "A's DOCX with another PDF");
    } else {
        assert_eq!(pair.0, docx_b, "a DOCX of neither run");
        assert_ne!(pair.1, alone_a.1, "B's DOCX with A's PDF");
    }
    assert_eq!(names(&d.join("out")), ["r.docx", "r.pdf"]);
}

/// Our reference DOCX with its document.xml changed by `edit` (its soft
/// hyphens at the hyphenation points taken out first, so that words are
/// found as typed).
fn docx_with(edit: impl FnOnce(String) -> String) -> Vec<u8> {
    let dir = rendered();
    let bytes = std::fs::read(dir.path().join("r.docx")).unwrap();
    common::docx_edit::edit_document(&bytes, |s| edit(common::no_soft_hyphens(s)))
}

#[test]
fn cells_the_loader_refuses_are_told_at_their_row() {
    let docx = docx_with(|s| s.replacen("Обмен опытом", "مرحبا שלום", 1).replacen("Ежемесячно", "\u{200B}\u{FEFF}", 1));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.docx"), docx).unwrap();
    let o = run(&["import", "bad.docx", "-o", "bad.toml"], dir.path());
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{e}");
    assert!(!e.contains("внутренняя ошибка"), "{e}");
    assert!(e.contains("bad.docx: ошибка: строка таблицы 3: текст справа налево"), "{e}");
    // A cell of invisible characters is empty, as Word shows it.
    assert!(e.contains("строка таблицы 6: в графе «Сроки проведения мероприятия» только невидимые символы"), "{e}");
    assert!(e.contains("ничего не записано"), "{e}");
    assert!(!dir.path().join("bad.toml").exists());
}

#[test]
fn render_import_render_is_byte_identical_for_texts_the_loader_accepts() {
    let base = std::fs::read_to_string(REFERENCE).unwrap();
    let title = "title = \"Арт-проект «Точки пересечения»\"";
    assert!(base.contains(title));
    let cases = [
        ("newline", "title = \"\"\"Арт-проект «Точки пересечения»\n\"\"\""),
        ("leading-lines", "title = \"\"\"\n\nАрт-проект «Точки пересечения»\"\"\""),
        ("spaces", "title = \"  Арт-проект «Точки пересечения»  \""),
        ("tab", "title = \"Арт-проект\\t«Точки пересечения»\""),
        ("nbsp", "title = \"Арт-проект\u{A0}«Точки пересечения»\""),
        ("u2028", "title = \"Арт-проект\u{2028}«Точки пересечения»\""),
    ];
    for (name, replacement) in cases {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("a.toml"), base.replacen(title, replacement, 1)).unwrap();
        assert_eq!(run(&["render", "a.toml", "-o", "one", "--format", "docx"], d).status.code(), Some(0), "{name}");
        let o = run(&["import", "one/a.docx", "-o", "two/a.toml"], d);
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
        assert_eq!(run(&["render", "two/a.toml", "-o", "two", "--format", "docx"], d).status.code(), Some(0));
        assert_eq!(
            std::fs::read(d.join("one/a.docx")).unwrap(),
            std::fs::read(d.join("two/a.docx")).unwrap(),
            "{name}: render -> import -> render differs"
        );
        // A trailing newline is no empty paragraph at the bottom of the cell.
        if name == "newline" {
            let xml = common::part(&std::fs::read(d.join("one/a.docx")).unwrap(), "word/document.xml");
            let rows = common::rows(&xml);
            let cell = rows.iter().flat_map(|r| &r.cells).find(|c| c.text.starts_with("Арт-проект")).unwrap();
            assert!(!cell.text.ends_with('\n'), "{:?}", cell.text);
        }
    }
    // A typed no-break space stays one; those typography put in do not.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.toml"), base.replacen(title, cases[4].1, 1)).unwrap();
    run(&["render", "a.toml", "-o", ".", "--format", "docx"], dir.path());
    run(&["import", "a.docx", "-o", "b.toml"], dir.path());
    let back = std::fs::read_to_string(dir.path().join("b.toml")).unwrap();
    assert!(back.contains("Арт-проект\u{A0}«Точки"), "typed no-break space lost");
    assert_eq!(back.matches('\u{A0}').count(), 1, "typography's no-break spaces came back as data");
}

#[test]
fn damaged_documents_are_told_in_russian_not_in_a_librarys_english() {
    let ill = docx_with(|s| s.replacen("</w:tbl>", "</w:tb>", 1));
    // Every entry claims bzip2 (method 12), which no Word writes.
    let mut odd = docx_with(|s| s);
    for i in 0..odd.len().saturating_sub(12) {
        if odd[i..].starts_with(b"PK\x03\x04") {
            odd[i + 8] = 12;
            odd[i + 9] = 0;
        } else if odd[i..].starts_with(b"PK\x01\x02") {
            odd[i + 10] = 12;
            odd[i + 11] = 0;
        }
    }
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes, want) in [("ill.docx", ill, "теги XML не согласованы"), ("odd.docx", odd, "сжата способом")]
    {
        std::fs::write(dir.path().join(name), bytes).unwrap();
        let o = run(&["import", name, "-o", "x.toml"], dir.path());
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{e}");
        assert!(e.contains(want), "{name}: {e}");
        for english in ["ill-formed", "expected", "unsupported", "archive", "error"] {
            assert!(!e.to_lowercase().contains(english), "{name}: {e}");
        }
    }
}

#[test]
fn import_reads_what_word_shows_and_says_what_it_cannot_carry() {
    const M: &str = "http://schemas.openxmlformats.org/officeDocument/2006/math";
    let docx = docx_with(|s| {
        // Hidden text (w:vanish) before the title: Word does not show it.
        let s = s.replacen(
            "Арт-проект",
            "</w:t></w:r><w:r><w:rPr><w:vanish/></w:rPr><w:t>СКРЫТЫЙ ТЕКСТ </w:t></w:r><w:r><w:t xml:space=\"preserve\">Арт-проект",
            1,
        );
        // A place typed as CDATA is text.
        let s = s.replacen("В рабочем порядке", "<![CDATA[В рабочем порядке]]>", 1);
        // An equation in the first row's result cell.
        let at = s.find("Обмен опытом работы, обмен").unwrap();
        let end = at + s[at..].find("</w:r>").unwrap() + "</w:r>".len();
        format!("{}<m:oMath xmlns:m=\"{M}\"><m:r><m:t>E=mc2</m:t></m:r></m:oMath>{}", &s[..end], &s[end..])
    });
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("d.docx"), docx).unwrap();
    let o = run(&["import", "d.docx", "-o", "d.toml"], dir.path());
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{e}");
    let data = std::fs::read_to_string(dir.path().join("d.toml")).unwrap();
    assert!(!data.contains("СКРЫТЫЙ"), "hidden text imported");
    assert!(data.contains("title = \"Арт-проект «Точки пересечения»\""), "{data}");
    assert!(data.contains("place = \"В рабочем порядке\""), "CDATA text lost");
    assert!(!data.contains("E=mc2"));
    assert!(e.contains("строка таблицы 3: рисунки и объекты в строке не перенесены (1)"), "{e}");
}

#[test]
fn a_package_with_two_parts_of_one_name_is_refused() {
    use std::io::Write;
    // Written under two names of one length, then made one name.
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let dir = rendered();
    let good = std::fs::read(dir.path().join("r.docx")).unwrap();
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(good)).unwrap();
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().to_string();
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut f, &mut data).unwrap();
        w.start_file(name.clone(), zip::write::SimpleFileOptions::default()).unwrap();
        w.write_all(&data).unwrap();
        if name == "word/document.xml" {
            w.start_file("word/documenX.xml", zip::write::SimpleFileOptions::default()).unwrap();
            w.write_all(b"<w:document/>").unwrap();
        }
    }
    let mut bytes = w.finish().unwrap().into_inner();
    let (from, to) = (b"word/documenX.xml", b"word/document.xml");
    for i in 0..bytes.len() - from.len() {
        if &bytes[i..i + from.len()] == from {
            bytes[i..i + to.len()].copy_from_slice(to);
        }
    }
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("dup.docx"), bytes).unwrap();
    let o = run(&["import", "dup.docx", "-o", "x.toml"], d.path());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("две части с именем «word/document.xml»"), "{}", stderr(&o));
}

#[test]
fn a_source_edited_inside_the_pdf_is_told_on_extract() {
    let dir = rendered();
    let mut doc = Document::load(dir.path().join("r.pdf")).unwrap();
    let ids: Vec<_> = doc
        .objects
        .iter()
        .filter(|(_, o)| {
            o.as_stream()
                .is_ok_and(|s| s.dict.get(b"Type").ok().and_then(|t| t.as_name().ok()) == Some(b"EmbeddedFile"))
        })
        .map(|(id, _)| *id)
        .collect();
    assert_eq!(ids.len(), 1);
    let stream = doc.get_object_mut(ids[0]).unwrap().as_stream_mut().unwrap();
    let text = String::from_utf8(stream.decompressed_content().unwrap()).unwrap();
    // The same length: only the checksum can tell.
    let edited = text.replacen("year = 2020", "year = 2021", 1);
    assert_ne!(edited, text);
    stream.set_plain_content(edited.into_bytes());
    let _ = stream.compress();
    let mut pdf = Vec::new();
    doc.save_to(&mut pdf).unwrap();
    let (d, o, _) = extract(&pdf, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("изменен внутри PDF"), "{}", stderr(&o));
    assert!(std::fs::read_to_string(d.path().join("r.toml")).unwrap().contains("year = 2021"));
    // The untouched PDF extracts without it.
    let (_, o, _) = extract(&std::fs::read(dir.path().join("r.pdf")).unwrap(), &[]);
    assert_eq!(o.status.code(), Some(0));
    assert!(!stderr(&o).contains("изменен"), "{}", stderr(&o));
}

#[test]
fn an_invisible_character_breaking_a_line_is_named() {
    let dir = tempfile::tempdir().unwrap();
    for (c, want) in [('\u{FEFF}', "U+FEFF"), ('\u{2028}', "U+2028"), ('\u{200B}', "U+200B")] {
        std::fs::write(dir.path().join("x.toml"), format!("[report]\nyear = 2020\n{c}\nquarter = 4\n")).unwrap();
        let o = run(&["check", "x.toml"], dir.path());
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(1));
        assert!(
            e.contains("x.toml:3:1: синтаксическая ошибка TOML: в строке невидимый символ") && e.contains(want),
            "{e}"
        );
        assert!(e.contains("ошибок: 1,"), "one fault, one message: {e}");
    }
}

#[cfg(unix)]
#[test]
fn a_document_name_with_a_line_break_or_a_bidi_control_imports_and_is_shown_in_the_comment() {
    let dir = rendered();
    let d = dir.path();
    let name = "x\n[report]\nyear = 1999\n\u{202E}.docx";
    std::fs::copy(d.join("r.docx"), d.join(name)).unwrap();
    let o = run(&["import", name, "-o", "out.toml"], d);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(d.join("out.toml")).unwrap();
    assert!(text.contains("из: x<U+000A>[report]<U+000A>year = 1999<U+000A><U+202E>.docx."), "{text}");
    assert!(!text.contains('\u{202E}'));
    let l = common::load_str(&text);
    assert_eq!(l.report.period, otchet::model::Period::Quarter { year: 2020, quarter: 4 });
}
