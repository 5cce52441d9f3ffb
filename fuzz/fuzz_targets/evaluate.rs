//! Evaluation of generated valid protocols against generated states. The
//! generator (`tests/support/generate.rs`, shared with the property tests)
//! draws its choices from the fuzzer's bytes through `arbitrary`. A generated
//! protocol must compile beside the shipped protocols; evaluating twice gives
//! the same report.
#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use recoup::Compiler;

mod common;

#[path = "../../tests/support/generate.rs"]
mod generate;

struct Arbitrary<'a, 'b>(&'b mut Unstructured<'a>);

impl generate::Choices for Arbitrary<'_, '_> {
    fn pick(&mut self, n: usize) -> usize {
        self.0.int_in_range(0..=n.max(1) - 1).unwrap_or(0)
    }
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let mut choices = Arbitrary(&mut u);
    let rules = generate::rule_file(&mut choices);
    let state_text = generate::state_file(&mut choices);
    // With every shipped protocol, as `recoup evaluate --protocols DIR`
    // loads a coach's folder: the generated rules are checked against the
    // shipped ones and evaluated beside them.
    let program = match Compiler::new().source("generated.rules", rules.as_str()).compile() {
        Ok(program) => program,
        Err(diagnostics) => {
            let shown: String = diagnostics.iter().map(|d| d.render_plain()).collect();
            panic!("a generated protocol does not compile:\n{rules}\n{shown}");
        }
    };
    match program.state_from_text("state.yaml", state_text.as_str()) {
        Ok(state) => {
            let first = program.evaluate(&state).report();
            let second = program.evaluate(&state).report();
            let json = |r: &recoup::Report| serde_json::to_string(r).expect("a report is JSON");
            assert_eq!(json(&first), json(&second), "evaluation is not deterministic");
            assert_eq!(first.to_text(), second.to_text());
            let size = first.to_text().len() + first.to_markdown().len();
            common::assert_bounded(size, rules.len() + state_text.len(), "report");
        }
        Err(diagnostics) => {
            common::assert_no_internal(&diagnostics);
            common::render_all(&diagnostics);
        }
    }
});
