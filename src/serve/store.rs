//! The server's own files in the working folder, which other people may
//! be able to write to: `DIR/.otchet/` (the lock shared by every server
//! on the folder, and the kept versions of each report).
//!
//! Nothing here follows a link: `.otchet`, `versions` and `versions/NAME`
//! are created private (0700) and opened as directory handles with
//! `O_NOFOLLOW`; every file below is opened relative to its verified
//! directory, never by a path string someone could swap in between.
//! Reports themselves are read as regular files only, without blocking
//! (a named pipe swapped in for a report is refused, not waited on).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The version of a file's content: changes whenever a byte does (the
/// first 128 bits of its SHA-256, and its length).
pub fn version(bytes: &[u8]) -> String {
    format!("{}-{}", &crate::output::sha256_hex(bytes)[..32], bytes.len())
}

/// The name of the server's folder inside the working folder.
pub const PRIVATE: &str = ".otchet";

/// Largest kept version (a data file's limit).
const MAX_VERSION_BYTES: u64 = crate::load::MAX_FILE_BYTES;
/// Largest summary kept beside a version.
const MAX_SUMMARY_BYTES: u64 = 64 * 1024;

/// A report file's bytes and its permission bits (unix mode; 0o644 where
/// there is none).
pub struct Content {
    /// The file's content.
    pub bytes: Vec<u8>,
    /// Its permission bits.
    pub mode: u32,
}

/// Reads the regular file at `path`, at most `limit` bytes: never a link
/// (on Unix), never a pipe or a device, never blocking on open.
pub fn read_regular(path: &Path, limit: u64) -> std::io::Result<Content> {
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags((rustix::fs::OFlags::NONBLOCK | rustix::fs::OFlags::NOFOLLOW).bits() as i32);
    }
    let file = opts.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, "не обычный файл"));
    }
    if meta.len() > limit {
        return Err(std::io::Error::new(std::io::ErrorKind::FileTooLarge, "файл слишком велик"));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(std::io::Error::new(std::io::ErrorKind::FileTooLarge, "файл слишком велик"));
    }
    Ok(Content { bytes, mode: mode_of(&meta) })
}

#[cfg(unix)]
fn mode_of(meta: &std::fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o7777
}

#[cfg(not(unix))]
fn mode_of(_: &std::fs::Metadata) -> u32 {
    0o644
}

/// A verified directory of ours.
struct Dir {
    #[cfg(unix)]
    fd: std::os::fd::OwnedFd,
    #[cfg(not(unix))]
    path: PathBuf,
}

fn refuse_link() -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidInput,
        "в папке служебных файлов otchet (.otchet) вместо каталога ссылка или файл; удалите его — otchet создаст каталог заново",
    )
}

impl Dir {
    /// The working folder itself.
    fn root(dir: &Path) -> std::io::Result<Dir> {
        #[cfg(unix)]
        {
            use rustix::fs::{Mode, OFlags};
            let fd = rustix::fs::open(dir, OFlags::DIRECTORY | OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty())?;
            Ok(Dir { fd })
        }
        #[cfg(not(unix))]
        Ok(Dir { path: dir.to_path_buf() })
    }

    /// The directory `name` inside this one, created private (0700) when
    /// missing; a link or anything but a directory is refused.
    fn sub(&self, name: &str, create: bool) -> std::io::Result<Dir> {
        #[cfg(unix)]
        {
            use rustix::fs::{Mode, OFlags};
            if create {
                match rustix::fs::mkdirat(&self.fd, name, Mode::RWXU) {
                    Ok(()) | Err(rustix::io::Errno::EXIST) => {}
                    Err(e) => return Err(e.into()),
                }
            }
            let flags = OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::RDONLY | OFlags::CLOEXEC;
            match rustix::fs::openat(&self.fd, name, flags, Mode::empty()) {
                Ok(fd) => Ok(Dir { fd }),
                Err(rustix::io::Errno::NOTDIR | rustix::io::Errno::LOOP) => Err(refuse_link()),
                Err(e) => Err(e.into()),
            }
        }
        #[cfg(not(unix))]
        {
            let path = self.path.join(name);
            if let Ok(m) = std::fs::symlink_metadata(&path) {
                if !m.is_dir() {
                    return Err(refuse_link());
                }
            } else if create {
                std::fs::create_dir(&path)?;
            } else {
                return Err(std::io::ErrorKind::NotFound.into());
            }
            Ok(Dir { path })
        }
    }

