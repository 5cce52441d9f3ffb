//! Why a rule is unknown when no fact is missing: a define (or the rule's
//! own expression) whose arithmetic failed, as evaluation recorded it
//! (`eval::Failure`), in words for `explain` and the report's "Not known".

use serde::Serialize;

use crate::eval::{self, Failure, Outcome, Status};
use crate::program::{ArithOp, Node, Program, RuleDef};
use crate::value::Value;

/// Values that could not be computed and the rules they left undecided: the
/// report's `not_computed`.
#[derive(Clone, Debug, Serialize)]
pub struct NotComputed {
    /// The define whose arithmetic failed, or `null` when the arithmetic is
    /// written in the rules themselves.
    pub define: Option<String>,
    /// `divides_by_zero`, `overflows`, `not_a_number` or `date_out_of_range`.
    pub cause: Failure,
    /// In words: "ratio divides by zero (`a - b` is 0)".
    pub message: String,
    pub rules: Vec<String>,
}

/// What a failure did, after the name of what failed.
fn cause_words(failure: Failure) -> &'static str {
    match failure {
        Failure::DividesByZero => "divides by zero",
        Failure::Overflows => "overflows (its result is too large for a number)",
        Failure::NotANumber => "has no number for a result (such as never minus never)",
        Failure::DateOutOfRange => "moves a date outside the calendar",
    }
}

/// "ratio divides by zero (last_session.distance - last_session.distance is
/// 0)". With `facts`, the division whose divisor is 0 is found among several;
/// without, it is named only when there is one.
pub fn define_words(program: &Program, facts: Option<&[Value]>, define: usize, failure: Failure) -> String {
    let (name, rest) = define_parts(program, facts, define, failure);
    format!("{name} {rest}")
}

/// A define's name, and what its arithmetic did: ("ratio", "divides by zero
/// (b is 0)").
fn define_parts(program: &Program, facts: Option<&[Value]>, define: usize, failure: Failure) -> (String, String) {
    match program.defines.get(define) {
        Some(def) => {
            (def.name.clone(), format!("{}{}", cause_words(failure), detail(program, facts, &[&def.expr], failure)))
        }
        None => ("a define".to_string(), cause_words(failure).to_string()),
    }
}

/// "arithmetic in the rule divides by zero (x is 0)".
fn rule_words(program: &Program, facts: Option<&[Value]>, rule: &RuleDef, failure: Failure) -> String {
    let nodes = rule_nodes(rule);
    format!("arithmetic in the rule {}{}", cause_words(failure), detail(program, facts, &nodes, failure))
}

/// " (`b` is 0)" for a division by zero whose divisor can be named.
fn detail(program: &Program, facts: Option<&[Value]>, nodes: &[&Node], failure: Failure) -> String {
    if failure != Failure::DividesByZero {
        return String::new();
    }
    let mut divisors = Vec::new();
    for node in nodes {
        divisors_of(node, &mut divisors);
    }
    if let Some(facts) = facts {
        divisors.retain(|d| eval::value_of(program, facts, d) == Value::Num(0.0));
    }
    match divisors.as_slice() {
        [one] => node_text(program, one).map(|t| format!(" ({t} is 0)")).unwrap_or_default(),
        _ => String::new(),
    }
}

/// A rule's conditions and its advice's and reason's holes.
fn rule_nodes(rule: &RuleDef) -> Vec<&Node> {
    let mut nodes = vec![&rule.when];
    nodes.extend(rule.unless.as_ref());
    nodes.extend(rule.hole_nodes());
    nodes
}

/// The defines that arithmetic left unknown among those `nodes` read,
/// directly or through other defines, in define order.
pub fn failed_defines_read(program: &Program, outcome: &Outcome, nodes: &[&Node]) -> Vec<(usize, Failure)> {
    if outcome.failed_defines().is_empty() {
        return Vec::new();
    }
    let (_, defines) = program.reads(nodes);
    defines.into_iter().filter_map(|d| outcome.define_failure(d).map(|f| (d, f))).collect()
}

