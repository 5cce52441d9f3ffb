//! `cargo bench`: how long recoup takes for one athlete.
//!
//! - `evaluate/30_rules`: 30 recovery rules (generated below from ten
//!   realistic conditions at three thresholds each) against the example
//!   state: the defines they read, every rule, suppression and conflicts,
//!   the reasons of the rules that fire. Evaluation alone: the state is
//!   loaded before timing.
//! - `evaluate/prelude_only`: the prelude with no rules: what is left of the
//!   fixed cost per athlete now that defines are computed on demand.
//! - `evaluate/shipped_N_rules`: the same for every shipped protocol.
//! - `report/shipped`: evaluation plus the text a coach reads.
//! - `load_state/yaml`, `load_state/json`: reading and validating the
//!   example state from YAML text, and the same state as JSON text (the
//!   JSON fast path); `load_state/value`: the same state from a
//!   `serde_json::Value` already in memory (`Program::state_from_json`).
//! - `compile/shipped`: the shipped protocols as every run of the command
//!   gets them: the program `build.rs` compiled, read back.
//! - `compile/shipped_from_source`: parsing and checking the same files, as
//!   happens when a coach's files join them (`recoup lint`, `--protocols`).
//! - `batch/30_rules/jobs_N`, `batch/shipped/jobs_N`: `recoup evaluate
//!   --batch` end to end on 2,048 JSON lines (parse, validate, evaluate,
//!   render the JSON line), into a sink, with 1 and 2 threads.
//! - `growth/rules_xK`: evaluation of the 30 rules replicated K times (1,
//!   10, 100) for one state; `growth/states_N`: 30 rules over N preloaded
//!   states (1k, 10k, 100k). Both should grow linearly.
//! - `startup/evaluate_example`: the whole `recoup evaluate
//!   examples/after-long-run.yaml` process (spawned, output discarded), as
//!   `hyperfine` measures it; see README, Speed.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::sync::Arc;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use recoup::diagnostic::SourceFile;
use recoup::engine::{self, Selection};
use recoup::program::Program;
use recoup::{batch, eval, render, state, yaml};

const STATE: &str = include_str!("../examples/after-long-run.yaml");

mod common;
use common::thirty_rules;

/// The example state as one line of JSON (what a platform sends).
fn state_json() -> String {
    let file = SourceFile::new("after-long-run.yaml", STATE);
    let node = yaml::parse(&file.text).unwrap_or_else(|e| panic!("{e}"));
    node_json(&node).to_string()
}

fn node_json(node: &yaml::Node) -> serde_json::Value {
    match &node.value {
        yaml::Value::Null => serde_json::Value::Null,
        yaml::Value::Bool(b) => (*b).into(),
        yaml::Value::Int(i) => (*i).into(),
        yaml::Value::Float(f) => (*f).into(),
        yaml::Value::Str(s) => s.as_str().into(),
        yaml::Value::Seq(items) => items.iter().map(node_json).collect(),
        yaml::Value::Map(entries) => {
            serde_json::Value::Object(entries.iter().map(|e| (e.key.clone(), node_json(&e.value))).collect())
        }
    }
}

/// The 30 rules replicated `times` times, each copy its own protocol.
fn replicated(times: usize) -> Program {
    let rules = thirty_rules();
    let sources = (0..times).map(|k| {
        let text = rules.replace("protocol bench \"Benchmark\"", &format!("protocol bench{k} \"Benchmark {k}\""));
        (SourceFile::new(format!("bench{k}.rules"), text), false)
    });
    let prelude = engine::shipped().iter().find(|(n, _)| *n == engine::PRELUDE).map(|(_, t)| *t).unwrap_or_default();
    let mut all = vec![(SourceFile::new("prelude.rules", prelude), true)];
    all.extend(sources);
    engine::compile(all)
        .unwrap_or_else(|e| panic!("bench rules: {}", e.iter().map(|d| d.render_plain()).collect::<String>()))
}

