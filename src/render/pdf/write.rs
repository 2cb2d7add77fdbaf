//! Serializes laid-out pages to PDF bytes.
//!
//! printpdf parses the embedded fonts and subsets them; the objects are
//! assembled and written with lopdf; page content streams are written here
//! directly, straight from the positioned lines, and compressed page by page
//! (printpdf's own page serialization held every operation of a 10,000-event
//! report several times over and dominated its time). Fonts are Type 0 /
//! Identity-H CID fonts with a width array and a ToUnicode map, so text can
//! be searched and copied; resource names, subset tags, object order, dates
//! and the document id are fixed, so the same input gives the same bytes.

use std::collections::BTreeMap;

use lopdf::{dictionary, Dictionary, Document as Pdf, Object, ObjectId, Stream, StringFormat};
use printpdf::ParsedFont;

use super::engine::{Page, Sheet};
use crate::fonts::Metrics;

/// Document information (Info dictionary and XMP).
pub struct Meta<'a> {
    pub title: &'a str,
    pub subject: &'a str,
    pub author: &'a str,
    pub creator: &'a str,
    pub producer: &'a str,
    pub language: &'a str,
    /// Creation and modification time.
    pub date: chrono::DateTime<chrono::Utc>,
    /// Stable document id (the trailer's /ID).
    pub id: [u8; 16],
}

/// One embedded face.
pub struct Face<'a> {
    /// Resource name and subset tag (six capital letters).
    pub tag: &'static str,
    pub postscript_name: &'a str,
    pub metrics: &'a Metrics,
    /// None for a fallback face no text uses (it is not embedded).
    pub parsed: Option<&'a ParsedFont>,
    /// Weight class for the descriptor's StemV.
    pub stem_v: i64,
}

/// Glyphs of one face used by the document: old glyph id -> text.
struct Usage {
    used: BTreeMap<u16, String>,
    /// Old glyph id -> subset glyph id (0: unused).
    new_id: Vec<u16>,
}

/// A worker's output: (batch sequence number, compressed page streams).
type Packed = Vec<(usize, Vec<Vec<u8>>)>;

/// Pages handed from the layout to the compressing workers in batches of
/// this many.
const BATCH: usize = 32;

