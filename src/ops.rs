//! The operations both faces call — the command line (`app`) and the
//! server (`serve`): loading with the PDF fonts' glyph check, checking,
//! preparing and rendering a report, the changes between two versions,
//! the annual table. They take bytes and paths and return values (data,
//! diagnostics, bytes); they never print and never build a terminal
//! error, so the two faces give the same result for the same input.

use std::path::Path;

use crate::diag::{Diagnostic, Source};
use crate::layout;
use crate::load::{self, Failure, Loaded};
use crate::render::Format;
use crate::template::Template;

/// A file the PDF carries: its name (without directories) and exact bytes.
pub struct Carried {
    /// Name it is carried and extracted under.
    pub name: String,
    /// Its exact bytes.
    pub bytes: Vec<u8>,
    /// What it is, for the PDF's file specification.
    pub description: &'static str,
}

impl Carried {
    /// A data file carried under its own file name.
    pub fn data(path: &Path, bytes: Vec<u8>) -> Carried {
        Carried { name: carried_name(path), bytes, description: "Исходные данные отчета (TOML)" }
    }
}

/// The name a file is carried under: its own file name.
fn carried_name(path: &Path) -> String {
    path.file_name().map_or_else(|| "data.toml".to_string(), |n| n.to_string_lossy().into_owned())
}

/// Loads a template file, or the built-in official form; its texts are
/// checked against the PDF fonts when a PDF is wanted.
pub fn load_template(path: Option<&Path>, pdf: bool) -> Result<Template, Failure> {
    load_template_carried(path, pdf).map(|(t, _)| t)
}

/// [`load_template`], with the template file to carry in the PDF (none for
/// the built-in form).
pub fn load_template_carried(path: Option<&Path>, pdf: bool) -> Result<(Template, Option<Carried>), Failure> {
    let Some(path) = path else { return Ok((Template::official(), None)) };
    let name = path.display().to_string();
    let bytes = load::read_file(path, "шаблон")
        .map_err(|d| Failure { source: Source::new(name.clone(), String::new()), diagnostics: vec![d] })?;
    let source = load::decode(&name, &bytes)?;
    let template = Template::parse_with(&source, Some(crate::fonts::glyphs(pdf)))?;
    header_fits(&template, &source)?;
    let carried = Carried { name: carried_name(path), bytes, description: "Шаблон отчета (TOML)" };
    Ok((template, Some(carried)))
}

/// A template whose header row (with one line of a row under it) is taller
/// than the page's text area could never place a row: an error at its
/// `header_size` line (or the page's margins).
fn header_fits(template: &Template, source: &Source) -> Result<(), Failure> {
    let Err((needed, available)) = crate::render::pdf::engine::header_fits(template) else { return Ok(()) };
    let span = [("font", "header_size"), ("page", "height"), ("page", "margin_top")]
        .iter()
        .find_map(|(section, key)| load::template_key_span(&source.text, section, key))
        .unwrap_or(0..0);
    let d = Diagnostic::error(format!(
        "шапка таблицы не помещается на странице: ей с одной строкой таблицы нужно {needed:.0} мм по высоте, \
         а между полями страницы {available:.0} мм"
    ))
    .at(span)
    .help("уменьшите header_size, поля страницы или сделайте графы шире");
    Err(Failure { source: source.clone(), diagnostics: vec![d] })
}

/// Gives repeated names a number (`q4.toml`, `q4-2.toml`), so that every
/// carried file can be extracted.
pub fn unique_names(files: &mut [Carried]) {
    let mut names: Vec<String> = files.iter().map(|f| f.name.clone()).collect();
    number_duplicates(&mut names);
    for (f, n) in files.iter_mut().zip(names) {
        f.name = n;
    }
}

/// Numbers repeated names (`q4.toml`, `q4-2.toml`), compared as Windows
/// compares them (case aside).
pub fn number_duplicates(names: &mut [String]) {
    let mut seen = std::collections::HashSet::new();
    for name in names {
        let mut n = 1;
        let original = name.clone();
        while !seen.insert(name.to_lowercase()) {
            n += 1;
            *name = match original.rsplit_once('.') {
                Some((stem, ext)) if !stem.is_empty() => format!("{stem}-{n}.{ext}"),
                _ => format!("{original}-{n}"),
            };
        }
    }
}

/// Loads the data, asking the template's PDF fonts about every character
/// (an error when a PDF is wanted, a warning for a DOCX alone), with all
/// other problems of the file at once.
/// Loads a data file with the template's fonts as the glyph check (`pdf`: a
/// character they cannot show is an error).
pub fn load_checked(input: &Path, template: &Template, pdf: bool) -> Result<Loaded, Failure> {
    with_glyphs(template, pdf, |g| load::load_file_with(input, Some(g)))
}

