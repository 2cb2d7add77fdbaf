//! Each validation rule: a small bad file, the exact message, the line:col.
mod common;

use otchet::diag::{self, Severity};
use otchet::load;

const OK: &str = r#"[report]
year = 2020
quarter = 4
[agreements]
moscow = "Соглашение с Москвой"
[[department]]
name = "Департамент"
[[department.event]]
agreement = "moscow"
title = "Выставка"
dates = 2020-10-20
place = "г. Смоленск"
participants = "Художники"
result = "Проведена"
"#;

/// Rendered diagnostics of a source (errors and warnings).
fn diagnostics(src: &str) -> (bool, String) {
    match load::load_bytes("q.toml", src.as_bytes()) {
        Ok(l) => (true, diag::render(&l.warnings, &l.source, false)),
        Err(f) => (false, diag::render(&f.diagnostics, &f.source, false)),
    }
}

fn error(src: &str, want: &str) {
    let (ok, out) = diagnostics(src);
    assert!(!ok, "expected an error, got:\n{out}");
    assert!(out.contains(want), "want «{want}» in:\n{out}");
}

fn warning(src: &str, want: &str) {
    let (ok, out) = diagnostics(src);
    assert!(ok, "expected success with a warning, got:\n{out}");
    assert!(out.contains(want), "want «{want}» in:\n{out}");
}

#[test]
fn valid_file_has_no_diagnostics() {
    let (ok, out) = diagnostics(OK);
    assert!(ok && out.is_empty(), "{out}");
}

#[test]
fn unknown_agreement_names_key_line_and_known_keys() {
    error(
        &OK.replace("agreement = \"moscow\"", "agreement = \"moskow\""),
        "q.toml:9:13: неизвестное соглашение «moskow»; есть: moscow",
    );
    error(&OK.replace("agreement = \"moscow\"", "agreement = \"moskow\""), "возможно, имелось в виду «moscow»?");
}

#[test]
fn year_and_quarter_ranges() {
    error(&OK.replace("year = 2020", "year = 1999"), "q.toml:2:8: поле «year» вне допустимого диапазона 2000..=2100");
    error(&OK.replace("quarter = 4", "quarter = 5"), "q.toml:3:11: поле «quarter» вне допустимого диапазона 1..=4");
    error(
        &OK.replace("quarter = 4", "quarter = \"IV\""),
        "q.toml:3:11: поле «quarter» должно быть целым числом, а здесь строка",
    );
}

#[test]
fn unknown_keys_with_suggestion() {
    error(
        &OK.replace("title = \"Выставка\"", "titel = \"Выставка\""),
        "q.toml:10:1: неизвестный ключ «titel» в мероприятии",
    );
    error(&OK.replace("title = \"Выставка\"", "titel = \"Выставка\""), "возможно, имелось в виду «title»?");
    error(
        &OK.replace("year = 2020", "year = 2020\nyaer = 2020"),
        "q.toml:3:1: неизвестный ключ «yaer» в разделе [report]",
    );
    error(&format!("{OK}[extra]\n"), "неизвестный ключ «extra» на верхнем уровне файла");
}

#[test]
fn missing_fields() {
    error(&OK.replace("place = \"г. Смоленск\"\n", ""), "q.toml:8:1: нет обязательного поля «place» в мероприятии");
    error(&OK.replace("year = 2020\n", ""), "q.toml:1:1: нет обязательного поля «year» в разделе [report]");
}

#[test]
fn wrong_types() {
    error(
        &OK.replace("place = \"г. Смоленск\"", "place = 5"),
        "q.toml:12:9: поле «place» мероприятия должно быть текстом, а здесь целое число",
    );
    error(
        &OK.replace("dates = 2020-10-20", "dates = 5"),
        "q.toml:11:9: поле «dates» должно быть текстом, датой или периодом",
    );
    error(
        &OK.replace("dates = 2020-10-20", "dates = 2020-10-20T10:00:00"),
        "q.toml:11:9: в поле «dates» укажите только дату, без времени",
    );
}

#[test]
fn empty_and_blank_texts() {
    error(&OK.replace("result = \"Проведена\"", "result = \"\""), "q.toml:14:10: поле «result» мероприятия пустое");
    error(&OK.replace("result = \"Проведена\"", "result = \"   \""), "q.toml:14:10: поле «result» мероприятия пустое");
}

#[test]
fn control_characters() {
    error(
        &OK.replace("result = \"Проведена\"", "result = \"Про\\u0007ведена\""),
        "q.toml:14:10: недопустимый управляющий символ U+0007 в поле «result» мероприятия",
    );
}

#[test]
fn range_from_after_to() {
    error(
        &OK.replace("dates = 2020-10-20", "dates = { from = 2020-11-02, to = 2020-11-01 }"),
        "q.toml:11:9: начало периода (2020-11-02) позже его конца (2020-11-01)",
    );
    error(
        &OK.replace("dates = 2020-10-20", "dates = { from = 2020-11-02 }"),
        "нет обязательного поля «to» в периоде dates",
    );
    error(
        &OK.replace("dates = 2020-10-20", "dates = { from = 2020-11-02, till = 2020-11-03 }"),
        "неизвестный ключ «till»",
    );
}

