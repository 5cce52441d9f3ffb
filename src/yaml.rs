//! Reading YAML with a byte span on every value.
//!
//! A document is read once: `yaml-rust2`'s events give the structure and the
//! positions, and plain scalars are typed here by the rules `serde_yaml`
//! applies (YAML 1.2: null, bool, int, float, else text). `serde_yaml`
//! (deprecated upstream) is confined to this module so it can be swapped: it
//! words syntax errors, and it types the rare documents whose typing is an
//! error or unusual (see `parse_checked`), so those diagnostics are the ones
//! it always gave. JSON text takes a faster path of its own (`json`).
//!
//! Anchors and aliases are rejected: a state file has no use for them, aliases
//! would make the serde tree (expanded) and the event stream (not expanded)
//! disagree, and rejecting them rules out "billion laughs" inputs.

use std::collections::HashSet;

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::TScalarStyle;

/// Byte offsets into the source text.
pub type Span = std::ops::Range<usize>;

/// Deepest nesting of lists and maps accepted.
pub const MAX_DEPTH: usize = 32;

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    /// In document order.
    Map(Vec<Entry>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_span: Span,
    pub value: Node,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct YamlError {
    pub message: String,
    pub span: Span,
    /// What to do about it, when the mistake is recognised (a tab, a missing
    /// space after a colon).
    pub help: Option<String>,
}

impl YamlError {
    fn new(message: impl Into<String>, span: Span) -> Self {
        YamlError { message: message.into(), span, help: None }
    }
}

impl Node {
    /// The entry for `key` when this node is a map.
    pub fn get(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|e| e.key == key),
            _ => None,
        }
    }

    /// A phrase for error messages aimed at people who do not know YAML.
    #[cfg(test)]
    pub fn kind_name(&self) -> &'static str {
        match self.value {
            Value::Null => "nothing",
            Value::Bool(_) => "true/false",
            Value::Int(_) => "a whole number",
            Value::Float(_) => "a number",
            Value::Str(_) => "text",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a map",
        }
    }
}

/// Byte offset of line `line`, column `col` (both 1-based, columns in chars),
/// clamped to the line and to the text.
pub fn offset_of(text: &str, line: usize, col: usize) -> usize {
    let mut start = 0;
    for _ in 1..line.max(1) {
        match text.get(start..).and_then(|rest| rest.find('\n')) {
            Some(nl) => start += nl + 1,
            None => return text.len(),
        }
    }
    let rest = text.get(start..).unwrap_or("");
    let line_len = rest.find('\n').unwrap_or(rest.len());
    let within = rest.char_indices().nth(col.saturating_sub(1)).map_or(rest.len(), |(i, _)| i);
    start + within.min(line_len)
}

/// Parse one YAML document; see the module docs for what is rejected.
///
/// JSON text (a document that starts with `{`) takes a fast path that builds
/// the same nodes with the same spans, and so does the YAML people write by
/// hand (`block`: block maps and lists, plain and simply quoted scalars,
/// one-line flow lists and maps); anything either is not sure about (a
/// syntax error, a duplicate key, deep nesting, an odd number) goes the
/// event path, so every diagnostic is the one it gives.
pub fn parse(text: &str) -> Result<Node, YamlError> {
    parse_any(text).map_err(|e| recognise(text, e))
}

/// The two syntax mistakes people make most, said in their words rather
/// than the parser's: a tab in the indentation, and `kind:tempo` with no
/// space after the colon. Only lines up to the one the parser stopped at are
/// looked at, since the mistake comes before the point it was noticed.
fn recognise(text: &str, err: YamlError) -> YamlError {
    let mut offset = 0;
    let mut colon = None;
    for line in text.split_inclusive('\n') {
        if offset > err.span.start {
            break;
        }
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        if let Some(tab) = line.get(..indent).and_then(|lead| lead.find('\t')) {
            return YamlError {
                message: "YAML does not allow tabs for indentation; use spaces".into(),
                span: offset + tab..offset + tab + 1,
                help: Some("indent with spaces (two per level); set your editor to insert spaces for tabs".into()),
            };
        }
        if colon.is_none() {
            if let Some((start, key, value)) = missing_space(line) {
                colon = Some((offset + start, key, value));
            }
        }
        offset += line.len();
    }
    match colon {
        Some((start, key, value)) => YamlError {
            message: format!("a space is missing after the colon in `{key}:{value}`"),
            span: start..start + key.len() + 1 + value.len(),
            help: Some(format!("write `{key}: {value}`")),
        },
        None => err,
    }
}

