//! Page content streams, written straight from the positioned lines and
//! marked for the tagged PDF: each cell's, the title's and the header's
//! text is a marked-content sequence with an MCID, the rules, page numbers
//! and repeated header and agreement texts are artifacts, and each word
//! split over lines carries its whole text (ActualText) where it starts.

use super::{Face, Usage};
use crate::layout::{Row, Table};
use crate::render::pdf::engine::{Owner, Page, Sheet, TextRun};

/// The no-break spaces of a line the typography pass put in (drawn with
/// the space glyph, so text extraction gives a plain space and a phrase
/// typed with spaces is found), by char; `None` when every no-break space
/// of the line is the pass's (its text had none of its own).
fn own_spaces(run_text: &str, owner: Owner, table: &Table) -> Option<Vec<bool>> {
    let typed = match owner {
        Owner::Cell { row, col } => match table.rows.get(row) {
            Some(Row::Department(c)) => c.typed_space,
            Some(Row::Event(e)) => e.cells.get(col).is_some_and(|c| c.typed_space),
            None => true,
        },
        // Title, header and repeats: told by the pass itself.
        _ => true,
    };
    // Soft hyphens (the hyphenation points) are no characters of the text
    // the typography pass saw.
    let shy = crate::text::SOFT_HYPHEN;
    typed.then(|| {
        if !run_text.contains(shy) {
            return crate::layout::typeset_spaces(run_text);
        }
        let plain: String = run_text.chars().filter(|&c| c != shy).collect();
        let mut set = crate::layout::typeset_spaces(&plain).into_iter();
        run_text.chars().map(|c| c != shy && set.next().unwrap_or(false)).collect()
    })
}

/// Is char `n`, `c`, one of typography's no-break spaces (by
/// [`own_spaces`] of its text)?
fn typography_space(c: char, n: usize, own: Option<&[bool]>) -> bool {
    c == crate::typo::NBSP && own.is_none_or(|t| t.get(n).copied().unwrap_or(false))
}

/// One zlib compressor for all pages (a new one per page spent more time
/// allocating and clearing its window than compressing).
pub(super) struct Packer(flate2::Compress);

impl Packer {
    pub(super) fn new() -> Packer {
        Packer(flate2::Compress::new(flate2::Compression::new(LEVEL), true))
    }

