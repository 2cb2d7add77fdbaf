//! Atomic output: every file is written to a temporary file in its target
//! directory and flushed to disk; only when all of them are complete are
//! they renamed into place. If a rename fails, the files already replaced
//! are put back, so the old set survives whole. Temporaries are removed on
//! failure, on Ctrl-C and SIGTERM ([`install_cleanup`]), and — when a run
//! was killed outright — by the next run that writes into the directory.
//! A directory created for a run that then failed is removed again.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::diag::{io_error, Diagnostic};

/// Our temporary files and the directories this run created, for the
/// signal handler. Held during the commit (the renames), so an interrupt
/// waits for a commit to finish or roll back.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Removes this process's temporaries (and the directories it created for
/// them) on SIGINT, SIGTERM or SIGHUP, then exits with 130.
pub fn install_cleanup() {
    let _ = ctrlc::set_handler(|| {
        let pending = PENDING.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        remove_all(&pending);
        std::process::exit(130);
    });
}

/// Files first (newest last), then directories, deepest first.
fn remove_all(paths: &[PathBuf]) {
    for p in paths.iter().rev() {
        if p.is_dir() {
            let _ = std::fs::remove_dir(p);
        } else {
            let _ = std::fs::remove_file(p);
        }
    }
}

fn register(p: &Path) {
    PENDING.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(p.to_path_buf());
}

fn unregister(paths: &[PathBuf]) {
    PENDING.lock().unwrap_or_else(std::sync::PoisonError::into_inner).retain(|p| !paths.contains(p));
}

/// The prefix of our temporary files: `.otchet-<pid>-`.
fn temp_prefix() -> String {
    format!(".otchet-{}-", std::process::id())
}

/// Writes all `files` or none of them: existing files are either all
/// replaced or all left exactly as they were.
pub fn write_all(files: &[(PathBuf, Vec<u8>)]) -> Result<(), Diagnostic> {
    for (path, _) in files {
        if path.is_dir() {
            return Err(Diagnostic::error(format!("не удалось сохранить «{}»: это каталог", path.display()))
                .help("удалите или переименуйте каталог либо укажите другой выходной каталог через -o"));
        }
    }
    let mut dirs = Created::default();
    for (path, _) in files {
        dirs.ensure(parent(path))?;
    }
    // One run at a time replaces files in a directory (two renders of
    // different data into one folder cannot mix their DOCX and PDF); a pair
    // a killed run left half-replaced is put back first.
    let mut locks = Vec::new();
    let mut seen = Vec::new();
    for (path, _) in files {
        let dir = parent(path);
        if !seen.contains(&dir) {
            seen.push(dir);
            locks.push(lock(dir)?);
            recover(dir);
        }
    }
    let mut staged = Vec::with_capacity(files.len());
    for (path, bytes) in files {
        // Dropping `staged` on an early return removes the temporary files.
        staged.push((stage(path, bytes)?, path.as_path()));
    }
    pause_at("staged");
    commit(staged)?;
    dirs.keep();
    drop(locks);
    Ok(())
}

/// The lock file of a directory's replacements, where a directory itself
/// cannot be locked (Windows).
#[cfg(not(unix))]
const LOCK_NAME: &str = ".otchet.lock";
/// The journal of a replacement under way: which files were replaced and
/// where their previous versions are, so the next run can put them back.
const JOURNAL_NAME: &str = ".otchet-journal";

/// Takes the directory's lock (waiting for another run to finish): on Unix
/// the directory itself is locked (no file is left behind), elsewhere a
/// lock file in it.
fn lock(dir: &Path) -> Result<std::fs::File, Diagnostic> {
    #[cfg(unix)]
    let (path, file) = (dir.to_path_buf(), std::fs::File::open(dir));
    #[cfg(not(unix))]
    let (path, file) = {
        let path = dir.join(LOCK_NAME);
        let file = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(&path);
        (path, file)
    };
    let file = file.map_err(|e| io_error(&format!("не удалось заблокировать «{}»", path.display()), &e))?;
    file.lock().map_err(|e| io_error(&format!("не удалось заблокировать «{}»", path.display()), &e))?;
    Ok(file)
}

/// The first word of a journal of ours, and its format.
const JOURNAL_MAGIC: &str = "otchet-journal 2";

