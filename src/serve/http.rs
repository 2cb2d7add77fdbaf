//! The HTTP face: every request checked (Host, token, Origin) before its
//! body is read, then routed to [`super::reports`] and [`super::quarter`];
//! replies as JSON, HTML or documents. The network itself (limits,
//! timeouts, threads) is [`super::net`]'s.
//!
//! The token is the only key to the data: sent by the page as
//! `Authorization: Bearer` from the page's own storage (which a browser
//! keeps per scheme, host *and port*), or as `?token=`. The cookie set on
//! the first visit opens only the page's files (the same for everyone,
//! without data): cookies are per host, not per port, so a browser sends
//! it to every local service — it must not be worth taking.

use hyper::body::Bytes;
use hyper::header::HeaderValue;
use hyper::http::request::Parts;
use hyper::Method;
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::{json, Value as Json};

use super::state::{Actor, Mode, Reply, State};
use super::{imports, quarter, reports, sections};

/// Largest request body: a data file (16 MB) as JSON, with room.
pub const MAX_BODY_BYTES: usize = 2 * crate::load::MAX_FILE_BYTES as usize;

/// The page's files, inside the binary (no CDN, no network).
const INDEX_HTML: &str = include_str!("assets/index.html");
const REPORT_HTML: &str = include_str!("assets/report.html");
const APP_JS: &str = include_str!("assets/app.js");
const STYLE_CSS: &str = include_str!("assets/style.css");
const LOGIN_HTML: &str = include_str!("assets/login.html");

/// A reply on its way out.
pub struct Resp {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

/// What the checks before the body decided.
pub enum Gate {
    /// Answered already (refused, redirected, or a file of the page).
    Answer(Resp),
    /// Admitted: the body may be read and the work done.
    Pass(Pass),
}

/// An admitted request.
pub struct Pass {
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    raw_query: String,
    actor: Actor,
    /// The session cookie's value (office mode), for signing out.
    session: Option<String>,
}

/// The reply of the work.
pub struct Outcome(pub Resp);

impl Pass {
    /// Does the request carry a body worth reading?
    pub fn wants_body(&self) -> bool {
        changes(&self.method)
    }

    /// Is its work heavy (a document, a comparison, an import, the
    /// archive)? Such work runs a few at a time.
    pub fn heavy(&self) -> bool {
        let p = self.path.as_str();
        p.starts_with("/api/annual")
            || p.starts_with("/api/import")
            || p.starts_with("/api/archive")
            || (p.starts_with("/api/reports/")
                && (p.ends_with(".docx")
                    || p.ends_with(".zip")
                    || p.ends_with(".pdf")
                    || p.ends_with("/docx")
                    || p.ends_with("/pdf")
                    || p.ends_with("/next")
                    || p.contains("/versions/")))
    }
}

fn changes(m: &Method) -> bool {
    !matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// 128 random bits from the operating system, as hex.
pub fn new_token() -> Result<String, String> {
    crate::office::random_hex(16)
}

/// Compares without an early exit (the token's bytes cannot be guessed one
/// at a time from response times).
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn header<'a>(p: &'a Parts, name: &str) -> Option<&'a str> {
    p.headers.get(name).and_then(|v| v.to_str().ok())
}

impl Resp {
    fn new(status: u16, content_type: &str, body: Vec<u8>) -> Resp {
        Resp { status, headers: vec![("Content-Type", content_type.to_string())], body }
    }

    fn with(mut self, name: &'static str, value: String) -> Resp {
        self.headers.push((name, value));
        self
    }
}

fn json_response(status: u16, body: &Json) -> Resp {
    Resp::new(status, "application/json; charset=utf-8", body.to_string().into_bytes())
}

/// A JSON error reply: `{ "error": message }`.
pub fn error(status: u16, message: &str) -> Resp {
    json_response(status, &json!({ "error": message }))
}

/// The reply to a body over [`MAX_BODY_BYTES`].
pub fn too_big() -> Resp {
    error(413, &format!("Запрос слишком велик: больше {} МБ", MAX_BODY_BYTES / (1024 * 1024)))
}

