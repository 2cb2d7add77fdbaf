//! The page's rendering of a diagnostic: the same message in the clerks'
//! words — fields named as the page's labels name them, what to do in the
//! page's terms — with no data-file keys, TOML syntax, command-line flags,
//! line numbers or paths. The command line keeps its own rendering (the
//! file's line and column, the keys it shows); both come from one
//! diagnostic.

/// The labels of the data's fields as the page shows them, by the last
/// key of the diagnostic's place (`/department/0/event/2/title`).
fn label(key: &str, under_report: bool) -> Option<&'static str> {
    Some(match key {
        "title" if under_report => "Заголовок",
        "title" => "Наименование мероприятия",
        "dates" => "Сроки проведения мероприятия",
        "place" => "Место проведения мероприятия",
        "participants" => "Участники мероприятия",
        "result" => "Содержание и результат мероприятия",
        "agreement" => "Соглашение о сотрудничестве",
        "name" => "Название департамента",
        "year" => "Год",
        "quarter" => "Квартал",
        "region" => "Регион",
        "due" => "Срок сдачи",
        "from" => "Начало периода",
        "to" => "Конец периода",
        _ => return None,
    })
}

/// Phrases of the data file and of the command line, and the page's.
const PHRASES: &[(&str, &str)] = &[
    // Whole hints first, then phrases, then the section names alone.
    ("добавьте мероприятия [[department.event]] или удалите раздел", "добавьте мероприятия или удалите департамент"),
    ("добавьте разделы [[department.event]]", "добавьте мероприятия"),
    ("в мероприятии [[department.event]]", "в мероприятии"),
    ("в разделе [[department]]", "у департамента"),
    ("в разделе [agreements]", "в реестре соглашений"),
    ("в разделе [report]", "в «Период и заголовок»"),
    ("нет такого ключа в [agreements]", "нет такого соглашения в реестре"),
    ("впишите соглашение в [agreements] и укажите его ключ у мероприятия", "добавьте соглашение в реестр и выберите его у мероприятия"),
    ("добавьте соглашение в раздел [agreements] или исправьте ключ", "добавьте соглашение в реестр или выберите другое"),
    ("укажите ключ соглашения из раздела [agreements]", "выберите соглашение из реестра"),
    ("каждый департамент начинается со строки [[department]]", "проверьте департаменты отчета"),
    ("каждый ключ указывается в таблице один раз; мероприятие начинается с [[department.event]]", "каждое поле заполняется один раз"),
    ("начните с раздела [report] с полями year и quarter; пример — в README.md", "укажите год и квартал в «Период и заголовок»"),
    ("нет раздела [agreements] — реестра соглашений", "нет реестра соглашений"),
    ("нет раздела [report]", "не указаны год и квартал"),
    ("замените символ (например, иероглиф или эмодзи) или опишите его словами; DOCX без PDF: --format docx", "замените символ (например, иероглиф или эмодзи) или опишите его словами"),
    ("укажите файлы всех четырех кварталов или добавьте --allow-partial", "отметьте все четыре квартала или «не все четыре квартала»"),
    ("проверьте соглашение в файле данных; в форме выбирайте его из списка, а реестр укажите: --registry КВАРТАЛ.toml", "проверьте соглашение этой строки; в форме выбирайте его из списка, а реестр выберите в «Соглашения брать из отчета»"),
    ("укажите файл данных квартала, из которого сделаны формы: --registry КВАРТАЛ.toml", "выберите в «Соглашения брать из отчета» отчет, из которого сделаны формы"),
    ("выберите соглашение в форме и повторите импорт или впишите ключ соглашения в файл данных", "выберите соглашение в форме и перенесите ее снова или выберите соглашение у мероприятия"),
    ("[[department.event]]", "мероприятие"),
    ("[[department]]", "департамент"),
    ("[agreements]", "реестр соглашений"),
    ("[report]", "«Период и заголовок»"),
    (
        "дата пишется без кавычек: 2020-10-20; период — { from = 2020-11-26, to = 2020-12-16 }",
        "выберите вид сроков «дата» или «период (с … по …)» либо впишите сроки текстом",
    ),
    ("--allow-partial", "«не все четыре квартала»"),
    ("--registry КВАРТАЛ.toml", "«Соглашения брать из отчета»"),
    ("в файле данных", "в отчете"),
    ("файла данных", "отчета"),
    ("файл данных", "отчет"),
    ("ключ соглашения", "соглашение"),
];

/// `a..=b` as «от a до b».
fn ranges(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find("..=") {
        let before = &rest[..at];
        let digits_before = before.chars().rev().take_while(char::is_ascii_digit).count();
        let after = &rest[at + 3..];
        let digits_after = after.chars().take_while(char::is_ascii_digit).count();
        if digits_before == 0 || digits_after == 0 {
            out.push_str(&rest[..at + 3]);
            rest = after;
            continue;
        }
        let start = before.len() - digits_before;
        out.push_str(&before[..start]);
        out.push_str(&format!("от {} до {}", &before[start..], &after[..digits_after]));
        rest = &after[digits_after..];
    }
    out.push_str(rest);
    out
}

/// A message (or a hint) in the page's words. `path` is the diagnostic's
/// place in the data, `dir` the server's folder (never shown).
pub fn page(text: &str, path: Option<&str>, dir: &str) -> String {
    let under_report = path.is_some_and(|p| p.starts_with("/report"));
    let mut s = text.to_string();
    for (from, to) in PHRASES {
        s = s.replace(from, to);
    }
    // «key» -> «Label» for every key the page has a field for.
    for key in [
        "title",
        "dates",
        "place",
        "participants",
        "result",
        "agreement",
        "name",
        "year",
        "quarter",
        "region",
        "due",
        "from",
        "to",
    ] {
        if let Some(l) = label(key, under_report) {
            s = s.replace(&format!("поле «{key}»"), &format!("поле «{l}»"));
            s = s.replace(&format!("«{key}»"), &format!("«{l}»"));
            s = s.replace(&format!("{key} = "), &format!("{l}: "));
        }
    }
    // «поле «Наименование мероприятия» мероприятия пустое»: the label
    // already says whose field it is.
    s = s.replace("» мероприятия пустое", "» не заполнено").replace("» департамента пустое", "» не заполнено");
    s = ranges(&s);
    if !dir.is_empty() {
        s = s.replace(&format!("{dir}/"), "").replace(dir, "папка отчетов");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::page;

    #[test]
    fn keys_syntax_and_flags_become_the_pages_words() {
        assert_eq!(
            page("поле «title» мероприятия пустое", Some("/department/0/event/1/title"), ""),
            "поле «Наименование мероприятия» не заполнено"
        );
        assert_eq!(page("поле «title» пустое", Some("/report/title"), ""), "поле «Заголовок» пустое");
        assert_eq!(
            page("добавьте мероприятия [[department.event]] или удалите раздел", None, ""),
            "добавьте мероприятия или удалите департамент"
        );
        assert_eq!(
            page("квартал вне допустимого диапазона 1..=4", None, ""),
            "квартал вне допустимого диапазона от 1 до 4"
        );
        assert!(!page("укажите --allow-partial", None, "").contains("--"));
        assert_eq!(page("нет файла /srv/otchet/q.toml", None, "/srv/otchet"), "нет файла q.toml");
    }
}
