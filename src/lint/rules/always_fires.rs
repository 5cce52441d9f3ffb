use super::super::registry::Lint;
use super::super::{Context, Finding};
use crate::diagnostic::Severity;
use crate::eval::Status;

pub const LINT: Lint = Lint {
    code: "lint::always-fires",
    severity: Severity::Warning,
    summary: "a rule whose `when` holds for every allowed value of the facts it reads",
    doc: "What it finds: a `when` that no allowed state makes false: a tautology (`a or not a`), or a range that covers the fact's whole declared range (`humidity between 0% and 100%` on a fact declared `in 0%..100%`). If a fact it reads may be left out, the rule fires whenever that fact is given.

Why it matters: the condition says nothing. Either it is a leftover, or a threshold was meant to narrow it and does not.

Example:
    facts { weather.humidity: percent? in 0%..100% \"relative humidity\" }
    rule humid { when weather.humidity between 0% and 100% ... }

Fix: narrow the condition to the states the advice is for (`weather.humidity >= 80%`), or write `weather.humidity is known` if that is what is meant.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for (index, rule) in cx.program.rules.iter().enumerate() {
        let Some(info) = cx.rules.get(index).filter(|r| r.own) else { continue };
        let (t, f) = &info.when;
        if !f.is_empty() || t.is_empty() {
            continue;
        }
        let optional: Vec<String> = cx
            .slots_of(&rule.when)
            .into_iter()
            .filter(|s| (*s as usize) < cx.program.facts.len() && !cx.universe.always_known(*s))
            .map(|s| format!("`{}`", super::slot_name(cx, s)))
            .collect();
        let message = if optional.is_empty() {
            format!("rule `{}` always fires: its `when` holds in every state", rule.id)
        } else {
            format!("rule `{}` fires whenever {} is given: its `when` is never false", rule.id, optional.join(", "))
        };
        let example = t.first().and_then(|cube| cx.example(cube)).filter(|(e, _)| {
            let outcome = cx.evaluate(e);
            matches!(outcome.rules.get(index).map(|r| &r.status), Some(Status::Fired | Status::Suppressed { .. }))
        });
        let mut help = "narrow the condition to the states the advice is for".to_string();
        if let Some((_, text)) = &example {
            if !text.values.is_empty() {
                help.push_str(&format!("\nexample: with {} the rule fires", text.values));
            }
        }
        let d = cx.at_rule(index, &LINT, message).label(cx.when_span(index), "never false").help(help);
        out.push(Finding { diagnostic: d, example: example.map(|(_, t)| t) });
    }
}
