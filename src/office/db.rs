//! The office server's own state in SQLite: `DIR/.otchet/otchet.db`.
//! Accounts, sessions, failed sign-ins, the audit log, version authors and
//! the departments' statuses. The reports stay TOML files — the documents
//! of record; nothing here is needed to read them.
//!
//! Crash safety: WAL journal with `synchronous = FULL`, so a change is on
//! disk when its statement returns (an answered save's audit entry is
//! never lost). Several processes (the server and `otchet users`) share
//! the file; each waits up to 10 s for another's write.

use std::path::Path;

use rusqlite::Connection;

/// The schema, one migration per version (`PRAGMA user_version`).
const MIGRATIONS: &[&str] = &[
    // 1: accounts, sessions, throttling, audit, version authors, statuses.
    "CREATE TABLE users (
        login TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('coordinator', 'department', 'reader')),
        department TEXT,
        hash TEXT NOT NULL,
        created TEXT NOT NULL,
        changed TEXT NOT NULL
    );
    CREATE TABLE sessions (
        id_hash TEXT PRIMARY KEY,
        login TEXT NOT NULL REFERENCES users(login) ON DELETE CASCADE,
        created INTEGER NOT NULL,
        seen INTEGER NOT NULL,
        address TEXT
    );
    CREATE TABLE failures (
        at INTEGER NOT NULL,
        login TEXT,
        address TEXT NOT NULL
    );
    CREATE INDEX failures_login ON failures (login, at);
    CREATE INDEX failures_address ON failures (address, at);
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        time TEXT NOT NULL,
        user TEXT,
        address TEXT,
        action TEXT NOT NULL,
        report TEXT,
        department TEXT,
        detail TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE version_authors (
        report TEXT NOT NULL,
        id TEXT NOT NULL,
        login TEXT NOT NULL,
        name TEXT NOT NULL,
        PRIMARY KEY (report, id)
    );
    CREATE TABLE statuses (
        report TEXT NOT NULL,
        department TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'accepted', 'returned')),
        by_login TEXT,
        by_name TEXT,
        at TEXT,
        remark TEXT,
        PRIMARY KEY (report, department)
    );",
];

/// Opens (creating, private to this user) and migrates the database.
pub fn open(path: &Path) -> rusqlite::Result<Connection> {
    #[cfg(unix)]
    if !path.exists() {
        use std::os::unix::fs::OpenOptionsExt;
        // Created 0600 before SQLite opens it (SQLite's own mode is 0644).
        let _ = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path);
    }
    let conn = Connection::open(path)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    migrate(&conn)?;
    #[cfg(unix)]
    for suffix in ["", "-wal", "-shm"] {
        use std::os::unix::fs::PermissionsExt;
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600));
    }
    Ok(conn)
}

fn migrate(conn: &Connection) -> rusqlite::Result<()> {
    let have: usize = conn.pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))? as usize;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(have) {
        let tx = conn.unchecked_transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn migrations_run_once_and_the_file_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("otchet.db");
        let c = super::open(&path).unwrap();
        let v: i64 = c.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
        assert_eq!(v as usize, super::MIGRATIONS.len());
        drop(c);
        super::open(&path).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
    }
}
