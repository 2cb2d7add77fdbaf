//! Russian hyphenation exactly as LibreOffice does it, so that our PDF
//! breaks words where LibreOffice's print of our DOCX does.
//!
//! LibreOffice hyphenates with libhyphen and `hyph_ru_RU.dic` (the hyphen-ru
//! package: ruhyphal by A. I. Lebedev, LPPL), kept verbatim in
//! `hyphenation/`. libhyphen is not plain Liang: its pattern automaton
//! applies only the pattern of the state it reaches (the longest suffix of
//! the text read so far that begins some pattern), not the shorter patterns
//! ending at the same letter. Dictionaries are meant to be preprocessed to
//! union those in; this one is not, so LibreOffice finds fewer breaks than
//! the patterns allow ("прове-де-ния", not "про-ве-де-ния"). No hyphenation
//! crate reproduces that, so the matcher below does (verified against
//! libhyphen itself on every word of the reference report).

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use crate::text::SOFT_HYPHEN;

/// The pattern file, verbatim (KOI8-R, libhyphen format).
pub const PATTERNS_KOI8R: &[u8] = include_bytes!("../../../hyphenation/hyph_ru_RU.dic");

/// Minimum letters before and after a break (LibreOffice's defaults, which
/// the dictionary does not raise).
pub const MIN_LEFT: usize = 2;
/// Letters kept after a hyphenation point (LibreOffice's Russian minimum).
pub const MIN_RIGHT: usize = 2;

/// Longer words are not hyphenated (libhyphen's limit, `MAX_WORD`; such a
/// "word" is a URL or an identifier and is cut at the line end instead).
pub const MAX_WORD: usize = 255;

/// KOI8-R bytes 0xC0..=0xFF: the Russian alphabet in KOI8 order.
const KOI8R_HIGH: &str = "юабцдефгхийклмнопярстужвьызшэщчъЮАБЦДЕФГХИЙКЛМНОПЯРСТУЖВЬЫЗШЭЩЧЪ";

fn koi8r(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| match b {
            0x00..=0x7F => b as char,
            0xA3 => 'ё',
            0xB3 => 'Ё',
            0xC0..=0xFF => KOI8R_HIGH.chars().nth(usize::from(b - 0xC0)).unwrap_or('\u{FFFD}'),
            _ => '\u{FFFD}',
        })
        .collect()
}

/// The loaded dictionary: pattern letters -> digit values (one more than
/// letters), and every prefix of every pattern (the automaton's states).
pub struct Dictionary {
    patterns: HashMap<String, Vec<u8>>,
    states: HashSet<String>,
    /// Length of the longest pattern, in chars: no state is longer.
    longest: usize,
}

impl Dictionary {
    /// Parses libhyphen's format: the first line names the charset, `%`
    /// starts a comment, a line's first field is a pattern.
    fn parse(text: &str) -> Dictionary {
        let mut patterns = HashMap::new();
        let mut states = HashSet::new();
        states.insert(String::new());
        for line in text.lines().skip(1) {
            let Some(field) = line.split_whitespace().next() else {
                continue;
            };
            if field.starts_with('%') {
                continue;
            }
            let mut letters = String::new();
            let mut values = vec![0u8];
            for c in field.chars() {
                match c.to_digit(10) {
                    Some(d) => *values.last_mut().expect("never empty") = d as u8,
                    None => {
                        letters.push(c);
                        values.push(0);
                    }
                }
            }
            for (i, _) in letters.char_indices() {
                states.insert(letters[..i].to_string());
            }
            states.insert(letters.clone());
            // A repeated pattern replaces the earlier one, as in libhyphen.
            patterns.insert(letters, values);
        }
        let longest = patterns.keys().map(|k| k.chars().count()).max().unwrap_or(0);
        Dictionary { patterns, states, longest }
    }

