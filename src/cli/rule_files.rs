//! The commands on rule files: `recoup lint`, `recoup test` and
//! `recoup fmt`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use super::args::{LintFormat, LintLevels, ProtocolArgs};
use super::inputs::{default_dir, load_program};
use super::output::{report_errors, report_notes, shown, use_color};
use crate::diagnostic::{suggest, Diagnostic};
use crate::engine;
use crate::{files, format, lint, protocol_test, render};

pub(super) fn lint_command(
    paths: Vec<PathBuf>,
    format: LintFormat,
    explain: Option<String>,
    example: bool,
    levels: LintLevels,
) -> u8 {
    if let Some(code) = explain {
        return explain_lint(&code);
    }
    let config = lint::Config {
        select: levels.select,
        ignore: levels.ignore,
        deny: levels.deny,
        warn: levels.warn,
        allow: levels.allow,
    };
    if let Err(errors) = config.validate() {
        report_errors(&errors);
        return 2;
    }
    let paths = match default_dir(paths, "protocols") {
        Ok(p) => p,
        Err(code) => return code,
    };
    let findings = match lint::run(&paths, &config) {
        Ok(f) => f,
        Err(errors) => {
            report_errors(&errors);
            return 2;
        }
    };
    let out = match format {
        LintFormat::Human => render::lint::to_human(&findings, use_color(std::io::stdout().is_terminal()), example),
        LintFormat::Json => render::lint::to_json(&findings),
        LintFormat::Github => render::lint::to_github(&findings),
        LintFormat::Sarif => render::lint::to_sarif(&findings),
    };
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    u8::from(lint::has_errors(&findings))
}

pub(super) fn explain_lint(code: &str) -> u8 {
    let out = if code.is_empty() {
        lint::LINTS.iter().map(|l| format!("{:<28} {:<8} {}\n", l.code, l.severity.name(), l.summary)).collect()
    } else {
        match lint::lookup(code).or_else(|| lint::lookup(&["lint", code].join("::"))) {
            Some(l) => l.explain(),
            None => {
                let help = suggest(code, lint::LINTS.iter().map(|l| l.code))
                    .unwrap_or_else(|| "`recoup lint --explain` lists every lint".into());
                report_errors(&[
                    Diagnostic::error("cli::unknown-lint", format!("`{code}` is not a lint code")).help(help)
                ]);
                return 2;
            }
        }
    };
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    0
}

pub(super) fn test_command(paths: Vec<PathBuf>, coverage: bool, json: bool, args: &ProtocolArgs) -> u8 {
    let paths = match default_dir(paths, "protocols/tests") {
        Ok(p) => p,
        Err(code) => return code,
    };
    let program = match load_program(args) {
        Ok(p) => p,
        Err(code) => return code,
    };
    report_notes(&paths, &files::TEST_CASES);
    match protocol_test::run(&program, &paths) {
        Ok(results) => {
            // A case that could not run fails on its own; its diagnostics
            // come first, then every case's verdict.
            report_errors(&protocol_test::errors(&results));
            let coverage = coverage.then(|| protocol_test::coverage::coverage(&program, &results));
            let out = if json {
                protocol_test::to_json(&program, &results, coverage.as_ref())
            } else {
                protocol_test::to_report(&program, &results, coverage.as_ref())
            };
            let _ = std::io::stdout().lock().write_all(out.as_bytes());
            u8::from(results.iter().any(|r| !r.passed()))
        }
        Err(errors) => {
            report_errors(&errors);
            2
        }
    }
}

pub(super) fn fmt_command(paths: Vec<PathBuf>, check: bool) -> u8 {
    let paths = match default_dir(paths, "protocols") {
        Ok(p) => p,
        Err(code) => return code,
    };
    let mut rule_files = Vec::new();
    for path in &paths {
        let found = engine::rule_files_found(path);
        report_errors(&found.problems);
        if found.errors().next().is_some() {
            return 2;
        }
        rule_files.extend(found.files);
    }
    let mut failed = false;
    let mut unformatted = Vec::new();
    for path in rule_files {
        let source = match files::read_text(&path, &files::RULES) {
            Ok(s) => s,
            Err(d) => {
                report_errors(&[d]);
                failed = true;
                continue;
            }
        };
        let formatted = match format::format(&source) {
            Ok(f) => f,
            Err(errors) => {
                report_errors(&errors);
                failed = true;
                continue;
            }
        };
        if formatted == *source.text {
            continue;
        }
        if check {
            let _ = writeln!(std::io::stdout(), "would reformat {}", shown(&path));
            unformatted.push(path);
        } else if let Err(d) = format::write_atomically(&path, &formatted) {
            report_errors(&[d]);
            failed = true;
        } else {
            let _ = writeln!(std::io::stdout(), "formatted {}", shown(&path));
        }
    }
    if failed {
        2
    } else {
        u8::from(check && !unformatted.is_empty())
    }
}
