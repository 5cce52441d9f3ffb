//! The binary as a coach runs it: exit code, stdout and stderr of each
//! command, pinned by snapshots. Most tests use the fixture protocols in
//! `tests/fixtures/protocols` (`--no-builtin`), so their snapshots change only
//! when the engine does; one test runs the shipped protocols.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

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

const DEMO: [&str; 3] = ["--no-builtin", "--protocols", "tests/fixtures/protocols"];

fn with_demo<'a>(head: &[&'a str], tail: &[&'a str]) -> Vec<&'a str> {
    head.iter().chain(DEMO.iter()).chain(tail.iter()).copied().collect()
}

macro_rules! snapshot {
    ($name:expr, $args:expr) => {
        insta::with_settings!({ snapshot_path => "cli/snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!($name, recoup(&$args[..]));
        });
    };
}

#[test]
fn evaluate_text() {
    snapshot!("evaluate_text", with_demo(&["evaluate"], &["tests/fixtures/states/jo.yaml"]));
}

#[test]
fn evaluate_json_is_the_documented_contract() {
    let out = recoup(&with_demo(&["evaluate", "--format", "json"], &["tests/fixtures/states/jo.yaml"]));
    let json = out.split("--- stdout\n").nth(1).and_then(|s| s.split("--- stderr").next()).unwrap_or("");
    let value: serde_json::Value = serde_json::from_str(json).expect("valid JSON");
    for key in ["athlete", "evaluated_at", "recommendations", "suppressed", "missing_facts"] {
        assert!(value.get(key).is_some(), "missing `{key}`");
    }
    let first = &value["recommendations"][0];
    for key in ["rule", "protocol", "advice", "reasons", "because", "priority", "timing", "category", "source"] {
        assert!(first.get(key).is_some(), "recommendation lacks `{key}`");
    }
    snapshot!("evaluate_json", with_demo(&["evaluate", "--format", "json"], &["tests/fixtures/states/jo.yaml"]));
}

#[test]
fn evaluate_markdown() {
    snapshot!(
        "evaluate_markdown",
        with_demo(&["evaluate", "--format", "markdown"], &["tests/fixtures/states/jo.yaml"])
    );
}

#[test]
fn evaluate_imperial_units() {
    snapshot!("evaluate_imperial", with_demo(&["evaluate"], &["tests/fixtures/states/sam-imperial.yaml"]));
}

#[test]
fn evaluate_squad_reports_the_bad_file_and_evaluates_the_rest() {
    snapshot!("evaluate_squad", with_demo(&["evaluate"], &["tests/fixtures/squad"]));
}

#[test]
fn evaluate_squad_markdown_lists_the_rejected_file() {
    snapshot!("evaluate_squad_markdown", with_demo(&["evaluate", "--format", "markdown"], &["tests/fixtures/squad"]));
}

#[test]
fn evaluate_squad_tells_athletes_with_the_same_name_apart() {
    snapshot!("evaluate_squad_same_names", with_demo(&["evaluate"], &["tests/fixtures/same-names"]));
}

#[test]
fn evaluate_for_the_athlete() {
    snapshot!(
        "evaluate_athlete_text",
        with_demo(&["evaluate", "--audience", "athlete"], &["tests/fixtures/states/jo.yaml"])
    );
    snapshot!(
        "evaluate_athlete_markdown",
        with_demo(&["evaluate", "--audience", "athlete", "--format", "markdown"], &["tests/fixtures/states/jo.yaml"])
    );
}

/// The shipped protocols on a state that leaves out the marathon, HRV and
/// resting heart rate: what is missing, grouped by what it would unlock.
#[test]
fn evaluate_groups_missing_facts_by_what_they_unlock() {
    let out = recoup(&["evaluate", "examples/after-intervals.yaml"]);
    let missing = out.split("\nNot known: ").nth(1).expect("a Not known section");
    insta::with_settings!({ snapshot_path => "cli/snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!("evaluate_missing_grouped", format!("Not known: {missing}"));
    });
}

#[test]
fn evaluate_squad_json_is_an_array_in_input_order() {
    snapshot!("evaluate_squad_json", with_demo(&["evaluate", "--format", "json"], &["tests/fixtures/squad"]));
}

#[test]
fn evaluate_now_overrides_the_state() {
    snapshot!(
        "evaluate_now",
        with_demo(&["evaluate", "--now", "2026-11-29T12:00:00+01:00"], &["tests/fixtures/states/injured.yaml"])
    );
}

#[test]
fn evaluate_is_byte_for_byte_deterministic() {
    let args = with_demo(&["evaluate", "--format", "json"], &["tests/fixtures/squad"]);
    assert_eq!(recoup(&args), recoup(&args));
}

#[test]
fn evaluate_missing_file() {
    snapshot!("evaluate_missing_file", with_demo(&["evaluate"], &["tests/fixtures/states/nobody.yaml"]));
}

#[test]
fn evaluate_bad_protocols_stop_before_any_state_is_read() {
    snapshot!(
        "evaluate_bad_protocols",
        ["evaluate", "--protocols", "tests/fixtures/bad-protocols", "tests/fixtures/states/jo.yaml"]
    );
}

#[test]
fn evaluate_without_arguments_is_a_usage_error() {
    snapshot!("evaluate_no_arguments", ["evaluate"]);
}

#[test]
fn explain_every_rule() {
    snapshot!("explain_all", with_demo(&["explain"], &["tests/fixtures/states/injured.yaml"]));
}

#[test]
fn explain_one_rule() {
    snapshot!("explain_one", with_demo(&["explain"], &["tests/fixtures/states/injured.yaml", "demo.heat"]));
}

#[test]
fn explain_unknown_rule_suggests() {
    snapshot!("explain_unknown_rule", with_demo(&["explain"], &["tests/fixtures/states/injured.yaml", "demo.haet"]));
}

#[test]
fn lint_clean() {
    snapshot!("lint_clean", ["lint", "tests/fixtures/protocols"]);
}

#[test]
fn lint_findings_in_every_format() {
    for format in ["human", "json", "github", "sarif"] {
        let name = format!("lint_findings_{format}");
        snapshot!(name, ["lint", "--format", format, "tests/fixtures/bad-protocols"]);
    }
}

#[test]
fn lint_explain_documents_a_lint() {
    snapshot!("lint_explain_gap", ["lint", "--explain", "lint::gap"]);
    snapshot!("lint_explain_list", ["lint", "--explain"]);
    snapshot!("lint_explain_unknown", ["lint", "--explain", "lint::gaps"]);
}

#[test]
fn lint_example_prints_a_state_file() {
    snapshot!("lint_example", ["lint", "--example", "tests/lints/gap/fires.rules"]);
}

/// Warnings exit 0 and `--deny` makes them fail, in every format; an
/// unknown code is a usage error (2).
#[test]
fn lint_exit_codes_follow_the_deny_level_in_every_format() {
    for format in ["human", "json", "github", "sarif"] {
        let warned = recoup(&["lint", "--format", format, "tests/lints/gap/fires.rules"]);
        assert!(warned.starts_with("exit: 0\n"), "{format}: {warned}");
        let denied = recoup(&["lint", "--format", format, "--deny", "lint::gap", "tests/lints/gap/fires.rules"]);
        assert!(denied.starts_with("exit: 1\n"), "{format}: {denied}");
        let allowed = recoup(&[
            "lint",
            "--format",
            format,
            "--allow",
            "lint::never-fires",
            "tests/lints/never-fires/fires.rules",
        ]);
        assert!(allowed.starts_with("exit: 0\n"), "{format}: {allowed}");
        let unknown = recoup(&["lint", "--format", format, "--deny", "lint::gaps", "tests/lints/gap/fires.rules"]);
        assert!(unknown.starts_with("exit: 2\n"), "{format}: {unknown}");
        let missing = recoup(&["lint", "--format", format, "tests/fixtures/no-such-folder"]);
        assert!(missing.starts_with("exit: 2\n"), "{format}: {missing}");
    }
    snapshot!("lint_unknown_code", ["lint", "--deny", "lint::gaps", "tests/lints/gap/fires.rules"]);
}

#[test]
fn lint_missing_path_could_not_run() {
    snapshot!("lint_missing_path", ["lint", "tests/fixtures/no-such-folder"]);
}

#[test]
fn test_command_passes() {
    snapshot!("test_pass", with_demo(&["test"], &["tests/fixtures/cases"]));
}

#[test]
fn test_command_shows_the_failing_condition() {
    snapshot!("test_fail", with_demo(&["test"], &["tests/fixtures/failing-cases"]));
}

#[test]
fn coach_rules_replace_shipped_rules_with_the_same_id() {
    let out = recoup(&["evaluate", "--protocols", "tests/fixtures/coach", "examples/after-race.yaml"]);
    assert!(out.contains("Finish your shower with 60 s of cold water"), "{out}");
    assert!(!out.contains("an ice bath fits today"), "{out}");
    // The rest of the shipped protocols still apply.
    assert!(out.contains("rule nutrition.refuel_window"), "{out}");
}

#[test]
fn shipped_protocols_on_the_long_run_morning() {
    snapshot!("evaluate_shipped_long_run", ["evaluate", "examples/after-long-run.yaml"]);
}

#[test]
fn fmt_check_lists_unformatted_files() {
    snapshot!("fmt_check", ["fmt", "--check", "tests/fixtures/fmt/messy.rules"]);
}

#[test]
fn fmt_rewrites_in_place_and_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("messy.rules");
    std::fs::copy("tests/fixtures/fmt/messy.rules", &path).unwrap();
    let path_str = path.to_str().unwrap();
    let first = recoup(&["fmt", path_str]);
    assert!(first.starts_with("exit: 0"), "{first}");
    let formatted = std::fs::read_to_string(&path).unwrap();
    insta::with_settings!({ snapshot_path => "cli/snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!("fmt_messy_formatted", formatted);
    });
    let second = recoup(&["fmt", "--check", path_str]);
    assert!(second.starts_with("exit: 0\n--- stdout\n--- stderr\n"), "{second}");
}

#[test]
fn fmt_leaves_a_file_that_does_not_parse_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.rules");
    let text = "protocol p \"P\" {\n  rule r { when x advize \"a\" }\n}\n";
    std::fs::write(&path, text).unwrap();
    let out = recoup(&["fmt", path.to_str().unwrap()]);
    assert!(out.starts_with("exit: 2"), "{out}");
    assert!(out.contains("parse::syntax"), "{out}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}

#[test]
fn a_json_state_reads_like_yaml() {
    let out = recoup(&with_demo(&["evaluate", "--format", "json"], &["tests/fixtures/states/jo.json"]));
    assert!(out.starts_with("exit: 0"), "{out}");
    assert!(out.contains("\"rule\": \"demo.drink\""), "{out}");
}
