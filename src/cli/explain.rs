//! `recoup explain` and `recoup timeline`: why each rule did or did not
//! fire, and what changes as time passes.

use std::io::Write;
use std::path::Path;

use chrono::{DateTime, FixedOffset};

use super::args::{ExplainFormat, Format, ProtocolArgs};
use super::inputs::{load_athlete, load_program};
use super::output::report_errors;
use crate::diagnostic::{suggest, Diagnostic};
use crate::{eval, render};

pub(super) fn explain(
    path: &Path,
    rule: Option<&str>,
    format: ExplainFormat,
    days: u32,
    now: Option<DateTime<FixedOffset>>,
    history: Option<&Path>,
    args: &ProtocolArgs,
) -> u8 {
    let program = match load_program(args) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let only = match rule {
        None => None,
        Some(id) => match program.rule_index(id) {
            Some(i) => Some(i),
            None => {
                let help = suggest(id, program.rules.iter().map(|r| r.id.as_str()))
                    .unwrap_or_else(|| "name a rule as `protocol.rule`; `recoup explain STATE` lists them all".into());
                report_errors(&[Diagnostic::error("cli::no-input", format!("unknown rule `{id}`")).help(help)]);
                return 2;
            }
        },
    };
    let st = match load_athlete(&program, path, history, now) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let outcome = eval::evaluate_traced(&program, &st.facts);
    let scan = crate::timeline::scan(&program, &st.facts, days);
    let explain = render::Explain {
        program: &program,
        facts: &st.facts,
        outcome: &outcome,
        scan: scan.as_ref().map(|s| (s, days)),
    };
    let explanations = render::explain(&explain, only);
    let out = match format {
        ExplainFormat::Text => render::explanations_to_text(&explanations),
        ExplainFormat::Json => serde_json::to_string_pretty(&explanations).unwrap_or_default() + "\n",
    };
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    0
}

pub(super) fn timeline_command(
    path: &Path,
    days: u32,
    format: Format,
    now: Option<DateTime<FixedOffset>>,
    history: Option<&Path>,
    args: &ProtocolArgs,
) -> u8 {
    let program = match load_program(args) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let st = match load_athlete(&program, path, history, now) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let Some(scan) = crate::timeline::scan(&program, &st.facts, days) else {
        report_errors(&[Diagnostic::error("recoup::internal", "the state has no `now` to start from")
            .help("give `now` in the state file or pass `--now`")]);
        return 2;
    };
    let report = render::timeline(&program, &scan, st.athlete_name(&program), days);
    let out = match format {
        Format::Text => report.to_text(),
        Format::Markdown => report.to_markdown(),
        Format::Json => serde_json::to_string_pretty(&report).unwrap_or_default() + "\n",
    };
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    0
}
