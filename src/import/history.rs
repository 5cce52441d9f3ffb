//! The athlete's history: what `recoup import` gathered (morning readings,
//! nightly sleep, sessions), kept in a file of its own beside the coach's
//! `state.yaml`, and the state facts derived from it.
//!
//! The file is YAML that `recoup import` writes whole (and atomically) on
//! every import; the coach's state file is never written. Units are fixed and
//! written in the file's header: rMSSD in ms, heart rate in bpm, sleep in
//! hours, session duration in seconds, distance in metres, session starts as
//! UTC instants, reading dates as the athlete's local days.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, Utc};

use crate::diagnostic::{Diagnostic, SourceFile, Span};
use crate::fact_schema::FactSchema;
use crate::value::{Reading, Value};
use crate::yaml::{self, Value as Yaml};

/// How far a GPS watch's reading of a marathon (42,195 m) may stray: GPS
/// tracks run long on bends (1-3 % is common) and a little short under
/// trees. Anything longer is an ultra, which is not a marathon.
pub const MARATHON_LOW_M: f64 = 41_700.0;
pub const MARATHON_HIGH_M: f64 = 43_500.0;

/// How close two session starts must be to be the same session seen by two
/// sources (a watch's FIT file and a platform's CSV of the same run).
pub const SAME_SESSION_S: i64 = 120;

/// How many complete weeks `training.weekly_volume` covers at most.
pub const VOLUME_WEEKS: usize = 8;

/// One training session.
#[derive(Clone, Debug, PartialEq)]
pub struct Session {
    pub start: DateTime<Utc>,
    /// `running`, `cycling`, `swimming`, ... (FIT's sport names; CSV types
    /// are mapped to them).
    pub sport: String,
    /// Elapsed time, seconds.
    pub duration_s: f64,
    /// Metres.
    pub distance_m: Option<f64>,
    pub avg_hr: Option<f64>,
    pub max_hr: Option<f64>,
}

impl Session {
    pub fn end(&self) -> DateTime<Utc> {
        self.start + Duration::milliseconds((self.duration_s * 1000.0).round() as i64)
    }
    pub fn is_run(&self) -> bool {
        self.sport == "running"
    }
    /// A run within GPS tolerance of 42.195 km. Ultras are not marathons.
    pub fn is_marathon(&self) -> bool {
        self.is_run() && self.distance_m.is_some_and(|d| (MARATHON_LOW_M..=MARATHON_HIGH_M).contains(&d))
    }
}

/// Everything imported, keyed so that importing the same export twice adds
/// nothing: readings and nights by date, sessions by start time.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct History {
    pub hrv: BTreeMap<NaiveDate, f64>,
    pub resting_hr: BTreeMap<NaiveDate, f64>,
    /// Hours asleep in the night that ended on that morning.
    pub sleep: BTreeMap<NaiveDate, f64>,
    /// Sorted by start.
    pub sessions: Vec<Session>,
}

/// What an import added to or changed in a history.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Changes {
    pub added: usize,
    pub changed: usize,
    pub unchanged: usize,
    /// One line per addition or change, for `--dry-run`.
    pub lines: Vec<String>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.added == 0 && self.changed == 0
    }
}

