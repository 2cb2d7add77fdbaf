//! The quarter's workflow in the browser, on the operations the command
//! line uses too: the next quarter (`new`), the departments' forms
//! (`forms`), versions with their changes (`diff`) and restore, the annual
//! report (`annual`), the archive of PDFs (`extract`). Import is in
//! [`super::imports`].

use std::path::PathBuf;

use serde_json::{json, Value as Json};

use super::reports::{describe, document_reply, replace};
use super::state::{error, read, read_content, Actor, Reply, State};
use super::store::version;
use crate::diag::{Diagnostic, Severity};
use crate::model::Period;
use crate::render::Format;

/// A diagnostic as the page shows it.
pub(super) fn diag_json(file: Option<&str>, d: &Diagnostic) -> Json {
    json!({
        "file": file,
        "severity": if d.severity == Severity::Error { "error" } else { "warning" },
        "message": d.message,
        "hint": d.help,
        "text": super::words::page(&d.message, None, ""),
        "advice": d.help.as_deref().map(|h| super::words::page(h, None, "")),
    })
}

/// The answer to a page whose version of the report is not the file's.
pub(super) fn stale(current: &[u8]) -> Reply {
    Reply::Json(
        409,
        json!({ "error": "Отчет изменился после того, как страница его загрузила: откройте его заново", "version": version(current) }),
    )
}

/// The report names of the folder (for new files' names).
pub(super) fn taken(state: &State, name: &str) -> bool {
    state.find(name).is_some() || crate::output::name_taken(&state.dir.join(format!("{name}.toml")))
}

/// `POST /api/reports/NAME/next`: the next quarter's file, as `otchet new
/// --from NAME.toml` writes it (`YYYY-qQ.toml` beside it; never over an
/// existing file).
pub fn next(state: &State, name: &str, actor: &Actor) -> Reply {
    let Some(path) = state.find(name) else {
        return error(404, format!("Нет отчета «{name}» в папке"));
    };
    let Ok(loaded) =
        read(&path).map_err(|_| ()).and_then(|b| crate::load::load_bytes(&format!("{name}.toml"), &b).map_err(|_| ()))
    else {
        return error(422, "В отчете есть ошибки: исправьте их, чтобы начать следующий квартал");
    };
    let (year, quarter) = match loaded.report.period {
        Period::Quarter { year, quarter } => crate::new::next_quarter(year, quarter),
        Period::Year { year } => (year + 1, 1),
    };
    let text = crate::new::next_file(&loaded.report, year, quarter);
    let new = format!("{year}-q{quarter}");
    let _guard = match state.lock() {
        Ok(g) => g,
        Err(r) => return r,
    };
    if taken(state, &new) {
        return error(409, format!("Отчет «{new}» уже есть в папке: откройте его"));
    }
    if let Err(d) = crate::output::write_new(&state.dir.join(format!("{new}.toml")), text.as_bytes()) {
        return error(500, format!("Не удалось записать файл: {}", d.message));
    }
    state.record(actor, "next", Some(&new), None, &format!("начат следующий квартал из отчета «{name}»"));
    Reply::Json(200, json!({ "name": new, "period": Period::Quarter { year, quarter }.label() }))
}

