//! The data file's schema: [report], [agreements], [[department]] and
//! their events, walked with the shared accessor ([`super::walk`]).

use std::ops::{Deref, DerefMut};

use chrono::NaiveDate;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

use super::walk::{type_ru, Val, Walker};
use crate::diag::Diagnostic;
use crate::model::{Agreement, Dates, Department, Event, Period, Report, Span, Text};

const TOP_KEYS: &[&str] = &["report", "agreements", "department"];
const REPORT_KEYS: &[&str] = &["year", "quarter", "region", "title", "due"];
const DEPARTMENT_KEYS: &[&str] = &["name", "event"];
const EVENT_KEYS: &[&str] = &["agreement", "title", "dates", "place", "participants", "result"];
const RANGE_KEYS: &[&str] = &["from", "to"];

/// Years a date may have (as the report's year).
/// The years a report, a date or a command-line year may name.
pub const YEARS: std::ops::RangeInclusive<i64> = 2000..=2100;

/// A text of digits and two hyphens (`202020-10-16`): a date mistyped.
fn looks_like_a_date(s: &str) -> bool {
    let parts: Vec<&str> = s.trim().split('-').collect();
    parts.len() == 3 && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// The error of an event whose agreement is not chosen (an empty key): the
/// one error an import may leave in the data it writes, for the user to
/// choose the agreement (a row of a form sent back without one).
pub const AGREEMENT_NOT_CHOSEN: &str = "соглашение не выбрано";

/// The data walk: the shared accessor plus what the cross-checks need.
pub(super) struct Cx<'s> {
    pub w: Walker<'s>,
    /// Every `agreement = "…"` seen, also in events that failed to load, so
    /// unknown keys are reported together with other errors.
    pub agreement_refs: Vec<(String, Span)>,
    /// `[[department.event]]` entries seen, valid or not.
    pub event_items: usize,
    /// Keep every department and event, faulty values left empty, so the
    /// table can be shown while the data has errors (never for documents).
    pub lenient: bool,
}

impl<'s> Deref for Cx<'s> {
    type Target = Walker<'s>;
    fn deref(&self) -> &Walker<'s> {
        &self.w
    }
}

impl<'s> DerefMut for Cx<'s> {
    fn deref_mut(&mut self) -> &mut Walker<'s> {
        &mut self.w
    }
}

