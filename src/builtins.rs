//! The registry of builtin functions: name, arity, documented method, type
//! rule and evaluation. Evaluation is pure: time comes from `now`, an input,
//! never from the clock.

use chrono::{DateTime, FixedOffset, NaiveDate};

use crate::units::Dim;
use crate::value::{Reading, Ty, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Builtin {
    Since,
    Until,
    DaysSince,
    Date,
    MonthsSince,
    Round,
    Min,
    Max,
    Abs,
    Count,
    Last,
    Mean,
    MeanLast,
    Streak,
    Slope,
    FirstKnown,
}

pub struct BuiltinInfo {
    pub name: &'static str,
    pub builtin: Builtin,
    pub min_args: usize,
    /// `usize::MAX` for any number.
    pub max_args: usize,
    pub signature: &'static str,
    /// What it computes and how, shown by `recoup explain --builtins` and in
    /// the README.
    pub doc: &'static str,
}

pub const BUILTINS: &[BuiltinInfo] = &[
    BuiltinInfo { name: "since", builtin: Builtin::Since, min_args: 1, max_args: 1, signature: "since(instant) -> duration",
        doc: "Time from the instant to `now`. Negative if the instant lies after `now`." },
    BuiltinInfo { name: "until", builtin: Builtin::Until, min_args: 1, max_args: 1, signature: "until(instant) -> duration",
        doc: "Time from `now` to the instant. Negative if the instant has passed." },
    BuiltinInfo { name: "days_since", builtin: Builtin::DaysSince, min_args: 1, max_args: 1, signature: "days_since(date) -> duration",
        doc: "Whole calendar days from the date to the date of `now` (in `now`'s offset). `never` gives an endless duration, so `days_since(x) > 30d` holds for something never done." },
    BuiltinInfo { name: "date", builtin: Builtin::Date, min_args: 1, max_args: 1, signature: "date(instant) -> date",
        doc: "The calendar date of the instant in `now`'s offset, so `date(next_session.at) - date(last_session.ended_at)` counts calendar days as the athlete lives them (`1d` = the next day), whatever the hours." },
    BuiltinInfo { name: "months_since", builtin: Builtin::MonthsSince, min_args: 1, max_args: 1, signature: "months_since(date) -> number",
        doc: "Calendar days since the date divided by 30.44 (the mean month), as a plain number. `never` gives infinity." },
    BuiltinInfo { name: "round", builtin: Builtin::Round, min_args: 1, max_args: 2, signature: "round(x[, step]) -> same as x",
        doc: "Rounds to the nearest multiple of `step` (same dimension as `x`; default 1 in the canonical unit), halves away from zero." },
    BuiltinInfo { name: "min", builtin: Builtin::Min, min_args: 2, max_args: usize::MAX, signature: "min(a, b, ...) -> same as a",
        doc: "The smallest argument; unknown if any argument is unknown." },
    BuiltinInfo { name: "max", builtin: Builtin::Max, min_args: 2, max_args: usize::MAX, signature: "max(a, b, ...) -> same as a",
        doc: "The largest argument; unknown if any argument is unknown." },
    BuiltinInfo { name: "abs", builtin: Builtin::Abs, min_args: 1, max_args: 1, signature: "abs(x) -> same as x",
        doc: "The magnitude of `x`." },
    BuiltinInfo { name: "count", builtin: Builtin::Count, min_args: 1, max_args: 1, signature: "count(series or list) -> number",
        doc: "How many readings or items there are." },
    BuiltinInfo { name: "last", builtin: Builtin::Last, min_args: 1, max_args: 1, signature: "last(series or list) -> reading value or item",
        doc: "The newest reading of a series (by date), or the last item of a list; unknown when empty." },
    BuiltinInfo { name: "mean", builtin: Builtin::Mean, min_args: 1, max_args: 1, signature: "mean(series or list of quantities) -> quantity",
        doc: "The arithmetic mean of all readings or items; unknown when empty." },
    BuiltinInfo { name: "mean_last", builtin: Builtin::MeanLast, min_args: 2, max_args: 2, signature: "mean_last(series, window) -> quantity",
        doc: "The mean of the readings dated within `window` (a duration, counted in whole days) up to and including the date of `now`; unknown when none fall inside." },
    BuiltinInfo { name: "streak", builtin: Builtin::Streak, min_args: 2, max_args: 2, signature: "streak(series, condition) -> number",
        doc: "Consecutive days, counted back from the newest reading, on which `condition` holds; inside the condition the reading's field name stands for that day's value. The newest reading must be from the day of `now` or the day before, and a missing day ends the streak: `consecutive` means calendar days." },
    BuiltinInfo { name: "slope", builtin: Builtin::Slope, min_args: 2, max_args: 2, signature: "slope(series, window) -> quantity per time",
        doc: "Least-squares change per day of the readings within `window` up to the date of `now` (compare with e.g. `-1 ms/d`); unknown with fewer than 3 readings." },
    BuiltinInfo { name: "first_known", builtin: Builtin::FirstKnown, min_args: 2, max_args: usize::MAX, signature: "first_known(a, b, ...) -> same as a",
        doc: "The first argument that is known: prefer a value computed from raw readings, fall back on the summary field." },
];

pub fn lookup(name: &str) -> Option<&'static BuiltinInfo> {
    BUILTINS.iter().find(|b| b.name == name)
}

