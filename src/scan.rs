//! One lexical pass over a rule file that sees the text exactly as the
//! grammar does: code, `#` comments, strings, and `{…}` interpolations inside
//! strings (which hold code again, comments included, and may span lines).
//!
//! Strings may sit inside interpolations (a text value, or the words of
//! `x as "..."`), with interpolations of their own.
//!
//! It serves two purposes, so that they can never disagree with each other
//! or with the grammar:
//! - the nesting limit, checked before pest runs (pest recurses once per
//!   bracket or `if`, so deep nesting must be refused before it starts);
//! - the comments, which the grammar skips and the formatter must keep.
//!
//! Where the text stops being lexically valid (a newline inside string
//! text, a bad escape) the scan stops: pest
//! cannot get past that point either, so nothing after it can nest, and the
//! syntax error is pest's to report.

use crate::ast::Comment;
use crate::diagnostic::Span;

/// What the scan found.
#[derive(Debug, Default)]
pub struct Scan {
    /// Every `#` comment, in order, with its text (trailing blanks trimmed).
    pub comments: Vec<Comment>,
    /// The first place the nesting limit was passed, and what was too deep.
    pub too_deep: Option<(usize, Excess)>,
}

/// Which limit a file passed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Excess {
    /// Brackets (`(`, `[`, `{`, interpolations) nested too deep.
    Nesting,
    /// Too many `if` expressions.
    Ifs,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Outside any string.
    Code,
    /// Inside string text.
    Text,
    /// Inside an interpolation; `base` is the bracket depth at its `{`.
    Interp { base: usize },
}

fn is_ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Scan `text`, refusing more than `max_nesting` brackets deep or more than
/// `max_ifs` `if`s.
pub fn scan(text: &str, max_nesting: usize, max_ifs: usize) -> Scan {
    scan_to(text, max_nesting, max_ifs, text.len()).0
}

/// What [`open_brackets`] gives for the `{` of an interpolation in a string,
/// in place of the bracket: a syntax error says what it opens.
pub const HOLE: u8 = 0;

/// The brackets (`{`, `(`, `[`, and the `{` of interpolations as [`HOLE`])
/// still open at byte `upto`, outermost first, as (offset, bracket). A
/// syntax error uses it to point at the `{` a coach left open.
pub fn open_brackets(text: &str, upto: usize) -> Vec<(usize, u8)> {
    scan_to(text, usize::MAX, usize::MAX, upto).1
}

fn scan_to(text: &str, max_nesting: usize, max_ifs: usize, upto: usize) -> (Scan, Vec<(usize, u8)>) {
    let bytes = text.get(..upto).unwrap_or(text).as_bytes();
    let mut open: Vec<(usize, u8)> = Vec::new();
    let mut out = Scan::default();
    // Strings nest inside interpolations (`{x as "words {y}"}`), so the
    // modes form a stack; its height is bounded by the nesting limit, since
    // every interpolation counts as a level.
    let mut modes = vec![Mode::Code];
    let mut depth = 0usize;
    let mut ifs = 0usize;
    let mut i = 0usize;
    while let Some(&b) = bytes.get(i) {
        let mode = modes.last().copied().unwrap_or(Mode::Code);
        match mode {
            Mode::Text => match b {
                b'"' => {
                    modes.pop();
                }
                b'\\' => match bytes.get(i + 1) {
                    Some(b'"' | b'\\' | b'{' | b'}' | b'n') => i += 1,
                    _ => return (out, open),
                },
                b'{' => {
                    modes.push(Mode::Interp { base: depth });
                    open.push((i, HOLE));
                    depth += 1;
                }
                b'\n' | b'\r' => return (out, open),
                _ => {}
            },
            Mode::Code | Mode::Interp { .. } => match b {
                b'#' => {
                    // A comment runs to the end of the line (`\n`, `\r\n` or `\r`).
                    let end =
                        bytes.iter().skip(i).position(|&c| c == b'\n' || c == b'\r').map_or(bytes.len(), |n| i + n);
                    let body = text.get(i..end).unwrap_or("").trim_end();
                    out.comments.push(Comment { text: body.to_string(), span: Span::new(i, end) });
                    i = end;
                    continue;
                }
                b'"' => modes.push(Mode::Text),
                b'(' | b'[' | b'{' => {
                    open.push((i, b));
                    depth += 1;
                }
                b')' | b']' | b'}' => {
                    open.pop();
                    depth = depth.saturating_sub(1);
                    if let Mode::Interp { base } = mode {
                        if b == b'}' && depth == base {
                            modes.pop();
                        }
                    }
                }
                _ if is_ident_char(b) => {
                    // A whole word at once, so `if` is only ever a keyword.
                    let end = bytes.iter().skip(i).position(|&c| !is_ident_char(c)).map_or(bytes.len(), |n| i + n);
                    let after_dot = i > 0 && bytes.get(i - 1) == Some(&b'.');
                    if text.get(i..end) == Some("if") && !after_dot {
                        ifs += 1;
                        if ifs > max_ifs {
                            out.too_deep = Some((i, Excess::Ifs));
                            return (out, open);
                        }
                    }
                    i = end;
                    continue;
                }
                _ => {}
            },
        }
        if depth > max_nesting {
            out.too_deep = Some((i, Excess::Nesting));
            return (out, open);
        }
        i += 1;
    }
    (out, open)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deep(text: &str) -> Option<Excess> {
        scan(text, 4, 4).too_deep.map(|(_, e)| e)
    }

    #[test]
    fn brackets_inside_interpolations_count() {
        assert_eq!(deep(r#"advise "{(((((1)))))}""#), Some(Excess::Nesting));
        assert_eq!(deep(r#"advise "{((1))}""#), None);
    }

    #[test]
    fn a_comment_with_a_quote_inside_an_interpolation_does_not_desync() {
        let text = "advise \"{x # a \" quote\n}\" when ((((((1))))))";
        assert_eq!(deep(text), Some(Excess::Nesting));
        let text = "advise \"{if a then \"#\" else \"(((((\"}\" when ((((((1))))))";
        assert_eq!(deep(text), Some(Excess::Nesting));
        let s = scan("advise \"{x # a \" quote\n}\" because \"# phantom\"", 64, 64);
        let texts: Vec<&str> = s.comments.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["# a \" quote"]);
    }

    #[test]
    fn strings_nest_inside_interpolations() {
        assert_eq!(deep(r#"advise "{x as "a {y as "b {(((1)))}"}"}""#), Some(Excess::Nesting));
        let s = scan("advise \"{x as \"# not {y # yes\n}\"}\"", 64, 64);
        let texts: Vec<&str> = s.comments.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["# yes"]);
    }

    #[test]
    fn ifs_are_words_not_letters() {
        assert_eq!(deep("if if if if if"), Some(Excess::Ifs));
        assert_eq!(deep("iffy gif if_x x.if if if"), None);
    }

    #[test]
    fn comments_end_at_any_line_break() {
        let s = scan("# one\r# two\r\nx # three", 64, 64);
        let texts: Vec<&str> = s.comments.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["# one", "# two", "# three"]);
    }

    #[test]
    fn braces_and_hashes_in_string_text_are_text() {
        let s = scan(r#"advise "a \{ # not a comment""#, 1, 1);
        assert!(s.comments.is_empty());
        assert!(s.too_deep.is_none());
    }
}
