//! The embedded PDF fonts and their metrics, with a per-character advance
//! cache: Liberation Serif (metric-compatible with Times New Roman, SIL
//! OFL) for the text, and DejaVu Sans (free licence, `fonts/DejaVu-LICENSE`)
//! for every character Liberation Serif lacks (₽, ‑, ✓ …) — the font
//! LibreOffice itself substitutes for them when it prints our DOCX on a
//! Debian machine. Bold text falls back to DejaVu Sans Bold.

use std::collections::HashMap;
use std::sync::OnceLock;

/// Liberation Serif Regular, the built-in text face.
pub const REGULAR_TTF: &[u8] = include_bytes!("../fonts/LiberationSerif-Regular.ttf");
/// Liberation Serif Bold.
pub const BOLD_TTF: &[u8] = include_bytes!("../fonts/LiberationSerif-Bold.ttf");
/// DejaVu Sans, the fallback for characters the text face lacks.
pub const SANS_TTF: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
/// DejaVu Sans Bold, the bold fallback.
pub const SANS_BOLD_TTF: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// Characters below this are cached in a flat table (Latin, Cyrillic,
/// general punctuation, `№`).
const FLAT: usize = 0x2200;

/// Metrics of one font face, in em units (multiply by the size in pt).
#[derive(Debug)]
pub struct Metrics {
    /// Advance per char (em); NaN where the font has no glyph.
    flat: Vec<f32>,
    other: HashMap<char, f32>,
    /// Glyph id per char (0: none), flat below FLAT and a map above.
    glyph_flat: Vec<u16>,
    glyph_other: HashMap<char, u16>,
    /// Advance per glyph id, font units (for the PDF width arrays).
    pub glyph_advance: Vec<u16>,
    /// Font units per em.
    pub units_per_em: u16,
    /// xMin, yMin, xMax, yMax, font units.
    pub bbox: [i16; 4],
    /// hhea ascender and descender, OS/2 cap height, font units.
    pub ascender: i16,
    /// Descender, font units (negative).
    pub descender: i16,
    /// Height of capital letters, font units.
    pub cap_height: i16,
    /// A serif face, as the font classifies itself (OS/2 PANOSE serif
    /// style, else its family class).
    pub serif: bool,
    /// All glyphs of one width (post table).
    pub fixed_pitch: bool,
    /// Distance from the top of the glyphs to the baseline (em).
    pub ascent: f32,
    /// Line gap (em), put above a line's glyphs.
    pub line_gap: f32,
    /// Single line spacing as Word computes it (em).
    pub line_height: f32,
    /// Horizontal centre of each combining mark's outline, relative to its
    /// origin (em), to centre it over its base letter.
    mark_centers: HashMap<char, f32>,
    /// The face drawing what this one lacks (parsed on first use).
    fallback: Option<fn() -> &'static Metrics>,
    /// The family name (name table), for messages.
    pub family: String,
}

