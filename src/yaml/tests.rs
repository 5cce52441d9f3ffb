use super::*;

const STATE: &str = r#"now: 2026-11-28T08:15:00+01:00   # when the advice is for
athlete:
  name: Jo Runner
  max_hr: 186
  marathon_pace: "5:15/km"
last_session:
  kind: long_run
  ended_at: 2026-11-28T07:40:00+01:00
  duration: "1h50m"
  weight_before: 62.4
  cooled_down: false
last_marathon: 2026-11-15
hrv:
  today: 55
  readings:
    - { date: 2026-11-24, rmssd: 61 }
    - { date: 2026-11-25, rmssd: 58 }
training:
  weekly_volume: [52, 58, 61, 64]
symptoms:
  soreness: 6
  tight_areas: [calves, hip_flexors]
care:
  last_threshold_test: never
"#;

fn at<'a>(node: &'a Node, path: &[&str]) -> &'a Node {
    path.iter().fold(node, |n, k| &n.get(k).unwrap_or_else(|| panic!("no {k}")).value)
}

fn item(node: &Node, i: usize) -> &Node {
    match &node.value {
        Value::Seq(items) => &items[i],
        other => panic!("not a list: {other:?}"),
    }
}

fn slice<'a>(text: &'a str, span: &Span) -> &'a str {
    &text[span.clone()]
}

fn err(text: &str) -> YamlError {
    parse(text).unwrap_err()
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset].matches('\n').count() + 1
}

#[test]
fn state_example_types() {
    let root = parse(STATE).unwrap();
    let s = |v: &str| Value::Str(v.to_string());
    assert_eq!(at(&root, &["now"]).value, s("2026-11-28T08:15:00+01:00"));
    assert_eq!(at(&root, &["athlete", "name"]).value, s("Jo Runner"));
    assert_eq!(at(&root, &["athlete", "max_hr"]).value, Value::Int(186));
    assert_eq!(at(&root, &["athlete", "marathon_pace"]).value, s("5:15/km"));
    assert_eq!(at(&root, &["last_session", "duration"]).value, s("1h50m"));
    assert_eq!(at(&root, &["last_session", "weight_before"]).value, Value::Float(62.4));
    assert_eq!(at(&root, &["last_session", "cooled_down"]).value, Value::Bool(false));
    assert_eq!(at(&root, &["last_marathon"]).value, s("2026-11-15"));
    assert_eq!(at(&root, &["care", "last_threshold_test"]).value, s("never"));
    let readings = at(&root, &["hrv", "readings"]);
    assert_eq!(at(item(readings, 1), &["rmssd"]).value, Value::Int(58));
    assert_eq!(at(item(readings, 0), &["date"]).value, s("2026-11-24"));
    let volume = at(&root, &["training", "weekly_volume"]);
    assert_eq!(item(volume, 3).value, Value::Int(64));
    let areas = at(&root, &["symptoms", "tight_areas"]);
    assert_eq!(item(areas, 1).value, s("hip_flexors"));
    let Value::Map(entries) = &root.value else { panic!() };
    let keys: Vec<&str> = entries.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(keys, ["now", "athlete", "last_session", "last_marathon", "hrv", "training", "symptoms", "care"]);
    assert_eq!(root.kind_name(), "a map");
    assert_eq!(volume.kind_name(), "a list");
    assert!(root.get("missing").is_none());
}

