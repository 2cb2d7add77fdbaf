//! The TOML parser's syntax errors, worded in Russian and placed where the
//! user should look.

use crate::diag::Diagnostic;
use crate::model::Span;

pub(super) fn syntax_error(e: &toml::de::Error, text: &str) -> Diagnostic {
    let raw = e.message().trim().to_string();
    let span = match e.span() {
        Some(span) if !(span.is_empty() && span.start == 0 && !text.is_empty() && is_depth_error(&raw)) => span,
        // The parser gives no place for too deep nesting: the line that
        // nests most is where to look.
        _ => deepest_line(text),
    };
    if let Some(d) = invisible_on_line(text, &span) {
        return d;
    }
    let msg = translate_syntax(&raw);
    Diagnostic::error(format!("синтаксическая ошибка TOML: {msg}")).help(syntax_hint(&raw, text, &span)).at(span)
}

/// A syntax error on a line that holds an invisible character (a byte
/// order mark pasted mid-file, a line separator U+2028, a zero-width
/// space): that character is the fault, named and pointed at.
fn invisible_on_line(text: &str, span: &Span) -> Option<Diagnostic> {
    let at = span.start.min(text.len());
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let (off, c) = text[start..end]
        .char_indices()
        .find(|&(_, c)| crate::text::is_invisible(c) || matches!(c, '\u{2028}' | '\u{2029}'))?;
    let name = match c {
        '\u{FEFF}' => "метка порядка байтов (BOM) U+FEFF",
        '\u{2028}' => "разделитель строк U+2028",
        '\u{2029}' => "разделитель абзацев U+2029",
        '\u{200B}' => "пробел нулевой ширины U+200B",
        _ => "невидимый символ",
    };
    let code = format!("U+{:04X}", c as u32);
    let what = if name.contains("U+") { name.to_string() } else { format!("{name} {code}") };
    // Inside a quoted text it is text, not the fault.
    if text[start..start + off].contains(['"', '\'']) {
        return None;
    }
    let pos = start + off;
    Some(
        Diagnostic::error(format!("синтаксическая ошибка TOML: в строке невидимый символ — {what}"))
            .help("удалите его (в редакторе он не виден: сотрите строку целиком и наберите заново); в тексте в кавычках такие символы допустимы")
            .at(pos..pos + c.len_utf8()),
    )
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
        (
            "integers with a radix cannot be signed",
            "шестнадцатеричное, восьмеричное или двоичное число не может иметь знака",
        ),
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