    /// Break values between the characters of `.word.` (libhyphen's
    /// automaton: only the reached state's own pattern counts).
    fn values(&self, word: &[char]) -> Vec<u8> {
        let mut text: Vec<char> = Vec::with_capacity(word.len() + 2);
        text.push('.');
        text.extend(word.iter().map(|&c| if c.is_ascii_digit() { '.' } else { c }));
        text.push('.');
        let mut values = vec![0u8; text.len() + 1];
        let mut key = String::new();
        for end in 1..=text.len() {
            // The longest suffix of text[..end] that is a state (no state is
            // longer than the longest pattern, so the work per letter is
            // bounded whatever the length of the word).
            let Some(start) = (end.saturating_sub(self.longest)..end).find(|&s| {
                key.clear();
                key.extend(&text[s..end]);
                self.states.contains(&key)
            }) else {
                continue;
            };
            key.clear();
            key.extend(&text[start..end]);
            if let Some(p) = self.patterns.get(&key) {
                for (k, &v) in p.iter().enumerate() {
                    let slot = &mut values[start + k];
                    *slot = (*slot).max(v);
                }
            }
        }
        values
    }

    /// Char indices `i` (0 < i < len) where `word` may break before its
    /// i-th letter.
    pub fn breaks(&self, word: &str) -> Vec<usize> {
        let lower: Vec<char> = word.chars().flat_map(char::to_lowercase).collect();
        let n = lower.len();
        if n != word.chars().count() || !(MIN_LEFT + MIN_RIGHT..=MAX_WORD).contains(&n) {
            return Vec::new();
        }
        let values = self.values(&lower);
        // values[i + 1] is the value before text[i + 1] = word[i].
        (MIN_LEFT..=lower.len() - MIN_RIGHT).filter(|&i| values[i + 1] % 2 == 1).collect()
    }
}

/// The bundled dictionary.
pub fn dictionary() -> &'static Dictionary {
    static D: OnceLock<Dictionary> = OnceLock::new();
    D.get_or_init(|| Dictionary::parse(&koi8r(PATTERNS_KOI8R)))
}

/// Byte offsets inside `word` (a run of letters) where it may be broken
/// with a hyphen, keeping at least `min_left` letters before the break and
/// `min_right` after it (at least [`MIN_LEFT`] and [`MIN_RIGHT`]; more next
/// to the hard hyphen of a compound word).
pub fn points(word: &str, min_left: usize, min_right: usize) -> Vec<usize> {
    let mut out = Vec::new();
    each_point(word, min_left, min_right, |p| out.push(p));
    out
}

/// [`points`], each handed to `f`. Results are cached per thread (reports
/// repeat their words; soft hyphenation asks for every word), without a
/// lock.
fn each_point(word: &str, min_left: usize, min_right: usize, mut f: impl FnMut(usize)) {
    /// Per word: its length in chars, and each break as (char index, byte
    /// offset).
    type Breaks = (usize, Vec<(usize, usize)>);
    thread_local! {
        static CACHE: std::cell::RefCell<HashMap<Box<str>, Breaks>> = std::cell::RefCell::new(HashMap::new());
    }
    let give = |(n, all): &Breaks, f: &mut dyn FnMut(usize)| {
        for &(i, byte) in all {
            if i >= min_left && n - i >= min_right {
                f(byte);
            }
        }
    };
    CACHE.with(|cache| {
        if let Some(hit) = cache.borrow().get(word) {
            give(hit, &mut f);
            return;
        }
        let chars: Vec<usize> = word.char_indices().map(|(i, _)| i).collect();
        let all: Breaks = (chars.len(), dictionary().breaks(word).into_iter().map(|i| (i, chars[i])).collect());
        give(&all, &mut f);
        let mut cache = cache.borrow_mut();
        if cache.len() < 100_000 {
            cache.insert(word.into(), all);
        }
    });
}

/// Letters kept next to a hard hyphen inside a compound word (libhyphen's
/// compound level, as LibreOffice has it: "на-учно-техническом").
pub const COMPOUND_MIN: usize = 3;

