//! The OPC package around the document: only the parts a report uses
//! (document, styles, settings, font table, page-number header and the
//! footer, core and app properties), their content types and
//! relationships, zipped with Deflate, a fixed order and fixed timestamps
//! so the bytes are reproducible.

use std::io::{Cursor, Write};

use super::xml::{with_declaration, Xml, W_NS};

/// A header or footer part and how the section refers to it.
pub struct Story {
    /// `header1.xml`, `footer1.xml`, …
    pub file: String,
    /// Relationship id, e.g. `rId4`.
    pub id: &'static str,
    /// Header or footer.
    pub kind: StoryKind,
    /// The part's XML.
    pub xml: String,
}

/// The kind of a header or footer part.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum StoryKind {
    /// A page header.
    Header,
    /// A page footer.
    Footer,
}

impl StoryKind {
    fn name(self) -> &'static str {
        match self {
            StoryKind::Header => "header",
            StoryKind::Footer => "footer",
        }
    }
}

/// Every part but the document body, which is streamed.
pub struct Parts {
    /// `word/styles.xml`.
    pub styles: String,
    /// `word/settings.xml`.
    pub settings: String,
    /// `word/fontTable.xml`.
    pub font_table: String,
    /// `docProps/core.xml`.
    pub core: String,
    /// `docProps/app.xml`.
    pub app: String,
    /// Headers and footers.
    pub stories: Vec<Story>,
    /// Custom document properties (`docProps/custom.xml`, written when
    /// there are any): name and text value.
    pub custom: Vec<(String, String)>,
}

const CT_MAIN: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml";
const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

fn content_types(p: &Parts) -> String {
    let mut x = Xml::with_capacity(2048);
    x.open("Types", &[("xmlns", "http://schemas.openxmlformats.org/package/2006/content-types")]);
    x.empty(
        "Default",
        &[("Extension", "rels"), ("ContentType", "application/vnd.openxmlformats-package.relationships+xml")],
    );
    x.empty("Default", &[("Extension", "xml"), ("ContentType", "application/xml")]);
    let mut overrides = vec![
        ("/word/document.xml".to_string(), format!("{CT_MAIN}.document.main+xml")),
        ("/word/styles.xml".into(), format!("{CT_MAIN}.styles+xml")),
        ("/word/settings.xml".into(), format!("{CT_MAIN}.settings+xml")),
        ("/word/fontTable.xml".into(), format!("{CT_MAIN}.fontTable+xml")),
    ];
    for s in &p.stories {
        overrides.push((format!("/word/{}", s.file), format!("{CT_MAIN}.{}+xml", s.kind.name())));
    }
    overrides.push(("/docProps/core.xml".into(), "application/vnd.openxmlformats-package.core-properties+xml".into()));
    overrides.push((
        "/docProps/app.xml".into(),
        "application/vnd.openxmlformats-officedocument.extended-properties+xml".into(),
    ));
    if !p.custom.is_empty() {
        overrides.push((
            "/docProps/custom.xml".into(),
            "application/vnd.openxmlformats-officedocument.custom-properties+xml".into(),
        ));
    }
    for (part, ct) in &overrides {
        x.empty("Override", &[("PartName", part), ("ContentType", ct)]);
    }
    x.close("Types");
    with_declaration(x)
}

fn relationships(rels: &[(&str, String, &str)]) -> String {
    let mut x = Xml::with_capacity(1024);
    x.open("Relationships", &[("xmlns", "http://schemas.openxmlformats.org/package/2006/relationships")]);
    for (id, kind, target) in rels {
        x.empty("Relationship", &[("Id", id), ("Type", kind), ("Target", target)]);
    }
    x.close("Relationships");
    with_declaration(x)
}

fn package_rels(p: &Parts) -> String {
    let mut rels = vec![
        ("rId1", format!("{REL}/officeDocument"), "word/document.xml"),
        (
            "rId2",
            "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties".into(),
            "docProps/core.xml",
        ),
        ("rId3", format!("{REL}/extended-properties"), "docProps/app.xml"),
    ];
    if !p.custom.is_empty() {
        rels.push(("rId4", format!("{REL}/custom-properties"), "docProps/custom.xml"));
    }
    relationships(&rels)
}

