//! Evaluation: a checked program against one athlete's facts gives an
//! outcome for every rule. Pure and deterministic: no clock, no I/O, no
//! loops over anything but the (bounded) readings of a series.
//!
//! Speed comes from the shape of the work, not from tricks: names were
//! resolved to slots by the checker, units were normalised, constants were
//! folded, and each define is computed once per athlete, the first time a
//! rule (or a hole of its advice) reads it.
//! Each rule is evaluated once, keeping a brief trace (one push per condition,
//! `and`/`or` short-circuit) that is dropped unless the rule fired; only then
//! are the values its reasons show read. `explain` asks for a full trace
//! instead: no short-circuits, every condition with its value.

use std::cell::{Cell, OnceCell, RefCell};
use std::cmp::Ordering;
use std::ops::Range;

use chrono::{DateTime, Duration, FixedOffset};
use serde::Serialize;

use crate::builtins;
use crate::decision::{Code, Join, Leaf, Op, Tri, STACK};
use crate::program::*;
use crate::units::UnitSystem;
use crate::value::Value;

/// What happened to one rule. Plain data (`Copy`), so that the outcomes
/// of all rules are written and cleared on every evaluation without a
/// drop each.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum Status {
    Fired,
    /// `when` was false, or `unless` held.
    NotFired,
    /// `when` could not be decided: a fact it needs is missing.
    Unknown,
    Suppressed {
        by: usize,
        reason: SuppressReason,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum SuppressReason {
    /// The other rule says `suppresses` this one.
    Declared,
    /// One advises for a thing the other advises against; the higher
    /// priority wins, and `against` wins a tie (caution first).
    Conflict { tag: Tag },
    /// Both rules would give the same advice; the first in output order
    /// keeps it.
    SameAdvice,
}

/// A tag two conflicting rules share, as its place in the program: the
/// `index`th of rule `rule`'s `for` tags ([`Tag::name`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Tag {
    pub rule: u32,
    pub index: u32,
}

impl Tag {
    /// The tag as the coach wrote it.
    pub fn name(self, program: &Program) -> &str {
        program.rules.get(self.rule as usize).and_then(|r| r.for_tags.get(self.index as usize)).map_or("", String::as_str)
    }
}

/// Why arithmetic gave no value although both its sides were known: the
/// reason a define (or a rule's own expression) is unknown with every fact it
/// reads given. Recorded only when it happens, so it costs nothing otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Failure {
    /// A division whose divisor is 0.
    DividesByZero,
    /// Finite numbers whose result is too large for a number.
    Overflows,
    /// A result that is no number at all (`never` minus `never`).
    NotANumber,
    /// A date or instant moved outside the calendar.
    DateOutOfRange,
}

/// One recorded condition: its atom, whether it held, and the value it was
/// about.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    pub atom: u32,
    pub result: Value,
    pub subject: Value,
}

#[derive(Clone, Debug)]
pub struct RuleOutcome {
    pub status: Status,
    /// Every atom of `when` and `unless` evaluated, in order, as a range of
    /// `Outcome::records`. Filled for fired rules, and for every rule when
    /// the evaluation was traced.
    trace: Part,
    /// The values of the advice's and the reason's holes, as ranges of
    /// `Outcome::values`.
    advice: Part,
    because: Part,
    /// The values of the reason words' holes, for each `when` condition
    /// that held, in trace order (see `Outcome::word_values`).
    words: Part,
}

/// A range of one of the outcome's buffers, kept in 32 bits a side: every
/// rule's outcome is written on every evaluation.
#[derive(Clone, Copy, Debug, Default)]
struct Part {
    start: u32,
    end: u32,
}