/// Shorter words are never hyphenated.
pub const MIN_WORD: usize = 5;

/// Does `s` end with a hard hyphen right after a letter?
fn ends_compound_hyphen(s: &str) -> bool {
    s.strip_suffix('-').and_then(|b| b.chars().last()).is_some_and(crate::text::is_letter)
}

/// Byte offsets in `para` where its word `para[from..to]` (a whole run of
/// letters) may be hyphenated: none for a word shorter than [`MIN_WORD`];
/// a word joined to another by a hard hyphen keeps at least
/// [`COMPOUND_MIN`] letters on that side.
pub fn word_points(para: &str, from: usize, to: usize) -> Vec<usize> {
    let mut out = Vec::new();
    word_points_into(para, from, to, &mut out);
    out
}

/// [`word_points`] appended to `out`.
fn word_points_into(para: &str, from: usize, to: usize, out: &mut Vec<usize>) {
    let letter = crate::text::is_letter;
    let word = &para[from..to];
    if word.chars().take(MIN_WORD).count() < MIN_WORD {
        return;
    }
    let joined_left = ends_compound_hyphen(&para[..from]);
    let joined_right = para[to..].strip_prefix('-').and_then(|r| r.chars().next()).is_some_and(letter);
    let min_left = if joined_left { COMPOUND_MIN } else { MIN_LEFT };
    let min_right = if joined_right { COMPOUND_MIN } else { MIN_RIGHT };
    each_point(word, min_left, min_right, |p| out.push(from + p));
}

