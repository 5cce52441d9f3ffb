//! Protocol test cases, like `cargo test` for rule files. A case is a YAML
//! file: a state (inline under `state:`, or `state_file:` relative to the
//! case) and the rules that must fire, must not fire, must be unknown or
//! must be suppressed. A new case is a new file.
//!
//! ```yaml
//! name: the morning after a long run
//! state_file: ../../examples/after-long-run.yaml
//! fires: [nutrition.refuel_window]
//! does_not_fire: [cold.after_competition]
//! unknown: [hrv.trending_down]
//! suppressed: [quickref.long_run_immediate]
//! advice_contains:                       # recommended, and its advice reads so
//!   quickref.long_run_compression: "this evening"
//! ```
//!
//! A case may also carry its own rule text under `rules:`; it is then checked
//! against the prelude alone. The engine's own tests are written that way.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostic::{suggest, Diagnostic, SourceFile, Span};
use crate::engine;
use crate::eval::{self, Status};
use crate::program::Program;
use crate::render;
use crate::state::{self, NowSource};
use crate::terminal::{line, name};
use crate::yaml::{self, Node, Value as Yaml};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    Fires,
    DoesNotFire,
    Unknown,
    Suppressed,
}

impl Expect {
    const KEYS: [(&'static str, Expect); 4] = [
        ("fires", Expect::Fires),
        ("does_not_fire", Expect::DoesNotFire),
        ("unknown", Expect::Unknown),
        ("suppressed", Expect::Suppressed),
    ];
    fn word(self) -> &'static str {
        match self {
            Expect::Fires => "fire",
            Expect::DoesNotFire => "not fire",
            Expect::Unknown => "be unknown",
            Expect::Suppressed => "be suppressed",
        }
    }
    fn holds(self, status: &Status) -> bool {
        match self {
            Expect::Fires => *status == Status::Fired,
            Expect::DoesNotFire => matches!(status, Status::NotFired | Status::Unknown),
            Expect::Unknown => *status == Status::Unknown,
            Expect::Suppressed => matches!(status, Status::Suppressed { .. }),
        }
    }
}

#[derive(Debug)]
pub struct CaseResult {
    pub file: String,
    pub name: String,
    /// (rule index, expectation) for every expectation checked.
    pub checked: Vec<(usize, Expect)>,
    /// Readable failure reports, one per expectation that did not hold.
    pub failures: Vec<String>,
}

/// Every case file under the paths: `.yaml`/`.yml` files, folders searched
/// one level deep, sorted.
pub fn case_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Diagnostic> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(|e| Diagnostic::error("recoup::io", format!("cannot read `{}`: {e}", path.display())))?
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
                .collect();
            files.sort();
            out.extend(files);
        } else if path.exists() {
            out.push(path.clone());
        } else {
            return Err(
                Diagnostic::error("recoup::io", format!("`{}` does not exist", path.display())).help("check the path")
            );
        }
    }
    Ok(out)
}

/// Run every case. `Err` holds problems that stop cases from running at all
/// (unreadable files, bad case syntax, unknown rules, rejected states).
pub fn run(program: &Program, paths: &[PathBuf]) -> Result<Vec<CaseResult>, Vec<Diagnostic>> {
    let files = case_files(paths).map_err(|d| vec![d])?;
    if files.is_empty() {
        return Err(vec![Diagnostic::error("cli::no-input", "no test cases found").help("test cases are .yaml files")]);
    }
    let mut results = Vec::new();
    let mut errors = Vec::new();
    for path in files {
        match run_case(program, &path) {
            Ok(r) => results.push(r),
            Err(mut d) => errors.append(&mut d),
        }
    }
    if errors.is_empty() {
        Ok(results)
    } else {
        Err(errors)
    }
}

fn case_error(file: &Arc<SourceFile>, message: String, span: Span, help: &str) -> Diagnostic {
    Diagnostic::error("test::syntax", message).in_file(file).label(span, "here").help(help)
}