impl Part {
    const NONE: Part = Part { start: 0, end: 0 };
    fn new(range: Range<usize>) -> Part {
        // The buffers hold a few entries per rule and condition of one
        // evaluation: 2^32 of them (128 GiB of values) cannot be reached.
        Part { start: range.start as u32, end: range.end as u32 }
    }
    fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// One evaluation's result: every rule's status, with the values its
/// advice needs. Read it through [`Evaluation`](crate::Evaluation) (the
/// fields are the crate's own). `evaluate_into` refills one outcome state
/// after state, reusing its buffers.
#[derive(Clone, Debug, Default)]
pub struct Outcome {
    /// One per rule of the program, by index.
    #[doc(hidden)]
    pub rules: Vec<RuleOutcome>,
    /// The rules that fired and were not suppressed, in output order: by
    /// timing, then priority, then file order.
    #[doc(hidden)]
    pub recommendations: Vec<usize>,
    /// `now`, and how the athlete wants numbers shown.
    #[doc(hidden)]
    pub now: Option<DateTime<FixedOffset>>,
    #[doc(hidden)]
    pub units: UnitSystem,
    /// For each fact: whether the state left it out (and it has no default).
    fact_missing: Vec<bool>,
    /// Facts left out of the state that some rule needed to decide.
    #[doc(hidden)]
    pub missing_facts: Vec<usize>,
    /// All rules' trace records and hole values, in one buffer each: one
    /// allocation per evaluation instead of several per fired rule.
    records: Vec<Record>,
    values: Vec<Value>,
    /// Defines left unknown by their own arithmetic, by define index, and
    /// rules left unknown by arithmetic in their own conditions or advice.
    failed_defines: Vec<(usize, Failure)>,
    failed_rules: Vec<(usize, Failure)>,
    /// The conditions a rule evaluated, kept for the next evaluation.
    log: Vec<(u32, Tri)>,
}

#[doc(hidden)]
impl Outcome {
    pub fn fact_is_missing(&self, fact: usize) -> bool {
        self.fact_missing.get(fact).copied().unwrap_or(true)
    }
    /// The recorded conditions of a rule (see `RuleOutcome::trace`).
    pub fn trace(&self, rule: usize) -> &[Record] {
        self.rules.get(rule).and_then(|r| self.records.get(r.trace.range())).unwrap_or_default()
    }
    pub fn advice_values(&self, rule: usize) -> &[Value] {
        self.rules.get(rule).and_then(|r| self.values.get(r.advice.range())).unwrap_or_default()
    }
    pub fn because_values(&self, rule: usize) -> &[Value] {
        self.rules.get(rule).and_then(|r| self.values.get(r.because.range())).unwrap_or_default()
    }
    /// The hole values of a fired rule's reasons: the words of each `when`
    /// condition that held, in trace order, one after the other.
    pub fn word_values(&self, rule: usize) -> &[Value] {
        self.rules.get(rule).and_then(|r| self.values.get(r.words.range())).unwrap_or_default()
    }
    /// Why define `define` is unknown, when its own arithmetic failed (a
    /// define left unknown by a missing fact or by another define has none).
    /// Only defines this evaluation computed are known here.
    pub fn define_failure(&self, define: usize) -> Option<Failure> {
        self.failed_defines.iter().find(|(d, _)| *d == define).map(|(_, f)| *f)
    }
    /// Whether any arithmetic failed and left a define or a rule unknown.
    pub fn any_failure(&self) -> bool {
        !self.failed_defines.is_empty() || !self.failed_rules.is_empty()
    }
    /// Every define left unknown by its own arithmetic, in the order computed.
    pub fn failed_defines(&self) -> &[(usize, Failure)] {
        &self.failed_defines
    }
    /// Why rule `rule` is unknown, when arithmetic written in the rule itself
    /// (not in a define) failed.
    pub fn rule_failure(&self, rule: usize) -> Option<Failure> {
        self.failed_rules.iter().find(|(r, _)| *r == rule).map(|(_, f)| *f)
    }
}

/// Evaluate every rule. `facts` holds one value per declared fact, as the
/// state loader produced it.
pub fn evaluate(program: &Program, facts: &[Value]) -> Outcome {
    let mut outcome = Outcome::default();
    run(program, facts, Detail::Brief, &mut outcome);
    outcome
}

/// [`evaluate`] into an outcome from an earlier evaluation, reusing its
/// buffers: a batch evaluates state after state without allocating for
/// the outcome once they have grown.
pub fn evaluate_into(program: &Program, facts: &[Value], outcome: &mut Outcome) {
    run(program, facts, Detail::Brief, outcome);
}

/// Which rules fire, and nothing a reader needs besides: every rule's
/// status and the values of its advice (duplicates are merged on them), the
/// recommendations and the missing facts, as [`evaluate_into`] gives them,
/// but no trace and no reason words. The cheap path for a platform that
/// only wants the fired rules.
pub fn decide_into(program: &Program, facts: &[Value], outcome: &mut Outcome) {
    run(program, facts, Detail::Decide, outcome);
}

/// Evaluate every rule and keep the trace of every condition, for `explain`
/// and protocol tests.
pub fn evaluate_traced(program: &Program, facts: &[Value]) -> Outcome {
    let mut outcome = Outcome::default();
    run(program, facts, Detail::Full, &mut outcome);
    outcome
}

/// The values of some defines for one athlete, by name, computed as rules
/// compute them (a name that is not a define gives `Value::Missing`). Charts
/// use this so that a chart never disagrees with the advice.
pub fn define_values(program: &Program, facts: &[Value], names: &[&str]) -> Vec<Value> {
    names
        .iter()
        .map(|name| {
            program
                .defines
                .iter()
                .position(|d| d.name == *name)
                .and_then(|i| u32::try_from(program.facts.len() + i).ok())
                .map_or(Value::Missing, |slot| value_of(program, facts, &Node::Slot(slot)))
        })
        .collect()
}

/// The value of one expression of the program (a comparison's bound, a
/// define) against the facts, computed afresh: what `explain` shows beside
/// a condition. `now` is read from the facts, as in `evaluate`.
pub fn value_of(program: &Program, facts: &[Value], node: &Node) -> Value {
    let (facts, now) = facts_and_now(program, facts);
    let defines: Vec<OnceCell<Value>> = program.defines.iter().map(|_| OnceCell::new()).collect();
    let failed = RefCell::new(Vec::new());
    Evaluator::new(program, facts, &defines, now, &failed).eval(node, 0.0, &mut NoTrace)
}

/// The facts a program declares (a longer slice is cut to them) and `now`
/// read from them.
fn facts_and_now<'a>(program: &Program, facts: &'a [Value]) -> (&'a [Value], Option<DateTime<FixedOffset>>) {
    let facts = facts.get(..program.facts.len()).unwrap_or(facts);
    let now = match program.now_slot.and_then(|s| facts.get(s as usize)) {
        Some(Value::Instant(t)) => Some(*t),
        _ => None,
    };
    (facts, now)
}

/// How much of each rule's evaluation an outcome keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Detail {
    /// Statuses and hole values: what deciding the recommendations needs.
    Decide,
    /// Also the brief trace and reason words of every fired rule.
    Brief,
    /// Every condition of every rule, with no short-circuits (`explain`).
    Full,
}

