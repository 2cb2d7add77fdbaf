//! Checks that need the whole report: agreement references, unused and
//! near-identical agreements, events outside the period, the event count.
//! Linear in the size of the file, whatever the number of problems.

use std::collections::HashMap;

use super::report::Cx;
use super::{suggest, MAX_EVENTS};
use crate::diag::Diagnostic;
use crate::model::{Agreement, Dates, Department, Period};
use crate::text::normalize_title;

impl Cx<'_> {
    /// Checks that need the whole report.
    pub fn cross_check(&mut self, period: Option<Period>, agreements: &[Agreement], departments: &[Department]) {
        let known: Vec<&str> = agreements.iter().map(|a| a.key.as_str()).collect();
        let index: HashMap<&str, usize> = known.iter().enumerate().map(|(i, k)| (*k, i)).collect();
        let list = known_keys(&known);
        let mut used = vec![false; agreements.len()];
        // "Did you mean" is worked out once per distinct unknown key, and
        // for the first few only: each costs a look at every known key.
        let mut suggestions: HashMap<String, Option<&str>> = HashMap::new();
        for (key, span) in std::mem::take(&mut self.agreement_refs) {
            match index.get(key.as_str()) {
                Some(&i) => used[i] = true,
                None => {
                    let tried = suggestions.len();
                    let hint = *suggestions.entry(key.clone()).or_insert_with(|| {
                        (tried < MAX_SUGGESTED).then(|| suggest(&key, known.iter().copied())).flatten()
                    });
                    let mut d = Diagnostic::error(format!("неизвестное соглашение «{key}»; есть: {list}"))
                        .at(span)
                        .label("нет такого ключа в [agreements]");
                    d = match hint {
                        Some(s) => d.help(format!("возможно, имелось в виду «{s}»?")),
                        None => d.help("добавьте соглашение в раздел [agreements] или исправьте ключ"),
                    };
                    self.err(d);
                }
            }
        }
        let mut events = 0usize;
        // A file with no events at all (a fresh `otchet new`) gets one warning,
        // not one per department and agreement.
        let any_events = departments.iter().any(|d| !d.events.is_empty());
        for dep in departments {
            if dep.events.is_empty() && any_events {
                self.err(
                    Diagnostic::warning(format!("у департамента «{}» нет мероприятий", dep.name.value))
                        .at(dep.name.span.clone())
                        .help("добавьте мероприятия [[department.event]] или удалите раздел"),
                );
            }
            for ev in &dep.events {
                events += 1;
                let (a, b) = match ev.dates {
                    Dates::Day(d) => (d, d),
                    Dates::Range { from, to } => (from, to),
                    Dates::Text(_) => continue,
                };
                let Some(period) = period else { continue };
                let (q_from, q_to) = period.bounds();
                if b < q_from || a > q_to {
                    self.err(
                        Diagnostic::warning(format!("даты мероприятия вне отчетного периода ({})", period.label()))
                            .at(ev.dates_span.clone())
                            .label("вне периода")
                            .help("проверьте год и месяц"),
                    );
                } else if b > q_to || a < q_from {
                    // Partly inside: the event belongs here, but the
                    // period was likely mistyped (a year or month off).
                    let (what, day) = if b > q_to {
                        ("заканчивается после конца", b)
                    } else {
                        ("начинается до начала", a)
                    };
                    self.err(
                        Diagnostic::warning(format!(
                            "период мероприятия {what} отчетного периода ({}): {}",
                            period.label(),
                            day.format("%d.%m.%Y")
                        ))
                        .at(ev.dates_span.clone())
                        .label("за пределами периода")
                        .help("проверьте даты; если мероприятие действительно продолжается, это не ошибка"),
                    );
                }
            }
        }
        if events > MAX_EVENTS {
            self.err(
                Diagnostic::error(format!("слишком много мероприятий: {events}, допустимо не более {MAX_EVENTS}"))
                    .help("разделите отчет на несколько файлов"),
            );
        }
        if events == 0 && self.event_items == 0 {
            self.err(
                Diagnostic::warning("в отчете нет ни одного мероприятия").help("добавьте разделы [[department.event]]"),
            );
        }
        // An event that failed to load may be the one using an agreement.
        let complete = !self.diags.iter().any(Diagnostic::is_error) && any_events;
        for (a, used) in agreements.iter().zip(&used) {
            if !used && complete {
                self.err(
                    Diagnostic::warning(format!("соглашение «{}» нигде не использовано", a.key))
                        .at(a.key_span.clone())
                        .help("это не ошибка: реестр может содержать все соглашения региона"),
                );
            }
        }
        // Titles differing only in case, spaces or punctuation.
        let mut first_with: HashMap<String, usize> = HashMap::new();
        for j in 0..agreements.len() {
            let i = *first_with.entry(normalize_title(&agreements[j].title.value)).or_insert(j);
            if i != j && agreements[i].title.value.trim() == agreements[j].title.value.trim() {
                // The same title under two keys: their events would print as
                // two agreements side by side that read as one (and a Word
                // copy of the report could not tell them apart).
                self.err(
                    Diagnostic::error(format!(
                        "соглашения «{}» и «{}» названы одинаково: это одно соглашение под двумя ключами",
                        agreements[i].key, agreements[j].key
                    ))
                    .at(agreements[j].key_span.clone())
                    .help(format!(
                        "оставьте один ключ, «{}», и замените «{}» на него в мероприятиях",
                        agreements[i].key, agreements[j].key
                    )),
                );
            } else if i != j {
                self.err(
                    Diagnostic::warning(format!(
                        "соглашения «{}» и «{}» названы почти одинаково (различие только в регистре, пробелах или знаках)",
                        agreements[i].key, agreements[j].key
                    ))
                    .at(agreements[j].key_span.clone())
                    .help(format!("если это одно соглашение, оставьте один ключ, «{}»", agreements[i].key)),
                );
            }
        }
    }
}

/// Unknown keys get a "did you mean" for this many distinct keys.
const MAX_SUGGESTED: usize = 20;
/// Keys listed in a message about an unknown agreement.
const MAX_LISTED: usize = 10;

/// The registry's keys for a message: the first [`MAX_LISTED`], then how
/// many more.
fn known_keys(known: &[&str]) -> String {
    match known.len() {
        0 => "реестр пуст".to_string(),
        n if n <= MAX_LISTED => known.join(", "),
        n => format!("{} и ещё {}", known[..MAX_LISTED].join(", "), n - MAX_LISTED),
    }
}
