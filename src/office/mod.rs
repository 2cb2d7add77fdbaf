//! The office: who may sign in to `otchet serve --listen`, what each may
//! do, and what everybody did. Accounts (Argon2id password hashes),
//! sessions (random ids, stored hashed), sign-in throttling, the audit
//! log, version authors and departments' statuses — all in the folder's
//! SQLite database ([`db`]). Operations return values and Russian
//! messages; the faces (`otchet users`, `otchet audit`, the server) show
//! them.

pub mod db;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use rusqlite::{params, Connection, OptionalExtension};

use crate::output::sha256_hex;

/// A session ends after this long without a request.
pub const IDLE_SECONDS: i64 = 30 * 60;
/// A session ends this long after sign-in, whatever happens.
pub const MAX_AGE_SECONDS: i64 = 10 * 60 * 60;
/// The window in which failed sign-ins are counted.
pub const FAILURE_WINDOW_SECONDS: i64 = 15 * 60;
/// Failed sign-ins for one login within the window before 429.
pub const MAX_FAILURES_PER_LOGIN: i64 = 5;
/// Failed sign-ins from one address within the window before 429.
pub const MAX_FAILURES_PER_ADDRESS: i64 = 20;
/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// The longest password accepted (Argon2 would take any; a bound on work).
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// What a user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Everything, users and the registry included.
    Coordinator,
    /// Reads every report; changes its own department's events only.
    Department,
    /// Reads, downloads, sees versions; changes nothing.
    Reader,
}

impl Role {
    /// The role's name in the contract (`coordinator`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Coordinator => "coordinator",
            Role::Department => "department",
            Role::Reader => "reader",
        }
    }

    /// The role by its name.
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "coordinator" => Some(Role::Coordinator),
            "department" => Some(Role::Department),
            "reader" => Some(Role::Reader),
            _ => None,
        }
    }

    /// The role in the clerks' words.
    pub fn label(self) -> &'static str {
        match self {
            Role::Coordinator => "координатор",
            Role::Department => "департамент",
            Role::Reader => "читатель",
        }
    }
}

/// A user account (never its password hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// The sign-in name.
    pub login: String,
    /// The display name («Ф. И. О.»), the login when none was given.
    pub name: String,
    /// What the user may do.
    pub role: Role,
    /// A department user's department, exactly as in the reports.
    pub department: Option<String>,
}

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// When (RFC 3339, UTC).
    pub time: String,
    /// Who (a login; `None` for an unknown one).
    pub user: Option<String>,
    /// From where (the client's address; «командная строка» for the CLI).
    pub address: Option<String>,
    /// What: `login`, `login-failed`, `logout`, `save`, `restore`,
    /// `import`, `next`, `archive-restore`, `status`, `user-add`,
    /// `user-remove`, `user-password`.
    pub action: String,
    /// Which report.
    pub report: Option<String>,
    /// Which department.
    pub department: Option<String>,
    /// What changed, in Russian.
    pub detail: String,
}

/// Why a sign-in failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignIn {
    /// Wrong login or password (one answer for both).
    Wrong,
    /// Too many failures: try again after this many seconds.
    Throttled(i64),
}

/// A department's status in one report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// The department, as in the report.
    pub department: String,
    /// `draft`, `submitted`, `accepted` or `returned`.
    pub status: String,
    /// Who set it (display name).
    pub by: Option<String>,
    /// When (RFC 3339, UTC).
    pub at: Option<String>,
    /// The coordinator's remark (for `returned`).
    pub remark: Option<String>,
}

/// The sections of report `report` not yet accepted, by the folder's
/// database read only (`None` when the folder has no office server's
/// database): (department, status label). Nothing is written.
pub fn unaccepted(dir: &Path, report: &str, departments: &[String]) -> Option<Vec<(String, &'static str)>> {
    let path = db_path(dir);
    if !path.is_file() {
        return None;
    }
    let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(&path, flags).ok()?;
    let mut st = conn.prepare("SELECT department, status FROM statuses WHERE report = ?1").ok()?;
    let rows: Vec<(String, String)> =
        st.query_map([report], |r| Ok((r.get(0)?, r.get(1)?))).ok()?.filter_map(Result::ok).collect();
    let label = |s: &str| match s {
        "submitted" => "готов к проверке",
        "returned" => "на доработке",
        _ => "черновик",
    };
    Some(
        departments
            .iter()
            .filter_map(|d| {
                let want = crate::text::normalize_title(d);
                let status = rows
                    .iter()
                    .find(|(n, _)| crate::text::normalize_title(n) == want)
                    .map_or("draft", |(_, s)| s.as_str());
                (status != "accepted").then(|| (d.clone(), label(status)))
            })
            .collect(),
    )
}

