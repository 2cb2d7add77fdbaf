//! The data file as the page sees it: TOML to JSON (the data file's own
//! shape, `otchet schema`), JSON back into the TOML document with its
//! comments and untouched formatting kept (`toml_edit`), and a path into
//! the data (`/department/0/event/2/title`) for each source position.

use serde_json::{Map, Value as Json};
use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, Value};

/// The data of a TOML document as JSON. Dates (TOML local dates) become
/// `"YYYY-MM-DD"` strings, as the schema has them.
pub fn to_json(doc: &DocumentMut) -> Json {
    table_json(doc.as_table())
}

fn table_json(t: &Table) -> Json {
    Json::Object(t.iter().map(|(k, v)| (k.to_string(), item_json(v))).collect())
}

fn item_json(item: &Item) -> Json {
    match item {
        Item::None => Json::Null,
        Item::Value(v) => value_json(v),
        Item::Table(t) => table_json(t),
        Item::ArrayOfTables(a) => Json::Array(a.iter().map(table_json).collect()),
    }
}

fn value_json(v: &Value) -> Json {
    match v {
        Value::String(s) => Json::String(s.value().clone()),
        Value::Integer(i) => Json::from(*i.value()),
        Value::Float(f) => serde_json::Number::from_f64(*f.value()).map_or(Json::Null, Json::Number),
        Value::Boolean(b) => Json::Bool(*b.value()),
        Value::Datetime(d) => Json::String(d.value().to_string()),
        Value::Array(a) => Json::Array(a.iter().map(value_json).collect()),
        Value::InlineTable(t) => Json::Object(t.iter().map(|(k, v)| (k.to_string(), value_json(v))).collect()),
    }
}

/// Keys whose string values are dates when they read as one
/// (`dates = 2020-10-20`, `{ from = …, to = … }`).
fn date_key(key: &str) -> bool {
    matches!(key, "dates" | "from" | "to" | "due")
}

/// A `YYYY-MM-DD` string as a TOML local date.
fn as_date(s: &str) -> Option<toml_edit::Datetime> {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    let d: toml_edit::Datetime = if shape { s.parse().ok()? } else { return None };
    (d.date.is_some() && d.time.is_none()).then_some(d)
}

/// Why JSON data cannot be a data file.
pub type ShapeError = String;

/// A fresh TOML document from JSON data, laid out as the data files are:
/// tables for objects, arrays of tables for arrays of objects, inline tables
/// for a `dates` period.
pub fn from_json(data: &Json) -> Result<DocumentMut, ShapeError> {
    let Json::Object(map) = data else {
        return Err("данные отчета должны быть объектом JSON".into());
    };
    let mut doc = DocumentMut::new();
    fill_table(doc.as_table_mut(), map, "")?;
    Ok(doc)
}

fn fill_table(t: &mut Table, map: &Map<String, Json>, path: &str) -> Result<(), ShapeError> {
    for (k, v) in map {
        let here = format!("{path}/{k}");
        let item = match v {
            Json::Object(m) if !date_key(k) => {
                let mut sub = Table::new();
                fill_table(&mut sub, m, &here)?;
                Item::Table(sub)
            }
            Json::Array(a) if !a.is_empty() && a.iter().all(Json::is_object) => {
                let mut arr = ArrayOfTables::new();
                for (i, e) in a.iter().enumerate() {
                    let mut sub = Table::new();
                    if let Json::Object(m) = e {
                        fill_table(&mut sub, m, &format!("{here}/{i}"))?;
                    }
                    arr.push(sub);
                }
                Item::ArrayOfTables(arr)
            }
            // An empty list of departments or events: the key left out.
            Json::Array(a) if a.is_empty() && matches!(k.as_str(), "department" | "event") => continue,
            other => Item::Value(json_value(k, other, &here)?),
        };
        t.insert(k, item);
    }
    Ok(())
}

fn json_value(key: &str, v: &Json, path: &str) -> Result<Value, ShapeError> {
    Ok(match v {
        Json::Null => return Err(format!("{path}: пустое значение (null) в TOML не записывается")),
        Json::Bool(b) => Value::from(*b),
        Json::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => Value::from(i),
            (None, Some(f)) => Value::from(f),
            _ => return Err(format!("{path}: число вне допустимого диапазона")),
        },
        Json::String(s) => match as_date(s).filter(|_| date_key(key)) {
            Some(d) => Value::from(d),
            None => Value::from(s.as_str()),
        },
        Json::Array(a) => {
            let mut arr = toml_edit::Array::new();
            for (i, e) in a.iter().enumerate() {
                arr.push(json_value(key, e, &format!("{path}/{i}"))?);
            }
            Value::Array(arr)
        }
        Json::Object(m) => {
            let mut t = toml_edit::InlineTable::new();
            for (k, e) in m {
                t.insert(k, json_value(k, e, &format!("{path}/{k}"))?);
            }
            Value::InlineTable(t)
        }
    })
}

