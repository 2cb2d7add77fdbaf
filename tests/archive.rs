//! The archival PDF: tagged structure (read back with lopdf, checked both
//! ways between the page content and the structure tree), whole words in
//! extracted text, the embedded source files, and `otchet extract`.
mod common;

use std::collections::HashMap;

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};
use otchet::layout::{Merge, Row, Table};
use otchet::template::Template;

fn deref<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    match o {
        Object::Reference(id) => doc.get_object(*id).unwrap(),
        _ => o,
    }
}

fn dict<'a>(doc: &'a Document, o: &'a Object) -> &'a Dictionary {
    deref(doc, o).as_dict().unwrap()
}

fn name(d: &Dictionary, key: &[u8]) -> String {
    String::from_utf8(d.get(key).unwrap().as_name().unwrap().to_vec()).unwrap()
}

/// A structure element read back.
#[derive(Debug, Default)]
struct Elem {
    kind: String,
    attrs: Vec<(String, String)>,
    kids: Vec<Elem>,
    /// Marked content: (page object, MCID).
    content: Vec<(ObjectId, i64)>,
}

impl Elem {
    fn read(doc: &Document, id: ObjectId, into: &mut HashMap<ObjectId, String>) -> Elem {
        let d = doc.get_object(id).unwrap().as_dict().unwrap();
        let mut e = Elem { kind: name(d, b"S"), ..Elem::default() };
        into.insert(id, e.kind.clone());
        if let Ok(a) = d.get(b"A") {
            for (k, v) in dict(doc, a) {
                let v = match v {
                    Object::Name(n) => String::from_utf8(n.clone()).unwrap(),
                    Object::Integer(i) => i.to_string(),
                    other => format!("{other:?}"),
                };
                e.attrs.push((String::from_utf8(k.clone()).unwrap(), v));
            }
        }
        let page = d.get(b"Pg").ok().map(|p| p.as_reference().unwrap());
        let kids = match d.get(b"K") {
            Ok(Object::Array(a)) => a.clone(),
            Ok(other) => vec![other.clone()],
            Err(_) => Vec::new(),
        };
        for k in kids {
            match k {
                Object::Integer(mcid) => e.content.push((page.expect("Pg for MCIDs"), mcid)),
                Object::Reference(kid) => e.kids.push(Elem::read(doc, kid, into)),
                Object::Dictionary(mcr) => {
                    assert_eq!(name(&mcr, b"Type"), "MCR");
                    e.content.push((
                        mcr.get(b"Pg").unwrap().as_reference().unwrap(),
                        mcr.get(b"MCID").unwrap().as_i64().unwrap(),
                    ));
                }
                other => panic!("unexpected kid {other:?}"),
            }
        }
        e
    }

    fn all<'a>(&'a self, out: &mut Vec<&'a Elem>) {
        out.push(self);
        for k in &self.kids {
            k.all(out);
        }
    }

    fn attr(&self, key: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
}

