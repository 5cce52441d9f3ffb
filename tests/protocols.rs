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

#[test]
fn every_protocol_case_holds() {
    let program = shipped();
    let results = results(&program);
    assert!(results.iter().all(|r| r.failures.is_empty()), "{}", protocol_test::to_text(&results));
}

#[test]
fn every_rule_is_shown_firing_and_not_firing() {
    let program = shipped();
    let (never_fires, never_quiet) = protocol_test::coverage_gaps(&program, &results(&program));
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
