//! Departments' sections on the office server: a department user's save
//! (its own events only, merged into whatever else changed meanwhile) and
//! the sections' statuses — draft → submitted → accepted, or submitted →
//! returned (with a remark) → submitted again; the coordinator may reopen
//! an accepted section.

use serde_json::{json, Value as Json};

use super::reports;
use super::state::{error, read, Actor, Reply, State};
use super::store::version;
use crate::office::{Role, User};
use crate::text::normalize_title;

/// The statuses a section may have.
pub const STATUSES: &[&str] = &["draft", "submitted", "accepted", "returned"];

/// The status in the clerks' words.
pub fn label(status: &str) -> &'static str {
    match status {
        "submitted" => "Готов к проверке",
        "accepted" => "Принят",
        "returned" => "На доработке",
        _ => "Черновик",
    }
}

/// The index of the department called `name` in the data's sections.
fn section_of(data: &Json, name: &str) -> Option<usize> {
    let want = normalize_title(name);
    data["department"].as_array()?.iter().position(|d| d["name"].as_str().is_some_and(|n| normalize_title(n) == want))
}

fn events(data: &Json, i: usize) -> Json {
    data["department"][i].get("event").cloned().unwrap_or(Json::Array(Vec::new()))
}

fn set_events(data: &mut Json, i: usize, events: Json) {
    if let Some(d) = data["department"].get_mut(i).and_then(Json::as_object_mut) {
        d.insert("event".into(), events);
    }
}

/// The content the page loaded (`seen`): the file's, or a kept version's.
fn base(state: &State, name: &str, current: &[u8], seen: &str) -> Option<Vec<u8>> {
    if version(current) == seen {
        return Some(current.to_vec());
    }
    let id = state.store.find(name, seen)?;
    state.store.read(name, &id).ok()
}

/// The status of `department` in report `name` (`draft` when none set).
pub fn status_of(state: &State, name: &str, department: &str) -> String {
    let want = normalize_title(department);
    state
        .office()
        .and_then(|o| o.statuses(name).ok())
        .and_then(|list| list.into_iter().find(|s| normalize_title(&s.department) == want))
        .map_or_else(|| "draft".to_string(), |s| s.status)
}

/// `PUT /api/reports/NAME` by a department user: only the events of its
/// own section may differ from what the page loaded (else 403, nothing
/// written); they land on the file as it is now — other sections' changes
/// since kept — unless its own section changed meanwhile (409).
pub fn save(state: &State, name: &str, body: &Json, actor: &Actor, user: &User) -> Reply {
    let department = user.department.clone().unwrap_or_default();
    let (path, seen, guard, current) = match super::state::open_for_save(state, name, body) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let stale = || {
        Reply::Json(
            409,
            json!({
                "error": "Ваш раздел изменился после того, как страница загрузила отчет. Ваши правки не сохранены и остаются на странице: загрузите отчет заново и внесите их снова.",
                "version": version(&current.bytes),
            }),
        )
    };
    let Some(base) = base(state, name, &current.bytes, &seen) else { return stale() };
    let (Some(base_json), Some(cur_json)) = (reports::data_of(&base), reports::data_of(&current.bytes)) else {
        return error(409, "Файл отчета не читается: его исправляет координатор");
    };
    let Some(i) = section_of(&base_json, &department) else {
        return error(403, format!("В отчете нет раздела «{department}»: его добавляет координатор"));
    };
    let new = &body["data"];
    let mut only_own = new.clone();
    set_events(&mut only_own, i, events(&base_json, i));
    if only_own != base_json || section_of(new, &department) != Some(i) {
        return error(
            403,
            format!(
                "Департамент меняет только мероприятия своего раздела «{department}»: реестр соглашений, период, заголовок \
                 и разделы других департаментов меняет координатор. Ничего не сохранено."
            ),
        );
    }
    let status = status_of(state, name, &department);
    if status == "submitted" || status == "accepted" {
        return error(
            403,
            format!("Раздел сдан ({}): менять его нельзя, пока координатор не вернет его на доработку", label(&status)),
        );
    }
    let Some(j) = section_of(&cur_json, &department) else { return stale() };
    if events(&cur_json, j) != events(&base_json, i) {
        return stale();
    }
    let mut merged = cur_json;
    set_events(&mut merged, j, events(new, i));
    reports::store_data(state, name, &path, &current, &merged, actor, Some(&department), guard)
}