/// `kind:tempo` at the start of a line (after indentation and an optional
/// `- `): a field name, a colon, and a value glued to it. Returns where the
/// name starts, the name and the value.
pub fn missing_space(line: &str) -> Option<(usize, &str, &str)> {
    let body = line.trim_start_matches([' ', '\t']);
    let body = body.strip_prefix("- ").map_or(body, |b| b.trim_start());
    let start = line.len() - body.len();
    let body = body.trim_end();
    let body = body.split(" #").next().unwrap_or(body);
    let (key, value) = body.split_once(':')?;
    let is_name = key.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    let glued = value.chars().next().is_some_and(|c| !c.is_whitespace() && c != '/' && c != ':');
    (is_name && glued && !value.contains(": ")).then_some((start, key, value))
}

fn parse_any(text: &str) -> Result<Node, YamlError> {
    if text.trim_start().starts_with('{') {
        if let Some(node) = json::parse(text) {
            return Ok(node);
        }
    } else if let Some(node) = block::parse(text) {
        return Ok(node);
    }
    parse_yaml(text)
}

/// Parse as YAML even when the text is JSON: the path [`parse`] falls back
/// to, kept public so tests can show the JSON fast path agrees with it.
#[cfg(any(test, feature = "internals"))]
pub fn parse_as_yaml(text: &str) -> Result<Node, YamlError> {
    parse_yaml(text)
}

/// The YAML path: one pass over yaml-rust2's events, typing plain scalars by
/// serde_yaml's rules (null, bool, int, float, else text). The rare inputs
/// whose typing is an error or unusual (a key that is not text, a whole
/// number beyond `i64`, `.nan`) go through `parse_checked`, which asks
/// serde_yaml itself, so their diagnostics stay exactly as they were.
fn parse_yaml(text: &str) -> Result<Node, YamlError> {
    let mut builder = Builder { text, events: collect_events(text).map_err(|e| libyaml_error(text, e))?, pos: 0 };
    match builder.document(Typing::Own) {
        Err(e) if e.message == ODD => parse_checked(text),
        result => result,
    }
}

/// The two-pass reading that lets serde_yaml type every scalar: slower, and
/// only used for the inputs `parse_yaml` hands it.
fn parse_checked(text: &str) -> Result<Node, YamlError> {
    let mut builder = Builder { text, events: collect_events(text).map_err(|e| libyaml_error(text, e))?, pos: 0 };
    // A structure-only pass first: its errors (depth, duplicate keys, tags,
    // documents) have precise spans, and it keeps pathological input away
    // from serde_yaml, which is slow on it.
    builder.document(Typing::Raw)?;
    let typed = serde_yaml::from_str::<serde_yaml::Value>(text).map_err(|e| serde_error(text, &e))?;
    builder.pos = 0;
    builder.document(Typing::Serde(&typed))
}

fn libyaml_error(text: &str, event_err: YamlError) -> YamlError {
    // Asking serde_yaml about absurdly deep input takes seconds.
    if event_err.message.contains("recursion limit") {
        return YamlError::new(too_deep(), event_err.span);
    }
    // libyaml's wording is the one users of serde_yaml know; only fall
    // back to yaml-rust2's if libyaml had no complaint.
    match serde_yaml::from_str::<serde_yaml::Value>(text) {
        Err(e) => serde_error(text, &e),
        Ok(_) => event_err,
    }
}

/// Marks "hand this input to `parse_checked`"; never shown to anyone.
const ODD: &str = "\u{0}odd";

/// How scalars are typed in a pass of the builder.
#[derive(Clone, Copy)]
enum Typing<'v> {
    /// Everything is text (the structure-only pass).
    Raw,
    /// By our copy of serde_yaml's rules.
    Own,
    /// By a serde_yaml tree of the same document.
    Serde(&'v serde_yaml::Value),
}

