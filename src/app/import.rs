//! `otchet import`: Word reports into a data file; never overwrites.

use std::path::PathBuf;

use super::{failed, load_template, print_out, put_schema_beside, rendered, say, CliError, CliResult};
use crate::diag::{Diagnostic, Source};
use crate::import::{self, Given, Input};
use crate::load;
use crate::output;

/// What `otchet import` does.
#[derive(Debug, Clone)]
pub struct ImportArgs {
    /// The documents, in order.
    pub inputs: Vec<PathBuf>,
    /// The data file (beside the first document, same stem, by default).
    pub output: Option<PathBuf>,
    /// A template whose column titles and title to look for.
    pub template: Option<PathBuf>,
    /// The period when the documents do not say it.
    pub given: Given,
    /// A data file whose registry (keys, titles) and region to use.
    pub registry: Option<PathBuf>,
}

/// `otchet import`: reads every document, checks the data it makes, then
/// writes it (never over an existing file).
pub fn import(args: &ImportArgs) -> CliResult {
    let template = failed(load_template(args.template.as_deref(), false))?;
    let names: Vec<String> = args.inputs.iter().map(|p| p.display().to_string()).collect();
    let mut files = Vec::with_capacity(args.inputs.len());
    for (path, name) in args.inputs.iter().zip(&names) {
        let bytes = load::read_bounded(
            path,
            "документ .docx",
            ".docx",
            crate::ops::MAX_DOCX_BYTES,
            "разделите документ на части",
        )
        .map_err(|d| CliError::at(name, d))?;
        files.push(bytes);
    }
    // The same document twice would double every event.
    for j in 1..files.len() {
        if let Some(i) = (0..j).find(|&i| files[i] == files[j] || super::same_file(&args.inputs[i], &args.inputs[j])) {
            return Err(CliError::at(
                &names[j],
                Diagnostic::error(format!(
                    "это тот же документ, что и «{}»: его мероприятия вошли бы дважды",
                    names[i]
                ))
                .help("укажите каждый документ один раз"),
            ));
        }
    }
    let inputs: Vec<Input<'_>> = names.iter().zip(&files).map(|(name, bytes)| Input { name, bytes }).collect();
    let mut given = args.given.clone();
    if let Some(path) = &args.registry {
        let loaded = failed(load::load_file(path))?;
        given.take_registry(&loaded.report);
    }
    // Beside the first document by default; into a directory given as -o.
    let stem = args.inputs[0].with_extension("toml");
    let path = match &args.output {
        Some(p) if p.is_dir() || p.as_os_str().to_string_lossy().ends_with(['/', '\\']) => {
            p.join(stem.file_name().unwrap_or_default())
        }
        Some(p) => p.clone(),
        None => stem,
    };
    let shown = path.display().to_string();
    // Rows that named no agreement stay without one: the data is written,
    // and the error stays at each such event until one is chosen.
    // The documents' own warnings, by file.
    let tell = |imported: &import::Imported| {
        for (i, name) in names.iter().enumerate() {
            let diags: Vec<Diagnostic> =
                imported.warnings.iter().filter(|w| w.file == i).map(|w| w.diagnostic.clone()).collect();
            if !diags.is_empty() {
                say(&rendered(&diags, &Source::new(name.clone(), String::new())));
            }
        }
    };
    let checked = match crate::ops::import_checked(&inputs, &template, &given, &shown) {
        Ok(c) => c,
        Err(crate::ops::ImportRefused::Document(m)) => return Err(CliError::at(&names[m.file], m.diagnostic)),
        Err(crate::ops::ImportRefused::Data { failure, imported }) => {
            tell(&imported);
            return Err(unusable(&failure, &imported, &names));
        }
    };
    let (imported, found, unchosen) = (&checked.imported, &checked.found, checked.unchosen);
    tell(imported);
    if !found.is_empty() {
        say(&rendered(found, &checked.source));
    }
    if let Err(d) = output::write_new(&path, imported.toml.as_bytes()) {
        let d = d.help("otchet не перезаписывает файлы: укажите другое имя через -o или удалите старый файл");
        return Err(CliError::at(&shown, d));
    }
    put_schema_beside(&path);
    let (departments, events, agreements) = imported.counts;
    let warned = imported.warnings.len() + found.len() - unchosen;
    say(&format!(
        "Создан файл {shown} — отчет {}: разделов {departments}, мероприятий {events}, соглашений {agreements}{}. Проверьте данные: otchet check {shown}\n",
        imported.period.label(),
        if warned > 0 { format!(", предупреждений {warned}") } else { String::new() },
    ));
    if unchosen > 0 {
        say(&format!(
            "Мероприятий без соглашения: {unchosen} — документы не сформируются, пока у каждого не будет выбрано соглашение (поле agreement — ключ из [agreements]).\n"
        ));
    }
    print_out(&format!("{shown}\n"))
}

/// Data the documents gave that the loader refuses (a right-to-left word,
/// a cell of invisible characters, a text too long, too many rows): each
/// error told at the document's file and table row it came from, in the
/// loader's words; nothing is written.
fn unusable(f: &load::Failure, imported: &import::Imported, names: &[String]) -> CliError {
    let mut text = String::new();
    let mut count = 0;
    for d in import::refusing(&f.diagnostics) {
        count += 1;
        let origin = d.span.as_ref().and_then(|s| imported.origin_at(s.start));
        let (file, at) = match origin {
            Some(o) => (names[o.file].as_str(), format!("{}: ", o.at)),
            None => (names[0].as_str(), String::new()),
        };
        let mut line = format!("{file}: ошибка: {at}{} — такие данные otchet не принимает", d.message);
        if let Some(h) = &d.help {
            line.push_str(&format!("\n  = подсказка: {h}"));
        }
        text.push_str(&line);
        text.push('\n');
    }
    text.push_str(&format!(
        "ошибок: {count} — ничего не записано; исправьте эти строки в документе (или перенесите их вручную) и повторите импорт\n"
    ));
    CliError { code: super::FAILED, text }
}
