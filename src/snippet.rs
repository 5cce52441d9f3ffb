//! What the diagnostic renderer is given to draw: the lines around a
//! diagnostic's labels, never a whole file, with long lines clipped around
//! the labels and control characters made harmless.
//!
//! miette pads with `{:width$}`, and a width above 65,535 panics, so a
//! 70,000-character line must never reach it; and a 1 MB line would be
//! printed in full under a caret. Line numbers and columns in the header stay
//! those of the original file (columns in characters, as everywhere else).

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use crate::diagnostic::{SourceFile, Span};

/// Lines longer than this (in characters) are clipped around the labels.
pub const MAX_LINE_CHARS: usize = 160;
/// Characters kept before the first label on a clipped line.
const LEAD_CHARS: usize = 40;
/// A label running over more lines than this is cut to its first line.
const MAX_SPAN_LINES: usize = 8;

/// A piece of the original kept in the view, byte for byte.
#[derive(Clone, Copy, Debug)]
struct Piece {
    orig: usize,
    view: usize,
    len: usize,
}

/// The part of a file a diagnostic shows.
#[derive(Debug)]
pub struct View {
    name: String,
    text: String,
    /// 0-based line number in the original of the view's first line.
    first_line: usize,
    pieces: Vec<Piece>,
    orig: std::sync::Arc<SourceFile>,
}

/// The largest char boundary of `text` at or before `i`.
fn floor(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Byte offset `n` characters after `from` (or the end).
fn chars_after(text: &str, from: usize, n: usize, limit: usize) -> usize {
    text.get(from..limit).and_then(|t| t.char_indices().nth(n)).map_or(limit, |(i, _)| from + i)
}

/// Byte offset `n` characters before `to` (or `limit`).
fn chars_before(text: &str, to: usize, n: usize, limit: usize) -> usize {
    text.get(limit..to).and_then(|t| t.char_indices().rev().nth(n.saturating_sub(1))).map_or(limit, |(i, _)| limit + i)
}

/// Push original text into the view with control characters replaced by
/// one byte each, so offsets inside the piece stay the same.
fn push_clean(out: &mut String, text: &str) {
    for c in text.chars() {
        if c == '\t' {
            out.push(c);
        } else if c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}') {
            for _ in 0..c.len_utf8() {
                out.push('?');
            }
        } else {
            out.push(c);
        }
    }
}

impl View {
    /// The view of `file` for labels at `spans`, and the spans mapped into it.
    pub fn new(file: &std::sync::Arc<SourceFile>, spans: &[Span]) -> (View, Vec<Span>) {
        let text: &str = &file.text;
        let index = file.line_index();
        let all = index.lines();
        let line_of = |o: usize| index.line_of(o);
        // Clamp every span into the text, and to a few lines.
        let spans: Vec<Span> = spans
            .iter()
            .map(|s| {
                let start = floor(text, s.start);
                let mut end = floor(text, s.end.max(start));
                let (l0, l1) = (line_of(start), line_of(end));
                if l1 > l0 + MAX_SPAN_LINES {
                    end = all.get(l0).map_or(end, |&(_, e)| e);
                }
                Span::new(start, end)
            })
            .collect();
        let first = spans.iter().map(|s| line_of(s.start)).min().unwrap_or(0).saturating_sub(1);
        let last = (spans.iter().map(|s| line_of(s.end)).max().unwrap_or(0) + 1).min(all.len().saturating_sub(1));
        let mut view = String::new();
        let mut pieces = Vec::new();
        for &(start, end) in all.get(first..=last).unwrap_or(&[]) {
            let long = text.get(start..end).is_some_and(|l| l.chars().nth(MAX_LINE_CHARS).is_some());
            let (from, to) = if long {
                let anchor = spans.iter().map(|s| s.start).filter(|&o| o >= start && o <= end).min().unwrap_or(start);
                let from = chars_before(text, anchor, LEAD_CHARS, start);
                (from, chars_after(text, from, MAX_LINE_CHARS, end))
            } else {
                (start, end)
            };
            if from > start {
                view.push('…');
            }
            pieces.push(Piece { orig: from, view: view.len(), len: to - from });
            push_clean(&mut view, text.get(from..to).unwrap_or(""));
            if to < end {
                view.push('…');
            }
            view.push('\n');
        }
        let mut v =
            View { name: file.shown_name(), text: view, first_line: first, pieces, orig: std::sync::Arc::clone(file) };
        let mapped = spans.iter().map(|s| Span::new(v.to_view(s.start), v.to_view(s.end))).collect();
        v.name = crate::terminal::line(&v.name).into_owned();
        (v, mapped)
    }

