//! The HTTP face: every request checked (Host, token, Origin, body size),
//! then routed to [`super::reports`]; responses as JSON, HTML or documents.

use std::io::Read;

use serde_json::{json, Value as Json};
use tiny_http::{Header, Method, Request, Response};

use super::quarter;
use super::reports::{self, Reply, State};

/// Largest request body: a data file (16 MB) as JSON, with room.
pub const MAX_BODY_BYTES: usize = 2 * crate::load::MAX_FILE_BYTES as usize;

/// The page's files, inside the binary (no CDN, no network).
const INDEX_HTML: &str = include_str!("assets/index.html");
const REPORT_HTML: &str = include_str!("assets/report.html");
const APP_JS: &str = include_str!("assets/app.js");
const STYLE_CSS: &str = include_str!("assets/style.css");

/// 128 random bits from the operating system, as hex.
pub fn new_token() -> Result<String, String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|_| "операционная система не дала случайных чисел для ключа доступа".to_string())?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Compares without an early exit (the token's bytes cannot be guessed one
/// at a time from response times).
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn header<'a>(r: &'a Request, name: &str) -> Option<&'a str> {
    r.headers().iter().find(|h| h.field.as_str().as_str().eq_ignore_ascii_case(name)).map(|h| h.value.as_str())
}

fn h(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("a valid header")
}

/// The headers every response carries.
fn guarded<R: Read>(resp: Response<R>) -> Response<R> {
    // Content-Length always (a download shows its progress), never chunked.
    let mut resp = resp.with_chunked_threshold(usize::MAX);
    for (k, v) in [
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "no-referrer"),
        ("Cache-Control", "no-store"),
        (
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'",
        ),
    ] {
        resp.add_header(h(k, v));
    }
    resp
}

fn send<R: Read>(request: Request, resp: Response<R>) {
    let _ = request.respond(guarded(resp));
}

fn json_response(status: u16, body: &Json) -> Response<std::io::Cursor<Vec<u8>>> {
    Response::from_data(body.to_string().into_bytes())
        .with_status_code(status)
        .with_header(h("Content-Type", "application/json; charset=utf-8"))
}

fn error(status: u16, message: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    json_response(status, &json!({ "error": message }))
}

/// Splits `/a/b?x=1&y=2` into the decoded path and the query pairs.
fn split_url(url: &str) -> (Option<String>, Vec<(String, String)>) {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let pairs = query
        .split('&')
        .filter(|p| !p.is_empty())
        .filter_map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            Some((percent_decode(k)?, percent_decode(v)?))
        })
        .collect();
    (percent_decode(path), pairs)
}

/// `%XX` decoding of a URL component into UTF-8; `None` when malformed.
fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// How the request proved it may come in.
#[derive(PartialEq)]
enum Auth {
    Query,
    Cookie,
    Bearer,
}

/// Answers one request.
pub fn handle(state: &State, mut request: Request) {
    let port = state.port;
    // DNS rebinding: only our own address names this server.
    let host_ok =
        header(&request, "Host").is_some_and(|v| v == format!("127.0.0.1:{port}") || v == format!("localhost:{port}"));
    if !host_ok {
        return send(
            request,
            error(
                403,
                "Запрос отклонен: неверный заголовок Host (допустим только 127.0.0.1 или localhost с портом сервера)",
            ),
        );
    }
    let (path, query) = split_url(request.url());
    let Some(path) = path else { return send(request, error(400, "Неверный адрес запроса")) };
    let cookie_name = format!("otchet_token_{port}");
    let from_query = query.iter().find(|(k, _)| k == "token").map(|(_, v)| v.as_str());
    let from_cookie = header(&request, "Cookie").and_then(|c| {
        c.split(';')
            .filter_map(|p| p.trim().split_once('='))
            .find(|(k, _)| *k == cookie_name)
            .map(|(_, v)| v.to_string())
    });
    let from_bearer = header(&request, "Authorization").and_then(|v| v.strip_prefix("Bearer ")).map(str::trim);
    let auth = if from_query.is_some_and(|t| same(t, &state.token)) {
        Some(Auth::Query)
    } else if from_cookie.as_deref().is_some_and(|t| same(t, &state.token)) {
        Some(Auth::Cookie)
    } else if from_bearer.is_some_and(|t| same(t, &state.token)) {
        Some(Auth::Bearer)
    } else {
        None
    };
    let Some(auth) = auth else {
        return send(
            request,
            error(
                403,
                "Нет доступа: откройте адрес с ключом доступа (token), который otchet serve напечатал при запуске",
            ),
        );
    };
    let method = request.method().clone();
    let changes = !matches!(method, Method::Get | Method::Head | Method::Options);
    if changes {
        // CSRF: a page of another site may not change anything here.
        if let Some(origin) = header(&request, "Origin") {
            if origin != format!("http://127.0.0.1:{port}") && origin != format!("http://localhost:{port}") {
                return send(request, error(403, "Запрос отклонен: он пришел со страницы другого сайта (Origin)"));
            }
        }
    }
    // The first visit with ?token=: the cookie, and the address without it.
    if auth == Auth::Query && method == Method::Get && !path.starts_with("/api/") {
        let cookie = format!("{cookie_name}={}; HttpOnly; SameSite=Strict; Path=/", state.token);
        let resp =
            Response::empty(303).with_header(h("Location", &encode_path(&path))).with_header(h("Set-Cookie", &cookie));
        return send(request, resp);
    }
    let body = if changes {
        match read_body(&mut request) {
            Ok(b) => Some(b),
            Err(resp) => return send(request, resp),
        }
    } else {
        None
    };
    let reply = route(state, &method, &path, &query, body.as_ref());
    match reply {
        Reply::Json(status, v) => send(request, json_response(status, &v)),
        Reply::Page(html) => send(request, html_response(html)),
        Reply::File { bytes, content_type, name, inline } => {
            let disposition = format!(
                "{}; filename*=UTF-8''{}",
                if inline { "inline" } else { "attachment" },
                encode_component(&name)
            );
            send(
                request,
                Response::from_data(bytes)
                    .with_header(h("Content-Type", content_type))
                    .with_header(h("Content-Disposition", &disposition)),
            );
        }
        Reply::Static(text, content_type) => {
            send(request, Response::from_data(text.as_bytes().to_vec()).with_header(h("Content-Type", content_type)));
        }
    }
}

