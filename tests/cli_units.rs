//! Units as a coach meets them on the command line: a coach's
//! heat-acclimatisation protocol (`tests/fixtures/heat`) with percents,
//! rates, small masses and temperature differences, shown in both unit
//! systems, and the state diagnostics that name a percent as a percent.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

fn recoup(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_recoup"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs");
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
