//! recoup: a rule engine with a declarative protocol language for running
//! coaches' recovery advice.
//!
//! Data flows one way: text → [`parser`] (AST, [`ast`]) → [`check`] (a
//! [`program::Program`]) → [`eval`] against a [`state::State`] → an
//! [`eval::Outcome`] → [`render`] (text, JSON, Markdown).

pub mod ast;
pub mod batch;
pub mod builtins;
pub mod check;
pub mod diagnostic;
pub mod engine;
pub mod eval;
pub mod format;
pub mod import;
pub mod init;
pub mod lint;
pub mod lsp;
pub mod parser;
pub mod program;
pub mod protocol_test;
pub mod reference;
pub mod render;
pub mod report;
pub mod schema;
pub mod state;
pub mod units;
pub mod value;
pub mod yaml;