/// Puts `new` into `old` in place: values equal in both keep their exact
/// text (quotes, comments, spacing); a changed value keeps the comments
/// around it; keys and tables gone from `new` are removed; new ones are
/// added after the existing ones. Arrays of tables (departments, events)
/// are matched by position.
pub fn merge(old: &mut DocumentMut, new: &DocumentMut) {
    merge_table(old.as_table_mut(), new.as_table());
}

fn merge_table(old: &mut Table, new: &Table) {
    let gone: Vec<String> = old.iter().map(|(k, _)| k.to_string()).filter(|k| !new.contains_key(k)).collect();
    for k in gone {
        old.remove(&k);
    }
    for (k, item) in new {
        match old.get_mut(k) {
            Some(o) => merge_item(o, item),
            None => {
                old.insert(k, item.clone());
            }
        }
    }
}

fn merge_item(old: &mut Item, new: &Item) {
    match (&mut *old, new) {
        (Item::Table(o), Item::Table(n)) => merge_table(o, n),
        (Item::ArrayOfTables(o), Item::ArrayOfTables(n)) => {
            while o.len() > n.len() {
                o.remove(o.len() - 1);
            }
            for (i, t) in n.iter().enumerate() {
                match o.get_mut(i) {
                    Some(ot) => merge_table(ot, t),
                    None => o.push(t.clone()),
                }
            }
        }
        (Item::Value(o), Item::Value(n)) => {
            if value_json(o) != value_json(n) || std::mem::discriminant(o) != std::mem::discriminant(n) {
                let decor = o.decor().clone();
                *o = n.clone();
                *o.decor_mut() = decor;
            }
        }
        (o, n) => *o = n.clone(),
    }
}

/// Paths into the data for source positions: every key and value of the
/// document with its byte range, innermost first when they nest.
pub struct Paths {
    spans: Vec<(std::ops::Range<usize>, String)>,
}

impl Paths {
    /// No positions.
    pub fn empty() -> Paths {
        Paths { spans: Vec::new() }
    }

    /// The positions of `text` (a TOML document); none when it does not
    /// parse.
    pub fn of(text: &str) -> Paths {
        let mut spans = Vec::new();
        if let Ok(doc) = toml_edit::Document::parse(text) {
            walk_table(doc.as_table(), "", &mut spans);
        }
        Paths { spans }
    }

    /// The path of the innermost key or value at byte `offset`.
    pub fn at(&self, offset: usize) -> Option<&str> {
        self.spans
            .iter()
            .filter(|(r, _)| r.start <= offset && offset < r.end.max(r.start + 1))
            .min_by_key(|(r, _)| r.end - r.start)
            .map(|(_, p)| p.as_str())
    }
}

fn walk_table(t: &Table, path: &str, out: &mut Vec<(std::ops::Range<usize>, String)>) {
    if let Some(span) = t.span() {
        out.push((span, if path.is_empty() { "/".into() } else { path.into() }));
    }
    for (k, item) in t {
        let here = format!("{path}/{}", escape(k));
        if let Some((key, _)) = t.get_key_value(k) {
            if let Some(span) = key.span() {
                out.push((span, here.clone()));
            }
        }
        walk_item(item, &here, out);
    }
}

fn walk_item(item: &Item, path: &str, out: &mut Vec<(std::ops::Range<usize>, String)>) {
    match item {
        Item::None => {}
        Item::Value(v) => walk_value(v, path, out),
        Item::Table(t) => walk_table(t, path, out),
        Item::ArrayOfTables(a) => {
            for (i, t) in a.iter().enumerate() {
                walk_table(t, &format!("{path}/{i}"), out);
            }
        }
    }
}

fn walk_value(v: &Value, path: &str, out: &mut Vec<(std::ops::Range<usize>, String)>) {
    if let Some(span) = v.span() {
        out.push((span, path.to_string()));
    }
    match v {
        Value::Array(a) => {
            for (i, e) in a.iter().enumerate() {
                walk_value(e, &format!("{path}/{i}"), out);
            }
        }
        Value::InlineTable(t) => {
            for (k, e) in t {
                walk_value(e, &format!("{path}/{}", escape(k)), out);
            }
        }
        _ => {}
    }
}

/// A key as a JSON Pointer token (RFC 6901).
fn escape(k: &str) -> String {
    k.replace('~', "~0").replace('/', "~1")
}

