//! `otchet import`: Word reports of the official form (and departments'
//! sections of it) back into a data file. The reverse of the pipeline:
//! [`docx`] reads a package's body, this module finds the report table by
//! its header titles and maps its rows to departments and events (with
//! warnings for whatever it cannot map), [`keys`] names the agreements,
//! [`write`] prints the TOML. The result is checked by the loader before
//! anything is written.

mod cells;
pub mod docx;
mod forms;
pub mod keys;
mod package;
mod registry;
mod section;
mod shown;
mod title;
mod write;

use crate::diag::Diagnostic;
use crate::model::{Dates, Period};
use crate::render::docx::form;
use crate::template::{Template, COLUMNS};
use crate::text::{normalize_title, one_line};

use cells::{cells_word, is_column_numbers, is_header, logical, number, texts, LCell};
use docx::{Block, VMerge};
use forms::{forms_in_order, list_titles, FormInfo};
use package::ReadError;
use registry::{registry_keys, Registry};
use section::{FileCx, Place};
pub use title::period_in;
use title::region_in;

/// A DOCX file to import: its name (for messages) and bytes.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// The path as the user gave it.
    pub name: &'a str,
    /// The file's bytes.
    pub bytes: &'a [u8],
}

/// A message about one input file.
#[derive(Debug, Clone)]
pub struct Message {
    /// Index of the input file.
    pub file: usize,
    /// What (no span: the file's name and the table row are in the text).
    pub diagnostic: Diagnostic,
}

/// What an import made.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The data file's text.
    pub toml: String,
    /// Warnings: what could not be mapped, or was mapped by a guess.
    pub warnings: Vec<Message>,
    /// The period of the data.
    pub period: Period,
    /// Departments, events and agreements written.
    pub counts: (usize, usize, usize),
    /// Where each written event came from, in order.
    pub origins: Vec<Origin>,
}

/// What the user gives besides the documents.
#[derive(Debug, Clone, Default)]
pub struct Given {
    /// The year when the documents do not say it (`--year`).
    pub year: Option<i32>,
    /// The quarter when the documents do not say it (`--quarter`).
    pub quarter: Option<u8>,
    /// An existing registry (`--registry`): key and title of each
    /// agreement. An imported agreement with the same title (up to case,
    /// spaces, punctuation, look-alike letters) takes its key and title;
    /// new keys avoid its keys.
    pub registry: Vec<(String, String)>,
    /// The region of the data file the registry came from, for documents
    /// that do not name one.
    pub region: Option<String>,
    /// The departments of that data file, in order: forms are put in this
    /// order.
    pub departments: Vec<String>,
    /// The period of that data file: forms of another period are told.
    pub registry_period: Option<Period>,
}

impl Given {
    /// Takes what `--registry FILE` gives from that file's report: its
    /// agreements' keys and titles, its region, its departments' order and
    /// its period.
    pub fn take_registry(&mut self, report: &crate::model::Report) {
        self.registry = report.agreements.iter().map(|a| (a.key.clone(), a.title.value.clone())).collect();
        self.region.clone_from(&report.region);
        self.departments = report.departments.iter().map(|d| d.name.value.clone()).collect();
        self.registry_period = Some(report.period);
    }
}

impl Imported {
    /// Where the event whose text holds byte `at` of [`Imported::toml`]
    /// came from.
    pub fn origin_at(&self, at: usize) -> Option<&Origin> {
        self.origins.iter().find(|o| o.span.contains(&at))
    }
}

/// The placeholder written for an empty required cell.
pub const EMPTY_CELL: &str = "—";

/// What to do about a row that names no agreement.
const NO_AGREEMENT_HELP: &str =
    "выберите соглашение у мероприятия (в файле данных — ключ из [agreements]): пока оно не выбрано, документы не формируются";

/// The loader's errors in imported data that refuse it: all but an
/// agreement not chosen (a row that named none), which the data keeps for
/// the user to choose.
pub fn refusing(diagnostics: &[Diagnostic]) -> impl Iterator<Item = &Diagnostic> {
    diagnostics.iter().filter(|d| d.is_error() && d.message != crate::load::AGREEMENT_NOT_CHOSEN)
}

/// Where an event of the written data came from: its text in the TOML,
/// and the document's file and table row.
#[derive(Debug, Clone)]
pub struct Origin {
    /// The event's bytes in [`Imported::toml`].
    pub span: std::ops::Range<usize>,
    /// Index of the input file.
    pub file: usize,
    /// Its row, as messages name it ("строка 5", "таблица 2, строка 5").
    pub at: String,
}

