//! The table layout engine: logical table + template + font metrics ->
//! positioned text lines and rules on pages. Pure: no PDF here, so it is
//! unit-tested directly; `paint` only draws its result.
//!
//! Units are points, with y measured downwards from the top of the page.
//!
//! [`breaker`] breaks a cell's text into lines; [`pager`] places rows on
//! pages (cell and row boxes, the repeated header, rows and merged
//! agreement cells split over pages, rules, page numbers); this module is
//! the driver and the page model handed to the PDF writer.

mod breaker;
mod pager;

pub use breaker::{Breaker, Line};
use pager::{make_cell, Geometry, Group, Kind, Pager, RowBox};

use crate::fonts::FontSet;

use crate::layout::{Merge, Row, Table};
use crate::template::{mm_to_pt, Align, Template};
use crate::units::{Mm, Twip};

pub(crate) use crate::units::EPS;

/// A text run placed on a page.
#[derive(Debug, Clone, PartialEq)]
pub struct TextRun {
    /// Left end of the baseline, pt from the page's left edge.
    pub x: f32,
    /// Baseline, from the top of the page.
    pub y: f32,
    /// The text of the line.
    pub text: String,
    /// Set in the bold face.
    pub bold: bool,
    /// Font size, pt.
    pub size: f32,
    /// What the run is part of, for the tagged PDF's structure.
    pub owner: Owner,
    /// See [`Line::head`].
    pub head: usize,
    /// See [`Line::tail`].
    pub tail: Option<(usize, Box<str>)>,
    /// See [`Line::joined`].
    pub joined: bool,
}

/// What a text run belongs to in the document's logical structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Owner {
    /// The title.
    Title,
    /// A cell of the table header where it first appears (column).
    Header(usize),
    /// A cell of the table body: the index of its row in the table's rows
    /// and its column (0 for a department row; a merged agreement cell
    /// belongs to the first row of its group).
    Cell {
        /// Index of the row in the table's rows.
        row: usize,
        /// Column (0 for a department row).
        col: usize,
    },
    /// Shown again for the reader, not new content: the header repeated on
    /// a later page, a cut group's agreement repeated whole.
    Repeat,
    /// The page number.
    PageNumber,
}

/// A straight rule (table border).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    /// Start, pt from the left edge.
    pub x1: f32,
    /// Start, pt from the top.
    pub y1: f32,
    /// End, pt from the left edge.
    pub x2: f32,
    /// End, pt from the top.
    pub y2: f32,
}

/// One laid-out page: its text runs and rules.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    /// Text runs in drawing order (title, header, rows, page number).
    pub texts: Vec<TextRun>,
    /// Table rules.
    pub rules: Vec<Rule>,
    /// Number of the first event row that starts or continues on this page.
    pub first_event: Option<usize>,
}

/// Page size and rule width, pt, as the layout uses them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sheet {
    /// Page width, pt.
    pub width: f32,
    /// Page height, pt.
    pub height: f32,
    /// Rule width, pt.
    pub border: f32,
}

impl Sheet {
    /// The sheet of a template.
    pub fn of(t: &Template) -> Sheet {
        Sheet { width: mm_to_pt(t.page.width), height: mm_to_pt(t.page.height), border: t.cell.border }
    }
}

/// A whole laid-out document.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// Page width, pt.
    pub width: f32,
    /// Page height, pt.
    pub height: f32,
    /// Border width, pt.
    pub border: f32,
    /// The pages (none when they were handed out one by one).
    pub pages: Vec<Page>,
}

/// Which parts of the table are set in the bold face: the one place the
/// layout decides it (the writer's glyph set asks it too).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(clippy::struct_excessive_bools)] // one bold-or-not flag per part of the table
pub struct Weights {
    /// The title.
    pub title: bool,
    /// Column titles.
    pub header: bool,
    /// Department rows.
    pub department: bool,
    /// Event rows and page numbers.
    pub body: bool,
}

impl Weights {
    /// The weights of a template.
    pub fn of(t: &Template) -> Weights {
        Weights { title: true, header: t.font.header_bold, department: t.font.department_bold, body: false }
    }

