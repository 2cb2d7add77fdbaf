//! Characters that are not plain letters (issue 13, items 4–6): invisible
//! format characters, combining marks, right-to-left scripts — in the data
//! check and in both documents.
mod common;

use otchet::typo::plain;

/// A one-event report whose title is `title`.
fn report(title: &str) -> String {
    format!(
        "[report]\nyear = 2020\nquarter = 4\n[agreements]\nk = \"Соглашение\"\n[[department]]\nname = \"Департамент\"\n[[department.event]]\nagreement = \"k\"\ntitle = \"{title}\"\ndates = \"октябрь\"\nplace = \"г. Смоленск\"\nparticipants = \"Представители\"\nresult = \"Итог\"\n"
    )
}

fn pdf_text(src: &str) -> String {
    common::pdf_pages(&common::pdf(&common::load_str(src))).join("\n")
}

fn docx_title(src: &str) -> String {
    let rows = common::rows(&common::part(&common::docx(&common::load_str(src)), "word/document.xml"));
    rows[2].cells[2].text.clone()
}

#[test]
fn soft_hyphens_and_joiners_are_not_drawn() {
    let src = report("Выстав\u{AD}ка и сов\u{200D}мест\u{200C}ная ра\u{200B}бота");
    let text = pdf_text(&src);
    assert!(text.contains("Выставка"), "{text}");
    assert!(text.contains("совместная"), "{text}");
    assert!(text.contains("работа"), "{text}");
    // The DOCX keeps every character; the typed soft hyphen as Word's
    // element, beside otchet's own at the same hyphenation point.
    let doc = common::part(&common::docx(&common::load_str(&src)), "word/document.xml");
    assert!(doc.contains("став</w:t><w:softHyphen/><w:softHyphen/><w:t>ка"), "soft hyphen markup");
    assert_eq!(plain(&common::typed(&docx_title(&src))), "Выстав\u{AD}ка и сов\u{200D}мест\u{200C}ная ра\u{200B}бота");
}

#[test]
fn a_soft_hyphen_is_a_break_point_shown_only_at_a_line_end() {
    use otchet::render::pdf::engine::Breaker;
    let b = Breaker { metrics: otchet::fonts::regular(), size: 12.0, hyphenate: false, soft: false };
    let m = otchet::fonts::regular();
    // Room for "Международная выстав-" but not the whole word.
    let w = (m.width("Международная выстав-") + 0.5) * 12.0;
    let lines = b.lines("Международная выстав\u{AD}ка", w);
    let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(texts, ["Международная выстав-", "ка"]);
    for l in &lines {
        assert!(l.width <= w + 0.01, "{l:?}");
    }
    // On one line it takes no room at all.
    let one = b.lines("выстав\u{AD}ка", 500.0);
    assert_eq!(one.len(), 1);
    assert!((one[0].width - m.width("выставка") * 12.0).abs() < 0.01);
}

#[test]
fn a_field_of_invisible_characters_is_empty() {
    let l = otchet::load::load_bytes("r.toml", report("\u{200B}\u{AD}\u{200C} ").as_bytes());
    let f = l.unwrap_err();
    let d = &f.diagnostics[0];
    assert!(d.message.contains("поле «title» мероприятия пустое"), "{}", d.message);
    assert_eq!(d.label.as_deref(), Some("только невидимые символы"));
}

#[test]
fn combining_marks_are_composed_or_placed_over_their_letter() {
    // "й" typed as "и" + combining breve prints as the one letter.
    let text = pdf_text(&report("Музей и\u{306}"));
    assert!(text.contains("Музей й"), "{text}");
    assert!(!text.contains('\u{306}'), "{text}");
    // A stress mark that does not compose is moved back over its letter.
    let pdf = common::pdf(&common::load_str(&report("мы\u{301}ло")));
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    let page = *doc.get_pages().values().next().unwrap();
    let content = String::from_utf8_lossy(&doc.get_page_content(page)).into_owned();
    assert!(content.contains("]TJ"), "no positioned mark");
    // (lopdf reads the move back after the mark as a space.)
    let text = common::squash(&pdf_text(&report("мы\u{301}ло")));
    assert!(text.contains("мы\u{301}ло"), "{text:?}");
}

#[test]
fn right_to_left_text_is_refused_with_its_place() {
    let src = report("Делегация שלום");
    let f = otchet::load::load_bytes("r.toml", src.as_bytes()).unwrap_err();
    let d = &f.diagnostics[0];
    assert!(d.message.contains("справа налево"), "{}", d.message);
    let at = src.find('ש').unwrap();
    assert_eq!(d.span.as_ref().map(|s| s.start), Some(at));
    let line = src[..at].matches('\n').count() + 1;
    let col = src[..at].rsplit('\n').next().unwrap().chars().count() + 1;
    assert_eq!(f.source.location(at), format!("r.toml:{line}:{col}"));
}
