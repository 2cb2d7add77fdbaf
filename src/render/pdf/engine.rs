//! The table layout engine: logical table + template + font metrics ->
//! positioned text lines and rules on pages. Pure: no PDF here, so it is
//! unit-tested directly; `paint` only draws its result.
//!
//! Units are points, with y measured downwards from the top of the page.

use crate::layout::{Merge, Row, Table};
use crate::template::{mm_to_pt, mm_to_twips, Align, PageNumbers, Template, HYPHENATION_ZONE};

use crate::fonts::{FontSet, Metrics};
use crate::text::SOFT_HYPHEN;

/// Tolerance for "fits" comparisons, pt.
const EPS: f32 = 0.01;


/// One line of text with its measured width (pt).
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub text: String,
    pub width: f32,
}

/// A text run placed on a page.
#[derive(Debug, Clone, PartialEq)]
pub struct TextRun {
    pub x: f32,
    /// Baseline, from the top of the page.
    pub y: f32,
    pub text: String,
    pub bold: bool,
    pub size: f32,
}

/// A straight rule (table border).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    pub x1: f32,
    pub y1: f32,
    pub x2: f32,
    pub y2: f32,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    pub texts: Vec<TextRun>,
    pub rules: Vec<Rule>,
    /// Number of the first event row that starts or continues on this page.
    pub first_event: Option<usize>,
}

/// Page size and rule width, pt, as the layout uses them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sheet {
    pub width: f32,
    pub height: f32,
    pub border: f32,
}

