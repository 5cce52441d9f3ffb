//! Hostile inputs, one or more per class of failure found in hardening
//! (stack overflow, renderer panic, unbounded reading, runaway output,
//! quadratic work, files read by `recoup test`, terminal injection, files
//! and folders, comments in `fmt`, positions and wording).
//!
//! Each case runs the real binary as a child process, so a stack overflow
//! aborts the child and not this test runner, with a time limit, a memory
//! limit (`ulimit -v`) and a cap on the output it may print. Each asserts
//! the code it must give and pins what it prints.
//!
//! Small inputs live in `tests/bad_inputs/`; large ones (a 70,000-character
//! line, 10,000 levels of nesting) are generated here into a temporary folder.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Most a case may print, stdout and stderr each.
const OUTPUT_CAP: usize = 256 * 1024;
/// Longest a case may run (a debug build on a busy 2-core machine).
const TIME_LIMIT: Duration = Duration::from_secs(30);
/// Address space a case may use, in KiB.
const MEMORY_KIB: u64 = 4 << 20;

struct Run {
    status: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Read at most `OUTPUT_CAP + 1` bytes, then keep draining so the child
/// never blocks on a full pipe.
fn capped(mut r: impl Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut kept = Vec::new();
        let mut buf = [0u8; 8192];
        while let Ok(n) = r.read(&mut buf) {
            if n == 0 {
                break;
            }
            let room = (OUTPUT_CAP + 1).saturating_sub(kept.len());
            kept.extend_from_slice(&buf[..n.min(room)]);
        }
        kept
    })
}

/// Run `recoup ARGS` in `dir` under the limits above.
fn recoup_in(dir: &Path, args: &[&str]) -> Run {
    run_program(dir, env!("CARGO_BIN_EXE_recoup"), args)
}

/// Run `PROGRAM ARGS` in `dir` under the limits above.
fn run_program(dir: &Path, program: &str, args: &[&str]) -> Run {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {MEMORY_KIB}; exec \"$0\" \"$@\""))
        .arg(program)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = capped(child.stdout.take().unwrap());
    let err = capped(child.stderr.take().unwrap());
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("`recoup {}` ran longer than {TIME_LIMIT:?}", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let (stdout, stderr) = (out.join().unwrap(), err.join().unwrap());
    for (name, text) in [("stdout", &stdout), ("stderr", &stderr)] {
        assert!(text.len() <= OUTPUT_CAP, "`recoup {}` printed more than {OUTPUT_CAP} bytes on {name}", args.join(" "));
    }
    Run {
        status: status.code(),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

/// The codes a run printed, in order, without repeats.
fn codes(run: &Run) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in run.stderr.lines().chain(run.stdout.lines()) {
        let word = line.trim();
        let is_code =
            ["parse::", "check::", "state::", "test::", "cli::", "recoup::"].iter().any(|p| word.starts_with(p))
                && !word.contains(' ');
        if is_code && !out.iter().any(|c| c == word) {
            out.push(word.to_string());
        }
    }
    out
}

/// Assert the run ended with `status`, gave `code` first, and did not crash.
#[track_caller]
fn refused(run: &Run, status: i32, code: &str) {
    assert_eq!(run.status, Some(status), "stdout:\n{}\nstderr:\n{}", run.stdout, run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert_eq!(codes(run).first().map(String::as_str), Some(code), "stderr:\n{}\nstdout:\n{}", run.stderr, run.stdout);
}

/// A protocol file whose one rule has `when` and `advise` as given.
fn protocol(when: &str, advise: &str) -> String {
    format!("protocol p \"P\" {{\n  rule r {{\n    when {when}\n    advise \"{advise}\"\n    priority high\n    timing now\n  }}\n}}\n")
}

/// Pin `text` as `tests/bad_inputs/snapshots/NAME.snap`.
fn snap(name: &str, text: &str) {
    insta::with_settings!({ snapshot_path => "bad_inputs/snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!(name, text);
    });
}

fn temp_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(path, text).unwrap();
    }
    dir
}

// Reading files and walking folders: devices, pipes, size limits, links,
// permissions, what `recoup test` may read, `fmt` on a link, BOMs.
#[path = "bad_inputs/files.rs"]
mod files;

// ---- stack overflow -----------------------------------------------------

