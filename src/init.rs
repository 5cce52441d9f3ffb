//! `recoup init NAME`: a commented starting state file for a new athlete,
//! generated from the fact declarations: every field, grouped, with its
//! meaning, unit and allowed values; the fields a state needs are filled in,
//! the optional ones commented out.

use std::fmt::Write as _;

use chrono::{DateTime, FixedOffset};

use crate::program::{Fact, Program};
use crate::reference;
use crate::units::{self, Dim};
use crate::value::{Ty, Value};

/// The starting file for athlete `name`; `now` dates the filled-in last
/// session (the caller reads the clock).
pub fn starting_state(program: &Program, name: &str, now: DateTime<FixedOffset>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {name}: a recoup state file. Fill in what you know and uncomment it;");
    out.push_str(
        "# a field left out is unknown, and rules that need it say so. Quantities are\n\
         # plain numbers in the unit shown, or text with a unit (\"1h50m\", \"137 lb\").\n\
         # Times without an offset (2026-11-28 07:30) are read in athlete.timezone.\n\
         # `recoup import` can fill readings, sleep and sessions from watch exports.\n",
    );
    let group_of = |f: &Fact| f.path.split_once('.').map_or("", |(g, _)| g).to_string();
    let mut groups: Vec<String> = Vec::new();
    for fact in &program.facts {
        let g = group_of(fact);
        if !groups.contains(&g) {
            groups.push(g);
        }
    }
    for group in &groups {
        out.push('\n');
        let facts: Vec<&Fact> = program.facts.iter().filter(|f| group_of(f) == *group).collect();
        let any_filled = facts.iter().any(|f| filled(f, name, now).is_some());
        let indent = if group.is_empty() {
            ""
        } else {
            let _ = writeln!(out, "{}{group}:", if any_filled { "" } else { "# " });
            "  "
        };
        for fact in facts {
            let field = fact.path.rsplit('.').next().unwrap_or(&fact.path);
            let _ = writeln!(out, "{indent}# {}", comment(program, fact));
            match filled(fact, name, now) {
                Some(value) => {
                    let _ = writeln!(out, "{indent}{field}: {value}");
                }
                None => {
                    let _ = writeln!(out, "{indent}# {field}: {}", example(program, fact));
                }
            }
        }
    }
    out
}

/// The fields written out: the name, and what a state needs (the session's
/// kind and end; `now` is the clock's when left out).
fn filled(fact: &Fact, name: &str, now: DateTime<FixedOffset>) -> Option<String> {
    match fact.path.as_str() {
        "athlete.name" => Some(yaml_text(name)),
        "last_session.kind" => Some("easy".into()),
        "last_session.ended_at" => Some(now.format("%Y-%m-%dT%H:%M:00%:z").to_string()),
        _ => None,
    }
}

fn yaml_text(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars().all(|c| c.is_alphanumeric() || c == ' ' || c == '-' || c == '.')
        && !s.starts_with(['-', ' '])
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "yes" | "no" | "true" | "false" | "null" | "on" | "off" | "never"
        );
    if plain {
        s.to_string()
    } else {
        format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

fn comment(program: &Program, fact: &Fact) -> String {
    let mut parts = vec![fact.doc.clone().unwrap_or_default()];
    // Words are listed here, not referred to a table elsewhere.
    let words = |e: usize| program.enums.get(e).map(|t| t.values.join(" | ")).unwrap_or_default();
    parts.push(match &fact.ty {
        Ty::Enum(e) => format!("one of: {}", words(*e)),
        Ty::List(item) => match **item {
            Ty::Enum(e) => format!("a list of: {}", words(e)),
            _ => reference::type_text(program, fact).replace('`', ""),
        },
        _ => reference::type_text(program, fact).replace('`', ""),
    });
    let limits = reference::limits_text(program, fact).replace('`', "");
    if !limits.is_empty() {
        parts.push(limits);
    }
    let absent = reference::absent_text(program, fact).replace(['`', '*'], "");
    parts.push(match (fact.path.as_str(), absent.as_str()) {
        ("now", _) => "if left out: the time recoup runs (or --now)".into(),
        (_, "required") => "required (or from an imported history)".into(),
        _ => format!("if left out: {absent}"),
    });
    parts.retain(|p| !p.is_empty());
    parts.join("; ")
}

/// A value to show in a commented-out line.
fn example(program: &Program, fact: &Fact) -> String {
    if let Some(d) = &fact.default {
        return match d {
            Value::List(items) if items.is_empty() => "[]".into(),
            v => v
                .display(&fact.ty, &program.enums, units::UnitSystem::Metric)
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_string(),
        };
    }
    // A quantity shows the unit's usual example (48 bpm, 62.4 kg) when it
    // is in range; a count shows its lowest value; else the middle.
    let number = |fact: &Fact| {
        let unit = fact.unit;
        let in_file = |v: f64| unit.map_or(v, |u| u.from_canonical(v));
        let (low, high) = (fact.low.map(in_file), fact.high.map(in_file));
        let fits = |v: f64| low.is_none_or(|l| v >= l) && high.is_none_or(|h| v <= h);
        let typical = match unit {
            Some(u) if u.dim == Dim::PACE => return "\"5:30/km\"".to_string(),
            Some(u) if u.dim == Dim::TIME && u.scale == 3600.0 => Some(7.5),
            Some(u) if !u.dim.is_none() => {
                units::examples(u.dim).1.trim_start_matches('`').split('`').next().and_then(|t| t.parse::<f64>().ok())
            }
            _ => None,
        };
        let v = match (typical.filter(|t| fits(*t)), low, high) {
            (Some(t), _, _) => t,
            (None, Some(0.0), _) => 0.0,
            (None, Some(l), Some(h)) => ((l + h) / 2.0).round(),
            (None, Some(l), None) => l,
            (None, None, Some(h)) => h,
            (None, None, None) => 0.0,
        };
        format!("{v}")
    };
    match &fact.ty {
        Ty::Bool => "false".into(),
        Ty::Text if fact.path == crate::state::TIME_ZONE_FACT => "Europe/Paris".into(),
        Ty::Text => "\"...\"".into(),
        Ty::Enum(e) => program.enums.get(*e).and_then(|t| t.values.first().cloned()).unwrap_or_default(),
        Ty::Date if fact.never_allowed => "never".into(),
        Ty::Date => "2026-01-31".into(),
        Ty::Instant => "2026-11-28T08:15:00+01:00".into(),
        Ty::Num(_) => number(fact),
        Ty::List(item) => match &**item {
            Ty::Enum(e) => {
                format!("[{}]", program.enums.get(*e).and_then(|t| t.values.first().cloned()).unwrap_or_default())
            }
            _ => format!("[{}]", number(fact)),
        },
        Ty::Series(_) => {
            let field = fact.series_field.as_deref().unwrap_or("value");
            format!("[{{ date: 2026-11-27, {field}: {} }}]", number(fact))
        }
    }
}
