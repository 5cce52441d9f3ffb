//! The editor schema (`recoup schema`) and the starting file (`recoup
//! init`): every example and test state the loader accepts validates
//! against the schema; each malformed state in `tests/diagnostics/` that a
//! schema can catch fails for the right field; the history file `recoup
//! import` writes validates against its schema.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use recoup::diagnostic::SourceFile;
use recoup::engine::{self, Selection};
use recoup::program::Program;
use recoup::{schema, state, yaml};
use serde_json::Value as Json;

fn program() -> Program {
    engine::load(&Selection { no_builtin: false, paths: Vec::new() }).unwrap()
}

fn validator(program: &Program) -> jsonschema::Validator {
    jsonschema::validator_for(&schema::state_schema(program)).unwrap()
}

/// Each error as `pointer: message`.
fn errors(v: &jsonschema::Validator, instance: &Json) -> Vec<String> {
    v.iter_errors(instance).map(|e| format!("{}: {e}", e.instance_path())).collect()
}

fn files(dir: &str, exts: &[&str]) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().and_then(|e| e.to_str()).is_some_and(|e| exts.contains(&e)))
        .collect();
    out.sort();
    out
}

fn now() -> state::NowSource {
    state::NowSource {
        override_now: None,
        fallback: Some(chrono::DateTime::parse_from_rfc3339("2026-11-28T08:15:00+01:00").unwrap()),
    }
}

/// Every state the loader accepts, as (where, the YAML node).
fn accepted_states(program: &Program) -> Vec<(String, yaml::Node)> {
    let mut out = Vec::new();
    let mut whole_files: Vec<PathBuf> = Vec::new();
    for dir in ["examples", "tests/fixtures/states", "tests/fixtures/squad", "tests/fixtures/import"] {
        whole_files.extend(files(dir, &["yaml", "yml", "json"]));
    }
    for path in whole_files {
        let Ok(file) = state::read_source(&path) else { continue };
        let Ok(node) = yaml::parse(&file.text) else { continue };
        let accepted = if path.ends_with("import/athlete.yaml") {
            // Complete only with its history; its own fields must still fit.
            true
        } else {
            state::load(program, &file, now()).is_ok()
        };
        if accepted {
            out.push((path.display().to_string(), node));
        }
    }
    // Inline states of protocol test cases and engine cases.
    for dir in ["protocols/tests", "tests/cases"] {
        for path in files(dir, &["yaml"]) {
            let text = std::fs::read_to_string(&path).unwrap();
            let Ok(root) = yaml::parse(&text) else { continue };
            let Some(entry) = root.get("state") else { continue };
            let file = SourceFile::new(path.display().to_string(), text.clone());
            if state::load_node(program, &file, &entry.value, now()).is_ok() {
                out.push((format!("{} (state:)", path.display()), entry.value.clone()));
            }
        }
    }
    out
}

#[test]
fn every_accepted_example_and_test_state_validates() {
    let program = program();
    let v = validator(&program);
    let states = accepted_states(&program);
    assert!(states.len() >= 40, "only {} states found", states.len());
    let mut failures = Vec::new();
    for (name, node) in &states {
        let errs = errors(&v, &schema::yaml_to_json(node));
        if !errs.is_empty() {
            failures.push(format!("{name}: {errs:?}"));
        }
    }
    assert!(failures.is_empty(), "valid states the schema rejects:\n{}", failures.join("\n"));
}

