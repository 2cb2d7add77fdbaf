//! What every part of the server shares: the server's state (the folder,
//! the mode, the lock), who sends a request, and a reply.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde_json::{json, Value as Json};

use super::store::{self, Content, Store};

/// How the server lets people in.
pub enum Mode {
    /// One person on this computer: 127.0.0.1 and a per-run token.
    Local {
        /// The access token: the key to the data.
        token: String,
        /// The page cookie's value: opens the page's own files only.
        page_key: String,
    },
    /// The office: accounts, sessions, roles, the audit log.
    Office {
        /// The folder's accounts and log.
        office: crate::office::Office,
        /// Served over TLS (cookies `Secure`, HSTS).
        tls: bool,
        /// The reverse proxy trusted to name the client.
        trusted_proxy: Option<std::net::IpAddr>,
    },
}

/// Who sends a request: the signed-in user (office mode; `None` in the
/// local mode and before sign-in) and the client's address.
#[derive(Clone, Debug)]
pub struct Actor {
    /// The user.
    pub user: Option<crate::office::User>,
    /// The client's address.
    pub address: String,
}

/// What a request gets back.
pub enum Reply {
    /// A status and a JSON body.
    Json(u16, Json),
    /// A document.
    File {
        /// Its bytes.
        bytes: Vec<u8>,
        /// Its content type.
        content_type: &'static str,
        /// Its file name.
        name: String,
        /// Shown in the browser (PDF) rather than downloaded.
        inline: bool,
    },
}

/// The server's state: the folder, its port and keys, and the lock that
/// makes "check the version, then write" one step.
pub struct State {
    /// The working folder (canonical).
    pub dir: PathBuf,
    /// The port the server listens on.
    pub port: u16,
    /// How people are let in: the local token or the office's accounts.
    pub mode: Mode,
    /// The server's files in the folder (versions, the shared lock).
    pub store: Store,
    writing: Mutex<()>,
}

/// The folder's write lock, held: this process's and every other's.
pub struct Held<'a> {
    _file: std::fs::File,
    _here: std::sync::MutexGuard<'a, ()>,
}

impl State {
    /// The state of a server on `dir`.
    pub fn new(dir: PathBuf, port: u16, mode: Mode) -> State {
        let store = Store::new(&dir);
        State { dir, port, mode, store, writing: Mutex::new(()) }
    }

    /// The office (accounts, audit), in the office mode.
    pub fn office(&self) -> Option<&crate::office::Office> {
        match &self.mode {
            Mode::Office { office, .. } => Some(office),
            Mode::Local { .. } => None,
        }
    }

    /// Records what `actor` did in the audit log (office mode). A failure
    /// to record is reported on the server's console; what was done
    /// stays done.
    pub fn record(&self, actor: &Actor, action: &str, report: Option<&str>, department: Option<&str>, detail: &str) {
        if let Some(office) = self.office() {
            let login = actor.user.as_ref().map(|u| u.login.as_str());
            if let Err(m) = office.audit(login, &actor.address, action, report, department, detail) {
                eprintln!("otchet serve: запись в журнал не удалась: {m}");
            }
        }
    }

    /// The report data files directly in the folder: regular files (not
    /// links) named `*.toml`, by name. Names come from the listing only;
    /// nothing a client sends is joined to a path.
    pub fn files(&self) -> Vec<(String, PathBuf)> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else { return Vec::new() };
        let mut out: Vec<(String, PathBuf)> = entries
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .filter_map(|e| {
                let file = e.file_name().into_string().ok()?;
                let stem = crate::ops::output_stem(Path::new(&file))?;
                (stem != file && !stem.starts_with('.')).then(|| (stem, e.path()))
            })
            .collect();
        out.sort();
        out
    }

    /// Holds the folder's write lock — shared with every other otchet
    /// server on the folder: checking a version (or a free name) and
    /// writing are one step.
    pub fn lock(&self) -> Result<Held<'_>, Reply> {
        let here = self.writing.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let file = self.store.lock().map_err(|e| {
            error(500, format!("Не удалось заблокировать папку для записи: {}", crate::diag::io_reason(&e)))
        })?;
        Ok(Held { _file: file, _here: here })
    }

    /// The file of the report called `name`, if the folder has it.
    pub fn find(&self, name: &str) -> Option<PathBuf> {
        self.files().into_iter().find(|(n, _)| n == name).map(|(_, p)| p)
    }
}

/// A report file's content (a regular file only, never blocking).
pub(super) fn read_content(path: &Path) -> Result<Content, Reply> {
    store::read_regular(path, crate::load::MAX_FILE_BYTES).map_err(|e| {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        error(500, format!("Не удалось прочитать «{name}»: {}", crate::diag::io_reason(&e)))
    })
}

pub(super) fn read(path: &Path) -> Result<Vec<u8>, Reply> {
    read_content(path).map(|c| c.bytes)
}

pub(super) fn error(status: u16, message: impl Into<String>) -> Reply {
    Reply::Json(status, json!({ "error": message.into() }))
}

/// What every save starts from: the report's file, the version the page
/// loaded (`version` in the body), the folder's write lock — held — and
/// the file's content under it.
pub(super) fn open_for_save<'a>(
    state: &'a State,
    name: &str,
    body: &Json,
) -> Result<(PathBuf, String, Held<'a>, Content), Reply> {
    let Some(path) = state.find(name) else {
        return Err(error(404, format!("Нет отчета «{name}» в папке")));
    };
    let Some(seen) = body["version"].as_str() else {
        return Err(error(400, "Не указано, с какой версии отчета начата правка: загрузите отчет заново"));
    };
    let guard = state.lock()?;
    let current = read_content(&path)?;
    Ok((path, seen.to_string(), guard, current))
}