/// Checks the tagged structure of `pdf` against the logical table: every
/// piece of page content is in a marked sequence (an MCID or an
/// artifact), every MCID is reachable from the ParentTree and named by
/// exactly its element's /K; the tree is Document > H1, Table > THead/TBody
/// with a TR per row. Returns the root element.
fn check_structure(pdf: &[u8], table: &Table) -> Elem {
    let doc = Document::load_mem(pdf).unwrap();
    let catalog = doc.catalog().unwrap();
    assert!(dict(&doc, catalog.get(b"MarkInfo").unwrap()).get(b"Marked").unwrap().as_bool().unwrap());
    assert_eq!(catalog.get(b"Lang").unwrap().as_str().unwrap(), b"ru-RU");
    let prefs = dict(&doc, catalog.get(b"ViewerPreferences").unwrap());
    assert!(prefs.get(b"DisplayDocTitle").unwrap().as_bool().unwrap());
    let root = dict(&doc, catalog.get(b"StructTreeRoot").unwrap());
    assert_eq!(name(root, b"Type"), "StructTreeRoot");
    let mut kinds = HashMap::new();
    let document = Elem::read(&doc, root.get(b"K").unwrap().as_reference().unwrap(), &mut kinds);

    // ParentTree: page key -> array of elements by MCID.
    let parent_tree = dict(&doc, root.get(b"ParentTree").unwrap());
    let nums = parent_tree.get(b"Nums").unwrap().as_array().unwrap();
    let mut parents: HashMap<i64, Vec<ObjectId>> = HashMap::new();
    for pair in nums.chunks(2) {
        let arr = deref(&doc, &pair[1]).as_array().unwrap();
        parents.insert(pair[0].as_i64().unwrap(), arr.iter().map(|o| o.as_reference().unwrap()).collect());
    }

    // Element of each (page, MCID) from the elements' /K.
    let mut all = Vec::new();
    document.all(&mut all);
    let mut owner_of: HashMap<(ObjectId, i64), &str> = HashMap::new();
    for e in &all {
        for &c in &e.content {
            assert!(owner_of.insert(c, &e.kind).is_none(), "{c:?} named by two elements");
        }
    }

    let pages = doc.get_pages();
    assert_eq!(root.get(b"ParentTreeNextKey").unwrap().as_i64().unwrap(), pages.len() as i64);
    let mut seen = 0;
    for (n, (_, &page_id)) in pages.iter().enumerate() {
        let page = doc.get_object(page_id).unwrap().as_dict().unwrap();
        let key = page.get(b"StructParents").unwrap().as_i64().unwrap();
        assert_eq!(key, n as i64);
        assert_eq!(name(page, b"Tabs"), "S");
        let content = Content::decode(&doc.get_page_content(page_id)).unwrap();
        // Stack of open sequences: Some(mcid), None for an artifact or a
        // span inside one.
        let mut stack: Vec<(String, Option<i64>)> = Vec::new();
        let mut mcids = Vec::new();
        for op in &content.operations {
            match op.operator.as_str() {
                "BDC" | "BMC" => {
                    let tag = String::from_utf8(op.operands[0].as_name().unwrap().to_vec()).unwrap();
                    let mcid = op.operands.get(1).and_then(|p| p.as_dict().ok()).and_then(|d| d.get(b"MCID").ok());
                    let mcid = mcid.map(|m| m.as_i64().unwrap());
                    if let Some(m) = mcid {
                        assert!(stack.iter().all(|(_, m)| m.is_none()), "nested MCIDs");
                        assert_eq!(m, mcids.len() as i64, "MCIDs in order from 0");
                        mcids.push((tag.clone(), m));
                    }
                    stack.push((tag, mcid));
                }
                "EMC" => {
                    stack.pop().expect("EMC without BDC");
                }
                "Tj" | "TJ" | "'" | "\"" | "S" | "f" | "F" | "B" | "b" | "s" | "Do" | "sh" => {
                    let tagged = stack.iter().any(|(tag, m)| m.is_some() || tag == "Artifact");
                    assert!(tagged, "page {}: {} outside structure and artifacts", n + 1, op.operator);
                }
                _ => {}
            }
        }
        assert!(stack.is_empty(), "page {}: unclosed marked content", n + 1);
        let tree = &parents[&key];
        assert_eq!(tree.len(), mcids.len(), "page {}: ParentTree size", n + 1);
        for ((tag, m), el) in mcids.iter().zip(tree) {
            assert_eq!(&kinds[el], tag, "page {} MCID {m}: ParentTree element", n + 1);
            assert_eq!(owner_of.get(&(page_id, *m)).copied(), Some(tag.as_str()), "page {} MCID {m}: /K", n + 1);
            seen += 1;
        }
    }
    assert_eq!(seen, owner_of.len(), "elements name MCIDs that no page has");

    // The shape: Document > H1, Table > THead (TR of TH), TBody (TR a row).
    assert_eq!(document.kind, "Document");
    let kinds: Vec<&str> = document.kids.iter().map(|k| k.kind.as_str()).collect();
    assert_eq!(kinds, ["H1", "Table"]);
    let t = &document.kids[1];
    assert_eq!(t.kids.iter().map(|k| k.kind.as_str()).collect::<Vec<_>>(), ["THead", "TBody"]);
    let head = &t.kids[0].kids;
    assert_eq!(head.len(), 1);
    assert_eq!(head[0].kids.len(), table.header.len());
    for th in &head[0].kids {
        assert_eq!((th.kind.as_str(), th.attr("Scope"), th.attr("O")), ("TH", Some("Column"), Some("Table")));
        assert!(!th.content.is_empty(), "empty header cell");
    }
    let body = &t.kids[1].kids;
    assert_eq!(body.len(), table.rows.len(), "one TR per row");
    for (tr, row) in body.iter().zip(&table.rows) {
        assert_eq!(tr.kind, "TR");
        match row {
            Row::Department(_) => {
                assert_eq!(tr.kids.len(), 1);
                assert_eq!(tr.kids[0].attr("ColSpan"), Some(table.header.len().to_string().as_str()));
            }
            Row::Event(e) => {
                let expected = if e.merge == Merge::Continue { 6 } else { 7 };
                assert_eq!(tr.kids.len(), expected, "event {}", e.number);
                let span = match e.merge {
                    Merge::Start { rows } => Some(rows.to_string()),
                    _ => None,
                };
                assert_eq!(tr.kids[1].attr("RowSpan").map(str::to_string), span, "event {}", e.number);
                assert!(tr.kids.iter().all(|td| td.kind == "TD"));
                // The number cell holds content.
                assert!(!tr.kids[0].content.is_empty(), "event {}: number cell empty", e.number);
            }
        }
    }
    document
}

