//! The JSON report of one state (`recoup evaluate --format json`, on one
//! line), written straight into a byte buffer: the batch path.
//!
//! Most of a report's text is the program's own: rule and protocol ids,
//! condition text, advice and reason words between their holes, fact
//! paths, priorities and timings. [`JsonLine::new`] escapes all of it once,
//! into JSON fragments, and [`JsonLine::write`] splices them with the few
//! values that change from state to state (filled holes, subjects' values,
//! the athlete, `now`). The bytes are exactly what serde_json writes for
//! [`super::report`]'s [`super::Report`] (`serde_json::to_vec`); the tests
//! below and `tests/batch.rs` hold the two to that.

use chrono::{DateTime, FixedOffset};

use super::fill_hole;
use super::readers::missing_group_indices;
use crate::eval::{is_reason, Outcome, Status, SuppressReason};
use crate::program::{Program, Template, TemplatePart};
use crate::units::UnitSystem;
use crate::value::{Ty, Value};

/// A program's constant JSON text, escaped once, and the program it came
/// from.
pub struct JsonLine<'p> {
    program: &'p Program,
    rules: Vec<RuleText>,
    atoms: Vec<AtomText>,
    /// Each fact's path as a JSON string (quoted, escaped).
    facts: Vec<Box<[u8]>>,
    /// Each enum value as advice reads it (`long run`), escaped.
    enum_words: Vec<Vec<Box<[u8]>>>,
    /// The fact holding the athlete's name, if the program declares it.
    athlete: Option<usize>,
}

struct RuleText {
    /// The rule's id as a JSON string.
    id: Box<[u8]>,
    /// `{"rule":…,"protocol":…,"advice":`
    head: Box<[u8]>,
    advice: Fragments,
    because: Option<Fragments>,
    /// `,"priority":…,"timing":…,"category":…,"source":…}`
    tail: Box<[u8]>,
}

struct AtomText {
    /// `{"condition":…,"subject":`
    condition: Box<[u8]>,
    /// The subject's text as a JSON string, when the atom has a subject.
    subject: Option<Box<[u8]>>,
    words: Fragments,
    /// How many of the words' parts are holes.
    holes: usize,
}

/// A template as JSON string content: escaped text between holes.
struct Fragments {
    parts: Vec<Fragment>,
}

enum Fragment {
    /// Escaped text, without quotes.
    Text(Box<[u8]>),
    /// The template part (a hole) with this index.
    Hole(usize),
}

/// What one writer keeps between states: a text buffer for holes and
/// values before they are escaped, and the last `now` with its text (a
/// batch usually has one `now` for every state).
#[derive(Default)]
pub struct LineScratch {
    text: String,
    now: Option<(DateTime<FixedOffset>, Vec<u8>)>,
}

