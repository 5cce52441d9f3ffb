//! The shipped protocols: they check clean, every protocol test case under
//! `protocols/tests/` holds, and every rule is shown firing by one case and
//! not firing by another.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use recoup::engine::{self, Selection};
use recoup::protocol_test;

fn shipped() -> recoup::program::Program {
    engine::load(&Selection::default())
        .unwrap_or_else(|e| panic!("{}", e.iter().map(|d| d.render_plain()).collect::<String>()))
}

fn results(program: &recoup::program::Program) -> Vec<protocol_test::CaseResult> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("protocols/tests");
    protocol_test::run(program, &[dir])
        .unwrap_or_else(|e| panic!("cases could not run:\n{}", e.iter().map(|d| d.render_plain()).collect::<String>()))
}

/// A case that could not run fails here with its diagnostics.
fn could_not_run(results: &[protocol_test::CaseResult]) -> String {
    protocol_test::errors(results).iter().map(|d| d.render_plain()).collect()
}

#[test]
fn every_protocol_case_holds() {
    let program = shipped();
    let results = results(&program);
    assert!(results.iter().all(|r| r.errors.is_empty()), "{}", could_not_run(&results));
    assert!(results.iter().all(|r| r.failures.is_empty()), "{}", protocol_test::to_text(&results));
}

#[test]
fn every_rule_is_shown_firing_and_not_firing() {
    let program = shipped();
    let results = results(&program);
    // The report covers the protocols under test: every shipped one must be.
    let under = protocol_test::protocols_under_test(&program, &results);
    let untested: Vec<&str> =
        program.protocols.iter().zip(&under).filter(|(_, u)| !**u).map(|(p, _)| p.id.as_str()).collect();
    assert!(untested.is_empty(), "protocols no case names a rule of: {untested:?}");
    let (never_fires, never_quiet) = protocol_test::coverage_gaps(&program, &results);
    assert!(never_fires.is_empty(), "rules no case shows firing: {never_fires:?}");
    assert!(never_quiet.is_empty(), "rules no case shows not firing: {never_quiet:?}");
}

#[test]
fn every_example_state_is_valid() {
    let program = shipped();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut count = 0;
    for entry in std::fs::read_dir(dir).expect("examples/").flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let file = recoup::state::read_source(&path).expect("readable");
            let loaded = recoup::state::load(&program, &file, recoup::state::NowSource::default());
            assert!(loaded.is_ok(), "{} is rejected", path.display());
            count += 1;
        }
    }
    assert!(count >= 6, "expected the example mornings, found {count}");
}
