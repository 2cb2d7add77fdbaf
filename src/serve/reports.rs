//! The reports of the working folder: listed, loaded, checked, saved and
//! rendered through the same operations as the command line
//! ([`crate::ops::check_bytes`], [`crate::ops::prepare`],
//! [`crate::ops::render_bytes`], [`crate::output`]).

use std::path::Path;
use std::sync::Mutex;

use serde_json::{json, Value as Json};
use toml_edit::DocumentMut;

use super::data::{self, Paths};
use super::state::{error, read, Actor, Held, Reply, State};
pub use super::store::version;
use super::store::Content;
use crate::diag::{Diagnostic, Severity, Source};
use crate::layout::{Merge, Row, Table};
use crate::render::Format;

/// A diagnostic as the page shows it: where in the data (path) and in the
/// file (line, column).
fn diagnostic_json(d: &Diagnostic, source: &Source, paths: &Paths) -> Json {
    let (line, column, path) = match &d.span {
        Some(span) => {
            let (l, c) = source.line_col(span.start);
            (Some(l), Some(c), paths.at(span.start).map(str::to_string))
        }
        None => (None, None, None),
    };
    let text = super::words::page(&d.message, path.as_deref(), "");
    let advice = d.help.as_deref().map(|h| super::words::page(h, path.as_deref(), ""));
    json!({
        "severity": if d.severity == Severity::Error { "error" } else { "warning" },
        "message": d.message,
        "hint": d.help,
        "path": path,
        "line": line,
        "column": column,
        "text": text,
        "advice": advice,
    })
}

/// Diagnostics of `source` as the page shows them (positions to paths only
/// when there is something to place).
fn diagnostics_json(diags: &[Diagnostic], source: &Source) -> Vec<Json> {
    let paths = if diags.is_empty() { Paths::empty() } else { Paths::of(&source.text) };
    diags.iter().map(|d| diagnostic_json(d, source, &paths)).collect()
}

/// Checks data file bytes: the diagnostics (with paths) and the table the
/// page shows — the documents' own when the data has no error (`true`),
/// else the same layout of the data as far as it reads (faulty values
/// empty), so the page keeps the official form and marks the faults.
fn checked(name: &str, bytes: &[u8]) -> (Vec<Json>, Option<(Table, bool)>) {
    let (source, report, diags) = crate::ops::check_bytes(name, bytes);
    let list = diagnostics_json(&diags, &source);
    let official = crate::template::Template::official();
    let table = match report {
        Some(r) => Some((crate::layout::build(&r, &official), true)),
        None => crate::load::parse_lenient(&source).map(|r| (crate::layout::build(&r, &official), false)),
    };
    (list, table)
}

/// What a save changed, in one line (kept beside the version it
/// replaced): from the old content (`file`'s) to the new one's table.
fn summary_of(file: &str, old: &[u8], new: Option<&Table>) -> String {
    let old = seen_json(file, old);
    match (old.official.as_deref(), new) {
        (Some(old), Some(new)) => {
            let lines = crate::diff::compare(old, new).summary;
            match lines.len() {
                0 => "изменений в документе нет".to_string(),
                1 => lines[0].clone(),
                n => format!("{} (изменений: {n})", lines[0]),
            }
        }
        _ => "версия с ошибками — сравнение недоступно".to_string(),
    }
}

/// The logical table (the renderers' own), with each row's place in the
/// data, so the page numbers and merges exactly as the documents do.
pub fn table_json(t: &Table) -> Json {
    let mut dept: i64 = -1;
    let mut event = 0usize;
    let rows: Vec<Json> = t
        .rows
        .iter()
        .map(|r| match r {
            Row::Department(c) => {
                dept += 1;
                event = 0;
                json!({ "kind": "department", "text": c.text, "department": dept })
            }
            Row::Event(e) => {
                let (merge, rows) = match e.merge {
                    Merge::Single => ("single", 1),
                    Merge::Start { rows } => ("start", rows),
                    Merge::Continue => ("continue", 0),
                };
                event += 1;
                json!({
                    "kind": "event",
                    "number": e.number,
                    "cells": e.cells.iter().map(|c| c.text.as_str()).collect::<Vec<_>>(),
                    "merge": merge,
                    "rows": rows,
                    "department": dept,
                    "event": event - 1,
                })
            }
        })
        .collect();
    json!({ "title": t.title, "header": t.header, "rows": rows })
}

