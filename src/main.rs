//! The `otchet` command line: argument parsing and exit codes only.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{ArgAction, CommandFactory, Parser, Subcommand, ValueEnum};

use otchet::app;
use otchet::render::Format;

const HELP_TEMPLATE: &str = "\
{before-help}{name} {version} — {about}

Использование: {usage}

{all-args}{after-help}";

const SUB_HELP_TEMPLATE: &str = "\
{about}

Использование: {usage}

{all-args}{after-help}";

#[derive(Parser)]
#[command(
    name = "otchet",
    version = concat!(env!("CARGO_PKG_VERSION"), " (коммит ", env!("OTCHET_COMMIT"), ")"),
    about = "отчет о реализации соглашений в сфере межрегионального сотрудничества: из данных TOML в DOCX и PDF",
    help_template = HELP_TEMPLATE,
    subcommand_help_heading = "Команды",
    subcommand_value_name = "КОМАНДА",
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true,
    after_help = "Пример: otchet render data/2020-q4.toml -o out"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Показать справку
    #[arg(short = 'h', long = "help", action = ArgAction::Help, global = true, help_heading = "Параметры")]
    help: Option<bool>,
    /// Показать версию
    #[arg(short = 'V', long = "version", action = ArgAction::Version, help_heading = "Параметры")]
    version: Option<bool>,
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Docx,
    Pdf,
}

#[derive(Clone, Copy, ValueEnum)]
enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
    Elvish,
}

/// Where and how the documents are written (render, annual).
#[derive(clap::Args)]
struct OutputArgs {
    /// Каталог для готовых файлов (по умолчанию текущий; создается при необходимости)
    #[arg(short = 'o', long = "out", value_name = "КАТАЛОГ", default_value = ".", hide_default_value = true)]
    outdir: PathBuf,
    /// Форматы через запятую: docx, pdf (по умолчанию оба)
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        value_name = "ФОРМАТЫ",
        default_value = "docx,pdf",
        hide_default_value = true,
        hide_possible_values = true
    )]
    format: Vec<FormatArg>,
    /// Файл шаблона вместо встроенной официальной формы
    #[arg(long, value_name = "ШАБЛОН")]
    template: Option<PathBuf>,
    /// Не вкладывать в PDF исходный файл данных (и шаблон); по умолчанию PDF несет их вместе с комментариями
    #[arg(long)]
    no_source: bool,
}

impl OutputArgs {
    fn formats(&self) -> Vec<Format> {
        self.format
            .iter()
            .map(|f| match f {
                FormatArg::Docx => Format::Docx,
                FormatArg::Pdf => Format::Pdf,
            })
            .collect()
    }
}

