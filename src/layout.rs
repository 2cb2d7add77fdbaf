//! The logical report table, independent of any output format: title lines,
//! header cells, department rows, numbered event rows and agreement merge
//! groups. Both renderers consume this, so they cannot disagree about
//! numbering, merges or text.

use crate::dates;
use crate::model::{Period, Report, Span};
use crate::template::{Template, COLUMNS};
use crate::typo;

/// Index of the agreement column.
pub const AGREEMENT_COL: usize = 1;

/// The text of one cell after the typography pass. `\n` separates
/// paragraphs.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Cell {
    /// The text as printed.
    pub text: String,
    /// Where the text came from in the data file (none for generated text
    /// such as numbers).
    pub origin: Option<Span>,
    /// The data itself has a fixed (no-break) space in this text: then not
    /// every no-break space of `text` is typography's ([`typeset_spaces`]
    /// tells them apart). Without one, every no-break space is.
    pub typed_space: bool,
}

impl Cell {
    fn new(raw: &str, origin: Option<Span>) -> Cell {
        let typed_space = raw.chars().any(crate::text::is_fixed_space);
        Cell { text: typo::apply(&paragraphs(raw)), origin, typed_space }
    }
}

/// How wide a run of text may be in each column (and in a department row)
/// before it cannot stay on one line.
struct Rooms {
    /// Inner width of each column, pt.
    columns: Vec<f32>,
    /// Inner width of a department row (the whole table), pt.
    department: f32,
    regular: &'static crate::fonts::Metrics,
    bold: &'static crate::fonts::Metrics,
    department_bold: bool,
    size: f32,
}

impl Rooms {
    /// The table's geometry as both documents have it (twips, as Word and
    /// LibreOffice round it).
    fn of(t: &Template) -> Rooms {
        use crate::units::{Mm, Twip};
        let pads = Mm(t.cell.padding_left).twips().pt().0 + Mm(t.cell.padding_right).twips().pt().0;
        let widths: Vec<f32> = t.column_widths_twips().iter().map(|&w| Twip(w).pt().0).collect();
        let fonts = crate::fonts::FontSet::of(t);
        Rooms {
            department: widths.iter().sum::<f32>() - pads,
            columns: widths.iter().map(|w| w - pads).collect(),
            regular: fonts.text(false),
            bold: fonts.text(true),
            department_bold: t.font.department_bold,
            size: t.font.body_size,
        }
    }
}

/// A cell's text with the no-break spaces of typography taken out of each
/// run they hold together that is wider than the cell (`room`, pt, in
/// `metrics`): such a run cannot stay on one line, and Word, LibreOffice
/// and the PDF would each cut it elsewhere; at ordinary spaces they all
/// break it alike. Typed no-break spaces stay.
fn loosen(cell: Cell, metrics: &crate::fonts::Metrics, size: f32, room: f32) -> Cell {
    if !cell.text.contains(typo::NBSP) {
        return cell;
    }
    let too_wide = |run: &str| !crate::units::fits(metrics.width(run) * size, room);
    let pieces = || cell.text.split_inclusive([' ', '\n']).map(|p| (p, p.trim_end_matches([' ', '\n'])));
    if !pieces().any(|(_, run)| run.contains(typo::NBSP) && too_wide(run)) {
        return cell;
    }
    let own = cell.typed_space.then(|| typeset_spaces(&cell.text));
    let mut text = String::with_capacity(cell.text.len());
    let mut at = 0;
    for (piece, run) in pieces() {
        let loose = run.contains(typo::NBSP) && too_wide(run);
        for (k, c) in piece.chars().enumerate() {
            let typography = c == typo::NBSP && own.as_ref().is_none_or(|o| o[at + k]);
            text.push(if loose && typography { ' ' } else { c });
        }
        at += piece.chars().count();
    }
    Cell { text, ..cell }
}

/// Which characters of `text` (typeset) are fixed (no-break) spaces the
/// typography pass puts there itself, rather than ones the user typed: by
/// the pass, applied again to the text with its fixed spaces made plain (a
/// typed one where the pass would put the same one anyway counts as the
/// pass's; when the pass changes the letters, every fixed space does).
/// Indexed by char. The PDF draws these as plain spaces; import reads them
/// back as plain spaces.
pub fn typeset_spaces(text: &str) -> Vec<bool> {
    use crate::text::is_fixed_space;
    if !text.chars().any(is_fixed_space) {
        return vec![false; text.chars().count()];
    }
    let plain: String = text.chars().map(|c| if is_fixed_space(c) { ' ' } else { c }).collect();
    let again = typo::apply(&plain);
    if again.chars().count() != plain.chars().count() {
        // Composition changed the letters: positions no longer match.
        return text.chars().map(is_fixed_space).collect();
    }
    text.chars().zip(again.chars()).map(|(c, a)| is_fixed_space(c) && a == c).collect()
}

