use super::super::registry::Lint;
use super::super::{Context, Finding};
use crate::ast::Item;
use crate::diagnostic::Severity;

pub const LINT: Lint = Lint {
    code: "lint::unused-fact",
    severity: Severity::Note,
    summary: "a declared fact that no rule or define reads",
    doc: "What it finds: a fact declared in the coach's files that no rule, define or advice text reads (recoup itself reads `now`, `athlete.name`, `athlete.units` and `athlete.timezone`).

Why it matters: the state file may carry the fact, but nothing uses it; often the rule that was meant to read it reads another fact by mistake. A fact declared only so that state files validate is fine: say so with an allow.

Example:
    facts { weather.wind: number? in 0..200  \"wind speed, km/h\" }
    # ... and no rule reads `weather.wind`

Fix: use it in the rule it was declared for, remove it, or keep it with `# allow(lint::unused-fact): reason`.",
    check,
};

/// Facts the engine reads itself, whatever the rules do.
const READ_BY_RECOUP: &[&str] = &["now", "athlete.name", "athlete.units", crate::state::TIME_ZONE_FACT];

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let used = super::slots_used_by_rules(cx);
    let mut by_defines = Vec::new();
    for define in &cx.program.defines {
        cx.universe.slots_read(&define.expr, &mut by_defines);
    }
    for input in cx.inputs.iter().filter(|i| !i.builtin) {
        for item in &input.ast.items {
            let Item::Facts(decls, _) = item else { continue };
            for decl in decls {
                let path = decl.path.text.as_str();
                let Some(index) = cx.program.fact_index(path) else { continue };
                let Ok(slot) = u32::try_from(index) else { continue };
                if READ_BY_RECOUP.contains(&path) || used.contains(&slot) || by_defines.contains(&slot) {
                    continue;
                }
                let d = LINT
                    .diagnostic(format!("fact `{path}` is declared but nothing reads it"))
                    .in_file(&input.file)
                    .label(decl.path.span, "not read by any rule or define")
                    .help("use it in a rule, remove it, or say why it is kept with `# allow(lint::unused-fact): ...`");
                out.push(Finding::from(d));
            }
        }
    }
}
