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

#[test]
fn every_engine_case_holds() {
    let results = run("tests/cases");
    assert!(results.len() >= 9, "expected the engine cases, found {}", results.len());
    let failed: Vec<_> = results.iter().filter(|r| !r.failures.is_empty()).collect();
    assert!(failed.is_empty(), "{}", protocol_test::to_text(&results));
}