/// A plain scalar typed as serde_yaml types it (`visit_untagged_scalar`), or
/// `None` when its typing is unusual enough to leave to serde_yaml itself.
fn resolve_plain(raw: &str) -> Option<Value> {
    match raw {
        "" | "~" | "null" | "Null" | "NULL" => return Some(Value::Null),
        "true" | "True" | "TRUE" => return Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Some(Value::Bool(false)),
        _ => {}
    }
    let first = raw.as_bytes().first().copied().unwrap_or(b'a');
    // Only text that starts like a number can be one (`.5`, `+1`, `-.inf`).
    if !(first.is_ascii_digit() || matches!(first, b'+' | b'-' | b'.')) {
        return Some(Value::Str(raw.to_string()));
    }
    let digits = raw.strip_prefix(['+', '-']).unwrap_or(raw);
    if digits.len() > 1 && digits.starts_with('0') && digits.bytes().all(|b| b.is_ascii_digit()) {
        // Leading zeros: text in YAML 1.2.
        return Some(Value::Str(raw.to_string()));
    }
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) && !digits.starts_with(['+', '-']) {
        // Decimal whole numbers; anything beyond i64 is for serde_yaml.
        return raw.parse::<i64>().ok().map(Value::Int);
    }
    if digits.starts_with("0x") || digits.starts_with("0o") || digits.starts_with("0b") {
        return None;
    }
    if digits.starts_with(['+', '-']) {
        return Some(Value::Str(raw.to_string()));
    }
    if raw.bytes().any(|b| b.is_ascii_alphabetic() && !matches!(b, b'e' | b'E')) {
        // `.inf`, `.nan`, `1d`, `5:15/km` ...: `.inf`/`.nan` are for serde_yaml.
        let lower = digits.to_ascii_lowercase();
        return if lower == ".inf" || lower == ".nan" { None } else { Some(Value::Str(raw.to_string())) };
    }
    let unsigned = raw.strip_prefix('+').unwrap_or(raw);
    match unsigned.parse::<f64>() {
        Ok(f) if f.is_finite() => Some(Value::Float(f)),
        Ok(_) => None,
        Err(_) => Some(Value::Str(raw.to_string())),
    }
}

fn serde_error(text: &str, err: &serde_yaml::Error) -> YamlError {
    let span = match err.location() {
        Some(loc) => char_span(text, offset_of(text, loc.line(), loc.column())),
        None => 0..0,
    };
    let message = clean_message(&err.to_string());
    // serde_yaml reads a whole number past u64 as a 128-bit integer and then
    // complains in its own terms ("invalid type: integer … as u128").
    if message.contains(" as u128") || message.contains(" as i128") {
        return too_large(number_span(text, span));
    }
    YamlError::new(message, span)
}

/// Drops every " at line X column Y" (the span carries that) and lowercases
/// the first letter so the message can follow a prefix.
fn clean_message(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(i) = rest.find(" at line ") {
        out.push_str(rest.get(..i).unwrap_or(""));
        let after = rest.get(i + " at line ".len()..).unwrap_or("");
        let after = after.trim_start_matches(|c: char| c.is_ascii_digit());
        rest = match after.strip_prefix(" column ") {
            Some(col) => col.trim_start_matches(|c: char| c.is_ascii_digit()),
            None => after,
        };
    }
    out.push_str(rest);
    let mut chars = out.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => "invalid YAML".to_string(),
    }
}

/// serde_yaml places an error at the first character of the value: for a
/// number, the label covers the whole of it (`99999999999999999999999`).
fn number_span(text: &str, at: Span) -> Span {
    let rest = text.get(at.start..).unwrap_or("");
    let len = rest.find(|c: char| !(c.is_ascii_alphanumeric() || "+-._".contains(c))).unwrap_or(rest.len());
    if len == 0 {
        at
    } else {
        at.start..at.start + len
    }
}

/// A span one character wide at `at` (empty at the end of the text).
fn char_span(text: &str, at: usize) -> Span {
    let width = text.get(at..).and_then(|rest| rest.chars().next()).map_or(0, char::len_utf8);
    at..at + width
}