#[derive(Subcommand)]
enum Command {
    /// Сформировать отчет: DOCX и/или PDF
    #[command(
        help_template = SUB_HELP_TEMPLATE,
        next_help_heading = "Параметры",
        override_usage = "otchet render ФАЙЛ [-o КАТАЛОГ] [--format docx,pdf] [--template ШАБЛОН] [--no-source]"
    )]
    Render {
        /// Файл данных отчета (.toml)
        #[arg(value_name = "ФАЙЛ")]
        input: PathBuf,
        #[command(flatten)]
        out: OutputArgs,
    },
    /// Проверить файл данных и показать предупреждения; ничего не записывает
    #[command(
        help_template = SUB_HELP_TEMPLATE,
        next_help_heading = "Параметры",
        override_usage = "otchet check ФАЙЛ [--template ШАБЛОН]"
    )]
    Check {
        /// Файл данных отчета (.toml)
        #[arg(value_name = "ФАЙЛ")]
        input: PathBuf,
        /// Файл шаблона вместо встроенной официальной формы
        #[arg(long, value_name = "ШАБЛОН")]
        template: Option<PathBuf>,
    },
    /// Сформировать годовой отчет из файлов четырех кварталов
    #[command(
        help_template = SUB_HELP_TEMPLATE,
        next_help_heading = "Параметры",
        override_usage = "otchet annual Q1.toml Q2.toml Q3.toml Q4.toml [-o КАТАЛОГ] [--format docx,pdf] [--allow-partial]"
    )]
    Annual {
        /// Файлы кварталов одного года (.toml), в любом порядке
        #[arg(value_name = "ФАЙЛ", required = true)]
        inputs: Vec<PathBuf>,
        #[command(flatten)]
        out: OutputArgs,
        /// Разрешить отчет не за все четыре квартала
        #[arg(long)]
        allow_partial: bool,
        /// Имя выходных файлов без расширения (по умолчанию ГГГГ-annual)
        #[arg(long, value_name = "ИМЯ")]
        name: Option<String>,
    },
    /// Создать файл следующего квартала из файла прошлого: реестр и департаменты без мероприятий
    #[command(
        help_template = SUB_HELP_TEMPLATE,
        next_help_heading = "Параметры",
        override_usage = "otchet new --from ФАЙЛ [--year ГОД] [--quarter КВАРТАЛ] [-o НОВЫЙ_ФАЙЛ]"
    )]
    New {
        /// Файл прошлого периода (.toml)
        #[arg(long, value_name = "ФАЙЛ")]
        from: PathBuf,
        /// Год (по умолчанию — год следующего квартала)
        #[arg(long, value_name = "ГОД", value_parser = clap::value_parser!(i32).range(2000..=2100))]
        year: Option<i32>,
        /// Квартал 1–4 (по умолчанию — следующий)
        #[arg(long, value_name = "КВАРТАЛ", value_parser = clap::value_parser!(u8).range(1..=4))]
        quarter: Option<u8>,
        /// Новый файл (по умолчанию ГГГГ-qК.toml рядом с исходным); существующий не перезаписывается
        #[arg(short = 'o', long = "out", value_name = "ФАЙЛ")]
        output: Option<PathBuf>,
    },
    /// Сравнить две версии отчета: DOCX новой версии с исправлениями в режиме рецензирования и перечень изменений
    #[command(
        help_template = SUB_HELP_TEMPLATE,
        next_help_heading = "Параметры",
        override_usage = "otchet diff СТАРЫЙ.toml НОВЫЙ.toml -o ИЗМЕНЕНИЯ.docx [--author ИМЯ]"
    )]
    Diff {
        /// Прежняя версия файла данных (.toml)
        #[arg(value_name = "СТАРЫЙ.toml")]
        old: PathBuf,
        /// Исправленная версия (.toml)
        #[arg(value_name = "НОВЫЙ.toml")]
        new: PathBuf,
        /// Файл DOCX с исправлениями; существующий не перезаписывается
        #[arg(short = 'o', long = "out", value_name = "ИЗМЕНЕНИЯ.docx", required = true)]
        output: PathBuf,
        /// Автор исправлений в области рецензирования Word (по умолчанию otchet)
        #[arg(long, value_name = "ИМЯ")]
        author: Option<String>,
        /// Файл шаблона вместо встроенной официальной формы
        #[arg(long, value_name = "ШАБЛОН")]
        template: Option<PathBuf>,
    },
    /// Извлечь из PDF отчета вложенный исходный файл данных (и шаблон) байт в байт
    #[command(
        help_template = SUB_HELP_TEMPLATE,
        next_help_heading = "Параметры",
        override_usage = "otchet extract ОТЧЕТ.pdf [-o ПУТЬ]"
    )]
    Extract {
        /// PDF отчета, сформированный otchet
        #[arg(value_name = "ОТЧЕТ.pdf")]
        input: PathBuf,
        /// Файл или каталог для извлеченного (по умолчанию рядом с PDF, под вложенными именами; для нескольких файлов — каталог); существующие файлы не перезаписываются
        #[arg(short = 'o', long = "out", value_name = "ПУТЬ")]
        output: Option<PathBuf>,
    },
    /// Перенести отчеты Word (.docx) этой формы в файл данных: период, реестр соглашений, департаменты, мероприятия
    #[command(
        help_template = SUB_HELP_TEMPLATE,
        next_help_heading = "Параметры",
        override_usage = "otchet import ОТЧЕТ.docx… [-o ФАЙЛ.toml] [--registry ФАЙЛ.toml] [--year ГОД] [--quarter КВАРТАЛ]"
    )]
    Import {
        /// Документы .docx в нужном порядке (например, разделы департаментов); данные объединяются
        #[arg(value_name = "ОТЧЕТ.docx", required = true)]
        inputs: Vec<PathBuf>,
        /// Файл данных или каталог для него (по умолчанию рядом с первым документом, с тем же именем и расширением .toml); существующий файл не перезаписывается
        #[arg(short = 'o', long = "out", value_name = "ФАЙЛ.toml")]
        output: Option<PathBuf>,
        /// Год отчета, если заголовок документа его не называет
        #[arg(long, value_name = "ГОД", value_parser = clap::value_parser!(i32).range(2000..=2100))]
        year: Option<i32>,
        /// Квартал 1–4, если заголовок документа его не называет
        #[arg(long, value_name = "КВАРТАЛ", value_parser = clap::value_parser!(u8).range(1..=4))]
        quarter: Option<u8>,
        /// Файл шаблона, если документ составлен по другой форме (названия граф и заголовок)
        #[arg(long, value_name = "ШАБЛОН")]
        template: Option<PathBuf>,
        /// Файл данных (например, прошлого квартала): его ключи и названия соглашений взять для совпадающих соглашений, оттуда же регион, если документ его не называет
        #[arg(long, value_name = "ФАЙЛ.toml")]
        registry: Option<PathBuf>,
    },
    /// Сделать формы Word для департаментов: шапка отчета, раздел департамента, его мероприятия и пустые строки со списком соглашений
    #[command(
        help_template = SUB_HELP_TEMPLATE,
        next_help_heading = "Параметры",
        override_usage = "otchet forms КВАРТАЛ.toml [-o КАТАЛОГ] [--rows N] [--department НАЗВАНИЕ…]"
    )]
    Forms {
        /// Файл данных квартала (.toml): реестр соглашений и департаменты
        #[arg(value_name = "КВАРТАЛ.toml")]
        input: PathBuf,
        /// Каталог для форм (по умолчанию рядом с файлом данных: «ИМЯ формы»); существующие файлы не перезаписываются
        #[arg(short = 'o', long = "out", value_name = "КАТАЛОГ")]
        outdir: Option<PathBuf>,
        /// Пустых строк для новых мероприятий в каждой форме (по умолчанию 10)
        #[arg(long, value_name = "N", default_value_t = otchet::forms::DEFAULT_ROWS as u64, hide_default_value = true,
              value_parser = clap::value_parser!(u64).range(0..=otchet::forms::MAX_ROWS as u64))]
        rows: u64,
        /// Только эти департаменты (название или его часть; можно несколько)
        #[arg(long = "department", value_name = "НАЗВАНИЕ", num_args = 1..)]
        departments: Vec<String>,
    },
    /// Открыть отчеты папки в браузере: просмотр, правка, проверка, сохранение, DOCX и PDF
    #[command(
        help_template = SUB_HELP_TEMPLATE,
        next_help_heading = "Параметры",
        override_usage = "otchet serve [ПАПКА] [--port ПОРТ] [--no-browser]\n       \
                          otchet serve ПАПКА --listen АДРЕС:ПОРТ --tls-cert СЕРТИФИКАТ.pem --tls-key КЛЮЧ.pem\n       \
                          otchet serve ПАПКА --listen АДРЕС:ПОРТ --insecure-http [--trusted-proxy АДРЕС]"
    )]
    Serve {
        /// Папка с файлами отчетов .toml (по умолчанию текущая)
        #[arg(value_name = "ПАПКА", default_value = ".", hide_default_value = true)]
        dir: PathBuf,
        /// Порт на 127.0.0.1 (по умолчанию — любой свободный)
        #[arg(long, value_name = "ПОРТ", default_value_t = 0, hide_default_value = true)]
        port: u16,
        /// Не открывать браузер (адрес печатается первой строкой)
        #[arg(long)]
        no_browser: bool,
        /// Сервер для всех сотрудников: адрес и порт (например 0.0.0.0:8443); вход по именам и паролям
        #[arg(long, value_name = "АДРЕС:ПОРТ", conflicts_with = "port")]
        listen: Option<std::net::SocketAddr>,
        /// Сертификат сервера (PEM, цепочка начиная с самого сертификата) для HTTPS
        #[arg(long, value_name = "СЕРТИФИКАТ.pem")]
        tls_cert: Option<PathBuf>,
        /// Закрытый ключ сервера (PEM) для HTTPS
        #[arg(long, value_name = "КЛЮЧ.pem")]
        tls_key: Option<PathBuf>,
        /// Без шифрования: только за обратным прокси с HTTPS (nginx)
        #[arg(long)]
        insecure_http: bool,
        /// Адрес обратного прокси, которому можно верить в X-Forwarded-For
        #[arg(long, value_name = "АДРЕС", requires = "listen")]
        trusted_proxy: Option<std::net::IpAddr>,
    },
    /// Пользователи сервера для сети: добавить, показать, удалить, сменить пароль
    #[command(
        help_template = SUB_HELP_TEMPLATE,
        next_help_heading = "Параметры",
        override_usage = "otchet users add ЛОГИН --role coordinator|department|reader [--department НАЗВАНИЕ] [--name \"Ф. И. О.\"] --dir ПАПКА [--password-stdin]\n       \
                          otchet users list|remove ЛОГИН|passwd ЛОГИН [--password-stdin] --dir ПАПКА"
    )]
    Users {
        #[command(subcommand)]
        action: UsersAction,
    },
    /// Журнал действий сервера для сети (входы, сохранения, смены статусов), новые сверху
    #[command(
        help_template = SUB_HELP_TEMPLATE,
        next_help_heading = "Параметры",
        override_usage = "otchet audit --dir ПАПКА [--limit N]"
    )]
    Audit {
        /// Папка с отчетами, которую обслуживает сервер
        #[arg(long, value_name = "ПАПКА")]
        dir: PathBuf,
        /// Сколько последних записей показать
        #[arg(long, value_name = "N", default_value_t = 200)]
        limit: usize,
    },
    /// Напечатать JSON Schema формата данных (для редакторов с Taplo / Even Better TOML)
    #[command(help_template = SUB_HELP_TEMPLATE)]
    Schema,
    /// Напечатать страницу справочного руководства (man, формат roff)
    #[command(hide = true)]
    Man {
        /// Команда, страницу которой напечатать (по умолчанию — общая страница)
        command: Option<String>,
    },
    /// Напечатать сценарий автодополнения для оболочки
    #[command(
        help_template = SUB_HELP_TEMPLATE,
        next_help_heading = "Параметры",
        override_usage = "otchet completions bash|zsh|fish|powershell|elvish"
    )]
    Completions {
        /// Оболочка: bash, zsh, fish, powershell или elvish
        #[arg(value_enum, value_name = "ОБОЛОЧКА", hide_possible_values = true)]
        shell: Shell,
    },
}

