//! The file itself: lopdf's objects written one by one, the many small
//! structure objects packed into compressed object streams, and a
//! cross-reference stream (PDF 1.5+, allowed by PDF/A-2 and -3) that finds
//! both. Object order, stream contents and compression are fixed, so the
//! same document gives the same bytes.

use lopdf::{Document as Pdf, Object, StringFormat};

/// Objects already written as PDF text, to go into object streams.
#[derive(Default)]
pub(super) struct Raw {
    ids: Vec<u32>,
    /// Where each object's text starts in `text`.
    starts: Vec<usize>,
    text: Vec<u8>,
}

impl Raw {
    pub(super) fn push(&mut self, id: u32, object: &str) {
        self.ids.push(id);
        self.starts.push(self.text.len());
        self.text.extend_from_slice(object.as_bytes());
    }

    /// The highest object number used (0 when empty).
    pub(super) fn max_id(&self) -> u32 {
        self.ids.iter().copied().max().unwrap_or(0)
    }

    fn object(&self, i: usize) -> &[u8] {
        let end = self.starts.get(i + 1).copied().unwrap_or(self.text.len());
        &self.text[self.starts[i]..end]
    }
}

/// Objects per object stream.
const PER_STREAM: usize = 200;

/// Where an object is: at a byte offset, or the n-th of an object stream.
#[derive(Clone, Copy)]
enum Entry {
    Free,
    At(usize),
    InStream(u32, u16),
}

/// Writes the whole file: `pdf`'s objects (its trailer's Root, Info and
/// ID go into the cross-reference stream) and `raw` in object streams.
pub(super) fn save(pdf: &Pdf, raw: &Raw, compress: &mut super::content::Packer) -> Result<Vec<u8>, String> {
    let mut out: Vec<u8> = Vec::with_capacity(1 << 20);
    out.extend_from_slice(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n");
    let last_plain = pdf.objects.keys().map(|id| id.0).max().unwrap_or(0);
    let mut next = last_plain.max(raw.max_id()) + 1;
    let streams = raw.ids.len().div_ceil(PER_STREAM) as u32;
    let xref_id = next + streams;
    let mut entries = vec![Entry::Free; xref_id as usize + 1];

    for (&(id, _), object) in &pdf.objects {
        entries[id as usize] = Entry::At(out.len());
        out.extend_from_slice(format!("{id} 0 obj\n").as_bytes());
        write_object(&mut out, object);
        out.extend_from_slice(b"\nendobj\n");
    }

    // Object streams: "number offset" pairs, then the objects; compressed
    // on two threads (each with its compressor), written in order.
    let chunks: Vec<std::ops::Range<usize>> = (0..raw.ids.len().div_ceil(PER_STREAM))
        .map(|c| c * PER_STREAM..((c + 1) * PER_STREAM).min(raw.ids.len()))
        .collect();
    let pack_chunk = |packer: &mut super::content::Packer, range: &std::ops::Range<usize>| {
        let mut header = String::new();
        let mut body = Vec::new();
        for i in range.clone() {
            header.push_str(&format!("{} {} ", raw.ids[i], body.len()));
            body.extend_from_slice(raw.object(i));
            body.push(b'\n');
        }
        let first = header.len();
        let mut data = header.into_bytes();
        data.extend_from_slice(&body);
        packer.pack(&data).map(|packed| (first, packed))
    };
    let half = chunks.len() / 2;
    let packed: Vec<(usize, Vec<u8>)> = std::thread::scope(|s| {
        let second = s.spawn(|| {
            let mut packer = super::content::Packer::new();
            chunks[half..].iter().map(|r| pack_chunk(&mut packer, r)).collect::<Result<Vec<_>, String>>()
        });
        let mut first: Vec<_> =
            chunks[..half].iter().map(|r| pack_chunk(compress, r)).collect::<Result<_, String>>()?;
        first.extend(second.join().map_err(|_| "object stream packer panicked".to_string())??);
        Ok::<_, String>(first)
    })?;
    for (range, (first, packed)) in chunks.iter().zip(packed) {
        for (n, i) in range.clone().enumerate() {
            entries[raw.ids[i] as usize] = Entry::InStream(next, n as u16);
        }
        entries[next as usize] = Entry::At(out.len());
        out.extend_from_slice(
            format!(
                "{next} 0 obj\n<</Type/ObjStm/N {}/First {first}/Filter/FlateDecode/Length {}>>\nstream\n",
                range.len(),
                packed.len()
            )
            .as_bytes(),
        );
        out.extend_from_slice(&packed);
        out.extend_from_slice(b"\nendstream\nendobj\n");
        next += 1;
    }

    // The cross-reference stream: type, offset or stream, generation or
    // index (1 + 4 + 2 bytes a row).
    entries[xref_id as usize] = Entry::At(out.len());
    let mut rows = Vec::with_capacity(entries.len() * 7);
    for (i, e) in entries.iter().enumerate() {
        let (kind, field, extra) = match *e {
            Entry::Free if i == 0 => (0u8, 0u32, 0xFFFFu16),
            Entry::Free => (0, 0, 0),
            Entry::At(offset) => (1, u32::try_from(offset).map_err(|_| "PDF larger than 4 GB".to_string())?, 0),
            Entry::InStream(stream, n) => (2, stream, n),
        };
        rows.push(kind);
        rows.extend_from_slice(&field.to_be_bytes());
        rows.extend_from_slice(&extra.to_be_bytes());
    }
    let packed = compress.pack(&rows)?;
    let mut trailer = Vec::new();
    for key in [&b"Root"[..], b"Info", b"ID"] {
        if let Ok(v) = pdf.trailer.get(key) {
            trailer.push(b'/');
            trailer.extend_from_slice(key);
            trailer.push(b' ');
            write_object(&mut trailer, v);
        }
    }
    out.extend_from_slice(format!("{xref_id} 0 obj\n<</Type/XRef/Size {}/W[1 4 2]", entries.len()).as_bytes());
    out.extend_from_slice(&trailer);
    out.extend_from_slice(format!("/Filter/FlateDecode/Length {}>>\nstream\n", packed.len()).as_bytes());
    out.extend_from_slice(&packed);
    out.extend_from_slice(b"\nendstream\nendobj\n");
    let Entry::At(start) = entries[xref_id as usize] else { unreachable!("the xref stream was placed") };
    out.extend_from_slice(format!("startxref\n{start}\n%%EOF\n").as_bytes());
    Ok(out)
}

/// Writes an object as PDF text (lopdf keeps its writer private).
fn write_object(out: &mut Vec<u8>, o: &Object) {
    match o {
        Object::Null => out.extend_from_slice(b"null"),
        Object::Boolean(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Object::Integer(i) => out.extend_from_slice(i.to_string().as_bytes()),
        Object::Real(r) => out.extend_from_slice(r.to_string().as_bytes()),
        Object::Name(name) => {
            out.push(b'/');
            for &b in name {
                if b"()<>[]{}/%#".contains(&b) || !(33..=126).contains(&b) {
                    out.extend_from_slice(format!("#{b:02X}").as_bytes());
                } else {
                    out.push(b);
                }
            }
        }
        Object::String(bytes, StringFormat::Hexadecimal) => {
            out.push(b'<');
            for b in bytes {
                out.extend_from_slice(format!("{b:02X}").as_bytes());
            }
            out.push(b'>');
        }
        Object::String(bytes, StringFormat::Literal) => {
            out.push(b'(');
            for &b in bytes {
                super::content::push_literal_byte(out, b);
            }
            out.push(b')');
        }
        Object::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                write_object(out, item);
            }
            out.push(b']');
        }
        Object::Dictionary(d) => write_dictionary(out, d),
        Object::Stream(stream) => {
            let mut dict = stream.dict.clone();
            dict.set("Length", stream.content.len() as i64);
            write_dictionary(out, &dict);
            out.extend_from_slice(b"\nstream\n");
            out.extend_from_slice(&stream.content);
            out.extend_from_slice(b"\nendstream");
        }
        Object::Reference((id, generation)) => out.extend_from_slice(format!("{id} {generation} R").as_bytes()),
    }
}

