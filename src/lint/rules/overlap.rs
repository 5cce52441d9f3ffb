use super::super::registry::Lint;
use super::super::{Context, Finding};
use super::bands;
use crate::diagnostic::Severity;
use crate::eval::Status;

pub const LINT: Lint = Lint {
    code: "lint::overlap",
    severity: Severity::Warning,
    summary: "two rules that split a fact into bands both cover the same values",
    doc: "What it finds: rules of one protocol that split one numeric fact into bands with the same other conditions, where two bands share values (often just a boundary: `<= 10C` and `>= 10C`) and neither rule suppresses the other. Each overlap is reported with an example value, confirmed by evaluating it: both rules fire there.

Why it matters: at those values the athlete gets both pieces of advice, which for bands usually contradict each other (\"wear a jacket\" and \"shorts are fine\").

Example:
    rule cold { when forecast_temp <= 10C ... }
    rule mild { when forecast_temp between 10C and 20C ... }

Fix: make one bound strict (`forecast_temp < 10C`), add `suppresses` if one band should win, or keep it and write `# allow(lint::overlap): reason` above the later rule.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for family in bands::families(cx) {
        for (shared, a, b) in bands::overlaps(&family) {
            let (Some(ra), Some(rb)) = (cx.program.rules.get(a), cx.program.rules.get(b)) else { continue };
            if ra.suppresses.contains(&b) || rb.suppresses.contains(&a) {
                continue;
            }
            let Some((example, text)) = cx.example(&family.cube(shared)) else { continue };
            let outcome = cx.evaluate(&example);
            let fired = |r: usize| {
                matches!(outcome.rules.get(r).map(|o| &o.status), Some(Status::Fired | Status::Suppressed { .. }))
            };
            if !(fired(a) && fired(b)) {
                continue;
            }
            // Reported at the later rule in the file, where an allow reads
            // naturally after both bands.
            let (first, second) = if a < b { (a, b) } else { (b, a) };
            let name = super::slot_name(cx, family.slot);
            let ids = |r: usize| cx.program.rules.get(r).map_or(String::new(), |r| r.id.clone());
            let mut d = cx
                .at_rule(
                    second,
                    &LINT,
                    format!(
                        "rules `{}` and `{}` both fire for `{name}` {}",
                        ids(first),
                        ids(second),
                        super::interval_text(cx, family.slot, &shared)
                    ),
                )
                .label(cx.when_span(second), "this band");
            if cx
                .rules
                .get(first)
                .map(|r| &r.file)
                .zip(cx.rules.get(second).map(|r| &r.file))
                .is_some_and(|(x, y)| std::sync::Arc::ptr_eq(x, y))
            {
                d = d.label(cx.when_span(first), "overlaps this one");
            }
            d = d.help(format!(
                "make one bound strict, add `suppresses` if one band should win, or say why with `# allow(lint::overlap): ...`\nexample: with {} both rules fire",
                text.values
            ));
            out.push(Finding { diagnostic: d, example: Some(text) });
        }
    }
}
