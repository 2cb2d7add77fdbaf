//! Pagination: cells and rows as boxes of lines, placed on pages with the
//! header repeated, rows split when taller than a page, a merged agreement
//! cell drawn per page segment of its group, rules and page numbers.

use super::{Breaker, Document, Line, Owner, Page, Rule, TextRun, EPS};
use crate::fonts::{FontSet, Metrics};
use crate::layout::Merge;
use crate::template::{mm_to_pt, Align, PageNumbers, Template};
use crate::units::fits;

/// A cell laid out into lines.
#[derive(Debug, Clone)]
pub(super) struct CellBox {
    pub(super) lines: Vec<Line>,
    pub(super) x: f32,
    pub(super) w: f32,
    pub(super) align: Align,
    pub(super) bold: bool,
    pub(super) size: f32,
    /// Set by the driver once the cell's place in the table is known.
    pub(super) owner: Owner,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Kind {
    Header,
    Department,
    Event,
}

#[derive(Debug, Clone)]
pub(super) struct RowBox {
    pub(super) kind: Kind,
    pub(super) number: Option<usize>,
    /// Cells; for rows in a merge group the agreement cell is left out and
    /// drawn per page segment of the group.
    pub(super) cells: Vec<CellBox>,
    pub(super) merge: Merge,
    /// Index of the row in the table's rows, to find the group's agreement.
    pub(super) group_end: bool,
}

#[derive(Clone)]
pub(super) struct Geometry {
    pub(super) left: f32,
    pub(super) col_x: Vec<f32>,
    pub(super) col_w: Vec<f32>,
    pub(super) width: f32,
    pub(super) pad_l: f32,
    pub(super) pad_r: f32,
    pub(super) pad_t: f32,
    pub(super) pad_b: f32,
    pub(super) border: f32,
    pub(super) hyphenate: bool,
    /// Hyphenation by soft hyphens ([`super::Breaker::soft`]).
    pub(super) soft: bool,
    pub(super) fonts: FontSet,
}

impl Geometry {
    /// A cell's height: its lines, padding and one border width (Word and
    /// LibreOffice space rows by the border between them).
    pub(super) fn cell_height(&self, lines: usize, size: f32, m: &Metrics) -> f32 {
        self.pad_t + lines as f32 * m.line_height * size + self.pad_b + self.border
    }
}

impl Geometry {
    pub(super) fn metrics(&self, bold: bool) -> &'static Metrics {
        self.fonts.text(bold)
    }
}

impl CellBox {
    pub(super) fn height(&self, g: &Geometry) -> f32 {
        g.cell_height(self.lines.len(), self.size, g.metrics(self.bold))
    }

    pub(super) fn line_height(&self, g: &Geometry) -> f32 {
        g.metrics(self.bold).line_height * self.size
    }
}

impl RowBox {
    pub(super) fn height(&self, g: &Geometry) -> f32 {
        self.cells.iter().map(|c| c.height(g)).fold(0.0, f32::max)
    }

    pub(super) fn line_height(&self, g: &Geometry) -> f32 {
        self.cells.iter().map(|c| c.line_height(g)).fold(0.0, f32::max)
    }
}

pub(super) fn make_cell(text: &str, x: f32, w: f32, g: &Geometry, align: Align, bold: bool, size: f32) -> CellBox {
    let inner = (w - g.pad_l - g.pad_r).max(1.0);
    let lines = Breaker { metrics: g.metrics(bold), size, hyphenate: g.hyphenate, soft: g.soft }.lines(text, inner);
    CellBox { lines, x, w, align, bold, size, owner: Owner::Repeat }
}

/// The state of the agreement cell of the merge group being placed.
pub(super) struct Group {
    pub(super) cell: CellBox,
    /// Top of the group's segment on the current page.
    pub(super) seg_top: f32,
    /// Height of the group rows already placed on this page.
    pub(super) seg_height: f32,
    /// The first line of the agreement shown in this page's segment: 0
    /// when the whole text fits on a page (a cut group repeats it), else
    /// where the previous page's segment stopped (the text continues).
    pub(super) from: usize,
    /// A segment has shown the whole text: a later one only repeats it.
    pub(super) shown_whole: bool,
}

impl Group {
    /// Height the agreement text still needs from `from` on.
    pub(super) fn rest_height(&self, g: &Geometry) -> f32 {
        g.cell_height(self.cell.lines.len() - self.from, self.cell.size, g.metrics(self.cell.bold))
    }
}

pub(super) struct Pager<'a> {
    pub(super) t: &'a Template,
    pub(super) g: Geometry,
    pub(super) header: RowBox,
    pub(super) doc: Document,
    pub(super) y: f32,
    pub(super) body_top: f32,
    pub(super) bottom: f32,
    /// Height for rows on a page without the title.
    pub(super) body_room: f32,
    /// Rows placed on the current page: (top, height, kind, keep agreement
    /// column open below).
    pub(super) placed: Vec<(f32, f32, Kind, bool)>,
    pub(super) group: Option<Group>,
    /// Receives each page once it is complete.
    pub(super) sink: &'a mut dyn super::PageSink,
    /// Pages handed over so far.
    pub(super) emitted: usize,
}

