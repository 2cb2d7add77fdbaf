//! Russian typography for rendered text (never applied to stored data).
//!
//! Replaces some ordinary spaces with no-break spaces (U+00A0) so that no
//! line ends with a hanging preposition or conjunction, initials stay with
//! surnames, abbreviations such as `г.` stay with what follows, numbers stay
//! with the following word, and a dash never starts a line. Only spaces are
//! changed; every other character is kept as it was.

/// The no-break space the typography pass puts between words that belong together.
pub const NBSP: char = '\u{00A0}';

/// Short words bound to the next word.
const BIND_NEXT: &[&str] = &[
    "в",
    "во",
    "с",
    "со",
    "к",
    "ко",
    "о",
    "об",
    "обо",
    "у",
    "и",
    "а",
    "но",
    "на",
    "по",
    "за",
    "до",
    "из",
    "от",
    "не",
    "ни",
    "да",
    "или",
    "для",
    "без",
    "под",
    "над",
    "при",
    "про",
    "из-за",
    "из-под",
];

/// Abbreviations bound to the next word (`г. Смоленск`, `ул. Советская`).
const ABBREV_NEXT: &[&str] = &[
    "г.",
    "ул.",
    "д.",
    "п.",
    "пос.",
    "с.",
    "им.",
    "пр.",
    "пр-т",
    "пер.",
    "пл.",
    "обл.",
    "р-н",
    "№",
    "§",
    "ст.",
    "т.",
    "тел.",
    "корп.",
    "стр.",
    "кв.",
    "каб.",
    "рис.",
    "табл.",
    "гл.",
    "разд.",
    "см.",
    "пгт",
    "дер.",
    "х.",
];

/// Units and currencies bound to the number (or the multiplier) before
/// them: "12 500 ₽", "12,5 млн ₽", "15 %", "3 тыс. руб.".
const UNITS: &[&str] = &["₽", "руб.", "руб", "коп.", "%", "‰", "$", "€", "тыс.", "тыс", "млн", "млн.", "млрд", "млрд."];

/// Multipliers that stay with the unit after them ("млн ₽").
const MULTIPLIERS: &[&str] = &["тыс.", "тыс", "млн", "млн.", "млрд", "млрд."];

/// A group of three digits continuing a number ("000" in "1 000 000"),
/// possibly with a decimal part or punctuation after it.
fn is_digit_group(token: &str) -> bool {
    let digits = token.chars().take_while(char::is_ascii_digit).count();
    digits == 3 && token[3..].chars().next().is_none_or(|c| !c.is_alphanumeric())
}

/// The digits a token ends with, when it ends with at most three of them
/// after a non-digit or the start (the head of a grouped number).
fn ends_with_short_number(token: &str) -> bool {
    let digits = token.chars().rev().take_while(char::is_ascii_digit).count();
    (1..=3).contains(&digits)
}

/// Particles bound to the previous word.
const BIND_PREV: &[&str] = &["же", "ли", "ль", "бы", "б"];

fn is_initials(token: &str) -> bool {
    // `А.`, `И.А.`, `А.Т.` (upper-case letter and dot, once or twice)
    let mut chars = token.chars();
    let mut groups = 0;
    loop {
        match (chars.next(), chars.next()) {
            (None, _) => break,
            (Some(c), Some('.')) if c.is_uppercase() => groups += 1,
            _ => return false,
        }
    }
    (1..=3).contains(&groups)
}

fn ends_with_number(token: &str) -> bool {
    token.chars().last().is_some_and(|c| c.is_ascii_digit())
}

fn is_dash(token: &str) -> bool {
    matches!(token, "–" | "—" | "-")
}

fn strip_punct(token: &str) -> &str {
    token.trim_start_matches(['«', '"', '(', '[', '„', '“'])
}

/// Longest word in the lists above, in characters.
const MAX_LISTED: usize = 6;

/// Lower-cased `s` when it is short enough to be in one of the lists.
fn listed_form(s: &str) -> Option<String> {
    (s.chars().count() <= MAX_LISTED).then(|| s.to_lowercase())
}

/// Should the space between `prev` and `next` be a no-break space?
fn bind(prev: &str, next: &str) -> bool {
    let p = strip_punct(prev);
    let starts_with_digit = next.chars().next().is_some_and(|c| c.is_ascii_digit());
    let p_listed = listed_form(p).is_some_and(|p_lower| {
        BIND_NEXT.contains(&p_lower.as_str())
            || (ABBREV_NEXT.contains(&p_lower.as_str()) && (!matches!(p, "№" | "§") || starts_with_digit))
    });
    let next_word = next.trim_end_matches(|c: char| !c.is_alphanumeric());
    p_listed
        || is_initials(p) && next.chars().next().is_some_and(char::is_uppercase)
        || is_initials(next.trim_end_matches([',', ';', ')']))
            && p.chars().next().is_some_and(char::is_uppercase)
            && next.len() <= 8
        || ends_with_number(p) && !starts_with_digit
        || ends_with_short_number(p) && is_digit_group(next)
        || MULTIPLIERS.contains(&p) && UNITS.contains(&next.trim_end_matches([',', ';', '.', ')']))
        || is_dash(next)
        || listed_form(next_word).is_some_and(|n| BIND_PREV.contains(&n.as_str()))
}

