//! A running `otchet serve` for the tests, and raw HTTP requests to it.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

use serde_json::{json, Value};

use super::BIN;

/// A running server on a folder; killed on drop.
pub struct Server {
    pub child: Child,
    pub port: u16,
    pub token: String,
    pub dir: tempfile::TempDir,
    /// The folder it serves.
    pub root: std::path::PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn start(files: &[(&str, &[u8])]) -> Server {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    let (child, port, token) = spawn(dir.path(), &[]);
    Server { child, port, token, root: dir.path().to_path_buf(), dir }
}

/// A server on the folder `root` (kept by the caller), with `env` set.
pub fn start_at(root: &std::path::Path, env: &[(&str, &str)]) -> Server {
    let (child, port, token) = spawn(root, env);
    Server { child, port, token, root: root.to_path_buf(), dir: tempfile::tempdir().unwrap() }
}

fn spawn(root: &std::path::Path, env: &[(&str, &str)]) -> (Child, u16, String) {
    let mut child = Command::new(BIN)
        .args(["serve", ".", "--no-browser"])
        .current_dir(root)
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap()).read_line(&mut line).unwrap();
    let url = line.trim();
    let rest = url.strip_prefix("http://127.0.0.1:").unwrap_or_else(|| panic!("first line: {url:?}"));
    let (port, token) = rest.split_once("/?token=").unwrap();
    assert!(token.len() >= 32 && token.chars().all(|c| c.is_ascii_hexdigit()), "{token}");
    (child, port.parse().unwrap(), token.to_string())
}

/// A response: status, headers (lower-case names), body.
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&self.body)))
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// One HTTP/1.1 request over a fresh connection (`Connection: close`).
pub fn raw(port: u16, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Resp {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).unwrap();
    let _ = s.write_all(body);
    let mut all = Vec::new();
    let _ = s.read_to_end(&mut all);
    parse(&all)
}

/// A whole HTTP/1.1 response as read from the connection.
pub fn parse(all: &[u8]) -> Resp {
    let split = all.windows(4).position(|w| w == b"\r\n\r\n").expect("a response head");
    let head = String::from_utf8_lossy(&all[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = all[split + 4..].to_vec();
    let chunked = head.to_ascii_lowercase().contains("transfer-encoding: chunked");
    if chunked {
        body = dechunk(&body);
    }
    Resp { status, headers, body }
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let end = b.windows(2).position(|w| w == b"\r\n").unwrap();
        let n = usize::from_str_radix(std::str::from_utf8(&b[..end]).unwrap().trim(), 16).unwrap();
        if n == 0 {
            return out;
        }
        out.extend_from_slice(&b[end + 2..end + 2 + n]);
        b = &b[end + 2 + n + 2..];
    }
}

impl Server {
    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
    pub fn req(&self, method: &str, path: &str, body: Option<&Value>) -> Resp {
        let bearer = format!("Bearer {}", self.token);
        let host = self.host();
        let mut headers = vec![("Host", host.as_str()), ("Authorization", bearer.as_str())];
        if body.is_some() {
            headers.push(("Content-Type", "application/json"));
        }
        let bytes = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
        raw(self.port, method, path, &headers, &bytes)
    }
    /// Loads report `name`, changes its data with `edit`, saves it.
    pub fn save_edit(&self, name: &str, edit: impl FnOnce(&mut Value)) -> Resp {
        let v = self.req("GET", &format!("/api/reports/{name}"), None).json();
        let mut data = v["data"].clone();
        edit(&mut data);
        self.req("PUT", &format!("/api/reports/{name}"), Some(&json!({ "data": data, "version": v["version"] })))
    }
    pub fn path(&self, name: &str) -> std::path::PathBuf {
        self.root.join(name)
    }
}