/// Writes the PDF. `faces` are the regular and bold faces, then their
/// fallbacks (see [`super::face_index`]); `used[k]` are the glyphs face `k`
/// may show (glyph id -> the text it stands for). `produce` lays the pages out, handing each to the callback
/// as it is done; pages are written and compressed by worker threads (one
/// per core, batches put back in page order) while the layout goes on, so
/// a long report is never held whole and the bytes do not depend on the
/// number of threads.
pub fn write(
    sheet: Sheet,
    faces: &[Face<'_>],
    meta: &Meta<'_>,
    used: [BTreeMap<u16, String>; 4],
    produce: impl FnOnce(&mut dyn FnMut(Page)),
) -> Result<Vec<u8>, String> {
    let mut pdf = Pdf::with_version("1.7");
    let pages_id = pdf.new_object_id();

    // 1. Fonts: subset, then the dictionaries.
    let mut usage = Vec::new();
    let mut font_ids = Vec::new();
    for (face, used) in faces.iter().zip(used) {
        let mut u = Usage { new_id: vec![0; face.metrics.glyph_advance.len()], used };
        let Some(parsed) = face.parsed else {
            usage.push(u);
            font_ids.push(None);
            continue;
        };
        let subset = printpdf::subset_font(parsed, &u.used)?;
        for (&old, &(new, _)) in &subset.glyph_mapping {
            if let Some(slot) = u.new_id.get_mut(usize::from(old)) {
                *slot = new;
            }
        }
        font_ids.push(Some(font_objects(&mut pdf, face, &u, &subset.bytes)));
        usage.push(u);
    }

    // 2. Pages: laid out here, written and compressed by a worker.
    let usage = &usage;
    let workers = std::thread::available_parallelism().map_or(1, std::num::NonZero::get).clamp(1, 4);
    let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, Vec<Page>)>(2 * workers);
    let rx = std::sync::Mutex::new(rx);
    let rx = &rx;
    let streams = std::thread::scope(move |s| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                s.spawn(move || -> Result<Packed, String> {
                    let mut packer = Packer::new();
                    let mut content = Vec::with_capacity(64 * 1024);
                    let mut out = Vec::new();
                    loop {
                        let next = rx.lock().map_err(|_| "PDF page queue poisoned".to_string())?.recv();
                        let Ok((seq, batch)) = next else { break };
                        let mut packed = Vec::with_capacity(batch.len());
                        for page in batch {
                            content.clear();
                            page_content(&mut content, &page, sheet, faces, usage);
                            packed.push(packer.pack(&content)?);
                        }
                        out.push((seq, packed));
                    }
                    Ok(out)
                })
            })
            .collect();
        let mut batch = Vec::with_capacity(BATCH);
        let mut seq = 0;
        produce(&mut |page| {
            batch.push(page);
            if batch.len() == BATCH {
                // A send fails only if the workers stopped, with an error
                // that join() reports.
                let _ = tx.send((seq, std::mem::replace(&mut batch, Vec::with_capacity(BATCH))));
                seq += 1;
            }
        });
        if !batch.is_empty() {
            let _ = tx.send((seq, batch));
        }
        drop(tx);
        // Batches back in page order, whichever worker packed them.
        let mut all = Vec::new();
        for h in handles {
            all.extend(h.join().map_err(|_| "PDF page writer panicked".to_string())??);
        }
        all.sort_unstable_by_key(|&(seq, _)| seq);
        Ok::<_, String>(all.into_iter().flat_map(|(_, packed)| packed).collect::<Vec<_>>())
    })?;

    // 3. Pages, each content stream compressed as soon as it is written.
    let mut fonts = Dictionary::new();
    for (face, id) in faces.iter().zip(&font_ids) {
        if let Some(id) = id {
            fonts.set(face.tag, *id);
        }
    }
    let resources = pdf.add_object(dictionary! { "Font" => fonts });
    let mut kids = Vec::with_capacity(streams.len());
    for packed in streams {
        let stream = Stream::new(dictionary! { "Filter" => "FlateDecode" }, packed);
        let contents = pdf.add_object(stream);
        let id = pdf.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), Object::Real(sheet.width), Object::Real(sheet.height)],
            "Resources" => resources,
            "Contents" => contents,
        });
        kids.push(Object::Reference(id));
    }
    let count = kids.len() as i64;
    pdf.objects
        .insert(pages_id, Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }));

    // 4. PDF/A-2b: XMP metadata mirroring the Info dictionary, and an sRGB
    // output intent (the default DeviceGray black needs one).
    let mut xmp = Stream::new(dictionary! { "Type" => "Metadata", "Subtype" => "XML" }, xmp_packet(meta).into_bytes());
    xmp.allows_compression = false;
    let xmp = pdf.add_object(xmp);
    let mut icc = Stream::new(dictionary! { "N" => 3 }, SRGB_ICC.to_vec());
    let _ = icc.compress();
    let icc = pdf.add_object(icc);
    let intent = dictionary! {
        "Type" => "OutputIntent",
        "S" => "GTS_PDFA1",
        "OutputConditionIdentifier" => Object::string_literal("sRGB IEC61966-2.1"),
        "Info" => Object::string_literal("sRGB IEC61966-2.1"),
        "DestOutputProfile" => icc,
    };

    // 5. Catalog, Info, trailer.
    let catalog = pdf.add_object(dictionary! {
        "Type" => "Catalog",
        "Pages" => pages_id,
        "Lang" => text(meta.language),
        "Metadata" => xmp,
        "OutputIntents" => vec![Object::Dictionary(intent)],
    });
    let date = Object::string_literal(meta.date.format("D:%Y%m%d%H%M%S+00'00'").to_string());
    let info = pdf.add_object(dictionary! {
        "Title" => text(meta.title),
        "Subject" => text(meta.subject),
        "Author" => text(meta.author),
        "Creator" => text(meta.creator),
        "Producer" => text(meta.producer),
        "CreationDate" => date.clone(),
        "ModDate" => date,
    });
    pdf.trailer.set("Root", catalog);
    pdf.trailer.set("Info", info);
    let id = Object::String(meta.id.to_vec(), StringFormat::Hexadecimal);
    pdf.trailer.set("ID", vec![id.clone(), id]);

    let mut out = Vec::new();
    pdf.save_to(&mut out).map_err(|e| e.to_string())?;
    Ok(out)
}

