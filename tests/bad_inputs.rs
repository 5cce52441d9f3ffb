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
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {MEMORY_KIB}; exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_recoup"))
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
    refused(&run, 2, "parse::too-large");
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
