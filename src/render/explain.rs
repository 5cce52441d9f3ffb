//! `explain`: for every rule (or one) what became of it and why — how its
//! conditions combine, each condition's value, by how much a failed one
//! missed, the defines it used, what blocked it, and from when it would
//! fire if nothing but time changed.

use std::fmt::Write as _;

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use super::{condition_text, reason_text, unknown};
use crate::eval::{self, Outcome, Record, Status};
use crate::program::{Atom, CmpOp, Node, Program};
use crate::timeline::{self, Scan};
use crate::units::{self, Dim, UnitSystem};
use crate::value::{Ty, Value};

#[derive(Clone, Debug, Serialize)]
pub struct Explanation {
    pub rule: String,
    pub status: &'static str,
    pub suppressed_by: Option<String>,
    /// Every condition evaluated, `when` first, in the order written.
    pub conditions: Vec<ConditionResult>,
    /// How `when`'s conditions combine: `{"all": [...]}`, `{"any": [...]}`
    /// or `{"condition": i}`, an index into `conditions`.
    pub when: Tree,
    /// The `unless` conditions that held and kept the rule from firing.
    pub blocked_by: Vec<String>,
    /// If nothing but time changes: when the rule fires and stops.
    pub ahead: Option<Ahead>,
    /// For an unknown rule, what no missing fact explains: a define whose
    /// arithmetic failed ("ratio divides by zero (b is 0)"), one its advice
    /// needs, or arithmetic in the rule itself.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unknown_because: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ConditionResult {
    pub clause: &'static str,
    pub condition: String,
    /// `held`, `failed` or `unknown`.
    pub result: &'static str,
    pub missing: Vec<String>,
    /// For a failed comparison, how far the value is from holding, in the
    /// condition's unit: "needs at least 28 days: 24 days short".
    pub margin: Option<String>,
    /// The defines the condition reads (through other defines too), with
    /// their values: `since_session = 4 days`.
    pub uses: Vec<String>,
    /// For an unknown condition, the defines it reads that arithmetic left
    /// unknown: "ratio divides by zero".
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub failed: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tree {
    All(Vec<Tree>),
    Any(Vec<Tree>),
    Condition(usize),
    /// A condition that was not evaluated.
    None,
}

/// When a rule fires and stops firing if only time passes, with the values
/// of the conditions that change then.
#[derive(Clone, Debug, Serialize)]
pub struct Ahead {
    pub horizon_days: u32,
    /// `now` when it fires already; absent when it does not fire within the
    /// horizon.
    pub fires_from: Option<String>,
    pub fires_from_when: Vec<String>,
    pub fires_until: Option<String>,
    pub fires_until_when: Vec<String>,
}

/// What `explain` looks at: the program, the state's facts, their traced
/// outcome and, for dates, a scan ahead (`timeline::scan`).
pub struct Explain<'a> {
    pub program: &'a Program,
    pub facts: &'a [Value],
    pub outcome: &'a Outcome,
    pub scan: Option<(&'a Scan, u32)>,
}

/// Explanations of every rule, or of one.
pub fn explain(x: &Explain<'_>, only: Option<usize>) -> Vec<Explanation> {
    (0..x.program.rules.len()).filter(|i| only.is_none_or(|o| o == *i)).filter_map(|i| x.rule(i)).collect()
}

impl Explain<'_> {
    fn rule(&self, i: usize) -> Option<Explanation> {
        let (program, outcome) = (self.program, self.outcome);
        let rule = program.rules.get(i)?;
        let r = outcome.rules.get(i)?;
        let system = outcome.units;
        let (status, suppressed_by) = match &r.status {
            Status::Fired => ("fired", None),
            Status::NotFired => ("not fired", None),
            Status::Unknown => ("unknown", None),
            Status::Suppressed { by, reason } => {
                ("suppressed", program.rules.get(*by).map(|b| format!("{} ({})", b.id, reason_text(program, reason))))
            }
        };
        let trace = outcome.trace(i);
        let mut conditions = Vec::new();
        for rec in trace {
            let Some(atom) = program.atoms.get(rec.atom as usize) else { continue };
            let missing = if rec.result.is_missing() {
                atom.facts
                    .iter()
                    .filter(|&&f| outcome.fact_is_missing(f))
                    .filter_map(|&f| program.facts.get(f).map(|f| f.path.clone()))
                    .collect()
            } else {
                Vec::new()
            };
            let inner =
                atom_node(&rule.when, rec.atom).or_else(|| rule.unless.as_ref().and_then(|u| atom_node(u, rec.atom)));
            let margin = match (&rec.result, inner) {
                (Value::Bool(false), Some(node)) if !atom.in_unless => self.margin(atom, node, system),
                _ => None,
            };
            let uses = inner.map(|n| self.uses(atom, n, system)).unwrap_or_default();
            let failed = match inner {
                Some(node) if rec.result.is_missing() => unknown::failed_defines_read(program, outcome, &[node])
                    .into_iter()
                    .map(|(d, f)| unknown::short_words(program, d, f))
                    .collect(),
                _ => Vec::new(),
            };
            conditions.push(ConditionResult {
                clause: if atom.in_unless { "unless" } else { "when" },
                condition: condition_text(program, rec, system),
                result: match rec.result {
                    Value::Bool(true) => "held",
                    Value::Bool(false) => "failed",
                    _ => "unknown",
                },
                missing,
                margin,
                uses,
                failed,
            });
        }
        let when = tree(&rule.when, trace);
        let blocked_by = trace
            .iter()
            .filter(|rec| rec.result == Value::Bool(true))
            .filter_map(|rec| program.atoms.get(rec.atom as usize))
            .filter(|a| a.in_unless)
            .map(|a| a.text.clone())
            .collect();
        let ahead = self.scan.map(|(scan, days)| self.ahead(scan, days, i));
        let unknown_because = unknown::rule_reasons(program, outcome, Some(self.facts), i);
        Some(Explanation {
            rule: rule.id.clone(),
            status,
            suppressed_by,
            conditions,
            when,
            blocked_by,
            ahead,
            unknown_because,
        })
    }

