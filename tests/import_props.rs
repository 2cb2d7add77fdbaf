//! `otchet import` on tables nobody planned: whatever the rows, import
//! never panics, and when it succeeds its data passes the loader; a
//! corrupted package is an error, never a panic.
mod common;

use std::io::Write;

use otchet::import::{import, Given, Imported, Input, Message};
use otchet::template::Template;
use proptest::prelude::*;
use proptest::strategy::ValueTree;

/// The paragraph naming the period, before the table.
const PERIOD: &str = "<w:p><w:r><w:t>за IV квартал 2020 года</w:t></w:r></w:p>";

/// The form's header row (the official template's column titles).
fn header_row() -> String {
    let cells: String = Template::official().column.iter().map(|c| cell_xml(&c.title, 1, 0, false)).collect();
    format!("<w:tr>{cells}</w:tr>")
}

/// Generated rows as table rows (body cells: paragraphs around a line break).
fn body_rows(rows: &[Vec<(String, usize, u8)>]) -> String {
    rows.iter()
        .map(|r| format!("<w:tr>{}</w:tr>", r.iter().map(|(t, s, v)| cell_xml(t, *s, *v, true)).collect::<String>()))
        .collect()
}

/// Imports a DOCX around `body` with the official form and nothing given.
fn import_body(body: &str) -> Result<Imported, Message> {
    let bytes = package(body);
    import(&[Input { name: "x.docx", bytes: &bytes }], &Template::official(), &Given::default())
}

/// The messages of an import's warnings.
fn said(imported: &Imported) -> Vec<&str> {
    imported.warnings.iter().map(|w| w.diagnostic.message.as_str()).collect()
}

/// A DOCX package around a body.
fn package(body: &str) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    let mut put = |name: &str, text: &str| {
        zip.start_file(name, opts).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    };
    put(
        "_rels/.rels",
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>",
    );
    put(
        "word/document.xml",
        &format!("<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}</w:body></w:document>"),
    );
    zip.finish().unwrap().into_inner()
}

fn esc(s: &str) -> String {
    quick_xml::escape::escape(s).into_owned()
}

/// A cell: text (paragraphs), grid span, vertical merge (0 none, 1
/// restart, 2 continue).
/// A cell text standing for an empty paragraph with list numbering.
const NUMBERED: &str = "<numbered>";

/// Body cells carry each paragraph with a letter twice, around a manual
/// line break.
fn cell_xml(text: &str, span: usize, v: u8, body: bool) -> String {
    let mut pr = String::new();
    if span > 1 {
        pr.push_str(&format!("<w:gridSpan w:val=\"{span}\"/>"));
    }
    match v {
        1 => pr.push_str("<w:vMerge w:val=\"restart\"/>"),
        2 => pr.push_str("<w:vMerge/>"),
        _ => {}
    }
    let paras: String = text
        .split('\n')
        .map(|p| {
            if p == NUMBERED {
                "<w:p><w:pPr><w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"1\"/></w:numPr></w:pPr></w:p>".to_string()
            } else if body && p.chars().any(char::is_alphabetic) {
                format!(
                    "<w:p><w:r><w:t xml:space=\"preserve\">{}</w:t><w:br/><w:t>{}</w:t></w:r></w:p>",
                    esc(p),
                    esc(p)
                )
            } else {
                format!("<w:p><w:r><w:t>{}</w:t></w:r></w:p>", esc(p))
            }
        })
        .collect();
    format!("<w:tc><w:tcPr>{pr}</w:tcPr>{paras}</w:tc>")
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => Just(String::new()),
        2 => "[1-9]\\.?".prop_map(|s| s),
        4 => "[а-яА-Я \u{a0}«»\"\\\\.,–-]{1,20}",
        1 => "[а-я]{1,5}\n[а-я ]{0,5}",
        1 => Just("16 октября – 15 ноября".to_string()),
        1 => Just("Соглашение между Администрацией Смоленской области и Правительством Москвы".to_string()),
        1 => Just("№ п/п".to_string()),
        1 => Just(NUMBERED.to_string()),
    ]
}

