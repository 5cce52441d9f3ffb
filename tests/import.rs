//! `recoup import`: the real device files in `tests/fixtures/fit/` checked
//! against what their README says they hold, the CSV exports (good and
//! malformed) in `tests/fixtures/import/`, the history file (idempotent,
//! `--dry-run`, never the coach's file), what `evaluate` derives from it, and
//! a folder imported and evaluated end to end.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{DateTime, NaiveDate, Utc};
use recoup::import::history::{self, History, Session};
use recoup::import::{self, fit};

const FIT: &str = "tests/fixtures/fit";

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn import_one(path: &str) -> (History, Vec<recoup::diagnostic::Diagnostic>) {
    let mut h = History::default();
    let problems = import::import_file(Path::new(path), None, &mut h);
    (h, problems)
}

// ---- the real FIT files, against tests/fixtures/fit/README.md -----------

#[test]
fn fenix2_run_is_one_session_without_heart_rate() {
    let (h, problems) = import_one("tests/fixtures/fit/fenix2-run.fit");
    assert!(problems.is_empty());
    assert_eq!(h.sessions.len(), 1);
    let s = &h.sessions[0];
    assert_eq!(s.start, utc("2015-08-15T14:45:08Z"));
    assert_eq!(s.sport, "running");
    assert_eq!(s.duration_s.round(), 2832.0);
    assert_eq!(s.distance_m.map(f64::round), Some(9008.0));
    assert_eq!((s.avg_hr, s.max_hr), (None, None));
    assert!(h.hrv.is_empty() && h.resting_hr.is_empty() && h.sleep.is_empty());
}

#[test]
fn fenix5_run_has_heart_rate_and_its_exercise_rr_is_not_morning_hrv() {
    let (h, problems) = import_one("tests/fixtures/fit/garmin-fenix-5-run.fit");
    assert!(problems.is_empty());
    let s = &h.sessions[0];
    assert_eq!(s.start.date_naive(), day("2017-06-11"));
    assert_eq!(s.duration_s.round(), 57.0);
    assert_eq!(s.distance_m.map(f64::round), Some(158.0));
    assert_eq!((s.avg_hr, s.max_hr), (Some(90.0), Some(112.0)));
    // 71 `hrv` messages of RR intervals, recorded while running.
    assert!(h.hrv.is_empty(), "exercise RR intervals became readings: {:?}", h.hrv);
}

#[test]
fn indoor_cycling_is_cross_training_and_its_rr_is_not_morning_hrv() {
    let (h, problems) = import_one("tests/fixtures/fit/hrv-activity.fit");
    assert!(problems.is_empty());
    let s = &h.sessions[0];
    assert_eq!(s.start.date_naive(), day("2022-02-07"));
    assert_eq!(s.sport, "cycling");
    assert_eq!(s.duration_s.round(), 1072.0);
    assert_eq!(s.distance_m.map(f64::round), Some(6874.0));
    assert_eq!((s.avg_hr, s.max_hr), (Some(156.0), Some(185.0)));
    assert_eq!(history::session_kind(s), "cross_training");
    assert!(h.hrv.is_empty(), "1074 exercise RR messages became readings: {:?}", h.hrv);
}

#[test]
fn monitoring_day_gives_the_days_resting_heart_rate() {
    // Two messages: current-day resting HR 57 at 2024-12-31 23:11 UTC and 58
    // at 2025-01-01 03:11 UTC (the 7-day `resting_heart_rate` 50 is not a
    // morning reading).
    let (h, problems) = import_one("tests/fixtures/fit/monitoring-day.fit");
    assert!(problems.is_empty());
    let utc_days: Vec<(NaiveDate, f64)> = h.resting_hr.iter().map(|(d, v)| (*d, *v)).collect();
    assert_eq!(utc_days, [(day("2024-12-31"), 57.0), (day("2025-01-01"), 58.0)]);
    // In Paris both are on New Year's Day: the later one is the day's value.
    let mut paris = History::default();
    import::import_file(Path::new("tests/fixtures/fit/monitoring-day.fit"), Some(chrono_tz::Europe::Paris), &mut paris);
    assert_eq!(paris.resting_hr.into_iter().collect::<Vec<_>>(), [(day("2025-01-01"), 58.0)]);
    assert!(h.sessions.is_empty(), "a monitoring file is not an activity");
}

