//! The commands behind the command line: each returns the exit status and
//! prints its messages (in Russian) to standard error.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use crate::diag::{self, Diagnostic, Source};
use crate::layout;
use crate::load::{self, Failure, Loaded};
use crate::output;
use crate::render::{self, Format};
use crate::template::Template;

/// Exit status: success (warnings allowed).
pub const OK: i32 = 0;
/// Exit status: the data or a template is invalid or cannot be rendered.
pub const FAILED: i32 = 1;

fn color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
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
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(load::io_error("не удалось вывести результат", &e))
        }
        _ => Ok(()),
    }
}

/// [`print`], reporting a failure; the exit status.
pub fn print_or_fail(text: &str) -> i32 {
    match print(text) {
        Ok(()) => OK,
        Err(d) => {
            report(std::slice::from_ref(&d), &Source::new("stdout", String::new()));
            FAILED
        }
    }
}

fn report(diags: &[Diagnostic], source: &Source) {
    if !diags.is_empty() {
        say(&diag::render(diags, source, color()));
    }
}

fn report_failure(f: &Failure) {
    report(&f.diagnostics, &f.source);
    say(&format!("{} — ничего не записано\n", diag::summary(&f.diagnostics)));
}

/// The value, or None after reporting the failure.
fn or_report<T>(r: Result<T, Failure>) -> Option<T> {
    r.map_err(|f| report_failure(&f)).ok()
}

/// Loads a template file, or the built-in official form; its texts are
/// checked against the PDF fonts when a PDF is wanted.
pub fn load_template(path: Option<&Path>, pdf: bool) -> Result<Template, Failure> {
    let Some(path) = path else { return Ok(Template::official()) };
    let name = path.display().to_string();
    let bytes = load::read_file(path, "шаблон").map_err(|d| Failure {
        source: Source::new(name.clone(), String::new()),
        diagnostics: vec![d],
    })?;
    let source = load::decode(&name, &bytes)?;
    Template::parse_with(&source, Some(crate::fonts::glyphs(pdf)))
}

/// `otchet check`: validates and prints warnings; writes nothing.
pub fn check(input: &Path, template: Option<&Path>) -> i32 {
    let Some(template) = or_report(load_template(template, true)) else {
        return FAILED;
    };
    let Some(loaded) = or_report(load_checked(input, &template, true)) else {
        return FAILED;
    };
    report(&loaded.warnings, &loaded.source);
    say(&format!(
        "{}: данные в порядке — департаментов: {}, мероприятий: {}; {}\n",
        loaded.source.name,
        loaded.report.departments.len(),
        loaded.report.event_count(),
        diag::summary(&loaded.warnings)
    ));
    OK
}

/// Loads the data, asking the template's PDF fonts about every character
/// (an error when a PDF is wanted, a warning for a DOCX alone), with all
/// other problems of the file at once.
fn load_checked(input: &Path, template: &Template, pdf: bool) -> Result<Loaded, Failure> {
    let set = crate::fonts::FontSet::of(template);
    let covered = move |c: char| set.covers(c);
    let names = set.names();
    load::load_file_with(input, Some(load::Glyphs { covered: &covered, fonts: &names, strict: pdf }))
}

/// What `otchet render` does.
#[derive(Debug, Clone)]
pub struct RenderArgs {
    pub input: PathBuf,
    pub outdir: PathBuf,
    pub formats: Vec<Format>,
    pub template: Option<PathBuf>,
}

/// Renders the table to each format, in memory.
pub fn render_bytes(table: &layout::Table, template: &Template, format: Format) -> Result<Vec<u8>, String> {
    match format {
        Format::Docx => render::docx::render(table, template),
        Format::Pdf => render::pdf::render(table, template),
    }
}

/// `otchet render`: writes `OUTDIR/<stem>.docx` and/or `.pdf`, all or nothing.
pub fn render(args: &RenderArgs) -> i32 {
    let Some(template) = or_report(load_template(args.template.as_deref(), args.formats.contains(&Format::Pdf))) else {
        return FAILED;
    };
    let Some(loaded) = or_report(load_checked(&args.input, &template, args.formats.contains(&Format::Pdf))) else {
        return FAILED;
    };
    let table = layout::build(&loaded.report, &template);
    report(&loaded.warnings, &loaded.source);
    let Some(stem) = output_stem(&args.input) else {
        return write_failed(&args.input, Diagnostic::error("не удалось определить имя выходного файла"));
    };
    emit(&table, &template, &args.outdir, &stem, &args.formats, &[&args.input])
}

/// The input's file name less a final `.toml` (any case): `2020.q4.toml`
/// gives `2020.q4`, so quarters never overwrite each other's reports.
pub fn output_stem(input: &Path) -> Option<String> {
    let name = input.file_name()?.to_string_lossy().into_owned();
    let cut = name.len().checked_sub(5).filter(|&i| name.is_char_boundary(i) && name[i..].eq_ignore_ascii_case(".toml"));
    let stem = match cut {
        Some(i) if i > 0 => name[..i].to_string(),
        _ => name,
    };
    Some(stem)
}

/// Reports a failure to produce the outputs for `input`.
fn write_failed(input: &Path, d: Diagnostic) -> i32 {
    report(std::slice::from_ref(&d), &Source::new(input.display().to_string(), String::new()));
    say("ничего не записано\n");
    FAILED
}

