//! The JSON fast path: a state written as JSON (what a platform sends) is
//! read in one pass straight into nodes with spans, without the YAML event
//! parser.
//!
//! It only ever answers for plain, valid JSON and gives exactly the nodes and
//! spans the YAML path gives for the same text (quotes inside a string's
//! span, brackets inside a container's). Whenever it is unsure — a syntax
//! error, a duplicate key, nesting deeper than `MAX_DEPTH`, a whole number
//! beyond `i64`, a `\u` escape of a surrogate — it returns `None` and the
//! caller reads the text as YAML, so every diagnostic stays the YAML path's.
//!
//! The nodes borrow the text ([`Borrowed`]): a key or string without
//! escapes is a slice of it, so reading a state allocates only its lists
//! and maps. The state loader walks them as they are (`state::Input`); the
//! owned [`Node`] the rest of the crate uses is made from them on request.

use std::borrow::Cow;

use super::{Entry, Node, Span, Value, MAX_DEPTH};

/// The document as nodes, or `None` to leave it to the YAML path.
pub(super) fn parse(text: &str) -> Option<Node> {
    parse_borrowed(text).map(Borrowed::into_owned)
}

/// The document as nodes that borrow `text`, or `None` to leave it to the
/// YAML path.
pub fn parse_borrowed(text: &str) -> Option<Borrowed<'_>> {
    let mut p = JsonParser { bytes: text.as_bytes(), text, pos: 0 };
    p.ws();
    let root = p.value(0)?;
    p.ws();
    (p.pos == p.bytes.len()).then_some(root)
}

/// A node of a JSON document, borrowing its text where it can.
#[derive(Debug, Clone, PartialEq)]
pub struct Borrowed<'t> {
    pub value: BorrowedValue<'t>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum BorrowedValue<'t> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Cow<'t, str>),
    Seq(Vec<Borrowed<'t>>),
    Map(Vec<BorrowedEntry<'t>>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct BorrowedEntry<'t> {
    pub key: Cow<'t, str>,
    pub key_span: Span,
    pub value: Borrowed<'t>,
}

impl Borrowed<'_> {
    /// The same node, owning its text.
    pub fn into_owned(self) -> Node {
        let value = match self.value {
            BorrowedValue::Null => Value::Null,
            BorrowedValue::Bool(b) => Value::Bool(b),
            BorrowedValue::Int(i) => Value::Int(i),
            BorrowedValue::Float(f) => Value::Float(f),
            BorrowedValue::Str(s) => Value::Str(s.into_owned()),
            BorrowedValue::Seq(items) => Value::Seq(items.into_iter().map(Borrowed::into_owned).collect()),
            BorrowedValue::Map(entries) => Value::Map(
                entries
                    .into_iter()
                    .map(|e| Entry { key: e.key.into_owned(), key_span: e.key_span, value: e.value.into_owned() })
                    .collect(),
            ),
        };
        Node { value, span: self.span }
    }
}

struct JsonParser<'t> {
    bytes: &'t [u8],
    text: &'t str,
    pos: usize,
}

impl<'t> JsonParser<'t> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn ws(&mut self) {
        // Tabs are left out: YAML is picky about them, so such text goes the
        // YAML way and keeps its diagnostics.
        while matches!(self.peek(), Some(b' ' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, b: u8) -> Option<()> {
        (self.peek() == Some(b)).then(|| self.pos += 1)
    }

    fn value(&mut self, depth: usize) -> Option<Borrowed<'t>> {
        let start = self.pos;
        match self.peek()? {
            b'{' => self.object(depth),
            b'[' => self.array(depth),
            b'"' => {
                let s = self.string()?;
                Some(Borrowed { value: BorrowedValue::Str(s), span: start..self.pos })
            }
            b't' => self.word("true", BorrowedValue::Bool(true)),
            b'f' => self.word("false", BorrowedValue::Bool(false)),
            b'n' => self.word("null", BorrowedValue::Null),
            _ => self.number(),
        }
    }