#[test]
fn nesting_inside_interpolations_is_refused_by_every_command() {
    for n in [100, 1_000, 10_000] {
        let deep = format!("{{{}1{}}}", "(".repeat(n), ")".repeat(n));
        let dir = temp_with(&[("deep.rules", &protocol("true", &deep))]);
        for args in [
            &["lint", "deep.rules"][..],
            &["fmt", "--check", "deep.rules"],
            &["evaluate", "--protocols", "deep.rules", "s.yaml"],
        ] {
            let run = recoup_in(dir.path(), args);
            refused(&run, if args[0] == "lint" { 1 } else { 2 }, "parse::too-large");
        }
    }
}

#[test]
fn every_kind_of_nesting_is_counted() {
    let n = 1_000;
    let cases = [
        ("ifs", protocol("true", &format!("{{{}1{}}}", "if true then ".repeat(n), " else 1".repeat(n)))),
        ("minus", protocol("true", &format!("{{{}1{}}}", "-(".repeat(n), ")".repeat(n)))),
        ("calls", protocol("true", &format!("{{{}1{}}}", "max(".repeat(n), ")".repeat(n)))),
        ("lists", protocol(&format!("x in [{}{}]", "[".repeat(n), "]".repeat(n)), "x")),
        // A `#` comment holding a quote inside an interpolation must not
        // hide the nesting in `when` that follows.
        ("comment", protocol(&format!("{}true{}", "(".repeat(5_000), ")".repeat(5_000)), "{1 # a \\\" quote\n}")),
        ("and-chain", protocol(&vec!["true"; 100_000].join(" and "), "x")),
        ("types", format!("facts {{\n  x: {}number{}\n}}\n", "list(".repeat(n), ")".repeat(n))),
    ];
    for (name, text) in &cases {
        let file = format!("{name}.rules");
        let dir = temp_with(&[(&file, text)]);
        for args in [&["lint", file.as_str()][..], &["fmt", "--check", file.as_str()]] {
            let run = recoup_in(dir.path(), args);
            refused(&run, if args[0] == "lint" { 1 } else { 2 }, "parse::too-large");
        }
    }
}

#[test]
fn nesting_in_a_test_cases_rules_block_is_refused() {
    let deep = format!("{{{}1{}}}", "(".repeat(10_000), ")".repeat(10_000));
    let rules = protocol("true", &deep).lines().map(|l| format!("  {l}\n")).collect::<String>();
    let case = format!("name: deep\nrules: |\n{rules}state:\n  now: 2026-11-28T08:15:00+01:00\nfires: [p.r]\n");
    let dir = temp_with(&[("deep.yaml", &case)]);
    let run = recoup_in(dir.path(), &["test", "deep.yaml"]);
    // A case that cannot run fails on its own (exit 1), like a failed case.
    refused(&run, 1, "parse::too-large");
}

// ---- the diagnostic renderer ------------------------------------------

#[test]
fn a_diagnostic_far_along_a_long_line_is_drawn_clipped() {
    let title = "t".repeat(70_000);
    let long = format!("protocol p \"{title}\" {{ rule r {{ when nope advise \"x\" priority high timing now }} }}\n");
    let dir = temp_with(&[("long.rules", &long)]);
    let run = recoup_in(dir.path(), &["lint", "long.rules"]);
    refused(&run, 1, "check::unknown-name");
    assert!(run.stdout.len() < 4_000, "{}", run.stdout.len());
    assert!(run.stdout.contains("long.rules:1:70031"), "{}", run.stdout);
    snap("renderer-long-line", &run.stdout);
}

// ---- output bounded by input ------------------------------------------

/// Bytes a run printed, stdout and stderr together.
fn printed(run: &Run) -> usize {
    run.stdout.len() + run.stderr.len()
}

/// The lines from the first `recoup::too-many` on: what a person sees
/// after the fiftieth diagnostic of a file.
fn from_too_many(text: &str) -> String {
    text.find("recoup::too-many").map_or_else(|| "(no recoup::too-many)".into(), |i| text[i..].to_string())
}

/// A rule whose `suppresses` names `n` rules that do not exist.
fn suppressing(n: usize) -> String {
    let targets: Vec<String> = (0..n).map(|i| format!("q.x{i}")).collect();
    format!(
        "protocol p \"P\" {{\n  rule r {{\n    when true\n    advise \"x\"\n    priority high\n    timing now\n    suppresses {}\n  }}\n}}\n",
        targets.join(", ")
    )
}