#[test]
fn sleep_overnight_stages_are_all_awake_so_no_night_is_recorded() {
    // The README lists 34 `sleep_level` messages from 2024-12-31 23:25 UTC;
    // fitparser 0.10 decodes every one of them as `awake` (one a minute, then
    // two more at 00:16 and 00:19), so the file holds no time asleep and a
    // night of 0 h is not invented from it.
    let bytes = std::fs::read("tests/fixtures/fit/sleep-overnight.fit").unwrap();
    let records = fitparser::from_bytes(&bytes).unwrap();
    let levels: Vec<String> = records
        .iter()
        .filter(|r| r.kind().to_string() == "sleep_level")
        .filter_map(|r| r.fields().iter().find(|f| f.name() == "sleep_level").map(|f| f.value().to_string()))
        .collect();
    assert_eq!(levels.len(), 34);
    assert!(levels.iter().all(|l| l == "awake"));
    let (h, problems) = import_one("tests/fixtures/fit/sleep-overnight.fit");
    assert!(problems.is_empty());
    assert!(h.sleep.is_empty());
}

#[test]
fn truncated_file_is_a_diagnostic_and_the_others_still_import() {
    let (mut files, _) = import::files(&[PathBuf::from(FIT)]);
    files.retain(|p| !p.ends_with("README.md"));
    assert_eq!(files.len(), 6);
    let (h, problems) = import::import_files(&files, None, &mut |_, _| {});
    assert_eq!(problems.len(), 1);
    let d = &problems[0];
    assert_eq!(d.code, "import::fit");
    assert!(d.message.contains("truncated-activity.fit"), "{}", d.message);
    assert!(d.message.contains("after record 21"), "{}", d.message);
    assert_eq!(h.sessions.len(), 3);
    assert_eq!(h.resting_hr.len(), 2);
    assert!(h.hrv.is_empty());
}

// ---- rMSSD and what counts as a resting measurement ---------------------

#[test]
fn rmssd_of_rr_intervals() {
    // Alternating 1.000 / 1.020 s: every successive difference is 20 ms.
    let rr: Vec<f64> = (0..200).map(|i| if i % 2 == 0 { 1.0 } else { 1.02 }).collect();
    let ms = fit::resting_rmssd(&rr).unwrap();
    assert!((ms - 20.0).abs() < 1e-9, "{ms}");
    // An artefact (a missed beat: 2.04 s, then a 20 % jump) is left out.
    let mut with_artefact = rr.clone();
    with_artefact.insert(100, 2.5);
    assert!((fit::resting_rmssd(&with_artefact).unwrap() - 20.0).abs() < 1e-9);
}

#[test]
fn only_a_resting_length_recording_counts() {
    let beats = |n: usize| (0..n).map(|i| if i % 2 == 0 { 1.0 } else { 1.02 }).collect::<Vec<f64>>();
    assert!(fit::resting_rmssd(&beats(40)).is_none(), "40 s is too short");
    assert!(fit::resting_rmssd(&beats(300)).is_some(), "5 minutes is a morning measurement");
    assert!(fit::resting_rmssd(&beats(2000)).is_none(), "33 minutes is a workout, not a measurement");
}

// ---- CSV exports -----------------------------------------------------------

#[test]
fn hrv4training_gives_hrv_and_resting_hr_by_local_day() {
    let (h, problems) = import_one("tests/fixtures/import/athlete/hrv4training.csv");
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(h.hrv.len(), 22);
    assert_eq!(h.hrv.get(&day("2026-11-07")), Some(&63.0));
    assert_eq!(h.hrv.get(&day("2026-11-28")), Some(&50.0));
    assert_eq!(h.resting_hr.get(&day("2026-11-28")), Some(&55.0));
}

#[test]
fn intervals_wellness_gives_sleep_and_leaves_empty_cells_out() {
    let (h, problems) = import_one("tests/fixtures/import/athlete/intervals-wellness.csv");
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(h.sleep.len(), 8);
    assert_eq!(h.sleep.get(&day("2026-11-28")), Some(&6.2));
    assert!(h.hrv.is_empty() && h.resting_hr.is_empty());
}

#[test]
fn intervals_activities_are_sessions_in_the_athletes_time_zone() {
    let mut h = History::default();
    let problems = import::import_file(
        Path::new("tests/fixtures/import/athlete/intervals-activities.csv"),
        Some(chrono_tz::Europe::Paris),
        &mut h,
    );
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(h.sessions.len(), 20);
    let marathon = h.sessions.iter().find(|s| s.start == utc("2026-10-04T06:30:00Z")).unwrap();
    assert!(marathon.is_marathon());
    let ultra = h.sessions.iter().find(|s| s.distance_m == Some(50_300.0)).unwrap();
    assert!(!ultra.is_marathon(), "an ultra is not a marathon");
    assert_eq!(history::session_kind(ultra), "long_run");
    assert_eq!(h.sessions.iter().filter(|s| s.sport == "cycling").count(), 1);
}

