//! `otchet serve`: the reports of one folder in the browser, from a local
//! server on 127.0.0.1 — the same operations as the command line
//! ([`crate::app`]), presented as JSON and HTML.
//!
//! Guarded as Jupyter guards its local server: a per-run random token
//! (query on the first visit, then an HttpOnly SameSite=Strict cookie, or
//! `Authorization: Bearer`), the Host header checked against the server's
//! own address (DNS rebinding), the Origin of every request that changes
//! anything checked (CSRF), request bodies bounded, and no path from a
//! request joined to the file system: a report is found by comparing its
//! name with the `.toml` files listed in the folder.

pub mod data;
mod http;
mod net;
mod quarter;
mod reports;
mod store;

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::app::{CliError, CliResult, FAILED};

/// What `otchet serve` does.
#[derive(Debug, Clone)]
pub struct ServeArgs {
    /// The working folder: every report data file directly in it.
    pub dir: PathBuf,
    /// The port; 0 for any free one.
    pub port: u16,
    /// Open the browser at the page.
    pub browser: bool,
}

/// `otchet serve`: runs until interrupted (Ctrl+C).
pub fn serve(args: &ServeArgs) -> CliResult {
    let fail = |m: String| Err(CliError { code: FAILED, text: format!("otchet serve: {m}\n") });
    let dir = match args.dir.canonicalize() {
        Ok(d) if d.is_dir() => d,
        _ => return fail(format!("«{}» — не каталог; укажите папку с файлами отчетов", args.dir.display())),
    };
    let listener = match std::net::TcpListener::bind(("127.0.0.1", args.port)) {
        Ok(s) => s,
        Err(e) => {
            return fail(format!(
                "не удалось открыть порт {} на 127.0.0.1 ({}); укажите другой через --port или не указывайте его",
                args.port,
                crate::diag::io_reason(&e)
            ))
        }
    };
    let port = listener.local_addr().map_or(args.port, |a| a.port());
    let (token, page_key) = match (http::new_token(), http::new_token()) {
        (Ok(t), Ok(k)) => (t, k),
        (Err(m), _) | (_, Err(m)) => return fail(m),
    };
    let url = format!("http://127.0.0.1:{port}/?token={token}");
    // The first line of standard output is the address (scripts read it).
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{url}");
        let _ = out.flush();
    }
    let _ = writeln!(
        std::io::stderr(),
        "otchet serve: отчеты из папки {}\nОткройте в браузере адрес выше (он действует, пока работает эта программа).\n\
         Чтобы остановить, нажмите Ctrl+C или закройте это окно.",
        dir.display()
    );
    // Held while the server runs: the private page that opens the browser.
    let _opener = if args.browser { open_browser(&url) } else { None };
    let state = reports::State::new(dir, port, token, page_key);
    if let Err(e) = net::run(listener, state) {
        return fail(format!("сервер остановился: {}", crate::diag::io_reason(&e)));
    }
    Ok(())
}

/// Opens the default browser at `url` without the token on any command
/// line (a command line is readable by every user of the machine): the
/// browser is given a private file (0600, in a private 0700 folder) that
/// forwards it to `url`, as Jupyter does. The file lives as long as the
/// returned folder. Failing that, the address printed above is there to
/// open by hand.
fn open_browser(url: &str) -> Option<tempfile::TempDir> {
    let opened = opener_page(url).and_then(|dir| {
        let page = dir.path().join("otchet.html");
        let spawned = if cfg!(windows) {
            std::process::Command::new("cmd").arg("/C").arg("start").arg("").arg(&page).spawn()
        } else if cfg!(target_os = "macos") {
            std::process::Command::new("open").arg(&page).spawn()
        } else {
            std::process::Command::new("xdg-open")
                .arg(&page)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
        };
        spawned.map(|_| dir)
    });
    match opened {
        Ok(dir) => Some(dir),
        Err(_) => {
            let _ = writeln!(std::io::stderr(), "Браузер не открылся сам: откройте адрес вручную.");
            None
        }
    }
}

/// The forwarding page: a private folder (0700) with `otchet.html` (0600)
/// in the user's runtime folder when there is one.
fn opener_page(url: &str) -> std::io::Result<tempfile::TempDir> {
    let base = std::env::var_os("XDG_RUNTIME_DIR").map(PathBuf::from).filter(|p| p.is_dir());
    let mut b = tempfile::Builder::new();
    b.prefix("otchet-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        b.permissions(std::fs::Permissions::from_mode(0o700));
    }
    let dir = match base {
        Some(base) => b.tempdir_in(base)?,
        None => b.tempdir()?,
    };
    write_private(&dir.path().join("otchet.html"), opener_html(url).as_bytes())?;
    Ok(dir)
}

/// The forwarding page's HTML (the token appears only inside the file).
fn opener_html(url: &str) -> String {
    let url = url.replace('&', "&amp;").replace('"', "&quot;");
    format!(
        "<!DOCTYPE html>\n<html lang=\"ru\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"refresh\" content=\"0;url={url}\"><title>otchet</title></head>\
         <body><p>Открывается otchet… Если страница не открылась, <a href=\"{url}\">перейдите по ссылке</a>.</p></body></html>\n"
    )
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_opener_page_is_private_and_forwards() {
        let dir = super::opener_page("http://127.0.0.1:1/?token=ab&x").unwrap();
        let page = dir.path().join("otchet.html");
        let html = std::fs::read_to_string(&page).unwrap();
        assert!(html.contains("url=http://127.0.0.1:1/?token=ab&amp;x"), "{html}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&page).unwrap().permissions().mode() & 0o777, 0o600);
            assert_eq!(std::fs::metadata(dir.path()).unwrap().permissions().mode() & 0o777, 0o700);
        }
    }
}