impl Metrics {
    /// Reads the metrics of a TrueType font (panics on an invalid font: only checked files get here).
    pub fn parse(data: &[u8]) -> Metrics {
        let face = ttf_parser::Face::parse(data, 0).expect("embedded font parses");
        let upem = face.units_per_em() as f32;
        let advance = |c: char| -> f32 {
            match face.glyph_index(c) {
                Some(g) => face.glyph_hor_advance(g).unwrap_or(0) as f32 / upem,
                None => f32::NAN,
            }
        };
        let flat = (0..FLAT as u32).map(|u| char::from_u32(u).map_or(f32::NAN, advance)).collect();
        let glyph = |c: char| face.glyph_index(c).map_or(0, |g| g.0);
        let glyph_flat = (0..FLAT as u32).map(|u| char::from_u32(u).map_or(0, glyph)).collect();
        let mut other = HashMap::new();
        let mut glyph_other = HashMap::new();
        if let Some(cmap) = face.tables().cmap {
            for sub in cmap.subtables.into_iter().filter(ttf_parser::cmap::Subtable::is_unicode) {
                sub.codepoints(|u| {
                    if u as usize >= FLAT {
                        if let Some(c) = char::from_u32(u) {
                            other.entry(c).or_insert_with(|| advance(c));
                            glyph_other.entry(c).or_insert_with(|| glyph(c));
                        }
                    }
                });
            }
        }
        let glyph_advance =
            (0..face.number_of_glyphs()).map(|g| face.glyph_hor_advance(ttf_parser::GlyphId(g)).unwrap_or(0)).collect();
        let marks =
            (0x0300..0x0370).chain(0x1AB0..0x1B00).chain(0x1DC0..0x1E00).chain(0x20D0..0x2100).chain(0xFE20..0xFE30);
        let mark_centers = marks
            .filter_map(char::from_u32)
            .filter_map(|c| {
                let b = face.glyph_bounding_box(face.glyph_index(c)?)?;
                Some((c, f32::midpoint(f32::from(b.x_min), f32::from(b.x_max)) / upem))
            })
            .collect();
        let b = face.global_bounding_box();
        // Word and LibreOffice space single lines by the horizontal header:
        // ascender + descender + line gap (1.15 em for Times New Roman).
        let (asc, desc, gap) = (face.ascender() as f32, face.descender().unsigned_abs() as f32, face.line_gap() as f32);
        Metrics {
            flat,
            other,
            glyph_flat,
            glyph_other,
            glyph_advance,
            units_per_em: face.units_per_em(),
            bbox: [b.x_min, b.y_min, b.x_max, b.y_max],
            ascender: face.ascender(),
            descender: face.descender(),
            cap_height: face.capital_height().unwrap_or(face.ascender()),
            serif: is_serif(&face),
            fixed_pitch: face.is_monospaced(),
            ascent: asc / upem,
            line_gap: gap / upem,
            line_height: (asc + desc + gap) / upem,
            mark_centers,
            fallback: None,
            family: face
                .names()
                .into_iter()
                .find(|n| n.name_id == ttf_parser::name_id::FAMILY && n.is_unicode())
                .and_then(|n| n.to_string())
                .unwrap_or_default(),
        }
    }

    /// Advance of `c` in em, or None when the font has no glyph for it.
    #[inline]
    pub fn advance(&self, c: char) -> Option<f32> {
        let a = match c as usize {
            u if u < FLAT => self.flat[u],
            _ => *self.other.get(&c)?,
        };
        (!a.is_nan()).then_some(a)
    }

    /// Glyph id of `c` (tabs as spaces), 0 when the font has none.
    #[inline]
    pub fn glyph(&self, c: char) -> u16 {
        let c = if c == '\t' { ' ' } else { c };
        match c as usize {
            u if u < FLAT => self.glyph_flat[u],
            _ => self.glyph_other.get(&c).copied().unwrap_or(0),
        }
    }

    /// Centre of a combining mark's outline relative to its origin (em).
    pub fn mark_center(&self, c: char) -> f32 {
        self.mark_centers.get(&c).copied().unwrap_or(0.0)
    }

    /// Does the font have a glyph for `c`?
    pub fn has_glyph(&self, c: char) -> bool {
        self.advance(c).is_some()
    }

    /// Width of `c` in em as text is measured: a tab counts as a space; an
    /// invisible format character (never drawn) and a character without a
    /// glyph (rejected earlier by the glyph check) as nothing.
    #[inline]
    pub fn char_width(&self, c: char) -> f32 {
        if crate::text::is_invisible(c) {
            return 0.0;
        }
        let c = if c == '\t' { ' ' } else { c };
        match self.advance(c) {
            Some(a) => a,
            None => self.fallback.and_then(|f| f().advance(c)).unwrap_or(0.0),
        }
    }