    pub(super) fn pack(&mut self, data: &[u8]) -> Result<Vec<u8>, String> {
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
        if !frac.is_multiple_of(10) {
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

/// The structure type a content owner's text is marked with.
pub(super) fn role(owner: Owner) -> &'static [u8] {
    match owner {
        Owner::Title => b"H1",
        Owner::Header(_) => b"TH",
        Owner::Cell { .. } => b"TD",
        Owner::Repeat | Owner::PageNumber => b"Artifact",
    }
}

/// Appends a text string as a literal: UTF-16BE with a byte order mark,
/// binary (half the size of hex), `()` when empty.
fn literal_text(out: &mut Vec<u8>, s: &str) {
    out.push(b'(');
    if !s.is_empty() {
        push_code(out, 0xFEFF);
        for u in s.encode_utf16() {
            push_code(out, u);
        }
    }
    out.push(b')');
}

/// Appends a two-byte glyph code to a literal string: binary, with the
/// three characters a literal string must escape.
fn push_code(out: &mut Vec<u8>, g: u16) {
    for b in g.to_be_bytes() {
        push_literal_byte(out, b);
    }
}

/// Appends one byte of a literal string, escaping the three characters a
/// literal string must (and CR, which readers would turn into LF).
pub(super) fn push_literal_byte(out: &mut Vec<u8>, b: u8) {
    match b {
        b'(' | b')' | b'\\' => out.extend_from_slice(&[b'\\', b]),
        b'\r' => out.extend_from_slice(b"\\r"),
        _ => out.push(b),
    }
}

/// Marked-content state of the text being written.
struct Marks {
    /// The owner whose sequence is open, if any.
    open: Option<Owner>,
    /// Owner of each MCID of the page, in order.
    mcids: Vec<Owner>,
}

impl Marks {
    /// Ends the open sequence and opens one for `owner` (content gets the
    /// next MCID; the page number and repeats are pagination artifacts).
    fn switch(&mut self, out: &mut Vec<u8>, owner: Owner) {
        if self.open == Some(owner) {
            return;
        }
        if self.open.is_some() {
            out.extend_from_slice(b"EMC\n");
        }
        match owner {
            Owner::PageNumber => out.extend_from_slice(b"/Artifact<</Type/Pagination/Subtype/Header>>BDC\n"),
            Owner::Repeat => out.extend_from_slice(b"/Artifact<</Type/Pagination>>BDC\n"),
            _ => {
                out.push(b'/');
                out.extend_from_slice(role(owner));
                out.extend_from_slice(b"<</MCID ");
                int(out, self.mcids.len() as u64);
                out.extend_from_slice(b">>BDC\n");
                self.mcids.push(owner);
            }
        }
        self.open = Some(owner);
    }
}

/// Where a bookmark may point on a page: the title's or a row's first
/// line (the owner of its first cell), with the top of that line in PDF
/// coordinates.
pub(super) type Anchor = (Owner, f32);

/// The table's rules: one stroked path, an artifact.
fn rules(out: &mut Vec<u8>, page: &Page, sheet: Sheet) {
    if page.rules.is_empty() {
        return;
    }
    let h = sheet.height;
    out.extend_from_slice(b"/Artifact<</Type/Layout>>BDC\nq ");
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
    out.extend_from_slice(b"S Q\nEMC\n");
}

/// Opens the marked span of a word split over lines, at byte `i` of the
/// run: its ActualText is the whole word where the word starts here, and
/// empty where it goes on from the line before.
fn open_span(out: &mut Vec<u8>, run: &TextRun, i: usize, table: &Table) {
    out.extend_from_slice(b"/Span<</ActualText");
    let word = match &run.tail {
        Some((at, word)) if *at == i => word,
        _ => "",
    };
    // A word bound to the one before by typography's
    // no-break space reads with a plain space there too.
    if word.contains(crate::typo::NBSP) {
        let own = own_spaces(word, run.owner, table);
        let plain: String = word
            .chars()
            .enumerate()
            .map(|(n, c)| if typography_space(c, n, own.as_deref()) { ' ' } else { c })
            .collect();
        literal_text(out, &plain);
    } else {
        literal_text(out, word);
    }
    out.extend_from_slice(b">>BDC\n");
}

/// The face (0/1: text, regular/bold; 2/3: their fallback) that has `c`,
/// and its glyph. Typography's no-break space (`typo_space`) is drawn as
/// the space glyph where that is as wide (it reads as the plain space the
/// user typed).
fn face_and_glyph(faces: &[Face<'_>], bold: bool, c: char, typo_space: bool) -> (usize, u16) {
    let mut k = usize::from(bold);
    let mut glyph = faces[k].metrics.glyph(c);
    if glyph == 0 && super::super::face_index(faces[k].metrics, bold, c) != k {
        k += 2;
        glyph = faces[k].metrics.glyph(c);
    }
    if typo_space {
        let m = faces[k].metrics;
        let space = m.glyph(' ');
        let advance = |g: u16| m.glyph_advance.get(usize::from(g)).copied();
        if space != 0 && advance(space) == advance(glyph) {
            glyph = space;
        }
    }
    (k, glyph)
}

/// One page's content: the rules, then the text (y measured from the top
/// in the layout, from the bottom in PDF). Returns the owner of each MCID
/// used on the page, and where the title and each row's first cell start
/// on it.
pub(super) fn page_content(
    out: &mut Vec<u8>,
    page: &Page,
    sheet: Sheet,
    faces: &[Face<'_>],
    usage: &[Usage],
    table: &Table,
) -> (Vec<Owner>, Vec<Anchor>) {
    let h = sheet.height;
    rules(out, page, sheet);
    let mut marks = Marks { open: None, mcids: Vec::new() };
    let mut anchors: Vec<Anchor> = Vec::new();
    if page.texts.is_empty() {
        return (marks.mcids, anchors);
    }
    out.extend_from_slice(b"BT\n");
    let mut current: Option<(usize, f32)> = None;
    let mut last = (0.0f32, 0.0f32);
    for run in &page.texts {
        if matches!(run.owner, Owner::Title | Owner::Cell { col: 0, .. })
            && anchors.last().is_none_or(|a| a.0 != run.owner)
        {
            anchors.push((run.owner, h - run.y + run.size));
        }
        marks.switch(out, run.owner);
        // An array (TJ) only where a combining mark needs moving.
        let marks_in_run = run.text.chars().any(crate::text::is_combining);
        let (open, close): (&[u8], &[u8]) = if marks_in_run { (b"[(", b")]TJ\n") } else { (b"(", b")Tj\n") };
        // Absolute positions as text-line moves from the previous line.
        let (x, y) = (run.x, h - run.y);
        let mut moved = false;
        let mut in_string = false;
        let mut base = 0.0f32;
        // Where a word split over lines starts or ends: its part here is
        // marked with the whole word (where it starts) or with nothing
        // (where it goes on), so extracted text has each word once, whole.
        let tail_at = run.tail.as_ref().map(|(at, _)| *at);
        let mut span_open = false;
        let typeset = if run.text.contains(crate::typo::NBSP) { own_spaces(&run.text, run.owner, table) } else { None };
        for (n, (i, c)) in run.text.char_indices().enumerate() {
            let span_end = span_open && i == run.head;
            let span_start = (i == 0 && run.head > 0) || tail_at == Some(i);
            if span_end || span_start {
                if in_string {
                    out.extend_from_slice(close);
                    in_string = false;
                }
                if span_end {
                    out.extend_from_slice(b"EMC\n");
                    span_open = false;
                }
                if span_start {
                    open_span(out, run, i, table);
                    span_open = true;
                }
            }
            // Invisible format characters are not drawn.
            if crate::text::is_invisible(c) {
                continue;
            }
            // Each character in the face that has it: the text face, or
            // its fallback.
            let (k, glyph) = face_and_glyph(faces, run.bold, c, typography_space(c, n, typeset.as_deref()));
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
            let shift = (marks_in_run && crate::text::is_combining(c))
                .then(|| ((base / 2.0 + m.mark_center(c)) * 1000.0).round() as i64)
                .filter(|&s| s != 0);
            if let Some(s) = shift {
                out.push(b')');
                int_signed(out, s);
                out.push(b'(');
            }
            let g = usage[k].new_id[usize::from(glyph)];
            debug_assert!(g != 0 || glyph == 0, "glyph for {c:?} missing from the subset");
            push_code(out, g);
            if let Some(s) = shift {
                out.push(b')');
                int_signed(out, -s);
                out.push(b'(');
            } else if marks_in_run {
                base = m.char_width(c);
            }
        }
        if span_open {
            if in_string {
                out.extend_from_slice(close);
                in_string = false;
            }
            out.extend_from_slice(b"EMC\n");
        }
        // A line that ends between words ends with a space (drawn as
        // nothing), so the structure's text reads "a b", not "ab".
        if !run.joined && moved && !matches!(run.owner, Owner::Repeat | Owner::PageNumber) {
            if !in_string {
                out.extend_from_slice(open);
                in_string = true;
            }
            let k = current.map_or(0, |(k, _)| k);
            push_code(out, usage[k].new_id[usize::from(faces[k].metrics.glyph(' '))]);
        }
        if in_string {
            out.extend_from_slice(close);
        }
    }
    out.extend_from_slice(b"EMC\nET\n");
    (marks.mcids, anchors)
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
}
