//! Reading a DOCX package: a ZIP archive read only by part name, every
//! part bounded in size; other formats told apart; the main part found
//! through the package relationships and handed to [`super::docx::body`];
//! the document properties.

use std::io::{Cursor, Read};

use quick_xml::events::Event;

use super::docx::{body, push_reference, val_named, Block, Paragraph};

/// Largest part read from the package (a 10,000-event report's
/// `document.xml` is about 40 MB).
pub const MAX_PART_BYTES: u64 = 256 * 1024 * 1024;

/// Most entries a package may list (Word writes a dozen or two).
const MAX_ENTRIES: usize = 10_000;

/// Why a file is not a readable DOCX (messages in Russian).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// An old binary Word file (`.doc`).
    BinaryWord,
    /// A password-protected Office document.
    Encrypted,
    /// Not a ZIP archive.
    NotZip,
    /// A document of another known format (its name: "RTF", "PDF",
    /// "OpenDocument (.odt)"…).
    Other(&'static str),
    /// A ZIP archive, but not a Word document, or a broken one; the reason.
    Bad(String),
}

/// What a package tells about the document besides its body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Document {
    /// The body.
    pub blocks: Vec<Block>,
    /// `docProps/core.xml`: title.
    pub core_title: Option<String>,
    /// `docProps/core.xml`: subject.
    pub core_subject: Option<String>,
    /// `docProps/custom.xml`: name and text of each property.
    pub custom: Vec<(String, String)>,
}

