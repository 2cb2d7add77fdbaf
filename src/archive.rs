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
    /// Whether the bytes match the MD5 checksum the PDF gives for them
    /// (`None`: the PDF gives none). `Some(false)`: the file was changed
    /// inside the PDF after it was made.
    pub checksum_ok: Option<bool>,
}

/// Why the files could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// Not a PDF, or a damaged one.
    NotPdf(String),
    /// An embedded file is unusable (its name or its size).
    BadFile(String),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::NotPdf(why) | ReadError::BadFile(why) => f.write_str(why),
        }
    }
}

/// Most files taken from one PDF (otchet embeds one or two).
pub const MAX_FILES: usize = 64;
/// Most name-tree nodes visited (a tree that lists itself ends here).
const MAX_TREE_NODES: usize = 4096;
/// Most bytes taken from all embedded files together.
const MAX_TOTAL_BYTES: usize = 4 * MAX_EMBEDDED_BYTES;

/// Most bytes all the streams a PDF's loading unpacks (object and
/// cross-reference streams) may take together.
pub const MAX_UNPACKED_BYTES: usize = 64 * 1024 * 1024;
/// Most bytes one such stream may take.
const MAX_STREAM_BYTES: usize = 16 * 1024 * 1024;

/// What each stream unpacked while loading may take: the whole budget
/// shared by every stream the file could hold (each begins with the
/// keyword `stream`), so that many small bombs add up to no more than one.
fn stream_budget(pdf: &[u8]) -> usize {
    let streams = pdf.windows(6).filter(|w| *w == b"stream").count().max(1);
    (MAX_UNPACKED_BYTES / streams).min(MAX_STREAM_BYTES)
}

/// The files a PDF carries: those its catalog's `/AF` names, else those of
/// its `/EmbeddedFiles` name tree, in the PDF's order, each object read
/// once. Names are as the PDF gives them: [`safe_name`] makes one a file
/// name to write. The work is bounded: the name tree is walked once per
/// node, at most [`MAX_FILES`] files are taken, and each stream is
/// decompressed only up to [`MAX_EMBEDDED_BYTES`].
pub fn embedded_files(pdf: &[u8]) -> Result<Vec<EmbeddedFile>, ReadError> {
    described(pdf).map(|(_, files)| files)
}

/// The number of pages of a PDF and its embedded files (as
/// [`embedded_files`] reads them).
pub fn described(pdf: &[u8]) -> Result<(usize, Vec<EmbeddedFile>), ReadError> {
    let broken = || ReadError::NotPdf("структура файла повреждена или это не PDF".into());
    if !pdf.starts_with(b"%PDF-") && !pdf[..pdf.len().min(1024)].windows(5).any(|w| w == b"%PDF-") {
        return Err(ReadError::NotPdf("файл не начинается с заголовка %PDF".into()));
    }
    let options = lopdf::LoadOptions { max_decompressed_size: Some(stream_budget(pdf)), ..Default::default() };
    let doc = std::panic::catch_unwind(|| Document::load_mem_with_options(pdf, options))
        .map_err(|_| broken())?
        .map_err(|e| match e {
            lopdf::Error::Decompress(_) => ReadError::NotPdf(
                "сжатые части файла распаковываются в слишком большой объем (файл поврежден или составлен со злым умыслом)"
                    .into(),
            ),
            _ => broken(),
        })?;
    if doc.is_encrypted() {
        return Err(ReadError::NotPdf("файл зашифрован".into()));
    }
    let catalog = doc.catalog().map_err(|_| ReadError::NotPdf("в файле нет каталога документа".into()))?;
    let mut specs = Vec::new();
    if let Ok(af) = catalog.get(b"AF").and_then(|o| resolve(&doc, o).as_array()) {
        specs.extend(af.iter().cloned());
    } else if let Ok(names) = catalog.get(b"Names").map(|o| resolve(&doc, o)).and_then(Object::as_dict) {
        if let Ok(tree) = names.get(b"EmbeddedFiles") {
            let mut walk = TreeWalk::default();
            walk.values(&doc, tree, &mut specs);
        }
    }
    // Each object once: the same file specification (or stream) listed
    // again is the same file.
    let mut seen_specs = std::collections::HashSet::new();
    let mut seen_streams = std::collections::HashSet::new();
    let mut files = Vec::new();
    let mut total = 0usize;
    for spec in specs {
        if let Object::Reference(id) = spec {
            if !seen_specs.insert(id) {
                continue;
            }
        }
        let Ok(spec) = resolve(&doc, &spec).as_dict() else { continue };
        if files.len() == MAX_FILES {
            return Err(ReadError::BadFile(format!("в PDF больше {MAX_FILES} вложенных файлов")));
        }
        let Some(file) = read_spec(&doc, spec, &mut seen_streams)? else { continue };
        total += file.bytes.len();
        if total > MAX_TOTAL_BYTES {
            return Err(ReadError::BadFile(format!(
                "вложенные файлы вместе больше {} МБ",
                MAX_TOTAL_BYTES / (1024 * 1024)
            )));
        }
        files.push(file);
    }
    Ok((doc.get_pages().len(), files))
}