#[test]
fn the_reference_pdf_is_tagged_as_a_table() {
    let l = common::reference();
    let table = common::table(&l);
    check_structure(&common::pdf(&l), &table);
}

#[test]
fn long_merged_groups_stay_one_cell_over_pages() {
    // Agreements in long groups cut by page breaks, a cell taller than a
    // page, a title over several lines.
    let long: String = (1..=500).map(|i| format!("сл{i}во ")).collect();
    let mut src = common::synth::report(60);
    src = src.replacen("result = \"", &format!("result = \"{long}"), 1);
    let l = common::load_str(&src);
    let table = common::table(&l);
    let pdf = common::pdf(&l);
    let doc = check_structure(&pdf, &table);
    // Some cell has content on more than one page.
    let mut all = Vec::new();
    doc.all(&mut all);
    assert!(
        all.iter().any(
            |e| e.kind == "TD" && e.content.iter().map(|c| c.0).collect::<std::collections::HashSet<_>>().len() > 1
        ),
        "no cell continues over a page"
    );
}

/// Words of every text of the table (title, header, cells), as the reader
/// should find them: split at spaces, invisible characters left out.
fn table_words(table: &Table) -> Vec<String> {
    let mut texts: Vec<&str> = table.title.iter().map(String::as_str).collect();
    texts.extend(table.header.iter().map(String::as_str));
    for row in &table.rows {
        match row {
            Row::Department(c) => texts.push(&c.text),
            // A merge group's agreement is printed once for the group.
            Row::Event(e) => texts.extend(
                e.cells
                    .iter()
                    .enumerate()
                    .filter(|&(i, _)| !(i == otchet::layout::AGREEMENT_COL && e.merge == Merge::Continue))
                    .map(|(_, c)| c.text.as_str()),
            ),
        }
    }
    texts
        .iter()
        .flat_map(|t| t.split(char::is_whitespace))
        .map(|w| w.chars().filter(|&c| !otchet::text::is_invisible(c) && c != '\u{AD}').collect::<String>())
        .filter(|w| !w.is_empty())
        .collect()
}

/// Words `pdftotext` (poppler, as viewers' search) finds in a PDF.
fn pdftotext_words(pdf: &[u8]) -> HashMap<String, usize> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is needed by this test");
    assert!(out.status.success());
    let mut words = HashMap::new();
    for w in String::from_utf8(out.stdout).unwrap().split(char::is_whitespace).filter(|w| !w.is_empty()) {
        *words.entry(w.to_string()).or_insert(0) += 1;
    }
    words
}