impl Sheet {
    pub fn of(t: &Template) -> Sheet {
        Sheet { width: mm_to_pt(t.page.width), height: mm_to_pt(t.page.height), border: t.cell.border }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub width: f32,
    pub height: f32,
    /// Border width, pt.
    pub border: f32,
    pub pages: Vec<Page>,
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
/// hard hyphen keeps at least [`COMPOUND_MIN`] letters on that side
/// ("на-учно-техническом").
fn hyphenation_points(para: &str, seg: &str, fit: usize) -> Vec<usize> {
    let letter = crate::text::is_letter;
    let max = super::hyphen::MAX_WORD;
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
    let word = &para[from..to];
    if word.chars().count() < MIN_WORD {
        return Vec::new();
    }
    let joined_left = ends_compound_hyphen(&para[..from]);
    let joined_right = para[to..].strip_prefix('-').and_then(|r| r.chars().next()).is_some_and(letter);
    let min_left = if joined_left { COMPOUND_MIN } else { super::hyphen::MIN_LEFT };
    let min_right = if joined_right { COMPOUND_MIN } else { super::hyphen::MIN_RIGHT };
    super::hyphen::points(word, min_left, min_right)
        .into_iter()
        // Within this segment (the rest of a word already hyphenated once
        // may be hyphenated again).
        .filter_map(|p| (from + p).checked_sub(base).filter(|&off| off > 0))
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

/// Does `s` end with a hard hyphen right after a letter?
fn ends_compound_hyphen(s: &str) -> bool {
    s.strip_suffix('-').and_then(|b| b.chars().last()).is_some_and(crate::text::is_letter)
}

/// Letters kept next to a hard hyphen inside a compound word.
const COMPOUND_MIN: usize = 3;

/// Shorter words are never hyphenated.
const MIN_WORD: usize = 5;

/// Greedy line breaking with Unicode line-break rules (UAX #14; no-break
/// spaces hold words together), Russian hyphenation of a word that does
/// not fit, and a forced break for a word longer than the whole width.
#[derive(Clone, Copy)]
pub struct Breaker<'m> {
    pub metrics: &'m Metrics,
    pub size: f32,
    /// Hyphenate words at line ends (automatic hyphenation). Without it a
    /// word longer than a whole line is cut where the line is full.
    pub hyphenate: bool,
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

    fn push(&self, out: &mut Vec<Line>, text: &str) {
        let text = text.trim_end_matches(is_break_space);
        // A line ending at a soft hyphen shows it as a hyphen.
        let text = match text.strip_suffix(SOFT_HYPHEN) {
            Some(t) => format!("{t}-"),
            None => text.to_string(),
        };
        out.push(Line { width: self.w(&text), text });
    }

    fn paragraph(&self, p: &str, width: f32, out: &mut Vec<Line>) {
        // No automatic hyphens in a paragraph with a web or e-mail address
        // (the DOCX marks it w:suppressAutoHyphens).
        if self.hyphenate && crate::text::has_address(p) {
            return Breaker { hyphenate: false, ..*self }.paragraph(p, width, out);
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
                if let Some(off) = worth.then(|| self.best_prefix(seg, avail, &points())).flatten()
                {
                    cur.push_str(&seg[..off]);
                    cur.push('-');
                    self.push(out, &cur);
                    cur.clear();
                    cur_w = 0.0;
                    seg = &seg[off..];
                    continue;
                }
                if !cur.is_empty() {
                    self.push(out, &cur);
                    cur.clear();
                    cur_w = 0.0;
                    continue;
                }
                // Alone on a line and still too wide: cut it where the line
                // is full (as LibreOffice does; no-break spaces are not
                // preferred), at least one character a line.
                let (off, _) = self.measure(trimmed, width);
                let off = if off == 0 { trimmed.chars().next().map_or(seg.len(), char::len_utf8) } else { off };
                self.push(out, &seg[..off]);
                seg = &seg[off..];
            }
        }
        if !cur.is_empty() || out.len() == start_len {
            self.push(out, &cur);
        }
    }

    /// The end of the longest prefix of `s` (whole characters) that fits in
    /// `avail` (0 when not even one character fits), and its width.
    /// Measuring stops where the prefix stops fitting, so a long segment is
    /// cut line by line without measuring all of it each time.
    fn measure(&self, s: &str, avail: f32) -> (usize, f32) {
        let mut w = 0.0;
        for (i, c) in s.char_indices() {
            let next = w + self.metrics.char_width(c) * self.size;
            if next > avail + EPS {
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
        points.iter().rev().copied().find(|&off| off > 0 && self.w(&seg[..off]) <= avail + EPS)
    }
}

/// A cell laid out into lines.
#[derive(Debug, Clone)]
struct CellBox {
    lines: Vec<Line>,
    x: f32,
    w: f32,
    align: Align,
    bold: bool,
    size: f32,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Header,
    Department,
    Event,
}

#[derive(Debug, Clone)]
struct RowBox {
    kind: Kind,
    number: Option<usize>,
    /// Cells; for rows in a merge group the agreement cell is left out and
    /// drawn per page segment of the group.
    cells: Vec<CellBox>,
    merge: Merge,
    /// Index of the row in the table's rows, to find the group's agreement.
    group_end: bool,
}

#[derive(Clone)]
struct Geometry {
    left: f32,
    col_x: Vec<f32>,
    col_w: Vec<f32>,
    width: f32,
    pad_l: f32,
    pad_r: f32,
    pad_t: f32,
    pad_b: f32,
    border: f32,
    hyphenate: bool,
    fonts: FontSet,
}

impl Geometry {
    /// A cell's height: its lines, padding and one border width (Word and
    /// LibreOffice space rows by the border between them).
    fn cell_height(&self, lines: usize, size: f32, m: &Metrics) -> f32 {
        self.pad_t + lines as f32 * m.line_height * size + self.pad_b + self.border
    }
}

impl Geometry {
    fn metrics(&self, bold: bool) -> &'static Metrics {
        self.fonts.text(bold)
    }
}

impl CellBox {
    fn height(&self, g: &Geometry) -> f32 {
        g.cell_height(self.lines.len(), self.size, g.metrics(self.bold))
    }

    fn line_height(&self, g: &Geometry) -> f32 {
        g.metrics(self.bold).line_height * self.size
    }
}

impl RowBox {
    fn height(&self, g: &Geometry) -> f32 {
        self.cells.iter().map(|c| c.height(g)).fold(0.0, f32::max)
    }

    fn line_height(&self, g: &Geometry) -> f32 {
        self.cells.iter().map(|c| c.line_height(g)).fold(0.0, f32::max)
    }
}

fn make_cell(text: &str, x: f32, w: f32, g: &Geometry, align: Align, bold: bool, size: f32) -> CellBox {
    let inner = (w - g.pad_l - g.pad_r).max(1.0);
    let lines = Breaker { metrics: g.metrics(bold), size, hyphenate: g.hyphenate }.lines(text, inner);
    CellBox { lines, x, w, align, bold, size }
}

/// The state of the agreement cell of the merge group being placed.
struct Group {
    cell: CellBox,
    /// Top of the group's segment on the current page.
    seg_top: f32,
    /// Height of the group rows already placed on this page.
    seg_height: f32,
    /// The first line of the agreement shown in this page's segment: 0
    /// when the whole text fits on a page (a cut group repeats it), else
    /// where the previous page's segment stopped (the text continues).
    from: usize,
}

impl Group {
    /// Height the agreement text still needs from `from` on.
    fn rest_height(&self, g: &Geometry) -> f32 {
        g.cell_height(self.cell.lines.len() - self.from, self.cell.size, g.metrics(self.cell.bold))
    }
}

struct Pager<'a> {
    t: &'a Template,
    g: Geometry,
    header: RowBox,
    doc: Document,
    y: f32,
    body_top: f32,
    bottom: f32,
    /// Height for rows on a page without the title.
    body_room: f32,
    /// Rows placed on the current page: (top, height, kind, keep agreement
    /// column open below).
    placed: Vec<(f32, f32, Kind, bool)>,
    group: Option<Group>,
    /// Receives each page once it is complete.
    on_page: &'a mut dyn FnMut(Page),
    /// Pages handed over so far.
    emitted: usize,
}

impl Pager<'_> {
    fn page(&mut self) -> &mut Page {
        self.doc.pages.last_mut().expect("a page is open")
    }

