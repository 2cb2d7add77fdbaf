//! Serializes laid-out pages to a tagged PDF/A-3a.
//!
//! [`content`] writes the page content streams, [`font`] the embedded
//! fonts, [`tags`] the logical structure, [`meta`] the PDF/A
//! identification and the embedded source files; this module drives them.
//!
//! The `subsetter` crate (Typst's) subsets the embedded fonts; the objects
//! are assembled and written with lopdf; page content streams are written
//! here directly, straight from the positioned lines, and compressed page by
//! page. Fonts are Type 0 /
//! Identity-H CID fonts with a width array and a ToUnicode map, so text can
//! be searched and copied; resource names, subset tags, object order, dates
//! and the document id are fixed, so the same input gives the same bytes.

use std::collections::BTreeMap;

mod content;
mod file;
mod font;
mod meta;
mod outline;
mod tags;

use lopdf::{dictionary, Dictionary, Document as Pdf, Object, Stream, StringFormat};

use super::engine::{Owner, Page, Sheet};
use crate::fonts::Metrics;
use crate::layout::Table;
use content::{page_content, Packer};
use meta::text;

/// A file embedded in the PDF (its source data).
pub struct Attachment<'a> {
    /// File name, as the file will be extracted.
    pub name: &'a str,
    /// Its bytes.
    pub bytes: &'a [u8],
    /// What the file is, in words.
    pub description: &'a str,
}

/// Document information (Info dictionary and XMP).
pub struct Meta<'a> {
    /// Title (Info, XMP `dc:title`).
    pub title: &'a str,
    /// Subject (Info, XMP `dc:description`).
    pub subject: &'a str,
    /// Author.
    pub author: &'a str,
    /// The creating tool.
    pub creator: &'a str,
    /// The producer with its version.
    pub producer: &'a str,
    /// Language of the text (`ru-RU`).
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
    /// PostScript name of the font.
    pub postscript_name: &'a str,
    /// Its metrics.
    pub metrics: &'a Metrics,
    /// The font file; None for a fallback face no text uses (it is not
    /// embedded).
    pub bytes: Option<&'a [u8]>,
    /// Weight class for the descriptor's StemV.
    pub stem_v: i64,
}

/// Glyphs of one face used by the document: old glyph id -> text.
pub(crate) struct Usage {
    pub(crate) used: BTreeMap<u16, String>,
    /// Old glyph id -> subset glyph id (0: unused).
    pub(crate) new_id: Vec<u16>,
}

/// Subsets `bytes` to the glyphs `u` uses (in glyph id order, so the new
/// ids keep the old order), filling `u.new_id`; the subset font and whether
/// its outlines are CFF (embedded as FontFile3) rather than TrueType.
pub(crate) fn subset_font(bytes: &[u8], u: &mut Usage) -> Result<(Vec<u8>, bool), String> {
    let mut remapper = subsetter::GlyphRemapper::new();
    for &old in u.used.keys() {
        let new = remapper.remap(old);
        if let Some(slot) = u.new_id.get_mut(usize::from(old)) {
            *slot = new;
        }
    }
    let subset = subsetter::subset(bytes, 0, &remapper).map_err(|e| format!("шрифт не удалось встроить ({e:?})"))?;
    let cff = ttf_parser::Face::parse(bytes, 0).is_ok_and(|f| f.tables().cff.is_some());
    Ok((subset, cff))
}