    /// The face that draws `c`: this one, or its fallback; None when
    /// neither has it.
    pub fn face_for(&self, c: char) -> Option<&Metrics> {
        if self.has_glyph(c) {
            return Some(self);
        }
        self.fallback.map(|f| f()).filter(|f| f.has_glyph(c))
    }

    /// Does this face or its fallback have `c`?
    pub fn covers(&self, c: char) -> bool {
        self.face_for(c).is_some()
    }

    /// Is this a fallback face (drawn for what the text font lacks)?
    pub fn is_fallback_of(&self, primary: &Metrics) -> bool {
        primary.fallback.is_some_and(|f| std::ptr::eq(f(), self))
    }

    /// Width of `s` in em (see [`Metrics::char_width`]).
    pub fn width(&self, s: &str) -> f32 {
        s.chars().map(|c| self.char_width(c)).sum()
    }
}

/// A text face of the PDF: the font file, its metrics (falling back to
/// DejaVu Sans), its PostScript name.
#[derive(Debug)]
pub struct Face {
    /// The font file.
    pub bytes: &'static [u8],
    /// Its metrics.
    pub metrics: &'static Metrics,
    /// PostScript name, for the PDF's font dictionaries.
    pub postscript_name: String,
    /// Weight class for the PDF font descriptor's StemV.
    pub stem_v: i64,
}

/// The fonts a template prints with: its regular and bold text faces (each
/// with its DejaVu Sans fallback).
#[derive(Debug, Clone, Copy)]
pub struct FontSet {
    /// The regular face.
    pub regular: &'static Face,
    /// The bold face.
    pub bold: &'static Face,
}

impl FontSet {
    /// Liberation Serif, compiled in.
    pub fn builtin() -> FontSet {
        static SET: OnceLock<(Face, Face)> = OnceLock::new();
        let (regular, bold) = SET.get_or_init(|| {
            (
                Face { bytes: REGULAR_TTF, metrics: regular(), postscript_name: "LiberationSerif".into(), stem_v: 80 },
                Face { bytes: BOLD_TTF, metrics: bold(), postscript_name: "LiberationSerif-Bold".into(), stem_v: 140 },
            )
        });
        FontSet { regular, bold }
    }

    /// DejaVu Sans and DejaVu Sans Bold: what the text faces fall back to.
    pub fn fallback() -> FontSet {
        static SET: OnceLock<(Face, Face)> = OnceLock::new();
        let (regular, bold) = SET.get_or_init(|| {
            (
                Face { bytes: SANS_TTF, metrics: sans(), postscript_name: "DejaVuSans".into(), stem_v: 80 },
                Face {
                    bytes: SANS_BOLD_TTF,
                    metrics: sans_bold(),
                    postscript_name: "DejaVuSans-Bold".into(),
                    stem_v: 140,
                },
            )
        });
        FontSet { regular, bold }
    }

    /// The template's own font files, or the built-in fonts.
    pub fn of(t: &crate::template::Template) -> FontSet {
        match &t.font.files {
            Some((r, b)) => FontSet {
                regular: load_file(r, false).expect("checked when the template was loaded"),
                bold: load_file(b, true).expect("checked when the template was loaded"),
            },
            None => FontSet::builtin(),
        }
    }

    /// Metrics of the regular or the bold face.
    pub fn text(&self, bold: bool) -> &'static Metrics {
        if bold {
            self.bold.metrics
        } else {
            self.regular.metrics
        }
    }

    /// Can the PDF show `c`, in both weights (fallback included)?
    pub fn covers(&self, c: char) -> bool {
        self.regular.metrics.covers(c) && self.bold.metrics.covers(c)
    }

    /// The fonts, as messages name them.
    pub fn names(&self) -> String {
        format!("{}, DejaVu Sans", self.regular.metrics.family)
    }
}

