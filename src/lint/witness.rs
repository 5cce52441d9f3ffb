//! Example states: a concrete state built from a cube of the analysis, the
//! values to show a coach, and a ready-to-paste `state.yaml`.
//!
//! A lint that claims something *can* happen (two rules fire together, no
//! rule fires in a gap) confirms it on the example with the evaluator before
//! reporting it; an example that does not confirm silences the finding.

use std::fmt::Write as _;

use chrono::{DateTime, Duration, FixedOffset};

use super::domain::{Cell, Cube, Interval, SlotKind, Universe};
use crate::builtins::Builtin;
use crate::eval::{self, Outcome};
use crate::program::{Node, Program, Slot};
use crate::units::UnitSystem;
use crate::value::{Ty, Value};

/// The `now` every example state is written at.
pub const NOW: &str = "2026-11-28T08:15:00+01:00";

/// A state built for a finding.
#[derive(Clone, Debug)]
pub struct Example {
    /// One value per fact, as the state loader would produce it.
    pub facts: Vec<Value>,
    /// The slots the finding is about, shown as `name = value`.
    pub about: Vec<Slot>,
}

impl Example {
    pub fn evaluate(&self, program: &Program) -> Outcome {
        eval::evaluate(program, &self.facts)
    }

    /// `forecast_temp = 11 °C, since_session = 35 min`
    pub fn describe(&self, program: &Program) -> String {
        let mut parts = Vec::new();
        for slot in &self.about {
            let i = *slot as usize;
            let (name, ty) = match program.facts.get(i) {
                Some(f) => (f.path.as_str(), &f.ty),
                None => match program.defines.get(i - program.facts.len()) {
                    Some(d) => (d.name.as_str(), &d.ty),
                    None => continue,
                },
            };
            let value = match self.facts.get(i) {
                Some(v) => v.clone(),
                None => eval::define_values(program, &self.facts, &[name]).pop().unwrap_or_default(),
            };
            parts.push(format!("{name} = {}", value.display(ty, &program.enums, UnitSystem::Metric)));
        }
        parts.join(", ")
    }

    /// The example as a state file a coach can paste and run.
    pub fn to_yaml(&self, program: &Program) -> String {
        let mut out = String::new();
        let mut open: Vec<String> = Vec::new();
        for (fact, value) in program.facts.iter().zip(&self.facts) {
            if value.is_missing() || fact.default.as_ref() == Some(value) {
                continue;
            }
            let Some(text) = yaml_value(program, fact, value) else { continue };
            let parts: Vec<&str> = fact.path.split('.').collect();
            let (groups, leaf) = parts.split_at(parts.len().saturating_sub(1));
            let common = open.iter().zip(groups).take_while(|(a, b)| a == b).count();
            open.truncate(common);
            for group in groups.iter().skip(common) {
                let _ = writeln!(out, "{}{group}:", "  ".repeat(open.len()));
                open.push((*group).to_string());
            }
            let _ = writeln!(out, "{}{}: {text}", "  ".repeat(open.len()), leaf.first().copied().unwrap_or(""));
        }
        out
    }
}

fn yaml_value(program: &Program, fact: &crate::program::Fact, value: &Value) -> Option<String> {
    Some(match value {
        Value::Missing => return None,
        Value::Num(v) => {
            let shown = fact.unit.map_or(*v, |u| u.from_canonical(*v));
            trim(shown)
        }
        Value::Bool(b) => b.to_string(),
        Value::Enum(_) => value.display(&fact.ty, &program.enums, UnitSystem::Metric),
        Value::Text(t) => serde_json::to_string(&**t).ok()?,
        Value::Date(d) => d.format("%Y-%m-%d").to_string(),
        Value::Never => "never".into(),
        Value::Instant(t) => t.to_rfc3339(),
        Value::List(items) if items.is_empty() => "[]".into(),
        Value::Series(r) if r.is_empty() => "[]".into(),
        Value::List(_) | Value::Series(_) => return None,
    })
}

fn trim(v: f64) -> String {
    let s = format!("{:.4}", v);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

fn now() -> Option<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(NOW).ok()
}

/// A value in `interval`, preferring whole multiples of `grain` (a whole
/// number of minutes, of degrees) near its middle. `whole`: only such
/// multiples will do.
pub fn pick(interval: &Interval, grain: f64, whole: bool) -> Option<f64> {
    if interval.is_empty() {
        return None;
    }
    let grain = if grain > 0.0 && grain.is_finite() { grain } else { 1.0 };
    let centre = match (interval.lo.is_finite(), interval.hi.is_finite()) {
        (true, true) => (interval.lo + interval.hi) / 2.0,
        (true, false) => interval.lo + grain,
        (false, true) => interval.hi - grain,
        (false, false) => 0.0,
    };
    let k = (centre / grain).round();
    for candidate in [k, k - 1.0, k + 1.0, (interval.lo / grain).ceil(), (interval.hi / grain).floor()] {
        let x = candidate * grain;
        if x.is_finite() && interval.contains(x) {
            return Some(x);
        }
    }
    if whole {
        return None;
    }
    [centre, interval.lo, interval.hi].into_iter().find(|x| x.is_finite() && interval.contains(*x))
}