/// Finishes what a killed run left in `dir`, as its journal says: when
/// every file it lists was already renamed into place (the run was killed
/// after its last rename), the write stands and only the backups go;
/// otherwise each file already replaced is put back from its backup (a new
/// one removed), so the set is the previous one again, whole. A file is
/// "replaced" only when its content is, by its SHA-256, exactly what the
/// run wrote. Call with the lock held.
///
/// A journal is obeyed only when it is one of ours: a regular file (not a
/// link) owned by this user, in the current format, naming plain file
/// names of this folder and backups of our own naming, themselves regular
/// files of this user. Anything else — a journal planted by someone else
/// in a shared folder — is left alone and acts on nothing.
pub fn recover(dir: &Path) {
    let journal = dir.join(JOURNAL_NAME);
    let Some(text) = own_regular(&journal).and_then(|_| std::fs::read_to_string(&journal).ok()) else { return };
    let mut lines = text.lines();
    if lines.next() != Some(JOURNAL_MAGIC) {
        return;
    }
    let mut entries = Vec::new();
    for line in lines {
        let mut parts = line.split('\t');
        let (Some(target), Some(backup), Some(hash), None) = (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return;
        };
        let plain = |n: &str| !n.is_empty() && !n.contains(['/', '\\']) && n != "." && n != "..";
        if !plain(target) || !(backup.is_empty() || is_backup_name(backup)) || hash.len() != 64 {
            return;
        }
        if !backup.is_empty() && own_regular(&dir.join(backup)).is_none() {
            // A backup that is not ours: nothing can be put back safely.
            return;
        }
        entries.push((dir.join(target), (!backup.is_empty()).then(|| dir.join(backup)), hash.to_string()));
    }
    let replaced: Vec<bool> =
        entries.iter().map(|(target, _, hash)| content_hash(target).as_deref() == Some(hash)).collect();
    if replaced.iter().all(|r| *r) {
        // Complete: the write stands.
        for (_, backup, _) in &entries {
            if let Some(b) = backup {
                let _ = std::fs::remove_file(b);
            }
        }
    } else {
        for ((target, backup, _), done) in entries.iter().zip(&replaced) {
            match (backup, done) {
                (Some(b), true) => {
                    let _ = std::fs::rename(b, target);
                }
                (None, true) => {
                    let _ = std::fs::remove_file(target);
                }
                (Some(b), false) => {
                    let _ = std::fs::remove_file(b);
                }
                (None, false) => {}
            }
        }
    }
    let _ = std::fs::remove_file(&journal);
    sync_dir(dir);
}

/// Is `name` the name of one of our backups: `.otchet-<pid>-b<i>.tmp`?
fn is_backup_name(name: &str) -> bool {
    let Some(rest) = name.strip_prefix(".otchet-").and_then(|r| r.strip_suffix(".tmp")) else { return false };
    let Some((pid, i)) = rest.split_once("-b") else { return false };
    !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()) && !i.is_empty() && i.bytes().all(|b| b.is_ascii_digit())
}

/// `Some` when `path` is a regular file (not a link) owned by this
/// process's user (on Unix; any regular file elsewhere).
fn own_regular(path: &Path) -> Option<()> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.file_type().is_file() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if meta.uid() != rustix::process::geteuid().as_raw() {
            return None;
        }
    }
    Some(())
}

/// The SHA-256 of a regular file's content, as hex.
fn content_hash(path: &Path) -> Option<String> {
    std::fs::symlink_metadata(path).ok().filter(|m| m.file_type().is_file())?;
    let bytes = std::fs::read(path).ok()?;
    Some(sha256_hex(&bytes))
}

/// The SHA-256 of `bytes`, as lower-case hex (the journal's content
/// check, the server's content versions and session ids).
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Writes the journal of a replacement: a header, then
/// `target<TAB>backup<TAB>sha256 of the new content` per file (backup
/// empty for a new file), flushed to disk before any rename.
fn write_journal(dir: &Path, entries: &[(String, String, String)]) -> std::io::Result<()> {
    let mut text = format!("{JOURNAL_MAGIC}\n");
    for (t, b, h) in entries {
        text.push_str(&format!("{t}\t{b}\t{h}\n"));
    }
    let tmp = dir.join(format!("{}journal.tmp", temp_prefix()));
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()?;
    std::fs::rename(&tmp, dir.join(JOURNAL_NAME))?;
    sync_dir(dir);
    Ok(())
}

/// For the interruption tests: `OTCHET_TEST_PAUSE_MS` holds the run at one
/// step, so a signal can be sent at exactly that moment. The step is
/// `OTCHET_TEST_PAUSE_AT`: `staged` (the default: the temporaries are
/// written, nothing renamed), `journal` (the journal is written) or
/// `renamed` (the first file is in place).
fn pause_at(step: &str) {
    let at = std::env::var("OTCHET_TEST_PAUSE_AT").unwrap_or_else(|_| "staged".into());
    if at == step {
        if let Some(ms) = std::env::var("OTCHET_TEST_PAUSE_MS").ok().and_then(|v| v.parse().ok()) {
            std::thread::sleep(std::time::Duration::from_millis(ms));
        }
    }
}

