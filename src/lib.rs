//! recoup: a rule engine with a declarative protocol language for running
//! coaches' recovery advice.
//!
//! To embed it, start at [`Compiler`]: compile protocols once into a
//! [`Program`] (immutable, `Send + Sync`), read each athlete's data into a
//! [`State`] ([`Program::state_from_json`], [`Program::state_from_text`],
//! [`Program::state_builder`]), and [`Program::evaluate`] it into an
//! [`Evaluation`]: the recommended rule ids, every rule's [`Outcome`], and a
//! [`Report`] to render as text, Markdown or JSON.
//!
//! ```
//! let program = recoup::Compiler::new().compile().map_err(|e| format!("{e:?}"))?;
//! let state = program
//!     .state_from_json(&serde_json::json!({
//!         "now": "2026-11-28T08:15:00+01:00",
//!         "last_session": { "kind": "long_run", "ended_at": "2026-11-28T07:40:00+01:00" }
//!     }))
//!     .map_err(|e| format!("{e:?}"))?;
//! for id in program.evaluate(&state).recommended_ids() {
//!     println!("{id}");
//! }
//! # Ok::<(), String>(())
//! ```
//!
//! # What is public
//!
//! The supported API is what this page lists: [`Compiler`], [`Program`]
//! (with [`Scratch`] for evaluating many states), [`State`] and
//! [`StateBuilder`], [`Evaluation`] and [`Outcome`], the
//! [`Report`] with the types it is made of ([`Recommendation`],
//! [`HeldCondition`], [`Suppressed`], [`MissingGroup`], [`Audience`]),
//! [`Diagnostic`] and its [`Severity`]; [`batch`] for a platform that
//! evaluates many states (JSON Lines in, JSON Lines out), with
//! [`NowSource`]; and, with the `cli` feature, `cli::run`, the whole
//! command line.
//!
//! A platform evaluates many states at once with [`batch`]: JSON Lines in,
//! one JSON line out per state, in input order, on every core; a bad line
//! becomes an error line and the rest go on.
//!
//! ```
//! use recoup::batch::{run_lines, Options};
//!
//! let program = recoup::Compiler::new().compile().map_err(|e| format!("{e:?}"))?;
//! let input = concat!(
//!     r#"{"now": "2026-11-28T08:15:00+01:00", "#,
//!     r#""last_session": {"kind": "long_run", "ended_at": "2026-11-28T07:40:00+01:00"}}"#,
//!     "\n",
//!     "not a state\n",
//! );
//! let mut out = Vec::new();
//! let options = Options { jobs: 2, now: recoup::NowSource::default() };
//! let summary = run_lines(&program, input.as_bytes(), &mut out, options, |_| {}).map_err(|e| e.to_string())?;
//! assert_eq!((summary.states, summary.rejected), (2, 1));
//! let lines: Vec<&str> = std::str::from_utf8(&out).map_err(|e| e.to_string())?.lines().collect();
//! assert!(lines[0].contains("nutrition."));
//! assert!(lines[1].starts_with(r#"{"line":2,"error""#));
//! # Ok::<(), String>(())
//! ```
//!
//! # Features
//!
//! - `cli` (default): the command line and what only it needs (clap,
//!   progress bars, the language server, the report page, atomic file
//!   writes, the FIT and CSV importers, miette's terminal-aware renderer).
//!   A library user turns it off: `recoup = { version = "0.1",
//!   default-features = false }`.
//! - `internals` (hidden, not for library users): the internal modules
//!   become public (hidden from these docs), for this crate's own tests,
//!   benches and fuzz targets, which test the parts one at a time.
//!   `Cargo.toml` turns it on for them with a dev-dependency of the crate on
//!   itself, so the plain `cargo test` needs no flag. Nothing reached
//!   through it is a supported interface.
//!
//! Inside, data flows one way: text → parser (an AST) → checker (a
//! [`Program`]) → evaluation against a [`State`] → an [`Outcome`] → render
//! (a [`Report`] as text, JSON or Markdown); the README's "Modules" section
//! walks through them.

// Library and command-line code never panics on input: no `unwrap`,
// `expect`, `panic!` or indexing that can go out of bounds. Tests are exempt
// (clippy.toml); integration tests and benches keep the crate-wide warning.
#![warn(missing_docs)]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

// The parser pest derives names `alloc::boxed::Box` (pest without `std`: see
// Cargo.toml).
extern crate alloc;

/// Declares the crate's internal modules: `pub(crate)` for a library user,
/// who sees only the supported API below; public but hidden from the docs
/// under the non-default `internals` feature, which this crate's own tests,
/// benches and fuzz targets turn on (a dev-dependency of the crate on
/// itself, see `Cargo.toml`) to test the parts one at a time. Nothing
/// reached through `internals` is a supported interface.
macro_rules! internal_modules {
    ($($(#[$attr:meta])* $name:ident),* $(,)?) => {$(
        $(#[$attr])*
        #[cfg(feature = "internals")]
        #[doc(hidden)]
        pub mod $name;
        $(#[$attr])*
        #[cfg(not(feature = "internals"))]
        // A library-only build (no `cli`) leaves the items only the command
        // line uses dead; the default build, which CI lints, checks them all.
        #[cfg_attr(not(feature = "cli"), allow(dead_code, unused_imports))]
        pub(crate) mod $name;
    )*};
}

mod api;
pub mod batch;
#[cfg(feature = "cli")]
pub mod cli;

internal_modules! {
    ast,
    builtins,
    cap,
    check,
    decision,
    diagnostic,
    engine,
    eval,
    fact_schema,
    files,
    #[cfg(feature = "cli")]
    format,
    #[cfg(feature = "cli")]
    import,
    #[cfg(feature = "cli")]
    init,
    line_index,
    #[cfg(feature = "cli")]
    lint,
    #[cfg(feature = "cli")]
    lsp,
    parser,
    program,
    #[cfg(feature = "cli")]
    protocol_test,
    #[cfg(feature = "cli")]
    reference,
    render,
    #[cfg(feature = "cli")]
    report,
    scan,
    #[cfg(feature = "cli")]
    schema,
    snippet,
    state,
    terminal,
    #[cfg(feature = "cli")]
    timeline,
    units,
    value,
    yaml,
}

pub use crate::api::{Compiler, Evaluation, Scratch, StateBuilder};
pub use crate::diagnostic::Diagnostic;
pub use crate::diagnostic::Severity;
pub use crate::eval::Outcome;
pub use crate::program::Program;
pub use crate::render::{Audience, HeldCondition, MissingGroup, Recommendation, Report, Suppressed};
pub use crate::state::{NowSource, State};