/// Every point of a paragraph where a word may be hyphenated, ascending
/// byte offsets (in a text without soft hyphens).
fn paragraph_points(para: &str) -> Vec<usize> {
    let letter = crate::text::is_letter;
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in para.char_indices().chain(std::iter::once((para.len(), ' '))) {
        match (letter(c) && i < para.len(), start) {
            (true, None) => start = Some(i),
            (false, Some(from)) => {
                word_points_into(para, from, i, &mut out);
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// Where [`soft_hyphens`] adds a soft hyphen to the paragraph: byte offsets
/// in `para` (before a character that is not a soft hyphen), ascending.
pub fn soft_points(para: &str) -> Vec<usize> {
    if !para.contains(SOFT_HYPHEN) {
        return paragraph_points(para);
    }
    // The points of the text without its typed soft hyphens, mapped back.
    let mut plain = String::with_capacity(para.len());
    let mut at = Vec::with_capacity(para.len());
    for (i, c) in para.char_indices().filter(|&(_, c)| c != SOFT_HYPHEN) {
        plain.push(c);
        at.extend(std::iter::repeat_n(i, c.len_utf8()));
    }
    paragraph_points(&plain).into_iter().map(|k| at[k]).collect()
}

/// The paragraph with a soft hyphen added at every point where a word of it
/// may be hyphenated — the points automatic hyphenation would choose from,
/// found in the text without the soft hyphens typed into it (those stay).
/// With automatic hyphenation off, Word, Word-like engines, LibreOffice and
/// the PDF engine all break words at these and nowhere else, so they agree
/// on every line.
pub fn soft_hyphens(para: &str) -> std::borrow::Cow<'_, str> {
    let points = soft_points(para);
    if points.is_empty() {
        return para.into();
    }
    let mut out = String::with_capacity(para.len() + 2 * points.len());
    let mut last = 0;
    for p in points {
        out.push_str(&para[last..p]);
        out.push(SOFT_HYPHEN);
        last = p;
    }
    out.push_str(&para[last..]);
    out.into()
}

/// The inverse of [`soft_hyphens`]: `text` less one soft hyphen at each
/// point where it adds one, so the soft hyphens typed into the text are
/// all that remain.
pub fn typed_soft_hyphens(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains(SOFT_HYPHEN) {
        return text.into();
    }
    let plain: String = text.chars().filter(|&c| c != SOFT_HYPHEN).collect();
    let points = paragraph_points(&plain);
    let mut out = String::with_capacity(text.len());
    let (mut k, mut next) = (0, 0);
    for c in text.chars() {
        if c == SOFT_HYPHEN {
            while points.get(next).is_some_and(|&p| p < k) {
                next += 1;
            }
            if points.get(next) == Some(&k) {
                next += 1;
                continue;
            }
        } else {
            k += c.len_utf8();
        }
        out.push(c);
    }
    out.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(word: &str) -> String {
        let mut out = String::new();
        let mut last = 0;
        for p in points(word, MIN_LEFT, MIN_RIGHT) {
            out.push_str(&word[last..p]);
            out.push('-');
            last = p;
        }
        out.push_str(&word[last..]);
        out
    }

    #[test]
    fn soft_hyphens_mark_every_point_and_come_off_exactly() {
        let shy = |s: &str| s.replace('-', "\u{AD}");
        assert_eq!(soft_hyphens("проведения Департамента"), shy("прове-де-ния Департамен-та"));
        // Short words, digits and Latin letters are left alone; a compound
        // keeps three letters at its hard hyphen.
        assert_eq!(soft_hyphens("мир 2020 Agreement"), "мир 2020 Agreement");
        // Typed soft hyphens stay, wherever they are, and the points are
        // those of the word without them.
        let typed = "Вы\u{AD}ставка про\u{AD}ведения";
        let soft = soft_hyphens(typed);
        assert_eq!(typed_soft_hyphens(&soft), typed);
        assert_eq!(typed_soft_hyphens(&soft_hyphens("проведения")), "проведения");
        for text in ["информационно-просветительский", "ёлочка, ОГБОУ", "", "\u{AD}", "про\u{AD}\u{AD}ведения"]
        {
            assert_eq!(typed_soft_hyphens(&soft_hyphens(text)), text, "{text}");
        }
    }

    #[test]
    fn the_file_decodes() {
        let d = dictionary();
        assert!(d.patterns.len() > 4_300, "{}", d.patterns.len());
        assert_eq!(d.patterns.get(".абр").map(Vec::as_slice), Some(&[0, 0, 0, 1, 0][..]));
        assert!(d.patterns.keys().all(|k| !k.contains('\u{FFFD}')));
    }

    #[test]
    fn breaks_as_libhyphen_does() {
        // libhyphen 2.8.8 with this file (via its C API) gives these.
        assert_eq!(split("проведения"), "прове-де-ния");
        assert_eq!(split("Департамента"), "Департамен-та");
        assert_eq!(split("периода"), "пе-ри-ода");
        assert_eq!(split("информационно"), "информа-ци-он-но");
        assert_eq!(split("Трехстороннее"), "Трех-сто-рон-нее");
        assert_eq!(split("заповедника"), "за-повед-ни-ка");
        assert_eq!(split("провод"), "про-вод");
        assert_eq!(split("ОГБОУ"), "ОГ-БОУ");
    }

    #[test]
    fn short_foreign_and_long_words() {
        assert!(points("мир", MIN_LEFT, MIN_RIGHT).is_empty());
        assert!(points("Agreement", MIN_LEFT, MIN_RIGHT).is_empty());
        let long = "а".repeat(100) + &"б".repeat(100);
        assert!(points(&long, MIN_LEFT, MIN_RIGHT).iter().all(|&p| long.is_char_boundary(p)));
        // Past libhyphen's limit: not hyphenated (and no quadratic work).
        assert!(points(&"перенос".repeat(10_000), MIN_LEFT, MIN_RIGHT).is_empty());
        assert!(!points(&"перенос".repeat(36), MIN_LEFT, MIN_RIGHT).is_empty());
        assert_eq!(split("ёлочка"), "ёлоч-ка");
    }
}