fn row() -> impl Strategy<Value = Vec<(String, usize, u8)>> {
    let any = proptest::collection::vec((text(), prop_oneof![6 => Just(1usize), 1 => 2..8usize], 0..3u8), 1..9);
    // Mostly event rows: a number, six cells, merges in the agreement column.
    let event = (0..30usize, proptest::collection::vec((text(), 0..3u8), 6)).prop_map(|(n, cells)| {
        // 0: Word's automatic list numbering instead of a typed number.
        let mut row = vec![(if n == 0 { NUMBERED.to_string() } else { format!("{n}.") }, 1, 0)];
        row.extend(cells.into_iter().enumerate().map(|(i, (t, v))| (t, 1, if i == 0 { v } else { v / 2 })));
        row
    });
    let department = text().prop_map(|t| vec![(format!("Департамент {t}"), 7, 0)]);
    prop_oneof![2 => any, 5 => event, 1 => department]
}

#[test]
fn the_generated_tables_hold_events() {
    // The property's generator makes tables with events in them (else the
    // property would test little).
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let mut events = 0;
    for _ in 0..20 {
        let rows = proptest::collection::vec(row(), 0..14).new_tree(&mut runner).unwrap().current();
        events +=
            import_body(&format!("{PERIOD}<w:tbl>{}{}</w:tbl>", header_row(), body_rows(&rows))).unwrap().counts.1;
    }
    assert!(events > 50, "only {events} events in 20 tables");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn any_table_imports_to_valid_data_or_a_message(rows in proptest::collection::vec(row(), 0..14), title in text()) {
        let title = format!("<w:p><w:r><w:t>{}</w:t></w:r></w:p>", esc(&title));
        let body = format!("{title}{PERIOD}<w:tbl>{}{}</w:tbl>{title}", header_row(), body_rows(&rows));
        match import_body(&body) {
            Ok(imported) => {
                // Valid, but for rows that named no agreement: those stay
                // without one (an error until one is chosen), never made up.
                if let Err(f) = otchet::load::load_bytes("x.toml", imported.toml.as_bytes()) {
                    if otchet::import::refusing(&f.diagnostics).next().is_some() {
                        panic!("{}\n{}", otchet::diag::render(&f.diagnostics, &f.source, false), imported.toml);
                    }
                }
            }
            // The header and the period are there: nothing else refuses a file.
            Err(m) => prop_assert!(false, "refused: {}", m.diagnostic.message),
        }
    }

    #[test]
    fn a_corrupted_package_is_an_error_not_a_panic(at in 0usize..100_000, byte in any::<u8>(), cut in 0usize..100_000) {
        let good = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/import/libreoffice.docx")).unwrap();
        let mut bad = good.clone();
        let i = at % bad.len();
        bad[i] = byte;
        bad.truncate(bad.len() - cut % (bad.len() / 4));
        let _ = import(&[Input { name: "x.docx", bytes: &bad }], &Template::official(), &Given::default());
    }
}

/// A row: (text, vMerge) per cell, seven cells.
fn event_row(cells: [(&str, u8); 7]) -> String {
    format!("<w:tr>{}</w:tr>", cells.iter().map(|(t, v)| cell_xml(t, 1, *v, false)).collect::<String>())
}

#[test]
fn a_row_continuing_the_number_cell_goes_on_with_the_event_above() {
    let agreement = "Соглашение между Администрацией Смоленской области и Правительством Москвы";
    let rows = [
        format!("<w:tr>{}</w:tr>", cell_xml("Департамент культуры", 7, 0, false)),
        event_row([
            ("1.", 1),
            (agreement, 1),
            ("Выставка", 0),
            ("октябрь", 0),
            ("", 0),
            ("Художники", 0),
            ("Итоги", 0),
        ]),
        event_row([("", 2), ("", 2), ("", 0), ("", 0), ("г. Москва", 0), ("и зрители", 0), ("", 0)]),
        event_row([("2.", 0), ("", 2), ("Лекция", 0), ("ноябрь", 0), ("", 0), ("Студенты", 0), ("Прочитана", 0)]),
    ];
    let imported = import_body(&format!("{PERIOD}<w:tbl>{}{}</w:tbl>", header_row(), rows.concat())).unwrap();
    let l = common::load_str(&imported.toml);
    let events = &l.report.departments[0].events;
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].place.value, "г. Москва", "the empty cell is filled by the continuation");
    assert_eq!(events[0].participants.value, "Художники\nи зрители");
    assert_eq!(events[0].result.value, "Итоги");
    assert_eq!(events[1].agreement, events[0].agreement);
    assert_eq!(events[1].place.value, otchet::import::EMPTY_CELL);
    // One warning: the second event's empty place, none for the first.
    assert_eq!(said(&imported), ["строка таблицы 5: пустая графа «Место проведения мероприятия» — вписан прочерк «—»"]);
}