/// A font file named by a template, read, parsed and kept for the rest of
/// the process (a template names two; they are needed to the end).
/// Refused unless it is a TrueType/OpenType font with Cyrillic letters.
pub fn load_file(path: &std::path::Path, bold: bool) -> Result<&'static Face, String> {
    use std::collections::hash_map::Entry;
    static LOADED: std::sync::Mutex<Option<HashMap<std::path::PathBuf, &'static Face>>> = std::sync::Mutex::new(None);
    let mut loaded = LOADED.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let map = loaded.get_or_insert_with(HashMap::new);
    if let Entry::Occupied(e) = map.entry(path.to_path_buf()) {
        return Ok(e.get());
    }
    let bytes = read_font_file(path)?;
    if ttf_parser::fonts_in_collection(&bytes).is_some() {
        return Err("это коллекция шрифтов (.ttc/.otc): укажите отдельный файл начертания .ttf или .otf".to_string());
    }
    let face =
        ttf_parser::Face::parse(&bytes, 0).map_err(|_| "это не файл шрифта TrueType или OpenType".to_string())?;
    if !"АБВЖЯабвжяЁё".chars().all(|c| face.glyph_index(c).is_some()) {
        return Err("в шрифте нет кириллицы".to_string());
    }
    // The whole font is read now, as embedding will read it: a damaged or
    // truncated file is refused here, at the template's line, not later
    // in the middle of a render.
    let all: Vec<u16> = (0..face.number_of_glyphs()).collect();
    if subsetter::subset(&bytes, 0, &subsetter::GlyphRemapper::new_from_glyphs_sorted(&all)).is_err() {
        return Err("файл шрифта поврежден или обрезан (не все его глифы читаются)".to_string());
    }
    let postscript_name = face
        .names()
        .into_iter()
        .find(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME && n.is_unicode())
        .and_then(|n| n.to_string())
        .unwrap_or_else(|| "Font".into())
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
    let fallback: fn() -> &'static Metrics = if bold { sans_bold } else { sans };
    let metrics = Box::leak(Box::new(Metrics { fallback: Some(fallback), ..Metrics::parse(bytes) }));
    let face: &'static Face =
        Box::leak(Box::new(Face { bytes, metrics, postscript_name, stem_v: if bold { 140 } else { 80 } }));
    map.insert(path.to_path_buf(), face);
    Ok(face)
}

/// Largest font file read (the largest fonts with Cyrillic are ~20 MB).
pub const MAX_FONT_BYTES: u64 = 64 * 1024 * 1024;

/// Reads a template's font file: only a regular file (a device or a pipe
/// is refused before it is opened, so `/dev/zero` cannot fill the memory
/// and a FIFO cannot hang the run), read as every input is
/// ([`crate::diag::read_bounded`]), at most [`MAX_FONT_BYTES`].
fn read_font_file(path: &std::path::Path) -> Result<Vec<u8>, String> {
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => "нет такого файла".to_string(),
        std::io::ErrorKind::PermissionDenied => "нет прав на чтение файла".to_string(),
        _ => format!("не удалось прочитать файл (код ошибки системы {})", e.raw_os_error().unwrap_or(0)),
    })?;
    if !meta.is_file() {
        return Err("это не обычный файл (каталог, устройство или канал): укажите файл шрифта .ttf или .otf".into());
    }
    crate::diag::read_bounded(path, "файл шрифта", ".ttf", MAX_FONT_BYTES, "").map_err(|d| d.message)
}

/// The built-in PDF fonts, as messages name them.
pub const NAMES: &str = "Liberation Serif, DejaVu Sans";

/// Can the PDF show `c` (in both the regular and the bold face, fallback
/// included)?
pub fn covered(c: char) -> bool {
    regular().covers(c) && bold().covers(c)
}

/// The glyph check the loaders run for a PDF (`strict`: a missing glyph is
/// an error) or for a DOCX alone (a warning).
pub fn glyphs(strict: bool) -> Glyphs<'static> {
    Glyphs { covered: &covered, fonts: NAMES, strict }
}