#[test]
fn state_example_spans() {
    let root = parse(STATE).unwrap();
    let span_of = |path: &[&str]| slice(STATE, &at(&root, path).span);
    assert_eq!(span_of(&["hrv", "today"]), "55");
    assert_eq!(span_of(&["now"]), "2026-11-28T08:15:00+01:00");
    assert_eq!(span_of(&["athlete", "name"]), "Jo Runner");
    assert_eq!(span_of(&["last_session", "duration"]), "\"1h50m\"");
    assert_eq!(span_of(&["last_session", "weight_before"]), "62.4");
    assert_eq!(span_of(&["care", "last_threshold_test"]), "never");
    let soreness = at(&root, &["symptoms"]).get("soreness").unwrap();
    assert_eq!(slice(STATE, &soreness.key_span), "soreness");
    assert_eq!(slice(STATE, &soreness.value.span), "6");
    let reading = item(at(&root, &["hrv", "readings"]), 1);
    assert_eq!(slice(STATE, &reading.span), "{ date: 2026-11-25, rmssd: 58 }");
    assert_eq!(slice(STATE, &at(reading, &["date"]).span), "2026-11-25");
    assert_eq!(slice(STATE, &at(reading, &["rmssd"]).span), "58");
    let rmssd = reading.get("rmssd").unwrap();
    assert_eq!(slice(STATE, &rmssd.key_span), "rmssd");
    assert_eq!(span_of(&["training", "weekly_volume"]), "[52, 58, 61, 64]");
    let areas = at(&root, &["symptoms", "tight_areas"]);
    assert_eq!(slice(STATE, &item(areas, 0).span), "calves");
    assert!(span_of(&["athlete"]).starts_with("name: Jo Runner"));
    assert!(span_of(&["athlete"]).ends_with("\"5:15/km\""));
    assert_eq!(root.span.start, 0);
}

#[test]
fn multibyte_text_before_values() {
    let text = "note: \"Température 30°C 🏃 épuisé\"\nrésumé: 😀 ok\ntemp_c: 31.5\nlist: [é, ü]\n";
    let root = parse(text).unwrap();
    assert_eq!(slice(text, &at(&root, &["temp_c"]).span), "31.5");
    assert_eq!(slice(text, &at(&root, &["résumé"]).span), "😀 ok");
    assert_eq!(slice(text, &root.get("résumé").unwrap().key_span), "résumé");
    assert_eq!(slice(text, &at(&root, &["note"]).span), "\"Température 30°C 🏃 épuisé\"");
    assert_eq!(slice(text, &item(at(&root, &["list"]), 1).span), "ü");
}

#[test]
fn quoted_and_block_scalars() {
    let text = "a: 'it''s'\nb: \"say \\\"hi\\\"\"\nc: |\n  line one\n  line two\nd: plain # comment\n";
    let root = parse(text).unwrap();
    assert_eq!(at(&root, &["a"]).value, Value::Str("it's".into()));
    assert_eq!(slice(text, &at(&root, &["a"]).span), "'it''s'");
    assert_eq!(slice(text, &at(&root, &["b"]).span), "\"say \\\"hi\\\"\"");
    assert_eq!(at(&root, &["c"]).value, Value::Str("line one\nline two\n".into()));
    assert_eq!(slice(text, &at(&root, &["c"]).span), "line one");
    assert_eq!(slice(text, &at(&root, &["d"]).span), "plain");
}

#[test]
fn multiline_and_empty_scalars_stay_in_bounds() {
    let text = "a: |\nb: two\n  words\nc: ''\nd: >\n\n";
    let root = parse(text).unwrap();
    assert_eq!(at(&root, &["a"]).span.len(), 0);
    assert_eq!(at(&root, &["b"]).value, Value::Str("two words".into()));
    assert_eq!(slice(text, &at(&root, &["b"]).span), "two");
    assert_eq!(slice(text, &at(&root, &["c"]).span), "''");
    assert!(at(&root, &["d"]).span.end <= text.len());
    let text = "a: 1\r\nb: x y  \r\n";
    let root = parse(text).unwrap();
    assert_eq!(slice(text, &at(&root, &["b"]).span), "x y");
}

#[test]
fn null_values_and_kind_names() {
    let root = parse("a:\nb: ~\nc: null\nd: 1.5\ne: 'x'\nf: true\ng: 3\n").unwrap();
    assert_eq!(at(&root, &["a"]).value, Value::Null);
    assert_eq!(at(&root, &["b"]).value, Value::Null);
    let kinds: Vec<_> = ["a", "d", "e", "f", "g"].iter().map(|k| at(&root, &[k]).kind_name()).collect();
    assert_eq!(kinds, ["nothing", "a number", "text", "true/false", "a whole number"]);
}

#[test]
fn scalar_top_level() {
    let node = parse("42\n").unwrap();
    assert_eq!(node, Node { value: Value::Int(42), span: 0..2 });
    assert_eq!(parse("hello").unwrap().value, Value::Str("hello".into()));
}

