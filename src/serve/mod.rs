//! `otchet serve`: the reports of one folder in the browser, from a local
//! server on 127.0.0.1 — the same operations as the command line
//! ([`crate::ops`]), presented as JSON and HTML.
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
mod imports;
mod net;
mod quarter;
mod reports;
mod sections;
mod state;
pub(crate) mod store;
mod tls;
mod words;

use std::io::Write;
use std::path::{Path, PathBuf};

/// Why the server did not start or stopped: the exit status and the
/// message for the terminal (`main` prints it, as it prints a command's).
#[derive(Debug)]
pub struct Stopped {
    /// The exit status: 1 a failure, 2 a wrong command line.
    pub code: u8,
    /// The message, in Russian.
    pub text: String,
}

/// The result of [`serve`].
pub type Served = Result<(), Stopped>;

/// Exit status of a failure to serve.
const FAILED: u8 = 1;

/// What `otchet serve` does.
#[derive(Debug, Clone, Default)]
pub struct ServeArgs {
    /// The working folder: every report data file directly in it.
    pub dir: PathBuf,
    /// The port; 0 for any free one.
    pub port: u16,
    /// Open the browser at the page.
    pub browser: bool,
    /// The office server: the address to listen on (`--listen`).
    pub listen: Option<std::net::SocketAddr>,
    /// The office server's certificate chain (PEM).
    pub tls_cert: Option<PathBuf>,
    /// Its private key (PEM).
    pub tls_key: Option<PathBuf>,
    /// Plain HTTP on the office network (behind a reverse proxy).
    pub insecure_http: bool,
    /// The reverse proxy whose `X-Forwarded-For` names the client.
    pub trusted_proxy: Option<std::net::IpAddr>,
}

/// `otchet serve`: runs until interrupted (Ctrl+C).
pub fn serve(args: &ServeArgs) -> Served {
    let fail = |m: String| Err(Stopped { code: FAILED, text: format!("otchet serve: {m}\n") });
    let dir = match args.dir.canonicalize() {
        Ok(d) if d.is_dir() => d,
        _ => return fail(format!("«{}» — не каталог; укажите папку с файлами отчетов", args.dir.display())),
    };
    if args.listen.is_some() || args.tls_cert.is_some() || args.tls_key.is_some() || args.insecure_http {
        return office(args, dir);
    }
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
    let state = state::State::new(dir, port, state::Mode::Local { token, page_key });
    if let Err(e) = net::run(listener, state, None) {
        return fail(format!("сервер остановился: {}", crate::diag::io_reason(&e)));
    }
    Ok(())
}

/// `otchet serve DIR --listen ADDR:PORT …`: the office's server.
fn office(args: &ServeArgs, dir: PathBuf) -> Served {
    let usage =
        |m: &str| Err(Stopped { code: 2, text: format!("otchet serve: {m}\nСправка: otchet serve --help\n") });
    let fail = |m: String| Err(Stopped { code: FAILED, text: format!("otchet serve: {m}\n") });
    let Some(addr) = args.listen else {
        return usage("параметры --tls-cert, --tls-key и --insecure-http относятся к серверу для сети: укажите и --listen АДРЕС:ПОРТ");
    };
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(c), Some(k)) => {
            if args.insecure_http {
                return usage("укажите либо сертификат (--tls-cert и --tls-key), либо --insecure-http, но не оба");
            }
            match tls::config(c, k) {
                Ok(cfg) => Some(cfg),
                Err(m) => return fail(m),
            }
        }
        (Some(_), None) | (None, Some(_)) => {
            return usage("для HTTPS нужны оба файла: сертификат (--tls-cert) и закрытый ключ (--tls-key)");
        }
        (None, None) => None,
    };
    if tls.is_none() && !args.insecure_http && !addr.ip().is_loopback() {
        return usage(&format!(
            "адрес {} доступен из сети, а соединение не зашифровано: укажите сертификат и ключ сервера \
             (--tls-cert СЕРТИФИКАТ.pem --tls-key КЛЮЧ.pem) или, если перед otchet стоит обратный прокси с HTTPS, \
             --insecure-http",
            addr.ip()
        ));
    }
    let office = match crate::office::Office::open(&dir) {
        Ok(o) => o,
        Err(m) => return fail(m),
    };
    let listener = match std::net::TcpListener::bind(addr) {
        Ok(l) => l,
        Err(e) => return fail(format!("не удалось открыть адрес {addr}: {}", crate::diag::io_reason(&e))),
    };
    let local = listener.local_addr().unwrap_or(addr);
    let scheme = if tls.is_some() { "https" } else { "http" };
    let host = match local.ip() {
        std::net::IpAddr::V6(ip) => format!("[{ip}]"),
        std::net::IpAddr::V4(ip) if ip.is_unspecified() => hostname().unwrap_or_else(|| ip.to_string()),
        std::net::IpAddr::V4(ip) => ip.to_string(),
    };
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{scheme}://{host}:{}/", local.port());
        let _ = out.flush();
    }
    let users = office.users().map(|u| u.len()).unwrap_or(0);
    let _ = writeln!(
        std::io::stderr(),
        "otchet serve: отчеты из папки {} для сотрудников по сети; пользователей: {users}{}\n\
         Чтобы остановить, нажмите Ctrl+C.",
        dir.display(),
        if users == 0 {
            " — добавьте их: otchet users add ЛОГИН --role coordinator --dir ПАПКА"
        } else {
            ""
        }
    );
    let mode = state::Mode::Office { office, tls: tls.is_some(), trusted_proxy: args.trusted_proxy };
    let state = state::State::new(dir, local.port(), mode);
    if let Err(e) = net::run(listener, state, tls) {
        return fail(format!("сервер остановился: {}", crate::diag::io_reason(&e)));
    }
    Ok(())
}

/// This computer's name, for the address printed.
fn hostname() -> Option<String> {
    #[cfg(unix)]
    {
        let name = rustix::system::uname();
        let n = name.nodename().to_str().ok()?.to_string();
        (!n.is_empty()).then_some(n)
    }
    #[cfg(not(unix))]
    std::env::var("COMPUTERNAME").ok()
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
