//! Batch evaluation (`recoup evaluate --batch`): order, rejected lines,
//! bounded memory on a large input, and the JSON fast path's diagnostics.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::cell::Cell;
use std::io::{BufRead, Read, Write};
use std::process::{Command, Stdio};
use std::rc::Rc;
use std::sync::Arc;

use recoup::batch::{self, Options, CHUNK};
use recoup::diagnostic::SourceFile;
use recoup::engine::{self, Selection};
use recoup::program::Program;
use recoup::state::{self, NowSource};
use recoup::yaml;

fn program() -> Program {
    let selection = Selection { no_builtin: true, paths: vec!["tests/fixtures/protocols".into()] };
    engine::load(&selection).unwrap_or_else(|_| panic!("fixture protocols check"))
}

fn state_line(name: &str) -> String {
    format!(
        r#"{{"now": "2026-11-28T08:15:00+01:00", "athlete": {{"name": "{name}"}}, "last_session": {{"kind": "long_run", "ended_at": "2026-11-28T07:40:00+01:00", "weight_before": 62.4, "weight_after": 61.3}}}}"#
    )
}

fn options(jobs: usize) -> Options {
    Options { jobs, now: NowSource::default() }
}

fn run(input: &str, jobs: usize) -> (Vec<serde_json::Value>, batch::Summary) {
    let mut out = Vec::new();
    let summary = batch::run_lines(&program(), input.as_bytes(), &mut out, options(jobs), |_| {}).unwrap();
    let lines = String::from_utf8(out).unwrap();
    (lines.lines().map(|l| serde_json::from_str(l).expect("each output line is JSON")).collect(), summary)
}

#[test]
fn order_is_kept_across_chunks_and_threads() {
    let n = CHUNK * 2 + 7;
    let input: String = (0..n).map(|i| state_line(&format!("athlete {i}")) + "\n").collect();
    for jobs in [1, 2, 3] {
        let (out, summary) = run(&input, jobs);
        assert_eq!(out.len(), n);
        assert_eq!(summary.rejected, 0);
        for (i, v) in out.iter().enumerate() {
            assert_eq!(v["athlete"], format!("athlete {i}"), "line {} with {jobs} jobs", i + 1);
        }
    }
}

#[test]
fn bad_lines_are_reported_in_place_and_the_rest_go_on() {
    let input = [
        state_line("first"),
        r#"{"now": 5}"#.to_string(),
        "not json: [".to_string(),
        String::new(),
        r#"{"now": "2026-11-28T08:15:00+01:00", "last_session": {"kind": "long_rn", "ended_at": "2026-11-28T07:40:00+01:00"}}"#.to_string(),
        state_line("last"),
    ]
    .join("\n");
    let (out, summary) = run(&input, 2);
    assert_eq!(out.len(), 6);
    assert_eq!(summary.rejected, 4);
    assert_eq!(out[0]["athlete"], "first");
    assert_eq!(out[1]["line"], 2);
    assert_eq!(out[1]["error"]["code"], "state::type");
    assert_eq!(out[1]["error"]["column"], 9);
    assert_eq!(out[2]["line"], 3);
    assert_eq!(out[2]["error"]["code"], "state::syntax");
    assert_eq!(out[3]["line"], 4);
    assert_eq!(out[3]["error"]["code"], "state::empty");
    assert_eq!(out[4]["error"]["code"], "state::unknown-enum-value");
    assert_eq!(out[4]["error"]["column"], 63);
    assert!(out[4]["error"]["message"].as_str().unwrap().contains("long_rn"));
    assert_eq!(out[5]["athlete"], "last");
}

/// A reader that makes its lines as it is read, so the input is never in
/// memory as a whole; `made` counts the lines made so far.
struct Generated {
    left: usize,
    pending: Vec<u8>,
    made: Rc<Cell<usize>>,
}

impl Read for Generated {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.pending.is_empty() && self.left > 0 {
            self.left -= 1;
            self.made.set(self.made.get() + 1);
            self.pending = (state_line(&format!("g{}", self.left)) + "\n").into_bytes();
        }
        let n = buf.len().min(self.pending.len());
        buf[..n].copy_from_slice(&self.pending[..n]);
        self.pending.drain(..n);
        Ok(n)
    }
}

