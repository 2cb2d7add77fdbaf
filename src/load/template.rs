//! The template file, loaded with the same machinery as the data: every
//! problem at once, in Russian, at the template's file:line:col, with
//! bounds that keep a page readable (font sizes, padding and borders
//! relative to the columns, columns of at least 5 mm, a table that fits).

use toml::de::DeTable;

use super::syntax::syntax_error;
use super::walk::{Glyphs, Val, Walker};
use crate::diag::{Diagnostic, Failure, Source};
use crate::model::Span;
use crate::template::{Align, Cell, Column, Font, Page, PageNumbers, Template, Title, COLUMNS, OFFICIAL};

const TOP_KEYS: &[&str] = &["page", "font", "title", "cell", "column"];
const PAGE_KEYS: &[&str] = &[
    "width",
    "height",
    "margin_top",
    "margin_bottom",
    "margin_left",
    "margin_right",
    "header_distance",
    "page_numbers",
];
const FONT_KEYS: &[&str] = &[
    "family",
    "language",
    "title_size",
    "header_size",
    "body_size",
    "page_number_size",
    "header_bold",
    "department_bold",
    "regular_file",
    "bold_file",
];
const TITLE_KEYS: &[&str] = &["text", "space_after"];
const CELL_KEYS: &[&str] =
    &["padding_left", "padding_right", "padding_top", "padding_bottom", "border", "hyphenate", "auto_hyphenation"];
const COLUMN_KEYS: &[&str] = &["title", "width", "align"];

/// The narrowest column, mm.
pub const MIN_COLUMN_MM: f32 = 5.0;

impl Template {
    /// The compiled-in official form.
    pub fn official() -> Template {
        Template::parse(&Source::new("templates/official.toml", OFFICIAL)).expect("the built-in template is valid")
    }

    /// Parses and validates a template file.
    pub fn parse(source: &Source) -> Result<Template, Failure> {
        Template::parse_with(source, None)
    }

    /// Parses and validates a template file; its texts (title, column
    /// titles) are also checked against the PDF fonts.
    pub fn parse_with(source: &Source, glyphs: Option<Glyphs<'_>>) -> Result<Template, Failure> {
        let text = source.text.as_str();
        let fail = |diagnostics| Failure { source: source.clone(), diagnostics };
        if text.trim().is_empty() {
            return Err(fail(vec![Diagnostic::error("файл шаблона пуст")
                .help("возьмите за основу templates/official.toml из поставки otchet")]));
        }
        let (doc, errors) = DeTable::parse_recoverable(text);
        if !errors.is_empty() {
            return Err(fail(errors.iter().map(|e| syntax_error(e, text)).collect()));
        }
        let mut w = Walker::new(text);
        w.glyphs = glyphs;
        // Font files are named relative to the template file.
        let dir = std::path::Path::new(&source.name).parent().unwrap_or(std::path::Path::new("")).to_path_buf();
        let t = walk(&mut w, doc.get_ref(), &dir);
        match t {
            Some(t) if w.diags.iter().all(|d| !d.is_error()) => Ok(t),
            _ => {
                let mut d = w.diags;
                d.sort_by_key(|d| d.span.as_ref().map_or(0, |s| s.start + 1));
                if d.is_empty() {
                    d.push(Diagnostic::error("неверный шаблон"));
                }
                Err(fail(d))
            }
        }
    }
}

/// A required section `[name]` of the template.
fn section<'t, 'i>(w: &mut Walker<'_>, root: &'t DeTable<'i>, name: &str, keys: &[&str]) -> Option<&'t DeTable<'i>> {
    let Some(v) = w.get(root, name) else {
        w.err(
            Diagnostic::error(format!("в шаблоне нет раздела [{name}]"))
                .at(0..0)
                .help("возьмите раздел из templates/official.toml"),
        );
        return None;
    };
    let t = w.table(v, &format!("«{name}» должен быть разделом [{name}]"), "")?;
    w.check_keys(t, keys, &format!("в разделе [{name}] шаблона"));
    Some(t)
}

/// A required number of `t` within `range`.
fn num(
    w: &mut Walker<'_>,
    t: &DeTable<'_>,
    at: &Val<'_>,
    key: &str,
    range: std::ops::RangeInclusive<f64>,
    unit: &str,
) -> Option<f32> {
    let example = format!("{key} = {}", example(key));
    w.required(t, key, at.span(), "в шаблоне", &example).and_then(|v| w.number(v, key, range, unit)).map(|n| n as f32)
}

