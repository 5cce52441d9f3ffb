//! What the fuzz targets share: the prelude, the shipped program, linting as
//! `recoup lint` does (with the shipped protocols), and the checks every
//! target makes.

#![allow(dead_code)]

use std::sync::OnceLock;

use recoup::diagnostic::{Diagnostic, SourceFile};
use recoup::lint::{self, Config, Finding};
use recoup::engine::{self, Selection};
use recoup::{Compiler, Program};

/// Output may be at most this many times the input, plus `SLACK` bytes (what
/// does not depend on the input: frames, help, the list of missing facts).
pub const FACTOR: usize = 64;
pub const SLACK: usize = 64 * 1024;

/// How much rule text `lint` reads besides the input: every shipped file.
/// A finding may be about a shipped rule the input meets (a conflict over a
/// tag with each rule against it), so the lint output is bounded by the
/// input and this together.
pub fn shipped_bytes() -> usize {
    engine::shipped().iter().map(|(_, text)| text.len()).sum()
}

/// Every shipped protocol, compiled once per fuzzing process.
pub fn shipped() -> &'static Program {
    static PROGRAM: OnceLock<Program> = OnceLock::new();
    PROGRAM.get_or_init(|| Compiler::new().compile().expect("the shipped protocols compile"))
}

/// Parse, check and lint `text` as `recoup lint FILE` does: with the
/// prelude and every shipped protocol (`engine::sources_with`, as the CLI
/// loads them), so a fuzzed file meets real rules (its defines and ids
/// against theirs, `suppresses` naming them, the lints over all of them), on
/// the library's large stack.
pub fn lint(text: &str) -> Vec<Finding> {
    let sources = engine::sources_with(&Selection::default(), vec![SourceFile::new("input.rules", text)]);
    lint::lint_sources(sources, &Config::default())
}

/// A `recoup::internal` diagnostic is a bug: crash so libFuzzer keeps the input.
pub fn assert_no_internal<'d>(diagnostics: impl IntoIterator<Item = &'d Diagnostic>) {
    for d in diagnostics {
        assert_ne!(d.code, "recoup::internal", "internal error:\n{}", d.render_plain());
    }
}

/// Render every diagnostic as the CLI does (with and without colour).
pub fn render_all<'d>(diagnostics: impl IntoIterator<Item = &'d Diagnostic>) -> usize {
    diagnostics.into_iter().map(|d| d.render(false).len() + d.render(true).len()).sum()
}

pub fn assert_bounded(output: usize, input: usize, what: &str) {
    assert!(output <= FACTOR * input + SLACK, "{what}: {output} bytes of output from {input} bytes of input");
}
