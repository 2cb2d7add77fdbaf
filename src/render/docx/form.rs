//! A department's form (`otchet forms`): the report's title and header, one
//! instruction paragraph, the department row, its events and spare rows to
//! fill. The agreement cell of every event row is a drop-down content
//! control (`w:sdt` with `w:dropDownList`) listing the registry's titles,
//! each item's value its key, so import reads the chosen agreement exactly.
//! Custom document properties mark the file as a form and name its
//! department, period and region.

use std::io::Write;

use super::package::Parts;
use super::xml::{PPr, RPr, Spacing, TcPr, TrPr, Xml, R_NS, W_NS};
use super::{jc, open_table, paragraph, paragraphs, section, title};
use crate::layout::{self, Row};
use crate::template::Template;

/// Custom property naming the form's format version (its presence marks a
/// form).
pub const PROP_FORM: &str = "otchet-form";
/// Custom property: the department's name as the data file has it.
pub const PROP_DEPARTMENT: &str = "otchet-department";
/// Custom property: the department's place among the data's departments
/// (1-based).
pub const PROP_ORDER: &str = "otchet-order";
/// Custom property: the period, `YYYY-Q`.
pub const PROP_PERIOD: &str = "otchet-period";
/// Custom property: the region (absent when the data names none).
pub const PROP_REGION: &str = "otchet-region";
/// The form format written.
pub const FORM_VERSION: &str = "1";

/// The `otchet-period` value of a period: `YYYY-Q` (`YYYY` for a year).
pub fn period_code(p: crate::model::Period) -> String {
    match p {
        crate::model::Period::Quarter { year, quarter } => format!("{year}-{quarter}"),
        crate::model::Period::Year { year } => format!("{year}"),
    }
}

/// The quarter an `otchet-period` value names (year, 1–4).
pub fn quarter_of_code(code: &str) -> Option<(i32, u8)> {
    let (y, q) = code.split_once('-')?;
    Some((y.trim().parse().ok()?, q.trim().parse().ok().filter(|q| (1..=4).contains(q))?))
}

/// How a form's instruction paragraph starts (import skips it).
pub const INSTRUCTION_START: &str = "Впишите мероприятия департамента";

/// The `w:tag` of the agreement control.
pub const AGREEMENT_TAG: &str = "otchet-agreement";
/// The text an agreement control shows before a choice.
pub const PLACEHOLDER: &str = "Выберите соглашение";

/// What one form holds.
pub struct Form<'a> {
    /// The department's part of the report: title, header, its department
    /// row and event rows (numbers are not printed).
    pub table: &'a layout::Table,
    /// Registry key of each event row's agreement, in order.
    pub chosen: &'a [&'a str],
    /// The registry: key and title of each agreement, in its order.
    pub agreements: &'a [(&'a str, &'a str)],
    /// Empty event rows after the events.
    pub spare: usize,
    /// The instruction paragraph under the title.
    pub instruction: &'a str,
    /// Custom document properties marking the form.
    pub properties: Vec<(String, String)>,
}

/// The text of a list item: one line (a list shows no line breaks); every
/// other character as the registry has it.
pub fn item_text(title: &str) -> String {
    title.replace("\r\n", " ").replace(['\n', '\r', '\u{2028}', '\u{2029}'], " ")
}

/// Renders a form to DOCX bytes.
pub fn render_form(form: &Form<'_>, t: &Template) -> Result<Vec<u8>, crate::render::Error> {
    // A form is typed into in Word: automatic hyphenation, no soft hyphens
    // written into its text.
    let t = &t.auto_hyphenated();
    let mut parts: Parts = super::parts(form.table, t);
    parts.custom.clone_from(&form.properties);
    super::package::pack(&parts, |out| write_form(out, form, t, &parts)).map_err(crate::render::Error::Package)
}