/// Which characters the PDF fonts can show, and whether a character they
/// cannot show is an error (a PDF is wanted) or a warning (DOCX only).
#[derive(Clone, Copy)]
pub struct Glyphs<'g> {
    /// Does some face of the PDF have a glyph for the character?
    pub covered: &'g (dyn Fn(char) -> bool + Sync),
    /// The fonts, named in the message.
    pub fonts: &'g str,
    /// Missing glyphs are errors (a PDF is wanted), else warnings.
    pub strict: bool,
}

/// Regular and bold metrics, parsed once per process.
pub fn regular() -> &'static Metrics {
    static M: OnceLock<Metrics> = OnceLock::new();
    M.get_or_init(|| Metrics { fallback: Some(sans), ..Metrics::parse(REGULAR_TTF) })
}

/// Metrics of the built-in bold face.
pub fn bold() -> &'static Metrics {
    static M: OnceLock<Metrics> = OnceLock::new();
    M.get_or_init(|| Metrics { fallback: Some(sans_bold), ..Metrics::parse(BOLD_TTF) })
}

/// DejaVu Sans, the fallback of the regular face.
pub fn sans() -> &'static Metrics {
    static M: OnceLock<Metrics> = OnceLock::new();
    M.get_or_init(|| Metrics::parse(SANS_TTF))
}

/// DejaVu Sans Bold, the fallback of the bold face.
pub fn sans_bold() -> &'static Metrics {
    static M: OnceLock<Metrics> = OnceLock::new();
    M.get_or_init(|| Metrics::parse(SANS_BOLD_TTF))
}

/// Does the font classify itself as a serif face? PANOSE (OS/2 bytes
/// 32–33): Latin text with a serif style 2–10 is serif, 11–13 sans; when
/// PANOSE says nothing, the IBM family class (OS/2 byte 30): classes 1–5
/// and 7 are serif families, 8 sans serif.
fn is_serif(face: &ttf_parser::Face<'_>) -> bool {
    let Some(os2) = face.raw_face().table(ttf_parser::Tag::from_bytes(b"OS/2")) else { return false };
    let (Some(&family), Some(&style)) = (os2.get(32), os2.get(33)) else { return false };
    match (family, style) {
        (2, 2..=10) => true,
        (2, 11..=13) => false,
        _ => matches!(os2.get(30), Some(1..=5 | 7)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_match_times_new_roman() {
        let m = regular();
        // Times New Roman / Liberation Serif: space 0.25 em, digits 0.5 em.
        assert!((m.advance(' ').unwrap() - 0.25).abs() < 1e-3);
        assert!((m.advance('0').unwrap() - 0.5).abs() < 1e-3);
        assert!((m.line_height - 1.15).abs() < 1e-3, "{}", m.line_height);
        for c in ['Ж', 'ё', 'Ё', '№', '«', '»', '–', '—', '…', '\u{00A0}'] {
            assert!(m.has_glyph(c), "{c}");
        }
        assert!(!m.has_glyph('漢'));
    }

    #[test]
    fn missing_glyphs_fall_back_to_dejavu_sans() {
        let m = regular();
        // Liberation Serif has no rouble sign, non-breaking hyphen or tick.
        for c in ['₽', '\u{2011}', '✓'] {
            assert!(!m.has_glyph(c), "{c}");
            let f = m.face_for(c).expect("fallback covers it");
            assert!(std::ptr::eq(f, sans()), "{c}");
            assert!(m.char_width(c) > 0.0);
            assert!((m.char_width(c) - sans().advance(c).unwrap()).abs() < 1e-6, "measured with DejaVu's metrics");
            assert!(std::ptr::eq(bold().face_for(c).unwrap(), sans_bold()), "bold falls back to bold");
        }
        // Liberation's own glyphs stay Liberation's.
        assert!(std::ptr::eq(m.face_for('Ж').unwrap(), m));
        assert!(std::ptr::eq(m.face_for('≈').unwrap(), m));
        assert!(covered('₽') && !covered('漢'));
        assert!(bold().width("Департамент") > m.width("Департамент"));
    }
}