/// Every word of the table is found whole, as often as it is printed.
fn assert_words_whole(table: &Table, pdf: &[u8]) -> usize {
    let found = pdftotext_words(pdf);
    let mut wanted: HashMap<String, usize> = HashMap::new();
    for w in table_words(table) {
        *wanted.entry(w).or_insert(0) += 1;
    }
    let mut missing: Vec<String> = wanted
        .iter()
        .filter(|(w, n)| found.get(*w).copied().unwrap_or(0) < **n)
        .map(|(w, n)| format!("{w} ×{n} (found {})", found.get(w).copied().unwrap_or(0)))
        .collect();
    missing.sort();
    assert!(missing.is_empty(), "{} words not extracted whole: {:?}", missing.len(), &missing[..missing.len().min(20)]);
    wanted.values().sum()
}

#[test]
fn pdftotext_gives_every_word_whole() {
    let l = common::reference();
    let table = common::table(&l);
    let pdf = common::pdf(&l);
    // Words hyphenated at line ends exist in the reference (the issue's
    // 34): the check is not vacuous.
    let doc = otchet::render::pdf::engine::layout(&table, &Template::official());
    let split = doc.pages.iter().flat_map(|p| &p.texts).filter(|t| t.tail.is_some()).count();
    assert!(split >= 30, "only {split} words split over lines");
    let n = assert_words_whole(&table, &pdf);
    assert!(n > 1000, "{n} words");
}

#[test]
fn pdftotext_gives_every_word_whole_in_long_hyphenated_cells() {
    let mut src = common::synth::report(60);
    // Long words, soft hyphens and compounds at line ends.
    let words = "Межрегиональное сотрудничество научно-исследовательских организаций \
                 вне\u{AD}бюджетных учреждений Тенишевых в Талашкине; "
        .repeat(8);
    src = src.replacen("result = \"", &format!("result = \"{words}"), 3);
    let l = common::load_str(&src);
    let table = common::table(&l);
    assert_words_whole(&table, &common::pdf(&l));
}

