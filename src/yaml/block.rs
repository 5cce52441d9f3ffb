//! The fast path for the YAML people write by hand: block maps and lists,
//! plain and simply quoted scalars, one-line flow lists and maps, comments.
//! A state file is nearly always only that, and reading it byte by byte here
//! is several times faster than yaml-rust2's event parser.
//!
//! It answers only when it is sure: it gives exactly the nodes, typing and
//! spans the event path gives for the same text (a test holds the two equal
//! on every YAML file in the repository), and returns `None` for anything
//! else — a syntax error, a tab, a multi-line or block scalar, an escape, an
//! empty value, a duplicate key, an anchor or tag, a document marker, a
//! number serde_yaml types unusually — so that the event path reads it and
//! every diagnostic stays as it was.

use std::collections::HashSet;

use super::{resolve_plain, Entry, Node, Value, MAX_DEPTH};

/// The document as nodes, or `None` to leave it to the event path.
pub(super) fn parse(text: &str) -> Option<Node> {
    // A BOM, tabs and carriage returns are left to the event path, which
    // knows what to say about them.
    if text.bytes().any(|b| b == b'\t' || b == b'\r') || text.starts_with('\u{feff}') {
        return None;
    }
    let mut r = Reader { text, bytes: text.as_bytes(), pos: 0 };
    let indent = r.next_line()?;
    if indent != 0 {
        return None;
    }
    let root = r.block_map(0, 0)?;
    // Everything was read: nothing but blank lines and comments remain.
    (r.next_line().is_none() && r.pos >= r.bytes.len()).then_some(root)
}

struct Reader<'t> {
    text: &'t str,
    bytes: &'t [u8],
    pos: usize,
}

/// Maps with more entries than this check duplicates with a set.
const SMALL_MAP: usize = 16;