/// A table of another document, without its place there (a parsed table
/// keeps its position, which would print it among this file's tables).
fn unplaced(t: &Table) -> Table {
    let mut t = t.clone();
    t.set_position(None);
    for (_, item) in t.iter_mut() {
        if let Item::ArrayOfTables(a) = item {
            for nested in a.iter_mut() {
                nested.set_position(None);
            }
        }
    }
    t
}

/// Adds an imported data file's agreements, departments and events to a
/// data file's document (its comments and formatting kept): agreements the
/// file lacks are added; a department of the same name (up to case,
/// spaces, look-alike letters) gets the events after its own, others are
/// added at the end.
pub fn append_import(doc: &mut DocumentMut, new: &DocumentMut) -> Result<(), String> {
    if let Some(agreements) = new.get("agreements").and_then(Item::as_table) {
        let target = doc.entry("agreements").or_insert_with(toml_edit::table);
        let Some(target) = target.as_table_mut() else {
            return Err("[agreements] в файле — не таблица".into());
        };
        for (k, v) in agreements {
            match target.get(k) {
                None => {
                    target.insert(k, v.clone());
                }
                // The same agreement under the same key: nothing to add.
                Some(old)
                    if old.as_str().map(crate::text::normalize_title)
                        == v.as_str().map(crate::text::normalize_title) => {}
                Some(_) => {
                    return Err(format!(
                        "ключ соглашения «{k}» в отчете уже занят другим соглашением: ничего не добавлено; \
                         перенесите документы в отчет с его реестром"
                    ))
                }
            }
        }
    }
    let norm = |t: &Table| t.get("name").and_then(Item::as_str).map(crate::text::normalize_title);
    if let Some(departments) = new.get("department").and_then(Item::as_array_of_tables) {
        if !doc.contains_key("department") {
            doc.insert("department", Item::ArrayOfTables(ArrayOfTables::new()));
        }
        let Some(target) = doc.get_mut("department").and_then(Item::as_array_of_tables_mut) else {
            return Err("[[department]] в файле — не список разделов".into());
        };
        for d in departments {
            let name = norm(d);
            let at = target.iter().position(|t| name.is_some() && norm(t) == name);
            match at.and_then(|i| target.get_mut(i)) {
                Some(existing) => {
                    let events = d.get("event").and_then(Item::as_array_of_tables).cloned().unwrap_or_default();
                    if !existing.contains_key("event") {
                        existing.insert("event", Item::ArrayOfTables(ArrayOfTables::new()));
                    }
                    if let Some(list) = existing.get_mut("event").and_then(Item::as_array_of_tables_mut) {
                        for e in &events {
                            list.push(unplaced(e));
                        }
                    }
                }
                None => target.push(unplaced(d)),
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "# Комментарий\n[report]\nyear = 2020 # год\nquarter = 4\n\n[agreements]\nmoscow = \"М\"\n\n\
                        [[department]]\nname = 'Д'\n\n[[department.event]]\nagreement = \"moscow\"\ntitle = \"Т\"\n\
                        dates = 2020-10-20\nplace = \"П\"\nparticipants = \"У\"\nresult = \"Р\"\n";

    #[test]
    fn json_round_trip_keeps_the_file_byte_for_byte() {
        let doc: DocumentMut = TEXT.parse().unwrap();
        let json = to_json(&doc);
        assert_eq!(json["department"][0]["event"][0]["dates"], "2020-10-20");
        let mut again: DocumentMut = TEXT.parse().unwrap();
        merge(&mut again, &from_json(&json).unwrap());
        assert_eq!(again.to_string(), TEXT);
    }

    #[test]
    fn an_edit_changes_only_its_value() {
        let mut doc: DocumentMut = TEXT.parse().unwrap();
        let mut json = to_json(&doc);
        json["department"][0]["event"][0]["title"] = Json::from("Новое\nвторой абзац");
        json["report"]["year"] = Json::from(2021);
        merge(&mut doc, &from_json(&json).unwrap());
        let text = doc.to_string();
        assert!(text.contains("year = 2021 # год"), "{text}");
        assert!(text.starts_with("# Комментарий\n[report]"), "{text}");
        assert!(text.contains("name = 'Д'"), "{text}");
        let back: DocumentMut = text.parse().unwrap();
        assert_eq!(to_json(&back), json);
    }

    #[test]
    fn paths_name_the_value_at_a_position() {
        let paths = Paths::of(TEXT);
        let at = |needle: &str| paths.at(TEXT.find(needle).unwrap()).map(str::to_string);
        assert_eq!(at("\"Т\"").as_deref(), Some("/department/0/event/0/title"));
        assert_eq!(at("2020-10-20").as_deref(), Some("/department/0/event/0/dates"));
        assert_eq!(at("quarter").as_deref(), Some("/report/quarter"));
    }
}
