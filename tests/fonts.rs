//! Every character a report can hold is printed (issue 12): what Liberation
//! Serif lacks is set in DejaVu Sans, embedded as a subset with ToUnicode;
//! only what no bundled font has is refused.
mod common;

use common::{run, REFERENCE};

const FALLBACK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/fallback.toml");
const SPECIAL: &str = "₽‑✓≈≤≥≠½¼‰€©™¹§αβәөүңһҗқіїєґў";

fn fallback_pdf() -> Vec<u8> {
    common::pdf(&common::load_str(&std::fs::read_to_string(FALLBACK).unwrap()))
}

#[test]
fn every_special_character_comes_back_from_the_pdf() {
    let text = common::pdf_pages(&fallback_pdf()).join("\n");
    for c in SPECIAL.chars() {
        assert!(text.contains(c), "{c} (U+{:04X}) missing from the PDF text", c as u32);
    }
    assert!(text.contains("12,5\u{a0}млн\u{a0}₽") || text.contains("12,5 млн ₽"), "number and unit");
}

#[test]
fn every_font_is_an_embedded_subset_with_to_unicode() {
    let pdf = fallback_pdf();
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    let mut names = Vec::new();
    for obj in doc.objects.values() {
        let Ok(d) = obj.as_dict() else { continue };
        if d.get(b"Type").and_then(|t| t.as_name()).ok() != Some(b"Font".as_slice()) {
            continue;
        }
        if d.get(b"Subtype").and_then(|t| t.as_name()).ok() != Some(b"Type0".as_slice()) {
            continue;
        }
        let name = String::from_utf8(d.get(b"BaseFont").unwrap().as_name().unwrap().to_vec()).unwrap();
        assert!(name.len() > 7 && name.as_bytes()[6] == b'+', "{name} is not a subset");
        assert!(d.get(b"ToUnicode").is_ok(), "{name} has no ToUnicode");
        let resolve = |o: &lopdf::Object| match o {
            lopdf::Object::Reference(id) => doc.get_dictionary(*id).unwrap().clone(),
            other => other.as_dict().unwrap().clone(),
        };
        let cid = resolve(&d.get(b"DescendantFonts").unwrap().as_array().unwrap()[0]);
        let descriptor = resolve(cid.get(b"FontDescriptor").unwrap());
        assert!(descriptor.get(b"FontFile2").is_ok(), "{name} is not embedded");
        names.push(name);
    }
    names.sort();
    assert_eq!(names.len(), 4, "{names:?}");
    assert!(names.iter().any(|n| n.ends_with("+DejaVuSans")), "{names:?}");
    assert!(names.iter().any(|n| n.ends_with("+DejaVuSans-Bold")), "bold falls back to bold: {names:?}");
}

#[test]
fn a_report_without_such_characters_embeds_no_fallback_font() {
    let pdf = common::pdf(&common::reference());
    let raw = String::from_utf8_lossy(&pdf);
    assert!(!raw.contains("DejaVu"), "an unused fallback font was embedded");
}

#[test]
fn the_non_breaking_hyphen_is_words_own_in_the_docx() {
    let l = common::load_str(&std::fs::read_to_string(FALLBACK).unwrap());
    let doc = common::part(&common::docx(&l), "word/document.xml");
    // (Soft hyphens at the hyphenation points around it.)
    let doc = common::no_soft_hyphens(&doc);
    assert!(doc.contains("Казан</w:t><w:noBreakHyphen/><w:t>Татарстан"), "{doc}");
}

#[test]
fn only_what_no_bundled_font_has_is_refused() {
    let src = std::fs::read_to_string(FALLBACK).unwrap().replacen("Арт-проект", "Арт-проект 漢字", 1);
    let f = otchet::load::load_bytes_with("f.toml", src.as_bytes(), Some(otchet::fonts::glyphs(true))).unwrap_err();
    let errors: Vec<_> = f.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors.iter().all(|d| d.message.contains("漢") || d.message.contains("字")));
    assert!(errors[0].message.contains("Liberation Serif, DejaVu Sans"), "{}", errors[0].message);
}

/// A template in `dir` naming its own font files.
fn template_with_fonts(dir: &std::path::Path, regular: &str, bold: &str) -> std::path::PathBuf {
    let text = otchet::template::OFFICIAL.replacen(
        "family = \"Times New Roman\"",
        &format!("family = \"DejaVu Sans\"\nregular_file = \"{regular}\"\nbold_file = \"{bold}\""),
        1,
    );
    let path = dir.join("t.toml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_template_embeds_its_own_font_files() {
    let dir = tempfile::tempdir().unwrap();
    let fonts = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts");
    std::fs::create_dir(dir.path().join("f")).unwrap();
    std::fs::copy(fonts.join("DejaVuSans.ttf"), dir.path().join("f/r.ttf")).unwrap();
    std::fs::copy(fonts.join("DejaVuSans-Bold.ttf"), dir.path().join("f/b.ttf")).unwrap();
    template_with_fonts(dir.path(), "f/r.ttf", "f/b.ttf");
    let o = run(&["render", REFERENCE, "--template", "t.toml", "-o", "out"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let pdf = std::fs::read(dir.path().join("out/2020-q4.pdf")).unwrap();
    let raw = String::from_utf8_lossy(&pdf);
    assert!(raw.contains("/OTCHRG+DejaVuSans") && raw.contains("/OTCHBD+DejaVuSans-Bold"), "template fonts embedded");
    assert!(!raw.contains("LiberationSerif"), "Liberation Serif embedded although the template names other fonts");
    // Every word still in the PDF, set in the template's font.
    let text = common::pdf_pages(&pdf).join(" ");
    for word in ["Трехстороннее", "Смоленской", "сотрудничества", "квартал"]
    {
        assert!(common::squash(&text).contains(word), "{word}");
    }
    // The DOCX names the family.
    let docx = std::fs::read(dir.path().join("out/2020-q4.docx")).unwrap();
    assert!(common::part(&docx, "word/styles.xml").contains("w:ascii=\"DejaVu Sans\""));
}

#[test]
fn bad_font_files_are_reported_at_the_template_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notafont.ttf"), "просто текст").unwrap();
    let t = template_with_fonts(dir.path(), "missing.ttf", "notafont.ttf");
    let text = std::fs::read_to_string(&t).unwrap();
    let line = |needle: &str| text[..text.find(needle).unwrap()].matches('\n').count() + 1;
    let o = run(&["render", REFERENCE, "--template", "t.toml", "-o", "out"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(&format!("t.toml:{}:16: шрифт", line("regular_file"))) && err.contains("нет такого файла"),
        "{err}"
    );
    assert!(
        err.contains(&format!("t.toml:{}:13: шрифт", line("bold_file"))) && err.contains("это не файл шрифта"),
        "{err}"
    );
    assert!(!dir.path().join("out").exists());
}