    /// Closes the current page and opens an empty one.
    fn blank_page(&mut self) {
        self.finish_page();
        self.doc.pages.push(Page::default());
        self.y = mm_to_pt(self.t.page.margin_top);
    }

    fn new_page(&mut self, with_title: Option<&[String]>) {
        self.blank_page();
        let header = self.header.clone();
        let h = header.height(&self.g);
        if let Some(title) = with_title {
            let size = self.t.font.title_size;
            let m = self.g.metrics(true);
            let breaker = Breaker { metrics: m, size, hyphenate: self.g.hyphenate };
            let width = self.g.width;
            let lh = m.line_height * size;
            let top = self.y;
            for line in title.iter().flat_map(|l| breaker.lines(l, width)) {
                // A title taller than a page goes on over the next pages.
                if self.y + lh > self.bottom + EPS && self.y > top + EPS {
                    self.blank_page();
                }
                let x = self.g.left + (width - line.width) / 2.0;
                let y = self.y + (m.line_gap + m.ascent) * size;
                self.page().texts.push(TextRun { x, y, text: line.text, bold: true, size });
                self.y += lh;
            }
            self.y += self.t.title.space_after;
            // The table starts on the next page when its header does not
            // fit under the title.
            if self.y + h > self.bottom + EPS {
                self.blank_page();
            }
        }
        self.draw_cells(&header.cells, self.y, h, true);
        self.placed.push((self.y, h, Kind::Header, false));
        self.y += h;
        self.body_top = self.y;
        if let Some(group) = &mut self.group {
            group.seg_top = self.y;
            group.seg_height = 0.0;
        }
    }

