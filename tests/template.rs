//! Template validation as strict as the data's (issue 13, item 7): every
//! problem at once, in Russian, at the template's file:line:col, with
//! bounds that keep the page readable.
mod common;

use common::{run, REFERENCE};

use otchet::diag::Source;
use otchet::template::{Template, OFFICIAL};

/// The template's problems as `line:col: message`.
fn problems(text: &str) -> Vec<String> {
    let source = Source::new("t.toml", text);
    match Template::parse_with(&source, Some(otchet::fonts::glyphs(true))) {
        Ok(_) => Vec::new(),
        Err(f) => f
            .diagnostics
            .iter()
            .map(|d| {
                let (l, c) = d.span.as_ref().map_or((0, 0), |s| source.line_col(s.start));
                format!("{l}:{c}: {}", d.message)
            })
            .collect(),
    }
}

fn line_of(text: &str, needle: &str) -> usize {
    text[..text.find(needle).unwrap()].matches('\n').count() + 1
}

fn no_english(p: &[String]) {
    for m in p {
        // Names the user wrote («…») and TOML section names ([…]) aside.
        let unquoted: String = m.split('«').map(|s| s.split_once('»').map_or(s, |x| x.1)).collect();
        let unquoted: String = unquoted.split('[').map(|s| s.rsplit_once(']').map_or(s, |x| x.1)).collect();
        assert!(!unquoted.chars().any(|c| c.is_ascii_alphabetic()), "English in «{m}»");
    }
}

#[test]
fn the_official_template_is_valid() {
    assert!(problems(OFFICIAL).is_empty(), "{:?}", problems(OFFICIAL));
}

#[test]
fn every_mistake_is_reported_at_its_place() {
    let text = OFFICIAL
        .replacen("width = 4.5", "width = -4.5", 1)
        .replacen("body_size = 12.0", "body_size = 0.1", 1)
        .replacen("padding_left = 1.9", "paddin_left = 1.9", 1);
    let p = problems(&text);
    assert!(p.len() >= 3, "{p:?}");
    let width = line_of(&text, "width = -4.5");
    assert!(p.iter().any(|m| m.starts_with(&format!("{width}:9: поле «width» вне допустимого диапазона"))), "{p:?}");
    let size = line_of(&text, "body_size = 0.1");
    assert!(
        p.iter().any(|m| m.starts_with(&format!("{size}:13: поле «body_size» вне допустимого диапазона: от 6 до 72"))),
        "{p:?}"
    );
    let key = line_of(&text, "paddin_left");
    assert!(p.iter().any(|m| m.starts_with(&format!("{key}:1: неизвестный ключ «paddin_left»"))), "{p:?}");
    no_english(&p);
}

#[test]
fn structure_problems_are_in_russian() {
    // Three columns; no [[column]] at all; an unknown section.
    let three = {
        let mut parts: Vec<&str> = OFFICIAL.split("[[column]]").collect();
        parts.truncate(4);
        parts.join("[[column]]")
    };
    let p = problems(&three);
    assert!(p.iter().any(|m| m.contains("граф должно быть 7, а описано 3")), "{p:?}");
    assert!(!p[0].starts_with("0:0"), "placed: {p:?}");
    let none = OFFICIAL.split("[[column]]").next().unwrap().to_string();
    assert!(problems(&none).iter().any(|m| m.contains("нет граф [[column]]")));
    let extra = format!("{OFFICIAL}\n[colour]\nx = 1\n");
    let p = problems(&extra);
    assert!(p.iter().any(|m| m.contains("неизвестный ключ «colour»")), "{p:?}");
    no_english(&p);
}

#[test]
fn unreadable_sizes_are_refused() {
    for (from, to, what) in [
        ("title_size = 14.0", "title_size = 500.0", "title_size"),
        ("padding_top = 0.0", "padding_top = 499.0", "padding_top"),
        ("border = 0.5", "border = 499.0", "border"),
        ("space_after = 6.0", "space_after = 499.0", "space_after"),
        ("margin_left = 20.0", "margin_left = -1.0", "margin_left"),
    ] {
        let p = problems(&OFFICIAL.replacen(from, to, 1));
        assert!(p.iter().any(|m| m.contains(&format!("«{what}»"))), "{what}: {p:?}");
    }
    // A column next to nothing: refused, and one narrower than 5 mm too.
    let p = problems(&OFFICIAL.replacen("width = 4.5", "width = 1e-30", 1));
    assert!(p.iter().any(|m| m.contains("«width»")), "{p:?}");
    let p = problems(&OFFICIAL.replacen("width = 4.5", "width = 0.5", 1));
    assert!(p.iter().any(|m| m.contains("графа 1 получается шириной")), "{p:?}");
    // Padding wider than half the narrowest column.
    let p = problems(&OFFICIAL.replacen("padding_left = 1.9", "padding_left = 9.0", 1));
    assert!(p.iter().any(|m| m.contains("поля ячеек")), "{p:?}");
    // Margins that leave no room for the table.
    let p = problems(
        &OFFICIAL
            .replacen("margin_left = 20.0", "margin_left = 100.0", 1)
            .replacen("margin_right = 10.0", "margin_right = 100.0", 1)
            .replacen("width = 297.0", "width = 210.0", 1),
    );
    assert!(p.iter().any(|m| m.contains("поля слишком велики")), "{p:?}");
}

#[test]
fn template_texts_are_checked_and_blamed_on_the_template() {
    let text = OFFICIAL.replacen("title = \"№ п/п\"", "title = \"\"", 1).replacen(
        "text = \"Отчет о реализации",
        "text = \"Отчет 漢 о\\u0007 реализации",
        1,
    );
    let p = problems(&text);
    assert!(p.iter().any(|m| m.contains("поле «title» графы пустое")), "{p:?}");
    assert!(p.iter().any(|m| m.contains("U+0007")), "{p:?}");
    assert!(p.iter().any(|m| m.contains("«漢»")), "{p:?}");
    // Through the command line: the template's name, not the data file's.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("t.toml"), &text).unwrap();
    let o = run(&["render", REFERENCE, "--template", "t.toml", "-o", "out"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    let title = line_of(&text, "Отчет 漢");
    assert!(err.contains(&format!("t.toml:{title}:")), "{err}");
    assert!(!err.contains("2020-q4.toml:"), "{err}");
    assert!(!dir.path().join("out").exists());
}
