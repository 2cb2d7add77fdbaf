//! `otchet diff`: the changes DOCX, resolved here independently of the
//! writer (accept every change / reject every change over the revision
//! markup), gives exactly the table of `render NEW` / `render OLD`.
mod common;

use quick_xml::events::Event;
use quick_xml::Reader;

/// A cell: text, gridSpan, vMerge.
type XCell = (String, Option<String>, Option<String>);

/// What a reader of the changes DOCX sees after accepting or rejecting all.
#[derive(Debug, PartialEq)]
struct Resolved {
    /// Paragraphs before the table (the title).
    title: Vec<String>,
    rows: Vec<Vec<XCell>>,
}

fn attr(e: &quick_xml::events::BytesStart<'_>, key: &[u8]) -> Option<String> {
    e.attributes().flatten().find(|a| a.key.as_ref() == key).map(|a| String::from_utf8(a.value.to_vec()).unwrap())
}

/// Resolves the document: `accept` all changes, or reject them all.
fn resolve(document_xml: &str, accept: bool) -> Resolved {
    let mut r = Reader::from_str(document_xml);
    let mut out = Resolved { title: Vec::new(), rows: Vec::new() };
    let (mut in_tbl, mut in_trpr, mut in_ppr, mut in_tcpr_change) = (false, false, false, false);
    let (mut in_ins, mut in_del, mut in_text, mut in_del_text) = (false, false, false, false);
    let (mut row_ins, mut row_del) = (false, false);
    let mut row: Vec<XCell> = Vec::new();
    let mut old_vmerge: Option<Option<String>> = None;
    let mut text = String::new();
    let mut first_para = true;
    // The previous paragraph's mark is gone: join with the next one.
    let mut join_next = false;
    let mut mark_ins = false;
    let mut mark_del = false;
    let keep = |ins: bool, del: bool| if accept { !del } else { !ins };
    loop {
        let ev = r.read_event().unwrap();
        match ev {
            Event::Eof => break,
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(ev, Event::Empty(_));
                match e.name().as_ref() {
                    b"w:tbl" => in_tbl = true,
                    b"w:tr" => {
                        row.clear();
                        row_ins = false;
                        row_del = false;
                    }
                    b"w:trPr" if !empty => in_trpr = true,
                    b"w:pPr" if !empty => in_ppr = true,
                    b"w:tcPrChange" => {
                        // The old properties: no vMerge unless it names one.
                        in_tcpr_change = true;
                        old_vmerge = Some(None);
                    }
                    b"w:ins" if in_trpr => row_ins = true,
                    b"w:del" if in_trpr => row_del = true,
                    b"w:ins" if in_ppr => mark_ins = true,
                    b"w:del" if in_ppr => mark_del = true,
                    b"w:ins" if !empty => in_ins = true,
                    b"w:del" if !empty => in_del = true,
                    b"w:tc" => {
                        row.push((String::new(), None, None));
                        old_vmerge = None;
                        first_para = true;
                        join_next = false;
                    }
                    b"w:gridSpan" => row.last_mut().unwrap().1 = attr(e, b"w:val"),
                    b"w:vMerge" => {
                        let v = Some(attr(e, b"w:val").unwrap_or_else(|| "continue".into()));
                        if in_tcpr_change {
                            old_vmerge = Some(v);
                        } else {
                            row.last_mut().unwrap().2 = v;
                        }
                    }
                    b"w:p" => {
                        if in_tbl {
                            if !first_para && !join_next {
                                row.last_mut().unwrap().0.push('\n');
                            }
                        } else if !join_next || out.title.is_empty() {
                            out.title.push(String::new());
                        }
                        first_para = false;
                        mark_ins = false;
                        mark_del = false;
                        join_next = false;
                    }
                    b"w:t" if !empty => in_text = true,
                    b"w:delText" if !empty => in_del_text = true,
                    b"w:softHyphen" | b"w:noBreakHyphen" if keep(in_ins, in_del) => {
                        let c = if e.name().as_ref() == b"w:softHyphen" { '\u{AD}' } else { '\u{2011}' };
                        if in_tbl {
                            row.last_mut().unwrap().0.push(c);
                        } else {
                            out.title.last_mut().unwrap().push(c);
                        }
                    }
                    _ => {}
                }
            }
            Event::End(ref e) => match e.name().as_ref() {
                b"w:trPr" => in_trpr = false,
                b"w:pPr" => in_ppr = false,
                b"w:tcPrChange" => in_tcpr_change = false,
                b"w:ins" => in_ins = false,
                b"w:del" => in_del = false,
                b"w:t" => in_text = false,
                b"w:delText" => in_del_text = false,
                b"w:p" => join_next = if accept { mark_del } else { mark_ins },
                b"w:tc" if !accept => {
                    if let Some(v) = old_vmerge.take() {
                        row.last_mut().unwrap().2 = v;
                    }
                }
                b"w:tr" => {
                    let gone = if accept { row_del } else { row_ins };
                    if !gone {
                        out.rows.push(std::mem::take(&mut row));
                    }
                }
                b"w:tbl" => in_tbl = false,
                _ => {}
            },
            Event::Text(t) if (in_text || in_del_text) && keep(in_ins, in_del) => {
                text.clear();
                text.push_str(&t.decode().unwrap());
                if in_tbl {
                    row.last_mut().unwrap().0.push_str(&text);
                } else {
                    out.title.last_mut().unwrap().push_str(&text);
                }
            }
            Event::GeneralRef(g) if (in_text || in_del_text) && keep(in_ins, in_del) => {
                let ch = match g.decode().unwrap().as_ref() {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    _ => "'",
                };
                if in_tbl {
                    row.last_mut().unwrap().0.push_str(ch);
                } else {
                    out.title.last_mut().unwrap().push_str(ch);
                }
            }
            _ => {}
        }
    }
    out
}

