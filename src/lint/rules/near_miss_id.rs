use super::super::registry::Lint;
use super::super::{Context, Finding};
use crate::diagnostic::Severity;

pub const LINT: Lint = Lint {
    code: "lint::near-miss-id",
    severity: Severity::Warning,
    summary: "a coach's rule in a shipped protocol whose id is one edit away from a shipped rule's",
    doc: "What it finds: a rule the coach adds to a shipped protocol whose name differs from a shipped rule's by one letter (added, removed or changed), such as `heat.bath_after_hrad` next to the shipped `heat.bath_after_hard`.

Why it matters: a rule replaces a shipped one only when the ids match exactly. A typo adds a second rule, so the athlete gets both the shipped advice and the coach's.

Example:
    protocol heat \"Heat\" {
      rule bath_after_hrad { ... }
    }

Fix: spell the id as the shipped rule's (`bath_after_hard`) to replace it, or choose a clearly different name to add a rule.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let shipped = super::shipped_rule_ids(cx);
    for (index, rule) in cx.program.rules.iter().enumerate() {
        if !cx.rules.get(index).is_some_and(|r| r.own) || shipped.iter().any(|(id, _)| *id == rule.id) {
            continue;
        }
        let Some((protocol, name)) = rule.id.split_once('.') else { continue };
        let near = shipped.iter().find(|(id, _)| {
            id.split_once('.').is_some_and(|(p, n)| p == protocol && strsim::levenshtein(n, name) == 1)
        });
        let Some((near, _)) = near else { continue };
        let near_name = near.split_once('.').map_or("", |(_, n)| n);
        let span = cx.rule_id_span(index);
        let d = cx
            .at_rule(index, &LINT, format!("rule `{}` is one letter away from the shipped rule `{near}`", rule.id))
            .label(span, "adds a rule next to the shipped one")
            .help(format!(
                "to replace the shipped rule, name it `{near_name}`; to add a rule, choose a clearly different name"
            ))
            .with_fix(span, near_name);
        out.push(Finding::from(d));
    }
}