    /// Where an original offset sits in the view: inside a kept piece, or
    /// at the nearest edge of one.
    fn to_view(&self, o: usize) -> usize {
        let mut best = None;
        for p in &self.pieces {
            if o < p.orig {
                return best.unwrap_or(p.view);
            }
            best = Some(p.view + (o - p.orig).min(p.len));
        }
        best.unwrap_or(0)
    }

    /// Where a view offset came from in the original.
    fn to_orig(&self, v: usize) -> usize {
        let mut best = None;
        for p in &self.pieces {
            if v < p.view {
                return best.unwrap_or(p.orig);
            }
            best = Some(p.orig + (v - p.view).min(p.len));
        }
        best.unwrap_or(0)
    }

    /// 0-based column, in characters, of a view offset in the original.
    fn column(&self, v: usize) -> usize {
        self.orig.line_col(self.to_orig(v)).1.saturating_sub(1)
    }
}

impl SourceCode for View {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self.text.as_str().read_span(span, before, after)?;
        // With no context, miette asks for the label's own position: give the
        // original line and the column in characters.
        let column = if before == 0 && after == 0 { self.column(span.offset()) } else { inner.column() };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.first_line,
            column,
            // miette's own count runs from the start of the file; it decides
            // which labels share one snippet, so keep its meaning.
            inner.line_count() + self.first_line,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_line_is_clipped_around_the_label() {
        let line = format!("{}BAD{}", "x".repeat(70_000), "y".repeat(70_000));
        let file = SourceFile::new("f", format!("one\n{line}\nthree\n"));
        let start = 4 + 70_000;
        let (view, spans) = View::new(&file, &[Span::new(start, start + 3)]);
        assert!(view.text.len() < 1_000, "{}", view.text.len());
        let s = spans.first().copied().unwrap_or_default();
        assert_eq!(view.text.get(s.start..s.end), Some("BAD"));
        assert_eq!(view.first_line, 0);
        assert_eq!(view.column(s.start), 70_000);
    }

    #[test]
    fn only_the_lines_around_the_labels_are_kept() {
        let text: String = (0..1000).map(|i| format!("line {i}\n")).collect();
        let file = SourceFile::new("f", text.as_str());
        let at = text.find("line 500").unwrap_or(0);
        let (view, _) = View::new(&file, &[Span::new(at, at + 4)]);
        assert_eq!(view.text, "line 499\nline 500\nline 501\n");
        assert_eq!(view.first_line, 499);
    }

    #[test]
    fn a_label_on_the_whole_first_line_stays_there() {
        let file = SourceFile::new("f", "header,row\n1,2\n");
        let (view, spans) = View::new(&file, &[Span::new(0, 10)]);
        assert_eq!(spans.first().map(|s| (s.start, s.end)), Some((0, 10)));
        assert_eq!(view.column(0), 0);
    }

    #[test]
    fn control_characters_keep_their_offsets() {
        let file = SourceFile::new("f", "name: \"Jo\u{1b}[2J\"\nx");
        let (view, _) = View::new(&file, &[Span::new(6, 14)]);
        assert_eq!(view.text, "name: \"Jo?[2J\"\nx\n");
    }
}