/// The reply as hyper sends it, with the headers every reply carries.
pub fn finish(state: &State, resp: Resp) -> hyper::Response<http_body_util::Full<Bytes>> {
    let mut out = hyper::Response::new(http_body_util::Full::new(Bytes::from(resp.body)));
    *out.status_mut() = hyper::StatusCode::from_u16(resp.status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    let h = out.headers_mut();
    for (k, v) in [
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "no-referrer"),
        ("Cache-Control", "no-store"),
        (
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             frame-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ),
    ] {
        h.insert(k, HeaderValue::from_static(v));
    }
    if matches!(state.mode, Mode::Office { tls: true, .. }) {
        h.insert("Strict-Transport-Security", HeaderValue::from_static("max-age=31536000"));
    }
    for (k, v) in resp.headers {
        if let Ok(v) = HeaderValue::from_str(&v) {
            h.append(k, v);
        }
    }
    out
}

/// A query's `key=value` pairs, each decoded after splitting (`+` is a
/// space in a query, never in a path).
fn query_pairs(query: &str) -> Option<Vec<(String, String)>> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            Some((query_decode(k)?, query_decode(v)?))
        })
        .collect()
}

fn query_decode(s: &str) -> Option<String> {
    percent_decode_str(&s.replace('+', " ")).decode_utf8().ok().map(|c| c.into_owned())
}

/// A path's segments, each decoded on its own: `%2F` inside a segment is
/// part of a name, never a separator.
fn segments(path: &str) -> Option<Vec<String>> {
    path.split('/').skip(1).map(|s| percent_decode_str(s).decode_utf8().ok().map(|c| c.into_owned())).collect()
}

/// How the request proved it may come in.
#[derive(PartialEq)]
enum Auth {
    /// The token (query or Bearer): everything.
    Token,
    /// The page cookie: the page's files only.
    Page,
}

/// The checks made before a body is read — by mode — and the page's own
/// files, answered here.
pub fn gate(state: &State, p: &Parts, peer: std::net::IpAddr) -> Gate {
    let path = p.uri.path().to_string();
    let raw_query = p.uri.query().unwrap_or("").to_string();
    let (Some(query), Some(_)) = (query_pairs(&raw_query), segments(&path)) else {
        return Gate::Answer(error(400, "Неверный адрес запроса"));
    };
    let asked = Asked { p, path, query, raw_query, peer };
    match &state.mode {
        Mode::Local { token, page_key } => gate_local(state.port, token, page_key, asked),
        Mode::Office { office, tls, trusted_proxy } => gate_office(office, *tls, *trusted_proxy, asked),
    }
}

/// A request as the gate sees it: its head, its decoded path and query,
/// and the peer's address.
struct Asked<'a> {
    p: &'a Parts,
    path: String,
    query: Vec<(String, String)>,
    raw_query: String,
    peer: std::net::IpAddr,
}

impl Asked<'_> {
    /// Admitted, as `actor`.
    fn pass(self, actor: Actor) -> Gate {
        let session = cookie(self.p, SESSION_COOKIE);
        Gate::Pass(Pass {
            method: self.p.method.clone(),
            path: self.path,
            query: self.query,
            raw_query: self.raw_query,
            actor,
            session,
        })
    }
}

/// The page's files (the same for everyone, no data), or `None`.
fn page_file(path: &str, get: bool) -> Option<Resp> {
    if !get {
        return None;
    }
    match path {
        "/" => Some(Resp::new(200, "text/html; charset=utf-8", INDEX_HTML.as_bytes().to_vec())),
        "/static/app.js" => Some(Resp::new(200, "text/javascript; charset=utf-8", APP_JS.as_bytes().to_vec())),
        "/static/style.css" => Some(Resp::new(200, "text/css; charset=utf-8", STYLE_CSS.as_bytes().to_vec())),
        // The same page for every name: which reports exist is data.
        p if p.starts_with("/reports/") && p.len() > "/reports/".len() && !p[9..].contains('/') => {
            Some(Resp::new(200, "text/html; charset=utf-8", REPORT_HTML.as_bytes().to_vec()))
        }
        _ => None,
    }
}

