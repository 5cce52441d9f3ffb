//! The registry of builtin functions: name, arity, the kind of each
//! argument, documented method, result type and evaluation. The checker and
//! the evaluator read the argument kinds from here, so a builtin that takes a
//! condition over a series' readings needs no special case in either. Evaluation is pure: time comes from `now`, an input,
//! never from the clock.

use chrono::{DateTime, FixedOffset, NaiveDate, Timelike};

use crate::units::Dim;
use crate::value::{Reading, Ty, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
    LnMeanLast,
    LnSdLast,
    Streak,
    Slope,
    FirstKnown,
    CountLast,
    CountWhere,
    MinLast,
    MaxLast,
    Words,
    TimeOfDay,
}

/// What one argument of a builtin must be. The checker checks each argument
/// against its kind before asking `result_type` for the call's type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Param {
    Instant,
    Date,
    /// A number or a quantity of any dimension.
    Quantity,
    /// A quantity of the first argument's dimension (`round`'s step, `min`'s
    /// other arguments).
    LikeFirst,
    /// Any type; the checker hands the first argument's type down as a hint.
    SameAsFirst,
    Series,
    SeriesOrList,
    /// A duration counted in whole days back from the date of `now`.
    Window,
    /// A condition evaluated once per reading of the series given as the
    /// first argument; inside it the reading's field name stands for that
    /// reading's value.
    Condition,
    /// A true/false value (an unknown one counts as false where said).
    Flag,
    Text,
}

impl Param {
    fn describe(self) -> &'static str {
        match self {
            Param::Instant => "expected an instant",
            Param::Date => "expected a date",
            Param::Quantity => "expected a number or quantity",
            Param::LikeFirst => "expected the same kind of quantity as the first argument",
            Param::SameAsFirst => "every argument must have the type of the first",
            Param::Series => "expected a series of readings",
            Param::SeriesOrList => "expected a series or a list",
            Param::Window => "expected a duration, like `7d`",
            Param::Condition => "expected a condition on the reading",
            Param::Flag => "expected a condition (true/false)",
            Param::Text => "expected text in double quotes",
        }
    }

    /// Whether an argument of type `ty` fits, given the first argument's type.
    fn accepts(self, ty: &Ty, first: Option<&Ty>) -> bool {
        match (self, ty) {
            (Param::Instant, Ty::Instant) | (Param::Date, Ty::Date) => true,
            (Param::Quantity, Ty::Num(_)) => true,
            (Param::LikeFirst, Ty::Num(_)) | (Param::SameAsFirst, _) => first.is_none_or(|f| f == ty),
            (Param::Series, Ty::Series(_)) | (Param::SeriesOrList, Ty::Series(_) | Ty::List(_)) => true,
            (Param::Window, Ty::Num(d)) => *d == Dim::TIME,
            (Param::Condition | Param::Flag, Ty::Bool) | (Param::Text, Ty::Text) => true,
            _ => false,
        }
    }
}

pub struct BuiltinInfo {
    pub name: &'static str,
    pub builtin: Builtin,
    pub min_args: usize,
    /// `usize::MAX` for any number.
    pub max_args: usize,
    /// The kind of each argument; the last one repeats for a builtin that
    /// takes any number.
    pub params: &'static [Param],
    pub signature: &'static str,
    /// What it computes and how, shown by `recoup explain --builtins` and in
    /// the README.
    pub doc: &'static str,
}

