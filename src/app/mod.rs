//! The commands behind the command line, one file each (`render`, `check`,
//! `annual`, `new`); each returns the exit status and prints its messages
//! (in Russian) to standard error. Here: what they share — printing,
//! reporting, loading with the fonts' glyph check, writing the outputs.

use std::io::IsTerminal;
use std::path::Path;

use crate::diag::{self, Diagnostic, Source};
use crate::layout;
use crate::load::{self, Failure};
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

pub use annual::{annual, AnnualArgs};
pub use check::check;
pub use diff::{diff, DiffArgs};
pub use extract::{extract, ExtractArgs};
pub use forms::{forms, FormsArgs};
pub use import::{import, ImportArgs};
pub use new::{new_period, NewArgs};
pub use render::{render, RenderArgs};
// The operations the commands share with the server.
pub use crate::ops::{
    annual_table, changes, changes_by, check_bytes, load_bytes_checked, load_checked, load_template,
    load_template_carried, output_stem, prepare, prepare_bytes, render_bytes, unique_names, Carried, Prepared,
};

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