/// An event as imported.
#[derive(Debug, Clone)]
struct Event {
    /// Index into the registry; `None` for a row that names no agreement
    /// (written as an empty key: an error until one is chosen, never a
    /// made-up agreement).
    agreement: Option<usize>,
    /// Title, dates, place, participants, result (as printed).
    fields: [String; 5],
    /// Where its row is, for messages.
    at: String,
    /// The file it was read from.
    file: usize,
}

#[derive(Debug, Clone)]
struct Department {
    name: String,
    events: Vec<Event>,
}

/// What one file gives.
#[derive(Debug, Default)]
struct Section {
    period: Option<(i32, u8)>,
    region: Option<String>,
    title: Option<String>,
    departments: Vec<Department>,
    /// Events came before any department row (their department is a
    /// placeholder).
    orphans: bool,
    /// The year of an annual report's title ("за 2020 год").
    annual: Option<i32>,
    /// It is a form of `otchet forms`.
    form: Option<FormInfo>,
    /// Its file.
    file: usize,
}

/// Imports the files, in order, into one data file.
pub fn import(inputs: &[Input<'_>], t: &Template, given: &Given) -> Result<Imported, Message> {
    let mut warnings = Vec::new();
    let mut registry = Registry::default();
    let mut docs = Vec::with_capacity(inputs.len());
    for (i, input) in inputs.iter().enumerate() {
        docs.push(package::read(input.bytes).map_err(|e| Message { file: i, diagnostic: read_error(&e) })?);
    }
    // The registry forms choose from: the one given, then their lists.
    let mut known = given.registry.clone();
    for (key, title) in list_titles(&docs) {
        if !known.iter().any(|(k, _)| *k == key) {
            known.push((key, title));
        }
    }
    let mut sections = Vec::new();
    for (i, (input, doc)) in inputs.iter().zip(&docs).enumerate() {
        let fail = |d: Diagnostic| Message { file: i, diagnostic: d };
        let form = FormInfo::of(doc);
        let mut cx = FileCx {
            file: i,
            warnings: &mut warnings,
            registry: &mut registry,
            t,
            form: form.as_ref(),
            known: &known,
            given: &given.registry,
        };
        let mut section = cx.section(doc, input.name).map_err(fail)?;
        section.file = i;
        section.form = form;
        sections.push(section);
    }
    forms_in_order(&mut sections, given, &mut warnings)?;
    let period = period_of(&sections, given, &mut warnings)?;
    let region = sections.iter().find_map(|s| s.region.clone()).or_else(|| given.region.clone());
    for (i, s) in sections.iter().enumerate() {
        if let (Some(r), Some(first)) = (&s.region, &region) {
            if r != first {
                warnings.push(Message {
                    file: i,
                    diagnostic: Diagnostic::warning(format!(
                        "регион «{r}» отличается от региона первого файла «{first}»"
                    ))
                    .help(format!("в файл данных записан регион «{first}»")),
                });
            }
        }
    }
    let title = sections.iter().find_map(|s| s.title.clone());
    // Departments in order; a file that goes on with the previous file's
    // last department (its section split over files) continues it.
    let mut departments: Vec<Department> = Vec::new();
    for s in sections {
        for (k, d) in s.departments.into_iter().enumerate() {
            match departments.last_mut() {
                Some(last) if k == 0 && !s.orphans && normalize_title(&last.name) == normalize_title(&d.name) => {
                    last.events.extend(d.events);
                }
                _ => departments.push(d),
            }
        }
    }
    let names: Vec<&str> = departments.iter().map(|d| d.name.as_str()).collect();
    let own = keys::own_region(region.as_deref(), &names);
    let (keys, titles) = registry_keys(&registry, &known, own.as_deref(), &mut warnings);
    let titles: Vec<&str> = titles.iter().map(String::as_str).collect();
    let names: Vec<&str> = inputs.iter().map(|i| file_name(i.name)).collect();
    let data = write::Data {
        period,
        region: region.as_deref(),
        title: title.as_deref(),
        agreements: keys.iter().map(String::as_str).zip(titles.iter().copied()).collect(),
        departments: departments
            .iter()
            .map(|d| write::Department {
                name: &d.name,
                events: d
                    .events
                    .iter()
                    .map(|e| write::Event {
                        agreement: e.agreement.map_or("", |a| keys[a].as_str()),
                        title: &e.fields[0],
                        dates: dates(&e.fields[1], period),
                        place: &e.fields[2],
                        participants: &e.fields[3],
                        result: &e.fields[4],
                    })
                    .collect(),
            })
            .collect(),
        sources: &names,
    };
    let (toml, spans) = write::toml(&data);
    let rows: Vec<&Event> = departments.iter().flat_map(|d| &d.events).collect();
    let origins =
        spans.into_iter().zip(&rows).map(|(span, e)| Origin { span, file: e.file, at: e.at.clone() }).collect();
    let events = rows.len();
    Ok(Imported { toml, warnings, period, counts: (departments.len(), events, keys.len()), origins })
}

/// The report's period: as given, else the first file's that says it; a
/// file naming another period is warned about. An error when none is
/// known (or the documents are an annual report).
fn period_of(sections: &[Section], given: &Given, warnings: &mut Vec<Message>) -> Result<Period, Message> {
    let found = sections.iter().enumerate().find_map(|(i, s)| s.period.map(|p| (i, p)));
    let (year, quarter) = match (given.year, given.quarter, found) {
        (Some(y), Some(q), _) => (y, q),
        (y, q, Some((_, (fy, fq)))) => (y.unwrap_or(fy), q.unwrap_or(fq)),
        _ => {
            // An annual report ("за 2020 год") has no quarter to file it under.
            let annual = sections.iter().enumerate().find_map(|(i, s)| s.annual.map(|y| (i, y)));
            let diagnostic = match annual {
                Some((_, y)) => Diagnostic::error(format!("это годовой отчет за {y} год, а файл данных — квартальный"))
                    .help(format!(
                        "импортируйте квартальные отчеты или укажите квартал, в который перенести данные: --year {y} --quarter 4"
                    )),
                None => Diagnostic::error("не найден отчетный период: в заголовке документа нет «за … квартал … года»")
                    .help("укажите период: otchet import ФАЙЛ.docx --year 2020 --quarter 4"),
            };
            return Err(Message { file: annual.map_or(0, |(i, _)| i), diagnostic });
        }
    };
    for (i, s) in sections.iter().enumerate() {
        if let Some((y, q)) = s.period.filter(|&p| p != (year, quarter)) {
            warnings.push(Message {
                file: i,
                diagnostic: Diagnostic::warning(format!(
                    "документ составлен {}, а данные собираются в отчет {}",
                    Period::Quarter { year: y, quarter: q }.label(),
                    Period::Quarter { year, quarter }.label()
                ))
                .help("проверьте, тот ли файл указан, или задайте период явно: --year, --quarter"),
            });
        }
    }
    Ok(Period::Quarter { year, quarter })
}

/// The file name of a path as given (for the data file's header comment).
fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// The `dates` value of a dates cell: structured when the text is exactly
/// what the renderer prints for it in this period, else the text.
fn dates(text: &str, period: Period) -> Dates {
    crate::dates::parse(text, period).unwrap_or_else(|| Dates::Text(text.to_string()))
}

/// The message for a file that is not a readable DOCX.
fn read_error(e: &ReadError) -> Diagnostic {
    match e {
        ReadError::BinaryWord => Diagnostic::error("это документ старого формата Word (.doc), а не .docx").help(
            "откройте его в Word или LibreOffice и сохраните как .docx («Файл» → «Сохранить как» → «Документ Word»)",
        ),
        ReadError::Encrypted => Diagnostic::error("документ защищен паролем")
            .help("откройте его в Word, снимите пароль («Файл» → «Сведения» → «Защита документа») и сохраните"),
        ReadError::NotZip => Diagnostic::error("файл не является документом .docx (это не архив Office Open XML)")
            .help("укажите отчет в формате .docx; документ другого формата сохраните как .docx"),
        ReadError::Other(format) => Diagnostic::error(format!("это документ {format}, а не .docx")).help(
            "откройте его в Word или LibreOffice и сохраните как .docx («Файл» → «Сохранить как» → «Документ Word»)",
        ),
        ReadError::Bad(why) => Diagnostic::error(format!("документ .docx не читается: {why}"))
            .help("сохраните документ заново в Word или LibreOffice"),
    }
}

/// The help of a warning about text outside the report table.
const OUTSIDE_HELP: &str = "в данных отчета есть только заголовок и таблица; перенесите текст вручную, если он нужен";

/// A piece of text for a message: one line, at most 60 characters.
fn preview(s: &str) -> String {
    crate::text::excerpt(s, 60)
}