pub const BUILTINS: &[BuiltinInfo] = &[
    BuiltinInfo { name: "since", builtin: Builtin::Since, min_args: 1, max_args: 1, params: &[Param::Instant],
        signature: "since(instant) -> duration",
        doc: "Time from the instant to `now`. Negative if the instant lies after `now`." },
    BuiltinInfo { name: "until", builtin: Builtin::Until, min_args: 1, max_args: 1, params: &[Param::Instant],
        signature: "until(instant) -> duration",
        doc: "Time from `now` to the instant. Negative if the instant has passed." },
    BuiltinInfo { name: "days_since", builtin: Builtin::DaysSince, min_args: 1, max_args: 1, params: &[Param::Date],
        signature: "days_since(date) -> duration",
        doc: "Whole calendar days from the date to the date of `now` (in `now`'s offset). `never` gives an endless duration, so `days_since(x) > 30d` holds for something never done." },
    BuiltinInfo { name: "date", builtin: Builtin::Date, min_args: 1, max_args: 1, params: &[Param::Instant],
        signature: "date(instant) -> date",
        doc: "The calendar date of the instant in `now`'s offset, so `date(next_session.at) - date(last_session.ended_at)` counts calendar days as the athlete lives them (`1d` = the next day), whatever the hours." },
    BuiltinInfo { name: "months_since", builtin: Builtin::MonthsSince, min_args: 1, max_args: 1, params: &[Param::Date],
        signature: "months_since(date) -> number",
        doc: "Calendar days since the date divided by 30.44 (the mean month), as a plain number. `never` gives infinity." },
    BuiltinInfo { name: "round", builtin: Builtin::Round, min_args: 1, max_args: 2, params: &[Param::Quantity, Param::LikeFirst],
        signature: "round(x[, step]) -> same as x",
        doc: "Rounds to the nearest multiple of `step` (same dimension as `x`; default 1 in the canonical unit), halves away from zero." },
    BuiltinInfo { name: "min", builtin: Builtin::Min, min_args: 2, max_args: usize::MAX, params: &[Param::Quantity, Param::LikeFirst],
        signature: "min(a, b, ...) -> same as a",
        doc: "The smallest argument; unknown if any argument is unknown." },
    BuiltinInfo { name: "max", builtin: Builtin::Max, min_args: 2, max_args: usize::MAX, params: &[Param::Quantity, Param::LikeFirst],
        signature: "max(a, b, ...) -> same as a",
        doc: "The largest argument; unknown if any argument is unknown." },
    BuiltinInfo { name: "abs", builtin: Builtin::Abs, min_args: 1, max_args: 1, params: &[Param::Quantity],
        signature: "abs(x) -> same as x",
        doc: "The magnitude of `x`." },
    BuiltinInfo { name: "count", builtin: Builtin::Count, min_args: 1, max_args: 1, params: &[Param::SeriesOrList],
        signature: "count(series or list) -> number",
        doc: "How many readings or items there are." },
    BuiltinInfo { name: "last", builtin: Builtin::Last, min_args: 1, max_args: 1, params: &[Param::SeriesOrList],
        signature: "last(series or list) -> reading value or item",
        doc: "The newest reading of a series (by date), or the last item of a list; unknown when empty." },
    BuiltinInfo { name: "mean", builtin: Builtin::Mean, min_args: 1, max_args: 1, params: &[Param::SeriesOrList],
        signature: "mean(series or list of quantities) -> quantity",
        doc: "The arithmetic mean of all readings or items; unknown when empty." },
    BuiltinInfo { name: "mean_last", builtin: Builtin::MeanLast, min_args: 2, max_args: 2, params: &[Param::Series, Param::Window],
        signature: "mean_last(series, window) -> quantity",
        doc: "The mean of the readings dated within `window` (a duration, counted in whole days) up to and including the date of `now`; unknown when none fall inside." },
    BuiltinInfo { name: "ln_mean_last", builtin: Builtin::LnMeanLast, min_args: 2, max_args: 2, params: &[Param::Series, Param::Window],
        signature: "ln_mean_last(series, window) -> number",
        doc: "The mean of the natural logarithms of the readings dated within `window` up to the date of `now` (ln rMSSD, as HRV apps average it); unknown when none fall inside or a reading is not positive." },
    BuiltinInfo { name: "ln_sd_last", builtin: Builtin::LnSdLast, min_args: 2, max_args: 2, params: &[Param::Series, Param::Window],
        signature: "ln_sd_last(series, window) -> number",
        doc: "The sample standard deviation of the natural logarithms of the readings within `window` up to the date of `now`; unknown with fewer than 2 readings or a reading that is not positive." },
    BuiltinInfo { name: "streak", builtin: Builtin::Streak, min_args: 2, max_args: 2, params: &[Param::Series, Param::Condition],
        signature: "streak(series, condition) -> number",
        doc: "Consecutive days, counted back from the newest reading, on which `condition` holds; inside the condition the reading's field name stands for that day's value. The newest reading must be from the day of `now` or the day before, and a missing day ends the streak: `consecutive` means calendar days." },
    BuiltinInfo { name: "slope", builtin: Builtin::Slope, min_args: 2, max_args: 2, params: &[Param::Series, Param::Window],
        signature: "slope(series, window) -> quantity per time",
        doc: "Least-squares change per day of the readings within `window` up to the date of `now` (compare with e.g. `-1 ms/d`); unknown with fewer than 3 readings." },
    BuiltinInfo { name: "first_known", builtin: Builtin::FirstKnown, min_args: 2, max_args: usize::MAX, params: &[Param::SameAsFirst],
        signature: "first_known(a, b, ...) -> same as a",
        doc: "The first argument that is known: prefer a value computed from raw readings, fall back on the summary field." },
    BuiltinInfo { name: "count_last", builtin: Builtin::CountLast, min_args: 2, max_args: 2, params: &[Param::Series, Param::Window],
        signature: "count_last(series, window) -> number",
        doc: "How many readings are dated within `window` (whole days) up to and including the date of `now`: `count_last(hrv.readings, 7d)` is the mornings measured this week. 0 when none fall inside; unknown only without `now`." },
    BuiltinInfo { name: "count_where", builtin: Builtin::CountWhere, min_args: 3, max_args: 3, params: &[Param::Series, Param::Window, Param::Condition],
        signature: "count_where(series, window, condition) -> number",
        doc: "How many readings within `window` (as `count_last`) satisfy `condition`, in which the reading's field name stands for its value: `count_where(hrv.readings, 7d, rmssd < hrv_base)` is the days of the week below baseline, missing days not counted. 0 when none fall inside; unknown if the condition is unknown for a reading inside." },
    BuiltinInfo { name: "min_last", builtin: Builtin::MinLast, min_args: 2, max_args: 2, params: &[Param::Series, Param::Window],
        signature: "min_last(series, window) -> quantity",
        doc: "The lowest reading within `window` (as `count_last`); unknown when none fall inside." },
    BuiltinInfo { name: "max_last", builtin: Builtin::MaxLast, min_args: 2, max_args: 2, params: &[Param::Series, Param::Window],
        signature: "max_last(series, window) -> quantity",
        doc: "The highest reading within `window` (as `count_last`); unknown when none fall inside." },
    BuiltinInfo { name: "words", builtin: Builtin::Words, min_args: 2, max_args: usize::MAX, params: &[Param::Flag, Param::Text],
        signature: "words(condition, \"text\", condition, \"text\", ...) -> text",
        doc: "The texts whose condition holds, in order, joined as a list (`a, b and c`); an unknown condition counts as not holding, and none holding gives empty text. For advice that names every sign present, not only the first." },
    BuiltinInfo { name: "time_of_day", builtin: Builtin::TimeOfDay, min_args: 1, max_args: 1, params: &[Param::Instant],
        signature: "time_of_day(instant) -> duration",
        doc: "The clock time of the instant in `now`'s offset, as the time since that day's midnight (0 to just under 24h): `time_of_day(now) >= 17h` holds from 17:00, so advice can say \"this evening\" only when it is evening." },
];

