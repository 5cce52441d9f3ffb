//! The flat form of the rules' logic (`src/decision.rs`) decides every rule
//! as the tree walk does. `decide_into` decides by the flat form and
//! `evaluate_traced` walks the trees, so their statuses are compared here
//! on the shapes the flat form treats specially; `tests/properties.rs`
//! compares them on generated programs.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use recoup::decision::{Join, Leaf, Op, Tri};
use recoup::eval::{self, Status};
use recoup::{Compiler, Program};

fn compile(rules: &str) -> Program {
    Compiler::new()
        .without_shipped()
        .source("flat.rules", rules.to_string())
        .compile()
        .unwrap_or_else(|ds| panic!("{}", ds.iter().map(|d| d.render_plain()).collect::<String>()))
}

fn rule(id: &str, when: &str) -> String {
    format!(
        "  rule {id} {{\n    when {when}\n    advise \"Advice of {id}.\"\n    priority low\n    timing today\n  }}\n"
    )
}

fn program(rules: &[(&str, &str)]) -> Program {
    let body: String = rules.iter().map(|(id, when)| rule(id, when)).collect();
    compile(&format!("protocol flat \"Flat\" {{\n{body}}}\n"))
}

/// The statuses of every rule by the flat form and by the tree walk.
fn statuses(program: &Program, state: &str) -> (Vec<Status>, Vec<Status>) {
    let state = program
        .state_from_text("state.yaml", state.to_string())
        .unwrap_or_else(|ds| panic!("{}", ds.iter().map(|d| d.render_plain()).collect::<String>()));
    let mut decided = eval::Outcome::default();
    eval::decide_into(program, &state.facts, &mut decided);
    let flat = decided.rules.iter().map(|r| r.status).collect();
    let tree = eval::evaluate_traced(program, &state.facts).rules.iter().map(|r| r.status).collect();
    (flat, tree)
}

const NOW: &str =
    "now: 2026-11-28T08:15:00+01:00\nlast_session:\n  kind: long_run\n  ended_at: 2026-11-28T07:40:00+01:00\n";

/// Every fact the rules below read is given, left out, or given so that
/// the leaf is false.
const STATES: &[&str] = &[
    "",
    "symptoms:\n  soreness: 6\n  heavy_legs: true\nhrv:\n  trend: down\n",
    "symptoms:\n  soreness: 2\n  heavy_legs: false\nhrv:\n  trend: up\n",
    "symptoms:\n  soreness: 5\nhrv:\n  trend: stable\n",
    "symptoms:\n  heavy_legs: true\n",
];

#[test]
fn guarded_leaves_are_one_operation_and_decide_as_the_tree_does() {
    let program = program(&[
        ("number", "symptoms.soreness is known and symptoms.soreness >= 5"),
        ("truth", "symptoms.heavy_legs is known and symptoms.heavy_legs"),
        ("enum_is", "hrv.trend is known and hrv.trend is down"),
        ("enum_in", "hrv.trend is known and hrv.trend in [down, stable]"),
        ("hard_define", "last_session_hard is known and last_session_hard"),
        // Not a guard: the guard is on another fact, or comes second.
        ("other_fact", "hrv.trend is known and symptoms.soreness >= 5"),
        ("guard_second", "symptoms.soreness >= 5 and symptoms.soreness is known"),
        ("negated", "not (symptoms.soreness is known and symptoms.soreness >= 5)"),
        (
            "either",
            "(symptoms.soreness is known and symptoms.soreness >= 5) or (hrv.trend is known and hrv.trend is down)",
        ),
    ]);
    let code = program.decision_code();
    for (i, r) in program.rules.iter().enumerate() {
        let logic = &code.rules[i];
        let ops = &code.ops[logic.when.start as usize..logic.when.end as usize];
        let one_leaf = matches!(ops, [Op::Leaf(Join::And, leaf)] if !matches!(leaf, Leaf::Tree(_)));
        let guarded =
            ["number", "truth", "enum_is", "enum_in", "hard_define"].iter().any(|g| r.id == format!("flat.{g}"));
        assert_eq!(one_leaf, guarded, "{}: {ops:?}", r.id);
        if guarded {
            let [Op::Leaf(_, leaf)] = ops else { unreachable!() };
            let missing = match *leaf {
                Leaf::Num { missing, .. }
                | Leaf::Truth { missing, .. }
                | Leaf::InEnums { missing, .. }
                | Leaf::Const { missing, .. }
                | Leaf::InConsts { missing, .. } => missing,
                _ => Tri::Unknown,
            };
            assert_eq!(missing, Tri::False, "{}: a missing fact makes the guarded leaf false", r.id);
        }
    }
    for state in STATES {
        let (flat, tree) = statuses(&program, &format!("{NOW}{state}"));
        assert_eq!(flat, tree, "state:\n{state}");
    }
}