fn run(program: &Program, facts: &[Value], detail: Detail, out: &mut Outcome) {
    // Facts are read in place; only defines get new storage.
    let (facts, now) = facts_and_now(program, facts);
    // Defines are computed on demand, once each: a program whose rules read
    // none of the prelude's defines pays nothing for them.
    let defines: Vec<OnceCell<Value>> = program.defines.iter().map(|_| OnceCell::new()).collect();
    let mut log = std::mem::take(&mut out.log);
    out.failed_defines.clear();
    out.failed_rules.clear();
    let failed = RefCell::new(std::mem::take(&mut out.failed_defines));
    let ev = Evaluator::new(program, facts, &defines, now, &failed);

    let rules = &mut out.rules;
    let records = &mut out.records;
    let values = &mut out.values;
    rules.clear();
    records.clear();
    values.clear();
    // Room for every rule, every condition, and a few holes per rule, so
    // that a fresh outcome is allocated once rather than grown.
    rules.reserve(program.rules.len());
    records.reserve(if detail == Detail::Decide { 0 } else { program.atoms.len() });
    values.reserve(4 * program.rules.len());
    let log = &mut log;
    if detail == Detail::Brief {
        log.reserve(program.atoms.len());
    }
    for (i, rule) in program.rules.iter().enumerate() {
        let start = records.len();
        let status = match detail {
            Detail::Full => ev.status(rule, records),
            Detail::Decide => ev.decide_rule(i, rule),
            Detail::Brief => {
                // The conditions evaluated are noted as they are decided;
                // only for a rule that fired do they become its brief trace
                // (the conditions that decided it), and only then are the
                // values its reasons show read. A rule whose flat code is
                // much cheaper than its tree (`Logic::first`) is decided by
                // it first and walked, noting, only if it fired.
                log.clear();
                let status = if ev.code.rules.get(i).is_some_and(|l| l.first) {
                    let status = ev.decide_rule(i, rule);
                    if matches!(status, Status::Fired) {
                        ev.decide_status::<true>(rule, log);
                    }
                    status
                } else {
                    ev.decide_status::<true>(rule, log)
                };
                if matches!(status, Status::Fired) {
                    records.extend(log.iter().map(|&(atom, result)| Record {
                        atom,
                        result: result.value(),
                        subject: program
                            .atoms
                            .get(atom as usize)
                            .and_then(|a| a.subject.as_ref())
                            .map_or(Value::Missing, |s| ev.value(&s.node)),
                    }));
                }
                status
            }
        };
        let trace = Part::new(start..records.len());
        let mut outcome = RuleOutcome { status, trace, advice: Part::NONE, because: Part::NONE, words: Part::NONE };
        if matches!(outcome.status, Status::Fired) {
            let a = values.len();
            ev.holes(&rule.advise, values);
            let b = values.len();
            if let Some(t) = &rule.because {
                ev.holes(t, values);
            }
            outcome.advice = Part::new(a..b);
            outcome.because = Part::new(b..values.len());
            // Advice that needs a value nobody knows (a fact left out, a
            // define that divides by zero) cannot be given: the rule is
            // undecided, and no athlete ever reads the word "unknown" in
            // place of a number.
            if values.get(a..).is_some_and(|v| v.iter().any(Value::is_missing)) {
                outcome.status = Status::Unknown;
            } else if detail != Detail::Decide {
                let words_start = values.len();
                for record in records.get(outcome.trace.range()).unwrap_or_default() {
                    if let Some(atom) = program.atoms.get(record.atom as usize).filter(|a| is_reason(a, record)) {
                        ev.holes(&atom.words, values);
                    }
                }
                outcome.words = Part::new(words_start..values.len());
            }
        }
        // Arithmetic that failed in the rule itself, not in a define.
        // (Read before taken: failures are rare, and most rules need no
        // write to clear one.)
        if ev.failure.get().is_some() {
            if let Some(failure) = ev.failure.take().filter(|_| matches!(outcome.status, Status::Unknown)) {
                out.failed_rules.push((rules.len(), failure));
            }
        }
        rules.push(outcome);
    }
    out.failed_defines = failed.take();
    out.log = std::mem::take(log);

    // Each pass runs only when the program has rules it could apply to.
    let code = program.decision_code();
    if code.any_suppresses {
        resolve_suppression(program, rules);
    }
    let active = &mut out.recommendations;
    active.clear();
    active.extend((0..rules.len()).filter(|&i| is_fired(rules, i)));
    active.sort_unstable_by(|&a, &b| output_order(program, a, b));
    if code.any_tags {
        resolve_conflicts(program, rules, active);
        active.retain(|&i| is_fired(rules, i));
    }
    if code.any_shared_advice {
        resolve_duplicates(program, rules, values, active);
        active.retain(|&i| is_fired(rules, i));
    }

    out.fact_missing.clear();
    out.fact_missing.extend((0..program.facts.len()).map(|f| facts.get(f).is_none_or(Value::is_missing)));
    missing_facts(program, rules, records, &out.fact_missing, detail == Detail::Full, &mut out.missing_facts);
    out.now = now;
    out.units = program.unit_system(facts);
}

fn is_fired(rules: &[RuleOutcome], i: usize) -> bool {
    rules.get(i).is_some_and(|r| matches!(r.status, Status::Fired))
}

fn output_order(program: &Program, a: usize, b: usize) -> Ordering {
    let key = |i: usize| program.rules.get(i).map(|r| (r.timing, r.priority));
    key(a).cmp(&key(b)).then(a.cmp(&b))
}

/// A recorded condition is a reason when it is part of `when` and held.
pub fn is_reason(atom: &Atom, record: &Record) -> bool {
    !atom.in_unless && record.result == Value::Bool(true)
}

