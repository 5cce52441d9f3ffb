//! `recoup fmt` on arbitrary text: when the text parses, formatting succeeds,
//! the output parses to the same rules with the same comments, and
//! formatting it again changes nothing.
#![no_main]

use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use recoup::ast::File;
use recoup::diagnostic::SourceFile;
use recoup::{engine, format, parser};

mod common;

/// Parse on the library's large stack, as every command does.
fn parse(file: &Arc<SourceFile>) -> Option<File> {
    let file = Arc::clone(file);
    engine::on_large_stack(move || parser::parse_file(&file).ok()).expect("the parser returns")
}

fn comment_texts(file: &File) -> Vec<&str> {
    file.comments.iter().map(|c| c.text.as_str()).collect()
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let input = SourceFile::new("input.rules", text);
    let out = match format::format(&input) {
        Ok(out) => out,
        Err(diagnostics) => {
            common::assert_no_internal(&diagnostics);
            return;
        }
    };
    let before = parse(&input).expect("fmt formatted a file that does not parse");
    let output = SourceFile::new("input.rules", out.as_str());
    let after = parse(&output).expect("fmt's output does not parse");
    assert!(before.items == after.items, "fmt changed the rules:\n{out}");
    assert_eq!(comment_texts(&before), comment_texts(&after), "fmt changed the comments:\n{out}");
    // A comment is text of the input, at the place the parser says.
    for c in &before.comments {
        assert_eq!(text.get(c.span.start..c.span.end).map(str::trim_end), Some(c.text.trim_end()));
        assert!(c.text.starts_with('#'), "a comment that does not start with #: {:?}", c.text);
    }
    let twice = format::format(&output).expect("fmt refuses its own output");
    assert_eq!(twice, out, "fmt is not idempotent");
});