/// The local mode: Host (DNS rebinding), the token, Origin (CSRF).
fn gate_local(port: u16, token: &str, page_key: &str, asked: Asked<'_>) -> Gate {
    let (p, path, query) = (asked.p, asked.path.as_str(), &asked.query);
    let host_ok =
        header(p, "host").is_some_and(|v| v == format!("127.0.0.1:{port}") || v == format!("localhost:{port}"));
    if !host_ok {
        return Gate::Answer(error(
            403,
            "Запрос отклонен: неверный заголовок Host (допустим только 127.0.0.1 или localhost с портом сервера)",
        ));
    }
    let from_query = query.iter().find(|(k, _)| k == "token").map(|(_, v)| v.as_str());
    let from_bearer = header(p, "authorization").and_then(|v| v.strip_prefix("Bearer ")).map(str::trim);
    let cookie_name = format!("otchet_page_{port}");
    let from_cookie = cookie(p, &cookie_name);
    let auth = if from_query.is_some_and(|t| same(t, token)) || from_bearer.is_some_and(|t| same(t, token)) {
        Some(Auth::Token)
    } else if from_cookie.as_deref().is_some_and(|t| same(t, page_key)) {
        Some(Auth::Page)
    } else {
        None
    };
    let api = path.starts_with("/api/");
    let refused = || {
        Gate::Answer(error(
            403,
            "Нет доступа: откройте адрес с ключом доступа (token), который otchet serve напечатал при запуске",
        ))
    };
    let Some(auth) = auth else { return refused() };
    if auth == Auth::Page && api {
        return refused();
    }
    if changes(&p.method) {
        // CSRF: a page of another site may not change anything here.
        if let Some(origin) = header(p, "origin") {
            if origin != format!("http://127.0.0.1:{port}") && origin != format!("http://localhost:{port}") {
                return Gate::Answer(error(403, "Запрос отклонен: он пришел со страницы другого сайта (Origin)"));
            }
        }
    }
    // The first visit with ?token=: the page cookie, and the address
    // without the token; the token goes on in the fragment (never sent to
    // a server, never in a Referer), where the page takes it.
    if from_query.is_some() && p.method == Method::GET && !api {
        let cookie = format!("{cookie_name}={page_key}; HttpOnly; SameSite=Strict; Path=/");
        let location = format!("{}#token={token}", encode_path(path));
        return Gate::Answer(
            Resp::new(303, "text/plain; charset=utf-8", Vec::new())
                .with("Location", location)
                .with("Set-Cookie", cookie),
        );
    }
    let get = p.method == Method::GET || p.method == Method::HEAD;
    if !api {
        return Gate::Answer(page_file(path, get).unwrap_or_else(|| error(404, "Нет такой страницы")));
    }
    let address = asked.peer.to_string();
    asked.pass(Actor { user: None, address })
}

/// The value of cookie `name`, from every `Cookie` header.
fn cookie(p: &Parts, name: &str) -> Option<String> {
    p.headers.get_all("cookie").iter().filter_map(|v| v.to_str().ok()).find_map(|c| {
        c.split(';').filter_map(|kv| kv.trim().split_once('=')).find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
    })
}

/// The session cookie of the office server.
pub const SESSION_COOKIE: &str = "otchet_session";

/// The client's address: the peer, or — when the peer is the trusted
/// reverse proxy — the last address its `X-Forwarded-For` adds.
fn client_address(p: &Parts, peer: std::net::IpAddr, trusted_proxy: Option<std::net::IpAddr>) -> String {
    if trusted_proxy == Some(peer) {
        let forwarded = p
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|a| a.trim().parse::<std::net::IpAddr>().ok())
            .next_back();
        if let Some(a) = forwarded {
            return a.to_string();
        }
    }
    peer.to_string()
}