#[test]
fn short_circuits_and_unknowns_decide_as_the_tree_does() {
    let program = program(&[
        ("and_false_first", "symptoms.soreness >= 9 and hrv.trend is down"),
        ("and_unknown_first", "symptoms.soreness >= 1 and hrv.trend is down"),
        ("or_true_first", "symptoms.soreness >= 1 or hrv.trend is down"),
        ("or_unknown", "symptoms.soreness >= 9 or hrv.trend is down"),
        ("not_unknown", "not (hrv.trend is down)"),
        ("nested", "(symptoms.soreness >= 1 or hrv.trend is down) and not (symptoms.heavy_legs and hrv.trend in [up])"),
        ("mixed", "symptoms.soreness between 2 and 6 and (hrv.trend is known or symptoms.soreness + 1 > 4)"),
        // A negated leaf joins the left side as one operation.
        ("and_not", "symptoms.soreness >= 1 and not (hrv.trend is down)"),
        ("or_not", "symptoms.soreness >= 9 or not symptoms.heavy_legs"),
        ("not_first", "not (symptoms.heavy_legs is known and symptoms.heavy_legs) and hrv.trend is known"),
        ("not_not", "not (not (hrv.trend in [down, up]))"),
    ]);
    for state in STATES {
        let (flat, tree) = statuses(&program, &format!("{NOW}{state}"));
        assert_eq!(flat, tree, "state:\n{state}");
    }
}

#[test]
fn logic_too_deep_for_the_stack_is_left_to_the_tree() {
    // Each level puts one truth aside: 20 levels need more than the flat
    // form's stack, so the whole condition is one tree.
    let mut when = String::from("symptoms.soreness >= 5");
    for i in 0..20 {
        let op = if i % 2 == 0 { "or" } else { "and" };
        when = format!("symptoms.soreness >= {} {op} ({when})", i % 7);
    }
    // The same depth on the left: the left side is decided first and its
    // truth waits, so it needs no stack.
    let mut left = String::from("symptoms.soreness >= 5");
    for i in 0..20 {
        left = format!("({left}) and symptoms.soreness >= {}", i % 3);
    }
    let program = program(&[("deep", &when), ("deep_left", &left)]);
    let code = program.decision_code();
    let ops = |i: usize| {
        let logic = &code.rules[i];
        &code.ops[logic.when.start as usize..logic.when.end as usize]
    };
    assert!(matches!(ops(0), [Op::Leaf(Join::And, Leaf::Tree(_))]), "{:?}", ops(0));
    assert!(ops(1).len() > 1 && !ops(1).iter().any(|op| matches!(op, Op::Leaf(_, Leaf::Tree(_)))), "{:?}", ops(1));
    for state in STATES {
        let (flat, tree) = statuses(&program, &format!("{NOW}{state}"));
        assert_eq!(flat, tree, "state:\n{state}");
    }
}

#[test]
fn a_rule_of_leaves_joined_by_and_is_decided_as_a_conjunction() {
    let program = program(&[
        ("all", "symptoms.soreness >= 1 and hrv.trend is down and not symptoms.heavy_legs"),
        (
            "guarded_all",
            "(symptoms.soreness is known and symptoms.soreness >= 5) and (hrv.trend is known and hrv.trend in [down])",
        ),
        ("some", "symptoms.soreness >= 1 or hrv.trend is down"),
        ("nested", "symptoms.soreness >= 1 and (hrv.trend is down or symptoms.heavy_legs)"),
    ]);
    let code = program.decision_code();
    let conjunction: Vec<bool> = code.rules.iter().map(|l| l.conjunction).collect();
    assert_eq!(conjunction, [true, true, false, false]);
    for state in STATES {
        let (flat, tree) = statuses(&program, &format!("{NOW}{state}"));
        assert_eq!(flat, tree, "state:\n{state}");
    }
}