/// `GET /api/reports`.
pub fn list(state: &State) -> Reply {
    let reports: Vec<Json> = state
        .files()
        .into_iter()
        .filter_map(|(name, path)| {
            let bytes = read(&path).ok()?;
            let text = String::from_utf8_lossy(&bytes);
            // Other TOML files (a template, a tool's settings) are not reports.
            if let Ok(doc) = text.parse::<DocumentMut>() {
                if !doc.contains_key("report") {
                    return None;
                }
            }
            let (source, report, diags) = crate::ops::check_bytes(&format!("{name}.toml"), &bytes);
            let errors = diags.iter().filter(|d| d.is_error()).count();
            let first_error = diags.iter().find(|d| d.is_error()).map(|d| {
                let paths = Paths::of(&source.text);
                diagnostic_json(d, &source, &paths)
            });
            Some(json!({
                "name": name,
                "file": path.file_name().map(|f| f.to_string_lossy().into_owned()),
                "year": report.as_ref().map(|r| r.period.year()),
                "quarter": report.as_ref().and_then(|r| match r.period {
                    crate::model::Period::Quarter { quarter, .. } => Some(quarter),
                    crate::model::Period::Year { .. } => None,
                }),
                "region": report.as_ref().and_then(|r| r.region.clone()),
                "events": report.as_ref().map(crate::model::Report::event_count),
                "errors": errors,
                "warnings": diags.len() - errors,
                "first_error": first_error,
            }))
        })
        .collect();
    Reply::Json(200, json!({ "reports": reports }))
}

/// `GET /api/reports/NAME`.
pub fn load(state: &State, name: &str) -> Reply {
    let Some(path) = state.find(name) else {
        return error(404, format!("Нет отчета «{name}» в папке"));
    };
    let bytes = match read(&path) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let file = format!("{name}.toml");
    let seen = seen_json(&file, &bytes);
    let data = data_of(&bytes);
    let (diags, table) = (&seen.diagnostics, &seen.table);
    Reply::Json(
        200,
        json!({
            "name": name,
            "file": file,
            "data": data,
            "editable": data.is_some(),
            "version": version(&bytes),
            "diagnostics": diags,
            "table": table,
        }),
    )
}

/// What the page is shown of one content of a report: its diagnostics
/// and its table as JSON, and the documents' table when it has no error.
pub(super) struct Seen {
    diagnostics: Vec<Json>,
    table: Option<Json>,
    official: Option<std::sync::Arc<Table>>,
}

/// [`Seen`] of `bytes` (file name `file`), computed once per content: the
/// page's check of an edit, the save of the same edit, the summary of what
/// the save changed and many people loading one report between two saves
/// all use one check and one layout.
pub(super) fn seen_json(file: &str, bytes: &[u8]) -> std::sync::Arc<Seen> {
    type Cache = Vec<(String, String, std::sync::Arc<Seen>)>;
    static CACHE: Mutex<Cache> = Mutex::new(Vec::new());
    const KEEP: usize = 8;
    let v = version(bytes);
    {
        let mut cache = CACHE.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(i) = cache.iter().position(|(f, ver, _)| f == file && *ver == v) {
            // The most recently used last.
            let hit = cache.remove(i);
            let seen = hit.2.clone();
            cache.push(hit);
            return seen;
        }
    }
    let (diagnostics, table) = checked(file, bytes);
    let seen = std::sync::Arc::new(Seen {
        diagnostics,
        table: table.as_ref().map(|(t, _)| table_json(t)),
        official: table.and_then(|(t, official)| official.then(|| std::sync::Arc::new(t))),
    });
    let mut cache = CACHE.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    cache.push((file.to_string(), v, seen.clone()));
    if cache.len() > KEEP {
        cache.remove(0);
    }
    seen
}

/// Why a file's TOML document cannot be edited from the page.
enum Unreadable {
    NotUtf8,
    NotToml,
}

impl Unreadable {
    fn reply(&self) -> Reply {
        match self {
            Unreadable::NotUtf8 => error(409, "Файл не в кодировке UTF-8: исправьте его в редакторе"),
            Unreadable::NotToml => {
                error(409, "Файл не читается как TOML; страница его не перезаписывает — исправьте ошибку в редакторе")
            }
        }
    }
}

