//! `cargo bench --bench lsp`: how long the language server takes to answer
//! an edit — the time from a `didChange` of a 1,000-line rule file to the
//! diagnostics it publishes (parse, index, check of that file with its
//! folder and every shipped protocol), and the requests that follow.
//!
//! The target: within 50 ms, so underlining feels instant.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::str::FromStr;

use criterion::{criterion_group, criterion_main, Criterion};
use lsp_types::{Position, Uri};
use recoup::lsp::{completion, features, Workspace};

/// A protocol of `rules` rules, eleven lines each, over facts and defines
/// of the prelude; `threshold` changes one number in every rule, as an edit.
fn rule_file(rules: usize, threshold: u32) -> String {
    let mut text = String::from("protocol bench \"Benchmark\" {\n  source \"generated\"\n\n");
    for i in 0..rules {
        text.push_str(&format!(
            "  rule r{i} {{\n    when last_session.kind in [long_run, race] and since_session < {threshold}h\n    unless symptoms.acute_injury\n    advise \"Drink {{fluid_to_drink}} within {{round(since_session, 5min)}} ({i}).\"\n    because \"After a {{last_session.kind}} the body needs it.\"\n    priority medium\n    timing today\n    category bench\n    for rehydration\n  }}\n\n"
        ));
    }
    text.push_str("}\n");
    text
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bench.rules");
    let first = rule_file(91, 6);
    let second = rule_file(91, 7);
    assert!(first.lines().count() >= 1000, "{} lines", first.lines().count());
    std::fs::write(&path, &first).expect("write");
    let uri = Uri::from_str(&format!("file://{}", path.display())).expect("uri");
    let mut ws = Workspace::new(None);
    let published = ws.open(&uri, &first);
    // Lint notes about the generated rules (they overlap on purpose) are
    // fine; an error would mean the file is not the program meant.
    let errors = published
        .iter()
        .flat_map(|p| &p.diagnostics)
        .filter(|d| d.severity == Some(lsp_types::DiagnosticSeverity::ERROR));
    assert_eq!(errors.count(), 0, "{published:?}");

    let mut flip = false;
    c.bench_function("lsp/change_1000_lines", |b| {
        b.iter(|| {
            flip = !flip;
            black_box(ws.change(&uri, if flip { &second } else { &first }))
        })
    });
    // The `when` line of a rule in the middle: hover on `last_session.kind`,
    // complete the fields after `last_session.`.
    let line = first.lines().position(|l| l.contains("rule r45 ")).map_or(0, |l| l + 1);
    let line = u32::try_from(line).unwrap_or(0);
    c.bench_function("lsp/hover_1000_lines", |b| {
        b.iter(|| black_box(features::hover(&ws, &uri, Position::new(line, 12))))
    });
    c.bench_function("lsp/complete_1000_lines", |b| {
        b.iter(|| black_box(completion::complete(&ws, &uri, Position::new(line, 22))))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);
