//! Loading: bytes -> validated [`Report`], collecting every problem of the
//! file (not only the first) as [`Diagnostic`]s with source spans.
//!
//! The file is parsed into toml's spanned document tree (`DeTable`) and
//! walked by hand, so that each missing field, wrong type, unknown key or
//! bad value gets its own message at its own line and column.

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

pub use crate::diag::{io_error, Failure};
use crate::diag::{Diagnostic, Source};
use crate::text::{has_visible, is_cyrillic, is_rtl, normalize_title, words};
use crate::model::{Agreement, Dates, Department, Event, Period, Report, Span, Text};

/// Larger input files are refused before reading them.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;
/// Longest accepted text of one field, in characters.
pub const MAX_TEXT_CHARS: usize = 50_000;
/// Most events accepted in one file.
pub const MAX_EVENTS: usize = 100_000;

/// A successfully loaded report with its warnings.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub source: Source,
    pub report: Report,
    pub warnings: Vec<Diagnostic>,
}

/// Reads and validates a data file.
pub fn load_file(path: &Path) -> Result<Loaded, Failure> {
    let name = path.display().to_string();
    let bytes = read_file(path, "файл данных")
        .map_err(|d| Failure { source: Source::new(name.clone(), String::new()), diagnostics: vec![d] })?;
    load_bytes(&name, &bytes)
}

/// Reads a file otchet takes as input, never more than [`MAX_FILE_BYTES`]:
/// a device, a pipe or an endless stream is refused past the limit as a
/// large file is (its length cannot be known in advance).
pub fn read_file(path: &Path, what: &str) -> Result<Vec<u8>, Diagnostic> {
    use std::io::Read;
    if path.is_dir() {
        return Err(Diagnostic::error(format!("это каталог, а не {what}")).help("укажите путь к файлу .toml"));
    }
    let file = std::fs::File::open(path).map_err(|e| io_error("не удалось открыть файл", &e))?;
    let too_big = |size: String| {
        Diagnostic::error(format!("файл слишком велик: {size} МБ, допустимо не более {} МБ", MAX_FILE_BYTES / (1024 * 1024)))
            .help("проверьте, что указан файл данных отчета; большой отчет разделите по кварталам")
    };
    // A regular file says its size: refused before reading.
    if let Some(meta) = file.metadata().ok().filter(|m| m.is_file() && m.len() > MAX_FILE_BYTES) {
        return Err(too_big((meta.len() / (1024 * 1024)).to_string()));
    }
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(|e| io_error("не удалось прочитать файл", &e))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_big(format!("больше {}", MAX_FILE_BYTES / (1024 * 1024))));
    }
    Ok(bytes)
}

/// Decodes the bytes (UTF-8, optional BOM) and validates the report.
pub fn load_bytes(name: &str, bytes: &[u8]) -> Result<Loaded, Failure> {
    let source = decode(name, bytes)?;
    let (report, diagnostics) = parse(&source);
    match report {
        Some(report) if !diagnostics.iter().any(Diagnostic::is_error) => {
            Ok(Loaded { source, report, warnings: diagnostics })
        }
        _ => Err(Failure { source, diagnostics }),
    }
}

/// Text decoding: UTF-8 with an optional BOM; UTF-16 and other encodings are
/// refused with a hint.
pub fn decode(name: &str, bytes: &[u8]) -> Result<Source, Failure> {
    let fail = |d: Diagnostic| Failure { source: Source::new(name, String::new()), diagnostics: vec![d] };
    let resave = "откройте файл в редакторе и сохраните его в кодировке UTF-8";
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) || looks_like_utf16(bytes) {
        return Err(fail(Diagnostic::error("файл в кодировке UTF-16, а нужна UTF-8").help(resave)));
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(Source::new(name, text)),
        Err(e) => {
            let valid = e.valid_up_to();
            let text = String::from_utf8_lossy(bytes).into_owned();
            // The lossy text has the same prefix, so the offset is valid there.
            let source = Source::new(name, text);
            let d = Diagnostic::error(format!(
                "файл не в кодировке UTF-8 (байт 0x{:02X}); вероятно, он сохранен в Windows-1251",
                bytes[valid]
            ))
            .at(valid..valid + 1)
            .help(resave);
            Err(Failure { source, diagnostics: vec![d] })
        }
    }
}

fn looks_like_utf16(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(200)];
    head.len() >= 4 && head.iter().filter(|&&b| b == 0).count() * 4 >= head.len()
}

