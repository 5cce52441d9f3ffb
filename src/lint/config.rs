//! Which lints run and at what severity: `--select` / `--ignore` choose the
//! lints (as Ruff does), `--deny` / `--warn` / `--allow` set a severity.
//!
//! A selector is a lint code (`lint::overlap`), a prefix of codes ending at
//! a `::` or `-` boundary (`lint::`, `lint::unused`), or `ALL`. The most
//! specific selector wins; at equal length `--allow` beats `--warn` beats
//! `--deny`. Parse and check errors (`parse::…`, `check::…`) are not lints:
//! the program cannot be built with them, so they cannot be allowed.

use super::{registry::LINTS, Finding};
use crate::diagnostic::{did_you_mean, Diagnostic, Severity};

#[derive(Clone, Debug, Default)]
pub struct Config {
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub deny: Vec<String>,
    pub warn: Vec<String>,
    pub allow: Vec<String>,
}

fn matches(selector: &str, code: &str) -> bool {
    if selector == "ALL" || selector == code {
        return true;
    }
    match code.strip_prefix(selector) {
        Some(rest) => {
            selector.ends_with("::") || selector.ends_with('-') || rest.starts_with("::") || rest.starts_with('-')
        }
        None => false,
    }
}

impl Config {
    /// Every selector must name at least one lint.
    pub fn validate(&self) -> Result<(), Vec<Diagnostic>> {
        let mut errors = Vec::new();
        let all = [
            ("--select", &self.select),
            ("--ignore", &self.ignore),
            ("--deny", &self.deny),
            ("--warn", &self.warn),
            ("--allow", &self.allow),
        ];
        for (flag, selectors) in all {
            for s in selectors {
                if LINTS.iter().any(|l| matches(s, l.code)) {
                    continue;
                }
                let help = match did_you_mean(s, LINTS.iter().map(|l| l.code)) {
                    Some(c) => format!("did you mean `{c}`?"),
                    None if s.starts_with("parse::") || s.starts_with("check::") => {
                        "parse and check errors are not lints and always count; fix the rule file".into()
                    }
                    None => "`recoup lint --explain` lists every lint code".into(),
                };
                errors.push(Diagnostic::error("cli::unknown-lint", format!("`{flag} {s}` names no lint")).help(help));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    pub fn enabled(&self, code: &str) -> bool {
        let selected = self.select.is_empty() || self.select.iter().any(|s| matches(s, code));
        selected && !self.ignore.iter().any(|s| matches(s, code))
    }

    /// The severity a lint's finding is reported at; `None`: allowed.
    fn severity(&self, code: &str, default: Severity) -> Option<Severity> {
        let mut best: Option<(usize, u8, Option<Severity>)> = None;
        let levels = [
            (&self.deny, 0u8, Some(Severity::Error)),
            (&self.warn, 1, Some(Severity::Warning)),
            (&self.allow, 2, None),
        ];
        for (selectors, rank, severity) in levels {
            for s in selectors.iter().filter(|s| matches(s, code)) {
                let key = (if s.as_str() == "ALL" { 0 } else { s.len() }, rank);
                if best.is_none_or(|(len, r, _)| key > (len, r)) {
                    best = Some((key.0, key.1, severity));
                }
            }
        }
        match best {
            Some((_, _, severity)) => severity,
            None => Some(default),
        }
    }

    /// Drop what is not selected or allowed, and set the severity of the
    /// rest. Findings that are not lints pass unchanged.
    pub fn apply(&self, findings: Vec<Finding>) -> Vec<Finding> {
        findings
            .into_iter()
            .filter_map(|mut f| {
                if !f.diagnostic.code.starts_with("lint::") {
                    return Some(f);
                }
                if !self.enabled(f.diagnostic.code) {
                    return None;
                }
                f.diagnostic.severity = self.severity(f.diagnostic.code, f.diagnostic.severity)?;
                Some(f)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_match_on_code_boundaries() {
        assert!(matches("lint::", "lint::overlap"));
        assert!(matches("lint", "lint::overlap"));
        assert!(matches("lint::unused", "lint::unused-fact"));
        assert!(!matches("lint::over", "lint::overlap"));
        assert!(matches("ALL", "lint::gap"));
    }

    #[test]
    fn the_most_specific_selector_wins() {
        let config = Config { deny: vec!["lint::".into()], allow: vec!["lint::gap".into()], ..Config::default() };
        assert_eq!(config.severity("lint::gap", Severity::Warning), None);
        assert_eq!(config.severity("lint::overlap", Severity::Warning), Some(Severity::Error));
    }
}
