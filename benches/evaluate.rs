//! `cargo bench`: how long recoup takes for one athlete.
//!
//! - `evaluate/30_rules`: 30 recovery rules (generated below from ten
//!   realistic conditions at three thresholds each) against the example
//!   state: defines, every rule, suppression and conflicts, the reasons of
//!   the rules that fire. This is the number to compare with other engines.
//! - `evaluate/defines_only`: the prelude's derived facts alone, no rules:
//!   the fixed cost of each athlete.
//! - `evaluate/shipped`: the same for every shipped protocol.
//! - `report/shipped`: evaluation plus the text a coach reads.
//! - `load_state`: reading and validating the YAML state (not part of the
//!   numbers above; other engines are also timed on parsed input).
//! - `compile/shipped`: parsing and checking every shipped rule file (once
//!   per run of the command, not per athlete).

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::sync::Arc;

use criterion::{criterion_group, criterion_main, Criterion};
use recoup::diagnostic::SourceFile;
use recoup::engine::{self, Selection};
use recoup::{eval, render, state};

const STATE: &str = include_str!("../examples/after-long-run.yaml");

/// Ten conditions a recovery protocol asks, each at three thresholds.
fn thirty_rules() -> String {
    let conditions = [
        ("since_session <= {}min", ["30", "60", "90"]),
        ("last_session.kind in [long_run, race, marathon] and since_session < {}h", ["2", "6", "24"]),
        ("fluid_lost > {} L", ["0.2", "0.5", "1"]),
        ("sleep.last_night < {}h", ["6", "7", "8"]),
        ("hrv_days_below >= {}", ["1", "3", "5"]),
        ("rhr_elevation >= {} bpm", ["2", "4", "6"]),
        ("training.weeks_since_recovery_week >= {}", ["2", "3", "4"]),
        ("symptoms.soreness >= {} and not symptoms.acute_injury", ["3", "5", "7"]),
        ("days_since_marathon between {}d and 42d", ["0", "7", "14"]),
        ("last_session_hard and until_next_session < {}h", ["24", "36", "48"]),
    ];
    let mut text = String::from("protocol bench \"Benchmark\" {\n");
    for (i, (condition, thresholds)) in conditions.iter().enumerate() {
        for (j, t) in thresholds.iter().enumerate() {
            let when = condition.replace("{}", t);
            text.push_str(&format!(
                "  rule r{i}_{j} {{\n    when {when}\n    advise \"Advice {i}.{j}: drink {{fluid_to_drink}}.\"\n    because \"Reason {i}.{j}.\"\n    priority medium\n    timing today\n  }}\n"
            ));
        }
    }
    text.push_str("}\n");
    text
}

fn bench(c: &mut Criterion) {
    let prelude = engine::shipped().iter().find(|(n, _)| *n == engine::PRELUDE).map(|(_, t)| *t).unwrap_or_default();
    let thirty = engine::compile(vec![
        (SourceFile::new("prelude.rules", prelude), true),
        (SourceFile::new("bench.rules", thirty_rules()), false),
    ])
    .unwrap_or_else(|e| panic!("bench rules: {}", e.iter().map(|d| d.render_plain()).collect::<String>()));
    assert_eq!(thirty.rules.len(), 30);
    let shipped = engine::load(&Selection::default()).unwrap_or_else(|_| panic!("shipped protocols check"));
    let file: Arc<SourceFile> = SourceFile::new("after-long-run.yaml", STATE);
    let facts = |p| state::load(p, &file, state::NowSource::default()).unwrap_or_else(|_| panic!("state loads")).facts;
    let thirty_facts = facts(&thirty);
    let shipped_facts = facts(&shipped);

    let prelude_only =
        engine::load(&Selection { no_builtin: true, paths: Vec::new() }).unwrap_or_else(|_| panic!("prelude checks"));
    let prelude_facts = facts(&prelude_only);
    c.bench_function("evaluate/defines_only", |b| {
        b.iter(|| eval::evaluate(black_box(&prelude_only), black_box(&prelude_facts)))
    });
    c.bench_function("evaluate/30_rules", |b| b.iter(|| eval::evaluate(black_box(&thirty), black_box(&thirty_facts))));
    c.bench_function(&format!("evaluate/shipped_{}_rules", shipped.rules.len()), |b| {
        b.iter(|| eval::evaluate(black_box(&shipped), black_box(&shipped_facts)))
    });
    c.bench_function("report/shipped", |b| {
        b.iter(|| {
            let outcome = eval::evaluate(black_box(&shipped), black_box(&shipped_facts));
            render::report(&shipped, &outcome, None).to_text()
        })
    });
    c.bench_function("load_state", |b| {
        b.iter(|| state::load(black_box(&shipped), black_box(&file), state::NowSource::default()).is_ok())
    });
    c.bench_function("compile/shipped", |b| b.iter(|| engine::load(black_box(&Selection::default())).is_ok()));
}

criterion_group!(benches, bench);
criterion_main!(benches);
