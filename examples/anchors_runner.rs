//! The runner for the cross-engine benchmark ("anchors": the same 30 rules
//! for regorus, zen-engine, json-rules-engine and recoup, 20,000 generated
//! states), kept here so that it follows the public API. The harness builds
//! it with `cargo build --release --example anchors_runner`.
//!
//! Usage: `anchors_runner MODE RULES STATES OUT [--prelude] [--name NAME] [--warmup N]`
//!
//! RULES is the translated rule file (facts under the group `anchors.`),
//! STATES a JSON Lines file of flat states, OUT where the sorted fired ids of
//! each state go, one JSON array per line. MODE says how each state, already
//! parsed into a `serde_json::Value` (untimed), reaches the engine:
//!
//! - `value`: `Program::state_from_json`, the validating loader, from the
//!   value wrapped as `{"anchors": ...}` (the wrapping is done before timing,
//!   as part of preparing the input).
//! - `text`: the value written out as JSON text (timed), then
//!   `Program::state_from_text`: the path a caller holding text takes.
//! - `preloaded`: states loaded with `state_from_json` before timing; the
//!   timed work is evaluation and reading the ids alone.
//!
//! In every mode the ids come from `Program::recommended_ids`, the public
//! path for a caller that wants only which rules fire: it decides every
//! rule (statuses, suppression, conflicts, duplicates) but builds no
//! reasons, and reuses one `Scratch` from state to state.
//!
//! The program is RULES alone (`Compiler::without_prelude`). With
//! `--prelude` it is the prelude plus RULES (what `recoup evaluate
//! --no-builtin --protocols RULES` loads); the prelude requires `now`,
//! `last_session.kind` and `last_session.ended_at`, so each state also
//! carries fixed values for them (an easy run that ended an hour before).
//!
//! As the harness's other runners (see its README, "What is measured"): warm
//! up on the first N states (default 1,000), time one single-threaded pass
//! of convert + evaluate + extract ids, time the conversion alone in a
//! second pass, write the sorted ids, print one JSON line with `engine, n,
//! elapsed_s, evals_per_s, us_per_eval, convert_us_per_eval` and, beside
//! them, `compile_ms` and the program's counts.

use std::io::{BufWriter, Write};
use std::time::Instant;

use recoup::{Compiler, Program, Scratch, State};
use serde_json::Value as Json;

type AnyResult<T> = Result<T, Box<dyn std::error::Error>>;

const GROUP: &str = "anchors";
const PROTOCOL_PREFIX: &str = "anchors.";

struct Args {
    mode: String,
    rules: String,
    states: String,
    out: String,
    prelude: bool,
    name: Option<String>,
    warmup: usize,
}

fn parse_args() -> AnyResult<Args> {
    let mut pos = Vec::new();
    let (mut name, mut warmup, mut prelude) = (None, 1000usize, false);
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--name" => name = Some(it.next().ok_or("--name needs a value")?),
            "--warmup" => warmup = it.next().ok_or("--warmup needs a value")?.parse()?,
            "--prelude" => prelude = true,
            _ => pos.push(a),
        }
    }
    let [mode, rules, states, out]: [String; 4] = pos.try_into().map_err(|_| {
        "usage: anchors_runner value|text|preloaded RULES STATES OUT [--prelude] [--name NAME] [--warmup N]"
    })?;
    Ok(Args { mode, rules, states, out, prelude, name, warmup })
}

/// A flat state as recoup reads it: under the `anchors` group, with the
/// prelude's required facts when the prelude is loaded.
fn wrap(v: &Json, prelude: bool) -> Json {
    let mut root = serde_json::Map::new();
    root.insert(GROUP.into(), v.clone());
    if prelude {
        root.insert("now".into(), "2026-11-28T08:15:00+01:00".into());
        root.insert(
            "last_session".into(),
            serde_json::json!({ "kind": "easy", "ended_at": "2026-11-28T07:15:00+01:00" }),
        );
    }
    Json::Object(root)
}

