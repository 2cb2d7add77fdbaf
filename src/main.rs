//! The `otchet` command line: parses the arguments ([`cli`]) and hands
//! each command to the terminal face ([`otchet::app`]); exit codes.

mod cli;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::Parser;

use cli::flags::{Cli, Command, UsersAction};
use otchet::app;

/// Was the program started by a double click in Explorer (no arguments, a
/// console window of its own that no shell shares)?
#[cfg(windows)]
fn started_by_double_click() -> bool {
    if std::env::args_os().len() > 1 {
        return false;
    }
    let mut pids = [0u32; 2];
    // SAFETY: the buffer holds `pids.len()` process ids.
    let n = unsafe { windows_sys::Win32::System::Console::GetConsoleProcessList(pids.as_mut_ptr(), pids.len() as u32) };
    n == 1
}

#[cfg(not(windows))]
fn started_by_double_click() -> bool {
    false
}

/// A double click on otchet.exe: the reports of the folder it lies in, in
/// the browser; the console window says how to stop it.
fn serve_beside_the_program() -> ExitCode {
    otchet::output::install_cleanup();
    let dir = std::env::current_exe()
        .ok()
        .and_then(|p| p.parent().map(std::path::Path::to_path_buf))
        .unwrap_or_else(|| PathBuf::from("."));
    let status =
        served(otchet::serve::serve(&otchet::serve::ServeArgs { dir, port: 0, browser: true, ..Default::default() }));
    let code = app::exit_status(status);
    if code != 0 {
        // The window would close at once: keep the message readable.
        eprintln!("Нажмите Enter, чтобы закрыть окно.");
        let _ = std::io::stdin().read_line(&mut String::new());
    }
    ExitCode::from(code)
}

/// The server's end as a command's: its status and message.
fn served(r: otchet::serve::Served) -> app::CliResult {
    r.map_err(|s| app::CliError { code: s.code, text: s.text })
}

fn main() -> ExitCode {
    if started_by_double_click() {
        return serve_beside_the_program();
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) => {
            return ExitCode::from(app::exit_status(app::print_out(&e.render().to_string())));
        }
        Err(e) => {
            use std::io::Write;
            let _ = std::io::stderr().write_all(cli::doc::usage_error(&e).as_bytes());
            return ExitCode::from(2);
        }
    };
    otchet::output::install_cleanup();
    let status = match cli.command {
        Command::Render { input, out } => app::render(&app::RenderArgs {
            input,
            formats: out.formats(),
            outdir: out.outdir,
            template: out.template,
            no_source: out.no_source,
        }),
        Command::Annual { inputs, out, allow_partial, name } => app::annual(&app::AnnualArgs {
            inputs,
            formats: out.formats(),
            outdir: out.outdir,
            template: out.template,
            allow_partial,
            name,
            no_source: out.no_source,
        }),
        Command::Diff { old, new, output, author, template } => {
            app::diff(&app::DiffArgs { old, new, output, author, template })
        }
        Command::Import { inputs, output, year, quarter, template, registry } => app::import(&app::ImportArgs {
            inputs,
            output,
            template,
            given: otchet::import::Given { year, quarter, ..Default::default() },
            registry,
        }),
        Command::Forms { input, outdir, rows, departments } => {
            app::forms(&app::FormsArgs { input, outdir, rows, departments })
        }
        Command::Extract { input, output } => app::extract(&app::ExtractArgs { input, output }),
        Command::Check { input, template } => app::check(&input, template.as_deref()),
        Command::New { from, year, quarter, output } => app::new_period(&app::NewArgs { from, year, quarter, output }),
        Command::Serve { dir, port, no_browser, listen, tls_cert, tls_key, insecure_http, trusted_proxy } => {
            served(otchet::serve::serve(&otchet::serve::ServeArgs {
                dir,
                port,
                browser: !no_browser && listen.is_none(),
                listen,
                tls_cert,
                tls_key,
                insecure_http,
                trusted_proxy,
            }))
        }
        Command::Users { action } => match action {
            UsersAction::Add { login, role, department, name, dir, password_stdin } => {
                app::users::add(&dir, &login, &role, department, name, password_stdin)
            }
            UsersAction::List { dir } => app::users::list(&dir),
            UsersAction::Remove { login, dir } => app::users::remove(&dir, &login),
            UsersAction::Passwd { login, dir, password_stdin } => app::users::passwd(&dir, &login, password_stdin),
        },
        Command::Audit { dir, limit } => app::users::audit(&dir, limit),
        Command::Schema => app::print_out(app::SCHEMA),
        Command::Man { command } => match cli::doc::man_page(command.as_deref()) {
            Some(page) => app::print_out(&page),
            None => Err(app::CliError { code: 2, text: "otchet: нет такой команды\n".into() }),
        },
        Command::Completions { shell } => app::print_out(&cli::doc::completions(shell)),
    };
    ExitCode::from(app::exit_status(status))
}
