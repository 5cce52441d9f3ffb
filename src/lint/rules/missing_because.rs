use super::super::registry::Lint;
use super::super::{Context, Finding};
use crate::ast::Clause;
use crate::diagnostic::Severity;

pub const LINT: Lint = Lint {
    code: "lint::missing-because",
    severity: Severity::Note,
    summary: "a rule with no `because`",
    doc: "What it finds: a rule that advises without saying why.

Why it matters: athletes follow advice they understand. The `because` is shown under every recommendation; without it the athlete sees an order.

Example:
    rule walk_it_off {
      when since_session < 15min
      advise \"Walk for 5 minutes.\"
      priority high
      timing now
    }

Fix: add `because \"...\"`: the reason in the athlete's words.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for (index, info) in cx.rules.iter().enumerate() {
        let Some(ast) = info.ast.filter(|_| info.own) else { continue };
        if ast.clauses.iter().any(|c| matches!(c, Clause::Because(_))) {
            continue;
        }
        let id = cx.program.rules.get(index).map_or("", |r| r.id.as_str());
        let d = cx
            .at_rule(index, &LINT, format!("rule `{id}` does not say why"))
            .label(ast.id.span, "no `because`")
            .help("add `because \"...\"` with the reason, in the athlete's words");
        out.push(Finding::from(d));
    }
}