/// The office of one folder.
pub struct Office {
    conn: Mutex<Connection>,
    /// [`IDLE_SECONDS`] and [`MAX_AGE_SECONDS`] (shorter in the tests:
    /// `OTCHET_TEST_SESSION_IDLE`, `OTCHET_TEST_SESSION_MAX`).
    idle: i64,
    max_age: i64,
    /// A hash to verify against for an unknown login, so that a wrong
    /// login takes as long as a wrong password.
    dummy: String,
}

/// The database's path in the folder `dir`.
pub fn db_path(dir: &Path) -> PathBuf {
    dir.join(".otchet").join("otchet.db")
}

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

fn now_text() -> String {
    chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now()).format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn failed(e: &rusqlite::Error) -> String {
    format!("база данных otchet недоступна ({})", db_reason(e))
}

fn db_reason(e: &rusqlite::Error) -> String {
    match e {
        rusqlite::Error::SqliteFailure(f, _) => match f.code {
            rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked => {
                "занята другой программой; повторите".into()
            }
            rusqlite::ErrorCode::DiskFull => "нет места на диске".into(),
            rusqlite::ErrorCode::ReadOnly | rusqlite::ErrorCode::PermissionDenied => "нет прав на запись".into(),
            rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt => "файл поврежден".into(),
            _ => format!("код {}", f.extended_code),
        },
        _ => "ошибка чтения".into(),
    }
}

/// `n` random bytes as hex (the operating system's generator).
pub fn random_hex(n: usize) -> Result<String, String> {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).map_err(|_| "операционная система не дала случайных чисел".to_string())?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// A password to print once: 16 characters without look-alikes (~92 bits).
pub fn generate_password() -> Result<String, String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut out = String::new();
    while out.len() < 16 {
        let mut b = [0u8; 1];
        getrandom::fill(&mut b).map_err(|_| "операционная система не дала случайных чисел".to_string())?;
        // Rejection sampling: no bias toward the first letters.
        let limit = 256 - 256 % ALPHABET.len();
        if (b[0] as usize) < limit {
            out.push(ALPHABET[b[0] as usize % ALPHABET.len()] as char);
        }
    }
    Ok(out)
}

fn check_login(login: &str) -> Result<(), String> {
    let ok = !login.is_empty()
        && login.len() <= 64
        && login.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "недопустимое имя входа «{}»: строчные латинские буквы, цифры, точка, дефис, подчеркивание, до 64 знаков",
            crate::archive::shown(login)
        ))
    }
}

fn check_password(password: &str) -> Result<(), String> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(format!("пароль слишком короткий: нужно не меньше {MIN_PASSWORD_CHARS} знаков"));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(format!("пароль слишком длинный: не больше {MAX_PASSWORD_BYTES} байт"));
    }
    Ok(())
}

fn hash(password: &str) -> Result<String, String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|_| "не удалось вычислить хэш пароля".to_string())
}

fn user_of(row: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
    let role: String = row.get(2)?;
    Ok(User {
        login: row.get(0)?,
        name: row.get(1)?,
        role: Role::parse(&role).unwrap_or(Role::Reader),
        department: row.get(3)?,
    })
}