/// Events with their positions already converted to byte offsets.
fn collect_events(text: &str) -> Result<Vec<(Event, usize)>, YamlError> {
    // yaml-rust2 0.10 markers count chars; this maps char index -> byte offset
    // (the identity for ASCII text, the common case, which needs no table).
    let ascii = text.is_ascii();
    let char_starts: Vec<usize> = if ascii {
        Vec::new()
    } else {
        text.char_indices().map(|(i, _)| i).chain(std::iter::once(text.len())).collect()
    };
    let to_byte = |index: usize| {
        if ascii {
            index.min(text.len())
        } else {
            char_starts.get(index).copied().unwrap_or(text.len())
        }
    };
    let mut parser = Parser::new_from_str(text);
    let mut events = Vec::new();
    loop {
        match parser.next_token() {
            Ok((event, mark)) => {
                let done = event == Event::StreamEnd;
                events.push((event, to_byte(mark.index())));
                if done {
                    return Ok(events);
                }
            }
            Err(e) => {
                let at = to_byte(e.marker().index());
                return Err(YamlError::new(clean_message(e.info()), char_span(text, at)));
            }
        }
    }
}

struct Builder<'t> {
    text: &'t str,
    events: Vec<(Event, usize)>,
    pos: usize,
}

impl Builder<'_> {
    fn next(&mut self) -> (Event, usize) {
        let item = self.events.get(self.pos).cloned().unwrap_or((Event::StreamEnd, self.text.len()));
        self.pos += 1;
        item
    }

    fn peek(&self) -> Option<&Event> {
        self.events.get(self.pos).map(|(e, _)| e)
    }

    fn document(&mut self, sv: Typing<'_>) -> Result<Node, YamlError> {
        if self.peek() == Some(&Event::StreamStart) {
            self.pos += 1;
        }
        match self.next() {
            (Event::StreamEnd, _) => return Ok(Node { value: Value::Null, span: 0..0 }),
            (Event::DocumentStart, _) => {}
            (_, at) => return Err(self.mismatch(at)),
        }
        let root = self.node(sv, 0)?;
        if self.peek() == Some(&Event::DocumentEnd) {
            self.pos += 1;
        }
        match self.next() {
            (Event::StreamEnd, _) => Ok(root),
            (Event::DocumentStart, at) => Err(YamlError::new(
                "only one document is allowed (remove the second `---` section)",
                self.line_span(at),
            )),
            (_, at) => Err(self.mismatch(at)),
        }
    }

    fn mismatch(&self, at: usize) -> YamlError {
        YamlError::new("could not make sense of this part of the file", char_span(self.text, at))
    }

    fn node(&mut self, sv: Typing<'_>, depth: usize) -> Result<Node, YamlError> {
        let (event, at) = self.next();
        match event {
            Event::Scalar(raw, style, anchor, tag) => {
                let span = scalar_span(self.text, at, &raw, style);
                check_decorations(self.text, anchor, tag.is_some(), &span)?;
                let value = match sv {
                    Typing::Serde(v) => scalar_value(v, &span).ok_or_else(|| self.mismatch(at))??,
                    Typing::Own if style == TScalarStyle::Plain => {
                        resolve_plain(&raw).ok_or_else(|| YamlError::new(ODD, span.clone()))?
                    }
                    Typing::Own | Typing::Raw => Value::Str(raw),
                };
                Ok(Node { value, span })
            }
            Event::SequenceStart(anchor, tag) => {
                let head = char_span(self.text, at);
                check_decorations(self.text, anchor, tag.is_some(), &head)?;
                self.check_depth(depth, &head)?;
                let items = match sv {
                    Typing::Serde(serde_yaml::Value::Sequence(items)) => Some(items),
                    Typing::Serde(_) => return Err(self.mismatch(at)),
                    _ => None,
                };
                let mut nodes = Vec::new();
                while self.peek() != Some(&Event::SequenceEnd) {
                    let item = match items {
                        Some(items) => Typing::Serde(items.get(nodes.len()).ok_or_else(|| self.mismatch(at))?),
                        None => sv,
                    };
                    nodes.push(self.node(item, depth + 1)?);
                }
                if items.is_some_and(|items| items.len() != nodes.len()) {
                    return Err(self.mismatch(at));
                }
                let (_, end_at) = self.next();
                let last_end = nodes.last().map(|n| n.span.end);
                let span = at..self.container_end(end_at, ']', last_end, at);
                Ok(Node { value: Value::Seq(nodes), span })
            }
            Event::MappingStart(anchor, tag) => {
                let head = char_span(self.text, at);
                check_decorations(self.text, anchor, tag.is_some(), &head)?;
                self.check_depth(depth, &head)?;
                let mut serde_entries = match sv {
                    Typing::Serde(serde_yaml::Value::Mapping(m)) => Some(m.iter()),
                    Typing::Serde(_) => return Err(self.mismatch(at)),
                    _ => None,
                };
                let mut entries: Vec<Entry> = Vec::new();
                let mut seen = HashSet::new();
                while self.peek() != Some(&Event::MappingEnd) {
                    let pair = match serde_entries.as_mut() {
                        Some(it) => Some(it.next().ok_or_else(|| self.mismatch(at))?),
                        None => None,
                    };
                    let (key, key_span) = self.key(pair.map_or(sv, |(k, _)| Typing::Serde(k)))?;
                    if !seen.insert(key.clone()) {
                        return Err(YamlError::new(format!("`{key}` appears twice in this map"), key_span));
                    }
                    let value = self.node(pair.map_or(sv, |(_, v)| Typing::Serde(v)), depth + 1)?;
                    entries.push(Entry { key, key_span, value });
                }
                if serde_entries.is_some_and(|mut it| it.next().is_some()) {
                    return Err(self.mismatch(at));
                }
                let (_, end_at) = self.next();
                let last_end = entries.last().map(|e| e.value.span.end);
                // A block map's start event comes after its first key is scanned.
                let start = match entries.first() {
                    Some(first) if !self.text.get(at..).is_some_and(|r| r.starts_with('{')) => {
                        first.key_span.start.min(at)
                    }
                    _ => at,
                };
                let span = start..self.container_end(end_at, '}', last_end, start);
                Ok(Node { value: Value::Map(entries), span })
            }
            Event::Alias(_) => Err(anchor_error(char_span(self.text, at))),
            _ => Err(self.mismatch(at)),
        }
    }

    fn key(&mut self, sk: Typing<'_>) -> Result<(String, Span), YamlError> {
        let (event, at) = self.next();
        let Event::Scalar(raw, style, anchor, tag) = event else {
            return Err(YamlError::new("keys must be names, not lists or maps", char_span(self.text, at)));
        };
        let span = scalar_span(self.text, at, &raw, style);
        check_decorations(self.text, anchor, tag.is_some(), &span)?;
        match sk {
            Typing::Raw | Typing::Serde(serde_yaml::Value::String(_)) => Ok((raw, span)),
            // A key that would not type as text is left to serde_yaml, which
            // the structure pass reaches only after its own checks.
            Typing::Own => match style {
                TScalarStyle::Plain if !matches!(resolve_plain(&raw), Some(Value::Str(_))) => {
                    Err(YamlError::new(ODD, span))
                }
                _ => Ok((raw, span)),
            },
            Typing::Serde(_) => Err(YamlError::new(
                format!("keys must be names; `{raw}` is not (put it in quotes if it is meant as one)"),
                span,
            )),
        }
    }

    fn check_depth(&self, depth: usize, span: &Span) -> Result<(), YamlError> {
        if depth >= MAX_DEPTH {
            return Err(YamlError::new(too_deep(), span.clone()));
        }
        Ok(())
    }

    /// Flow collections end at their closing bracket; block ones at their last
    /// child, since the end event sits wherever the next token happens to be.
    fn container_end(&self, end_at: usize, close: char, last_end: Option<usize>, start: usize) -> usize {
        if self.text.get(end_at..).is_some_and(|r| r.starts_with(close)) {
            end_at + close.len_utf8()
        } else {
            last_end.unwrap_or(start).max(start)
        }
    }

    /// The rest of the line from `at`, for markers like `---`.
    fn line_span(&self, at: usize) -> Span {
        let rest = self.text.get(at..).unwrap_or("");
        at..at + rest.find('\n').unwrap_or(rest.len())
    }
}