fn write_form(out: &mut dyn Write, form: &Form<'_>, t: &Template, parts: &Parts) -> std::io::Result<()> {
    let widths = t.column_widths_twips();
    let total: u32 = widths.iter().sum();
    let aligns: Vec<&str> = t.column.iter().map(|c| jc(c.align)).collect();
    let mut x = Xml::with_capacity(64 * 1024);
    x.0.push_str(super::xml::DECLARATION);
    x.open("w:document", &[("xmlns:w", W_NS), ("xmlns:r", R_NS)]);
    x.open("w:body", &[]);
    title(&mut x, form.table, t, None);
    let small = Some(super::half_points(t.font.header_size));
    paragraph(
        &mut x,
        form.instruction,
        &PPr {
            spacing: Some(Spacing { before: None, after: Some(120), line: None }),
            jc: Some("both"),
            mark: RPr { size: small, ..RPr::default() },
            ..PPr::default()
        },
        &RPr { size: small, ..RPr::default() },
    );
    open_table(&mut x, form.table, t, &widths);
    let items: Vec<(String, &str)> = form.agreements.iter().map(|(k, title)| (item_text(title), *k)).collect();
    let mut chosen = form.chosen.iter();
    let mut id = 0;
    let mut event_row = |x: &mut Xml, cells: Option<&[layout::Cell]>, key: Option<&str>| {
        id += 1;
        x.open("w:tr", &[]);
        for (i, &w) in widths.iter().enumerate() {
            x.open("w:tc", &[]);
            TcPr { width: w, grid_span: None, v_merge: None, v_center: false }.write(x);
            let ppr = PPr { jc: Some(aligns[i]), ..PPr::default() };
            if i == layout::AGREEMENT_COL {
                agreement_control(x, id, &items, key, &ppr);
            } else {
                // The number is given on import: its cell stays empty.
                match cells {
                    Some(c) if i > 0 => paragraphs(x, &c[i].text, &ppr, &RPr::default(), t.cell.soft_hyphens()),
                    // An empty paragraph aligned as the column is.
                    _ => {
                        x.open("w:p", &[]);
                        ppr.write(x);
                        x.close("w:p");
                    }
                }
            }
            x.close("w:tc");
        }
        x.close("w:tr");
    };
    for row in &form.table.rows {
        match row {
            Row::Department(c) => {
                x.open("w:tr", &[]);
                TrPr { cant_split: true, header: false }.write(&mut x);
                x.open("w:tc", &[]);
                TcPr { width: total, grid_span: Some(widths.len()), v_merge: None, v_center: false }.write(&mut x);
                let ppr = PPr { keep_next: true, jc: Some("center"), ..PPr::default() };
                paragraphs(
                    &mut x,
                    &c.text,
                    &ppr,
                    &RPr { bold: t.font.department_bold, ..RPr::default() },
                    t.cell.soft_hyphens(),
                );
                x.close("w:tc");
                x.close("w:tr");
            }
            Row::Event(ev) => event_row(&mut x, Some(&ev.cells), chosen.next().copied()),
        }
    }
    for _ in 0..form.spare {
        event_row(&mut x, None, None);
    }
    x.close("w:tbl");
    section(&mut x, t, &parts.stories);
    x.close("w:body");
    x.close("w:document");
    out.write_all(x.0.as_bytes())
}

/// The agreement cell's content: a drop-down list of the registry, showing
/// the chosen agreement's title, or the placeholder when none is chosen.
fn agreement_control(x: &mut Xml, id: usize, items: &[(String, &str)], key: Option<&str>, ppr: &PPr) {
    let chosen = key.and_then(|k| items.iter().find(|(_, v)| *v == k));
    x.open("w:sdt", &[]);
    x.open("w:sdtPr", &[]);
    x.empty("w:alias", &[("w:val", "Соглашение")]);
    x.empty("w:tag", &[("w:val", AGREEMENT_TAG)]);
    x.empty("w:id", &[("w:val", &id.to_string())]);
    if chosen.is_none() {
        x.empty("w:showingPlcHdr", &[]);
    }
    match chosen {
        Some((_, value)) => x.open("w:dropDownList", &[("w:lastValue", value)]),
        None => x.open("w:dropDownList", &[]),
    }
    for (text, value) in items {
        x.empty("w:listItem", &[("w:displayText", text), ("w:value", value)]);
    }
    x.close("w:dropDownList");
    x.close("w:sdtPr");
    x.open("w:sdtContent", &[]);
    match chosen {
        Some((text, _)) => paragraph(x, text, ppr, &RPr::default()),
        None => paragraph(x, PLACEHOLDER, ppr, &RPr { color: Some("808080"), ..RPr::default() }),
    }
    x.close("w:sdtContent");
    x.close("w:sdt");
}