/// `otchet users …`.
#[derive(Subcommand, Debug)]
enum UsersAction {
    /// Добавить пользователя; пароль — из стандартного ввода или созданный и напечатанный один раз
    #[command(help_template = SUB_HELP_TEMPLATE, next_help_heading = "Параметры")]
    Add {
        /// Имя входа: строчные латинские буквы, цифры, . _ -
        #[arg(value_name = "ЛОГИН")]
        login: String,
        /// Роль: coordinator (координатор), department (департамент), reader (читатель)
        #[arg(long, value_name = "РОЛЬ", value_parser = ["coordinator", "department", "reader"])]
        role: String,
        /// Департамент пользователя — точно как в отчетах (для роли department)
        #[arg(long, value_name = "НАЗВАНИЕ")]
        department: Option<String>,
        /// Имя, которое видно в журнале и в исправлениях («Ф. И. О.»)
        #[arg(long, value_name = "Ф. И. О.")]
        name: Option<String>,
        /// Папка с отчетами, которую обслуживает сервер
        #[arg(long, value_name = "ПАПКА")]
        dir: PathBuf,
        /// Прочитать пароль (одна строка) из стандартного ввода
        #[arg(long)]
        password_stdin: bool,
    },
    /// Показать пользователей
    #[command(help_template = SUB_HELP_TEMPLATE, next_help_heading = "Параметры")]
    List {
        /// Папка с отчетами, которую обслуживает сервер
        #[arg(long, value_name = "ПАПКА")]
        dir: PathBuf,
    },
    /// Удалить пользователя (его сеансы заканчиваются)
    #[command(help_template = SUB_HELP_TEMPLATE, next_help_heading = "Параметры")]
    Remove {
        /// Имя входа
        #[arg(value_name = "ЛОГИН")]
        login: String,
        /// Папка с отчетами, которую обслуживает сервер
        #[arg(long, value_name = "ПАПКА")]
        dir: PathBuf,
    },
    /// Сменить пароль (сеансы пользователя заканчиваются)
    #[command(help_template = SUB_HELP_TEMPLATE, next_help_heading = "Параметры")]
    Passwd {
        /// Имя входа
        #[arg(value_name = "ЛОГИН")]
        login: String,
        /// Папка с отчетами, которую обслуживает сервер
        #[arg(long, value_name = "ПАПКА")]
        dir: PathBuf,
        /// Прочитать пароль (одна строка) из стандартного ввода
        #[arg(long)]
        password_stdin: bool,
    },
}