fn too_deep() -> String {
    format!("lists and maps are nested too deeply (more than {MAX_DEPTH} levels)")
}

/// Events carry no position for tags and anchors, so the sigil is looked up
/// just before the node they decorate.
fn check_decorations(text: &str, anchor: usize, tagged: bool, node: &Span) -> Result<(), YamlError> {
    if tagged {
        return Err(YamlError::new(
            "tags (`!name`) are not supported; write the plain value",
            decoration_span(text, '!', node),
        ));
    }
    if anchor != 0 {
        return Err(anchor_error(decoration_span(text, '&', node)));
    }
    Ok(())
}

fn decoration_span(text: &str, sigil: char, node: &Span) -> Span {
    let before = text.get(..node.start).unwrap_or("");
    let Some(at) = before.rfind(sigil) else {
        return node.clone();
    };
    let start = before.get(..at).map_or(at, |b| b.trim_end_matches(sigil).len());
    let word = before.get(at..).unwrap_or("");
    let end = word.find(|c: char| c.is_whitespace() || ",[]{}".contains(c)).unwrap_or(word.len());
    start..at + end
}

/// A whole number past 64 bits, whether serde_yaml or our own typing saw it.
fn too_large(span: Span) -> YamlError {
    let mut e = YamlError::new("this whole number is too large", span);
    e.help = Some("write a number a running log could hold, such as `42` or `7.5`".into());
    e
}

