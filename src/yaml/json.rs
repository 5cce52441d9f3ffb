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

use super::{Entry, Node, Value, MAX_DEPTH};

/// The document as nodes, or `None` to leave it to the YAML path.
pub(super) fn parse(text: &str) -> Option<Node> {
    let mut p = JsonParser { bytes: text.as_bytes(), text, pos: 0 };
    p.ws();
    let root = p.value(0)?;
    p.ws();
    (p.pos == p.bytes.len()).then_some(root)
}

struct JsonParser<'t> {
    bytes: &'t [u8],
    text: &'t str,
    pos: usize,
}

impl JsonParser<'_> {
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

    fn value(&mut self, depth: usize) -> Option<Node> {
        let start = self.pos;
        match self.peek()? {
            b'{' => self.object(depth),
            b'[' => self.array(depth),
            b'"' => {
                let s = self.string()?;
                Some(Node { value: Value::Str(s), span: start..self.pos })
            }
            b't' => self.word("true", Value::Bool(true)),
            b'f' => self.word("false", Value::Bool(false)),
            b'n' => self.word("null", Value::Null),
            _ => self.number(),
        }
    }

    fn word(&mut self, word: &str, value: Value) -> Option<Node> {
        let start = self.pos;
        self.text.get(start..)?.starts_with(word).then_some(())?;
        self.pos += word.len();
        // `nullx` is not JSON; `null,` and `null}` are.
        if self.peek().is_some_and(|b| b.is_ascii_alphanumeric()) {
            return None;
        }
        Some(Node { value, span: start..self.pos })
    }

    fn number(&mut self) -> Option<Node> {
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
            Value::Float(f)
        } else {
            Value::Int(raw.parse().ok()?)
        };
        Some(Node { value, span: start..self.pos })
    }

    /// A string, quotes included in what is consumed.
    fn string(&mut self) -> Option<String> {
        self.eat(b'"')?;
        let mut out = String::new();
        loop {
            // Copy the run of ordinary characters in one go.
            let run = self.pos;
            while self.peek().is_some_and(|b| b != b'"' && b != b'\\' && b >= 0x20) {
                self.pos += 1;
            }
            out.push_str(self.text.get(run..self.pos)?);
            match self.peek()? {
                b'"' => {
                    self.pos += 1;
                    return Some(out);
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
        }
    }

    fn array(&mut self, depth: usize) -> Option<Node> {
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
        Some(Node { value: Value::Seq(items), span: start..self.pos })
    }

    fn object(&mut self, depth: usize) -> Option<Node> {
        if depth >= MAX_DEPTH {
            return None;
        }
        let start = self.pos;
        self.eat(b'{')?;
        let mut entries: Vec<Entry> = Vec::new();
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
                entries.push(Entry { key, key_span, value });
                self.ws();
                if self.eat(b',').is_some() {
                    continue;
                }
                self.eat(b'}')?;
                break;
            }
        }
        Some(Node { value: Value::Map(entries), span: start..self.pos })
    }
}