/// A cell's text as paragraphs the way a cell shows them: a line or
/// paragraph separator (U+2028, U+2029, CR LF) starts a paragraph as a
/// newline does; a tab is a space (a table cell has no tab stops); spaces
/// at the ends of a paragraph and empty paragraphs at the ends of the text
/// show nothing and are not kept (the usual `"""…\n"""` string has no blank
/// last paragraph). Spaces and breaks only: every other character stays.
pub fn paragraphs(raw: &str) -> std::borrow::Cow<'_, str> {
    let plain = |c: char| !matches!(c, '\u{2028}' | '\u{2029}' | '\r' | '\t');
    let end_space = |c: char| c == ' ' || crate::text::is_fixed_space(c);
    let tidy = |p: &str| p == p.trim_matches(end_space);
    if raw.chars().all(plain) && raw.split('\n').all(tidy) && !raw.starts_with('\n') && !raw.ends_with('\n') {
        return std::borrow::Cow::Borrowed(raw);
    }
    let unified = raw.replace("\r\n", "\n").replace(['\u{2028}', '\u{2029}', '\r'], "\n").replace('\t', " ");
    let lines: Vec<&str> = unified.split('\n').map(|p| p.trim_matches(end_space)).collect();
    let first = lines.iter().position(|p| !p.is_empty()).unwrap_or(lines.len());
    let last = lines.iter().rposition(|p| !p.is_empty()).map_or(first, |i| i + 1);
    std::borrow::Cow::Owned(lines[first..last].join("\n"))
}

/// Position of a row in its agreement merge group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Merge {
    /// The agreement cell is this row's alone.
    Single,
    /// First row of a group of `rows` rows (rows >= 2) sharing one cell.
    Start {
        /// Rows in the group.
        rows: usize,
    },
    /// A later row of the group; its agreement cell continues the one above.
    Continue,
}

/// A numbered event row.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EventRow {
    /// 1-based, continuous across departments.
    pub number: usize,
    /// The seven cells. The agreement cell holds the agreement's title in
    /// every row of a merge group; renderers show it once per group (and
    /// again where a page break cuts the group).
    pub cells: Vec<Cell>,
    /// Its place in its agreement's merge group.
    pub merge: Merge,
}

/// A body row of the table.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Row {
    /// A department: one cell spanning all columns.
    Department(Cell),
    /// An event.
    Event(EventRow),
}

/// Document metadata shared by both renderers.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Meta {
    /// The title on one line.
    pub title: String,
    /// Region and period, e.g. `Смоленская область, за IV квартал 2020 года`.
    pub subject: String,
    /// The reporting period (dates of the documents).
    pub period: Period,
}

/// A place in the table a reader may jump to (a PDF bookmark): a
/// department, or the first event of a quarter in an annual report.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Mark {
    /// Index of the row in the table's rows.
    pub row: usize,
    /// 1: a department; 2: a part of one (a quarter).
    pub level: u8,
    /// What the bookmark says.
    pub title: String,
}

/// The whole report as one logical table.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Table {
    /// Title lines (centred, bold).
    pub title: Vec<String>,
    /// Column titles.
    pub header: Vec<String>,
    /// Department and event rows, in order.
    pub rows: Vec<Row>,
    /// Document metadata.
    pub meta: Meta,
    /// Bookmarks, in row order: each department, and whatever a report
    /// adds ([`Table::mark_events`]).
    pub outline: Vec<Mark>,
}

impl Table {
    /// Adds level-2 bookmarks at events: `(department index, event index
    /// within it, title)`; marks at events that do not exist are ignored.
    pub fn mark_events(&mut self, at: &[(usize, usize, String)]) {
        let mut department = usize::MAX;
        let mut event = 0;
        let mut starts: Vec<(usize, usize, usize)> = Vec::new();
        for (i, row) in self.rows.iter().enumerate() {
            match row {
                Row::Department(_) => {
                    department = department.wrapping_add(1);
                    event = 0;
                }
                Row::Event(_) => {
                    starts.push((department, event, i));
                    event += 1;
                }
            }
        }
        for (d, e, title) in at {
            if let Some(&(_, _, row)) = starts.iter().find(|(sd, se, _)| sd == d && se == e) {
                self.outline.push(Mark { row, level: 2, title: title.clone() });
            }
        }
        self.outline.sort_by_key(|m| (m.row, m.level));
    }

    /// The event rows, in order.
    pub fn events(&self) -> impl Iterator<Item = &EventRow> {
        self.rows.iter().filter_map(|r| match r {
            Row::Event(e) => Some(e),
            Row::Department(_) => None,
        })
    }

