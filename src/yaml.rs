//! Reading YAML with a byte span on every value.
//!
//! `serde_yaml` (deprecated upstream) is confined to this module so it can be
//! swapped later. It decides scalar typing (YAML 1.2 rules) and reports syntax
//! errors; `yaml-rust2` supplies the positions serde_yaml does not expose. The
//! two are walked in lockstep: serde_yaml's `Mapping` keeps insertion order, so
//! the n-th event-level entry matches the n-th serde entry.
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
}

impl YamlError {
    fn new(message: impl Into<String>, span: Span) -> Self {
        YamlError { message: message.into(), span }
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
pub fn parse(text: &str) -> Result<Node, YamlError> {
    let mut builder = Builder {
        text,
        events: collect_events(text).map_err(|event_err| {
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
        })?,
        pos: 0,
    };
    // A structure-only pass first: its errors (depth, duplicate keys, tags,
    // documents) have precise spans, and it keeps pathological input away
    // from serde_yaml, which is slow on it.
    builder.document(None)?;
    let typed = serde_yaml::from_str::<serde_yaml::Value>(text).map_err(|e| serde_error(text, &e))?;
    builder.pos = 0;
    builder.document(Some(&typed))
}

fn serde_error(text: &str, err: &serde_yaml::Error) -> YamlError {
    let span = match err.location() {
        Some(loc) => char_span(text, offset_of(text, loc.line(), loc.column())),
        None => 0..0,
    };
    YamlError::new(clean_message(&err.to_string()), span)
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

/// A span one character wide at `at` (empty at the end of the text).
fn char_span(text: &str, at: usize) -> Span {
    let width = text.get(at..).and_then(|rest| rest.chars().next()).map_or(0, char::len_utf8);
    at..at + width
}

/// Events with their positions already converted to byte offsets.
fn collect_events(text: &str) -> Result<Vec<(Event, usize)>, YamlError> {
    // yaml-rust2 0.10 markers count chars; this maps char index -> byte offset.
    let char_starts: Vec<usize> = text.char_indices().map(|(i, _)| i).chain(std::iter::once(text.len())).collect();
    let to_byte = |index: usize| char_starts.get(index).copied().unwrap_or(text.len());
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

    fn document(&mut self, sv: Option<&serde_yaml::Value>) -> Result<Node, YamlError> {
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

    fn node(&mut self, sv: Option<&serde_yaml::Value>, depth: usize) -> Result<Node, YamlError> {
        let (event, at) = self.next();
        match event {
            Event::Scalar(raw, style, anchor, tag) => {
                let span = scalar_span(self.text, at, &raw, style);
                check_decorations(self.text, anchor, tag.is_some(), &span)?;
                let value = match sv {
                    Some(v) => scalar_value(v, &span).ok_or_else(|| self.mismatch(at))??,
                    None => Value::Str(raw),
                };
                Ok(Node { value, span })
            }
            Event::SequenceStart(anchor, tag) => {
                let head = char_span(self.text, at);
                check_decorations(self.text, anchor, tag.is_some(), &head)?;
                self.check_depth(depth, &head)?;
                let items = match sv {
                    Some(serde_yaml::Value::Sequence(items)) => Some(items),
                    Some(_) => return Err(self.mismatch(at)),
                    None => None,
                };
                let mut nodes = Vec::new();
                while self.peek() != Some(&Event::SequenceEnd) {
                    let item = match items {
                        Some(items) => Some(items.get(nodes.len()).ok_or_else(|| self.mismatch(at))?),
                        None => None,
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
                    Some(serde_yaml::Value::Mapping(m)) => Some(m.iter()),
                    Some(_) => return Err(self.mismatch(at)),
                    None => None,
                };
                let mut entries: Vec<Entry> = Vec::new();
                let mut seen = HashSet::new();
                while self.peek() != Some(&Event::MappingEnd) {
                    let pair = match serde_entries.as_mut() {
                        Some(it) => Some(it.next().ok_or_else(|| self.mismatch(at))?),
                        None => None,
                    };
                    let (key, key_span) = self.key(pair.map(|(k, _)| k))?;
                    if !seen.insert(key.clone()) {
                        return Err(YamlError::new(format!("`{key}` appears twice in this map"), key_span));
                    }
                    let value = self.node(pair.map(|(_, v)| v), depth + 1)?;
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

    fn key(&mut self, sk: Option<&serde_yaml::Value>) -> Result<(String, Span), YamlError> {
        let (event, at) = self.next();
        let Event::Scalar(raw, style, anchor, tag) = event else {
            return Err(YamlError::new("keys must be names, not lists or maps", char_span(self.text, at)));
        };
        let span = scalar_span(self.text, at, &raw, style);
        check_decorations(self.text, anchor, tag.is_some(), &span)?;
        match sk {
            None | Some(serde_yaml::Value::String(_)) => Ok((raw, span)),
            Some(_) => Err(YamlError::new(
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
                return Some(Err(YamlError::new("this whole number is too large", span.clone())));
            } else {
                match n.as_f64() {
                    Some(f) if f.is_finite() => Value::Float(f),
                    _ => return Some(Err(YamlError::new("numbers must be finite (not .nan or .inf)", span.clone()))),
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

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    const STATE: &str = r#"now: 2026-11-28T08:15:00+01:00   # when the advice is for
athlete:
  name: Jo Runner
  max_hr: 186
  marathon_pace: "5:15/km"
last_session:
  kind: long_run
  ended_at: 2026-11-28T07:40:00+01:00
  duration: "1h50m"
  weight_before: 62.4
  cooled_down: false
last_marathon: 2026-11-15
hrv:
  today: 55
  readings:
    - { date: 2026-11-24, rmssd: 61 }
    - { date: 2026-11-25, rmssd: 58 }
training:
  weekly_volume: [52, 58, 61, 64]
symptoms:
  soreness: 6
  tight_areas: [calves, hip_flexors]
care:
  last_threshold_test: never
"#;

    fn at<'a>(node: &'a Node, path: &[&str]) -> &'a Node {
        path.iter().fold(node, |n, k| &n.get(k).unwrap_or_else(|| panic!("no {k}")).value)
    }

    fn item(node: &Node, i: usize) -> &Node {
        match &node.value {
            Value::Seq(items) => &items[i],
            other => panic!("not a list: {other:?}"),
        }
    }

    fn slice<'a>(text: &'a str, span: &Span) -> &'a str {
        &text[span.clone()]
    }

    fn err(text: &str) -> YamlError {
        parse(text).unwrap_err()
    }

    fn line_of(text: &str, offset: usize) -> usize {
        text[..offset].matches('\n').count() + 1
    }

    #[test]
    fn state_example_types() {
        let root = parse(STATE).unwrap();
        let s = |v: &str| Value::Str(v.to_string());
        assert_eq!(at(&root, &["now"]).value, s("2026-11-28T08:15:00+01:00"));
        assert_eq!(at(&root, &["athlete", "name"]).value, s("Jo Runner"));
        assert_eq!(at(&root, &["athlete", "max_hr"]).value, Value::Int(186));
        assert_eq!(at(&root, &["athlete", "marathon_pace"]).value, s("5:15/km"));
        assert_eq!(at(&root, &["last_session", "duration"]).value, s("1h50m"));
        assert_eq!(at(&root, &["last_session", "weight_before"]).value, Value::Float(62.4));
        assert_eq!(at(&root, &["last_session", "cooled_down"]).value, Value::Bool(false));
        assert_eq!(at(&root, &["last_marathon"]).value, s("2026-11-15"));
        assert_eq!(at(&root, &["care", "last_threshold_test"]).value, s("never"));
        let readings = at(&root, &["hrv", "readings"]);
        assert_eq!(at(item(readings, 1), &["rmssd"]).value, Value::Int(58));
        assert_eq!(at(item(readings, 0), &["date"]).value, s("2026-11-24"));
        let volume = at(&root, &["training", "weekly_volume"]);
        assert_eq!(item(volume, 3).value, Value::Int(64));
        let areas = at(&root, &["symptoms", "tight_areas"]);
        assert_eq!(item(areas, 1).value, s("hip_flexors"));
        let Value::Map(entries) = &root.value else { panic!() };
        let keys: Vec<&str> = entries.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["now", "athlete", "last_session", "last_marathon", "hrv", "training", "symptoms", "care"]);
        assert_eq!(root.kind_name(), "a map");
        assert_eq!(volume.kind_name(), "a list");
        assert!(root.get("missing").is_none());
    }

    #[test]
    fn state_example_spans() {
        let root = parse(STATE).unwrap();
        let span_of = |path: &[&str]| slice(STATE, &at(&root, path).span);
        assert_eq!(span_of(&["hrv", "today"]), "55");
        assert_eq!(span_of(&["now"]), "2026-11-28T08:15:00+01:00");
        assert_eq!(span_of(&["athlete", "name"]), "Jo Runner");
        assert_eq!(span_of(&["last_session", "duration"]), "\"1h50m\"");
        assert_eq!(span_of(&["last_session", "weight_before"]), "62.4");
        assert_eq!(span_of(&["care", "last_threshold_test"]), "never");
        let soreness = at(&root, &["symptoms"]).get("soreness").unwrap();
        assert_eq!(slice(STATE, &soreness.key_span), "soreness");
        assert_eq!(slice(STATE, &soreness.value.span), "6");
        let reading = item(at(&root, &["hrv", "readings"]), 1);
        assert_eq!(slice(STATE, &reading.span), "{ date: 2026-11-25, rmssd: 58 }");
        assert_eq!(slice(STATE, &at(reading, &["date"]).span), "2026-11-25");
        assert_eq!(slice(STATE, &at(reading, &["rmssd"]).span), "58");
        let rmssd = reading.get("rmssd").unwrap();
        assert_eq!(slice(STATE, &rmssd.key_span), "rmssd");
        assert_eq!(span_of(&["training", "weekly_volume"]), "[52, 58, 61, 64]");
        let areas = at(&root, &["symptoms", "tight_areas"]);
        assert_eq!(slice(STATE, &item(areas, 0).span), "calves");
        assert!(span_of(&["athlete"]).starts_with("name: Jo Runner"));
        assert!(span_of(&["athlete"]).ends_with("\"5:15/km\""));
        assert_eq!(root.span.start, 0);
    }

    #[test]
    fn multibyte_text_before_values() {
        let text = "note: \"Température 30°C 🏃 épuisé\"\nrésumé: 😀 ok\ntemp_c: 31.5\nlist: [é, ü]\n";
        let root = parse(text).unwrap();
        assert_eq!(slice(text, &at(&root, &["temp_c"]).span), "31.5");
        assert_eq!(slice(text, &at(&root, &["résumé"]).span), "😀 ok");
        assert_eq!(slice(text, &root.get("résumé").unwrap().key_span), "résumé");
        assert_eq!(slice(text, &at(&root, &["note"]).span), "\"Température 30°C 🏃 épuisé\"");
        assert_eq!(slice(text, &item(at(&root, &["list"]), 1).span), "ü");
    }

    #[test]
    fn quoted_and_block_scalars() {
        let text = "a: 'it''s'\nb: \"say \\\"hi\\\"\"\nc: |\n  line one\n  line two\nd: plain # comment\n";
        let root = parse(text).unwrap();
        assert_eq!(at(&root, &["a"]).value, Value::Str("it's".into()));
        assert_eq!(slice(text, &at(&root, &["a"]).span), "'it''s'");
        assert_eq!(slice(text, &at(&root, &["b"]).span), "\"say \\\"hi\\\"\"");
        assert_eq!(at(&root, &["c"]).value, Value::Str("line one\nline two\n".into()));
        assert_eq!(slice(text, &at(&root, &["c"]).span), "line one");
        assert_eq!(slice(text, &at(&root, &["d"]).span), "plain");
    }

    #[test]
    fn multiline_and_empty_scalars_stay_in_bounds() {
        let text = "a: |\nb: two\n  words\nc: ''\nd: >\n\n";
        let root = parse(text).unwrap();
        assert_eq!(at(&root, &["a"]).span.len(), 0);
        assert_eq!(at(&root, &["b"]).value, Value::Str("two words".into()));
        assert_eq!(slice(text, &at(&root, &["b"]).span), "two");
        assert_eq!(slice(text, &at(&root, &["c"]).span), "''");
        assert!(at(&root, &["d"]).span.end <= text.len());
        let text = "a: 1\r\nb: x y  \r\n";
        let root = parse(text).unwrap();
        assert_eq!(slice(text, &at(&root, &["b"]).span), "x y");
    }

    #[test]
    fn null_values_and_kind_names() {
        let root = parse("a:\nb: ~\nc: null\nd: 1.5\ne: 'x'\nf: true\ng: 3\n").unwrap();
        assert_eq!(at(&root, &["a"]).value, Value::Null);
        assert_eq!(at(&root, &["b"]).value, Value::Null);
        let kinds: Vec<_> = ["a", "d", "e", "f", "g"].iter().map(|k| at(&root, &[k]).kind_name()).collect();
        assert_eq!(kinds, ["nothing", "a number", "text", "true/false", "a whole number"]);
    }

    #[test]
    fn scalar_top_level() {
        let node = parse("42\n").unwrap();
        assert_eq!(node, Node { value: Value::Int(42), span: 0..2 });
        assert_eq!(parse("hello").unwrap().value, Value::Str("hello".into()));
    }

    #[test]
    fn empty_documents_are_null() {
        let null = Node { value: Value::Null, span: 0..0 };
        for text in ["", "   \n\n", "# only a comment\n  # another\n"] {
            assert_eq!(parse(text).unwrap(), null, "{text:?}");
        }
    }

    #[test]
    fn syntax_error_points_at_right_line() {
        let text = "a: 1\nb: [1, 2\nc: 3\n";
        let e = err(text);
        assert!(!e.message.contains("at line"), "{}", e.message);
        assert!(e.message.starts_with(|c: char| c.is_lowercase()), "{}", e.message);
        assert!(line_of(text, e.span.start) >= 2, "{e:?}");
        let text = "a: 1\nb:\n  c: 2\n d: 3\n";
        let e = err(text);
        assert_eq!(line_of(text, e.span.start), 4, "{e:?}");
        assert!(!e.message.contains("column"), "{}", e.message);
    }

    /// `text` is rejected with a message containing `fragment` and a span
    /// whose text starts with `points_at`.
    fn rejects(text: &str, fragment: &str, points_at: &str) {
        let e = err(text);
        assert!(e.message.contains(fragment), "{text:?}: {e:?}");
        assert!(text[e.span.start..].starts_with(points_at), "{text:?}: {e:?}");
        assert!(!e.message.contains(" at line "), "{e:?}");
    }

    #[test]
    fn structural_errors_point_at_the_problem() {
        let dup = "a: 1\nhrv:\n  today: 55\n  today: 56\n";
        rejects(dup, "`today` appears twice", "today: 56");
        assert_eq!(slice(dup, &err(dup).span), "today");
        rejects("[a]: 1\n", "keys must be names", "[a]");
        rejects("ok: 1\n12: x\n", "keys must be names", "12: x");
        rejects("{a: 1}: 2\n", "keys must be names", "{a");
        rejects("true: 1\n", "keys must be names", "true");
        rejects("x: {null: 1}\n", "keys must be names", "null");
        let tagged = "a: !foo 1\n";
        rejects(tagged, "tags", "!foo");
        assert_eq!(slice(tagged, &err(tagged).span), "!foo");
        let tagged = "a: [x, !!str 5]\n";
        assert_eq!(slice(tagged, &err(tagged).span), "!!str");
        rejects("a: !seq\n  - 1\n", "tags", "!seq");
        rejects("a: &x 1\nb: *x\n", "anchors", "&x");
        rejects("a: &x [1]\n", "anchors", "&x");
        rejects("a: .nan\n", "finite", ".nan");
        rejects("a: .inf\n", "finite", ".inf");
        rejects("a: [-.inf]\n", "finite", "-.inf");
        rejects("a: 18446744073709551615\n", "too large", "1844");
        rejects("a: 1\n---\nb: 2\n", "one document", "---");
        assert!(parse("a: 99999999999999999999\n").is_err());
        assert!(parse("'1': x\n\"b c\": y\n").is_ok());
        assert!(parse("---\na: 1\n...\n").is_ok());
    }

    #[test]
    fn deep_flow_nesting_is_an_error_not_a_crash() {
        let open = "[".repeat(100_000);
        assert!(parse(&open).unwrap_err().message.contains("deeply"));
        let balanced = format!("{open}{}", "]".repeat(100_000));
        assert!(parse(&balanced).is_err());
        let braces = "{a: ".repeat(50_000);
        assert!(parse(&braces).is_err());
    }

    #[test]
    fn deep_block_nesting_limited() {
        let nest = |levels: usize| {
            let mut text = String::new();
            for i in 0..levels {
                text.push_str(&format!("{}k{i}:\n", "  ".repeat(i)));
            }
            text.push_str(&format!("{}leaf: 1\n", "  ".repeat(levels)));
            text
        };
        let e = err(&nest(40));
        assert!(e.message.contains("deeply"), "{}", e.message);
        assert!(parse(&nest(MAX_DEPTH - 1)).is_ok());
        assert!(parse(&nest(MAX_DEPTH)).is_err());
    }

    #[test]
    fn offset_of_clamps() {
        let text = "ab\ncé d\n";
        assert_eq!(offset_of(text, 1, 1), 0);
        assert_eq!(offset_of(text, 2, 1), 3);
        assert_eq!(offset_of(text, 2, 3), 6);
        assert_eq!(offset_of(text, 2, 99), 8);
        assert_eq!(offset_of(text, 99, 1), text.len());
        assert_eq!(offset_of("", 1, 1), 0);
        assert_eq!(offset_of(text, 0, 0), 0);
    }

    #[test]
    fn clean_message_strips_locations() {
        assert_eq!(
            clean_message("Did not find key at line 3 column 5, while parsing a map at line 1 column 1"),
            "did not find key, while parsing a map"
        );
    }
}