/// `GET /api/reports/NAME/forms.zip` (every department) and
/// `GET /api/reports/NAME/forms/N.docx` (department N, from 0): the forms
/// `otchet forms NAME.toml` writes, byte for byte (the same spare rows).
pub fn forms(state: &State, name: &str, which: Option<&str>) -> Reply {
    let Some(path) = state.find(name) else {
        return error(404, format!("Нет отчета «{name}» в папке"));
    };
    let bytes = match read(&path) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let Ok(loaded) = crate::load::load_bytes(&format!("{name}.toml"), &bytes) else {
        return error(422, "В отчете есть ошибки: исправьте их, чтобы сделать формы");
    };
    let departments = &loaded.report.departments;
    let only = match which {
        None => Vec::new(),
        Some(n) => match n.strip_suffix(".docx").and_then(|i| i.parse::<usize>().ok()).and_then(|i| departments.get(i))
        {
            Some(d) => vec![d.name.value.clone()],
            None => return error(404, "Нет такого департамента в отчете"),
        },
    };
    let template = crate::template::Template::official();
    let made = match crate::forms::forms(&loaded.report, &template, crate::forms::DEFAULT_ROWS, &only) {
        Ok(m) => m,
        Err(d) => return error(422, d.message),
    };
    match (which, made.as_slice()) {
        (Some(_), [form]) => Reply::File {
            bytes: form.bytes.clone(),
            content_type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            name: form.name.clone(),
            inline: false,
        },
        (Some(_), _) => error(422, "Название департамента совпадает с другим: форма не выбрана однозначно"),
        (None, []) => error(422, "В отчете нет департаментов"),
        (None, all) => match crate::forms::zip(all) {
            Ok(bytes) => {
                Reply::File {
                    bytes, content_type: "application/zip", name: format!("{name} формы.zip"), inline: false
                }
            }
            Err(e) => error(500, format!("Не удалось собрать архив форм: {e}")),
        },
    }
}

