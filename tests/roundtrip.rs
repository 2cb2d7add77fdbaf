//! Property test: arbitrary valid reports render to both formats without
//! panicking, and every word of every input text is found again in the
//! DOCX text and in the PDF text.
mod common;

use otchet::toml_write::string as toml_str;
use proptest::prelude::*;

/// Words of letters and digits from a Russian/Latin/punctuation alphabet.
fn word() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[а-яА-ЯёЁa-zA-Z0-9«»№.,;:()\"'&<>–—-]{1,10}").unwrap()
}

/// A text of words separated by spaces, no-break spaces or newlines. Kept
/// short enough that no row is taller than a page: a row split over pages
/// interleaves its cells' fragments in the PDF text, which is checked by the
/// layout engine's own test (`row_taller_than_a_page_is_split_without_loss`).
fn text() -> impl Strategy<Value = String> {
    proptest::collection::vec((word(), prop_oneof![Just(" "), Just(" "), Just("\u{a0}"), Just("\n")]), 1..12).prop_map(
        |parts| {
            let mut s = String::new();
            for (w, sep) in parts {
                s.push_str(&w);
                s.push_str(sep);
            }
            s.trim_end().to_string()
        },
    )
}

fn report() -> impl Strategy<Value = (String, Vec<String>)> {
    let event = (0..3usize, text(), text(), text(), text(), text());
    let department = (text(), proptest::collection::vec(event, 0..4));
    (proptest::collection::vec(text(), 3), proptest::collection::vec(department, 1..4)).prop_map(|(agreements, deps)| {
        // Only agreements that an event uses are printed.
        let mut texts = Vec::new();
        let mut used = [false; 3];
        let mut s = String::from("[report]\nyear = 2020\nquarter = 4\n[agreements]\n");
        for (i, a) in agreements.iter().enumerate() {
            s.push_str(&format!("a{i} = {}\n", toml_str(a)));
        }
        for (name, events) in deps {
            s.push_str(&format!("[[department]]\nname = {}\n", toml_str(&name)));
            texts.push(name);
            for (k, title, dates, place, participants, result) in events {
                used[k] = true;
                s.push_str(&format!(
                    "[[department.event]]\nagreement = \"a{k}\"\ntitle = {}\ndates = {}\nplace = {}\nparticipants = {}\nresult = {}\n",
                    toml_str(&title),
                    toml_str(&dates),
                    toml_str(&place),
                    toml_str(&participants),
                    toml_str(&result)
                ));
                texts.extend([title, dates, place, participants, result]);
            }
        }
        texts.extend(agreements.into_iter().zip(used).filter(|(_, u)| *u).map(|(a, _)| a));
        (s, texts)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn every_word_survives_in_both_documents((src, texts) in report()) {
        let l = common::load_str(&src);
        let docx = common::docx(&l);
        let rows = common::rows(&common::part(&docx, "word/document.xml"));
        // DOCX: every text whole, inside one cell (not somewhere in the
        // document, where a one-letter word is always found).
        let cells: Vec<String> =
            rows.iter().flat_map(|r| r.cells.iter().map(|c| common::squash(&common::typed(&c.text)))).collect();
        let pdf_text = common::squash(&common::pdf_pages(&common::pdf(&l)).concat());
        for t in &texts {
            let whole = common::squash(t);
            prop_assert!(cells.iter().any(|c| c.contains(&whole)), "no DOCX cell holds {:?}", t);
            // PDF: lines of a cell are interleaved with other columns', so
            // word by word; words of one character prove nothing there.
            for w in t.split([' ', '\n', '\u{a0}']).map(common::squash).filter(|w| w.chars().count() > 1) {
                prop_assert!(pdf_text.contains(&w), "PDF lacks {:?}", w);
            }
        }
    }
}
