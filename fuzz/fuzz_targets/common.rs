//! What the fuzz targets share: the prelude, the shipped program, linting as
//! `recoup lint` does, and the checks every target makes.

#![allow(dead_code)]

use std::sync::{Arc, OnceLock};

use recoup::diagnostic::{Diagnostic, SourceFile};
use recoup::lint::{self, Config, Finding};
use recoup::{engine, Compiler, Program};

/// Output may be at most this many times the input, plus `SLACK` bytes (what
/// does not depend on the input: frames, help, the list of missing facts).
pub const FACTOR: usize = 64;
pub const SLACK: usize = 64 * 1024;

pub fn prelude() -> Arc<SourceFile> {
    let (name, text) = engine::shipped().iter().find(|(n, _)| *n == engine::PRELUDE).expect("the prelude ships");
    SourceFile::new(format!("<shipped>/{name}"), *text)
}

/// Every shipped protocol, compiled once per fuzzing process.
pub fn shipped() -> &'static Program {
    static PROGRAM: OnceLock<Program> = OnceLock::new();
    PROGRAM.get_or_init(|| Compiler::new().compile().expect("the shipped protocols compile"))
}

/// Parse, check and lint `text` with the prelude, on the library's large
/// stack, as `recoup lint --no-builtin FILE` does (the other shipped
/// protocols are left out to keep each run fast).
pub fn lint(text: &str) -> Vec<Finding> {
    let sources = vec![(prelude(), true), (SourceFile::new("input.rules", text), false)];
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