    /// How far a failed comparison of a quantity is from holding.
    fn margin(&self, atom: &Atom, node: &Node, system: UnitSystem) -> Option<String> {
        let Some(Ty::Num(dim)) = atom.subject.as_ref().map(|s| &s.ty) else { return None };
        let value = |n: &Node| match eval::value_of(self.program, self.facts, n) {
            Value::Num(x) if x.is_finite() => Some(x),
            _ => None,
        };
        let (v, needs) = match node {
            Node::CompareSlot(op, slot, c) => (value(&Node::Slot(*slot))?, Need::Cmp(*op, *c)),
            Node::Compare(op, a, b) => (value(a)?, Need::Cmp(*op, value(b)?)),
            Node::Between(v, lo, hi) => (value(v)?, Need::Between(value(lo)?, value(hi)?)),
            _ => return None,
        };
        // The gap between two readings is a difference.
        let gap_dim = if *dim == Dim::TEMPERATURE { Dim::TEMPERATURE_DIFFERENCE } else { *dim };
        let show = |x: f64| units::format_quantity(x, *dim, system);
        let gap = |x: f64| units::format_quantity(x.abs(), gap_dim, system);
        Some(match needs {
            Need::Cmp(CmpOp::Gt, b) => format!("needs more than {}: {} short", show(b), gap(b - v)),
            Need::Cmp(CmpOp::Ge, b) => format!("needs at least {}: {} short", show(b), gap(b - v)),
            Need::Cmp(CmpOp::Lt, b) => format!("needs less than {}: {} over", show(b), gap(v - b)),
            Need::Cmp(CmpOp::Le, b) => format!("needs at most {}: {} over", show(b), gap(v - b)),
            Need::Cmp(CmpOp::Eq, b) => format!("needs {}: {} off", show(b), gap(v - b)),
            Need::Cmp(CmpOp::Ne, b) => format!("needs anything but {}", show(b)),
            Need::Between(lo, _) if v < lo => format!("needs at least {}: {} short", show(lo), gap(lo - v)),
            Need::Between(_, hi) => format!("needs at most {}: {} over", show(hi), gap(v - hi)),
        })
    }

    /// The defines a condition reads, directly or through other defines,
    /// with their values; the condition's own subject is shown already.
    fn uses(&self, atom: &Atom, node: &Node, system: UnitSystem) -> Vec<String> {
        let program = self.program;
        let first_define = program.facts.len();
        let mut seen: Vec<usize> = Vec::new();
        let mut stack = vec![node];
        while let Some(n) = stack.pop() {
            let mut slots = Vec::new();
            n.slots_into(&mut slots);
            for slot in slots {
                let Some(d) = (slot as usize).checked_sub(first_define) else { continue };
                if seen.contains(&d) || seen.len() >= 8 {
                    continue;
                }
                seen.push(d);
                if let Some(define) = program.defines.get(d) {
                    stack.push(&define.expr);
                }
            }
        }
        let subject = atom.subject.as_ref().map(|s| s.text.as_str());
        seen.into_iter()
            .filter_map(|d| {
                let define = program.defines.get(d)?;
                if Some(define.name.as_str()) == subject || define.name == atom.text {
                    return None;
                }
                let slot = u32::try_from(first_define + d).ok()?;
                let value = eval::value_of(program, self.facts, &Node::Slot(slot));
                Some(format!("{} = {}", define.name, value.display(&define.ty, &program.enums, system)))
            })
            .take(5)
            .collect()
    }

