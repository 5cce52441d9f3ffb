//! A problem found in a shipped protocol is named as shipped ("shipped
//! protocol nutrition.rules"), never as a path that could be mistaken for
//! a file in the coach's repository (`<shipped>/…`), by every command.
//! The fixture folder replaces the prelude with one that lacks
//! `athlete.sex`, which the shipped nutrition protocol reads.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

#[path = "support/run.rs"]
mod run;

fn recoup(args: &[&str]) -> (i32, String) {
    let output = run::recoup_output(args);
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    (output.status.code().unwrap_or(-1), text)
}

const COACH: [&str; 2] = ["--protocols", "tests/fixtures/shipped-naming"];

#[test]
fn every_command_names_a_shipped_file_as_shipped() {
    let commands: [&[&str]; 4] = [
        &["evaluate", "examples/after-race.yaml"],
        &["explain", "examples/after-race.yaml"],
        &["test", "protocols/tests"],
        &["lint", "tests/fixtures/shipped-naming"],
    ];
    for command in commands {
        let args: Vec<&str> = command.iter().chain(COACH.iter().filter(|_| command[0] != "lint")).copied().collect();
        let (code, out) = recoup(&args);
        assert_eq!(code, if command[0] == "lint" { 1 } else { 2 }, "{args:?}\n{out}");
        assert!(out.contains("shipped protocol nutrition.rules"), "{args:?}\n{out}");
        assert!(!out.contains("<shipped>"), "{args:?}\n{out}");
    }
}

#[test]
fn evaluate_shows_the_shipped_file_by_name() {
    let (_, out) = recoup(&["evaluate", "--protocols", "tests/fixtures/shipped-naming", "examples/after-race.yaml"]);
    insta::with_settings!({ snapshot_path => "cli/snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!("shipped_naming_evaluate", out);
    });
}
