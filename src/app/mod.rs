//! The commands behind the command line, one file each (`render`, `check`,
//! `annual`, `new`); each returns the exit status and prints its messages
//! (in Russian) to standard error. Here: what they share — printing,
//! reporting, loading with the fonts' glyph check, writing the outputs.

use std::io::IsTerminal;
use std::path::Path;

use crate::diag::{self, Diagnostic, Source};
use crate::layout;
use crate::load::{self, Failure, Loaded};
use crate::output;
use crate::render::Format;
use crate::template::Template;

mod annual;
mod check;
mod diff;
mod extract;
mod forms;
mod import;
mod new;
mod render;
pub mod users;

pub use annual::{annual, annual_table, AnnualArgs};
pub use check::check;
pub use diff::{changes, changes_by, diff, DiffArgs};
pub use extract::{extract, ExtractArgs};
pub use forms::{forms, FormsArgs};
pub use import::{import, ImportArgs};
pub use new::{new_period, NewArgs};
pub use render::{prepare, prepare_bytes, render, Prepared, RenderArgs};

/// Exit status: the data or a template is invalid or cannot be rendered.
pub const FAILED: u8 = 1;

/// How a command ended when it failed: the exit status and the messages,
/// which `main` shows once (as cargo's `CliResult`). Warnings and a
/// command's own output are not failures: they are printed as they come.
#[derive(Debug)]
pub struct CliError {
    /// Exit status.
    pub code: u8,
    /// The messages for standard error, rendered.
    pub text: String,
}

/// What a command returns.
pub type CliResult = Result<(), CliError>;

impl CliError {
    /// A file that could not be loaded: every diagnostic, then the count.
    pub fn failure(f: &Failure) -> CliError {
        let mut text = diag::render(&f.diagnostics, &f.source, color());
        text.push_str(&format!("{} — ничего не записано\n", diag::summary(&f.diagnostics)));
        CliError { code: FAILED, text }
    }

    /// One problem about `name` (a path or stream): nothing was written.
    pub fn at(name: &str, d: Diagnostic) -> CliError {
        let mut text = diag::render(std::slice::from_ref(&d), &Source::new(name, String::new()), color());
        text.push_str("ничего не записано\n");
        CliError { code: FAILED, text }
    }

    /// A failure with messages already rendered.
    fn text(text: String) -> CliError {
        CliError { code: FAILED, text }
    }

    /// This failure, then `more`.
    fn then(mut self, more: CliError) -> CliError {
        self.text.push_str(&more.text);
        self
    }
}

/// The exit status of a command's result, after showing its failure.
pub fn exit_status(r: CliResult) -> u8 {
    match r {
        Ok(()) => 0,
        Err(e) => {
            say(&e.text);
            e.code
        }
    }
}

fn color() -> bool {
    // The Windows console shows ANSI colours only when asked to; plain there.
    !cfg!(windows) && std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Writes to standard error; a closed or full stderr cannot be told about,
/// so its errors are ignored (never a panic).
fn say(text: &str) {
    use std::io::Write;
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// Writes to standard output. A closed pipe (`otchet … | head -1`) ends
/// the output quietly, as Unix tools do; any other failure (a full disk)
/// is an error.
pub fn print(text: &str) -> Result<(), Diagnostic> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(load::io_error("не удалось вывести результат", &e)),
        _ => Ok(()),
    }
}

/// [`print`] as a command's result.
pub fn print_out(text: &str) -> CliResult {
    print(text).map_err(|d| {
        let text = diag::render(std::slice::from_ref(&d), &Source::new("stdout", String::new()), color());
        CliError { code: FAILED, text }
    })
}

fn report(diags: &[Diagnostic], source: &Source) {
    if !diags.is_empty() {
        say(&rendered(diags, source));
    }
}

/// Diagnostics rendered against their source, coloured on a terminal.
fn rendered(diags: &[Diagnostic], source: &Source) -> String {
    diag::render(diags, source, color())
}

/// A loading failure as a command's failure.
fn failed<T>(r: Result<T, Failure>) -> Result<T, CliError> {
    r.map_err(|f| CliError::failure(&f))
}

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
fn load_template_carried(path: Option<&Path>, pdf: bool) -> Result<(Template, Option<Carried>), Failure> {
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
fn number_duplicates(names: &mut [String]) {
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

/// A failure to produce the outputs for `input`.
fn write_failed(input: &Path, d: Diagnostic) -> CliError {
    CliError::at(&input.display().to_string(), d)
}

/// Renders the table in every format (in parallel) and writes
/// `OUTDIR/<stem>.<ext>`, all or nothing; `inputs` are never overwritten.
/// The PDF carries `files`.
fn emit(
    table: &layout::Table,
    template: &Template,
    outdir: &Path,
    stem: &str,
    formats: &[Format],
    inputs: &[&Path],
    files: &[Carried],
) -> CliResult {
    let fail = |d| Err(write_failed(inputs[0], d));
    let mut formats = formats.to_vec();
    formats.sort();
    formats.dedup();
    let mut paths = Vec::new();
    for format in &formats {
        let path = outdir.join(format!("{stem}.{}", format.extension()));
        if inputs.iter().any(|input| same_file(&path, input)) {
            return fail(
                Diagnostic::error(format!("выходной файл «{}» совпадает с входным", path.display()))
                    .help("переименуйте файл данных так, чтобы он оканчивался на .toml"),
            );
        }
        paths.push(path);
    }
    // The formats are independent: render them in parallel.
    let rendered: Vec<Result<Vec<u8>, crate::render::Error>> = std::thread::scope(|s| {
        let handles: Vec<_> =
            formats.iter().map(|&f| s.spawn(move || render_bytes(table, template, f, files))).collect();
        handles.into_iter().map(|h| h.join().unwrap_or(Err(crate::render::Error::Internal))).collect()
    });
    let mut files = Vec::new();
    for ((format, path), bytes) in formats.iter().zip(paths).zip(rendered) {
        match bytes {
            Ok(bytes) => files.push((path, bytes)),
            Err(e) => {
                return fail(
                    Diagnostic::error(format!("не удалось сформировать {}: {e}", format.extension().to_uppercase()))
                        .help("это ошибка otchet; сообщите разработчикам, приложив файл данных"),
                )
            }
        }
    }
    if let Err(d) = output::write_all(&files) {
        return fail(d);
    }
    let written: String = files.iter().map(|(path, _)| format!("{}\n", path.display())).collect();
    print_out(&written)
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// The JSON Schema of the data format (also in `schema/`).
pub const SCHEMA: &str = include_str!("../../schema/otchet.schema.json");

/// Puts [`SCHEMA`] beside a data file written by `new` or `import`, whose
/// `#:schema ./otchet.schema.json` directive points there; an existing
/// schema file is left as it is, and failing to write it is no failure.
fn put_schema_beside(data_file: &Path) {
    let dir = data_file.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let schema = dir.join("otchet.schema.json");
    if !schema.exists() {
        let _ = output::write_new(&schema, SCHEMA.as_bytes());
    }
}
