//! Data-driven evaluation cases: each file in `tests/cases/` holds rule
//! text, a state and the expected outcome of each rule. A new case is a new
//! file; the driver is `recoup test`'s own runner.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use recoup::engine::{self, Selection};
use recoup::protocol_test;

fn run(dir: &str) -> Vec<protocol_test::CaseResult> {
    let program = engine::load(&Selection { no_builtin: true, paths: Vec::new() })
        .unwrap_or_else(|e| panic!("prelude: {}", e.iter().map(|d| d.render_plain()).collect::<String>()));
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(dir);
    protocol_test::run(&program, &[dir])
        .unwrap_or_else(|e| panic!("cases could not run:\n{}", e.iter().map(|d| d.render_plain()).collect::<String>()))
}

/// A case that could not run fails here with its diagnostics.
fn could_not_run(results: &[protocol_test::CaseResult]) -> String {
    protocol_test::errors(results).iter().map(|d| d.render_plain()).collect()
}

#[test]
fn every_engine_case_holds() {
    let results = run("tests/cases");
    assert!(results.len() >= 9, "expected the engine cases, found {}", results.len());
    assert!(results.iter().all(|r| r.errors.is_empty()), "{}", could_not_run(&results));
    let failed: Vec<_> = results.iter().filter(|r| !r.failures.is_empty()).collect();
    assert!(failed.is_empty(), "{}", protocol_test::to_text(&results));
}

#[test]
fn advice_shows_enum_values_as_their_words() {
    let prelude = engine::shipped().iter().find(|(n, _)| *n == engine::PRELUDE).unwrap().1;
    let rules = "protocol t \"T\" { rule r { when count(symptoms.tight_areas) > 0 \
                 advise \"Roll your {symptoms.tight_areas} after your {last_session.kind}.\" priority low timing today } }";
    let program = engine::compile(vec![
        (recoup::diagnostic::SourceFile::new("prelude.rules", prelude), true),
        (recoup::diagnostic::SourceFile::new("t.rules", rules), false),
    ])
    .unwrap();
    let state =
        "now: 2026-11-28T08:00:00+01:00\nlast_session: { kind: intervals, ended_at: 2026-11-28T07:00:00+01:00 }\n\
                 symptoms: { tight_areas: [it_band, hip_flexors, calves] }\n";
    let file = recoup::diagnostic::SourceFile::new("s.yaml", state);
    let st = recoup::state::load(&program, &file, recoup::state::NowSource::default()).unwrap();
    let outcome = recoup::eval::evaluate(&program, &st.facts);
    let report = recoup::render::report(&program, &outcome, None);
    assert_eq!(
        report.recommendations[0].advice,
        "Roll your IT band, hip flexors and calves after your interval session."
    );
}
