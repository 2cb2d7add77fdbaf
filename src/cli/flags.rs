//! Every flag of the command line, with its help text and the message
//! shown when its value is wrong — kept together, as ripgrep keeps its
//! flags, so that `--help`, the man pages, the completions and the usage
//! errors all come from these definitions.

use std::path::PathBuf;

use clap::{ArgAction, Parser, Subcommand, ValueEnum};

use otchet::render::Format;

const HELP_TEMPLATE: &str = "\
{before-help}{name} {version} — {about}

Использование: {usage}

{all-args}{after-help}";

pub const SUB_HELP_TEMPLATE: &str = "\
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
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Показать справку
    #[arg(short = 'h', long = "help", action = ArgAction::Help, global = true, help_heading = "Параметры")]
    pub help: Option<bool>,
    /// Показать версию
    #[arg(short = 'V', long = "version", action = ArgAction::Version, help_heading = "Параметры")]
    pub version: Option<bool>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum FormatArg {
    Docx,
    Pdf,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
    Elvish,
}

/// Where and how the documents are written (render, annual).
#[derive(clap::Args)]
pub struct OutputArgs {
    /// Каталог для готовых файлов (по умолчанию текущий; создается при необходимости)
    #[arg(short = 'o', long = "out", value_name = "КАТАЛОГ", default_value = ".", hide_default_value = true)]
    pub outdir: PathBuf,
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
    pub format: Vec<FormatArg>,
    /// Файл шаблона вместо встроенной официальной формы
    #[arg(long, value_name = "ШАБЛОН")]
    pub template: Option<PathBuf>,
    /// Не вкладывать в PDF исходный файл данных (и шаблон); по умолчанию PDF несет их вместе с комментариями
    #[arg(long)]
    pub no_source: bool,
}

impl OutputArgs {
    pub fn formats(&self) -> Vec<Format> {
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
pub enum Command {
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
        #[arg(long, value_name = "ГОД", value_parser = year)]
        year: Option<i32>,
        /// Квартал 1–4 (по умолчанию — следующий)
        #[arg(long, value_name = "КВАРТАЛ", value_parser = quarter)]
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
        #[arg(long, value_name = "ГОД", value_parser = year)]
        year: Option<i32>,
        /// Квартал 1–4, если заголовок документа его не называет
        #[arg(long, value_name = "КВАРТАЛ", value_parser = quarter)]
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
        #[arg(long, value_name = "N", default_value_t = otchet::forms::DEFAULT_ROWS, hide_default_value = true,
              value_parser = rows)]
        rows: usize,
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
        #[arg(long, value_name = "ПОРТ", default_value_t = 0, hide_default_value = true, value_parser = port)]
        port: u16,
        /// Не открывать браузер (адрес печатается первой строкой)
        #[arg(long)]
        no_browser: bool,
        /// Сервер для всех сотрудников: адрес и порт (например 0.0.0.0:8443); вход по именам и паролям
        #[arg(long, value_name = "АДРЕС:ПОРТ", conflicts_with = "port", value_parser = listen)]
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
        #[arg(long, value_name = "АДРЕС", requires = "listen", value_parser = proxy)]
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
        #[arg(long, value_name = "N", default_value_t = 200, value_parser = limit)]
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
pub enum UsersAction {
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

/// A flag's value that is not allowed: what is allowed, in the user's words
/// (the usage error prints it after the value).
#[derive(Debug)]
pub struct Allowed(pub String);

impl std::fmt::Display for Allowed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Allowed {}

/// A whole number from `range`, or what is allowed.
fn number<T: std::str::FromStr + PartialOrd>(
    s: &str,
    range: std::ops::RangeInclusive<T>,
    allowed: impl FnOnce() -> String,
) -> Result<T, Allowed> {
    s.trim().parse().ok().filter(|n| range.contains(n)).ok_or_else(|| Allowed(allowed()))
}

/// `--year`.
fn year(s: &str) -> Result<i32, Allowed> {
    let (from, to) = (*otchet::load::YEARS.start() as i32, *otchet::load::YEARS.end() as i32);
    number(s, from..=to, || format!("год — число от {from} до {to}, например --year 2021"))
}

/// `--quarter`.
fn quarter(s: &str) -> Result<u8, Allowed> {
    number(s, 1..=4, || "квартал — число от 1 до 4 (IV квартал — --quarter 4)".into())
}

/// `--rows`.
fn rows(s: &str) -> Result<usize, Allowed> {
    let most = otchet::forms::MAX_ROWS;
    number(s, 0..=most, || format!("число строк — от 0 до {most}"))
}

/// `--port`.
fn port(s: &str) -> Result<u16, Allowed> {
    number(s, 0..=u16::MAX, || "порт — число от 0 до 65535 (0 — любой свободный)".into())
}

/// `--limit`.
fn limit(s: &str) -> Result<usize, Allowed> {
    number(s, 1..=usize::MAX, || "число записей — целое число больше нуля, например --limit 50".into())
}

/// `--listen`.
fn listen(s: &str) -> Result<std::net::SocketAddr, Allowed> {
    s.trim().parse().map_err(|_| {
        Allowed("адрес и порт через двоеточие, например 0.0.0.0:8443 (все адреса) или 192.168.1.10:8443".into())
    })
}

/// `--trusted-proxy`.
fn proxy(s: &str) -> Result<std::net::IpAddr, Allowed> {
    s.trim().parse().map_err(|_| Allowed("IP-адрес прокси без порта, например 127.0.0.1".into()))
}