#[test]
fn empty_documents_are_null() {
    let null = Node { value: Value::Null, span: 0..0 };
    for text in ["", "   \n\n", "# only a comment\n  # another\n"] {
        assert_eq!(parse(text).unwrap(), null, "{text:?}");
    }
}

#[test]
fn syntax_error_points_at_right_line() {
    let text = "a: 1\nb: [1, 2\nc: 3\n";
    let e = err(text);
    assert!(!e.message.contains("at line"), "{}", e.message);
    assert!(e.message.starts_with(|c: char| c.is_lowercase()), "{}", e.message);
    assert!(line_of(text, e.span.start) >= 2, "{e:?}");
    let text = "a: 1\nb:\n  c: 2\n d: 3\n";
    let e = err(text);
    assert_eq!(line_of(text, e.span.start), 4, "{e:?}");
    assert!(!e.message.contains("column"), "{}", e.message);
}

/// `text` is rejected with a message containing `fragment` and a span
/// whose text starts with `points_at`.
fn rejects(text: &str, fragment: &str, points_at: &str) {
    let e = err(text);
    assert!(e.message.contains(fragment), "{text:?}: {e:?}");
    assert!(text[e.span.start..].starts_with(points_at), "{text:?}: {e:?}");
    assert!(!e.message.contains(" at line "), "{e:?}");
}

#[test]
fn structural_errors_point_at_the_problem() {
    let dup = "a: 1\nhrv:\n  today: 55\n  today: 56\n";
    rejects(dup, "`today` appears twice", "today: 56");
    assert_eq!(slice(dup, &err(dup).span), "today");
    rejects("[a]: 1\n", "keys must be names", "[a]");
    rejects("ok: 1\n12: x\n", "keys must be names", "12: x");
    rejects("{a: 1}: 2\n", "keys must be names", "{a");
    rejects("true: 1\n", "keys must be names", "true");
    rejects("x: {null: 1}\n", "keys must be names", "null");
    let tagged = "a: !foo 1\n";
    rejects(tagged, "tags", "!foo");
    assert_eq!(slice(tagged, &err(tagged).span), "!foo");
    let tagged = "a: [x, !!str 5]\n";
    assert_eq!(slice(tagged, &err(tagged).span), "!!str");
    rejects("a: !seq\n  - 1\n", "tags", "!seq");
    rejects("a: &x 1\nb: *x\n", "anchors", "&x");
    rejects("a: &x [1]\n", "anchors", "&x");
    rejects("a: .nan\n", "finite", ".nan");
    rejects("a: .inf\n", "finite", ".inf");
    rejects("a: [-.inf]\n", "finite", "-.inf");
    rejects("a: 18446744073709551615\n", "too large", "1844");
    rejects("a: 1\n---\nb: 2\n", "one document", "---");
    assert!(parse("a: 99999999999999999999\n").is_err());
    assert!(parse("'1': x\n\"b c\": y\n").is_ok());
    assert!(parse("---\na: 1\n...\n").is_ok());
}

#[test]
fn deep_flow_nesting_is_an_error_not_a_crash() {
    let open = "[".repeat(100_000);
    assert!(parse(&open).unwrap_err().message.contains("deeply"));
    let balanced = format!("{open}{}", "]".repeat(100_000));
    assert!(parse(&balanced).is_err());
    let braces = "{a: ".repeat(50_000);
    assert!(parse(&braces).is_err());
}

#[test]
fn deep_block_nesting_limited() {
    let nest = |levels: usize| {
        let mut text = String::new();
        for i in 0..levels {
            text.push_str(&format!("{}k{i}:\n", "  ".repeat(i)));
        }
        text.push_str(&format!("{}leaf: 1\n", "  ".repeat(levels)));
        text
    };
    let e = err(&nest(40));
    assert!(e.message.contains("deeply"), "{}", e.message);
    assert!(parse(&nest(MAX_DEPTH - 1)).is_ok());
    assert!(parse(&nest(MAX_DEPTH)).is_err());
}

#[test]
fn offset_of_clamps() {
    let text = "ab\ncé d\n";
    assert_eq!(offset_of(text, 1, 1), 0);
    assert_eq!(offset_of(text, 2, 1), 3);
    assert_eq!(offset_of(text, 2, 3), 6);
    assert_eq!(offset_of(text, 2, 99), 8);
    assert_eq!(offset_of(text, 99, 1), text.len());
    assert_eq!(offset_of("", 1, 1), 0);
    assert_eq!(offset_of(text, 0, 0), 0);
}

