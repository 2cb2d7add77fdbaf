//! Import of Word documents in the browser, on the command line's own
//! operation (`import`): the uploads, a preview, then a new report or an
//! addition to one.

use base64::Engine as _;
use serde_json::{json, Value as Json};

use super::quarter::{diag_json, stale, taken};
use super::reports::{describe, edited, replace};
use super::state::{error, read, read_content, Actor, Reply, State};
use super::store::version;
use crate::model::Period;

/// Largest single uploaded document (decoded); the JSON body limit bounds
/// the whole upload.
const MAX_UPLOAD_BYTES: usize = 24 * 1024 * 1024;
/// Most documents in one import.
const MAX_UPLOADS: usize = 64;

/// A name the page proposes for a new report: a plain file name.
fn plain_name(name: &str) -> Result<String, Reply> {
    let name = name.trim();
    let name = name.strip_suffix(".toml").unwrap_or(name);
    if name.is_empty() || crate::archive::safe_stem(name, 200) != name || name.starts_with('.') {
        return Err(error(
            400,
            format!(
                "Недопустимое имя отчета «{}»: только имя файла, без каталогов и знаков \\ / : * ? \" < > |",
                crate::archive::shown(name)
            ),
        ));
    }
    Ok(name.to_string())
}

/// The uploaded documents of a body: `files: [{ name, content (base64) }]`.
fn uploads(body: &Json) -> Result<Vec<(String, Vec<u8>)>, Reply> {
    let Some(files) = body["files"].as_array().filter(|f| !f.is_empty()) else {
        return Err(error(400, "Не выбраны документы (.docx) для переноса"));
    };
    if files.len() > MAX_UPLOADS {
        return Err(error(413, format!("За один раз переносится не больше {MAX_UPLOADS} документов")));
    }
    let mut out: Vec<(String, Vec<u8>)> = Vec::with_capacity(files.len());
    for f in files {
        let name = f["name"].as_str().unwrap_or("документ.docx");
        let name = name.rsplit(['/', '\\']).next().unwrap_or(name).to_string();
        let Some(content) = f["content"].as_str() else {
            return Err(error(400, format!("{name}: нет содержимого файла")));
        };
        if content.len() / 4 * 3 > MAX_UPLOAD_BYTES + 3 {
            return Err(error(
                413,
                format!("{name}: документ больше {} МБ — разделите его на части", MAX_UPLOAD_BYTES / (1024 * 1024)),
            ));
        }
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(content)
            .map_err(|_| error(400, format!("{name}: содержимое файла повреждено при передаче")))?;
        if let Some((first, _)) = out.iter().find(|(_, b)| *b == bytes) {
            return Err(error(
                400,
                format!("{name}: это тот же документ, что и «{first}»: его мероприятия вошли бы дважды"),
            ));
        }
        out.push((name, bytes));
    }
    Ok(out)
}

/// The registry (and departments, region, period) of report `name`, as
/// `import --registry` takes them.
fn given(state: &State, registry: Option<&str>) -> Result<crate::import::Given, Reply> {
    let mut given = crate::import::Given::default();
    let Some(name) = registry.filter(|n| !n.is_empty()) else { return Ok(given) };
    let Some(path) = state.find(name) else {
        return Err(error(404, format!("Нет отчета «{name}» в папке")));
    };
    let bytes = read(&path)?;
    let loaded = crate::load::load_bytes(&format!("{name}.toml"), &bytes)
        .map_err(|_| error(422, format!("В отчете «{name}» есть ошибки: исправьте их, чтобы взять его реестр")))?;
    given.take_registry(&loaded.report);
    Ok(given)
}

/// An import of uploaded documents, checked as `otchet import` checks it:
/// the data file's text, its report, every warning (by file).
struct Imported {
    toml: String,
    report: crate::model::Report,
    warnings: Vec<Json>,
    period: Period,
}

fn import(state: &State, body: &Json) -> Result<Imported, Reply> {
    let files = uploads(body)?;
    // Added into a report, the documents' agreements are matched by their
    // titles against that report's own registry (a key made up from a
    // title could name another of its agreements).
    let registry = body["add"].as_str().filter(|n| !n.is_empty()).or(body["registry"].as_str());
    let given = given(state, registry)?;
    let template = crate::template::Template::official();
    let inputs: Vec<crate::import::Input<'_>> =
        files.iter().map(|(name, bytes)| crate::import::Input { name, bytes }).collect();
    let checked = match crate::ops::import_checked(&inputs, &template, &given, "import.toml") {
        Ok(c) => c,
        Err(crate::ops::ImportRefused::Document(m)) => {
            return Err(Reply::Json(
                422,
                json!({
                    "error": format!("{}: {}", files[m.file].0, m.diagnostic.message),
                    "diagnostics": [diag_json(Some(&files[m.file].0), &m.diagnostic)],
                }),
            ))
        }
        Err(crate::ops::ImportRefused::Data { failure, imported }) => {
            // Data the loader refuses (as import says it): each at its row.
            let list: Vec<Json> = crate::import::refusing(&failure.diagnostics)
                .map(|d| {
                    let origin = d.span.as_ref().and_then(|s| imported.origin_at(s.start));
                    let file = origin.map(|o| files[o.file].0.as_str());
                    let mut j = diag_json(file, d);
                    if let Some(o) = origin {
                        j["message"] = json!(format!("{}: {}", o.at, d.message));
                    }
                    j
                })
                .collect();
            return Err(Reply::Json(
                422,
                json!({ "error": "Эти данные otchet не принимает: исправьте строки в документе и повторите", "diagnostics": list }),
            ));
        }
    };
    let imported = checked.imported;
    let mut warnings: Vec<Json> =
        imported.warnings.iter().map(|w| diag_json(Some(&files[w.file].0), &w.diagnostic)).collect();
    warnings.extend(checked.found.iter().map(|d| diag_json(None, d)));
    let Some(report) = checked.report else {
        return Err(error(500, "Перенесенные данные не читаются"));
    };
    Ok(Imported { toml: imported.toml, report, warnings, period: imported.period })
}