/// A typical value of a numeric field, for "add the line …" hints.
fn example(key: &str) -> &'static str {
    match key {
        "width" => "15.0",
        "height" => "210.0",
        "header_distance" => "10.0",
        k if k.starts_with("margin") => "20.0",
        k if k.ends_with("_size") => "12.0",
        "space_after" => "6.0",
        k if k.starts_with("padding") => "1.9",
        "border" => "0.5",
        _ => "1.0",
    }
}

fn flag(w: &mut Walker<'_>, t: &DeTable<'_>, at: &Val<'_>, key: &str) -> Option<bool> {
    w.required(t, key, at.span(), "в шаблоне", &format!("{key} = true")).and_then(|v| w.boolean(v, key))
}

fn walk(w: &mut Walker<'_>, root: &DeTable<'_>, dir: &std::path::Path) -> Option<Template> {
    w.check_keys(root, TOP_KEYS, "на верхнем уровне шаблона");
    let page = page(w, root);
    let font = font(w, root, dir);
    let title = title(w, root);
    let cell = cell(w, root);
    let column = columns(w, root);
    let t = Template { page: page?, font: font?, title: title?, cell: cell?, column: column? };
    relations(w, root, &t);
    Some(t)
}

fn page(w: &mut Walker<'_>, root: &DeTable<'_>) -> Option<Page> {
    let t = section(w, root, "page", PAGE_KEYS)?;
    let at = w.get(root, "page")?;
    let mm = "мм";
    let page = Page {
        width: num(w, t, at, "width", 50.0..=1000.0, mm)?,
        height: num(w, t, at, "height", 50.0..=1000.0, mm)?,
        margin_top: num(w, t, at, "margin_top", 0.0..=100.0, mm)?,
        margin_bottom: num(w, t, at, "margin_bottom", 0.0..=100.0, mm)?,
        margin_left: num(w, t, at, "margin_left", 0.0..=100.0, mm)?,
        margin_right: num(w, t, at, "margin_right", 0.0..=100.0, mm)?,
        header_distance: num(w, t, at, "header_distance", 0.0..=100.0, mm)?,
        page_numbers: w
            .required(t, "page_numbers", at.span(), "в шаблоне", "page_numbers = \"from-second\"")
            .and_then(|v| w.choice(v, "page_numbers", &["none", "all", "from-second"]))
            .map(|i| [PageNumbers::None, PageNumbers::All, PageNumbers::FromSecond][i])?,
    };
    Some(page)
}

fn font(w: &mut Walker<'_>, root: &DeTable<'_>, dir: &std::path::Path) -> Option<Font> {
    let t = section(w, root, "font", FONT_KEYS)?;
    let at = w.get(root, "font")?;
    let pt = "пт";
    let family = w
        .required(t, "family", at.span(), "в шаблоне", "family = \"Times New Roman\"")
        .and_then(|v| w.text(v, "family", "шрифта"));
    let language = w.required(t, "language", at.span(), "в шаблоне", "language = \"ru-RU\"").and_then(|v| {
        let l = w.text(v, "language", "шрифта")?;
        let ok = l.value.split('-').enumerate().all(|(i, p)| {
            (2..=3).contains(&p.len())
                && p.chars().all(|c| if i == 0 { c.is_ascii_lowercase() } else { c.is_ascii_alphanumeric() })
        });
        if !ok {
            w.err(
                Diagnostic::error(format!("неверный код языка «{}»", l.value))
                    .at(v.span())
                    .help("код языка по BCP 47, например \"ru-RU\""),
            );
            return None;
        }
        Some(l.value)
    });
    let sizes =
        ["title_size", "header_size", "body_size", "page_number_size"].map(|k| num(w, t, at, k, 6.0..=72.0, pt));
    let header_bold = flag(w, t, at, "header_bold");
    let department_bold = flag(w, t, at, "department_bold");
    let files = font_files(w, t, at, dir);
    Some(Font {
        family: family?.value,
        language: language?,
        title_size: sizes[0]?,
        header_size: sizes[1]?,
        body_size: sizes[2]?,
        page_number_size: sizes[3]?,
        header_bold: header_bold?,
        department_bold: department_bold?,
        files: files?,
    })
}