/// Parses and validates; the report is returned only if it could be built
/// (it may still come with errors from cross-checks).
pub fn parse(source: &Source) -> (Option<Report>, Vec<Diagnostic>) {
    let text = source.text.as_str();
    if text.trim().is_empty() {
        return (
            None,
            vec![Diagnostic::error("файл пуст")
                .help("начните с раздела [report] с полями year и quarter; пример — в README.md")],
        );
    }
    let (doc, errors) = DeTable::parse_recoverable(text);
    let mut cx = Cx { src: text, diags: Vec::new(), agreement_refs: Vec::new(), event_items: 0 };
    if !errors.is_empty() {
        for e in errors {
            cx.diags.push(syntax_error(&e, text));
        }
        return (None, cx.diags);
    }
    let report = cx.report(&doc);
    let mut diags = cx.diags;
    // In file order; diagnostics without a place first.
    diags.sort_by_key(|d| d.span.as_ref().map_or(0, |s| s.start + 1));
    (report, diags)
}

fn syntax_error(e: &toml::de::Error, text: &str) -> Diagnostic {
    let raw = e.message().trim().to_string();
    let span = match e.span() {
        Some(span) if !(span.is_empty() && span.start == 0 && !text.is_empty() && is_depth_error(&raw)) => span,
        // The parser gives no place for too deep nesting: the line that
        // nests most is where to look.
        _ => deepest_line(text),
    };
    let msg = translate_syntax(&raw);
    Diagnostic::error(format!("синтаксическая ошибка TOML: {msg}")).help(syntax_hint(&raw, text, &span)).at(span)
}

fn is_depth_error(raw: &str) -> bool {
    raw.contains("recursion") || raw.contains("recurse")
}

/// The line with the most dots and brackets (a dotted key or nested
/// arrays too deep to parse).
fn deepest_line(text: &str) -> Span {
    let mut best = (0usize, 0..0);
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let n = line.bytes().filter(|b| matches!(b, b'.' | b'[' | b'{')).count();
        if n > best.0 {
            let trimmed = line.trim_end();
            best = (n, start..start + trimmed.len().min(80));
        }
        start += line.len();
    }
    best.1
}

/// The TOML parser's message in Russian: what is wrong, then what was
/// expected ("invalid date, expected day between 01 and 29").
fn translate_syntax(raw: &str) -> String {
    let (what, expected) = match raw.split_once(", expected ") {
        Some((w, e)) => (w, Some(e)),
        None => (raw, None),
    };
    let mut out = translate_what(what);
    if let Some(e) = expected {
        out.push_str("; ожидается ");
        out.push_str(&translate_expected(e));
    }
    out
}

