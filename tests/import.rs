//! `otchet import`: Word reports made by other programs come in as the
//! table a person reads in them; a report otchet wrote comes back exactly;
//! bad files are refused with nothing written.
mod common;

use std::path::{Path, PathBuf};

use common::{run, stderr, BIN};
use otchet::layout::{Merge, Row};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import").join(name)
}

/// The table a person reads (from `expected.json`): a department's name,
/// or an event's number, seven texts and merge ("single", "start:N",
/// "continue").
#[derive(Debug, PartialEq)]
enum Expected {
    Department(String),
    Event { number: usize, cells: Vec<String>, merge: String },
}

fn expected() -> Vec<Expected> {
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("expected.json")).unwrap()).unwrap();
    json.as_array()
        .unwrap()
        .iter()
        .map(|r| match r.get("department") {
            Some(d) => Expected::Department(d.as_str().unwrap().to_string()),
            None => Expected::Event {
                number: r["number"].as_u64().unwrap() as usize,
                cells: r["cells"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_string()).collect(),
                merge: r["merge"].as_str().unwrap().to_string(),
            },
        })
        .collect()
}

/// Text as a reader sees it: the typography pass's no-break spaces are spaces.
fn seen(s: &str) -> String {
    s.replace('\u{a0}', " ")
}

/// The rows of a logical table in the form of `expected.json`.
fn table_rows(t: &otchet::layout::Table) -> Vec<Expected> {
    t.rows
        .iter()
        .map(|r| match r {
            Row::Department(c) => Expected::Department(seen(&c.text)),
            Row::Event(e) => Expected::Event {
                number: e.number,
                cells: e.cells.iter().map(|c| seen(&c.text)).collect(),
                merge: match e.merge {
                    Merge::Single => "single".into(),
                    Merge::Start { rows } => format!("start:{rows}"),
                    Merge::Continue => "continue".into(),
                },
            },
        })
        .collect()
}

/// A DOCX cell's text as a reader sees it: otchet's soft hyphens (one at
/// every hyphenation point) are no characters of it.
fn read(s: &str) -> String {
    seen(&common::typed(s))
}

/// The rows of a rendered DOCX in the same form (a continued merge cell
/// is empty in the document; it shows the group's text).
fn docx_rows(docx: &[u8]) -> Vec<Expected> {
    let rows = common::rows(&common::part(docx, "word/document.xml"));
    let mut out = Vec::new();
    let mut group: Option<(usize, String)> = None;
    for r in rows.iter().filter(|r| !r.header) {
        if r.cells.len() == 1 {
            assert_eq!(r.cells[0].grid_span.as_deref(), Some("7"));
            out.push(Expected::Department(read(&r.cells[0].text)));
            continue;
        }
        assert_eq!(r.cells.len(), 7);
        let mut cells: Vec<String> = r.cells.iter().map(|c| read(&c.text)).collect();
        let merge = match r.cells[1].vmerge.as_deref() {
            None => "single".to_string(),
            Some("restart") => {
                group = Some((out.len(), cells[1].clone()));
                "start:1".to_string()
            }
            Some(_) => {
                let (start, text) = group.clone().expect("a continued merge follows its start");
                cells[1] = text;
                if let Expected::Event { merge, .. } = &mut out[start] {
                    let n: usize = merge["start:".len()..].parse().unwrap();
                    *merge = format!("start:{}", n + 1);
                }
                "continue".to_string()
            }
        };
        let number = cells[0].trim_end_matches('.').parse().unwrap();
        out.push(Expected::Event { number, cells, merge });
    }
    out
}

/// Imports `inputs` (with `extra` arguments) into `out.toml` in a fresh
/// directory; returns the directory, the run and the data file's text.
fn import(inputs: &[&str], extra: &[&str]) -> (tempfile::TempDir, std::process::Output, Option<String>) {
    let dir = tempfile::tempdir().unwrap();
    let paths: Vec<String> = inputs.iter().map(|i| fixture(i).display().to_string()).collect();
    let mut args: Vec<&str> = vec!["import"];
    args.extend(paths.iter().map(String::as_str));
    args.extend(["-o", "out.toml"]);
    args.extend(extra);
    let o = run(&args, dir.path());
    let text = std::fs::read_to_string(dir.path().join("out.toml")).ok();
    (dir, o, text)
}

