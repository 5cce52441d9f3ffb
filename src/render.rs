//! Outcome to words: a report (plain data, the JSON contract) is built once
//! from an outcome, and the text, Markdown and JSON renderings are views of
//! it. Nothing here evaluates anything. `render::lint` holds the lint
//! output formats.

// The command line's views (lint findings, a squad, explain, timeline):
// built with the `cli` feature only.
#[cfg(feature = "cli")]
pub mod lint;

pub mod dates;
#[cfg(feature = "cli")]
mod explain;
pub mod json_line;
mod readers;
#[cfg(feature = "cli")]
pub mod squad;
#[cfg(feature = "cli")]
mod timeline;
mod unknown;

use std::fmt::Write as _;

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

pub use readers::{missing_groups, Audience, MissingGroup};

use crate::eval::{is_reason, Outcome, Record, Status, SuppressReason};
use crate::program::{Program, Template, TemplatePart};
use crate::units::{self, UnitSystem};
use crate::value::{Ty, Value};

#[cfg(feature = "cli")]
pub use explain::{explain, explanations_to_text, Explain};
#[cfg(feature = "cli")]
pub use timeline::timeline;
pub use unknown::NotComputed;

/// One athlete's answer: the JSON contract of `recoup evaluate --format json`.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// `athlete.name`, when the state gives it.
    pub athlete: Option<String>,
    /// `now` as RFC 3339, when the state (or `--now`) gives it.
    pub evaluated_at: Option<String>,
    /// The advice, in output order: by timing, then priority.
    pub recommendations: Vec<Recommendation>,
    /// Rules that fired but gave way to another.
    pub suppressed: Vec<Suppressed>,
    /// Facts the state left out that some rule needed to decide.
    pub missing_facts: Vec<String>,
    /// The missing facts grouped by the rules they would let decide.
    pub unlocks: Vec<MissingGroup>,
    /// Values arithmetic could not compute (a define dividing by zero) and
    /// the rules they left undecided; left out when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_computed: Vec<NotComputed>,
    /// `now`, for headings that depend on the hour.
    #[serde(skip)]
    pub now: Option<DateTime<FixedOffset>>,
}

/// One piece of advice, from one rule that fired.
#[derive(Clone, Debug, Serialize)]
pub struct Recommendation {
    /// The rule's id, `protocol.rule`.
    pub rule: String,
    /// The protocol's id.
    pub protocol: String,
    /// The advice, its values filled in.
    pub advice: String,
    /// Each `when` condition that held, in words, with its values.
    pub reasons: Vec<String>,
    /// The same conditions for an engineer: source text, the value it was
    /// about, in `reasons` order.
    pub conditions: Vec<HeldCondition>,
    /// The rule's `because`, its values filled in.
    pub because: Option<String>,
    /// `high`, `medium` or `low`.
    pub priority: &'static str,
    /// When to act: `now`, `today`, `next_24h`, `this_week` or `long_term`.
    pub timing: &'static str,
    /// The rule's category (`nutrition`, `sleep`, ...).
    pub category: String,
    /// Where the protocol's advice comes from, when it says.
    pub source: Option<String>,
}

/// A `when` condition that held, as an engineer reads it.
#[derive(Clone, Debug, Serialize)]
pub struct HeldCondition {
    /// As written in the rule: `since_session <= 60min`.
    pub condition: String,
    /// What the condition is about (`since_session`), and its value as
    /// shown to the coach (`35 min`), when it has one.
    pub subject: Option<String>,
    /// The subject's value, as shown to the coach.
    pub value: Option<String>,
}

/// A rule that fired but was suppressed.
#[derive(Clone, Debug, Serialize)]
pub struct Suppressed {
    /// The suppressed rule's id.
    pub rule: String,
    /// The id of the rule that won.
    pub by: String,
    /// `declared`, `conflict over <tag>` or `same advice`.
    pub reason: String,
}