    /// Draws the open group's agreement text into its segment on this page
    /// (clipped to the segment; a cut group repeats it on the next page).
    fn flush_group(&mut self, complete: bool) {
        let Some(group) = &self.group else { return };
        if group.seg_height <= 0.0 {
            return;
        }
        let mut cell = group.cell.clone();
        let lh = cell.line_height(&self.g);
        let room = ((group.seg_height - self.g.pad_t - self.g.pad_b + EPS) / lh).floor().max(0.0) as usize;
        cell.lines.drain(..group.from);
        if !complete {
            cell.lines.truncate(room);
        }
        let (top, h) = (group.seg_top, group.seg_height);
        let whole_fits = group.cell.height(&self.g) <= self.body_room + EPS;
        self.draw_cells(std::slice::from_ref(&cell), top, h, false);
        if !complete {
            let group = self.group.as_mut().expect("group open");
            group.from = if whole_fits { 0 } else { group.from + cell.lines.len() };
        }
    }

    fn finish_page(&mut self) {
        if self.doc.pages.is_empty() {
            return;
        }
        self.flush_group(false);
        let placed = std::mem::take(&mut self.placed);
        let g = &self.g;
        let right = g.left + g.width;
        let mut rules = Vec::new();
        if let Some((top, ..)) = placed.first() {
            rules.push(Rule { x1: g.left, y1: *top, x2: right, y2: *top });
        }
        let last = placed.len().saturating_sub(1);
        for (i, &(top, h, kind, open_below)) in placed.iter().enumerate() {
            let bottom = top + h;
            // Verticals: outer edges always, inner ones except in a department row.
            let xs: Vec<f32> = match kind {
                Kind::Department => vec![g.left, right],
                _ => g.col_x.iter().copied().chain([right]).collect(),
            };
            for x in xs {
                rules.push(Rule { x1: x, y1: top, x2: x, y2: bottom });
            }
            if open_below && i != last {
                // Leave the merged agreement cell open.
                let (a, b) = (g.col_x[1], g.col_x[1] + g.col_w[1]);
                rules.push(Rule { x1: g.left, y1: bottom, x2: a, y2: bottom });
                rules.push(Rule { x1: b, y1: bottom, x2: right, y2: bottom });
            } else {
                rules.push(Rule { x1: g.left, y1: bottom, x2: right, y2: bottom });
            }
        }
        self.page().rules.extend(rules);
        self.number_page();
        let page = self.doc.pages.pop().expect("a page is open");
        (self.on_page)(page);
        self.emitted += 1;
    }

    /// The page number, centred in the header area.
    fn number_page(&mut self) {
        let t = self.t;
        let show = match t.page.page_numbers {
            PageNumbers::None => false,
            PageNumbers::All => true,
            PageNumbers::FromSecond => self.emitted > 0,
        };
        if !show {
            return;
        }
        let size = t.font.page_number_size;
        let m = self.g.metrics(false);
        let top = mm_to_pt(t.page.header_distance);
        let center = self.g.left + self.g.width / 2.0;
        let text = (self.emitted + 1).to_string();
        let w = m.width(&text) * size;
        let y = top + (m.line_gap + m.ascent) * size;
        self.page().texts.push(TextRun { x: center - w / 2.0, y, text, bold: false, size });
    }

    fn draw_cells(&mut self, cells: &[CellBox], top: f32, height: f32, center_vertically: bool) {
        let g = &self.g;
        let mut runs = Vec::new();
        for c in cells {
            let m = g.metrics(c.bold);
            let lh = m.line_height * c.size;
            let block = c.lines.len() as f32 * lh;
            let inner = c.w - g.pad_l - g.pad_r;
            let mut y = top + g.border / 2.0 + g.pad_t;
            if center_vertically {
                y += ((height - g.border - g.pad_t - g.pad_b - block) / 2.0).max(0.0);
            }
            for line in &c.lines {
                if !line.text.is_empty() {
                    let dx = match c.align {
                        Align::Left | Align::Justify => 0.0,
                        Align::Center => (inner - line.width) / 2.0,
                        Align::Right => inner - line.width,
                    };
                    runs.push(TextRun {
                        x: c.x + g.pad_l + dx,
                        // The line gap goes above the text, as in Word.
                        y: y + (m.line_gap + m.ascent) * c.size,
                        text: line.text.clone(),
                        bold: c.bold,
                        size: c.size,
                    });
                }
                y += lh;
            }
        }
        self.page().texts.extend(runs);
    }