fn html_response(html: String) -> Response<std::io::Cursor<Vec<u8>>> {
    Response::from_data(html.into_bytes()).with_header(h("Content-Type", "text/html; charset=utf-8"))
}

/// The body, at most [`MAX_BODY_BYTES`], as JSON.
fn read_body(request: &mut Request) -> Result<Json, Response<std::io::Cursor<Vec<u8>>>> {
    let too_big = || error(413, &format!("Запрос слишком велик: больше {} МБ", MAX_BODY_BYTES / (1024 * 1024)));
    if request.body_length().is_some_and(|n| n > MAX_BODY_BYTES) {
        return Err(too_big());
    }
    let mut bytes = Vec::new();
    if request.as_reader().take(MAX_BODY_BYTES as u64 + 1).read_to_end(&mut bytes).is_err() {
        return Err(error(400, "Тело запроса не прочитано"));
    }
    if bytes.len() > MAX_BODY_BYTES {
        return Err(too_big());
    }
    if bytes.is_empty() {
        return Ok(Json::Null);
    }
    serde_json::from_slice(&bytes)
        .map_err(|e| error(400, &format!("Тело запроса — не JSON (строка {}, позиция {})", e.line(), e.column())))
}

fn route(state: &State, method: &Method, path: &str, query: &[(String, String)], body: Option<&Json>) -> Reply {
    let not_found = || Reply::Json(404, json!({ "error": "Нет такой страницы" }));
    let get = *method == Method::Get || *method == Method::Head;
    let post = *method == Method::Post;
    let body = body.unwrap_or(&Json::Null);
    let param = |k: &str| query.iter().find(|(q, _)| q == k).map(|(_, v)| v.as_str());
    match path {
        "/" if get => Reply::Page(INDEX_HTML.to_string()),
        "/static/app.js" if get => Reply::Static(APP_JS, "text/javascript; charset=utf-8"),
        "/static/style.css" if get => Reply::Static(STYLE_CSS, "text/css; charset=utf-8"),
        "/api/reports" if get => reports::list(state),
        "/api/check" if post => reports::check(state, body),
        "/api/import/preview" if post => quarter::preview(state, body),
        "/api/import" if post => quarter::create(state, body),
        "/api/archive" if get => quarter::archive(state),
        "/api/archive/restore" if post => quarter::restore_data(state, body),
        "/api/annual.docx" | "/api/annual.pdf" if get => {
            let format =
                if path.ends_with(".pdf") { crate::render::Format::Pdf } else { crate::render::Format::Docx };
            quarter::annual(state, param("names").unwrap_or(""), param("partial") == Some("1"), format)
        }
        _ => {
            if let Some(name) = path.strip_prefix("/reports/") {
                if !get {
                    return not_found();
                }
                return match state.find(name) {
                    Some(_) => Reply::Page(REPORT_HTML.to_string()),
                    None => Reply::Page(INDEX_HTML.to_string()),
                };
            }
            let Some(rest) = path.strip_prefix("/api/reports/") else { return not_found() };
            // NAME/next, NAME/versions, NAME/versions/ID[.docx], NAME/versions/ID/restore
            // (a report's name is a file name: it has no "/").
            let parts: Vec<&str> = rest.split('/').collect();
            match (parts.as_slice(), get, post) {
                ([name, "next"], _, true) => return quarter::next(state, name),
                ([name, "versions"], true, _) => return quarter::versions(state, name),
                ([name, "versions", id], true, _) => {
                    let docx = id.strip_suffix(".docx");
                    return quarter::version_changes(state, name, docx.unwrap_or(id), docx.is_some());
                }
                ([name, "versions", id, "restore"], _, true) => return quarter::restore(state, name, id, body),
                ([_], _, _) => {}
                _ => return not_found(),
            }
            if get {
                // NAME.docx / NAME.pdf when NAME is a report (a report may
                // itself be called "x.pdf").
                for (ext, format) in [(".docx", crate::render::Format::Docx), (".pdf", crate::render::Format::Pdf)] {
                    if let Some((name, path)) = rest.strip_suffix(ext).and_then(|n| Some((n, state.find(n)?))) {
                        return reports::document(&path, name, format);
                    }
                }
                return reports::load(state, rest);
            }
            if *method == Method::Put {
                return reports::save(state, rest, body);
            }
            not_found()
        }
    }
}

/// A path for a Location header: each segment percent-encoded.
fn encode_path(path: &str) -> String {
    path.split('/').map(encode_component).collect::<Vec<_>>().join("/")
}

/// RFC 3986 percent-encoding of everything but unreserved characters.
fn encode_component(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_decode_and_encode() {
        let (p, q) = split_url("/reports/2020-q4%20%D0%BE?token=ab&x=1");
        assert_eq!(p.as_deref(), Some("/reports/2020-q4 о"));
        assert_eq!(q, [("token".to_string(), "ab".to_string()), ("x".to_string(), "1".to_string())]);
        assert_eq!(split_url("/%zz").0, None);
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
