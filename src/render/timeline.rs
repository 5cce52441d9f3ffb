//! `recoup timeline`: which advice starts and stops on which day, if nothing
//! but time changes. A plain-data report (the JSON contract), with text and
//! Markdown views of it, like `Report`.

use std::fmt::Write as _;

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use super::fill;
use crate::program::Program;
use crate::timeline::{RuleState, Scan};

#[derive(Clone, Debug, Serialize)]
pub struct TimelineReport {
    pub athlete: Option<String>,
    pub from: String,
    pub until: String,
    pub days: u32,
    /// Advice given at `from`, in the usual output order.
    pub advised_at_start: Vec<TimelineAdvice>,
    /// Each moment at which some advice starts or stops, in time order.
    pub changes: Vec<TimelineMoment>,
}

#[derive(Clone, Debug, Serialize)]
pub struct TimelineAdvice {
    pub rule: String,
    pub advice: String,
    pub priority: &'static str,
    pub timing: &'static str,
}

#[derive(Clone, Debug, Serialize)]
pub struct TimelineMoment {
    pub at: String,
    /// Calendar days after `from`'s date (0: the same day).
    pub days_from_start: i64,
    pub starts: Vec<TimelineAdvice>,
    /// Rules whose advice stops, each with why when another rule took over
    /// (`suppressed`) rather than its conditions ending (`ended`).
    pub stops: Vec<TimelineStop>,
}

#[derive(Clone, Debug, Serialize)]
pub struct TimelineStop {
    pub rule: String,
    /// `ended` (its conditions no longer hold) or `suppressed`.
    pub how: &'static str,
}

fn advice(program: &Program, scan: &Scan, outcome_index: usize, rule: usize) -> Option<TimelineAdvice> {
    let outcome = scan.outcomes.get(outcome_index)?;
    let r = program.rules.get(rule)?;
    Some(TimelineAdvice {
        rule: r.id.clone(),
        advice: fill(program, &r.advise, outcome.advice_values(rule), outcome.units, outcome.now),
        priority: r.priority.name(),
        timing: r.timing.name(),
    })
}

/// Build the timeline report from a scan (see `timeline::scan`).
pub fn timeline(program: &Program, scan: &Scan, athlete: Option<String>, days: u32) -> TimelineReport {
    let advised_at_start = scan
        .outcomes
        .first()
        .map(|o| o.recommendations.iter().filter_map(|&i| advice(program, scan, 0, i)).collect())
        .unwrap_or_default();
    let mut changes: Vec<TimelineMoment> = Vec::new();
    for change in scan.advice_changes() {
        if changes.last().is_none_or(|m| m.at != change.at.to_rfc3339()) {
            changes.push(TimelineMoment {
                at: change.at.to_rfc3339(),
                days_from_start: day_number(scan.start, change.at),
                starts: Vec::new(),
                stops: Vec::new(),
            });
        }
        let Some(moment) = changes.last_mut() else { continue };
        if change.to == RuleState::Advised {
            moment.starts.extend(advice(program, scan, change.outcome_index, change.rule));
        } else if let Some(r) = program.rules.get(change.rule) {
            let how = if change.to == RuleState::Suppressed { "suppressed" } else { "ended" };
            moment.stops.push(TimelineStop { rule: r.id.clone(), how });
        }
    }
    TimelineReport {
        athlete,
        from: scan.start.to_rfc3339(),
        until: scan.end.to_rfc3339(),
        days,
        advised_at_start,
        changes,
    }
}

fn day_number(start: DateTime<FixedOffset>, at: DateTime<FixedOffset>) -> i64 {
    (at.date_naive() - start.date_naive()).num_days()
}

/// "Tue 22 Dec 00:00" in the offset the moment was written in.
fn when(at: &str) -> String {
    DateTime::parse_from_rfc3339(at).map_or_else(|_| at.to_string(), |t| t.format("%a %-d %b %Y %H:%M").to_string())
}

fn in_days(days: i64) -> String {
    match days {
        0 => "today".into(),
        1 => "tomorrow".into(),
        n => format!("in {n} days"),
    }
}

