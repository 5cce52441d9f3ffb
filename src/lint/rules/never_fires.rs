use super::super::registry::Lint;
use super::super::{domain::Cube, Context, Finding};
use crate::diagnostic::Severity;
use crate::eval::Status;

pub const LINT: Lint = Lint {
    code: "lint::never-fires",
    severity: Severity::Error,
    summary: "a rule whose `when` cannot hold, or whose `unless` always holds",
    doc: "What it finds: a rule that no state the fact declarations allow can make fire: its `when` contradicts itself or the declared ranges, or its `unless` holds in every state.

Why it matters: the rule is dead text. The coach believes the advice is given; it never is. Usually a comparison points the wrong way or two bands were swapped.

Example:
    rule heat_warning {
      when forecast_temp > 30C and forecast_temp < 20C
      ...
    }

Fix: correct the comparison (`forecast_temp > 30C`), or remove the rule.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for (index, rule) in cx.program.rules.iter().enumerate() {
        let Some(info) = cx.rules.get(index).filter(|r| r.own) else { continue };
        if info.when.0.is_empty() {
            let mut d = cx.at_rule(index, &LINT, format!("rule `{}` can never fire: its `when` cannot hold", rule.id));
            let parts = super::conjuncts(&rule.when);
            let truths: Vec<_> = parts.iter().map(|(_, n)| cx.universe.truth(n).0).collect();
            let span_of = |id: u32| cx.program.atoms.get(id as usize).map(|a| super::super::trim(&rule.file, a.span));
            let alone = parts.iter().zip(&truths).find(|(_, t)| t.is_empty());
            let pair = (0..parts.len()).flat_map(|i| (i + 1..parts.len()).map(move |j| (i, j))).find(|&(i, j)| {
                matches!((truths.get(i), truths.get(j)), (Some(a), Some(b)) if cx.universe.and(a, b).is_empty())
            });
            let mut example_cube = Cube::default();
            if let Some(((id, _), _)) = alone {
                if let Some(span) = span_of(*id) {
                    d = d.label(span, "no allowed value makes this hold");
                }
                d = d.help("compare with the fact's declared range (`in low..high`)");
            } else if let Some((i, j)) = pair {
                if let (Some((a, _)), Some((b, _))) = (parts.get(i), parts.get(j)) {
                    if let (Some(sa), Some(sb)) = (span_of(*a), span_of(*b)) {
                        d = d.label(sa, "this condition").label(sb, "cannot hold together with this one");
                    }
                }
                if let Some(cube) = truths.get(i).and_then(|t| t.first()) {
                    example_cube = cube.clone();
                }
                d = d.help("one of the two comparisons probably points the wrong way");
            } else {
                d = d.label(cx.when_span(index), "no state makes this hold");
                d = d.help("the conditions contradict each other or the fact declarations");
            }
            push_with_example(cx, out, d, index, &example_cube);
            continue;
        }
        // `unless` stops a rule only when it is true, so it must hold and
        // be known in every state.
        let Some(unless) = &rule.unless else { continue };
        let Some((t, f)) = info.unless.as_ref() else { continue };
        if f.is_empty() && !t.is_empty() && super::always_decided(cx, unless) {
            let mut d = cx.at_rule(
                index,
                &LINT,
                format!("rule `{}` can never fire: its `unless` holds in every state", rule.id),
            );
            if let Some(span) = cx.unless_span(index) {
                d = d.label(span, "always true");
            }
            d = d.help("an `unless` that always holds stops the rule every time; correct it or remove the rule");
            push_with_example(cx, out, d, index, &Cube::default());
        }
    }
}

/// Report with an example state on which the evaluator confirms the rule
/// does not fire.
fn push_with_example(
    cx: &Context<'_>,
    out: &mut Vec<Finding>,
    d: crate::diagnostic::Diagnostic,
    rule: usize,
    cube: &Cube,
) {
    let example = cx.example(cube).or_else(|| cx.example(&Cube::default()));
    let example = example.filter(|(e, _)| {
        let outcome = cx.evaluate(e);
        !matches!(outcome.rules.get(rule).map(|r| &r.status), Some(Status::Fired | Status::Suppressed { .. }))
    });
    let (d, text) = match example {
        Some((_, text)) if !text.values.is_empty() => {
            let help =
                format!("{}\nexample: with {} the rule does not fire", d.help.clone().unwrap_or_default(), text.values);
            (d.help(help), Some(text))
        }
        Some((_, text)) => (d, Some(text)),
        None => (d, None),
    };
    out.push(Finding { diagnostic: d, example: text });
}
