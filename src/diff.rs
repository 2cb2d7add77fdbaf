//! The changes between two versions of a report, as the rows of the new
//! one with every difference marked: the input of the tracked-changes DOCX
//! (`otchet diff`) and of its Russian summary.
//!
//! Rows are matched by content, in order: rows whose texts are equal (the
//! № cell aside, so renumbering does not break a match) are kept; between
//! them, an old and a new row of the same kind are one edited row when
//! their texts are alike enough ([`SIMILAR`]), else the old row is deleted
//! and the new one inserted. A row moved past others is a deletion and an
//! insertion (rejecting the changes then restores the old order exactly).
//! Within a cell, words are compared (`similar`).

use similar::{capture_diff_slices, Algorithm, ChangeTag, DiffOp, TextDiff};

use crate::layout::{Merge, Row, Table, AGREEMENT_COL};

/// Texts at least this alike (share of equal characters, 0–1) are one row
/// edited, not one deleted and one added.
pub const SIMILAR: f32 = 0.5;

/// Part of a text: unchanged, inserted or deleted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Unchanged text.
    Same(String),
    /// Text only the new version has.
    Ins(String),
    /// Text only the old version has.
    Del(String),
}

/// What happened to a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// In both versions (its texts may differ).
    Kept,
    /// Only in the new version.
    Inserted,
    /// Only in the old version.
    Deleted,
}

/// One row of the changes table.
#[derive(Debug, Clone, PartialEq)]
pub struct RevRow {
    /// What happened to the row.
    pub change: Change,
    /// A department row (one cell over all columns).
    pub department: bool,
    /// Each cell's text as pieces (one cell for a department row).
    pub cells: Vec<Vec<Piece>>,
    /// The agreement column's merge state: the new one (kept and inserted
    /// rows) or the old one (deleted rows).
    pub merge: Merge,
    /// The old merge state of a kept row, where it differs.
    pub merge_before: Option<Merge>,
    /// The row in the old table (kept and deleted rows).
    pub old_row: Option<usize>,
    /// The row in the new table (kept and inserted rows).
    pub new_row: Option<usize>,
    /// Who made the change: an index into [`Revised::authors`] (`None`:
    /// the document's one author).
    pub by: Option<usize>,
}

/// The new report with its changes against the old.
#[derive(Debug, Clone, PartialEq)]
pub struct Revised {
    /// Title lines, as pieces.
    pub title: Vec<Vec<Piece>>,
    /// Body rows: the new ones in order, deleted ones where they were.
    pub rows: Vec<RevRow>,
    /// One Russian line per change.
    pub summary: Vec<String>,
    /// The authors of the changes, as Word shows them: display name and
    /// time (`YYYY-MM-DDTHH:MM:SSZ`), when known ([`attribute`]).
    pub authors: Vec<(String, String)>,
    /// Who changed the title (an index into `authors`).
    pub title_by: Option<usize>,
}

impl Revised {
    /// Whether anything changed.
    pub fn is_empty(&self) -> bool {
        self.summary.is_empty()
    }
}

/// Word-level pieces turning `old` into `new`.
pub fn pieces(old: &str, new: &str) -> Vec<Piece> {
    if old == new {
        return if new.is_empty() { Vec::new() } else { vec![Piece::Same(new.to_string())] };
    }
    let diff = TextDiff::from_words(old, new);
    let mut out: Vec<Piece> = Vec::new();
    for change in diff.iter_all_changes() {
        let v = change.value();
        match (change.tag(), out.last_mut()) {
            (ChangeTag::Equal, Some(Piece::Same(s)))
            | (ChangeTag::Insert, Some(Piece::Ins(s)))
            | (ChangeTag::Delete, Some(Piece::Del(s))) => {
                s.push_str(v);
            }
            (ChangeTag::Equal, _) => out.push(Piece::Same(v.to_string())),
            (ChangeTag::Insert, _) => out.push(Piece::Ins(v.to_string())),
            (ChangeTag::Delete, _) => out.push(Piece::Del(v.to_string())),
        }
    }
    out
}

/// The text a row shows in each cell (a merge group's later rows show no
/// agreement: the merged cell's text is in the group's first row).
fn shown(row: &Row) -> Vec<&str> {
    match row {
        Row::Department(c) => vec![c.text.as_str()],
        Row::Event(e) => e
            .cells
            .iter()
            .enumerate()
            .map(|(i, c)| if i == AGREEMENT_COL && e.merge == Merge::Continue { "" } else { c.text.as_str() })
            .collect(),
    }
}