    fn word(&mut self, word: &str, value: BorrowedValue<'t>) -> Option<Borrowed<'t>> {
        let start = self.pos;
        self.text.get(start..)?.starts_with(word).then_some(())?;
        self.pos += word.len();
        // `nullx` is not JSON; `null,` and `null}` are.
        if self.peek().is_some_and(|b| b.is_ascii_alphanumeric()) {
            return None;
        }
        Some(Borrowed { value, span: start..self.pos })
    }

    fn number(&mut self) -> Option<Borrowed<'t>> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        let int_start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
        let int_digits = self.pos - int_start;
        // JSON forbids leading zeros (`01`); YAML would read them as text.
        if int_digits == 0 || (int_digits > 1 && self.bytes.get(int_start) == Some(&b'0')) {
            return None;
        }
        let mut float = false;
        if self.peek() == Some(b'.') {
            float = true;
            self.pos += 1;
            let frac = self.pos;
            while self.peek().is_some_and(|b| b.is_ascii_digit()) {
                self.pos += 1;
            }
            if self.pos == frac {
                return None;
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            float = true;
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            let exp = self.pos;
            while self.peek().is_some_and(|b| b.is_ascii_digit()) {
                self.pos += 1;
            }
            if self.pos == exp {
                return None;
            }
        }
        let raw = self.text.get(start..self.pos)?;
        let value = if float {
            let f: f64 = raw.parse().ok()?;
            // Too large for a float: YAML reads it as text; let it say so.
            if !f.is_finite() {
                return None;
            }
            BorrowedValue::Float(f)
        } else {
            BorrowedValue::Int(raw.parse().ok()?)
        };
        Some(Borrowed { value, span: start..self.pos })
    }

    /// A string, quotes included in what is consumed: a slice of the text
    /// when it has no escape.
    #[inline(always)]
    fn string(&mut self) -> Option<Cow<'t, str>> {
        self.eat(b'"')?;
        let start = self.pos;
        self.plain_run();
        if self.peek() == Some(b'"') {
            let s = self.text.get(start..self.pos)?;
            self.pos += 1;
            return Some(Cow::Borrowed(s));
        }
        let mut out = String::from(self.text.get(start..self.pos)?);
        loop {
            match self.peek()? {
                b'"' => {
                    self.pos += 1;
                    return Some(Cow::Owned(out));
                }
                b'\\' => {
                    self.pos += 1;
                    let c = match self.peek()? {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hex = self.text.get(self.pos + 1..self.pos + 5)?;
                            let code = u32::from_str_radix(hex, 16).ok()?;
                            self.pos += 4;
                            // Surrogate pairs are left to the YAML path.
                            char::from_u32(code)?
                        }
                        _ => return None,
                    };
                    self.pos += 1;
                    out.push(c);
                }
                // A raw control character inside a string is not JSON.
                _ => return None,
            }
            // Copy the next run of ordinary characters in one go.
            let run = self.pos;
            self.plain_run();
            out.push_str(self.text.get(run..self.pos)?);
        }
    }

    /// Past the characters a string holds as they are: up to a quote, a
    /// backslash or a control character.
    fn plain_run(&mut self) {
        let rest = self.bytes.get(self.pos..).unwrap_or_default();
        let end = memchr::memchr2(b'"', b'\\', rest).unwrap_or(rest.len());
        let run = rest.get(..end).unwrap_or_default();
        // Control characters are rare: look for one with a loop without an
        // early exit (which the compiler can vectorise), and only then for
        // where it is.
        let control = run.iter().fold(false, |any, &b| any | (b < 0x20));
        self.pos += if control { run.iter().position(|&b| b < 0x20).unwrap_or(end) } else { end };
    }

    fn array(&mut self, depth: usize) -> Option<Borrowed<'t>> {
        if depth >= MAX_DEPTH {
            return None;
        }
        let start = self.pos;
        self.eat(b'[')?;
        let mut items = Vec::new();
        self.ws();
        if self.eat(b']').is_none() {
            loop {
                self.ws();
                items.push(self.value(depth + 1)?);
                self.ws();
                if self.eat(b',').is_some() {
                    continue;
                }
                self.eat(b']')?;
                break;
            }
        }
        Some(Borrowed { value: BorrowedValue::Seq(items), span: start..self.pos })
    }

    fn object(&mut self, depth: usize) -> Option<Borrowed<'t>> {
        if depth >= MAX_DEPTH {
            return None;
        }
        let start = self.pos;
        self.eat(b'{')?;
        let mut entries: Vec<BorrowedEntry<'t>> = Vec::new();
        self.ws();
        if self.eat(b'}').is_none() {
            loop {
                self.ws();
                let key_start = self.pos;
                if self.peek() != Some(b'"') {
                    return None;
                }
                let key = self.string()?;
                let key_span = key_start..self.pos;
                // Duplicates are an error with its own wording: YAML path.
                if entries.iter().any(|e| e.key == key) {
                    return None;
                }
                self.ws();
                self.eat(b':')?;
                self.ws();
                let value = self.value(depth + 1)?;
                entries.push(BorrowedEntry { key, key_span, value });
                self.ws();
                if self.eat(b',').is_some() {
                    continue;
                }
                self.eat(b'}')?;
                break;
            }
        }
        Some(Borrowed { value: BorrowedValue::Map(entries), span: start..self.pos })
    }
}
