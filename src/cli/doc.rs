//! What the command line says about itself: its usage errors in Russian,
//! its man pages and its shell completions — all drawn from the flag
//! definitions of [`super::flags`].

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::CommandFactory;

use super::flags::{Cli, Shell};

/// clap's usage errors, in Russian (exit status 2).
pub fn usage_error(e: &clap::Error) -> String {
    let ctx = |k| match e.get(k) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join(", "),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    let arg = ctx(ContextKind::InvalidArg);
    let value = ctx(ContextKind::InvalidValue);
    let valid = ctx(ContextKind::ValidValue);
    let what = match e.kind() {
        ErrorKind::UnknownArgument => format!("неизвестный параметр «{arg}»"),
        ErrorKind::InvalidSubcommand => format!("неизвестная команда «{}»", ctx(ContextKind::InvalidSubcommand)),
        ErrorKind::MissingRequiredArgument => format!("не указан обязательный аргумент {arg}"),
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "не указана команда: render, check, serve, users, audit, annual, new, import, diff, extract, forms, schema или completions"
                .to_string()
        }
        ErrorKind::InvalidValue => {
            format!("недопустимое значение «{value}» для {arg}; допустимо: {valid}")
        }
        ErrorKind::TooManyValues | ErrorKind::ArgumentConflict => {
            format!("лишнее или конфликтующее значение для {arg}")
        }
        ErrorKind::NoEquals | ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("неверное число значений для {arg}")
        }
        ErrorKind::ValueValidation => {
            // Each flag's parser says what it allows (flags.rs).
            let allowed = std::error::Error::source(e)
                .and_then(|s| s.downcast_ref::<super::flags::Allowed>())
                .map_or_else(|| "проверьте значение по справке".to_string(), ToString::to_string);
            format!("недопустимое значение «{value}» для {arg}: {allowed}")
        }
        _ => format!("неверная командная строка ({})", e.kind()),
    };
    format!("otchet: {what}\nСправка: otchet --help\n")
}

/// The man page of otchet or of one of its commands (`otchet-render`),
/// by clap_mangen, its section headings in Russian.
pub fn man_page(command: Option<&str>) -> Option<String> {
    let mut cmd = Cli::command();
    cmd.build();
    let (cmd, title) = match command {
        None => (cmd, "OTCHET".to_string()),
        Some(name) => {
            let sub = cmd.find_subcommand(name).filter(|c| !c.is_hide_set())?.clone();
            // A one-shot command: the name lives as long as the process.
            let full: &'static str = Box::leak(format!("otchet-{name}").into_boxed_str());
            (sub.name(full).display_name(full), full.to_uppercase())
        }
    };
    let mut roff = Vec::new();
    let _ = clap_mangen::Man::new(cmd)
        .title(title)
        .section("1")
        .manual("Руководство пользователя otchet")
        .render(&mut roff);
    let mut page = String::from_utf8_lossy(&roff).into_owned();
    for (en, ru) in [
        (".SH NAME", ".SH ИМЯ"),
        (".SH SYNOPSIS", ".SH СИНТАКСИС"),
        (".SH DESCRIPTION", ".SH ОПИСАНИЕ"),
        (".SH OPTIONS", ".SH ПАРАМЕТРЫ"),
        (".SH SUBCOMMANDS", ".SH КОМАНДЫ"),
        (".SH Команды", ".SH КОМАНДЫ"),
        (".SH Параметры", ".SH ПАРАМЕТРЫ"),
        (".SH VERSION", ".SH ВЕРСИЯ"),
        (".SH EXTRA", ".SH ПРИМЕР"),
    ] {
        page = page.replace(en, ru);
    }
    Some(page)
}

/// The completion script of `shell`.
pub fn completions(shell: Shell) -> String {
    let shell = match shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
        Shell::Powershell => clap_complete::Shell::PowerShell,
        Shell::Elvish => clap_complete::Shell::Elvish,
    };
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "otchet", &mut script);
    String::from_utf8_lossy(&script).into_owned()
}