/// The events an import found, for the preview.
fn events_json(report: &crate::model::Report) -> Vec<Json> {
    let table = crate::layout::build(report, &crate::template::Template::official());
    let mut department = String::new();
    let mut out = Vec::new();
    for row in &table.rows {
        match row {
            crate::layout::Row::Department(c) => department.clone_from(&c.text),
            crate::layout::Row::Event(e) => out.push(json!({
                "department": department,
                "number": e.number,
                "agreement": e.cells[1].text,
                "title": e.cells[2].text,
                "dates": e.cells[3].text,
            })),
        }
    }
    out
}

/// `POST /api/import/preview`: what the documents give; nothing written.
pub fn preview(state: &State, body: &Json) -> Reply {
    let imported = match import(state, body) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let r = &imported.report;
    let suggested = match imported.period {
        Period::Quarter { year, quarter } => format!("{year}-q{quarter}"),
        Period::Year { year } => format!("{year}"),
    };
    Reply::Json(
        200,
        json!({
            "period": imported.period.label(),
            "suggested": suggested,
            "departments": r.departments.len(),
            "events": events_json(r),
            "agreements": r.agreements.len(),
            "warnings": imported.warnings,
            "toml": imported.toml,
        }),
    )
}

/// `POST /api/import`: `{ files, registry?, new: NAME }` writes a new report
/// (never over an existing file); `{ files, registry?, add: NAME, version }`
/// adds the departments and events to report NAME (its previous content
/// kept as a version).
pub fn create(state: &State, body: &Json, actor: &Actor) -> Reply {
    let imported = match import(state, body) {
        Ok(i) => i,
        Err(r) => return r,
    };
    if let Some(name) = body["new"].as_str() {
        let name = match plain_name(name) {
            Ok(n) => n,
            Err(r) => return r,
        };
        let _guard = match state.lock() {
            Ok(g) => g,
            Err(r) => return r,
        };
        if taken(state, &name) {
            return error(409, format!("Отчет «{name}» уже есть в папке: выберите другое имя"));
        }
        let path = state.dir.join(format!("{name}.toml"));
        if let Err(d) = crate::output::write_new(&path, imported.toml.as_bytes()) {
            return error(500, format!("Не удалось записать файл: {}", d.message));
        }
        state.record(actor, "import", Some(&name), None, "новый отчет из документов Word");
        return Reply::Json(200, json!({ "name": name, "warnings": imported.warnings }));
    }
    let Some(name) = body["add"].as_str() else {
        return error(400, "Укажите, куда перенести данные: новый отчет (new) или существующий (add)");
    };
    let Some(path) = state.find(name) else {
        return error(404, format!("Нет отчета «{name}» в папке"));
    };
    // Another period's documents are never added to a report.
    let target_period = given(state, Some(name)).ok().and_then(|g| g.registry_period);
    if let Some(want) = target_period.filter(|p| *p != imported.period) {
        return error(
            422,
            format!(
                "Документы — за {}, а отчет «{name}» — за {}: ничего не добавлено. Выберите отчет того же периода или создайте новый.",
                imported.period.label(),
                want.label()
            ),
        );
    }
    let _guard = match state.lock() {
        Ok(g) => g,
        Err(r) => return r,
    };
    let current = match read_content(&path) {
        Ok(b) => b,
        Err(r) => return r,
    };
    if body["version"].as_str() != Some(version(&current.bytes).as_str()) {
        return stale(&current.bytes);
    }
    let new: toml_edit::DocumentMut = match imported.toml.parse() {
        Ok(d) => d,
        Err(_) => return error(500, "Перенесенные данные не читаются"),
    };
    let bytes = match edited(&current.bytes, |doc| super::data::append_import(doc, &new).map_err(|m| error(409, m))) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let id = match replace(state, name, &path, &current, &bytes, actor) {
        Ok(id) => id,
        Err(r) => return r,
    };
    describe(state, name, &id, &current.bytes, &bytes);
    state.record(actor, "import", Some(name), None, "добавлены мероприятия из документов Word");
    Reply::Json(200, json!({ "name": name, "version": version(&bytes), "warnings": imported.warnings }))
}
