//! Tidy rules of the code, run as tests (as rust-analyzer's are): the
//! floors of `docs/ARCHITECTURE.md` — a module uses only modules on its
//! own floor or below, and no module uses a face (the command line's
//! `main.rs`, the terminal face `app`, the server `serve`) from below.
//! A new module must be given its floor here and in the map.

use std::collections::BTreeMap;
use std::path::Path;

/// Every top-level module of `src/` and its floor (1 = the ground).
const FLOORS: &[(&str, u8)] = &[
    ("main", 9),
    ("cli", 9),
    ("serve", 8),
    ("app", 7),
    ("import", 6),
    ("forms", 6),
    ("office", 6),
    ("ops", 6),
    ("annual", 5),
    ("archive", 5),
    ("render", 5),
    ("load", 4),
    ("diff", 4),
    ("output", 3),
    ("fonts", 3),
    ("layout", 3),
    ("dates", 2),
    ("new", 2),
    ("toml_write", 2),
    ("diag", 2),
    ("template", 2),
    ("typo", 2),
    ("model", 1),
    ("text", 1),
    ("units", 1),
    ("par", 1),
    ("lib", 0),
];

/// The faces: only the entry point (`main`) uses them — no module below
/// them, and no face another face.
const FACES: &[&str] = &["main", "cli", "app", "serve"];

fn floor(module: &str) -> Option<u8> {
    FLOORS.iter().find(|(m, _)| *m == module).map(|(_, f)| *f)
}

/// The code of a file without its comments (line comments, doc comments
/// and block comments) and string literals, so that a path named in prose
/// or in a message is not a use.
fn code(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i..].starts_with(b"//") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i..].starts_with(b"/*") {
            while i < b.len() && !b[i..].starts_with(b"*/") {
                i += 1;
            }
            i += 2;
        } else if b[i] == b'"' && !(i > 0 && b[i - 1] == b'\'') {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                if b[i] == b'\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
        } else {
            out.push(b[i] as char);
            i += 1;
        }
    }
    out
}

/// The top-level modules a file's code uses: `crate::NAME`.
fn uses(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let after = &rest[at + "crate::".len()..];
        let name: String = after.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        let word_before = rest[..at].chars().next_back().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        if !name.is_empty() && !word_before {
            out.push(name);
        }
        rest = after;
    }
    // `otchet::NAME` from the binary.
    let mut rest = code;
    while let Some(at) = rest.find("otchet::") {
        let after = &rest[at + "otchet::".len()..];
        let name: String = after.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        if !name.is_empty() {
            out.push(name);
        }
        rest = after;
    }
    out.sort();
    out.dedup();
    out
}

fn walk(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            walk(&p, files);
        } else if p.extension().is_some_and(|x| x == "rs") {
            files.push(p);
        }
    }
}

/// Every use that breaks the floors, as `file: uses MODULE (floor a -> b)`.
fn violations(src: &Path) -> Vec<String> {
    let mut files = Vec::new();
    walk(src, &mut files);
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let rel = f.strip_prefix(src).unwrap();
        let module = rel.iter().next().unwrap().to_string_lossy().trim_end_matches(".rs").to_string();
        let Some(own) = floor(&module) else {
            out.push(format!("{}: module «{module}» has no floor in tests/tidy.rs", rel.display()));
            continue;
        };
        for used in uses(&code(&std::fs::read_to_string(&f).unwrap())) {
            if used == module {
                continue;
            }
            let Some(theirs) = floor(&used) else { continue };
            if theirs > own {
                out.push(format!("{}: uses «{used}» (floor {own} -> {theirs})", rel.display()));
            } else if FACES.contains(&used.as_str()) && module != "main" {
                out.push(format!("{}: uses the face «{used}»", rel.display()));
            }
        }
    }
    out
}

#[test]
fn no_module_uses_one_above_it_or_a_face() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let v = violations(&src);
    assert!(v.is_empty(), "floor rule broken:\n{}", v.join("\n"));
}

#[test]
fn every_module_of_src_has_a_floor_and_the_map_names_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let map = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/ARCHITECTURE.md")).unwrap();
    let mut seen = BTreeMap::new();
    for e in std::fs::read_dir(&src).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().trim_end_matches(".rs").to_string();
        seen.insert(name.clone(), floor(&name));
        if name != "lib" {
            assert!(map.contains(&format!("`{name}")), "docs/ARCHITECTURE.md does not name `{name}`");
        }
    }
    let missing: Vec<_> = seen.iter().filter(|(_, f)| f.is_none()).map(|(n, _)| n.clone()).collect();
    assert!(missing.is_empty(), "modules without a floor: {missing:?}");
}

#[test]
fn the_rule_catches_a_use_from_below() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("model.rs"), "// crate::serve in a comment is no use\nuse crate::serve::State;\n")
        .unwrap();
    std::fs::write(dir.path().join("text.rs"), "fn f() { let _ = \"crate::app\"; }\n").unwrap();
    std::fs::write(dir.path().join("import.rs"), "use crate::app::check;\n").unwrap();
    let v = violations(dir.path());
    assert_eq!(v.len(), 2, "{v:?}");
    assert!(v[0].contains("import.rs") && v[0].contains("«app»"), "{v:?}");
    assert!(v[1].contains("model.rs") && v[1].contains("«serve»"), "{v:?}");
}