impl<'s> Cx<'s> {
    pub fn new(src: &'s str) -> Cx<'s> {
        Cx { w: Walker::new(src), agreement_refs: Vec::new(), event_items: 0, lenient: false }
    }

    pub fn report(&mut self, doc: &Spanned<DeTable<'_>>) -> Option<Report> {
        let root = doc.get_ref();
        self.check_keys(root, TOP_KEYS, "на верхнем уровне файла");
        let whole = 0..0;

        // [report]
        let mut period = None;
        let mut region = None;
        let mut title = None;
        let mut due = None;
        match self.get(root, "report") {
            None => self.err(
                Diagnostic::error("нет раздела [report]")
                    .at(whole.clone())
                    .help("добавьте в начало файла:\n[report]\nyear = 2020\nquarter = 4"),
            ),
            Some(v) => {
                if let Some(t) = self.table(v, "«report» должен быть разделом [report]", "") {
                    let at = v.span();
                    self.check_keys(t, REPORT_KEYS, "в разделе [report]");
                    let year = self
                        .required(t, "year", at.clone(), "в разделе [report]", "year = 2020")
                        .and_then(|v| self.integer(v, "year", YEARS, "year = 2020"));
                    let quarter = self
                        .required(t, "quarter", at.clone(), "в разделе [report]", "quarter = 4")
                        .and_then(|v| self.integer(v, "quarter", 1..=4, "quarter = 4"));
                    if let (Some(y), Some(q)) = (year, quarter) {
                        period = Some(Period::Quarter { year: y as i32, quarter: q as u8 });
                    }
                    if let Some(v) = self.get(t, "region") {
                        region = self.text(v, "region", "в разделе [report]").map(|t| t.value);
                    }
                    if let Some(v) = self.get(t, "title") {
                        title = self.text(v, "title", "в разделе [report]");
                    }
                    if let Some(v) = self.get(t, "due") {
                        due = self.date(v, "due");
                    }
                }
            }
        }

        // [agreements]
        let mut agreements: Vec<Agreement> = Vec::new();
        match self.get(root, "agreements") {
            None => self.err(
                Diagnostic::error("нет раздела [agreements] — реестра соглашений")
                    .at(whole.clone())
                    .help("добавьте раздел:\n[agreements]\nmoscow = \"Соглашение между …\""),
            ),
            Some(v) => {
                if let Some(t) = self.table(v, "«agreements» должен быть разделом [agreements]", "")
                {
                    for (k, v) in t {
                        let key = k.get_ref().to_string();
                        if key.trim().is_empty() {
                            self.err(
                                Diagnostic::error("пустой ключ соглашения").at(k.span()).label("ключ без имени").help(
                                    "дайте соглашению короткий ключ латиницей, например moscow = \"Соглашение …\"",
                                ),
                            );
                            continue;
                        }
                        if let Some(title) = self.text(v, &key, "в разделе [agreements]") {
                            agreements.push(Agreement { key, title, key_span: k.span() });
                        }
                    }
                }
            }
        }

        // [[department]]
        let mut departments = Vec::new();
        match self.get(root, "department") {
            None => {}
            Some(v) => {
                let help = "каждый департамент начинается со строки [[department]]";
                if let Some(items) = self.array(v, "«department» должен быть списком разделов [[department]]", help)
                {
                    for item in items {
                        if let Some(d) = self.department(item) {
                            departments.push(d);
                        }
                    }
                }
            }
        }

        // Cross-checks run on whatever could be read, so that every problem
        // of the file is reported at once.
        self.cross_check(period, &agreements, &departments);
        let period = period?;
        Some(Report { period, region, title, due, agreements, departments })
    }

    fn department(&mut self, item: &Val<'_>) -> Option<Department> {
        let t = self.table(item, "элемент [[department]] должен быть таблицей", "")?;
        let at = item.span();
        self.check_keys(t, DEPARTMENT_KEYS, "в разделе [[department]]");
        let name = self
            .required(t, "name", at.clone(), "в разделе [[department]]", "name = \"Департамент …\"")
            .and_then(|v| self.text(v, "name", "департамента"));
        let mut events = Vec::new();
        if let Some(v) = self.get(t, "event") {
            if let Some(items) = self.array(v, "«event» должен быть списком разделов [[department.event]]", "")
            {
                for e in items {
                    if let Some(e) = self.event(e) {
                        events.push(e);
                    }
                }
            }
        }
        let name = if self.lenient { name.or_else(|| Some(Text::new("", at))) } else { name };
        Some(Department { name: name?, events })
    }

    fn event(&mut self, item: &Val<'_>) -> Option<Event> {
        self.event_items += 1;
        let t = self.table(item, "элемент [[department.event]] должен быть таблицей", "")?;
        let at = item.span();
        let what = "мероприятия";
        self.check_keys(t, EVENT_KEYS, "в мероприятии [[department.event]]");
        let req = |cx: &mut Self, key: &str, example: &str| {
            cx.required(t, key, at.clone(), "в мероприятии [[department.event]]", example)
        };
        let agreement = req(self, "agreement", "agreement = \"moscow\"").and_then(|v| match v.get_ref() {
            DeValue::String(s) if !s.trim().is_empty() => {
                self.agreement_refs.push((s.to_string(), v.span()));
                Some((s.to_string(), v.span()))
            }
            DeValue::String(_) => {
                self.err(
                    Diagnostic::error(AGREEMENT_NOT_CHOSEN)
                        .at(v.span())
                        .label("соглашение не выбрано")
                        .help("укажите ключ соглашения из раздела [agreements]"),
                );
                None
            }
            other => {
                self.err(
                    Diagnostic::error(format!(
                        "поле «agreement» должно быть ключом соглашения в кавычках, а здесь {}",
                        type_ru(other)
                    ))
                    .at(v.span())
                    .help("например: agreement = \"moscow\""),
                );
                None
            }
        });
        let title = req(self, "title", "title = \"Название мероприятия\"").and_then(|v| self.text(v, "title", what));
        let dates = req(self, "dates", "dates = 2020-10-20").and_then(|v| self.dates(v).map(|d| (d, v.span())));
        let place = req(self, "place", "place = \"г. Смоленск\"").and_then(|v| self.text(v, "place", what));
        let participants = req(self, "participants", "participants = \"Представители …\"")
            .and_then(|v| self.text(v, "participants", what));
        let result =
            req(self, "result", "result = \"Содержание и результат …\"").and_then(|v| self.text(v, "result", what));
        if self.lenient {
            // Shown, never printed: each faulty value left empty.
            let empty = || Text::new("", at.clone());
            return Some(Event {
                agreement: agreement.as_ref().map_or(String::new(), |a| a.0.clone()),
                agreement_span: agreement.map_or(at.clone(), |a| a.1),
                title: title.unwrap_or_else(empty),
                dates_span: dates.as_ref().map_or(at.clone(), |d| d.1.clone()),
                dates: dates.map_or(Dates::Text(String::new()), |d| d.0),
                place: place.unwrap_or_else(empty),
                participants: participants.unwrap_or_else(empty),
                result: result.unwrap_or_else(empty),
                span: at.clone(),
            });
        }
        let (agreement, agreement_span) = agreement?;
        let (dates, dates_span) = dates?;
        Some(Event {
            agreement,
            agreement_span,
            title: title?,
            dates,
            dates_span,
            place: place?,
            participants: participants?,
            result: result?,
            span: at,
        })
    }

    fn date(&mut self, v: &Val<'_>, key: &str) -> Option<NaiveDate> {
        let help = "дата пишется без кавычек: 2020-10-20; период — { from = 2020-11-26, to = 2020-12-16 }";
        match v.get_ref() {
            DeValue::Datetime(dt) => match (dt.date, dt.time, dt.offset) {
                (Some(d), None, None) if !(YEARS.contains(&(d.year as i64))) => {
                    self.err(
                        Diagnostic::error(format!(
                            "год {} вне допустимого диапазона {}..={}",
                            d.year,
                            YEARS.start(),
                            YEARS.end()
                        ))
                        .at(v.span())
                        .help("проверьте год даты"),
                    );
                    None
                }
                (Some(d), None, None) => {
                    NaiveDate::from_ymd_opt(d.year as i32, d.month as u32, d.day as u32).or_else(|| {
                        self.err(Diagnostic::error("такой даты нет в календаре").at(v.span()).help(help));
                        None
                    })
                }
                _ => {
                    self.err(
                        Diagnostic::error(format!("в поле «{key}» укажите только дату, без времени"))
                            .at(v.span())
                            .help(help),
                    );
                    None
                }
            },
            other => {
                self.err(
                    Diagnostic::error(format!("поле «{key}» должно быть датой, а здесь {}", type_ru(other)))
                        .at(v.span())
                        .help(help),
                );
                None
            }
        }
    }

    fn dates(&mut self, v: &Val<'_>) -> Option<Dates> {
        match v.get_ref() {
            DeValue::String(s) if looks_like_a_date(s) => {
                // «202020-10-16», «2020-1-5»: meant as a date, printed as
                // typed were it taken as text.
                self.err(
                    Diagnostic::error(format!("«{s}» похоже на дату, но это не дата календаря"))
                        .at(v.span())
                        .help("дата пишется как 2020-10-20 (год из четырех цифр, от 2000 до 2100); сроки словами — например, «в течение квартала»"),
                );
                None
            }
            DeValue::String(_) => self.text(v, "dates", "мероприятия").map(|t| Dates::Text(t.value)),
            DeValue::Datetime(_) => self.date(v, "dates").map(Dates::Day),
            DeValue::Table(t) => {
                self.check_keys(t, RANGE_KEYS, "в периоде dates");
                let at = v.span();
                let from = self
                    .required(t, "from", at.clone(), "в периоде dates", "from = 2020-11-26")
                    .and_then(|v| self.date(v, "from"));
                let to = self
                    .required(t, "to", at.clone(), "в периоде dates", "to = 2020-12-16")
                    .and_then(|v| self.date(v, "to"));
                let (from, to) = (from?, to?);
                if from > to {
                    self.err(
                        Diagnostic::error(format!("начало периода ({from}) позже его конца ({to})"))
                            .at(at)
                            .label("from позже to")
                            .help("поменяйте даты местами"),
                    );
                    return None;
                }
                Some(Dates::Range { from, to })
            }
            other => {
                self.err(
                    Diagnostic::error(format!("поле «dates» должно быть текстом, датой или периодом, а здесь {}", type_ru(other)))
                        .at(v.span())
                        .help("например: dates = \"октябрь\", dates = 2020-10-20 или dates = { from = 2020-11-26, to = 2020-12-16 }"),
                );
                None
            }
        }
    }
}