fn anchor_error(span: Span) -> YamlError {
    YamlError::new("anchors and aliases (`&name`, `*name`) are not supported; write the value out", span)
}

/// `None` when serde_yaml saw a collection where the events have a scalar.
fn scalar_value(v: &serde_yaml::Value, span: &Span) -> Option<Result<Value, YamlError>> {
    let value = match v {
        serde_yaml::Value::Null => Value::Null,
        serde_yaml::Value::Bool(b) => Value::Bool(*b),
        serde_yaml::Value::String(s) => Value::Str(s.clone()),
        serde_yaml::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::Int(i)
            } else if n.is_u64() {
                return Some(Err(too_large(span.clone())));
            } else {
                match n.as_f64() {
                    Some(f) if f.is_finite() => Value::Float(f),
                    _ => {
                        let mut e = YamlError::new("numbers must be finite (not .nan or .inf)", span.clone());
                        e.help = Some(
                            "write an ordinary number such as `7.5`, or leave the field out if it is not known".into(),
                        );
                        return Some(Err(e));
                    }
                }
            }
        }
        _ => return None,
    };
    Some(Ok(value))
}

/// Span of a scalar starting at byte `start`. Exact for single-line plain and
/// quoted scalars (quotes included); otherwise runs to the end of the first
/// line, which is enough to point at the value.
fn scalar_span(text: &str, start: usize, raw: &str, style: TScalarStyle) -> Span {
    let rest = text.get(start..).unwrap_or("");
    let len = match style {
        // Block scalars' events sit at their content, which may be absent.
        _ if raw.is_empty() && !matches!(style, TScalarStyle::SingleQuoted | TScalarStyle::DoubleQuoted) => 0,
        TScalarStyle::Plain if rest.starts_with(raw) => raw.len(),
        TScalarStyle::SingleQuoted => quoted_len(rest, '\'').unwrap_or_else(|| first_line_len(rest)),
        TScalarStyle::DoubleQuoted => quoted_len(rest, '"').unwrap_or_else(|| first_line_len(rest)),
        _ => first_line_len(rest),
    };
    start..start + len
}

/// Byte length of the quoted scalar at the start of `s`, quotes included.
fn quoted_len(s: &str, quote: char) -> Option<usize> {
    let mut chars = s.char_indices().peekable();
    if chars.next().map(|(_, c)| c) != Some(quote) {
        return None;
    }
    while let Some((i, c)) = chars.next() {
        if quote == '"' && c == '\\' {
            chars.next();
        } else if c == quote {
            // `''` inside single quotes is an escaped quote, not the end.
            if quote == '\'' && chars.peek().map(|&(_, c)| c) == Some('\'') {
                chars.next();
            } else {
                return Some(i + c.len_utf8());
            }
        }
    }
    None
}

fn first_line_len(s: &str) -> usize {
    let line = s.get(..s.find('\n').unwrap_or(s.len())).unwrap_or("");
    let line = match line.find(" #") {
        Some(i) => line.get(..i).unwrap_or(line),
        None => line,
    };
    line.trim_end().len()
}

mod block;
pub mod json;

#[cfg(test)]
mod tests;