/// The plain report as the same structure (no revisions: accept = as is),
/// with automatic hyphenation as the corrections have it (no soft hyphens
/// in the text).
fn plain(toml: &str) -> Resolved {
    let l = common::load_str(toml);
    let t = otchet::template::Template::official().auto_hyphenated();
    let docx = otchet::render::docx::render(&common::table(&l), &t).unwrap();
    resolve(&common::part(&docx, "word/document.xml"), true)
}

/// Old and new versions: words edited, an event deleted and one added, a
/// date changed, an event moved to another agreement (one merge group
/// shrinks, another forms), a department deleted and one added.
fn versions() -> (String, String) {
    let old = std::fs::read_to_string(common::REFERENCE).unwrap();
    let mut new = old.replacen("title = \"Обмен опытом в области", "title = \"Регулярный обмен опытом в области", 1);
    // Delete event 2.
    let a = new.find("[[department.event]] # 2").unwrap();
    let b = new.find("[[department.event]] # 3").unwrap();
    new.replace_range(a..b, "");
    new = new.replacen("dates = 2020-10-20", "dates = 2020-10-22", 1);
    // Paragraphs: two joined in event 13, one split in event 12.
    new = new.replacen(
        "оказано всестороннее содействие региональным участникам мероприятия.\nПо итогам",
        "оказано всестороннее содействие региональным участникам мероприятия. По итогам",
        1,
    );
    new =
        new.replacen("состоялись обсуждения дальнейших перспектив", "состоялись обсуждения\\nдальнейших перспектив", 1);
    // Event 7 from moscow to lipetsk: it joins event 8's agreement.
    let e7 = new.find("[[department.event]] # 7").unwrap();
    let at = e7 + new[e7..].find("agreement = \"moscow\"").unwrap();
    new.replace_range(at..at + "agreement = \"moscow\"".len(), "agreement = \"lipetsk\"");
    // Delete the department of event 16.
    let d = new.find("[[department]]\nname = \"Департамент экономического развития").unwrap();
    let e = d + 1 + new[d + 1..].find("[[department]]").unwrap();
    new.replace_range(d..e, "");
    // A new event at the end of the culture department, and a new department.
    let culture_end = new.find("[[department]]\nname = \"Департамент Смоленской области по сельскому").unwrap();
    new.insert_str(
        culture_end,
        "[[department.event]]\nagreement = \"tver\"\ntitle = \"Фестиваль народного творчества\"\n\
         dates = 2020-12-19\nplace = \"г. Смоленск\"\nparticipants = \"Коллективы двух областей\"\n\
         result = \"Проведен фестиваль\"\n\n",
    );
    new.push_str(
        "\n[[department]]\nname = \"Департамент Смоленской области по туризму\"\n\n[[department.event]]\n\
         agreement = \"orel\"\ntitle = \"Обмен туристическими маршрутами\"\ndates = \"декабрь\"\n\
         place = \"В рабочем порядке\"\nparticipants = \"Представители департаментов\"\nresult = \"Согласован план\"\n",
    );
    (old, new)
}