pub fn lookup(name: &str) -> Option<&'static BuiltinInfo> {
    BUILTINS.iter().find(|b| b.name == name)
}

impl BuiltinInfo {
    /// The kind of argument `index` (the last kind repeats).
    pub fn param(&self, index: usize) -> Option<Param> {
        // `words` takes condition-text pairs: its kinds cycle.
        if self.builtin == Builtin::Words {
            return self.params.get(index % 2).copied();
        }
        self.params.get(index).or(self.params.last()).copied()
    }

    /// The argument that is a condition over the readings, if any.
    pub fn condition_arg(&self) -> Option<usize> {
        self.params.iter().position(|p| *p == Param::Condition)
    }
}

/// A builtin's registry entry. `BUILTINS` lists them in the enum's order, so
/// this is an index on the evaluator's path (a test keeps the orders equal).
pub fn info(builtin: Builtin) -> Option<&'static BuiltinInfo> {
    BUILTINS
        .get(builtin as usize)
        .filter(|b| b.builtin == builtin)
        .or_else(|| BUILTINS.iter().find(|b| b.builtin == builtin))
}

/// The argument that is a condition over the readings of a builtin, if any.
pub fn condition_arg(builtin: Builtin) -> Option<usize> {
    info(builtin).and_then(BuiltinInfo::condition_arg)
}