/// `docProps/custom.xml`: named text properties.
fn custom(props: &[(String, String)]) -> String {
    let mut x = Xml::with_capacity(512);
    x.open(
        "Properties",
        &[
            ("xmlns", "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"),
            ("xmlns:vt", "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"),
        ],
    );
    for (i, (name, value)) in props.iter().enumerate() {
        // Property ids start at 2; the format id is the one for
        // user-defined properties.
        let pid = (i + 2).to_string();
        x.open("property", &[("fmtid", "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"), ("pid", &pid), ("name", name)]);
        x.open("vt:lpwstr", &[]);
        x.text(value);
        x.close("vt:lpwstr");
        x.close("property");
    }
    x.close("Properties");
    with_declaration(x)
}

fn document_rels(p: &Parts) -> String {
    let mut rels = vec![
        ("rId1", format!("{REL}/styles"), "styles.xml"),
        ("rId2", format!("{REL}/settings"), "settings.xml"),
        ("rId3", format!("{REL}/fontTable"), "fontTable.xml"),
    ];
    for s in &p.stories {
        rels.push((s.id, format!("{REL}/{}", s.kind.name()), s.file.as_str()));
    }
    relationships(&rels)
}

/// `docProps/core.xml`: title, subject, creator, language and fixed dates.
pub fn core(title: &str, subject: &str, when: &str, lang: &str) -> String {
    let mut x = Xml::with_capacity(1024);
    x.open(
        "cp:coreProperties",
        &[
            ("xmlns:cp", "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"),
            ("xmlns:dc", "http://purl.org/dc/elements/1.1/"),
            ("xmlns:dcterms", "http://purl.org/dc/terms/"),
            ("xmlns:dcmitype", "http://purl.org/dc/dcmitype/"),
            ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
        ],
    );
    for (name, value) in [
        ("dc:title", title),
        ("dc:subject", subject),
        ("dc:creator", "otchet"),
        ("cp:lastModifiedBy", "otchet"),
        ("dc:language", lang),
        ("cp:revision", "1"),
    ] {
        x.open(name, &[]);
        x.text(value);
        x.close(name);
    }
    for name in ["dcterms:created", "dcterms:modified"] {
        x.open(name, &[("xsi:type", "dcterms:W3CDTF")]);
        x.text(when);
        x.close(name);
    }
    x.close("cp:coreProperties");
    with_declaration(x)
}

/// `docProps/app.xml`: the application that wrote the document.
pub fn app() -> String {
    let mut x = Xml::with_capacity(256);
    x.open("Properties", &[("xmlns", "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties")]);
    x.open("Application", &[]);
    x.text(concat!("otchet ", env!("CARGO_PKG_VERSION")));
    x.close("Application");
    x.close("Properties");
    with_declaration(x)
}

/// `word/fontTable.xml` naming the template's font (a serif, so that a
/// reader without it substitutes a serif).
pub fn font_table(family: &str) -> String {
    let mut x = Xml::with_capacity(512);
    x.open("w:fonts", &[("xmlns:w", W_NS)]);
    x.open("w:font", &[("w:name", family)]);
    x.empty("w:charset", &[("w:val", "00")]);
    x.empty("w:family", &[("w:val", "roman")]);
    x.empty("w:pitch", &[("w:val", "variable")]);
    x.close("w:font");
    x.close("w:fonts");
    with_declaration(x)
}

/// Zips the package; `body` writes `word/document.xml` straight into the
/// archive (a long report is never held as one string).
pub fn pack(
    parts: &Parts,
    body: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> zip::result::ZipResult<Vec<u8>> {
    use zip::write::SimpleFileOptions;
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    let mut fixed: Vec<(String, String)> = vec![
        ("[Content_Types].xml".into(), content_types(parts)),
        ("_rels/.rels".into(), package_rels(parts)),
        ("docProps/app.xml".into(), parts.app.clone()),
        ("docProps/core.xml".into(), parts.core.clone()),
    ];
    if !parts.custom.is_empty() {
        fixed.push(("docProps/custom.xml".into(), custom(&parts.custom)));
    }
    fixed.push(("word/_rels/document.xml.rels".into(), document_rels(parts)));
    for (name, text) in &fixed {
        zip.start_file(name.as_str(), opts)?;
        zip.write_all(text.as_bytes())?;
    }
    zip.start_file("word/document.xml", opts)?;
    body(&mut zip)?;
    let rest = [
        ("word/styles.xml".to_string(), &parts.styles),
        ("word/settings.xml".into(), &parts.settings),
        ("word/fontTable.xml".into(), &parts.font_table),
    ];
    let stories = parts.stories.iter().map(|s| (format!("word/{}", s.file), &s.xml));
    for (name, text) in rest.into_iter().chain(stories) {
        zip.start_file(name.as_str(), opts)?;
        zip.write_all(text.as_bytes())?;
    }
    Ok(zip.finish()?.into_inner())
}