    /// Opens the regular file `name` in this directory for reading (no
    /// link, no pipe).
    fn open_read(&self, name: &str, limit: u64) -> std::io::Result<Vec<u8>> {
        #[cfg(unix)]
        {
            use rustix::fs::{Mode, OFlags};
            let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC;
            let file = std::fs::File::from(rustix::fs::openat(&self.fd, name, flags, Mode::empty())?);
            if !file.metadata()?.is_file() {
                return Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, "не обычный файл"));
            }
            let mut bytes = Vec::new();
            file.take(limit + 1).read_to_end(&mut bytes)?;
            if bytes.len() as u64 > limit {
                return Err(std::io::Error::new(std::io::ErrorKind::FileTooLarge, "файл слишком велик"));
            }
            Ok(bytes)
        }
        #[cfg(not(unix))]
        Ok(read_regular(&self.path.join(name), limit)?.bytes)
    }

    /// Creates the new file `name` (never over an existing name or link)
    /// with `mode`, writes `bytes` and flushes them to disk.
    fn create_new(&self, name: &str, bytes: &[u8], mode: u32) -> std::io::Result<()> {
        #[cfg(unix)]
        let (mut file, undo) = {
            use rustix::fs::{Mode, OFlags};
            let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
            let fd = rustix::fs::openat(&self.fd, name, flags, Mode::from_bits_truncate(mode & 0o666))?;
            let file = std::fs::File::from(fd);
            // The mode exactly (the umask may have taken bits away; it
            // never adds any here: at most the report's own).
            let _ = rustix::fs::fchmod(&file, Mode::from_bits_truncate(mode & 0o666));
            (file, || {
                let _ = rustix::fs::unlinkat(&self.fd, name, rustix::fs::AtFlags::empty());
            })
        };
        #[cfg(not(unix))]
        let (mut file, undo) = {
            let _ = mode;
            let path = self.path.join(name);
            let file = std::fs::OpenOptions::new().write(true).create_new(true).open(&path)?;
            (file, move || {
                let _ = std::fs::remove_file(&path);
            })
        };
        if let Err(e) = file.write_all(bytes).and_then(|()| file.sync_all()) {
            drop(file);
            undo();
            return Err(e);
        }
        self.sync();
        Ok(())
    }

    /// The names of the regular files in this directory.
    fn files(&self) -> Vec<String> {
        #[cfg(unix)]
        {
            let Ok(dir) = rustix::fs::Dir::read_from(&self.fd) else { return Vec::new() };
            dir.filter_map(Result::ok)
                .filter(|e| e.file_type() == rustix::fs::FileType::RegularFile)
                .filter_map(|e| e.file_name().to_str().ok().map(str::to_string))
                .collect()
        }
        #[cfg(not(unix))]
        {
            let Ok(entries) = std::fs::read_dir(&self.path) else { return Vec::new() };
            entries
                .flatten()
                .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                .filter_map(|e| e.file_name().into_string().ok())
                .collect()
        }
    }

    fn remove(&self, name: &str) {
        #[cfg(unix)]
        let _ = rustix::fs::unlinkat(&self.fd, name, rustix::fs::AtFlags::empty());
        #[cfg(not(unix))]
        let _ = std::fs::remove_file(self.path.join(name));
    }

    fn sync(&self) {
        #[cfg(unix)]
        let _ = rustix::fs::fsync(&self.fd);
    }

    /// An exclusive lock on the file `name` in this directory, waiting for
    /// whoever holds it.
    fn lock(&self, name: &str) -> std::io::Result<std::fs::File> {
        #[cfg(unix)]
        let file = {
            use rustix::fs::{Mode, OFlags};
            let flags = OFlags::RDWR | OFlags::CREATE | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC;
            let file = std::fs::File::from(rustix::fs::openat(&self.fd, name, flags, Mode::RUSR | Mode::WUSR)?);
            if !file.metadata()?.is_file() {
                return Err(refuse_link());
            }
            file
        };
        #[cfg(not(unix))]
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(self.path.join(name))?;
        file.lock()?;
        Ok(file)
    }
}

/// A kept version of a report.
pub struct Version {
    /// `<time>-<content version>`: sorts by time.
    pub id: String,
    /// What the save that replaced it changed, kept when it was made.
    pub summary: Option<String>,
}

/// The `.otchet` folder of a working folder.
pub struct Store {
    dir: PathBuf,
}

impl Store {
    /// The store of the working folder `dir`.
    pub fn new(dir: &Path) -> Store {
        Store { dir: dir.to_path_buf() }
    }

    fn private(&self, create: bool) -> std::io::Result<Dir> {
        Dir::root(&self.dir)?.sub(PRIVATE, create)
    }

    fn versions_dir(&self, name: &str, create: bool) -> std::io::Result<Dir> {
        self.report_dir("versions", name, create)
    }

    /// The summaries of the versions, apart from them (the versions'
    /// folder holds the versions only).
    fn summaries_dir(&self, name: &str, create: bool) -> std::io::Result<Dir> {
        self.report_dir("summaries", name, create)
    }

