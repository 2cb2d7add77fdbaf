//! `otchet forms` and the import of filled forms.

mod common;

use std::path::{Path, PathBuf};

use common::{run, stderr};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/forms").join(name)
}

/// The forms written into `dir/forms`, sorted by name.
fn forms_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir.join("forms")).unwrap().map(|e| e.unwrap().path()).collect();
    v.sort();
    v
}

fn args<'a>(first: &[&'a str], paths: &'a [String], last: &[&'a str]) -> Vec<&'a str> {
    first.iter().copied().chain(paths.iter().map(String::as_str)).chain(last.iter().copied()).collect()
}

#[test]
fn forms_of_the_reference_import_back_to_the_same_report() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(common::REFERENCE, dir.path().join("2020-q4.toml")).unwrap();
    let o = run(&["forms", "2020-q4.toml", "-o", "forms"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let forms = forms_in(dir.path());
    let names: Vec<String> = forms.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(names.len(), 5);
    assert_eq!(names[1], "02 Департамент Смоленской области по культуре.docx");
    assert!(names.iter().enumerate().all(|(i, n)| n.starts_with(&format!("{:02} ", i + 1))), "{names:?}");
    // Imported in any order: the data file's department order comes back.
    let mut shuffled: Vec<String> = forms.iter().map(|p| p.display().to_string()).collect();
    shuffled.reverse();
    let o = run(&args(&["import"], &shuffled, &["--registry", "2020-q4.toml", "-o", "again.toml"]), dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("предупреждение"), "a form otchet made imports without a guess:\n{}", stderr(&o));
    for (data, out) in [("2020-q4.toml", "a"), ("again.toml", "b")] {
        let o = run(&["render", data, "--format", "docx", "-o", out], dir.path());
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let a = std::fs::read(dir.path().join("a/2020-q4.docx")).unwrap();
    let b = std::fs::read(dir.path().join("b/again.docx")).unwrap();
    assert!(a == b, "the report from the forms differs from the reference's");
}

#[test]
fn a_form_has_a_list_of_the_registry_in_every_event_row_and_the_spare_rows_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(common::REFERENCE, dir.path().join("q.toml")).unwrap();
    let o = run(&["forms", "q.toml", "--rows", "3", "--department", "по культуре"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    // Beside the data file, in a folder named after it; one department.
    let made: Vec<_> = std::fs::read_dir(dir.path().join("q формы")).unwrap().collect();
    assert_eq!(made.len(), 1);
    let bytes = std::fs::read(made[0].as_ref().unwrap().path()).unwrap();
    let doc = common::part(&bytes, "word/document.xml");
    // 7 events of the culture department + 3 spare rows, each with a list
    // of the 7 agreements whose values are the keys.
    assert_eq!(doc.matches("<w:dropDownList").count(), 10, "one list per event row");
    assert_eq!(doc.matches("<w:listItem ").count(), 70);
    assert!(doc.contains("w:value=\"kostroma\""));
    assert_eq!(doc.matches("<w:showingPlcHdr/>").count(), 3, "the spare rows show the placeholder");
    let custom = common::part(&bytes, "docProps/custom.xml");
    assert!(custom.contains("name=\"otchet-period\"><vt:lpwstr>2020-4<"), "{custom}");
    // No number is printed in the form.
    let rows = common::rows(&doc);
    assert_eq!(rows[1].cells[0].text.replace('\u{a0}', " "), "Департамент Смоленской области по культуре");
    assert_eq!(rows.len(), 2 + 7 + 3, "header, department, events, spare rows");
    assert!(rows.iter().skip(2).all(|r| r.cells[0].text.is_empty()), "the № cells are empty");
    // A name that is not in the data: a Russian error naming those there are.
    let o = run(&["forms", "q.toml", "--department", "по туризму", "-o", "other"], dir.path());
    assert!(!o.status.success());
    assert!(stderr(&o).contains("в данных нет департамента «по туризму»"), "{}", stderr(&o));
    assert!(stderr(&o).contains("«Департамент Смоленской области по культуре»"));
    assert!(!dir.path().join("other").exists(), "nothing written");
}

#[test]
fn forms_never_overwrite_a_returned_form() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(common::REFERENCE, dir.path().join("q.toml")).unwrap();
    let o = run(&["forms", "q.toml", "-o", "forms"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    // A department returned its filled form under the same name.
    let forms = forms_in(dir.path());
    std::fs::write(&forms[2], b"filled in by the department").unwrap();
    std::fs::remove_file(&forms[4]).unwrap();
    let o = run(&["forms", "q.toml", "-o", "forms"], dir.path());
    assert!(!o.status.success());
    assert!(stderr(&o).contains("формы уже есть"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&forms[2]).unwrap(), b"filled in by the department");
    assert!(!forms[4].exists(), "all or nothing: not even the missing form is written");
}

/// An expected event of `expected.json`.
struct Expected {
    agreement: String,
    how: String,
    title: String,
    dates: String,
    place: String,
    participants: String,
    result: String,
}

fn expected_events() -> Vec<(String, Vec<Expected>)> {
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("expected.json")).unwrap()).unwrap();
    v.as_object()
        .unwrap()
        .iter()
        .map(|(file, events)| {
            let s = |e: &serde_json::Value, k: &str| e[k].as_str().unwrap().to_string();
            let events = events
                .as_array()
                .unwrap()
                .iter()
                .map(|e| Expected {
                    agreement: s(e, "agreement"),
                    how: s(e, "how"),
                    title: s(e, "title"),
                    dates: s(e, "dates"),
                    place: s(e, "place"),
                    participants: s(e, "participants"),
                    result: s(e, "result"),
                })
                .collect();
            (file.clone(), events)
        })
        .collect()
}

#[test]
fn forms_filled_with_python_docx_and_libreoffice_import_to_the_events_entered() {
    let expected = expected_events();
    assert_eq!(expected.len(), 2);
    let dir = tempfile::tempdir().unwrap();
    for (file, events) in &expected {
        let events: &Vec<Expected> = events;
        let path = fixture(file).display().to_string();
        let o = run(&["import", &path, "--registry", common::REFERENCE, "-o", "out.toml"], dir.path());
        assert!(o.status.success(), "{file}: {}", stderr(&o));
        let text = std::fs::read_to_string(dir.path().join("out.toml")).unwrap();
        std::fs::remove_file(dir.path().join("out.toml")).unwrap();
        let l = common::load_str(&text);
        let got: Vec<&otchet::model::Event> = l.report.departments.iter().flat_map(|d| &d.events).collect();
        assert_eq!(got.len(), events.len(), "{file}: spare rows are skipped\n{text}");
        assert_eq!(l.report.departments.len(), 1, "{file}");
        for (g, e) in got.iter().zip(events) {
            assert_eq!(g.agreement, e.agreement, "{file}: {}", e.title);
            assert_eq!(g.title.value, e.title);
            assert_eq!(otchet::dates::format(&g.dates, 2020), e.dates);
            assert_eq!(
                (g.place.value.as_str(), g.participants.value.as_str()),
                (e.place.as_str(), e.participants.as_str())
            );
            assert_eq!(g.result.value, e.result);
        }
        // A list choice is exact: a warning only for the row typed beside it.
        let err = stderr(&o);
        let typed = events.iter().filter(|e| e.how == "typed").count();
        assert_eq!(err.matches("не выбрано из списка формы").count(), typed, "{file}: {err}");
        assert_eq!(err.matches("предупреждение").count(), typed * 2, "{file}: {err}");
        assert!(!err.contains("пустая графа"), "spare rows give no warnings: {err}");
    }
}

#[test]
fn bad_forms_are_told_by_file_and_row() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // The third quarter's data: its forms are of another period.
    let q3 = std::fs::read_to_string(common::REFERENCE).unwrap().replace("quarter = 4", "quarter = 3");
    std::fs::write(
        d.join("q3.toml"),
        q3.replace("2020-10-", "2020-07-").replace("2020-11-", "2020-08-").replace("2020-12-", "2020-09-"),
    )
    .unwrap();
    std::fs::copy(common::REFERENCE, d.join("q4.toml")).unwrap();
    let o = run(&["forms", "q3.toml", "-o", "f3", "--department", "по культуре"], d);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(&["forms", "q4.toml", "-o", "f4", "--rows", "2"], d);
    assert!(o.status.success(), "{}", stderr(&o));
    let q3form = std::fs::read_dir(d.join("f3")).unwrap().next().unwrap().unwrap().path().display().to_string();
    let q4: Vec<String> = {
        let mut v: Vec<String> =
            std::fs::read_dir(d.join("f4")).unwrap().map(|e| e.unwrap().path().display().to_string()).collect();
        v.sort();
        v
    };
    // Another quarter: told, naming the file.
    let o = run(&["import", &q4[0], &q3form, "--registry", "q4.toml", "-o", "x.toml"], d);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains(
            "форма сделана для отчета за III квартал 2020 года, а файл реестра — отчет за IV квартал 2020 года"
        ),
        "{err}"
    );
    assert!(err.contains(&format!("{q3form}: предупреждение")), "{err}");
    // The same department twice: refused, nothing written.
    let o = run(&["import", &q4[1], &q3form, "--registry", "q4.toml", "-o", "y.toml"], d);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("форма департамента «Департамент Смоленской области по культуре» уже указана"),
        "{}",
        stderr(&o)
    );
    assert!(!d.join("y.toml").exists());
    // A spare row filled without choosing an agreement: told at its row.
    let filled = common::docx_edit::edit_document(&std::fs::read(&q4[3]).unwrap(), |xml| {
        // The first spare row's place cell: put text into its empty paragraph.
        let spare = xml.find("<w:showingPlcHdr/>").unwrap();
        let after = &xml[spare..];
        let cell = after.find("</w:sdt></w:tc><w:tc>").unwrap() + spare + "</w:sdt></w:tc>".len();
        let p = xml[cell..].find("</w:pPr></w:p>").unwrap() + cell + "</w:pPr>".len();
        format!("{}<w:r><w:t>Встреча без соглашения</w:t></w:r>{}", &xml[..p], &xml[p..])
    });
    std::fs::write(d.join("filled.docx"), filled).unwrap();
    let o = run(&["import", "filled.docx", "--registry", "q4.toml", "-o", "z.toml"], d);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("filled.docx: предупреждение: строка таблицы 4: строка заполнена, но соглашение не выбрано"),
        "{err}"
    );
    // No made-up agreement: the event stays without one, an error at its
    // field that blocks the documents until one is chosen.
    let text = std::fs::read_to_string(d.join("z.toml")).unwrap();
    assert!(text.contains("Встреча без соглашения") && text.contains("agreement = \"\""), "{text}");
    assert!(!text.contains("не указано"), "a made-up agreement: {text}");
    assert!(err.contains("Мероприятий без соглашения: 1"), "{err}");
    let o = run(&["render", "z.toml", "-o", "z"], d);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("z.toml:27:13: соглашение не выбрано"), "{}", stderr(&o));
    assert!(!d.join("z").exists() || std::fs::read_dir(d.join("z")).unwrap().next().is_none());
}
