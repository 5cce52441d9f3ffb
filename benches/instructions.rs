//! `cargo bench --bench instructions -- [PROGRAM] [N]`: evaluate one
//! program N times (default 10,000) against the example state and print the
//! number of rules that fired, with no timing at all. Its use is under
//! callgrind, where the instruction count per evaluation is a figure that a
//! loaded machine cannot disturb (README, Speed):
//!
//! ```text
//! cargo bench --bench instructions --no-run   # prints the executable's path
//! valgrind --tool=callgrind target/release/deps/instructions-HASH 30_rules 10000
//! valgrind --tool=callgrind target/release/deps/instructions-HASH 30_rules 0
//! ```
//!
//! The difference of the two counts, divided by 10,000, is the cost of one
//! evaluation. PROGRAM is `30_rules` (the `evaluate/30_rules` program of the
//! criterion bench), `shipped`, or either with `:into` (`evaluate_into`
//! reusing one outcome) or `:decide` (`decide_into`: which rules fire,
//! without reasons, reusing one outcome).

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::sync::Arc;

use recoup::diagnostic::SourceFile;
use recoup::engine::{self, Selection};
use recoup::program::Program;
use recoup::{eval, state};

mod common;

const STATE: &str = include_str!("../examples/after-long-run.yaml");

/// The `evaluate/30_rules` program of `benches/evaluate.rs`.
fn thirty_rules() -> Program {
    let text = common::thirty_rules();
    let prelude = engine::shipped().iter().find(|(n, _)| *n == engine::PRELUDE).map(|(_, t)| *t).unwrap_or_default();
    engine::compile(vec![
        (SourceFile::new("prelude.rules", prelude), true),
        (SourceFile::new("bench.rules", text), false),
    ])
    .unwrap_or_else(|e| panic!("bench rules: {}", e.iter().map(|d| d.render_plain()).collect::<String>()))
}

fn main() {
    let mut args = std::env::args().skip(1).filter(|a| !a.starts_with("--"));
    let which = args.next().unwrap_or_else(|| "30_rules".into());
    let n: usize = args.next().map_or(10_000, |a| a.parse().expect("N is a number"));
    let (name, mode) = which.split_once(':').unwrap_or((&which, "full"));
    let program = match name {
        "30_rules" => thirty_rules(),
        "shipped" => engine::load(&Selection::default()).unwrap_or_else(|_| panic!("shipped protocols check")),
        other => panic!("unknown program {other} (30_rules, shipped)"),
    };
    let file: Arc<SourceFile> = SourceFile::new("after-long-run.yaml", STATE);
    let facts =
        state::load(&program, &file, state::NowSource::default()).unwrap_or_else(|_| panic!("state loads")).facts;
    let mut fired = 0;
    match mode {
        "full" => {
            for _ in 0..n {
                fired += eval::evaluate(black_box(&program), black_box(&facts)).recommendations.len();
            }
        }
        "into" => {
            let mut outcome = eval::Outcome::default();
            for _ in 0..n {
                eval::evaluate_into(black_box(&program), black_box(&facts), &mut outcome);
                fired += outcome.recommendations.len();
            }
        }
        "decide" => {
            let mut outcome = eval::Outcome::default();
            for _ in 0..n {
                eval::decide_into(black_box(&program), black_box(&facts), &mut outcome);
                fired += outcome.recommendations.len();
            }
        }
        other => panic!("unknown mode {other} (full, into, decide)"),
    }
    println!("{which}: {} rules, {n} evaluations, {fired} recommendations", program.rules.len());
}
