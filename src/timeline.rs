//! Looking ahead: the same state evaluated at later moments, the session
//! aging and nothing else changing, to say which advice starts and stops
//! when (`recoup timeline`) and from when a rule could fire (`explain`).
//!
//! Pure and generic: only the `now` fact moves; every other fact keeps its
//! value, and the rules are evaluated by the same engine as `evaluate`. No
//! rule or protocol is special-cased; time-driven conditions (durations since
//! an instant, days since a date, windows over dated readings) change
//! because their builtins read `now`.
//!
//! Method: the outcome is sampled every 15 minutes for the first 48 hours
//! and every hour after that, and between two samples that differ each
//! change is found to the second by bisection. So a condition that holds for
//! less than the sampling step (a window shorter than 15 minutes in the
//! first two days, or shorter than an hour later) can be missed; none of the
//! shipped rules has one.

use chrono::{DateTime, Duration, FixedOffset};

use crate::eval::{self, Outcome, Status};
use crate::program::Program;
use crate::value::Value;

/// What became of one rule at one moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleState {
    /// Fired and recommended.
    Advised,
    /// Its conditions hold, but another rule suppressed it.
    Suppressed,
    /// Its conditions do not hold, or cannot be decided.
    Off,
}

impl RuleState {
    /// Whether the rule's conditions hold (`when` true, `unless` not true).
    pub fn fires(self) -> bool {
        self != RuleState::Off
    }
}

fn states(outcome: &Outcome) -> Vec<RuleState> {
    outcome
        .rules
        .iter()
        .map(|r| match r.status {
            Status::Fired => RuleState::Advised,
            Status::Suppressed { .. } => RuleState::Suppressed,
            Status::NotFired | Status::Unknown => RuleState::Off,
        })
        .collect()
}

/// The state's facts with `now` moved: the only thing that changes.
struct Clock<'a> {
    program: &'a Program,
    facts: Vec<Value>,
    slot: usize,
}

impl<'a> Clock<'a> {
    fn new(program: &'a Program, facts: &[Value]) -> Option<(Clock<'a>, DateTime<FixedOffset>)> {
        let slot = program.now_slot? as usize;
        let Some(Value::Instant(now)) = facts.get(slot) else { return None };
        Some((Clock { program, facts: facts.to_vec(), slot }, *now))
    }

    fn at(&mut self, t: DateTime<FixedOffset>) -> Outcome {
        if let Some(v) = self.facts.get_mut(self.slot) {
            *v = Value::Instant(t);
        }
        eval::evaluate(self.program, &self.facts)
    }
}

/// The state's facts with `now` moved to `t`.
pub fn facts_at(program: &Program, facts: &[Value], t: DateTime<FixedOffset>) -> Vec<Value> {
    let mut moved = facts.to_vec();
    if let Some(v) = program.now_slot.and_then(|s| moved.get_mut(s as usize)) {
        *v = Value::Instant(t);
    }
    moved
}

/// One change of one rule.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    pub at: DateTime<FixedOffset>,
    pub rule: usize,
    pub from: RuleState,
    pub to: RuleState,
    /// The outcome just after the change, for the advice's values then.
    pub outcome_index: usize,
}

/// Every rule's state at the start and each change within the horizon.
pub struct Scan {
    pub start: DateTime<FixedOffset>,
    pub end: DateTime<FixedOffset>,
    pub initial: Vec<RuleState>,
    /// In time order, then rule order.
    pub changes: Vec<Change>,
    /// Outcomes referred to by `Change::outcome_index`; the first is the
    /// outcome at `start`.
    pub outcomes: Vec<Outcome>,
}

const FINE_STEP_S: i64 = 15 * 60;
const FINE_FOR_S: i64 = 48 * 3600;
const COARSE_STEP_S: i64 = 3600;

/// Sample the state from its `now` to `now + days`. `None` when the state
/// has no `now`.
pub fn scan(program: &Program, facts: &[Value], days: u32) -> Option<Scan> {
    let (mut clock, start) = Clock::new(program, facts)?;
    let end = start + Duration::days(i64::from(days));
    let first = clock.at(start);
    let initial = states(&first);
    let mut outcomes = vec![first];
    let mut changes = Vec::new();
    let mut prev_t = start;
    let mut prev = initial.clone();
    let mut offset = 0i64;
    while prev_t < end {
        offset += if offset < FINE_FOR_S { FINE_STEP_S } else { COARSE_STEP_S };
        let t = (start + Duration::seconds(offset)).min(end);
        let outcome = clock.at(t);
        let now_states = states(&outcome);
        if now_states != prev {
            let mut found: Vec<Change> = Vec::new();
            for (rule, (a, b)) in prev.iter().zip(&now_states).enumerate() {
                if a != b {
                    let at = bisect(&mut clock, prev_t, t, rule, *b);
                    found.push(Change { at, rule, from: *a, to: *b, outcome_index: 0 });
                }
            }
            found.sort_by_key(|c| (c.at, c.rule));
            // One outcome per distinct moment, evaluated at that moment.
            let mut last: Option<DateTime<FixedOffset>> = None;
            for change in &mut found {
                if last != Some(change.at) {
                    outcomes.push(clock.at(change.at));
                    last = Some(change.at);
                }
                change.outcome_index = outcomes.len() - 1;
            }
            changes.extend(found);
        }
        prev = now_states;
        prev_t = t;
    }
    Some(Scan { start, end, initial, changes, outcomes })
}

/// The first second in `(lo, hi]` at which `rule` is in state `target`,
/// assuming it is not at `lo` and is at `hi`.
fn bisect(
    clock: &mut Clock<'_>,
    mut lo: DateTime<FixedOffset>,
    mut hi: DateTime<FixedOffset>,
    rule: usize,
    target: RuleState,
) -> DateTime<FixedOffset> {
    while (hi - lo).num_seconds() > 1 {
        let mid = lo + Duration::seconds((hi - lo).num_seconds() / 2);
        let state = states(&clock.at(mid)).get(rule).copied().unwrap_or(RuleState::Off);
        if state == target {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    hi
}

/// When a rule's conditions next hold and stop holding, as `explain` shows.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Window {
    /// The first moment within the horizon at which the rule fires; `now`
    /// when it fires already.
    pub fires_from: Option<DateTime<FixedOffset>>,
    /// The first moment after that at which it stops firing, if within the
    /// horizon.
    pub fires_until: Option<DateTime<FixedOffset>>,
}

impl Scan {
    /// The window in which `rule` fires, if nothing but time changes.
    pub fn window(&self, rule: usize) -> Window {
        let fires_now = self.initial.get(rule).is_some_and(|s| s.fires());
        let mut fires_from = fires_now.then_some(self.start);
        let mut fires_until = None;
        for c in self.changes.iter().filter(|c| c.rule == rule) {
            match (fires_from, c.to.fires(), c.from.fires()) {
                (None, true, false) => fires_from = Some(c.at),
                (Some(_), false, true) if fires_until.is_none() => {
                    fires_until = Some(c.at);
                    break;
                }
                _ => {}
            }
        }
        Window { fires_from, fires_until }
    }

    /// The advice that starts and stops: changes between advised and not
    /// advised (a rule that merely moves between suppressed and off gives
    /// no advice either way).
    pub fn advice_changes(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(|c| (c.from == RuleState::Advised) != (c.to == RuleState::Advised))
    }
}

#[cfg(test)]
mod tests;
