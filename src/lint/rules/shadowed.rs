use super::super::registry::Lint;
use super::super::{domain::Cell, Context, Finding};
use crate::diagnostic::Severity;
use crate::eval::{Status, SuppressReason};

pub const LINT: Lint = Lint {
    code: "lint::shadowed",
    severity: Severity::Warning,
    summary: "whenever a rule fires, a rule that suppresses it fires too, so it never shows",
    doc: "What it finds: a rule `r` and a rule `s` that says `suppresses r`, where every state that makes `r`'s `when` hold also makes `s`'s hold. `r` can fire, but it is always suppressed.

Why it matters: the advice of `r` is never shown. Usually `s`'s condition was meant to be narrower, or `r` is left over from an earlier version.

Example:
    rule short_sleep { when sleep.last_night < 7h ... }
    rule very_short { when sleep.last_night < 8h ... suppresses short_sleep }

Fix: narrow the suppressing rule's `when`, drop the `suppresses`, or remove the shadowed rule.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let rules = &cx.program.rules;
    for (r, rule) in rules.iter().enumerate() {
        let Some(info) = cx.rules.get(r).filter(|i| i.own) else { continue };
        let t_r = &info.when.0;
        if t_r.is_empty() {
            continue;
        }
        for &s in &rule.suppressed_by {
            let Some(sup) = rules.get(s) else { continue };
            // A suppressed or out-voted rule suppresses nothing, so the
            // suppressor must be one that always shows when it fires.
            if !sup.suppressed_by.is_empty()
                || !sup.for_tags.is_empty()
                || !sup.against_tags.is_empty()
                || sup.unless.is_some()
            {
                continue;
            }
            let Some(s_info) = cx.rules.get(s) else { continue };
            let (_, f_s, exact) = cx.universe.truth_exact(&sup.when);
            if !exact || !cx.universe.and(t_r, &f_s).is_empty() {
                continue;
            }
            // ... and never unknown where `r` fires.
            let decided = cx.slots_of(&sup.when).iter().all(|slot| {
                cx.universe.always_known(*slot)
                    || cx.universe.define(*slot).is_some_and(|d| d.ty == crate::value::Ty::Bool)
                    || t_r.iter().all(|c| c.cells.get(slot).is_some_and(|cell| *cell != Cell::Missing))
            });
            let _ = s_info;
            if !decided {
                continue;
            }
            let Some((example, text)) = t_r.first().and_then(|c| cx.example(c)) else { continue };
            let outcome = cx.evaluate(&example);
            let confirmed = matches!(outcome.rules.get(r).map(|o| &o.status),
                Some(Status::Suppressed { by, reason: SuppressReason::Declared }) if *by == s);
            if !confirmed {
                continue;
            }
            let d = cx
                .at_rule(r, &LINT, format!("rule `{}` never shows: whenever it fires, `{}` fires and suppresses it", rule.id, sup.id))
                .label(cx.rule_id_span(r), "always suppressed")
                .help(format!(
                    "narrow the `when` of `{}`, drop its `suppresses`, or remove this rule\nexample: with {} this rule is suppressed by `{}`",
                    sup.id, text.values, sup.id
                ));
            out.push(Finding { diagnostic: d, example: Some(text) });
        }
    }
}