/// The sRGB profile of the output intent (icc-profiles-free, zlib licence;
/// see `color/COPYRIGHT`).
const SRGB_ICC: &[u8] = include_bytes!("../../../color/sRGB.icc");

/// The XMP packet: PDF/A-2b identification and the Info entries again.
fn xmp_packet(meta: &Meta<'_>) -> String {
    let esc = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
    let date = meta.date.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    format!(
        "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n\
         <x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n\
         <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n\
         <rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\" \
         xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">\n\
         <pdfaid:part>2</pdfaid:part>\n<pdfaid:conformance>B</pdfaid:conformance>\n\
         <dc:format>application/pdf</dc:format>\n\
         <dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">{title}</rdf:li></rdf:Alt></dc:title>\n\
         <dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">{subject}</rdf:li></rdf:Alt></dc:description>\n\
         <dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>\n\
         <dc:language><rdf:Bag><rdf:li>{lang}</rdf:li></rdf:Bag></dc:language>\n\
         <xmp:CreatorTool>{creator}</xmp:CreatorTool>\n\
         <xmp:CreateDate>{date}</xmp:CreateDate>\n<xmp:ModifyDate>{date}</xmp:ModifyDate>\n\
         <xmp:MetadataDate>{date}</xmp:MetadataDate>\n\
         <pdf:Producer>{producer}</pdf:Producer>\n\
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
fn text(s: &str) -> Object {
    if s.is_ascii() {
        return Object::string_literal(s);
    }
    let mut bytes = vec![0xFE, 0xFF];
    for u in s.encode_utf16() {
        bytes.extend_from_slice(&u.to_be_bytes());
    }
    Object::String(bytes, StringFormat::Hexadecimal)
}

/// One zlib compressor for all pages (a new one per page spent more time
/// allocating and clearing its window than compressing).
struct Packer(flate2::Compress);

impl Packer {
    fn new() -> Packer {
        Packer(flate2::Compress::new(flate2::Compression::new(LEVEL), true))
    }

    fn pack(&mut self, data: &[u8]) -> Result<Vec<u8>, String> {
        self.0.reset();
        let mut out = Vec::with_capacity(data.len() / 3 + 64);
        loop {
            let before = self.0.total_in() as usize;
            let status = self.0.compress_vec(&data[before..], &mut out, flate2::FlushCompress::Finish);
            match status.map_err(|e| e.to_string())? {
                flate2::Status::StreamEnd => return Ok(out),
                _ => out.reserve(out.capacity().max(1024)),
            }
        }
    }
}

/// zlib level of the page streams, the critical path of a long report.
/// Measured on the 10,000-event report (5,000 pages, whole process, best of
/// 5): level 6 9.86 MB; 4 9.98 MB in 0.87 s; 3 10.09 MB in 0.73 s; 2
/// 10.6 MB in 0.74 s; 1 13.9 MB in 0.60 s.
const LEVEL: u32 = 3;

/// The Type 0 font, its CID font, descriptor, font file and ToUnicode map.
fn font_objects(pdf: &mut Pdf, face: &Face<'_>, u: &Usage, subset: &[u8]) -> ObjectId {
    let m = face.metrics;
    let scale = |v: i64| v * 1000 / i64::from(m.units_per_em);
    let base = format!("{}+{}", face.tag, face.postscript_name);

    let mut file = Stream::new(dictionary! { "Length1" => subset.len() as i64 }, subset.to_vec());
    let _ = file.compress();
    let file = pdf.add_object(file);
    let descriptor = pdf.add_object(dictionary! {
        "Type" => "FontDescriptor",
        "FontName" => Object::Name(base.clone().into_bytes()),
        // Nonsymbolic, serif.
        "Flags" => 34,
        "FontBBox" => m.bbox.iter().map(|&v| Object::Integer(scale(i64::from(v)))).collect::<Vec<_>>(),
        "ItalicAngle" => 0,
        "Ascent" => scale(i64::from(m.ascender)),
        "Descent" => scale(i64::from(m.descender)),
        "CapHeight" => scale(i64::from(m.cap_height)),
        "StemV" => face.stem_v,
        "FontFile2" => file,
    });

    // Widths and text of each subset glyph, in subset id order.
    let mut glyphs: Vec<(u16, u16, &str)> =
        u.used.iter().map(|(&old, t)| (u.new_id[usize::from(old)], old, t.as_str())).filter(|g| g.0 != 0).collect();
    glyphs.sort_unstable();
    let mut widths = Vec::new();
    let mut run: Vec<Object> = Vec::new();
    let mut run_start = None;
    let mut prev = 0u16;
    for &(new, old, _) in &glyphs {
        let w = Object::Integer(scale(i64::from(m.glyph_advance[usize::from(old)])));
        match run_start {
            Some(_) if new == prev + 1 => run.push(w),
            _ => {
                if let Some(start) = run_start {
                    widths.push(Object::Integer(start));
                    widths.push(Object::Array(std::mem::take(&mut run)));
                }
                run_start = Some(i64::from(new));
                run.push(w);
            }
        }
        prev = new;
    }
    if let Some(start) = run_start {
        widths.push(Object::Integer(start));
        widths.push(Object::Array(run));
    }

    let cid_font = dictionary! {
        "Type" => "Font",
        "Subtype" => "CIDFontType2",
        "BaseFont" => Object::Name(base.clone().into_bytes()),
        "CIDSystemInfo" => dictionary! {
            "Registry" => Object::string_literal("Adobe"),
            "Ordering" => Object::string_literal("Identity"),
            "Supplement" => 0,
        },
        "FontDescriptor" => descriptor,
        "DW" => 1000,
        "W" => widths,
        "CIDToGIDMap" => "Identity",
    };
    let mut to_unicode = Stream::new(Dictionary::new(), to_unicode_cmap(&glyphs).into_bytes());
    let _ = to_unicode.compress();
    let to_unicode = pdf.add_object(to_unicode);
    pdf.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type0",
        "BaseFont" => Object::Name(base.into_bytes()),
        "Encoding" => "Identity-H",
        "DescendantFonts" => vec![Object::Dictionary(cid_font)],
        "ToUnicode" => to_unicode,
    })
}

