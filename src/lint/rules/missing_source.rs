use super::super::registry::Lint;
use super::super::{Context, Finding};
use crate::ast::Item;
use crate::diagnostic::Severity;

pub const LINT: Lint = Lint {
    code: "lint::missing-source",
    severity: Severity::Note,
    summary: "a protocol with no `source`",
    doc: "What it finds: a protocol that does not say where its advice comes from.

Why it matters: the source is shown with every recommendation, and it is what a coach checks when a rule is questioned.

Example:
    protocol cold \"Cold therapy\" {
      rule after_competition { ... }
    }

Fix: add `source \"...\"` as the protocol's first line: the guide, section or paper.",
    check,
};

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for input in cx.inputs.iter().filter(|i| !i.builtin) {
        for item in &input.ast.items {
            let Item::Protocol(p) = item else { continue };
            if p.source.is_some() {
                continue;
            }
            let d = LINT
                .diagnostic(format!("protocol `{}` does not name its source", p.id.text))
                .in_file(&input.file)
                .label(p.id.span, "no `source`")
                .help("add `source \"...\"`: where this advice comes from");
            out.push(Finding::from(d));
        }
    }
}