/// Build the report for one evaluated state.
pub fn report(program: &Program, outcome: &Outcome, athlete: Option<String>) -> Report {
    let system = outcome.units;
    let evaluated_at = outcome.now.map(|t| t.to_rfc3339());
    let recommendations = outcome
        .recommendations
        .iter()
        .filter_map(|&i| {
            let rule = program.rules.get(i)?;
            let protocol = program.protocols.get(rule.protocol)?;
            Some(Recommendation {
                rule: rule.id.clone(),
                protocol: protocol.id.clone(),
                advice: fill(program, &rule.advise, outcome.advice_values(i), system, outcome.now),
                reasons: reasons(program, outcome.trace(i), outcome.word_values(i), system, outcome.now),
                conditions: held_conditions(program, outcome.trace(i), system),
                because: rule
                    .because
                    .as_ref()
                    .map(|b| fill(program, b, outcome.because_values(i), system, outcome.now)),
                priority: rule.priority.name(),
                timing: rule.timing.name(),
                category: rule.category.clone(),
                source: protocol.source.clone(),
            })
        })
        .collect();
    let suppressed = outcome
        .rules
        .iter()
        .enumerate()
        .filter_map(|(i, r)| match &r.status {
            Status::Suppressed { by, reason } => Some(Suppressed {
                rule: program.rules.get(i)?.id.clone(),
                by: program.rules.get(*by)?.id.clone(),
                reason: reason_text(program, reason),
            }),
            _ => None,
        })
        .collect();
    let missing_facts =
        outcome.missing_facts.iter().filter_map(|&f| program.facts.get(f).map(|f| f.path.clone())).collect();
    let unlocks = missing_groups(program, outcome);
    let not_computed = unknown::not_computed(program, outcome);
    Report {
        athlete,
        evaluated_at,
        recommendations,
        suppressed,
        missing_facts,
        unlocks,
        not_computed,
        now: outcome.now,
    }
}

pub fn reason_text(program: &Program, reason: &SuppressReason) -> String {
    match reason {
        SuppressReason::Declared => "declared".into(),
        SuppressReason::Conflict { tag } => format!("conflict over {}", tag.name(program)),
        SuppressReason::SameAdvice => "same advice".into(),
    }
}

/// Fill a template's holes. Enum values read as words (`long run`), dates
/// as a person writes them (`render::dates`, the year only when it is not
/// `now`'s).
pub fn fill(
    program: &Program,
    template: &Template,
    values: &[Value],
    system: UnitSystem,
    now: Option<DateTime<FixedOffset>>,
) -> String {
    let mut out = String::new();
    let mut values = values.iter();
    for part in &template.parts {
        match part {
            TemplatePart::Text(t) => out.push_str(t),
            TemplatePart::Hole { ty, bare_number, .. } => {
                let value = values.next().unwrap_or(&Value::Missing);
                fill_hole(program, ty, *bare_number, value, system, now, &mut out);
            }
        }
    }
    out
}

/// One hole of a template, filled with its value, appended to `out`.
pub(crate) fn fill_hole(
    program: &Program,
    ty: &Ty,
    bare_number: bool,
    value: &Value,
    system: UnitSystem,
    now: Option<DateTime<FixedOffset>>,
    out: &mut String,
) {
    match (value, ty) {
        (Value::Num(v), Ty::Num(dim)) if bare_number => {
            units::push_parts(out, *v, *dim, system);
        }
        (Value::Enum(i), Ty::Enum(e)) => out.push_str(&enum_words(program, *e, *i)),
        (Value::List(items), Ty::List(item)) if matches!(**item, Ty::Enum(_)) => {
            let words: Vec<String> = items
                .iter()
                .map(|v| match (v, &**item) {
                    (Value::Enum(i), Ty::Enum(e)) => enum_words(program, *e, *i),
                    _ => dates::show(v, item, program, system, now),
                })
                .collect();
            out.push_str(&join_words(&words));
        }
        _ => dates::push_show(out, value, ty, program, system, now),
    }
}

