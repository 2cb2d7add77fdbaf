//! The PDF read back: text, pages, fonts, determinism.
mod common;

#[test]
fn every_input_text_is_in_the_pdf() {
    let l = common::reference();
    let pages = common::pdf_pages(&common::pdf(&l));
    let all = common::squash(&pages.concat());
    for (what, text) in common::user_texts(&l) {
        assert!(all.contains(&common::squash(&text)), "{what} missing: {text}");
    }
    for n in 1..=17 {
        assert!(all.contains(&format!("{n}.")));
    }
}

#[test]
fn every_page_carries_the_header_and_is_landscape_a4() {
    let bytes = common::pdf(&common::reference());
    let pages = common::pdf_pages(&bytes);
    assert!(pages.len() >= 5, "{} pages", pages.len());
    for (i, p) in pages.iter().enumerate() {
        let s = common::squash(p);
        assert!(s.contains("Наименование"), "page {} has no header", i + 1);
        assert!(s.contains("Сроки"), "page {} has no header", i + 1);
    }
    assert!(common::squash(&pages[0]).contains("заIVквартал2020года"));
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    for (_, id) in doc.get_pages() {
        let page = doc.get_dictionary(id).unwrap();
        let mb = page.get(b"MediaBox").unwrap().as_array().unwrap();
        let num = |o: &lopdf::Object| o.as_float().map(|f| f as f64).or_else(|_| o.as_i64().map(|i| i as f64)).unwrap();
        let (w, h) = (num(&mb[2]) - num(&mb[0]), num(&mb[3]) - num(&mb[1]));
        assert!((w - 841.89).abs() < 0.5 && (h - 595.28).abs() < 0.5, "{w}x{h}");
    }
}

#[test]
fn fonts_are_embedded_subsets() {
    let bytes = common::pdf(&common::reference());
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    let mut names = Vec::new();
    let mut files = 0;
    for (_, obj) in doc.objects.iter() {
        if let Ok(d) = obj.as_dict() {
            if d.get(b"Type").ok().and_then(|t| t.as_name().ok()) == Some(b"FontDescriptor".as_slice()) {
                names.push(String::from_utf8_lossy(d.get(b"FontName").unwrap().as_name().unwrap()).into_owned());
                if d.has(b"FontFile2") {
                    files += 1;
                }
            }
        }
    }
    names.sort();
    assert_eq!(names, ["OTCHBD+LiberationSerif-Bold", "OTCHRG+LiberationSerif"]);
    assert_eq!(files, 2);
    assert!(bytes.len() < 400_000, "subset fonts keep the file small: {}", bytes.len());
}

#[test]
fn pdf_bytes_are_reproducible() {
    let l = common::reference();
    let a = common::pdf(&l);
    let b = common::pdf(&l);
    assert_eq!(a, b);
}

#[test]
fn cyrillic_yo_survives() {
    let src = "[report]\nyear = 2020\nquarter = 4\n[agreements]\nk = \"Ёлки и ёжики\"\n[[department]]\nname = \"Щёлково\"\n[[department.event]]\nagreement = \"k\"\ntitle = \"Съёмка «Ёж»\"\ndates = \"всё время\"\nplace = \"Орёл\"\nparticipants = \"Пётр\"\nresult = \"Всё\"\n";
    let l = common::load_str(src);
    let all = common::pdf_pages(&common::pdf(&l)).concat();
    for w in ["Ёлки", "ёжики", "Щёлково", "Съёмка", "«Ёж»", "Орёл", "Пётр"] {
        assert!(all.contains(w), "{w}");
    }
}
