use super::*;

fn fmt(text: &str) -> String {
    format(&SourceFile::new("t.rules", text)).unwrap_or_else(|e| panic!("{}", e[0].render_plain()))
}

#[test]
fn lays_out_a_messy_rule() {
    let messy = "protocol p \"P\" {   source \"s\"\n rule r { when a>3 and(b or c)  advise \"x {y:num}\" priority high timing now for t , u }}\n";
    let want = "protocol p \"P\" {\n  source \"s\"\n\n  rule r {\n    when a > 3 and (b or c)\n    advise \"x {y:num}\"\n    priority high\n    timing now\n    for t, u\n  }\n}\n";
    assert_eq!(fmt(messy), want);
}

#[test]
fn keeps_comments_where_they_were() {
    let text = "# header\n\n# about x\ndefine x = 1  # trailing\n\nprotocol p \"P\" {\n  # before r\n  rule r {\n    when x > 0  # why\n    # before advise\n    advise \"a\"\n    priority low\n    timing now\n    # at the end\n  }\n}\n";
    assert_eq!(fmt(text), text);
}

#[test]
fn aligns_fact_docs_within_groups() {
    let text = "facts {\n  a: bool \"first\"\n  long.name: number? in 0..10 \"second\"\n\n  b: text? \"third\"\n}\n";
    let want = "facts {\n  a: bool                      \"first\"\n  long.name: number? in 0..10  \"second\"\n\n  b: text?  \"third\"\n}\n";
    assert_eq!(fmt(text), want);
}

#[test]
fn breaks_long_conditions_before_and() {
    let text = format!(
        "protocol p \"P\" {{ rule r {{ when {} advise \"a\" priority low timing now }} }}",
        ["some_long_fact_name > 30min"; 5].join(" and ")
    );
    let out = fmt(&text);
    assert!(out.contains("    when some_long_fact_name > 30min\n      and some_long_fact_name > 30min\n"), "{out}");
}

#[test]
fn keeps_parentheses_that_matter_and_drops_the_rest() {
    let out = fmt("define x = ((a + b) * c) - (d - e)\ndefine y = (if a then 1 else 2) == 2\ndefine z = not (a and b)\ndefine w = a or b or c and d\n");
    assert_eq!(
        out,
        "define x = (a + b) * c - (d - e)\ndefine y = (if a then 1 else 2) == 2\ndefine z = not (a and b)\ndefine w = a or b or (c and d)\n"
    );
}

#[test]
fn is_idempotent_on_every_shipped_file() {
    for (name, text) in crate::engine::shipped() {
        let once = fmt(text);
        assert_eq!(fmt(&once), once, "{name} changes when formatted twice");
    }
}

#[test]
fn refuses_a_file_that_does_not_parse() {
    let err = format(&SourceFile::new("t.rules", "protocol p {")).unwrap_err();
    assert_eq!(err[0].code, "parse::syntax");
}

#[test]
fn keeps_enum_labels() {
    let text = "enum area { calves, it_band \"IT band\" }\n\nfacts {\n  x: enum(a, b \"bee\")?  \"doc\"\n}\n";
    assert_eq!(fmt(text), text);
}

#[test]
fn keeps_the_words_of_a_reason_on_their_condition() {
    let messy = "protocol p \"P\" { rule r { when a>3 as \"a is {a}\" and ( b or c ) as \"b or c\"  or not d as \"no d\" advise \"x\" priority high timing now } }\n";
    // An `and` inside an `or` gets its parentheses, as everywhere.
    let want = "protocol p \"P\" {\n  rule r {\n    when (a > 3 as \"a is {a}\" and (b or c) as \"b or c\") or not d as \"no d\"\n    advise \"x\"\n    priority high\n    timing now\n  }\n}\n";
    let once = fmt(messy);
    assert_eq!(once, want);
    assert_eq!(fmt(&once), once);
}
