//! Documentation generated from the code stays current: `docs/state.md` is
//! what `recoup facts` prints for the shipped prelude.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use recoup::engine::{self, Selection};

#[test]
fn state_reference_is_current() {
    let program = engine::load(&Selection::default()).expect("the shipped protocols load");
    let generated = recoup::reference::state_reference(&program);
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/state.md");
    let checked_in = std::fs::read_to_string(path).expect("docs/state.md exists");
    assert!(
        generated == checked_in,
        "docs/state.md is stale: run `cargo run -q -- facts > docs/state.md` and commit it"
    );
}

#[test]
fn state_reference_lists_every_fact() {
    let program = engine::load(&Selection::default()).expect("the shipped protocols load");
    let generated = recoup::reference::state_reference(&program);
    for fact in &program.facts {
        assert!(generated.contains(&format!("| `{}` |", fact.path)), "{} is not in the reference", fact.path);
    }
}

/// The README's `recoup evaluate` samples are what the command prints. A
/// sample may leave lines out: a line that is only `...` stands for any
/// number of lines (none included); every other line must match exactly, in
/// order, and the lines between two `...` must be consecutive in the output.
/// A sample that does not end with `...` must reach the end of the output.
#[test]
fn readme_evaluate_samples_are_real_output() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let samples = console_samples(&readme, "$ recoup evaluate ");
    assert!(samples.len() >= 2, "the README's coach and athlete samples were not found");
    for (command, sample) in samples {
        let args: Vec<&str> = command.split_whitespace().skip(1).collect();
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_recoup"))
            .args(&args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap();
        assert!(output.status.success(), "`{command}` failed: {}", String::from_utf8_lossy(&output.stderr));
        let stdout = String::from_utf8(output.stdout).unwrap();
        let actual: Vec<&str> = stdout.trim_end_matches('\n').lines().collect();
        if let Err(why) = matches_with_elisions(&sample, &actual) {
            panic!("README sample for `{command}` differs from the output: {why}\n--- output ---\n{stdout}");
        }
    }
}

/// Every ```console block whose only command starts with `prefix`: the
/// command (without `$ `) and the lines after it.
fn console_samples<'a>(readme: &'a str, prefix: &str) -> Vec<(&'a str, Vec<&'a str>)> {
    let mut samples = Vec::new();
    let mut lines = readme.lines();
    while let Some(line) = lines.next() {
        if line != "```console" {
            continue;
        }
        let block: Vec<&str> = lines.by_ref().take_while(|l| *l != "```").collect();
        let commands = block.iter().filter(|l| l.starts_with("$ ")).count();
        if let (1, Some(first)) = (commands, block.first()) {
            if first.starts_with(prefix) {
                samples.push((&first[2..], block[1..].to_vec()));
            }
        }
    }
    samples
}

fn matches_with_elisions(sample: &[&str], actual: &[&str]) -> Result<(), String> {
    let segments: Vec<&[&str]> = sample.split(|l| l.trim() == "...").collect();
    let mut at = 0;
    for (i, segment) in segments.iter().enumerate() {
        let anchored_start = i == 0;
        let anchored_end = i == segments.len() - 1;
        if segment.is_empty() {
            continue;
        }
        let found = (at..=actual.len().saturating_sub(segment.len())).find(|&start| {
            (!anchored_start || start == 0)
                && (!anchored_end || start + segment.len() == actual.len())
                && actual.get(start..start + segment.len()) == Some(segment)
        });
        match found {
            Some(start) => at = start + segment.len(),
            None => return Err(format!("these lines are not in the output, in order:\n{}", segment.join("\n"))),
        }
    }
    Ok(())
}
