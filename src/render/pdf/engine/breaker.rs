//! Line breaking of one cell's text: Unicode break opportunities (UAX #14,
//! plus after `» `), Russian hyphenation of the word crossing the line end
//! (LibreOffice's patterns and minima), soft hyphens, and a forced cut of a
//! word longer than the line.

use crate::fonts::Metrics;
use crate::template::HYPHENATION_ZONE;
use crate::text::SOFT_HYPHEN;
use crate::units::fits;

/// One line of text with its measured width (pt).
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// The line's text, with an inserted hyphen where one is shown.
    pub text: String,
    /// Its width, pt.
    pub width: f32,
    /// Bytes at the start of the line that end a word begun on the line
    /// above (0 when the line starts with a word of its own).
    pub head: usize,
    /// A word that goes on past the line end (hyphenated, cut, or broken
    /// after a hard hyphen): where it starts in `text`, and the whole word
    /// as the input has it (no inserted hyphen), for the PDF's ActualText.
    pub tail: Option<(usize, Box<str>)>,
    /// The next line goes on with the same word (no space between).
    pub joined: bool,
    /// The line's last `-` is not in the text (automatic or soft hyphen).
    pub inserted_hyphen: bool,
}

/// Fills in `head` and `tail` of a paragraph's lines: each word that
/// crosses line ends is named whole on the line where it starts.
fn mark_joined_words(lines: &mut [Line]) {
    let head_len = |t: &str| t.find(is_break_space).unwrap_or(t.len());
    for i in 0..lines.len() {
        let line = &lines[i];
        if !line.joined || line.head == line.text.len() {
            continue;
        }
        let start = line.text.rfind(is_break_space).map_or(0, |p| p + 1).max(line.head);
        let mut word = String::from(&line.text[start..]);
        if line.inserted_hyphen {
            word.pop();
        }
        for next in &mut lines[i + 1..] {
            let head = head_len(&next.text);
            next.head = head;
            word.push_str(&next.text[..head]);
            let whole = head == next.text.len();
            if whole && next.inserted_hyphen {
                word.pop();
            }
            if !(whole && next.joined) {
                break;
            }
        }
        // The word as typed: soft hyphens are break points, not its letters.
        word.retain(|c| c != SOFT_HYPHEN);
        lines[i].tail = Some((start, word.into_boxed_str()));
    }
}

