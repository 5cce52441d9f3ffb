//! intervals.icu exports: the wellness CSV (one row per day) and the
//! activities CSV (one row per session).

use chrono_tz::Tz;

use super::history::{History, Session};
use super::table::{self, Row, Table};
use super::{in_range, BPM_RANGE, HOURS_RANGE, RMSSD_RANGE};
use crate::diagnostic::Diagnostic;

/// Wellness: `date` (the athlete's local day), `restingHR` (bpm) → a resting
/// HR reading, `hrv` (rMSSD, ms) → an HRV reading, `sleepSecs` → hours asleep
/// in the night that ended that morning. `soreness`, `fatigue`,
/// `motivation` and `weight` are not imported: they are intervals.icu's own
/// 1-4 scales and a body weight, for the coach to judge and write in the
/// state file.
pub fn wellness(table: &Table, history: &mut History) -> Vec<Diagnostic> {
    let date_col = match table.require("date", "intervals.icu wellness") {
        Ok(c) => c,
        Err(d) => return vec![d],
    };
    let rhr = table.column("restingHR");
    let hrv = table.column("hrv");
    let sleep = table.column("sleepSecs");
    let mut problems = Vec::new();
    for row in &table.rows {
        let parsed = (|| {
            let date = cell(table, row, Some(date_col), table::date)?.ok_or_else(|| {
                table.bad_cell(row, date_col, "no date".into(), "every row needs its day, as YYYY-MM-DD")
            })?;
            let rhr = cell(table, row, rhr, table::number)?;
            let hrv = cell(table, row, hrv, table::number)?;
            let sleep = cell(table, row, sleep, table::number)?.map(|s| s / 3600.0);
            check(table, row, rhr, "restingHR", rhr_value_ok)?;
            check(table, row, hrv, "hrv", hrv_value_ok)?;
            check(table, row, sleep, "sleepSecs", sleep_value_ok)?;
            Ok::<_, Diagnostic>((date, rhr, hrv, sleep))
        })();
        match parsed {
            Ok((date, rhr, hrv, sleep)) => {
                if let Some(v) = rhr {
                    history.resting_hr.insert(date, v);
                }
                if let Some(v) = hrv {
                    history.hrv.insert(date, v);
                }
                if let Some(v) = sleep {
                    history.sleep.insert(date, v);
                }
            }
            Err(d) => problems.push(d),
        }
    }
    problems
}

/// Activities: `start_date_local` (in the athlete's time zone), `type`
/// (`Run`, `TrailRun`, `VirtualRun` → running; `Ride`, `VirtualRide`, ... →
/// cycling; `Swim` → swimming), `elapsed_time` (else `moving_time`, seconds),
/// `distance` (metres), `average_heartrate` / `max_heartrate` (bpm; also
/// `icu_average_hr` / `icu_max_hr`).
pub fn activities(table: &Table, zone: Option<Tz>, history: &mut History) -> Vec<Diagnostic> {
    let (start_col, type_col) = match (
        table.require("start_date_local", "intervals.icu activities"),
        table.require("type", "intervals.icu activities"),
    ) {
        (Ok(s), Ok(t)) => (s, t),
        (Err(d), _) | (_, Err(d)) => return vec![d],
    };
    let time_col = table.column_of(&["elapsed_time", "moving_time"]);
    if time_col.is_none() {
        if let Err(d) = table.require("elapsed_time", "intervals.icu activities") {
            return vec![d];
        }
    }
    let distance = table.column("distance");
    let avg = table.column_of(&["average_heartrate", "icu_average_hr"]);
    let max = table.column_of(&["max_heartrate", "icu_max_hr"]);
    let mut problems = Vec::new();
    for row in &table.rows {
        let parsed = (|| {
            let start = cell(table, row, Some(start_col), |t| table::instant(t, zone))?.ok_or_else(|| {
                table.bad_cell(row, start_col, "no start time".into(), "every row needs `start_date_local`")
            })?;
            let kind = row.get(Some(type_col)).unwrap_or("");
            let duration_s = match time_col {
                Some(c) => cell(table, row, Some(c), table::number)?
                    .ok_or_else(|| table.bad_cell(row, c, "no duration".into(), "write the session's seconds"))?,
                None => 0.0,
            };
            Ok::<_, Diagnostic>(Session {
                start,
                sport: sport(kind),
                duration_s,
                distance_m: cell(table, row, distance, table::number)?,
                avg_hr: cell(table, row, avg, table::number)?,
                max_hr: cell(table, row, max, table::number)?,
            })
        })();
        match parsed {
            Ok(s) => history.sessions.push(s),
            Err(d) => problems.push(d),
        }
    }
    problems
}

/// intervals.icu (Strava) activity types as FIT sport names.
fn sport(kind: &str) -> String {
    match kind {
        "Run" | "TrailRun" | "VirtualRun" => "running".into(),
        "Ride" | "VirtualRide" | "GravelRide" | "MountainBikeRide" | "EBikeRide" => "cycling".into(),
        "Swim" | "OpenWaterSwim" => "swimming".into(),
        "Walk" | "Hike" => "walking".into(),
        other => other.to_ascii_lowercase(),
    }
}

/// A cell parsed by `parse`; `None` when the column is absent or the cell
/// empty; a diagnostic at the cell when it does not parse.
pub fn cell<T>(
    table: &Table,
    row: &Row,
    column: Option<usize>,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Result<Option<T>, Diagnostic> {
    let Some(text) = row.get(column) else { return Ok(None) };
    let c = column.unwrap_or(0);
    parse(text).map(Some).map_err(|why| table.bad_cell(row, c, why, "fix the cell, or leave it empty"))
}

fn check(
    table: &Table,
    row: &Row,
    value: Option<f64>,
    name: &str,
    ok: fn(f64) -> Result<(), String>,
) -> Result<(), Diagnostic> {
    let (Some(v), Some(c)) = (value, table.column(name)) else { return Ok(()) };
    ok(v).map_err(|why| table.bad_cell(row, c, why, "check the export: this value cannot be a morning reading"))
}

fn rhr_value_ok(v: f64) -> Result<(), String> {
    in_range(v, BPM_RANGE, "bpm")
}
fn hrv_value_ok(v: f64) -> Result<(), String> {
    in_range(v, RMSSD_RANGE, "ms")
}
fn sleep_value_ok(v: f64) -> Result<(), String> {
    in_range(v, HOURS_RANGE, "h")
}