impl Office {
    /// The office of the folder `dir` (its database created on first use,
    /// in the server's private folder `DIR/.otchet`).
    pub fn open(dir: &Path) -> Result<Office, String> {
        let private = dir.join(".otchet");
        match std::fs::symlink_metadata(&private) {
            Ok(m) if !m.is_dir() => {
                return Err("в папке отчетов «.otchet» — не каталог (ссылка или файл): удалите его".into());
            }
            Ok(_) => {}
            Err(_) => {
                let mut b = std::fs::DirBuilder::new();
                #[cfg(unix)]
                std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
                b.create(&private).map_err(|e| {
                    format!("не удалось создать папку «{}»: {}", private.display(), crate::diag::io_reason(&e))
                })?;
            }
        }
        let conn = db::open(&db_path(dir)).map_err(|e| failed(&e))?;
        let dummy = hash("otchet-dummy-password")?;
        let env = |k: &str, default: i64| std::env::var(k).ok().and_then(|v| v.parse().ok()).unwrap_or(default);
        let (idle, max_age) =
            (env("OTCHET_TEST_SESSION_IDLE", IDLE_SECONDS), env("OTCHET_TEST_SESSION_MAX", MAX_AGE_SECONDS));
        Ok(Office { conn: Mutex::new(conn), idle, max_age, dummy })
    }

