//! Atomic output: every file is written to a temporary file in its target
//! directory, flushed to disk, and only when all of them are complete are
//! they renamed into place. On any failure nothing is replaced and no
//! temporary file remains.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;
use crate::load::io_error;

/// Writes all `files` or none of them.
pub fn write_all(files: &[(PathBuf, Vec<u8>)]) -> Result<(), Diagnostic> {
    let mut staged = Vec::with_capacity(files.len());
    for (path, bytes) in files {
        // Dropping `staged` on an early return removes the temporary files.
        staged.push((stage(path, bytes)?, path));
    }
    for (tmp, path) in staged {
        tmp.persist(path).map_err(|e| io_error(&format!("не удалось сохранить «{}»", path.display()), &e.error))?;
    }
    Ok(())
}

/// Temporary files are private (0600); a report is an ordinary file.
#[cfg(unix)]
fn readable(f: &std::fs::File) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    f.set_permissions(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn readable(_: &std::fs::File) -> std::io::Result<()> {
    Ok(())
}

/// Writes a new file atomically; an existing file is never replaced.
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<(), Diagnostic> {
    stage(path, bytes)?
        .persist_noclobber(path)
        .map_err(|e| io_error(&format!("не удалось создать «{}»", path.display()), &e.error))?;
    Ok(())
}

/// The complete, flushed contents of `path` in a temporary file beside it.
fn stage(path: &Path, bytes: &[u8]) -> Result<tempfile::NamedTempFile, Diagnostic> {
    let dir = parent(path);
    let mut tmp = tempfile::Builder::new()
        .prefix(".otchet-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| io_error(&format!("не удалось создать временный файл в каталоге «{}»", dir.display()), &e))?;
    tmp.write_all(bytes)
        .and_then(|_| readable(tmp.as_file()))
        .and_then(|_| tmp.as_file().sync_all())
        .map_err(|e| io_error(&format!("не удалось записать «{}»", path.display()), &e))?;
    Ok(tmp)
}

fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Creates the output directory when missing.
pub fn ensure_dir(dir: &Path) -> Result<(), Diagnostic> {
    if dir.is_dir() {
        return Ok(());
    }
    std::fs::create_dir_all(dir).map_err(|e| io_error(&format!("не удалось создать каталог «{}»", dir.display()), &e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_all_files_and_leaves_no_temporaries() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.docx");
        let b = dir.path().join("a.pdf");
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
        let missing = dir.path().join("no/such/dir/a.pdf");
        let err = write_all(&[(a.clone(), b"new".to_vec()), (missing, b"x".to_vec())]).unwrap_err();
        assert!(err.message.contains("временный файл"), "{}", err.message);
        assert_eq!(std::fs::read(&a).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