    /// Every text cell with its origin, in reading order (for font checks).
    pub fn cells(&self) -> impl Iterator<Item = &Cell> {
        self.rows.iter().flat_map(|r| match r {
            Row::Department(c) => std::slice::from_ref(c).iter(),
            Row::Event(e) => e.cells.iter(),
        })
    }
}

/// Builds the logical table of a report.
pub fn build(report: &Report, template: &Template) -> Table {
    let title_text = report.title.as_ref().map_or(template.title.text.as_str(), |t| t.value.as_str());
    let period = report.period.label();
    let title = vec![typo::apply(title_text), typo::apply(&period)];
    let header = template.column.iter().map(|c| typo::apply(&c.title)).collect();
    // What each row is, in order (cheap), then the rows with their texts
    // (typography, dates) on all cores.
    enum Plan<'r> {
        Department(&'r crate::model::Department),
        Event { ev: &'r crate::model::Event, number: usize, merge: Merge },
    }
    let mut plan = Vec::with_capacity(report.event_count() + report.departments.len());
    let year = report.period.year();
    let mut number = 0;
    for dep in &report.departments {
        plan.push(Plan::Department(dep));
        let events = &dep.events;
        let mut i = 0;
        while i < events.len() {
            // A merge group: consecutive events with the same agreement key.
            let key = &events[i].agreement;
            let len = events[i..].iter().take_while(|e| &e.agreement == key).count();
            for (k, ev) in events[i..i + len].iter().enumerate() {
                number += 1;
                let merge = match (len, k) {
                    (1, _) => Merge::Single,
                    (_, 0) => Merge::Start { rows: len },
                    _ => Merge::Continue,
                };
                plan.push(Plan::Event { ev, number, merge });
            }
            i += len;
        }
    }
    let rooms = Rooms::of(template);
    let rows = crate::par::map(&plan, |p| match *p {
        Plan::Department(dep) => {
            let m = if rooms.department_bold { rooms.bold } else { rooms.regular };
            Row::Department(loosen(
                Cell::new(&dep.name.value, Some(dep.name.span.clone())),
                m,
                rooms.size,
                rooms.department,
            ))
        }
        Plan::Event { ev, number, merge } => {
            let (agr_text, agr_span) = match report.agreement(&ev.agreement) {
                Some(a) => (a.title.value.as_str(), Some(a.title.span.clone())),
                None => (ev.agreement.as_str(), Some(ev.agreement_span.clone())),
            };
            let dates_text = dates::format(&ev.dates, year);
            let cells = vec![
                Cell { text: format!("{number}."), origin: None, typed_space: false },
                Cell::new(agr_text, agr_span),
                Cell::new(&ev.title.value, Some(ev.title.span.clone())),
                Cell::new(&dates_text, Some(ev.dates_span.clone())),
                Cell::new(&ev.place.value, Some(ev.place.span.clone())),
                Cell::new(&ev.participants.value, Some(ev.participants.span.clone())),
                Cell::new(&ev.result.value, Some(ev.result.span.clone())),
            ];
            debug_assert_eq!(cells.len(), COLUMNS);
            let cells = cells
                .into_iter()
                .zip(&rooms.columns)
                .map(|(c, &room)| loosen(c, rooms.regular, rooms.size, room))
                .collect();
            Row::Event(EventRow { number, cells, merge })
        }
    });
    let one_line = format!("{title_text} {period}");
    let subject = match &report.region {
        Some(region) => format!("{region}, {period}"),
        None => period.clone(),
    };
    let outline = rows
        .iter()
        .enumerate()
        .filter_map(|(i, r)| match r {
            Row::Department(c) => {
                // (one_line makes no-break spaces plain too.)
                Some(Mark { row: i, level: 1, title: crate::text::one_line(&c.text) })
            }
            Row::Event(_) => None,
        })
        .collect();
    Table { title, header, rows, meta: Meta { title: one_line, subject, period: report.period }, outline }
}

#[cfg(test)]
mod tests {
    use super::paragraphs;

    #[test]
    fn ends_and_separators_are_tidied_and_nothing_else() {
        assert_eq!(paragraphs("текст\n"), "текст");
        assert_eq!(paragraphs("\n\nтекст"), "текст");
        assert_eq!(paragraphs("  а  \n  б "), "а\nб");
        assert_eq!(paragraphs("а\tб"), "а б");
        assert_eq!(paragraphs("а\u{2028}б\r\nв"), "а\nб\nв");
        assert_eq!(paragraphs("а\n\nб"), "а\n\nб", "an empty paragraph inside stays");
        assert_eq!(paragraphs("а\u{A0}б"), "а\u{A0}б", "a no-break space inside is text");
        assert_eq!(paragraphs("а \u{A0}"), "а", "at the end it shows nothing");
        assert!(matches!(paragraphs("обычный текст"), std::borrow::Cow::Borrowed(_)));
    }
}