fn translate_what(what: &str) -> String {
    const TABLE: &[(&str, &str)] = &[
        ("duplicate key", "ключ повторяется"),
        ("recursion limit", "слишком глубокая вложенность ключей или массивов"),
        ("cannot recurse further; max recursion depth met", "слишком глубокая вложенность ключей или массивов"),
        ("invalid date", "неверная дата"),
        ("invalid time", "неверное время"),
        ("invalid date-time", "неверная дата или время"),
        ("invalid datetime", "неверная дата или время"),
        ("invalid offset", "неверный часовой пояс"),
        ("too few unicode value digits", "слишком мало цифр в коде символа"),
        ("invalid unicode escape value", "неверный код символа"),
        ("string values must be quoted", "текст должен быть в кавычках"),
        ("invalid basic string", "незакрытая или неверная строка в кавычках"),
        ("invalid literal string", "незакрытая или неверная строка в апострофах"),
        ("invalid multi-line basic string", "не закрыта многострочная строка \"\"\""),
        ("invalid multi-line literal string", "не закрыта многострочная строка \'\'\'"),
        ("invalid string", "неверная строка"),
        ("unclosed table", "не закрыт заголовок раздела"),
        ("unclosed array table", "не закрыт заголовок раздела [[…]]"),
        ("unclosed array", "не закрыт массив"),
        ("unclosed inline table", "не закрыта таблица в фигурных скобках"),
        ("`_` may only go between digits", "знак «_» допускается только между цифрами"),
        ("invalid boolean", "неверное логическое значение"),
        ("unquoted keys cannot be empty", "ключ без кавычек не может быть пустым"),
        ("missing escaped value", "нет символа после «\\»"),
        ("invalid exponent", "неверный порядок числа"),
        ("invalid fraction", "неверная дробная часть числа"),
        ("invalid mantissa", "неверное число"),
        ("invalid float", "неверное дробное число"),
        ("invalid integer number", "неверное целое число"),
        ("invalid hexadecimal number", "неверное шестнадцатеричное число"),
        ("invalid octal number", "неверное восьмеричное число"),
        ("invalid binary number", "неверное двоичное число"),
        ("integers with a radix cannot be signed", "шестнадцатеричное, восьмеричное или двоичное число не может иметь знака"),
        ("radix must be lowercase", "префикс числа пишется строчными буквами"),
        ("redundant integer number prefix", "лишний префикс числа"),
        ("redundant numeric sign", "лишний знак числа"),
        ("unexpected leading zero", "число не может начинаться с нуля"),
        ("unexpected sign", "неожиданный знак"),
        ("number too large to fit in target type", "слишком большое число"),
        ("invalid comment character", "недопустимый символ в комментарии"),
        ("carriage return must be followed by newline", "символ возврата каретки без перевода строки"),
        ("extra `=`", "лишний знак «=»"),
        ("extra assignment between key-value pairs", "лишний знак «=»"),
        ("extra comma in array", "лишняя запятая в массиве"),
        ("extra comma in inline table", "лишняя запятая в таблице"),
        ("invalid inline table element", "неверный элемент таблицы в фигурных скобках"),
        ("invalid key", "неверный ключ"),
        ("invalid unquoted key", "неверный ключ"),
        ("invalid key-value pair", "неверная строка «ключ = значение»"),
        ("invalid table", "неверный заголовок раздела"),
        ("invalid table header", "неверный заголовок раздела"),
        ("invalid value", "неверное значение"),
        ("key with no value", "у ключа нет значения"),
        ("keys cannot be multi-line basic strings", "ключ не может быть многострочной строкой"),
        ("keys cannot be multi-line literal strings", "ключ не может быть многострочной строкой"),
        ("missing array opening", "нет открывающей «[»"),
        ("missing assignment between key-value pairs", "нет знака «=» между ключом и значением"),
        ("missing comma between array elements", "нет запятой между элементами массива"),
        ("missing comma between key-value pairs", "нет запятой между элементами таблицы"),
        ("missing comment start", "нет знака «#» перед комментарием"),
        ("missing inline table opening", "нет открывающей «{»"),
        ("missing key for inline table element", "нет ключа у элемента таблицы"),
        ("missing opening quote", "нет открывающей кавычки"),
        ("missing table open", "нет открывающей «[»"),
        ("missing value for key", "у ключа нет значения"),
        ("missing value", "нет значения"),
        ("unexpected `=` in array", "знак «=» внутри массива"),
        ("unexpected content between comment and newline", "лишний текст после комментария"),
        ("unexpected content", "лишний текст"),
        ("unexpected key or value", "неожиданный ключ или значение"),
        ("unquoted string", "текст без кавычек"),
        ("could not allocate for string", "строка слишком длинная"),
        ("redefinition of table", "раздел определен повторно"),
        ("duplicate table", "раздел определен повторно"),
    ];
    let what = what.trim();
    if let Some((_, ru)) = TABLE.iter().find(|(en, _)| en.eq_ignore_ascii_case(what)) {
        return (*ru).to_string();
    }
    if let Some((_, ru)) = TABLE.iter().find(|(en, _)| what.to_lowercase().starts_with(en)) {
        return (*ru).to_string();
    }
    // A message this table does not know: described, not quoted.
    "неверная запись".to_string()
}