/// What identifies a row's content: its kind and texts, the № and the
/// merge state aside (the agreement itself is compared).
fn key(row: &Row) -> (bool, Vec<&str>) {
    match row {
        Row::Department(c) => (true, vec![c.text.as_str()]),
        Row::Event(e) => (false, e.cells.iter().skip(1).map(|c| c.text.as_str()).collect()),
    }
}

fn merge_of(row: &Row) -> Merge {
    match row {
        Row::Department(_) => Merge::Single,
        Row::Event(e) => e.merge,
    }
}

/// A row's kind and its words, hashed and sorted, for [`likeness`].
type Flat = (bool, Vec<u64>);

/// How alike two rows are (0–1): the words they share (as a multiset) over
/// all their words — linear in the rows' length, so that pairing the rows
/// of two long runs stays fast.
fn likeness(a: &Flat, b: &Flat) -> f32 {
    if a.0 != b.0 {
        return 0.0;
    }
    let total = a.1.len() + b.1.len();
    if total == 0 {
        return 1.0;
    }
    let (mut i, mut j, mut shared) = (0, 0, 0usize);
    while i < a.1.len() && j < b.1.len() {
        match a.1[i].cmp(&b.1[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    (2 * shared) as f32 / total as f32
}

/// A row's kind and words, for [`likeness`].
fn flat(row: &Row) -> Flat {
    use std::hash::{Hash, Hasher};
    let (department, texts) = key(row);
    let mut words: Vec<u64> = texts
        .iter()
        .flat_map(|t| t.split_whitespace())
        .map(|w| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            w.hash(&mut h);
            h.finish()
        })
        .collect();
    words.sort_unstable();
    (department, words)
}

/// A move of the row alignment.
#[derive(Clone, Copy)]
enum Step {
    Pair,
    Old,
    New,
}

/// Pairs rows of two runs (old, new) that are alike, keeping their order:
/// the best-scoring alignment (dynamic programming; long runs pair by
/// position instead).
fn pair_runs(old: &[Row], new: &[Row]) -> Vec<(Option<usize>, Option<usize>)> {
    let (n, m) = (old.len(), new.len());
    let (old, new): (Vec<_>, Vec<_>) = (old.iter().map(flat).collect(), new.iter().map(flat).collect());
    if n * m > 40_000 {
        let mut out = Vec::new();
        for i in 0..n.max(m) {
            let (a, b) = (i < n, i < m);
            if a && b && likeness(&old[i], &new[i]) >= SIMILAR {
                out.push((Some(i), Some(i)));
            } else {
                if a {
                    out.push((Some(i), None));
                }
                if b {
                    out.push((None, Some(i)));
                }
            }
        }
        return out;
    }
    // score[i][j]: best total likeness of old[i..] with new[j..]; step[i][j]:
    // the first move of that alignment (pair, skip the old row, skip the
    // new one).
    let mut score = vec![vec![0.0f32; m + 1]; n + 1];
    let mut step = vec![vec![Step::Old; m + 1]; n + 1];
    for row in step.iter_mut().take(n + 1) {
        row[m] = Step::Old;
    }
    step[n].fill(Step::New);
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            let l = likeness(&old[i], &new[j]);
            let pair = if l >= SIMILAR { l + score[i + 1][j + 1] } else { f32::MIN };
            let (best, how) = [(pair, Step::Pair), (score[i + 1][j], Step::Old), (score[i][j + 1], Step::New)]
                .into_iter()
                .fold((f32::MIN, Step::Old), |a, b| if b.0 > a.0 { b } else { a });
            score[i][j] = best;
            step[i][j] = how;
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < n || j < m {
        match step[i][j] {
            Step::Pair => {
                out.push((Some(i), Some(j)));
                i += 1;
                j += 1;
            }
            Step::Old if i < n => {
                out.push((Some(i), None));
                i += 1;
            }
            _ => {
                out.push((None, Some(j)));
                j += 1;
            }
        }
    }
    out
}

/// Column names for the summary (the header's titles on one line).
fn column_name(table: &Table, col: usize) -> String {
    table.header.get(col).map_or_else(String::new, |h| crate::text::one_line(h))
}

/// A short quotation of a text for the summary.
fn quote(s: &str) -> String {
    format!("«{}»", crate::text::excerpt(s, 60))
}

fn number_of(row: &Row) -> Option<usize> {
    match row {
        Row::Event(e) => Some(e.number),
        Row::Department(_) => None,
    }
}

/// The changes from `old` to `new`.
pub fn compare(old: &Table, new: &Table) -> Revised {
    let mut summary = Vec::new();
    let title = title_pieces(old, new, &mut summary);
    let order = row_order(old, new);
    let mut rows = Vec::with_capacity(order.len());
    let mut renumbered = 0;
    for (o, n) in order {
        let (old_row, new_row, by) = (o, n, None);
        match (o.map(|i| &old.rows[i]), n.map(|i| &new.rows[i])) {
            (Some(a), Some(b)) => {
                let (sa, sb) = (shown(a), shown(b));
                let cells: Vec<Vec<Piece>> = sa.iter().zip(&sb).map(|(x, y)| pieces(x, y)).collect();
                let (ma, mb) = (merge_of(a), merge_of(b));
                let department = matches!(b, Row::Department(_));
                if department {
                    if sa != sb {
                        summary.push(format!("изменено название раздела {}", quote(sb[0])));
                    }
                } else {
                    let (ka, kb) = (key(a).1, key(b).1);
                    let changed: Vec<String> = ka
                        .iter()
                        .zip(&kb)
                        .enumerate()
                        .filter(|(_, (x, y))| x != y)
                        .map(|(i, _)| format!("«{}»", column_name(new, i + 1)))
                        .collect();
                    let number = number_of(b).unwrap_or(0);
                    if !changed.is_empty() {
                        summary.push(format!("№ {number}: изменено {}", changed.join(", ")));
                    } else if number_of(a) != number_of(b) {
                        renumbered += 1;
                    }
                }
                rows.push(RevRow {
                    change: Change::Kept,
                    department,
                    cells,
                    merge: mb,
                    merge_before: (ma != mb).then_some(ma),
                    old_row,
                    new_row,
                    by,
                });
            }
            (None, Some(b)) => {
                let department = matches!(b, Row::Department(_));
                summary.push(match b {
                    Row::Department(c) => format!("добавлен раздел {}", quote(&c.text)),
                    Row::Event(e) => format!("добавлено мероприятие № {} {}", e.number, quote(&e.cells[2].text)),
                });
                let cells = shown(b).iter().map(|t| pieces("", t)).collect();
                rows.push(RevRow {
                    change: Change::Inserted,
                    department,
                    cells,
                    merge: merge_of(b),
                    merge_before: None,
                    old_row,
                    new_row,
                    by,
                });
            }
            (Some(a), None) => {
                let department = matches!(a, Row::Department(_));
                summary.push(match a {
                    Row::Department(c) => format!("удален раздел {}", quote(&c.text)),
                    Row::Event(e) => format!("удалено мероприятие № {} {}", e.number, quote(&e.cells[2].text)),
                });
                let cells = shown(a).iter().map(|t| pieces(t, "")).collect();
                rows.push(RevRow {
                    change: Change::Deleted,
                    department,
                    cells,
                    merge: merge_of(a),
                    merge_before: None,
                    old_row,
                    new_row,
                    by,
                });
            }
            (None, None) => {}
        }
    }
    if renumbered > 0 {
        summary.push(format!("перенумеровано мероприятий: {renumbered}"));
    }
    Revised { title, rows, summary, authors: Vec::new(), title_by: None }
}

/// The title, line by line, as pieces kept, inserted and deleted.
fn title_pieces(old: &Table, new: &Table, summary: &mut Vec<String>) -> Vec<Vec<Piece>> {
    let lines = old.title.len().max(new.title.len());
    let mut title = Vec::with_capacity(lines);
    for i in 0..lines {
        match (old.title.get(i), new.title.get(i)) {
            (Some(a), Some(b)) => title.push(pieces(a, b)),
            (None, Some(b)) => title.push(vec![Piece::Ins(b.clone())]),
            (Some(a), None) => title.push(vec![Piece::Del(a.clone())]),
            (None, None) => {}
        }
    }
    if old.title != new.title {
        summary.push(format!("изменен заголовок отчета: {}", quote(&new.title.join(" "))));
    }
    title
}

/// The rows of both tables aligned: (old index, new index) of every row
/// of the revised table, in order.
fn row_order(old: &Table, new: &Table) -> Vec<(Option<usize>, Option<usize>)> {
    let old_keys: Vec<_> = old.rows.iter().map(key).collect();
    let new_keys: Vec<_> = new.rows.iter().map(key).collect();
    let ops = capture_diff_slices(Algorithm::Patience, &old_keys, &new_keys);
    // (old index, new index) of every output row, in order.
    let mut order: Vec<(Option<usize>, Option<usize>)> = Vec::with_capacity(new.rows.len());
    let mut pending_old: Vec<usize> = Vec::new();
    let mut pending_new: Vec<usize> = Vec::new();
    let flush = |order: &mut Vec<_>, po: &mut Vec<usize>, pn: &mut Vec<usize>| {
        if po.is_empty() && pn.is_empty() {
            return;
        }
        // The rows between two equal ones are contiguous in each table.
        let (o0, n0) = (po.first().copied().unwrap_or(0), pn.first().copied().unwrap_or(0));
        for (a, b) in pair_runs(&old.rows[o0..o0 + po.len()], &new.rows[n0..n0 + pn.len()]) {
            order.push((a.map(|a| o0 + a), b.map(|b| n0 + b)));
        }
        po.clear();
        pn.clear();
    };
    for op in ops {
        match op {
            DiffOp::Equal { old_index, new_index, len } => {
                flush(&mut order, &mut pending_old, &mut pending_new);
                for k in 0..len {
                    order.push((Some(old_index + k), Some(new_index + k)));
                }
            }
            DiffOp::Delete { old_index, old_len, .. } => pending_old.extend(old_index..old_index + old_len),
            DiffOp::Insert { new_index, new_len, .. } => pending_new.extend(new_index..new_index + new_len),
            DiffOp::Replace { old_index, old_len, new_index, new_len } => {
                pending_old.extend(old_index..old_index + old_len);
                pending_new.extend(new_index..new_index + new_len);
            }
        }
    }
    flush(&mut order, &mut pending_old, &mut pending_new);
    order
}

/// One save in a chain of versions: the table after it, who made it and
/// when (`YYYY-MM-DDTHH:MM:SSZ`).
pub struct Save<'a> {
    /// The report's table after the save.
    pub after: &'a Table,
    /// The author's display name.
    pub author: &'a str,
    /// When the save was made.
    pub date: &'a str,
}

/// Names the author of each change of `rev` (made from `old` to the last
/// step's table): the save that last brought a row's new text in (or took
/// a deleted row's text out). Rows no save explains keep the document's
/// one author.
pub fn attribute(rev: &mut Revised, old: &Table, new: &Table, steps: &[Save<'_>]) {
    use std::collections::HashSet;
    let keys = |t: &Table| -> HashSet<(bool, Vec<String>)> {
        t.rows.iter().map(|r| key(r)).map(|(d, k)| (d, k.into_iter().map(str::to_string).collect())).collect()
    };
    let owned = |r: &Row| -> (bool, Vec<String>) {
        let (d, k) = key(r);
        (d, k.into_iter().map(str::to_string).collect())
    };
    let mut tables: Vec<HashSet<(bool, Vec<String>)>> = vec![keys(old)];
    tables.extend(steps.iter().map(|s| keys(s.after)));
    let mut authors: Vec<(String, String)> = Vec::new();
    let mut index = |i: usize| -> usize {
        let a = (steps[i].author.to_string(), steps[i].date.to_string());
        match authors.iter().position(|x| *x == a) {
            Some(p) => p,
            None => {
                authors.push(a);
                authors.len() - 1
            }
        }
    };
    for row in &mut rev.rows {
        let changed = row.change != Change::Kept
            || row.merge_before.is_some()
            || row.cells.iter().flatten().any(|p| !matches!(p, Piece::Same(_)));
        if !changed {
            continue;
        }
        let (appears, text) = match (row.change, row.new_row, row.old_row) {
            (Change::Deleted, _, Some(o)) => (false, owned(&old.rows[o])),
            (_, Some(n), _) => (true, owned(&new.rows[n])),
            _ => continue,
        };
        let save = (0..steps.len()).rev().find(|&i| {
            let (before, after) = (tables[i].contains(&text), tables[i + 1].contains(&text));
            if appears {
                after && !before
            } else {
                before && !after
            }
        });
        row.by = save.map(&mut index);
    }
    if old.title != new.title {
        let save = (0..steps.len()).rev().find(|&i| {
            let before = if i == 0 { &old.title } else { &steps[i - 1].after.title };
            *before != steps[i].after.title
        });
        rev.title_by = save.map(&mut index);
    }
    rev.authors = authors;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_pieces_rebuild_both_texts() {
        let p = pieces("Выставка в г. Смоленске", "Большая выставка в г. Вязьме");
        // One side's text: the same pieces and that side's own.
        let side = |new: bool| -> String {
            p.iter()
                .filter_map(|x| match x {
                    Piece::Same(s) => Some(s.as_str()),
                    Piece::Ins(s) if new => Some(s.as_str()),
                    Piece::Del(s) if !new => Some(s.as_str()),
                    Piece::Ins(_) | Piece::Del(_) => None,
                })
                .collect()
        };
        let (old, new) = (side(false), side(true));
        assert_eq!((old.as_str(), new.as_str()), ("Выставка в г. Смоленске", "Большая выставка в г. Вязьме"));
        assert!(p.contains(&Piece::Same(" в г. ".into())), "{p:?}");
        assert_eq!(pieces("a", "a"), vec![Piece::Same("a".into())]);
        assert!(pieces("", "").is_empty());
    }
}
