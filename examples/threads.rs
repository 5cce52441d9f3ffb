//! Many athletes on several threads with one shared, compiled `Program`.
//!
//! `cargo run --release --example threads [STATES] [THREADS]`: builds STATES
//! states (default 100,000) by varying the example morning, splits them
//! between THREADS threads (default: every core), and prints how many
//! recommendations each rule collected and the rate.

use std::collections::BTreeMap;
use std::time::Instant;

use recoup::{Compiler, Program, State};

fn main() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let count: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let threads: usize = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));

    // Compiled once; shared by reference with every thread (it is Send + Sync).
    let program: Program = Compiler::new().compile().map_err(|e| format!("{e:?}"))?;

    // Each athlete differs in soreness, sleep and time since the session.
    let states: Vec<State> = (0..count)
        .map(|i| {
            program
                .state_builder()
                .set("now", "2026-11-28T08:15:00+01:00")
                .set("last_session.kind", if i % 3 == 0 { "intervals" } else { "long_run" })
                .set("last_session.ended_at", "2026-11-28T07:40:00+01:00")
                .set("symptoms.soreness", (i % 11) as i64)
                .set("sleep.last_night", 5.0 + (i % 8) as f64 * 0.5)
                .build()
                .map_err(|e| format!("state {i}: {e:?}"))
        })
        .collect::<Result<_, _>>()?;

    let started = Instant::now();
    let share = states.len().div_ceil(threads.max(1)).max(1);
    let counts: BTreeMap<String, usize> = std::thread::scope(|scope| {
        let workers: Vec<_> = states
            .chunks(share)
            .map(|part| {
                let program = &program;
                scope.spawn(move || {
                    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
                    for state in part {
                        for id in program.evaluate(state).recommended_ids() {
                            *counts.entry(id.to_string()).or_default() += 1;
                        }
                    }
                    counts
                })
            })
            .collect();
        let mut total = BTreeMap::new();
        for worker in workers {
            for (id, n) in worker.join().unwrap_or_default() {
                *total.entry(id).or_default() += n;
            }
        }
        total
    });
    let elapsed = started.elapsed().as_secs_f64();
    for (id, n) in &counts {
        println!("{n:>8}  {id}");
    }
    println!("{count} states on {threads} threads in {elapsed:.3} s: {:.0} states/s", count as f64 / elapsed);
    Ok(())
}
