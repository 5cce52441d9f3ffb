//! Every reason the shipped protocols give reads as words: run on every
//! example at several moments after it, and on the state of every protocol
//! test case, no reason line may show source text (a name with an
//! underscore, an operator, a builtin's call).

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

const NOWS: &[&str] = &[
    "2026-11-28T08:15:00+01:00",
    "2026-11-28T20:00:00+01:00",
    "2026-11-29T07:00:00+01:00",
    "2026-11-30T07:00:00+01:00",
    "2026-12-03T07:00:00+01:00",
    "2026-12-20T07:00:00+01:00",
];

fn looks_like_source(reason: &str) -> bool {
    let words_with_underscore = reason.split(|c: char| !(c.is_alphanumeric() || c == '_')).any(|w| w.contains('_'));
    let operators = [">=", "<=", "==", "!=", " > ", " < "].iter().any(|op| reason.contains(op));
    let calls = recoup::builtins::BUILTINS.iter().any(|b| reason.contains(&format!("{}(", b.name)));
    words_with_underscore || operators || calls
}

#[test]
fn every_shipped_reason_reads_as_words() {
    let mut examples: Vec<_> = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/examples"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml") && !p.to_string_lossy().contains(".history."))
        .collect();
    examples.sort();
    let mut checked = 0;
    let mut bad = Vec::new();
    for example in &examples {
        for now in NOWS {
            let out = Command::new(env!("CARGO_BIN_EXE_recoup"))
                .args(["evaluate", "--format", "json", "--now", now])
                .arg(example)
                .output()
                .unwrap();
            // A moment before the example's own session is not a state.
            if !out.status.success() {
                continue;
            }
            let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            for rec in report["recommendations"].as_array().unwrap() {
                let conditions = rec["conditions"].as_array().unwrap();
                let reasons = rec["reasons"].as_array().unwrap();
                assert_eq!(conditions.len(), reasons.len(), "one condition per reason in {rec}");
                for (reason, condition) in reasons.iter().zip(conditions) {
                    checked += 1;
                    let reason = reason.as_str().unwrap();
                    if looks_like_source(reason) {
                        bad.push(format!("{} at {now}: {} -> {reason}", example.display(), condition["condition"]));
                    }
                }
            }
        }
    }
    assert!(checked > 100, "only {checked} reasons were checked");
    assert!(bad.is_empty(), "reasons that read as source text:\n{}", bad.join("\n"));
}

/// The state of every case in `protocols/tests`: the situations the
/// protocols were written for, many more than the examples show.
#[test]
fn every_reason_for_a_protocol_test_state_reads_as_words() {
    use recoup::diagnostic::SourceFile;
    use recoup::engine::{self, Selection};
    use recoup::state::{self, NowSource};

    let program = engine::load(&Selection::default()).expect("the shipped protocols load");
    let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/protocols/tests"));
    let mut cases: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().map(|e| e.path()).collect();
    cases.sort();
    let (mut states, mut checked, mut bad) = (0, 0, Vec::new());
    for case in &cases {
        let text = std::fs::read_to_string(case).unwrap();
        let root = recoup::yaml::parse(&text).unwrap();
        let loaded = if let Some(entry) = root.get("state") {
            let file = SourceFile::new(case.display().to_string(), text.as_str());
            state::load_node(&program, &file, &entry.value, NowSource::default())
        } else if let Some(entry) = root.get("state_file") {
            let recoup::yaml::Value::Str(rel) = &entry.value.value else { panic!("{}: state_file", case.display()) };
            let file = state::read_source(&dir.join(rel)).unwrap();
            state::load(&program, &file, NowSource::default())
        } else {
            panic!("{} has no state", case.display())
        };
        let loaded = loaded.unwrap_or_else(|_| panic!("{}: the state does not load", case.display()));
        states += 1;
        let outcome = recoup::eval::evaluate(&program, &loaded.facts);
        let report = recoup::render::report(&program, &outcome, None);
        for rec in &report.recommendations {
            assert_eq!(rec.conditions.len(), rec.reasons.len(), "one condition per reason in {}", rec.rule);
            for (reason, condition) in rec.reasons.iter().zip(&rec.conditions) {
                checked += 1;
                if looks_like_source(reason) {
                    bad.push(format!("{}: {}: {} -> {reason}", case.display(), rec.rule, condition.condition));
                }
            }
        }
    }
    assert!(states > 100 && checked > 300, "only {states} states and {checked} reasons were checked");
    assert!(bad.is_empty(), "reasons that read as source text:\n{}", bad.join("\n"));
}