/// A worker's output: (batch sequence number, pages: compressed content
/// stream and the owner of each MCID).
type Packed = Vec<(usize, Vec<(Vec<u8>, Vec<Owner>, Vec<content::Anchor>)>)>;

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
    table: &Table,
    sheet: Sheet,
    faces: &[Face<'_>],
    meta: &Meta<'_>,
    used: [BTreeMap<u16, String>; 4],
    files: &[Attachment<'_>],
    produce: impl FnOnce(&mut dyn super::engine::PageSink),
) -> Result<Vec<u8>, String> {
    let mut pdf = Pdf::with_version("1.7");
    let pages_id = pdf.new_object_id();

    // 1. Fonts: subset, then the dictionaries.
    let mut usage = Vec::new();
    let mut font_ids = Vec::new();
    for (face, used) in faces.iter().zip(used) {
        let mut u = Usage { new_id: vec![0; face.metrics.glyph_advance.len()], used };
        let Some(bytes) = face.bytes else {
            usage.push(u);
            font_ids.push(None);
            continue;
        };
        let (subset, cff) = subset_font(bytes, &mut u)?;
        font_ids.push(Some(font::font_objects(&mut pdf, face, &u, &subset, cff)));
        usage.push(u);
    }

    // 2. Pages: laid out here, written and compressed by a worker.
    let usage = &usage;
    let workers = std::thread::available_parallelism().map_or(1, std::num::NonZero::get).clamp(1, 4);
    let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, Vec<Page>)>(2 * workers);
    let rx = std::sync::Mutex::new(rx);
    let rx = &rx;
    let (streams, packed_files) = std::thread::scope(move |s| {
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
                            let (owners, anchors) = page_content(&mut content, &page, sheet, faces, usage, table);
                            packed.push((packer.pack(&content)?, owners, anchors));
                        }
                        out.push((seq, packed));
                    }
                    Ok(out)
                })
            })
            .collect();
        // The embedded files are compressed meanwhile.
        let packing = s.spawn(move || -> Result<Vec<Vec<u8>>, String> {
            let mut packer = Packer::new();
            files.iter().map(|f| packer.pack(f.bytes)).collect()
        });
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
        let files = packing.join().map_err(|_| "PDF file packer panicked".to_string())??;
        Ok::<_, String>((all.into_iter().flat_map(|(_, packed)| packed).collect::<Vec<_>>(), files))
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
    let mut marked = Vec::with_capacity(streams.len());
    // Where each bookmark points: the first page and line of its row (of
    // the rows the outline names only).
    let wanted: std::collections::HashSet<Owner> =
        std::iter::once(Owner::Title).chain(table.outline.iter().map(|m| Owner::Cell { row: m.row, col: 0 })).collect();
    let mut first_at: std::collections::HashMap<Owner, (lopdf::ObjectId, f32)> = std::collections::HashMap::new();
    for (n, (packed, owners, anchors)) in streams.into_iter().enumerate() {
        let stream = Stream::new(dictionary! { "Filter" => "FlateDecode" }, packed);
        let contents = pdf.add_object(stream);
        let id = pdf.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), Object::Real(sheet.width), Object::Real(sheet.height)],
            "Resources" => resources,
            "Contents" => contents,
            "StructParents" => n as i64,
            // Tab order follows the structure.
            "Tabs" => "S",
        });
        kids.push(Object::Reference(id));
        marked.push((id.0, owners));
        for (owner, top) in anchors.into_iter().filter(|(o, _)| wanted.contains(o)) {
            first_at.entry(owner).or_insert((id, top));
        }
    }
    let outlines = outline::build(&mut pdf, table, meta.title, &first_at);
    let struct_tree = (pdf.max_id + 1, 0);
    let structure = tags::build(table, &marked, struct_tree.0);
    pdf.max_id = structure.max_id();
    drop(marked);
    let count = kids.len() as i64;
    pdf.objects
        .insert(pages_id, Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }));

    // 4. PDF/A-3a: XMP metadata mirroring the Info dictionary, an sRGB
    // output intent (the default DeviceGray black needs one), the source
    // files.
    let mut xmp =
        Stream::new(dictionary! { "Type" => "Metadata", "Subtype" => "XML" }, meta::xmp_packet(meta).into_bytes());
    xmp.allows_compression = false;
    let xmp = pdf.add_object(xmp);
    let mut icc = Stream::new(dictionary! { "N" => 3 }, meta::SRGB_ICC.to_vec());
    let _ = icc.compress();
    let icc = pdf.add_object(icc);
    let intent = dictionary! {
        "Type" => "OutputIntent",
        "S" => "GTS_PDFA1",
        "OutputConditionIdentifier" => Object::string_literal("sRGB IEC61966-2.1"),
        "Info" => Object::string_literal("sRGB IEC61966-2.1"),
        "DestOutputProfile" => icc,
    };

    let date = Object::string_literal(meta.date.format("D:%Y%m%d%H%M%S+00'00'").to_string());
    let embedded = meta::attachments(&mut pdf, files, packed_files, &date);

    // 5. Catalog, Info, trailer.
    let mut catalog = dictionary! {
        "Type" => "Catalog",
        "Pages" => pages_id,
        "Lang" => text(meta.language),
        "Metadata" => xmp,
        "OutputIntents" => vec![Object::Dictionary(intent)],
        "MarkInfo" => dictionary! { "Marked" => true },
        "StructTreeRoot" => struct_tree,
        "ViewerPreferences" => dictionary! { "DisplayDocTitle" => true },
    };
    if let Some(outlines) = outlines {
        // The bookmarks panel open: a reader of an archived report sees
        // its departments at once.
        catalog.set("Outlines", outlines);
        catalog.set("PageMode", "UseOutlines");
    }
    if let Some((af, names)) = embedded {
        catalog.set("AF", af);
        catalog.set("Names", names);
    }
    let catalog = pdf.add_object(catalog);
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

    file::save(&pdf, &structure, &mut Packer::new())
}
