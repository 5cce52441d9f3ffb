//! No input makes recoup panic: mutated rule files and state files, absurd
//! sizes and depths all end in diagnostics. The mutations come from a fixed
//! seed, so a failure reproduces.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use recoup::diagnostic::SourceFile;
use recoup::engine::{self, Selection};
use recoup::{eval, render, state};

/// xorshift64*: small, deterministic, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Characters that matter to the grammar and to YAML.
const PIECES: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "\"",
    ":",
    ",",
    ".",
    "-",
    "#",
    "\n",
    " ",
    "?",
    "=",
    "..",
    "and",
    "or",
    "not",
    "is",
    "in",
    "between",
    "0",
    "9",
    "1.5",
    "30min",
    "ms",
    "kg",
    "%",
    "5:15/km",
    "never",
    "true",
    "null",
    "~",
    "\t",
    "é",
    "°",
    "\\",
    "{x}",
    "- ",
    ": ",
    "&a",
    "*a",
    "!tag",
    "1e999",
    "-1",
    "99999999999999999999",
];

fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for _ in 0..=rng.below(4) {
        let at = rng.below(chars.len() + 1);
        match rng.below(3) {
            0 if !chars.is_empty() => {
                let end = (at + rng.below(12)).min(chars.len());
                chars.drain(at.min(chars.len())..end);
            }
            1 => {
                let piece = PIECES[rng.below(PIECES.len())];
                for (k, c) in piece.chars().enumerate() {
                    chars.insert((at + k).min(chars.len()), c);
                }
            }
            _ => {
                // Duplicate a slice: repeats clauses, keys and brackets.
                let end = (at + rng.below(40)).min(chars.len());
                let slice: Vec<char> = chars.get(at.min(chars.len())..end).unwrap_or_default().to_vec();
                for (k, c) in slice.into_iter().enumerate() {
                    chars.insert((end + k).min(chars.len()), c);
                }
            }
        }
    }
    chars.into_iter().collect()
}

fn prelude() -> &'static str {
    engine::shipped().iter().find(|(n, _)| *n == engine::PRELUDE).unwrap().1
}

#[test]
fn mutated_rule_files_never_panic() {
    let mut rng = Rng(0x5EED_0001);
    let files: Vec<&(&str, &str)> = engine::shipped().iter().filter(|(n, _)| *n != engine::PRELUDE).collect();
    let mut rejected = 0;
    for round in 0..150 {
        let (name, text) = files[round % files.len()];
        let mutated = mutate(&mut rng, text);
        let file = SourceFile::new(*name, mutated.as_str());
        // The formatter either refuses (the file does not parse) or gives
        // back a file that formats to itself; it never reports a bug.
        match recoup::format::format(&file) {
            Ok(once) => {
                let again = recoup::format::format(&SourceFile::new(*name, once.as_str()));
                assert_eq!(again.as_deref().ok(), Some(once.as_str()), "not idempotent on:\n{mutated}");
            }
            Err(errors) => assert!(errors.iter().all(|d| d.code != "recoup::internal"), "formatter bug on:\n{mutated}"),
        }
        let result = engine::compile(vec![
            (SourceFile::new("prelude.rules", prelude()), true),
            (SourceFile::new(*name, mutated), false),
        ]);
        if let Err(errors) = result {
            rejected += 1;
            for d in errors {
                // A refusal is a diagnostic a coach can act on: where, what
                // and what to do, never an internal error.
                assert_ne!(d.code, "recoup::internal", "{}", d.render_plain());
                assert!(d.help.is_some(), "no help: {}", d.render_plain());
                assert!(d.file.is_some() || d.code == "recoup::too-many", "no file: {}", d.render_plain());
            }
        }
    }
    // Most mutations break something; all of them must end in a result.
    assert!(rejected > 50, "only {rejected} of 150 mutations were rejected");
}