/// Renders the table in every format (in parallel) and writes
/// `OUTDIR/<stem>.<ext>`, all or nothing; `inputs` are never overwritten.
fn emit(
    table: &layout::Table,
    template: &Template,
    outdir: &Path,
    stem: &str,
    formats: &[Format],
    inputs: &[&Path],
) -> i32 {
    let fail = |d| write_failed(inputs[0], d);
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
    let rendered: Vec<Result<Vec<u8>, String>> = std::thread::scope(|s| {
        let handles: Vec<_> = formats.iter().map(|&f| s.spawn(move || render_bytes(table, template, f))).collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|_| Err("внутренняя ошибка".into()))).collect()
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
    print_or_fail(&written)
}

/// What `otchet annual` does.
#[derive(Debug, Clone)]
pub struct AnnualArgs {
    pub inputs: Vec<PathBuf>,
    pub outdir: PathBuf,
    pub formats: Vec<Format>,
    pub template: Option<PathBuf>,
    pub allow_partial: bool,
    /// Output file name without extension; `<year>-annual` by default.
    pub name: Option<String>,
}

/// `otchet annual`: the year's report from its quarter files.
pub fn annual(args: &AnnualArgs) -> i32 {
    let Some(template) = or_report(load_template(args.template.as_deref(), args.formats.contains(&Format::Pdf))) else {
        return FAILED;
    };
    let mut loaded = Vec::new();
    let mut failed = false;
    for input in &args.inputs {
        match or_report(load_checked(input, &template, args.formats.contains(&Format::Pdf))) {
            Some(l) => loaded.push(l),
            None => failed = true,
        }
    }
    if failed {
        return FAILED;
    }
    for l in &loaded {
        report(&l.warnings, &l.source);
    }
    let (merged, warnings) = match crate::annual::merge(&loaded, args.allow_partial) {
        Ok(x) => x,
        Err(errors) => {
            for (i, d) in &errors {
                report(std::slice::from_ref(d), &loaded[*i].source);
            }
            say(&format!("ошибок: {} — ничего не записано\n", errors.len()));
            return FAILED;
        }
    };
    for (i, d) in &warnings {
        report(std::slice::from_ref(d), &loaded[*i].source);
    }
    let table = layout::build(&merged, &template);
    let stem = args.name.clone().unwrap_or_else(|| format!("{}-annual", merged.period.year()));
    if let Err(d) = check_file_name(&stem) {
        return write_failed(&args.inputs[0], d);
    }
    let inputs: Vec<&Path> = args.inputs.iter().map(PathBuf::as_path).collect();
    emit(&table, &template, &args.outdir, &stem, &args.formats, &inputs)
}

/// A name given for output files is a plain file name: not empty, no
/// directories, not `.` or `..`.
fn check_file_name(name: &str) -> Result<(), Diagnostic> {
    let plain = !name.trim().is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\'])
        && !name.chars().any(char::is_control)
        && Path::new(name).file_name().is_some_and(|f| f == name);
    if plain {
        Ok(())
    } else {
        Err(Diagnostic::error(format!("недопустимое имя файлов «{name}»"))
            .help("--name задает только имя файла без расширения и без каталогов, например 2020-annual; каталог — через -o"))
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// The JSON Schema of the data format (also in `schema/`).
pub const SCHEMA: &str = include_str!("../schema/otchet.schema.json");

/// What `otchet new` does.
#[derive(Debug, Clone)]
pub struct NewArgs {
    pub from: PathBuf,
    pub year: Option<i32>,
    pub quarter: Option<u8>,
    pub output: Option<PathBuf>,
}

/// `otchet new`: the next period's file from the last one; never overwrites.
pub fn new_period(args: &NewArgs) -> i32 {
    let Some(loaded) = or_report(load::load_file(&args.from)) else {
        return FAILED;
    };
    let (y, q) = match loaded.report.period {
        crate::model::Period::Quarter { year, quarter } => crate::new::next_quarter(year, quarter),
        crate::model::Period::Year { year } => (year + 1, 1),
    };
    let (year, quarter) = (args.year.unwrap_or(y), args.quarter.unwrap_or(q));
    let text = crate::new::next_file(&loaded.report, year, quarter);
    let source = Source::new("<new>", text.clone());
    let fail = |d: Diagnostic| {
        report(std::slice::from_ref(&d), &Source::new(args.from.display().to_string(), String::new()));
        FAILED
    };
    if let Err(f) = load::load_bytes(&source.name, text.as_bytes()) {
        report_failure(&f);
        return fail(Diagnostic::error("внутренняя ошибка: сформированный файл не проходит проверку"));
    }
    let dir = args.from.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let path = args.output.clone().unwrap_or_else(|| dir.join(format!("{year}-q{quarter}.toml")));
    let target_dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if let Err(d) = output::write_new(&path, text.as_bytes()) {
        report(
            &[d.help("укажите другое имя через -o или удалите старый файл")],
            &Source::new(path.display().to_string(), String::new()),
        );
        return FAILED;
    }
    // The `#:schema` directive points next to the file: put the schema there.
    let schema = target_dir.join("otchet.schema.json");
    if !schema.exists() {
        let _ = output::write_new(&schema, SCHEMA.as_bytes());
    }
    say(&format!(
        "Создан файл {} — отчет {}. Заполните мероприятия и проверьте: otchet check {}\n",
        path.display(),
        crate::model::Period::Quarter { year, quarter }.label(),
        path.display()
    ));
    print_or_fail(&format!("{}\n", path.display()))
}
