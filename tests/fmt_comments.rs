//! `fmt` never loses, moves or invents a comment: every shipped protocol and
//! every rule-file fixture that parses is formatted, and the output must
//! keep the same comments in the same order, each still at the end of a line
//! of code or on a line of its own as it was, re-parse to the same tree, and
//! format to itself.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use recoup::diagnostic::SourceFile;
use recoup::{format, parser};

fn rule_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            rule_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rules") {
            out.push(path);
        }
    }
}

/// Each comment's text, and whether code comes before it on its line.
fn comments(text: &str) -> Vec<(String, bool)> {
    let file = parser::parse_file(&SourceFile::new("t.rules", text)).expect("parses");
    file.comments
        .iter()
        .map(|c| {
            let line_start = text.get(..c.span.start).and_then(|t| t.rfind(['\n', '\r'])).map_or(0, |n| n + 1);
            let trailing = text.get(line_start..c.span.start).is_some_and(|code| !code.trim().is_empty());
            (c.text.clone(), trailing)
        })
        .collect()
}

fn check(name: &str, text: &str) {
    let file = SourceFile::new(name, text);
    let Ok(before) = parser::parse_file(&file) else { return };
    let out = format::format(&file).unwrap_or_else(|e| panic!("{name}: {}", e[0].render_plain()));
    let after = parser::parse_file(&SourceFile::new(name, out.as_str())).expect("the output parses");
    assert!(after.items == before.items, "{name}: the output means something else\n{out}");
    assert_eq!(comments(text), comments(&out), "{name}: comments moved, lost or invented\n{out}");
    let again = format::format(&SourceFile::new(name, out.as_str())).expect("the output formats");
    assert_eq!(out, again, "{name}: formatting is not idempotent");
}

#[test]
fn every_shipped_protocol_and_fixture_keeps_its_comments() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rule_files(&root.join("protocols"), &mut files);
    rule_files(&root.join("tests"), &mut files);
    assert!(files.len() > 50, "found only {} rule files", files.len());
    let mut formatted = 0;
    for path in &files {
        let text = std::fs::read_to_string(path).expect("readable");
        if parser::parse_file(&SourceFile::new("t.rules", text.as_str())).is_ok() {
            formatted += 1;
        }
        check(&path.display().to_string(), &text);
    }
    assert!(formatted > 40, "only {formatted} fixtures parse");
}

const RULE_TAIL: &str = "    advise \"a\"\n    priority low\n    timing now\n  }\n}\n";

#[test]
fn comments_inside_a_multi_line_condition_stay_on_their_lines() {
    let text = format!(
        "protocol p \"P\" {{\n  rule r {{\n    when a > 1  # first\n      # on its own\n      and b < 2  # second\n      and c\n{RULE_TAIL}"
    );
    let out = format::format(&SourceFile::new("t.rules", text.as_str())).unwrap();
    assert_eq!(out, text);
    check("t.rules", &text);
}

#[test]
fn a_comment_deep_inside_a_condition_keeps_it_as_written() {
    let text = format!("protocol p \"P\" {{\n  rule r {{\n    when a > 1 and (b  # inner\n      or c)\n{RULE_TAIL}");
    let out = format::format(&SourceFile::new("t.rules", text.as_str())).unwrap();
    assert!(out.contains("(b  # inner\n      or c)"), "{out}");
    check("t.rules", &text);
}

#[test]
fn end_of_line_comments_in_an_enum_and_a_fact_block_stay() {
    let text = "enum colour {\n  red,  # warm\n  blue  # cold\n}\n\nfacts {\n  a: bool  # why a\n    \"the doc\"\n  b: number  # why b\n}\n";
    check("t.rules", text);
    let out = format::format(&SourceFile::new("t.rules", text)).unwrap();
    assert!(out.contains("red,  # warm\n"), "{out}");
    assert!(out.contains("a: bool  # why a\n"), "{out}");
    assert!(out.contains("b: number  # why b\n"), "{out}");
}

#[test]
fn a_hash_inside_an_interpolation_across_lines_is_kept_and_no_phantom_appears() {
    let text = "protocol p \"P\" {\n  rule r {\n    when a\n    advise \"{x # a \\\" quote\n} now\"\n    because \"# phantom\"\n    priority low\n    timing now\n  }\n}\n".to_string();
    check("t.rules", &text);
    let out = format::format(&SourceFile::new("t.rules", text.as_str())).unwrap();
    assert_eq!(comments(&out), [("# a \\\" quote".to_string(), true)]);
    assert!(out.contains("because \"# phantom\""), "{out}");
}

#[test]
fn carriage_return_line_ends_are_read_as_line_ends() {
    let lf = format!("# head\nprotocol p \"P\" {{\n  rule r {{\n    when a  # why\n{RULE_TAIL}");
    for ending in ["\r", "\r\n"] {
        let text = lf.replace('\n', ending);
        let out = format::format(&SourceFile::new("t.rules", text.as_str()))
            .unwrap_or_else(|e| panic!("{ending:?}: {}", e[0].render_plain()));
        assert_eq!(out, lf, "{ending:?}");
    }
}
