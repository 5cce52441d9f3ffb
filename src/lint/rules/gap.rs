use super::super::registry::Lint;
use super::super::{Context, Finding};
use super::bands;
use crate::diagnostic::Severity;
use crate::eval::Status;

pub const LINT: Lint = Lint {
    code: "lint::gap",
    severity: Severity::Warning,
    summary: "rules that split a fact into bands leave a stretch between them uncovered",
    doc: "What it finds: rules of one protocol that split one numeric fact into bands (days since the marathon, temperature bands) with the same other conditions, and a stretch between two bands that no rule covers. Each gap is reported with an example value, confirmed by evaluating it: no rule of the bands fires there.

Why it matters: an athlete whose value falls in the gap gets no advice from the protocol at all, usually because of an off-by-one (`< 10C` then `> 12C`, or `<= 3` then `>= 4` on a fact that takes 3.5).

Example:
    rule cold { when forecast_temp < 10C ... }
    rule mild { when forecast_temp between 12C and 20C ... }
    rule warm { when forecast_temp > 20C ... }

Fix: move a boundary so the bands meet (`forecast_temp between 10C and 20C`), or, if nothing should be said there, keep it and write `# allow(lint::gap): reason` above the rule below the gap.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for family in bands::families(cx) {
        for (gap, below, above) in bands::gaps(&family) {
            let Some((example, text)) = cx.example(&family.cube(gap)) else { continue };
            let outcome = cx.evaluate(&example);
            let silent = family.bands.iter().all(|b| {
                !matches!(outcome.rules.get(b.rule).map(|r| &r.status), Some(Status::Fired | Status::Suppressed { .. }))
            });
            if !silent {
                continue;
            }
            let name = super::slot_name(cx, family.slot);
            let ids = |r: usize| cx.program.rules.get(r).map_or(String::new(), |r| r.id.clone());
            let mut d = cx
                .at_rule(
                    below,
                    &LINT,
                    format!(
                        "no rule covers `{name}` {} (between the bands of `{}` and `{}`)",
                        super::interval_text(cx, family.slot, &gap),
                        ids(below),
                        ids(above)
                    ),
                )
                .label(cx.when_span(below), "the band below the gap");
            if cx
                .rules
                .get(above)
                .map(|r| &r.file)
                .zip(cx.rules.get(below).map(|r| &r.file))
                .is_some_and(|(a, b)| std::sync::Arc::ptr_eq(a, b))
            {
                d = d.label(cx.when_span(above), "the band above");
            }
            d = d.help(format!(
                "move a boundary so the bands meet, or say why nothing applies there with `# allow(lint::gap): ...`\nexample: with {} no rule of these bands fires",
                text.values
            ));
            out.push(Finding { diagnostic: d, example: Some(text) });
        }
    }
}
