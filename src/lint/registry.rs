//! The lint registry: every lint recoup runs, with a stable code (never
//! renamed, never reused), a default severity and the documentation that
//! `recoup lint --explain CODE` prints. Each lint lives in its own file
//! under `lint/rules/`.

use super::{Context, Finding};
use crate::diagnostic::{Diagnostic, Severity};

pub struct Lint {
    /// `lint::never-fires`
    pub code: &'static str,
    pub severity: Severity,
    /// One line: what the lint finds.
    pub summary: &'static str,
    /// What it finds, why it matters, an example that triggers it and the
    /// fix, as four paragraphs headed `What it finds:`, `Why it matters:`,
    /// `Example:` and `Fix:`.
    pub doc: &'static str,
    pub check: fn(&Context<'_>, &mut Vec<Finding>),
}

impl Lint {
    /// A diagnostic of this lint at its default severity.
    pub fn diagnostic(&self, message: impl Into<String>) -> Diagnostic {
        Diagnostic { severity: self.severity, ..Diagnostic::error(self.code, message) }
    }

    /// The text `--explain` prints.
    pub fn explain(&self) -> String {
        format!("{} ({}): {}\n\n{}\n", self.code, self.severity.name(), self.summary, self.doc.trim())
    }
}

impl std::fmt::Debug for Lint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code)
    }
}

/// Every lint, in the order they run and are listed.
pub const LINTS: &[&Lint] = super::rules::ALL;

pub fn lookup(code: &str) -> Option<&'static Lint> {
    LINTS.iter().copied().find(|l| l.code == code)
}
