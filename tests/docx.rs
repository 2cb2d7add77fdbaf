//! The DOCX read back: structure, text, properties, determinism.
mod common;

use otchet::render::pdf::engine::Breaker;
use otchet::typo::plain;

/// A DOCX cell's text as the data has it: otchet's soft hyphens (one at
/// every hyphenation point) taken out, typography undone.
fn shown(text: &str) -> String {
    plain(&common::typed(text))
}

#[test]
fn reference_docx_structure() {
    let l = common::reference();
    let bytes = common::docx(&l);
    let doc = common::part(&bytes, "word/document.xml");
    let rows = common::rows(&doc);
    // Header row flagged to repeat, and only it.
    assert!(rows[0].header && rows[0].cant_split);
    assert_eq!(rows.iter().filter(|r| r.header).count(), 1);
    assert_eq!(rows[0].cells.len(), 7);
    assert_eq!(shown(&rows[0].cells[0].text), "№ п/п");
    // Five department rows spanning all seven columns.
    let deps: Vec<_> = rows.iter().filter(|r| r.cells.len() == 1).collect();
    assert_eq!(deps.len(), 5);
    assert!(deps.iter().all(|r| r.cells[0].grid_span.as_deref() == Some("7")));
    assert_eq!(shown(&deps[1].cells[0].text), "Департамент Смоленской области по культуре");
    // Seventeen numbered rows.
    let events: Vec<_> = rows.iter().filter(|r| r.cells.len() == 7 && !r.header).collect();
    assert_eq!(events.len(), 17);
    for (i, r) in events.iter().enumerate() {
        assert_eq!(r.cells[0].text, format!("{}.", i + 1));
    }
    // vMerge: restart at 5 and 12, continue at 6, 7, 13, nowhere else.
    for (i, r) in events.iter().enumerate() {
        let n = i + 1;
        let want = match n {
            5 | 12 => Some("restart"),
            6 | 7 | 13 => Some("continue"),
            _ => None,
        };
        assert_eq!(r.cells[1].vmerge.as_deref(), want, "row {n}");
        if want == Some("continue") {
            assert_eq!(r.cells[1].text, "", "continued cell {n} must be empty");
        }
        for c in &r.cells[2..] {
            assert!(c.vmerge.is_none());
        }
    }
    // Every field's text in its cell.
    let mut k = 0;
    for d in &l.report.departments {
        for e in &d.events {
            let cells = &events[k].cells;
            assert_eq!(shown(&cells[2].text), e.title.value);
            assert_eq!(shown(&cells[4].text), e.place.value);
            assert_eq!(shown(&cells[5].text), e.participants.value);
            assert_eq!(shown(&cells[6].text), e.result.value);
            if events[k].cells[1].vmerge.as_deref() != Some("continue") {
                assert_eq!(shown(&cells[1].text), l.report.agreement(&e.agreement).unwrap().title.value);
            }
            k += 1;
        }
    }
}