/// A ToUnicode CMap: subset glyph id -> the character it shows.
fn to_unicode_cmap(glyphs: &[(u16, u16, &str)]) -> String {
    let mut s = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    for chunk in glyphs.chunks(100) {
        s.push_str(&format!("{} beginbfchar\n", chunk.len()));
        for &(new, _, text) in chunk {
            s.push_str(&format!("<{new:04X}> <"));
            for u in text.encode_utf16() {
                s.push_str(&format!("{u:04X}"));
            }
            s.push_str(">\n");
        }
        s.push_str("endbfchar\n");
    }
    s.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    s
}

/// `v` rounded to two decimals, as [`num`] writes it.
fn round2(v: f32) -> f32 {
    ((f64::from(v) * 100.0).round() / 100.0) as f32
}

/// Appends `v` with at most two decimals (PDF coordinates).
fn num(out: &mut Vec<u8>, v: f32) {
    let hundredths = (f64::from(v) * 100.0).round() as i64;
    if hundredths < 0 {
        out.push(b'-');
    }
    let h = hundredths.unsigned_abs();
    int(out, h / 100);
    let frac = h % 100;
    if frac != 0 {
        out.push(b'.');
        out.push(b'0' + (frac / 10) as u8);
        if frac % 10 != 0 {
            out.push(b'0' + (frac % 10) as u8);
        }
    }
}

fn int_signed(out: &mut Vec<u8>, v: i64) {
    if v < 0 {
        out.push(b'-');
    }
    int(out, v.unsigned_abs());
}