#[test]
fn reports_made_by_python_docx_libreoffice_and_as_word_writes_them_import_to_the_table_they_show() {
    let want = expected();
    assert!(want.iter().any(|r| matches!(r, Expected::Event { merge, .. } if merge == "start:3")));
    for name in ["python-docx-merged.docx", "python-docx-repeated.docx", "libreoffice.docx", "word-features.docx"] {
        let (dir, o, text) = import(&[name], &[]);
        assert!(o.status.success(), "{name}: {}", stderr(&o));
        // The data passes `check` …
        let c = run(&["check", "out.toml"], dir.path());
        assert!(c.status.success(), "{name}: {}", stderr(&c));
        assert!(!stderr(&c).contains("предупреждение"), "{name}: {}", stderr(&c));
        // No-break spaces are plain, stray spaces gone, in the data itself.
        let text = text.unwrap();
        assert!(!text.contains('\u{a0}'), "{name}: a no-break space kept");
        assert!(!text.contains("\"  ") && !text.contains(" \"\n"), "{name}: stray spaces kept");
        // … and lays out and renders as the table the document shows.
        let loaded = common::load_str(&text);
        let table = common::table(&loaded);
        assert_eq!(table_rows(&table), want, "{name}");
        assert_eq!(docx_rows(&common::docx(&loaded)), want, "{name}: rendered DOCX");
        assert_eq!(loaded.report.period, otchet::model::Period::Quarter { year: 2020, quarter: 4 });
        assert_eq!(loaded.report.title, None, "{name}: the form's own title");
    }
}

#[test]
fn what_cannot_be_mapped_is_a_warning_naming_the_file_and_row() {
    let (_d, o, _) = import(&["python-docx-merged.docx"], &[]);
    let err = stderr(&o);
    assert!(err.contains("python-docx-merged.docx: предупреждение: текст вне таблицы не перенесен: «Начальник отдела межрегиональных связей И.И. Иванов»"), "{err}");
    assert_eq!(err.matches("предупреждение:").count(), 1, "{err}");
    let (_d, o, _) = import(&["python-docx-repeated.docx"], &[]);
    let err = stderr(&o);
    assert!(err.contains("строка таблицы 8: нарушена нумерация: после № 3 идет № 5"), "{err}");
    assert!(err.contains("строка таблицы 10: название соглашения отличается"), "{err}");
    assert!(err.contains("строка таблицы 11: название соглашения отличается"), "{err}");
    assert_eq!(err.matches("предупреждение:").count(), 3, "{err}");
    for clean in ["libreoffice.docx", "word-features.docx"] {
        let (_d, o, _) = import(&[clean], &[]);
        assert!(!stderr(&o).contains("предупреждение"), "{clean}: {}", stderr(&o));
    }
}

