//! The agreements met in the documents, matched by title (case, spaces,
//! punctuation and look-alike letters aside), and their keys: those of a
//! registry given, new ones for the rest.

use super::*;

/// The agreements met so far: normalised title, title as first met, the
/// file it was first met in.
#[derive(Debug, Default)]
pub(super) struct Registry {
    pub(super) entries: Vec<(String, String, usize)>,
    /// Normalised title -> index into `entries`.
    pub(super) index: std::collections::HashMap<String, usize>,
}

impl Registry {
    /// The index of `title`'s agreement (met in `file`), and whether its
    /// text differs from the one first met (case, spaces, punctuation,
    /// look-alike letters).
    pub(super) fn add(&mut self, title: &str, file: usize) -> (usize, bool) {
        let key = normalize_title(title);
        match self.index.get(&key).copied() {
            Some(i) => (i, self.entries[i].1 != title),
            None => {
                self.index.insert(key.clone(), self.entries.len());
                self.entries.push((key, title.to_string(), file));
                (self.entries.len() - 1, false)
            }
        }
    }
}

/// Keys and titles of the imported agreements: those of `known` (an
/// existing registry) for the titles it has, new keys for the rest (`own`:
/// the key of the report's own region).
pub(super) fn registry_keys(
    found: &Registry,
    known: &[(String, String)],
    own: Option<&str>,
    warnings: &mut Vec<Message>,
) -> (Vec<String>, Vec<String>) {
    let mut keys: Vec<Option<String>> = vec![None; found.entries.len()];
    let mut titles: Vec<String> = found.entries.iter().map(|(_, t, _)| t.clone()).collect();
    // Normalised title -> the first known agreement of that title.
    let mut known_norms: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (j, (_, t)) in known.iter().enumerate() {
        known_norms.entry(normalize_title(t)).or_insert(j);
    }
    for (i, (norm, title, file)) in found.entries.iter().enumerate() {
        if let Some((key, known_title)) = known_norms.get(norm).map(|&j| &known[j]) {
            if known_title != title {
                warnings.push(Message {
                    file: *file,
                    diagnostic: Diagnostic::warning(format!(
                        "соглашение «{}» записано так, как в реестре (ключ {key})",
                        preview(title)
                    ))
                    .help("в документе название отличается от реестра только регистром, пробелами или знаками"),
                });
                titles[i].clone_from(known_title);
            }
            keys[i] = Some(key.clone());
        }
    }
    let new: Vec<&str> = titles.iter().zip(&keys).filter(|(_, k)| k.is_none()).map(|(t, _)| t.as_str()).collect();
    let taken: Vec<&str> = known.iter().map(|(k, _)| k.as_str()).collect();
    let mut generated = keys::assign(&new, own, &taken).into_iter();
    let keys =
        keys.into_iter().map(|k| k.unwrap_or_else(|| generated.next().expect("a key for each new title"))).collect();
    (keys, titles)
}
