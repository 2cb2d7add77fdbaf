//! The typed accessor over toml's spanned document tree, shared by the
//! data loader and the template loader: each missing field, wrong type,
//! unknown key or bad value becomes its own diagnostic at its own place,
//! and every problem of a file is collected.

use toml::de::{DeArray, DeTable, DeValue};
use toml::Spanned;

use super::{suggest, MAX_TEXT_CHARS};
use crate::diag::Diagnostic;
pub use crate::fonts::Glyphs;
use crate::model::{Span, Text};
use crate::text::{has_visible, is_cyrillic, is_rtl, words};

pub(crate) type Val<'i> = Spanned<DeValue<'i>>;

pub(crate) fn type_ru(v: &DeValue<'_>) -> &'static str {
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

/// The walk's state: the source text and the diagnostics so far.
pub(crate) struct Walker<'s> {
    pub src: &'s str,
    pub diags: Vec<Diagnostic>,
    pub glyphs: Option<Glyphs<'s>>,
}

impl<'s> Walker<'s> {
    pub fn new(src: &'s str) -> Walker<'s> {
        Walker { src, diags: Vec::new(), glyphs: None }
    }

    pub fn err(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    pub fn check_keys(&mut self, t: &DeTable<'_>, allowed: &[&str], where_: &str) {
        for (k, _) in t {
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

    pub fn get<'t, 'i>(&self, t: &'t DeTable<'i>, key: &str) -> Option<&'t Val<'i>> {
        t.iter().find(|(k, _)| k.get_ref() == key).map(|(_, v)| v)
    }

    pub fn required<'t, 'i>(
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

    pub fn integer(
        &mut self,
        v: &Val<'_>,
        key: &str,
        range: std::ops::RangeInclusive<i64>,
        example: &str,
    ) -> Option<i64> {
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
    pub fn inner_span(&self, value_span: &Span, decoded: &str, range: std::ops::Range<usize>) -> Span {
        let needle = &decoded[range];
        match self.src[value_span.clone()].find(needle) {
            Some(pos) if !needle.is_empty() => {
                let start = value_span.start + pos;
                start..start + needle.len()
            }
            _ => value_span.clone(),
        }
    }

    /// Characters of `value` the PDF fonts cannot show: an error when a
    /// PDF is to be made, else a warning (Word and LibreOffice use their own
    /// fonts for the DOCX). Each character once per field.
    pub fn glyph_check(&mut self, value: &str, span: &Span) {
        let Some(g) = self.glyphs else { return };
        let mut seen: Vec<char> = Vec::new();
        for (i, c) in value.char_indices() {
            if c.is_control() || crate::text::is_invisible(c) || (g.covered)(c) || seen.contains(&c) {
                continue;
            }
            seen.push(c);
            let at = self.inner_span(span, value, i..i + c.len_utf8());
            let d = if g.strict {
                Diagnostic::error(format!(
                    "символ «{c}» (U+{:04X}) нельзя вывести в PDF: его нет в шрифтах {}",
                    c as u32, g.fonts
                ))
                .help("замените символ (например, иероглиф или эмодзи) или опишите его словами; DOCX без PDF: --format docx")
            } else {
                Diagnostic::warning(format!(
                    "символа «{c}» (U+{:04X}) нет в шрифтах PDF ({}); в DOCX его покажет шрифт Word",
                    c as u32, g.fonts
                ))
                .help("для PDF замените символ или опишите его словами")
            };
            self.err(d.at(at).label("этого символа нет в шрифте"));
        }
    }

    /// `v` as a table, or a type error naming what it should be.
    pub fn table<'t, 'i>(&mut self, v: &'t Val<'i>, what: &str, help: &str) -> Option<&'t DeTable<'i>> {
        match v.get_ref() {
            DeValue::Table(t) => Some(t),
            other => self.type_error(v, other, what, help),
        }
    }

    /// `v` as an array, or a type error naming what it should be.
    pub fn array<'t, 'i>(&mut self, v: &'t Val<'i>, what: &str, help: &str) -> Option<&'t DeArray<'i>> {
        match v.get_ref() {
            DeValue::Array(a) => Some(a),
            other => self.type_error(v, other, what, help),
        }
    }

    /// "`what`, а здесь <type>" at `v`, with an optional hint.
    fn type_error<T>(&mut self, v: &Val<'_>, found: &DeValue<'_>, what: &str, help: &str) -> Option<T> {
        let mut d = Diagnostic::error(format!("{what}, а здесь {}", type_ru(found))).at(v.span());
        if !help.is_empty() {
            d = d.help(help);
        }
        self.err(d);
        None
    }

    /// A number (integer or decimal) within `range`.
    pub fn number(&mut self, v: &Val<'_>, key: &str, range: std::ops::RangeInclusive<f64>, unit: &str) -> Option<f64> {
        let n = match v.get_ref() {
            DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix()).ok().map(|n| n as f64),
            DeValue::Float(f) => f.as_str().replace('_', "").parse::<f64>().ok(),
            other => {
                self.err(
                    Diagnostic::error(format!("поле «{key}» должно быть числом, а здесь {}", type_ru(other)))
                        .at(v.span())
                        .help(format!("например: {key} = {}", range.start())),
                );
                return None;
            }
        };
        match n {
            Some(n) if n.is_finite() && range.contains(&n) => Some(n),
            _ => {
                self.err(
                    Diagnostic::error(format!(
                        "поле «{key}» вне допустимого диапазона: от {} до {} {unit}",
                        range.start(),
                        range.end()
                    ))
                    .at(v.span())
                    .label("недопустимое значение"),
                );
                None
            }
        }
    }

    /// A true/false value.
    pub fn boolean(&mut self, v: &Val<'_>, key: &str) -> Option<bool> {
        match v.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            other => {
                self.err(
                    Diagnostic::error(format!("поле «{key}» должно быть true или false, а здесь {}", type_ru(other)))
                        .at(v.span()),
                );
                None
            }
        }
    }

    /// One of `allowed` (a string).
    pub fn choice(&mut self, v: &Val<'_>, key: &str, allowed: &[&str]) -> Option<usize> {
        let found = match v.get_ref() {
            DeValue::String(s) => allowed.iter().position(|a| a == s),
            _ => None,
        };
        if found.is_none() {
            self.err(Diagnostic::error(format!("недопустимое значение поля «{key}»")).at(v.span()).help(format!(
                "допустимо: {}",
                allowed.iter().map(|a| format!("\"{a}\"")).collect::<Vec<_>>().join(", ")
            )));
        }
        found
    }

    /// A required, non-empty text field.
    pub fn text(&mut self, v: &Val<'_>, key: &str, what: &str) -> Option<Text> {
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
                    .label(if value.trim().is_empty() {
                        "пустой текст"
                    } else {
                        "только невидимые символы"
                    })
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
        self.glyph_check(&value, &span);
        if !ok {
            return None;
        }
        self.mixed_script(&value, &span, key, what);
        Some(Text::new(value, span))
    }

    /// Warns about words mixing Latin and Cyrillic letters (`Cоглашение`).
    pub fn mixed_script(&mut self, value: &str, span: &Span, key: &str, what: &str) {
        for (start, word) in words(value) {
            let latin = word.chars().filter(char::is_ascii_alphabetic).count();
            let cyr = word.chars().filter(|c| is_cyrillic(*c)).count();
            if latin > 0 && cyr > 0 {
                let latin_chars: String = word.chars().filter(char::is_ascii_alphabetic).collect();
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
}