    /// Places one row (splitting it over pages if it is taller than one).
    fn place(&mut self, mut row: RowBox, keep_with: f32) {
        loop {
            let mut h = row.height(&self.g);
            let in_group = row.merge != Merge::Single && row.kind == Kind::Event;
            if in_group && row.group_end {
                // The last row of a group grows to hold the agreement text.
                let group = self.group.as_ref().expect("group open");
                h = h.max(group.rest_height(&self.g) - group.seg_height);
            }
            let need = h + keep_with;
            let page_empty = self.y <= self.body_top + EPS;
            if self.y + need <= self.bottom + EPS || (page_empty && self.y + h <= self.bottom + EPS) {
                self.put(&row, h);
                return;
            }
            if !page_empty {
                self.new_page(None);
                continue;
            }
            // Taller than a whole page: place what fits, continue on the next.
            let lh = row.line_height(&self.g);
            let fit = (((self.bottom - self.y - self.g.pad_t - self.g.pad_b) + EPS) / lh).floor().max(1.0) as usize;
            let mut head = row.clone();
            let mut more = false;
            for (hc, rc) in head.cells.iter_mut().zip(row.cells.iter_mut()) {
                let rest = rc.lines.split_off(fit.min(rc.lines.len()));
                more |= !rest.is_empty();
                hc.lines = std::mem::replace(&mut rc.lines, rest);
            }
            if !(more || in_group && row.group_end) {
                // Cannot happen: nothing of this row is left for later.
                let h = self.bottom - self.y;
                self.put(&head, h);
                return;
            }
            // Only the group's agreement text is left when nothing of the
            // row's own cells is: the group's last row fills this page and
            // an empty continuation of it carries the agreement on.
            let hh = if more { head.height(&self.g).min(self.bottom - self.y) } else { self.bottom - self.y };
            head.group_end = false;
            self.put(&head, hh);
            self.new_page(None);
        }
    }

    fn put(&mut self, row: &RowBox, h: f32) {
        if self.page().first_event.is_none() {
            self.page().first_event = row.number;
        }
        let top = self.y;
        self.draw_cells(&row.cells, top, h, row.kind == Kind::Header);
        let open_below = row.kind == Kind::Event && row.merge != Merge::Single && !row.group_end;
        self.placed.push((top, h, row.kind, open_below));
        self.y += h;
        if let Some(group) = &mut self.group {
            if row.kind == Kind::Event {
                group.seg_height += h;
            }
        }
        if row.group_end {
            self.flush_group(true);
            self.group = None;
        }
    }
}

/// Rows laid out on demand, [`ROW_CHUNK`] at a time.
struct LazyRows<'t, F> {
    src: &'t [Row],
    next: usize,
    buf: std::collections::VecDeque<RowBox>,
    make: F,
}

const ROW_CHUNK: usize = 2048;

impl<F: Fn(&Row) -> RowBox + Sync> Iterator for LazyRows<'_, F> {
    type Item = RowBox;

    fn next(&mut self) -> Option<RowBox> {
        if self.buf.is_empty() && self.next < self.src.len() {
            let end = (self.next + ROW_CHUNK).min(self.src.len());
            self.buf.extend(crate::par::map(&self.src[self.next..end], &self.make));
            self.next = end;
        }
        self.buf.pop_front()
    }
}

/// Lays out the whole document.
pub fn layout(table: &Table, t: &Template) -> Document {
    let mut pages = Vec::new();
    let mut doc = layout_with(table, t, &mut |p| pages.push(p));
    doc.pages = pages;
    doc
}

