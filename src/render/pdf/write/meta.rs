//! Document-level parts: the PDF/A identification (XMP mirroring the Info
//! dictionary), the output intent, and the embedded source files.

use lopdf::{dictionary, Document as Pdf, Object, StringFormat};

use super::{Attachment, Meta};

/// The sRGB profile of the output intent (icc-profiles-free, zlib licence;
/// see `color/COPYRIGHT`).
pub(super) const SRGB_ICC: &[u8] = include_bytes!("../../../../color/sRGB.icc");

/// The XMP packet: PDF/A-3a and PDF/UA-1 identification (the PDF/UA
/// schema described by a PDF/A extension schema, as PDF/A requires of any
/// schema it does not predefine) and the Info entries again.
pub(super) fn xmp_packet(meta: &Meta<'_>) -> String {
    let esc = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
    let date = meta.date.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    format!(
        "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n\
         <x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n\
         <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n\
         <rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\" \
         xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\" xmlns:pdfuaid=\"http://www.aiim.org/pdfua/ns/id/\">\n\
         <pdfaid:part>3</pdfaid:part>\n<pdfaid:conformance>A</pdfaid:conformance>\n\
         <pdfuaid:part>1</pdfuaid:part>\n\
         <dc:format>application/pdf</dc:format>\n\
         <dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">{title}</rdf:li></rdf:Alt></dc:title>\n\
         <dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">{subject}</rdf:li></rdf:Alt></dc:description>\n\
         <dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>\n\
         <dc:language><rdf:Bag><rdf:li>{lang}</rdf:li></rdf:Bag></dc:language>\n\
         <xmp:CreatorTool>{creator}</xmp:CreatorTool>\n\
         <xmp:CreateDate>{date}</xmp:CreateDate>\n<xmp:ModifyDate>{date}</xmp:ModifyDate>\n\
         <xmp:MetadataDate>{date}</xmp:MetadataDate>\n\
         <pdf:Producer>{producer}</pdf:Producer>\n\
         </rdf:Description>\n\
         <rdf:Description rdf:about=\"\" xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\" \
         xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/schema#\" xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/property#\">\n\
         <pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType=\"Resource\">\n\
         <pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>\n\
         <pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>\n\
         <pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>\n\
         <pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType=\"Resource\">\n\
         <pdfaProperty:name>part</pdfaProperty:name>\n\
         <pdfaProperty:valueType>Integer</pdfaProperty:valueType>\n\
         <pdfaProperty:category>internal</pdfaProperty:category>\n\
         <pdfaProperty:description>Indicates, which part of ISO 14289 standard is followed</pdfaProperty:description>\n\
         </rdf:li></rdf:Seq></pdfaSchema:property>\n\
         </rdf:li></rdf:Bag></pdfaExtension:schemas>\n\
         </rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>",
        title = esc(meta.title),
        subject = esc(meta.subject),
        author = esc(meta.author),
        lang = esc(meta.language),
        creator = esc(meta.creator),
        producer = esc(meta.producer),
    )
}

/// A text string: ASCII as is, anything else UTF-16BE with a byte order mark.
pub(super) fn text(s: &str) -> Object {
    if s.is_ascii() {
        return Object::string_literal(s);
    }
    let mut bytes = vec![0xFE, 0xFF];
    for u in s.encode_utf16() {
        bytes.extend_from_slice(&u.to_be_bytes());
    }
    Object::String(bytes, StringFormat::Hexadecimal)
}

/// MIME type of the embedded files, as a PDF name.
const TOML_MIME: &str = "application/toml";

/// Embeds the source files as associated files of the document (PDF/A-3
/// §6.8: a file specification with /F, /UF, /Desc and /AFRelationship
/// /Source, the stream's MIME type and dates); returns the /AF array and
/// the /EmbeddedFiles name tree (names in byte order).
/// `packed[i]` is `files[i]` compressed (zlib).
pub(super) fn attachments(
    pdf: &mut Pdf,
    files: &[Attachment<'_>],
    packed: Vec<Vec<u8>>,
    date: &Object,
) -> Option<(Object, Object)> {
    if files.is_empty() {
        return None;
    }
    let mut af = Vec::new();
    let mut names: Vec<(Vec<u8>, Object)> = Vec::new();
    for (f, packed) in files.iter().zip(packed) {
        let stream = lopdf::Stream::new(
            dictionary! {
                "Type" => "EmbeddedFile",
                "Filter" => "FlateDecode",
                "Subtype" => Object::Name(TOML_MIME.as_bytes().to_vec()),
                "Params" => dictionary! {
                    "Size" => f.bytes.len() as i64,
                    // MD5 of the file (ISO 32000-1, table 46): extract tells
                    // a file edited inside the PDF after rendering.
                    "CheckSum" => Object::String(md5(f.bytes).to_vec(), lopdf::StringFormat::Hexadecimal),
                    "CreationDate" => date.clone(),
                    "ModDate" => date.clone(),
                },
            },
            packed,
        );
        let stream = pdf.add_object(stream);
        let spec = pdf.add_object(dictionary! {
            "Type" => "Filespec",
            "F" => text(f.name),
            "UF" => text(f.name),
            "Desc" => text(f.description),
            "AFRelationship" => "Source",
            "EF" => dictionary! { "F" => stream, "UF" => stream },
        });
        af.push(Object::Reference(spec));
        let Object::String(key, _) = text(f.name) else { unreachable!("text() gives a string") };
        names.push((key, Object::Reference(spec)));
    }
    names.sort_by(|a, b| a.0.cmp(&b.0));
    let names: Vec<Object> =
        names.into_iter().flat_map(|(key, spec)| [Object::String(key, StringFormat::Hexadecimal), spec]).collect();
    let tree = dictionary! { "EmbeddedFiles" => dictionary! { "Names" => names } };
    Some((Object::Array(af), Object::Dictionary(tree)))
}

/// The MD5 digest of `bytes` (the embedded-file checksum PDF defines).
fn md5(bytes: &[u8]) -> [u8; 16] {
    use md5::Digest;
    md5::Md5::digest(bytes).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_strings_are_utf16_when_not_ascii() {
        assert_eq!(text("otchet"), Object::string_literal("otchet"));
        assert_eq!(text("Ёж"), Object::String(vec![0xFE, 0xFF, 0x04, 0x01, 0x04, 0x36], StringFormat::Hexadecimal));
    }
}