fn rendered(problems: &[recoup::diagnostic::Diagnostic]) -> String {
    problems.iter().map(|d| d.render_plain() + "\n").collect()
}

#[test]
fn malformed_csv_rows_are_skipped_with_row_and_column_and_the_rest_import() {
    let (h, problems) = import_one("tests/fixtures/import/bad/wellness-bad-rows.csv");
    // Rows for 11-25 and 11-28 import; 11-26 (`4O`), the 13th month and an
    // HRV of 900 ms are each skipped with a diagnostic.
    assert_eq!(h.hrv.keys().copied().collect::<Vec<_>>(), [day("2026-11-25"), day("2026-11-28")]);
    assert_eq!(problems.len(), 3);
    assert!(problems.iter().all(|d| d.code == "import::csv"));
    insta::with_settings!({ snapshot_path => "import/snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!("wellness_bad_rows", rendered(&problems));
    });
}

#[test]
fn missing_columns_and_unknown_files_are_reported() {
    let mut out = String::new();
    for name in ["wellness-no-date.csv", "hrv4training-no-rmssd.csv", "activities-bad-start.csv", "notes.csv"] {
        let (_, problems) = import_one(&format!("tests/fixtures/import/bad/{name}"));
        assert!(!problems.is_empty(), "{name}");
        out.push_str(&rendered(&problems));
    }
    insta::with_settings!({ snapshot_path => "import/snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!("missing_columns_and_unknown_files", out);
    });
}

// ---- the history file -------------------------------------------------------

fn session(start: &str, km: f64, minutes: f64) -> Session {
    Session {
        start: utc(start),
        sport: "running".into(),
        duration_s: minutes * 60.0,
        distance_m: Some(km * 1000.0),
        avg_hr: None,
        max_hr: None,
    }
}

#[test]
fn merging_the_same_data_twice_adds_nothing() {
    let (new, _) = import::import_files(
        &[PathBuf::from("tests/fixtures/import/athlete/hrv4training.csv"), PathBuf::from(FIT).join("fenix2-run.fit")],
        None,
        &mut |_, _| {},
    );
    let mut held = History::default();
    let first = held.merge(&new);
    assert_eq!((first.added, first.changed), (22 + 22 + 1, 0));
    let text = held.to_yaml();
    let second = held.merge(&new);
    assert_eq!((second.added, second.changed, second.unchanged), (0, 0, 45));
    assert_eq!(held.to_yaml(), text);
    // And the file reads back as what was written.
    let parsed = History::parse(&recoup::diagnostic::SourceFile::new("h.yaml", text.clone())).unwrap();
    assert_eq!(parsed.to_yaml(), text);
}

#[test]
fn a_session_seen_by_two_sources_is_one_session() {
    let mut held = History::default();
    held.merge(&History { sessions: vec![session("2026-11-27T16:30:00Z", 10.0, 55.0)], ..History::default() });
    // The platform's copy starts 40 s later and reports a little more.
    let changes =
        held.merge(&History { sessions: vec![session("2026-11-27T16:30:40Z", 10.02, 55.0)], ..History::default() });
    assert_eq!((changes.added, changes.changed), (0, 1));
    assert_eq!(held.sessions.len(), 1);
    assert_eq!(held.sessions[0].start, utc("2026-11-27T16:30:00Z"));
}

#[test]
fn a_damaged_history_file_is_refused() {
    let file = recoup::diagnostic::SourceFile::new("jo.history.yaml", "hrv:\n  - { date: 2026-11-31, rmssd: 60 }\n");
    let d = History::parse(&file).unwrap_err();
    assert_eq!(d.code, "import::history");
    insta::with_settings!({ snapshot_path => "import/snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!("damaged_history", d.render_plain());
    });
}

// ---- what evaluate derives from a history ---------------------------------

fn program() -> recoup::program::Program {
    recoup::engine::load(&recoup::engine::Selection { no_builtin: true, paths: Vec::new() }).unwrap()
}

fn load(state: &str, history: &History) -> recoup::state::State {
    let p = program();
    let file = recoup::diagnostic::SourceFile::new("s.yaml", state);
    let supply = |p: &recoup::fact_schema::FactSchema<'_>, f: &[recoup::value::Value], w: &[bool], now| {
        history::supplement(p, history, f, w, now)
    };
    recoup::state::load_with(&p, &file, recoup::state::NowSource::default(), Some(&supply)).unwrap()
}

fn fact(st: &recoup::state::State, path: &str) -> recoup::value::Value {
    st.facts[program().fact_index(path).unwrap()].clone()
}