/// A fired rule is suppressed by any fired rule that names it in
/// `suppresses` and is not itself suppressed. The checker proved the
/// suppression graph has no cycles, so deciding suppressors first settles it.
fn resolve_suppression(program: &Program, rules: &mut [RuleOutcome]) {
    let n = rules.len();
    // Repeat until nothing changes; each round settles at least one more
    // level of the (acyclic) graph, so this ends within `n` rounds.
    for _ in 0..n {
        let mut changed = false;
        for (i, rule) in program.rules.iter().enumerate() {
            if !is_fired(rules, i) {
                continue;
            }
            let winner =
                rule.suppressed_by.iter().copied().find(|&s| is_fired(rules, s) && is_settled(program, rules, s));
            if let (Some(by), Some(r)) = (winner, rules.get_mut(i)) {
                r.status = Status::Suppressed { by, reason: SuppressReason::Declared };
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
}

/// A fired rule whose own suppressors have all not fired (or been
/// suppressed) is certain to stay active.
fn is_settled(program: &Program, rules: &[RuleOutcome], s: usize) -> bool {
    program.rules.get(s).is_none_or(|r| r.suppressed_by.iter().all(|&x| !is_fired(rules, x)))
}

fn resolve_conflicts(program: &Program, rules: &mut [RuleOutcome], active: &[usize]) {
    let tagged: Vec<usize> = active
        .iter()
        .copied()
        .filter(|&i| program.rules.get(i).is_some_and(|r| !r.for_tags.is_empty() || !r.against_tags.is_empty()))
        .collect();
    for (pos, &a) in tagged.iter().enumerate() {
        for &b in tagged.iter().skip(pos + 1) {
            if !is_fired(rules, a) || !is_fired(rules, b) {
                continue;
            }
            let (Some(ra), Some(rb)) = (program.rules.get(a), program.rules.get(b)) else { continue };
            // The first of `x`'s `for` tags that `y` is against, by place.
            let conflict = |x: &RuleDef, xi: usize, y: &RuleDef| {
                let index = x.for_tags.iter().position(|t| y.against_tags.contains(t))?;
                Some(Tag { rule: u32::try_from(xi).ok()?, index: u32::try_from(index).ok()? })
            };
            let (winner, loser, tag) = if let Some(tag) = conflict(ra, a, rb) {
                // a is for, b is against: b wins unless a has higher priority.
                if ra.priority < rb.priority {
                    (a, b, tag)
                } else {
                    (b, a, tag)
                }
            } else if let Some(tag) = conflict(rb, b, ra) {
                if rb.priority < ra.priority {
                    (b, a, tag)
                } else {
                    (a, b, tag)
                }
            } else {
                continue;
            };
            if let Some(r) = rules.get_mut(loser) {
                r.status = Status::Suppressed { by: winner, reason: SuppressReason::Conflict { tag } };
            }
        }
    }
}

/// Two rules give the same advice when their templates read the same (a key
/// the checker computed) and every value in them matches.
fn resolve_duplicates(program: &Program, rules: &mut [RuleOutcome], values: &[Value], active: &[usize]) {
    for (pos, &b) in active.iter().enumerate() {
        let Some(key) = program.rules.get(b).filter(|r| r.advice_shared).map(|r| r.advice_key) else { continue };
        let holes = |i: usize| rules.get(i).and_then(|r| values.get(r.advice.range())).unwrap_or_default();
        let first = active.iter().take(pos).copied().find(|&a| {
            program.rules.get(a).is_some_and(|r| r.advice_key == key) && is_fired(rules, a) && holes(a) == holes(b)
        });
        if let (Some(by), Some(r)) = (first, rules.get_mut(b)) {
            r.status = Status::Suppressed { by, reason: SuppressReason::SameAdvice };
        }
    }
}

fn missing_facts(
    program: &Program,
    rules: &[RuleOutcome],
    records: &[Record],
    missing: &[bool],
    traced: bool,
    out: &mut Vec<usize>,
) {
    out.clear();
    // Adds the missing ones of `facts`; says whether there were any.
    let mut add = |facts: &[usize]| {
        let mut any = false;
        for &f in facts {
            if missing.get(f).copied().unwrap_or(false) {
                any = true;
                if !out.contains(&f) {
                    out.push(f);
                }
            }
        }
        any
    };
    for (i, outcome) in rules.iter().enumerate() {
        if !matches!(outcome.status, Status::Unknown) {
            continue;
        }
        let mut any = false;
        if traced {
            let trace = records.get(outcome.trace.range()).unwrap_or_default();
            for r in trace.iter().filter(|r| r.result.is_missing()) {
                any |= add(program.atoms.get(r.atom as usize).map(|a| a.facts.as_slice()).unwrap_or_default());
            }
        } else {
            let atoms = program.rules.get(i).and_then(|r| program.atoms.get(r.atoms.clone())).unwrap_or_default();
            for atom in atoms {
                any |= add(&atom.facts);
            }
        }
        if !any {
            // Every fact its conditions read is known, yet the rule is
            // undecided: its advice needs a fact the state left out (or
            // arithmetic failed, which `not_computed` names). Rare, so the
            // holes are walked only here.
            if let Some(rule) = program.rules.get(i) {
                let holes: Vec<&Node> = rule.hole_nodes().collect();
                add(&program.reads(&holes).0);
            }
        }
    }
    out.sort_unstable();
}

/// Records conditions as they are evaluated; `NoTrace` records nothing and
/// compiles away.
pub trait Tracer {
    const ON: bool;
    /// Evaluate both sides of `and`/`or` and every subject, so that every
    /// condition's value can be shown (`explain`); otherwise logic
    /// short-circuits and subjects are filled in later for fired rules only.
    const FULL: bool;
    fn record(&mut self, record: Record);
}

pub struct NoTrace;

impl Tracer for NoTrace {
    const ON: bool = false;
    const FULL: bool = false;
    fn record(&mut self, _: Record) {}
}

impl Tracer for Vec<Record> {
    const ON: bool = true;
    const FULL: bool = true;
    fn record(&mut self, record: Record) {
        self.push(record);
    }
}

struct Evaluator<'a> {
    facts: &'a [Value],
    /// Each define's value once something has needed it.
    defines: &'a [OnceCell<Value>],
    define_exprs: &'a [DefineDef],
    now: Option<DateTime<FixedOffset>>,
    atoms: &'a [Atom],
    /// The rules' logic in flat form.
    code: &'a Code,
    /// The first arithmetic that failed in the expression being computed,
    /// not yet claimed by a define it left unknown.
    failure: Cell<Option<Failure>>,
    /// Defines left unknown by their own arithmetic (`Outcome::failed_defines`).
    failed: &'a RefCell<Vec<(usize, Failure)>>,
}

impl<'a> Evaluator<'a> {
    fn new(
        program: &'a Program,
        facts: &'a [Value],
        defines: &'a [OnceCell<Value>],
        now: Option<DateTime<FixedOffset>>,
        failed: &'a RefCell<Vec<(usize, Failure)>>,
    ) -> Self {
        Evaluator {
            facts,
            defines,
            define_exprs: &program.defines,
            now,
            atoms: &program.atoms,
            code: program.decision_code(),
            failure: Cell::new(None),
            failed,
        }
    }

    /// Compute define `i`: an arithmetic failure in its own expression that
    /// left it unknown is recorded as its reason (one inside another define
    /// is that define's; one in a branch not taken is forgotten).
    fn compute_define(&self, i: usize, expr: &Node) -> Value {
        let outer = self.failure.take();
        let value = self.eval(expr, 0.0, &mut NoTrace);
        if let Some(failure) = self.failure.replace(outer) {
            if value.is_missing() {
                self.failed.borrow_mut().push((i, failure));
            }
        }
        value
    }

    /// Keep the first arithmetic failure of the expression being computed.
    #[cold]
    fn arith_failed(&self, op: ArithOp, x: &Value, y: &Value) {
        if self.failure.get().is_none() {
            self.failure.set(failure_of(op, x, y));
        }
    }

    /// A fact's value in place, or a define's, computed the first time.
    #[inline(always)]
    fn slot(&self, slot: Slot) -> Option<&Value> {
        match self.facts.get(slot as usize) {
            Some(v) => Some(v),
            None => self.define(slot as usize),
        }
    }

    #[inline]
    fn define(&self, slot: usize) -> Option<&Value> {
        let i = slot - self.facts.len();
        let expr = &self.define_exprs.get(i)?.expr;
        // The checker proved defines acyclic, so computing one never asks
        // for itself.
        Some(self.defines.get(i)?.get_or_init(|| self.compute_define(i, expr)))
    }

    /// Whether rule `i` fires, by its flat code (`decision`): the same as
    /// `decide_status` without notes, faster. What decide-only evaluations
    /// use (`decide_into`).
    #[inline(always)]
    fn decide_rule(&self, i: usize, rule: &RuleDef) -> Status {
        let Some(logic) = self.code.rules.get(i) else { return self.decide_status::<false>(rule, &mut Vec::new()) };
        if logic.conjunction {
            return match self.conjunction(logic.when.clone()) {
                Tri::True => Status::Fired,
                Tri::False => Status::NotFired,
                Tri::Unknown => Status::Unknown,
            };
        }
        match self.exec(logic.when.clone()) {
            Tri::True if !logic.unless.is_empty() && self.exec(logic.unless.clone()) == Tri::True => Status::NotFired,
            Tri::True => Status::Fired,
            Tri::False => Status::NotFired,
            Tri::Unknown => Status::Unknown,
        }
    }

    /// A condition of leaves joined by `and` (`Logic::conjunction`): false
    /// at the first false leaf, else unknown if any leaf is.
    #[inline(always)]
    fn conjunction(&self, ops: Range<u32>) -> Tri {
        let mut acc = Tri::True;
        for op in self.code.ops.get(ops.start as usize..ops.end as usize).unwrap_or_default() {
            // Only leaves, by `Logic::conjunction`; anything else is run as
            // the general code would.
            let Op::Leaf(join, leaf) = op else { return self.exec(ops) };
            let truth = self.leaf(leaf);
            let truth = if *join == Join::AndNot { !truth } else { truth };
            if truth == Tri::False {
                return Tri::False;
            }
            acc = acc.min(truth);
        }
        acc
    }

    /// Run one condition's operations (`decision::Op`) and give its truth.
    #[inline(always)]
    fn exec(&self, ops: Range<u32>) -> Tri {
        let ops = self.code.ops.get(ops.start as usize..ops.end as usize).unwrap_or_default();
        let mut acc = Tri::True;
        let mut aside = [Tri::Unknown; STACK];
        let mut depth = 0usize; // truths put aside
        let mut pc = 0usize;
        while let Some(op) = ops.get(pc) {
            pc += 1;
            match op {
                Op::Leaf(join, leaf) => {
                    let truth = match join {
                        Join::And | Join::AndNot if acc == Tri::False => continue,
                        Join::Or | Join::OrNot if acc == Tri::True => continue,
                        _ => self.leaf(leaf),
                    };
                    acc = match join {
                        Join::Push | Join::PushNot => {
                            if let Some(place) = aside.get_mut(depth) {
                                *place = acc;
                                depth += 1;
                            }
                            if *join == Join::Push {
                                truth
                            } else {
                                !truth
                            }
                        }
                        Join::And => acc.min(truth),
                        Join::AndNot => acc.min(!truth),
                        Join::Or => acc.max(truth),
                        Join::OrNot => acc.max(!truth),
                    };
                }
                Op::Not => acc = !acc,
                Op::SkipIfFalse(to) if acc == Tri::False => pc = *to as usize,
                Op::SkipIfTrue(to) if acc == Tri::True => pc = *to as usize,
                Op::SkipIfFalse(_) | Op::SkipIfTrue(_) => {}
                Op::And | Op::Or => {
                    depth = depth.saturating_sub(1);
                    let x = aside.get(depth).copied().unwrap_or(Tri::Unknown);
                    acc = if matches!(op, Op::And) { x.min(acc) } else { x.max(acc) };
                }
            }
        }
        acc
    }

    /// One leaf's truth, read in place.
    #[inline(always)]
    fn leaf(&self, leaf: &Leaf) -> Tri {
        match *leaf {
            Leaf::Num { slot, holds, c, missing } => match self.slot(slot) {
                // `Ordering` is -1, 0 or 1: one more is the bit's place.
                Some(Value::Num(x)) => {
                    x.partial_cmp(&c).map_or(Tri::Unknown, |ord| Tri::from(holds >> (ord as i8 + 1) & 1 == 1))
                }
                None | Some(Value::Missing) => missing,
                Some(_) => Tri::Unknown,
            },
            Leaf::Const { slot, op, c, missing } => match self.slot(slot) {
                None | Some(Value::Missing) => missing,
                Some(v) => self
                    .code
                    .consts
                    .get(c as usize)
                    .and_then(|c| compare(v, c))
                    .map_or(Tri::Unknown, |ord| Tri::from(op.holds(ord))),
            },
            Leaf::Truth { slot, missing } => match self.slot(slot) {
                Some(Value::Bool(b)) => Tri::from(*b),
                None | Some(Value::Missing) => missing,
                Some(_) => Tri::Unknown,
            },
            Leaf::Known { slot } => Tri::from(self.slot(slot).is_some_and(|v| !v.is_missing())),
            Leaf::InEnums { slot, mask, missing } => match self.slot(slot) {
                Some(Value::Enum(e)) => Tri::from(*e < 64 && mask >> e & 1 == 1),
                None | Some(Value::Missing) => missing,
                Some(_) => Tri::False,
            },
            Leaf::InConsts { slot, start, end, missing } => match self.slot(slot) {
                None | Some(Value::Missing) => missing,
                Some(v) => {
                    let set = self.code.consts.get(start as usize..end as usize).unwrap_or_default();
                    Tri::from(set.iter().any(|c| compare(v, c) == Some(Ordering::Equal)))
                }
            },
            Leaf::Tree(t) => match self.code.trees.get(t as usize) {
                Some(node) => self.decide::<false>(node, &mut Vec::new()),
                None => Tri::Unknown,
            },
        }
    }

    /// Whether a rule fires: the pass every rule gets (unless the whole
    /// evaluation is traced). With `LOG`, each condition evaluated is noted
    /// in `log` as its atom and result, a few bytes, from which a fired
    /// rule's brief trace is made without evaluating it again.
    fn decide_status<const LOG: bool>(&self, rule: &RuleDef, log: &mut Vec<(u32, Tri)>) -> Status {
        match self.decide::<LOG>(&rule.when, log) {
            Tri::True if rule.unless.as_ref().is_some_and(|u| self.decide::<LOG>(u, log) == Tri::True) => {
                Status::NotFired
            }
            Tri::True => Status::Fired,
            Tri::False => Status::NotFired,
            Tri::Unknown => Status::Unknown,
        }
    }

    /// A condition's truth, as `eval` with a brief trace would give it
    /// (`true`, `false`, anything else unknown; `and`/`or` short-circuit),
    /// with the commonest shapes read in place: logic needs no `Value`, and
    /// a slot is compared or tested without copying it.
    fn decide<const LOG: bool>(&self, node: &Node, log: &mut Vec<(u32, Tri)>) -> Tri {
        match node {
            Node::Atom(id, inner) => {
                // Atoms are the leaves of a rule's logic: none holds another.
                let result = self.decide::<false>(inner, log);
                if LOG {
                    log.push((*id, result));
                }
                result
            }
            Node::And(a, b) => match self.decide::<LOG>(a, log) {
                Tri::False => Tri::False,
                x => match (x, self.decide::<LOG>(b, log)) {
                    (_, Tri::False) => Tri::False,
                    (Tri::True, Tri::True) => Tri::True,
                    _ => Tri::Unknown,
                },
            },
            Node::Or(a, b) => match self.decide::<LOG>(a, log) {
                Tri::True => Tri::True,
                x => match (x, self.decide::<LOG>(b, log)) {
                    (_, Tri::True) => Tri::True,
                    (Tri::False, Tri::False) => Tri::False,
                    _ => Tri::Unknown,
                },
            },
            Node::Not(a) => !self.decide::<LOG>(a, log),
            Node::CompareSlot(op, slot, c) => match self.slot(*slot) {
                Some(Value::Num(x)) => x.partial_cmp(c).map_or(Tri::Unknown, |ord| Tri::from(op.holds(ord))),
                _ => Tri::Unknown,
            },
            Node::Slot(s) => match self.slot(*s) {
                Some(Value::Bool(b)) => Tri::from(*b),
                _ => Tri::Unknown,
            },
            // `kind == long_run`, `injured == true`: a slot against a
            // constant, compared in place.
            Node::Compare(op, a, b) => match (&**a, &**b) {
                (Node::Slot(s), Node::Const(c)) => {
                    self.slot(*s).and_then(|v| compare(v, c)).map_or(Tri::Unknown, |ord| Tri::from(op.holds(ord)))
                }
                _ => Tri::of(&self.value(node)),
            },
            Node::IsKnown(a) => match &**a {
                Node::Slot(s) => Tri::from(self.slot(*s).is_some_and(|v| !v.is_missing())),
                a => Tri::from(!self.value(a).is_missing()),
            },
            Node::In(v, set) => {
                let owned;
                let v = match &**v {
                    Node::Slot(s) => match self.slot(*s) {
                        Some(v) => v,
                        None => return Tri::Unknown,
                    },
                    v => {
                        owned = self.value(v);
                        &owned
                    }
                };
                if v.is_missing() {
                    return Tri::Unknown;
                }
                Tri::from(set.iter().any(|item| match item {
                    Node::Const(c) => compare(v, c) == Some(Ordering::Equal),
                    item => compare(v, &self.value(item)) == Some(Ordering::Equal),
                }))
            }
            node => Tri::of(&self.value(node)),
        }
    }

    /// An expression's value with no trace; a constant or a slot (most
    /// holes and subjects) is read without entering `eval`.
    fn value(&self, node: &Node) -> Value {
        match node {
            Node::Const(v) => v.clone(),
            Node::Slot(s) => self.slot(*s).cloned().unwrap_or(Value::Missing),
            node => self.eval(node, 0.0, &mut NoTrace),
        }
    }

    fn status<T: Tracer>(&self, rule: &RuleDef, tracer: &mut T) -> Status {
        match self.eval(&rule.when, 0.0, tracer) {
            Value::Bool(true) => {
                let excepted = rule.unless.as_ref().is_some_and(|u| self.eval(u, 0.0, tracer) == Value::Bool(true));
                if excepted {
                    Status::NotFired
                } else {
                    Status::Fired
                }
            }
            Value::Bool(false) => Status::NotFired,
            _ => Status::Unknown,
        }
    }

    fn holes(&self, template: &Template, out: &mut Vec<Value>) {
        for part in &template.parts {
            if let TemplatePart::Hole { expr, .. } = part {
                out.push(self.value(expr));
            }
        }
    }

    /// A builtin's call, out of `eval`'s line: its argument buffer would
    /// otherwise widen the frame of every `eval` call.
    #[inline(never)]
    fn call<T: Tracer>(&self, b: builtins::Builtin, args: &[Node], reading: f64, tr: &mut T) -> Value {
        // A condition over a series' readings (`streak`,
        // `count_where`) is evaluated once per reading, with the
        // reading's value in place of its field name.
        if let Some(condition) = builtins::condition_arg(b) {
            let values: Vec<Value> = args
                .iter()
                .enumerate()
                .map(|(i, a)| if i == condition { Value::Missing } else { self.eval(a, reading, tr) })
                .collect();
            return match args.get(condition) {
                Some(pred) => {
                    builtins::call_with_condition(b, &values, self.now, |v| self.eval(pred, v, &mut NoTrace))
                }
                None => Value::Missing,
            };
        }
        // Most builtins take one to three arguments: evaluate them
        // into a buffer on the stack rather than a fresh Vec.
        let mut buffer: [Value; 4] = Default::default();
        if args.len() <= buffer.len() {
            for (slot, arg) in buffer.iter_mut().zip(args) {
                *slot = self.eval(arg, reading, tr);
            }
            builtins::call(b, buffer.get(..args.len()).unwrap_or_default(), self.now)
        } else {
            let values: Vec<Value> = args.iter().map(|a| self.eval(a, reading, tr)).collect();
            builtins::call(b, &values, self.now)
        }
    
    }

    /// `reading` is the current reading's value inside a `streak` predicate.
    fn eval<T: Tracer>(&self, node: &Node, reading: f64, tr: &mut T) -> Value {
        match node {
            Node::Const(v) => v.clone(),
            Node::Slot(s) => self.slot(*s).cloned().unwrap_or(Value::Missing),
            Node::Reading => Value::Num(reading),
            Node::Neg(a) => match self.eval(a, reading, tr) {
                Value::Num(x) => Value::Num(-x),
                _ => Value::Missing,
            },
            Node::Not(a) => match self.eval(a, reading, tr) {
                Value::Bool(b) => Value::Bool(!b),
                _ => Value::Missing,
            },
            // Kleene logic: false wins `and`, true wins `or`, whatever the
            // other side is. Both sides are evaluated when tracing, so that
            // every condition's value can be shown.
            Node::And(a, b) => {
                let x = self.eval(a, reading, tr);
                if x == Value::Bool(false) && !T::FULL {
                    return x;
                }
                let y = self.eval(b, reading, tr);
                match (x, y) {
                    (Value::Bool(false), _) | (_, Value::Bool(false)) => Value::Bool(false),
                    (Value::Bool(true), Value::Bool(true)) => Value::Bool(true),
                    _ => Value::Missing,
                }
            }
            Node::Or(a, b) => {
                let x = self.eval(a, reading, tr);
                if x == Value::Bool(true) && !T::FULL {
                    return x;
                }
                let y = self.eval(b, reading, tr);
                match (x, y) {
                    (Value::Bool(true), _) | (_, Value::Bool(true)) => Value::Bool(true),
                    (Value::Bool(false), Value::Bool(false)) => Value::Bool(false),
                    _ => Value::Missing,
                }
            }
            Node::CompareSlot(op, slot, c) => match self.slot(*slot) {
                Some(Value::Num(x)) => x.partial_cmp(c).map_or(Value::Missing, |ord| Value::Bool(op.holds(ord))),
                _ => Value::Missing,
            },
            Node::Compare(op, a, b) => {
                let (x, y) = (self.eval(a, reading, tr), self.eval(b, reading, tr));
                match compare(&x, &y) {
                    Some(ord) => Value::Bool(op.holds(ord)),
                    None => Value::Missing,
                }
            }
            Node::Arith(op, a, b) => {
                let (x, y) = (self.eval(a, reading, tr), self.eval(b, reading, tr));
                let result = arith(*op, &x, &y);
                if result.is_missing() && !x.is_missing() && !y.is_missing() {
                    self.arith_failed(*op, &x, &y);
                }
                result
            }
            Node::Between(v, lo, hi) => {
                let v = self.eval(v, reading, tr);
                match (compare(&self.eval(lo, reading, tr), &v), compare(&v, &self.eval(hi, reading, tr))) {
                    (Some(a), Some(b)) => Value::Bool(a != Ordering::Greater && b != Ordering::Greater),
                    _ => Value::Missing,
                }
            }
            Node::In(v, set) => {
                let v = self.eval(v, reading, tr);
                if v.is_missing() {
                    return Value::Missing;
                }
                Value::Bool(set.iter().any(|item| compare(&v, &self.eval(item, reading, tr)) == Some(Ordering::Equal)))
            }
            Node::Contains(list, item) => match (self.eval(list, reading, tr), self.eval(item, reading, tr)) {
                (Value::List(items), item) if !item.is_missing() => {
                    Value::Bool(items.iter().any(|x| compare(x, &item) == Some(Ordering::Equal)))
                }
                _ => Value::Missing,
            },
            Node::IsKnown(a) => Value::Bool(!self.eval(a, reading, tr).is_missing()),
            Node::IsNever(a) => match self.eval(a, reading, tr) {
                Value::Never => Value::Bool(true),
                Value::Missing => Value::Missing,
                _ => Value::Bool(false),
            },
            Node::Call(b, args) => self.call(*b, args, reading, tr),
            Node::If(c, t, o) => match self.eval(c, reading, tr) {
                Value::Bool(true) => self.eval(t, reading, tr),
                Value::Bool(false) => self.eval(o, reading, tr),
                _ => Value::Missing,
            },
            Node::Atom(id, inner) => {
                let result = self.eval(inner, reading, tr);
                if T::ON {
                    // The value the condition is about, for reasons and
                    // `explain`: computed only when tracing.
                    let subject = match self.atoms.get(*id as usize).and_then(|a| a.subject.as_ref()) {
                        Some(s) if T::FULL => self.eval(&s.node, reading, &mut NoTrace),
                        _ => Value::Missing,
                    };
                    tr.record(Record { atom: *id, result: result.clone(), subject });
                }
                result
            }
        }
    }
}

fn compare(x: &Value, y: &Value) -> Option<Ordering> {
    match (x, y) {
        (Value::Num(a), Value::Num(b)) => a.partial_cmp(b),
        (Value::Bool(a), Value::Bool(b)) => Some(a.cmp(b)),
        (Value::Enum(a), Value::Enum(b)) => Some(a.cmp(b)),
        (Value::Text(a), Value::Text(b)) => Some(a.cmp(b)),
        (Value::Date(a), Value::Date(b)) => Some(a.cmp(b)),
        (Value::Instant(a), Value::Instant(b)) => Some(a.cmp(b)),
        (Value::Never, Value::Never) => Some(Ordering::Equal),
        _ => None,
    }
}

fn arith(op: ArithOp, x: &Value, y: &Value) -> Value {
    let result = match (op, x, y) {
        (ArithOp::Add, Value::Num(a), Value::Num(b)) => a + b,
        (ArithOp::Sub, Value::Num(a), Value::Num(b)) => a - b,
        (ArithOp::Mul, Value::Num(a), Value::Num(b)) => a * b,
        (ArithOp::Div, Value::Num(_), Value::Num(b)) if *b == 0.0 => return Value::Missing,
        (ArithOp::Div, Value::Num(a), Value::Num(b)) => a / b,
        (ArithOp::TimeDiff, Value::Instant(a), Value::Instant(b)) => (*a - *b).num_seconds() as f64,
        (ArithOp::TimeDiff, Value::Date(a), Value::Date(b)) => (*a - *b).num_days() as f64 * 86_400.0,
        (ArithOp::InstantAdd | ArithOp::InstantSub, Value::Instant(t), Value::Num(s))
            if s.is_finite() && s.abs() < 1e11 =>
        {
            let d = Duration::seconds(*s as i64);
            let moved = if op == ArithOp::InstantAdd { t.checked_add_signed(d) } else { t.checked_sub_signed(d) };
            return moved.map_or(Value::Missing, Value::Instant);
        }
        (ArithOp::DateAdd | ArithOp::DateSub, Value::Date(d), Value::Num(s)) if s.is_finite() && s.abs() < 1e11 => {
            let days = (s / 86_400.0).round() as i64;
            let days = if op == ArithOp::DateAdd { days } else { -days };
            return d.checked_add_signed(Duration::days(days)).map_or(Value::Missing, Value::Date);
        }
        _ => return Value::Missing,
    };
    // An endless duration (`never`) may flow through arithmetic; a result
    // that is not a number at all, or finite numbers overflowing to an
    // endless one, gives no answer rather than a nonsense one.
    if result.is_finite() || (result.is_infinite() && !(finite(x) && finite(y))) {
        Value::Num(result)
    } else {
        Value::Missing
    }
}

fn finite(v: &Value) -> bool {
    !matches!(v, Value::Num(n) if !n.is_finite())
}

/// Why `arith` gave no value for two known sides (see `Failure`); `None`
/// when the sides simply do not combine (a date that is `never`).
#[cold]
fn failure_of(op: ArithOp, x: &Value, y: &Value) -> Option<Failure> {
    match (op, x, y) {
        (ArithOp::Div, Value::Num(_), Value::Num(b)) if *b == 0.0 => Some(Failure::DividesByZero),
        (_, Value::Num(a), Value::Num(b)) => {
            let overflow = a.is_finite() && b.is_finite();
            Some(if overflow { Failure::Overflows } else { Failure::NotANumber })
        }
        (_, Value::Instant(_) | Value::Date(_), Value::Num(_) | Value::Instant(_) | Value::Date(_)) => {
            Some(Failure::DateOutOfRange)
        }
        _ => None,
    }
}
