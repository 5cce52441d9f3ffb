use super::super::registry::Lint;
use crate::diagnostic::Severity;

pub const LINT: Lint = Lint {
    code: "lint::unused-allow",
    severity: Severity::Warning,
    summary: "an `# allow(...)` comment that silences nothing",
    doc: "What it finds: an allow comment for a lint that reports nothing on the rule, fact or protocol the comment belongs to.

Why it matters: the finding it was written for is gone (the rule was fixed or moved). A stale allow would silently hide a new finding of the same kind later.

Example:
    # allow(lint::gap): nothing to advise between 10 and 12 °C
    rule mild { when forecast_temp between 10C and 20C ... }   # no gap any more

Fix: remove the comment.",
    check: super::reported_by_allow,
};
