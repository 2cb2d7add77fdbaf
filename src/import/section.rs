//! Reading one document: its title, its tables, each row into a
//! department or an event.

use super::*;

/// Reading one file.
pub(super) struct FileCx<'a> {
    pub(super) file: usize,
    pub(super) warnings: &'a mut Vec<Message>,
    pub(super) registry: &'a mut Registry,
    pub(super) t: &'a Template,
    /// The file is a form of `otchet forms`.
    pub(super) form: Option<&'a FormInfo>,
    /// Keys and titles the forms' lists choose from.
    pub(super) known: &'a [(String, String)],
    /// The registry given (`--registry`), when one was: a list item's key
    /// counts only as that registry has it now.
    pub(super) given: &'a [(String, String)],
}

/// Where the rows being read are, for messages.
pub(super) struct Place {
    pub(super) table: usize,
    pub(super) tables: usize,
    pub(super) row: usize,
}

impl Place {
    pub(super) fn label(&self) -> String {
        if self.tables > 1 {
            format!("таблица {}, строка {}", self.table, self.row)
        } else {
            format!("строка таблицы {}", self.row)
        }
    }
}

/// The state of the rows read so far in a file.
#[derive(Default)]
pub(super) struct Rows {
    pub(super) departments: Vec<Department>,
    pub(super) orphans: bool,
    /// The last event's agreement.
    pub(super) agreement: Option<usize>,
    /// The last number read.
    pub(super) number: Option<usize>,
    /// Text of the cell above in each column (for vertical merges).
    pub(super) above: Vec<String>,
}

/// A document's tables: each with its block index and header row (when it
/// has the form's), and the block index of the report's (the first with
/// a header).
pub(super) struct Tables<'d> {
    list: Vec<(usize, &'d docx::Table, Option<usize>)>,
    first: usize,
}