/// Lays out the document, handing each page to `on_page` as soon as it is
/// complete (so a long report is never held as a whole); the returned
/// document has the page size and no pages.
pub fn layout_with(table: &Table, t: &Template, on_page: &mut dyn FnMut(Page)) -> Document {
    // The DOCX's own values, rounded to twips as Word and LibreOffice see
    // them, so that both documents measure lines against the same widths.
    let twips = |mm: f32| mm_to_twips(mm) as f32 / 20.0;
    let widths: Vec<f32> = t.column_widths_twips().iter().map(|&w| w as f32 / 20.0).collect();
    let left = twips(t.page.margin_left);
    let mut col_x = Vec::with_capacity(widths.len());
    let mut x = left;
    for w in &widths {
        col_x.push(x);
        x += w;
    }
    let g = Geometry {
        left,
        width: widths.iter().sum(),
        col_x,
        col_w: widths,
        pad_l: twips(t.cell.padding_left),
        pad_r: twips(t.cell.padding_right),
        pad_t: twips(t.cell.padding_top),
        pad_b: twips(t.cell.padding_bottom),
        border: t.cell.border,
        hyphenate: t.cell.hyphenate,
        fonts: FontSet::of(t),
    };
    let font = &t.font;
    let header_cells = table
        .header
        .iter()
        .enumerate()
        // Header cells are never hyphenated (w:suppressAutoHyphens in the
        // DOCX): the form's column titles break between words only.
        .map(|(i, text)| {
            let g = Geometry { hyphenate: false, ..g.clone() };
            make_cell(text, g.col_x[i], g.col_w[i], &g, Align::Center, font.header_bold, font.header_size)
        })
        .collect();
    let header =
        RowBox { kind: Kind::Header, number: None, cells: header_cells, merge: Merge::Single, group_end: false };

    // Line breaking of the cells, a chunk of rows at a time on all cores
    // (rows are independent).
    let rg = g.clone();
    let make_row = |row: &Row| match row {
        Row::Department(c) => RowBox {
            kind: Kind::Department,
            number: None,
            cells: vec![make_cell(
                &c.text,
                rg.left,
                rg.width,
                &rg,
                Align::Center,
                font.department_bold,
                font.body_size,
            )],
            merge: Merge::Single,
            group_end: false,
        },
        Row::Event(ev) => {
            let cells = ev
                .cells
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    make_cell(&c.text, rg.col_x[i], rg.col_w[i], &rg, t.column[i].align, false, font.body_size)
                })
                .collect();
            RowBox { kind: Kind::Event, number: Some(ev.number), cells, merge: ev.merge, group_end: false }
        }
    };
    let rows = LazyRows { src: &table.rows, next: 0, buf: std::collections::VecDeque::new(), make: make_row };

    let mut pager = Pager {
        t,
        g,
        header,
        doc: {
            let sheet = Sheet::of(t);
            Document { width: sheet.width, height: sheet.height, border: sheet.border, pages: Vec::new() }
        },
        y: 0.0,
        body_top: 0.0,
        bottom: mm_to_pt(t.page.height - t.page.margin_bottom),
        body_room: 0.0,
        placed: Vec::new(),
        group: None,
        on_page,
        emitted: 0,
    };
    pager.body_room = pager.bottom - mm_to_pt(t.page.margin_top) - pager.header.height(&pager.g);
    pager.new_page(Some(&table.title));

    let mut rows = rows.enumerate().peekable();
    while let Some((i, mut row)) = rows.next() {
        let next_kind = table.rows.get(i + 1);
        if row.kind == Kind::Event {
            let next_continues = matches!(next_kind, Some(Row::Event(e)) if e.merge == Merge::Continue);
            match row.merge {
                Merge::Start { .. } => {
                    let cell = row.cells.remove(1);
                    pager.group = Some(Group { cell, seg_top: pager.y, seg_height: 0.0, from: 0 });
                }
                Merge::Continue => {
                    row.cells.remove(1);
                }
                Merge::Single => {}
            }
            row.group_end = row.merge != Merge::Single && !next_continues;
        }
        // A department row is kept with the whole next row (the DOCX marks
        // it keep-with-next and rows cannot split), or with its first line
        // when that row is taller than a page anyway.
        let keep_with = match (row.kind, rows.peek()) {
            (Kind::Department, Some((_, next))) => {
                let merged = next.merge != Merge::Single;
                let whole = next
                    .cells
                    .iter()
                    .enumerate()
                    .filter(|&(i, _)| !(merged && i == 1))
                    .map(|(_, c)| c.height(&pager.g))
                    .fold(0.0, f32::max);
                if whole <= pager.bottom - pager.body_top {
                    whole
                } else {
                    next.cells
                        .iter()
                        .map(|c| pager.g.cell_height(c.lines.len().min(1), c.size, pager.g.metrics(c.bold)))
                        .fold(0.0, f32::max)
                }
            }
            _ => 0.0,
        };
        pager.place(row, keep_with);
    }
    pager.finish_page();
    pager.doc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Agreement, Dates, Department, Event, Period, Report, Text};

    fn breaker(size: f32) -> Breaker<'static> {
        Breaker { metrics: crate::fonts::regular(), size, hyphenate: true }
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
            assert!(l.width <= 120.0 + EPS, "{l:?}");
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
            assert!(l.width <= 60.0 + EPS, "{l:?}");
        }
        assert_eq!(texts(&lines).concat().replace('-', ""), url.replace('-', ""));
    }

    #[test]
    fn paragraphs_are_kept() {
        let lines = breaker(12.0).lines("Первый\nВторой\n\nЧетвертый", 500.0);
        assert_eq!(texts(&lines), ["Первый", "Второй", "", "Четвертый"]);
    }

    fn text(s: &str) -> Text {
        Text::new(s, 0..0)
    }

    fn event(agreement: &str, title: &str, result: &str) -> Event {
        Event {
            agreement: agreement.into(),
            agreement_span: 0..0,
            title: text(title),
            dates: Dates::Text("октябрь".into()),
            dates_span: 0..0,
            place: text("г. Смоленск"),
            participants: text("Представители"),
            result: text(result),
            span: 0..0,
        }
    }

    fn report(departments: Vec<Department>) -> Report {
        Report {
            period: Period::Quarter { year: 2020, quarter: 4 },
            region: None,
            title: None,
            agreements: vec![
                Agreement {
                    key: "a".into(), title: text("Соглашение А о сотрудничестве"), key_span: 0..0
                },
                Agreement { key: "b".into(), title: text("Соглашение Б"), key_span: 0..0 },
            ],
            departments,
        }
    }

    fn render(r: &Report) -> Document {
        let t = Template::official();
        layout(&crate::layout::build(r, &t), &t)
    }

    fn page_text(p: &Page) -> String {
        p.texts.iter().map(|t| t.text.as_str()).collect::<Vec<_>>().join("\n")
    }

    #[test]
    fn row_taller_than_a_page_is_split_without_loss() {
        let long: String = (1..=400).map(|i| format!("ц{i}ю ")).collect();
        let r = report(vec![Department { name: text("Д"), events: vec![event("a", "Длинное", long.trim())] }]);
        let doc = render(&r);
        assert!(doc.pages.len() >= 3, "{} pages", doc.pages.len());
        let all: String = doc.pages.iter().map(page_text).collect::<Vec<_>>().join("\n");
        for i in 1..=400 {
            assert!(all.contains(&format!("ц{i}ю")), "word {i} lost");
        }
        let bottom = mm_to_pt(210.0 - 20.0);
        for p in &doc.pages {
            for t in &p.texts {
                assert!(t.y <= bottom + EPS, "text below the bottom margin: {t:?}");
            }
            assert!(page_text(p).contains("Наименование"), "header repeated");
        }
    }

    #[test]
    fn merge_group_cut_by_a_page_break_repeats_the_agreement() {
        let filler: String = "текст ".repeat(120);
        let events = (0..8).map(|i| event("a", &format!("Мероприятие {i}"), &filler)).collect();
        let r = report(vec![Department { name: text("Д"), events }]);
        let doc = render(&r);
        assert!(doc.pages.len() >= 2);
        for (i, p) in doc.pages.iter().enumerate() {
            assert!(page_text(p).contains("Соглашение"), "page {} lacks the agreement", i + 1);
        }
        // Shown once per page, not once per row.
        let first = page_text(&doc.pages[0]);
        assert_eq!(first.matches("Соглашение").count(), 2, "header + one merged cell:\n{first}");
    }

    #[test]
    fn department_row_is_never_alone_at_a_page_bottom() {
        // The next row is several lines tall: the department row must go
        // with all of it (rows do not split), not only with its first line.
        let filler: String = "текст ".repeat(60);
        let mut moved = 0;
        for n in 1..12 {
            let mut deps = vec![Department {
                name: text("Первый департамент"),
                events: (0..n).map(|i| event("b", &format!("М{i}"), &filler)).collect(),
            }];
            deps.push(Department {
                name: text("Второй департамент"), events: vec![event("b", "Последнее", &filler)]
            });
            let doc = render(&report(deps));
            let page = doc.pages.iter().position(|p| p.texts.iter().any(|t| t.text == "Второй департамент")).unwrap();
            let texts = &doc.pages[page].texts;
            let dep_y = texts.iter().find(|t| t.text == "Второй департамент").unwrap().y;
            let next_row: Vec<_> = texts.iter().filter(|t| t.y > dep_y && t.text.starts_with("текст")).collect();
            assert!(!next_row.is_empty(), "department row left alone (n = {n})");
            assert!(
                doc.pages[page + 1..].iter().all(|p| p.texts.iter().all(|t| !t.text.starts_with("текст"))),
                "n = {n}"
            );
            moved += usize::from(page > 0 && doc.pages[page - 1].texts.iter().all(|t| t.text != "Последнее"));
        }
        assert!(moved > 0);
    }

    #[test]
    fn a_title_taller_than_a_page_goes_on_over_the_next_pages() {
        let mut r = report(vec![Department { name: text("Д"), events: vec![event("a", "Первое", "Итог")] }]);
        let words: Vec<String> = (1..=1500).map(|i| format!("з{i}ш")).collect();
        r.title = Some(text(&words.join(" ")));
        let doc = render(&r);
        assert!(doc.pages.len() >= 3, "{} pages", doc.pages.len());
        let bottom = mm_to_pt(210.0 - 20.0);
        let all: Vec<&TextRun> = doc.pages.iter().flat_map(|p| &p.texts).collect();
        for t in &all {
            assert!(t.y <= bottom + EPS, "below the bottom margin: {t:?}");
        }
        let title: Vec<&str> = all.iter().filter(|t| t.bold).flat_map(|t| t.text.split([' ', '\u{a0}'])).collect();
        assert_eq!(&title[..words.len()], words.iter().map(String::as_str).collect::<Vec<_>>().as_slice());
        // The table comes after the whole title, with its header.
        let last_title_page = doc.pages.iter().rposition(|p| p.texts.iter().any(|t| t.text.contains("з1500ш"))).unwrap();
        let first_header = doc.pages.iter().position(|p| page_text(p).contains("Наименование")).unwrap();
        assert!(first_header >= last_title_page);
        let page = &doc.pages[first_header];
        let end_of_title = page.texts.iter().filter(|t| t.bold && t.text.contains('з')).map(|t| t.y).fold(0.0, f32::max);
        let header_y = page.texts.iter().find(|t| t.text.contains("Наименование")).unwrap().y;
        assert!(header_y > end_of_title);
    }

    #[test]
    fn first_event_of_each_page_is_recorded() {
        let filler: String = "текст ".repeat(80);
        let events = (0..20).map(|i| event("b", &format!("М{i}"), &filler)).collect();
        let doc = render(&report(vec![Department { name: text("Д"), events }]));
        assert_eq!(doc.pages[0].first_event, Some(1));
        let firsts: Vec<usize> = doc.pages.iter().filter_map(|p| p.first_event).collect();
        assert!(firsts.windows(2).all(|w| w[0] < w[1]), "{firsts:?}");
    }
}
