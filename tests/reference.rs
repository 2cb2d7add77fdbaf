//! The bundled reference report (Smolensk region, Q4 2020) as data.
mod common;

use otchet::layout::{Merge, Row};

#[test]
fn reference_loads_without_errors_or_warnings() {
    let l = common::reference();
    assert!(l.warnings.is_empty(), "{:?}", l.warnings);
    assert_eq!(l.report.departments.len(), 5);
    assert_eq!(l.report.event_count(), 17);
    assert_eq!(l.report.agreements.len(), 7);
}

#[test]
fn reference_table_rows_numbering_and_merge_groups() {
    let t = common::table(&common::reference());
    let departments = t.rows.iter().filter(|r| matches!(r, Row::Department(_))).count();
    assert_eq!(departments, 5);
    let numbers: Vec<usize> = t.events().map(|e| e.number).collect();
    assert_eq!(numbers, (1..=17).collect::<Vec<_>>());
    let texts: Vec<&str> = t.events().map(|e| e.cells[0].text.as_str()).collect();
    let want: Vec<String> = (1..=17).map(|n| format!("{n}.")).collect();
    assert_eq!(texts, want);
    // Merge groups {5,6,7} and {12,13}; every other row single.
    let merges: Vec<(usize, Merge)> = t.events().map(|e| (e.number, e.merge)).collect();
    for (n, m) in merges {
        let want = match n {
            5 => Merge::Start { rows: 3 },
            12 => Merge::Start { rows: 2 },
            6 | 7 | 13 => Merge::Continue,
            _ => Merge::Single,
        };
        assert_eq!(m, want, "row {n}");
    }
    assert_eq!(otchet::typo::plain(&t.title[1]), "за IV квартал 2020 года");
    assert_eq!(t.header.len(), 7);
}

#[test]
fn reference_dates_render_in_russian() {
    let t = common::table(&common::reference());
    let dates: Vec<String> = t.events().map(|e| otchet::typo::plain(&e.cells[3].text)).collect();
    assert_eq!(dates[4], "16 октября – 15 ноября");
    assert_eq!(dates[5], "20 октября");
    assert_eq!(dates[9], "26–28 ноября");
    assert_eq!(dates[12], "19 ноября – 2 декабря");
    assert_eq!(dates[0], "В течение всего периода");
}

#[test]
fn reference_title_is_not_hanging_prepositions() {
    let t = common::table(&common::reference());
    // "о реализации", "в сфере" bound with no-break spaces in the title.
    assert!(t.title[0].contains("о\u{a0}реализации"));
    assert!(t.title[0].contains("в\u{a0}сфере"));
}