/// Build the state a cube describes, or `None` where the analysis cannot
/// write one (a define that is not plain time since a fact).
pub fn build(u: &Universe<'_>, cube: &Cube) -> Option<Example> {
    let program = u.program;
    let now = now()?;
    let mut facts: Vec<Value> = program.facts.iter().map(|f| base_value(f, now)).collect();
    for (slot, cell) in &cube.cells {
        let i = *slot as usize;
        if let Some(fact) = program.facts.get(i) {
            let value = fact_value(u, *slot, fact, cell, now)?;
            *facts.get_mut(i)? = value;
        } else {
            let define = u.define(*slot)?;
            let (fact, value) = define_value(u, &define.expr, cell, now)?;
            *facts.get_mut(fact)? = value;
        }
    }
    // A fact given without the one it requires would be rejected.
    for (i, fact) in program.facts.iter().enumerate() {
        if let Some(r) = fact.requires {
            if !facts.get(i).is_none_or(Value::is_missing) && facts.get(r).is_some_and(Value::is_missing) {
                let required = program.facts.get(r)?;
                *facts.get_mut(r)? = fact_value(u, r as Slot, required, &Cell::Known, now)?;
            }
        }
    }
    if let Some(s) = program.now_slot {
        *facts.get_mut(s as usize)? = Value::Instant(now);
    }
    Some(Example { facts, about: cube.cells.keys().copied().collect() })
}

/// The value a fact has when nothing asks for another: its default, nothing
/// if optional, else a plain value of its type.
fn base_value(fact: &crate::program::Fact, now: DateTime<FixedOffset>) -> Value {
    if let Some(d) = &fact.default {
        return d.clone();
    }
    if fact.optional {
        return Value::Missing;
    }
    plain_value(fact, now)
}

fn plain_value(fact: &crate::program::Fact, now: DateTime<FixedOffset>) -> Value {
    match &fact.ty {
        Ty::Num(_) => {
            let range = Interval::closed(fact.low.unwrap_or(f64::NEG_INFINITY), fact.high.unwrap_or(f64::INFINITY));
            Value::Num(pick(&range, fact.unit.map_or(1.0, |u| u.scale), false).unwrap_or(0.0))
        }
        Ty::Bool => Value::Bool(false),
        Ty::Enum(_) => Value::Enum(0),
        Ty::Text => Value::Text("".into()),
        Ty::Date => Value::Date(now.date_naive()),
        Ty::Instant => Value::Instant(now),
        Ty::List(_) => Value::List(Vec::new().into()),
        Ty::Series(_) => Value::Series(Vec::new().into()),
    }
}

fn fact_value(
    u: &Universe<'_>,
    slot: Slot,
    fact: &crate::program::Fact,
    cell: &Cell,
    now: DateTime<FixedOffset>,
) -> Option<Value> {
    let grain = fact.unit.map_or(1.0, |u| u.scale);
    Some(match cell {
        Cell::Missing => Value::Missing,
        Cell::Num(i) => {
            let SlotKind::Num(range) = &u.info(slot)?.kind else { return None };
            Value::Num(pick(&i.meet(range), grain, false)?)
        }
        Cell::Enum(bits) => Value::Enum(u16::try_from(bits.trailing_zeros()).ok()?),
        Cell::Bool(bits) => Value::Bool(bits & 0b10 != 0),
        Cell::Known => plain_value(fact, now),
    })
}

/// A define that is time since a fact (`since(x)`, `days_since(x)`): the
/// fact's value that gives the define a value in `cell`.
fn define_value(u: &Universe<'_>, expr: &Node, cell: &Cell, now: DateTime<FixedOffset>) -> Option<(usize, Value)> {
    let Node::Call(builtin @ (Builtin::Since | Builtin::DaysSince), args) = expr else { return None };
    let [Node::Slot(fact)] = args.as_slice() else { return None };
    let fact = *fact as usize;
    let interval = match cell {
        Cell::Missing => return Some((fact, Value::Missing)),
        Cell::Num(i) => i.meet(&Interval::closed(0.0, f64::INFINITY)),
        Cell::Known => Interval::closed(0.0, f64::INFINITY),
        _ => return None,
    };
    let _ = u;
    match builtin {
        Builtin::Since => {
            let secs = pick(&interval, 60.0, false)?;
            let at = now.checked_sub_signed(Duration::try_seconds(secs.round() as i64)?)?;
            Some((fact, Value::Instant(at)))
        }
        _ => {
            let secs = pick(&interval, 86_400.0, true)?;
            let date = now.date_naive().checked_sub_signed(Duration::try_days((secs / 86_400.0).round() as i64)?)?;
            Some((fact, Value::Date(date)))
        }
    }
}