fn load_json(program: &Program, v: &Json) -> State {
    match program.state_from_json(v) {
        Ok(s) => s,
        Err(ds) => {
            let text: String = ds.iter().map(|d| d.render_plain()).collect();
            eprintln!("recoup rejected a state:\n{text}");
            std::process::exit(1);
        }
    }
}

fn load_text(program: &Program, text: String) -> State {
    match program.state_from_text("state.json", text) {
        Ok(s) => s,
        Err(ds) => {
            let text: String = ds.iter().map(|d| d.render_plain()).collect();
            eprintln!("recoup rejected a state:\n{text}");
            std::process::exit(1);
        }
    }
}

/// Warm up, time `eval(convert(s))` over every state, then the conversion
/// alone: the accounting of the harness's other runners.
fn measure<'a, S, T>(
    states: &'a [S],
    warmup: usize,
    mut convert: impl FnMut(&'a S) -> T,
    mut eval: impl FnMut(T) -> Vec<String>,
) -> (Vec<Vec<String>>, f64, f64) {
    for s in states.iter().take(warmup) {
        std::hint::black_box(eval(convert(s)));
    }
    let mut fired = Vec::with_capacity(states.len());
    let t0 = Instant::now();
    for s in states {
        fired.push(eval(convert(s)));
    }
    let elapsed = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    for s in states {
        std::hint::black_box(convert(s));
    }
    (fired, elapsed, t1.elapsed().as_secs_f64())
}

fn main() -> AnyResult<()> {
    let args = parse_args()?;
    let text = std::fs::read_to_string(&args.states)?;
    let states: Vec<Json> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str::<Json>(l).map(|v| wrap(&v, args.prelude)))
        .collect::<Result<_, _>>()?;

    let t = Instant::now();
    let compiler = if args.prelude { Compiler::new().without_shipped() } else { Compiler::new().without_prelude() };
    let program = compiler.path(&args.rules).compile().map_err(|ds| {
        let text: String = ds.iter().map(|d| d.render_plain()).collect();
        format!("{} does not check:\n{text}", args.rules)
    })?;
    let compile_ms = t.elapsed().as_secs_f64() * 1e3;

    // The fired ids as the other runners extract them (owned strings), by
    // the cheap path: `recommended_ids` decides every rule without reasons,
    // in buffers reused from state to state.
    let mut scratch = Scratch::default();
    let mut ids = |state: &State| -> Vec<String> {
        program
            .recommended_ids(state, &mut scratch)
            .filter_map(|id| id.strip_prefix(PROTOCOL_PREFIX))
            .map(str::to_string)
            .collect()
    };
    let (fired, elapsed, convert) = match args.mode.as_str() {
        "value" => measure(&states, args.warmup, |s| load_json(&program, s), |st| ids(&st)),
        "text" => measure(
            &states,
            args.warmup,
            |s| load_text(&program, serde_json::to_string(s).unwrap_or_default()),
            |st| ids(&st),
        ),
        "preloaded" => {
            let loaded: Vec<State> = states.iter().map(|s| load_json(&program, s)).collect();
            let (fired, elapsed, _) = measure(&loaded, args.warmup, |s| s, &mut ids);
            (fired, elapsed, 0.0)
        }
        m => return Err(format!("unknown mode {m} (value, text, preloaded)").into()),
    };

    let mut w = BufWriter::new(std::fs::File::create(&args.out)?);
    for mut f in fired {
        f.sort();
        serde_json::to_writer(&mut w, &f)?;
        w.write_all(b"\n")?;
    }
    w.flush()?;

    let n = states.len() as f64;
    let engine =
        args.name.unwrap_or_else(|| format!("recoup-{}{}", args.mode, if args.prelude { "+prelude" } else { "" }));
    let report = serde_json::json!({
        "engine": engine,
        "n": states.len(),
        "elapsed_s": elapsed,
        "evals_per_s": n / elapsed,
        "us_per_eval": elapsed * 1e6 / n,
        "convert_us_per_eval": convert * 1e6 / n,
        "compile_ms": compile_ms,
        "rules": program.rules.len(),
        "facts": program.facts.len(),
        "defines": program.defines.len(),
    });
    println!("{report}");
    Ok(())
}
