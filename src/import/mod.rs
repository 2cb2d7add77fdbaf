//! `otchet import`: Word reports of the official form (and departments'
//! sections of it) back into a data file. The reverse of the pipeline:
//! [`docx`] reads a package's body, this module finds the report table by
//! its header titles and maps its rows to departments and events (with
//! warnings for whatever it cannot map), [`keys`] names the agreements,
//! [`write`] prints the TOML. The result is checked by the loader before
//! anything is written.

mod cells;
pub mod docx;
pub mod keys;
mod title;
mod write;

use crate::diag::Diagnostic;
use crate::model::{Dates, Period};
use crate::render::docx::form;
use crate::template::{Template, COLUMNS};
use crate::text::{normalize_title, one_line};

use cells::{cells_word, is_column_numbers, is_header, logical, number, texts, LCell};
use docx::{Block, ReadError, VMerge};
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

/// The agreements met so far: normalised title, title as first met, the
/// file it was first met in.
#[derive(Debug, Default)]
struct Registry {
    entries: Vec<(String, String, usize)>,
    /// Normalised title -> index into `entries`.
    index: std::collections::HashMap<String, usize>,
}

impl Registry {
    /// The index of `title`'s agreement (met in `file`), and whether its
    /// text differs from the one first met (case, spaces, punctuation,
    /// look-alike letters).
    fn add(&mut self, title: &str, file: usize) -> (usize, bool) {
        let key = normalize_title(title);
        match self.index.get(&key).copied() {
            Some(i) => (i, self.entries[i].1 != title),
            None => {
                self.index.insert(key.clone(), self.entries.len());
                self.entries.push((key, title.to_string(), file));
                (self.entries.len() - 1, false)
            }
        }
    }
}

/// What a form of `otchet forms` says about itself (its custom
/// properties).
#[derive(Debug, Clone)]
struct FormInfo {
    department: String,
    order: usize,
    period: Option<(i32, u8)>,
    region: Option<String>,
}

impl FormInfo {
    fn of(doc: &docx::Document) -> Option<FormInfo> {
        use form::{PROP_DEPARTMENT, PROP_FORM, PROP_ORDER, PROP_PERIOD, PROP_REGION};
        doc.property(PROP_FORM)?;
        let period = doc.property(PROP_PERIOD).and_then(form::quarter_of_code);
        Some(FormInfo {
            department: doc.property(PROP_DEPARTMENT).unwrap_or_default().to_string(),
            order: doc.property(PROP_ORDER).and_then(|o| o.trim().parse().ok()).unwrap_or(usize::MAX),
            period,
            region: doc.property(PROP_REGION).map(str::to_string).filter(|r| !r.is_empty()),
        })
    }
}