impl<'p> JsonLine<'p> {
    /// Escape a program's constant text.
    pub fn new(program: &'p Program) -> JsonLine<'p> {
        let rules = program
            .rules
            .iter()
            .map(|rule| {
                let protocol = program.protocols.get(rule.protocol);
                let mut head = b"{\"rule\":".to_vec();
                string(&mut head, &rule.id);
                head.extend_from_slice(b",\"protocol\":");
                string(&mut head, protocol.map_or("", |p| &p.id));
                head.extend_from_slice(b",\"advice\":");
                let mut tail = b",\"priority\":".to_vec();
                string(&mut tail, rule.priority.name());
                tail.extend_from_slice(b",\"timing\":");
                string(&mut tail, rule.timing.name());
                tail.extend_from_slice(b",\"category\":");
                string(&mut tail, &rule.category);
                tail.extend_from_slice(b",\"source\":");
                optional_string(&mut tail, protocol.and_then(|p| p.source.as_deref()));
                tail.push(b'}');
                let mut id = Vec::new();
                string(&mut id, &rule.id);
                RuleText {
                    id: id.into(),
                    head: head.into(),
                    advice: Fragments::new(&rule.advise),
                    because: rule.because.as_ref().map(Fragments::new),
                    tail: tail.into(),
                }
            })
            .collect();
        let atoms = program
            .atoms
            .iter()
            .map(|atom| {
                let mut condition = b"{\"condition\":".to_vec();
                string(&mut condition, &atom.text);
                condition.extend_from_slice(b",\"subject\":");
                AtomText {
                    condition: condition.into(),
                    subject: atom.subject.as_ref().map(|s| {
                        let mut text = Vec::new();
                        string(&mut text, &s.text);
                        text.into()
                    }),
                    words: Fragments::new(&atom.words),
                    holes: atom.words.parts.iter().filter(|p| matches!(p, TemplatePart::Hole { .. })).count(),
                }
            })
            .collect();
        let facts = program
            .facts
            .iter()
            .map(|f| {
                let mut text = Vec::new();
                string(&mut text, &f.path);
                text.into()
            })
            .collect();
        let enum_words = program
            .enums
            .iter()
            .map(|e| {
                (0..e.values.len())
                    .map(|i| {
                        let mut text = Vec::new();
                        escape(&mut text, &e.words(u16::try_from(i).unwrap_or(u16::MAX)));
                        text.into()
                    })
                    .collect()
            })
            .collect();
        JsonLine { program, rules, atoms, facts, enum_words, athlete: program.fact_index("athlete.name") }
    }

    /// The program this text was escaped from.
    pub fn program(&self) -> &'p Program {
        self.program
    }