fn same(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

impl History {
    /// Fold `new` into this history. A reading for a date already held is
    /// replaced by the newer import's value; a session starting within
    /// [`SAME_SESSION_S`] of one held is the same session.
    pub fn merge(&mut self, new: &History) -> Changes {
        let mut changes = Changes::default();
        for (what, unit, mine, theirs) in [
            ("HRV", "ms", &mut self.hrv, &new.hrv),
            ("resting HR", "bpm", &mut self.resting_hr, &new.resting_hr),
            ("sleep", "h", &mut self.sleep, &new.sleep),
        ] {
            for (date, value) in theirs {
                match mine.insert(*date, *value) {
                    None => {
                        changes.added += 1;
                        changes.lines.push(format!("add {what} {date}: {} {unit}", show(*value)));
                    }
                    Some(old) if same(old, *value) => changes.unchanged += 1,
                    Some(old) => {
                        changes.changed += 1;
                        changes.lines.push(format!("change {what} {date}: {} → {} {unit}", show(old), show(*value)));
                    }
                }
            }
        }
        for session in &new.sessions {
            let held = self
                .sessions
                .iter_mut()
                .find(|s| (s.start - session.start).num_seconds().abs() <= SAME_SESSION_S && s.sport == session.sport);
            match held {
                None => {
                    changes.added += 1;
                    changes.lines.push(format!("add session {}", describe(session)));
                    self.sessions.push(session.clone());
                }
                Some(old) if old == session => changes.unchanged += 1,
                Some(old) => {
                    // The first source seen keeps the start time, so that a
                    // later import of the other source matches it again.
                    let updated = Session { start: old.start, ..session.clone() };
                    if *old == updated {
                        changes.unchanged += 1;
                    } else {
                        changes.changed += 1;
                        changes.lines.push(format!("change session {}", describe(&updated)));
                        *old = updated;
                    }
                }
            }
        }
        self.sessions.sort_by_key(|s| s.start);
        changes
    }

    /// The history file's text: deterministic, sorted, units in the header.
    pub fn to_yaml(&self) -> String {
        let mut out = String::from(
            "# An athlete's imported history, written by `recoup import` and replaced whole on\n\
             # each import: edit the coach's state file, not this one.\n\
             # Units: rmssd ms, bpm beats per minute, hours of sleep in the night that ended\n\
             # on `date`, duration seconds, distance metres, heart rates bpm. Dates are the\n\
             # athlete's local days; session starts are UTC.\n",
        );
        let series = |out: &mut String, name: &str, field: &str, map: &BTreeMap<NaiveDate, f64>| {
            if map.is_empty() {
                return;
            }
            out.push_str(&format!("{name}:\n"));
            for (date, v) in map {
                out.push_str(&format!("  - {{ date: {date}, {field}: {} }}\n", show(*v)));
            }
        };
        series(&mut out, "hrv", "rmssd", &self.hrv);
        series(&mut out, "resting_hr", "bpm", &self.resting_hr);
        series(&mut out, "sleep", "hours", &self.sleep);
        if !self.sessions.is_empty() {
            out.push_str("sessions:\n");
            for s in &self.sessions {
                out.push_str(&format!(
                    "  - {{ start: \"{}\", sport: {}, duration: {}",
                    s.start.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                    s.sport,
                    show(s.duration_s)
                ));
                for (key, v) in [("distance", s.distance_m), ("avg_hr", s.avg_hr), ("max_hr", s.max_hr)] {
                    if let Some(v) = v {
                        out.push_str(&format!(", {key}: {}", show(v)));
                    }
                }
                out.push_str(" }\n");
            }
        }
        out
    }

    /// Read a history file. A malformed file is rejected whole: it is
    /// written by `recoup import`, so a problem means it was edited or
    /// damaged, and guessing would hide that.
    pub fn parse(file: &Arc<SourceFile>) -> Result<History, Diagnostic> {
        let bad = |span: Span, what: String| {
            Diagnostic::error("import::history", what)
                .in_file(file)
                .label(span, "here")
                .help("the history file is written by `recoup import`; delete it and import again")
        };
        let root = yaml::parse(&file.text).map_err(|e| bad(e.span.into(), e.message))?;
        let mut history = History::default();
        let entries = match &root.value {
            Yaml::Null => return Ok(history),
            Yaml::Map(entries) => entries,
            _ => return Err(bad(root.span.clone().into(), "a history file is a map of lists".into())),
        };
        for entry in entries {
            let Yaml::Seq(items) = &entry.value.value else {
                return Err(bad(entry.value.span.clone().into(), format!("`{}` must be a list", entry.key)));
            };
            for item in items {
                let get = |key: &str| item.get(key).map(|e| &e.value);
                let span: Span = item.span.clone().into();
                let num = |key: &str| -> Result<Option<f64>, Diagnostic> {
                    match get(key).map(|n| &n.value) {
                        None => Ok(None),
                        Some(Yaml::Int(i)) => Ok(Some(*i as f64)),
                        Some(Yaml::Float(f)) => Ok(Some(*f)),
                        Some(_) => Err(bad(span, format!("`{key}` must be a number"))),
                    }
                };
                let text = |key: &str| match get(key).map(|n| &n.value) {
                    Some(Yaml::Str(s)) => Ok(s.clone()),
                    _ => Err(bad(span, format!("`{key}` is missing or not text"))),
                };
                let date = || {
                    text("date").and_then(|d| {
                        NaiveDate::parse_from_str(&d, "%Y-%m-%d").map_err(|_| bad(span, format!("`{d}` is not a date")))
                    })
                };
                let need = |key: &str| num(key).and_then(|v| v.ok_or_else(|| bad(span, format!("`{key}` is missing"))));
                match entry.key.as_str() {
                    "hrv" => {
                        history.hrv.insert(date()?, need("rmssd")?);
                    }
                    "resting_hr" => {
                        history.resting_hr.insert(date()?, need("bpm")?);
                    }
                    "sleep" => {
                        history.sleep.insert(date()?, need("hours")?);
                    }
                    "sessions" => {
                        let start = text("start")?;
                        let start = DateTime::parse_from_rfc3339(&start)
                            .map_err(|_| bad(span, format!("`{start}` is not a time")))?
                            .with_timezone(&Utc);
                        history.sessions.push(Session {
                            start,
                            sport: text("sport")?,
                            duration_s: need("duration")?,
                            distance_m: num("distance")?,
                            avg_hr: num("avg_hr")?,
                            max_hr: num("max_hr")?,
                        });
                    }
                    other => {
                        return Err(bad(entry.key_span.clone().into(), format!("unknown list `{other}`")));
                    }
                }
            }
        }
        history.sessions.sort_by_key(|s| s.start);
        Ok(history)
    }

    /// Read the history file at `path`; a file that does not exist is an
    /// empty history.
    pub fn load(path: &Path) -> Result<History, Diagnostic> {
        if !path.exists() {
            return Ok(History::default());
        }
        let file = crate::files::read_text(path, &crate::files::HISTORY)?;
        History::parse(&file)
    }
}

/// A number as the history file writes it: at most three decimals.
fn show(v: f64) -> String {
    let s = format!("{:.3}", (v * 1000.0).round() / 1000.0);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

fn describe(s: &Session) -> String {
    let mut out = format!(
        "{} {}, {}",
        s.start.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        s.sport,
        crate::units::format_quantity(s.duration_s, crate::units::Dim::TIME, crate::units::UnitSystem::Metric)
    );
    if let Some(d) = s.distance_m {
        out.push_str(&format!(", {} km", show((d / 10.0).round() / 100.0)));
    }
    out
}

/// DECISION: the kind of an imported session, which no file states (a watch
/// knows the sport, not the coach's intent): a run within marathon distance
/// is a `marathon`; a run of 90 minutes or more (ultras included) a
/// `long_run`; any other run `easy`; every other sport `cross_training`.
/// The coach's `last_session.kind` overrides it.
pub fn session_kind(s: &Session) -> &'static str {
    if !s.is_run() {
        "cross_training"
    } else if s.is_marathon() {
        "marathon"
    } else if s.duration_s >= 90.0 * 60.0 || s.distance_m.is_some_and(|d| d > MARATHON_HIGH_M) {
        "long_run"
    } else {
        "easy"
    }
}

/// The state facts a history provides, for the slots the coach's state left
/// empty. `written` says which facts the coach's file wrote (valid or not):
/// those are never replaced. Only readings and sessions up to `now` count.
///
/// - `hrv.readings`, `resting_hr.readings`: every reading dated up to today.
/// - `sleep.nights`: every night's sleep up to this morning;
/// - `sleep.last_night`: the night that ended this morning;
///   `sleep.average_7d`: the mean of the nights in the last 7 days, when at
///   least 4 of them are known.
/// - `last_session.*`: the newest session that ended by `now`, unless the
///   coach's state gives `last_session.ended_at` (then the coach's session is
///   the last one). Fields the coach wrote (`kind`, `effort`, ...) stay.
/// - `training.weekly_volume`: running distance per Monday-to-Sunday week,
///   the complete weeks before `now`'s week, at most [`VOLUME_WEEKS`], from
///   the week of the first imported run.
/// - `last_marathon`: the date of the newest marathon-distance run, or of
///   the last session when the coach marks it `kind: marathon`.
pub fn supplement(
    program: &FactSchema<'_>,
    history: &History,
    facts: &[Value],
    written: &[bool],
    now: DateTime<FixedOffset>,
) -> Vec<(usize, Value)> {
    let mut out = Vec::new();
    let today = now.date_naive();
    let offset = *now.offset();
    let local_date = |t: DateTime<Utc>| t.with_timezone(&offset).date_naive();
    let open = |path: &str| -> Option<usize> {
        let i = program.fact_index(path)?;
        let free = !written.get(i).copied().unwrap_or(true) && facts.get(i).is_some_and(Value::is_missing);
        free.then_some(i)
    };
    let enum_value = |path: &str, word: &str| -> Option<Value> {
        let i = program.fact_index(path)?;
        let crate::value::Ty::Enum(e) = program.facts.get(i)?.ty else { return None };
        let pos = program.enums.get(e)?.values.iter().position(|v| v == word)?;
        Some(Value::Enum(u16::try_from(pos).ok()?))
    };
    let series = |map: &BTreeMap<NaiveDate, f64>| -> Option<Value> {
        let readings: Vec<Reading> =
            map.iter().filter(|(d, _)| **d <= today).map(|(d, v)| Reading { date: *d, value: *v }).collect();
        (!readings.is_empty()).then(|| Value::Series(readings.into()))
    };
    for (path, map) in [("hrv.readings", &history.hrv), ("resting_hr.readings", &history.resting_hr)] {
        if let (Some(i), Some(v)) = (open(path), series(map)) {
            out.push((i, v));
        }
    }
    if let Some(i) = open("sleep.nights") {
        let nights: Vec<Reading> = history
            .sleep
            .iter()
            .filter(|(d, _)| **d <= today)
            .map(|(d, h)| Reading { date: *d, value: h * 3600.0 })
            .collect();
        if !nights.is_empty() {
            out.push((i, Value::Series(nights.into())));
        }
    }
    if let (Some(i), Some(h)) = (open("sleep.last_night"), history.sleep.get(&today)) {
        out.push((i, Value::Num(h * 3600.0)));
    }
    if let Some(i) = open("sleep.average_7d") {
        let week: Vec<f64> = history.sleep.range(today - Duration::days(6)..=today).map(|(_, h)| *h).collect();
        if week.len() >= 4 {
            out.push((i, Value::Num(week.iter().sum::<f64>() / week.len() as f64 * 3600.0)));
        }
    }
    // The last session: the coach's, if it says when it ended.
    let coach_session = program.fact_index("last_session.ended_at").is_some_and(|i| written.get(i) == Some(&true));
    let last = history.sessions.iter().rev().find(|s| s.end() <= now.with_timezone(&Utc));
    let mut marathon: Option<NaiveDate> =
        history.sessions.iter().rev().find(|s| s.is_marathon() && s.end() <= now).map(|s| local_date(s.start));
    if let (false, Some(s)) = (coach_session, last) {
        let kind_written = program.fact_index("last_session.kind").is_some_and(|i| written.get(i) == Some(&true));
        if let Some(i) = open("last_session.ended_at") {
            out.push((i, Value::Instant(s.end().with_timezone(&offset))));
        }
        if let Some(i) = open("last_session.duration") {
            out.push((i, Value::Num(s.duration_s)));
        }
        if let (Some(i), Some(d)) = (open("last_session.distance"), s.distance_m) {
            out.push((i, Value::Num(d)));
        }
        if let (Some(i), Some(v)) = (open("last_session.kind"), enum_value("last_session.kind", session_kind(s))) {
            out.push((i, v));
        }
        // The coach marks the imported session a marathon.
        let marked = kind_written
            && program.fact_index("last_session.kind").and_then(|i| facts.get(i))
                == enum_value("last_session.kind", "marathon").as_ref();
        if marked && marathon.is_none_or(|m| m < local_date(s.start)) {
            marathon = Some(local_date(s.start));
        }
    }
    if let (Some(i), Some(d)) = (open("last_marathon"), marathon) {
        out.push((i, Value::Date(d)));
    }
    if let Some(i) = open("training.weekly_volume") {
        if let Some(v) = weekly_volume(history, today, &local_date) {
            out.push((i, v));
        }
    }
    out
}

fn weekly_volume(
    history: &History,
    today: NaiveDate,
    local_date: &dyn Fn(DateTime<Utc>) -> NaiveDate,
) -> Option<Value> {
    let monday = |d: NaiveDate| d - Duration::days(i64::from(d.weekday().num_days_from_monday()));
    let this_week = monday(today);
    let first_run = history.sessions.iter().filter(|s| s.is_run()).map(|s| monday(local_date(s.start))).min()?;
    let mut weeks: Vec<Value> = Vec::new();
    let mut week = first_run.max(this_week - Duration::weeks(VOLUME_WEEKS as i64));
    while week < this_week {
        let metres: f64 = history
            .sessions
            .iter()
            .filter(|s| s.is_run() && monday(local_date(s.start)) == week)
            .filter_map(|s| s.distance_m)
            .sum();
        // `+ 0.0`: an empty sum is -0.0.
        weeks.push(Value::Num(metres + 0.0));
        week += Duration::weeks(1);
    }
    (!weeks.is_empty()).then(|| Value::List(weeks.into()))
}