fn run_case(shared: &Program, path: &Path) -> Result<CaseResult, Vec<Diagnostic>> {
    let file = state::read_source(path).map_err(|d| vec![d])?;
    let root = yaml::parse(&file.text)
        .map_err(|e| vec![case_error(&file, e.message, e.span.into(), "a test case is YAML")])?;
    let Yaml::Map(entries) = &root.value else {
        return Err(vec![case_error(
            &file,
            "a test case must be a map".into(),
            root.span.into(),
            "write `name:`, `state:` and `fires:` lines",
        )]);
    };
    // A case may bring its own rules (engine tests do): they are checked
    // with the prelude alone, instead of the shared program.
    let own = match root.get("rules").map(|e| &e.value) {
        Some(Node { value: Yaml::Str(text), .. }) => {
            let prelude = engine::shipped().iter().find(|(n, _)| *n == engine::PRELUDE).map_or("", |(_, t)| *t);
            let sources = vec![
                (SourceFile::shipped(engine::PRELUDE, prelude), true),
                (SourceFile::new(format!("{} (rules)", file.name), text.as_str()), false),
            ];
            Some(engine::compile(sources)?)
        }
        Some(other) => {
            return Err(vec![case_error(
                &file,
                "`rules` must be text".into(),
                other.span.clone().into(),
                "write `rules: |` and the rule text indented below",
            )]);
        }
        None => None,
    };
    let program = own.as_ref().unwrap_or(shared);
    let mut name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let mut loaded = None;
    let mut expectations: Vec<(Expect, String, Span)> = Vec::new();
    // `advice_contains`: (rule id, words its advice must contain, span).
    let mut wordings: Vec<(String, String, Span)> = Vec::new();
    let mut errors = Vec::new();
    for entry in entries {
        let key = entry.key.as_str();
        match key {
            "name" => match &entry.value.value {
                Yaml::Str(s) => name = s.clone(),
                _ => errors.push(case_error(
                    &file,
                    "`name` must be text".into(),
                    entry.value.span.clone().into(),
                    "write `name: what this case shows`",
                )),
            },
            "rules" => {}
            "advice_contains" => match wording_map(&entry.value) {
                Some(pairs) => {
                    for (id, words, span) in pairs {
                        // The rule must be recommended for its advice to be read.
                        expectations.push((Expect::Fires, id.clone(), span));
                        wordings.push((id, words, span));
                    }
                }
                None => errors.push(case_error(
                    &file,
                    "`advice_contains` must map rule ids to text".into(),
                    entry.value.span.clone().into(),
                    "write `protocol.rule: \"words the advice must contain\"`, one per line",
                )),
            },
            "state" => loaded = Some(state::load_node(program, &file, &entry.value, NowSource::default())),
            "state_file" => match &entry.value.value {
                Yaml::Str(rel) => {
                    let target = path.parent().unwrap_or(Path::new(".")).join(rel);
                    loaded = Some(
                        state::read_source(&target)
                            .map_err(|d| vec![d])
                            .and_then(|f| state::load(program, &f, NowSource::default())),
                    );
                }
                _ => errors.push(case_error(
                    &file,
                    "`state_file` must be a path".into(),
                    entry.value.span.clone().into(),
                    "write a path relative to this case",
                )),
            },
            _ => match Expect::KEYS.iter().find(|(k, _)| *k == key) {
                Some((_, expect)) => match rule_list(&entry.value) {
                    Some(ids) => expectations.extend(ids.into_iter().map(|(id, span)| (*expect, id, span))),
                    None => errors.push(case_error(
                        &file,
                        format!("`{key}` must be a list of rule ids"),
                        entry.value.span.clone().into(),
                        "write `[protocol.rule, ...]`",
                    )),
                },
                None => {
                    let keys = [
                        "name",
                        "rules",
                        "state",
                        "state_file",
                        "fires",
                        "does_not_fire",
                        "unknown",
                        "suppressed",
                        "advice_contains",
                    ];
                    let help = suggest(key, keys).unwrap_or_else(|| format!("a case has: {}", keys.join(", ")));
                    errors.push(
                        Diagnostic::error("test::syntax", format!("unknown field `{key}`"))
                            .in_file(&file)
                            .label(entry.key_span.clone().into(), "not a case field")
                            .help(help),
                    );
                }
            },
        }
    }
    let mut checked = Vec::new();
    for (expect, id, span) in &expectations {
        match program.rule_index(id) {
            Some(i) => checked.push((i, *expect, span)),
            None => {
                let help = suggest(id, program.rules.iter().map(|r| r.id.as_str()))
                    .unwrap_or_else(|| "rule ids are `protocol.rule`".into());
                errors.push(
                    Diagnostic::error("test::unknown-rule", format!("unknown rule `{id}`"))
                        .in_file(&file)
                        .label(*span, "no such rule")
                        .help(help),
                );
            }
        }
    }
    let state = match loaded {
        Some(Ok(s)) => Some(s),
        Some(Err(mut d)) => {
            errors.append(&mut d);
            None
        }
        None => {
            errors.push(case_error(
                &file,
                "a test case needs a `state:` or a `state_file:`".into(),
                Span::new(0, 0),
                "add the athlete's state under `state:`",
            ));
            None
        }
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let Some(state) = state else { return Err(errors) };
    let outcome = eval::evaluate_traced(program, &state.facts);
    let mut failures = Vec::new();
    for (rule, expect, span) in &checked {
        let Some(result) = outcome.rules.get(*rule) else { continue };
        if expect.holds(&result.status) {
            continue;
        }
        let id = program.rules.get(*rule).map_or("?", |r| r.id.as_str());
        let (line, _) = file.line_col(span.start);
        let explain = render::Explain { program, facts: &state.facts, outcome: &outcome, scan: None };
        let explanation = render::explanations_to_text(&render::explain(&explain, Some(*rule)));
        let mut text = format!("{}:{line}: `{id}` should {}, but ", file.shown_name(), expect.word());
        text.push_str(&explanation.replacen(&format!("{id}: "), "it is ", 1));
        failures.push(text);
    }
    if !wordings.is_empty() {
        let report = render::report(program, &outcome, None);
        for (id, words, span) in &wordings {
            let Some(rec) = report.recommendations.iter().find(|r| r.rule == *id) else { continue };
            if !rec.advice.contains(words.as_str()) {
                let (line, _) = file.line_col(span.start);
                failures.push(format!(
                    "{}:{line}: `{id}` should advise \"{}\", but its advice reads: {}",
                    file.name,
                    crate::terminal::line(words),
                    crate::terminal::line(&rec.advice)
                ));
            }
        }
    }
    Ok(CaseResult {
        file: file.name.clone(),
        name,
        checked: checked.iter().map(|(r, e, _)| (*r, *e)).collect(),
        failures,
    })
}

fn rule_list(node: &Node) -> Option<Vec<(String, Span)>> {
    let Yaml::Seq(items) = &node.value else { return None };
    items
        .iter()
        .map(|n| match &n.value {
            Yaml::Str(s) => Some((s.clone(), n.span.clone().into())),
            _ => None,
        })
        .collect()
}

fn wording_map(node: &Node) -> Option<Vec<(String, String, Span)>> {
    let Yaml::Map(entries) = &node.value else { return None };
    entries
        .iter()
        .map(|e| match &e.value.value {
            Yaml::Str(s) => Some((e.key.clone(), s.clone(), e.key_span.clone().into())),
            _ => None,
        })
        .collect()
}

/// Rules no case shows firing, and rules no case shows not firing.
pub fn coverage_gaps(program: &Program, results: &[CaseResult]) -> (Vec<String>, Vec<String>) {
    let seen = |want: &[Expect], rule: usize| {
        results.iter().any(|r| r.checked.iter().any(|(i, e)| *i == rule && want.contains(e)))
    };
    let mut never_fires = Vec::new();
    let mut never_quiet = Vec::new();
    for (i, rule) in program.rules.iter().enumerate() {
        if !seen(&[Expect::Fires, Expect::Suppressed], i) {
            never_fires.push(rule.id.clone());
        }
        if !seen(&[Expect::DoesNotFire, Expect::Unknown], i) {
            never_quiet.push(rule.id.clone());
        }
    }
    (never_fires, never_quiet)
}

pub fn to_text(results: &[CaseResult]) -> String {
    let mut out = String::new();
    for r in results {
        let verdict = if r.failures.is_empty() { "ok" } else { "FAILED" };
        let _ = writeln!(out, "case {} ({}) ... {verdict}", name(&r.name, false), line(&r.file));
    }
    let failed: Vec<&CaseResult> = results.iter().filter(|r| !r.failures.is_empty()).collect();
    if !failed.is_empty() {
        let _ = writeln!(out, "\nfailures:");
        for r in &failed {
            let _ = writeln!(out, "\n---- {} ----", name(&r.name, false));
            for f in r.failures.iter().take(crate::cap::MAX_PER_FILE) {
                let _ = writeln!(out, "{}", crate::terminal::text(f.trim_end()));
            }
            if let Some(more) = r.failures.len().checked_sub(crate::cap::MAX_PER_FILE).filter(|&n| n > 0) {
                let _ = writeln!(out, "and {more} more failures in this case");
            }
        }
    }
    let checks: usize = results.iter().map(|r| r.checked.len()).sum();
    let _ = writeln!(
        out,
        "\ntest result: {}. {} passed, {} failed ({checks} expectations)",
        if failed.is_empty() { "ok" } else { "FAILED" },
        results.len() - failed.len(),
        failed.len()
    );
    out
}
