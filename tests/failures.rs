//! Every failure class end to end: exit status 1, a Russian message with
//! the place, no output written, existing outputs left byte for byte.
mod common;

use common::{BIN, REFERENCE};
use std::process::Command;

/// Runs `render r.toml` over `bytes` with previous outputs present.
fn fails(bytes: &[u8], want: &str) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("r.toml"), bytes).unwrap();
    std::fs::write(d.join("r.docx"), b"last quarter, signed").unwrap();
    std::fs::write(d.join("r.pdf"), b"last quarter, archived").unwrap();
    let o = Command::new(BIN).args(["render", "r.toml"]).current_dir(d).env("NO_COLOR", "1").output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains(want), "want «{want}» in:\n{err}");
    assert!(err.contains("ничего не записано"), "{err}");
    assert!(!err.contains("panicked") && !err.contains("Error:"), "{err}");
    assert_eq!(std::fs::read(d.join("r.docx")).unwrap(), b"last quarter, signed");
    assert_eq!(std::fs::read(d.join("r.pdf")).unwrap(), b"last quarter, archived");
    let mut names: Vec<_> = std::fs::read_dir(d).unwrap().map(|e| e.unwrap().file_name()).collect();
    names.sort();
    assert_eq!(names, ["r.docx", "r.pdf", "r.toml"], "no temporary or new files");
}

fn reference() -> String {
    std::fs::read_to_string(REFERENCE).unwrap()
}

/// `file:line:col` of the first occurrence of `needle` in the reference.
fn at(text: &str, needle: &str) -> String {
    let off = text.find(needle).unwrap();
    let line = text[..off].matches('\n').count() + 1;
    let col = text[..off].rsplit('\n').next().unwrap().chars().count() + 1;
    format!("r.toml:{line}:{col}:")
}

#[test]
fn toml_syntax_error() {
    let t = reference().replacen("[report]", "[report", 1);
    // The parser stops at the line end where `]` is missing.
    fails(t.as_bytes(), &format!("{} синтаксическая ошибка TOML", at(&t, "\nyear")));
}

#[test]
fn empty_file() {
    fails(b"", "r.toml: файл пуст");
    fails(b"  \n\n", "r.toml: файл пуст");
}

#[test]
fn encodings() {
    let utf16: Vec<u8> =
        [0xFF, 0xFE].into_iter().chain(reference().encode_utf16().flat_map(u16::to_le_bytes)).collect();
    fails(&utf16, "файл в кодировке UTF-16, а нужна UTF-8");
    let mut cp1251 = reference().into_bytes();
    let pos = cp1251.windows(4).position(|w| w == b"year").unwrap();
    cp1251.splice(pos..pos, [0xC3, 0xEE, 0xE4]);
    fails(&cp1251, "файл не в кодировке UTF-8");
}

#[test]
fn wrong_types_and_ranges() {
    let t = reference().replacen("quarter = 4", "quarter = \"IV\"", 1);
    fails(t.as_bytes(), &format!("{} поле «quarter» должно быть целым числом", at(&t, "\"IV\"")));
    let t = reference().replacen("year = 2020", "year = 1899", 1);
    fails(t.as_bytes(), &format!("{} поле «year» вне допустимого диапазона", at(&t, "1899")));
}

#[test]
fn missing_fields_and_unknown_keys() {
    let t = reference().replacen("place = \"В рабочем порядке\"\n", "", 1);
    fails(t.as_bytes(), "нет обязательного поля «place» в мероприятии");
    let t = reference().replacen("participants =", "participant =", 1);
    fails(t.as_bytes(), &format!("{} неизвестный ключ «participant»", at(&t, "participant =")));
}

#[test]
fn unknown_agreement() {
    let t = reference().replacen("agreement = \"moscow\"", "agreement = \"moskow\"", 1);
    fails(t.as_bytes(), &format!("{} неизвестное соглашение «moskow»", at(&t, "\"moskow\"")));
}

#[test]
fn empty_text_and_control_characters() {
    let t = reference().replacen("result = \"Обмен опытом работы\"", "result = \" \"", 1);
    fails(t.as_bytes(), &format!("{} поле «result» мероприятия пустое", at(&t, "\" \"")));
    let t = reference().replacen("Обмен опытом работы\"", "Обмен опытом\\u0007 работы\"", 1);
    fails(t.as_bytes(), "недопустимый управляющий символ U+0007");
}

#[test]
fn character_without_glyph() {
    let t = reference().replacen("Онлайн-площадка", "Онлайн-площадка 漢", 1);
    fails(t.as_bytes(), &format!("{} символ «漢» (U+6F22) нельзя вывести в PDF", at(&t, "漢")));
}

#[test]
fn unreadable_input() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("r.toml")).unwrap();
    let o = Command::new(BIN).args(["render", "r.toml"]).current_dir(dir.path()).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("r.toml: это каталог, а не файл данных"));
}
