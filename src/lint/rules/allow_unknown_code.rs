use super::super::registry::Lint;
use crate::diagnostic::Severity;

pub const LINT: Lint = Lint {
    code: "lint::allow-unknown-code",
    severity: Severity::Error,
    summary: "an `# allow(...)` comment that names no lint",
    doc: "What it finds: an allow comment whose code is not a lint, such as `# allow(lint::overlaps): ...`.

Why it matters: a misspelt code silences nothing, so the finding it was meant for still shows (or, worse, the coach believes a finding is handled that is not).

Example:
    # allow(lint::overlaps): the bands share 10 °C on purpose
    rule warm { ... }

Fix: write the code as `recoup lint --explain` lists it (`lint::overlap`).",
    check: super::reported_by_allow,
};
