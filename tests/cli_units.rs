//! Units and time as a coach meets them on the command line: a coach's
//! heat-acclimatisation protocol (`tests/fixtures/heat`) with percents,
//! rates, small masses and temperature differences, shown in both unit
//! systems, and the state diagnostics that name a percent as a percent;
//! `explain` with margins and dates, and `timeline`, on the shipped
//! protocols after a marathon.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

#[path = "support/run.rs"]
mod run;

fn recoup(args: &[&str]) -> String {
    let output = run::recoup_output(args);
    format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        output.status.code().map_or("signal".to_string(), |c| c.to_string()),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

macro_rules! snapshot {
    ($name:expr, $args:expr) => {
        insta::with_settings!({ snapshot_path => "cli/snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!($name, recoup(&$args[..]));
        });
    };
}

const HEAT: [&str; 3] = ["--no-builtin", "--protocols", "tests/fixtures/heat"];

#[test]
fn heat_protocol_metric() {
    let args: Vec<&str> =
        ["evaluate"].into_iter().chain(HEAT).chain(["tests/fixtures/heat-states/heat.yaml"]).collect();
    snapshot!("units_heat_metric", args);
}

#[test]
fn heat_protocol_imperial() {
    let args: Vec<&str> =
        ["evaluate"].into_iter().chain(HEAT).chain(["tests/fixtures/heat-states/heat-imperial.yaml"]).collect();
    snapshot!("units_heat_imperial", args);
}

#[test]
fn a_percent_out_of_range_reads_as_a_percent() {
    let args: Vec<&str> =
        ["evaluate"].into_iter().chain(HEAT).chain(["tests/fixtures/heat-states/humidity-out-of-range.yaml"]).collect();
    snapshot!("units_percent_out_of_range", args);
}

const WEEK1: &str = "examples/post-marathon-week1.yaml";

#[test]
fn explain_shows_margins_and_when_a_rule_fires() {
    snapshot!("explain_marathon_margins", ["explain", WEEK1, "marathon.full_return"]);
    snapshot!("explain_marathon_fired", ["explain", WEEK1, "marathon.soreness"]);
    snapshot!("explain_blocked_by", ["explain", "examples/after-long-run.yaml", "heat.heat_for_tightness"]);
    snapshot!("explain_tree_and_uses", ["explain", "examples/after-long-run.yaml", "nutrition.refuel_after_window"]);
    snapshot!("explain_marathon_json", ["explain", "--format", "json", WEEK1, "marathon.full_return"]);
}

#[test]
fn timeline_after_a_marathon() {
    snapshot!("timeline_marathon", ["timeline", WEEK1, "--days", "42"]);
    snapshot!("timeline_marathon_markdown", ["timeline", "--format", "markdown", WEEK1, "--days", "30"]);
    snapshot!("timeline_morning_json", ["timeline", "--format", "json", "examples/after-long-run.yaml", "--days", "2"]);
}

/// The guide's post-marathon table: running returns at 2 weeks, easy
/// training at 3 weeks and intensity at 4 weeks (weeks 2–3, 3–4, 4–6), so
/// the timeline changes the intensity advice on day 28 after the race.
#[test]
fn timeline_follows_the_guides_post_marathon_table() {
    let out = Command::new(env!("CARGO_BIN_EXE_recoup"))
        .args(["timeline", "--format", "json", WEEK1, "--days", "50"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let starts = |rule: &str| -> Vec<String> {
        report["changes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["starts"].as_array().unwrap().iter().any(|a| a["rule"] == rule))
            .map(|m| m["at"].as_str().unwrap().to_string())
            .collect()
    };
    let stops = |rule: &str| -> Vec<String> {
        report["changes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["stops"].as_array().unwrap().iter().any(|s| s["rule"] == rule))
            .map(|m| m["at"].as_str().unwrap().to_string())
            .collect()
    };
    // The marathon was on 2026-11-24 (day 0).
    assert_eq!(starts("marathon.early_return"), ["2026-12-08T00:00:00+01:00"]); // day 14
    assert_eq!(starts("marathon.easy_training"), ["2026-12-15T00:00:00+01:00"]); // day 21
    assert_eq!(starts("marathon.full_return"), ["2026-12-22T00:00:00+01:00"]); // day 28
    assert_eq!(stops("marathon.easy_training"), ["2026-12-22T00:00:00+01:00"]);
    assert_eq!(stops("marathon.full_return"), ["2027-01-05T00:00:00+01:00"]); // day 42
}