/// A type error in a call: which argument, and what was wrong.
pub struct ArgError {
    pub index: usize,
    pub message: String,
}

fn arg_err(index: usize, message: impl Into<String>) -> ArgError {
    ArgError { index, message: message.into() }
}

/// The result type of a call, or which argument is wrong: each argument is
/// checked against its declared kind, then the result follows from the
/// arguments' types.
pub fn result_type(builtin: Builtin, args: &[Ty]) -> Result<Ty, ArgError> {
    let info = info(builtin).ok_or_else(|| arg_err(0, "unknown builtin"))?;
    let first = args.first().cloned().unwrap_or(Ty::Bool);
    for (i, ty) in args.iter().enumerate() {
        let param = info.param(i).unwrap_or(Param::SameAsFirst);
        if !param.accepts(ty, (i > 0).then_some(&first)) {
            let message = match (param, &first) {
                (Param::LikeFirst, Ty::Num(d)) => {
                    format!("expected {} like the first argument", Ty::Num(*d).describe(&[]))
                }
                _ => param.describe().to_string(),
            };
            return Err(arg_err(i, message));
        }
    }
    let series_dim = match &first {
        Ty::Series(d) => *d,
        _ => Dim::NONE,
    };
    Ok(match builtin {
        Builtin::Since | Builtin::Until | Builtin::DaysSince | Builtin::TimeOfDay => Ty::Num(Dim::TIME),
        Builtin::Date => Ty::Date,
        Builtin::MonthsSince
        | Builtin::Count
        | Builtin::Streak
        | Builtin::CountLast
        | Builtin::CountWhere
        | Builtin::LnMeanLast
        | Builtin::LnSdLast => Ty::Num(Dim::NONE),
        Builtin::Round | Builtin::Min | Builtin::Max | Builtin::Abs | Builtin::FirstKnown => first,
        Builtin::Words if args.len() % 2 == 1 => {
            return Err(arg_err(
                args.len() - 1,
                "expected a text after this condition: `words(condition, \"text\", ...)`",
            ));
        }
        Builtin::Words => Ty::Text,
        Builtin::MeanLast | Builtin::MinLast | Builtin::MaxLast => Ty::Num(series_dim),
        Builtin::Slope => Ty::Num(series_dim.div(Dim::TIME)),
        Builtin::Last => match first {
            Ty::List(item) => *item,
            _ => Ty::Num(series_dim),
        },
        Builtin::Mean => match first {
            Ty::List(item) => match *item {
                Ty::Num(d) => Ty::Num(d),
                _ => return Err(arg_err(0, "expected a series or a list of numbers")),
            },
            _ => Ty::Num(series_dim),
        },
    })
}

const DAY: f64 = 86_400.0;
const MEAN_MONTH_DAYS: f64 = 30.4375;

fn today(now: Option<DateTime<FixedOffset>>) -> Option<NaiveDate> {
    now.map(|n| n.date_naive())
}