/// `GET /api/reports/NAME/status`: every department of the report with its
/// status.
pub fn get(state: &State, name: &str) -> Reply {
    let Some(office) = state.office() else {
        return error(404, "Статусы разделов есть только на сервере для сети");
    };
    let Some(path) = state.find(name) else {
        return error(404, format!("Нет отчета «{name}» в папке"));
    };
    let bytes = match read(&path) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let recorded = office.statuses(name).unwrap_or_default();
    let data = reports::data_of(&bytes).unwrap_or(Json::Null);
    let diags = reports::diagnostics(name, &bytes);
    let due = data["report"]["due"].as_str().map(str::to_string);
    let today = chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now()).format("%Y-%m-%d").to_string();
    let names: Vec<&str> = data["department"]
        .as_array()
        .map(|a| a.iter().filter_map(|d| d["name"].as_str()).collect())
        .unwrap_or_default();
    let list: Vec<Json> = names
        .into_iter()
        .enumerate()
        .map(|(i, d)| {
            let s = recorded.iter().find(|s| normalize_title(&s.department) == normalize_title(d));
            let status = s.map_or("draft", |s| s.status.as_str());
            let prefix = format!("/department/{i}");
            let errors = diags
                .iter()
                .filter(|x| x["severity"] == "error")
                .filter(|x| x["path"].as_str().is_some_and(|p| p == prefix || p.starts_with(&format!("{prefix}/"))))
                .count();
            let last = office.last_change(name, d).ok().flatten();
            let overdue = due.as_deref().is_some_and(|due| today.as_str() > due) && status != "accepted";
            json!({
                "department": d,
                "status": status,
                "label": label(status),
                "by": s.and_then(|s| s.by.clone()),
                "at": s.and_then(|s| s.at.clone()),
                "remark": s.and_then(|s| s.remark.clone()),
                "events": events(&data, i).as_array().map_or(0, Vec::len),
                "errors": errors,
                "last_change": last.map(|(who, at)| json!({ "by": who, "at": at })),
                "overdue": overdue,
            })
        })
        .collect();
    Reply::Json(200, json!({ "departments": list, "due": due }))
}

/// Errors in the section `i` of the report file (or with no place).
fn section_errors(bytes: &[u8], name: &str, i: usize) -> Vec<String> {
    let prefix = format!("/department/{i}");
    reports::diagnostics(name, bytes)
        .into_iter()
        .filter(|d| d["severity"] == "error")
        .filter(|d| d["path"].as_str().is_none_or(|p| p == prefix || p.starts_with(&format!("{prefix}/"))))
        .filter_map(|d| d["message"].as_str().map(str::to_string))
        .collect()
}

/// `POST /api/reports/NAME/status` with `{ department, status, remark? }`.
pub fn set(state: &State, name: &str, body: &Json, actor: &Actor) -> Reply {
    let (Some(office), Some(user)) = (state.office(), actor.user.as_ref()) else {
        return error(404, "Статусы разделов есть только на сервере для сети");
    };
    let Some(path) = state.find(name) else {
        return error(404, format!("Нет отчета «{name}» в папке"));
    };
    let (Some(department), Some(to)) = (body["department"].as_str(), body["status"].as_str()) else {
        return error(400, "Укажите департамент и новый статус раздела");
    };
    if !STATUSES.contains(&to) {
        return error(422, "Неизвестный статус: черновик, готов к проверке, принят или на доработке");
    }
    let remark = body["remark"].as_str().map(str::trim).filter(|r| !r.is_empty());
    let _guard = match state.lock() {
        Ok(g) => g,
        Err(r) => return r,
    };
    let bytes = match read(&path) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let data = reports::data_of(&bytes).unwrap_or(Json::Null);
    let Some(i) = section_of(&data, department) else {
        return error(404, format!("В отчете нет раздела «{department}»"));
    };
    let department = data["department"][i]["name"].as_str().unwrap_or(department).to_string();
    let from = status_of(state, name, &department);
    let refuse = |m: String| error(422, m);
    match user.role {
        Role::Department => {
            if user.department.as_deref().map(normalize_title) != Some(normalize_title(&department)) {
                return error(403, "Департамент сдает только свой раздел");
            }
            if to != "submitted" {
                return error(403, "Принимает раздел или возвращает его на доработку координатор");
            }
            if from == "submitted" || from == "accepted" {
                return refuse(format!("Раздел уже сдан: {}", label(&from)));
            }
            let errors = section_errors(&bytes, name, i);
            if !errors.is_empty() {
                return refuse(format!(
                    "Раздел не сдан: в нем есть ошибки ({}). Исправьте их и сохраните, затем сдайте снова. Первая: {}",
                    errors.len(),
                    errors[0]
                ));
            }
        }
        Role::Coordinator => match (from.as_str(), to) {
            ("submitted", "accepted") | ("accepted", "draft") => {}
            ("submitted" | "accepted", "returned") if remark.is_some() => {}
            ("submitted" | "accepted", "returned") => {
                return refuse("Напишите, что исправить: раздел возвращается на доработку с замечанием".into());
            }
            (_, "submitted") => return refuse("Раздел сдает сам департамент".into()),
            _ => {
                return refuse(format!(
                    "Так нельзя: раздел сейчас «{}», а стать «{}» он может только после сдачи департаментом",
                    label(&from),
                    label(to)
                ))
            }
        },
        Role::Reader => return error(403, "Ваша роль — читатель: статусы меняют координатор и департаменты"),
    }
    if let Err(m) = office.set_status(name, &department, to, user, remark) {
        return error(503, format!("Статус не изменен: {m}"));
    }
    let detail = match remark {
        Some(r) => format!("{} → {}: {r}", label(&from), label(to)),
        None => format!("{} → {}", label(&from), label(to)),
    };
    state.record(actor, "status", Some(name), Some(&department), &detail);
    Reply::Json(200, json!({ "department": department, "status": to, "label": label(to), "remark": remark }))
}