#[test]
fn tables_before_the_report_are_said_and_tables_after_it_continue_it() {
    let agreement = "Соглашение между Администрацией Смоленской области и Правительством Москвы";
    let approve = format!(
        "<w:tbl><w:tr>{}{}</w:tr></w:tbl>",
        cell_xml("", 1, 0, false),
        cell_xml("УТВЕРЖДАЮ\nГубернатор", 1, 0, false)
    );
    let report = format!(
        "<w:tbl>{}<w:tr>{}</w:tr>{}</w:tbl>",
        header_row(),
        cell_xml("Департамент культуры", 7, 0, false),
        event_row([
            ("1.", 0),
            (agreement, 0),
            ("Выставка", 0),
            ("октябрь", 0),
            ("Смоленск", 0),
            ("Художники", 0),
            ("Итоги", 0)
        ])
    );
    let more = format!(
        "<w:tbl>{}{}</w:tbl>",
        event_row([
            ("2.", 0),
            (agreement, 0),
            ("Лекция", 0),
            ("ноябрь", 0),
            ("Смоленск", 0),
            ("Студенты", 0),
            ("Прочитана", 0)
        ]),
        event_row([
            ("4.", 0),
            (agreement, 0),
            ("Концерт", 0),
            ("декабрь", 0),
            ("Смоленск", 0),
            ("Зрители", 0),
            ("Дан", 0)
        ])
    );
    let imported = import_body(&format!("{approve}{PERIOD}{report}<w:p/>{more}")).unwrap();
    assert_eq!(
        said(&imported),
        [
            "таблица 1 перед таблицей отчета (без шапки формы) не перенесена: «УТВЕРЖДАЮ Губернатор»",
            "таблица 3 без шапки формы принята как продолжение таблицы отчета",
            "таблица 3, строка 2: нарушена нумерация: после № 2 идет № 4",
        ]
    );
    assert_eq!(imported.counts, (1, 3, 1));
}

#[test]
fn footnotes_and_pictures_in_a_row_are_said() {
    let cell = |inner: &str| format!("<w:tc><w:p>{inner}</w:p></w:tc>");
    let t = |s: &str| format!("<w:r><w:t>{s}</w:t></w:r>");
    let row = [
        cell(&t("1.")),
        cell(&t("Соглашение с Москвой")),
        cell(&format!("{}<w:r><w:footnoteReference w:id=\"2\"/></w:r>", t("Выставка"))),
        cell(&t("октябрь")),
        cell(&t("Смоленск")),
        cell(&format!("{}<w:r><w:drawing><wp:inline xmlns:wp=\"urn:x\"/></w:drawing></w:r>", t("Художники"))),
        cell(&t("Итоги")),
    ]
    .concat();
    let imported = import_body(&format!(
        "{PERIOD}<w:tbl>{}<w:tr>{}</w:tr><w:tr>{row}</w:tr></w:tbl>",
        header_row(),
        cell_xml("Департамент", 7, 0, false)
    ))
    .unwrap();
    assert_eq!(
        said(&imported),
        [
            "строка таблицы 3: сноски в строке не перенесены (1)",
            "строка таблицы 3: рисунки и объекты в строке не перенесены (1)",
        ]
    );
    assert!(imported.toml.contains("title = \"Выставка\"\n"));
}