#[test]
fn mutated_states_never_panic_and_evaluate_when_accepted() {
    let program = engine::load(&Selection::default()).unwrap();
    let mut rng = Rng(0x5EED_0002);
    let example = include_str!("../examples/after-long-run.yaml");
    let mut accepted = 0;
    for _ in 0..400 {
        let file = SourceFile::new("state.yaml", mutate(&mut rng, example));
        match state::load(&program, &file, state::NowSource::default()) {
            Ok(st) => {
                accepted += 1;
                let outcome = eval::evaluate_traced(&program, &st.facts);
                let report = render::report(&program, &outcome, st.athlete_name(&program));
                assert!(!report.to_text().is_empty());
                // Looking ahead evaluates the state a few hundred times: do
                // it for one state in twenty.
                let scan = (accepted % 20 == 0).then(|| recoup::timeline::scan(&program, &st.facts, 2)).flatten();
                let explain = render::Explain {
                    program: &program,
                    facts: &st.facts,
                    outcome: &outcome,
                    scan: scan.as_ref().map(|s| (s, 2)),
                };
                let _ = render::explanations_to_text(&render::explain(&explain, None));
            }
            Err(errors) => {
                for d in errors {
                    assert!(d.file.is_some() && d.help.is_some(), "{}", d.render_plain());
                }
            }
        }
    }
    assert!(accepted > 0, "no mutation was accepted, so evaluation was never exercised");
}

#[test]
fn absurd_rule_files_are_refused_cleanly() {
    let cases = [
        format!("define x = {}", "not ".repeat(200_000) + "true"),
        format!("define x = {}1", "- ".repeat(200_000)),
        format!("define x = {}", vec!["since_session < 1h"; 5_000].join(" and ")),
        format!("define x = {}1{}", "[".repeat(10_000), "]".repeat(10_000)),
        format!("define x = {}", "if true then ".repeat(1_000) + "1" + &" else 2".repeat(1_000)),
        "# ".to_string() + &"x".repeat(2 << 20),
        "\u{0}\u{1}\u{2}".to_string(),
        String::new(),
    ];
    // Each is refused with exactly the code that names its trouble: the
    // size and depth limits, before any work that grows with them.
    let expected: [&[&str]; 8] = [
        &["parse::too-large"],
        &["parse::too-large"],
        &["parse::too-large"],
        &["parse::too-large"],
        &["parse::too-large"],
        &["parse::too-large"],
        &["parse::syntax"],
        // An empty file is a valid, empty protocol file.
        &[],
    ];
    for (text, want) in cases.into_iter().zip(expected) {
        let result = engine::compile(vec![
            (SourceFile::new("prelude.rules", prelude()), true),
            (SourceFile::new("absurd.rules", text.as_str()), false),
        ]);
        let codes: Vec<&str> = match &result {
            Ok(_) => vec![],
            Err(errors) => errors.iter().map(|d| d.code).collect(),
        };
        assert_eq!(codes, want, "for {}…", text.chars().take(40).collect::<String>());
    }
}

#[test]
fn absurd_states_are_refused_cleanly() {
    let program = engine::load(&Selection::default()).unwrap();
    let cases = [
        "[".repeat(100_000),
        "a:\n".to_string() + &"  a:\n".repeat(60),
        "now: 2026-11-28T08:15:00+01:00\nlast_session:\n  kind: easy\n  ended_at: 2026-11-28T07:00:00+01:00\n  duration: 1e308\n".to_string(),
        "now: 2026-11-28T08:15:00+01:00\nlast_session:\n  kind: easy\n  ended_at: -262143-01-01T00:00:00+01:00\n".to_string(),
        "now: 2026-11-28T08:15:00+01:00\nlast_marathon: 0001-01-01\nlast_session:\n  kind: easy\n  ended_at: 2026-11-28T07:00:00+01:00\n".to_string(),
        "- just\n- a list\n".to_string(),
        "\u{feff}".to_string(),
    ];
    // The first diagnostic of each, and a word of its message.
    let expected = [
        ("state::syntax", "nested too deeply"),
        ("state::syntax", "appears twice"),
        ("state::unit", "not a finite number"),
        ("state::date", "not a time with an offset"),
        ("state::date", "outside the dates recoup accepts"),
        ("state::type", "found a list"),
        // `state::load` is handed text, so a lone byte-order mark is the
        // text "\u{feff}" here; readers of files drop it first.
        ("state::type", "found text"),
    ];
    for (text, (code, words)) in cases.into_iter().zip(expected) {
        let file = SourceFile::new("absurd.yaml", text);
        let errors = match state::load(&program, &file, state::NowSource::default()) {
            Ok(_) => panic!("accepted: {}", file.text.chars().take(80).collect::<String>()),
            Err(errors) => errors,
        };
        let first = errors.first().expect("a refusal says why");
        assert_eq!(first.code, code, "{}", first.render_plain());
        assert!(first.message.contains(words), "{}", first.render_plain());
        // Nothing echoes the absurd input whole.
        assert!(first.render_plain().len() < 4_000);
    }
}
