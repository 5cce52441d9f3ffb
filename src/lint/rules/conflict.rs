use super::super::registry::Lint;
use super::super::{Context, Finding};
use crate::diagnostic::Severity;
use crate::eval::{Status, SuppressReason};

pub const LINT: Lint = Lint {
    code: "lint::conflict",
    severity: Severity::Warning,
    summary: "a rule `for x` and a rule `against x` can fire together and neither suppresses the other",
    doc: "What it finds: two rules, one `for x` and one `against x`, that some allowed state makes fire together, with no `suppresses` between them. The example state is confirmed by evaluating it: there the run-time policy has to pick a winner.

Why it matters: the policy decides silently (the higher priority wins, and at equal priority `against`), so the athlete sees one piece of advice and the coach never chose which. The coach should decide in the file.

Example:
    rule hard_ok   { when hrv_now >= hrv_base ... for hard_training }
    rule take_easy { when symptoms.soreness >= 5 ... against hard_training }

Fix: add `suppresses take_easy` to the rule that should win, or narrow one `when` (`and symptoms.soreness < 5`) so they cannot fire together.",
    check,
};

/// How many pairs of boxes to try for one pair of rules.
const TRIES: usize = 256;

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let rules = &cx.program.rules;
    // Only pairs that share a tag, one `for` and one `against`, can
    // conflict: index the `against` side by tag instead of trying all pairs.
    let mut against: std::collections::HashMap<&str, Vec<usize>> = std::collections::HashMap::new();
    for (b, rb) in rules.iter().enumerate() {
        for tag in &rb.against_tags {
            against.entry(tag.as_str()).or_default().push(b);
        }
    }
    for (a, ra) in rules.iter().enumerate() {
        let mut candidates: Vec<usize> =
            ra.for_tags.iter().flat_map(|t| against.get(t.as_str()).into_iter().flatten().copied()).collect();
        candidates.sort_unstable();
        candidates.dedup();
        for b in candidates {
            let Some(rb) = rules.get(b) else { continue };
            let Some(tag) = ra.for_tags.iter().find(|t| rb.against_tags.contains(t)) else { continue };
            let own = |r: usize| cx.rules.get(r).is_some_and(|i| i.own);
            if a == b || !(own(a) || own(b)) || ra.suppresses.contains(&b) || rb.suppresses.contains(&a) {
                continue;
            }
            let (Some(ia), Some(ib)) = (cx.rules.get(a), cx.rules.get(b)) else { continue };
            let cubes = ia.when.0.iter().flat_map(|x| ib.when.0.iter().map(move |y| (x, y))).take(TRIES);
            let found = cubes.filter_map(|(x, y)| cx.universe.meet(x, y)).find_map(|cube| {
                let (example, text) = cx.example(&cube)?;
                let outcome = cx.evaluate(&example);
                let lost = |r: usize| {
                    matches!(outcome.rules.get(r).map(|o| &o.status),
                        Some(Status::Suppressed { reason: SuppressReason::Conflict { tag: t }, .. })
                            if t.name(cx.program) == tag)
                };
                (lost(a) || lost(b)).then_some(text)
            });
            let Some(text) = found else { continue };
            // At the coach's rule (the later one if both are).
            let at = if own(b) { b } else { a };
            let other = if at == a { b } else { a };
            let side = |r: usize| if r == a { "for" } else { "against" };
            let other_id = rules.get(other).map_or("", |r| r.id.as_str());
            let at_id = rules.get(at).map_or("", |r| r.id.as_str());
            let mut d = cx
                .at_rule(
                    at,
                    &LINT,
                    format!(
                        "rules `{at_id}` ({} {tag}) and `{other_id}` ({} {tag}) can fire together, and neither suppresses the other",
                        side(at),
                        side(other)
                    ),
                )
                .label(cx.when_span(at), "fires together with the other rule");
            if cx
                .rules
                .get(other)
                .is_some_and(|r| std::sync::Arc::ptr_eq(&r.file, &ia.file) && std::sync::Arc::ptr_eq(&r.file, &ib.file))
            {
                d = d.label(cx.when_span(other), format!("{} {tag}", side(other)));
            }
            d = d.help(format!(
                "decide in the file: add `suppresses {other_id}` to the rule that should win, or narrow a `when`; today the higher priority wins, and at equal priority `against`\nexample: with {} both fire",
                text.values
            ));
            out.push(Finding { diagnostic: d, example: Some(text) });
        }
    }
}