impl Reader<'_> {
    fn at(&self, i: usize) -> Option<u8> {
        self.bytes.get(i).copied()
    }

    /// From the start of a line (or the end of the last value's line): skip
    /// blank and comment lines, stop at the first character of the next line
    /// with content and give its indentation; `None` at the end of the text
    /// or at a document marker (`---`, `...`, `%`), which the event path
    /// reads.
    fn next_line(&mut self) -> Option<usize> {
        loop {
            let start = self.pos;
            let mut i = start;
            while self.at(i) == Some(b' ') {
                i += 1;
            }
            match self.at(i) {
                None => {
                    self.pos = i;
                    return None;
                }
                Some(b'\n') => self.pos = i + 1,
                Some(b'#') => self.pos = (self.line_end(i) + 1).min(self.bytes.len()),
                Some(_) => {
                    let rest = self.text.get(start..).unwrap_or("");
                    if i == start && (rest.starts_with("---") || rest.starts_with("...") || rest.starts_with('%')) {
                        // A marker or directive: not ours. Leave `pos` short
                        // of the end so the document is refused.
                        self.pos = start;
                        return None;
                    }
                    self.pos = i;
                    return Some(i - start);
                }
            }
        }
    }

    /// Where the line holding `i` ends (its `\n`, or the end of the text).
    fn line_end(&self, i: usize) -> usize {
        self.bytes.get(i..).and_then(|rest| rest.iter().position(|&b| b == b'\n')).map_or(self.bytes.len(), |n| i + n)
    }

    /// After a value: only spaces and a comment may follow on its line.
    /// Moves to the start of the next line.
    fn end_of_line(&mut self) -> Option<()> {
        let mut i = self.pos;
        while self.at(i) == Some(b' ') {
            i += 1;
        }
        match self.at(i) {
            None => self.pos = i,
            Some(b'\n') => self.pos = i + 1,
            // A comment needs a space before it.
            Some(b'#') if i > self.pos => self.pos = self.line_end(i) + 1,
            Some(_) => return None,
        }
        self.pos = self.pos.min(self.bytes.len());
        Some(())
    }

    /// The column of `pos` on its line.
    fn column(&self) -> usize {
        let before = self.bytes.get(..self.pos).unwrap_or_default();
        before.iter().rev().position(|&b| b == b'\n').unwrap_or(before.len())
    }

    /// A block map whose first key is at `pos`, in column `indent`.
    fn block_map(&mut self, indent: usize, depth: usize) -> Option<Node> {
        if depth >= MAX_DEPTH {
            return None;
        }
        let start = self.pos;
        let mut entries: Vec<Entry> = Vec::new();
        let mut seen: Option<HashSet<String>> = None;
        loop {
            let (key, key_span) = self.key()?;
            if entries.len() < SMALL_MAP {
                if entries.iter().any(|e| e.key == key) {
                    return None;
                }
            } else {
                let seen = seen.get_or_insert_with(|| entries.iter().map(|e| e.key.clone()).collect());
                if !seen.insert(key.clone()) {
                    return None;
                }
            }
            let value = self.value(indent, depth)?;
            entries.push(Entry { key, key_span, value });
            // `value` left `pos` at the start of a line: find the next key.
            let here = self.pos;
            match self.next_line() {
                Some(next) if next == indent && self.at(self.pos) != Some(b'-') => continue,
                Some(next) if next < indent => {
                    // The enclosing block goes on from that line.
                    self.pos = here;
                    break;
                }
                Some(_) => return None,
                None => {
                    self.pos = here;
                    break;
                }
            }
        }
        let end = entries.last().map_or(start, |e| e.value.span.end);
        Some(Node { value: Value::Map(entries), span: start..end })
    }

    /// A key and its colon; `pos` ends after the colon.
    fn key(&mut self) -> Option<(String, std::ops::Range<usize>)> {
        let start = self.pos;
        let key = match self.at(start)? {
            b'"' | b'\'' => {
                let key = self.quoted()?;
                if self.at(self.pos) != Some(b':') {
                    return None;
                }
                key
            }
            first if first.is_ascii_alphanumeric() || first == b'_' => {
                let mut i = start;
                loop {
                    match self.at(i)? {
                        b':' => break,
                        b'\n' | b'#' | b'"' | b'\'' | b'[' | b']' | b'{' | b'}' | b',' => return None,
                        _ => i += 1,
                    }
                }
                let raw = self.text.get(start..i)?;
                // `key :` and keys serde_yaml would type as other than text
                // (`1:`, `true:`) are the event path's.
                if raw.ends_with(' ') || !matches!(resolve_plain(raw), Some(Value::Str(_))) {
                    return None;
                }
                self.pos = i;
                raw.to_string()
            }
            _ => return None,
        };
        let span = start..self.pos;
        // The colon, then a space or the end of the line.
        self.pos += 1;
        if !matches!(self.at(self.pos), None | Some(b' ' | b'\n')) {
            return None;
        }
        Some((key, span))
    }

    /// The value after a key's colon, for a key in column `indent`; `pos`
    /// ends at the start of the line after the value.
    fn value(&mut self, indent: usize, depth: usize) -> Option<Node> {
        while self.at(self.pos) == Some(b' ') {
            self.pos += 1;
        }
        match self.at(self.pos) {
            // Nothing on the key's line: a nested block, on the next lines.
            None | Some(b'\n' | b'#') => {
                self.pos = (self.line_end(self.pos) + 1).min(self.bytes.len());
                let inner = self.next_line()?;
                let is_item = self.is_item();
                if inner > indent && is_item {
                    self.block_seq(inner, depth + 1)
                } else if inner == indent && is_item {
                    // A list at its key's indentation: the event path starts
                    // its span at the first item, not at the dash.
                    let mut seq = self.block_seq(inner, depth + 1)?;
                    if let Value::Seq(items) = &seq.value {
                        seq.span.start = items.first().map_or(seq.span.start, |n| n.span.start);
                    }
                    Some(seq)
                } else if inner > indent {
                    self.block_map(inner, depth + 1)
                } else {
                    // An empty value (null): the event path places it.
                    None
                }
            }
            Some(_) => {
                let node = self.inline(depth + 1)?;
                self.end_of_line()?;
                Some(node)
            }
        }
    }

    /// Whether `pos` is at a list item's `- `.
    fn is_item(&self) -> bool {
        self.at(self.pos) == Some(b'-') && matches!(self.at(self.pos + 1), None | Some(b' ' | b'\n'))
    }

    /// A block list whose first `-` is at `pos`, in column `indent`.
    fn block_seq(&mut self, indent: usize, depth: usize) -> Option<Node> {
        if depth >= MAX_DEPTH {
            return None;
        }
        let start = self.pos;
        let mut items = Vec::new();
        loop {
            // `- ` then the item on the same line.
            self.pos += 1;
            while self.at(self.pos) == Some(b' ') {
                self.pos += 1;
            }
            if matches!(self.at(self.pos), None | Some(b'\n' | b'#')) {
                return None;
            }
            if self.starts_key() {
                let column = self.column();
                let map = self.block_map(column, depth + 1)?;
                items.push(map);
            } else {
                items.push(self.inline(depth + 1)?);
                self.end_of_line()?;
            }
            let here = self.pos;
            match self.next_line() {
                Some(next) if next == indent && self.is_item() => continue,
                Some(next) if next <= indent => {
                    self.pos = here;
                    break;
                }
                Some(_) => return None,
                None => {
                    self.pos = here;
                    break;
                }
            }
        }
        let end = items.last().map_or(start, |n: &Node| n.span.end);
        Some(Node { value: Value::Seq(items), span: start..end })
    }

    /// Whether the item at `pos` is a map (`- date: 2026-11-24`): a name
    /// and a colon followed by a space or the end of the line.
    fn starts_key(&self) -> bool {
        let rest = self.bytes.get(self.pos..self.line_end(self.pos)).unwrap_or_default();
        match rest.first() {
            Some(b'"' | b'\'' | b'[' | b'{') | None => return false,
            Some(_) => {}
        }
        rest.windows(2).any(|w| w == b": ") || rest.ends_with(b":")
    }

    /// A scalar, or a one-line flow list or map, starting at `pos`.
    fn inline(&mut self, depth: usize) -> Option<Node> {
        match self.at(self.pos)? {
            b'[' => self.flow_seq(depth),
            b'{' => self.flow_map(depth),
            b'"' | b'\'' => {
                let start = self.pos;
                let s = self.quoted()?;
                Some(Node { value: Value::Str(s), span: start..self.pos })
            }
            _ => self.plain(),
        }
    }

    /// A quoted scalar on one line, without escapes; `pos` ends after it.
    fn quoted(&mut self) -> Option<String> {
        let quote = self.at(self.pos)?;
        let start = self.pos + 1;
        let mut i = start;
        loop {
            match self.at(i)? {
                b'\n' | b'\\' => return None,
                b if b == quote => break,
                _ => i += 1,
            }
        }
        // `''` inside single quotes is an escaped quote: the event path's.
        if quote == b'\'' && self.at(i + 1) == Some(b'\'') {
            return None;
        }
        let s = self.text.get(start..i)?.to_string();
        self.pos = i + 1;
        Some(s)
    }

    /// A plain scalar in a block: it runs to the end of the line or to a
    /// comment.
    fn plain(&mut self) -> Option<Node> {
        let start = self.pos;
        let first = self.at(start)?;
        // Indicators that start something else (`- `, `? `, `: ` included).
        if matches!(first, b'&' | b'*' | b'!' | b'|' | b'>' | b'%' | b'@' | b'`' | b'#' | b',' | b']' | b'}')
            || (matches!(first, b'-' | b'?' | b':')
                && matches!(self.at(start + 1), None | Some(b' ' | b'\n' | b',' | b'[' | b']' | b'{' | b'}')))
        {
            return None;
        }
        let mut i = start;
        let mut end = start;
        loop {
            match self.at(i) {
                None | Some(b'\n') => break,
                Some(b' ') if self.at(i + 1) == Some(b'#') => break,
                Some(b' ') => {}
                Some(b':') if matches!(self.at(i + 1), None | Some(b' ' | b'\n')) => return None,
                Some(_) => end = i + 1,
            }
            i += 1;
        }
        let raw = self.text.get(start..end)?;
        let value = resolve_plain(raw)?;
        self.pos = end;
        Some(Node { value, span: start..end })
    }

    fn flow_spaces(&mut self) {
        while self.at(self.pos) == Some(b' ') {
            self.pos += 1;
        }
    }

    /// `[a, b]` on one line.
    fn flow_seq(&mut self, depth: usize) -> Option<Node> {
        if depth >= MAX_DEPTH {
            return None;
        }
        let start = self.pos;
        self.pos += 1;
        let mut items = Vec::new();
        self.flow_spaces();
        if self.at(self.pos) != Some(b']') {
            loop {
                self.flow_spaces();
                items.push(self.flow_item(depth)?);
                self.flow_spaces();
                match self.at(self.pos)? {
                    b',' => self.pos += 1,
                    b']' => break,
                    _ => return None,
                }
                // `[a, b,]`: the event path's.
                self.flow_spaces();
                if self.at(self.pos) == Some(b']') {
                    return None;
                }
            }
        }
        self.pos += 1;
        Some(Node { value: Value::Seq(items), span: start..self.pos })
    }

    /// `{ date: 2026-11-24, rmssd: 61 }` on one line.
    fn flow_map(&mut self, depth: usize) -> Option<Node> {
        if depth >= MAX_DEPTH {
            return None;
        }
        let start = self.pos;
        self.pos += 1;
        let mut entries: Vec<Entry> = Vec::new();
        self.flow_spaces();
        if self.at(self.pos) != Some(b'}') {
            loop {
                self.flow_spaces();
                let key_node = self.flow_item(depth)?;
                let Value::Str(key) = key_node.value else { return None };
                if self.at(self.pos) != Some(b':') || self.at(self.pos + 1) != Some(b' ') {
                    return None;
                }
                if entries.iter().any(|e| e.key == key) || entries.len() >= SMALL_MAP {
                    return None;
                }
                // A plain key must type as text; a quoted one is text.
                self.pos += 1;
                self.flow_spaces();
                if matches!(self.at(self.pos), Some(b',' | b'}')) {
                    return None;
                }
                let value = self.flow_item(depth)?;
                entries.push(Entry { key, key_span: key_node.span, value });
                self.flow_spaces();
                match self.at(self.pos)? {
                    b',' => self.pos += 1,
                    b'}' => break,
                    _ => return None,
                }
                self.flow_spaces();
                if self.at(self.pos) == Some(b'}') {
                    return None;
                }
            }
        }
        self.pos += 1;
        Some(Node { value: Value::Map(entries), span: start..self.pos })
    }

    fn flow_item(&mut self, depth: usize) -> Option<Node> {
        match self.at(self.pos)? {
            b'[' => self.flow_seq(depth + 1),
            b'{' => self.flow_map(depth + 1),
            b'"' | b'\'' => {
                let start = self.pos;
                let s = self.quoted()?;
                Some(Node { value: Value::Str(s), span: start..self.pos })
            }
            _ => self.flow_plain(),
        }
    }

    /// A plain scalar inside a flow collection: a key's ends at its `:`.
    fn flow_plain(&mut self) -> Option<Node> {
        let start = self.pos;
        let first = self.at(start)?;
        if matches!(first, b'&' | b'*' | b'!' | b'|' | b'>' | b'%' | b'@' | b'`' | b'#' | b',' | b']' | b'}')
            || (matches!(first, b'-' | b'+' | b'.') && !self.at(start + 1).is_some_and(|b| b.is_ascii_alphanumeric()))
        {
            return None;
        }
        let mut i = start;
        let mut end = start;
        // Only what states hold (`2026-11-24`, `61`, `-1.5`, `hip_flexors`):
        // yaml-rust2 has rules of its own for indicators inside flow scalars.
        loop {
            match self.at(i) {
                Some(b':') if self.at(i + 1) == Some(b' ') => break,
                Some(b',' | b']' | b'}') => break,
                Some(b' ') if self.at(i + 1).is_some_and(|b| b.is_ascii_alphanumeric() || b == b' ') => {}
                Some(b' ') if matches!(self.at(i + 1), Some(b',' | b']' | b'}' | b':')) => {}
                Some(b'-') if i == start || self.at(i - 1) != Some(b' ') => end = i + 1,
                Some(b) if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'+' | b'/' | b'%') || b >= 0x80 => {
                    end = i + 1
                }
                _ => return None,
            }
            i += 1;
        }
        let raw = self.text.get(start..end)?;
        let value = resolve_plain(raw)?;
        self.pos = end;
        Some(Node { value, span: start..end })
    }
}