/// `GET /api/users`: every account (coordinator only; checked before).
pub fn users(state: &State) -> Reply {
    let Some(office) = state.office() else {
        return error(404, "Пользователи есть только на сервере для сети");
    };
    match office.users() {
        Ok(list) => Reply::Json(
            200,
            json!({ "users": list.iter().map(|u| json!({
                "login": u.login, "name": u.name, "role": u.role.as_str(), "department": u.department,
            })).collect::<Vec<_>>() }),
        ),
        Err(m) => error(503, m),
    }
}

/// `POST /api/users` `{ login, role, department?, name? }`: a new account
/// with a generated password, shown in this answer only.
pub fn add_user(state: &State, body: &Json, actor: &Actor) -> Reply {
    let Some(office) = state.office() else {
        return error(404, "Пользователи есть только на сервере для сети");
    };
    let (Some(login), Some(role)) = (body["login"].as_str(), body["role"].as_str().and_then(Role::parse)) else {
        return error(400, "Укажите имя входа и роль: координатор, департамент или читатель");
    };
    let login = login.trim();
    let department = body["department"].as_str().map(str::trim).filter(|d| !d.is_empty()).map(str::to_string);
    let name = body["name"].as_str().map(str::trim).filter(|n| !n.is_empty()).unwrap_or(login).to_string();
    let password = match crate::office::generate_password() {
        Ok(p) => p,
        Err(m) => return error(503, m),
    };
    let user = User { login: login.to_string(), name, role, department };
    if let Err(m) = office.add_user(&user, &password) {
        return error(422, crate::text::capitalize(&m));
    }
    state.record(
        actor,
        "user-add",
        None,
        user.department.as_deref(),
        &format!("добавлен пользователь {} ({})", user.login, role.label()),
    );
    Reply::Json(200, json!({ "login": user.login, "password": password }))
}

/// `DELETE /api/users/LOGIN`.
pub fn remove_user(state: &State, login: &str, actor: &Actor) -> Reply {
    let Some(office) = state.office() else {
        return error(404, "Пользователи есть только на сервере для сети");
    };
    if actor.user.as_ref().is_some_and(|u| u.login == login) {
        return error(422, "Свою учетную запись удалить нельзя: это делает другой координатор");
    }
    if let Err(m) = office.remove_user(login) {
        return error(404, crate::text::capitalize(&m));
    }
    state.record(actor, "user-remove", None, None, &format!("удален пользователь {login}"));
    Reply::Json(200, json!({ "login": login }))
}

/// `POST /api/users/LOGIN/password`: a new generated password (the
/// account's sessions end).
pub fn reset_password(state: &State, login: &str, actor: &Actor) -> Reply {
    let Some(office) = state.office() else {
        return error(404, "Пользователи есть только на сервере для сети");
    };
    let password = match crate::office::generate_password() {
        Ok(p) => p,
        Err(m) => return error(503, m),
    };
    if let Err(m) = office.set_password(login, &password) {
        return error(404, crate::text::capitalize(&m));
    }
    state.record(actor, "user-password", None, None, &format!("сменен пароль пользователя {login}"));
    Reply::Json(200, json!({ "login": login, "password": password }))
}