#[test]
fn the_pdf_carries_its_source_file() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("2020 IV квартал.toml");
    let mut data = std::fs::read(common::REFERENCE).unwrap();
    // As Notepad saves it: a byte order mark, a CRLF comment line.
    data.splice(0..0, b"\xEF\xBB\xBF# internal note: check with the finance department\r\n".iter().copied());
    std::fs::write(&src, &data).unwrap();
    let o = common::run(&["render", src.to_str().unwrap(), "--format", "pdf"], dir.path());
    assert!(o.status.success(), "{}", common::stderr(&o));
    let pdf = std::fs::read(dir.path().join("2020 IV квартал.pdf")).unwrap();
    let files = otchet::archive::embedded_files(&pdf).unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].name, "2020 IV квартал.toml");
    assert!(files[0].bytes == data, "embedded bytes differ from the input");

    // The associated-file entries PDF/A-3 asks for.
    let doc = Document::load_mem(&pdf).unwrap();
    let catalog = doc.catalog().unwrap();
    let af = catalog.get(b"AF").unwrap().as_array().unwrap();
    assert_eq!(af.len(), 1);
    let spec = dict(&doc, &af[0]);
    assert_eq!(name(spec, b"Type"), "Filespec");
    assert_eq!(name(spec, b"AFRelationship"), "Source");
    assert!(spec.has(b"F") && spec.has(b"UF") && spec.has(b"Desc"));
    let ef = dict(&doc, spec.get(b"EF").unwrap());
    let stream = deref(&doc, ef.get(b"F").unwrap()).as_stream().unwrap();
    assert_eq!(name(&stream.dict, b"Subtype"), "application/toml");
    let params = dict(&doc, stream.dict.get(b"Params").unwrap());
    assert_eq!(params.get(b"Size").unwrap().as_i64().unwrap(), data.len() as i64);
    assert!(params.has(b"ModDate"));
    let names = dict(&doc, catalog.get(b"Names").unwrap());
    assert!(dict(&doc, names.get(b"EmbeddedFiles").unwrap()).has(b"Names"));

    // Extract, render the extracted file again: the same PDF, byte for byte.
    let back = dir.path().join("back");
    let o = common::run(&["extract", "2020 IV квартал.pdf", "-o", "back/"], dir.path());
    assert!(o.status.success(), "{}", common::stderr(&o));
    let extracted = back.join("2020 IV квартал.toml");
    assert!(std::fs::read(&extracted).unwrap() == data);
    let o = common::run(&["render", extracted.to_str().unwrap(), "--format", "pdf", "-o", "again"], dir.path());
    assert!(o.status.success(), "{}", common::stderr(&o));
    assert!(std::fs::read(dir.path().join("again/2020 IV квартал.pdf")).unwrap() == pdf, "re-render differs");

    // Never overwrites: a second extract to the same place fails whole.
    let o = common::run(&["extract", "2020 IV квартал.pdf", "-o", "back/"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(common::stderr(&o).contains("уже существует"), "{}", common::stderr(&o));
    assert!(std::fs::read(&extracted).unwrap() == data);
}

#[test]
fn a_custom_template_travels_with_the_data() {
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("form.toml");
    std::fs::write(&template, otchet::template::OFFICIAL).unwrap();
    std::fs::copy(common::REFERENCE, dir.path().join("q4.toml")).unwrap();
    let o = common::run(&["render", "q4.toml", "--format", "pdf", "--template", "form.toml"], dir.path());
    assert!(o.status.success(), "{}", common::stderr(&o));
    let files = otchet::archive::embedded_files(&std::fs::read(dir.path().join("q4.pdf")).unwrap()).unwrap();
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["q4.toml", "form.toml"]);
    // Several files need a directory.
    let o = common::run(&["extract", "q4.pdf", "-o", "q4.toml"], dir.path());
    assert_eq!(o.status.code(), Some(1), "{}", common::stderr(&o));
    let o = common::run(&["extract", "q4.pdf", "-o", "out"], dir.path());
    assert!(o.status.success(), "{}", common::stderr(&o));
    assert_eq!(std::fs::read(dir.path().join("out/form.toml")).unwrap(), otchet::template::OFFICIAL.as_bytes());
}

#[test]
fn no_source_leaves_the_data_out_and_extract_says_so() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(common::REFERENCE, dir.path().join("q4.toml")).unwrap();
    let o = common::run(&["render", "q4.toml", "--format", "pdf", "--no-source", "-o", "out"], dir.path());
    assert!(o.status.success(), "{}", common::stderr(&o));
    let pdf = std::fs::read(dir.path().join("out/q4.pdf")).unwrap();
    assert!(otchet::archive::embedded_files(&pdf).unwrap().is_empty());
    let doc = Document::load_mem(&pdf).unwrap();
    assert!(!doc.catalog().unwrap().has(b"AF"));
    let o = common::run(&["extract", "out/q4.pdf"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    let err = common::stderr(&o);
    assert!(err.contains("out/q4.pdf") && err.contains("нет вложенных"), "{err}");
    assert!(err.contains("ничего не записано"), "{err}");
    assert_eq!(std::fs::read_dir(dir.path().join("out")).unwrap().count(), 1, "something was written");

    // Not a PDF at all.
    let o = common::run(&["extract", "q4.toml"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(common::stderr(&o).contains("не читается как PDF"), "{}", common::stderr(&o));
}

#[test]
fn annual_carries_every_quarter() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(common::REFERENCE).unwrap();
    let mut names = Vec::new();
    for q in 1..=4 {
        let name = format!("2020-q{q}.toml");
        std::fs::write(dir.path().join(&name), text.replace("quarter = 4", &format!("quarter = {q}"))).unwrap();
        names.push(name);
    }
    let mut args = vec!["annual", "--format", "pdf"];
    args.extend(names.iter().map(String::as_str));
    let o = common::run(&args, dir.path());
    assert!(o.status.success(), "{}", common::stderr(&o));
    let pdf = std::fs::read(dir.path().join("2020-annual.pdf")).unwrap();
    let files = otchet::archive::embedded_files(&pdf).unwrap();
    assert_eq!(files.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(), names);
}
