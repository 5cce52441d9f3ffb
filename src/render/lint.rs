//! `recoup lint` output: human (miette), JSON, GitHub workflow commands and
//! SARIF, all views over one list of findings.

use std::fmt::Write as _;

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::Finding;

pub fn summary(findings: &[Finding]) -> String {
    let count = |s: Severity| findings.iter().filter(|f| f.diagnostic.severity == s).count();
    let (errors, warnings, notes) = (count(Severity::Error), count(Severity::Warning), count(Severity::Note));
    if errors + warnings + notes == 0 {
        return "no problems found\n".into();
    }
    let mut out = format!("{errors} error(s), {warnings} warning(s)");
    if notes > 0 {
        let _ = write!(out, ", {notes} note(s)");
    }
    out.push('\n');
    out
}

/// The compiler-style report; with `example`, each finding that has an
/// example state is followed by it as a `state.yaml`.
///
/// Identical findings collapse and each file shows at most
/// `cap::MAX_PER_FILE` (`cap`); the closing count is of them all.
pub fn to_human(findings: &[Finding], color: bool, example: bool) -> String {
    let mut out = String::new();
    for f in &capped(findings) {
        out.push_str(&f.diagnostic.render(color));
        if let (true, Some(e)) = (example, &f.example) {
            out.push_str("  example state.yaml:\n");
            for line in e.state_yaml.lines() {
                let _ = writeln!(out, "    {line}");
            }
            out.push('\n');
        }
    }
    out.push_str(&summary(findings));
    out
}

/// The findings a person is shown (see `cap`). JSON and SARIF keep every
/// finding: a program reads them, and each is bounded in size.
fn capped(findings: &[Finding]) -> Vec<Finding> {
    crate::cap::items(findings.to_vec(), |f| &f.diagnostic, Finding::from)
}

#[derive(Serialize)]
struct JsonExample<'a> {
    values: &'a str,
    state_yaml: &'a str,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    code: &'a str,
    severity: Severity,
    message: &'a str,
    file: Option<String>,
    line: Option<usize>,
    column: Option<usize>,
    end_line: Option<usize>,
    end_column: Option<usize>,
    help: Option<&'a str>,
    example: Option<JsonExample<'a>>,
}

pub fn to_json(findings: &[Finding]) -> String {
    let items: Vec<JsonFinding<'_>> = findings
        .iter()
        .map(|f| {
            let d = &f.diagnostic;
            let range = d.range();
            JsonFinding {
                code: d.code,
                severity: d.severity,
                message: &d.message,
                file: range.as_ref().map(|r| r.0.clone()),
                line: range.as_ref().map(|r| r.1 .0),
                column: range.as_ref().map(|r| r.1 .1),
                end_line: range.as_ref().map(|r| r.2 .0),
                end_column: range.as_ref().map(|r| r.2 .1),
                help: d.help.as_deref(),
                example: f.example.as_ref().map(|e| JsonExample { values: &e.values, state_yaml: &e.state_yaml }),
            }
        })
        .collect();
    serde_json::to_string_pretty(&items).unwrap_or_default() + "\n"
}

fn one_line(d: &Diagnostic) -> String {
    match &d.help {
        Some(h) => format!("{} ({})", d.message, h.replace('\n', "; ")),
        None => d.message.clone(),
    }
}

/// GitHub Actions workflow commands: each finding shows inline on the diff.
///
/// Capped like the human format: an annotation is for a person to read.
pub fn to_github(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in &capped(findings) {
        let d = &f.diagnostic;
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let location = d
            .range()
            .map(|(file, (line, col), (end_line, end_col))| {
                format!(
                    " file={},line={line},col={col},endLine={end_line},endColumn={end_col},",
                    escape_property(&file)
                )
            })
            .unwrap_or_else(|| " ".into());
        let _ = writeln!(out, "::{level}{location}title={}::{}", escape_property(d.code), escape_data(&one_line(d)));
    }
    out
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// What a code means, for SARIF's rule table: a lint's summary, else the
/// diagnostic code table.
fn describe_code(code: &str) -> &'static str {
    match crate::lint::lookup(code) {
        Some(lint) => lint.summary,
        None => crate::diagnostic::CODES.iter().find(|(c, _)| *c == code).map_or("", |(_, d)| *d),
    }
}

/// SARIF 2.1.0, the format code-scanning services ingest.
pub fn to_sarif(findings: &[Finding]) -> String {
    let mut codes: Vec<&str> = findings.iter().map(|f| f.diagnostic.code).collect();
    codes.sort_unstable();
    codes.dedup();
    let rules: Vec<serde_json::Value> = codes
        .iter()
        .map(|c| {
            let mut rule = serde_json::json!({ "id": c, "shortDescription": { "text": describe_code(c) } });
            if let (Some(lint), Some(obj)) = (crate::lint::lookup(c), rule.as_object_mut()) {
                obj.insert("fullDescription".into(), serde_json::json!({ "text": lint.doc.trim() }));
            }
            rule
        })
        .collect();
    let results: Vec<serde_json::Value> = findings
        .iter()
        .map(|f| {
            let d = &f.diagnostic;
            let level = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Note => "note",
            };
            let mut result = serde_json::json!({
                "ruleId": d.code,
                "level": level,
                "message": { "text": one_line(d) },
            });
            if let (Some((file, (line, col), (end_line, end_col))), Some(obj)) = (d.range(), result.as_object_mut()) {
                obj.insert(
                    "locations".into(),
                    serde_json::json!([{ "physicalLocation": {
                        "artifactLocation": { "uri": file },
                        "region": { "startLine": line, "startColumn": col, "endLine": end_line, "endColumn": end_col }
                    }}]),
                );
            }
            result
        })
        .collect();
    let sarif = serde_json::json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": { "name": "recoup", "version": env!("CARGO_PKG_VERSION"), "rules": rules } },
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&sarif).unwrap_or_default() + "\n"
}