fn weeks_of_running() -> History {
    // Mondays 2026-11-02, 11-09, 11-16, 11-23; `now` is in the week of 11-23.
    History {
        sessions: vec![
            session("2026-10-04T07:00:00Z", 42.6, 215.0),
            session("2026-10-18T06:00:00Z", 50.3, 360.0),
            session("2026-11-03T17:00:00Z", 10.0, 55.0),
            session("2026-11-05T17:00:00Z", 12.0, 66.0),
            session("2026-11-12T17:00:00Z", 15.0, 80.0),
            session("2026-11-20T17:00:00Z", 20.0, 110.0),
            session("2026-11-27T16:30:00Z", 8.0, 45.0),
        ],
        ..History::default()
    }
}

#[test]
fn last_session_weekly_volume_and_last_marathon_are_derived() {
    let st = load("now: 2026-11-28T08:15:00+01:00\n", &weeks_of_running());
    use recoup::value::Value;
    assert_eq!(
        fact(&st, "last_session.ended_at"),
        Value::Instant(DateTime::parse_from_rfc3339("2026-11-27T18:15:00+01:00").unwrap())
    );
    assert_eq!(fact(&st, "last_session.distance"), Value::Num(8000.0));
    assert_eq!(fact(&st, "last_marathon"), Value::Date(day("2026-10-04")), "the ultra of 10-18 is not a marathon");
    // Complete weeks before now's week, at most eight, from the first run's
    // week: 09-28 (the marathon on Sunday 10-04) .. 11-16.
    let Value::List(weeks) = fact(&st, "training.weekly_volume") else { panic!() };
    let km: Vec<f64> = weeks.iter().map(|v| if let Value::Num(m) = v { m / 1000.0 } else { -1.0 }).collect();
    assert_eq!(km, [42.6, 0.0, 50.3, 0.0, 0.0, 22.0, 15.0, 20.0]);
}

#[test]
fn what_the_coach_sets_wins() {
    let state = "now: 2026-11-28T08:15:00+01:00\nlast_session:\n  kind: tempo\n  ended_at: 2026-11-28T07:00:00+01:00\nlast_marathon: never\ntraining:\n  weekly_volume: [40, 42]\n";
    let st = load(state, &weeks_of_running());
    use recoup::value::Value;
    assert_eq!(
        fact(&st, "last_session.ended_at"),
        Value::Instant(DateTime::parse_from_rfc3339("2026-11-28T07:00:00+01:00").unwrap())
    );
    assert_eq!(fact(&st, "last_session.distance"), Value::Missing, "the coach's session is not the imported one");
    assert_eq!(fact(&st, "last_marathon"), Value::Never);
    let Value::List(weeks) = fact(&st, "training.weekly_volume") else { panic!() };
    assert_eq!(weeks.len(), 2);
}

#[test]
fn the_coach_marks_the_imported_session_a_marathon() {
    // A 40.8 km run is short of marathon distance by GPS; the coach says it
    // was the marathon.
    let history = History { sessions: vec![session("2026-11-22T08:00:00Z", 40.8, 200.0)], ..History::default() };
    let st = load("now: 2026-11-28T08:15:00+01:00\nlast_session:\n  kind: marathon\n", &history);
    assert_eq!(fact(&st, "last_marathon"), recoup::value::Value::Date(day("2026-11-22")));
    let unmarked = load("now: 2026-11-28T08:15:00+01:00\n", &history);
    assert_eq!(fact(&unmarked, "last_marathon"), recoup::value::Value::Missing);
}

#[test]
fn nothing_after_now_is_used() {
    let history = History {
        sessions: vec![session("2026-11-27T16:30:00Z", 8.0, 45.0), session("2026-11-28T17:00:00Z", 10.0, 50.0)],
        hrv: [(day("2026-11-27"), 60.0), (day("2026-11-29"), 61.0)].into_iter().collect(),
        ..History::default()
    };
    let st = load("now: 2026-11-28T08:15:00+01:00\n", &history);
    assert_eq!(fact(&st, "last_session.distance"), recoup::value::Value::Num(8000.0));
    let recoup::value::Value::Series(r) = fact(&st, "hrv.readings") else { panic!() };
    assert_eq!(r.len(), 1);
}

// ---- the command line, end to end ------------------------------------------

