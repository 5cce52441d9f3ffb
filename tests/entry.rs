//! Forgiving entry: what a coach may type that is unambiguous (local times in
//! the athlete's time zone, `1:12:00`, `last_marathon: never`), and one error
//! per mistake. How each mistake renders is pinned in `tests/diagnostics/`.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use chrono::DateTime;
use recoup::diagnostic::{Diagnostic, SourceFile};
use recoup::engine::{self, Selection};
use recoup::program::Program;
use recoup::state::{self, NowSource, State};
use recoup::value::Value;

fn prelude() -> Program {
    engine::load(&Selection { no_builtin: true, paths: Vec::new() }).expect("the prelude checks")
}

fn clock() -> NowSource {
    NowSource { override_now: None, fallback: Some(DateTime::parse_from_rfc3339("2026-12-01T09:00:00+00:00").unwrap()) }
}

fn load(program: &Program, text: &str) -> Result<State, Vec<Diagnostic>> {
    state::load(program, &SourceFile::new("state.yaml", text), clock())
}

fn fact<'a>(program: &Program, st: &'a State, path: &str) -> &'a Value {
    &st.facts[program.fact_index(path).unwrap()]
}

fn instant(program: &Program, st: &State, path: &str) -> String {
    match fact(program, st, path) {
        Value::Instant(t) => t.to_rfc3339(),
        other => panic!("{path} is {other:?}"),
    }
}

#[test]
fn local_times_are_read_in_the_athletes_time_zone() {
    let p = prelude();
    let st = load(
        &p,
        "now: 2026-11-28 08:15\nathlete:\n  timezone: Europe/Paris\nlast_session:\n  kind: long_run\n  ended_at: 2026-11-28T07:30\nnext_session:\n  at: 2026-07-01 18:00\n",
    )
    .unwrap();
    assert_eq!(instant(&p, &st, "now"), "2026-11-28T08:15:00+01:00");
    assert_eq!(instant(&p, &st, "last_session.ended_at"), "2026-11-28T07:30:00+01:00");
    // Summer time: the zone's offset on that day, not today's.
    assert_eq!(instant(&p, &st, "next_session.at"), "2026-07-01T18:00:00+02:00");
}

#[test]
fn without_a_time_zone_local_times_take_the_offset_of_now() {
    let p = prelude();
    let st =
        load(&p, "now: 2026-11-28T08:15:00-05:00\nlast_session:\n  kind: long_run\n  ended_at: 2026-11-28 07:30\n")
            .unwrap();
    assert_eq!(instant(&p, &st, "last_session.ended_at"), "2026-11-28T07:30:00-05:00");
}

#[test]
fn a_time_the_clocks_pass_twice_is_refused() {
    let p = prelude();
    let errors = load(
        &p,
        "now: 2026-10-26T08:00:00+01:00\nathlete:\n  timezone: Europe/Paris\nlast_session:\n  kind: long_run\n  ended_at: 2026-10-25 02:30\n",
    )
    .unwrap_err();
    assert_eq!(errors.len(), 1);
    assert!(errors[0].message.contains("happens twice in Europe/Paris"), "{}", errors[0].message);
}

#[test]
fn clock_durations_and_never() {
    let p = prelude();
    let st = load(
        &p,
        "now: 2026-11-28T08:15:00+01:00\nlast_session:\n  kind: long_run\n  ended_at: 2026-11-28T07:40:00+01:00\n  duration: 1:12:00\nlast_marathon: never\n",
    )
    .unwrap();
    assert_eq!(fact(&p, &st, "last_session.duration"), &Value::Num(72.0 * 60.0));
    assert_eq!(fact(&p, &st, "last_marathon"), &Value::Never);
    // Two parts stay minutes and seconds, as for paces.
    let st = load(
        &p,
        "now: 2026-11-28T08:15:00+01:00\nlast_session:\n  kind: easy\n  ended_at: 2026-11-28T07:40:00+01:00\n  duration: \"45:30\"\n",
    )
    .unwrap();
    assert_eq!(fact(&p, &st, "last_session.duration"), &Value::Num(45.0 * 60.0 + 30.0));
}

#[test]
fn a_bad_now_is_one_error_not_a_clock_comparison_too() {
    let p = prelude();
    // Against the clock (2026-12-01), nothing here is in the future; against
    // a fallback in the past everything would be. Either way: one error.
    for fallback in ["2026-12-01T09:00:00+00:00", "2020-01-01T00:00:00+00:00"] {
        let source = NowSource { override_now: None, fallback: Some(DateTime::parse_from_rfc3339(fallback).unwrap()) };
        let text = "now: 28/11/2026 08:15\nlast_session:\n  kind: long_run\n  ended_at: 2026-11-28T07:40:00+01:00\nlast_marathon: 2026-11-15\n";
        let errors = state::load(&p, &SourceFile::new("s.yaml", text), source).unwrap_err();
        let codes: Vec<&str> = errors.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["state::date"], "{fallback}");
    }
}

#[test]
fn a_malformed_weight_before_is_one_error() {
    let p = prelude();
    let errors = load(
        &p,
        "now: 2026-11-28T08:15:00+01:00\nlast_session:\n  kind: long_run\n  ended_at: 2026-11-28T07:40:00+01:00\n  weight_before: 62,4 kg\n  weight_after: 61.3\n",
    )
    .unwrap_err();
    let codes: Vec<&str> = errors.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["state::unit"]);
}