fn int(out: &mut Vec<u8>, mut v: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

/// One page's content: the rules, then the text (y measured from the top
/// in the layout, from the bottom in PDF).
fn page_content(out: &mut Vec<u8>, page: &Page, sheet: Sheet, faces: &[Face<'_>], usage: &[Usage]) {
    let h = sheet.height;
    if !page.rules.is_empty() {
        out.extend_from_slice(b"q ");
        num(out, sheet.border);
        out.extend_from_slice(b" w\n");
        for r in &page.rules {
            num(out, r.x1);
            out.push(b' ');
            num(out, h - r.y1);
            out.extend_from_slice(b" m ");
            num(out, r.x2);
            out.push(b' ');
            num(out, h - r.y2);
            out.extend_from_slice(b" l\n");
        }
        out.extend_from_slice(b"S Q\n");
    }
    if page.texts.is_empty() {
        return;
    }
    out.extend_from_slice(b"BT\n");
    let mut current: Option<(usize, f32)> = None;
    let mut last = (0.0f32, 0.0f32);
    for run in &page.texts {
        // An array (TJ) only where a combining mark needs moving.
        let marks = run.text.chars().any(crate::text::is_combining);
        let (open, close): (&[u8], &[u8]) = if marks { (b"[(", b")]TJ\n") } else { (b"(", b")Tj\n") };
        // Absolute positions as text-line moves from the previous line.
        let (x, y) = (run.x, h - run.y);
        let mut moved = false;
        let mut in_string = false;
        let mut base = 0.0f32;
        for c in run.text.chars() {
            // Invisible format characters are not drawn.
            if crate::text::is_invisible(c) {
                continue;
            }
            // Each character in the face that has it: the text face, or
            // its fallback.
            let mut k = usize::from(run.bold);
            let mut glyph = faces[k].metrics.glyph(c);
            if glyph == 0 && super::face_index(faces[k].metrics, run.bold, c) != k {
                k += 2;
                glyph = faces[k].metrics.glyph(c);
            }
            if current != Some((k, run.size)) {
                if in_string {
                    out.extend_from_slice(close);
                    in_string = false;
                }
                out.push(b'/');
                out.extend_from_slice(faces[k].tag.as_bytes());
                out.push(b' ');
                num(out, run.size);
                out.extend_from_slice(b" Tf\n");
                current = Some((k, run.size));
            }
            if !moved {
                num(out, x - last.0);
                out.push(b' ');
                num(out, y - last.1);
                last = (round2(x), round2(y));
                out.extend_from_slice(b" Td");
                moved = true;
            }
            if !in_string {
                out.extend_from_slice(open);
                in_string = true;
            }
            let m = faces[k].metrics;
            // A combining mark (zero advance, drawn around its origin) is
            // moved back over the middle of its base; TJ numbers move left
            // by thousandths of an em.
            let shift = (marks && crate::text::is_combining(c))
                .then(|| ((base / 2.0 + m.mark_center(c)) * 1000.0).round() as i64)
                .filter(|&s| s != 0);
            if let Some(s) = shift {
                out.push(b')');
                int_signed(out, s);
                out.push(b'(');
            }
            // Two-byte glyph codes, written as binary with the three
            // characters a literal string must escape.
            let g = usage[k].new_id[usize::from(glyph)];
            debug_assert!(g != 0 || glyph == 0, "glyph for {c:?} missing from the subset");
            for b in g.to_be_bytes() {
                match b {
                    b'(' | b')' | b'\\' => out.extend_from_slice(&[b'\\', b]),
                    b'\r' => out.extend_from_slice(b"\\r"),
                    _ => out.push(b),
                }
            }
            if let Some(s) = shift {
                out.push(b')');
                int_signed(out, -s);
                out.push(b'(');
            } else if marks {
                base = m.char_width(c);
            }
        }
        if in_string {
            out.extend_from_slice(close);
        }
    }
    out.extend_from_slice(b"ET\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_have_at_most_two_decimals() {
        let mut out = Vec::new();
        for v in [0.0, 12.0, 56.7, -3.25, 841.8898, 0.004, 100.5] {
            num(&mut out, v);
            out.push(b' ');
        }
        assert_eq!(String::from_utf8(out).unwrap(), "0 12 56.7 -3.25 841.89 0 100.5 ");
    }

    #[test]
    fn text_strings_are_utf16_when_not_ascii() {
        assert_eq!(text("otchet"), Object::string_literal("otchet"));
        assert_eq!(text("Ёж"), Object::String(vec![0xFE, 0xFF, 0x04, 0x01, 0x04, 0x36], StringFormat::Hexadecimal));
    }

    #[test]
    fn to_unicode_maps_each_glyph() {
        let cmap = to_unicode_cmap(&[(1, 40, "Ё"), (2, 41, " ")]);
        assert!(cmap.contains("2 beginbfchar\n<0001> <0401>\n<0002> <0020>\nendbfchar"), "{cmap}");
    }
}