/// `regular_file` and `bold_file`: both or neither; each a readable font
/// with Cyrillic letters, relative to the template's folder.
#[allow(clippy::option_option)]
fn font_files(
    w: &mut Walker<'_>,
    t: &DeTable<'_>,
    at: &Val<'_>,
    dir: &std::path::Path,
) -> Option<Option<(std::path::PathBuf, std::path::PathBuf)>> {
    let (r, b) = (w.get(t, "regular_file"), w.get(t, "bold_file"));
    if r.is_none() && b.is_none() {
        return Some(None);
    }
    let one = |w: &mut Walker<'_>, v: Option<&Val<'_>>, key: &str, bold: bool| {
        let Some(v) = v else {
            w.err(
                Diagnostic::error(format!("указан только один файл шрифта: нет «{key}»"))
                    .at(at.span())
                    .help("укажите оба файла: regular_file и bold_file (обычное и полужирное начертание)"),
            );
            return None;
        };
        let name = w.text(v, key, "шрифта")?;
        let path = dir.join(&name.value);
        match crate::fonts::load_file(&path, bold) {
            Ok(_) => Some(path),
            Err(why) => {
                w.err(
                    Diagnostic::error(format!("шрифт «{}» не подходит: {why}", path.display()))
                        .at(v.span())
                        .help("укажите файл .ttf или .otf с кириллицей; путь — относительно файла шаблона"),
                );
                None
            }
        }
    };
    let r = one(w, r, "regular_file", false);
    let b = one(w, b, "bold_file", true);
    Some(Some((r?, b?)))
}

fn title(w: &mut Walker<'_>, root: &DeTable<'_>) -> Option<Title> {
    let t = section(w, root, "title", TITLE_KEYS)?;
    let at = w.get(root, "title")?;
    let text = w
        .required(t, "text", at.span(), "в шаблоне", "text = \"Отчет о реализации соглашений …\"")
        .and_then(|v| w.text(v, "text", "заголовка шаблона"));
    let space_after = num(w, t, at, "space_after", 0.0..=72.0, "пт");
    Some(Title { text: text?.value, space_after: space_after? })
}

fn cell(w: &mut Walker<'_>, root: &DeTable<'_>) -> Option<Cell> {
    let t = section(w, root, "cell", CELL_KEYS)?;
    let at = w.get(root, "cell")?;
    let mm = "мм";
    let pads =
        ["padding_left", "padding_right", "padding_top", "padding_bottom"].map(|k| num(w, t, at, k, 0.0..=20.0, mm));
    let border = num(w, t, at, "border", 0.0..=3.0, "пт");
    let hyphenate = flag(w, t, at, "hyphenate");
    let auto_hyphenation = match w.get(t, "auto_hyphenation") {
        Some(v) => w.boolean(v, "auto_hyphenation"),
        None => Some(false),
    };
    Some(Cell {
        padding_left: pads[0]?,
        padding_right: pads[1]?,
        padding_top: pads[2]?,
        padding_bottom: pads[3]?,
        border: border?,
        hyphenate: hyphenate?,
        auto_hyphenation: auto_hyphenation?,
    })
}

fn columns(w: &mut Walker<'_>, root: &DeTable<'_>) -> Option<Vec<Column>> {
    let Some(v) = w.get(root, "column") else {
        w.err(
            Diagnostic::error(format!("в шаблоне нет граф [[column]]: их должно быть {COLUMNS}"))
                .at(0..0)
                .help("возьмите графы из templates/official.toml"),
        );
        return None;
    };
    let items = w.array(v, "«column» должен быть списком граф [[column]]", "")?;
    if items.len() != COLUMNS {
        w.err(
            Diagnostic::error(format!("граф должно быть {COLUMNS}, а описано {}", items.len()))
                .at(v.span())
                .help("у формы отчета семь граф; опишите каждую разделом [[column]]"),
        );
    }
    let mut out = Vec::new();
    for item in items {
        let Some(t) = w.table(item, "графа [[column]] должна быть таблицей", "") else {
            continue;
        };
        w.check_keys(t, COLUMN_KEYS, "в графе [[column]] шаблона");
        let title = w
            .required(t, "title", item.span(), "в графе [[column]]", "title = \"Наименование мероприятия\"")
            .and_then(|v| w.text(v, "title", "графы"));
        let width = num(w, t, item, "width", 0.001..=1000.0, "(относительная ширина)");
        let align = w
            .required(t, "align", item.span(), "в графе [[column]]", "align = \"left\"")
            .and_then(|v| w.choice(v, "align", &["left", "center", "right", "justify"]))
            .map(|i| [Align::Left, Align::Center, Align::Right, Align::Justify][i]);
        if let (Some(title), Some(width), Some(align)) = (title, width, align) {
            out.push(Column { title: title.value, width, align });
        }
    }
    (out.len() == COLUMNS && items.len() == COLUMNS).then_some(out)
}