/// What the agreement lists of the forms say: key -> title, for items
/// whose value differs from their text (an untouched list; LibreOffice 7.4
/// saves its lists with values as texts).
fn list_titles(docs: &[docx::Document]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for doc in docs.iter().filter(|d| FormInfo::of(d).is_some()) {
        for b in &doc.blocks {
            let Block::Table(t) = b else { continue };
            for c in t.rows.iter().flat_map(|r| &r.cells) {
                for (text, value) in c.choice.iter().flat_map(|c| &c.items) {
                    if !value.is_empty() && value != text && seen.insert(value.clone()) {
                        out.push((value.clone(), text.clone()));
                    }
                }
            }
        }
    }
    out
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
        docs.push(docx::read(input.bytes).map_err(|e| Message { file: i, diagnostic: read_error(&e) })?);
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
    // The period: as given, else the first file's that says it.
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
    let period = Period::Quarter { year, quarter };
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

/// Forms: each department once (else an error naming both files), put in
/// the departments' order — the registry file's when given, else the
/// order the forms were made in; other documents keep their place after
/// them. A form of another period or region than the registry file's is
/// told.
fn forms_in_order(sections: &mut [Section], given: &Given, warnings: &mut Vec<Message>) -> Result<(), Message> {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for s in sections.iter() {
        let Some(f) = &s.form else { continue };
        if let Some(&first) = seen.get(&normalize_title(&f.department)) {
            return Err(Message {
                file: s.file,
                diagnostic: Diagnostic::error(format!(
                    "форма департамента «{}» уже указана (документ {}): его мероприятия вошли бы дважды",
                    one_line(&f.department),
                    first + 1
                ))
                .help("укажите одну форму каждого департамента — последнюю исправленную"),
            });
        }
        seen.insert(normalize_title(&f.department), s.file);
        if let (Some(want), Some((y, q))) = (given.registry_period, f.period) {
            let had = Period::Quarter { year: y, quarter: q };
            if had != want {
                warnings.push(Message {
                    file: s.file,
                    diagnostic: Diagnostic::warning(format!(
                        "форма сделана для отчета {}, а файл реестра — отчет {}",
                        had.label(),
                        want.label()
                    ))
                    .help("проверьте, та ли форма прислана; ее мероприятия перенесены"),
                });
            }
        }
        if let (Some(want), Some(had)) = (&given.region, &f.region) {
            if want != had {
                warnings.push(Message {
                    file: s.file,
                    diagnostic: Diagnostic::warning(format!(
                        "форма сделана для региона «{had}», а файл реестра — «{want}»"
                    ))
                    .help("проверьте, та ли форма прислана; ее мероприятия перенесены"),
                });
            }
        }
    }
    if seen.is_empty() {
        return Ok(());
    }
    let place = |s: &Section| -> usize {
        let Some(f) = &s.form else { return usize::MAX };
        let norm = normalize_title(&f.department);
        match given.departments.iter().position(|d| normalize_title(d) == norm) {
            Some(i) => i,
            None => given.departments.len().saturating_add(f.order),
        }
    };
    sections.sort_by_key(|s| place(s));
    Ok(())
}

/// Keys and titles of the imported agreements: those of `known` (an
/// existing registry) for the titles it has, new keys for the rest (`own`:
/// the key of the report's own region).
fn registry_keys(
    found: &Registry,
    known: &[(String, String)],
    own: Option<&str>,
    warnings: &mut Vec<Message>,
) -> (Vec<String>, Vec<String>) {
    let mut keys: Vec<Option<String>> = vec![None; found.entries.len()];
    let mut titles: Vec<String> = found.entries.iter().map(|(_, t, _)| t.clone()).collect();
    // Normalised title -> the first known agreement of that title.
    let mut known_norms: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (j, (_, t)) in known.iter().enumerate() {
        known_norms.entry(normalize_title(t)).or_insert(j);
    }
    for (i, (norm, title, file)) in found.entries.iter().enumerate() {
        if let Some((key, known_title)) = known_norms.get(norm).map(|&j| &known[j]) {
            if known_title != title {
                warnings.push(Message {
                    file: *file,
                    diagnostic: Diagnostic::warning(format!(
                        "соглашение «{}» записано так, как в реестре (ключ {key})",
                        preview(title)
                    ))
                    .help("в документе название отличается от реестра только регистром, пробелами или знаками"),
                });
                titles[i].clone_from(known_title);
            }
            keys[i] = Some(key.clone());
        }
    }
    let new: Vec<&str> = titles.iter().zip(&keys).filter(|(_, k)| k.is_none()).map(|(t, _)| t.as_str()).collect();
    let taken: Vec<&str> = known.iter().map(|(k, _)| k.as_str()).collect();
    let mut generated = keys::assign(&new, own, &taken).into_iter();
    let keys =
        keys.into_iter().map(|k| k.unwrap_or_else(|| generated.next().expect("a key for each new title"))).collect();
    (keys, titles)
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

/// Reading one file.
struct FileCx<'a> {
    file: usize,
    warnings: &'a mut Vec<Message>,
    registry: &'a mut Registry,
    t: &'a Template,
    /// The file is a form of `otchet forms`.
    form: Option<&'a FormInfo>,
    /// Keys and titles the forms' lists choose from.
    known: &'a [(String, String)],
    /// The registry given (`--registry`), when one was: a list item's key
    /// counts only as that registry has it now.
    given: &'a [(String, String)],
}

/// Where the rows being read are, for messages.
struct Place {
    table: usize,
    tables: usize,
    row: usize,
}

impl Place {
    fn label(&self) -> String {
        if self.tables > 1 {
            format!("таблица {}, строка {}", self.table, self.row)
        } else {
            format!("строка таблицы {}", self.row)
        }
    }
}

/// The state of the rows read so far in a file.
#[derive(Default)]
struct Rows {
    departments: Vec<Department>,
    orphans: bool,
    /// The last event's agreement.
    agreement: Option<usize>,
    /// The last number read.
    number: Option<usize>,
    /// Text of the cell above in each column (for vertical merges).
    above: Vec<String>,
}

impl FileCx<'_> {
    fn warn(&mut self, d: Diagnostic) {
        self.warnings.push(Message { file: self.file, diagnostic: d });
    }

    /// Reads a file's title and table(s).
    fn section(&mut self, doc: &docx::Document, name: &str) -> Result<Section, Diagnostic> {
        let tables: Vec<(usize, &docx::Table, Option<usize>)> = doc
            .blocks
            .iter()
            .enumerate()
            .filter_map(|(i, b)| match b {
                Block::Table(t) => Some((i, t, t.rows.iter().position(|r| is_header(&logical(r), self.t)))),
                Block::Paragraph(_) => None,
            })
            .collect();
        let Some(&(first, _, _)) = tables.iter().find(|(_, _, h)| h.is_some()) else {
            let what = if tables.is_empty() {
                "в документе нет таблиц"
            } else {
                "в документе нет таблицы отчета"
            };
            return Err(Diagnostic::error(format!(
                "{what}: не найдена шапка «№ п/п», «Соглашение о сотрудничестве…», «Наименование мероприятия»…"
            ))
            .help("import читает отчеты этой формы: таблица из 7 граф с шапкой, как в отчете otchet"));
        };
        let mut section = Section::default();
        // The title: paragraphs before the report table, and rows above
        // its header (some put the title into the table).
        let mut before: Vec<String> = doc.blocks[..first]
            .iter()
            .filter_map(|b| match b {
                Block::Paragraph(p) if !p.text.is_empty() => Some(p.text.clone()),
                _ => None,
            })
            .collect();
        if let Some((_, table, Some(h))) = tables.iter().find(|(i, _, _)| *i == first) {
            before.extend(table.rows[..*h].iter().filter(|r| !r.deleted).flat_map(texts));
        }
        let before: Vec<&str> = before.iter().map(String::as_str).collect();
        // Tables before the report's (without its header) are not carried.
        for (n, (_, table, _)) in tables.iter().enumerate().take_while(|(_, (i, _, _))| *i < first) {
            let text: Vec<String> = table.rows.iter().flat_map(texts).collect();
            if !text.is_empty() {
                self.warn(
                    Diagnostic::warning(format!(
                        "таблица {} перед таблицей отчета (без шапки формы) не перенесена: «{}»",
                        n + 1,
                        preview(&text.join(" | "))
                    ))
                    .help("в данных отчета есть только заголовок и таблица отчета; перенесите текст вручную, если он нужен"),
                );
            }
        }
        let used = self.title(&before, &mut section);
        for (k, text) in before.iter().enumerate() {
            // A form's own instruction is not the department's text.
            let instruction = self.form.is_some() && text.starts_with(form::INSTRUCTION_START);
            if !used.contains(&k) && !instruction {
                self.warn(
                    Diagnostic::warning(format!("текст перед таблицей не перенесен: «{}»", preview(text)))
                        .help(OUTSIDE_HELP),
                );
            }
        }
        if let Some(f) = self.form {
            if section.period.is_none() {
                section.period = f.period;
            }
            if section.region.is_none() {
                section.region.clone_from(&f.region);
            }
        }
        if section.period.is_none() {
            section.period = doc.core_subject.as_deref().and_then(period_in).map(|(_, y, q)| (y, q));
        }
        if section.region.is_none() {
            // Our own DOCX says "Смоленская область, за IV квартал 2020 года".
            section.region = doc
                .core_subject
                .as_deref()
                .and_then(|s| s.split_once(", за "))
                .map(|(r, _)| r.trim().to_string())
                .filter(|r| !r.is_empty());
        }
        if section.period.is_none() {
            section.period = period_in(name).map(|(_, y, q)| (y, q));
        }
        if section.region.is_none() {
            section.region = region_in(file_name(name));
        }
        // The rows.
        let mut rows = Rows::default();
        let count = tables.len();
        // The tables are listed in document order: the next one met is this.
        let mut next_table = tables.iter().take_while(|(j, _, _)| *j < first).count();
        for (i, b) in doc.blocks.iter().enumerate().skip(first) {
            match b {
                Block::Paragraph(p) => {
                    if !p.text.is_empty() {
                        self.warn(
                            Diagnostic::warning(format!("текст вне таблицы не перенесен: «{}»", preview(&p.text)))
                                .help(OUTSIDE_HELP),
                        );
                    }
                }
                Block::Table(_) => {
                    // Its number among the document's tables (for messages).
                    let n = next_table;
                    next_table += 1;
                    debug_assert_eq!(tables[n].0, i, "every table is listed in order");
                    let (_, table, header) = &tables[n];
                    let k = n + 1;
                    if header.is_none() {
                        self.warn(Diagnostic::warning(format!(
                            "таблица {k} без шапки формы принята как продолжение таблицы отчета"
                        )));
                    }
                    let start = header.map_or(0, |h| h + 1);
                    // Rows above the first table's header were read as title.
                    let above = if i == first { 0 } else { header.unwrap_or(0) };
                    for (r, row) in table.rows[..above].iter().enumerate().filter(|(_, r)| !r.deleted) {
                        let text = texts(row);
                        if !text.is_empty() {
                            let place = Place { table: k, tables: count, row: r + 1 };
                            self.warn(Diagnostic::warning(format!(
                                "{}: строка над шапкой таблицы не перенесена: «{}»",
                                place.label(),
                                preview(&text.join(" "))
                            )));
                        }
                    }
                    rows.above = vec![String::new(); COLUMNS];
                    for (r, row) in table.rows.iter().enumerate().skip(start).filter(|(_, r)| !r.deleted) {
                        let place = Place { table: k, tables: count, row: r + 1 };
                        self.row(&logical(row), &place, &mut rows, name);
                    }
                }
            }
        }
        // Cells still empty: a dash, said row by row.
        for event in rows.departments.iter_mut().flat_map(|d| d.events.iter_mut()) {
            for (field, col) in event.fields.iter_mut().zip(2..COLUMNS) {
                // A cell of only invisible characters (a zero-width space, a
                // byte order mark, a soft hyphen) is empty as Word shows it.
                if !field.is_empty() && !crate::text::has_visible(field) {
                    self.warnings.push(Message {
                        file: self.file,
                        diagnostic: Diagnostic::warning(format!(
                            "{}: в графе «{}» только невидимые символы ({}) — считается пустой",
                            event.at,
                            self.t.column[col].title,
                            field.chars().map(|c| format!("U+{:04X}", c as u32)).collect::<Vec<_>>().join(" ")
                        )),
                    });
                    field.clear();
                }
                if field.is_empty() {
                    self.warnings.push(Message {
                        file: self.file,
                        diagnostic: Diagnostic::warning(format!(
                            "{}: пустая графа «{}» — вписан прочерк «{EMPTY_CELL}»",
                            event.at, self.t.column[col].title
                        ))
                        .help("впишите сведения в файл данных"),
                    });
                    *field = EMPTY_CELL.to_string();
                }
            }
        }
        section.departments = rows.departments;
        section.orphans = rows.orphans;
        Ok(section)
    }

    /// Finds the period, region and title in the paragraphs before the
    /// table; returns the indices of the paragraphs taken as the title.
    fn title(&mut self, paras: &[&str], section: &mut Section) -> Vec<usize> {
        // The form's own period line ("за IV квартал 2020 года" alone in its
        // paragraph) decides over a period a custom title mentions.
        let found: Vec<(usize, (usize, i32, u8))> =
            paras.iter().enumerate().filter_map(|(i, s)| period_in(s).map(|f| (i, f))).collect();
        let own_line =
            found.iter().find(|(i, (at, _, _))| *at == 0 && paras[*i].trim_start().to_lowercase().starts_with("за"));
        let Some(&(p, (at, y, q))) = own_line.or(found.first()) else {
            section.annual = paras.iter().find_map(|s| title::year_in(s));
            return Vec::new();
        };
        section.period = Some((y, q));
        // The title starts at the last paragraph from "Отчет…"/"Информация…"
        // up to the period (titles broken over paragraphs).
        let starts = |s: &str| {
            let l = s.to_lowercase();
            l.starts_with("отчет") || l.starts_with("отчёт") || l.starts_with("информация")
        };
        let start = (0..=p).rev().find(|&i| starts(paras[i])).unwrap_or(p);
        let mut text: Vec<&str> = paras[start..p].to_vec();
        text.push(&paras[p][..at]);
        let title = one_line(&text.join(" "));
        let title = title.trim_end_matches([' ', ',', ':', '—', '–', '-']).to_string();
        section.region = region_in(&title);
        if !title.is_empty() && title != one_line(&self.t.title.text) {
            section.title = Some(title);
        }
        (start..=p).collect()
    }

    /// The agreement of a form's row: the item chosen in the list, by its
    /// value (a registry key) — exactly; text typed over or beside the
    /// list is matched by title as in any document, with a warning; no
    /// agreement is a warning too (a form's rows never take the one above).
    fn chosen(&mut self, agr: &LCell, place: &Place) -> Option<usize> {
        if agr.text.is_empty() {
            self.warn(
                Diagnostic::warning(format!(
                    "{}: строка заполнена, но соглашение не выбрано — мероприятие перенесено без соглашения",
                    place.label()
                ))
                .help(NO_AGREEMENT_HELP),
            );
            return None;
        }
        let title_of = |key: &str| self.known.iter().find(|(k, _)| k == key).map(|(_, t)| t.clone());
        if let Some(c) = agr.choice.as_ref().filter(|c| c.text == agr.text) {
            // The item shown (its value is the key); LibreOffice 7.4 shows
            // values, and keeps the item chosen before as a title.
            let item = c.items.iter().find(|(shown, _)| *shown == agr.text);
            // With a registry given, the item's key must still mean, there,
            // the agreement whose text the clerk saw and chose; a key since
            // removed or given to another agreement is not trusted.
            if let Some((shown, value)) = item.filter(|(shown, value)| shown != value && !self.given.is_empty()) {
                let now = self.given.iter().find(|(k, _)| k == value).map(|(_, t)| t.clone());
                match now {
                    Some(t) if form::item_text(&t) == *shown || normalize_title(&t) == normalize_title(shown) => {
                        return Some(self.registry.add(&t, self.file).0);
                    }
                    _ => {
                        let by_text = self
                            .given
                            .iter()
                            .find(|(_, t)| form::item_text(t) == *shown || normalize_title(t) == normalize_title(shown))
                            .map(|(_, t)| t.clone());
                        let why = match &now {
                            Some(t) => format!("в реестре ключ «{value}» теперь означает «{}»", preview(t)),
                            None => format!("в реестре больше нет соглашения с ключом «{value}»"),
                        };
                        let outcome = if by_text.is_some() {
                            "соглашение сопоставлено по названию, выбранному в форме"
                        } else {
                            "соглашение записано по названию, выбранному в форме, как новое"
                        };
                        self.warn(
                            Diagnostic::warning(format!(
                                "{}: в форме выбрано «{}», но {why}; {outcome}",
                                place.label(),
                                preview(shown)
                            ))
                            .help("проверьте соглашение этой строки в отчете"),
                        );
                        return Some(self.registry.add(by_text.as_deref().unwrap_or(shown), self.file).0);
                    }
                }
            }
            let title = item
                .and_then(|(_, v)| title_of(v))
                .or_else(|| title_of(&agr.text))
                .or_else(|| self.known.iter().find(|(_, t)| form::item_text(t) == agr.text).map(|(_, t)| t.clone()));
            if let Some(title) = title {
                return Some(self.registry.add(&title, self.file).0);
            }
            if item.is_some() {
                if !agr.text.contains(char::is_whitespace) {
                    // A bare key: its title is in the registry file.
                    self.warn(
                        Diagnostic::warning(format!(
                            "{}: выбрано соглашение «{}», но его названия нет ни в списке формы, ни в реестре — записано как есть",
                            place.label(),
                            preview(&agr.text)
                        ))
                        .help("укажите файл данных квартала, из которого сделаны формы: --registry КВАРТАЛ.toml"),
                    );
                }
                return Some(self.registry.add(&agr.text, self.file).0);
            }
        }
        self.warn(
            Diagnostic::warning(format!(
                "{}: соглашение не выбрано из списка формы, а вписано — сопоставлено по названию: «{}»",
                place.label(),
                preview(&agr.text)
            ))
            .help("проверьте соглашение в файле данных; в форме выбирайте его из списка, а реестр укажите: --registry КВАРТАЛ.toml"),
        );
        Some(self.registry.add(&agr.text, self.file).0)
    }

    /// Maps one table row.
    fn row(&mut self, cells: &[LCell], place: &Place, rows: &mut Rows, name: &str) {
        // In a form, a list still showing its placeholder is empty.
        let blanked: Vec<LCell>;
        let cells = if self.form.is_some() {
            blanked = cells
                .iter()
                .map(|c| match &c.choice {
                    Some(ch) if c.text == ch.text && (ch.placeholder || ch.text == form::PLACEHOLDER) => {
                        LCell { text: String::new(), ..c.clone() }
                    }
                    _ => c.clone(),
                })
                .collect();
            &blanked[..]
        } else {
            cells
        };
        let texts: Vec<&str> = cells.iter().map(|c| c.text.as_str()).filter(|t| !t.is_empty()).collect();
        if texts.is_empty() && !cells.iter().any(|c| c.numbered) {
            return; // an empty row: nothing to carry
        }
        if is_header(cells, self.t) || is_column_numbers(cells) {
            return; // the header typed again, or the row numbering the columns
        }
        // What the data cannot hold: footnotes, pictures.
        let (notes, pictures) = cells.iter().fold((0, 0), |(n, p), c| (n + c.unread.0, p + c.unread.1));
        if notes > 0 {
            self.warn(
                Diagnostic::warning(format!("{}: сноски в строке не перенесены ({notes})", place.label()))
                    .help("впишите текст сносок в ячейку, если он нужен в отчете"),
            );
        }
        if pictures > 0 {
            self.warn(Diagnostic::warning(format!(
                "{}: рисунки и объекты в строке не перенесены ({pictures})",
                place.label()
            )));
        }
        // A department row: one text over the table (one merged cell, or
        // several cells with the same text as some editors save a merge).
        // (A row of empty cells but a numbered one is an event.)
        let first = texts.first().copied().unwrap_or_default();
        let spanned: usize = cells.iter().filter(|c| c.text == first).map(|c| c.cols).sum();
        let same = !first.is_empty() && texts.iter().all(|t| *t == first) && number(&cells[0].text).is_none();
        let merged = cells.len() == 1 || (cells.len() < COLUMNS && spanned >= 4);
        let repeated = cells.len() == COLUMNS && cells.iter().all(|c| c.text == first);
        // A name typed into the first cell of an unmerged row.
        let typed_in_first = cells.len() == COLUMNS && texts.len() == 1 && cells[0].text == first;
        if same && (merged || repeated || typed_in_first) {
            if typed_in_first {
                self.warn(
                    Diagnostic::warning(format!(
                        "{}: строка с одним текстом в графе «№ п/п» принята как название департамента: «{}»",
                        place.label(),
                        preview(first)
                    ))
                    .help("если это не департамент, исправьте раздел в файле данных"),
                );
            }
            if let Some(f) = self.form.filter(|f| normalize_title(&f.department) != normalize_title(first)) {
                self.warn(Diagnostic::warning(format!(
                    "{}: название департамента в форме изменено: было «{}», записано «{}»",
                    place.label(),
                    preview(&f.department),
                    preview(first)
                )));
            }
            rows.departments.push(Department { name: first.to_string(), events: Vec::new() });
            return;
        }
        if cells.len() != COLUMNS {
            self.warn(
                Diagnostic::warning(format!(
                    "{}: {} {} вместо {COLUMNS} — строка не перенесена: «{}»",
                    place.label(),
                    cells.len(),
                    cells_word(cells.len()),
                    preview(&texts.join(" | "))
                ))
                .help("разделите или объедините ячейки строки в Word, как в форме отчета, и повторите импорт"),
            );
            return;
        }
        // A row whose number cell continues a merge goes on with the event
        // above (a long event the typist spread over two rows).
        if cells[0].v_merge == Some(VMerge::Continue) {
            if let Some(event) = rows.departments.last_mut().and_then(|d| d.events.last_mut()) {
                for (field, col) in event.fields.iter_mut().zip(2..COLUMNS) {
                    let cell = &cells[col];
                    if cell.v_merge != Some(VMerge::Continue) && !cell.text.is_empty() {
                        if !field.is_empty() {
                            field.push('\n');
                        }
                        field.push_str(&cell.text);
                        rows.above[col].clone_from(field);
                    }
                }
                let agr = &cells[1];
                if agr.v_merge != Some(VMerge::Continue) && !agr.text.is_empty() {
                    self.warn(Diagnostic::warning(format!(
                        "{}: строка продолжает мероприятие выше, но называет свое соглашение — оно не перенесено: «{}»",
                        place.label(),
                        preview(&agr.text)
                    )));
                }
                return;
            }
        }
        // The number.
        let num = &cells[0];
        let n = match number(&num.text) {
            Some(n) => Some(n),
            None if num.text.is_empty() && num.numbered => rows.number.map(|n| n + 1).or(Some(1)),
            // A form's rows are numbered on import.
            None if num.text.is_empty() && self.form.is_some() => None,
            None if num.text.is_empty() => {
                self.warn(Diagnostic::warning(format!(
                    "{}: нет номера в графе «№ п/п» — строка принята как мероприятие",
                    place.label()
                )));
                None
            }
            None => {
                self.warn(Diagnostic::warning(format!(
                    "{}: в графе «№ п/п» не номер, а «{}» — строка не перенесена: «{}»",
                    place.label(),
                    preview(&num.text),
                    preview(&texts.join(" | "))
                )));
                return;
            }
        };
        if let (Some(n), Some(prev)) = (n, rows.number) {
            if n != prev + 1 {
                let what = if n <= prev {
                    format!("№ {n} после № {prev}")
                } else {
                    format!("после № {prev} идет № {n}")
                };
                self.warn(
                    Diagnostic::warning(format!("{}: нарушена нумерация: {what}", place.label()))
                        .help("otchet нумерует мероприятия сам; проверьте, не потеряна ли строка"),
                );
            }
        }
        if n.is_some() {
            rows.number = n;
        }
        // The agreement.
        let agr = &cells[1];
        let agreement = if self.form.is_some() {
            self.chosen(agr, place)
        } else if agr.v_merge == Some(VMerge::Continue) {
            rows.agreement
        } else if agr.text.is_empty() {
            if rows.agreement.is_some() {
                self.warn(Diagnostic::warning(format!(
                    "{}: графа «Соглашение» пуста — принято соглашение строки выше",
                    place.label()
                )));
            }
            rows.agreement
        } else {
            let (i, differs) = self.registry.add(&agr.text, self.file);
            if differs {
                self.warn(Diagnostic::warning(format!(
                    "{}: название соглашения отличается от встреченного выше только регистром, пробелами, знаками или латинскими буквами вместо русских — принято как то же соглашение: «{}»",
                    place.label(),
                    preview(&agr.text)
                )));
            }
            Some(i)
        };
        if agreement.is_none() && self.form.is_none() {
            self.warn(
                Diagnostic::warning(format!(
                    "{}: не указано соглашение — мероприятие перенесено без соглашения",
                    place.label()
                ))
                .help(NO_AGREEMENT_HELP),
            );
        }
        rows.agreement = agreement;
        // The other cells; a vertically merged cell repeats the one above.
        let mut fields: [String; 5] = Default::default();
        for (f, col) in fields.iter_mut().zip(2..COLUMNS) {
            let cell = &cells[col];
            let text = if cell.v_merge == Some(VMerge::Continue) { rows.above[col].clone() } else { cell.text.clone() };
            rows.above[col].clone_from(&text);
            // Empty cells get their dash when the file's rows are read (a
            // continuation row may still fill them).
            *f = text;
        }
        if let (true, Some(f)) = (rows.departments.is_empty(), self.form) {
            // A form whose department row was deleted: the form names it.
            rows.departments.push(Department { name: f.department.clone(), events: Vec::new() });
        }
        if rows.departments.is_empty() {
            let placeholder = format!("Раздел без названия ({})", file_name(name));
            self.warn(
                Diagnostic::warning(format!(
                    "{}: мероприятия до первой строки с названием департамента — добавлен раздел «{placeholder}»",
                    place.label()
                ))
                .help("впишите название департамента в name этого раздела"),
            );
            rows.departments.push(Department { name: placeholder, events: Vec::new() });
            rows.orphans = true;
        }
        rows.departments.last_mut().expect("a department").events.push(Event {
            agreement,
            fields,
            at: place.label(),
            file: self.file,
        });
    }
}