/// Most code lines (not blank, not comments, before the unit tests) a
/// source file may have: past it, a file has grown more than one concern.
const MAX_FILE_LINES: usize = 500;
/// Most lines (not blank, not comments) a function may have unless a
/// `// Long: why` comment right above it says why it is one piece.
const MAX_FN_LINES: usize = 120;

/// A file's code lines, as [`MAX_FILE_LINES`] counts them.
fn code_lines(text: &str) -> usize {
    let before_tests = text.split("#[cfg(test)]").next().unwrap_or_default();
    code(before_tests).lines().filter(|l| !l.trim().is_empty()).count()
}

/// The functions of a file longer than [`MAX_FN_LINES`] without a reason,
/// as `(name, lines)`.
fn long_functions(text: &str) -> Vec<(String, usize)> {
    // Braces in character literals are no blocks.
    let c = code(text).replace("'{'", "' '").replace("'}'", "' '");
    let b = c.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(found) = c[from..].find("fn ") {
        let at = from + found;
        from = at + 3;
        if at > 0 && (b[at - 1].is_ascii_alphanumeric() || b[at - 1] == b'_') {
            continue;
        }
        let name: String = c[at + 3..].chars().take_while(|ch| ch.is_alphanumeric() || *ch == '_').collect();
        let rest = &c[at..];
        let Some(open) = rest.find('{') else { continue };
        if name.is_empty() || rest[..open].contains(';') {
            continue; // a declaration without a body
        }
        let mut depth = 0usize;
        let mut end = None;
        for (i, ch) in rest[open..].char_indices() {
            match ch {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = Some(open + i);
                        break;
                    }
                }
                _ => {}
            }
        }
        let Some(end) = end else { continue };
        let lines = rest[open..=end].lines().filter(|l| !l.trim().is_empty()).count();
        if lines > MAX_FN_LINES && !has_reason(text, &name) {
            out.push((name, lines));
        }
    }
    out
}

/// Whether a `// Long: …` comment stands among the lines just above `fn
/// NAME` (its doc comment and attributes).
fn has_reason(text: &str, name: &str) -> bool {
    let lines: Vec<&str> = text.lines().collect();
    let Some(at) = lines.iter().position(|l| l.contains(&format!("fn {name}(")) || l.contains(&format!("fn {name}<")))
    else {
        return false;
    };
    lines[..at]
        .iter()
        .rev()
        .take_while(|l| {
            let t = l.trim();
            t.starts_with("//") || t.starts_with("#[")
        })
        .any(|l| l.trim().starts_with("// Long:"))
}

/// Every file and function of `src/` past its size, as a message.
fn oversized(src: &Path) -> Vec<String> {
    let mut files = Vec::new();
    walk(src, &mut files);
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let rel = f.strip_prefix(src).unwrap().display().to_string();
        let text = std::fs::read_to_string(&f).unwrap();
        let n = code_lines(&text);
        if n > MAX_FILE_LINES {
            out.push(format!("{rel}: {n} code lines (at most {MAX_FILE_LINES}): split it by concern"));
        }
        for (name, lines) in long_functions(&text) {
            out.push(format!(
                "{rel}: fn {name} has {lines} lines (at most {MAX_FN_LINES}): split it, or say why above it in a `// Long:` comment"
            ));
        }
    }
    out
}

#[test]
fn no_file_or_function_grows_past_its_size() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let v = oversized(&src);
    assert!(v.is_empty(), "too big:\n{}", v.join("\n"));
}

#[test]
fn the_size_rule_catches_a_long_function_and_a_long_file() {
    let dir = tempfile::tempdir().unwrap();
    let body = |n: usize| (0..n).map(|i| format!("    let _x{i} = '{{';\n")).collect::<String>();
    let long = format!("fn long() {{\n{}}}\n", body(MAX_FN_LINES));
    let reasoned = format!("/// Doc.\n// Long: one table of cases.\nfn reasoned() {{\n{}}}\n", body(MAX_FN_LINES));
    let short = format!("fn short() {{\n{}}}\n", body(MAX_FN_LINES - 2));
    std::fs::write(dir.path().join("a.rs"), format!("{long}{reasoned}{short}")).unwrap();
    let many: String = (0..=MAX_FILE_LINES / 100).map(|k| format!("fn f{k}() {{\n{}}}\n", body(98))).collect();
    std::fs::write(dir.path().join("b.rs"), format!("{many}#[cfg(test)]\nmod tests {{\n{}}}\n", body(900))).unwrap();
    let v = oversized(dir.path());
    assert_eq!(v.len(), 2, "{v:?}");
    assert!(v[0].starts_with("a.rs: fn long has"), "{v:?}");
    assert!(v[1].starts_with("b.rs: 600 code lines"), "{v:?}");
}

/// What a user who cloned or installed otchet reads points at nothing
/// outside the repository (the development spec lives beside it, not in it).
#[test]
fn the_docs_point_nowhere_outside_the_repository() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("README.md")];
    for dir in ["docs", "schema"] {
        for e in std::fs::read_dir(root.join(dir)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "md" || x == "json") {
                files.push(p);
            }
        }
    }
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for (n, line) in text.lines().enumerate() {
            if line.contains("../shared") || line.contains("shared/spec") || line.contains("shared/reference") {
                out.push(format!("{}:{}: {line}", f.strip_prefix(root).unwrap().display(), n + 1));
            }
        }
    }
    assert!(out.is_empty(), "points outside the repository:\n{}", out.join("\n"));
}