/// clap's usage errors, in Russian (exit status 2).
fn usage_error(e: &clap::Error) -> String {
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
            let allowed = if arg.contains("--year") {
                "год — число от 2000 до 2100, например --year 2021".to_string()
            } else if arg.contains("--quarter") {
                "квартал — число от 1 до 4 (IV квартал — --quarter 4)".to_string()
            } else if arg.contains("--rows") {
                format!("число строк — от 0 до {}", otchet::forms::MAX_ROWS)
            } else if arg.contains("--port") {
                "порт — число от 0 до 65535 (0 — любой свободный)".to_string()
            } else {
                "проверьте значение по справке".to_string()
            };
            format!("недопустимое значение «{value}» для {arg}: {allowed}")
        }
        _ => format!("неверная командная строка ({})", e.kind()),
    };
    format!("otchet: {what}\nСправка: otchet --help\n")
}

/// The man page of otchet or of one of its commands (`otchet-render`),
/// by clap_mangen, its section headings in Russian.
fn man_page(command: Option<&str>) -> Option<String> {
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
            let _ = std::io::stderr().write_all(usage_error(&e).as_bytes());
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
            app::forms(&app::FormsArgs { input, outdir, rows: rows as usize, departments })
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
        Command::Man { command } => match man_page(command.as_deref()) {
            Some(page) => app::print_out(&page),
            None => Err(app::CliError { code: 2, text: "otchet: нет такой команды\n".into() }),
        },
        Command::Completions { shell } => {
            let shell = match shell {
                Shell::Bash => clap_complete::Shell::Bash,
                Shell::Zsh => clap_complete::Shell::Zsh,
                Shell::Fish => clap_complete::Shell::Fish,
                Shell::Powershell => clap_complete::Shell::PowerShell,
                Shell::Elvish => clap_complete::Shell::Elvish,
            };
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "otchet", &mut script);
            app::print_out(&String::from_utf8_lossy(&script))
        }
    };
    ExitCode::from(app::exit_status(status))
}
