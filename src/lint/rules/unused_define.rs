use super::super::registry::Lint;
use super::super::{Context, Finding};
use crate::ast::Item;
use crate::diagnostic::Severity;

pub const LINT: Lint = Lint {
    code: "lint::unused-define",
    severity: Severity::Warning,
    summary: "a define that no rule and no other define uses",
    doc: "What it finds: a `define` in the coach's files whose name appears in no rule's conditions or advice and in no other define.

Why it matters: a derived fact nobody reads is dead code, and often a sign that a rule uses a different (older, misspelt) define than the one that was meant.

Example:
    define heat_window = since_session <= 2h  \"within 2 hours of the session\"
    # ... and no rule says `heat_window`

Fix: use it in the rule it was written for, or remove it.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let mut used: Vec<u32> = super::slots_used_by_rules(cx).into_iter().collect();
    for define in &cx.program.defines {
        super::direct_slots(&define.expr, &mut used);
    }
    let facts = cx.program.facts.len();
    for input in cx.inputs.iter().filter(|i| !i.builtin) {
        for item in &input.ast.items {
            let Item::Define(d) = item else { continue };
            let Some(index) = cx.program.defines.iter().position(|x| x.name == d.name.text) else { continue };
            let Ok(slot) = u32::try_from(facts + index) else { continue };
            if used.contains(&slot) {
                continue;
            }
            let diagnostic = LINT
                .diagnostic(format!("define `{}` is never used", d.name.text))
                .in_file(&input.file)
                .label(d.name.span, "no rule or define reads this")
                .help("use it in a rule, or remove it");
            out.push(Finding::from(diagnostic));
        }
    }
}