    /// The athlete's name among a state's fact values, as the report shows it.
    pub fn athlete<'v>(&self, facts: &'v [Value]) -> Option<&'v str> {
        match self.athlete.and_then(|i| facts.get(i)) {
            Some(Value::Text(t)) => Some(t),
            _ => None,
        }
    }

    /// Append the report of one evaluated state to `out`, as compact JSON
    /// (no newline): the bytes `serde_json::to_vec(&render::report(program,
    /// outcome, athlete))` gives.
    pub fn write(&self, outcome: &Outcome, athlete: Option<&str>, scratch: &mut LineScratch, out: &mut Vec<u8>) {
        let program = self.program;
        let system = outcome.units;
        let now = outcome.now;
        out.extend_from_slice(b"{\"athlete\":");
        optional_string(out, athlete);
        out.extend_from_slice(b",\"evaluated_at\":");
        match now {
            None => out.extend_from_slice(b"null"),
            Some(t) => {
                if scratch.now.as_ref().is_none_or(|(last, _)| *last != t || last.offset() != t.offset()) {
                    let mut text = Vec::new();
                    string(&mut text, &t.to_rfc3339());
                    scratch.now = Some((t, text));
                }
                if let Some((_, text)) = &scratch.now {
                    out.extend_from_slice(text);
                }
            }
        }
        out.extend_from_slice(b",\"recommendations\":[");
        let mut first = true;
        for &i in &outcome.recommendations {
            let (Some(rule), Some(text)) = (program.rules.get(i), self.rules.get(i)) else { continue };
            if program.protocols.get(rule.protocol).is_none() {
                continue;
            }
            comma(out, &mut first);
            out.extend_from_slice(&text.head);
            self.template(&text.advice, &rule.advise, outcome.advice_values(i), system, now, scratch, out);
            out.extend_from_slice(b",\"reasons\":[");
            let trace = outcome.trace(i);
            let mut rest = outcome.word_values(i);
            let mut first_reason = true;
            for record in trace {
                let Some(atom) = program.atoms.get(record.atom as usize).filter(|a| is_reason(a, record)) else {
                    continue;
                };
                let Some(atom_text) = self.atoms.get(record.atom as usize) else { continue };
                let (mine, later) = rest.split_at(atom_text.holes.min(rest.len()));
                rest = later;
                comma(out, &mut first_reason);
                self.template(&atom_text.words, &atom.words, mine, system, now, scratch, out);
            }
            out.extend_from_slice(b"],\"conditions\":[");
            let mut first_condition = true;
            for record in trace {
                let Some(atom) = program.atoms.get(record.atom as usize).filter(|a| is_reason(a, record)) else {
                    continue;
                };
                let Some(atom_text) = self.atoms.get(record.atom as usize) else { continue };
                comma(out, &mut first_condition);
                out.extend_from_slice(&atom_text.condition);
                match (&atom.subject, &atom_text.subject) {
                    (Some(s), Some(subject)) if !record.subject.is_missing() => {
                        out.extend_from_slice(subject);
                        out.extend_from_slice(b",\"value\":");
                        scratch.text.clear();
                        record.subject.push_display(&mut scratch.text, &s.ty, &program.enums, system);
                        string(out, &scratch.text);
                    }
                    _ => out.extend_from_slice(b"null,\"value\":null"),
                }
                out.push(b'}');
            }
            out.extend_from_slice(b"],\"because\":");
            match (&rule.because, &text.because) {
                (Some(template), Some(fragments)) => {
                    self.template(fragments, template, outcome.because_values(i), system, now, scratch, out)
                }
                _ => out.extend_from_slice(b"null"),
            }
            out.extend_from_slice(&text.tail);
        }
        out.extend_from_slice(b"],\"suppressed\":[");
        let mut first = true;
        for (i, r) in outcome.rules.iter().enumerate() {
            let Status::Suppressed { by, reason } = &r.status else { continue };
            let (Some(rule), Some(by)) = (self.rules.get(i), self.rules.get(*by)) else { continue };
            comma(out, &mut first);
            out.extend_from_slice(b"{\"rule\":");
            out.extend_from_slice(&rule.id);
            out.extend_from_slice(b",\"by\":");
            out.extend_from_slice(&by.id);
            out.extend_from_slice(b",\"reason\":");
            match reason {
                SuppressReason::Declared => out.extend_from_slice(b"\"declared\""),
                SuppressReason::SameAdvice => out.extend_from_slice(b"\"same advice\""),
                SuppressReason::Conflict { tag } => {
                    out.extend_from_slice(b"\"conflict over ");
                    escape(out, tag.name(self.program));
                    out.push(b'"');
                }
            }
            out.push(b'}');
        }
        out.extend_from_slice(b"],\"missing_facts\":[");
        let mut first = true;
        for &f in &outcome.missing_facts {
            let Some(path) = self.facts.get(f) else { continue };
            comma(out, &mut first);
            out.extend_from_slice(path);
        }
        out.extend_from_slice(b"],\"unlocks\":[");
        // Only a rule that could not decide unlocks anything: most states
        // of a complete batch have none, and skip the grouping.
        if outcome.rules.iter().any(|r| r.status == Status::Unknown) {
            let mut first = true;
            for (facts, rules) in missing_group_indices(program, outcome) {
                comma(out, &mut first);
                out.extend_from_slice(b"{\"facts\":[");
                let mut first_fact = true;
                for path in facts.iter().filter_map(|&f| self.facts.get(f)) {
                    comma(out, &mut first_fact);
                    out.extend_from_slice(path);
                }
                out.extend_from_slice(b"],\"rules\":[");
                let mut first_rule = true;
                for id in rules.iter().filter_map(|&r| self.rules.get(r)) {
                    comma(out, &mut first_rule);
                    out.extend_from_slice(&id.id);
                }
                out.extend_from_slice(b"]}");
            }
        }
        out.push(b']');
        // Arithmetic that failed (a define dividing by zero) is rare: said
        // by the report's own code, and only when there is any.
        let not_computed = super::unknown::not_computed(program, outcome);
        if !not_computed.is_empty() {
            out.extend_from_slice(b",\"not_computed\":");
            let _ = serde_json::to_writer(&mut *out, &not_computed);
        }
        out.push(b'}');
    }

    /// A template filled with its values, as a JSON string.
    #[allow(clippy::too_many_arguments)]
    fn template(
        &self,
        fragments: &Fragments,
        template: &Template,
        values: &[Value],
        system: UnitSystem,
        now: Option<DateTime<FixedOffset>>,
        scratch: &mut LineScratch,
        out: &mut Vec<u8>,
    ) {
        out.push(b'"');
        let mut values = values.iter();
        for fragment in &fragments.parts {
            match fragment {
                Fragment::Text(text) => out.extend_from_slice(text),
                Fragment::Hole(part) => {
                    let value = values.next().unwrap_or(&Value::Missing);
                    let Some(TemplatePart::Hole { ty, bare_number, .. }) = template.parts.get(*part) else { continue };
                    // An enum value reads as its words, escaped once.
                    let words = match (value, ty) {
                        (Value::Enum(i), Ty::Enum(e)) => {
                            self.enum_words.get(*e).and_then(|words| words.get(usize::from(*i)))
                        }
                        _ => None,
                    };
                    if let Some(words) = words {
                        out.extend_from_slice(words);
                    } else {
                        scratch.text.clear();
                        fill_hole(self.program, ty, *bare_number, value, system, now, &mut scratch.text);
                        escape(out, &scratch.text);
                    }
                }
            }
        }
        out.push(b'"');
    }
}