/// What each malformed state in `tests/diagnostics/` must fail on: the
/// JSON pointer of the value and a word the error names. `None` for
/// mistakes a schema cannot see: YAML syntax, an empty or non-UTF-8 file,
/// and checks that need `now`, the time zone rules or the history (a
/// required `last_session` may come from an import).
const MALFORMED: &[(&str, Option<(&str, &str)>)] = &[
    ("state-date-bad-now.yaml", Some(("/now", "28/11/2026"))),
    ("state-date-local-gap.yaml", None),
    ("state-date-local-no-zone.yaml", None),
    ("state-date.yaml", Some(("/last_marathon", "15/11/2026"))),
    ("state-empty.yaml", None),
    ("state-encoding.yaml", None),
    ("state-future.yaml", None),
    ("state-missing-field.yaml", None),
    ("state-range.yaml", Some(("/last_session/duration", "-30"))),
    ("state-requires-malformed.yaml", Some(("/last_session/weight_before", "62,4 kg"))),
    ("state-requires.yaml", Some(("/last_session", "weight_before"))),
    ("state-syntax-colon-group.yaml", Some(("/last_session", "kind:tempo"))),
    ("state-syntax-colon.yaml", None),
    ("state-syntax-tab.yaml", None),
    ("state-syntax.yaml", None),
    ("state-type.yaml", Some(("/last_session/cooled_down", "maybe"))),
    ("state-unit.yaml", Some(("/last_session/duration", "64 ms"))),
    ("state-unknown-enum-value-timezone.yaml", Some(("/athlete/timezone", "Europe/Pari"))),
    ("state-unknown-enum-value.yaml", Some(("/last_session/kind", "longrun"))),
    ("state-unknown-field-level.yaml", Some(("/last_session", "soreness"))),
    ("state-unknown-field.yaml", Some(("/symptoms", "sorenes"))),
];

#[test]
fn each_malformed_state_fails_for_the_right_field() {
    let program = program();
    let v = validator(&program);
    let listed: Vec<&str> = MALFORMED.iter().map(|(f, _)| *f).collect();
    for path in files("tests/diagnostics", &["yaml"]) {
        let name = path.file_name().unwrap().to_str().unwrap();
        if name.starts_with("state-") {
            assert!(listed.contains(&name), "{name}: say what the schema must catch in MALFORMED");
        }
    }
    for (name, expected) in MALFORMED {
        let path = Path::new("tests/diagnostics").join(name);
        let text = std::fs::read(&path).unwrap();
        let node = String::from_utf8(text).ok().and_then(|t| yaml::parse(&t).ok());
        let Some((pointer, word)) = expected else { continue };
        let node = node.unwrap_or_else(|| panic!("{name} does not parse"));
        let errs = errors(&v, &schema::yaml_to_json(&node));
        assert!(
            errs.iter().any(|e| e.starts_with(&format!("{pointer}: ")) && e.contains(word)),
            "{name}: expected an error at {pointer} naming `{word}`, got {errs:?}"
        );
    }
    // Both misplaced fields and the misplaced group are named.
    let node =
        yaml::parse(&std::fs::read_to_string("tests/diagnostics/state-unknown-field-level.yaml").unwrap()).unwrap();
    let errs = errors(&v, &schema::yaml_to_json(&node));
    assert!(errs.iter().any(|e| e.starts_with(": ") && e.contains("kind")), "{errs:?}");
    assert!(errs.iter().any(|e| e.starts_with("/athlete: ") && e.contains("symptoms")), "{errs:?}");
    let range = yaml::parse(&std::fs::read_to_string("tests/diagnostics/state-range.yaml").unwrap()).unwrap();
    let errs = errors(&v, &schema::yaml_to_json(&range));
    assert!(errs.iter().any(|e| e.starts_with("/symptoms/soreness: ") && e.contains("14")), "{errs:?}");
}

#[test]
fn a_coachs_own_facts_are_in_the_schema() {
    let program =
        engine::load(&Selection { no_builtin: false, paths: vec![PathBuf::from("tests/fixtures/coach")] }).unwrap();
    let schema = schema::state_schema(&program);
    let coach_facts: Vec<&str> = program
        .facts
        .iter()
        .map(|f| f.path.as_str())
        .filter(|p| engine::load(&Selection { no_builtin: true, paths: Vec::new() }).unwrap().fact_index(p).is_none())
        .collect();
    assert!(!coach_facts.is_empty(), "the coach fixture declares facts of its own");
    for path in coach_facts {
        let pointer = format!("/properties/{}", path.replace('.', "/properties/"));
        assert!(schema.pointer(&pointer).is_some(), "{path} is not in the schema");
    }
}