/// Renames the staged files into place under the cleanup lock; on a
/// failure the replaced files are put back from their backups.
fn commit(staged: Vec<(Temp, &Path)>) -> Result<(), Diagnostic> {
    let mut pending = PENDING.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    // Backups of the files about to be replaced (a hard link; a copy where
    // the file system has none).
    let mut backups: Vec<Option<PathBuf>> = Vec::new();
    let remove_backups = |backups: &[Option<PathBuf>]| {
        for b in backups.iter().flatten() {
            let _ = std::fs::remove_file(b);
        }
    };
    for (i, (_, path)) in staged.iter().enumerate() {
        if !path.exists() {
            backups.push(None);
            continue;
        }
        let backup = parent(path).join(format!("{}b{i}.tmp", temp_prefix()));
        let _ = std::fs::remove_file(&backup);
        let made = std::fs::hard_link(path, &backup).or_else(|_| std::fs::copy(path, &backup).map(|_| ()));
        if let Err(e) = made {
            remove_backups(&backups);
            return Err(io_error(&format!("не удалось сохранить «{}»", path.display()), &e));
        }
        pending.push(backup.clone());
        backups.push(Some(backup));
    }
    // The journal: a run killed from here on is undone by the next.
    let name = |p: &Path| p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let entries: Vec<(String, String, String)> = staged
        .iter()
        .zip(&backups)
        .map(|((tmp, path), b)| (name(path), b.as_deref().map(name).unwrap_or_default(), tmp.hash.clone()))
        .collect();
    let journal_dir = parent(staged.first().map_or(Path::new("."), |(_, p)| p));
    let same_dir = staged.iter().all(|(_, p)| parent(p) == journal_dir);
    if same_dir {
        if let Err(e) = write_journal(journal_dir, &entries) {
            remove_backups(&backups);
            return Err(io_error("не удалось записать журнал замены файлов", &e));
        }
    }
    pause_at("journal");
    let mut done: Vec<&Path> = Vec::new();
    for (tmp, path) in &staged {
        if let Err(e) = std::fs::rename(&tmp.path, path) {
            // Put back what was replaced; remove what was new.
            for (j, p) in done.iter().enumerate().rev() {
                match &backups[j] {
                    Some(b) => {
                        let _ = std::fs::rename(b, p);
                    }
                    None => {
                        let _ = std::fs::remove_file(p);
                    }
                }
            }
            remove_backups(&backups);
            let _ = std::fs::remove_file(journal_dir.join(JOURNAL_NAME));
            pending.retain(|p| !backups.iter().flatten().any(|b| b == p));
            return Err(io_error(&format!("не удалось сохранить «{}»", path.display()), &e));
        }
        done.push(path);
        if done.len() == 1 {
            pause_at("renamed");
        }
    }
    // All in place: the journal goes first, then the backups it names.
    if same_dir {
        let _ = std::fs::remove_file(journal_dir.join(JOURNAL_NAME));
    }
    remove_backups(&backups);
    let finished: Vec<PathBuf> =
        staged.iter().map(|(t, _)| t.path.clone()).chain(backups.into_iter().flatten()).collect();
    pending.retain(|p| !finished.contains(p));
    drop(pending);
    for (mut tmp, _) in staged {
        tmp.committed = true;
        drop(tmp);
    }
    Ok(())
}

/// Writes a new file atomically; an existing file is never replaced.
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<(), Diagnostic> {
    if path.is_dir() {
        return Err(Diagnostic::error(format!("«{}» — это каталог, а не имя файла", path.display()))
            .help("укажите имя нового файла"));
    }
    let mut dirs = Created::default();
    dirs.ensure(parent(path))?;
    let tmp = stage(path, bytes)?;
    // A hard link fails when the name exists (a symbolic link included,
    // dangling or not: link(2) never follows it): no window in which
    // another file could be replaced. Where the file system has no hard
    // links, the copy creates the file exclusively (O_EXCL, which refuses
    // a symbolic link too).
    let linked =
        std::fs::hard_link(&tmp.path, path).or_else(
            |e| {
                if name_taken(path) {
                    Err(e)
                } else {
                    copy_new(&tmp.path, path)
                }
            },
        );
    if let Err(e) = linked {
        let e = if name_taken(path) { std::io::Error::from(std::io::ErrorKind::AlreadyExists) } else { e };
        return Err(io_error(&format!("не удалось создать «{}»", path.display()), &e));
    }
    drop(tmp); // the temporary name goes; the new file keeps the data
    dirs.keep();
    Ok(())
}

