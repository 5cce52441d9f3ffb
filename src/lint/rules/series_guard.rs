use super::super::registry::Lint;
use super::super::{Context, Finding};
use crate::ast::Item;
use crate::builtins::Builtin;
use crate::diagnostic::Severity;
use crate::program::{Node, Slot};
use crate::value::Ty;

pub const LINT: Lint = Lint {
    code: "lint::series-guard",
    severity: Severity::Warning,
    summary: "a define over a series with no guard for too little data",
    doc: "What it finds: a define that takes a mean, slope, streak or last reading of a series (`hrv.readings`) without checking how many readings there are (`count(hrv.readings) >= 14`) or falling back with `first_known(...)`. `count_last` and `count_where` count as guards too.

Why it matters: a mean of two mornings is not a baseline, and a slope needs several readings. With too little data the define either says something unfounded or is unknown, and every rule that reads it goes silent without explanation.

Example:
    define hrv_base = mean_last(hrv.readings, 21d)  \"HRV baseline\"

Fix: guard it: `define hrv_base = if count(hrv.readings) >= 14 then mean_last(hrv.readings, 21d) else hrv.baseline`.",
    check,
};

const MAX_DEPTH: usize = 32;

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for input in cx.inputs.iter().filter(|i| !i.builtin) {
        for item in &input.ast.items {
            let Item::Define(d) = item else { continue };
            let Some(define) = cx.program.defines.iter().find(|x| x.name == d.name.text) else { continue };
            let mut unguarded = Vec::new();
            series_uses(cx, &define.expr, false, &mut unguarded, 0);
            unguarded.dedup();
            for series in unguarded {
                if counts(cx, &define.expr, series, 0) {
                    continue;
                }
                let name = cx.program.facts.get(series as usize).map_or("", |f| f.path.as_str());
                let diagnostic = LINT
                    .diagnostic(format!("define `{}` reads `{name}` with no guard for too few readings", d.name.text))
                    .in_file(&input.file)
                    .label(d.expr.span, "unguarded")
                    .help(format!("check `count({name}) >= N` first, or fall back with `first_known(..., other)`"));
                out.push(Finding::from(diagnostic));
            }
        }
    }
}

/// Series facts read by a statistic outside any `first_known` fallback.
fn series_uses(cx: &Context<'_>, node: &Node, guarded: bool, out: &mut Vec<Slot>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    if let Node::Call(b, args) = node {
        let statistic =
            matches!(b, Builtin::Mean | Builtin::MeanLast | Builtin::Slope | Builtin::Streak | Builtin::Last);
        if statistic && !guarded {
            if let Some(Node::Slot(s)) = args.first() {
                if matches!(cx.program.facts.get(*s as usize).map(|f| &f.ty), Some(Ty::Series(_))) {
                    out.push(*s);
                }
            }
        }
        let inner = guarded || (*b == Builtin::FirstKnown && args.len() > 1);
        for a in args {
            series_uses(cx, a, inner, out, depth + 1);
        }
        return;
    }
    let mut children = Vec::new();
    super::direct_children(node, &mut children);
    for c in children {
        series_uses(cx, c, guarded, out, depth + 1);
    }
}

/// Whether `count(series)` appears in the expression or a define it reads.
fn counts(cx: &Context<'_>, node: &Node, series: Slot, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    if let Node::Call(Builtin::Count | Builtin::CountLast | Builtin::CountWhere, args) = node {
        if matches!(args.first(), Some(Node::Slot(s)) if *s == series) {
            return true;
        }
    }
    if let Node::Slot(s) = node {
        if let Some(define) = cx.universe.define(*s) {
            return counts(cx, &define.expr, series, depth + 1);
        }
    }
    let mut children = Vec::new();
    super::direct_children(node, &mut children);
    children.into_iter().any(|c| counts(cx, c, series, depth + 1))
}
