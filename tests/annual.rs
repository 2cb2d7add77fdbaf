//! The annual report from four quarter files.
mod common;

use common::run;

use std::path::Path;

use otchet::layout::{Merge, Row};

fn quarter(q: u8, agreements: &str, departments: &[(&str, &[&str])]) -> String {
    let mut s =
        format!("[report]\nyear = 2020\nquarter = {q}\nregion = \"Смоленская область\"\n[agreements]\n{agreements}\n");
    for (name, events) in departments {
        s.push_str(&format!("[[department]]\nname = \"{name}\"\n"));
        for (i, key) in events.iter().enumerate() {
            s.push_str(&format!(
                "[[department.event]]\nagreement = \"{key}\"\ntitle = \"Мероприятие {q}-{i}\"\ndates = \"квартал {q}\"\nplace = \"г. Смоленск\"\nparticipants = \"Участники\"\nresult = \"Итог\"\n"
            ));
        }
    }
    s
}

const REG: &str = "moscow = \"Соглашение с Москвой\"\ntver = \"Соглашение с Тверью\"";

fn write_year(dir: &Path) {
    std::fs::write(dir.join("q1.toml"), quarter(1, REG, &[("Культура", &["moscow", "tver"])])).unwrap();
    std::fs::write(dir.join("q2.toml"), quarter(2, REG, &[("Экономика", &["tver"]), ("Культура", &["tver"])])).unwrap();
    std::fs::write(dir.join("q3.toml"), quarter(3, REG, &[("Культура", &["moscow", "moscow"])])).unwrap();
    std::fs::write(dir.join("q4.toml"), quarter(4, REG, &[("Экономика", &["moscow"])])).unwrap();
}

fn merged(dir: &Path, files: &[&str]) -> otchet::layout::Table {
    let loaded: Vec<_> =
        files.iter().map(|f| otchet::load::load_bytes(f, &std::fs::read(dir.join(f)).unwrap()).unwrap()).collect();
    let (report, _) = otchet::annual::merge(&loaded, false).unwrap();
    otchet::layout::build(&report, &otchet::template::Template::official())
}

#[test]
fn annual_title_order_numbering_and_merges() {
    let dir = tempfile::tempdir().unwrap();
    write_year(dir.path());
    // Files in any order give the same table.
    let t = merged(dir.path(), &["q3.toml", "q1.toml", "q4.toml", "q2.toml"]);
    assert_eq!(otchet::typo::plain(&t.title[1]), "за 2020 год");
    let deps: Vec<String> = t
        .rows
        .iter()
        .filter_map(|r| match r {
            Row::Department(c) => Some(c.text.clone()),
            Row::Event(_) => None,
        })
        .collect();
    assert_eq!(deps, ["Культура", "Экономика"], "order of first appearance");
    let titles: Vec<String> = t.events().map(|e| otchet::typo::plain(&e.cells[2].text)).collect();
    assert_eq!(
        titles,
        [
            "Мероприятие 1-0",
            "Мероприятие 1-1",
            "Мероприятие 2-0",
            "Мероприятие 3-0",
            "Мероприятие 3-1",
            "Мероприятие 2-0",
            "Мероприятие 4-0"
        ]
    );
    let numbers: Vec<usize> = t.events().map(|e| e.number).collect();
    assert_eq!(numbers, [1, 2, 3, 4, 5, 6, 7]);
    let merges: Vec<Merge> = t.events().map(|e| e.merge).collect();
    // Культура: moscow | tver (Q1), tver (Q2) | moscow, moscow (Q3).
    assert_eq!(
        merges,
        [
            Merge::Single,
            Merge::Start { rows: 2 },
            Merge::Continue,
            Merge::Start { rows: 2 },
            Merge::Continue,
            Merge::Single,
            Merge::Single
        ]
    );
}

#[test]
fn annual_command_writes_both_documents() {
    let dir = tempfile::tempdir().unwrap();
    write_year(dir.path());
    let o = run(&["annual", "q1.toml", "q2.toml", "q3.toml", "q4.toml", "-o", "out"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let pdf = std::fs::read(dir.path().join("out/2020-annual.pdf")).unwrap();
    assert!(common::squash(&common::pdf_pages(&pdf)[0]).contains("за2020год"));
    assert!(dir.path().join("out/2020-annual.docx").exists());
}

#[test]
fn missing_quarter_needs_allow_partial() {
    let dir = tempfile::tempdir().unwrap();
    write_year(dir.path());
    let o = run(&["annual", "q1.toml", "q2.toml", "q4.toml"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("нет данных за III квартал") && err.contains("--allow-partial"), "{err}");
    let o = run(&["annual", "q1.toml", "q2.toml", "q4.toml", "--allow-partial", "--format", "pdf"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn conflicting_registries_name_both_files() {
    let dir = tempfile::tempdir().unwrap();
    write_year(dir.path());
    let other = "moscow = \"Другое соглашение\"\ntver = \"Соглашение с Тверью\"";
    std::fs::write(dir.path().join("q2.toml"), quarter(2, other, &[("Культура", &["tver"])])).unwrap();
    let o = run(&["annual", "q1.toml", "q2.toml", "q3.toml", "q4.toml"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("q2.toml:6:1: соглашение «moscow» здесь названо иначе, чем в «q1.toml» (строка 6)"), "{err}");
    assert!(!dir.path().join("2020-annual.pdf").exists());
}

#[test]
fn same_title_under_two_keys_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    write_year(dir.path());
    let renamed = "msk = \"Соглашение с Москвой\"\ntver = \"Соглашение с Тверью\"";
    std::fs::write(dir.path().join("q4.toml"), quarter(4, renamed, &[("Экономика", &["msk"])])).unwrap();
    let o = run(&["annual", "q1.toml", "q2.toml", "q3.toml", "q4.toml", "--format", "docx"], dir.path());
    assert_eq!(o.status.code(), Some(0));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("предупреждение: соглашение «msk» совпадает по названию с «moscow» из «q1.toml»"), "{err}");
}

#[test]
fn different_years_and_repeated_quarters_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    write_year(dir.path());
    std::fs::write(
        dir.path().join("q4.toml"),
        quarter(4, REG, &[("Экономика", &["moscow"])]).replace("year = 2020", "year = 2021"),
    )
    .unwrap();
    let o = run(&["annual", "q1.toml", "q2.toml", "q3.toml", "q4.toml"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("год 2021 не совпадает с годом 2020 в «q1.toml»"));
    let o = run(&["annual", "q1.toml", "q1.toml", "q2.toml", "q3.toml"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("квартал 1 уже есть в «q1.toml»"));
}
