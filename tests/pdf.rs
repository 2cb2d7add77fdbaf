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
    for obj in doc.objects.values() {
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

/// The trailer's `/ID` is a hash of the content. Its algorithm is pinned
/// (SipHash-1-3 from the `siphasher` crate, not std's `DefaultHasher`,
/// which may change with the compiler): this value may change only when
/// the reference's table or embedded files change on purpose.
#[test]
fn the_document_id_of_the_reference_is_pinned() {
    // The reference without embedded files, as the library renders it.
    let pdf = common::pdf(&common::reference());
    let at = pdf.windows(4).rposition(|w| w == b"/ID ").expect("/ID in the trailer");
    let tail = String::from_utf8_lossy(&pdf[at..at + 80]).into_owned();
    assert!(
        tail.starts_with("/ID [<5D72527584ECD8FB905E751ADF48DC7E> <5D72527584ECD8FB905E751ADF48DC7E>]"),
        "the reference's /ID moved: {tail}"
    );
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

#[test]
fn metadata_names_the_report_with_a_fixed_date() {
    let l = common::reference();
    let bytes = common::pdf(&l);
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    let info =
        doc.trailer.get(b"Info").and_then(lopdf::Object::as_reference).and_then(|id| doc.get_dictionary(id)).unwrap();
    let text = |key: &[u8]| {
        let raw = info.get(key).unwrap().as_str().unwrap();
        match raw.strip_prefix(&[0xFE, 0xFF][..]) {
            Some(utf16) => {
                String::from_utf16(&utf16.chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect::<Vec<_>>())
                    .unwrap()
            }
            None => String::from_utf8(raw.to_vec()).unwrap(),
        }
    };
    assert_eq!(
        text(b"Title"),
        "Отчет о реализации соглашений в сфере межрегионального сотрудничества за IV квартал 2020 года"
    );
    assert!(text(b"Subject").contains("IV квартал 2020"), "{}", text(b"Subject"));
    assert_eq!(text(b"Creator"), "otchet");
    assert_eq!(text(b"Author"), "otchet");
    assert!(text(b"Producer").starts_with("otchet "));
    // The last day of the quarter, unless SOURCE_DATE_EPOCH says otherwise.
    if std::env::var_os("SOURCE_DATE_EPOCH").is_none() {
        assert_eq!(text(b"CreationDate"), "D:20201231000000+00'00'");
    }
    assert_eq!(text(b"ModDate"), text(b"CreationDate"));
    let ids = doc.trailer.get(b"ID").unwrap().as_array().unwrap();
    assert_eq!(ids.len(), 2);
    assert_eq!(ids[0].as_str().unwrap().len(), 16);
}

#[test]
fn declares_pdf_a_3a_with_matching_xmp_and_an_output_intent() {
    let l = common::reference();
    let bytes = common::pdf(&l);
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    let catalog = doc.catalog().unwrap();
    let meta_id = catalog.get(b"Metadata").unwrap().as_reference().unwrap();
    let stream = doc.get_object(meta_id).unwrap().as_stream().unwrap();
    assert!(!stream.dict.has(b"Filter"), "PDF/A wants the XMP packet readable as is");
    let xmp = String::from_utf8(stream.content.clone()).unwrap();
    for needle in [
        "<pdfaid:part>3</pdfaid:part>",
        "<pdfaid:conformance>A</pdfaid:conformance>",
        "Отчет о реализации соглашений в сфере межрегионального сотрудничества за IV квартал 2020 года</rdf:li>",
        "<xmp:CreatorTool>otchet</xmp:CreatorTool>",
        "<pdf:Producer>otchet ",
    ] {
        assert!(xmp.contains(needle), "{needle} missing from\n{xmp}");
    }
    if std::env::var_os("SOURCE_DATE_EPOCH").is_none() {
        assert!(xmp.contains("<xmp:CreateDate>2020-12-31T00:00:00Z</xmp:CreateDate>"), "{xmp}");
    }
    let intents = catalog.get(b"OutputIntents").unwrap().as_array().unwrap();
    assert_eq!(intents.len(), 1);
    let intent = intents[0].as_dict().unwrap();
    assert_eq!(intent.get(b"S").unwrap().as_name().unwrap(), b"GTS_PDFA1");
    let icc = doc.get_object(intent.get(b"DestOutputProfile").unwrap().as_reference().unwrap()).unwrap();
    let icc = icc.as_stream().unwrap();
    assert_eq!(icc.dict.get(b"N").unwrap().as_i64().unwrap(), 3);
    let profile = icc.decompressed_content().unwrap();
    assert_eq!(&profile[36..40], b"acsp", "an ICC profile");
    assert_eq!(&profile[16..20], b"RGB ");
}

#[test]
fn long_reports_on_the_parallel_paths_are_reproducible_and_complete() {
    // 600 events: the logical table and line breaking run on several
    // threads, pages go through the compressing worker.
    let l = common::load_str(&common::synth::report(600));
    let (a, b) = (common::pdf(&l), common::pdf(&l));
    assert!(a == b, "two renders of the same report differ");
    assert_eq!(common::docx(&l), common::docx(&l));
    let pages = common::pdf_pages(&a);
    assert!(pages.len() > 100, "{} pages", pages.len());
    let all = common::squash(&pages.concat());
    for n in [1, 299, 600] {
        assert!(all.contains(&format!("{n}.")), "event {n} missing");
    }
    for (what, text) in common::user_texts(&l).iter().step_by(97) {
        assert!(all.contains(&common::squash(text)), "{what} missing from the PDF");
    }
}

#[test]
fn typography_no_break_spaces_extract_as_plain_spaces_and_typed_ones_stay() {
    // The reference: typography binds «и» to the next word; a search for
    // the phrase typed with a plain space finds it in the PDF's text (read
    // through the ToUnicode maps, as extractors that ignore ActualText do).
    let text: String = common::pdf_pages(&common::pdf(&common::reference())).concat();
    assert!(!text.contains('\u{a0}'), "no no-break space reaches the text: the data typed none");
    assert!(text.contains("и Администрацией"), "the phrase with a plain space is found");
    // A no-break space the user typed stays one (where typography would
    // put none); the ones typography puts beside it read as spaces.
    let data = std::fs::read_to_string(common::REFERENCE).unwrap().replacen(
        "title = \"",
        "title = \"Встреча Иван\u{a0}Петров и Администрацией: ",
        1,
    );
    let text: String = common::pdf_pages(&common::pdf(&common::load_str(&data))).concat();
    assert!(common::squash(&text).contains("ВстречаИванПетров"), "{text}");
    assert!(text.contains("Иван\u{a0}Петров"), "the typed no-break space is kept");
    assert_eq!(text.matches('\u{a0}').count(), 1, "only the typed one");
}
