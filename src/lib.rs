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

mod api;
pub mod ast;
pub mod batch;
pub mod builtins;
pub mod cap;
pub mod check;
pub mod diagnostic;
pub mod engine;
pub mod eval;
pub mod files;
pub mod format;
pub mod import;
pub mod init;
pub mod line_index;
pub mod lint;
#[cfg(feature = "cli")]
pub mod lsp;
pub mod parser;
pub mod program;
pub mod protocol_test;
pub mod reference;
pub mod render;
#[cfg(feature = "cli")]
pub mod report;
pub mod scan;
pub mod schema;
pub mod snippet;
pub mod state;
pub mod terminal;
pub mod timeline;
pub mod units;
pub mod value;
pub mod yaml;

pub use api::{Compiler, Evaluation, StateBuilder};
pub use diagnostic::Diagnostic;
pub use eval::Outcome;
pub use program::Program;
pub use render::Report;
pub use state::State;
