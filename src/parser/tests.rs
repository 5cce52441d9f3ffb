use super::*;

fn parse(text: &str) -> Result<File, Vec<Diagnostic>> {
    parse_file(&SourceFile::new("test.rules", text))
}

#[test]
fn parses_a_protocol_with_every_clause() {
    let file = parse(
        r#"
        # a comment
        protocol cold "Cold therapy" {
          source "guide, section 6"
          rule after_race {
            when last_session.kind in [race, time_trial] and since < 6h  # trailing
            unless symptoms.acute_injury
            advise "Ice bath {round(x, 1min)} now."
            because "Soreness."
            priority medium
            timing today
            category cold
            for cold_therapy
            against hard_training, sauna
            suppresses heat.after_hard
          }
        }"#,
    )
    .unwrap();
    assert_eq!(file.comments.len(), 2);
    let Item::Protocol(p) = &file.items[0] else { panic!() };
    assert_eq!(p.rules[0].clauses.len(), 10);
}

#[test]
fn precedence_and_binds_tighter_than_or() {
    let file = parse("define x = a or b and not c < 3").unwrap();
    let Item::Define(d) = &file.items[0] else { panic!() };
    let ExprKind::Binary { op: BinOp::Or, rhs, .. } = &d.expr.kind else { panic!("{:?}", d.expr) };
    assert!(matches!(rhs.kind, ExprKind::Binary { op: BinOp::And, .. }));
}

#[test]
fn ast_equality_ignores_spans_and_layout() {
    let a = parse("define x = (a + 2) * 3min").unwrap();
    let b = parse("define   x =\n  (a+2)*3min").unwrap();
    assert_eq!(a.items, b.items);
}

#[test]
fn deep_nesting_is_refused_before_pest_recurses() {
    let text = format!("define x = {}1{}", "(".repeat(100_000), ")".repeat(100_000));
    let err = parse(&text).unwrap_err();
    assert_eq!(err[0].code, "parse::too-large");
}

#[test]
fn a_misspelt_keyword_gets_a_suggestion() {
    let err = parse("protocol p \"P\" { rule r { when x advize \"a\" } }").unwrap_err();
    assert_eq!(err[0].code, "parse::syntax");
    assert_eq!(err[0].help.as_deref(), Some("did you mean `advise`?"));
}
