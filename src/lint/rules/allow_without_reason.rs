use super::super::registry::Lint;
use crate::diagnostic::Severity;

pub const LINT: Lint = Lint {
    code: "lint::allow-without-reason",
    severity: Severity::Warning,
    summary: "an `# allow(...)` comment that does not say why",
    doc: "What it finds: an allow comment with no reason after the colon, such as `# allow(lint::overlap)`.

Why it matters: an allow silences a finding for good. Without a reason the next coach to edit the file cannot tell an intended overlap from a mistake someone hid.

Example:
    # allow(lint::overlap)
    rule warm { when forecast_temp between 10C and 20C ... }

Fix: add the reason after a colon: `# allow(lint::overlap): 10 °C belongs to both bands on purpose`.",
    check: super::reported_by_allow,
};