impl Document {
    /// The custom property `name`.
    pub fn property(&self, name: &str) -> Option<&str> {
        self.custom.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// Reads a DOCX file's body and document properties.
pub fn read(bytes: &[u8]) -> Result<Document, ReadError> {
    const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    if bytes.starts_with(OLE) {
        // An OLE compound file: a password-protected OOXML package holds an
        // `EncryptedPackage` stream; anything else is old binary Word.
        let name: Vec<u8> = "EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes).collect();
        return Err(if bytes.windows(name.len()).any(|w| w == name) {
            ReadError::Encrypted
        } else {
            ReadError::BinaryWord
        });
    }
    if bytes.starts_with(b"{\\rtf") {
        return Err(ReadError::Other("RTF"));
    }
    if bytes.starts_with(b"%PDF") {
        return Err(ReadError::Other("PDF"));
    }
    if !bytes.starts_with(b"PK") {
        return Err(ReadError::NotZip);
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| ReadError::NotZip)?;
    if zip.len() > MAX_ENTRIES {
        return Err(ReadError::Bad(format!("в архиве {} частей — это не документ Word", zip.len())));
    }
    // Two parts of one name: which one Word would read is not known (the
    // archive was not written by Word), so none is guessed. The archive
    // reader keeps one entry a name: the end record's count tells.
    if declared_entries(bytes).is_some_and(|n| n > zip.len()) {
        let dup = duplicate_name(bytes).unwrap_or_default();
        return Err(ReadError::Bad(format!(
            "в архиве две части с именем «{dup}» — документ собран не Word или поврежден"
        )));
    }
    // Other Office packages, told by their parts.
    if let Some(mime) = part(&mut zip, "mimetype")? {
        if mime.contains("opendocument.text") {
            return Err(ReadError::Other("OpenDocument (.odt)"));
        }
    }
    if zip.index_for_name("xl/workbook.xml").is_some() {
        return Err(ReadError::Other("Excel (.xlsx)"));
    }
    let main = main_part(&mut zip)?;
    let xml = part(&mut zip, &main)?.ok_or_else(|| ReadError::Bad(format!("нет части «{main}»")))?;
    let blocks = body(&xml).map_err(|why| ReadError::Bad(format!("часть «{main}» повреждена: {why}")))?;
    let (core_title, core_subject) = match part(&mut zip, "docProps/core.xml")? {
        Some(core) => core_properties(&core),
        None => (None, None),
    };
    let custom = part(&mut zip, "docProps/custom.xml")?.map(|x| custom_properties(&x)).unwrap_or_default();
    let mut doc = Document { blocks, core_title, core_subject, custom };
    // otchet's own soft hyphens (one at every hyphenation point) are no
    // characters of the data; those typed stay.
    if doc.property(crate::render::docx::PROP_HYPHENATION) == Some(crate::render::docx::SOFT_HYPHENS) {
        for p in doc.blocks.iter_mut().flat_map(Block::paragraphs_mut) {
            if let std::borrow::Cow::Owned(t) = crate::render::pdf::hyphen::typed_soft_hyphens(&p.text) {
                p.text = t;
            }
        }
    }
    Ok(doc)
}

/// The main document part's name, from the package relationships
/// (`word/document.xml` when they do not say).
fn main_part(zip: &mut zip::ZipArchive<Cursor<&[u8]>>) -> Result<String, ReadError> {
    const OFFICE_DOCUMENT: &str = "/officeDocument";
    let Some(rels) = part(zip, "_rels/.rels")? else {
        return if zip.index_for_name("word/document.xml").is_some() {
            Ok("word/document.xml".into())
        } else {
            Err(ReadError::Bad("в архиве нет документа Word (word/document.xml)".into()))
        };
    };
    let mut reader = quick_xml::Reader::from_str(&rels);
    loop {
        match reader.read_event() {
            Ok(Event::Empty(e) | Event::Start(e)) if e.local_name().as_ref() == b"Relationship" => {
                let (mut kind, mut target) = (String::new(), String::new());
                for a in e.attributes().flatten() {
                    let v = a.unescape_value().map(std::borrow::Cow::into_owned).unwrap_or_default();
                    match a.key.local_name().as_ref() {
                        b"Type" => kind = v,
                        b"Target" => target = v,
                        _ => {}
                    }
                }
                if kind.ends_with(OFFICE_DOCUMENT) {
                    let name = target.trim_start_matches('/').to_string();
                    // Parts are read by name only; a name leaving the
                    // package root is refused.
                    if name.split('/').any(|s| s == ".." || s.is_empty()) || name.contains('\\') {
                        return Err(ReadError::Bad(format!("недопустимое имя основной части «{target}»")));
                    }
                    return Ok(name);
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    Err(ReadError::Bad("в архиве нет документа Word (нет основной части в _rels/.rels)".into()))
}

/// The number of entries the ZIP's end-of-central-directory record
/// declares (None for ZIP64 or when there is no such record).
fn declared_entries(bytes: &[u8]) -> Option<usize> {
    let from = bytes.len().saturating_sub(65_557);
    let at = bytes[from..].windows(4).rposition(|w| w == b"PK\x05\x06")? + from;
    let n = u16::from_le_bytes([*bytes.get(at + 10)?, *bytes.get(at + 11)?]);
    (n != 0xFFFF).then_some(usize::from(n))
}

/// The first name the central directory lists twice.
fn duplicate_name(bytes: &[u8]) -> Option<String> {
    let mut seen = std::collections::HashSet::new();
    let mut i = 0;
    while let Some(p) = bytes[i..].windows(4).position(|w| w == b"PK\x01\x02") {
        let at = i + p;
        let len = usize::from(u16::from_le_bytes([*bytes.get(at + 28)?, *bytes.get(at + 29)?]));
        let name = String::from_utf8_lossy(bytes.get(at + 46..at + 46 + len)?).into_owned();
        if !seen.insert(name.clone()) {
            return Some(name);
        }
        i = at + 4;
    }
    None
}

/// A part's text by name, at most [`MAX_PART_BYTES`] decompressed; `None`
/// when the package has no such part.
fn part(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str) -> Result<Option<String>, ReadError> {
    let file = match zip.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(zip::result::ZipError::UnsupportedArchive(why)) if why.contains("assword") => {
            return Err(ReadError::Encrypted)
        }
        Err(zip::result::ZipError::UnsupportedArchive(_)) => {
            return Err(ReadError::Bad(format!(
                "часть «{name}» сжата способом, которого нет в документах Word (архив собран не Word или поврежден)"
            )))
        }
        Err(_) => return Err(ReadError::Bad(format!("часть «{name}» не читается: архив поврежден"))),
    };
    if file.encrypted() {
        return Err(ReadError::Encrypted);
    }
    let too_big = || ReadError::Bad(format!("часть «{name}» больше {} МБ", MAX_PART_BYTES / (1024 * 1024)));
    if file.size() > MAX_PART_BYTES {
        return Err(too_big());
    }
    // The declared size may lie (a zip bomb): the read itself is bounded.
    let mut bytes = Vec::new();
    file.take(MAX_PART_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|_| ReadError::Bad(format!("часть «{name}» не распаковывается: сжатые данные повреждены")))?;
    if bytes.len() as u64 > MAX_PART_BYTES {
        return Err(too_big());
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF][..]).unwrap_or(&bytes).to_vec();
    String::from_utf8(bytes).map(Some).map_err(|_| ReadError::Bad(format!("часть «{name}» не в кодировке UTF-8")))
}

/// `dc:title` and `dc:subject` of the core properties.
fn core_properties(xml: &str) -> (Option<String>, Option<String>) {
    let mut reader = quick_xml::Reader::from_str(xml);
    let (mut title, mut subject) = (None, None);
    let mut current: Option<&mut Option<String>> = None;
    let mut text = String::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                text.clear();
                current = match e.local_name().as_ref() {
                    b"title" => Some(&mut title),
                    b"subject" => Some(&mut subject),
                    _ => None,
                };
            }
            Ok(Event::Text(t)) => text.push_str(&t.xml_content().unwrap_or_default()),
            Ok(Event::GeneralRef(r)) => push_reference(&mut text, &r),
            Ok(Event::End(_)) => {
                if let Some(slot) = current.take() {
                    let t = text.trim();
                    if !t.is_empty() {
                        *slot = Some(t.to_string());
                    }
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    (title, subject)
}

/// The custom properties with a text value (at most 64).
fn custom_properties(xml: &str) -> Vec<(String, String)> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    let mut name: Option<String> = None;
    let mut text = String::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) if e.local_name().as_ref() == b"property" => {
                name = val_named(&e, b"name");
                text.clear();
            }
            Ok(Event::Text(t)) if name.is_some() => text.push_str(&t.xml_content().unwrap_or_default()),
            Ok(Event::GeneralRef(r)) if name.is_some() => push_reference(&mut text, &r),
            Ok(Event::End(e)) if e.local_name().as_ref() == b"property" => {
                if let Some(n) = name.take() {
                    out.push((n, std::mem::take(&mut text)));
                }
                if out.len() >= 64 {
                    break;
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    out
}

impl Block {
    /// Every paragraph of the block: itself, or each of its cells'.
    fn paragraphs_mut(&mut self) -> Box<dyn Iterator<Item = &mut Paragraph> + '_> {
        match self {
            Block::Paragraph(p) => Box::new(std::iter::once(p)),
            Block::Table(t) => {
                Box::new(t.rows.iter_mut().flat_map(|r| r.cells.iter_mut()).flat_map(|c| c.paragraphs.iter_mut()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_word_encrypted_and_non_zip_files_are_told_apart() {
        let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        ole.extend("WordDocument".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(read(&ole), Err(ReadError::BinaryWord));
        ole.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(read(&ole), Err(ReadError::Encrypted));
        assert_eq!(read(b"hello"), Err(ReadError::NotZip));
        assert_eq!(read(b"{\\rtf1\\ansi"), Err(ReadError::Other("RTF")));
    }
}
