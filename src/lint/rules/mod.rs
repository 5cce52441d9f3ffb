//! One file per lint: its registry entry (`LINT`: code, severity, summary,
//! documentation) and its check. `ALL` is the registry's list; a code is
//! never renamed and never reused.

pub mod allow_unknown_code;
pub mod allow_without_reason;
pub mod always_fires;
mod bands;
pub mod conflict;
pub mod gap;
pub mod missing_because;
pub mod missing_source;
pub mod near_miss_id;
pub mod never_fires;
pub mod overlap;
pub mod replaces;
pub mod series_guard;
pub mod shadowed;
pub mod unused_allow;
pub mod unused_define;
pub mod unused_fact;

use super::registry::Lint;

pub const ALL: &[&Lint] = &[
    &never_fires::LINT,
    &always_fires::LINT,
    &gap::LINT,
    &overlap::LINT,
    &conflict::LINT,
    &shadowed::LINT,
    &replaces::LINT,
    &near_miss_id::LINT,
    &unused_fact::LINT,
    &unused_define::LINT,
    &missing_because::LINT,
    &missing_source::LINT,
    &series_guard::LINT,
    &allow_without_reason::LINT,
    &allow_unknown_code::LINT,
    &unused_allow::LINT,
];

/// Checks for lints that are reported elsewhere (the allow comments).
fn reported_by_allow(_: &super::Context<'_>, _: &mut Vec<super::Finding>) {}

use super::domain::Interval;
use super::Context;
use crate::program::{Node, Slot};
use crate::units::{self, Dim, UnitSystem};
use crate::value::Ty;

/// A slot's name: a fact's path or a define's name.
fn slot_name(cx: &Context<'_>, slot: Slot) -> String {
    let p = cx.program;
    match p.facts.get(slot as usize) {
        Some(f) => f.path.clone(),
        None => cx.universe.define(slot).map_or_else(|| format!("#{slot}"), |d| d.name.clone()),
    }
}

fn slot_dim(cx: &Context<'_>, slot: Slot) -> Dim {
    let ty = match cx.program.facts.get(slot as usize) {
        Some(f) => Some(&f.ty),
        None => cx.universe.define(slot).map(|d| &d.ty),
    };
    match ty {
        Some(Ty::Num(dim)) => *dim,
        _ => Dim::NONE,
    }
}

/// `from 10 °C to 12 °C`, `above 10 °C and below 12 °C`, `above 30 °C`,
/// `exactly 10 °C`
fn interval_text(cx: &Context<'_>, slot: Slot, i: &Interval) -> String {
    let dim = slot_dim(cx, slot);
    let show = |v: f64| units::format_quantity(v, dim, UnitSystem::Metric);
    let low = i.lo.is_finite().then(|| format!("{} {}", if i.lo_closed { "from" } else { "above" }, show(i.lo)));
    let high = i.hi.is_finite().then(|| {
        let word = match (i.hi_closed, low.is_some(), i.lo_closed) {
            (true, true, true) => "to",
            (true, true, false) => ", up to",
            (true, false, _) => "up to",
            (false, true, true) => "to just below",
            (false, true, false) => "and below",
            (false, false, _) => "below",
        };
        format!("{word} {}", show(i.hi))
    });
    match (low, high) {
        _ if i.lo == i.hi => format!("exactly {}", show(i.lo)),
        (Some(l), Some(h)) => format!("{l} {h}").replace(" ,", ","),
        (Some(x), None) | (None, Some(x)) => x,
        (None, None) => "any value".into(),
    }
}

/// The conditions a `when` is a conjunction of (its top-level `and`s), as
/// atom numbers and nodes.
fn conjuncts(node: &Node) -> Vec<(u32, &Node)> {
    let mut out = Vec::new();
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        match n {
            Node::And(a, b) => {
                stack.push(b);
                stack.push(a);
            }
            Node::Atom(id, _) => out.push((*id, n)),
            _ => {}
        }
    }
    out
}

/// Whether a condition is true or false (never unknown) in every allowed
/// state: the analysis read all of it, and every value it reads is a fact
/// that is always given (a boolean define is read through its definition).
fn always_decided(cx: &Context<'_>, node: &Node) -> bool {
    let (_, _, exact) = cx.universe.truth_exact(node);
    exact
        && cx
            .slots_of(node)
            .iter()
            .all(|s| cx.universe.always_known(*s) || cx.universe.define(*s).is_some_and(|d| d.ty == Ty::Bool))
}

/// Ids of the shipped rules that are loaded as shipped (not replaced by a
/// file of the coach's), with their protocol.
fn shipped_rule_ids(cx: &Context<'_>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for input in cx.inputs.iter().filter(|i| i.builtin) {
        for item in &input.ast.items {
            if let crate::ast::Item::Protocol(p) = item {
                out.extend(p.rules.iter().map(|r| (format!("{}.{}", p.id.text, r.id.text), p.id.text.clone())));
            }
        }
    }
    out
}

/// Slots read by any rule (conditions and advice), through defines.
fn slots_used_by_rules(cx: &Context<'_>) -> std::collections::HashSet<Slot> {
    let mut out = Vec::new();
    for rule in &cx.program.rules {
        cx.universe.slots_read(&rule.when, &mut out);
        if let Some(u) = &rule.unless {
            cx.universe.slots_read(u, &mut out);
        }
        for t in std::iter::once(&rule.advise).chain(rule.because.as_ref()) {
            for part in &t.parts {
                if let crate::program::TemplatePart::Hole { expr, .. } = part {
                    cx.universe.slots_read(expr, &mut out);
                }
            }
        }
    }
    out.into_iter().collect()
}

/// Slots a node names directly (not through defines).
fn direct_slots(node: &Node, out: &mut Vec<Slot>) {
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        match n {
            Node::Slot(s) | Node::CompareSlot(_, s, _) => out.push(*s),
            Node::Const(_) | Node::Reading => {}
            Node::Neg(a) | Node::Not(a) | Node::IsKnown(a) | Node::IsNever(a) | Node::Atom(_, a) => stack.push(a),
            Node::And(a, b) | Node::Or(a, b) | Node::Compare(_, a, b) | Node::Arith(_, a, b) | Node::Contains(a, b) => {
                stack.push(a);
                stack.push(b);
            }
            Node::Between(a, b, c) | Node::If(a, b, c) => {
                stack.push(a);
                stack.push(b);
                stack.push(c);
            }
            Node::In(a, items) => {
                stack.push(a);
                stack.extend(items.iter());
            }
            Node::Call(_, args) => stack.extend(args.iter()),
        }
    }
}

/// A node's children.
fn direct_children<'n>(node: &'n Node, out: &mut Vec<&'n Node>) {
    match node {
        Node::Const(_) | Node::Reading | Node::Slot(_) | Node::CompareSlot(..) => {}
        Node::Neg(a) | Node::Not(a) | Node::IsKnown(a) | Node::IsNever(a) | Node::Atom(_, a) => out.push(a),
        Node::And(a, b) | Node::Or(a, b) | Node::Compare(_, a, b) | Node::Arith(_, a, b) | Node::Contains(a, b) => {
            out.push(a);
            out.push(b);
        }
        Node::Between(a, b, c) | Node::If(a, b, c) => {
            out.push(a);
            out.push(b);
            out.push(c);
        }
        Node::In(a, items) => {
            out.push(a);
            out.extend(items.iter());
        }
        Node::Call(_, args) => out.extend(args.iter()),
    }
}
