//! Property tests (proptest): generated rule files and states, and mutations
//! of them, against the parser, checker, linter, formatter, state loader,
//! evaluator and renderers. A panic anywhere fails the property (proptest
//! catches it and shrinks the input); a panic on one of the library's own
//! large-stack threads comes back as a `recoup::internal` diagnostic, which
//! fails it too.
//!
//! The generator is in `tests/support/generate.rs`, shared with the fuzz
//! target `evaluate`. Case counts are modest so that `cargo test` stays fast;
//! the fuzz targets (`fuzz/`) run the same ideas for as long as one likes.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::sync::{Arc, OnceLock};

use proptest::prelude::*;
use recoup::diagnostic::{Diagnostic, SourceFile};
use recoup::lint::{self, Config};
use recoup::{engine, eval, format, parser, Compiler, Program};

#[path = "support/generate.rs"]
mod generate;

use generate::Tape;

/// Output may be at most this many times the input, plus [`SLACK`] bytes.
/// The slack covers what does not depend on the input: the report's list of
/// facts the state did not give, a diagnostic's frame and help.
const FACTOR: usize = 16;
const SLACK: usize = 16 * 1024;

/// 40 cases per property by default (a few seconds in a debug build);
/// `PROPTEST_CASES=5000 cargo test --test properties` for a longer run.
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(40);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

fn tape() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 0..600)
}

fn prelude() -> Arc<SourceFile> {
    let (name, text) = engine::shipped().iter().find(|(n, _)| *n == engine::PRELUDE).expect("the prelude ships");
    SourceFile::new(format!("<shipped>/{name}"), *text)
}

/// Every shipped protocol, compiled once for the state properties.
fn shipped() -> &'static Program {
    static PROGRAM: OnceLock<Program> = OnceLock::new();
    PROGRAM.get_or_init(|| Compiler::new().compile().expect("the shipped protocols compile"))
}

fn compile_generated(rules: &str) -> Result<Program, Vec<Diagnostic>> {
    Compiler::new().without_shipped().source("generated.rules", rules).compile()
}

fn render_all(diagnostics: &[Diagnostic]) -> String {
    diagnostics.iter().map(|d| d.render(false) + &d.render(true)).collect()
}

fn plain(diagnostics: &[Diagnostic]) -> String {
    diagnostics.iter().map(Diagnostic::render_plain).collect()
}

fn no_internal(diagnostics: &[Diagnostic]) -> Result<(), TestCaseError> {
    for d in diagnostics {
        prop_assert_ne!(d.code, "recoup::internal", "internal error: {}", d.render_plain());
    }
    Ok(())
}

/// Lint a rule file with the prelude, as `recoup lint FILE --no-builtin`
/// would, and render every finding the ways the CLI can.
fn lint_and_render(text: &str) -> Result<String, TestCaseError> {
    let sources = vec![(prelude(), true), (SourceFile::new("input.rules", text), false)];
    let findings = lint::lint_sources(sources, &Config::default());
    let diagnostics: Vec<Diagnostic> = findings.iter().map(|f| f.diagnostic.clone()).collect();
    no_internal(&diagnostics)?;
    let mut out = recoup::render::lint::to_human(&findings, false, true);
    out += &recoup::render::lint::to_json(&findings);
    out += &recoup::render::lint::to_github(&findings);
    Ok(out)
}