    fn ahead(&self, scan: &Scan, days: u32, rule: usize) -> Ahead {
        let window = scan.window(rule);
        let at = |t: Option<DateTime<FixedOffset>>| t.map(|t| t.to_rfc3339());
        let later = |t: DateTime<FixedOffset>| {
            eval::evaluate_traced(self.program, &timeline::facts_at(self.program, self.facts, t))
        };
        // What changed when it starts (against now), and when it stops
        // (against the moment it started).
        let from = window.fires_from.filter(|t| *t != scan.start).map(later);
        let from_when = from.as_ref().map(|o| self.changed(rule, self.outcome, o)).unwrap_or_default();
        let until_when = window
            .fires_until
            .map(|t| self.changed(rule, from.as_ref().unwrap_or(self.outcome), &later(t)))
            .unwrap_or_default();
        Ahead {
            horizon_days: days,
            fires_from: at(window.fires_from),
            fires_from_when: from_when,
            fires_until: at(window.fires_until),
            fires_until_when: until_when,
        }
    }

    /// The rule's conditions whose result differs between two outcomes,
    /// shown with their values in the second.
    fn changed(&self, rule: usize, before: &Outcome, after: &Outcome) -> Vec<String> {
        let earlier = before.trace(rule);
        after
            .trace(rule)
            .iter()
            .filter(|rec| earlier.iter().find(|n| n.atom == rec.atom).is_none_or(|n| n.result != rec.result))
            .filter_map(|rec| {
                let atom = self.program.atoms.get(rec.atom as usize)?;
                Some(match (&atom.subject, &rec.result) {
                    (Some(subject), _) => format!(
                        "{} = {}",
                        subject.text,
                        rec.subject.display(&subject.ty, &self.program.enums, after.units)
                    ),
                    // A condition with no value to show, such as a define
                    // that is a condition itself.
                    (None, Value::Bool(true)) => format!("{} holds", atom.text),
                    (None, Value::Bool(false)) => format!("{} no longer holds", atom.text),
                    (None, _) => format!("{} is unknown", atom.text),
                })
            })
            .collect()
    }
}

enum Need {
    Cmp(CmpOp, f64),
    Between(f64, f64),
}

/// The expression inside atom `id` of a condition tree.
fn atom_node(node: &Node, id: u32) -> Option<&Node> {
    match node {
        Node::Atom(a, inner) if *a == id => Some(inner),
        Node::And(a, b) | Node::Or(a, b) => atom_node(a, id).or_else(|| atom_node(b, id)),
        _ => None,
    }
}

/// The `and`/`or` shape of a condition, leaves pointing at the conditions
/// as evaluated (`trace` order).
fn tree(node: &Node, trace: &[Record]) -> Tree {
    let flatten = |n: &Node, all: bool| {
        let mut parts = Vec::new();
        let mut stack = vec![n];
        while let Some(x) = stack.pop() {
            match (x, all) {
                (Node::And(a, b), true) | (Node::Or(a, b), false) => {
                    stack.push(b);
                    stack.push(a);
                }
                _ => parts.push(tree(x, trace)),
            }
        }
        parts
    };
    match node {
        Node::And(..) => Tree::All(flatten(node, true)),
        Node::Or(..) => Tree::Any(flatten(node, false)),
        Node::Atom(id, _) => trace.iter().position(|r| r.atom == *id).map_or(Tree::None, Tree::Condition),
        _ => Tree::None,
    }
}

fn mark(result: &str) -> &'static str {
    match result {
        "held" => "✓ ",
        "failed" => "✗ ",
        _ => "? ",
    }
}

/// A condition's line, and its `uses` line below it when it has one.
fn condition_line(out: &mut String, c: &ConditionResult, first_pad: &str, pad: &str, show_mark: bool) {
    let missing = if c.missing.is_empty() { String::new() } else { format!(" — missing: {}", c.missing.join(", ")) };
    let margin = c.margin.as_deref().map(|m| format!(" — {m}")).unwrap_or_default();
    let failed = if c.failed.is_empty() { String::new() } else { format!(" — {}", c.failed.join(", ")) };
    let mark = if show_mark { mark(c.result) } else { "" };
    let _ = writeln!(out, "{first_pad}{}{}{margin}{missing}{failed}", mark, c.condition);
    if !c.uses.is_empty() {
        let _ = writeln!(out, "{pad}    uses {}", c.uses.join(", "));
    }
}

fn tree_lines(out: &mut String, t: &Tree, conditions: &[ConditionResult], indent: usize) {
    let pad = " ".repeat(indent);
    match t {
        Tree::All(parts) | Tree::Any(parts) => {
            let _ = writeln!(out, "{pad}{}", if matches!(t, Tree::All(_)) { "all of:" } else { "any of:" });
            for p in parts {
                tree_lines(out, p, conditions, indent + 2);
            }
        }
        Tree::Condition(i) => {
            if let Some(c) = conditions.get(*i) {
                condition_line(out, c, &pad, &pad, true);
            }
        }
        Tree::None => {
            let _ = writeln!(out, "{pad}- (not evaluated)");
        }
    }
}

