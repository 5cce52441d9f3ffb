//! The recoup rule-file grammar for the `tree-sitter` crate, and its
//! highlight queries.

use tree_sitter_language::LanguageFn;

extern "C" {
    fn tree_sitter_recoup() -> *const ();
}

/// The grammar: `tree_sitter::Language::new(LANGUAGE)` or `.into()`.
// SAFETY: `tree_sitter_recoup` is the generated parser's entry point; it
// takes nothing and returns a pointer to static data.
pub const LANGUAGE: LanguageFn = unsafe { LanguageFn::from_raw(tree_sitter_recoup) };

/// `queries/highlights.scm`: which node gets which colour.
pub const HIGHLIGHTS_QUERY: &str = include_str!("../../queries/highlights.scm");
