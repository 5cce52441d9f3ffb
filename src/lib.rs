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
//! Inside, data flows one way: text → [`parser`] (AST, [`ast`]) → [`check`]
//! (a [`program::Program`]) → [`eval`] against a [`state::State`] → an
//! [`eval::Outcome`] → [`render`] (text, JSON, Markdown). Those modules are
//! public for the command line and the tests; the items above are the
//! supported way in.

// Library and command-line code never panics on input: no `unwrap`,
// `expect`, `panic!` or indexing that can go out of bounds. Tests are exempt
// (clippy.toml); integration tests and benches keep the crate-wide warning.
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
        // Items that only the command line, the tests or the platform's
        // batch entry use look dead to the compiler in a build without
        // them; they are not (and, public before, were never checked).
        #[allow(dead_code, unused_imports)]
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

pub use crate::api::{Compiler, Evaluation, StateBuilder};
pub use crate::diagnostic::Diagnostic;
pub use crate::eval::Outcome;
pub use crate::program::Program;
pub use crate::render::Report;
pub use crate::state::{NowSource, State};
