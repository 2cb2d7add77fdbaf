//! The text of a Word paragraph as Word shows it: a tab is a space, a
//! manual line break a space (none next to a space), no spaces at the
//! ends, and the fixed spaces otchet's own typography put in made plain
//! again.

use crate::text::is_fixed_space;

/// A manual line break while a paragraph is read (U+FFFF cannot occur in
/// XML text, so it never stands for a typed character).
pub(super) const LINE_BREAK: char = '\u{FFFF}';

/// Word's non-breaking hyphen element while a paragraph is read (U+FFFE
/// cannot occur in XML text either): between digits it is the plain hyphen
/// otchet wrote there («2020-2024»), elsewhere the character U+2011.
pub(super) const NO_BREAK_HYPHEN_ELEMENT: char = '\u{FFFE}';

/// A character as imported: a tab is a space. No-break and other fixed
/// spaces are kept until the paragraph is complete ([`untypeset`]).
pub(super) fn plain(c: char) -> char {
    match c {
        '\t' => ' ',
        c => c,
    }
}

/// A paragraph's text with the fixed spaces otchet's typography pass puts
/// in (after short words, in numbers) made plain again, and those the typist
/// put where the pass would not kept: so our own DOCX comes back as its
/// data, and a typed no-break space stays one.
fn untypeset(text: &str) -> String {
    if !text.chars().any(is_fixed_space) {
        return text.to_string();
    }
    text.chars().zip(crate::layout::typeset_spaces(text)).map(|(c, set)| if set { ' ' } else { c }).collect()
}

/// A paragraph's text as read (with [`LINE_BREAK`]s) as Word shows it:
/// Word's non-breaking hyphens resolved, its line breaks resolved — a space, none next to a space (the typist's
/// "word <br/>word") — the spaces around it removed, and typography's
/// fixed spaces made plain.
pub(super) fn paragraph(mut text: String) -> String {
    if text.contains(NO_BREAK_HYPHEN_ELEMENT) {
        text = text
            .char_indices()
            .map(|(i, c)| match c {
                NO_BREAK_HYPHEN_ELEMENT if crate::text::digit_hyphen(&text, i) => '-',
                NO_BREAK_HYPHEN_ELEMENT => crate::text::NO_BREAK_HYPHEN,
                c => c,
            })
            .collect();
    }
    if text.contains(LINE_BREAK) {
        let chars: Vec<char> = text.chars().collect();
        let mut out = String::with_capacity(text.len());
        for (i, &c) in chars.iter().enumerate() {
            if c != LINE_BREAK {
                out.push(c);
            } else if !out.ends_with(' ') && chars.get(i + 1).is_some_and(|&n| n != ' ' && n != LINE_BREAK) {
                out.push(' ');
            }
        }
        text = out;
    }
    let trimmed = text.trim_matches(' ');
    if trimmed.len() != text.len() {
        text = trimmed.to_string();
    }
    text = untypeset(&text);
    // Fixed spaces at the ends show nothing either (as the layout has it).
    let trimmed = text.trim_matches(|c| c == ' ' || is_fixed_space(c));
    if trimmed.len() != text.len() {
        text = trimmed.to_string();
    }
    text
}