    fn db(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Adds an account. `department` is required for a department user
    /// and refused for the others.
    pub fn add_user(&self, user: &User, password: &str) -> Result<(), String> {
        check_login(&user.login)?;
        check_password(password)?;
        match (user.role, &user.department) {
            (Role::Department, None) => {
                return Err("для роли department укажите департамент (--department «название, как в отчетах»)".into());
            }
            (Role::Department, Some(d)) if d.trim().is_empty() => return Err("название департамента пустое".into()),
            (Role::Coordinator | Role::Reader, Some(_)) => {
                return Err("департамент указывается только для роли department".into());
            }
            _ => {}
        }
        if user.name.chars().any(char::is_control) || user.name.chars().count() > 200 {
            return Err("имя пользователя: до 200 знаков, без переводов строк".into());
        }
        let hash = hash(password)?;
        let t = now_text();
        let db = self.db();
        let exists: bool = db
            .query_row("SELECT 1 FROM users WHERE login = ?1", [&user.login], |_| Ok(true))
            .optional()
            .map_err(|e| failed(&e))?
            .unwrap_or(false);
        if exists {
            return Err(format!("пользователь «{}» уже есть", user.login));
        }
        db.execute(
            "INSERT INTO users (login, name, role, department, hash, created, changed) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
            params![user.login, user.name, user.role.as_str(), user.department, hash, t],
        )
        .map_err(|e| failed(&e))?;
        Ok(())
    }

    /// Every account, by login.
    pub fn users(&self) -> Result<Vec<User>, String> {
        let db = self.db();
        let mut st =
            db.prepare("SELECT login, name, role, department FROM users ORDER BY login").map_err(|e| failed(&e))?;
        let rows = st.query_map([], user_of).map_err(|e| failed(&e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(|e| failed(&e))
    }

    /// One account.
    pub fn user(&self, login: &str) -> Result<Option<User>, String> {
        self.db()
            .query_row("SELECT login, name, role, department FROM users WHERE login = ?1", [login], user_of)
            .optional()
            .map_err(|e| failed(&e))
    }

    /// Removes an account and ends its sessions.
    pub fn remove_user(&self, login: &str) -> Result<(), String> {
        let db = self.db();
        let n = db.execute("DELETE FROM users WHERE login = ?1", [login]).map_err(|e| failed(&e))?;
        if n == 0 {
            return Err(format!("нет пользователя «{}»", crate::archive::shown(login)));
        }
        db.execute("DELETE FROM sessions WHERE login = ?1", [login]).map_err(|e| failed(&e))?;
        Ok(())
    }

    /// Sets a new password and ends the account's sessions.
    pub fn set_password(&self, login: &str, password: &str) -> Result<(), String> {
        check_password(password)?;
        let hash = hash(password)?;
        let db = self.db();
        let n = db
            .execute("UPDATE users SET hash = ?2, changed = ?3 WHERE login = ?1", params![login, hash, now_text()])
            .map_err(|e| failed(&e))?;
        if n == 0 {
            return Err(format!("нет пользователя «{}»", crate::archive::shown(login)));
        }
        db.execute("DELETE FROM sessions WHERE login = ?1", [login]).map_err(|e| failed(&e))?;
        Ok(())
    }

    /// Seconds to wait before another sign-in of `login` from `address`
    /// may be tried; `None` when it may be now.
    fn throttled(&self, db: &Connection, login: &str, address: &str) -> rusqlite::Result<Option<i64>> {
        let since = now() - FAILURE_WINDOW_SECONDS;
        db.execute("DELETE FROM failures WHERE at < ?1", [since])?;
        let wait = |sql: &str, key: &str, max: i64| -> rusqlite::Result<Option<i64>> {
            let (n, oldest): (i64, Option<i64>) =
                db.query_row(sql, params![key, since], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok((n >= max).then(|| (oldest.unwrap_or(since) + FAILURE_WINDOW_SECONDS - now()).max(1)))
        };
        let by_login = wait(
            "SELECT COUNT(*), MIN(at) FROM failures WHERE login = ?1 AND at >= ?2",
            login,
            MAX_FAILURES_PER_LOGIN,
        )?;
        let by_address = wait(
            "SELECT COUNT(*), MIN(at) FROM failures WHERE address = ?1 AND at >= ?2",
            address,
            MAX_FAILURES_PER_ADDRESS,
        )?;
        Ok(by_login.max(by_address))
    }

    /// Signs in: the user and a new session's cookie value (256 random
    /// bits; only its hash is stored). Every attempt is in the audit log.
    pub fn sign_in(
        &self,
        login: &str,
        password: &str,
        address: &str,
    ) -> Result<Result<(User, String), SignIn>, String> {
        let login = login.trim();
        {
            let db = self.db();
            if let Some(wait) = self.throttled(&db, login, address).map_err(|e| failed(&e))? {
                drop(db);
                self.audit(
                    Some(login),
                    address,
                    "login-throttled",
                    None,
                    None,
                    "слишком много неудачных попыток входа",
                )?;
                return Ok(Err(SignIn::Throttled(wait)));
            }
        }
        let found: Option<(User, String)> = self
            .db()
            .query_row("SELECT login, name, role, department, hash FROM users WHERE login = ?1", [login], |r| {
                Ok((user_of(r)?, r.get::<_, String>(4)?))
            })
            .optional()
            .map_err(|e| failed(&e))?;
        let password = if password.len() > MAX_PASSWORD_BYTES { "" } else { password };
        // The same work for an unknown login as for a wrong password.
        let stored = found.as_ref().map_or(self.dummy.as_str(), |(_, h)| h.as_str());
        let ok = Argon2::default().verify_password(password.as_bytes(), stored).is_ok() && found.is_some();
        let Some((user, _)) = found.filter(|_| ok) else {
            self.db()
                .execute(
                    "INSERT INTO failures (at, login, address) VALUES (?1, ?2, ?3)",
                    params![now(), login, address],
                )
                .map_err(|e| failed(&e))?;
            self.audit(Some(login), address, "login-failed", None, None, "неверное имя входа или пароль")?;
            return Ok(Err(SignIn::Wrong));
        };
        let cookie = random_hex(32)?;
        let t = now();
        {
            let db = self.db();
            db.execute(
                "INSERT INTO sessions (id_hash, login, created, seen, address) VALUES (?1, ?2, ?3, ?3, ?4)",
                params![sha256_hex(cookie.as_bytes()), user.login, t, address],
            )
            .map_err(|e| failed(&e))?;
            db.execute("DELETE FROM failures WHERE login = ?1", [&user.login]).map_err(|e| failed(&e))?;
            db.execute(
                "DELETE FROM sessions WHERE seen < ?1 OR created < ?2",
                params![t - self.idle, t - self.max_age],
            )
            .map_err(|e| failed(&e))?;
        }
        self.audit(Some(&user.login), address, "login", None, None, "вход")?;
        Ok(Ok((user, cookie)))
    }

    /// The user of a session cookie, when the session is live (not idle
    /// past [`IDLE_SECONDS`], not older than [`MAX_AGE_SECONDS`]); its
    /// idle time starts again.
    pub fn session(&self, cookie: &str) -> Result<Option<User>, String> {
        if cookie.len() != 64 || !cookie.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(None);
        }
        let id = sha256_hex(cookie.as_bytes());
        let t = now();
        let db = self.db();
        let found: Option<(User, i64, i64)> = db
            .query_row(
                "SELECT u.login, u.name, u.role, u.department, s.created, s.seen FROM sessions s \
                 JOIN users u ON u.login = s.login WHERE s.id_hash = ?1",
                [&id],
                |r| Ok((user_of(r)?, r.get(4)?, r.get(5)?)),
            )
            .optional()
            .map_err(|e| failed(&e))?;
        match found {
            Some((user, created, seen)) if t - seen <= self.idle && t - created <= self.max_age => {
                if t > seen {
                    db.execute("UPDATE sessions SET seen = ?2 WHERE id_hash = ?1", params![id, t])
                        .map_err(|e| failed(&e))?;
                }
                Ok(Some(user))
            }
            Some(_) => {
                db.execute("DELETE FROM sessions WHERE id_hash = ?1", [&id]).map_err(|e| failed(&e))?;
                Ok(None)
            }
            None => Ok(None),
        }
    }

    /// Ends a session on the server.
    pub fn sign_out(&self, cookie: &str) -> Result<(), String> {
        self.db()
            .execute("DELETE FROM sessions WHERE id_hash = ?1", [sha256_hex(cookie.as_bytes())])
            .map_err(|e| failed(&e))?;
        Ok(())
    }

    /// Records an action in the audit log (on disk when this returns).
    pub fn audit(
        &self,
        user: Option<&str>,
        address: &str,
        action: &str,
        report: Option<&str>,
        department: Option<&str>,
        detail: &str,
    ) -> Result<(), String> {
        self.db()
            .execute(
                "INSERT INTO audit (time, user, address, action, report, department, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![now_text(), user, address, action, report, department, detail],
            )
            .map_err(|e| failed(&e))?;
        Ok(())
    }

    /// The audit log, newest first, at most `limit` entries.
    pub fn audit_log(&self, limit: usize) -> Result<Vec<AuditEntry>, String> {
        let db = self.db();
        let mut st = db
            .prepare(
                "SELECT time, user, address, action, report, department, detail FROM audit ORDER BY id DESC LIMIT ?1",
            )
            .map_err(|e| failed(&e))?;
        let rows = st
            .query_map([limit as i64], |r| {
                Ok(AuditEntry {
                    time: r.get(0)?,
                    user: r.get(1)?,
                    address: r.get(2)?,
                    action: r.get(3)?,
                    report: r.get(4)?,
                    department: r.get(5)?,
                    detail: r.get(6)?,
                })
            })
            .map_err(|e| failed(&e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(|e| failed(&e))
    }

    /// The last change of `department`'s section in `report` (a save or a
    /// status): who (display name, else login) and when.
    pub fn last_change(&self, report: &str, department: &str) -> Result<Option<(String, String)>, String> {
        self.db()
            .query_row(
                "SELECT COALESCE(u.name, a.user, ''), a.time FROM audit a LEFT JOIN users u ON u.login = a.user \
                 WHERE a.report = ?1 AND a.department = ?2 AND a.action IN ('save', 'status') ORDER BY a.id DESC LIMIT 1",
                params![report, department],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(|e| failed(&e))
    }

    /// Records who made the save that kept version `id` of `report`.
    pub fn set_version_author(&self, report: &str, id: &str, user: &User) -> Result<(), String> {
        self.db()
            .execute(
                "INSERT OR REPLACE INTO version_authors (report, id, login, name) VALUES (?1, ?2, ?3, ?4)",
                params![report, id, user.login, user.name],
            )
            .map_err(|e| failed(&e))?;
        Ok(())
    }

    /// Who made the saves that kept the versions of `report`: id → display
    /// name.
    pub fn version_authors(&self, report: &str) -> Result<std::collections::HashMap<String, String>, String> {
        let db = self.db();
        let mut st = db.prepare("SELECT id, name FROM version_authors WHERE report = ?1").map_err(|e| failed(&e))?;
        let rows = st.query_map([report], |r| Ok((r.get(0)?, r.get(1)?))).map_err(|e| failed(&e))?;
        rows.collect::<rusqlite::Result<_>>().map_err(|e| failed(&e))
    }

    /// The recorded statuses of `report`'s departments.
    pub fn statuses(&self, report: &str) -> Result<Vec<Status>, String> {
        let db = self.db();
        let mut st = db
            .prepare("SELECT department, status, by_name, at, remark FROM statuses WHERE report = ?1")
            .map_err(|e| failed(&e))?;
        let rows = st
            .query_map([report], |r| {
                Ok(Status { department: r.get(0)?, status: r.get(1)?, by: r.get(2)?, at: r.get(3)?, remark: r.get(4)? })
            })
            .map_err(|e| failed(&e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(|e| failed(&e))
    }

    /// Sets a department's status in `report`.
    pub fn set_status(
        &self,
        report: &str,
        department: &str,
        status: &str,
        by: &User,
        remark: Option<&str>,
    ) -> Result<(), String> {
        self.db()
            .execute(
                "INSERT OR REPLACE INTO statuses (report, department, status, by_login, by_name, at, remark) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![report, department, status, by.login, by.name, now_text(), remark],
            )
            .map_err(|e| failed(&e))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(login: &str, role: Role, department: Option<&str>) -> User {
        User { login: login.into(), name: format!("Имя {login}"), role, department: department.map(str::to_string) }
    }

    #[test]
    fn sign_in_sessions_and_throttling() {
        let dir = tempfile::tempdir().unwrap();
        let o = Office::open(dir.path()).unwrap();
        o.add_user(&user("ivanov", Role::Coordinator, None), "correct horse battery").unwrap();
        assert!(o.add_user(&user("ivanov", Role::Reader, None), "another long password").is_err());
        assert!(o.add_user(&user("Bad Login", Role::Reader, None), "another long password").is_err());
        assert!(o.add_user(&user("short", Role::Reader, None), "short").is_err());
        assert!(o.add_user(&user("dep", Role::Department, None), "another long password").is_err());
        let (u, cookie) = o.sign_in("ivanov", "correct horse battery", "10.0.0.1").unwrap().unwrap();
        assert_eq!(u.role, Role::Coordinator);
        assert_eq!(cookie.len(), 64);
        assert_eq!(o.session(&cookie).unwrap().unwrap().login, "ivanov");
        o.sign_out(&cookie).unwrap();
        assert_eq!(o.session(&cookie).unwrap(), None);
        for _ in 0..MAX_FAILURES_PER_LOGIN {
            assert_eq!(o.sign_in("ivanov", "wrong password!!", "10.0.0.2").unwrap().unwrap_err(), SignIn::Wrong);
        }
        // Throttled now, even with the right password.
        assert!(
            matches!(o.sign_in("ivanov", "correct horse battery", "10.0.0.3").unwrap(), Err(SignIn::Throttled(s)) if s > 0)
        );
        let log = o.audit_log(100).unwrap();
        assert_eq!(log[0].action, "login-throttled");
        assert!(log.iter().filter(|e| e.action == "login-failed").count() == MAX_FAILURES_PER_LOGIN as usize);
        // An unknown login: the same answer.
        assert_eq!(o.sign_in("nobody", "whatever password", "10.0.0.4").unwrap().unwrap_err(), SignIn::Wrong);
    }

    #[test]
    fn a_new_password_ends_the_sessions() {
        let dir = tempfile::tempdir().unwrap();
        let o = Office::open(dir.path()).unwrap();
        o.add_user(&user("petrova", Role::Department, Some("Департамент")), "first long password").unwrap();
        let (_, cookie) = o.sign_in("petrova", "first long password", "a").unwrap().unwrap();
        o.set_password("petrova", "second long password").unwrap();
        assert_eq!(o.session(&cookie).unwrap(), None);
        assert!(o.sign_in("petrova", "second long password", "a").unwrap().is_ok());
        o.remove_user("petrova").unwrap();
        assert!(o.users().unwrap().is_empty());
    }

    #[test]
    fn generated_passwords_are_long_and_differ() {
        let (a, b) = (generate_password().unwrap(), generate_password().unwrap());
        assert_eq!(a.len(), 16);
        assert_ne!(a, b);
    }
}