/// The office mode: a signed-in session for everything but the sign-in
/// page, the page's files and `POST /api/login`; Origin (CSRF) against the
/// address the browser used.
fn gate_office(
    office: &crate::office::Office,
    tls: bool,
    trusted_proxy: Option<std::net::IpAddr>,
    asked: Asked<'_>,
) -> Gate {
    let (p, path) = (asked.p, asked.path.as_str());
    let address = client_address(p, asked.peer, trusted_proxy);
    let get = p.method == Method::GET || p.method == Method::HEAD;
    if changes(&p.method) {
        let scheme = if tls || trusted_proxy.is_some() { "https" } else { "http" };
        let own = header(p, "host").map(|h| format!("{scheme}://{h}"));
        let plain = header(p, "host").map(|h| format!("http://{h}"));
        if let Some(origin) = header(p, "origin") {
            let ok = Some(origin.to_string()) == own || (!tls && Some(origin.to_string()) == plain);
            if !ok {
                return Gate::Answer(error(403, "Запрос отклонен: он пришел со страницы другого сайта (Origin)"));
            }
        }
    }
    let api = path.starts_with("/api/");
    if get && (path == "/login" || path.starts_with("/static/")) {
        let page = if path == "/login" {
            Some(Resp::new(200, "text/html; charset=utf-8", LOGIN_HTML.as_bytes().to_vec()))
        } else {
            page_file(path, true)
        };
        return Gate::Answer(page.unwrap_or_else(|| error(404, "Нет такой страницы")));
    }
    if path == "/api/login" && p.method == Method::POST {
        return asked.pass(Actor { user: None, address });
    }
    let user = match cookie(p, SESSION_COOKIE).map(|c| office.session(&c)) {
        Some(Ok(u)) => u,
        Some(Err(m)) => return Gate::Answer(error(503, &format!("Сервер временно недоступен: {m}"))),
        None => None,
    };
    let Some(user) = user else {
        if api {
            return Gate::Answer(error(401, "Войдите в систему: сеанс закончился или вход не выполнен"));
        }
        return Gate::Answer(Resp::new(303, "text/plain; charset=utf-8", Vec::new()).with("Location", "/login".into()));
    };
    if !api {
        return Gate::Answer(page_file(path, get).unwrap_or_else(|| error(404, "Нет такой страницы")));
    }
    asked.pass(Actor { user: Some(user), address })
}

/// Does the work of an admitted request.
pub fn respond(state: &State, pass: Pass, body: &[u8]) -> Outcome {
    let body = if body.is_empty() {
        Json::Null
    } else {
        match serde_json::from_slice(body) {
            Ok(j) => j,
            Err(e) => {
                return Outcome(error(
                    400,
                    &format!("Тело запроса — не JSON (строка {}, позиция {})", e.line(), e.column()),
                ))
            }
        }
    };
    if let Mode::Office { office, tls, .. } = &state.mode {
        if let Some(resp) = office_only(office, *tls, &pass, &body) {
            return Outcome(resp);
        }
    }
    Outcome(match route(state, &pass, &body) {
        Reply::Json(status, v) => json_response(status, &v),
        Reply::File { bytes, content_type, name, inline } => {
            let disposition = format!(
                "{}; filename*=UTF-8''{}",
                if inline { "inline" } else { "attachment" },
                encode_component(&name)
            );
            Resp::new(200, content_type, bytes).with("Content-Disposition", disposition)
        }
    })
}

