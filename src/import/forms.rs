//! Forms of `otchet forms`: recognised by their custom properties, put in
//! the departments' order, and the agreement chosen in a row's list.

use super::*;

/// What a form of `otchet forms` says about itself (its custom
/// properties).
#[derive(Debug, Clone)]
pub(super) struct FormInfo {
    pub(super) department: String,
    pub(super) order: usize,
    pub(super) period: Option<(i32, u8)>,
    pub(super) region: Option<String>,
}

impl FormInfo {
    pub(super) fn of(doc: &package::Document) -> Option<FormInfo> {
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
pub(super) fn list_titles(docs: &[package::Document]) -> Vec<(String, String)> {
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

/// Forms: each department once (else an error naming both files), put in
/// the departments' order — the registry file's when given, else the
/// order the forms were made in; other documents keep their place after
/// them. A form of another period or region than the registry file's is
/// told.
pub(super) fn forms_in_order(
    sections: &mut [Section],
    given: &Given,
    warnings: &mut Vec<Message>,
) -> Result<(), Message> {
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

impl FileCx<'_> {
    /// The agreement of a form's row: the item chosen in the list, by its
    /// value (a registry key) — exactly; text typed over or beside the
    /// list is matched by title as in any document, with a warning; no
    /// agreement is a warning too (a form's rows never take the one above).
    pub(super) fn chosen(&mut self, agr: &LCell, place: &Place) -> Option<usize> {
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
}