#[test]
fn syntax_errors_and_encodings() {
    error("[report\nyear = 2020\n", "q.toml:1:8: синтаксическая ошибка TOML");
    error("", "q.toml: файл пуст");
    let (ok, _) = diagnostics(&format!("\u{feff}{OK}"));
    assert!(ok, "a UTF-8 BOM is accepted");
    let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain(OK.encode_utf16().flat_map(u16::to_le_bytes)).collect();
    let f = load::load_bytes("q.toml", &utf16).unwrap_err();
    assert!(f.diagnostics[0].message.contains("UTF-16"), "{:?}", f.diagnostics);
    assert!(f.diagnostics[0].help.as_deref().unwrap().contains("UTF-8"));
    let cp1251 = OK.replace("Выставка", "\u{0}").into_bytes();
    let mut bad = cp1251.clone();
    let at = bad.iter().position(|&b| b == 0).unwrap();
    bad[at] = 0xC2; // "В" in Windows-1251, invalid UTF-8 here
    bad.insert(at + 1, b'x');
    let f = load::load_bytes("q.toml", &bad).unwrap_err();
    let out = diag::render(&f.diagnostics, &f.source, false);
    assert!(out.contains("q.toml:10:10: файл не в кодировке UTF-8"), "{out}");
}

#[test]
fn all_errors_of_a_file_are_reported() {
    let src = OK
        .replace("year = 2020", "year = 1999")
        .replace("agreement = \"moscow\"", "agreement = \"moskow\"")
        .replace("result = \"Проведена\"", "result = \"\"");
    let f = load::load_bytes("q.toml", src.as_bytes()).unwrap_err();
    let errors = f.diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
    assert_eq!(errors, 3, "{:?}", f.diagnostics);
}

#[test]
fn warnings() {
    warning(
        &OK.replace("dates = 2020-10-20", "dates = 2020-06-20"),
        "q.toml:11:9: предупреждение: даты мероприятия вне отчетного периода (за IV квартал 2020 года)",
    );
    warning(
        &OK.replace(
            "moscow = \"Соглашение с Москвой\"",
            "moscow = \"Соглашение с Москвой\"\ntver = \"Соглашение с Тверью\"",
        ),
        "q.toml:6:1: предупреждение: соглашение «tver» нигде не использовано",
    );
    warning(&OK.replace("title = \"Выставка\"", "title = \"Cоглашение\""), "q.toml:10:10: предупреждение: в слове «Cоглашение» поля «title» мероприятия смешаны латиница и кириллица (латинские: C)");
    warning(
        &OK.replace(
            "moscow = \"Соглашение с Москвой\"",
            "moscow = \"Соглашение с Москвой\"\nmsk = \"соглашение с  москвой.\"",
        ),
        "соглашения «moscow» и «msk» названы почти одинаково",
    );
    // The very same title under two keys is an error, not a warning.
    let (ok, out) = diagnostics(&OK.replace(
        "moscow = \"Соглашение с Москвой\"",
        "moscow = \"Соглашение с Москвой\"\nmsk = \"Соглашение с Москвой\"",
    ));
    assert!(!ok && out.contains("соглашения «moscow» и «msk» названы одинаково"), "{out}");
    warning(
        &OK.replace("[[department.event]]", "[[department]]\nname = \"Пустой\"\n[[department.event]]"),
        "у департамента «Департамент» нет мероприятий",
    );
}

#[test]
fn windows_line_endings_are_accepted() {
    let (ok, out) = diagnostics(&OK.replace('\n', "\r\n"));
    assert!(ok, "{out}");
    let l = common::load_str(
        &OK.replace("result = \"Проведена\"", "result = \"\"\"Первый\nВторой\"\"\"").replace('\n', "\r\n"),
    );
    assert_eq!(l.report.departments[0].events[0].result.value, "Первый\nВторой");
}

#[test]
fn years_are_bounded_and_a_mistyped_date_is_not_taken_as_text() {
    // A six-digit year (the browser's date field allows one): not printed
    // as text.
    error(
        &OK.replace("dates = 2020-10-20", "dates = \"202020-10-20\""),
        "q.toml:11:9: «202020-10-20» похоже на дату, но это не дата календаря",
    );
    error(&OK.replace("dates = 2020-10-20", "dates = 1920-10-20"), "q.toml:11:9: год 1920 вне допустимого диапазона");
    error(
        &OK.replace("dates = 2020-10-20", "dates = { from = 2020-10-20, to = 9999-12-31 }"),
        "год 9999 вне допустимого диапазона",
    );
    // Text with hyphens that is not a date stays text.
    let o =
        otchet::load::load_bytes("q.toml", OK.replace("dates = 2020-10-20", "dates = \"2020-2024 гг.\"").as_bytes());
    assert!(o.is_ok());
}

#[test]
fn a_period_running_into_the_next_quarter_is_warned_about() {
    let t = OK.replace("dates = 2020-10-20", "dates = { from = 2020-12-28, to = 2021-01-12 }");
    let l = otchet::load::load_bytes("q.toml", t.as_bytes()).expect("a warning, not an error");
    let w: Vec<&str> = l.warnings.iter().map(|d| d.message.as_str()).collect();
    assert!(
        w.iter()
            .any(|m| m.contains("заканчивается после конца отчетного периода (за IV квартал 2020 года): 12.01.2021")),
        "{w:?}"
    );
}