/// When a version was kept (RFC 3339, UTC): its id starts
/// `YYYYMMDDTHHMMSS`.
fn when(id: &str) -> Option<String> {
    let t = chrono::NaiveDateTime::parse_from_str(id.get(..15)?, "%Y%m%dT%H%M%S").ok()?;
    Some(t.and_utc().format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

/// Report bytes loaded for comparing versions (a file with errors cannot
/// be compared).
fn comparable(bytes: &[u8], template: &crate::template::Template) -> Result<crate::load::Loaded, Reply> {
    crate::ops::load_bytes_checked("version.toml", bytes, template, false)
        .map_err(|f| error(422, format!("Файл с ошибками не сравнивается: {}", f.diagnostics[0].message)))
}

/// `GET /api/reports/NAME/versions`: the kept versions, newest first, each
/// with its time and the one-line summary of the change that replaced it,
/// kept when the version was made (nothing is compared here).
pub fn versions(state: &State, name: &str) -> Reply {
    if state.find(name).is_none() {
        return error(404, format!("Нет отчета «{name}» в папке"));
    }
    let authors = state.office().and_then(|o| o.version_authors(name).ok()).unwrap_or_default();
    let list: Vec<Json> = state
        .store
        .versions(name)
        .iter()
        .map(|v| {
            let summary = v.summary.clone().unwrap_or_else(|| "изменения — по кнопке «Изменения»".into());
            json!({ "id": v.id, "time": when(&v.id), "summary": summary, "author": authors.get(&v.id) })
        })
        .collect();
    Reply::Json(200, json!({ "versions": list }))
}

/// `GET /api/reports/NAME/versions/ID`: the changes since version ID as
/// `otchet diff` prints them; `…/ID.docx`: its DOCX.
pub fn version_changes(state: &State, name: &str, id: &str, docx: bool) -> Reply {
    let Some(path) = state.find(name) else {
        return error(404, format!("Нет отчета «{name}» в папке"));
    };
    let Ok(old) = state.store.read(name, id) else {
        return error(404, "Нет такой версии");
    };
    let current = match read(&path) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let template = crate::template::Template::official();
    let compared = comparable(&old, &template).and_then(|old| {
        let new = comparable(&current, &template)?;
        if !docx {
            return crate::ops::changes(&old.report, &new.report, &template, None)
                .map_err(|e| error(500, format!("Не удалось сформировать DOCX: {e}")));
        }
        // Each change under its author: the saves from this version on.
        let authors = state.office().and_then(|o| o.version_authors(name).ok()).unwrap_or_default();
        let mut chain: Vec<String> = state.store.versions(name).into_iter().map(|v| v.id).collect();
        chain.reverse();
        let from = chain.iter().position(|v| v == id).unwrap_or(chain.len());
        let chain = &chain[from..];
        let mut saves: Vec<(crate::load::Loaded, String, String)> = Vec::new();
        for (i, v) in chain.iter().enumerate() {
            let Some(author) = authors.get(v) else { continue };
            let after = match chain.get(i + 1) {
                Some(next) => state.store.read(name, next).ok().and_then(|b| comparable(&b, &template).ok()),
                None => comparable(&current, &template).ok(),
            };
            if let Some(after) = after {
                saves.push((after, author.clone(), when(v).unwrap_or_default()));
            }
        }
        let saves: Vec<(&crate::model::Report, &str, &str)> =
            saves.iter().map(|(l, a, d)| (&l.report, a.as_str(), d.as_str())).collect();
        crate::ops::changes_by(&old.report, &new.report, &template, &saves)
            .map_err(|e| error(500, format!("Не удалось сформировать DOCX: {e}")))
    });
    match compared {
        Ok((bytes, _)) if docx => document_reply(bytes, &format!("{name}-исправления"), Format::Docx),
        Ok((_, revised)) => {
            let summary =
                if revised.is_empty() { vec!["изменений нет".to_string()] } else { revised.summary };
            Reply::Json(200, json!({ "id": id, "time": when(id), "summary": summary }))
        }
        Err(r) => r,
    }
}

/// `POST /api/reports/NAME/versions/ID/restore` with `{ version }`: the
/// version becomes the file again; what it replaces is kept as a version.
pub fn restore(state: &State, name: &str, id: &str, body: &Json, actor: &Actor) -> Reply {
    let Some(path) = state.find(name) else {
        return error(404, format!("Нет отчета «{name}» в папке"));
    };
    let _guard = match state.lock() {
        Ok(g) => g,
        Err(r) => return r,
    };
    let Ok(bytes) = state.store.read(name, id) else {
        return error(404, "Нет такой версии");
    };
    let current = match read_content(&path) {
        Ok(c) => c,
        Err(r) => return r,
    };
    if body["version"].as_str() != Some(version(&current.bytes).as_str()) {
        return stale(&current.bytes);
    }
    let restored = bytes != current.bytes;
    if restored {
        let kept = match replace(state, name, &path, &current, &bytes, actor) {
            Ok(k) => k,
            Err(r) => return r,
        };
        describe(state, name, &kept, &current.bytes, &bytes);
        state.record(actor, "restore", Some(name), None, &format!("восстановлена версия {id}"));
    }
    Reply::Json(200, json!({ "version": version(&bytes), "restored": restored }))
}

/// `GET /api/annual.docx|.pdf?names=A,B,C,D[&partial=1]`: the annual report
/// of those quarters, byte-identical to `otchet annual A.toml B.toml …`
/// (the PDF carries the quarters' files); errors as `annual` reports them
/// (422 with the diagnostics, by file).
pub fn annual(state: &State, names: &[String], partial: bool, format: Format) -> Reply {
    let pdf = format == Format::Pdf;
    let (paths, loaded, merged, _) = match annual_merged(state, names, partial, pdf) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let template = crate::template::Template::official();
    let table = crate::ops::annual_table(&loaded, &merged, &template);
    let mut files: Vec<crate::ops::Carried> =
        paths.iter().zip(&loaded).map(|((_, p), l)| crate::ops::Carried::data(p, l.raw_bytes())).collect();
    crate::ops::unique_names(&mut files);
    match crate::ops::render_bytes(&table, &template, format, &files) {
        Ok(bytes) => document_reply(bytes, &format!("{}-annual", merged.period.year()), format),
        Err(e) => error(500, format!("Не удалось сформировать документ: {e}")),
    }
}

/// `GET /api/annual.json?names=…[&partial=1]`: what the annual report of
/// those quarters would be — its period and the warnings `otchet annual`
/// prints (a missing quarter, a department or agreement named two ways) —
/// or its errors (422), before any document is made.
pub fn annual_check(state: &State, names: &[String], partial: bool) -> Reply {
    match annual_merged(state, names, partial, false) {
        Ok((_, _, merged, warnings)) => {
            Reply::Json(200, json!({ "period": merged.period.label(), "warnings": warnings }))
        }
        Err(r) => r,
    }
}

type Merged = (Vec<(String, PathBuf)>, Vec<crate::load::Loaded>, crate::model::Report, Vec<Json>);

/// The quarters `names`, loaded as `otchet annual` loads them (`pdf`: with
/// the PDF fonts' glyph check) and merged; errors as 422 by file.
fn annual_merged(state: &State, names: &[String], partial: bool, pdf: bool) -> Result<Merged, Reply> {
    let mut paths = Vec::new();
    for n in names {
        match state.find(n) {
            Some(p) => paths.push((n.clone(), p)),
            None => return Err(error(404, format!("Нет отчета «{n}» в папке"))),
        }
    }
    if paths.is_empty() {
        return Err(error(400, "Выберите кварталы годового отчета"));
    }
    let template = crate::template::Template::official();
    let mut loaded = Vec::new();
    let mut problems = Vec::new();
    for (n, p) in &paths {
        let bytes = read(p)?;
        match crate::ops::load_bytes_checked(&p.display().to_string(), &bytes, &template, pdf) {
            Ok(l) => loaded.push(l),
            Err(f) => problems.extend(f.diagnostics.iter().filter(|d| d.is_error()).map(|d| diag_json(Some(n), d))),
        }
    }
    if !problems.is_empty() {
        return Err(Reply::Json(422, json!({ "error": "В отчетах кварталов есть ошибки", "diagnostics": problems })));
    }
    match crate::annual::merge(&loaded, partial) {
        Ok((merged, warnings)) => {
            // Each quarter's own warnings, then the merge's (as the CLI).
            let own =
                paths.iter().zip(&loaded).flat_map(|((n, _), l)| l.warnings.iter().map(move |d| diag_json(Some(n), d)));
            let warnings = own.chain(warnings.iter().map(|(i, d)| diag_json(Some(&paths[*i].0), d))).collect();
            Ok((paths, loaded, merged, warnings))
        }
        Err(errors) => {
            let list: Vec<Json> = errors.iter().map(|(i, d)| diag_json(Some(&paths[*i].0), d)).collect();
            Err(Reply::Json(422, json!({ "error": "Годовой отчет не собирается", "diagnostics": list })))
        }
    }
}

/// A PDF of the archive: a regular file only, never blocking.
fn read_pdf(path: &std::path::Path) -> Result<Vec<u8>, crate::diag::Diagnostic> {
    super::store::read_regular(path, crate::ops::MAX_PDF_BYTES)
        .map(|c| c.bytes)
        .map_err(|e| crate::diag::io_error("не удалось прочитать PDF", &e))
}

/// The archive's PDFs: `DIR/*.pdf` and `DIR/out/*.pdf` (regular files),
/// as (shown name, path); names come from the listings only.
fn pdfs(state: &State) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    for (prefix, dir) in [("", state.dir.clone()), ("out/", state.dir.join("out"))] {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for e in entries.flatten().filter(|e| e.file_type().is_ok_and(|t| t.is_file())) {
            let Ok(file) = e.file_name().into_string() else { continue };
            if file.to_lowercase().ends_with(".pdf") && !file.starts_with('.') {
                out.push((format!("{prefix}{file}"), e.path()));
            }
        }
    }
    out.sort();
    out
}

/// `GET /api/archive`: each PDF with its pages, the period and region of
/// the data inside (when it carries its data file) or why it cannot be
/// read.
pub fn archive(state: &State) -> Reply {
    let list: Vec<Json> = pdfs(state)
        .iter()
        .map(|(file, path)| {
            let bytes = match read_pdf(path) {
                Ok(b) => b,
                Err(d) => return json!({ "file": file, "error": d.message }),
            };
            match crate::archive::described(&bytes) {
                Ok((pages, files)) => {
                    let data: Vec<Json> = files
                        .iter()
                        .filter(|f| f.name.to_lowercase().ends_with(".toml"))
                        .map(|f| {
                            let (_, report, _) = crate::ops::check_bytes(&f.name, &f.bytes);
                            json!({
                                "name": f.name,
                                "period": report.as_ref().map(|r| r.period.label()),
                                "region": report.as_ref().and_then(|r| r.region.clone()),
                                "intact": f.checksum_ok != Some(false),
                            })
                        })
                        .collect();
                    json!({ "file": file, "pages": pages, "data": data })
                }
                Err(e) => json!({ "file": file, "error": e.to_string() }),
            }
        })
        .collect();
    Reply::Json(200, json!({ "pdfs": list }))
}

/// `POST /api/archive/restore` with `{ file, data? }`: the PDF's data
/// files — `data` names one, lists several, or is left out for all (an
/// annual PDF carries each quarter's) — extracted byte for byte into new
/// report files of the folder, named as embedded, made safe, never over an
/// existing file (a free name is chosen).
pub fn restore_data(state: &State, body: &Json, actor: &Actor) -> Reply {
    let Some(file) = body["file"].as_str() else { return error(400, "Не указан PDF") };
    let Some((_, path)) = pdfs(state).into_iter().find(|(f, _)| f == file) else {
        return error(404, format!("Нет PDF «{file}» в папке"));
    };
    let bytes = match read_pdf(&path) {
        Ok(b) => b,
        Err(d) => return error(422, d.message),
    };
    let files = match crate::archive::embedded_files(&bytes) {
        Ok(f) => f,
        Err(e) => return error(422, format!("{file}: {e}")),
    };
    // Which of its data files: one (`data`: its name), several (a list),
    // or all of them (an annual PDF carries each quarter's).
    let carried: Vec<&crate::archive::EmbeddedFile> =
        files.iter().filter(|f| f.name.to_lowercase().ends_with(".toml")).collect();
    if carried.is_empty() {
        return error(422, format!("{file}: в PDF нет файла данных (он сформирован без данных)"));
    }
    let wanted: Vec<&str> = match &body["data"] {
        Json::String(s) => vec![s.as_str()],
        Json::Array(a) => a.iter().filter_map(Json::as_str).collect(),
        _ => carried.iter().map(|f| f.name.as_str()).collect(),
    };
    // Each carried file at most once, however often it is named: a request
    // never writes more files than the PDF carries.
    let mut chosen: Vec<&crate::archive::EmbeddedFile> = Vec::new();
    for w in &wanted {
        match carried.iter().find(|f| f.name == *w) {
            Some(f) if chosen.iter().any(|c| std::ptr::eq(*c, *f)) => {}
            Some(f) => chosen.push(*f),
            None => return error(422, format!("{file}: в PDF нет данных «{w}»")),
        }
    }
    if chosen.is_empty() {
        return error(400, "Выберите, какие данные восстановить");
    }
    let _guard = match state.lock() {
        Ok(g) => g,
        Err(r) => return r,
    };
    let mut restored = Vec::new();
    for data in chosen {
        let safe = crate::archive::safe_name(&data.name).unwrap_or_else(|| data.name.clone());
        let stem = safe.strip_suffix(".toml").unwrap_or(&safe).to_string();
        let name =
            (1..1000).map(|n| if n == 1 { stem.clone() } else { format!("{stem}-{n}") }).find(|n| !taken(state, n));
        let Some(name) = name else { return error(409, "Нет свободного имени для файла") };
        if let Err(d) = crate::output::write_new(&state.dir.join(format!("{name}.toml")), &data.bytes) {
            return error(500, format!("Не удалось записать файл: {}", d.message));
        }
        state.record(actor, "archive-restore", Some(&name), None, &format!("данные из архивного PDF «{file}»"));
        let warning = (data.checksum_ok == Some(false)).then_some("файл данных изменен внутри PDF после его создания");
        restored.push(json!({ "name": name, "warning": warning }));
    }
    let first = restored[0].clone();
    Reply::Json(200, json!({ "name": first["name"], "warning": first["warning"], "restored": restored }))
}