/// "day between 01 and 29", "`]`", "letters, numbers, `-`, `_`" …
fn translate_expected(e: &str) -> String {
    if let Some((unit, range)) = e.split_once(" between ") {
        let unit = match unit.trim() {
            "year" => "год",
            "month" => "месяц",
            "day" => "день",
            "hour" => "час",
            "minute" => "минута",
            "second" => "секунда",
            _ => "значение",
        };
        return format!("{unit} от {}", range.replace(" and ", " до "));
    }
    e.split(", ")
        .map(|t| {
            let t = t.trim();
            if let Some(q) = t.strip_prefix('`').and_then(|t| t.strip_suffix('`')) {
                return format!("«{q}»");
            }
            match t {
                "letters" => "буквы",
                "numbers" | "digits" => "цифры",
                "nothing" => "конец значения",
                "literal string" | "basic string" => "строка",
                "multi-line basic string" | "multi-line literal string" => "многострочная строка",
                "unicode hexadecimal value" | "hexadecimal" => "шестнадцатеричные цифры",
                "newline" => "перевод строки",
                "whitespace" => "пробел",
                "comment" => "комментарий",
                "end-of-input" => "конец файла",
                "key-value separator" => "знак «=»",
                "key separator" => "точка",
                "value separator" => "запятая",
                "integer" => "целое число",
                "boolean" => "true или false",
                "date-time" => "дата",
                "printable characters" | "characters" => "печатные символы",
                "array close" => "«]»",
                "inline-table close" => "«}»",
                "std-table close" => "«]»",
                "array-table close" => "«]]»",
                _ => "другое",
            }
            .to_string()
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn syntax_hint(raw: &str, text: &str, span: &Span) -> String {
    let lower = raw.to_lowercase();
    if lower.contains("duplicate") || lower.contains("redefin") {
        return "каждый ключ указывается в таблице один раз; мероприятие начинается с [[department.event]]".into();
    }
    let line_start = text[..span.start.min(text.len())].rfind('\n').map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next().unwrap_or("");
    if line.contains('=') && !line.contains('"') && !line.contains('\'') && !line.contains('{') {
        return "текст пишется в кавычках: title = \"Название\"; даты — как 2020-10-20".into();
    }
    "проверьте кавычки, скобки и знак «=» в этой строке; многострочный текст заключайте в \"\"\"тройные кавычки\"\"\""
        .into()
}

struct Cx<'s> {
    src: &'s str,
    diags: Vec<Diagnostic>,
    /// Every `agreement = "…"` seen, also in events that failed to load, so
    /// unknown keys are reported together with other errors.
    agreement_refs: Vec<(String, Span)>,
    /// `[[department.event]]` entries seen, valid or not.
    event_items: usize,
}

type Val<'i> = Spanned<DeValue<'i>>;

fn type_ru(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "строка",
        DeValue::Integer(_) => "целое число",
        DeValue::Float(_) => "дробное число",
        DeValue::Boolean(_) => "логическое значение",
        DeValue::Datetime(_) => "дата",
        DeValue::Array(_) => "массив",
        DeValue::Table(_) => "таблица",
    }
}

/// The closest known key, for "did you mean".
pub fn suggest<'a>(unknown: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    known
        .into_iter()
        .map(|k| (strsim::levenshtein(unknown, k), k))
        .filter(|(d, k)| *d <= 2.max(k.chars().count() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

const TOP_KEYS: &[&str] = &["report", "agreements", "department"];
const REPORT_KEYS: &[&str] = &["year", "quarter", "region", "title"];
const DEPARTMENT_KEYS: &[&str] = &["name", "event"];
const EVENT_KEYS: &[&str] = &["agreement", "title", "dates", "place", "participants", "result"];
const RANGE_KEYS: &[&str] = &["from", "to"];

impl<'s> Cx<'s> {
    fn err(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    fn check_keys(&mut self, t: &DeTable<'_>, allowed: &[&str], where_: &str) {
        for (k, _) in t.iter() {
            let key: &str = k.get_ref();
            if !allowed.contains(&key) {
                let mut d = Diagnostic::error(format!("неизвестный ключ «{key}» {where_}"))
                    .at(k.span())
                    .label("такого поля нет");
                d = match suggest(key, allowed.iter().copied()) {
                    Some(s) => {
                        d.help(format!("возможно, имелось в виду «{s}»? Допустимые ключи: {}", allowed.join(", ")))
                    }
                    None => d.help(format!("допустимые ключи: {}", allowed.join(", "))),
                };
                self.err(d);
            }
        }
    }

    fn get<'t, 'i>(&self, t: &'t DeTable<'i>, key: &str) -> Option<&'t Val<'i>> {
        t.iter().find(|(k, _)| k.get_ref() == key).map(|(_, v)| v)
    }

    fn required<'t, 'i>(
        &mut self,
        t: &'t DeTable<'i>,
        key: &str,
        at: Span,
        what: &str,
        example: &str,
    ) -> Option<&'t Val<'i>> {
        let v = self.get(t, key);
        if v.is_none() {
            self.err(
                Diagnostic::error(format!("нет обязательного поля «{key}» {what}"))
                    .at(at)
                    .help(format!("добавьте строку: {example}")),
            );
        }
        v
    }

    fn integer(&mut self, v: &Val<'_>, key: &str, range: std::ops::RangeInclusive<i64>, example: &str) -> Option<i64> {
        let n = match v.get_ref() {
            DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix()).ok(),
            other => {
                self.err(
                    Diagnostic::error(format!("поле «{key}» должно быть целым числом, а здесь {}", type_ru(other)))
                        .at(v.span())
                        .help(format!("например: {example}")),
                );
                return None;
            }
        };
        match n {
            Some(n) if range.contains(&n) => Some(n),
            _ => {
                self.err(
                    Diagnostic::error(format!(
                        "поле «{key}» вне допустимого диапазона {}..={}",
                        range.start(),
                        range.end()
                    ))
                    .at(v.span())
                    .label("недопустимое значение")
                    .help(format!("например: {example}")),
                );
                None
            }
        }
    }

    /// Maps a byte range of a decoded string to the source: the first place
    /// in the value's source text where that substring is written literally,
    /// else (escapes, empty range) the whole value.
    fn inner_span(&self, value_span: &Span, decoded: &str, range: std::ops::Range<usize>) -> Span {
        let needle = &decoded[range];
        match self.src[value_span.clone()].find(needle) {
            Some(pos) if !needle.is_empty() => {
                let start = value_span.start + pos;
                start..start + needle.len()
            }
            _ => value_span.clone(),
        }
    }

    /// A required, non-empty text field.
    fn text(&mut self, v: &Val<'_>, key: &str, what: &str) -> Option<Text> {
        let span = v.span();
        let s = match v.get_ref() {
            DeValue::String(s) => s,
            other => {
                self.err(
                    Diagnostic::error(format!("поле «{key}» {what} должно быть текстом, а здесь {}", type_ru(other)))
                        .at(span)
                        .help(format!("заключите текст в кавычки: {key} = \"…\"")),
                );
                return None;
            }
        };
        // Windows line ends inside multi-line strings are just line ends.
        let value = s.replace("\r\n", "\n");
        let mut ok = true;
        if !has_visible(&value) {
            self.err(
                Diagnostic::error(format!("поле «{key}» {what} пустое"))
                    .at(span.clone())
                    .label(if value.trim().is_empty() { "пустой текст" } else { "только невидимые символы" })
                    .help("заполните поле; если сведений нет, так и напишите, например «—» или «нет данных»"),
            );
            ok = false;
        }
        let chars = value.chars().count();
        if chars > MAX_TEXT_CHARS {
            self.err(
                Diagnostic::error(format!(
                    "поле «{key}» {what} слишком длинное: {chars} символов, допустимо не более {MAX_TEXT_CHARS}"
                ))
                .at(span.start..span.start + 1)
                .help("сократите текст; в ячейку таблицы отчета столько не поместится"),
            );
            ok = false;
        }
        for (i, c) in value.char_indices() {
            if c.is_control() && c != '\n' && c != '\t' {
                let at = self.inner_span(&span, &value, i..i + c.len_utf8());
                self.err(
                    Diagnostic::error(format!(
                        "недопустимый управляющий символ U+{:04X} в поле «{key}» {what}",
                        c as u32
                    ))
                    .at(at)
                    .label("этот символ нельзя записать в документ")
                    .help("удалите символ (часто он попадает при копировании из других программ)"),
                );
                ok = false;
            }
        }
        // Right-to-left text would print in logical order, i.e. reversed
        // for a reader: refused rather than silently corrupted.
        if let Some((i, c)) = value.char_indices().find(|&(_, c)| is_rtl(c)) {
            let at = self.inner_span(&span, &value, i..i + c.len_utf8());
            self.err(
                Diagnostic::error(format!(
                    "текст справа налево (иврит, арабский и т. п.) не поддерживается: символ «{c}» (U+{:04X}) в поле «{key}» {what}",
                    c as u32
                ))
                .at(at)
                .label("письмо справа налево")
                .help("приведите название в русской транскрипции или переводе"),
            );
            ok = false;
        }
        if !ok {
            return None;
        }
        self.mixed_script(&value, &span, key, what);
        Some(Text::new(value, span))
    }

    /// Warns about words mixing Latin and Cyrillic letters (`Cоглашение`).
    fn mixed_script(&mut self, value: &str, span: &Span, key: &str, what: &str) {
        for (start, word) in words(value) {
            let latin = word.chars().filter(|c| c.is_ascii_alphabetic()).count();
            let cyr = word.chars().filter(|c| is_cyrillic(*c)).count();
            if latin > 0 && cyr > 0 {
                let latin_chars: String = word.chars().filter(|c| c.is_ascii_alphabetic()).collect();
                let at = self.inner_span(span, value, start..start + word.len());
                self.err(
                    Diagnostic::warning(format!(
                        "в слове «{word}» поля «{key}» {what} смешаны латиница и кириллица (латинские: {latin_chars})"
                    ))
                    .at(at)
                    .label("смешанное слово")
                    .help("перепечатайте слово в одной раскладке: иначе поиск по документу его не найдет"),
                );
            }
        }
    }

    fn report(&mut self, doc: &Spanned<DeTable<'_>>) -> Option<Report> {
        let root = doc.get_ref();
        self.check_keys(root, TOP_KEYS, "на верхнем уровне файла");
        let whole = 0..0;

        // [report]
        let mut period = None;
        let mut region = None;
        let mut title = None;
        match self.get(root, "report") {
            None => self.err(
                Diagnostic::error("нет раздела [report]")
                    .at(whole.clone())
                    .help("добавьте в начало файла:\n[report]\nyear = 2020\nquarter = 4"),
            ),
            Some(v) => match v.get_ref() {
                DeValue::Table(t) => {
                    let at = v.span();
                    self.check_keys(t, REPORT_KEYS, "в разделе [report]");
                    let year = self
                        .required(t, "year", at.clone(), "в разделе [report]", "year = 2020")
                        .and_then(|v| self.integer(v, "year", 2000..=2100, "year = 2020"));
                    let quarter = self
                        .required(t, "quarter", at.clone(), "в разделе [report]", "quarter = 4")
                        .and_then(|v| self.integer(v, "quarter", 1..=4, "quarter = 4"));
                    if let (Some(y), Some(q)) = (year, quarter) {
                        period = Some(Period::Quarter { year: y as i32, quarter: q as u8 });
                    }
                    if let Some(v) = self.get(t, "region") {
                        region = self.text(v, "region", "в разделе [report]").map(|t| t.value);
                    }
                    if let Some(v) = self.get(t, "title") {
                        title = self.text(v, "title", "в разделе [report]");
                    }
                }
                other => self.err(
                    Diagnostic::error(format!("«report» должен быть разделом [report], а здесь {}", type_ru(other)))
                        .at(v.span()),
                ),
            },
        }

        // [agreements]
        let mut agreements: Vec<Agreement> = Vec::new();
        match self.get(root, "agreements") {
            None => self.err(
                Diagnostic::error("нет раздела [agreements] — реестра соглашений")
                    .at(whole.clone())
                    .help("добавьте раздел:\n[agreements]\nmoscow = \"Соглашение между …\""),
            ),
            Some(v) => match v.get_ref() {
                DeValue::Table(t) => {
                    for (k, v) in t.iter() {
                        let key = k.get_ref().to_string();
                        if key.trim().is_empty() {
                            self.err(
                                Diagnostic::error("пустой ключ соглашения")
                                    .at(k.span())
                                    .label("ключ без имени")
                                    .help("дайте соглашению короткий ключ латиницей, например moscow = \"Соглашение …\""),
                            );
                            continue;
                        }
                        if let Some(title) = self.text(v, &key, "в разделе [agreements]") {
                            agreements.push(Agreement { key, title, key_span: k.span() });
                        }
                    }
                }
                other => self.err(
                    Diagnostic::error(format!(
                        "«agreements» должен быть разделом [agreements], а здесь {}",
                        type_ru(other)
                    ))
                    .at(v.span()),
                ),
            },
        }

        // [[department]]
        let mut departments = Vec::new();
        match self.get(root, "department") {
            None => {}
            Some(v) => match v.get_ref() {
                DeValue::Array(items) => {
                    for item in items.iter() {
                        if let Some(d) = self.department(item) {
                            departments.push(d);
                        }
                    }
                }
                other => self.err(
                    Diagnostic::error(format!(
                        "«department» должен быть списком разделов [[department]], а здесь {}",
                        type_ru(other)
                    ))
                    .at(v.span())
                    .help("каждый департамент начинается со строки [[department]]"),
                ),
            },
        }

        // Cross-checks run on whatever could be read, so that every problem
        // of the file is reported at once.
        self.cross_check(period, &agreements, &departments);
        let period = period?;
        Some(Report { period, region, title, agreements, departments })
    }

    fn department(&mut self, item: &Val<'_>) -> Option<Department> {
        let t = match item.get_ref() {
            DeValue::Table(t) => t,
            other => {
                self.err(
                    Diagnostic::error(format!(
                        "элемент [[department]] должен быть таблицей, а здесь {}",
                        type_ru(other)
                    ))
                    .at(item.span()),
                );
                return None;
            }
        };
        let at = item.span();
        self.check_keys(t, DEPARTMENT_KEYS, "в разделе [[department]]");
        let name = self
            .required(t, "name", at.clone(), "в разделе [[department]]", "name = \"Департамент …\"")
            .and_then(|v| self.text(v, "name", "департамента"));
        let mut events = Vec::new();
        if let Some(v) = self.get(t, "event") {
            match v.get_ref() {
                DeValue::Array(items) => {
                    for e in items.iter() {
                        if let Some(e) = self.event(e) {
                            events.push(e);
                        }
                    }
                }
                other => self.err(
                    Diagnostic::error(format!(
                        "«event» должен быть списком разделов [[department.event]], а здесь {}",
                        type_ru(other)
                    ))
                    .at(v.span()),
                ),
            }
        }
        Some(Department { name: name?, events })
    }

    fn event(&mut self, item: &Val<'_>) -> Option<Event> {
        self.event_items += 1;
        let t = match item.get_ref() {
            DeValue::Table(t) => t,
            other => {
                self.err(
                    Diagnostic::error(format!(
                        "элемент [[department.event]] должен быть таблицей, а здесь {}",
                        type_ru(other)
                    ))
                    .at(item.span()),
                );
                return None;
            }
        };
        let at = item.span();
        let what = "мероприятия";
        self.check_keys(t, EVENT_KEYS, "в мероприятии [[department.event]]");
        let req = |cx: &mut Self, key: &str, example: &str| {
            cx.required(t, key, at.clone(), "в мероприятии [[department.event]]", example)
        };
        let agreement = req(self, "agreement", "agreement = \"moscow\"").and_then(|v| match v.get_ref() {
            DeValue::String(s) if !s.trim().is_empty() => {
                self.agreement_refs.push((s.to_string(), v.span()));
                Some((s.to_string(), v.span()))
            }
            DeValue::String(_) => {
                self.err(
                    Diagnostic::error("поле «agreement» пустое")
                        .at(v.span())
                        .help("укажите ключ соглашения из раздела [agreements]"),
                );
                None
            }
            other => {
                self.err(
                    Diagnostic::error(format!(
                        "поле «agreement» должно быть ключом соглашения в кавычках, а здесь {}",
                        type_ru(other)
                    ))
                    .at(v.span())
                    .help("например: agreement = \"moscow\""),
                );
                None
            }
        });
        let title = req(self, "title", "title = \"Название мероприятия\"").and_then(|v| self.text(v, "title", what));
        let dates = req(self, "dates", "dates = 2020-10-20").and_then(|v| self.dates(v).map(|d| (d, v.span())));
        let place = req(self, "place", "place = \"г. Смоленск\"").and_then(|v| self.text(v, "place", what));
        let participants = req(self, "participants", "participants = \"Представители …\"")
            .and_then(|v| self.text(v, "participants", what));
        let result =
            req(self, "result", "result = \"Содержание и результат …\"").and_then(|v| self.text(v, "result", what));
        let (agreement, agreement_span) = agreement?;
        let (dates, dates_span) = dates?;
        Some(Event {
            agreement,
            agreement_span,
            title: title?,
            dates,
            dates_span,
            place: place?,
            participants: participants?,
            result: result?,
            span: at,
        })
    }

    fn date(&mut self, v: &Val<'_>, key: &str) -> Option<NaiveDate> {
        let help = "дата пишется без кавычек: 2020-10-20; период — { from = 2020-11-26, to = 2020-12-16 }";
        match v.get_ref() {
            DeValue::Datetime(dt) => match (dt.date, dt.time, dt.offset) {
                (Some(d), None, None) => {
                    NaiveDate::from_ymd_opt(d.year as i32, d.month as u32, d.day as u32).or_else(|| {
                        self.err(Diagnostic::error("такой даты нет в календаре").at(v.span()).help(help));
                        None
                    })
                }
                _ => {
                    self.err(
                        Diagnostic::error(format!("в поле «{key}» укажите только дату, без времени"))
                            .at(v.span())
                            .help(help),
                    );
                    None
                }
            },
            other => {
                self.err(
                    Diagnostic::error(format!("поле «{key}» должно быть датой, а здесь {}", type_ru(other)))
                        .at(v.span())
                        .help(help),
                );
                None
            }
        }
    }

    fn dates(&mut self, v: &Val<'_>) -> Option<Dates> {
        match v.get_ref() {
            DeValue::String(_) => self.text(v, "dates", "мероприятия").map(|t| Dates::Text(t.value)),
            DeValue::Datetime(_) => self.date(v, "dates").map(Dates::Day),
            DeValue::Table(t) => {
                self.check_keys(t, RANGE_KEYS, "в периоде dates");
                let at = v.span();
                let from = self
                    .required(t, "from", at.clone(), "в периоде dates", "from = 2020-11-26")
                    .and_then(|v| self.date(v, "from"));
                let to = self
                    .required(t, "to", at.clone(), "в периоде dates", "to = 2020-12-16")
                    .and_then(|v| self.date(v, "to"));
                let (from, to) = (from?, to?);
                if from > to {
                    self.err(
                        Diagnostic::error(format!("начало периода ({from}) позже его конца ({to})"))
                            .at(at)
                            .label("from позже to")
                            .help("поменяйте даты местами"),
                    );
                    return None;
                }
                Some(Dates::Range { from, to })
            }
            other => {
                self.err(
                    Diagnostic::error(format!("поле «dates» должно быть текстом, датой или периодом, а здесь {}", type_ru(other)))
                        .at(v.span())
                        .help("например: dates = \"октябрь\", dates = 2020-10-20 или dates = { from = 2020-11-26, to = 2020-12-16 }"),
                );
                None
            }
        }
    }

    /// Checks that need the whole report.
    fn cross_check(&mut self, period: Option<Period>, agreements: &[Agreement], departments: &[Department]) {
        let known: Vec<&str> = agreements.iter().map(|a| a.key.as_str()).collect();
        let index: HashMap<&str, usize> = known.iter().enumerate().map(|(i, k)| (*k, i)).collect();
        let list = known_keys(&known);
        let mut used = vec![false; agreements.len()];
        // "Did you mean" is worked out once per distinct unknown key, and
        // for the first few only: each costs a look at every known key.
        let mut suggestions: HashMap<String, Option<&str>> = HashMap::new();
        for (key, span) in std::mem::take(&mut self.agreement_refs) {
            match index.get(key.as_str()) {
                Some(&i) => used[i] = true,
                None => {
                    let tried = suggestions.len();
                    let hint = *suggestions.entry(key.clone()).or_insert_with(|| {
                        (tried < MAX_SUGGESTED).then(|| suggest(&key, known.iter().copied())).flatten()
                    });
                    let mut d = Diagnostic::error(format!("неизвестное соглашение «{key}»; есть: {list}"))
                        .at(span)
                        .label("нет такого ключа в [agreements]");
                    d = match hint {
                        Some(s) => d.help(format!("возможно, имелось в виду «{s}»?")),
                        None => d.help("добавьте соглашение в раздел [agreements] или исправьте ключ"),
                    };
                    self.err(d);
                }
            }
        }
        let mut events = 0usize;
        // A file with no events at all (a fresh `otchet new`) gets one warning,
        // not one per department and agreement.
        let any_events = departments.iter().any(|d| !d.events.is_empty());
        for dep in departments {
            if dep.events.is_empty() && any_events {
                self.err(
                    Diagnostic::warning(format!("у департамента «{}» нет мероприятий", dep.name.value))
                        .at(dep.name.span.clone())
                        .help("добавьте мероприятия [[department.event]] или удалите раздел"),
                );
            }
            for ev in &dep.events {
                events += 1;
                let (a, b) = match ev.dates {
                    Dates::Day(d) => (d, d),
                    Dates::Range { from, to } => (from, to),
                    Dates::Text(_) => continue,
                };
                let Some(period) = period else { continue };
                let (q_from, q_to) = period.bounds();
                if b < q_from || a > q_to {
                    self.err(
                        Diagnostic::warning(format!("даты мероприятия вне отчетного периода ({})", period.label()))
                            .at(ev.dates_span.clone())
                            .label("вне периода")
                            .help("проверьте год и месяц"),
                    );
                }
            }
        }
        if events > MAX_EVENTS {
            self.err(
                Diagnostic::error(format!("слишком много мероприятий: {events}, допустимо не более {MAX_EVENTS}"))
                    .help("разделите отчет на несколько файлов"),
            );
        }
        if events == 0 && self.event_items == 0 {
            self.err(
                Diagnostic::warning("в отчете нет ни одного мероприятия").help("добавьте разделы [[department.event]]"),
            );
        }
        // An event that failed to load may be the one using an agreement.
        let complete = !self.diags.iter().any(Diagnostic::is_error) && any_events;
        for (a, used) in agreements.iter().zip(&used) {
            if !used && complete {
                self.err(
                    Diagnostic::warning(format!("соглашение «{}» нигде не использовано", a.key))
                        .at(a.key_span.clone())
                        .help("это не ошибка: реестр может содержать все соглашения региона"),
                );
            }
        }
        // Titles differing only in case, spaces or punctuation.
        let mut first_with: HashMap<String, usize> = HashMap::new();
        for j in 0..agreements.len() {
            let i = *first_with.entry(normalize_title(&agreements[j].title.value)).or_insert(j);
            if i != j {
                self.err(
                    Diagnostic::warning(format!(
                        "соглашения «{}» и «{}» названы почти одинаково (различие только в регистре, пробелах или знаках)",
                        agreements[i].key, agreements[j].key
                    ))
                    .at(agreements[j].key_span.clone())
                    .help(format!("если это одно соглашение, оставьте один ключ, «{}»", agreements[i].key)),
                );
            }
        }
    }
}

/// Unknown keys get a "did you mean" for this many distinct keys.
const MAX_SUGGESTED: usize = 20;
/// Keys listed in a message about an unknown agreement.
const MAX_LISTED: usize = 10;

/// The registry's keys for a message: the first [`MAX_LISTED`], then how
/// many more.
fn known_keys(known: &[&str]) -> String {
    match known.len() {
        0 => "реестр пуст".to_string(),
        n if n <= MAX_LISTED => known.join(", "),
        n => format!("{} и ещё {}", known[..MAX_LISTED].join(", "), n - MAX_LISTED),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(suggest("moskow", ["moscow", "tver"]), Some("moscow"));
        assert_eq!(suggest("titel", EVENT_KEYS.iter().copied()), Some("title"));
        assert_eq!(suggest("zzzzzz", ["moscow"]), None);
    }
}
