//! The annual report: the four quarter files of one year merged into one
//! report titled `за <год> год`.
//!
//! Departments appear in order of first appearance; events in period order
//! (quarter by quarter, file order within a quarter); numbering runs through
//! the year. Merge groups are computed on the merged table exactly as for a
//! quarter: consecutive events of one department with the same agreement key
//! share one cell, also where the last event of one quarter and the first of
//! the next are such a pair (they are consecutive rows of the table).

use std::collections::HashMap;

use crate::diag::Diagnostic;
use crate::load::Loaded;
use crate::model::{Agreement, Department, Period, Report};
use crate::text::normalize_title;

/// Where each quarter's events start in the merged report: (department
/// index, event index within it, quarter), in the order `merge` puts them.
pub fn quarter_starts(files: &[Loaded], merged: &Report) -> Vec<(usize, usize, u8)> {
    let mut quarters: Vec<(u8, usize)> = files
        .iter()
        .enumerate()
        .filter_map(|(i, f)| match f.report.period {
            Period::Quarter { quarter, .. } => Some((quarter, i)),
            Period::Year { .. } => None,
        })
        .collect();
    quarters.sort_unstable();
    let mut counts = vec![0usize; merged.departments.len()];
    let mut out = Vec::new();
    for (q, i) in quarters {
        for d in &files[i].report.departments {
            let Some(x) = merged.departments.iter().position(|m| m.name.value == d.name.value) else { continue };
            if !d.events.is_empty() {
                out.push((x, counts[x], q));
            }
            counts[x] += d.events.len();
        }
    }
    out
}

/// A diagnostic with the index of the file it belongs to.
pub type FileDiagnostic = (usize, Diagnostic);

/// Merges quarter files; errors and warnings name their file by index.
pub fn merge(files: &[Loaded], allow_partial: bool) -> Result<(Report, Vec<FileDiagnostic>), Vec<FileDiagnostic>> {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let name = |i: usize| files[i].source.name.clone();
    let mut quarters: Vec<(u8, usize)> = Vec::new();
    let mut year = None;
    for (i, f) in files.iter().enumerate() {
        match f.report.period {
            Period::Quarter { year: y, quarter } => {
                match year {
                    None => year = Some((y, i)),
                    Some((y0, i0)) if y0 != y => errors.push((
                        i,
                        Diagnostic::error(format!("год {y} не совпадает с годом {y0} в «{}»", name(i0)))
                            .help("годовой отчет собирается из кварталов одного года"),
                    )),
                    _ => {}
                }
                if let Some(&(_, j)) = quarters.iter().find(|(q, _)| *q == quarter) {
                    errors.push((
                        i,
                        Diagnostic::error(format!("квартал {quarter} уже есть в «{}»", name(j)))
                            .help("укажите каждый квартал один раз"),
                    ));
                } else {
                    quarters.push((quarter, i));
                }
            }
            Period::Year { .. } => errors.push((i, Diagnostic::error("это уже годовой отчет, а нужен квартальный"))),
        }
    }
    let missing: Vec<String> =
        (1..=4u8).filter(|q| !quarters.iter().any(|(x, _)| x == q)).map(|q| crate::dates::roman(q as u32)).collect();
    if !missing.is_empty() && !allow_partial && errors.is_empty() {
        errors.push((
            0,
            Diagnostic::error(match missing.len() {
                1 => format!("нет данных за {} квартал", missing[0]),
                n => format!("нет данных за {} и {} кварталы", missing[..n - 1].join(", "), missing[n - 1]),
            })
            .help("укажите файлы всех четырех кварталов или добавьте --allow-partial"),
        ));
    }

    check_region(files, &mut errors);
    let agreements = merged_registry(files, &mut errors, &mut warnings);
    if !errors.is_empty() {
        return Err(errors);
    }

    quarters.sort_unstable();
    let mut departments: Vec<Department> = Vec::new();
    let mut by_name: HashMap<String, usize> = HashMap::new();
    for &(_, i) in &quarters {
        for d in &files[i].report.departments {
            match by_name.get(&d.name.value) {
                Some(&x) => departments[x].events.extend(d.events.iter().cloned()),
                None => {
                    by_name.insert(d.name.value.clone(), departments.len());
                    departments.push(d.clone());
                }
            }
        }
    }
    let (year, first) = year.expect("at least one quarter file");
    let report = Report {
        period: Period::Year { year },
        region: files[first].report.region.clone(),
        title: files[first].report.title.clone(),
        due: None,
        agreements,
        departments,
    };
    Ok((report, warnings))
}

/// One region: quarters of different regions are not one report.
fn check_region(files: &[Loaded], errors: &mut Vec<FileDiagnostic>) {
    let name = |i: usize| files[i].source.name.clone();
    let region = |i: usize| files[i].report.region.as_deref();
    if let Some(first) = (0..files.len()).find(|&i| region(i).is_some()) {
        for i in 0..files.len() {
            if let Some(r) = region(i).filter(|r| Some(*r) != region(first)) {
                errors.push((
                    i,
                    Diagnostic::error(format!(
                        "регион «{r}» не совпадает с регионом «{}» в «{}»",
                        region(first).unwrap_or_default(),
                        name(first)
                    ))
                    .help("годовой отчет собирается из кварталов одного региона; исправьте поле region"),
                ));
            }
        }
    }
}

/// The registries of all quarters as one: the same key must mean the same
/// agreement (an error), and the same title under two keys is warned
/// about.
fn merged_registry(
    files: &[Loaded],
    errors: &mut Vec<FileDiagnostic>,
    warnings: &mut Vec<FileDiagnostic>,
) -> Vec<Agreement> {
    let name = |i: usize| files[i].source.name.clone();
    let mut agreements: Vec<(Agreement, usize)> = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    let mut by_title: HashMap<String, usize> = HashMap::new();
    for (i, f) in files.iter().enumerate() {
        for a in &f.report.agreements {
            match by_key.get(&a.key).map(|&k| &agreements[k]) {
                Some((b, j)) if b.title.value != a.title.value => {
                    let (line, _) = files[*j].source.line_col(b.key_span.start);
                    errors.push((
                        i,
                        Diagnostic::error(format!(
                            "соглашение «{}» здесь названо иначе, чем в «{}» (строка {line})",
                            a.key,
                            name(*j)
                        ))
                        .at(a.key_span.clone())
                        .help("исправьте название в одном из файлов, чтобы ключ означал одно соглашение"),
                    ));
                }
                Some(_) => {}
                None => {
                    let title = normalize_title(&a.title.value);
                    if let Some((b, j)) = by_title.get(&title).map(|&k| &agreements[k]) {
                        let (line, _) = files[*j].source.line_col(b.key_span.start);
                        warnings.push((
                            i,
                            Diagnostic::warning(format!(
                                "соглашение «{}» совпадает по названию с «{}» из «{}» (строка {line})",
                                a.key,
                                b.key,
                                name(*j)
                            ))
                            .at(a.key_span.clone())
                            .help("если это одно соглашение, используйте один ключ во всех кварталах"),
                        ));
                    }
                    by_key.insert(a.key.clone(), agreements.len());
                    by_title.entry(title).or_insert(agreements.len());
                    agreements.push((a.clone(), i));
                }
            }
        }
    }
    agreements.into_iter().map(|(a, _)| a).collect()
}