#[test]
fn five_thousand_missing_suppress_targets_print_fifty_and_a_count() {
    let text = suppressing(5_000);
    let dir = temp_with(&[("supp.rules", &text)]);
    for format in ["human", "github"] {
        let run = recoup_in(dir.path(), &["lint", "--format", format, "supp.rules"]);
        assert_eq!(run.status, Some(1));
        assert!(printed(&run) < 64 * 1024, "{format}: {} bytes for {} of input", printed(&run), text.len());
        assert!(run.stdout.contains("and 4950 more errors in `supp.rules`"), "{}", from_too_many(&run.stdout));
        if format == "human" {
            refused(&run, 1, "check::unknown-rule");
            assert_eq!(run.stdout.matches("× unknown rule").count(), 50);
            // The closing count is of every finding, not only those shown.
            assert!(run.stdout.ends_with("5000 error(s), 0 warning(s)\n"));
            snap("output-suppress-targets", &from_too_many(&run.stdout));
        } else {
            assert_eq!(run.stdout.lines().count(), 51);
        }
    }
    // Machine formats keep every finding; each is bounded, so the output
    // stays within a constant of the input.
    let text = suppressing(300);
    let dir = temp_with(&[("supp.rules", &text)]);
    for format in ["json", "sarif"] {
        let run = recoup_in(dir.path(), &["lint", "--format", format, "supp.rules"]);
        assert_eq!(run.status, Some(1));
        assert_eq!(run.stdout.matches("check::unknown-rule").count(), if format == "json" { 300 } else { 301 });
        assert!(printed(&run) <= 100 * text.len(), "{format}: {} bytes for {}", printed(&run), text.len());
    }
}

#[test]
fn four_thousand_bad_list_values_print_fifty_and_a_count() {
    let values: Vec<String> = (0..4_000).map(|i| format!("bad{i}")).collect();
    let text = format!("now: 2026-11-28T08:15:00+01:00\nsymptoms:\n  tight_areas: [{}]\n", values.join(", "));
    let dir = temp_with(&[("list.yaml", &text)]);
    for args in [&["evaluate", "list.yaml"][..], &["explain", "list.yaml"], &["timeline", "list.yaml"]] {
        let run = recoup_in(dir.path(), args);
        refused(&run, 2, "state::unknown-enum-value");
        assert!(printed(&run) < 64 * 1024, "{}: {} bytes", args[0], printed(&run));
        assert!(printed(&run) < 2 * text.len());
        assert_eq!(run.stderr.matches("is not a valid `symptoms.tight_areas`").count(), 50);
    }
    let run = recoup_in(dir.path(), &["evaluate", "list.yaml"]);
    snap("output-bad-list-values", &from_too_many(&run.stderr));
}

#[test]
fn identical_findings_collapse_into_one() {
    let rules: String = (0..200)
        .map(|i| format!("  rule r{i} {{\n    when true\n    advise \"x\"\n    priority hihg\n    timing now\n  }}\n"))
        .collect();
    let text = format!("protocol p \"P\" {{\n{rules}}}\n");
    let dir = temp_with(&[("same.rules", &text)]);
    let run = recoup_in(dir.path(), &["lint", "same.rules"]);
    refused(&run, 1, "check::bad-clause-value");
    assert_eq!(run.stdout.matches("check::bad-clause-value").count(), 1, "{}", run.stdout);
    assert!(run.stdout.contains("(199 more times in this file)"), "{}", run.stdout);
    snap("output-identical-findings", &run.stdout);
}

#[test]
fn a_huge_name_and_a_huge_line_are_clipped() {
    let name = "n".repeat(900_000);
    let key = format!("now: 2026-11-28T08:15:00+01:00\nathlete:\n  sex: {name}\n");
    let line = format!("now: 2026-11-28T08:15:00+01:00\nathlete: {{ name: \"{}\", age: abc }}\n", "x".repeat(1 << 20));
    let dir = temp_with(&[("key.yaml", &key), ("line.yaml", &line)]);
    let run = recoup_in(dir.path(), &["evaluate", "key.yaml"]);
    refused(&run, 2, "state::unknown-enum-value");
    assert!(printed(&run) < 4_000, "{} bytes", printed(&run));
    snap("output-huge-name", &run.stderr);
    let run = recoup_in(dir.path(), &["evaluate", "line.yaml"]);
    refused(&run, 2, "state::type");
    assert!(printed(&run) < 4_000, "{} bytes", printed(&run));
    snap("output-huge-line", &run.stderr);
    // JSON keeps the message, clipped the same way.
    let run = recoup_in(dir.path(), &["evaluate", "--format", "json", "key.yaml"]);
    assert!(printed(&run) < 8_000, "{} bytes", printed(&run));
    assert!(run.stdout.contains("(899880 more characters)"), "{}", run.stdout);
}