/// Is `c` a space a line may break after (and that hangs at a line end)?
fn is_break_space(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// Byte offsets inside `seg`, a part of the paragraph `para`, where the
/// word crossing the line end may be hyphenated: the last word of `seg` that
/// starts before `fit` (the end of what fits on the line). Only that word is
/// hyphenated, not an earlier word of a run held by no-break spaces. As in
/// LibreOffice (libhyphen's compound level), a word joined to another by a
/// hard hyphen keeps at least [`super::super::hyphen::COMPOUND_MIN`] letters on that side
/// ("на-учно-техническом").
fn hyphenation_points(para: &str, seg: &str, fit: usize) -> Vec<usize> {
    let letter = crate::text::is_letter;
    let max = super::super::hyphen::MAX_WORD;
    let base = seg.as_ptr() as usize - para.as_ptr() as usize;
    // Back from `fit` over non-letters, then over the word's letters, then
    // forward to the word's end, in the whole paragraph: the rest of a word
    // broken at a line end is still that word. A word too long to hyphenate
    // is given up after MAX_WORD letters, so the work stays bounded.
    let before = &para[..base + fit];
    let Some(last) = before[base..].rfind(letter).map(|i| base + i) else { return Vec::new() };
    let mut from = last;
    for (n, (i, c)) in before[..last].char_indices().rev().enumerate() {
        if !letter(c) {
            break;
        }
        if n > max {
            return Vec::new();
        }
        from = i;
    }
    let mut to = para.len();
    for (n, (i, c)) in para[from..].char_indices().enumerate() {
        if !letter(c) {
            to = from + i;
            break;
        }
        if n > max {
            return Vec::new();
        }
    }
    super::super::hyphen::word_points(para, from, to)
        .into_iter()
        // Within this segment (the rest of a word already hyphenated once
        // may be hyphenated again).
        .filter_map(|p| p.checked_sub(base).filter(|&off| off > 0))
        .collect()
}

/// Where a line may break: Unicode's rules (UAX #14), plus after the spaces
/// that follow a closing guillemet. UAX #14 keeps `» (` together (its rule
/// LB15, "QU SP* × OP"); LibreOffice's break iterator, like Unicode 15.1,
/// does not, and Russian text has `музей» (г. Торжок)` everywhere.
fn break_opportunities(p: &str) -> Vec<usize> {
    let mut out: Vec<usize> = unicode_linebreak::linebreaks(p).map(|(pos, _)| pos).collect();
    let mut prev = None;
    for (i, c) in p.char_indices() {
        if prev == Some('»') && c == ' ' {
            let after = p[i..].trim_start_matches(' ');
            if !after.is_empty() {
                out.push(p.len() - after.len());
            }
        }
        if c != ' ' {
            prev = Some(c);
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Greedy line breaking with Unicode line-break rules (UAX #14; no-break
/// spaces hold words together), Russian hyphenation of a word that does
/// not fit, and a forced break for a word longer than the whole width.
#[derive(Clone, Copy)]
pub struct Breaker<'m> {
    /// Metrics of the face the text is set in.
    pub metrics: &'m Metrics,
    /// Font size, pt.
    pub size: f32,
    /// Hyphenate words at line ends. Without it a word longer than a whole
    /// line is cut where the line is full.
    pub hyphenate: bool,
    /// With `hyphenate`: by soft hyphens at every hyphenation point
    /// ([`super::super::hyphen::soft_hyphens`]), as Word and LibreOffice
    /// treat them with automatic hyphenation off (no hyphenation zone; any
    /// word of a no-break run may break); else automatic hyphenation as
    /// LibreOffice's.
    pub soft: bool,
}

impl Breaker<'_> {
    fn w(&self, s: &str) -> f32 {
        self.metrics.width(s) * self.size
    }

    /// Lines of a text; `\n` separates paragraphs.
    pub fn lines(&self, text: &str, width: f32) -> Vec<Line> {
        let mut out = Vec::new();
        for para in text.split('\n') {
            self.paragraph(para, width, &mut out);
        }
        out
    }

    /// Ends a line with `raw` (trailing spaces hang); `last`: the
    /// paragraph ends here; `hyphenated`: `raw` ends with an automatic
    /// hyphen.
    fn push(&self, out: &mut Vec<Line>, raw: &str, last: bool, hyphenated: bool) {
        let text = raw.trim_end_matches(is_break_space);
        // A line ending at a soft hyphen shows it as a hyphen.
        let (text, soft) = match text.strip_suffix(SOFT_HYPHEN) {
            Some(t) => (format!("{t}-"), true),
            None => (text.to_string(), false),
        };
        let joined = !last && text.len() == raw.len() - usize::from(soft);
        let inserted_hyphen = hyphenated || soft;
        out.push(Line { width: self.w(&text), text, head: 0, tail: None, joined, inserted_hyphen });
    }

    fn paragraph(&self, p: &str, width: f32, out: &mut Vec<Line>) {
        // No automatic hyphens in a paragraph with a web or e-mail address
        // (the DOCX marks it w:suppressAutoHyphens).
        if self.hyphenate && crate::text::has_address(p) {
            return Breaker { hyphenate: false, soft: false, ..*self }.paragraph(p, width, out);
        }
        if self.hyphenate && self.soft {
            let p = super::super::hyphen::soft_hyphens(p);
            return Breaker { hyphenate: false, soft: false, ..*self }.paragraph(&p, width, out);
        }
        let start_len = out.len();
        let hyphen = self.w("-");
        let mut cur = String::new();
        let mut cur_w = 0.0f32;
        let mut last = 0;
        for pos in break_opportunities(p) {
            let mut seg = &p[last..pos];
            last = pos;
            while !seg.is_empty() {
                let trimmed = seg.trim_end_matches(is_break_space);
                // A segment ending at a soft hyphen may end the line: room
                // for the hyphen it would then show.
                let shy = if trimmed.ends_with(SOFT_HYPHEN) { hyphen } else { 0.0 };
                let (fit, trimmed_w) = self.measure(trimmed, width - cur_w - shy);
                if fit == trimmed.len() {
                    cur.push_str(seg);
                    // Trailing spaces and tabs are each a space wide.
                    cur_w += trimmed_w + (seg.len() - trimmed.len()) as f32 * self.w(" ");
                    break;
                }
                // Hyphenate the segment into what is left of the line, when
                // that is more than the hyphenation zone. Without automatic
                // hyphenation a word longer than a whole line is cut (below)
                // without a hyphen, as LibreOffice does.
                let avail = width - cur_w - hyphen;
                let worth = self.hyphenate && width - cur_w >= HYPHENATION_ZONE;
                let points = || hyphenation_points(p, trimmed, fit);
                if let Some(off) = worth.then(|| self.best_prefix(seg, avail, &points())).flatten() {
                    cur.push_str(&seg[..off]);
                    cur.push('-');
                    self.push(out, &cur, false, true);
                    cur.clear();
                    cur_w = 0.0;
                    seg = &seg[off..];
                    continue;
                }
                if !cur.is_empty() {
                    self.push(out, &cur, false, false);
                    cur.clear();
                    cur_w = 0.0;
                    continue;
                }
                // Alone on a line and still too wide: cut it where the line
                // is full (as LibreOffice does; no-break spaces are not
                // preferred), at least one character a line.
                let (off, _) = self.measure(trimmed, width);
                let off = if off == 0 { trimmed.chars().next().map_or(seg.len(), char::len_utf8) } else { off };
                self.push(out, &seg[..off], false, false);
                seg = &seg[off..];
            }
        }
        if !cur.is_empty() || out.len() == start_len {
            self.push(out, &cur, true, false);
        }
        mark_joined_words(&mut out[start_len..]);
    }

    /// The end of the longest prefix of `s` (whole characters) that fits in
    /// `avail` (0 when not even one character fits), and its width.
    /// Measuring stops where the prefix stops fitting, so a long segment is
    /// cut line by line without measuring all of it each time.
    fn measure(&self, s: &str, avail: f32) -> (usize, f32) {
        let mut w = 0.0;
        for (i, c) in s.char_indices() {
            let next = w + self.metrics.char_width(c) * self.size;
            if !fits(next, avail) {
                return (i, w);
            }
            w = next;
        }
        (s.len(), w)
    }

    /// The longest prefix `seg[..off]`, `off` in `points` (ascending), whose
    /// width fits in `avail`.
    fn best_prefix(&self, seg: &str, avail: f32, points: &[usize]) -> Option<usize> {
        if avail <= 0.0 {
            return None;
        }
        points.iter().rev().copied().find(|&off| off > 0 && fits(self.w(&seg[..off]), avail))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn breaker(size: f32) -> Breaker<'static> {
        Breaker { metrics: crate::fonts::regular(), size, hyphenate: true, soft: false }
    }

    fn texts(lines: &[Line]) -> Vec<&str> {
        lines.iter().map(|l| l.text.as_str()).collect()
    }

    #[test]
    fn breaks_at_spaces_and_fits_the_width() {
        let b = breaker(12.0);
        let text = "Обмен опытом работы, обмен информацией об имеющихся вакансиях";
        let lines = b.lines(text, 120.0);
        assert!(lines.len() > 1);
        for l in &lines {
            assert!(fits(l.width, 120.0), "{l:?}");
        }
        let joined: String = texts(&lines).join(" ");
        assert_eq!(joined.replace("- ", "").replace(' ', ""), text.replace(' ', ""));
    }

    #[test]
    fn no_break_space_keeps_words_together() {
        let b = breaker(12.0);
        // Room for "в области" but not for "слово в области" ("области" has
        // no break point in the dictionary).
        let w = b.w("в\u{a0}области") + 1.0;
        let lines = b.lines("слово в\u{a0}области", w);
        assert_eq!(texts(&lines)[0], "слово");
        assert!(lines[1].text.starts_with("в\u{a0}"), "{lines:?}");
    }

    #[test]
    fn hyphenates_a_word_that_does_not_fit() {
        let b = breaker(12.0);
        let w = b.w("Межрегиональ-") + 1.0;
        let lines = b.lines("Межрегиональный", w);
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(lines[0].text.ends_with('-'));
        assert_eq!(format!("{}{}", lines[0].text.trim_end_matches('-'), lines[1].text), "Межрегиональный");
    }

    /// (text, head, tail word) of each line.
    fn marks(lines: &[Line]) -> Vec<(&str, usize, Option<&str>)> {
        lines.iter().map(|l| (l.text.as_str(), l.head, l.tail.as_ref().map(|t| &*t.1))).collect()
    }

    #[test]
    fn words_split_over_lines_are_named_whole_where_they_start() {
        let b = breaker(12.0);
        // Automatic hyphen: the word without it; the next line's head.
        let lines = b.lines("в Межрегиональный центр", b.w("в Межрегиональ-") + 1.0);
        assert_eq!(marks(&lines), [("в Межрегиональ-", 0, Some("Межрегиональный")), ("ный центр", "ный".len(), None)]);
        assert!(lines[0].joined && !lines[1].joined);
        // A soft hyphen shown as a hyphen: the word without either.
        let lines = b.lines("а Те\u{AD}нишевых», б", b.w("а Те-") + 1.0);
        assert_eq!(lines[0].tail.as_ref().map(|t| (t.0, &*t.1)), Some(("а ".len(), "Тенишевых»,")));
        // The narrow lines cut the rest again: the heads after it spell it.
        let rest: String = lines[1..]
            .iter()
            .map(|l| l.text[..l.head].strip_suffix('-').filter(|_| l.inserted_hyphen).unwrap_or(&l.text[..l.head]))
            .collect();
        assert_eq!(rest, "нишевых»,", "{lines:?}");
        // A hard hyphen at the line end stays in the word.
        let lines = b.lines("научно-технический", b.w("научно-") + 1.0);
        assert_eq!(lines[0].tail.as_ref().map(|t| &*t.1), Some("научно-технический"));
        // A word cut over three lines without hyphens: named once, on the
        // first; the middle line is all head.
        let nb = Breaker { hyphenate: false, ..b };
        let long = "ж".repeat(30);
        let lines = nb.lines(&long, nb.w(&"ж".repeat(12)) + 0.5);
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert_eq!(lines[0].tail.as_ref().map(|t| (t.0, &*t.1)), Some((0, long.as_str())));
        assert_eq!((lines[1].head, lines[1].tail.is_none()), (lines[1].text.len(), true));
        assert_eq!((lines[2].head, lines[2].joined), (lines[2].text.len(), false));
    }

    #[test]
    fn hyphenation_zone_moves_the_word_instead() {
        let b = breaker(12.0);
        // The gap after "Обмен" is smaller than the zone: no hyphenation.
        let w = b.w("Обмен ") + HYPHENATION_ZONE - 2.0;
        let lines = b.lines("Обмен информацией", w);
        assert_eq!(texts(&lines)[0], "Обмен");
    }

    #[test]
    fn without_automatic_hyphenation_words_move_whole() {
        let b = Breaker { hyphenate: false, ..breaker(12.0) };
        let w = b.w("Обмен информа-") + 1.0;
        let lines = b.lines("Обмен информацией", w);
        assert_eq!(texts(&lines), ["Обмен", "информацией"]);
        // A word longer than the line is cut where the line is full, with
        // no hyphen (as LibreOffice prints it).
        let w = b.w("Межрегиональ") + 1.0;
        let lines = b.lines("Межрегиональный", w);
        assert_eq!(texts(&lines), ["Межрегиональ", "ный"]);
    }

    #[test]
    fn compound_words_keep_three_letters_by_the_hyphen() {
        // libhyphen's compound level: "науч-но-" would leave two letters
        // before the hard hyphen, so LibreOffice breaks "на-учно-".
        let b = breaker(12.0);
        let w = b.w("экономическом, науч-") + 0.5;
        let lines = b.lines("экономическом, научно-техническом", w);
        assert_eq!(texts(&lines)[0], "экономическом, на-", "{lines:?}");
        let w = b.w("истори-") + 0.5;
        let lines = b.lines("историко-этнографический", w);
        assert_eq!(texts(&lines)[0], "исто-", "{lines:?}");
    }

    #[test]
    fn a_line_may_break_after_a_closing_guillemet() {
        // UAX #14 (LB15) would glue "музей» (г." together.
        let b = Breaker { hyphenate: false, ..breaker(12.0) };
        let w = b.w("ческий музей»") + 1.0;
        let lines = b.lines("ческий музей» (г.\u{a0}Торжок)", w);
        assert_eq!(texts(&lines)[0], "ческий музей»", "{lines:?}");
    }

    #[test]
    fn only_the_word_crossing_the_line_end_is_hyphenated() {
        // "«Музей Ю.А. Гагарина»" is held together by no-break spaces; the
        // first word is not hyphenated to make room, the last one would be.
        let b = breaker(12.0);
        let text = "«Музей\u{a0}Ю.А.\u{a0}Гагарина»";
        let w = b.w("«Музей\u{a0}Ю.А.\u{a0}Гага") + 0.5;
        let lines = b.lines(text, w);
        assert_eq!(texts(&lines)[0], "«Музей\u{a0}Ю.А.\u{a0}Гага", "{lines:?}");
        assert!(!texts(&lines)[0].ends_with('-'));
    }

    #[test]
    fn very_long_words_hyphenate_without_panicking() {
        // Found by fuzzing (with the earlier hyphenator): words past 45
        // bytes panicked.
        let word = "превысокомногорассмотрительствующий".repeat(3);
        let lines = breaker(12.0).lines(&word, 80.0);
        assert!(lines.len() > 3);
        assert_eq!(texts(&lines).concat().replace('-', ""), word);
    }

    #[test]
    fn pathological_texts_break_in_linear_work() {
        // Found by fuzzing: a huge word, or a huge run of words held by
        // no-break spaces, made hyphenation work grow with the cube of the
        // length. Both must break quickly and lose nothing.
        let b = breaker(12.0);
        let word = "перенос".repeat(5_000);
        let lines = b.lines(&word, 100.0);
        let joined = texts(&lines).concat();
        assert!(joined == word, "{} lines, {} chars of {}", lines.len(), joined.chars().count(), word.chars().count());
        let run = vec!["переносы"; 4_000].join("\u{a0}");
        let lines = b.lines(&run, 100.0);
        let joined = texts(&lines).concat().replace('-', "");
        assert!(joined == run, "{} lines, {} chars of {}", lines.len(), joined.chars().count(), run.chars().count());
    }

    #[test]
    fn overlong_word_breaks_anywhere() {
        let b = breaker(12.0);
        let url = "https://example.org/very/long/path/without/any/spaces/at/all";
        let lines = b.lines(url, 60.0);
        assert!(lines.len() > 2);
        for l in &lines {
            assert!(fits(l.width, 60.0), "{l:?}");
        }
        assert_eq!(texts(&lines).concat().replace('-', ""), url.replace('-', ""));
    }

    #[test]
    fn paragraphs_are_kept() {
        let lines = breaker(12.0).lines("Первый\nВторой\n\nЧетвертый", 500.0);
        assert_eq!(texts(&lines), ["Первый", "Второй", "", "Четвертый"]);
    }
}
