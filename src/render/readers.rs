//! Two readers of one report. The coach's view (the default) shows advice,
//! why, the reasons in words and the rule behind each item, what was
//! suppressed and what was not known. The athlete's view shows what to do
//! and why, in plain words, and nothing an athlete cannot act on. Timing
//! headings say what they mean for the hour of `now`, and facts the state
//! left out are grouped by what adding them would unlock.

use std::fmt::Write as _;

use chrono::{DateTime, Duration, FixedOffset, Timelike};
use serde::Serialize;

use super::Report;
use crate::eval::{Outcome, Status};
use crate::program::Program;

/// Who a report is for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Audience {
    /// Advice, why, reasons, rule ids and what was not known.
    #[default]
    Coach,
    /// What to do and why, in plain words.
    Athlete,
}

/// Facts the state left out that would let the same rules decide.
#[derive(Clone, Debug, Serialize)]
pub struct MissingGroup {
    /// The fact paths to add.
    pub facts: Vec<String>,
    /// The rules that could not decide without them.
    pub rules: Vec<String>,
    /// What those facts are, in their docs' words (not serialised: the
    /// paths say it for a program).
    #[serde(skip)]
    pub described: Vec<String>,
    /// The titles of the protocols those rules belong to.
    #[serde(skip)]
    pub topics: Vec<String>,
}

/// For each rule that could not decide, the missing facts its conditions
/// read; facts that would unlock the same rules are grouped, the groups
/// that unlock most first.
pub fn missing_groups(program: &Program, outcome: &Outcome) -> Vec<MissingGroup> {
    missing_group_indices(program, outcome)
        .into_iter()
        .map(|(facts, rules)| {
            let fact_defs: Vec<_> = facts.iter().filter_map(|&f| program.facts.get(f)).collect();
            let mut topics: Vec<String> = Vec::new();
            for &r in &rules {
                if let Some(p) = program.rules.get(r).and_then(|r| program.protocols.get(r.protocol)) {
                    if !topics.contains(&p.title) {
                        topics.push(p.title.clone());
                    }
                }
            }
            MissingGroup {
                facts: fact_defs.iter().map(|f| f.path.clone()).collect(),
                described: fact_defs
                    .iter()
                    .map(|f| f.doc.clone().unwrap_or_else(|| f.path.replace('_', " ")))
                    .collect(),
                rules: rules.iter().filter_map(|&r| program.rules.get(r).map(|r| r.id.clone())).collect(),
                topics,
            }
        })
        .collect()
}

/// [`missing_groups`] as fact and rule indices, in the same order: what
/// the batch's JSON lines need, without the words.
pub(crate) fn missing_group_indices(program: &Program, outcome: &Outcome) -> Vec<(Vec<usize>, Vec<usize>)> {
    // fact -> unknown rules that read it
    let mut unlocks: Vec<(usize, Vec<usize>)> = Vec::new();
    for (i, r) in outcome.rules.iter().enumerate() {
        if r.status != Status::Unknown {
            continue;
        }
        let Some(rule) = program.rules.get(i) else { continue };
        let mut facts: Vec<usize> = program
            .atoms
            .get(rule.atoms.clone())
            .unwrap_or_default()
            .iter()
            .flat_map(|a| a.facts.iter().copied())
            .filter(|&f| outcome.fact_is_missing(f))
            .collect();
        if facts.is_empty() {
            // Every fact its conditions read is known, yet the rule is
            // undecided: its advice needs a fact the state left out (as
            // `eval`'s missing facts say too).
            let holes: Vec<&crate::program::Node> = rule.hole_nodes().collect();
            facts = program.reads(&holes).0.into_iter().filter(|&f| outcome.fact_is_missing(f)).collect();
        }
        facts.sort_unstable();
        facts.dedup();
        for f in facts {
            match unlocks.iter_mut().find(|(g, _)| *g == f) {
                Some((_, rules)) => rules.push(i),
                None => unlocks.push((f, vec![i])),
            }
        }
    }
    let mut groups: Vec<(Vec<usize>, Vec<usize>)> = Vec::new();
    for (fact, rules) in unlocks {
        match groups.iter_mut().find(|(_, r)| *r == rules) {
            Some((facts, _)) => facts.push(fact),
            None => groups.push((vec![fact], rules)),
        }
    }
    groups.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
    groups
}

/// "a, b and c"
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

impl MissingGroup {
    /// "add this morning's HRV reading (`hrv.today`) to get the HRV
    /// monitoring advice: 4 rules"
    fn line(&self, code: &dyn Fn(&str) -> String) -> String {
        let facts: Vec<String> =
            self.described.iter().zip(&self.facts).map(|(d, f)| format!("{d} ({})", code(f))).collect();
        let topics: Vec<String> = self.topics.iter().map(|t| lower_first(t)).collect();
        let n = self.rules.len();
        format!(
            "add {} to get the {} advice: {n} rule{}",
            and_list(&facts),
            and_list(&topics),
            if n == 1 { "" } else { "s" }
        )
    }
}

/// "HRV monitoring" stays; "Cold therapy" reads "cold therapy" mid-sentence.
fn lower_first(title: &str) -> String {
    let mut chars = title.chars();
    match (chars.next(), chars.next()) {
        (Some(a), Some(b)) if a.is_uppercase() && !b.is_uppercase() => {
            a.to_lowercase().chain(title.chars().skip(1)).collect()
        }
        _ => title.to_string(),
    }
}