/// Counts lines written without keeping them; `lines` is shared so that
/// the test can read it while the batch runs.
#[derive(Default)]
struct Counter {
    lines: Rc<Cell<usize>>,
    longest: usize,
    current: usize,
}

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        for &b in buf {
            if b == b'\n' {
                self.lines.set(self.lines.get() + 1);
                self.longest = self.longest.max(self.current);
                self.current = 0;
            } else {
                self.current += 1;
            }
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A large generated input streams through: every time a round is written,
/// everything evaluated so far is out, and the reader is never more than
/// two rounds ahead of the writer (the round being evaluated and the one
/// being read), so memory does not grow with the input.
#[test]
fn memory_stays_bounded_by_two_rounds_on_a_large_input() {
    let n = CHUNK * 10 + 3;
    let made = Rc::new(Cell::new(0));
    let reader = std::io::BufReader::new(Generated { left: n, pending: Vec::new(), made: made.clone() });
    let mut out = Counter::default();
    let written = out.lines.clone();
    let mut rounds_seen = 0;
    let summary = batch::run_lines(&program(), reader, &mut out, options(2), |s| {
        rounds_seen += 1;
        // Results are written round by round, never all at the end.
        assert_eq!(written.get(), s.states);
        assert!(s.states <= rounds_seen * CHUNK);
        assert!(made.get() <= s.states + 2 * CHUNK + 1, "{} lines read, {} written", made.get(), s.states);
    })
    .unwrap();
    assert_eq!(summary.states, n);
    assert_eq!(out.lines.get(), n);
    assert_eq!(rounds_seen, 11);
    assert!(summary.peak_chunk <= CHUNK, "{summary:?}");
    assert!(out.longest < 64 * 1024, "one line per state: {}", out.longest);
}

#[test]
fn cli_batch_from_stdin_and_from_a_folder() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_recoup"))
        .args(["evaluate", "--no-builtin", "--protocols", "tests/fixtures/protocols", "--batch", "-", "--jobs", "2"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let input = format!("{}\n{{\"now\": 5}}\n{}\n", state_line("a"), state_line("b"));
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(1), "a rejected line gives exit 1");
    assert!(output.stderr.is_empty(), "no progress when stderr is not a terminal");
    let lines: Vec<String> = output.stdout.lines().map(Result::unwrap).collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[0].starts_with(r#"{"athlete":"a","#), "{}", lines[0]);
    assert_eq!(
        lines[1],
        r#"{"line":2,"error":{"code":"state::type","message":"`now` must be an instant, found a whole number","column":9}}"#
    );

    let output = Command::new(env!("CARGO_BIN_EXE_recoup"))
        .args([
            "evaluate",
            "--no-builtin",
            "--protocols",
            "tests/fixtures/protocols",
            "--batch",
            "tests/fixtures/states",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let out = String::from_utf8(output.stdout).unwrap();
    let names: Vec<serde_json::Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let files = std::fs::read_dir("tests/fixtures/states").unwrap().count();
    assert_eq!(names.len(), files, "{out}");
}

/// JSON states read by the fast path are rejected with exactly the
/// diagnostics the YAML path gives for the same text.
#[test]
fn json_fast_path_gives_the_yaml_paths_diagnostics() {
    let program = program();
    let states = [
        r#"{"now": 5}"#,
        r#"{"now": "2026-11-28T08:15:00+01:00", "athlete": {"nme": "x"}, "last_session": {"kind": "long_run", "ended_at": "2026-11-28T07:40:00+01:00"}}"#,
        r#"{"now": "2026-11-28T08:15:00+01:00", "last_session": {"kind": "tempo", "ended_at": "yesterday", "weight_after": 61.3}}"#,
        r#"{"now": "2026-11-28T08:15:00+01:00", "last_session": {"kind": "long_run", "ended_at": "2026-11-29T07:40:00+01:00", "weight_before": "62 kgs"}}"#,
        r#"{"athlete": []}"#,
        r#"{"now": "2026-11-28T08:15:00+01:00", "last_session": {"kind": "long_run", "ended_at": "2026-11-28T07:40:00+01:00", "weight_before": 1e3}}"#,
        &state_line("fine"),
    ];
    for text in states {
        let file: Arc<SourceFile> = SourceFile::new("state.json", text);
        let fast = state::load(&program, &file, NowSource::default());
        let node = yaml::parse_as_yaml(text).unwrap();
        let slow = state::load_node(&program, &file, &node, NowSource::default());
        let render = |r: &Result<state::State, Vec<recoup::diagnostic::Diagnostic>>| match r {
            Ok(s) => format!("ok {:?}", s.facts),
            Err(ds) => ds.iter().map(|d| d.render_plain()).collect::<Vec<_>>().join("\n"),
        };
        assert_eq!(render(&fast), render(&slow), "{text}");
    }
}

/// Every batch line is the `--format json` report of its state, byte for
/// byte: the batch writes it from pre-escaped text (`render::json_line`),
/// the single-state path through serde. The states are the shipped
/// protocols' test cases (fired, suppressed and conflicting rules, dates,
/// enums in advice, missing facts and what they unlock), each as a JSON
/// line, with athletes whose names need escaping.
#[test]
fn batch_lines_are_the_json_report_byte_for_byte() {
    let shipped = engine::load(&Selection::default()).unwrap_or_else(|_| panic!("shipped protocols check"));
    let mut lines: Vec<String> = Vec::new();
    let mut cases: Vec<_> = std::fs::read_dir("protocols/tests").unwrap().map(|e| e.unwrap().path()).collect();
    cases.sort();
    for path in cases.iter().filter(|p| p.extension().is_some_and(|e| e == "yaml")) {
        let case: serde_yaml::Value = serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        if let Some(state) = case.get("state") {
            lines.push(serde_json::to_string(state).unwrap());
        }
    }
    assert!(lines.len() > 100, "{}", lines.len());
    for name in ["Zoë \"Z\" Ødegård", "tab\there\nnew line \u{1} \\ end", "😀 \u{2028}"] {
        let mut state: serde_json::Value = serde_json::from_str(&lines[0]).unwrap();
        state["athlete"]["name"] = name.into();
        lines.push(state.to_string());
    }
    let fixtures: Vec<String> = ["jo.json", "injured.yaml", "sam-imperial.yaml"]
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(format!("tests/fixtures/states/{p}")).unwrap();
            serde_json::to_string(&serde_yaml::from_str::<serde_yaml::Value>(&text).unwrap()).unwrap()
        })
        .chain((0..3).map(|i| state_line(&format!("fixture {i}"))))
        .collect();
    let now = NowSource {
        override_now: None,
        fallback: Some(chrono::DateTime::parse_from_rfc3339("2026-11-28T09:30:00+01:00").unwrap()),
    };
    // Two rules in conflict (`conflict over`), and text that needs escaping
    // in every place a program's own text reaches the report.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("odd.rules"), ODD_RULES).unwrap();
    let odd = engine::load(&Selection { no_builtin: true, paths: vec![dir.path().into()] })
        .unwrap_or_else(|_| panic!("odd.rules checks"));
    let mut seen = String::new();
    for (program, lines) in [(&shipped, &lines), (&program(), &fixtures), (&odd, &lines)] {
        let input = lines.join("\n");
        let mut out = Vec::new();
        batch::run_lines(program, input.as_bytes(), &mut out, Options { jobs: 2, now }, |_| {}).unwrap();
        let out = String::from_utf8(out).unwrap();
        seen.push_str(&out);
        let out: Vec<&str> = out.lines().collect();
        assert_eq!(out.len(), lines.len());
        for (line, got) in lines.iter().zip(out) {
            let file: Arc<SourceFile> = SourceFile::new("state.json", line.as_str());
            let st = state::load(program, &file, now).unwrap_or_else(|e| panic!("{line}: {e:?}"));
            let outcome = recoup::eval::evaluate(program, &st.facts);
            let report = recoup::render::report(program, &outcome, st.athlete_name(program));
            assert_eq!(got, serde_json::to_string(&report).unwrap(), "{line}");
        }
    }
    // The states reach every part of the report.
    for part in [
        r#""reason":"conflict over cold_therapy""#,
        r#""reason":"declared""#,
        r#""not_computed":[{"define":"zero_ratio","cause":"divides_by_zero""#,
        r#""unlocks":[{"facts":["#,
        r#""because":"Blood flow \\ warmth.""#,
        r#""source":"a \"source\" with é""#,
        r#""athlete":"tab\there\nnew line \u0001 \\ end""#,
        r#""advice":"Drink about 57 fl oz with some salt.""#,
    ] {
        assert!(seen.contains(part), "no {part}");
    }
}

const ODD_RULES: &str = r#"define zero_ratio = since_session / (since_session - since_session)
  "a ratio that divides by zero"

protocol odd "Odd \"quoted\" title" {
  source "a \"source\" with é"

  rule warm {
    when since_session < 6h
    advise "Warm up: it has been {since_session} since \"{last_session.kind}\"."
    because "Blood flow \\ warmth."
    priority high
    timing today
    category heat
    for cold_therapy
  }

  rule ratio {
    when since_session < 6h and zero_ratio > 1
    advise "Ratio above one."
    priority low
    timing today
    category heat
  }

  rule cold {
    when since_session < 6h
    advise "Cold bath \"now\"."
    priority low
    timing today
    category cold
    against cold_therapy
  }
}
"#;

/// Line endings, a byte-order mark, bytes that are not UTF-8 and a line
/// over the size limit: each bad line is rejected on its own output line,
/// and the lines around it are read as they were written.
#[test]
fn line_endings_marks_encodings_and_overlong_lines() {
    let mut input = Vec::new();
    input.extend_from_slice(b"\xEF\xBB\xBF");
    input.extend_from_slice(state_line("bom").as_bytes());
    input.extend_from_slice(b"\r\n");
    input.extend_from_slice(b"{\"athlete\": {\"name\": \"\xFF\"}}\n");
    input.extend_from_slice(state_line("crlf").as_bytes());
    input.extend_from_slice(b"\r\n");
    input.extend(std::iter::repeat_n(b' ', recoup::files::STATE.bytes as usize + 10));
    input.extend_from_slice(b"\n");
    input.extend_from_slice(state_line("last, no newline").as_bytes());
    let mut out = Vec::new();
    let summary = batch::run_lines(&program(), input.as_slice(), &mut out, options(2), |_| {}).unwrap();
    let lines: Vec<serde_json::Value> =
        String::from_utf8(out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 5);
    assert_eq!(summary.rejected, 2);
    assert_eq!(lines[0]["athlete"], "bom");
    assert_eq!(lines[1]["line"], 2);
    assert_eq!(lines[1]["error"]["code"], "parse::encoding");
    assert_eq!(lines[2]["athlete"], "crlf");
    assert_eq!(lines[3]["line"], 4);
    assert_eq!(lines[3]["error"]["code"], "recoup::too-large");
    assert_eq!(lines[4]["athlete"], "last, no newline");
}