#[test]
fn clean_message_strips_locations() {
    assert_eq!(
        clean_message("Did not find key at line 3 column 5, while parsing a map at line 1 column 1"),
        "did not find key, while parsing a map"
    );
}

/// Our scalar typing agrees with serde_yaml's on everything a state may hold,
/// and on the corner cases of its number rules.
#[test]
fn own_typing_matches_serde_yaml() {
    let scalars = [
        "",
        "~",
        "null",
        "Null",
        "NULL",
        "true",
        "True",
        "FALSE",
        "yes",
        "no",
        "on",
        "0",
        "00",
        "007",
        "-0",
        "+5",
        "-12",
        "1.5",
        "-1.5",
        "+1.5",
        ".5",
        "1.",
        ".",
        "1e5",
        "1E-3",
        "0e5",
        "1_000",
        "0x1F",
        "0o17",
        "0b101",
        "-0x1F",
        "+-1",
        "inf",
        "-inf",
        "+inf",
        ".inf",
        "-.inf",
        "+.inf",
        ".nan",
        ".NaN",
        "nan",
        "infinity",
        "1e400",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775809",
        "99999999999999999999999999999999999999999",
        "2026-11-28",
        "2026-11-28T07:40:00+01:00",
        "07:40",
        "12:30:00",
        "5:15/km",
        "1h50m",
        "137 lb",
        "64F",
        "e5",
        "1e",
        "1.2.3",
        "Jo Runner",
        "-",
        "+",
        "a: b",
    ];
    for scalar in scalars {
        let text = format!("value: {scalar}\nlist: [{scalar}]\n");
        let fast = parse_yaml(&text);
        let checked = parse_checked(&text);
        assert_eq!(fast, checked, "typing of `{scalar}`");
    }
    for key in ["1", "true", "null", "~", "1.5", "\"1\"", "'true'", "name"] {
        let text = format!("{key}: 1\nother: 2\n");
        assert_eq!(parse_yaml(&text), parse_checked(&text), "key `{key}`");
    }
    assert_eq!(parse_yaml(STATE), parse_checked(STATE));
}

/// JSON text gives the same nodes, spans included, by the fast path as by
/// the YAML path; and whatever the fast path refuses goes the YAML way.
#[test]
fn json_fast_path_matches_the_yaml_path() {
    let docs = [
        r#"{"now": "2026-11-28T08:15:00+01:00", "athlete": {"name": "Jo \"the\" Runner", "max_hr": 186}}"#,
        "{\n  \"last_session\": {\n    \"kind\": \"long_run\",\n    \"weight_before\": 62.4,\n    \"cooled_down\": false\n  },\n  \"hrv\": {\"today\": null, \"readings\": [{\"date\": \"2026-11-24\", \"rmssd\": 61}, {\"date\": \"2026-11-25\", \"rmssd\": 5.8e1}]}\n}\n",
        r#"{"a": [], "b": {}, "c": [1, -2, 3.25, -0, 1E3], "d": "caf\u00e9 \/ \n", "e": "été"}"#,
        r#"{"a":1,"b":[true,false,null]}"#,
        "  {\"padded\": 1}  \n",
    ];
    for doc in docs {
        let fast = json::parse(doc).unwrap_or_else(|| panic!("fast path refused {doc}"));
        assert_eq!(Ok(fast), parse_yaml(doc), "{doc}");
    }
    // Refused by the fast path; `parse` then answers exactly as YAML does.
    let refused = [
        r#"{"a": 1, "a": 2}"#,
        r#"{"a": 1,}"#,
        r#"{"a": 01}"#,
        r#"{"a": 99999999999999999999}"#,
        r#"{"a": "\ud83d\ude00"}"#,
        r#"{"a": nul}"#,
        "{\"a\":\t1}",
        "{\"a\": 1} trailing",
        "{\"a\": 1}\n---\n{}",
    ];
    for doc in refused {
        assert_eq!(json::parse(doc), None, "{doc}");
        assert_eq!(parse(doc), parse_yaml(doc), "{doc}");
    }
    let deep = format!("{}1{}", "{\"a\": ".repeat(40), "}".repeat(40));
    assert_eq!(json::parse(&deep), None);
    assert!(parse(&deep).is_err());
}

