//! `otchet forms`: one Word form per department of a quarter's data, to be
//! filled by the department and read back by `import` without guesswork.
//! This module decides what each form holds and what it is called; the
//! DOCX is written by [`crate::render::docx::render_form`].

use crate::diag::Diagnostic;
use crate::layout;
use crate::model::{Period, Report};
use crate::render::docx::{render_form, Form};
use crate::template::Template;
use crate::text::normalize_title;

pub use crate::render::docx::form::{
    period_code, FORM_VERSION, INSTRUCTION_START, PROP_DEPARTMENT, PROP_FORM, PROP_ORDER, PROP_PERIOD, PROP_REGION,
};

/// Spare rows by default.
pub const DEFAULT_ROWS: usize = 10;
/// The most spare rows a form gets.
pub const MAX_ROWS: usize = 500;
/// The longest stem of a form's file name, in characters (the number
/// included): long names are cut at a word.
const NAME_CHARS: usize = 100;

/// One department's form.
#[derive(Debug, Clone)]
pub struct FormFile {
    /// The file name (`01 Департамент … по культуре.docx`).
    pub name: String,
    /// The department's name.
    pub department: String,
    /// Events already in it.
    pub events: usize,
    /// The DOCX.
    pub bytes: Vec<u8>,
}

/// The instruction paragraph of a form.
fn instruction(period: Period) -> String {
    format!(
        "{INSTRUCTION_START} {} — по одному в строку таблицы. В графе «Соглашение» выберите соглашение из списка \
         (щелкните по ячейке); графу «№ п/п» не заполняйте: номера присваиваются при сборке отчета. Сроки пишите как в отчете: \
         «3 декабря», «10–12 ноября», «в течение квартала». Пустые строки не учитываются; если строк не хватает, \
         скопируйте пустую строку вместе со списком или добавьте строку в конец таблицы. Не меняйте шапку таблицы и \
         строку с названием департамента.",
        period.label()
    )
}