fn changes(old: &str, new: &str) -> (Vec<u8>, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("old.toml"), old).unwrap();
    std::fs::write(dir.path().join("new.toml"), new).unwrap();
    let o = common::run(&["diff", "old.toml", "new.toml", "-o", "changes.docx"], dir.path());
    assert!(o.status.success(), "{}", common::stderr(&o));
    (std::fs::read(dir.path().join("changes.docx")).unwrap(), String::from_utf8(o.stdout).unwrap())
}

#[test]
fn accepting_gives_the_new_report_and_rejecting_the_old() {
    let (old, new) = versions();
    let (docx, summary) = changes(&old, &new);
    let xml = common::part(&docx, "word/document.xml");
    for tag in ["<w:ins ", "<w:del ", "<w:delText", "<w:tcPrChange ", "<w:rPr><w:ins ", "<w:rPr><w:del "] {
        assert!(xml.contains(tag), "{tag} missing");
    }
    // Rows inserted and deleted as rows.
    assert!(xml.contains("<w:trPr><w:cantSplit/><w:ins "), "no inserted row");
    assert!(xml.contains("<w:trPr><w:cantSplit/><w:del "), "no deleted row");
    let (want_new, want_old) = (plain(&new), plain(&old));
    // The merge groups really differ between the versions.
    assert_ne!(
        want_new.rows.iter().map(|r| r.iter().map(|c| c.2.clone()).collect::<Vec<_>>()).collect::<Vec<_>>(),
        want_old.rows.iter().map(|r| r.iter().map(|c| c.2.clone()).collect::<Vec<_>>()).collect::<Vec<_>>()
    );
    assert_eq!(resolve(&xml, true), want_new, "accept all");
    assert_eq!(resolve(&xml, false), want_old, "reject all");

    for line in [
        "№ 1: изменено «Наименование мероприятия»",
        "удалено мероприятие № 2 «Обмен опытом работы, в том числе методическими,",
        "изменено «Сроки проведения мероприятия»",
        "изменено «Соглашение о сотрудничестве, в рамках которого была проведена работа»",
        "удален раздел «Департамент экономического развития Смоленской области»",
        "добавлен раздел «Департамент Смоленской области по туризму»",
        "«Фестиваль народного творчества»",
    ] {
        assert!(summary.contains(line), "{line:?} not in\n{summary}");
    }
}

#[test]
fn identical_versions_have_no_changes() {
    let old = std::fs::read_to_string(common::REFERENCE).unwrap();
    let (docx, summary) = changes(&old, &old);
    assert_eq!(summary, "изменений нет\n");
    let xml = common::part(&docx, "word/document.xml");
    assert!(!xml.contains("<w:ins ") && !xml.contains("<w:del ") && !xml.contains("tcPrChange"));
    assert_eq!(resolve(&xml, true), plain(&old));
}

#[test]
fn an_edited_event_is_one_change_and_bytes_are_reproducible() {
    let (old, new) = versions();
    let (a, summary) = changes(&old, &new);
    let (b, _) = changes(&old, &new);
    assert!(a == b, "two runs differ");
    // The edited first event is not a deletion plus an insertion.
    assert!(!summary.contains("удалено мероприятие № 1 "), "{summary}");
    let xml = common::part(&a, "word/document.xml");
    assert!(xml.contains("w:author=\"otchet\""));
    assert!(xml.contains("w:date=\"2020-12-31T00:00:00Z\"") || std::env::var_os("SOURCE_DATE_EPOCH").is_some());
}

#[test]
fn bad_inputs_are_all_reported_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.toml"), "year = 2020\n").unwrap();
    std::fs::write(dir.path().join("b.toml"), "[report]\nyear = 20x\n").unwrap();
    let o = common::run(&["diff", "a.toml", "b.toml", "-o", "c.docx"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    let err = common::stderr(&o);
    assert!(err.contains("a.toml:") && err.contains("b.toml:"), "{err}");
    assert!(!dir.path().join("c.docx").exists());
    // Never over an existing file.
    std::fs::copy(common::REFERENCE, dir.path().join("q.toml")).unwrap();
    std::fs::write(dir.path().join("c.docx"), b"keep").unwrap();
    let o = common::run(&["diff", "q.toml", "q.toml", "-o", "c.docx", "--author", "Иванова"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(std::fs::read(dir.path().join("c.docx")).unwrap(), b"keep");
}