fn bench(c: &mut Criterion) {
    let thirty = replicated(1);
    assert_eq!(thirty.rules.len(), 30);
    let shipped = engine::load(&Selection::default()).unwrap_or_else(|_| panic!("shipped protocols check"));
    let file: Arc<SourceFile> = SourceFile::new("after-long-run.yaml", STATE);
    let json_text = state_json();
    let json_file: Arc<SourceFile> = SourceFile::new("after-long-run.json", json_text.as_str());
    let facts = |p: &Program| -> Vec<recoup::value::Value> {
        state::load(p, &file, state::NowSource::default()).unwrap_or_else(|_| panic!("state loads")).facts
    };
    let thirty_facts = facts(&thirty);
    let shipped_facts = facts(&shipped);
    assert_eq!(
        state::load(&shipped, &json_file, state::NowSource::default()).map(|s| s.facts).ok(),
        Some(shipped_facts.clone()),
        "the JSON text is the same state"
    );

    let prelude_only =
        engine::load(&Selection { no_builtin: true, paths: Vec::new() }).unwrap_or_else(|_| panic!("prelude checks"));
    let prelude_facts = facts(&prelude_only);
    c.bench_function("evaluate/prelude_only", |b| {
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
    c.bench_function("load_state/yaml", |b| {
        b.iter(|| state::load(black_box(&shipped), black_box(&file), state::NowSource::default()).is_ok())
    });
    c.bench_function("load_state/json", |b| {
        b.iter(|| state::load(black_box(&shipped), black_box(&json_file), state::NowSource::default()).is_ok())
    });
    let state_value: serde_json::Value = serde_json::from_str(&json_text).unwrap_or_else(|e| panic!("{e}"));
    c.bench_function("load_state/value", |b| b.iter(|| shipped.state_from_json(black_box(&state_value)).is_ok()));
    c.bench_function("compile/shipped", |b| b.iter(|| engine::load(black_box(&Selection::default())).is_ok()));
    // The same files given as a coach's (not marked shipped), so they are
    // parsed and checked rather than read from the build-time program.
    let from_source: Vec<_> = engine::sources(&Selection::default())
        .unwrap_or_else(|_| panic!("shipped sources"))
        .into_iter()
        .map(|(file, _)| (file, false))
        .collect();
    c.bench_function("compile/shipped_from_source", |b| {
        b.iter(|| engine::compile(black_box(from_source.clone())).is_ok())
    });

    let lines: String = std::iter::repeat_n(format!("{json_text}\n"), batch::CHUNK).collect();
    let mut group = c.benchmark_group("batch");
    group.throughput(Throughput::Elements(batch::CHUNK as u64));
    group.sample_size(10);
    for (name, program) in [("30_rules", &thirty), ("shipped", &shipped)] {
        for jobs in [1, 2] {
            group.bench_function(format!("{name}/jobs_{jobs}"), |b| {
                b.iter(|| {
                    let options = batch::Options { jobs, now: state::NowSource::default() };
                    batch::run_lines(program, lines.as_bytes(), &mut std::io::sink(), options, |_| {})
                        .map(|s| s.states)
                        .unwrap_or(0)
                })
            });
        }
    }
    group.finish();

    let mut group = c.benchmark_group("growth");
    group.sample_size(10);
    for times in [1, 10, 100] {
        let program = replicated(times);
        let facts = facts(&program);
        group.throughput(Throughput::Elements(program.rules.len() as u64));
        group.bench_function(format!("rules_x{times}"), |b| {
            b.iter(|| eval::evaluate(black_box(&program), black_box(&facts)))
        });
    }
    for count in [1_000usize, 10_000, 100_000] {
        let states: Vec<Vec<recoup::value::Value>> = vec![thirty_facts.clone(); count];
        group.throughput(Throughput::Elements(count as u64));
        group.bench_function(format!("states_{}k", count / 1000), |b| {
            b.iter(|| states.iter().map(|f| eval::evaluate(&thirty, f).recommendations.len()).sum::<usize>())
        });
    }
    group.finish();

    // The whole process, as a coach's hook or a platform that shells out
    // pays it (bench builds the binary with the same release settings).
    let mut group = c.benchmark_group("startup");
    group.sample_size(20);
    group.bench_function("evaluate_example", |b| {
        b.iter(|| {
            std::process::Command::new(env!("CARGO_BIN_EXE_recoup"))
                .args(["evaluate", "examples/after-long-run.yaml"])
                .current_dir(env!("CARGO_MANIFEST_DIR"))
                .stdout(std::process::Stdio::null())
                .status()
                .map(|s| s.success())
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
