//! `recoup test` as a coach runs it on their own folder: every case runs, a
//! case that cannot run fails on its own, the rules-without-cases report
//! covers only the protocols under test, and `--coverage` in text and JSON.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

#[path = "support/run.rs"]
mod run;

fn recoup(args: &[&str]) -> (i32, String, String) {
    let output = run::recoup_output(args);
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn pinned(name: &str, (code, out, err): &(i32, String, String)) {
    let text = format!("exit: {code}\n--- stdout\n{out}--- stderr\n{err}");
    insta::with_settings!({ snapshot_path => "cli/snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!(name, text);
    });
}

const COACH: [&str; 4] = ["test", "--protocols", "tests/fixtures/coach", "tests/fixtures/coach-cases"];

#[test]
fn a_broken_case_fails_on_its_own_and_the_others_run() {
    let run = recoup(&COACH);
    assert_eq!(run.0, 1);
    // The two good cases, before and after the broken ones, ran and passed.
    assert!(run.1.contains("a-welcome.yaml) ... ok"), "{}", run.1);
    assert!(run.1.contains("d-after.yaml) ... ok"), "{}", run.1);
    assert!(run.1.contains("b-typo.yaml) ... FAILED (could not run"), "{}", run.1);
    assert!(run.2.contains("test::unknown-rule") && run.2.contains("test::syntax"), "{}", run.2);
    pinned("test_broken_cases", &run);
}

#[test]
fn rules_without_cases_are_only_those_of_the_protocols_under_test() {
    let (_, out, _) = recoup(&COACH);
    let gaps: Vec<&str> = out.lines().filter(|l| l.starts_with("no case shows")).collect();
    // The cases name only `club` rules: the shipped protocols (and `cold`,
    // whose rule the coach replaced) are not under test.
    assert_eq!(gaps, ["no case shows these rules firing: club.welcome_back"]);
}

const DEMO: [&str; 5] = ["test", "--no-builtin", "--protocols", "tests/fixtures/protocols", "tests/fixtures/cases"];

#[test]
fn coverage_in_text() {
    let args: Vec<&str> = DEMO.iter().copied().chain(["--coverage"]).collect();
    let run = recoup(&args);
    assert_eq!(run.0, 0);
    pinned("test_coverage_text", &run);
}

#[test]
fn coverage_in_json() {
    let args: Vec<&str> = DEMO.iter().copied().chain(["--coverage", "--format", "json"]).collect();
    let run = recoup(&args);
    assert_eq!(run.0, 0);
    let value: serde_json::Value = serde_json::from_str(&run.1).expect("JSON");
    let summary = &value["coverage"]["summary"];
    let rules = value["coverage"]["rules"].as_array().unwrap();
    let conditions: usize = rules.iter().map(|r| r["conditions"].as_array().unwrap().len()).sum();
    assert_eq!(summary["conditions"].as_u64(), Some(conditions as u64));
    assert_eq!(summary["rules"].as_u64(), Some(rules.len() as u64));
    pinned("test_coverage_json", &run);
}

#[test]
fn json_lists_a_broken_case_with_its_errors() {
    let args: Vec<&str> = COACH.iter().copied().chain(["--format", "json"]).collect();
    let (code, out, _) = recoup(&args);
    assert_eq!(code, 1);
    let value: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(value["passed"], 2);
    assert_eq!(value["failed"], 2);
    assert_eq!(value["cases"][1]["errors"][0]["code"], "test::unknown-rule");
    assert_eq!(value["cases"][1]["errors"][0]["line"], 4);
}
