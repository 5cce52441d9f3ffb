//! A state read from a `serde_json::Value` (the fast path platforms use)
//! is the state read from the same value written out as JSON text: the same
//! facts when it is accepted, and the same diagnostics when it is not.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use recoup::{Compiler, Program, State};
use serde_json::json;

fn shipped() -> Program {
    Compiler::new().compile().unwrap_or_else(|e| panic!("{e:?}"))
}

fn shown(result: &Result<State, Vec<recoup::Diagnostic>>) -> String {
    match result {
        Ok(state) => format!("ok {:?}", state.facts),
        Err(ds) => ds.iter().map(|d| d.render_plain()).collect::<Vec<_>>().join("\n"),
    }
}

#[test]
fn a_json_value_reads_as_its_text_reads() {
    let program = shipped();
    let base = || {
        json!({
            "now": "2026-11-28T08:15:00+01:00",
            "last_session": { "kind": "long_run", "ended_at": "2026-11-28T07:40:00+01:00" }
        })
    };
    let with = |path: &[&str], value: serde_json::Value| {
        let mut v = base();
        let mut at = &mut v;
        for (i, part) in path.iter().enumerate() {
            if i + 1 == path.len() {
                at[*part] = value.clone();
            } else {
                if at.get(*part).is_none() {
                    at[*part] = json!({});
                }
                at = &mut at[*part];
            }
        }
        v
    };
    let values = [
        base(),
        with(&["athlete", "name"], json!("Jo")),
        with(&["athlete", "units"], json!("imperial")),
        with(&["athlete", "timezone"], json!("Europe/Pariss")),
        with(&["last_session", "kind"], json!("tempo_run")),
        with(&["last_session", "duration"], json!("1h50m")),
        with(&["last_session", "duration"], json!("1h90m")),
        with(&["last_session", "distance"], json!(u64::MAX)),
        with(&["last_session", "distance"], json!(-3)),
        with(&["last_session", "weight_before"], json!(1e300)),
        with(&["last_session", "cooled_down"], json!("no")),
        with(&["last_session", "nope"], json!(1)),
        with(&["soreness"], json!(3)),
        with(&["symptoms", "soreness"], json!(6.5)),
        with(&["symptoms", "tight_areas"], json!(["calves", "hip_flexors"])),
        with(&["symptoms", "tight_areas"], json!(["calves", 3])),
        with(&["training", "weekly_volume"], json!([52, 58.5, "61 km"])),
        with(&["hrv", "readings"], json!([{ "date": "2026-11-24", "rmssd": 61 }, { "date": "2026-11-25" }])),
        with(
            &["hrv", "readings"],
            json!([{ "date": "2026-11-24", "rmssd": 61 }, { "date": "2026-11-24", "rmssd": 60 }]),
        ),
        with(&["hrv", "readings"], json!([{ "date": "2026-12-24", "rmssd": 61 }])),
        with(&["last_marathon"], json!("never")),
        with(&["care", "last_threshold_test"], json!("never")),
        with(&["last_session", "ended_at"], json!("2026-11-28 07:40")),
        with(&["last_session"], json!("long_run")),
        with(&["now"], json!(null)),
        json!([1, 2]),
        json!(null),
    ];
    for value in values {
        let text = serde_json::to_string_pretty(&value).unwrap();
        let from_value = program.state_from_json(&value);
        let from_text = program.state_from_text("state.json", text.clone());
        assert_eq!(shown(&from_value), shown(&from_text), "{text}");
    }
}