/// Is there anything at `path` — a file, a directory, or a symbolic link
/// (even one pointing nowhere)? `Path::exists` follows links and says
/// "no" for a dangling one, which a no-clobber write must not believe.
pub fn name_taken(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok()
}

/// Copies `from` to the new file `to`, refusing any existing name.
fn copy_new(from: &Path, to: &Path) -> std::io::Result<()> {
    let mut src = std::fs::File::open(from)?;
    let mut dst = std::fs::OpenOptions::new().write(true).create_new(true).open(to)?;
    let copied = std::io::copy(&mut src, &mut dst).and_then(|_| dst.sync_all());
    if copied.is_err() {
        let _ = std::fs::remove_file(to);
    }
    copied
}

/// A temporary file of ours, removed on drop unless committed (renamed).
struct Temp {
    path: PathBuf,
    committed: bool,
    /// The SHA-256 of its content (for the journal).
    hash: String,
}

impl Drop for Temp {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_file(&self.path);
        }
        unregister(std::slice::from_ref(&self.path));
    }
}

/// A replaced file keeps its mode (and, where the system lets us, its
/// owner and group): a private report stays private, a group-editable one
/// group-editable. A new file gets the usual mode for new files (0666 less
/// the umask).
#[cfg(unix)]
fn same_mode(f: &std::fs::File, target: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let Ok(meta) = std::fs::metadata(target) else { return Ok(()) };
    if !meta.is_file() {
        return Ok(());
    }
    let _ = rustix::fs::fchown(
        f,
        Some(rustix::process::Uid::from_raw(meta.uid())),
        Some(rustix::process::Gid::from_raw(meta.gid())),
    );
    f.set_permissions(std::fs::Permissions::from_mode(meta.mode() & 0o777))
}

#[cfg(not(unix))]
fn same_mode(_: &std::fs::File, _: &Path) -> std::io::Result<()> {
    Ok(())
}

/// The complete, flushed contents of `path` in a temporary file beside it.
fn stage(path: &Path, bytes: &[u8]) -> Result<Temp, Diagnostic> {
    let dir = parent(path);
    sweep_stale(dir);
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let named = builder
        .prefix(&temp_prefix())
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| io_error(&format!("не удалось создать временный файл в каталоге «{}»", dir.display()), &e))?;
    let (mut file, tmp_path) = named.keep().map_err(|e| io_error("не удалось создать временный файл", &e.error))?;
    register(&tmp_path);
    let tmp = Temp { path: tmp_path, committed: false, hash: sha256_hex(bytes) };
    file.write_all(bytes)
        .and_then(|()| same_mode(&file, path))
        .and_then(|()| file.sync_all())
        .map_err(|e| io_error(&format!("не удалось записать «{}»", path.display()), &e))?;
    Ok(tmp)
}

