//! Every diagnostic, as a coach sees it: each file in `tests/diagnostics/`
//! is a broken rule file, state file or protocol test case, and its rendered
//! diagnostics are pinned by a snapshot. A test also checks that every code
//! recoup can emit is shown by at least one fixture.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::Path;

use recoup::diagnostic::{Diagnostic, SourceFile, CODES};
use recoup::engine::{self, Selection};
use recoup::{protocol_test, state};

const DIR: &str = "tests/diagnostics";

/// Codes no fixture file can show: I/O and command-line problems are pinned
/// by the CLI tests, and an internal error is a bug with no input to show it.
/// Import diagnostics are pinned by `tests/import.rs`.
const SHOWN_ELSEWHERE: &[&str] = &[
    "recoup::io",
    "recoup::internal",
    "cli::no-input",
    "import::fit",
    "import::csv",
    "import::unknown",
    "import::history",
    "cli::unknown-lint",
    // Needs more than fifty diagnostics in one file: `tests/bad_inputs.rs`.
    "recoup::too-many",
    // Needs more than a thousand enum values: `tests/bad_inputs.rs`.
    "check::too-many-values",
    // Needs more than 4,000 readings: `tests/bad_inputs.rs`.
    "state::too-many-readings",
    // Devices, pipes and files over their limit: `tests/bad_inputs/files.rs`.
    "recoup::not-a-file",
    "recoup::too-large",
    // A link out of a walked folder: `tests/bad_inputs/files.rs`.
    "recoup::outside",
];

fn prelude_only() -> recoup::program::Program {
    engine::load(&Selection { no_builtin: true, paths: Vec::new() }).expect("the prelude checks")
}

/// The diagnostics a fixture produces; every fixture must produce some.
fn diagnose(path: &Path) -> Vec<Diagnostic> {
    let name = path.to_string_lossy().into_owned();
    let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    if file_name.ends_with(".rules") {
        let text = std::fs::read_to_string(path).expect("fixture is readable");
        let prelude = engine::shipped().iter().find(|(n, _)| *n == engine::PRELUDE).expect("prelude").1;
        let sources = vec![(SourceFile::shipped(engine::PRELUDE, prelude), true), (SourceFile::new(name, text), false)];
        engine::compile(sources).err().unwrap_or_default()
    } else if file_name.starts_with("test-") {
        protocol_test::run(&prelude_only(), &[path.to_path_buf()])
            .map_or_else(|errors| errors, |results| protocol_test::errors(&results))
    } else {
        let program = prelude_only();
        match state::read_source(path) {
            Err(d) => vec![d],
            Ok(file) => state::load(&program, &file, state::NowSource::default()).err().unwrap_or_default(),
        }
    }
}

fn fixtures() -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(DIR)
        .expect("fixture folder")
        .flatten()
        .map(|e| Path::new(DIR).join(e.file_name()))
        .filter(|p| p.extension().is_some_and(|x| x == "rules" || x == "yaml"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_diagnostic_renders_as_pinned() {
    for path in fixtures() {
        let diagnostics = diagnose(&path);
        assert!(!diagnostics.is_empty(), "{} produced no diagnostic", path.display());
        let mut rendered = String::new();
        for d in &diagnostics {
            assert!(d.help.is_some(), "{}: `{}` has no help", path.display(), d.code);
            rendered.push_str(&d.render_plain());
            rendered.push('\n');
        }
        let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
        insta::with_settings!({ snapshot_path => "diagnostics/snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!(name, rendered);
        });
    }
}

#[test]
fn every_code_is_shown_by_a_fixture() {
    let mut shown = BTreeSet::new();
    for path in fixtures() {
        for d in diagnose(&path) {
            // Every diagnostic from a file points into it.
            assert!(d.file.is_some() && !d.labels.is_empty(), "{}: `{}` has no labelled span", path.display(), d.code);
            shown.insert(d.code);
        }
    }
    let missing: Vec<&str> =
        CODES.iter().map(|(c, _)| *c).filter(|c| !shown.contains(c) && !SHOWN_ELSEWHERE.contains(c)).collect();
    assert!(missing.is_empty(), "codes with no fixture in {DIR}: {missing:?}");
}