    fn report_dir(&self, kind: &str, name: &str, create: bool) -> std::io::Result<Dir> {
        if !crate::archive::is_plain_name(name) || name.starts_with('.') {
            return Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, "недопустимое имя отчета"));
        }
        self.private(create)?.sub(kind, create)?.sub(name, create)
    }

    /// The folder's write lock, shared by every otchet server (and
    /// process) working on it: checking a version and writing are one
    /// step across processes. Held until the returned file is dropped.
    pub fn lock(&self) -> std::io::Result<std::fs::File> {
        self.private(true)?.lock("lock")
    }

    /// Keeps `bytes` as a version of report `name` (never over an
    /// existing one), no more readable than the report (`mode`), with the
    /// summary of the change about to replace it.
    pub fn keep(&self, name: &str, bytes: &[u8], mode: u32) -> std::io::Result<String> {
        let dir = self.versions_dir(name, true)?;
        let now = chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now()).format("%Y%m%dT%H%M%S%.6fZ");
        let id = format!("{now}-{}", version(bytes));
        dir.create_new(&format!("{id}.toml"), bytes, mode)?;
        Ok(id)
    }

    /// Keeps the summary of the change that replaced version `id` (written
    /// after the save, outside the folder's lock; a version without one
    /// is listed all the same).
    pub fn describe(&self, name: &str, id: &str, summary: &str) {
        if let Ok(sums) = self.summaries_dir(name, true) {
            let _ = sums.create_new(&format!("{id}.txt"), summary.as_bytes(), 0o600);
        }
    }

    /// The id of the kept version of report `name` whose content version
    /// is `version` (its file name only: nothing is read).
    pub fn find(&self, name: &str, version: &str) -> Option<String> {
        let suffix = format!("-{version}.toml");
        let dir = self.versions_dir(name, false).ok()?;
        dir.files().into_iter().filter(|f| f.ends_with(&suffix)).max().map(|f| f.trim_end_matches(".toml").to_string())
    }

    /// Removes version `id` of report `name` again (the save it was kept
    /// for failed).
    pub fn discard(&self, name: &str, id: &str) {
        if let Ok(dir) = self.versions_dir(name, false) {
            dir.remove(&format!("{id}.toml"));
            dir.sync();
        }
        if let Ok(sums) = self.summaries_dir(name, false) {
            sums.remove(&format!("{id}.txt"));
        }
    }

    /// The kept versions of report `name`, newest first.
    pub fn versions(&self, name: &str) -> Vec<Version> {
        let Ok(dir) = self.versions_dir(name, false) else { return Vec::new() };
        let sums = self.summaries_dir(name, false).ok();
        let have: Vec<String> = sums.as_ref().map(Dir::files).unwrap_or_default();
        let mut out: Vec<Version> = dir
            .files()
            .iter()
            .filter_map(|f| f.strip_suffix(".toml"))
            .map(|id| {
                let file = format!("{id}.txt");
                let summary = sums
                    .as_ref()
                    .filter(|_| have.contains(&file))
                    .and_then(|d| d.open_read(&file, MAX_SUMMARY_BYTES).ok())
                    .and_then(|b| String::from_utf8(b).ok());
                Version { id: id.to_string(), summary }
            })
            .collect();
        out.sort_by(|a, b| b.id.cmp(&a.id));
        out
    }

    /// The content of version `id` of report `name` (an id from
    /// [`Store::versions`] only).
    pub fn read(&self, name: &str, id: &str) -> std::io::Result<Vec<u8>> {
        if !self.versions(name).iter().any(|v| v.id == id) {
            return Err(std::io::ErrorKind::NotFound.into());
        }
        self.versions_dir(name, false)?.open_read(&format!("{id}.toml"), MAX_VERSION_BYTES)
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn links_in_the_private_folder_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let other = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(other.path(), dir.path().join(PRIVATE)).unwrap();
        let store = Store::new(dir.path());
        assert!(store.keep("q", b"x", 0o600).is_err());
        assert!(store.lock().is_err());
        assert_eq!(std::fs::read_dir(other.path()).unwrap().count(), 0, "wrote through the link");
        // A link at versions/NAME.
        std::fs::remove_file(dir.path().join(PRIVATE)).unwrap();
        std::fs::create_dir_all(dir.path().join(PRIVATE).join("versions")).unwrap();
        std::os::unix::fs::symlink(other.path(), dir.path().join(PRIVATE).join("versions").join("q")).unwrap();
        assert!(store.keep("q", b"x", 0o600).is_err());
        assert_eq!(std::fs::read_dir(other.path()).unwrap().count(), 0, "wrote through the link");
    }

    #[test]
    fn versions_keep_the_reports_mode_and_their_summary() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        let id = store.keep("q", b"old", 0o600).unwrap();
        store.describe("q", &id, "изменено");
        assert_eq!(store.find("q", &version(b"old")).as_deref(), Some(id.as_str()));
        let v = store.versions("q");
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].id, id);
        assert_eq!(v[0].summary.as_deref(), Some("изменено"));
        assert_eq!(store.read("q", &id).unwrap(), b"old");
        let path = dir.path().join(PRIVATE).join("versions").join("q").join(format!("{id}.toml"));
        assert_eq!(std::fs::metadata(path).unwrap().permissions().mode() & 0o777, 0o600);
        let private = std::fs::metadata(dir.path().join(PRIVATE)).unwrap().permissions().mode() & 0o777;
        assert_eq!(private, 0o700);
    }

    #[test]
    fn a_pipe_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("q.toml");
        rustix::fs::mknodat(
            rustix::fs::CWD,
            &fifo,
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::RUSR | rustix::fs::Mode::WUSR,
            0,
        )
        .unwrap();
        assert!(read_regular(&fifo, 1024).is_err());
    }
}
