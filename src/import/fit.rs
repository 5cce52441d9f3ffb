//! FIT files from watches (decoded by the `fitparser` crate): activity
//! sessions, daily resting heart rate, nightly sleep, and morning HRV.
//!
//! FIT timestamps are UTC; a reading's date is the athlete's local day of
//! its timestamp (`--timezone`, else the state's `athlete.timezone`, else
//! UTC).

use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use fitparser::{FitDataRecord, Value as Fit};

use super::history::{History, Session};
use crate::diagnostic::Diagnostic;

/// RR intervals outside this range (seconds) are artefacts, not beats:
/// 0.3 s is 200 bpm, 2.0 s is 30 bpm.
const RR_RANGE: std::ops::RangeInclusive<f64> = 0.3..=2.0;
/// An RR interval that differs from the one before by more than this
/// fraction is a missed or extra beat, and its differences are left out.
const RR_JUMP: f64 = 0.2;
/// A resting measurement lasts between one and fifteen minutes: the
/// morning-readiness protocols record 1-5 minutes lying or sitting still.
const REST_MIN_S: f64 = 60.0;
const REST_MAX_S: f64 = 900.0;
/// Sleep stages that count as asleep.
const ASLEEP: [&str; 3] = ["light", "deep", "rem"];

/// What one FIT file held, and what of it could not be used.
pub fn read(path: &Path, bytes: &[u8], zone: Option<Tz>, history: &mut History) -> Vec<Diagnostic> {
    let name = path.display().to_string();
    let records = match decode(bytes) {
        Ok(r) => r,
        Err((e, count, offset)) => {
            let after = match count {
                0 => "before its first record".to_string(),
                n => format!("after record {n}"),
            };
            return vec![Diagnostic::error(
                "import::fit",
                format!("`{name}`: cannot decode this FIT file at byte {offset}, {after} ({e}); nothing was imported from it"),
            )
            .help("the file is cut off or damaged: export it from the watch or platform again")];
        }
    };
    let local_date = |t: DateTime<Utc>| match zone {
        Some(z) => t.with_timezone(&z).date_naive(),
        None => t.date_naive(),
    };
    let mut problems = Vec::new();
    let mut is_activity = false;
    let mut rr: Vec<f64> = Vec::new();
    let mut first_time: Option<DateTime<Utc>> = None;
    let mut sleep_levels: Vec<(DateTime<Utc>, String)> = Vec::new();
    for (number, record) in records.iter().enumerate() {
        let number = number + 1;
        let kind = record.kind().to_string();
        if let Some(t) = timestamp(record, "timestamp") {
            first_time = Some(first_time.map_or(t, |f| f.min(t)));
        }
        match kind.as_str() {
            "file_id" => {
                if matches!(field(record, "type"), Some(Fit::String(s)) if s == "activity") {
                    is_activity = true;
                }
            }
            "session" => {
                is_activity = true;
                match session(record) {
                    Ok(s) => history.sessions.push(s),
                    Err(missing) => problems.push(
                        Diagnostic::error(
                            "import::fit",
                            format!(
                                "`{name}`: record {number} (`session`) has no `{missing}`; this session was skipped"
                            ),
                        )
                        .help("a session needs `start_time` and `total_elapsed_time` (or `total_timer_time`)"),
                    ),
                }
            }
            "lap" | "record" => is_activity = true,
            "monitoring_hr_data" => {
                let (Some(t), Some(bpm)) =
                    (timestamp(record, "timestamp"), number_of(record, "current_day_resting_heart_rate"))
                else {
                    continue;
                };
                // Several messages in a day: the latest is the day's value.
                history.resting_hr.insert(local_date(t), bpm);
            }
            "sleep_level" => {
                if let (Some(t), Some(Fit::String(level))) =
                    (timestamp(record, "timestamp"), field(record, "sleep_level"))
                {
                    sleep_levels.push((t, level.clone()));
                }
            }
            "hrv" => {
                if let Some(Fit::Array(values)) = field(record, "time") {
                    rr.extend(values.iter().filter_map(as_f64));
                }
            }
            "hrv_status_summary" => {
                // Garmin's overnight HRV: the mean rMSSD of the night, a
                // resting measurement by construction.
                if let (Some(t), Some(ms)) = (timestamp(record, "timestamp"), number_of(record, "last_night_average")) {
                    history.hrv.insert(local_date(t), ms);
                }
            }
            _ => {}
        }
    }
    if let Some((date, hours)) = night(&sleep_levels, &local_date) {
        history.sleep.insert(date, hours);
    }
    // Exercise RR intervals are never morning HRV.
    if !is_activity {
        if let (Some(ms), Some(t)) = (resting_rmssd(&rr), first_time) {
            history.hrv.insert(local_date(t), ms);
        }
    }
    problems
}