    /// The weight of a body row.
    pub fn row(&self, row: &Row) -> bool {
        match row {
            Row::Department(_) => self.department,
            Row::Event(_) => self.body,
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

/// Where the layout hands each page as soon as it is complete, so that a
/// long report is never held whole: the PDF writer's compressing workers,
/// or a vector for [`layout`]. Pages come in order, each exactly once.
pub trait PageSink {
    /// Takes the next page.
    fn page(&mut self, page: Page);
}

impl<F: FnMut(Page)> PageSink for F {
    fn page(&mut self, page: Page) {
        self(page);
    }
}

/// The body rows taller than a page's room below the repeated header: the
/// PDF splits them over pages, and so must Word — the DOCX leaves
/// `cantSplit` off these rows only (Word pushes a row that cannot split to
/// a new page, or clips it when it does not fit one). The same line
/// breaking as [`layout`], row by row on all cores.
pub fn tall_rows(table: &Table, t: &Template) -> Vec<bool> {
    let g = geometry(t);
    let room = body_room(t, &g, &header_box(&table.header, &g, t));
    crate::par::map(&table.rows, |row| {
        if !may_be_taller(row, &g, t, room) {
            return false;
        }
        let b = row_box(row, &g, t);
        let merged = b.merge != Merge::Single;
        // A merged agreement cell spans its group's rows.
        let h = b
            .cells
            .iter()
            .enumerate()
            .filter(|&(i, _)| !(merged && i == crate::layout::AGREEMENT_COL))
            .map(|(_, c)| c.height(&g))
            .fold(0.0, f32::max);
        !crate::units::fits(h, room)
    })
}

/// Whether a body row may be taller than `room`, by a bound on its lines
/// that breaks none: greedy breaking fills any two consecutive lines of a
/// paragraph past its width less a character or a hyphen (the first piece
/// of the second line did not fit on the first), so a paragraph `w` wide
/// takes at most `2·w / (inner − 3 em) + 2` lines. Most rows are far below
/// a page; only the others are broken into lines.
fn may_be_taller(row: &Row, g: &Geometry, t: &Template, room: f32) -> bool {
    let bold = Weights::of(t).row(row);
    let size = t.font.body_size;
    let m = g.metrics(bold);
    let bound = |text: &str, w: f32| {
        let inner = w - g.pad_l - g.pad_r - 3.0 * size;
        if inner <= 0.0 {
            return f32::INFINITY;
        }
        let lines: f32 = text.split('\n').map(|p| (2.0 * m.width(p) * size / inner).floor() + 2.0).sum();
        g.cell_height(lines as usize, size, m)
    };
    let height = match row {
        Row::Department(c) => bound(&c.text, g.width),
        Row::Event(ev) => ev
            .cells
            .iter()
            .enumerate()
            .filter(|&(i, _)| ev.merge == Merge::Single || i != crate::layout::AGREEMENT_COL)
            .map(|(i, c)| bound(&c.text, g.col_w[i]))
            .fold(0.0, f32::max),
    };
    !crate::units::fits(height, room)
}

/// The room for rows below the repeated header on a page.
fn body_room(t: &Template, g: &Geometry, header: &RowBox) -> f32 {
    mm_to_pt(t.page.height - t.page.margin_bottom) - mm_to_pt(t.page.margin_top) - header.height(g)
}

/// A body row's cells broken into lines (the layout's and
/// [`tall_rows`]'s one way of making them).
fn row_box(row: &Row, g: &Geometry, t: &Template) -> RowBox {
    let bold = Weights::of(t).row(row);
    let size = t.font.body_size;
    match row {
        Row::Department(c) => RowBox {
            kind: Kind::Department,
            number: None,
            cells: vec![make_cell(&c.text, g.left, g.width, g, Align::Center, bold, size)],
            merge: Merge::Single,
            group_end: false,
        },
        Row::Event(ev) => {
            let cells = ev
                .cells
                .iter()
                .enumerate()
                .map(|(i, c)| make_cell(&c.text, g.col_x[i], g.col_w[i], g, t.column[i].align, bold, size))
                .collect();
            RowBox { kind: Kind::Event, number: Some(ev.number), cells, merge: ev.merge, group_end: false }
        }
    }
}

/// Lays out the whole document.
pub fn layout(table: &Table, t: &Template) -> Document {
    let mut pages = Vec::new();
    layout_with(table, t, &mut |p| pages.push(p));
    let sheet = Sheet::of(t);
    Document { width: sheet.width, height: sheet.height, border: sheet.border, pages }
}

/// The table's geometry: the DOCX's own values, rounded to twips as Word
/// and LibreOffice see them, so that both documents measure lines against
/// the same widths.
fn geometry(t: &Template) -> Geometry {
    let twips = |mm: f32| Mm(mm).twips().pt().0;
    let widths: Vec<f32> = t.column_widths_twips().iter().map(|&w| Twip(w).pt().0).collect();
    let left = twips(t.page.margin_left);
    let mut col_x = Vec::with_capacity(widths.len());
    let mut x = left;
    for w in &widths {
        col_x.push(x);
        x += w;
    }
    Geometry {
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
        soft: t.cell.soft_hyphens(),
        fonts: FontSet::of(t),
    }
}

/// The header row, its column titles broken into lines.
fn header_box(titles: &[String], g: &Geometry, t: &Template) -> RowBox {
    let weights = Weights::of(t);
    let cells = titles
        .iter()
        .enumerate()
        // Header cells are never hyphenated (w:suppressAutoHyphens in the
        // DOCX): the form's column titles break between words only.
        .map(|(i, text)| {
            let g = Geometry { hyphenate: false, ..g.clone() };
            let mut cell =
                make_cell(text, g.col_x[i], g.col_w[i], &g, Align::Center, weights.header, t.font.header_size);
            cell.owner = Owner::Header(i);
            cell
        })
        .collect();
    RowBox { kind: Kind::Header, number: None, cells, merge: Merge::Single, group_end: false }
}

/// Does the header row, with one line of a body row under it, fit on a
/// page? `Err((needed, available))` in millimetres when it does not: such a
/// template could never place a row (the layout would add pages forever).
pub fn header_fits(t: &Template) -> Result<(), (f32, f32)> {
    let g = geometry(t);
    let titles: Vec<String> = t.column.iter().map(|c| c.title.clone()).collect();
    let header = header_box(&titles, &g, t).height(&g);
    let line = g.cell_height(1, t.font.body_size, g.metrics(Weights::of(t).body));
    let needed = (header + line) * crate::template::MM_PER_PT;
    let available = t.page.height - t.page.margin_top - t.page.margin_bottom;
    if needed > available {
        Err((needed, available))
    } else {
        Ok(())
    }
}

/// Lays out the document, handing each page to `sink` as soon as it is
/// complete; returns the number of pages.
pub fn layout_with(table: &Table, t: &Template, sink: &mut dyn PageSink) -> usize {
    let g = geometry(t);
    let header = header_box(&table.header, &g, t);

    // Line breaking of the cells, a chunk of rows at a time on all cores
    // (rows are independent).
    let rg = g.clone();
    let make_row = |row: &Row| row_box(row, &rg, t);
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
        sink,
        emitted: 0,
    };
    pager.body_room = body_room(t, &pager.g, &pager.header);
    pager.new_page(Some(&table.title));

    let mut rows = rows.enumerate().peekable();
    while let Some((i, mut row)) = rows.next() {
        let next_kind = table.rows.get(i + 1);
        for (col, cell) in row.cells.iter_mut().enumerate() {
            cell.owner = Owner::Cell { row: i, col };
        }
        if row.kind == Kind::Event {
            let next_continues = matches!(next_kind, Some(Row::Event(e)) if e.merge == Merge::Continue);
            match row.merge {
                Merge::Start { .. } => {
                    let cell = row.cells.remove(1);
                    pager.group = Some(Group { cell, seg_top: pager.y, seg_height: 0.0, from: 0, shown_whole: false });
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
    pager.emitted
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Agreement, Dates, Department, Event, Period, Report, Text};

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
            due: None,
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

    /// A page's text without the soft hyphens at the hyphenation points.
    fn page_text(p: &Page) -> String {
        p.texts.iter().map(|t| t.text.replace('\u{AD}', "")).collect::<Vec<_>>().join("\n")
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
            let page = doc
                .pages
                .iter()
                .position(|p| p.texts.iter().any(|t| t.text.replace('\u{AD}', "") == "Второй департамент"))
                .unwrap();
            let texts = &doc.pages[page].texts;
            let dep_y = texts.iter().find(|t| t.text.replace('\u{AD}', "") == "Второй департамент").unwrap().y;
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
        let last_title_page =
            doc.pages.iter().rposition(|p| p.texts.iter().any(|t| t.text.contains("з1500ш"))).unwrap();
        let first_header = doc.pages.iter().position(|p| page_text(p).contains("Наименование")).unwrap();
        assert!(first_header >= last_title_page);
        let page = &doc.pages[first_header];
        let end_of_title =
            page.texts.iter().filter(|t| t.bold && t.text.contains('з')).map(|t| t.y).fold(0.0, f32::max);
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
