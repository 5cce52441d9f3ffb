//! Text on its way to a terminal or a Markdown page. Names, notes and values
//! come from state files and test cases written by people the coach may not
//! know: a control character in them (ESC, OSC, CR, backspace, NUL) must
//! not reach the terminal raw, and a newline in a name must not start a line
//! that looks like a recommendation. JSON output needs none of this: the
//! serialiser escapes control characters already.

use std::borrow::Cow;

/// Whether `c` must not be printed as it is: C0 and C1 controls, DEL, and
/// the bidirectional overrides that make text read differently from how it
/// is stored.
fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every unsafe character written as a visible escape
/// (`\u{1b}`), newlines and tabs included: for anything meant to sit on one
/// line (a name, a value, a diagnostic message).
pub fn line(text: &str) -> Cow<'_, str> {
    escape(text, |_| false)
}

/// Like [`line()`], but newlines are kept: for text that may span lines (a
/// help note).
pub fn text(text: &str) -> Cow<'_, str> {
    escape(text, |c| c == '\n')
}

fn escape(text: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(|c| is_unsafe(c) && !keep(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe(c) && !keep(c) {
            match c {
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                _ => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `text` cut to at most `max` characters, saying how many were left out.
pub fn clip(text: &str, max: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max) {
        None => Cow::Borrowed(text),
        Some((cut, _)) => {
            let rest = text.get(cut..).map_or(0, |r| r.chars().count());
            Cow::Owned(format!("{}… ({rest} more characters)", text.get(..cut).unwrap_or("")))
        }
    }
}

/// Longest text echoed from an input (a name, a value, a quoted word).
pub const MAX_ECHO: usize = 120;

/// A value from an input, safe to print on one line: escaped and clipped.
pub fn echo(text: &str) -> String {
    line(&clip(text, MAX_ECHO)).into_owned()
}

/// Longest message, label or help kept in a diagnostic, in characters: far
/// above any message recoup writes, so only echoed input is ever cut.
pub const MAX_MESSAGE: usize = 2_000;

/// A diagnostic's text as it is stored: every `quoted` piece of input
/// (a name, a value) clipped to [`MAX_ECHO`] characters, and the whole to
/// [`MAX_MESSAGE`]. Nothing is escaped here: JSON output escapes for itself,
/// human output through [`line()`] and [`text`].
pub fn bounded(text: String) -> String {
    if text.len() <= MAX_ECHO {
        return text;
    }
    let mut out = String::with_capacity(text.len().min(4 * MAX_MESSAGE));
    for (i, piece) in text.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        // Odd pieces sit between backticks.
        if i % 2 == 1 {
            out.push_str(&clip(piece, MAX_ECHO));
        } else {
            out.push_str(piece);
        }
    }
    clip(&out, MAX_MESSAGE).into_owned()
}

/// One field of a human report (advice, a reason, a rule id), which may
/// quote a state's text: escaped onto one line and clipped to
/// [`MAX_MESSAGE`] characters.
pub fn field(text: &str) -> String {
    line(&clip(text, MAX_MESSAGE)).into_owned()
}

/// A name from an input (an athlete's, a test case's) as a heading or a
/// table cell shows it: clipped to [`MAX_ECHO`] characters and escaped, for
/// Markdown with its markup escaped too.
pub fn name(text: &str, markdown: bool) -> String {
    let clipped = clip(text, MAX_ECHO);
    if markdown {
        self::markdown(&clipped)
    } else {
        line(&clipped).into_owned()
    }
}

/// Markdown: the same, with the characters that would start markup escaped
/// too, so a name cannot turn into a heading, a link or a list item.
pub fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|') {
            out.push('\\');
        }
        out.push(c);
    }
    line(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_become_visible_escapes() {
        assert_eq!(line("Jo\u{1b}]0;pwned\u{7}\r\nRunner"), "Jo\\u{1b}]0;pwned\\u{7}\\r\\nRunner");
        assert_eq!(text("a\nb\u{8}"), "a\nb\\u{8}");
        assert_eq!(line("plain °C – ok"), "plain °C – ok");
        assert_eq!(line("\u{202E}abc"), "\\u{202e}abc");
    }

    #[test]
    fn clipping_counts_characters() {
        assert_eq!(clip("ééé", 5), "ééé");
        assert_eq!(clip("éééé", 2), "éé… (2 more characters)");
    }

    #[test]
    fn quoted_input_in_a_message_is_clipped() {
        let name = "n".repeat(900_000);
        let message = bounded(format!("unknown field `{name}` in `athlete`"));
        assert_eq!(message, format!("unknown field `{}… (899880 more characters)` in `athlete`", "n".repeat(120)));
        assert_eq!(bounded("a `short` one".into()), "a `short` one");
        assert!(bounded("x".repeat(10_000)).chars().count() < MAX_MESSAGE + 40);
    }

    #[test]
    fn markdown_markup_is_escaped() {
        assert_eq!(markdown("# *x*\n1. y"), "\\# \\*x\\*\\n1. y");
    }
}
