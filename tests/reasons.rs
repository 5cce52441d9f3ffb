//! Every reason the shipped protocols give reads as words: run on every
//! example at several moments after it, no reason line may show source
//! text (a name with an underscore, an operator, a function call).

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
    let calls = ["count(", "since(", "days_since(", "months_since(", "mean_last(", "streak(", "slope("]
        .iter()
        .any(|c| reason.contains(c));
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