proptest! {
    #![proptest_config(config())]

    /// A generated protocol compiles; every generated state either loads or
    /// is refused with state diagnostics; evaluating twice, even with a
    /// program compiled a second time, gives the same report; the report is
    /// bounded by the input's size.
    #[test]
    fn generated_protocols_evaluate_deterministically(rules_tape in tape(), state_tape in tape()) {
        let rules = generate::rule_file(&mut Tape::new(&rules_tape));
        let state_text = generate::state_file(&mut Tape::new(&state_tape));
        let program = match compile_generated(&rules) {
            Ok(p) => p,
            Err(ds) => return Err(TestCaseError::fail(format!("{rules}\n{}", plain(&ds)))),
        };
        let state = match program.state_from_text("state.yaml", state_text.as_str()) {
            Ok(st) => st,
            Err(ds) => {
                no_internal(&ds)?;
                for d in &ds {
                    prop_assert!(d.code.starts_with("state::"), "{}", d.render_plain());
                }
                let rendered = render_all(&ds);
                prop_assert!(rendered.len() <= FACTOR * state_text.len() + SLACK);
                return Ok(());
            }
        };
        let again = compile_generated(&rules).map_err(|ds| TestCaseError::fail(plain(&ds)))?;
        let state_again = again.state_from_text("state.yaml", state_text.as_str())
            .map_err(|ds| TestCaseError::fail(plain(&ds)))?;
        let first = program.evaluate(&state).report();
        let second = program.evaluate(&state).report();
        let third = again.evaluate(&state_again).report();
        let json = |r: &recoup::Report| serde_json::to_string(r).unwrap_or_default();
        prop_assert_eq!(json(&first), json(&second));
        prop_assert_eq!(json(&first), json(&third));
        prop_assert_eq!(first.to_text(), third.to_text());
        prop_assert_eq!(first.to_markdown(), third.to_markdown());
        let input = rules.len() + state_text.len();
        for out in [first.to_text(), first.to_markdown(), json(&first)] {
            prop_assert!(out.len() <= FACTOR * input + SLACK, "{} bytes of output from {input} of input", out.len());
        }
    }

    /// Evaluation at its three depths agrees with itself: deciding alone
    /// (`decide_into`), the brief trace (`evaluate`, and `evaluate_into`
    /// into an outcome that held another state's) and the full trace
    /// (`evaluate_traced`) give every rule the same status, the same
    /// recommendations and advice values; deciding and the brief trace name
    /// the same missing facts; and every condition in a fired rule's brief
    /// trace has the result and subject the full trace gives it. Both the
    /// generated protocol and the shipped ones read the generated state.
    #[test]
    fn evaluation_depths_agree(rules_tape in tape(), state_tape in tape()) {
        let rules = generate::rule_file(&mut Tape::new(&rules_tape));
        let state_text = generate::state_file(&mut Tape::new(&state_tape));
        let generated = compile_generated(&rules).map_err(|ds| TestCaseError::fail(format!("{rules}\n{}", plain(&ds))))?;
        let mut reused = recoup::Outcome::default();
        for program in [&generated, shipped()] {
            let Ok(state) = program.state_from_text("state.yaml", state_text.as_str()) else { continue };
            let brief = eval::evaluate(program, &state.facts);
            let full = eval::evaluate_traced(program, &state.facts);
            let mut decided = recoup::Outcome::default();
            eval::decide_into(program, &state.facts, &mut decided);
            eval::evaluate_into(program, &state.facts, &mut reused);
            prop_assert_eq!(&brief.recommendations, &full.recommendations);
            prop_assert_eq!(&brief.recommendations, &decided.recommendations);
            prop_assert_eq!(&brief.recommendations, &reused.recommendations);
            prop_assert_eq!(&brief.missing_facts, &decided.missing_facts);
            prop_assert_eq!(&brief.missing_facts, &reused.missing_facts);
            for (i, rule) in brief.rules.iter().enumerate() {
                let id = &program.rules[i].id;
                prop_assert_eq!(&rule.status, &full.rules[i].status, "{}\n{}\n{}", id, rules, state_text);
                prop_assert_eq!(&rule.status, &decided.rules[i].status, "{}", id);
                prop_assert_eq!(&rule.status, &reused.rules[i].status, "{}", id);
                prop_assert_eq!(brief.advice_values(i), full.advice_values(i), "{}", id);
                prop_assert_eq!(brief.advice_values(i), decided.advice_values(i), "{}", id);
                prop_assert_eq!(brief.because_values(i), decided.because_values(i), "{}", id);
                prop_assert_eq!(brief.trace(i), reused.trace(i), "{}", id);
                prop_assert_eq!(brief.word_values(i), reused.word_values(i), "{}", id);
                prop_assert!(decided.trace(i).is_empty() && decided.word_values(i).is_empty(), "{}", id);
                if rule.status == eval::Status::Fired {
                    prop_assert!(!brief.trace(i).is_empty(), "{}: a fired rule has reasons", id);
                }
                for record in brief.trace(i) {
                    let twin = full.trace(i).iter().find(|r| r.atom == record.atom);
                    prop_assert_eq!(Some(record), twin, "{}", id);
                }
            }
        }
    }

    /// `fmt` of a generated file succeeds; its output parses to the same
    /// tree with the same comments in the same order, and formatting it
    /// again changes nothing.
    #[test]
    fn formatting_is_idempotent_and_sound(rules_tape in tape()) {
        let rules = generate::rule_file(&mut Tape::new(&rules_tape));
        let input = SourceFile::new("generated.rules", rules.as_str());
        let out = format::format(&input).map_err(|ds| TestCaseError::fail(format!("{rules}\n{}", plain(&ds))))?;
        let output = SourceFile::new("generated.rules", out.as_str());
        let before = parser::parse_file(&input).map_err(|ds| TestCaseError::fail(plain(&ds)))?;
        let after = parser::parse_file(&output).map_err(|ds| TestCaseError::fail(format!("{out}\n{}", plain(&ds))))?;
        prop_assert_eq!(&before.items, &after.items);
        let texts = |f: &recoup::ast::File| f.comments.iter().map(|c| c.text.clone()).collect::<Vec<_>>();
        prop_assert_eq!(texts(&before), texts(&after), "comments changed:\n{}\n---\n{}", rules, out);
        let twice = format::format(&output).map_err(|ds| TestCaseError::fail(plain(&ds)))?;
        prop_assert_eq!(&twice, &out, "not idempotent:\n{}", out);
        prop_assert!(out.len() <= 2 * rules.len() + 1024);
    }

    /// A generated file with a few hostile edits: linting, formatting and
    /// rendering every diagnostic never panics, never fails internally, and
    /// prints at most a constant times the input.
    #[test]
    fn mutated_rule_files_never_panic(rules_tape in tape(), edits in tape()) {
        let rules = generate::rule_file(&mut Tape::new(&rules_tape));
        let text = generate::mutate(&rules, &mut Tape::new(&edits));
        let out = lint_and_render(&text)?;
        prop_assert!(out.len() <= FACTOR * text.len() + SLACK, "{} bytes of output from {} of input", out.len(), text.len());
        let file = SourceFile::new("input.rules", text.as_str());
        match format::format(&file) {
            Ok(formatted) => prop_assert_eq!(format::format(&SourceFile::new("input.rules", formatted.as_str())).ok(), Some(formatted)),
            Err(ds) => {
                no_internal(&ds)?;
                render_all(&ds);
            }
        }
    }

    /// A generated state with a few hostile edits, read by every shipped
    /// protocol: it loads and evaluates, or it is refused with diagnostics
    /// that render within the bound.
    #[test]
    fn mutated_states_never_panic(state_tape in tape(), edits in tape()) {
        let state_text = generate::mutate(&generate::state_file(&mut Tape::new(&state_tape)), &mut Tape::new(&edits));
        match shipped().state_from_text("state.yaml", state_text.as_str()) {
            Ok(state) => {
                let report = shipped().evaluate(&state).report();
                let _ = (report.to_text(), report.to_markdown(), serde_json::to_string(&report));
            }
            Err(ds) => {
                no_internal(&ds)?;
                let rendered = render_all(&ds);
                prop_assert!(rendered.len() <= FACTOR * state_text.len() + SLACK);
            }
        }
    }
}
