//! The quarterly routine: `otchet new` from the last quarter, and the JSON
//! Schema that editors use to check the data file while typing.
mod common;

use common::{run, stderr, REFERENCE};

const SCHEMA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/schema/otchet.schema.json");

/// TOML -> JSON as editors see it (dates as strings).
fn to_json(v: toml::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        toml::Value::String(s) => J::String(s),
        toml::Value::Integer(i) => J::from(i),
        toml::Value::Float(f) => J::from(f),
        toml::Value::Boolean(b) => J::Bool(b),
        toml::Value::Datetime(d) => J::String(d.to_string()),
        toml::Value::Array(a) => J::Array(a.into_iter().map(to_json).collect()),
        toml::Value::Table(t) => J::Object(t.into_iter().map(|(k, v)| (k, to_json(v))).collect()),
    }
}

fn validator() -> jsonschema::Validator {
    let schema: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(SCHEMA).unwrap()).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

fn schema_errors(toml_text: &str) -> Vec<String> {
    let value = to_json(toml::from_str(toml_text).unwrap());
    validator().iter_errors(&value).map(|e| e.to_string()).collect()
}

#[test]
fn new_from_reference_gives_next_quarter_with_registry_and_no_events() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(REFERENCE, dir.path().join("2020-q4.toml")).unwrap();
    let o = run(&["new", "--from", "2020-q4.toml"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(dir.path().join("2021-q1.toml")).unwrap();
    assert!(text.starts_with("#:schema ./otchet.schema.json\n"));
    assert!(dir.path().join("otchet.schema.json").exists(), "schema written beside the file");
    let l = otchet::load::load_bytes("2021-q1.toml", text.as_bytes()).unwrap();
    assert_eq!(l.report.period, otchet::model::Period::Quarter { year: 2021, quarter: 1 });
    assert_eq!(l.report.agreements.len(), 7);
    assert_eq!(l.report.departments.len(), 5);
    assert_eq!(l.report.event_count(), 0);
    assert_eq!(l.report.region.as_deref(), Some("Смоленская область"));
    // The commented example shows every field and the three forms of dates.
    for field in [
        "# agreement =",
        "# title =",
        "# dates = 2021-01-01",
        "{ from = 2021-01-01, to = 2021-01-03 }",
        "\"В течение всего периода\"",
        "# place =",
        "# participants =",
        "# result =",
    ] {
        assert!(text.contains(field), "{field}");
    }
    let o = run(&["check", "2021-q1.toml"], dir.path());
    assert_eq!(o.status.code(), Some(0));
    assert!(stderr(&o).contains("в отчете нет ни одного мероприятия"), "{}", stderr(&o));
    let o = run(&["render", "2021-q1.toml", "-o", "out"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // Refuses to overwrite.
    std::fs::write(dir.path().join("2021-q1.toml"), "заполнено").unwrap();
    let o = run(&["new", "--from", "2020-q4.toml"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("файл уже существует"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(dir.path().join("2021-q1.toml")).unwrap(), "заполнено");
}

#[test]
fn new_with_explicit_period_and_output() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(&["new", "--from", REFERENCE, "--year", "2021", "--quarter", "3", "-o", "q3.toml"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(dir.path().join("q3.toml")).unwrap();
    assert!(text.contains("year = 2021\nquarter = 3\n"));
    let o = run(&["new", "--from", REFERENCE, "--quarter", "5"], dir.path());
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn reference_and_new_files_validate_against_the_schema() {
    let reference = std::fs::read_to_string(REFERENCE).unwrap();
    assert!(reference.starts_with("#:schema ../schema/otchet.schema.json"));
    assert_eq!(schema_errors(&reference), Vec::<String>::new());
    let l = otchet::load::load_bytes("r.toml", reference.as_bytes()).unwrap();
    let fresh = otchet::new::next_file(&l.report, 2021, 1);
    assert_eq!(schema_errors(&fresh), Vec::<String>::new());
}

#[test]
fn schema_rejects_what_the_loader_rejects() {
    let reference = std::fs::read_to_string(REFERENCE).unwrap();
    for bad in [
        reference.replacen("title = ", "titel = ", 1),
        reference.replace("quarter = 4", "quarter = 5"),
        reference.replace("year = 2020", "year = \"2020\""),
        reference.replacen("place = \"В рабочем порядке\"", "place = \"\"", 1),
        reference.replacen("dates = 2020-10-20", "dates = { from = 2020-10-20 }", 1),
    ] {
        assert!(!schema_errors(&bad).is_empty());
        assert!(otchet::load::load_bytes("bad.toml", bad.as_bytes()).is_err());
    }
}

#[test]
fn schema_command_prints_the_shipped_schema() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(&["schema"], dir.path());
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(String::from_utf8(o.stdout).unwrap(), std::fs::read_to_string(SCHEMA).unwrap());
}
