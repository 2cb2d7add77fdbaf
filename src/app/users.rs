//! `otchet users` and `otchet audit`: the office server's accounts and
//! log from the command line (the terminal face of [`crate::office`]).
//! Passwords come from standard input (`--password-stdin`) or are made up
//! and printed once — never from the command line, which every user of
//! the machine can read.

use std::io::BufRead;
use std::path::Path;

use super::{print_out, CliError, CliResult, FAILED};
use crate::office::{Office, Role, User};

fn fail(m: impl std::fmt::Display) -> CliError {
    CliError { code: FAILED, text: format!("otchet users: {m}\n") }
}

fn open(dir: &Path) -> Result<Office, CliError> {
    if !dir.is_dir() {
        return Err(fail(format!(
            "«{}» — не каталог; укажите папку с отчетами, которую обслуживает сервер",
            dir.display()
        )));
    }
    Office::open(dir).map_err(fail)
}

/// One line of standard input, without its line end.
fn password_from_stdin() -> Result<String, CliError> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).map_err(|_| fail("пароль не прочитан из стандартного ввода"))?;
    let line = line.strip_suffix('\n').unwrap_or(&line);
    Ok(line.strip_suffix('\r').unwrap_or(line).to_string())
}

/// The password to set: read, or made up (and then printed once).
fn password(stdin: bool) -> Result<(String, bool), CliError> {
    if stdin {
        Ok((password_from_stdin()?, false))
    } else {
        Ok((crate::office::generate_password().map_err(fail)?, true))
    }
}

/// `otchet users add`.
pub fn add(
    dir: &Path,
    login: &str,
    role: &str,
    department: Option<String>,
    name: Option<String>,
    password_stdin: bool,
) -> CliResult {
    let office = open(dir)?;
    let role = Role::parse(role).ok_or_else(|| fail("роль: coordinator, department или reader"))?;
    let (password, made) = password(password_stdin)?;
    let user = User { login: login.to_string(), name: name.unwrap_or_else(|| login.to_string()), role, department };
    office.add_user(&user, &password).map_err(fail)?;
    office
        .audit(
            None,
            "командная строка",
            "user-add",
            None,
            user.department.as_deref(),
            &format!("добавлен пользователь {} ({})", user.login, role.label()),
        )
        .map_err(fail)?;
    if made {
        print_out(&format!(
            "Пользователь {} добавлен. Пароль (показан один раз, передайте его лично):\n{password}\n",
            user.login
        ))
    } else {
        print_out(&format!("Пользователь {} добавлен.\n", user.login))
    }
}

/// `otchet users list`.
pub fn list(dir: &Path) -> CliResult {
    let office = open(dir)?;
    let users = office.users().map_err(fail)?;
    if users.is_empty() {
        return print_out("Пользователей нет. Добавьте: otchet users add ЛОГИН --role coordinator --dir ПАПКА\n");
    }
    let mut out = String::new();
    for u in users {
        out.push_str(&format!("{}\t{}\t{}", u.login, u.role.as_str(), u.name));
        if let Some(d) = u.department {
            out.push_str(&format!("\t{d}"));
        }
        out.push('\n');
    }
    print_out(&out)
}

/// `otchet users remove`.
pub fn remove(dir: &Path, login: &str) -> CliResult {
    let office = open(dir)?;
    office.remove_user(login).map_err(fail)?;
    office
        .audit(None, "командная строка", "user-remove", None, None, &format!("удален пользователь {login}"))
        .map_err(fail)?;
    print_out(&format!("Пользователь {login} удален; его сеансы закончены.\n"))
}

/// `otchet users passwd`.
pub fn passwd(dir: &Path, login: &str, password_stdin: bool) -> CliResult {
    let office = open(dir)?;
    if office.user(login).map_err(fail)?.is_none() {
        return Err(fail(format!("нет пользователя «{}»", crate::archive::shown(login))));
    }
    let (password, made) = password(password_stdin)?;
    office.set_password(login, &password).map_err(fail)?;
    office
        .audit(None, "командная строка", "user-password", None, None, &format!("сменен пароль пользователя {login}"))
        .map_err(fail)?;
    if made {
        print_out(&format!("Новый пароль {login} (показан один раз):\n{password}\n"))
    } else {
        print_out(&format!("Пароль {login} сменен; его сеансы закончены.\n"))
    }
}

/// `otchet audit`: the log, newest first, a line an entry.
pub fn audit(dir: &Path, limit: usize) -> CliResult {
    let office =
        open(dir).map_err(|e| CliError { code: e.code, text: e.text.replace("otchet users", "otchet audit") })?;
    let log = office.audit_log(limit).map_err(fail)?;
    let mut out = String::new();
    for e in log {
        let field = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".into());
        out.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
            e.time,
            field(&e.user),
            field(&e.address),
            e.action,
            field(&e.report),
            field(&e.department),
            e.detail
        ));
    }
    print_out(&out)
}