/// A type error in a call: which argument, and what was wrong.
pub struct ArgError {
    pub index: usize,
    pub message: String,
}

fn arg_err(index: usize, message: impl Into<String>) -> ArgError {
    ArgError { index, message: message.into() }
}

/// The result type of a call, or which argument is wrong. `Streak`'s second
/// argument is checked by the caller (it needs the series in scope) and
/// arrives here as `Ty::Bool`.
pub fn result_type(builtin: Builtin, args: &[Ty]) -> Result<Ty, ArgError> {
    let first = args.first().cloned().unwrap_or(Ty::Bool);
    let num = |i: usize| -> Result<Dim, ArgError> {
        match args.get(i) {
            Some(Ty::Num(d)) => Ok(*d),
            _ => Err(arg_err(i, "expected a number or quantity")),
        }
    };
    let series = |i: usize| -> Result<Dim, ArgError> {
        match args.get(i) {
            Some(Ty::Series(d)) => Ok(*d),
            _ => Err(arg_err(i, "expected a series of readings")),
        }
    };
    let window = |i: usize| -> Result<(), ArgError> {
        match args.get(i) {
            Some(Ty::Num(d)) if *d == Dim::TIME => Ok(()),
            _ => Err(arg_err(i, "expected a duration, like `7d`")),
        }
    };
    match builtin {
        Builtin::Since | Builtin::Until => match first {
            Ty::Instant => Ok(Ty::Num(Dim::TIME)),
            _ => Err(arg_err(0, "expected an instant")),
        },
        Builtin::DaysSince => match first {
            Ty::Date => Ok(Ty::Num(Dim::TIME)),
            _ => Err(arg_err(0, "expected a date")),
        },
        Builtin::Date => match first {
            Ty::Instant => Ok(Ty::Date),
            _ => Err(arg_err(0, "expected an instant")),
        },
        Builtin::MonthsSince => match first {
            Ty::Date => Ok(Ty::Num(Dim::NONE)),
            _ => Err(arg_err(0, "expected a date")),
        },
        Builtin::Round => {
            let d = num(0)?;
            if args.len() == 2 && num(1)? != d {
                return Err(arg_err(1, format!("the step must be a {} like the value", d.describe())));
            }
            Ok(Ty::Num(d))
        }
        Builtin::Min | Builtin::Max => {
            let d = num(0)?;
            for i in 1..args.len() {
                if num(i)? != d {
                    return Err(arg_err(i, format!("expected a {} like the first argument", d.describe())));
                }
            }
            Ok(Ty::Num(d))
        }
        Builtin::Abs => Ok(Ty::Num(num(0)?)),
        Builtin::Count => match first {
            Ty::Series(_) | Ty::List(_) => Ok(Ty::Num(Dim::NONE)),
            _ => Err(arg_err(0, "expected a series or a list")),
        },
        Builtin::Last => match first {
            Ty::Series(d) => Ok(Ty::Num(d)),
            Ty::List(item) => Ok(*item),
            _ => Err(arg_err(0, "expected a series or a list")),
        },
        Builtin::Mean => match first {
            Ty::Series(d) => Ok(Ty::Num(d)),
            Ty::List(item) => match *item {
                Ty::Num(d) => Ok(Ty::Num(d)),
                _ => Err(arg_err(0, "expected a list of numbers")),
            },
            _ => Err(arg_err(0, "expected a series or a list of numbers")),
        },
        Builtin::MeanLast => {
            let d = series(0)?;
            window(1)?;
            Ok(Ty::Num(d))
        }
        Builtin::Streak => {
            series(0)?;
            Ok(Ty::Num(Dim::NONE))
        }
        Builtin::Slope => {
            let d = series(0)?;
            window(1)?;
            Ok(Ty::Num(d.div(Dim::TIME)))
        }
        Builtin::FirstKnown => {
            for (i, ty) in args.iter().enumerate().skip(1) {
                if *ty != first {
                    return Err(arg_err(i, "every argument must have the type of the first"));
                }
            }
            Ok(first)
        }
    }
}

const DAY: f64 = 86_400.0;
const MEAN_MONTH_DAYS: f64 = 30.4375;

fn today(now: Option<DateTime<FixedOffset>>) -> Option<NaiveDate> {
    now.map(|n| n.date_naive())
}