#[test]
fn several_documents_merge_in_order_with_one_registry() {
    // The section has no title: the period comes from the first report; its
    // department goes on with the report's last one.
    let (_d, o, text) = import(&["python-docx-merged.docx", "section.docx"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let l = common::load_str(&text.unwrap());
    assert_eq!(l.report.departments.len(), 2);
    assert_eq!(l.report.event_count(), 9);
    assert_eq!(l.report.agreements.len(), 3, "registries unioned");
    let last = &l.report.departments[1].events;
    assert_eq!(last.len(), 6);
    assert_eq!(last[4].title.value, "Конкурс «Учитель года»");
    assert_eq!(last[4].agreement, last[1].agreement, "the same Tver agreement");
    assert_eq!(last[5].agreement, l.report.departments[0].events[2].agreement, "the same Kaluga agreement");
    // Two whole reports: four departments, numbering continues.
    let (_d, o, text) = import(&["python-docx-merged.docx", "libreoffice.docx"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let l = common::load_str(&text.unwrap());
    assert_eq!(l.report.departments.len(), 4);
    let t = common::table(&l);
    assert_eq!(t.events().map(|e| e.number).collect::<Vec<_>>(), (1..=14).collect::<Vec<_>>());
}

#[test]
fn a_section_without_a_title_needs_the_period_given() {
    let (dir, o, text) = import(&["section.docx"], &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("не найден отчетный период"), "{}", stderr(&o));
    assert!(stderr(&o).contains("--year 2020 --quarter 4"), "{}", stderr(&o));
    assert!(text.is_none());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "nothing written");
    let (_d, o, text) = import(&["section.docx"], &["--year", "2021", "--quarter", "1"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let l = common::load_str(&text.unwrap());
    assert_eq!(l.report.period, otchet::model::Period::Quarter { year: 2021, quarter: 1 });
    // Dates are kept as text outside the period.
    assert!(matches!(l.report.departments[0].events[0].dates, otchet::model::Dates::Text(ref t) if t == "3 декабря"));
}

/// Renders `data` to DOCX with the CLI, imports that, renders the import:
/// the DOCX must be the same bytes.
fn round_trip(data: &str) -> (String, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("report.toml"), data).unwrap();
    let o = run(&["render", "report.toml", "--format", "docx", "-o", "first"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(&["import", "first/report.docx", "-o", "again.toml"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("предупреждение"), "{}", stderr(&o));
    let o = run(&["render", "again.toml", "--format", "docx", "-o", "second"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let first = std::fs::read(dir.path().join("first/report.docx")).unwrap();
    let second = std::fs::read(dir.path().join("second/again.docx")).unwrap();
    assert!(first == second, "the re-rendered DOCX differs");
    (data.to_string(), std::fs::read_to_string(dir.path().join("again.toml")).unwrap())
}

#[test]
fn a_report_otchet_wrote_comes_back_exactly() {
    let (_, again) = round_trip(&std::fs::read_to_string(common::REFERENCE).unwrap());
    let l = common::load_str(&again);
    let r = common::reference();
    assert_eq!(l.report.region, r.report.region);
    assert_eq!(l.report.period, r.report.period);
    // Structured dates come back structured.
    let dates = |l: &otchet::load::Loaded| -> Vec<otchet::model::Dates> {
        l.report.departments.iter().flat_map(|d| d.events.iter().map(|e| e.dates.clone())).collect()
    };
    assert_eq!(dates(&l), dates(&r));
    // Keys are made from the partner regions.
    let keys: Vec<&str> = l.report.agreements.iter().map(|a| a.key.as_str()).collect();
    assert_eq!(keys, ["kaluga-bryansk", "orel", "moskva", "kostroma", "lipetsk", "tver", "kemerovo"]);
    // A long synthetic report, and one with a custom title, paragraphs in
    // department names, soft hyphens and dates of every kind.
    round_trip(&common::synth::report(60));
    round_trip(
        "[report]\nyear = 2021\nquarter = 1\nregion = \"Тверская область\"\ntitle = \"Информация о ходе реализации соглашений Тверской области\"\n\
         [agreements]\na = \"Соглашение с Республикой Беларусь\"\nb = \"Соглашение с «Кузбассом»\"\n\
         [[department]]\nname = \"Министерство культуры\\nТверской области\"\n\
         [[department.event]]\nagreement = \"a\"\ntitle = \"Вы\u{ad}ставка\"\ndates = { from = 2021-01-30, to = 2021-02-02 }\nplace = \"г. Тверь\"\nparticipants = \"15 %\"\nresult = \"Итоги\\n\\nподведены\"\n\
         [[department.event]]\nagreement = \"a\"\ntitle = \"Форум\"\ndates = { from = 2021-03-01, to = 2021-03-03 }\nplace = \"Минск\"\nparticipants = \"Делегации\"\nresult = \"Да\"\n\
         [[department.event]]\nagreement = \"b\"\ntitle = \"Встреча\"\ndates = 2021-02-14\nplace = \"Кемерово\"\nparticipants = \"Все\"\nresult = \"Договор\u{2011}соглашение\"\n",
    );
}

#[test]
fn bad_documents_are_refused_with_nothing_written() {
    let cases: &[(&str, &str)] = &[
        ("old-word.doc", "старого формата Word (.doc)"),
        ("encrypted.docx", "защищен паролем"),
        ("bomb.docx", "больше 256 МБ"),
        ("bomb-lying.docx", "больше 256 МБ"),
        ("escape.docx", "недопустимое имя основной части"),
        ("no-table.docx", "не найдена шапка"),
        ("make.py", "не является документом .docx"),
        ("writer.odt", "это документ OpenDocument (.odt), а не .docx"),
    ];
    for (name, says) in cases {
        let (dir, o, text) = import(&[name], &[]);
        assert_eq!(o.status.code(), Some(1), "{name}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(err.contains(says), "{name}: {err}");
        assert!(err.contains(name) && err.contains("ничего не записано"), "{name}: {err}");
        assert!(text.is_none(), "{name}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "{name}: nothing written");
    }
    assert!(stderr(&import(&["old-word.doc"], &[]).1).contains("сохраните как .docx"));
}

#[test]
fn an_existing_data_file_is_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let docx = dir.path().join("отчет.docx");
    std::fs::copy(fixture("libreoffice.docx"), &docx).unwrap();
    // The default: beside the document, same stem.
    let o = std::process::Command::new(BIN).args(["import", "отчет.docx"]).current_dir(dir.path()).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let first = std::fs::read(dir.path().join("отчет.toml")).unwrap();
    let o = std::process::Command::new(BIN).args(["import", "отчет.docx"]).current_dir(dir.path()).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("уже существует"), "{}", stderr(&o));
    assert_eq!(std::fs::read(dir.path().join("отчет.toml")).unwrap(), first);
    // -o a directory: the same name inside it (created when missing).
    let o = run(&["import", "отчет.docx", "-o", "данные/"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read(dir.path().join("данные/отчет.toml")).unwrap(), first);
}

/// Everything a report says, without the registry keys.
fn content(l: &otchet::load::Loaded) -> Vec<String> {
    let r = &l.report;
    let mut out = vec![format!("{:?} {:?} {:?}", r.period, r.region, r.title.as_ref().map(|t| &t.value))];
    for d in &r.departments {
        out.push(d.name.value.clone());
        for e in &d.events {
            let agreement = r.agreement(&e.agreement).map(|a| a.title.value.clone()).unwrap_or_default();
            out.push(format!(
                "{agreement} | {} | {:?} | {} | {} | {}",
                e.title.value, e.dates, e.place.value, e.participants.value, e.result.value
            ));
        }
    }
    out
}

#[test]
fn our_report_saved_again_by_libreoffice_imports_to_the_same_data() {
    let (_d, o, text) = import(&["reference-libreoffice.docx"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("предупреждение"), "{}", stderr(&o));
    let l = common::load_str(&text.unwrap());
    assert_eq!(content(&l), content(&common::reference()));
}

#[test]
fn the_real_report_as_typed_imports_to_its_table_and_the_reference_data() {
    let (_d, o, text) = import(&["reference-typed.docx"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    // The typist's agreement titles differ in case and once in a Latin "C":
    // one agreement each, said row by row.
    let err = stderr(&o);
    for row in [12, 14, 18, 19] {
        assert!(err.contains(&format!("строка таблицы {row}: название соглашения отличается")), "{row}: {err}");
    }
    assert_eq!(err.matches("предупреждение:").count(), 4, "{err}");
    let l = common::load_str(&text.unwrap());
    let got = table_rows(&common::table(&l));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("reference-typed.expected.json")).unwrap()).unwrap();
    let want = json.as_array().unwrap();
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(want) {
        match g {
            Expected::Department(name) => assert_eq!(Some(name.as_str()), w["department"].as_str()),
            Expected::Event { number, cells, merge } => {
                assert_eq!(*number as u64, w["number"].as_u64().unwrap());
                assert_eq!(merge, w["merge"].as_str().unwrap(), "№ {number}");
                for (k, (c, e)) in cells.iter().zip(w["cells"].as_array().unwrap()).enumerate() {
                    let e = e.as_str().unwrap();
                    if k == 1 {
                        // The agreement as first written in the document.
                        let norm = otchet::text::normalize_title;
                        assert_eq!(norm(c), norm(e), "№ {number}");
                    } else {
                        assert_eq!(c, e, "№ {number}, column {}", k + 1);
                    }
                }
            }
        }
    }
    // The reference data was made from this document: the same departments,
    // the same agreements shared by the same events, the same merges.
    let r = common::reference();
    let names = |l: &otchet::load::Loaded| -> Vec<String> {
        l.report.departments.iter().map(|d| d.name.value.clone()).collect()
    };
    assert_eq!(names(&l), names(&r));
    let partition = |l: &otchet::load::Loaded| -> Vec<usize> {
        let keys: Vec<&str> =
            l.report.departments.iter().flat_map(|d| d.events.iter().map(|e| e.agreement.as_str())).collect();
        keys.iter().map(|k| keys.iter().position(|x| x == k).unwrap()).collect()
    };
    assert_eq!(partition(&l), partition(&r));
    assert_eq!(l.report.agreements.len(), r.report.agreements.len());
    assert_eq!(
        table_rows(&common::table(&r)).iter().map(merge_of).collect::<Vec<_>>(),
        got.iter().map(merge_of).collect::<Vec<_>>()
    );
}

fn merge_of(r: &Expected) -> Option<String> {
    match r {
        Expected::Event { merge, .. } => Some(merge.clone()),
        Expected::Department(_) => None,
    }
}

#[test]
fn a_report_of_another_form_is_read_with_its_template() {
    let official = otchet::template::OFFICIAL;
    let custom = official
        .replace("title = \"Наименование мероприятия\"", "title = \"Мероприятие\"")
        .replace("title = \"Сроки проведения мероприятия\"", "title = \"Дата\"")
        .replace("title = \"Место проведения мероприятия\"", "title = \"Место\"")
        .replace(
            "text = \"Отчет о реализации соглашений в сфере межрегионального сотрудничества\"",
            "text = \"Информация о межрегиональном сотрудничестве\"",
        );
    assert_ne!(custom, official);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("form.toml"), custom).unwrap();
    std::fs::copy(common::REFERENCE, dir.path().join("report.toml")).unwrap();
    let o = run(&["render", "report.toml", "--format", "docx", "--template", "form.toml", "-o", "first"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    // Three column titles differ from the official form: not its table.
    let o = run(&["import", "first/report.docx", "-o", "a.toml"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("нет таблицы отчета"), "{}", stderr(&o));
    // With the form's template it is, and comes back exactly.
    let o = run(&["import", "first/report.docx", "-o", "b.toml", "--template", "form.toml"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let b = std::fs::read_to_string(dir.path().join("b.toml")).unwrap();
    assert!(!b.contains("title = \"Информация"), "the form's own title is not a custom title");
    let o = run(&["render", "b.toml", "--format", "docx", "--template", "form.toml", "-o", "second"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        std::fs::read(dir.path().join("first/report.docx")).unwrap()
            == std::fs::read(dir.path().join("second/b.docx")).unwrap()
    );
}

#[test]
fn an_existing_registry_gives_its_keys_titles_and_region() {
    // Our own report with last quarter's registry: the data file itself
    // comes back, keys included.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("report.docx"), common::docx(&common::reference())).unwrap();
    let o = run(&["import", "report.docx", "-o", "a.toml", "--registry", common::REFERENCE], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let l = common::load_str(&std::fs::read_to_string(dir.path().join("a.toml")).unwrap());
    let r = common::reference();
    assert_eq!(content(&l), content(&r));
    let keys = |l: &otchet::load::Loaded| -> Vec<String> {
        l.report.departments.iter().flat_map(|d| d.events.iter().map(|e| e.agreement.clone())).collect()
    };
    assert_eq!(keys(&l), keys(&r));
    // The typed report: the registry's keys and its titles (the typist's
    // "Трехстороннее Соглашение", "Cоглашение" with a Latin C give way),
    // the region from the registry's file.
    let (_d, o, text) = import(&["reference-typed.docx"], &["--registry", common::REFERENCE]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("записано так, как в реестре (ключ kaluga-bryansk)"), "{}", stderr(&o));
    let t = common::load_str(&text.unwrap());
    assert_eq!(keys(&t), keys(&r));
    assert_eq!(t.report.region, r.report.region);
    for a in &t.report.agreements {
        assert_eq!(Some(&a.title.value), r.report.agreement(&a.key).map(|x| &x.title.value), "{}", a.key);
    }
    // A new agreement gets a key the registry does not have: here the
    // registry calls the Orel agreement "kaluga-bryansk".
    let orel = r.report.agreement("orel").unwrap().title.value.clone();
    std::fs::write(
        dir.path().join("kaluga.toml"),
        format!("[report]\nyear = 2020\nquarter = 3\n[agreements]\nkaluga-bryansk = \"{orel}\"\n[[department]]\nname = \"Департамент\"\n"),
    )
    .unwrap();
    let o = run(&["import", "report.docx", "-o", "b.toml", "--registry", "kaluga.toml"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let b = common::load_str(&std::fs::read_to_string(dir.path().join("b.toml")).unwrap());
    let kb = b.report.agreements.iter().find(|a| a.title.value.starts_with("Трехстороннее")).unwrap();
    assert_eq!(kb.key, "kaluga-bryansk-2", "the registry's kaluga-bryansk names another agreement");
    assert_eq!(b.report.agreement("kaluga-bryansk").unwrap().title.value, orel);
}

#[test]
fn an_annual_report_is_told_from_a_quarter() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(&["annual", common::REFERENCE, "--allow-partial", "-o", ".", "--format", "docx"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(&["import", "2020-annual.docx", "-o", "a.toml"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("это годовой отчет за 2020 год"), "{}", stderr(&o));
    assert!(!dir.path().join("a.toml").exists());
    // Filed under a quarter on request: all its events.
    let o = run(&["import", "2020-annual.docx", "-o", "a.toml", "--year", "2020", "--quarter", "4"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let l = common::load_str(&std::fs::read_to_string(dir.path().join("a.toml")).unwrap());
    assert_eq!(l.report.event_count(), common::reference().report.event_count());
}

/// A hyphen between digits («2020-2024») is a non-breaking hyphen in the
/// DOCX (LibreOffice and the PDF never break there; Word-like engines would),
/// and comes back as the plain hyphen typed; a typed non-breaking hyphen
/// between digits stays the character it was.
#[test]
fn digit_ranges_are_unbreakable_in_word_and_come_back_as_typed() {
    let data = "[report]\nyear = 2021\nquarter = 1\n[agreements]\na = \"Соглашение с Республикой Беларусь\"\n\
                [[department]]\nname = \"Министерство культуры\"\n\
                [[department.event]]\nagreement = \"a\"\ntitle = \"Программа на 2020-2024 годы\"\ndates = 2021-02-14\n\
                place = \"Минск\"\nparticipants = \"Делегации 2021\u{2011}2022 и 7-8 классы\"\nresult = \"Северо-западный форум\"\n";
    let l = common::load_str(data);
    let xml = common::no_soft_hyphens(&common::part(&common::docx(&l), "word/document.xml"))
        .replace(" xml:space=\"preserve\"", "");
    assert!(xml.contains("2020</w:t><w:noBreakHyphen/><w:t>2024"), "{xml}");
    assert!(xml.contains("7</w:t><w:noBreakHyphen/>"), "{xml}");
    assert!(xml.contains("2021\u{2011}2022"), "a typed non-breaking hyphen is kept as the character");
    assert!(xml.contains("Северо-западный"), "a hyphen between words is not touched");
    let (_, again) = round_trip(data);
    assert!(again.contains("\"Программа на 2020-2024 годы\""), "{again}");
    assert!(again.contains("\"Делегации 2021\u{2011}2022 и 7-8 классы\""), "{again}");
}

/// Our soft-hyphenated DOCX saved again by LibreOffice (which writes every
/// soft hyphen as Word's element and keeps the document's properties)
/// imports to the reference data: no soft hyphen of ours is left in it.
/// The fixture: `otchet render data/2020-q4.toml --format docx`, then
/// `soffice --convert-to "docx:MS Word 2007 XML"` (LibreOffice 7.4).
#[test]
fn our_soft_hyphenated_report_saved_again_by_libreoffice_imports_to_the_same_data() {
    let xml = common::part(&std::fs::read(fixture("reference-soft-libreoffice.docx")).unwrap(), "word/document.xml");
    assert!(xml.matches("<w:softHyphen/>").count() > 1000, "the fixture carries the soft hyphens");
    let (_d, o, text) = import(&["reference-soft-libreoffice.docx"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("предупреждение"), "{}", stderr(&o));
    let text = text.unwrap();
    assert!(!text.contains('\u{AD}'), "a soft hyphen of otchet's came back as data");
    assert_eq!(content(&common::load_str(&text)), content(&common::reference()));
}