/// Every YAML file under `dir` (recursively), as (path, text).
fn yaml_files(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "yaml" || x == "yml") {
            if let Ok(text) = std::fs::read_to_string(&path) {
                out.push((path.display().to_string(), text));
            }
        }
    }
}

/// The block fast path either refuses a document or gives exactly the
/// event path's nodes, typing and spans.
fn block_agrees(name: &str, text: &str) -> bool {
    match block::parse(text) {
        Some(fast) => {
            let slow = parse_yaml(text);
            if slow.as_ref() != Ok(&fast) {
                let short = |s: String| s.chars().take(600).collect::<String>();
                panic!("{name}:\n{text}\nfast: {}\nevent path: {}", short(format!("{fast:?}")), short(format!("{slow:?}")));
            }
            true
        }
        None => false,
    }
}

/// The block fast path agrees with the event path on every YAML file in
/// the repository (states, test cases, fixtures), and on each of them
/// mutated one byte at a time (a character dropped, or a space, colon,
/// dash, hash, quote, bracket or line break put in), which walks it through
/// the corners where it must refuse.
#[test]
fn block_fast_path_matches_the_event_path() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["examples", "tests", "protocols", "fuzz/seeds"] {
        yaml_files(&root.join(dir), &mut files);
    }
    files.push(("STATE".into(), STATE.into()));
    assert!(files.len() > 100, "{} YAML files", files.len());
    let mut read = 0;
    for (name, text) in &files {
        if block_agrees(name, text) {
            read += 1;
        }
        let step = (text.len() / 20).max(1);
        for at in (0..text.len()).step_by(step).filter(|&i| text.is_char_boundary(i) && text.is_char_boundary(i + 1)) {
            let (head, tail) = text.split_at(at);
            block_agrees(name, &format!("{head}{}", tail.get(1..).unwrap_or("")));
            for insert in [" ", ":", "-", "#", "\"", "'", "[", "{", "\n", "- ", ": ", " #", "  "] {
                block_agrees(name, &format!("{head}{insert}{tail}"));
            }
        }
    }
    // It is a fast path, not a rarely taken one: the states and most cases.
    assert!(read * 2 > files.len(), "read {read} of {} files", files.len());
    assert!(block::parse(include_str!("../../examples/after-long-run.yaml")).is_some());
    assert!(block::parse(STATE).is_some());
}

/// What the block fast path refuses goes the event path, so that its
/// diagnostics are the event path's.
#[test]
fn block_fast_path_refuses_what_it_does_not_know() {
    let refused = [
        "a: 1\na: 2\n",
        "a:\n  b: 1\n c: 2\n",
        "a: b: c\n",
        "kind:tempo\n",
        "a:\tb\n",
        "a: |\n  text\n",
        "a: &x 1\nb: *x\n",
        "a: !tag 1\n",
        "---\na: 1\n",
        "a: 1\n---\nb: 2\n",
        "a: \"esc\\n\"\n",
        "a: 'it''s'\n",
        "a:\nb: 1\n",
        "a: one\n  two\n",
        "a: 0x1F\n",
        "a: 99999999999999999999\n",
        "a: .nan\n",
        "1: x\n",
        "a: [1, 2,]\n",
        "a: [1,\n  2]\n",
        "- 1\n- 2\n",
        "",
        "# only a comment\n",
    ];
    for doc in refused {
        assert_eq!(block::parse(doc), None, "{doc:?}");
    }
}

/// A whole number past 64 bits is labelled whole, in a block or in a list.
#[test]
fn a_huge_number_is_labelled_whole() {
    for (text, number) in [
        ("a: 99999999999999999999999\n", "99999999999999999999999"),
        ("a: [1, -99999999999999999999999]\n", "-99999999999999999999999"),
        ("{\"a\": 123456789012345678901234567890}", "123456789012345678901234567890"),
    ] {
        let e = err(text);
        assert_eq!(e.message, "this whole number is too large", "{text}");
        assert_eq!(slice(text, &e.span), number, "{text}");
    }
}