/// "Tue 22 Dec 2026 00:00".
fn moment(at: &str) -> String {
    DateTime::parse_from_rfc3339(at).map_or_else(|_| at.to_string(), |t| t.format("%a %-d %b %Y %H:%M").to_string())
}

fn with_values(values: &[String]) -> String {
    if values.is_empty() {
        String::new()
    } else {
        format!(" ({})", values.join(", "))
    }
}

pub fn explanations_to_text(explanations: &[Explanation]) -> String {
    let mut out = String::new();
    for e in explanations.iter().map(for_humans) {
        let e = &e;
        let by = e.suppressed_by.as_deref().map(|b| format!(" by {b}")).unwrap_or_default();
        let because =
            if e.unknown_because.is_empty() { String::new() } else { format!(" — {}", e.unknown_because.join("; ")) };
        let _ = writeln!(out, "{}: {}{by}{because}", e.rule, e.status);
        match &e.when {
            Tree::Condition(i) => {
                if let Some(c) = e.conditions.get(*i) {
                    condition_line(&mut out, c, "  when ", "  ", true);
                }
            }
            t => {
                let _ = write!(out, "  when ");
                let mut lines = String::new();
                tree_lines(&mut lines, t, &e.conditions, 2);
                out.push_str(lines.trim_start());
            }
        }
        let unless: Vec<&ConditionResult> = e.conditions.iter().filter(|c| c.clause == "unless").collect();
        if !e.blocked_by.is_empty() {
            for c in unless.iter().filter(|c| c.result == "held") {
                condition_line(&mut out, c, "  blocked by: ", "  ", false);
            }
        } else if !unless.is_empty() {
            let (unknown, quiet): (Vec<&&ConditionResult>, Vec<&&ConditionResult>) =
                unless.iter().partition(|c| c.result == "unknown");
            if !quiet.is_empty() {
                let names: Vec<&str> = quiet.iter().map(|c| c.condition.as_str()).collect();
                let _ = writeln!(out, "  not blocked by: {}", names.join(", "));
            }
            for c in unknown {
                let _ = writeln!(out, "  not blocked by: {} (unknown, which does not block)", c.condition);
            }
        }
        if let Some(a) = &e.ahead {
            if let Some(line) = ahead_line(a, e.status) {
                let _ = writeln!(out, "  {line}");
            }
        }
    }
    out
}

/// A copy safe to print on a terminal (see `Report::for_humans`): every
/// text, which may quote a state's values, on one line with control
/// characters escaped.
fn for_humans(e: &Explanation) -> Explanation {
    use crate::terminal::field;
    let l = |s: &String| field(s);
    let ls = |v: &Vec<String>| v.iter().map(l).collect::<Vec<_>>();
    Explanation {
        rule: l(&e.rule),
        status: e.status,
        suppressed_by: e.suppressed_by.as_ref().map(l),
        conditions: e
            .conditions
            .iter()
            .map(|c| ConditionResult {
                clause: c.clause,
                condition: l(&c.condition),
                result: c.result,
                missing: ls(&c.missing),
                margin: c.margin.as_ref().map(l),
                uses: ls(&c.uses),
                failed: ls(&c.failed),
            })
            .collect(),
        when: e.when.clone(),
        blocked_by: ls(&e.blocked_by),
        ahead: e.ahead.as_ref().map(|a| Ahead {
            horizon_days: a.horizon_days,
            fires_from: a.fires_from.as_ref().map(l),
            fires_from_when: ls(&a.fires_from_when),
            fires_until: a.fires_until.as_ref().map(l),
            fires_until_when: ls(&a.fires_until_when),
        }),
        unknown_because: ls(&e.unknown_because),
    }
}

/// "fires from Tue 22 Dec 2026 00:00 (days_since_marathon = 28 days) until
/// ...", or nothing when time alone changes nothing.
fn ahead_line(a: &Ahead, status: &str) -> Option<String> {
    let firing_now = matches!(status, "fired" | "suppressed");
    let until = a.fires_until.as_deref().map(|u| format!(" until {}{}", moment(u), with_values(&a.fires_until_when)));
    let tail = ", if nothing but time changes";
    match (&a.fires_from, until) {
        (Some(_), Some(until)) if firing_now => Some(format!("fires now{until}{tail}")),
        (Some(from), until) if !firing_now => Some(format!(
            "fires from {}{}{}{tail}",
            moment(from),
            with_values(&a.fires_from_when),
            until.unwrap_or_else(|| format!(", through the next {} days", a.horizon_days))
        )),
        _ => None,
    }
}
