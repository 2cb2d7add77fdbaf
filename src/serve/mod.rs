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
mod quarter;
mod reports;

use std::io::Write;
use std::path::PathBuf;

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
    let server = match tiny_http::Server::http(("127.0.0.1", args.port)) {
        Ok(s) => s,
        Err(e) => {
            return fail(format!(
                "не удалось открыть порт {} на 127.0.0.1 ({e}); укажите другой через --port или не указывайте его",
                args.port
            ))
        }
    };
    let port = server.server_addr().to_ip().map_or(args.port, |a| a.port());
    let token = match http::new_token() {
        Ok(t) => t,
        Err(m) => return fail(m),
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
    if args.browser {
        open_browser(&url);
    }
    let state = reports::State::new(dir, port, token);
    let workers = 4;
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                while let Ok(request) = server.recv() {
                    http::handle(&state, request);
                }
            });
        }
    });
    Ok(())
}

/// Opens the default browser at `url`; failing that, the address printed
/// above is there to open by hand.
fn open_browser(url: &str) {
    let spawned = if cfg!(windows) {
        std::process::Command::new("cmd").args(["/C", "start", "", url]).spawn()
    } else if cfg!(target_os = "macos") {
        std::process::Command::new("open").arg(url).spawn()
    } else {
        std::process::Command::new("xdg-open")
            .arg(url)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
    };
    if spawned.is_err() {
        let _ = writeln!(std::io::stderr(), "Браузер не открылся сам: откройте адрес вручную.");
    }
}