/// The office server's own endpoints (sign-in, sign-out, who am I, the
/// audit log) and the role check of every other request: `Some` when
/// answered here.
fn office_only(office: &crate::office::Office, tls: bool, pass: &Pass, body: &Json) -> Option<Resp> {
    use crate::office::{Role, SignIn};
    let path = pass.path.as_str();
    let post = pass.method == Method::POST;
    if path == "/api/login" && post {
        let (Some(login), Some(password)) = (body["login"].as_str(), body["password"].as_str()) else {
            return Some(error(400, "Укажите имя входа и пароль"));
        };
        return Some(match office.sign_in(login, password, &pass.actor.address) {
            Err(m) => error(503, &format!("Сервер временно недоступен: {m}")),
            Ok(Err(SignIn::Wrong)) => error(401, "Неверное имя входа или пароль"),
            Ok(Err(SignIn::Throttled(wait))) => {
                error(429, &format!("Слишком много неудачных попыток входа: повторите через {} мин.", (wait + 59) / 60))
                    .with("Retry-After", wait.to_string())
            }
            Ok(Ok((user, cookie))) => {
                let secure = if tls { "; Secure" } else { "" };
                json_response(200, &me(&user))
                    .with("Set-Cookie", format!("{SESSION_COOKIE}={cookie}; HttpOnly; SameSite=Strict; Path=/{secure}"))
            }
        });
    }
    let user = pass.actor.user.as_ref()?;
    if path == "/api/logout" && post {
        if let Some(c) = &pass.session {
            if let Err(m) = office.sign_out(c) {
                return Some(error(503, &format!("Сервер временно недоступен: {m}")));
            }
        }
        let _ = office.audit(Some(&user.login), &pass.actor.address, "logout", None, None, "выход");
        let secure = if tls { "; Secure" } else { "" };
        return Some(
            json_response(200, &json!({ "ok": true }))
                .with("Set-Cookie", format!("{SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0{secure}")),
        );
    }
    let get = pass.method == Method::GET || pass.method == Method::HEAD;
    if path == "/api/me" && get {
        return Some(json_response(200, &me(user)));
    }
    let coordinator_only = path == "/api/audit" || path == "/api/users" || path.starts_with("/api/users/");
    if coordinator_only && user.role != Role::Coordinator {
        return Some(error(403, "Это доступно только координатору"));
    }
    if path == "/api/audit" && get {
        let limit = pass.query.iter().find(|(k, _)| k == "limit").and_then(|(_, v)| v.parse().ok()).unwrap_or(1000);
        return Some(match office.audit_log(limit) {
            Ok(log) => json_response(200, &json!({ "entries": log.iter().map(audit_json).collect::<Vec<_>>() })),
            Err(m) => error(503, &format!("Сервер временно недоступен: {m}")),
        });
    }
    let segs = segments(path).unwrap_or_default();
    let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
    let allowed = match user.role {
        Role::Coordinator => true,
        _ if get => true,
        _ if path == "/api/check" && post => true,
        Role::Department => matches!(
            (segs.as_slice(), &pass.method),
            (["api", "reports", _], &Method::PUT) | (["api", "reports", _, "status"], &Method::POST)
        ),
        Role::Reader => false,
    };
    if !allowed {
        return Some(error(
            403,
            match user.role {
                Role::Reader => "Ваша роль — читатель: отчеты и документы можно смотреть, но не менять",
                _ => "Это может только координатор: департамент меняет лишь мероприятия своего раздела",
            },
        ));
    }
    None
}

/// `GET /api/me`, and the answer to a sign-in.
fn me(user: &crate::office::User) -> Json {
    json!({ "login": user.login, "name": user.name, "role": user.role.as_str(), "department": user.department })
}

fn audit_json(e: &crate::office::AuditEntry) -> Json {
    json!({
        "time": e.time, "user": e.user, "address": e.address, "action": e.action,
        "report": e.report, "department": e.department, "detail": e.detail,
    })
}

/// The report names of an annual request: `names=a,b` (each name
/// percent-encoded on its own, so a name may hold a comma as `%2C`) or
/// `name=a&name=b`.
fn annual_names(pass: &Pass) -> Vec<String> {
    let mut names: Vec<String> = pass.query.iter().filter(|(k, _)| k == "name").map(|(_, v)| v.clone()).collect();
    for pair in pass.raw_query.split('&') {
        if let Some(list) = pair.strip_prefix("names=") {
            names.extend(list.split(',').filter(|n| !n.is_empty()).filter_map(query_decode));
        }
    }
    names
}