/// The forms of `report`'s departments (all, or those named in `only`, by
/// name up to case, spaces and look-alike letters), each with its events
/// and `spare` empty rows. An unknown name in `only` is an error naming the
/// departments there are.
pub fn forms(report: &Report, t: &Template, spare: usize, only: &[String]) -> Result<Vec<FormFile>, Diagnostic> {
    // Departments by index, as messages name them.
    let listed = |at: &[usize]| -> String {
        at.iter()
            .map(|&i| format!("«{}»", crate::text::one_line(&report.departments[i].name.value)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let wanted: Vec<usize> = if only.is_empty() {
        (0..report.departments.len()).collect()
    } else {
        let mut picked = Vec::new();
        for name in only {
            let norm = normalize_title(name);
            let norm_of = |i: usize| normalize_title(&report.departments[i].name.value);
            // A department's own name picks it, even when another
            // department's name contains it; a part of a name picks the
            // one department whose name holds it.
            let exact: Vec<usize> = (0..report.departments.len()).filter(|&i| norm_of(i) == norm).collect();
            let found: Vec<usize> = if exact.is_empty() {
                (0..report.departments.len()).filter(|&i| !norm.is_empty() && norm_of(i).contains(&norm)).collect()
            } else {
                exact
            };
            match found.as_slice() {
                [i] => {
                    if !picked.contains(i) {
                        picked.push(*i);
                    }
                }
                [] => {
                    let all: Vec<usize> = (0..report.departments.len()).collect();
                    return Err(Diagnostic::error(format!("в данных нет департамента «{name}»"))
                        .help(format!("департаменты в файле: {}", listed(&all))));
                }
                many => {
                    return Err(Diagnostic::error(format!(
                        "«{name}» подходит к нескольким департаментам: {}",
                        listed(many)
                    ))
                    .help("укажите название точнее"));
                }
            }
        }
        picked.sort_unstable();
        picked
    };
    if report.departments.is_empty() {
        return Err(Diagnostic::error("в данных нет ни одного департамента ([[department]])")
            .help("добавьте разделы департаментов в файл данных"));
    }
    let agreements: Vec<(&str, &str)> =
        report.agreements.iter().map(|a| (a.key.as_str(), a.title.value.as_str())).collect();
    let width = report.departments.len().to_string().len().max(2);
    let text = instruction(report.period);
    let mut out = Vec::with_capacity(wanted.len());
    for i in wanted {
        let dep = &report.departments[i];
        let one = Report { departments: vec![dep.clone()], ..report.clone() };
        let table = layout::build(&one, t);
        let chosen: Vec<&str> = dep.events.iter().map(|e| e.agreement.as_str()).collect();
        let mut properties = vec![
            (PROP_FORM.to_string(), FORM_VERSION.to_string()),
            (PROP_DEPARTMENT.to_string(), dep.name.value.clone()),
            (PROP_ORDER.to_string(), (i + 1).to_string()),
            (PROP_PERIOD.to_string(), period_code(report.period)),
        ];
        if let Some(r) = &report.region {
            properties.push((PROP_REGION.to_string(), r.clone()));
        }
        let form =
            Form { table: &table, chosen: &chosen, agreements: &agreements, spare, instruction: &text, properties };
        let bytes = render_form(&form, t).map_err(|e| Diagnostic::error(format!("форма не сформирована: {e}")))?;
        out.push(FormFile {
            name: file_name(i + 1, width, &dep.name.value),
            department: dep.name.value.clone(),
            events: dep.events.len(),
            bytes,
        });
    }
    Ok(out)
}

/// The forms as one ZIP (for a download): each under its file name, in
/// order, with fixed times, so the same forms give the same bytes.
pub fn zip(forms: &[FormFile]) -> zip::result::ZipResult<Vec<u8>> {
    use std::io::Write;
    use zip::write::SimpleFileOptions;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    // DOCX files are compressed already.
    let opts = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    for f in forms {
        zip.start_file(f.name.as_str(), opts)?;
        zip.write_all(&f.bytes)?;
    }
    Ok(zip.finish()?.into_inner())
}

/// `NN name.docx`: the department's number (zero-padded, so files sort in
/// the departments' order) and its name on one line, cut at a word to
/// [`NAME_CHARS`] characters, safe on Windows and Linux.
pub fn file_name(number: usize, width: usize, department: &str) -> String {
    let name = crate::text::one_line(department);
    let prefix = format!("{number:0width$} ");
    let room = NAME_CHARS.saturating_sub(prefix.chars().count());
    let short = if name.chars().count() <= room {
        name
    } else {
        let cut: String = name.chars().take(room).collect();
        let at_word = cut.rfind(' ').filter(|&i| i > cut.len() / 2).map_or(cut.as_str(), |i| &cut[..i]);
        format!("{}…", at_word.trim_end_matches([' ', ',', '.', ';', ':', '-', '—']))
    };
    format!("{}.docx", crate::archive::safe_stem(&format!("{prefix}{short}"), 200))
}

#[cfg(test)]
mod tests {
    use super::file_name;

    #[test]
    fn names_sort_in_order_and_are_safe_and_short() {
        assert_eq!(
            file_name(1, 2, "Департамент Смоленской области\nпо культуре"),
            "01 Департамент Смоленской области по культуре.docx"
        );
        let long = file_name(
            12,
            2,
            "Департамент Смоленской области по информационным технологиям, связи, защите информации и цифровому развитию: \"отдел\"",
        );
        assert!(long.starts_with("12 Департамент Смоленской области по информационным"), "{long}");
        assert!(long.ends_with("….docx") && long.chars().count() <= 100 + 5, "{long}");
        assert_eq!(file_name(3, 2, "Отдел A/B: «тест»?"), "03 Отдел A_B_ «тест»_.docx");
        assert_eq!(file_name(7, 3, "CON"), "007 CON.docx");
    }
}