/// [`load_checked`] of bytes already read.
pub fn load_bytes_checked(name: &str, bytes: &[u8], template: &Template, pdf: bool) -> Result<Loaded, Failure> {
    with_glyphs(template, pdf, |g| load::load_bytes_with(name, bytes, Some(g)))
}

/// Runs `run` (a load) with the template's PDF fonts as the glyph check (`strict`:
/// a character they cannot show is an error, else a warning).
fn with_glyphs<R>(template: &Template, strict: bool, run: impl FnOnce(load::Glyphs<'_>) -> R) -> R {
    let set = crate::fonts::FontSet::of(template);
    let covered = move |c: char| set.covers(c);
    let names = set.names();
    run(load::Glyphs { covered: &covered, fonts: &names, strict })
}

/// Validates data file bytes as `otchet check` does (the PDF fonts' glyph
/// check included): the decoded source, the report when it has no error,
/// and every diagnostic, errors and warnings.
pub fn check_bytes(name: &str, bytes: &[u8]) -> (Source, Option<crate::model::Report>, Vec<Diagnostic>) {
    match with_glyphs(&Template::official(), true, |g| load::load_bytes_with(name, bytes, Some(g))) {
        Ok(l) => (l.source, Some(l.report), l.warnings),
        Err(f) => (f.source, None, f.diagnostics),
    }
}

/// Renders the table to each format, in memory; the PDF carries `files`.
pub fn render_bytes(
    table: &layout::Table,
    template: &Template,
    format: Format,
    files: &[Carried],
) -> Result<Vec<u8>, crate::render::Error> {
    match format {
        Format::Docx => crate::render::docx::render(table, template),
        Format::Pdf => {
            let files: Vec<_> = files
                .iter()
                .map(|f| crate::render::pdf::Attachment { name: &f.name, bytes: &f.bytes, description: f.description })
                .collect();
            crate::render::pdf::render(table, template, &files)
        }
    }
}

/// The input's file name less a final `.toml` (any case): `2020.q4.toml`
/// gives `2020.q4`, so quarters never overwrite each other's reports.
pub fn output_stem(input: &Path) -> Option<String> {
    let name = input.file_name()?.to_string_lossy().into_owned();
    let cut =
        name.len().checked_sub(5).filter(|&i| name.is_char_boundary(i) && name[i..].eq_ignore_ascii_case(".toml"));
    let stem = match cut {
        Some(i) if i > 0 => name[..i].to_string(),
        _ => name,
    };
    Some(stem)
}

/// A data file ready to render: what `otchet render` and `otchet serve`
/// both start from, so their documents are the same bytes.
pub struct Prepared {
    /// The loaded data (with its warnings).
    pub loaded: crate::load::Loaded,
    /// The template.
    pub template: crate::template::Template,
    /// The logical table.
    pub table: layout::Table,
    /// What the PDF carries (none with `no_source`).
    pub files: Vec<Carried>,
}

/// Loads the template and the data file and lays the table out; the PDF
/// fonts' glyph check applies when `pdf`.
pub fn prepare(
    input: &std::path::Path,
    template: Option<&std::path::Path>,
    pdf: bool,
    no_source: bool,
) -> Result<Prepared, crate::load::Failure> {
    let (template, template_file) = load_template_carried(template, pdf)?;
    let loaded = load_checked(input, &template, pdf)?;
    let table = layout::build(&loaded.report, &template);
    let mut files = Vec::new();
    if !no_source {
        files.push(Carried::data(input, loaded.raw_bytes()));
        files.extend(template_file);
        unique_names(&mut files);
    }
    Ok(Prepared { loaded, template, table, files })
}

/// [`prepare`] of a data file already read (`bytes`, from `input`), with
/// the official template: the server reads its files itself (a regular
/// file only, never blocking).
pub fn prepare_bytes(input: &std::path::Path, bytes: &[u8], pdf: bool) -> Result<Prepared, crate::load::Failure> {
    let template = crate::template::Template::official();
    let loaded = load_bytes_checked(&input.display().to_string(), bytes, &template, pdf)?;
    let table = layout::build(&loaded.report, &template);
    let mut files = vec![Carried::data(input, loaded.raw_bytes())];
    unique_names(&mut files);
    Ok(Prepared { loaded, template, table, files })
}

/// The changes DOCX of `new` against `old` (tracked changes by `author`,
/// `otchet` when none, dated at the end of the new report's period) and the
/// changes themselves (their Russian summary in `summary`). The operation
/// behind `otchet diff` and the server's corrections.
pub fn changes(
    old: &crate::model::Report,
    new: &crate::model::Report,
    template: &crate::template::Template,
    author: Option<&str>,
) -> Result<(Vec<u8>, crate::diff::Revised), crate::render::Error> {
    let (a, b) = (layout::build(old, template), layout::build(new, template));
    let revised = crate::diff::compare(&a, &b);
    let date = crate::render::timestamp(b.meta.period).format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let author = author.filter(|s| !s.trim().is_empty()).unwrap_or("otchet");
    let bytes = crate::render::docx::render_revised(&revised, &b, template, author, &date)?;
    Ok((bytes, revised))
}

/// [`changes`] with each change under the author of the save that made
/// it: `saves` are the reports after each save from `old` to `new`, in
/// order, with the author's display name and the save's time
/// (`YYYY-MM-DDTHH:MM:SSZ`). A change no save explains is `otchet`'s.
pub fn changes_by(
    old: &crate::model::Report,
    new: &crate::model::Report,
    template: &crate::template::Template,
    saves: &[(&crate::model::Report, &str, &str)],
) -> Result<(Vec<u8>, crate::diff::Revised), crate::render::Error> {
    let (a, b) = (layout::build(old, template), layout::build(new, template));
    let mut revised = crate::diff::compare(&a, &b);
    let afters: Vec<layout::Table> = saves.iter().map(|(r, _, _)| layout::build(r, template)).collect();
    let steps: Vec<crate::diff::Save<'_>> =
        afters.iter().zip(saves).map(|(after, (_, author, date))| crate::diff::Save { after, author, date }).collect();
    crate::diff::attribute(&mut revised, &a, &b, &steps);
    let date = crate::render::timestamp(b.meta.period).format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let bytes = crate::render::docx::render_revised(&revised, &b, template, "otchet", &date)?;
    Ok((bytes, revised))
}

/// The annual report's table of the merged quarters: as any report's, with
/// a bookmark at each quarter's first event in a department.
pub fn annual_table(
    quarters: &[crate::load::Loaded],
    merged: &crate::model::Report,
    template: &crate::template::Template,
) -> layout::Table {
    let mut table = layout::build(merged, template);
    let marks: Vec<(usize, usize, String)> = crate::annual::quarter_starts(quarters, merged)
        .into_iter()
        .map(|(d, e, q)| (d, e, format!("{} квартал", crate::dates::roman(u32::from(q)))))
        .collect();
    table.mark_events(&marks);
    table
}

/// Largest Word document read for an import.
pub const MAX_DOCX_BYTES: u64 = 128 * 1024 * 1024;
/// Largest PDF read to list or extract what it carries.
pub const MAX_PDF_BYTES: u64 = 128 * 1024 * 1024;

/// An import, checked as the data file it writes would be checked: the
/// import itself and the loader's word on its text.
pub struct CheckedImport {
    /// The data file's text, its period, the import's own warnings.
    pub imported: crate::import::Imported,
    /// The report as far as it reads (rows without an agreement kept).
    pub report: Option<crate::model::Report>,
    /// The loader's diagnostics: warnings (a character the PDF fonts lack
    /// among them), and the errors of rows that named no agreement.
    pub found: Vec<Diagnostic>,
    /// The text, for placing `found`.
    pub source: Source,
    /// Events left without an agreement (each an error until one is chosen).
    pub unchosen: usize,
}

/// Why an import writes nothing.
pub enum ImportRefused {
    /// A document cannot be read or has no report table.
    Document(crate::import::Message),
    /// The data the documents give is refused by the loader.
    Data {
        /// The loader's errors.
        failure: Failure,
        /// The import, to place each error (`origin_at`).
        imported: crate::import::Imported,
    },
}

/// The import both faces run: the documents into a data file (named
/// `name` in messages), then the loader over its text with the PDF fonts'
/// check as warnings. Rows that named no agreement stay without one; any
/// other loader error refuses the whole import.
pub fn import_checked(
    inputs: &[crate::import::Input<'_>],
    template: &Template,
    given: &crate::import::Given,
    name: &str,
) -> Result<CheckedImport, ImportRefused> {
    let imported = crate::import::import(inputs, template, given).map_err(ImportRefused::Document)?;
    match with_glyphs(template, false, |g| load::load_bytes_with(name, imported.toml.as_bytes(), Some(g))) {
        Ok(l) => {
            Ok(CheckedImport { imported, report: Some(l.report), found: l.warnings, source: l.source, unchosen: 0 })
        }
        Err(failure) if crate::import::refusing(&failure.diagnostics).next().is_some() => {
            Err(ImportRefused::Data { failure, imported })
        }
        Err(f) => Ok(CheckedImport {
            report: load::parse_lenient(&f.source),
            unchosen: f.diagnostics.iter().filter(|d| d.is_error()).count(),
            imported,
            found: f.diagnostics,
            source: f.source,
        }),
    }
}
