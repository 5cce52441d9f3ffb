#![allow(clippy::unwrap_used)]

use super::*;
use crate::diagnostic::SourceFile;
use crate::engine;

const RULES: &str = r#"
protocol t "Time" {
  rule refuel {
    when since_session <= 60min
    advise "Eat now." priority high timing now
  }
  rule after_refuel {
    when since_session > 60min and since_session < 3h
    advise "Eat a meal." priority medium timing today
  }
  rule next_day {
    when days_since(date(last_session.ended_at)) == 1d
    advise "Easy day." priority low timing today
  }
  rule loud {
    when since_session >= 2h
    advise "Loud." priority low timing today
    suppresses after_refuel
  }
  rule timeless {
    when last_session.kind is long_run
    advise "Long run done." priority low timing today
  }
}
"#;

fn setup() -> (Program, Vec<Value>) {
    let prelude = engine::shipped().iter().find(|(n, _)| *n == engine::PRELUDE).unwrap().1;
    let program = engine::compile(vec![
        (SourceFile::new("prelude.rules", prelude), true),
        (SourceFile::new("t.rules", RULES), false),
    ])
    .unwrap();
    let state = "now: 2026-11-28T08:15:00+01:00\n\
                 last_session: { kind: long_run, ended_at: 2026-11-28T07:40:00+01:00 }\n";
    let st = crate::state::load(&program, &SourceFile::new("s.yaml", state), Default::default()).unwrap();
    (program, st.facts)
}

fn at(text: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(text).unwrap()
}

#[test]
fn changes_are_found_to_the_second() {
    let (program, facts) = setup();
    let scan = scan(&program, &facts, 3).unwrap();
    let rule = |id: &str| program.rule_index(&format!("t.{id}")).unwrap();
    let changes: Vec<(String, &str, RuleState)> =
        scan.changes.iter().map(|c| (c.at.to_rfc3339(), program.rules[c.rule].id.as_str(), c.to)).collect();
    assert_eq!(
        changes,
        vec![
            // 60 minutes after 07:40 the refuel window closes (`<= 60min`
            // still holds at 08:40:00) and the next rule starts.
            ("2026-11-28T08:40:01+01:00".into(), "t.refuel", RuleState::Off),
            ("2026-11-28T08:40:01+01:00".into(), "t.after_refuel", RuleState::Advised),
            // `loud` fires at two hours and suppresses `after_refuel`.
            ("2026-11-28T09:40:00+01:00".into(), "t.after_refuel", RuleState::Suppressed),
            ("2026-11-28T09:40:00+01:00".into(), "t.loud", RuleState::Advised),
            ("2026-11-28T10:40:00+01:00".into(), "t.after_refuel", RuleState::Off),
            // Calendar days turn at midnight in now's offset.
            ("2026-11-29T00:00:00+01:00".into(), "t.next_day", RuleState::Advised),
            ("2026-11-30T00:00:00+01:00".into(), "t.next_day", RuleState::Off),
        ]
    );
    assert_eq!(scan.initial[rule("refuel")], RuleState::Advised);
    assert_eq!(scan.initial[rule("timeless")], RuleState::Advised);
    // Advice starts and stops: `after_refuel` starts at 08:40:01 and stops
    // at 09:40 when suppressed; its conditions ending at 10:40 changes no
    // advice. A rule time does not touch never appears.
    let advice: Vec<(&str, RuleState)> =
        scan.advice_changes().map(|c| (program.rules[c.rule].id.as_str(), c.to)).collect();
    assert_eq!(advice.iter().filter(|(id, _)| *id == "t.after_refuel").count(), 2);
    assert!(!advice.iter().any(|(id, _)| *id == "t.timeless"));
}

#[test]
fn windows_say_when_a_rule_fires_and_stops() {
    let (program, facts) = setup();
    let scan = scan(&program, &facts, 3).unwrap();
    let window = |id: &str| scan.window(program.rule_index(&format!("t.{id}")).unwrap());
    assert_eq!(
        window("refuel"),
        Window {
            fires_from: Some(at("2026-11-28T08:15:00+01:00")),
            fires_until: Some(at("2026-11-28T08:40:01+01:00"))
        }
    );
    // Suppressed is still firing: the window runs to the end of its conditions.
    assert_eq!(
        window("after_refuel"),
        Window {
            fires_from: Some(at("2026-11-28T08:40:01+01:00")),
            fires_until: Some(at("2026-11-28T10:40:00+01:00"))
        }
    );
    assert_eq!(
        window("next_day"),
        Window {
            fires_from: Some(at("2026-11-29T00:00:00+01:00")),
            fires_until: Some(at("2026-11-30T00:00:00+01:00"))
        }
    );
    assert_eq!(window("timeless"), Window { fires_from: Some(scan.start), fires_until: None });
}

#[test]
fn only_now_moves() {
    let (program, facts) = setup();
    let later = at("2026-12-01T00:00:00+01:00");
    let moved = facts_at(&program, &facts, later);
    for (i, (a, b)) in facts.iter().zip(&moved).enumerate() {
        if Some(i as u32) == program.now_slot {
            assert_eq!(*b, Value::Instant(later));
        } else {
            assert_eq!(a, b);
        }
    }
    assert_eq!(scan(&program, &facts, 2).unwrap().end, at("2026-11-30T08:15:00+01:00"));
}

#[test]
fn no_now_no_scan() {
    let (program, mut facts) = setup();
    if let Some(slot) = program.now_slot {
        facts[slot as usize] = Value::Missing;
    }
    assert!(scan(&program, &facts, 2).is_none());
}