/// Why an unknown rule could not decide, for `explain`: every define its
/// conditions read that arithmetic left unknown, those its advice needs
/// ("the advice needs ratio, which divides by zero"), and arithmetic
/// written in the rule itself. Empty for a rule that is not unknown.
pub fn rule_reasons(program: &Program, outcome: &Outcome, facts: Option<&[Value]>, rule: usize) -> Vec<String> {
    let (Some(def), Some(r)) = (program.rules.get(rule), outcome.rules.get(rule)) else { return Vec::new() };
    if r.status != Status::Unknown {
        return Vec::new();
    }
    let mut conditions = vec![&def.when];
    conditions.extend(def.unless.as_ref());
    let in_conditions = failed_defines_read(program, outcome, &conditions);
    let holes: Vec<&Node> = def.hole_nodes().collect();
    let mut out: Vec<String> = in_conditions.iter().map(|&(d, f)| define_words(program, facts, d, f)).collect();
    for (d, f) in failed_defines_read(program, outcome, &holes) {
        if !in_conditions.iter().any(|(c, _)| *c == d) {
            let (name, rest) = define_parts(program, facts, d, f);
            out.push(format!("the advice needs {name}, which {rest}"));
        }
    }
    if let Some(f) = outcome.rule_failure(rule) {
        out.push(rule_words(program, facts, def, f));
    }
    // Every condition decided, yet the rule is unknown: its advice needs a
    // fact the state left out.
    if outcome.trace(rule).iter().all(|r| !r.result.is_missing()) {
        let (read, _) = program.reads(&holes);
        for f in read.into_iter().filter(|&f| outcome.fact_is_missing(f)) {
            if let Some(fact) = program.facts.get(f) {
                out.push(format!("the advice needs {}, which is missing", fact.path));
            }
        }
    }
    out
}

/// Every value arithmetic left unknown with the unknown rules that needed
/// it: a define shared by many rules is one entry.
pub fn not_computed(program: &Program, outcome: &Outcome) -> Vec<NotComputed> {
    if !outcome.any_failure() {
        return Vec::new();
    }
    let mut out: Vec<(Option<usize>, NotComputed)> = Vec::new();
    for (i, rule) in program.rules.iter().enumerate() {
        if outcome.rules.get(i).is_none_or(|r| r.status != Status::Unknown) {
            continue;
        }
        for (d, f) in failed_defines_read(program, outcome, &rule_nodes(rule)) {
            match out.iter_mut().find(|(k, _)| *k == Some(d)) {
                Some((_, entry)) => entry.rules.push(rule.id.clone()),
                None => out.push((
                    Some(d),
                    NotComputed {
                        define: program.defines.get(d).map(|def| def.name.clone()),
                        cause: f,
                        message: define_words(program, None, d, f),
                        rules: vec![rule.id.clone()],
                    },
                )),
            }
        }
        if let Some(f) = outcome.rule_failure(i) {
            out.push((
                None,
                NotComputed {
                    define: None,
                    cause: f,
                    message: rule_words(program, None, rule, f),
                    rules: vec![rule.id.clone()],
                },
            ));
        }
    }
    out.into_iter().map(|(_, entry)| entry).collect()
}

/// The short form for a condition: "ratio divides by zero".
pub fn short_words(program: &Program, define: usize, failure: Failure) -> String {
    let name = program.defines.get(define).map_or("a define", |d| d.name.as_str());
    format!("{name} {}", cause_words(failure))
}

fn divisors_of<'a>(node: &'a Node, out: &mut Vec<&'a Node>) {
    if let Node::Arith(ArithOp::Div, _, b) = node {
        out.push(b);
    }
    node.each_child(|child| divisors_of(child, out));
}

/// An expression as a coach could have written it, for names, arithmetic
/// and calls; `None` for anything holding a constant, whose unit the
/// program no longer knows.
fn node_text(program: &Program, node: &Node) -> Option<String> {
    let inner = |n: &Node| -> Option<String> {
        let text = node_text(program, n)?;
        Some(if matches!(n, Node::Arith(..)) { format!("({text})") } else { text })
    };
    Some(match node {
        Node::Slot(s) => {
            let s = *s as usize;
            match program.facts.get(s) {
                Some(fact) => fact.path.clone(),
                None => program.defines.get(s.checked_sub(program.facts.len())?)?.name.clone(),
            }
        }
        Node::Neg(a) => format!("-{}", inner(a)?),
        Node::Arith(op, a, b) => {
            let symbol = match op {
                ArithOp::Add | ArithOp::InstantAdd | ArithOp::DateAdd => "+",
                ArithOp::Sub | ArithOp::TimeDiff | ArithOp::InstantSub | ArithOp::DateSub => "-",
                ArithOp::Mul => "*",
                ArithOp::Div => "/",
            };
            format!("{} {symbol} {}", inner(a)?, inner(b)?)
        }
        Node::Call(b, args) => {
            let name = crate::builtins::info(*b)?.name;
            let args: Option<Vec<String>> = args.iter().map(|a| node_text(program, a)).collect();
            format!("{name}({})", args?.join(", "))
        }
        _ => return None,
    })
}