impl Report {
    /// The report for one reader, as text or Markdown.
    pub fn render(&self, markdown: bool, audience: Audience) -> String {
        match (markdown, audience) {
            (false, Audience::Coach) => self.to_text(),
            (true, Audience::Coach) => self.to_markdown(),
            (false, Audience::Athlete) => self.to_athlete_text(),
            (true, Audience::Athlete) => self.to_athlete_markdown(),
        }
    }

    /// What a timing group means at the hour of `now`: "Later today" in
    /// the morning, "This evening" after 17:00, "Within 24 hours (by Sun
    /// 08:15)".
    pub fn heading(&self, timing: &str) -> String {
        heading_at(timing, self.now)
    }

    /// The grouped "not known" lines of the coach's view.
    /// With values arithmetic could not compute, each is named with its
    /// cause and the rules it left undecided, and the heading counts those
    /// rules too.
    pub(super) fn missing_text(&self, markdown: bool) -> String {
        let mut out = String::new();
        if self.unlocks.is_empty() && self.not_computed.is_empty() {
            return out;
        }
        let rules: std::collections::BTreeSet<&String> =
            self.unlocks.iter().flat_map(|g| &g.rules).chain(self.not_computed.iter().flat_map(|n| &n.rules)).collect();
        let code = |f: &str| if markdown { format!("`{f}`") } else { f.to_string() };
        let why = if self.not_computed.is_empty() { " for lack of facts" } else { "" };
        let mut lines: Vec<String> = self.unlocks.iter().map(|g| g.line(&code)).collect();
        lines.extend(self.not_computed.iter().map(|n| {
            let ids: Vec<String> = n.rules.iter().map(|r| code(r)).collect();
            format!("{}, so {} could not decide: {}", n.message, count(n.rules.len()), and_list(&ids))
        }));
        if markdown {
            let _ = writeln!(out, "\n## Not known\n\n{} could not decide{why}:\n", count(rules.len()));
            for line in lines {
                let _ = writeln!(out, "- {line}");
            }
        } else {
            let _ = writeln!(out, "\nNot known: {} could not decide{why}", count(rules.len()));
            for line in lines {
                let _ = writeln!(out, "  {line}");
            }
        }
        out
    }

    /// For the athlete: what to do and why, without rule ids, suppressed
    /// rules or the facts the state left out.
    pub fn to_athlete_text(&self) -> String {
        self.for_humans(false).athlete_text()
    }

    /// The athlete's view in Markdown.
    pub fn to_athlete_markdown(&self) -> String {
        self.for_humans(true).athlete_markdown()
    }

    fn athlete_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{}{}",
            self.athlete.as_deref().map(|a| format!("For {a}")).unwrap_or("Your recovery".into()),
            self.when_words()
        );
        let mut timing = None;
        for rec in &self.recommendations {
            if timing != Some(rec.timing) {
                timing = Some(rec.timing);
                let _ = writeln!(out, "\n{}", self.heading(rec.timing));
            }
            let mark = if rec.priority == "high" { "Important: " } else { "" };
            let _ = writeln!(out, "  • {mark}{}", rec.advice);
            if let Some(because) = &rec.because {
                let _ = writeln!(out, "    Why: {because}");
            }
        }
        if self.recommendations.is_empty() {
            let _ = writeln!(out, "\nNothing to change: train as planned.");
        }
        out
    }

    fn athlete_markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "**{}**{}",
            self.athlete.as_deref().map(|a| format!("For {a}")).unwrap_or("Your recovery".into()),
            self.when_words()
        );
        let mut timing = None;
        for rec in &self.recommendations {
            if timing != Some(rec.timing) {
                timing = Some(rec.timing);
                let _ = writeln!(out, "\n**{}**\n", self.heading(rec.timing));
            }
            let advice = if rec.priority == "high" { format!("**{}**", rec.advice) } else { rec.advice.clone() };
            match &rec.because {
                Some(because) => {
                    let _ = writeln!(out, "- {advice} _{because}_");
                }
                None => {
                    let _ = writeln!(out, "- {advice}");
                }
            }
        }
        if self.recommendations.is_empty() {
            let _ = writeln!(out, "\nNothing to change: train as planned.");
        }
        out
    }

    /// ", Saturday 28 November, 08:15"
    fn when_words(&self) -> String {
        self.now.map(|t| format!(", {}", t.format("%A %-d %B, %H:%M"))).unwrap_or_default()
    }
}

fn count(n: usize) -> String {
    if n == 1 {
        "1 rule".into()
    } else {
        format!("{n} rules")
    }
}

/// See `Report::heading`.
pub fn heading_at(timing: &str, now: Option<DateTime<FixedOffset>>) -> String {
    match (timing, now) {
        ("now", _) => "Now".into(),
        ("today", Some(t)) if t.hour() >= 17 => "This evening".into(),
        ("today", Some(_)) => "Later today".into(),
        ("today", None) => "Today".into(),
        ("next_24h", Some(t)) => {
            let by = t + Duration::hours(24);
            format!("Within 24 hours (by {})", by.format("%a %H:%M"))
        }
        ("next_24h", None) => "Within 24 hours".into(),
        ("this_week", _) => "This week".into(),
        ("long_term", _) => "Long term".into(),
        (other, _) => other.to_string(),
    }
}
