//! The embedding API: compile once, share between threads, states from a
//! JSON value, text or a builder, ids straight from the evaluation.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use recoup::{Compiler, Evaluation, Outcome, Program, State};

const _: fn() = || {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Program>();
    send_sync::<State>();
    send_sync::<Outcome>();
};

fn shipped() -> Program {
    Compiler::new().compile().unwrap_or_else(|e| panic!("{e:?}"))
}

fn ids(e: &Evaluation) -> Vec<String> {
    e.recommended_ids().map(str::to_string).collect()
}

#[test]
fn json_value_text_and_builder_give_the_same_state() {
    let program = shipped();
    let value = serde_json::json!({
        "now": "2026-11-28T08:15:00+01:00",
        "athlete": { "name": "Jo" },
        "last_session": { "kind": "long_run", "ended_at": "2026-11-28T07:40:00+01:00", "weight_before": 62.4, "weight_after": 61.3 },
        "symptoms": { "soreness": 6 }
    });
    let from_value = program.state_from_json(&value).unwrap();
    let from_text = program.state_from_text("jo.json", value.to_string()).unwrap();
    let from_builder = program
        .state_builder()
        .set("now", "2026-11-28T08:15:00+01:00")
        .set("athlete.name", "Jo")
        .set("last_session.kind", "long_run")
        .set("last_session.ended_at", "2026-11-28T07:40:00+01:00")
        .set("last_session.weight_before", 62.4)
        .set("last_session.weight_after", 61.3)
        .set("symptoms.soreness", 6)
        .build()
        .unwrap();
    assert_eq!(from_value.facts, from_text.facts);
    assert_eq!(from_value.facts, from_builder.facts);
    let evaluation = program.evaluate(&from_value);
    let expected: Vec<String> =
        evaluation.outcome().recommendations.iter().map(|&i| program.rules[i].id.clone()).collect();
    assert_eq!(ids(&evaluation), expected);
    assert!(!expected.is_empty());
    assert_eq!(evaluation.report().athlete.as_deref(), Some("Jo"));
}

#[test]
fn a_rejected_json_value_points_into_its_pretty_text() {
    let program = shipped();
    let errors = program
        .state_from_json(&serde_json::json!({ "now": "2026-11-28T08:15:00+01:00", "last_session": { "kind": "long_rn", "ended_at": "2026-11-28T07:40:00+01:00" } }))
        .unwrap_err();
    let d = &errors[0];
    assert_eq!(d.code, "state::unknown-enum-value");
    let (line, _) = d.location().map(|(_, l, c)| (l, c)).unwrap();
    assert_eq!(line, 4, "{}", d.render_plain());
}

#[test]
fn without_the_prelude_an_app_brings_its_own_facts() {
    let rules = "facts {\n  now: number?  \"a name the prelude would own\"\n}\nprotocol p \"P\" {\n  rule r {\n    when now > 3\n    advise \"x\"\n    priority low\n    timing now\n  }\n}\n";
    let program = Compiler::new().without_prelude().source("app.rules", rules).compile().unwrap();
    assert_eq!(program.rules.len(), 1);
    let state = program.state_from_json(&serde_json::json!({ "now": 4 })).unwrap();
    assert_eq!(ids(&program.evaluate(&state)), ["p.r"]);
    // With the prelude, `now` is declared twice.
    assert!(Compiler::new().without_shipped().source("app.rules", rules).compile().is_err());
}

#[test]
fn one_program_serves_many_threads() {
    let program = shipped();
    let state =
        program.state_from_text("after-long-run.yaml", include_str!("../examples/after-long-run.yaml")).unwrap();
    let alone = ids(&program.evaluate(&state));
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4).map(|_| scope.spawn(|| ids(&program.evaluate(&state)))).collect();
        for h in handles {
            assert_eq!(h.join().unwrap(), alone);
        }
    });
}