#[test]
fn docx_page_language_fonts_and_settings() {
    let bytes = common::docx(&common::reference());
    let doc = common::part(&bytes, "word/document.xml");
    assert!(doc.contains(r#"<w:pgSz w:w="16838" w:h="11906" w:orient="landscape""#), "landscape A4");
    assert!(doc.contains(r"w:titlePg"), "page numbers from the second page");
    let styles = common::part(&bytes, "word/styles.xml");
    assert!(styles.contains(r#"<w:lang w:val="ru-RU""#));
    assert!(styles.contains(r#"w:ascii="Times New Roman""#));
    // Widow control stated (off, as LibreOffice assumes; Word assumes on).
    assert!(styles.contains(r#"<w:pPrDefault><w:pPr><w:widowControl w:val="0"/>"#), "{styles}");
    // Hyphenation by soft hyphens in the text: automatic hyphenation off,
    // and the property that tells import to take them out again.
    let settings = common::part(&bytes, "word/settings.xml");
    assert!(!settings.contains("autoHyphenation"), "{settings}");
    let custom = common::part(&bytes, "docProps/custom.xml");
    assert!(custom.contains(r#"name="otchet-hyphenation"><vt:lpwstr>soft</vt:lpwstr>"#), "{custom}");
    let core = common::part(&bytes, "docProps/core.xml");
    assert!(core.contains("<dc:creator>otchet</dc:creator>"));
    assert!(core.contains("<dc:subject>Смоленская область, за IV квартал 2020 года</dc:subject>"));
    assert!(core.contains("2020-12-31T00:00:00Z"));
    let header = common::part(&bytes, "word/header1.xml");
    assert!(header.contains("PAGE"));
}

#[test]
fn docx_parts_are_compressed_and_bytes_reproducible() {
    let l = common::reference();
    let a = common::docx(&l);
    let b = common::docx(&l);
    assert_eq!(a, b, "two renders must be byte-identical");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&a)).unwrap();
    let f = zip.by_name("word/document.xml").unwrap();
    assert_eq!(f.compression(), zip::CompressionMethod::Deflated);
    assert!(f.compressed_size() * 4 < f.size(), "{} of {}", f.compressed_size(), f.size());
}

#[test]
fn xml_special_characters_survive() {
    let text = r#"A & B <c> "d" 'e' ]]> &amp; конец"#;
    let src = format!(
        "[report]\nyear = 2020\nquarter = 4\n[agreements]\nk = '''{text}'''\n[[department]]\nname = '''{text}'''\n[[department.event]]\nagreement = \"k\"\ntitle = '''{text}'''\ndates = '''{text}'''\nplace = '''{text}'''\nparticipants = '''{text}'''\nresult = '''{text}'''\n"
    );
    let l = common::load_str(&src);
    let rows = common::rows(&common::part(&common::docx(&l), "word/document.xml"));
    let ev = &rows[2];
    for c in &ev.cells[1..] {
        assert_eq!(plain(&c.text), text);
    }
    assert_eq!(plain(&rows[1].cells[0].text), text);
}

#[test]
fn paragraphs_become_separate_paragraphs() {
    let l = common::reference();
    let rows = common::rows(&common::part(&common::docx(&l), "word/document.xml"));
    let row13 = rows.iter().find(|r| r.cells.len() == 7 && r.cells[0].text == "13.").unwrap();
    assert_eq!(row13.cells[6].text.matches('\n').count(), 2);
}

#[test]
fn hyphenation_follows_the_template() {
    let l = common::reference();
    let with = |from: &str, to: &str| {
        let src = otchet::template::OFFICIAL.replace(from, to);
        let t = otchet::template::Template::parse(&otchet::diag::Source::new("t.toml", src)).unwrap();
        otchet::render::docx::render(&common::table(&l), &t).unwrap()
    };
    let shy = |docx: &[u8]| common::part(docx, "word/document.xml").matches("<w:softHyphen/>").count();
    // Off: no hyphenation at all.
    let off = with("hyphenate = true", "hyphenate = false");
    assert!(!common::part(&off, "word/settings.xml").contains("autoHyphenation"));
    assert_eq!(shy(&off), 0);
    // Automatic, as a template may choose: Word hyphenates, no soft hyphens.
    let auto = with("# auto_hyphenation = true", "auto_hyphenation = true");
    assert!(common::part(&auto, "word/settings.xml").contains("<w:autoHyphenation/>"));
    assert_eq!(shy(&auto), 0);
    assert!(!part_names(&auto).contains(&"docProps/custom.xml".to_string()));
    // The default: soft hyphens at the points, automatic hyphenation off.
    let soft = common::docx(&l);
    assert!(shy(&soft) > 1000, "{}", shy(&soft));
}

/// In the default mode the DOCX carries, in every body paragraph, a soft
/// hyphen at exactly the points where the PDF engine may hyphenate — no
/// more, no fewer — and the PDF engine breaks words at those alone.
#[test]
fn soft_hyphens_are_the_pdf_break_points() {
    use otchet::render::pdf::hyphen::soft_hyphens;
    let l = common::reference();
    let table = common::table(&l);
    let rows = common::rows(&common::part(&common::docx(&l), "word/document.xml"));
    let body: Vec<_> = rows.iter().filter(|r| !r.header).collect();
    let mut texts = Vec::new();
    for (row, xrow) in table.rows.iter().zip(&body) {
        let cells: Vec<&str> = match row {
            otchet::layout::Row::Department(c) => vec![c.text.as_str()],
            otchet::layout::Row::Event(e) => e.cells.iter().map(|c| c.text.as_str()).collect(),
        };
        for (text, xcell) in cells.iter().zip(&xrow.cells) {
            if xcell.vmerge.as_deref() == Some("continue") {
                continue;
            }
            let want: Vec<String> = text.split('\n').map(|p| soft_hyphens(p).into_owned()).collect();
            assert_eq!(xcell.text, want.join("\n"));
            texts.extend(text.split('\n').map(str::to_string));
        }
    }
    assert!(texts.len() > 100);
    // The engine in soft mode: every hyphen it puts at a line end stands at
    // one of those points, at every column width.
    let soft = Breaker { metrics: otchet::fonts::regular(), size: 12.0, hyphenate: true, soft: true };
    let mut hyphenated = 0;
    for text in &texts {
        let marked = soft_hyphens(text);
        for width in [40.0, 70.0, 110.0, 160.0] {
            let mut done = String::new();
            for line in soft.lines(text, width) {
                let shown = line.text.trim_end_matches(' ');
                if line.inserted_hyphen {
                    hyphenated += 1;
                    done.push_str(shown.strip_suffix('-').unwrap());
                    let at = done.chars().filter(|c| *c != '\u{AD}' && !c.is_whitespace()).count();
                    assert!(breaks_at(&marked, at), "«{}» hyphenated where no soft hyphen stands: {text}", line.text);
                } else {
                    done.push_str(shown);
                }
            }
        }
    }
    assert!(hyphenated > 100, "{hyphenated}");
}

/// Is there a soft hyphen in `marked` right after its `n`-th letter (soft
/// hyphens and spaces of any kind not counted)?
fn breaks_at(marked: &str, n: usize) -> bool {
    let mut seen = 0;
    let mut chars = marked.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\u{AD}' && !c.is_whitespace() {
            seen += 1;
        }
        if seen == n {
            return chars.peek() == Some(&'\u{AD}') || c == '\u{AD}';
        }
    }
    false
}

/// The names of the parts of a DOCX package.
fn part_names(docx: &[u8]) -> Vec<String> {
    let zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut names: Vec<String> = zip.file_names().map(str::to_string).collect();
    names.sort();
    names
}

#[test]
fn package_holds_only_the_parts_a_report_uses() {
    let bytes = common::docx(&common::reference());
    let names = part_names(&bytes);
    assert_eq!(
        names,
        [
            "[Content_Types].xml",
            "_rels/.rels",
            "docProps/app.xml",
            "docProps/core.xml",
            "docProps/custom.xml",
            "word/_rels/document.xml.rels",
            "word/document.xml",
            "word/fontTable.xml",
            "word/footer1.xml",
            "word/header1.xml",
            "word/header2.xml",
            "word/settings.xml",
            "word/styles.xml",
        ]
    );
    // Every part but the relationships has its content type, and every
    // relationship points at a part that exists.
    let types = common::part(&bytes, "[Content_Types].xml");
    for n in names.iter().filter(|n| !n.ends_with(".rels") && *n != "[Content_Types].xml") {
        assert!(types.contains(&format!("PartName=\"/{n}\"")), "no content type for {n}");
    }
    for (rels, base) in [("_rels/.rels", ""), ("word/_rels/document.xml.rels", "word/")] {
        let xml = common::part(&bytes, rels);
        for target in xml.split("Target=\"").skip(1).map(|s| s.split('"').next().unwrap()) {
            assert!(names.contains(&format!("{base}{target}")), "{rels} points at missing {target}");
        }
    }
    // Without page numbers there is no header or footer at all.
    let src = otchet::template::OFFICIAL.replace("page_numbers = \"from-second\"", "page_numbers = \"none\"");
    let t = otchet::template::Template::parse(&otchet::diag::Source::new("t.toml", src)).unwrap();
    let bytes = otchet::render::docx::render(&common::table(&common::reference()), &t).unwrap();
    let names = part_names(&bytes);
    assert!(names.iter().all(|n| !n.contains("header") && !n.contains("footer")), "{names:?}");
    let doc = common::part(&bytes, "word/document.xml");
    assert!(!doc.contains("Reference") && !doc.contains("w:titlePg"), "sectPr refers to no story");
}

/// Word's own choices stated: widow control off, rows taller than a page
/// free to split (Word pushes a row that cannot split to a new page, and
/// clips one that does not fit a page), the paragraph closing the document
/// 1 pt.
#[test]
fn the_docx_states_what_word_would_decide_otherwise() {
    let tall = common::load_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tall-row.toml")).unwrap(),
    );
    let xml = common::part(&common::docx(&tall), "word/document.xml");
    let rows = common::rows(&xml);
    let table = otchet::layout::build(&tall.report, &otchet::template::Template::official());
    let flags = otchet::render::pdf::engine::tall_rows(&table, &otchet::template::Template::official());
    assert_eq!(flags.iter().filter(|&&f| f).count(), 1, "the fixture has one row taller than a page");
    // The header row, then the body rows in order.
    for (row, &tall) in rows[1..].iter().zip(&flags) {
        assert_eq!(row.cant_split, !tall, "{:?}", row.cells.first().map(|c| &c.text));
    }
    assert!(rows[0].cant_split && rows[0].header);
    // The closing paragraph: after the table, 1 pt exactly.
    let after = &xml[xml.rfind("</w:tbl>").unwrap()..];
    assert!(after.starts_with("</w:tbl><w:p><w:pPr><w:spacing w:before=\"0\" w:after=\"0\" w:line=\"20\" w:lineRule=\"exact\"/><w:rPr><w:sz w:val=\"2\"/>"), "{}", &after[..after.len().min(300)]);
    let styles = common::part(&common::docx(&tall), "word/styles.xml");
    assert!(styles.contains("<w:widowControl w:val=\"0\"/>"));
}

/// The corrections DOCX too: a row whose new text is taller than a page
/// may split.
#[test]
fn the_corrections_docx_lets_a_row_taller_than_a_page_split() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tall-row.toml")).unwrap();
    let new = common::load_str(&text);
    let t = otchet::template::Template::official();
    let first = &new.report.departments[0].events[0].title.value;
    let old = common::load_str(&text.replacen(first.as_str(), "Другое название", 1));
    let (bytes, revised) = otchet::ops::changes(&old.report, &new.report, &t, None).unwrap();
    assert!(!revised.is_empty());
    let rows = common::rows(&common::part(&bytes, "word/document.xml"));
    assert_eq!(rows.iter().filter(|r| !r.cant_split).count(), 1, "the one tall row, and no other, may split");
}
