//! `recoup test --coverage`: for each rule of the protocols under test, each
//! condition of its `when` and `unless` (every leaf the checker numbered as
//! an atom, shown as the coach wrote it) and in how many cases the
//! evaluation found it true, false or unknown.
//!
//! A condition an evaluation did not reach (`a and b` with `a` false leaves
//! `b` unevaluated) is counted in none of the three: it was not seen.

use std::fmt::Write as _;

use serde::Serialize;

use super::{protocols_under_test, CaseResult};
use crate::program::Program;

#[derive(Debug, Serialize)]
pub struct Coverage {
    /// Cases that ran over the shared program (cases with their own
    /// `rules:` and cases that could not run do not count).
    pub cases: usize,
    pub rules: Vec<RuleCoverage>,
    pub summary: Summary,
}

#[derive(Debug, Serialize)]
pub struct RuleCoverage {
    pub rule: String,
    pub conditions: Vec<ConditionCoverage>,
}

#[derive(Debug, Serialize)]
pub struct ConditionCoverage {
    /// `when` or `unless`.
    pub clause: &'static str,
    pub condition: String,
    /// Line in the rule's file.
    pub line: usize,
    /// In how many cases it was true, false, unknown.
    pub r#true: usize,
    pub r#false: usize,
    pub unknown: usize,
}

impl ConditionCoverage {
    fn both(&self) -> bool {
        self.r#true > 0 && self.r#false > 0
    }
}

#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub protocols: usize,
    pub rules: usize,
    pub conditions: usize,
    /// Seen true in some case and false in another.
    pub both: usize,
    pub never_true: usize,
    pub never_false: usize,
}

pub fn coverage(program: &Program, results: &[CaseResult]) -> Coverage {
    let under = protocols_under_test(program, results);
    let mut counts = vec![[0usize; 3]; program.atoms.len()];
    let ran: Vec<&CaseResult> = results.iter().filter(|r| !r.own_rules && r.errors.is_empty()).collect();
    for case in &ran {
        // A condition is counted once per case, however often it was traced.
        let mut seen = vec![[false; 3]; program.atoms.len()];
        for (atom, value) in &case.conditions {
            let k = match value {
                Some(true) => 0,
                Some(false) => 1,
                None => 2,
            };
            if let Some(cell) = seen.get_mut(*atom as usize).and_then(|s| s.get_mut(k)) {
                *cell = true;
            }
        }
        for (count, seen) in counts.iter_mut().zip(&seen) {
            for (c, s) in count.iter_mut().zip(seen) {
                *c += usize::from(*s);
            }
        }
    }
    let mut summary = Summary { protocols: under.iter().filter(|u| **u).count(), ..Summary::default() };
    let mut rules = Vec::new();
    for rule in &program.rules {
        if !under.get(rule.protocol).copied().unwrap_or(false) {
            continue;
        }
        let conditions: Vec<ConditionCoverage> = rule
            .atoms
            .clone()
            .filter_map(|a| {
                let atom = program.atoms.get(a)?;
                let [t, f, u] = counts.get(a).copied().unwrap_or_default();
                Some(ConditionCoverage {
                    clause: if atom.in_unless { "unless" } else { "when" },
                    condition: atom.text.clone(),
                    line: rule.file.line_col(atom.span.start).0,
                    r#true: t,
                    r#false: f,
                    unknown: u,
                })
            })
            .collect();
        summary.rules += 1;
        summary.conditions += conditions.len();
        summary.both += conditions.iter().filter(|c| c.both()).count();
        summary.never_true += conditions.iter().filter(|c| c.r#true == 0).count();
        summary.never_false += conditions.iter().filter(|c| c.r#false == 0).count();
        rules.push(RuleCoverage { rule: rule.id.clone(), conditions });
    }
    Coverage { cases: ran.len(), rules, summary }
}

impl Summary {
    pub fn line(&self) -> String {
        format!(
            "coverage: {} of {} conditions seen both true and false ({} never true, {} never false), in {} rules of {} protocols",
            self.both, self.conditions, self.never_true, self.never_false, self.rules, self.protocols
        )
    }
}

pub fn to_text(coverage: &Coverage) -> String {
    let cases = if coverage.cases == 1 { "the 1 case".to_string() } else { format!("the {} cases", coverage.cases) };
    let mut out = format!("\ncoverage: each condition, and in how many of {cases} it was true / false / unknown\n");
    let width = coverage
        .rules
        .iter()
        .flat_map(|r| r.conditions.iter().map(|c| c.condition.chars().count()))
        .max()
        .unwrap_or(0)
        .min(60);
    for rule in &coverage.rules {
        let _ = writeln!(out, "\n{}", rule.rule);
        for c in &rule.conditions {
            let note = match (c.r#true, c.r#false) {
                (0, 0) => "  never true, never false",
                (0, _) => "  never true",
                (_, 0) => "  never false",
                _ => "",
            };
            let _ = writeln!(
                out,
                "  {:<6} {:<width$}  {:>3} / {:>3} / {:>3}{note}",
                c.clause,
                crate::terminal::line(&c.condition),
                c.r#true,
                c.r#false,
                c.unknown
            );
        }
    }
    let _ = writeln!(out, "\n{}", coverage.summary.line());
    out
}
