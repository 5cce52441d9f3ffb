//! A squad: several state files evaluated together. The summary gives one
//! line per file, in input order: an athlete's high-priority items in words
//! with a count of the rest, or a rejected file with its first diagnostic, so
//! a coach reading stdout alone misses nothing. Text, Markdown and JSON are
//! views of the same entries.

use std::fmt::Write as _;

use serde::Serialize;

use super::{Audience, Report};
use crate::diagnostic::Diagnostic;
use crate::terminal::line;

/// One state file of a squad, and what became of it.
#[derive(Clone, Debug)]
pub struct Entry {
    /// The path as given on the command line.
    pub file: String,
    pub result: Result<Report, Rejection>,
}

/// Why a state file was rejected: its first diagnostic, in brief.
#[derive(Clone, Debug, Serialize)]
pub struct Rejection {
    pub code: &'static str,
    pub message: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl Rejection {
    /// The first diagnostic of a rejected file (the one to fix first).
    pub fn first(diagnostics: &[Diagnostic]) -> Rejection {
        match diagnostics.first() {
            Some(d) => {
                let at = match (&d.file, d.labels.first()) {
                    (Some(file), Some((span, _))) => Some(file.line_col(span.start)),
                    _ => None,
                };
                Rejection { code: d.code, message: d.message.clone(), line: at.map(|a| a.0), column: at.map(|a| a.1) }
            }
            None => Rejection { code: "recoup::internal", message: "rejected".into(), line: None, column: None },
        }
    }

    /// `file:line:column: message [code]`
    fn located(&self, file: &str) -> String {
        let at = match (self.line, self.column) {
            (Some(l), Some(c)) => format!("{file}:{l}:{c}"),
            _ => file.to_string(),
        };
        format!("{at}: {} [{}]", self.message, self.code)
    }
}

/// The short form of an advice for a summary line: its first clause, up to
/// the first colon, semicolon or full stop.
pub fn headline(advice: &str) -> &str {
    let cut = [": ", "; ", ". "].iter().filter_map(|p| advice.find(p)).min().unwrap_or(advice.len());
    advice.get(..cut).unwrap_or(advice).trim_end_matches('.')
}

/// The name a summary shows for an entry's file: the file name alone, or
/// the whole path when two entries share a file name.
fn file_label(entries: &[Entry], file: &str) -> String {
    let base =
        |f: &str| std::path::Path::new(f).file_name().map_or(f.to_string(), |n| n.to_string_lossy().into_owned());
    let mine = base(file);
    if entries.iter().filter(|e| base(&e.file) == mine).count() > 1 {
        file.to_string()
    } else {
        mine
    }
}

/// Athletes are named by the state; where two share a name, the heading of
/// each report says which file it came from.
fn titled(entries: &[Entry], entry: &Entry, report: &Report) -> Report {
    let name = |r: &Report| r.athlete.clone().unwrap_or_else(|| "Athlete".into());
    let same = entries.iter().filter(|e| e.result.as_ref().is_ok_and(|r| name(r) == name(report))).count();
    let mut shown = report.clone();
    if same > 1 {
        shown.athlete = Some(format!("{} ({})", name(report), file_label(entries, &entry.file)));
    }
    shown
}

fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// One summary line for an evaluated athlete: every high-priority item in
/// words, then how many others there are.
fn athlete_line(report: &Report, file: &str) -> String {
    let who = crate::terminal::name(report.athlete.as_deref().unwrap_or("Athlete"), false);
    let high: Vec<String> = report
        .recommendations
        .iter()
        .filter(|r| r.priority == "high")
        .map(|r| crate::terminal::field(headline(&r.advice)))
        .collect();
    let total = report.recommendations.len();
    let rest = total - high.len();
    let body = if total == 0 {
        "nothing to advise".to_string()
    } else if high.is_empty() {
        format!("{}, none high priority", count(total, "recommendation"))
    } else {
        let others = if rest == 0 { String::new() } else { format!("; and {rest} more") };
        format!("high: {}{others}", high.join("; "))
    };
    format!("{who} ({file}): {body}")
}

/// The summary, one line per file in input order.
pub fn summary_text(entries: &[Entry]) -> String {
    let mut out = String::new();
    let rejected = entries.iter().filter(|e| e.result.is_err()).count();
    let _ = writeln!(
        out,
        "Squad · {}{}",
        count(entries.len(), "state file"),
        if rejected > 0 { format!(" · {rejected} rejected") } else { String::new() }
    );
    for entry in entries {
        let label = line(&file_label(entries, &entry.file)).into_owned();
        let text = match &entry.result {
            Ok(report) => athlete_line(report, &label),
            Err(rejection) => {
                format!("{label}: REJECTED, nothing evaluated: {}", line(&rejection.located(&entry.file)))
            }
        };
        let _ = writeln!(out, "  {text}");
    }
    out
}

/// The summary as a Markdown table.
pub fn summary_markdown(entries: &[Entry]) -> String {
    let mut out = String::from("# Squad\n\n| athlete | file | high priority | others |\n|---|---|---|---|\n");
    let cell = |s: &str| crate::terminal::field(s).replace('|', "\\|");
    for entry in entries {
        let label = line(&file_label(entries, &entry.file)).replace('`', "'");
        match &entry.result {
            Ok(report) => {
                let high: Vec<String> = report
                    .recommendations
                    .iter()
                    .filter(|r| r.priority == "high")
                    .map(|r| cell(headline(&r.advice)))
                    .collect();
                let _ = writeln!(
                    out,
                    "| {} | `{label}` | {} | {} |",
                    crate::terminal::name(report.athlete.as_deref().unwrap_or("Athlete"), true),
                    if high.is_empty() { "none".to_string() } else { high.join("; ") },
                    report.recommendations.len() - high.len()
                );
            }
            Err(rejection) => {
                let _ =
                    writeln!(out, "| — | `{label}` | **rejected**: {} | — |", cell(&rejection.located(&entry.file)));
            }
        }
    }
    out
}

/// Text or Markdown for a squad: the summary, then each athlete's report.
pub fn squad_text(entries: &[Entry], markdown: bool, audience: Audience) -> String {
    let mut out = if markdown { summary_markdown(entries) } else { summary_text(entries) };
    for entry in entries {
        if let Ok(report) = &entry.result {
            let report = titled(entries, entry, report);
            out.push_str(if markdown { "\n---\n\n" } else { "\n────────\n\n" });
            out.push_str(&report.render(markdown, audience));
        }
    }
    out
}

/// One element of the squad's JSON array.
#[derive(Serialize)]
#[serde(untagged)]
enum JsonEntry<'a> {
    Report {
        file: &'a str,
        #[serde(flatten)]
        report: &'a Report,
    },
    Rejected {
        file: &'a str,
        error: &'a Rejection,
    },
}

/// A rejected file alone (one state named on its own) as a JSON object.
pub fn rejection_json(file: &str, error: &Rejection) -> String {
    serde_json::to_string_pretty(&JsonEntry::Rejected { file, error }).unwrap_or_default() + "\n"
}

/// The squad as a JSON array in input order: each report with its `file`
/// first, a rejected file as `{file, error: {code, message, line, column}}`.
pub fn squad_json(entries: &[Entry]) -> String {
    let items: Vec<JsonEntry<'_>> = entries
        .iter()
        .map(|e| match &e.result {
            Ok(report) => JsonEntry::Report { file: &e.file, report },
            Err(error) => JsonEntry::Rejected { file: &e.file, error },
        })
        .collect();
    serde_json::to_string_pretty(&items).unwrap_or_default() + "\n"
}