/// Every data record, or the error with how many records were decoded
/// before it and the byte offset where decoding stopped (what
/// `fitparser::from_bytes` does, keeping count).
fn decode(bytes: &[u8]) -> Result<Vec<FitDataRecord>, (fitparser::Error, usize, usize)> {
    use fitparser::de::{FitObject, FitStreamProcessor};
    let mut processor = FitStreamProcessor::new();
    let mut records = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        let at = bytes.len() - rest.len();
        let (next, object) = processor.deserialize_next(rest).map_err(|e| (e, records.len(), at))?;
        match object {
            FitObject::Crc(_) => processor.reset(),
            FitObject::DataMessage(message) => {
                records.push(processor.decode_message(message).map_err(|e| (e, records.len(), at))?);
            }
            FitObject::Header(_) | FitObject::DefinitionMessage(_) => {}
        }
        rest = next;
    }
    Ok(records)
}

fn field<'a>(record: &'a FitDataRecord, name: &str) -> Option<&'a Fit> {
    record.fields().iter().find(|f| f.name() == name).map(|f| f.value())
}

fn as_f64(v: &Fit) -> Option<f64> {
    let x = match v {
        Fit::Byte(x) | Fit::UInt8(x) | Fit::UInt8z(x) | Fit::Enum(x) => f64::from(*x),
        Fit::SInt8(x) => f64::from(*x),
        Fit::SInt16(x) => f64::from(*x),
        Fit::UInt16(x) | Fit::UInt16z(x) => f64::from(*x),
        Fit::SInt32(x) => f64::from(*x),
        Fit::UInt32(x) | Fit::UInt32z(x) => f64::from(*x),
        Fit::Float32(x) => f64::from(*x),
        Fit::Float64(x) => *x,
        _ => return None,
    };
    x.is_finite().then_some(x)
}

fn number_of(record: &FitDataRecord, name: &str) -> Option<f64> {
    field(record, name).and_then(as_f64)
}

fn timestamp(record: &FitDataRecord, name: &str) -> Option<DateTime<Utc>> {
    match field(record, name) {
        Some(Fit::Timestamp(t)) => Some(t.with_timezone(&Utc)),
        _ => None,
    }
}

/// A session message: sport, start, elapsed time, distance, heart rates.
fn session(record: &FitDataRecord) -> Result<Session, &'static str> {
    let start = timestamp(record, "start_time").ok_or("start_time")?;
    let duration_s = number_of(record, "total_elapsed_time")
        .or_else(|| number_of(record, "total_timer_time"))
        .ok_or("total_elapsed_time")?;
    let sport = match field(record, "sport") {
        Some(Fit::String(s)) => s.clone(),
        _ => "generic".into(),
    };
    Ok(Session {
        start,
        sport,
        duration_s,
        distance_m: number_of(record, "total_distance"),
        avg_hr: number_of(record, "avg_heart_rate"),
        max_hr: number_of(record, "max_heart_rate"),
    })
}

/// Hours asleep from sleep-stage changes: each stage lasts until the next
/// change; light, deep and REM count, awake does not, and the last stage
/// (whose end the file does not give) adds nothing. The night is dated by
/// the local day it ended. A night with no time asleep is not a night.
fn night(
    levels: &[(DateTime<Utc>, String)],
    local_date: &dyn Fn(DateTime<Utc>) -> NaiveDate,
) -> Option<(NaiveDate, f64)> {
    let mut levels = levels.to_vec();
    levels.sort_by_key(|(t, _)| *t);
    let asleep_s: i64 = levels
        .windows(2)
        .filter_map(|pair| match pair {
            [(t, level), (next, _)] if ASLEEP.contains(&level.as_str()) => Some((*next - *t).num_seconds()),
            _ => None,
        })
        .sum();
    let (end, _) = levels.last()?;
    (asleep_s > 0).then(|| (local_date(*end), asleep_s as f64 / 3600.0))
}

/// rMSSD in ms from RR intervals in seconds, when they are a resting
/// measurement: 1 to 15 minutes of beats. Artefacts are dropped first
/// (intervals outside 0.3-2.0 s); a successive difference is used only when
/// both intervals are clean and the second is within 20 % of the first.
/// Needs at least 30 differences.
pub fn resting_rmssd(rr: &[f64]) -> Option<f64> {
    let clean: Vec<f64> = rr.iter().copied().filter(|x| RR_RANGE.contains(x)).collect();
    let total: f64 = clean.iter().sum();
    if !(REST_MIN_S..=REST_MAX_S).contains(&total) {
        return None;
    }
    rmssd(&clean)
}

/// rMSSD in ms of clean RR intervals in seconds (see [`resting_rmssd`]).
pub fn rmssd(rr: &[f64]) -> Option<f64> {
    let diffs: Vec<f64> = rr
        .windows(2)
        .filter_map(|pair| match pair {
            [a, b] if ((b - a) / a).abs() <= RR_JUMP => Some((b - a) * 1000.0),
            _ => None,
        })
        .collect();
    if diffs.len() < 30 {
        return None;
    }
    let mean_sq = diffs.iter().map(|d| d * d).sum::<f64>() / diffs.len() as f64;
    Some(mean_sq.sqrt())
}