fn write_dictionary(out: &mut Vec<u8>, d: &lopdf::Dictionary) {
    out.extend_from_slice(b"<<");
    for (k, v) in d {
        write_object(out, &Object::Name(k.clone()));
        out.push(b' ');
        write_object(out, v);
    }
    out.extend_from_slice(b">>");
}

/// An object as PDF text.
#[cfg(test)]
fn text(o: &Object) -> String {
    let mut v = Vec::new();
    write_object(&mut v, o);
    String::from_utf8(v).unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::dictionary;

    #[test]
    fn raw_objects_come_back_from_their_streams() {
        let mut pdf = Pdf::with_version("1.7");
        let catalog = pdf.add_object(dictionary! { "Type" => "Catalog", "Test" => Object::Reference((3, 0)) });
        pdf.trailer.set("Root", catalog);
        let mut raw = Raw::default();
        for id in 2..500 {
            raw.push(id, &format!("<</N {id}>>"));
        }
        let bytes = save(&pdf, &raw, &mut super::super::content::Packer::new()).unwrap();
        let back = Pdf::load_mem(&bytes).unwrap();
        for id in [2u32, 3, 201, 202, 499] {
            let d = back.get_object((id, 0)).unwrap().as_dict().unwrap();
            assert_eq!(d.get(b"N").unwrap().as_i64().unwrap(), i64::from(id));
        }
        assert_eq!(text(back.trailer.get(b"Root").unwrap()), "1 0 R");
    }

    #[test]
    fn objects_are_written_as_pdf_text() {
        let d = dictionary! {
            "Type" => "EmbeddedFile",
            "Subtype" => Object::Name(b"application/toml".to_vec()),
            "A" => vec![Object::Integer(-3), Object::Real(841.89), Object::Boolean(true), Object::Null],
            "S" => Object::string_literal("a(b)\\c"),
            "H" => Object::String(vec![0xFE, 0xFF], StringFormat::Hexadecimal),
        };
        assert_eq!(
            text(&Object::Dictionary(d)),
            "<</Type /EmbeddedFile/Subtype /application#2Ftoml/A [-3 841.89 true null]/S (a\\(b\\)\\\\c)/H <FEFF>>>"
        );
    }
}