/// Follows a reference (one level; the PDF's own objects).
fn resolve<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    match o {
        Object::Reference(id) => doc.get_object(*id).unwrap_or(o),
        _ => o,
    }
}

/// A walk over a name tree that visits each node once, to a bounded depth
/// and number of nodes.
#[derive(Default)]
struct TreeWalk {
    visited: std::collections::HashSet<lopdf::ObjectId>,
    nodes: usize,
}

impl TreeWalk {
    /// The values of the tree at `node` (leaves' `/Names`, `/Kids`
    /// followed), into `out`.
    fn values(&mut self, doc: &Document, node: &Object, out: &mut Vec<Object>) {
        let mut stack = vec![(node.clone(), 0usize)];
        while let Some((node, depth)) = stack.pop() {
            if let Object::Reference(id) = node {
                if !self.visited.insert(id) {
                    continue;
                }
            }
            self.nodes += 1;
            if self.nodes > MAX_TREE_NODES || depth > 32 || out.len() > 2 * MAX_FILES {
                return;
            }
            let Ok(dict) = resolve(doc, &node).as_dict() else { continue };
            if let Ok(names) = dict.get(b"Names").map(|o| resolve(doc, o)).and_then(Object::as_array) {
                out.extend(names.iter().skip(1).step_by(2).take(2 * MAX_FILES).cloned());
            }
            if let Ok(kids) = dict.get(b"Kids").map(|o| resolve(doc, o)).and_then(Object::as_array) {
                // Reversed onto the stack: visited in the PDF's order.
                for kid in kids.iter().take(MAX_TREE_NODES).rev() {
                    stack.push((kid.clone(), depth + 1));
                }
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
        None => match bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
            // PDF 2.0's UTF-8 text strings.
            Some(utf8) => String::from_utf8_lossy(utf8).into_owned(),
            None => bytes.iter().map(|&b| char::from(b)).collect(),
        },
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

/// Longest file name written, in bytes (file systems allow 255; room is
/// left for the `-2` of a duplicate).
const MAX_NAME_BYTES: usize = 240;

/// Characters no file name of ours holds: control characters, the
/// invisible ones the loader knows ([`crate::text::is_invisible`]: bidi
/// controls such as U+202E, zero-width spaces, the byte order mark, soft
/// hyphen), and other characters that show as nothing in a name (line
/// separators, Hangul fillers, tags, deprecated format controls).
pub fn invisible(c: char) -> bool {
    c.is_control()
        || crate::text::is_invisible(c)
        || matches!(
            c,
            '\u{61C}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{3164}'
                | '\u{FFA0}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{2065}'
                | '\u{206A}'..='\u{206F}'
                | '\u{FFF0}'..='\u{FFFB}'
                | '\u{E0000}'..='\u{E007F}'
        )
}

/// A name as a message shows it: invisible characters made visible
/// (`<U+202E>`), so what the user reads is what the PDF holds.
pub fn shown(name: &str) -> String {
    name.chars().map(|c| if invisible(c) { format!("<U+{:04X}>", c as u32) } else { c.to_string() }).collect()
}

/// Windows device names (with any extension they still name the device).
fn device_name(stem: &str) -> bool {
    let s = stem.trim_end_matches([' ', '.']).to_ascii_uppercase();
    matches!(s.as_str(), "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$")
        || (s.len() == 4 && (s.starts_with("COM") || s.starts_with("LPT")) && s.as_bytes()[3].is_ascii_digit())
        || ((s.starts_with("COM") || s.starts_with("LPT"))
            && ["¹", "²", "³"].iter().any(|d| s.ends_with(d))
            && s.chars().count() == 4)
}

/// The name an embedded data file is written under when the user did not
/// name it: the PDF's name made safe on Windows and Linux — no directories,
/// no characters Windows refuses (`\ / : * ? " < > |`, replaced by `_`), no
/// invisible characters (dropped), not hidden (leading dots dropped), not a
/// device name (`_` put before), no longer than file systems allow (the
/// stem shortened), ending in `.toml`. `None` when the name is already
/// safe; else the new name.
pub fn safe_name(name: &str) -> Option<String> {
    let trimmed = name.trim().trim_end_matches(['.', ' ']).trim();
    let has_toml = trimmed.len() > 5
        && trimmed.is_char_boundary(trimmed.len() - 5)
        && trimmed[trimmed.len() - 5..].eq_ignore_ascii_case(".toml");
    let (stem, ext) = if has_toml { trimmed.split_at(trimmed.len() - 5) } else { (trimmed, ".toml") };
    let safe = format!("{}{ext}", safe_stem(stem, MAX_NAME_BYTES - ext.len()));
    (safe != name).then_some(safe)
}

/// A file name's stem safe on Windows and Linux (see [`safe_name`]), at
/// most `max` bytes; `data` when nothing is left.
pub fn safe_stem(stem: &str, max: usize) -> String {
    let mut s: String =
        stem.chars()
            .filter(|&c| !invisible(c))
            .map(|c| {
                if matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') || c.is_control() {
                    '_'
                } else {
                    c
                }
            })
            .collect();
    s = s.trim().trim_start_matches('.').trim_end_matches(['.', ' ']).trim().to_string();
    if s.is_empty() {
        s = "data".into();
    }
    let first = s.split('.').next().unwrap_or_default();
    if device_name(first) {
        s.insert(0, '_');
    }
    while s.len() > max {
        s.pop();
    }
    s.trim_end_matches(['.', ' ']).to_string()
}

fn read_spec(
    doc: &Document,
    spec: &Dictionary,
    seen: &mut std::collections::HashSet<lopdf::ObjectId>,
) -> Result<Option<EmbeddedFile>, ReadError> {
    let name_of =
        |key: &[u8]| spec.get(key).ok().map(|o| resolve(doc, o)).and_then(|o| o.as_str().ok()).map(decode_text);
    let name = name_of(b"UF").or_else(|| name_of(b"F")).unwrap_or_default();
    let shown = crate::text::excerpt(&shown(&name), 80);
    let ef = spec
        .get(b"EF")
        .map(|o| resolve(doc, o))
        .and_then(Object::as_dict)
        .map_err(|_| ReadError::BadFile(format!("у вложенного файла «{shown}» нет содержимого")))?;
    let reference = ef.get(b"UF").or_else(|_| ef.get(b"F")).ok();
    if let Some(Object::Reference(id)) = reference {
        if !seen.insert(*id) {
            return Ok(None);
        }
    }
    let stream = reference
        .map(|o| resolve(doc, o))
        .and_then(|o| o.as_stream().ok())
        .ok_or_else(|| ReadError::BadFile(format!("у вложенного файла «{shown}» нет содержимого")))?;
    // The file's parameters: its size and checksum, when given.
    let param = |key: &[u8]| {
        stream.dict.get(b"Params").map(|o| resolve(doc, o)).and_then(Object::as_dict).and_then(|p| p.get(key)).ok()
    };
    let declared = param(b"Size").and_then(|o| o.as_i64().ok());
    let too_big = || ReadError::BadFile(format!("вложенный файл «{shown}» слишком велик"));
    if declared.is_some_and(|n| n < 0 || n as u64 > MAX_EMBEDDED_BYTES as u64) {
        return Err(too_big());
    }
    let bytes = match stream.dict.get(b"Filter").map(|o| resolve(doc, o)) {
        Err(_) => stream.content.clone(),
        Ok(filter) => {
            let flate = match filter {
                Object::Name(n) => n == b"FlateDecode",
                Object::Array(a) => {
                    a.len() == 1 && matches!(resolve(doc, &a[0]), Object::Name(n) if n == b"FlateDecode")
                }
                _ => false,
            };
            if !flate || stream.dict.has(b"DecodeParms") {
                return Err(ReadError::BadFile(format!(
                    "вложенный файл «{shown}» сжат способом, которого otchet не знает (не FlateDecode)"
                )));
            }
            inflate_bounded(&stream.content, MAX_EMBEDDED_BYTES)
                .map_err(|why| ReadError::BadFile(format!("вложенный файл «{shown}»: {why}")))?
        }
    };
    if bytes.len() > MAX_EMBEDDED_BYTES {
        return Err(too_big());
    }
    if declared.is_some_and(|n| n as usize != bytes.len()) {
        return Err(ReadError::BadFile(format!("вложенный файл «{shown}» поврежден: размер не совпадает")));
    }
    let checksum = param(b"CheckSum").and_then(|o| o.as_str().ok());
    let checksum_ok = checksum.map(|c| {
        use md5::Digest;
        c == md5::Md5::digest(&bytes).as_slice()
    });
    Ok(Some(EmbeddedFile { name, bytes, checksum_ok }))
}

/// Decompresses zlib data, never more than `limit + 1` bytes: a small
/// stream that would inflate to gigabytes stops at the limit.
fn inflate_bounded(data: &[u8], limit: usize) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::ZlibDecoder::new(data)
        .take(limit as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|_| "сжатые данные повреждены".to_string())?;
    if out.len() > limit {
        return Err(format!("больше {} МБ после распаковки", limit / (1024 * 1024)));
    }
    Ok(out)
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

    #[test]
    fn names_are_made_safe() {
        let cases = [
            ("2020-q4.toml", None),
            ("отчет за IV квартал.toml", None),
            (".bash_profile", Some("bash_profile.toml")),
            ("Makefile", Some("Makefile.toml")),
            ("evil\u{202E}lmot.exe", Some("evillmot.exe.toml")),
            ("CON.toml", Some("_CON.toml")),
            ("aux.txt.toml", Some("_aux.txt.toml")),
            ("com1", Some("_com1.toml")),
            ("2020-12-31 10:00 отчет.toml", Some("2020-12-31 10_00 отчет.toml")),
            ("a\\b.toml", Some("a_b.toml")),
            ("../../x.toml", Some("_.._x.toml")),
            ("", Some("data.toml")),
            ("\u{200B}", Some("data.toml")),
            ("q4.TOML", None),
        ];
        for (name, want) in cases {
            assert_eq!(safe_name(name).as_deref(), want, "{name:?}");
        }
        let long = format!("{}.toml", "ж".repeat(300));
        let safe = safe_name(&long).unwrap();
        assert!(safe.len() <= MAX_NAME_BYTES && safe.ends_with(".toml"), "{}", safe.len());
        assert_eq!(safe_name(&safe), None, "a safe name stays");
    }

    #[test]
    fn inflation_stops_at_the_limit() {
        use std::io::Write;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        z.write_all(&vec![0u8; 10_000_000]).unwrap();
        let bomb = z.finish().unwrap();
        assert!(bomb.len() < 20_000);
        let err = inflate_bounded(&bomb, 1024 * 1024).unwrap_err();
        assert!(err.contains("больше 1 МБ"), "{err}");
        assert_eq!(inflate_bounded(&bomb, 10_000_000).unwrap().len(), 10_000_000);
    }
}
