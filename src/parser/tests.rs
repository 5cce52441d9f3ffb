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

fn syntax_message(text: &str) -> (String, String) {
    let errors = parse(text).unwrap_err();
    let d = &errors[0];
    (d.message.clone(), d.help.clone().unwrap_or_default())
}

#[test]
fn a_missing_brace_says_so_and_suggests_no_keyword() {
    let (message, help) = syntax_message("protocol p \"x\" {\n  rule a {\n    advise \"y\"\n\n  rule b {\n  }\n}\n");
    assert_eq!(message, "expected `}`, found `rule`");
    assert_eq!(help, "add `}` to close `rule a` before `rule`");
    let (message, help) = syntax_message("protocol p \"x\" {\n  rule a {\n  }\n");
    assert_eq!(message, "expected `}`, found end of file");
    assert!(help.contains("`protocol p`"), "{help}");
}

#[test]
fn the_missing_brace_points_at_the_open_one() {
    let text = "protocol p \"x \\{\" { # a { in a comment\n  rule a {\n    advise \"{x}\"\n\n  rule b {\n  }\n}\n";
    let errors = parse(text).unwrap_err();
    let spans: Vec<Span> = errors[0].labels.iter().map(|l| l.0).collect();
    let open = text.find("a {").unwrap() + 2;
    assert_eq!(spans[0], Span::new(open, open + 1));
    let stop = text.find("rule b").unwrap();
    assert_eq!(spans[1], Span::new(stop, stop + 4));
}

#[test]
fn the_found_word_is_never_among_the_expected() {
    // (`enum enum { a }`, a keyword as a name, is said to be one: below.)
    for text in ["enum x a }", "facts { x: enum }", "protocol p \"x\" { enum }"] {
        let (message, _) = syntax_message(text);
        let found = message.rsplit_once(", found ").map(|(_, f)| f.to_string()).unwrap();
        let expected = message.strip_prefix("expected ").unwrap().rsplit_once(", found ").unwrap().0;
        assert!(!found.starts_with('`') || !expected.contains(&found), "{text:?}: {message}");
    }
    assert_eq!(syntax_message("enum x a }").0, "expected `{`, found `a`");
}

#[test]
fn a_keyword_is_not_taken_for_a_typo() {
    let (_, help) = syntax_message("protocol p \"x\" { rule a { rule } }");
    assert!(!help.contains("did you mean"), "{help}");
    let (_, help) = syntax_message("protocol p \"x\" { rule a { advize \"x\" } }");
    assert_eq!(help, "did you mean `advise`?");
}

/// pest runs without its stack guard (Cargo.toml says why): what keeps it
/// within the stack is the nesting limit, checked before pest starts, and
/// every caller parsing on a thread of `engine::STACK_BYTES`. The deepest
/// file that limit lets through, brackets and `if`s both at their limits,
/// parses on a quarter of that stack, unoptimised as tests are built (where
/// pest's frames are largest: between 8 and 16 MiB are needed here).
#[test]
fn the_deepest_file_accepted_parses_on_a_quarter_of_the_parsing_stack() {
    let ifs = format!("{}c{}", "if ".repeat(MAX_NESTING), " then 1 else 2".repeat(MAX_NESTING));
    // Brackets of every kind the grammar recurses through: parentheses,
    // lists, call arguments and interpolations in a condition's words.
    let mut expr = ifs;
    let mut depth = 0;
    while depth < MAX_NESTING {
        (expr, depth) = match depth % 4 {
            0 => (format!("({expr})"), depth + 1),
            1 => (format!("f({expr})"), depth + 1),
            2 => (format!("[{expr}]"), depth + 1),
            // Two levels: the parenthesis and the interpolation.
            _ if depth + 2 <= MAX_NESTING => (format!("(a as \"{{{expr}}}\")"), depth + 2),
            _ => (format!("({expr})"), depth + 1),
        };
    }
    let text = format!("define x = {expr}\n");
    let deep = crate::scan::scan(&text, MAX_NESTING, MAX_NESTING).too_deep;
    assert!(deep.is_none(), "at the limit, not past it: {deep:?} {depth}");
    let parsed = std::thread::Builder::new()
        .stack_size(crate::engine::STACK_BYTES / 4)
        .spawn(move || parse(&text).map(|f| f.items.len()).map_err(|e| e[0].message.clone()))
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(parsed, Ok(1));
}

/// Every keyword of the grammar is known to the diagnostics as one, so
/// that a keyword written as a name is said to be one.
#[test]
fn the_keyword_lists_are_the_grammars() {
    let grammar = include_str!("../../grammar/recoup.pest");
    let rule = grammar.split("keyword = _{").nth(1).and_then(|r| r.split('}').next()).unwrap_or_default();
    let mut words: Vec<&str> = rule.split('"').skip(1).step_by(2).collect();
    let mut known: Vec<&str> = KEYWORDS.iter().chain(RESERVED).copied().collect();
    words.sort_unstable();
    known.sort_unstable();
    assert!(words.len() > 30, "read {} keywords from the grammar", words.len());
    assert_eq!(words, known);
}

#[test]
fn a_keyword_as_a_name_is_named() {
    for (text, word) in [
        ("protocol p \"P\" {\n  rule define {\n    when x\n    advise \"a\"\n  }\n}\n", "define"),
        ("facts {\n  requires: number?\n}\n", "requires"),
        ("define true = 3\n", "true"),
        ("enum enum { a }", "enum"),
        ("define enum = 3", "enum"),
    ] {
        let errors = parse(text).unwrap_err();
        let d = &errors[0];
        assert_eq!(d.message, format!("`{word}` is a keyword, so it cannot be a name"), "{text}");
        let span = d.labels[0].0;
        assert_eq!(text.get(span.start..span.end), Some(word), "{text}");
    }
    // A name that only starts like a keyword is a name.
    assert!(parse("define defined = 3\n").is_ok());
}