impl Fragments {
    fn new(template: &Template) -> Fragments {
        let mut parts: Vec<Fragment> = Vec::new();
        for (i, part) in template.parts.iter().enumerate() {
            match part {
                TemplatePart::Text(t) => {
                    let mut text = Vec::new();
                    escape(&mut text, t);
                    // Adjacent texts become one fragment.
                    if let Some(Fragment::Text(last)) = parts.last_mut() {
                        let mut joined = std::mem::take(last).into_vec();
                        joined.extend_from_slice(&text);
                        *last = joined.into();
                    } else {
                        parts.push(Fragment::Text(text.into()));
                    }
                }
                TemplatePart::Hole { .. } => parts.push(Fragment::Hole(i)),
            }
        }
        Fragments { parts }
    }
}

fn comma(out: &mut Vec<u8>, first: &mut bool) {
    if !std::mem::take(first) {
        out.push(b',');
    }
}

fn optional_string(out: &mut Vec<u8>, text: Option<&str>) {
    match text {
        Some(t) => string(out, t),
        None => out.extend_from_slice(b"null"),
    }
}

/// A JSON string, quoted and escaped.
pub fn string(out: &mut Vec<u8>, text: &str) {
    out.push(b'"');
    escape(out, text);
    out.push(b'"');
}

/// A string's JSON escaping, without quotes: serde_json's, byte for byte
/// (`"`, `\\`, and control characters as `\n`-style or `\u00XX` escapes;
/// everything else, multi-byte characters included, as it is).
pub fn escape(out: &mut Vec<u8>, text: &str) {
    let mut rest = text.as_bytes();
    while let Some(i) = rest.iter().position(|&b| b < 0x20 || b == b'"' || b == b'\\') {
        let (plain, tail) = rest.split_at(i);
        out.extend_from_slice(plain);
        let Some((&b, tail)) = tail.split_first() else { break };
        let letter = match b {
            b'"' => b'"',
            b'\\' => b'\\',
            0x08 => b'b',
            0x09 => b't',
            0x0A => b'n',
            0x0C => b'f',
            0x0D => b'r',
            _ => b'u',
        };
        out.push(b'\\');
        out.push(letter);
        if letter == b'u' {
            out.extend_from_slice(b"00");
            for digit in [b >> 4, b & 0xF] {
                out.push(if digit < 10 { b'0' + digit } else { b'a' + digit - 10 });
            }
        }
        rest = tail;
    }
    out.extend_from_slice(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_is_serde_jsons_for_every_character_class() {
        let mut text: String = (0u8..0x80).map(char::from).collect();
        text.push_str("é ∞ 😀 \u{2028} \u{7f} end");
        for piece in [text.as_str(), "", "plain", "\"", "\\", "a\nb\tc\u{1}"] {
            let mut ours = Vec::new();
            string(&mut ours, piece);
            assert_eq!(String::from_utf8(ours).ok(), serde_json::to_string(piece).ok(), "{piece:?}");
        }
    }
}