impl Pager<'_> {
    pub(super) fn page(&mut self) -> &mut Page {
        self.doc.pages.last_mut().expect("a page is open")
    }

    /// Closes the current page and opens an empty one.
    pub(super) fn blank_page(&mut self) {
        self.finish_page();
        self.doc.pages.push(Page::default());
        self.y = mm_to_pt(self.t.page.margin_top);
    }

    pub(super) fn new_page(&mut self, with_title: Option<&[String]>) {
        self.blank_page();
        let header = self.header.clone();
        let h = header.height(&self.g);
        if let Some(title) = with_title {
            let size = self.t.font.title_size;
            let bold = super::Weights::of(self.t).title;
            let m = self.g.metrics(bold);
            let breaker = Breaker { metrics: m, size, hyphenate: self.g.hyphenate, soft: self.g.soft };
            let width = self.g.width;
            let lh = m.line_height * size;
            let top = self.y;
            for line in title.iter().flat_map(|l| breaker.lines(l, width)) {
                // A title taller than a page goes on over the next pages.
                if !fits(self.y + lh, self.bottom) && !fits(self.y, top) {
                    self.blank_page();
                }
                let x = self.g.left + (width - line.width) / 2.0;
                let y = self.y + (m.line_gap + m.ascent) * size;
                self.page().texts.push(TextRun {
                    x,
                    y,
                    text: line.text,
                    bold,
                    size,
                    owner: Owner::Title,
                    head: line.head,
                    tail: line.tail,
                    joined: line.joined,
                });
                self.y += lh;
            }
            self.y += self.t.title.space_after;
            // The table starts on the next page when its header does not
            // fit under the title.
            if !fits(self.y + h, self.bottom) {
                self.blank_page();
            }
        }
        if with_title.is_some() {
            self.draw_cells(&header.cells, self.y, h, true);
        } else {
            let mut cells = header.cells.clone();
            for c in &mut cells {
                c.owner = Owner::Repeat;
            }
            self.draw_cells(&cells, self.y, h, true);
        }
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
    pub(super) fn flush_group(&mut self, complete: bool) {
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
        if group.shown_whole {
            cell.owner = Owner::Repeat;
        }
        let whole = group.from == 0 && cell.lines.len() == group.cell.lines.len();
        let (top, h) = (group.seg_top, group.seg_height);
        let whole_fits = fits(group.cell.height(&self.g), self.body_room);
        self.draw_cells(std::slice::from_ref(&cell), top, h, false);
        let group = self.group.as_mut().expect("group open");
        group.shown_whole |= whole;
        if !complete {
            group.from = if whole_fits { 0 } else { group.from + cell.lines.len() };
        }
    }

    pub(super) fn finish_page(&mut self) {
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
        self.sink.page(page);
        self.emitted += 1;
    }

    /// The page number, centred in the header area.
    pub(super) fn number_page(&mut self) {
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
        let bold = super::Weights::of(t).body;
        let m = self.g.metrics(bold);
        let top = mm_to_pt(t.page.header_distance);
        let center = self.g.left + self.g.width / 2.0;
        let text = (self.emitted + 1).to_string();
        let w = m.width(&text) * size;
        let y = top + (m.line_gap + m.ascent) * size;
        self.page().texts.push(TextRun {
            x: center - w / 2.0,
            y,
            text,
            bold,
            size,
            owner: Owner::PageNumber,
            head: 0,
            tail: None,
            joined: false,
        });
    }

    pub(super) fn draw_cells(&mut self, cells: &[CellBox], top: f32, height: f32, center_vertically: bool) {
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
                        owner: c.owner,
                        head: line.head,
                        tail: line.tail.clone(),
                        joined: line.joined,
                    });
                }
                y += lh;
            }
        }
        self.page().texts.extend(runs);
    }

    /// Places one row (splitting it over pages if it is taller than one).
    pub(super) fn place(&mut self, mut row: RowBox, keep_with: f32) {
        loop {
            let mut h = row.height(&self.g);
            let in_group = row.merge != Merge::Single && row.kind == Kind::Event;
            if in_group && row.group_end {
                // The last row of a group grows to hold the agreement text.
                let group = self.group.as_ref().expect("group open");
                h = h.max(group.rest_height(&self.g) - group.seg_height);
            }
            // A row stays on the page only when its bottom border fits below
            // it too, as LibreOffice decides for tables with collapsing
            // borders (Word's): a row that would end less than a border
            // width above the text area's bottom goes to the next page.
            let need = h + keep_with + self.g.border;
            let page_empty = fits(self.y, self.body_top);
            if fits(self.y + need, self.bottom) || (page_empty && fits(self.y + h, self.bottom)) {
                self.put(&row, h);
                return;
            }
            // A row taller than a whole page starts where the previous row
            // ended and is split at the page end, as LibreOffice prints our
            // DOCX (moving it on would leave the rest of this page empty and
            // split it anyway); any other row goes to the next page whole.
            let lh = row.line_height(&self.g);
            let taller_than_page = !fits(h, self.body_room);
            // A row's lines sit between its padding and one border width
            // (as `cell_height` counts them).
            let frame = self.g.pad_t + self.g.pad_b + self.g.border;
            let a_line_fits = fits(self.y + frame + lh, self.bottom);
            if !(page_empty || taller_than_page && a_line_fits) {
                self.new_page(None);
                continue;
            }
            // Place what fits, continue on the next page.
            let fit = (((self.bottom - self.y - frame) + EPS) / lh).floor().max(1.0) as usize;
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

    pub(super) fn put(&mut self, row: &RowBox, h: f32) {
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