/// Evaluate a builtin over evaluated arguments. `Streak` is evaluated by
/// `eval`, which owns the predicate.
pub fn call(builtin: Builtin, args: &[Value], now: Option<DateTime<FixedOffset>>) -> Value {
    if builtin == Builtin::FirstKnown {
        return args.iter().find(|v| !v.is_missing()).cloned().unwrap_or(Value::Missing);
    }
    if args.iter().any(Value::is_missing) {
        return Value::Missing;
    }
    let first = args.first().unwrap_or(&Value::Missing);
    let num = |v: Option<&Value>| match v {
        Some(Value::Num(x)) => Some(*x),
        _ => None,
    };
    let result = match (builtin, first) {
        (Builtin::Since, Value::Instant(t)) => now.map(|n| Value::Num((n - *t).num_seconds() as f64)),
        (Builtin::Until, Value::Instant(t)) => now.map(|n| Value::Num((*t - n).num_seconds() as f64)),
        (Builtin::DaysSince, Value::Date(d)) => today(now).map(|t| Value::Num((t - *d).num_days() as f64 * DAY)),
        (Builtin::Date, Value::Instant(t)) => {
            Some(Value::Date(now.map_or_else(|| t.date_naive(), |n| t.with_timezone(n.offset()).date_naive())))
        }
        (Builtin::MonthsSince, Value::Date(d)) => {
            today(now).map(|t| Value::Num((t - *d).num_days() as f64 / MEAN_MONTH_DAYS))
        }
        (Builtin::DaysSince | Builtin::MonthsSince, Value::Never) => Some(Value::Num(f64::INFINITY)),
        (Builtin::Round, Value::Num(x)) => {
            let step = num(args.get(1)).unwrap_or(1.0);
            (step != 0.0 && step.is_finite()).then(|| Value::Num((x / step).round() * step))
        }
        (Builtin::Min | Builtin::Max, _) => {
            let pick = if builtin == Builtin::Min { f64::min } else { f64::max };
            args.iter()
                .try_fold(None, |acc: Option<f64>, a| num(Some(a)).map(|x| Some(acc.map_or(x, |m| pick(m, x)))))
                .flatten()
                .map(Value::Num)
        }
        (Builtin::Abs, Value::Num(x)) => Some(Value::Num(x.abs())),
        (Builtin::Count, Value::Series(r)) => Some(Value::Num(r.len() as f64)),
        (Builtin::Count, Value::List(l)) => Some(Value::Num(l.len() as f64)),
        (Builtin::Last, Value::Series(r)) => r.last().map(|r| Value::Num(r.value)),
        (Builtin::Last, Value::List(l)) => l.last().cloned(),
        (Builtin::Mean, Value::Series(r)) => mean(r.iter().map(|r| r.value)),
        (Builtin::Mean, Value::List(l)) => mean(l.iter().filter_map(|v| num(Some(v)))),
        (Builtin::MeanLast | Builtin::Slope, Value::Series(r)) => {
            let days = num(args.get(1)).map(|w| (w / DAY).round() as i64);
            match (days, today(now)) {
                (Some(days), Some(today)) if builtin == Builtin::MeanLast => {
                    mean(window(r, today, days).map(|r| r.value))
                }
                (Some(days), Some(today)) => slope_per_second(window(r, today, days), today),
                _ => None,
            }
        }
        _ => None,
    };
    result.unwrap_or(Value::Missing)
}

/// Readings dated within the last `days` days up to and including `today`.
fn window(readings: &[Reading], today: NaiveDate, days: i64) -> impl Iterator<Item = &Reading> {
    readings.iter().filter(move |r| {
        let age = (today - r.date).num_days();
        (0..days).contains(&age)
    })
}

fn mean(values: impl Iterator<Item = f64>) -> Option<Value> {
    let (sum, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| Value::Num(sum / n as f64))
}

fn slope_per_second<'a>(readings: impl Iterator<Item = &'a Reading>, today: NaiveDate) -> Option<Value> {
    let points: Vec<(f64, f64)> = readings.map(|r| (-(today - r.date).num_days() as f64, r.value)).collect();
    if points.len() < 3 {
        return None;
    }
    let n = points.len() as f64;
    let mx = points.iter().map(|p| p.0).sum::<f64>() / n;
    let my = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = points.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    (sxx > 0.0).then(|| Value::Num(sxy / sxx / DAY))
}

/// The newest-first run of consecutive calendar days, each reading passing
/// `holds`; see `streak`'s doc.
pub fn streak(readings: &[Reading], now: Option<DateTime<FixedOffset>>, mut holds: impl FnMut(f64) -> Value) -> Value {
    let Some(today) = today(now) else {
        return Value::Missing;
    };
    let mut count = 0u32;
    let mut expected: Option<NaiveDate> = None;
    for reading in readings.iter().rev() {
        match expected {
            None if (today - reading.date).num_days() > 1 => break,
            Some(day) if reading.date != day => break,
            _ => {}
        }
        match holds(reading.value) {
            Value::Bool(true) => count += 1,
            Value::Bool(false) => break,
            _ => return Value::Missing,
        }
        expected = reading.date.pred_opt();
    }
    Value::Num(f64::from(count))
}

#[cfg(test)]
mod tests;