#[cfg(test)]
mod number_tests {
    use super::*;

    #[test]
    fn numbers_keep_their_groups_and_units() {
        assert_eq!(apply("сумма 1 000 000 руб."), "сумма 1\u{a0}000\u{a0}000\u{a0}руб.");
        assert_eq!(apply("итого 12 500 ₽"), "итого 12\u{a0}500\u{a0}₽");
        assert_eq!(apply("12,5 млн ₽ и 15 %"), "12,5\u{a0}млн\u{a0}₽ и\u{a0}15\u{a0}%");
        assert_eq!(apply("3 тыс. руб."), "3\u{a0}тыс.\u{a0}руб.");
        // Years and counts side by side are not one number.
        assert_eq!(apply("в 2020 2021 годах"), "в\u{a0}2020 2021\u{a0}годах");
        assert_eq!(apply("1 1000"), "1 1000");
    }
}

/// Applies the typography pass to one paragraph or cell text.
pub fn apply(text: &str) -> String {
    // Composed letters first (a combining breve typed after "и" is "й").
    let text = &*crate::text::nfc(text);
    let mut out = String::with_capacity(text.len() + 8);
    // Split into tokens separated by single ordinary spaces; runs of spaces
    // and other whitespace are kept as they are.
    let bytes = text.as_bytes();
    let mut prev_token_start = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b' ' {
            let prev = &text[prev_token_start..i];
            let next_start = i + 1;
            let next_end = text[next_start..].find([' ', '\n', '\t']).map_or(text.len(), |e| next_start + e);
            let next = &text[next_start..next_end];
            out.push_str(prev);
            // Bind only a single space between two real tokens.
            if !prev.is_empty() && !next.is_empty() && !prev.ends_with(['\n', '\t']) && bind(prev, next) {
                out.push(NBSP);
            } else {
                out.push(' ');
            }
            prev_token_start = next_start;
            i = next_start;
        } else if bytes[i] == b'\n' || bytes[i] == b'\t' {
            out.push_str(&text[prev_token_start..=i]);
            prev_token_start = i + 1;
            i += 1;
        } else {
            i += 1;
        }
    }
    out.push_str(&text[prev_token_start..]);
    out
}

/// The inverse for comparisons: no-break spaces back to spaces.
pub fn plain(text: &str) -> String {
    text.replace(NBSP, " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> String {
        apply(s).replace(NBSP, "~")
    }

    #[test]
    fn typography_cases() {
        let cases = [
            ("обмен опытом в области", "обмен опытом в~области"),
            ("Обмен информацией о вакансиях", "Обмен информацией о~вакансиях"),
            ("Миронов и Владимир", "Миронов и~Владимир"),
            ("сотрудничестве в торгово-экономической", "сотрудничестве в~торгово-экономической"),
            ("В рабочем порядке", "В~рабочем порядке"),
            ("И.А. Кеня, кандидат", "И.А.~Кеня, кандидат"),
            ("имени А.Т. Твардовского", "имени А.Т.~Твардовского"),
            ("Кеня И.А. и другие", "Кеня~И.А. и~другие"),
            ("г. Смоленск", "г.~Смоленск"),
            ("ул. Советская, д.3", "ул.~Советская, д.3"),
            ("д. Войновщина", "д.~Войновщина"),
            ("№ 5", "№~5"),
            ("№ п/п", "№ п/п"),
            ("около 150 оригинальных произведений", "около 150~оригинальных произведений"),
            ("участников 159 человек", "участников 159~человек"),
            ("1941-1945 гг. представлены", "1941-1945~гг. представлены"),
            ("области – Кузбасса", "области~– Кузбасса"),
            ("«Золотая осень – 2020»", "«Золотая осень~– 2020»"),
            ("(в режиме видеоконференции)", "(в~режиме видеоконференции)"),
            ("был ли он", "был~ли он"),
        ];
        for (input, want) in cases {
            let want = want.trim_end_matches('~');
            assert_eq!(t(input), want, "input: {input}");
        }
    }

    #[test]
    fn listed_words_fit_the_length_shortcut() {
        for w in BIND_NEXT.iter().chain(ABBREV_NEXT).chain(BIND_PREV) {
            assert!(w.chars().count() <= MAX_LISTED, "{w}");
        }
    }

    #[test]
    fn only_spaces_change() {
        let s = "Представители  Управления\nв рабочем\tпорядке г. Москва ";
        let out = apply(s);
        assert_eq!(plain(&out), s);
        assert_eq!(out.chars().count(), s.chars().count());
        // Double spaces are kept as written, never bound.
        assert!(out.contains("Представители  Управления"));
    }
}
