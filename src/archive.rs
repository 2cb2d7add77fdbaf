//! What an archived report PDF carries: the source files it was made from
//! (PDF/A-3 associated files), read back byte for byte.

use lopdf::{Dictionary, Document, Object};

/// Largest embedded file taken back (the largest input otchet reads).
pub const MAX_EMBEDDED_BYTES: usize = crate::load::MAX_FILE_BYTES as usize;

/// A file embedded in a PDF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmbeddedFile {
    /// A plain file name (no directories).
    pub name: String,
    /// Its bytes, exactly as embedded.
    pub bytes: Vec<u8>,
}

/// Why the files could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// Not a PDF, or a damaged one.
    NotPdf(String),
    /// An embedded file is unusable (its name or its size).
    BadFile(String),
}

/// The files a PDF carries: those its catalog's `/AF` names, else those of
/// its `/EmbeddedFiles` name tree, in the PDF's order. Names are plain file
/// names (a name with directories or `..` is refused, never followed).
pub fn embedded_files(pdf: &[u8]) -> Result<Vec<EmbeddedFile>, ReadError> {
    let doc = Document::load_mem(pdf).map_err(|e| ReadError::NotPdf(e.to_string()))?;
    if doc.is_encrypted() {
        return Err(ReadError::NotPdf("файл зашифрован".into()));
    }
    let catalog = doc.catalog().map_err(|e| ReadError::NotPdf(e.to_string()))?;
    let mut specs = Vec::new();
    if let Ok(af) = catalog.get(b"AF").and_then(|o| resolve(&doc, o).as_array()) {
        specs.extend(af.iter().cloned());
    } else if let Ok(names) = catalog.get(b"Names").map(|o| resolve(&doc, o)).and_then(Object::as_dict) {
        if let Ok(tree) = names.get(b"EmbeddedFiles").map(|o| resolve(&doc, o)).and_then(Object::as_dict) {
            name_tree_values(&doc, tree, &mut specs, 0);
        }
    }
    let mut files = Vec::new();
    for spec in specs {
        let Ok(spec) = resolve(&doc, &spec).as_dict() else { continue };
        files.push(read_spec(&doc, spec)?);
    }
    Ok(files)
}

/// Follows a reference (one level; the PDF's own objects).
fn resolve<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    match o {
        Object::Reference(id) => doc.get_object(*id).unwrap_or(o),
        _ => o,
    }
}

/// The values of a name tree (leaves' `/Names`, `/Kids` followed to a
/// bounded depth).
fn name_tree_values(doc: &Document, node: &Dictionary, out: &mut Vec<Object>, depth: usize) {
    if depth > 32 {
        return;
    }
    if let Ok(names) = node.get(b"Names").map(|o| resolve(doc, o)).and_then(Object::as_array) {
        out.extend(names.iter().skip(1).step_by(2).cloned());
    }
    if let Ok(kids) = node.get(b"Kids").map(|o| resolve(doc, o)).and_then(Object::as_array) {
        for kid in kids {
            if let Ok(kid) = resolve(doc, kid).as_dict() {
                name_tree_values(doc, kid, out, depth + 1);
            }
        }
    }
}

/// A PDF text string: UTF-16BE with a byte order mark, else one byte a
/// character (PDFDocEncoding agrees with Latin-1 on printable ASCII, which
/// is what a file name of another producer would hold).
fn decode_text(bytes: &[u8]) -> String {
    match bytes.strip_prefix(&[0xFE, 0xFF]) {
        Some(be) => {
            let units: Vec<u16> = be.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
            String::from_utf16_lossy(&units)
        }
        None => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

/// Is `name` a plain file name to write beside other files?
pub fn is_plain_name(name: &str) -> bool {
    !name.trim().is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\', ':'])
        && !name.chars().any(char::is_control)
}

fn read_spec(doc: &Document, spec: &Dictionary) -> Result<EmbeddedFile, ReadError> {
    let name_of =
        |key: &[u8]| spec.get(key).ok().map(|o| resolve(doc, o)).and_then(|o| o.as_str().ok()).map(decode_text);
    let name = name_of(b"UF").or_else(|| name_of(b"F")).unwrap_or_default();
    if !is_plain_name(&name) {
        return Err(ReadError::BadFile(format!("недопустимое имя вложенного файла «{name}»")));
    }
    let ef = spec
        .get(b"EF")
        .map(|o| resolve(doc, o))
        .and_then(Object::as_dict)
        .map_err(|_| ReadError::BadFile(format!("у вложенного файла «{name}» нет содержимого")))?;
    let stream = ef
        .get(b"UF")
        .or_else(|_| ef.get(b"F"))
        .map(|o| resolve(doc, o))
        .and_then(Object::as_stream)
        .map_err(|_| ReadError::BadFile(format!("у вложенного файла «{name}» нет содержимого")))?;
    let declared = stream
        .dict
        .get(b"Params")
        .map(|o| resolve(doc, o))
        .and_then(Object::as_dict)
        .and_then(|p| p.get(b"Size"))
        .and_then(Object::as_i64)
        .ok();
    let too_big = || ReadError::BadFile(format!("вложенный файл «{name}» слишком велик"));
    if declared.is_some_and(|n| n < 0 || n as u64 > MAX_EMBEDDED_BYTES as u64) {
        return Err(too_big());
    }
    let bytes = if stream.dict.has(b"Filter") {
        stream.decompressed_content().map_err(|e| ReadError::BadFile(format!("вложенный файл «{name}»: {e}")))?
    } else {
        stream.content.clone()
    };
    if bytes.len() > MAX_EMBEDDED_BYTES {
        return Err(too_big());
    }
    if declared.is_some_and(|n| n as usize != bytes.len()) {
        return Err(ReadError::BadFile(format!("вложенный файл «{name}» поврежден: размер не совпадает")));
    }
    Ok(EmbeddedFile { name, bytes })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_with_directories_are_not_plain() {
        for bad in ["", " ", ".", "..", "../x.toml", "a/b.toml", "a\\b.toml", "C:x.toml", "a\nb"] {
            assert!(!is_plain_name(bad), "{bad:?}");
        }
        for good in ["2020-q4.toml", "отчет за IV квартал.toml", "..x.toml"] {
            assert!(is_plain_name(good), "{good:?}");
        }
    }

    #[test]
    fn text_strings_decode_both_encodings() {
        assert_eq!(decode_text(&[0xFE, 0xFF, 0x04, 0x01, 0x00, 0x2E]), "Ё.");
        assert_eq!(decode_text(b"q4.toml"), "q4.toml");
    }

    #[test]
    fn not_a_pdf_is_refused() {
        assert!(matches!(embedded_files(b"PK\x03\x04 not a pdf"), Err(ReadError::NotPdf(_))));
    }
}
