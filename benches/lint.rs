//! `cargo bench --bench lint`: how long `recoup lint` takes.
//!
//! - `lint/shipped`: the shipped `protocols/` folder read from disk, parsed,
//!   checked and run through every lint, as a pre-commit hook does.
//! - `lint/rules_N`: generated protocols of ten temperature bands each (gaps,
//!   overlaps and conflicts to find), N rules in all, with the shipped
//!   protocols: the time should grow linearly with N.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use recoup::lint::{self, Config};

fn bands(rules: usize) -> String {
    let mut out =
        String::from("facts {\n  weather.forecast_temp: temperature? in -40C..50C  \"the day's forecast high\"\n}\n\n");
    for p in 0..rules.div_ceil(10) {
        out.push_str(&format!("protocol bands{p} \"Bands\" {{\n  source \"generated\"\n"));
        for r in 0..10.min(rules - p * 10) {
            let (lo, hi) = (r as i32 * 4 - 10, r as i32 * 4 - 6 + (r as i32 % 3) - 1);
            let side = if r % 2 == 0 { "for" } else { "against" };
            out.push_str(&format!(
                "  rule r{r} {{\n    when weather.forecast_temp between {lo}C and {hi}C\n    advise \"Band {r}.\"\n    because \"Generated.\"\n    priority low\n    timing today\n    {side} bands{p}_tag\n  }}\n"
            ));
        }
        out.push_str("}\n");
    }
    out
}

fn benches(c: &mut Criterion) {
    let shipped = vec![PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/protocols"))];
    assert!(lint::run(&shipped, &Config::default()).unwrap().is_empty(), "the shipped protocols lint clean");
    c.bench_function("lint/shipped", |b| b.iter(|| lint::run(black_box(&shipped), &Config::default())));

    let mut group = c.benchmark_group("lint");
    group.sample_size(10);
    for rules in [100, 200, 400] {
        let texts = vec![("bands.rules".to_string(), bands(rules))];
        assert!(!lint::lint_texts(&texts, &Config::default()).is_empty());
        group.throughput(Throughput::Elements(rules as u64));
        group.bench_function(format!("rules_{rules}"), |b| {
            b.iter(|| lint::lint_texts(black_box(&texts), &Config::default()))
        });
    }
    group.finish();
}

criterion_group!(lint_benches, benches);
criterion_main!(lint_benches);