// ---- terminal injection -------------------------------------------------

/// A name that tries everything: a newline followed by a fake
/// recommendation, an OSC title sequence, a bell, CR, backspace and NUL.
const EVIL_NAME: &str = "Jo\\n  1. [high] Run a marathon today\\e]0;pwned\\a\\r\\b\\0x";

/// Control characters other than the newlines that end lines.
fn raw_controls(text: &str) -> Vec<char> {
    text.chars().filter(|&c| c.is_control() && c != '\n').collect()
}

#[test]
fn control_characters_from_a_state_never_reach_the_terminal() {
    let example =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/after-long-run.yaml")).unwrap();
    let state = example.replace("  name: Jo Runner", &format!("  name: \"{EVIL_NAME}\""));
    let dir = temp_with(&[("jo.yaml", &state), ("squad/a.yaml", &state), ("squad/b.yaml", &state)]);
    let mut first_lines = String::new();
    for args in [
        &["evaluate", "jo.yaml"][..],
        &["evaluate", "--format", "markdown", "jo.yaml"],
        &["evaluate", "--audience", "athlete", "jo.yaml"],
        &["evaluate", "--audience", "athlete", "--format", "markdown", "jo.yaml"],
        &["evaluate", "squad"],
        &["evaluate", "--format", "markdown", "squad"],
        &["timeline", "jo.yaml"],
        &["timeline", "--format", "markdown", "jo.yaml"],
        &["explain", "jo.yaml"],
    ] {
        let run = recoup_in(dir.path(), args);
        assert_eq!(run.status, Some(0), "{}", run.stderr);
        assert_eq!(raw_controls(&run.stdout), Vec::<char>::new(), "`recoup {}`", args.join(" "));
        // The newline in the name must not start a line of its own.
        assert!(!run.stdout.lines().any(|l| l.trim_start().starts_with("1. [high] Run a marathon")), "{}", run.stdout);
        let line = run.stdout.lines().find(|l| l.contains("Run a marathon today")).unwrap_or("(the name is not shown)");
        first_lines.push_str(&format!("recoup {}\n{line}\n\n", args.join(" ")));
    }
    snap("injection-state-name", &first_lines);
    // JSON carries the name as it is, escaped by the serialiser.
    let run = recoup_in(dir.path(), &["evaluate", "--format", "json", "jo.yaml"]);
    assert!(run.stdout.contains(r#""athlete": "Jo\n  1. [high] Run a marathon today\u001b]0;pwned\u0007\r\b\u0000x""#));
}

#[test]
fn control_characters_from_a_test_case_never_reach_the_terminal() {
    let case = format!(
        "name: \"{EVIL_NAME}\"\nstate:\n  now: 2026-11-28T08:15:00+01:00\n  athlete:\n    name: \"{EVIL_NAME}\"\n  last_session:\n    kind: long_run\n    ended_at: 2026-11-28T07:40:00+01:00\nfires: [cold.after_competition]\n"
    );
    let dir = temp_with(&[("evil.yaml", &case)]);
    let run = recoup_in(dir.path(), &["test", "evil.yaml"]);
    assert_eq!(run.status, Some(1), "{}\n{}", run.stdout, run.stderr);
    assert_eq!(raw_controls(&run.stdout), Vec::<char>::new());
    assert_eq!(raw_controls(&run.stderr), Vec::<char>::new());
    assert!(!run.stdout.lines().any(|l| l.trim_start().starts_with("1. [high]")), "{}", run.stdout);
    let shown = run.stdout.split("no case shows").next().unwrap_or("");
    snap("injection-test-case", shown);
}

// ---- quadratic work -----------------------------------------------------
//
// Each of these took seconds to minutes when some stage did work per item
// proportional to the input (a scan from the start of the file for each
// diagnostic, a pairwise duplicate check, a line count per comment). The
// time limit of every run bounds them now; the sizes are far past where the
// quadratic versions ran out of it.

/// A state's `hrv.readings` with `n` readings from `first`, a day apart.
fn readings_state(n: usize, first: chrono::NaiveDate) -> String {
    let rows: String =
        (0..n).map(|i| format!("    - {{ date: {}, rmssd: 60 }}\n", first + chrono::Days::new(i as u64))).collect();
    format!("now: 2026-11-28T08:15:00+01:00\nlast_session:\n  kind: easy\n  ended_at: 2026-11-28T07:00:00+01:00\nhrv:\n  readings:\n{rows}")
}

#[test]
fn fifty_thousand_unknown_keys_are_reported_in_linear_time() {
    let text: String = std::iter::once("now: 2026-11-28T08:15:00+01:00\n".to_string())
        .chain((0..50_000).map(|i| format!("key{i}: 1\n")))
        .collect();
    let dir = temp_with(&[("keys.yaml", &text)]);
    let run = recoup_in(dir.path(), &["evaluate", "keys.yaml"]);
    refused(&run, 2, "state::unknown-field");
    assert!(run.stderr.contains("and 49952 more errors in `keys.yaml`"), "{}", from_too_many(&run.stderr));
    assert!(printed(&run) < 64 * 1024);
}

#[test]
fn readings_dated_in_the_future_collapse_into_one() {
    let first = chrono::NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
    let dir = temp_with(&[("future.yaml", &readings_state(3_000, first))]);
    let run = recoup_in(dir.path(), &["evaluate", "future.yaml"]);
    refused(&run, 2, "state::future");
    assert_eq!(run.stderr.matches("state::future").count(), 1);
    assert!(run.stderr.contains("(2999 more times in this file)"), "{}", run.stderr);
}

#[test]
fn a_series_holds_at_most_four_thousand_readings() {
    let first = chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap();
    let dir = temp_with(&[("ok.yaml", &readings_state(4_000, first)), ("long.yaml", &readings_state(10_000, first))]);
    let run = recoup_in(dir.path(), &["evaluate", "long.yaml"]);
    refused(&run, 2, "state::too-many-readings");
    snap("limit-readings", &run.stderr);
    // At the limit, even `explain` (hundreds of evaluations) finishes.
    for command in ["evaluate", "explain"] {
        let run = recoup_in(dir.path(), &[command, "ok.yaml"]);
        assert_eq!(run.status, Some(0), "{}", run.stderr);
    }
}

#[test]
fn an_enum_lists_at_most_a_thousand_values() {
    let values = |n: usize| (0..n).map(|i| format!("v{i}")).collect::<Vec<_>>().join(", ");
    let dir = temp_with(&[
        ("big.rules", &format!("enum big {{ {} }}\n", values(50_000))),
        ("ok.rules", &format!("facts {{\n  x: enum({})?\n}}\n", values(1_000))),
    ]);
    let run = recoup_in(dir.path(), &["lint", "big.rules"]);
    refused(&run, 1, "check::too-many-values");
    snap("limit-enum-values", &run.stdout);
    let run = recoup_in(dir.path(), &["lint", "ok.rules"]);
    assert_eq!(run.status, Some(0), "{}", run.stdout);
}

#[test]
fn fmt_of_five_thousand_protocols_is_linear() {
    let text: String = (0..5_000)
        .map(|i| format!("protocol p{i} \"P\" {{\n  rule r {{\n    when true\n    advise \"x\"\n    priority high\n    timing now\n  }}\n}}\n"))
        .collect::<Vec<_>>()
        .join("\n");
    let dir = temp_with(&[("many.rules", &text)]);
    let start = Instant::now();
    let run = recoup_in(dir.path(), &["fmt", "--check", "many.rules"]);
    assert_eq!(run.status, Some(0), "{}{}", run.stdout, run.stderr);
    // Quadratic, this took 10 s in a release build.
    assert!(start.elapsed() < Duration::from_secs(20), "{:?}", start.elapsed());
}

// ---- numbers, durations and dates a person did not mean -----------------

/// Each odd value in a state is refused with a plain message, its own code,
/// and a help that says what to write instead.
#[test]
fn odd_numbers_durations_and_dates_get_plain_messages() {
    let head = "now: 2026-11-28T08:15:00+01:00\nlast_session:\n  kind: easy\n  ended_at: 2026-11-28T07:00:00+01:00\n";
    let cases = [
        ("hour-and-ninety", "  duration: 1h90m\n", "state::unit", "is not less than 1h"),
        ("minutes-sixty-seconds", "  duration: 2m75s\n", "state::unit", "is not less than 1m"),
        ("huge-integer", "  duration: 99999999999999999999999\n", "state::syntax", "whole number is too large"),
        ("nan", "  distance: .nan\n", "state::syntax", "must be finite"),
        ("exponent-overflow", "  distance: 1e400\n", "state::unit", "not a finite number"),
        ("scaled-overflow", "  duration: 1e308\n", "state::unit", "not a finite number"),
        ("year-zero", "last_marathon: 0000-01-01\n", "state::date", "outside the dates recoup accepts"),
        ("year-9999", "last_marathon: 9999-12-31\n", "state::date", "outside the dates recoup accepts"),
        ("instant-year-9999", "next_session:\n  at: 9999-01-01T07:00:00+01:00\n", "state::date", "outside the dates"),
    ];
    let mut shown = String::new();
    for (name, line, code, words) in cases {
        let dir = temp_with(&[("odd.yaml", &format!("{head}{line}"))]);
        let run = recoup_in(dir.path(), &["evaluate", "odd.yaml"]);
        refused(&run, 2, code);
        assert!(run.stderr.contains(words), "{name}:\n{}", run.stderr);
        assert!(run.stderr.contains("help:"), "{name}:\n{}", run.stderr);
        assert!(!run.stderr.contains("u128") && !run.stderr.contains("n/a"), "{name}:\n{}", run.stderr);
        shown.push_str(&format!("---- {name}\n{}\n", run.stderr));
    }
    snap("odd-numbers-durations-and-dates", &shown);
}

/// A mistake in a test case's own `rules:` block is shown at its line and
/// column in the case file, not in the block.
#[test]
fn a_mistake_in_a_cases_rules_block_points_into_the_case_file() {
    let case = "name: own rules\nstate:\n  now: 2026-11-28T08:15:00+01:00\n  last_session:\n    kind: easy\n    ended_at: 2026-11-28T07:00:00+01:00\nrules: |\n  protocol p \"P\" {\n    rule r {\n      when last_session.kidn is easy\n      advise \"x\"\n      priority high\n      timing now\n    }\n  }\nfires: [p.r]\n";
    let dir = temp_with(&[("case.yaml", case)]);
    let run = recoup_in(dir.path(), &["test", "case.yaml"]);
    refused(&run, 1, "check::unknown-name");
    assert!(run.stderr.contains("[case.yaml:10:12]"), "{}", run.stderr);
    assert!(run.stderr.contains("10 │       when last_session.kidn is easy"), "{}", run.stderr);
}

/// A syntax error after a block of nested aliases (a "billion laughs") is
/// shown where it is, not at 1:1, and the aliases are never expanded.
#[test]
fn a_syntax_error_after_a_billion_laughs_block_points_at_itself() {
    let text = "a: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\nnow: 2026-11-28T08:15:00+01:00\nlast_session:\n  kind: easy\n   ended_at: x: y\n";
    let dir = temp_with(&[("laughs.yaml", text)]);
    let run = recoup_in(dir.path(), &["evaluate", "laughs.yaml"]);
    refused(&run, 2, "state::syntax");
    assert!(run.stderr.contains("[laughs.yaml:8:12]"), "{}", run.stderr);
    // Without the syntax error, the aliases themselves are refused.
    let dir =
        temp_with(&[("laughs.yaml", &text.replace("   ended_at: x: y\n", "  ended_at: 2026-11-28T07:00:00+01:00\n"))]);
    let run = recoup_in(dir.path(), &["evaluate", "laughs.yaml"]);
    refused(&run, 2, "state::syntax");
    assert!(run.stderr.contains("anchors and aliases"), "{}", run.stderr);
}

/// A define that divides by zero is unknown, and advice that needs it is not
/// given: no athlete reads "Ratio is unknown". The rule is undecided, and
/// `explain` and the coach's "Not known" name the define and the cause.
#[test]
fn a_fact_only_the_advice_needs_is_named_under_not_known() {
    // The condition holds, but the advice reads a fact the state left out:
    // the rule is undecided, and the coach is told which fact to add, in
    // text, JSON (`missing_facts`, `unlocks`) and batch lines alike.
    let rules = "protocol adv \"Advice test\" {\n  source \"test\"\n  rule drink {\n    when last_session.kind is easy\n    advise \"You slept {sleep.last_night}.\"\n    because \"testing\"\n    priority low\n    timing today\n    category heat\n  }\n}\n";
    let state = "now: 2026-11-28T08:15:00+01:00\nlast_session:\n  kind: easy\n  ended_at: 2026-11-28T07:00:00+01:00\n";
    let dir = temp_with(&[("p/adv.rules", rules), ("s.yaml", state)]);
    let run = recoup_in(dir.path(), &["evaluate", "s.yaml", "--no-builtin", "--protocols", "p"]);
    assert_eq!(run.status, Some(0), "{}", run.stderr);
    assert!(!run.stdout.contains("You slept"), "{}", run.stdout);
    assert!(
        run.stdout.contains("add hours slept last night (sleep.last_night) to get the advice test advice: 1 rule"),
        "{}",
        run.stdout
    );
    let run = recoup_in(dir.path(), &["evaluate", "s.yaml", "--no-builtin", "--protocols", "p", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["missing_facts"], serde_json::json!(["sleep.last_night"]));
    assert_eq!(report["unlocks"][0]["facts"], serde_json::json!(["sleep.last_night"]));
    assert_eq!(report["unlocks"][0]["rules"], serde_json::json!(["adv.drink"]));
    let json = r#"{"now": "2026-11-28T08:15:00+01:00", "last_session": {"kind": "easy", "ended_at": "2026-11-28T07:00:00+01:00"}}"#;
    std::fs::write(dir.path().join("s.jsonl"), format!("{json}\n")).unwrap();
    let run = recoup_in(dir.path(), &["evaluate", "--batch", "s.jsonl", "--no-builtin", "--protocols", "p"]);
    let line: serde_json::Value = serde_json::from_str(run.stdout.trim_end()).unwrap();
    assert_eq!(line, report, "{}", run.stdout);
}

#[test]
fn advice_never_shows_unknown_in_place_of_a_value() {
    let rules = "define ratio = last_session.distance / (last_session.distance - last_session.distance)\n  \"the distance ratio\"\n\nprotocol dz \"Division\" {\n  source \"test\"\n  rule r {\n    when last_session.kind is easy\n    advise \"Ratio is {ratio:num} now.\"\n    because \"testing\"\n    priority low\n    timing today\n    category heat\n  }\n  rule c {\n    when last_session.kind is easy and ratio > 1\n    advise \"Ratio above one.\"\n    because \"testing\"\n    priority low\n    timing today\n    category heat\n  }\n}\n";
    let state = "now: 2026-11-28T08:15:00+01:00\nlast_session:\n  kind: easy\n  ended_at: 2026-11-28T07:00:00+01:00\n  distance: 10km\n";
    let dir = temp_with(&[("p/dz.rules", rules), ("s.yaml", state)]);
    let mut shown = String::new();
    for args in [
        &["evaluate", "s.yaml", "--protocols", "p"][..],
        &["evaluate", "s.yaml", "--protocols", "p", "--format", "markdown"],
        &["evaluate", "s.yaml", "--protocols", "p", "--audience", "athlete"],
    ] {
        let run = recoup_in(dir.path(), args);
        assert_eq!(run.status, Some(0), "{}", run.stderr);
        assert!(!run.stdout.contains("Ratio is"), "{}", run.stdout);
        // The coach's "Not known" names the define, the cause and the rules;
        // the athlete's view names nothing an athlete cannot act on.
        let not_known: Vec<&str> = run.stdout.lines().filter(|l| l.contains("divides by zero")).collect();
        if args.contains(&"athlete") {
            assert!(not_known.is_empty(), "{}", run.stdout);
        } else {
            assert_eq!(not_known.len(), 1, "{}", run.stdout);
            shown.push_str(&format!("---- {}\n{}\n", args.join(" "), not_known.join("\n")));
        }
    }
    let run = recoup_in(dir.path(), &["evaluate", "s.yaml", "--protocols", "p", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        report["not_computed"],
        serde_json::json!([{
            "define": "ratio",
            "cause": "divides_by_zero",
            "message": "ratio divides by zero (last_session.distance - last_session.distance is 0)",
            "rules": ["dz.r", "dz.c"]
        }])
    );
    // The batch path writes the same report, byte for byte.
    let json = r#"{"now": "2026-11-28T08:15:00+01:00", "last_session": {"kind": "easy", "ended_at": "2026-11-28T07:00:00+01:00", "distance": "10km"}}"#;
    std::fs::write(dir.path().join("s.jsonl"), format!("{json}\n")).unwrap();
    let run = recoup_in(dir.path(), &["evaluate", "--batch", "s.jsonl", "--protocols", "p"]);
    let line: serde_json::Value = serde_json::from_str(run.stdout.trim_end()).unwrap();
    assert_eq!(line, report, "{}", run.stdout);
    for rule in ["dz.r", "dz.c"] {
        let run = recoup_in(dir.path(), &["explain", "s.yaml", rule, "--protocols", "p"]);
        assert!(run.stdout.starts_with(&format!("{rule}: unknown — ")), "{}", run.stdout);
        shown.push_str(&format!("---- explain {rule}\n{}", run.stdout));
    }
    let run = recoup_in(dir.path(), &["explain", "s.yaml", "dz.c", "--protocols", "p", "--format", "json"]);
    let explained: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        explained[0]["unknown_because"],
        serde_json::json!(["ratio divides by zero (last_session.distance - last_session.distance is 0)"])
    );
    assert_eq!(explained[0]["conditions"][1]["failed"], serde_json::json!(["ratio divides by zero"]));
    snap("eval-define-divides-by-zero", &shown);
    // With a distance that does not divide by zero the advice is given, and
    // nothing is said about a failure.
    let ok = rules.replace("(last_session.distance - last_session.distance)", "(last_session.distance - 5km)");
    let dir = temp_with(&[("p/dz.rules", &ok), ("s.yaml", state)]);
    let run = recoup_in(dir.path(), &["evaluate", "s.yaml", "--protocols", "p"]);
    assert!(run.stdout.contains("Ratio is 2 now."), "{}", run.stdout);
    assert!(!run.stdout.contains("divides by zero"), "{}", run.stdout);
    let run = recoup_in(dir.path(), &["evaluate", "s.yaml", "--protocols", "p", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(report.get("not_computed").is_none(), "{}", run.stdout);
}

/// Arithmetic that fails for other reasons names its cause too: finite
/// numbers overflowing, a result that is no number, and a division written
/// in the rule itself rather than in a define.
#[test]
fn arithmetic_that_fails_names_its_cause() {
    // The language has no exponent: a 201-digit number, twice, overflows.
    let big = format!("1{}", "0".repeat(200));
    let rules = format!("define huge = last_session.distance * {big} * {big}\n  \"a distance too large\"\n\nprotocol ar \"Arithmetic\" {{\n  source \"test\"\n  rule big {{\n    when huge > 1km\n    advise \"Far.\"\n    because \"testing\"\n    priority low\n    timing today\n    category heat\n  }}\n  rule own {{\n    when last_session.distance / (last_session.distance - 10km) > 1\n    advise \"Own.\"\n    because \"testing\"\n    priority low\n    timing today\n    category heat\n  }}\n}}\n");
    let state = "now: 2026-11-28T08:15:00+01:00\nlast_session:\n  kind: easy\n  ended_at: 2026-11-28T07:00:00+01:00\n  distance: 10km\n";
    let dir = temp_with(&[("p/ar.rules", &rules), ("s.yaml", state)]);
    let run = recoup_in(dir.path(), &["explain", "s.yaml", "ar.big", "--protocols", "p"]);
    assert!(run.stdout.starts_with("ar.big: unknown — huge overflows"), "{}", run.stdout);
    let run = recoup_in(dir.path(), &["explain", "s.yaml", "ar.own", "--protocols", "p"]);
    assert!(run.stdout.starts_with("ar.own: unknown — arithmetic in the rule divides by zero"), "{}", run.stdout);
    let run = recoup_in(dir.path(), &["evaluate", "s.yaml", "--protocols", "p", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let causes: Vec<(&serde_json::Value, &str)> = report["not_computed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (&n["define"], n["cause"].as_str().unwrap()))
        .collect();
    assert_eq!(
        causes,
        [(&serde_json::json!("huge"), "overflows"), (&serde_json::Value::Null, "divides_by_zero")],
        "{}",
        run.stdout
    );
}