#[test]
fn the_history_file_recoup_import_writes_validates() {
    let v = jsonschema::validator_for(&schema::history_schema()).unwrap();
    let (history, _) = recoup::import::import_files(
        &[PathBuf::from("tests/fixtures/import/athlete"), PathBuf::from("tests/fixtures/fit/hrv-activity.fit")],
        None,
        &mut |_, _| {},
    );
    // Folders are walked by `import::files`; here the folder's files.
    let (paths, _) = recoup::import::files(&[PathBuf::from("tests/fixtures/import/athlete")]);
    let (mut all, _) = recoup::import::import_files(&paths, None, &mut |_, _| {});
    all.merge(&history);
    let text = all.to_yaml();
    let node = yaml::parse(&text).unwrap();
    assert!(errors(&v, &schema::yaml_to_json(&node)).is_empty(), "{:?}", errors(&v, &schema::yaml_to_json(&node)));
    let bad = yaml::parse("hrv:\n  - { date: 2026-11-27, rmssd: 900 }\nsessions:\n  - { sport: running }\n").unwrap();
    let errs = errors(&v, &schema::yaml_to_json(&bad));
    assert!(errs.iter().any(|e| e.starts_with("/hrv/0/rmssd: ")), "{errs:?}");
    assert!(errs.iter().any(|e| e.starts_with("/sessions/0: ") && e.contains("start")), "{errs:?}");
}

#[test]
fn init_writes_a_state_that_loads_and_validates() {
    let program = program();
    let at = chrono::DateTime::parse_from_rfc3339("2026-11-28T07:05:00+01:00").unwrap();
    let text = recoup::init::starting_state(&program, "Jo Runner", at);
    let file = SourceFile::new("jo-runner.yaml", text.clone());
    let st = state::load(&program, &file, now()).unwrap_or_else(|e| panic!("{}", e[0].render_plain()));
    assert_eq!(st.athlete_name(&program).as_deref(), Some("Jo Runner"));
    let node = yaml::parse(&text).unwrap();
    assert!(errors(&validator(&program), &schema::yaml_to_json(&node)).is_empty());
    // Every declared field is in it, each with its comment, and every
    // commented-out line, uncommented, is a valid value for its field.
    for fact in &program.facts {
        let field = fact.path.rsplit('.').next().unwrap();
        assert!(text.contains(&format!("{field}: ")), "{} is not in the starting file", fact.path);
    }
    let uncommented: String = text
        .lines()
        .map(|l| {
            let indent = l.len() - l.trim_start().len();
            let body = l.trim_start();
            match body.strip_prefix("# ") {
                Some(rest)
                    if rest.split_once(':').is_some_and(|(key, _)| {
                        !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    }) =>
                {
                    format!("{}{rest}", &l[..indent])
                }
                _ => l.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let file = SourceFile::new("all.yaml", uncommented);
    if let Err(e) = state::load(&program, &file, now()) {
        panic!(
            "the starting file with everything uncommented is rejected:\n{}",
            e.iter().map(|d| d.render_plain()).collect::<String>()
        );
    }
    insta::with_settings!({ snapshot_path => "schema/snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!("init_jo_runner", text);
    });
}

fn recoup(args: &[&str], dir: &Path) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_recoup"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_commands_print_the_schemas_and_init_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, _) = recoup(&["schema"], dir.path());
    assert_eq!(code, 0);
    let state: Json = serde_json::from_str(&out).unwrap();
    assert_eq!(state, schema::state_schema(&program()));
    let (code, out, _) = recoup(&["schema", "--history"], dir.path());
    assert_eq!(code, 0);
    assert_eq!(serde_json::from_str::<Json>(&out).unwrap(), schema::history_schema());

    let (code, out, err) = recoup(&["init", "Jo Runner"], dir.path());
    assert_eq!((code, out.as_str(), err.as_str()), (0, "wrote jo-runner.yaml\n", ""));
    let written = std::fs::read_to_string(dir.path().join("jo-runner.yaml")).unwrap();
    let (code, _, err) = recoup(&["evaluate", "jo-runner.yaml"], dir.path());
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = recoup(&["init", "Jo Runner"], dir.path());
    assert_eq!(code, 2);
    insta::with_settings!({ snapshot_path => "schema/snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!("init_exists", format!("exit: {code}\n--- stdout\n{out}--- stderr\n{err}"));
    });
    assert_eq!(std::fs::read_to_string(dir.path().join("jo-runner.yaml")).unwrap(), written);
}
