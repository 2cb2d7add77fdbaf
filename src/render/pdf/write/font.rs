//! Embedded fonts: the Type 0 / Identity-H CID font of one face, with
//! its width array and ToUnicode map, so text can be searched and copied.

use lopdf::{dictionary, Dictionary, Document as Pdf, Object, ObjectId, Stream};

use super::{Face, Usage};

/// The descriptor's flags (ISO 32000-1, table 123) as they are true of
/// this font and the glyphs the document uses: FixedPitch (bit 1) and
/// Serif (bit 2) as the font classifies itself; Symbolic (bit 3) when a
/// glyph is outside the Adobe standard Latin character set (Cyrillic is),
/// else Nonsymbolic (bit 6) — exactly one of the two.
pub(super) fn flags(m: &crate::fonts::Metrics, chars: impl IntoIterator<Item = char>) -> i64 {
    let mut f = 0;
    if m.fixed_pitch {
        f |= 1;
    }
    if m.serif {
        f |= 2;
    }
    if chars.into_iter().all(standard_latin) {
        f | 32
    } else {
        f | 4
    }
}

/// Is `c` in the Adobe standard Latin character set (ISO 32000-1, annex
/// D.2: ASCII, Latin-1 and the typographic characters below)?
fn standard_latin(c: char) -> bool {
    matches!(c, ' '..='~' | '\u{A0}'..='\u{FF}') || "ŒœŠšŸŽžƒˆ˜ˇ˘˙˚˛˝ıŁł–—‘’‚“”„†‡•…‰‹›€™ﬁﬂ−".contains(c)
}

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
        "Flags" => flags(m, u.used.values().flat_map(|t| t.chars())),
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
mod flag_tests {
    use super::flags;

    #[test]
    fn flags_say_what_the_font_and_its_glyphs_are() {
        let serif = crate::fonts::FontSet::of(&crate::template::Template::official()).regular.metrics;
        let sans = crate::fonts::FontSet::fallback().regular.metrics;
        assert!(serif.serif && !sans.serif, "Liberation Serif is serif, DejaVu Sans is not");
        assert_eq!(flags(serif, "Отчет".chars()), 2 | 4, "Cyrillic is outside the standard Latin set");
        assert_eq!(flags(serif, "Report – 2020 “ok”".chars()), 2 | 32);
        assert_eq!(flags(sans, "ا".chars()), 4);
        assert_eq!(flags(sans, "abc".chars()), 32);
    }
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