fn enum_words(program: &Program, enum_index: usize, value: u16) -> String {
    program.enums.get(enum_index).map_or_else(|| format!("#{value}"), |e| e.words(value))
}

/// "calves", "calves and quads", "calves, quads and glutes".
fn join_words(words: &[String]) -> String {
    match words {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The conditions of `when` that held, in words with their values: "hours
/// slept last night: 6 h 30 min (under 7 h)". `values` are the words' hole
/// values, one condition after the other (`Outcome::word_values`).
pub fn reasons(
    program: &Program,
    trace: &[Record],
    values: &[Value],
    system: UnitSystem,
    now: Option<DateTime<FixedOffset>>,
) -> Vec<String> {
    let mut rest = values;
    let mut out = Vec::new();
    for record in trace {
        let Some(atom) = program.atoms.get(record.atom as usize).filter(|a| is_reason(a, record)) else { continue };
        let holes = atom.words.parts.iter().filter(|p| matches!(p, TemplatePart::Hole { .. })).count();
        let (mine, later) = rest.split_at(holes.min(rest.len()));
        rest = later;
        out.push(fill(program, &atom.words, mine, system, now));
    }
    out
}

/// The conditions of `when` that held, as written, with their subjects'
/// values: the machine-readable side of `reasons`.
pub fn held_conditions(program: &Program, trace: &[Record], system: UnitSystem) -> Vec<HeldCondition> {
    trace
        .iter()
        .filter_map(|r| {
            let atom = program.atoms.get(r.atom as usize).filter(|a| is_reason(a, r))?;
            let (subject, value) = match &atom.subject {
                Some(s) if !r.subject.is_missing() => {
                    (Some(s.text.clone()), Some(r.subject.display(&s.ty, &program.enums, system)))
                }
                _ => (None, None),
            };
            Some(HeldCondition { condition: atom.text.clone(), subject, value })
        })
        .collect()
}

/// A condition with its subject's value, as reasons and `explain` show it.
pub fn condition_text(program: &Program, record: &Record, system: UnitSystem) -> String {
    let Some(atom) = program.atoms.get(record.atom as usize) else {
        return String::new();
    };
    match &atom.subject {
        Some(subject) if !record.subject.is_missing() => {
            let value = record.subject.display(&subject.ty, &program.enums, system);
            if atom.text == format!("{} is {value}", subject.text) {
                atom.text.clone()
            } else {
                format!("{} ({} = {value})", atom.text, subject.text)
            }
        }
        _ => match &atom.doc {
            Some(doc) => format!("{} ({doc})", atom.text),
            None => atom.text.clone(),
        },
    }
}

impl Report {
    /// A copy whose every text is safe to print on one line (`terminal`):
    /// control characters and newlines from a state (an athlete's name, a
    /// value in the advice) become visible escapes, so nothing reaches a
    /// terminal raw and no name can start a line that looks like advice. In
    /// Markdown the athlete's name has its markup escaped too. The JSON
    /// report is never passed through this: serde escapes for itself.
    pub fn for_humans(&self, markdown: bool) -> Report {
        use crate::terminal::field;
        let l = |s: &String| field(s);
        let ls = |v: &Vec<String>| v.iter().map(l).collect::<Vec<_>>();
        Report {
            athlete: self.athlete.as_deref().map(|a| crate::terminal::name(a, markdown)),
            evaluated_at: self.evaluated_at.clone(),
            recommendations: self
                .recommendations
                .iter()
                .map(|r| Recommendation {
                    rule: l(&r.rule),
                    protocol: l(&r.protocol),
                    advice: l(&r.advice),
                    reasons: ls(&r.reasons),
                    conditions: r.conditions.clone(),
                    because: r.because.as_ref().map(l),
                    priority: r.priority,
                    timing: r.timing,
                    category: l(&r.category),
                    source: r.source.as_ref().map(l),
                })
                .collect(),
            suppressed: self
                .suppressed
                .iter()
                .map(|s| Suppressed { rule: l(&s.rule), by: l(&s.by), reason: l(&s.reason) })
                .collect(),
            missing_facts: ls(&self.missing_facts),
            unlocks: self
                .unlocks
                .iter()
                .map(|g| MissingGroup {
                    facts: ls(&g.facts),
                    rules: ls(&g.rules),
                    described: ls(&g.described),
                    topics: ls(&g.topics),
                })
                .collect(),
            not_computed: self
                .not_computed
                .iter()
                .map(|n| NotComputed {
                    define: n.define.as_ref().map(l),
                    cause: n.cause,
                    message: l(&n.message),
                    rules: ls(&n.rules),
                })
                .collect(),
            now: self.now,
        }
    }

    /// The readable answer a coach reads in the morning.
    pub fn to_text(&self) -> String {
        self.for_humans(false).coach_text()
    }

    /// The coach's view in Markdown.
    pub fn to_markdown(&self) -> String {
        self.for_humans(true).coach_markdown()
    }

    fn coach_text(&self) -> String {
        let mut out = String::new();
        let who = self.athlete.as_deref().unwrap_or("Athlete");
        let when = self.now.map_or_else(|| "now".to_string(), |t| dates::instant(t, self.now));
        let _ = writeln!(out, "{who} · {when} · {}", count(self.recommendations.len(), "recommendation"));
        let mut timing = None;
        for (n, rec) in self.recommendations.iter().enumerate() {
            if timing != Some(rec.timing) {
                timing = Some(rec.timing);
                let _ = writeln!(out, "\n{}", self.heading(rec.timing));
            }
            let _ = writeln!(out, "  {}. [{}] {}", n + 1, rec.priority, rec.advice);
            if let Some(because) = &rec.because {
                let _ = writeln!(out, "     why: {because}");
            }
            for reason in &rec.reasons {
                let _ = writeln!(out, "     - {reason}");
            }
            let source = rec.source.as_deref().map(|s| format!("; {s}")).unwrap_or_default();
            let _ = writeln!(out, "     rule {} ({}{source})", rec.rule, rec.category);
        }
        if self.recommendations.is_empty() {
            let _ = writeln!(out, "\nNo recommendations: no rule applies to this state.");
        }
        if !self.suppressed.is_empty() {
            let _ = writeln!(out, "\nSuppressed");
            for s in &self.suppressed {
                let _ = writeln!(out, "  {} by {} ({})", s.rule, s.by, s.reason);
            }
        }
        out.push_str(&self.missing_text(false));
        out
    }

    fn coach_markdown(&self) -> String {
        let mut out = String::new();
        let who = self.athlete.as_deref().unwrap_or("Athlete");
        let _ = writeln!(out, "# {who}\n");
        if let Some(when) = self.now {
            let _ = writeln!(out, "Advice for {}.\n", dates::instant(when, self.now));
        }
        let mut timing = None;
        for rec in &self.recommendations {
            if timing != Some(rec.timing) {
                timing = Some(rec.timing);
                let _ = writeln!(out, "## {}\n", self.heading(rec.timing));
            }
            let _ = writeln!(
                out,
                "- **{}** ({} priority). {}",
                rec.advice,
                rec.priority,
                rec.because.as_deref().unwrap_or("")
            );
            for reason in &rec.reasons {
                let _ = writeln!(out, "  - {reason}");
            }
            let _ = writeln!(
                out,
                "  - rule `{}`{}",
                rec.rule,
                rec.source.as_deref().map(|s| format!(", {s}")).unwrap_or_default()
            );
        }
        if !self.suppressed.is_empty() {
            let _ = writeln!(out, "\n## Suppressed\n");
            for s in &self.suppressed {
                let _ = writeln!(out, "- `{}` by `{}` ({})", s.rule, s.by, s.reason);
            }
        }
        out.push_str(&self.missing_text(true));
        out
    }
}

fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}