/// A data file's TOML document and whether it began with a byte order
/// mark. Parsed once per content (a check on every edit would otherwise
/// parse the same file again each time), then cloned.
fn file_document(original: &[u8]) -> Result<(bool, DocumentMut), Unreadable> {
    static LAST: Mutex<Option<(String, DocumentMut)>> = Mutex::new(None);
    let text = std::str::from_utf8(original).map_err(|_| Unreadable::NotUtf8)?;
    let (bom, text) = match text.strip_prefix('\u{FEFF}') {
        Some(t) => (true, t),
        None => (false, text),
    };
    let v = version(original);
    let mut last = LAST.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((seen, doc)) = last.as_ref() {
        if *seen == v {
            return Ok((bom, doc.clone()));
        }
    }
    let doc: DocumentMut = text.parse().map_err(|_| Unreadable::NotToml)?;
    *last = Some((v, doc.clone()));
    Ok((bom, doc))
}

/// The file's text with `edit` applied to its TOML document (comments and
/// formatting kept, a byte order mark kept), as bytes.
pub(super) fn edited(
    original: &[u8],
    edit: impl FnOnce(&mut DocumentMut) -> Result<(), Reply>,
) -> Result<Vec<u8>, Reply> {
    let (bom, mut doc) = file_document(original).map_err(|u| u.reply())?;
    edit(&mut doc)?;
    let mut out = if bom { "\u{FEFF}".as_bytes().to_vec() } else { Vec::new() };
    out.extend_from_slice(doc.to_string().as_bytes());
    Ok(out)
}

/// The document the page's data would make of the file's text: the JSON
/// put into the file's TOML (comments and formatting kept), as bytes.
fn merged(original: &[u8], data: &Json) -> Result<Vec<u8>, Reply> {
    let new = data::from_json(data).map_err(|m| error(400, m))?;
    edited(original, |doc| {
        data::merge(doc, &new);
        Ok(())
    })
}

/// `POST /api/check` with `{ "data": …, "name"?: … }`: the diagnostics
/// (at the lines of the file as it would be saved, when `name` is given)
/// and the table; nothing is written.
pub fn check(state: &State, body: &Json) -> Reply {
    let data = &body["data"];
    let name = body["name"].as_str();
    let bytes = match name.and_then(|n| state.find(n)) {
        Some(path) => match read(&path).and_then(|b| merged(&b, data)) {
            Ok(b) => b,
            Err(r) => return r,
        },
        None => match data::from_json(data) {
            Ok(doc) => doc.to_string().into_bytes(),
            Err(m) => return error(400, m),
        },
    };
    let seen = seen_json(&format!("{}.toml", name.unwrap_or("data")), &bytes);
    Reply::Json(200, json!({ "diagnostics": seen.diagnostics, "table": seen.table }))
}

/// `PUT /api/reports/NAME` with `{ "data": …, "version": … }`: saves into
/// the same file, keeping the previous content under `.otchet/versions/`.
/// A version other than the file's own (it changed since the page loaded
/// it) is a conflict: 409, the file unchanged.
pub fn save(state: &State, name: &str, body: &Json, actor: &Actor) -> Reply {
    let (path, seen, guard, current) = match super::state::open_for_save(state, name, body) {
        Ok(x) => x,
        Err(r) => return r,
    };
    if version(&current.bytes) != seen {
        return Reply::Json(
            409,
            json!({
                "error": "Файл изменился на диске после того, как страница его загрузила (другое окно, редактор). \
                          Ваши правки не сохранены и остаются на странице: загрузите файл заново и внесите их снова.",
                "version": version(&current.bytes),
            }),
        );
    }
    store_data(state, name, &path, &current, &body["data"], actor, None, guard)
}

/// Saves `data` into report `name`'s file (now `current`): the common end
/// of every save — the file's TOML kept where values are equal, the old
/// content kept as a version, the save in the audit log. Call with the
/// folder's lock held.
pub(super) fn store_data(
    state: &State,
    name: &str,
    path: &Path,
    current: &Content,
    data: &Json,
    actor: &Actor,
    department: Option<&str>,
    guard: Held<'_>,
) -> Reply {
    let bytes = match merged(&current.bytes, data) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let saved = bytes != current.bytes;
    let kept = if saved {
        match replace(state, name, path, current, &bytes, actor) {
            Ok(id) => Some(id),
            Err(r) => return r,
        }
    } else {
        None
    };
    // Written: the others may save while this one is described.
    drop(guard);
    let file = format!("{name}.toml");
    // The page checked this very content while it was typed: one check.
    let seen = seen_json(&file, &bytes);
    if let Some(id) = kept {
        let summary = describe(state, name, &id, &current.bytes, &bytes);
        state.record(actor, "save", Some(name), department, &summary);
    }
    Reply::Json(
        200,
        json!({ "version": version(&bytes), "diagnostics": seen.diagnostics, "table": seen.table, "saved": saved }),
    )
}