/// Where the value of `key` in `[section]` is.
fn value_span(w: &Walker<'_>, root: &DeTable<'_>, section: &str, key: &str) -> Option<Span> {
    w.get(root, section).and_then(|s| match s.get_ref() {
        toml::de::DeValue::Table(tab) => w.get(tab, key).map(toml::Spanned::span),
        _ => None,
    })
}

/// Where the value of `key` in `[section]` of a template's `text` is, for a
/// message about a template that loaded (one whose header does not fit the
/// page is told at its `header_size`).
pub fn key_span(text: &str, section: &str, key: &str) -> Option<Span> {
    let (doc, _) = DeTable::parse_recoverable(text);
    value_span(&Walker::new(text), doc.get_ref(), section, key)
}

/// Limits between values: the table fits the page, columns are wide
/// enough for text, padding leaves room in the narrowest column.
fn relations(w: &mut Walker<'_>, root: &DeTable<'_>, t: &Template) {
    let span_of = |w: &Walker<'_>, section: &str, key: &str| value_span(w, root, section, key).unwrap_or(0..0);
    let p = &t.page;
    let text_height = p.height - p.margin_top - p.margin_bottom;
    if t.text_width() < COLUMNS as f32 * MIN_COLUMN_MM || text_height < 50.0 {
        w.err(
            Diagnostic::error(format!(
                "поля слишком велики: на странице остается {:.0} × {:.0} мм, таблице нужно не меньше {:.0} × 50 мм",
                t.text_width().max(0.0),
                text_height.max(0.0),
                COLUMNS as f32 * MIN_COLUMN_MM
            ))
            .at(span_of(w, "page", "margin_left"))
            .help("уменьшите поля страницы"),
        );
        return;
    }
    let widths = t.column_widths_mm();
    let items = w.get(root, "column").and_then(|v| match v.get_ref() {
        toml::de::DeValue::Array(a) => Some(a.iter().collect::<Vec<_>>()),
        _ => None,
    });
    for (i, &mm) in widths.iter().enumerate() {
        if mm < MIN_COLUMN_MM {
            let at = items
                .as_ref()
                .and_then(|a| a.get(i))
                .and_then(|c| match c.get_ref() {
                    toml::de::DeValue::Table(tab) => w.get(tab, "width").map(toml::Spanned::span),
                    _ => None,
                })
                .unwrap_or(0..0);
            w.err(
                Diagnostic::error(format!(
                    "графа {} получается шириной {mm:.1} мм, нужно не меньше {MIN_COLUMN_MM} мм",
                    i + 1
                ))
                .at(at)
                .help("увеличьте ее относительную ширину width"),
            );
        }
    }
    let narrowest = widths.iter().copied().fold(f32::INFINITY, f32::min);
    if t.cell.padding_left + t.cell.padding_right > narrowest / 2.0 {
        w.err(
            Diagnostic::error(format!(
                "поля ячеек ({:.1} + {:.1} мм) занимают больше половины самой узкой графы ({narrowest:.1} мм)",
                t.cell.padding_left, t.cell.padding_right
            ))
            .at(span_of(w, "cell", "padding_left"))
            .help("уменьшите padding_left и padding_right"),
        );
    }
    let border_mm = t.cell.border * crate::template::MM_PER_PT;
    if border_mm * 4.0 > narrowest {
        w.err(
            Diagnostic::error("линии таблицы толще четверти самой узкой графы")
                .at(span_of(w, "cell", "border"))
                .help("обычная толщина линий — 0,5 пт"),
        );
    }
}
