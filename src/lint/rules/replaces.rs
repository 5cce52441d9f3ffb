use super::super::registry::Lint;
use super::super::{Context, Finding};
use crate::diagnostic::Severity;

pub const LINT: Lint = Lint {
    code: "lint::replaces",
    severity: Severity::Note,
    summary: "a coach's rule that replaces a shipped rule",
    doc: "What it finds: a rule in the coach's files with the same id as a shipped rule (`protocol.rule`). The coach's rule is used and the shipped one is dropped.

Why it matters: replacing is how a coach adjusts the shipped guide, so this is not a problem; the note makes the replacement visible in review, where a coincidental id would otherwise hide a shipped rule.

Example:
    protocol heat \"Heat\" {
      rule bath_after_hard { ... }   # replaces heat.bath_after_hard
    }

Fix: nothing, if intended. Otherwise rename the rule.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let shipped = super::shipped_rule_ids(cx);
    for (index, rule) in cx.program.rules.iter().enumerate() {
        if cx.rules.get(index).is_some_and(|r| r.own) && shipped.iter().any(|(id, _)| *id == rule.id) {
            let d = cx
                .at_rule(index, &LINT, format!("replaces the shipped rule `{}`", rule.id))
                .label(cx.rule_id_span(index), "used instead of the shipped rule")
                .help("a rule with a shipped rule's id replaces it; rename the rule to add advice instead");
            out.push(Finding::from(d));
        }
    }
}