/// Evaluate a builtin over evaluated arguments. Builtins with a condition
/// argument go through `call_with_condition`.
pub fn call(builtin: Builtin, args: &[Value], now: Option<DateTime<FixedOffset>>) -> Value {
    if builtin == Builtin::FirstKnown {
        return args.iter().find(|v| !v.is_missing()).cloned().unwrap_or(Value::Missing);
    }
    if builtin == Builtin::Words {
        return words(args);
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
        (Builtin::TimeOfDay, Value::Instant(t)) => {
            let local = now.map_or_else(|| t.naive_local(), |n| t.with_timezone(n.offset()).naive_local());
            Some(Value::Num(f64::from(local.time().num_seconds_from_midnight())))
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
        (Builtin::LnMeanLast | Builtin::LnSdLast, Value::Series(r)) => {
            let days = num(args.get(1)).map(|w| (w / DAY).round() as i64);
            match (days, today(now)) {
                (Some(days), Some(today)) => {
                    let logs: Option<Vec<f64>> =
                        window(r, today, days).map(|r| (r.value > 0.0).then(|| r.value.ln())).collect();
                    logs.and_then(|l| if builtin == Builtin::LnMeanLast { mean(l.into_iter()) } else { sample_sd(&l) })
                }
                _ => None,
            }
        }
        (
            Builtin::MeanLast | Builtin::Slope | Builtin::CountLast | Builtin::MinLast | Builtin::MaxLast,
            Value::Series(r),
        ) => {
            let days = num(args.get(1)).map(|w| (w / DAY).round() as i64);
            let (Some(days), Some(today)) = (days, today(now)) else { return Value::Missing };
            let inside = window(r, today, days).map(|r| r.value);
            match builtin {
                Builtin::MeanLast => mean(inside),
                Builtin::CountLast => Some(Value::Num(inside.count() as f64)),
                Builtin::MinLast => inside.reduce(f64::min).map(Value::Num),
                Builtin::MaxLast => inside.reduce(f64::max).map(Value::Num),
                _ => slope_per_second(window(r, today, days), today),
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

/// `words`: the texts of the pairs whose condition is true, as "a, b and c".
fn words(args: &[Value]) -> Value {
    let chosen: Vec<&str> = args
        .chunks(2)
        .filter_map(|pair| match pair {
            [Value::Bool(true), Value::Text(t)] => Some(&**t),
            _ => None,
        })
        .collect();
    let text = match chosen.split_last() {
        None => String::new(),
        Some((last, [])) => (*last).to_string(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    };
    Value::Text(text.into())
}

/// Sample standard deviation (n - 1); needs two values.
fn sample_sd(values: &[f64]) -> Option<Value> {
    let n = values.len();
    if n < 2 {
        return None;
    }
    let m = values.iter().sum::<f64>() / n as f64;
    let var = values.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (n - 1) as f64;
    Some(Value::Num(var.sqrt()))
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

/// Evaluate a builtin whose `condition_arg` is a condition over the readings
/// of its first argument. `args` holds every other argument evaluated, in
/// order, with the condition's place left `Missing`; `holds` evaluates the
/// condition for one reading's value.
pub fn call_with_condition(
    builtin: Builtin,
    args: &[Value],
    now: Option<DateTime<FixedOffset>>,
    holds: impl FnMut(f64) -> Value,
) -> Value {
    let Some(Value::Series(readings)) = args.first() else { return Value::Missing };
    match builtin {
        Builtin::Streak => streak(readings, now, holds),
        Builtin::CountWhere => match (args.get(1), today(now)) {
            (Some(Value::Num(w)), Some(today)) => count_where(window(readings, today, (w / DAY).round() as i64), holds),
            _ => Value::Missing,
        },
        _ => Value::Missing,
    }
}

fn count_where<'a>(inside: impl Iterator<Item = &'a Reading>, mut holds: impl FnMut(f64) -> Value) -> Value {
    let mut count = 0u32;
    for reading in inside {
        match holds(reading.value) {
            Value::Bool(true) => count += 1,
            Value::Bool(false) => {}
            _ => return Value::Missing,
        }
    }
    Value::Num(f64::from(count))
}

/// The newest-first run of consecutive calendar days, each reading passing
/// `holds`; see `streak`'s doc.
fn streak(readings: &[Reading], now: Option<DateTime<FixedOffset>>, mut holds: impl FnMut(f64) -> Value) -> Value {
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