fn recoup(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_recoup"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn import_a_folder_then_evaluate_fires_the_hrv_and_resting_hr_rules() {
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("ana.history.yaml");
    let h = history.to_str().unwrap();
    let state = "tests/fixtures/import/athlete.yaml";
    let before = std::fs::read(state).unwrap();

    let (code, out, err) = recoup(&["import", state, "tests/fixtures/import/athlete", "--history", h, "--dry-run"]);
    assert_eq!(code, 0, "{err}");
    assert!(!history.exists(), "--dry-run wrote the history");
    assert!(out.contains("add HRV 2026-11-28: 50 ms"), "{out}");
    let (code, out, err) = recoup(&["import", state, "tests/fixtures/import/athlete", "--history", h]);
    assert_eq!((code, err.as_str()), (0, ""), "piped: no progress bar on stderr");
    insta::with_settings!({ snapshot_path => "import/snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!("import_folder", out.replace(h, "<history>"));
    });
    let written = std::fs::read_to_string(&history).unwrap();
    // Again: nothing added, the file unchanged.
    let (code, out, _) = recoup(&["import", state, "tests/fixtures/import/athlete", "--history", h]);
    assert_eq!(code, 0);
    assert!(out.contains("added 0, changed 0, 73 already there"), "{out}");
    assert_eq!(std::fs::read_to_string(&history).unwrap(), written);
    assert_eq!(std::fs::read(state).unwrap(), before, "the coach's state file was written");

    let (code, out, err) = recoup(&["explain", state, "--history", h, "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let rules: serde_json::Value = serde_json::from_str(&out).unwrap();
    let rule = |id: &str| rules.as_array().unwrap().iter().find(|r| r["rule"] == id).unwrap().clone();
    let held = |r: &serde_json::Value, text: &str| {
        r["conditions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["result"] == "held" && c["condition"].as_str().unwrap().contains(text))
    };
    // Resting HR: 53, 54, 55 bpm against a baseline of 48 on the last three
    // mornings.
    let unplanned = rule("recovery_week.unplanned");
    assert_eq!(unplanned["status"], "fired");
    assert!(held(&unplanned, "rhr_days_elevated >= 3 (rhr_days_elevated = 3)"), "{unplanned}");
    // HRV: 22 imported mornings, the last ones low; the rule fires and the
    // more concrete recovery week suppresses it.
    let trending = rule("hrv.trending_down");
    assert_eq!(trending["status"], "suppressed", "{trending}");
    assert!(trending["suppressed_by"].as_str().unwrap().starts_with("recovery_week.unplanned"), "{trending}");
    assert!(held(&trending, "hrv_days_below >= 3 (hrv_days_below = 3)"), "{trending}");

    let (code, out, _) = recoup(&["evaluate", state, "--history", h]);
    assert_eq!(code, 0);
    assert!(out.contains("rule recovery_week.unplanned"), "{out}");
    assert!(out.contains("hrv.trending_down by recovery_week.unplanned"), "{out}");
    // Reasons read as words, with the imported values.
    assert!(out.contains("the most recent week's distance: 36 km"), "{out}");
    assert!(out.contains("hours slept last night: 6 h 12 min (under 7 h)"), "{out}");
}

#[test]
fn import_with_bad_files_exits_1_and_imports_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("x.history.yaml");
    let h = history.to_str().unwrap();
    let (code, out, err) =
        recoup(&["import", "tests/fixtures/import/athlete.yaml", "tests/fixtures/import/bad", "--history", h]);
    assert_eq!(code, 1);
    insta::with_settings!({ snapshot_path => "import/snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!("import_bad_folder", format!("exit: {code}\n--- stdout\n{}--- stderr\n{err}", out.replace(h, "<history>")));
    });
    let held = History::load(&history).unwrap();
    assert_eq!(held.hrv.len(), 2, "the good rows of the bad CSV still import");
}

#[test]
fn a_history_is_found_beside_the_state() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("ana.yaml");
    std::fs::copy("tests/fixtures/import/athlete.yaml", &state).unwrap();
    let s = state.to_str().unwrap();
    let (code, out, err) = recoup(&["import", s, "tests/fixtures/import/athlete/hrv4training.csv"]);
    assert_eq!(code, 0, "{err}");
    assert!(dir.path().join("ana.history.yaml").exists(), "{out}");
    // Without a last session the state alone is incomplete; with the
    // history beside it, it is not... until sessions are imported too.
    let (code, _, err) = recoup(&["evaluate", s]);
    assert_eq!(code, 2);
    assert!(err.contains("last_session.kind"), "{err}");
    let (code, _, err) = recoup(&["import", s, "tests/fixtures/import/athlete/intervals-activities.csv"]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = recoup(&["evaluate", s]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Ana Imported"));
    // A folder of states does not take the history file for a state.
    let (code, out, err) = recoup(&["evaluate", dir.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    // One report (its heading), besides the squad summary's line.
    assert_eq!(out.matches("Ana Imported ·").count(), 1, "{out}");
}