/// A data file's content in the data file's shape, as JSON (`None` when
/// it is not TOML).
pub(super) fn data_of(bytes: &[u8]) -> Option<Json> {
    file_document(bytes).ok().map(|(_, d)| data::to_json(&d))
}

/// The diagnostics of a data file's content, as the page shows them.
pub(super) fn diagnostics(name: &str, bytes: &[u8]) -> Vec<Json> {
    seen_json(&format!("{name}.toml"), bytes).diagnostics.clone()
}

/// Replaces report `name`'s file (`path`, now `current`) with `bytes`
/// (whose table is `table`, when it has no error), keeping `current` as a
/// version first — with the report's own mode and a summary of this
/// change. Call with the folder's lock held, after checking the page's
/// version. On a failure nothing is left behind: neither the file changed
/// nor a version made.
pub(super) fn replace(
    state: &State,
    name: &str,
    path: &Path,
    current: &Content,
    bytes: &[u8],
    actor: &Actor,
) -> Result<String, Reply> {
    // What the page could not have: a file the TOML reader refuses (data
    // nested deeper than it reads, say) is never written.
    if std::str::from_utf8(bytes)
        .ok()
        .and_then(|t| t.trim_start_matches('\u{FEFF}').parse::<DocumentMut>().ok())
        .is_none()
    {
        return Err(error(
            422,
            "Данные не сохранены: в таком виде файл нельзя было бы открыть снова (слишком глубокая вложенность \
             или недопустимые знаки). Отмените последние правки и сохраните снова.",
        ));
    }
    let id = state.store.keep(name, &current.bytes, current.mode).map_err(|e| {
        let d = crate::diag::io_error("не удалось сохранить прежнюю версию", &e);
        error(500, format!("Изменения не сохранены: {}; {}", d.message, d.help.unwrap_or_default()))
    })?;
    crate::output::write_all(&[(path.to_path_buf(), bytes.to_vec())]).map_err(|d| {
        state.store.discard(name, &id);
        error(500, format!("Изменения не сохранены: {}; {}", d.message, d.help.unwrap_or_default()))
    })?;
    if let (Some(office), Some(user)) = (state.office(), actor.user.as_ref()) {
        if let Err(m) = office.set_version_author(name, &id, user) {
            eprintln!("otchet serve: автор версии не записан: {m}");
        }
    }
    Ok(id)
}

/// Keeps beside version `id` what the save from `old` to `new` (report
/// `name`'s contents) changed, and returns it. Needs no lock: called after
/// the save.
pub(super) fn describe(state: &State, name: &str, id: &str, old: &[u8], new: &[u8]) -> String {
    let file = format!("{name}.toml");
    let new = seen_json(&file, new);
    let summary = summary_of(&file, old, new.official.as_deref());
    state.store.describe(name, id, &summary);
    summary
}

/// `GET /api/reports/NAME/docx|pdf` (and `NAME.docx|.pdf`): what `otchet
/// render` writes for the saved file, byte for byte.
pub fn document_of(state: &State, name: &str, format: Format) -> Reply {
    match state.find(name) {
        Some(path) => document(&path, name, format),
        None => error(404, format!("Нет отчета «{name}» в папке")),
    }
}

/// The document of the report file at `path`.
pub fn document(path: &Path, name: &str, format: Format) -> Reply {
    let pdf = format == Format::Pdf;
    let bytes = match read(path) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let prepared = match crate::ops::prepare_bytes(path, &bytes, pdf) {
        Ok(p) => p,
        Err(f) => {
            let diags = diagnostics_json(&f.diagnostics, &f.source);
            return Reply::Json(
                422,
                json!({ "error": "В сохраненном файле есть ошибки: исправьте их, сохраните и сформируйте снова", "diagnostics": diags }),
            );
        }
    };
    match crate::ops::render_bytes(&prepared.table, &prepared.template, format, &prepared.files) {
        Ok(bytes) => document_reply(bytes, name, format),
        Err(e) => error(500, format!("Не удалось сформировать документ: {e}")),
    }
}

/// A rendered document as a reply: the PDF shown in the browser, the DOCX
/// downloaded, named `STEM.pdf` / `STEM.docx`.
pub(super) fn document_reply(bytes: Vec<u8>, stem: &str, format: Format) -> Reply {
    let pdf = format == Format::Pdf;
    Reply::File {
        bytes,
        content_type: if pdf {
            "application/pdf"
        } else {
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        },
        name: format!("{stem}.{}", format.extension()),
        inline: pdf,
    }
}
