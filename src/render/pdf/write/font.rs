//! Embedded fonts: the Type 0 / Identity-H CID font of one face, with
//! its width array and ToUnicode map, so text can be searched and copied.

use lopdf::{dictionary, Dictionary, Document as Pdf, Object, ObjectId, Stream};

use super::{Face, Usage};

/// The Type 0 font, its CID font, descriptor, font file and ToUnicode map.
pub(super) fn font_objects(pdf: &mut Pdf, face: &Face<'_>, u: &Usage, subset: &[u8], cff: bool) -> ObjectId {
    let m = face.metrics;
    let scale = |v: i64| v * 1000 / i64::from(m.units_per_em);
    let base = format!("{}+{}", face.tag, face.postscript_name);

    // TrueType outlines: FontFile2 under a CIDFontType2. CFF outlines (an
    // .otf font): the OpenType file as FontFile3 /OpenType under a
    // CIDFontType0, whose CIDs are the subset's glyph ids (the subsetter
    // makes the CFF CID-keyed with an identity mapping).
    let file_dict = if cff {
        dictionary! { "Subtype" => "OpenType" }
    } else {
        dictionary! { "Length1" => subset.len() as i64 }
    };
    let mut file = Stream::new(file_dict, subset.to_vec());
    let _ = file.compress();
    let file = pdf.add_object(file);
    let descriptor = pdf.add_object(dictionary! {
        "Type" => "FontDescriptor",
        "FontName" => Object::Name(base.clone().into_bytes()),
        // Nonsymbolic (bit 6), and serif (bit 2) unless it is the sans
        // fallback.
        "Flags" => if face.sans { 32 } else { 34 },
        "FontBBox" => m.bbox.iter().map(|&v| Object::Integer(scale(i64::from(v)))).collect::<Vec<_>>(),
        "ItalicAngle" => 0,
        "Ascent" => scale(i64::from(m.ascender)),
        "Descent" => scale(i64::from(m.descender)),
        "CapHeight" => scale(i64::from(m.cap_height)),
        "StemV" => face.stem_v,
        if cff { "FontFile3" } else { "FontFile2" } => file,
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

    let mut cid_font = dictionary! {
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
    if cff {
        cid_font.set("Subtype", "CIDFontType0");
        cid_font.remove(b"CIDToGIDMap");
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn to_unicode_maps_each_glyph() {
        let cmap = to_unicode_cmap(&[(1, 40, "Ё"), (2, 41, " ")]);
        assert!(cmap.contains("2 beginbfchar\n<0001> <0401>\n<0002> <0020>\nendbfchar"), "{cmap}");
    }
}