/// Removes temporaries that an earlier run of otchet left in `dir` when it
/// was killed: `.otchet-<pid>-….tmp` of a process that no longer runs.
fn sweep_stale(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some(rest) = name.strip_prefix(".otchet-").filter(|_| name.ends_with(".tmp")) else { continue };
        let pid = rest.split('-').next().and_then(|p| p.parse::<u32>().ok());
        if pid == Some(std::process::id()) {
            continue;
        }
        if stale(pid, &e) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Is the temporary of process `pid` abandoned? Where processes cannot be
/// looked up, a temporary older than an hour is.
fn stale(pid: Option<u32>, e: &std::fs::DirEntry) -> bool {
    if let Some(pid) = pid {
        if Path::new("/proc/self").exists() {
            return !Path::new(&format!("/proc/{pid}")).exists();
        }
    }
    e.metadata().and_then(|m| m.modified()).is_ok_and(|t| t.elapsed().is_ok_and(|age| age.as_secs() > 3600))
}

fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Directories created for this run; removed again on drop unless kept.
#[derive(Default)]
struct Created {
    dirs: Vec<PathBuf>,
}

impl Created {
    /// Creates `dir` and its missing ancestors, remembering each.
    fn ensure(&mut self, dir: &Path) -> Result<(), Diagnostic> {
        if dir.is_dir() {
            return Ok(());
        }
        let mut missing = Vec::new();
        let mut d = Some(dir);
        while let Some(p) = d.filter(|p| !p.as_os_str().is_empty() && !p.exists()) {
            missing.push(p.to_path_buf());
            d = p.parent();
        }
        for p in missing.into_iter().rev() {
            if let Err(e) = std::fs::create_dir(&p) {
                if !p.is_dir() {
                    return Err(io_error(&format!("не удалось создать каталог «{}»", dir.display()), &e));
                }
                continue;
            }
            register(&p);
            self.dirs.push(p);
        }
        Ok(())
    }

    fn keep(mut self) {
        unregister(&self.dirs);
        self.dirs.clear();
    }
}

impl Drop for Created {
    fn drop(&mut self) {
        for d in self.dirs.iter().rev() {
            let _ = std::fs::remove_dir(d);
        }
        unregister(&self.dirs);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_all_files_and_leaves_no_temporaries() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.docx");
        let b = dir.path().join("a.pdf");
        std::fs::write(&a, b"old").unwrap();
        write_all(&[(a.clone(), b"one".to_vec()), (b.clone(), b"two".to_vec())]).unwrap();
        assert_eq!(std::fs::read(&a).unwrap(), b"one");
        assert_eq!(std::fs::read(&b).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    #[test]
    fn write_new_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("q.toml");
        write_new(&a, b"first").unwrap();
        let err = write_new(&a, b"second").unwrap_err();
        assert!(err.message.contains("файл уже существует"), "{}", err.message);
        assert_eq!(std::fs::read(&a).unwrap(), b"first");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn failure_replaces_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.docx");
        std::fs::write(&a, b"old").unwrap();
        // A file where a directory is needed.
        std::fs::write(dir.path().join("no"), b"").unwrap();
        let missing = dir.path().join("no/such/a.pdf");
        let err = write_all(&[(a.clone(), b"new".to_vec()), (missing, b"x".to_vec())]).unwrap_err();
        assert!(err.message.contains("каталог"), "{}", err.message);
        assert_eq!(std::fs::read(&a).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    #[test]
    fn a_failed_rename_puts_the_replaced_files_back() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("r.docx");
        let b = dir.path().join("r.pdf");
        std::fs::write(&a, b"old docx").unwrap();
        std::fs::write(&b, b"old pdf").unwrap();
        // Staged fine, but the second rename fails: its temporary is gone.
        let ta = stage(&a, b"new docx").unwrap();
        let tb = stage(&b, b"new pdf").unwrap();
        std::fs::remove_file(&tb.path).unwrap();
        let err = commit(vec![(ta, a.as_path()), (tb, b.as_path())]).unwrap_err();
        assert!(err.message.contains("r.pdf"), "{}", err.message);
        assert_eq!(std::fs::read(&a).unwrap(), b"old docx");
        assert_eq!(std::fs::read(&b).unwrap(), b"old pdf");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 2, "{names:?}");
    }

    #[test]
    fn a_directory_in_the_way_is_refused_before_anything_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("r.docx");
        std::fs::write(&a, b"old").unwrap();
        std::fs::create_dir(dir.path().join("r.pdf")).unwrap();
        let err = write_all(&[(a.clone(), b"new".to_vec()), (dir.path().join("r.pdf"), b"x".to_vec())]).unwrap_err();
        assert!(err.message.contains("это каталог"), "{}", err.message);
        assert_eq!(std::fs::read(&a).unwrap(), b"old");
    }

    #[test]
    fn created_directories_are_removed_on_failure() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("new/deeper");
        let target = out.join("r.pdf");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::remove_dir_all(dir.path().join("new")).unwrap();
        // The second file's directory cannot be made: a file is in the way.
        std::fs::write(dir.path().join("blocker"), b"").unwrap();
        let err = write_all(&[(target, b"x".to_vec()), (dir.path().join("blocker/x/r.docx"), b"y".to_vec())]);
        assert!(err.is_err());
        assert!(!dir.path().join("new").exists(), "created directory left behind");
    }

    #[test]
    fn stale_temporaries_of_dead_processes_are_swept() {
        let dir = tempfile::tempdir().unwrap();
        // No process has pid 4194305 (above Linux's pid_max).
        let dead = dir.path().join(".otchet-4194305-abc.tmp");
        let ours = dir.path().join(format!("{}zzz.tmp", temp_prefix()));
        std::fs::write(&dead, b"x").unwrap();
        std::fs::write(&ours, b"x").unwrap();
        write_all(&[(dir.path().join("r.pdf"), b"new".to_vec())]).unwrap();
        assert!(!dead.exists(), "a dead run's temporary was kept");
        assert!(ours.exists(), "a live run's temporary was removed");
    }
}