fn stop_text(s: &TimelineStop) -> String {
    match s.how {
        "suppressed" => format!("{} (another rule takes over)", s.rule),
        _ => s.rule.clone(),
    }
}

impl TimelineReport {
    /// A copy safe to print (see `Report::for_humans`): the athlete's name
    /// and the advice (which may quote a state's text) on one line, escaped.
    fn for_humans(&self, markdown: bool) -> TimelineReport {
        use crate::terminal::field;
        let advice = |a: &TimelineAdvice| TimelineAdvice {
            rule: field(&a.rule),
            advice: field(&a.advice),
            priority: a.priority,
            timing: a.timing,
        };
        TimelineReport {
            athlete: self.athlete.as_deref().map(|a| crate::terminal::name(a, markdown)),
            from: self.from.clone(),
            until: self.until.clone(),
            days: self.days,
            advised_at_start: self.advised_at_start.iter().map(advice).collect(),
            changes: self
                .changes
                .iter()
                .map(|m| TimelineMoment {
                    at: m.at.clone(),
                    days_from_start: m.days_from_start,
                    starts: m.starts.iter().map(advice).collect(),
                    stops: m.stops.iter().map(|s| TimelineStop { rule: field(&s.rule), how: s.how }).collect(),
                })
                .collect(),
        }
    }

    pub fn to_text(&self) -> String {
        self.for_humans(false).text()
    }

    pub fn to_markdown(&self) -> String {
        self.for_humans(true).markdown()
    }

    fn text(&self) -> String {
        let mut out = String::new();
        let who = self.athlete.as_deref().unwrap_or("Athlete");
        let _ = writeln!(
            out,
            "{who} · {} to {} · the next {} days if nothing but time changes",
            when(&self.from),
            when(&self.until),
            self.days
        );
        let _ = writeln!(out, "\nAdvised now");
        for a in &self.advised_at_start {
            let _ = writeln!(out, "  - {}: {}", a.rule, a.advice);
        }
        if self.advised_at_start.is_empty() {
            let _ = writeln!(out, "  nothing");
        }
        if self.changes.is_empty() {
            let _ = writeln!(out, "\nNo advice starts or stops in these {} days.", self.days);
        }
        for m in &self.changes {
            let _ = writeln!(out, "\n{} ({})", when(&m.at), in_days(m.days_from_start));
            for a in &m.starts {
                let _ = writeln!(out, "  starts: {}: {}", a.rule, a.advice);
            }
            for s in &m.stops {
                let _ = writeln!(out, "  stops:  {}", stop_text(s));
            }
        }
        out
    }

    fn markdown(&self) -> String {
        let mut out = String::new();
        let who = self.athlete.as_deref().unwrap_or("Athlete");
        let _ = writeln!(out, "# {who}: the next {} days\n", self.days);
        let _ = writeln!(out, "From {} to {}, if nothing but time changes.\n", when(&self.from), when(&self.until));
        let _ = writeln!(out, "## Advised now\n");
        for a in &self.advised_at_start {
            let _ = writeln!(out, "- `{}`: {}", a.rule, a.advice);
        }
        if self.advised_at_start.is_empty() {
            let _ = writeln!(out, "Nothing.");
        }
        let _ = writeln!(out, "\n## Changes\n");
        if self.changes.is_empty() {
            let _ = writeln!(out, "No advice starts or stops.");
            return out;
        }
        let _ = writeln!(out, "| when | | starts | stops |");
        let _ = writeln!(out, "|---|---|---|---|");
        for m in &self.changes {
            let starts: Vec<String> =
                m.starts.iter().map(|a| format!("`{}`: {}", a.rule, a.advice.replace('|', "\\|"))).collect();
            let stops: Vec<String> = m
                .stops
                .iter()
                .map(|s| match s.how {
                    "suppressed" => format!("`{}` (another rule takes over)", s.rule),
                    _ => format!("`{}`", s.rule),
                })
                .collect();
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                when(&m.at),
                in_days(m.days_from_start),
                starts.join("<br>"),
                stops.join("<br>")
            );
        }
        out
    }
}