fn route(state: &State, pass: &Pass, body: &Json) -> Reply {
    let not_found = || Reply::Json(404, json!({ "error": "Нет такой страницы" }));
    let method = &pass.method;
    let get = *method == Method::GET || *method == Method::HEAD;
    let post = *method == Method::POST;
    let param = |k: &str| pass.query.iter().find(|(q, _)| q == k).map(|(_, v)| v.as_str());
    let Some(segs) = segments(&pass.path) else { return not_found() };
    let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
    use crate::render::Format::{Docx, Pdf};
    match (segs.as_slice(), get, post) {
        (["api", "reports"], true, _) => reports::list(state),
        (["api", "check"], _, true) => reports::check(state, body),
        (["api", "import", "preview"], _, true) => imports::preview(state, body),
        (["api", "import"], _, true) => imports::create(state, body, &pass.actor),
        (["api", "archive"], true, _) => quarter::archive(state),
        (["api", "archive", "restore"], _, true) => quarter::restore_data(state, body, &pass.actor),
        (["api", "annual.json"], true, _) => {
            quarter::annual_check(state, &annual_names(pass), param("partial") == Some("1"))
        }
        (["api", f @ ("annual.docx" | "annual.pdf")], true, _) => {
            let format = if f.ends_with(".pdf") { Pdf } else { Docx };
            quarter::annual(state, &annual_names(pass), param("partial") == Some("1"), format)
        }
        (["api", "reports", name, "data"], true, _) => reports::load(state, name),
        (["api", "reports", name, "docx"], true, _) => reports::document_of(state, name, Docx),
        (["api", "reports", name, "pdf"], true, _) => reports::document_of(state, name, Pdf),
        (["api", "reports", name, "forms.zip"], true, _) => quarter::forms(state, name, None),
        (["api", "reports", name, "forms", which], true, _) => quarter::forms(state, name, Some(which)),
        (["api", "reports", name, "next"], _, true) => quarter::next(state, name, &pass.actor),
        (["api", "reports", name, "versions"], true, _) => quarter::versions(state, name),
        (["api", "reports", name, "status"], true, _) => sections::get(state, name),
        (["api", "users"], true, _) => sections::users(state),
        (["api", "users"], _, true) => sections::add_user(state, body, &pass.actor),
        (["api", "users", login], _, _) if *method == Method::DELETE => {
            sections::remove_user(state, login, &pass.actor)
        }
        (["api", "users", login, "password"], _, true) => sections::reset_password(state, login, &pass.actor),
        (["api", "reports", name, "status"], _, true) => sections::set(state, name, body, &pass.actor),
        (["api", "reports", name, "versions", id], true, _) => {
            let docx = id.strip_suffix(".docx");
            quarter::version_changes(state, name, docx.unwrap_or(id), docx.is_some())
        }
        (["api", "reports", name, "versions", id, "restore"], _, true) => {
            quarter::restore(state, name, id, body, &pass.actor)
        }
        (["api", "reports", rest], true, _) => {
            // NAME.docx / NAME.pdf when NAME is a report, else the report
            // called REST itself (`/data`, `/docx`, `/pdf` never guess).
            for (ext, format) in [(".docx", Docx), (".pdf", Pdf)] {
                if let Some(stem) = rest.strip_suffix(ext).filter(|s| state.find(s).is_some()) {
                    return reports::document_of(state, stem, format);
                }
            }
            reports::load(state, rest)
        }
        (["api", "reports", name], _, _) if *method == Method::PUT => match &pass.actor.user {
            // A department saves its own section only, merged by section.
            Some(user) if user.role == crate::office::Role::Department => {
                sections::save(state, name, body, &pass.actor, user)
            }
            _ => reports::save(state, name, body, &pass.actor),
        },
        _ => not_found(),
    }
}

/// Characters a URL component keeps as they are (RFC 3986 unreserved).
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// A path for a Location header: each segment percent-encoded.
fn encode_path(path: &str) -> String {
    path.split('/')
        .map(|s| percent_decode_str(s).decode_utf8().map(|d| encode_component(&d)).unwrap_or_default())
        .collect::<Vec<_>>()
        .join("/")
}

/// RFC 3986 percent-encoding of everything but unreserved characters.
fn encode_component(s: &str) -> String {
    utf8_percent_encode(s, COMPONENT).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_decode_and_encode() {
        assert_eq!(segments("/reports/2020-q4%20%D0%BE+x").unwrap(), ["reports", "2020-q4 о+x"]);
        assert_eq!(segments("/api/reports/a%2Fb").unwrap(), ["api", "reports", "a/b"]);
        assert_eq!(
            query_pairs("token=ab&x=1+2").unwrap(),
            [("token".to_string(), "ab".to_string()), ("x".to_string(), "1 2".to_string())]
        );
        assert!(segments("/%FF").is_none());
        assert_eq!(encode_path("/reports/о q"), "/reports/%D0%BE%20q");
    }

    #[test]
    fn tokens_are_128_random_bits() {
        let (a, b) = (new_token().unwrap(), new_token().unwrap());
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
        assert!(same(&a, &a.clone()) && !same(&a, &b) && !same(&a, ""));
    }
}
