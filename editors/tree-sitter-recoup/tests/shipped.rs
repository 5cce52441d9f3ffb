//! Every shipped protocol parses with no error node, and the highlight
//! query gives keywords, strings, holes, numbers, units and comments their
//! colours.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use tree_sitter::{Language, Node, Parser, Query, QueryCursor, StreamingIterator};

fn language() -> Language {
    tree_sitter_recoup::LANGUAGE.into()
}

fn shipped() -> Vec<(PathBuf, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../protocols");
    let mut out: Vec<(PathBuf, String)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "rules"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (p, text)
        })
        .collect();
    out.sort();
    assert!(out.len() >= 10, "the shipped protocols: {out:?}");
    out
}

fn errors(node: Node, out: &mut Vec<String>) {
    if node.is_error() || node.is_missing() {
        let at = node.start_position();
        out.push(format!("line {} column {}: {}", at.row + 1, at.column + 1, node.to_sexp()));
    }
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        errors(child, out);
    }
}

#[test]
fn every_shipped_protocol_parses_without_an_error_node() {
    let mut parser = Parser::new();
    parser.set_language(&language()).expect("the grammar loads");
    for (path, text) in shipped() {
        let tree = parser.parse(&text, None).expect("a tree");
        let mut found = Vec::new();
        errors(tree.root_node(), &mut found);
        assert!(found.is_empty(), "{}:\n{}", path.display(), found.join("\n"));
    }
}

/// The capture of each byte of `text` (the innermost one wins, as editors
/// colour).
fn captures(text: &str) -> Vec<Option<String>> {
    let mut parser = Parser::new();
    parser.set_language(&language()).expect("the grammar loads");
    let tree = parser.parse(text, None).expect("a tree");
    let query = Query::new(&language(), tree_sitter_recoup::HIGHLIGHTS_QUERY).expect("the highlight query compiles");
    let mut cursor = QueryCursor::new();
    let mut out: Vec<Option<(usize, String)>> = vec![None; text.len()];
    let mut matches = cursor.matches(&query, tree.root_node(), text.as_bytes());
    while let Some(m) = matches.next() {
        for c in m.captures {
            let name = query.capture_names()[c.index as usize].to_string();
            let size = c.node.end_byte() - c.node.start_byte();
            for slot in &mut out[c.node.start_byte()..c.node.end_byte()] {
                if slot.as_ref().is_none_or(|(s, _)| size <= *s) {
                    *slot = Some((size, name.clone()));
                }
            }
        }
    }
    out.into_iter().map(|c| c.map(|(_, n)| n)).collect()
}

#[test]
fn the_highlight_query_colours_what_it_should() {
    let text = r#"# fluids after a long run
facts {
  weather.humidity: percent? in 0%..100% "relative humidity"
}
define thirsty = since_session < 1h30min and weather.humidity > 70 % "warm and dry"
protocol fluids "Fluids" {
  rule drink {
    when thirsty and last_session.kind in [long_run, race]
    advise "Drink {round(fluid_to_drink, 0.1 L)} now \{not a hole\}."
    priority high
  }
}
"#;
    let colours = captures(text);
    let at = |needle: &str| -> Option<String> {
        let i = text.find(needle).unwrap_or_else(|| panic!("{needle}"));
        colours[i].clone()
    };
    let expected: HashMap<&str, &str> = HashMap::from([
        ("# fluids", "comment"),
        ("facts", "keyword"),
        ("in 0%", "keyword"),
        ("\"relative", "string"),
        ("define", "keyword"),
        ("1h30min", "number"),
        ("h30min", "type"),
        ("and weather", "keyword.operator"),
        ("long_run", "variable"),
        ("round(", "function"),
        ("{round", "punctuation.special"),
        ("\\{", "string.escape"),
        ("priority", "keyword"),
        ("high", "constant"),
    ]);
    let mut wrong = Vec::new();
    for (needle, capture) in &expected {
        let got = at(needle);
        if got.as_deref() != Some(*capture) {
            wrong.push(format!("{needle:?}: expected {capture}, got {got:?}"));
        }
    }
    wrong.sort();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn a_broken_file_is_seen_as_broken() {
    let mut parser = Parser::new();
    parser.set_language(&language()).expect("the grammar loads");
    let tree = parser.parse("protocol p \"P\" {\n  rule r {\n    when a <\n  }\n}\n", None).expect("a tree");
    let mut found = Vec::new();
    errors(tree.root_node(), &mut found);
    assert!(!found.is_empty(), "{}", tree.root_node().to_sexp());
}

#[test]
fn the_zed_extension_has_the_same_highlight_query() {
    let zed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../zed/languages/recoup/highlights.scm");
    let copy = std::fs::read_to_string(&zed).unwrap_or_else(|e| panic!("{}: {e}", zed.display()));
    assert_eq!(copy, tree_sitter_recoup::HIGHLIGHTS_QUERY, "copy queries/highlights.scm to {}", zed.display());
}
