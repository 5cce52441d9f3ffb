//! `recoup lint`: parse and check rule files, and show every finding in the
//! format a coach or a CI system reads. The renderers are views over one
//! list of diagnostics.

use std::fmt::Write as _;
use std::path::PathBuf;

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Severity};
use crate::engine::{self, Selection};

/// Check the rule files under `paths` together with the shipped protocols
/// (so a coach's rules may suppress shipped ones). `Ok` holds the findings
/// (empty when clean); `Err` means the files could not be read at all.
pub fn run(paths: &[PathBuf]) -> Result<Vec<Diagnostic>, Vec<Diagnostic>> {
    let mut unreadable = Vec::new();
    for path in paths {
        match engine::rule_files(path) {
            Ok(files) if files.is_empty() => unreadable.push(
                Diagnostic::error("cli::no-input", format!("`{}` holds no rule files", path.display()))
                    .help("rule files end in .rules"),
            ),
            Ok(_) => {}
            Err(d) => unreadable.push(d),
        }
    }
    if !unreadable.is_empty() {
        return Err(unreadable);
    }
    match engine::load(&Selection { no_builtin: false, paths: paths.to_vec() }) {
        Ok(_) => Ok(Vec::new()),
        Err(findings) => {
            if findings.iter().any(|d| d.code == "recoup::io") {
                Err(findings)
            } else {
                Ok(findings)
            }
        }
    }
}

pub fn summary(findings: &[Diagnostic]) -> String {
    let errors = findings.iter().filter(|d| d.severity == Severity::Error).count();
    let warnings = findings.len() - errors;
    match (errors, warnings) {
        (0, 0) => "no problems found\n".into(),
        _ => format!("{errors} error(s), {warnings} warning(s)\n"),
    }
}

pub fn to_human(findings: &[Diagnostic], color: bool) -> String {
    let mut out: String = findings.iter().map(|d| d.render(color)).collect();
    out.push_str(&summary(findings));
    out
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    code: &'a str,
    severity: Severity,
    message: &'a str,
    file: Option<String>,
    line: Option<usize>,
    column: Option<usize>,
    help: Option<&'a str>,
}

pub fn to_json(findings: &[Diagnostic]) -> String {
    let items: Vec<JsonFinding<'_>> = findings
        .iter()
        .map(|d| {
            let loc = d.location();
            JsonFinding {
                code: d.code,
                severity: d.severity,
                message: &d.message,
                file: loc.as_ref().map(|l| l.0.clone()),
                line: loc.as_ref().map(|l| l.1),
                column: loc.as_ref().map(|l| l.2),
                help: d.help.as_deref(),
            }
        })
        .collect();
    serde_json::to_string_pretty(&items).unwrap_or_default() + "\n"
}

/// GitHub Actions workflow commands: each finding shows inline on the diff.
pub fn to_github(findings: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in findings {
        let level = if d.is_error() { "error" } else { "warning" };
        let location = d
            .location()
            .map(|(file, line, col)| format!(" file={},line={line},col={col},", escape_property(&file)))
            .unwrap_or_else(|| " ".into());
        let help = d.help.as_deref().map(|h| format!(" ({h})")).unwrap_or_default();
        let _ = writeln!(
            out,
            "::{level}{location}title={}::{}",
            escape_property(d.code),
            escape_data(&format!("{}{help}", d.message))
        );
    }
    out
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// SARIF 2.1.0, the format code-scanning services ingest.
pub fn to_sarif(findings: &[Diagnostic]) -> String {
    let mut codes: Vec<&str> = findings.iter().map(|d| d.code).collect();
    codes.sort_unstable();
    codes.dedup();
    let rules: Vec<serde_json::Value> = codes
        .iter()
        .map(|c| {
            let doc = crate::diagnostic::CODES.iter().find(|(code, _)| code == c).map_or("", |(_, d)| *d);
            serde_json::json!({ "id": c, "shortDescription": { "text": doc } })
        })
        .collect();
    let results: Vec<serde_json::Value> = findings
        .iter()
        .map(|d| {
            let mut result = serde_json::json!({
                "ruleId": d.code,
                "level": if d.is_error() { "error" } else { "warning" },
                "message": { "text": match &d.help { Some(h) => format!("{} ({h})", d.message), None => d.message.clone() } },
            });
            if let (Some((file, line, col)), Some(obj)) = (d.location(), result.as_object_mut()) {
                obj.insert(
                    "locations".into(),
                    serde_json::json!([{ "physicalLocation": {
                        "artifactLocation": { "uri": file },
                        "region": { "startLine": line, "startColumn": col }
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