impl FileCx<'_> {
    pub(super) fn warn(&mut self, d: Diagnostic) {
        self.warnings.push(Message { file: self.file, diagnostic: d });
    }

    /// Reads a file's title and table(s).
    pub(super) fn section(&mut self, doc: &package::Document, name: &str) -> Result<Section, Diagnostic> {
        let tables = self.report_tables(doc)?;
        let first = tables.first;
        let mut section = Section::default();
        self.title_before(doc, &tables, &mut section);
        self.period_and_region(doc, name, &mut section);
        // The rows.
        let mut rows = Rows::default();
        // The tables are listed in document order: the next one met is this.
        let mut next_table = tables.list.iter().take_while(|(j, _, _)| *j < first).count();
        for (i, b) in doc.blocks.iter().enumerate().skip(first) {
            match b {
                Block::Paragraph(p) => {
                    if !p.text.is_empty() {
                        self.warn(
                            Diagnostic::warning(format!("текст вне таблицы не перенесен: «{}»", preview(&p.text)))
                                .help(OUTSIDE_HELP),
                        );
                    }
                }
                Block::Table(_) => {
                    debug_assert_eq!(tables.list[next_table].0, i, "every table is listed in order");
                    self.table(&tables, next_table, &mut rows, name);
                    next_table += 1;
                }
            }
        }
        self.dash_empty_cells(&mut rows);
        section.departments = rows.departments;
        section.orphans = rows.orphans;
        Ok(section)
    }

    /// The document's tables, each with its header row (if it has the
    /// form's), and the first with one: the report's. An error when no
    /// table has the form's header.
    fn report_tables<'d>(&self, doc: &'d package::Document) -> Result<Tables<'d>, Diagnostic> {
        let list: Vec<(usize, &docx::Table, Option<usize>)> = doc
            .blocks
            .iter()
            .enumerate()
            .filter_map(|(i, b)| match b {
                Block::Table(t) => Some((i, t, t.rows.iter().position(|r| is_header(&logical(r), self.t)))),
                Block::Paragraph(_) => None,
            })
            .collect();
        let Some(&(first, _, _)) = list.iter().find(|(_, _, h)| h.is_some()) else {
            let what = if list.is_empty() {
                "в документе нет таблиц"
            } else {
                "в документе нет таблицы отчета"
            };
            return Err(Diagnostic::error(format!(
                "{what}: не найдена шапка «№ п/п», «Соглашение о сотрудничестве…», «Наименование мероприятия»…"
            ))
            .help("import читает отчеты этой формы: таблица из 7 граф с шапкой, как в отчете otchet"));
        };
        Ok(Tables { list, first })
    }

    /// The title: paragraphs before the report table, and rows above its
    /// header (some put the title into the table); what is not taken as
    /// the title, and tables before the report's, are warned about.
    fn title_before(&mut self, doc: &package::Document, tables: &Tables<'_>, section: &mut Section) {
        let first = tables.first;
        let mut before: Vec<String> = doc.blocks[..first]
            .iter()
            .filter_map(|b| match b {
                Block::Paragraph(p) if !p.text.is_empty() => Some(p.text.clone()),
                _ => None,
            })
            .collect();
        if let Some((_, table, Some(h))) = tables.list.iter().find(|(i, _, _)| *i == first) {
            before.extend(table.rows[..*h].iter().filter(|r| !r.deleted).flat_map(texts));
        }
        let before: Vec<&str> = before.iter().map(String::as_str).collect();
        // Tables before the report's (without its header) are not carried.
        for (n, (_, table, _)) in tables.list.iter().enumerate().take_while(|(_, (i, _, _))| *i < first) {
            let text: Vec<String> = table.rows.iter().flat_map(texts).collect();
            if !text.is_empty() {
                self.warn(
                    Diagnostic::warning(format!(
                        "таблица {} перед таблицей отчета (без шапки формы) не перенесена: «{}»",
                        n + 1,
                        preview(&text.join(" | "))
                    ))
                    .help("в данных отчета есть только заголовок и таблица отчета; перенесите текст вручную, если он нужен"),
                );
            }
        }
        let used = self.title(&before, section);
        for (k, text) in before.iter().enumerate() {
            // A form's own instruction is not the department's text.
            let instruction = self.form.is_some() && text.starts_with(form::INSTRUCTION_START);
            if !used.contains(&k) && !instruction {
                self.warn(
                    Diagnostic::warning(format!("текст перед таблицей не перенесен: «{}»", preview(text)))
                        .help(OUTSIDE_HELP),
                );
            }
        }
    }

    /// The period and region the title did not name: from the form's own
    /// properties, the document's subject, then the file's name.
    fn period_and_region(&self, doc: &package::Document, name: &str, section: &mut Section) {
        if let Some(f) = self.form {
            if section.period.is_none() {
                section.period = f.period;
            }
            if section.region.is_none() {
                section.region.clone_from(&f.region);
            }
        }
        if section.period.is_none() {
            section.period = doc.core_subject.as_deref().and_then(period_in).map(|(_, y, q)| (y, q));
        }
        if section.region.is_none() {
            // Our own DOCX says "Смоленская область, за IV квартал 2020 года".
            section.region = doc
                .core_subject
                .as_deref()
                .and_then(|s| s.split_once(", за "))
                .map(|(r, _)| r.trim().to_string())
                .filter(|r| !r.is_empty());
        }
        if section.period.is_none() {
            section.period = period_in(name).map(|(_, y, q)| (y, q));
        }
        if section.region.is_none() {
            section.region = region_in(file_name(name));
        }
    }

    /// The rows of the document's table number `n` (0-based among its
    /// tables): those below its header, or all of a table without one.
    fn table(&mut self, tables: &Tables<'_>, n: usize, rows: &mut Rows, name: &str) {
        let (i, table, header) = &tables.list[n];
        let (k, count) = (n + 1, tables.list.len());
        if header.is_none() {
            self.warn(Diagnostic::warning(format!(
                "таблица {k} без шапки формы принята как продолжение таблицы отчета"
            )));
        }
        let start = header.map_or(0, |h| h + 1);
        // Rows above the first table's header were read as title.
        let above = if *i == tables.first { 0 } else { header.unwrap_or(0) };
        for (r, row) in table.rows[..above].iter().enumerate().filter(|(_, r)| !r.deleted) {
            let text = texts(row);
            if !text.is_empty() {
                let place = Place { table: k, tables: count, row: r + 1 };
                self.warn(Diagnostic::warning(format!(
                    "{}: строка над шапкой таблицы не перенесена: «{}»",
                    place.label(),
                    preview(&text.join(" "))
                )));
            }
        }
        rows.above = vec![String::new(); COLUMNS];
        for (r, row) in table.rows.iter().enumerate().skip(start).filter(|(_, r)| !r.deleted) {
            let place = Place { table: k, tables: count, row: r + 1 };
            self.row(&logical(row), &place, rows, name);
        }
    }

    /// Cells still empty get a dash, said row by row.
    fn dash_empty_cells(&mut self, rows: &mut Rows) {
        for event in rows.departments.iter_mut().flat_map(|d| d.events.iter_mut()) {
            for (field, col) in event.fields.iter_mut().zip(2..COLUMNS) {
                // A cell of only invisible characters (a zero-width space, a
                // byte order mark, a soft hyphen) is empty as Word shows it.
                if !field.is_empty() && !crate::text::has_visible(field) {
                    self.warnings.push(Message {
                        file: self.file,
                        diagnostic: Diagnostic::warning(format!(
                            "{}: в графе «{}» только невидимые символы ({}) — считается пустой",
                            event.at,
                            self.t.column[col].title,
                            field.chars().map(|c| format!("U+{:04X}", c as u32)).collect::<Vec<_>>().join(" ")
                        )),
                    });
                    field.clear();
                }
                if field.is_empty() {
                    self.warnings.push(Message {
                        file: self.file,
                        diagnostic: Diagnostic::warning(format!(
                            "{}: пустая графа «{}» — вписан прочерк «{EMPTY_CELL}»",
                            event.at, self.t.column[col].title
                        ))
                        .help("впишите сведения в файл данных"),
                    });
                    *field = EMPTY_CELL.to_string();
                }
            }
        }
    }

    /// Finds the period, region and title in the paragraphs before the
    /// table; returns the indices of the paragraphs taken as the title.
    pub(super) fn title(&mut self, paras: &[&str], section: &mut Section) -> Vec<usize> {
        // The form's own period line ("за IV квартал 2020 года" alone in its
        // paragraph) decides over a period a custom title mentions.
        let found: Vec<(usize, (usize, i32, u8))> =
            paras.iter().enumerate().filter_map(|(i, s)| period_in(s).map(|f| (i, f))).collect();
        let own_line =
            found.iter().find(|(i, (at, _, _))| *at == 0 && paras[*i].trim_start().to_lowercase().starts_with("за"));
        let Some(&(p, (at, y, q))) = own_line.or(found.first()) else {
            section.annual = paras.iter().find_map(|s| title::year_in(s));
            return Vec::new();
        };
        section.period = Some((y, q));
        // The title starts at the last paragraph from "Отчет…"/"Информация…"
        // up to the period (titles broken over paragraphs).
        let starts = |s: &str| {
            let l = s.to_lowercase();
            l.starts_with("отчет") || l.starts_with("отчёт") || l.starts_with("информация")
        };
        let start = (0..=p).rev().find(|&i| starts(paras[i])).unwrap_or(p);
        let mut text: Vec<&str> = paras[start..p].to_vec();
        text.push(&paras[p][..at]);
        let title = one_line(&text.join(" "));
        let title = title.trim_end_matches([' ', ',', ':', '—', '–', '-']).to_string();
        section.region = region_in(&title);
        if !title.is_empty() && title != one_line(&self.t.title.text) {
            section.title = Some(title);
        }
        (start..=p).collect()
    }

    /// Maps one table row: a department, an event, the continuation of the
    /// event above, or a row not carried (said why).
    pub(super) fn row(&mut self, cells: &[LCell], place: &Place, rows: &mut Rows, name: &str) {
        let cells = &*self.shown(cells);
        let texts: Vec<&str> = cells.iter().map(|c| c.text.as_str()).filter(|t| !t.is_empty()).collect();
        if texts.is_empty() && !cells.iter().any(|c| c.numbered) {
            return; // an empty row: nothing to carry
        }
        if is_header(cells, self.t) || is_column_numbers(cells) {
            return; // the header typed again, or the row numbering the columns
        }
        self.warn_unread(cells, place);
        if self.department_row(cells, &texts, place, rows) {
            return;
        }
        if cells.len() != COLUMNS {
            self.warn(
                Diagnostic::warning(format!(
                    "{}: {} {} вместо {COLUMNS} — строка не перенесена: «{}»",
                    place.label(),
                    cells.len(),
                    cells_word(cells.len()),
                    preview(&texts.join(" | "))
                ))
                .help("разделите или объедините ячейки строки в Word, как в форме отчета, и повторите импорт"),
            );
            return;
        }
        if self.continuation(cells, place, rows) {
            return;
        }
        let Some(_) = self.event_number(cells, &texts, place, rows) else {
            return;
        };
        let agreement = self.event_agreement(cells, place, rows);
        // The other cells; a vertically merged cell repeats the one above.
        let mut fields: [String; 5] = Default::default();
        for (f, col) in fields.iter_mut().zip(2..COLUMNS) {
            let cell = &cells[col];
            let text = if cell.v_merge == Some(VMerge::Continue) { rows.above[col].clone() } else { cell.text.clone() };
            rows.above[col].clone_from(&text);
            // Empty cells get their dash when the file's rows are read (a
            // continuation row may still fill them).
            *f = text;
        }
        if let (true, Some(f)) = (rows.departments.is_empty(), self.form) {
            // A form whose department row was deleted: the form names it.
            rows.departments.push(Department { name: f.department.clone(), events: Vec::new() });
        }
        if rows.departments.is_empty() {
            let placeholder = format!("Раздел без названия ({})", file_name(name));
            self.warn(
                Diagnostic::warning(format!(
                    "{}: мероприятия до первой строки с названием департамента — добавлен раздел «{placeholder}»",
                    place.label()
                ))
                .help("впишите название департамента в name этого раздела"),
            );
            rows.departments.push(Department { name: placeholder, events: Vec::new() });
            rows.orphans = true;
        }
        rows.departments.last_mut().expect("a department").events.push(Event {
            agreement,
            fields,
            at: place.label(),
            file: self.file,
        });
    }

    /// The cells as the row shows them: in a form, a list still showing its
    /// placeholder is empty.
    fn shown<'c>(&self, cells: &'c [LCell]) -> std::borrow::Cow<'c, [LCell]> {
        if self.form.is_none() {
            return std::borrow::Cow::Borrowed(cells);
        }
        std::borrow::Cow::Owned(
            cells
                .iter()
                .map(|c| match &c.choice {
                    Some(ch) if c.text == ch.text && (ch.placeholder || ch.text == form::PLACEHOLDER) => {
                        LCell { text: String::new(), ..c.clone() }
                    }
                    _ => c.clone(),
                })
                .collect(),
        )
    }

    /// Warns of what the data cannot hold: footnotes, pictures.
    fn warn_unread(&mut self, cells: &[LCell], place: &Place) {
        let (notes, pictures) = cells.iter().fold((0, 0), |(n, p), c| (n + c.unread.0, p + c.unread.1));
        if notes > 0 {
            self.warn(
                Diagnostic::warning(format!("{}: сноски в строке не перенесены ({notes})", place.label()))
                    .help("впишите текст сносок в ячейку, если он нужен в отчете"),
            );
        }
        if pictures > 0 {
            self.warn(Diagnostic::warning(format!(
                "{}: рисунки и объекты в строке не перенесены ({pictures})",
                place.label()
            )));
        }
    }

    /// A department row: one text over the table (one merged cell, or
    /// several cells with the same text as some editors save a merge; a
    /// row of empty cells but a numbered one is an event); true when the
    /// row was one and was taken.
    fn department_row(&mut self, cells: &[LCell], texts: &[&str], place: &Place, rows: &mut Rows) -> bool {
        let first = texts.first().copied().unwrap_or_default();
        let spanned: usize = cells.iter().filter(|c| c.text == first).map(|c| c.cols).sum();
        let same = !first.is_empty() && texts.iter().all(|t| *t == first) && number(&cells[0].text).is_none();
        let merged = cells.len() == 1 || (cells.len() < COLUMNS && spanned >= 4);
        let repeated = cells.len() == COLUMNS && cells.iter().all(|c| c.text == first);
        // A name typed into the first cell of an unmerged row.
        let typed_in_first = cells.len() == COLUMNS && texts.len() == 1 && cells[0].text == first;
        if same && (merged || repeated || typed_in_first) {
            if typed_in_first {
                self.warn(
                    Diagnostic::warning(format!(
                        "{}: строка с одним текстом в графе «№ п/п» принята как название департамента: «{}»",
                        place.label(),
                        preview(first)
                    ))
                    .help("если это не департамент, исправьте раздел в файле данных"),
                );
            }
            if let Some(f) = self.form.filter(|f| normalize_title(&f.department) != normalize_title(first)) {
                self.warn(Diagnostic::warning(format!(
                    "{}: название департамента в форме изменено: было «{}», записано «{}»",
                    place.label(),
                    preview(&f.department),
                    preview(first)
                )));
            }
            rows.departments.push(Department { name: first.to_string(), events: Vec::new() });
            return true;
        }
        false
    }

    /// A row whose number cell continues a merge goes on with the event
    /// above (a long event the typist spread over two rows); true when it
    /// was taken so.
    fn continuation(&mut self, cells: &[LCell], place: &Place, rows: &mut Rows) -> bool {
        if cells[0].v_merge == Some(VMerge::Continue) {
            if let Some(event) = rows.departments.last_mut().and_then(|d| d.events.last_mut()) {
                for (field, col) in event.fields.iter_mut().zip(2..COLUMNS) {
                    let cell = &cells[col];
                    if cell.v_merge != Some(VMerge::Continue) && !cell.text.is_empty() {
                        if !field.is_empty() {
                            field.push('\n');
                        }
                        field.push_str(&cell.text);
                        rows.above[col].clone_from(field);
                    }
                }
                let agr = &cells[1];
                if agr.v_merge != Some(VMerge::Continue) && !agr.text.is_empty() {
                    self.warn(Diagnostic::warning(format!(
                        "{}: строка продолжает мероприятие выше, но называет свое соглашение — оно не перенесено: «{}»",
                        place.label(),
                        preview(&agr.text)
                    )));
                }
                return true;
            }
        }
        false
    }

    /// The event's number (`Some(None)`: none, numbered on import); `None`
    /// when the number cell holds something else and the row is not
    /// carried.
    fn event_number(
        &mut self,
        cells: &[LCell],
        texts: &[&str],
        place: &Place,
        rows: &mut Rows,
    ) -> Option<Option<usize>> {
        let num = &cells[0];
        let n = match number(&num.text) {
            Some(n) => Some(n),
            None if num.text.is_empty() && num.numbered => rows.number.map(|n| n + 1).or(Some(1)),
            // A form's rows are numbered on import.
            None if num.text.is_empty() && self.form.is_some() => None,
            None if num.text.is_empty() => {
                self.warn(Diagnostic::warning(format!(
                    "{}: нет номера в графе «№ п/п» — строка принята как мероприятие",
                    place.label()
                )));
                None
            }
            None => {
                self.warn(Diagnostic::warning(format!(
                    "{}: в графе «№ п/п» не номер, а «{}» — строка не перенесена: «{}»",
                    place.label(),
                    preview(&num.text),
                    preview(&texts.join(" | "))
                )));
                return None;
            }
        };
        if let (Some(n), Some(prev)) = (n, rows.number) {
            if n != prev + 1 {
                let what = if n <= prev {
                    format!("№ {n} после № {prev}")
                } else {
                    format!("после № {prev} идет № {n}")
                };
                self.warn(
                    Diagnostic::warning(format!("{}: нарушена нумерация: {what}", place.label()))
                        .help("otchet нумерует мероприятия сам; проверьте, не потеряна ли строка"),
                );
            }
        }
        if n.is_some() {
            rows.number = n;
        }
        Some(n)
    }

    /// The event's agreement: a form's chosen item, the row above's for a
    /// merged or empty cell, or the registry's entry for the text.
    fn event_agreement(&mut self, cells: &[LCell], place: &Place, rows: &mut Rows) -> Option<usize> {
        let agr = &cells[1];
        let agreement = if self.form.is_some() {
            self.chosen(agr, place)
        } else if agr.v_merge == Some(VMerge::Continue) {
            rows.agreement
        } else if agr.text.is_empty() {
            if rows.agreement.is_some() {
                self.warn(Diagnostic::warning(format!(
                    "{}: графа «Соглашение» пуста — принято соглашение строки выше",
                    place.label()
                )));
            }
            rows.agreement
        } else {
            let (i, differs) = self.registry.add(&agr.text, self.file);
            if differs {
                self.warn(Diagnostic::warning(format!(
                    "{}: название соглашения отличается от встреченного выше только регистром, пробелами, знаками или латинскими буквами вместо русских — принято как то же соглашение: «{}»",
                    place.label(),
                    preview(&agr.text)
                )));
            }
            Some(i)
        };
        if agreement.is_none() && self.form.is_none() {
            self.warn(
                Diagnostic::warning(format!(
                    "{}: не указано соглашение — мероприятие перенесено без соглашения",
                    place.label()
                ))
                .help(NO_AGREEMENT_HELP),
            );
        }
        rows.agreement = agreement;
        agreement
    }
}
