//! Character and word helpers shared by the loader, the layout and the
//! renderers: letters, words, scripts, invisible characters, text
//! direction. The ground floor: imports nothing of the crate.

/// Lower-case letters and digits only, Latin letters that look like
/// Cyrillic ones (`A`, `c`, `Р`…) read as those and `ё` as `е`: two
/// agreement titles that differ only in case, spacing, punctuation or
/// look-alike letters typed in the wrong layout normalise to the same
/// string.
pub fn normalize_title(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).map(cyrillic_look_alike).flat_map(char::to_lowercase).collect()
}

/// The words of `s` on one line, one space between them (line breaks,
/// runs of spaces and no-break spaces as one space, none at the ends).
pub fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// [`one_line`], cut after `max` characters with "…" when longer: a short
/// quotation of a text for a message.
pub fn excerpt(s: &str, max: usize) -> String {
    let line = one_line(s);
    if line.chars().count() > max {
        format!("{}…", line.chars().take(max).collect::<String>())
    } else {
        line
    }
}

/// The Cyrillic letter a Latin one looks like in print (`A` → `А`), and
/// `ё` as `е`; other characters as they are.
fn cyrillic_look_alike(c: char) -> char {
    match c {
        'A' => 'А',
        'a' => 'а',
        'B' => 'В',
        'C' => 'С',
        'c' => 'с',
        'E' => 'Е',
        'e' => 'е',
        'H' => 'Н',
        'K' => 'К',
        'k' => 'к',
        'M' => 'М',
        'O' => 'О',
        'o' => 'о',
        'P' => 'Р',
        'p' => 'р',
        'T' => 'Т',
        'X' => 'Х',
        'x' => 'х',
        'Y' => 'У',
        'y' => 'у',
        'ё' => 'е',
        'Ё' => 'Е',
        c => c,
    }
}

/// Is `c` a Cyrillic letter?
pub fn is_cyrillic(c: char) -> bool {
    matches!(c, '\u{0400}'..='\u{04FF}' | '\u{0500}'..='\u{052F}')
}

/// `char::is_alphabetic` with fast paths for ASCII and the Russian alphabet
/// (the general lookup dominated loading large files).
pub fn is_letter(c: char) -> bool {
    match c {
        'a'..='z' | 'A'..='Z' | 'А'..='я' | 'ё' | 'Ё' => true,
        c if c.is_ascii() => false,
        c => c.is_alphabetic(),
    }
}

/// Runs of letters with their byte offsets.
pub fn words(s: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        match (is_letter(c), start) {
            (true, None) => start = Some(i),
            (false, Some(st)) => {
                out.push((st, &s[st..i]));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(st) = start {
        out.push((st, &s[st..]));
    }
    out.into_iter()
}

/// The soft hyphen: an allowed break point, shown as a hyphen only there.
pub const SOFT_HYPHEN: char = '\u{AD}';
/// The non-breaking hyphen (Word's Ctrl+Shift+-): a hyphen never broken at.
pub const NO_BREAK_HYPHEN: char = '\u{2011}';

/// Is the character at byte `i` of `text` (a hyphen) between two digits, as
/// in «2020-2024»? No line breaks there in LibreOffice and the PDF (Unicode's
/// rule LB25); the DOCX says so to Word with a non-breaking hyphen.
pub fn digit_hyphen(text: &str, i: usize) -> bool {
    let before = text[..i].chars().next_back();
    let after = text[i..].chars().nth(1);
    before.is_some_and(|c| c.is_ascii_digit()) && after.is_some_and(|c| c.is_ascii_digit())
}

/// Format characters that are never drawn: the soft hyphen (except at a
/// line end), zero-width space, joiner and non-joiner, word joiner, the
/// byte-order mark, direction marks and embeddings, the combining grapheme
/// joiner and variation selectors.
#[inline]
pub fn is_invisible(c: char) -> bool {
    // Most text (Latin, Cyrillic) is below the first range but two.
    let u = c as u32;
    if u < 0x180E {
        return u == 0xAD || u == 0x34F;
    }
    matches!(
        c,
        SOFT_HYPHEN
            | '\u{034F}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
    )
}

/// A fixed-width space: no-break (U+00A0), narrow no-break (U+202F) or
/// figure space (U+2007) — those the typography pass may put in.
pub fn is_fixed_space(c: char) -> bool {
    matches!(c, '\u{00A0}' | '\u{202F}' | '\u{2007}')
}

/// Does `s` hold anything a reader would see?
pub fn has_visible(s: &str) -> bool {
    s.chars().any(|c| !c.is_whitespace() && !is_invisible(c))
}

/// A letter of a right-to-left script (Hebrew, Arabic, Syriac, Thaana…).
pub fn is_rtl(c: char) -> bool {
    use unicode_bidi::BidiClass::{AL, R};
    // Below U+0590 nothing is right-to-left: skip the table lookup.
    (c as u32) >= 0x0590 && matches!(unicode_bidi::bidi_class(c), R | AL)
}

/// Text in Unicode normal form C: "й" typed as "и" + combining breve
/// becomes the one letter, as the fonts draw it.
pub fn nfc(s: &str) -> std::borrow::Cow<'_, str> {
    use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};
    // Latin-1, Cyrillic letters, dashes, quotes and "№" are in NFC and
    // never combine with what follows: no table lookup for such text.
    let simple = |c: char| {
        let u = c as u32;
        u < 0x300
            || (0x400..=0x482).contains(&u)
            || (0x48A..=0x4FF).contains(&u)
            || (0x2010..=0x2027).contains(&u)
            || u == 0x2116
    };
    if s.chars().all(simple) {
        return s.into();
    }
    match is_nfc_quick(s.chars()) {
        IsNormalized::Yes => s.into(),
        _ => s.nfc().collect::<String>().into(),
    }
}

/// Does a paragraph hold a web address or an e-mail address? Such a
/// paragraph is not hyphenated automatically (in both documents), so an
/// address never gets a hyphen that is not part of it.
pub fn has_address(paragraph: &str) -> bool {
    paragraph.contains("://")
        || paragraph.contains("www.")
        || paragraph.contains('@')
            && paragraph.split_whitespace().any(|w| {
                let w = w.trim_end_matches(|c: char| !c.is_alphanumeric());
                w.split_once('@')
                    .is_some_and(|(user, host)| !user.is_empty() && host.contains('.') && !host.ends_with('.'))
            })
}

/// A combining mark drawn over the character before it.
#[inline]
pub fn is_combining(c: char) -> bool {
    // Cyrillic letters (between the combining blocks) answered without a
    // table lookup.
    let u = c as u32;
    if u < 0x300 || (0x370..0x483).contains(&u) || (0x48A..0x591).contains(&u) {
        return false;
    }
    unicode_normalization::char::is_combining_mark(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_are_one_line_and_cut_with_an_ellipsis() {
        assert_eq!(one_line(" а\n б\u{a0} в "), "а б в");
        assert_eq!(excerpt("а  б", 3), "а б");
        assert_eq!(excerpt("абвгд", 3), "абв…");
    }

    #[test]
    fn words_split_on_non_letters() {
        let w: Vec<_> = words("IT-отдел, Cоглашение").map(|(_, w)| w).collect();
        assert_eq!(w, ["IT", "отдел", "Cоглашение"]);
    }

    #[test]
    fn title_normalisation() {
        assert_eq!(normalize_title("Трехстороннее  Соглашение."), normalize_title("трехстороннее соглашение"));
    }

    #[test]
    fn invisible_characters() {
        assert!(!has_visible("\u{200B}\u{AD} \u{200C}\u{200D}\u{FEFF}\t"));
        assert!(has_visible("\u{200B}а"));
        assert!(!is_invisible('-') && !is_invisible('\u{A0}'));
    }

    #[test]
    fn right_to_left_letters() {
        assert!(is_rtl('א') && is_rtl('ب'));
        assert!(!is_rtl('а') && !is_rtl('a') && !is_rtl('1') && !is_rtl('₽'));
    }

    #[test]
    fn addresses() {
        assert!(has_address("сайт https://admin-smolensk.ru/news"));
        assert!(has_address("см. www.culture.ru"));
        assert!(has_address("пишите: info@admin.ru."));
        assert!(!has_address("г. Смоленск, ул. Ленина, д. 1"));
        assert!(!has_address("встреча @ 10:00"));
    }

    #[test]
    fn composed_letters() {
        assert_eq!(nfc("и\u{306}"), "й");
        assert_eq!(nfc("е\u{308}ж"), "ёж");
        assert!(matches!(nfc("уже NFC"), std::borrow::Cow::Borrowed(_)));
        assert!(is_combining('\u{301}') && !is_combining('а'));
    }
}

/// `s` with its first letter in upper case (a message that begins a
/// sentence).
pub fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
