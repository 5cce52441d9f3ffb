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

use crate::diagnostic::{suggest, Diagnostic, SourceFile, Span, CODES};
use crate::engine;
use crate::eval::{self, Status};
use crate::files;
use crate::program::Program;
use crate::render;
use crate::state::{self, NowSource};
use crate::terminal::{line, name};
use crate::yaml::{self, Node, Value as Yaml};

pub mod coverage;

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
    /// Why the case could not run (bad syntax, an unknown rule, a rejected
    /// state). Such a case fails on its own; the other cases still run.
    pub errors: Vec<Diagnostic>,
    /// The case brought its own `rules:`: its rule indexes are into that
    /// program, not the shared one, so it takes no part in coverage.
    pub own_rules: bool,
    /// Every condition of the shared program the evaluation decided, with
    /// how (true, false, or `None` for unknown), for `--coverage`.
    pub conditions: Vec<(u32, Option<bool>)>,
}

impl CaseResult {
    pub fn passed(&self) -> bool {
        self.failures.is_empty() && self.errors.is_empty()
    }
}

/// Every case file under the paths: `.yaml`/`.yml` files (any case) of a
/// folder, not its sub-folders, sorted; see [`files::walk`] for the policy.
/// Each comes with the root it may reference files under (see [`files::root_of`]).
pub fn case_files(paths: &[PathBuf]) -> Result<Vec<(PathBuf, PathBuf)>, Vec<Diagnostic>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        let found = files::walk(path, &files::TEST_CASES);
        errors.extend(found.errors().cloned());
        let root = files::root_of(path);
        out.extend(found.files.into_iter().map(|f| (f, root.clone())));
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

// DECISION: a case may read files under the repository the test folder is
// in (`files::root_of`), not just the test folder: the shipped cases share
// the example states in `examples/` (`../../examples/...`), and a coach's
// repository is laid out the same way. Hidden files and folders (`.git`,
// `.env`) are refused even inside it.

/// Run every case. `Err` holds only what stops the run as a whole (a path
/// that cannot be read, no cases at all). A case that cannot run (bad case
/// syntax, an unknown rule, a rejected state) is a failed result with its
/// diagnostics, and every other case still runs.
pub fn run(program: &Program, paths: &[PathBuf]) -> Result<Vec<CaseResult>, Vec<Diagnostic>> {
    let files = case_files(paths)?;
    if files.is_empty() {
        return Err(vec![Diagnostic::error("cli::no-input", "no test cases found").help("test cases are .yaml files")]);
    }
    let results = files
        .iter()
        .map(|(path, root)| {
            run_case(program, path, root).unwrap_or_else(|errors| CaseResult {
                file: path.display().to_string(),
                name: path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default(),
                checked: Vec::new(),
                failures: Vec::new(),
                errors,
                own_rules: false,
                conditions: Vec::new(),
            })
        })
        .collect();
    Ok(results)
}

/// The diagnostics of every case that could not run, in case order.
pub fn errors(results: &[CaseResult]) -> Vec<Diagnostic> {
    results.iter().flat_map(|r| r.errors.iter().cloned()).collect()
}

/// Where a file a case names really is, if the case may read it: a path
/// relative to the case, with no hidden part, that resolves (symbolic links
/// followed) to a file under `root`.
fn confined(case: &Path, rel: &str, root: &Path) -> Result<PathBuf, String> {
    let relative = Path::new(rel);
    if relative.has_root() || relative.is_absolute() {
        return Err(format!("`{rel}` is an absolute path; a case names files relative to itself"));
    }
    let hidden = relative.components().any(|c| match c {
        std::path::Component::Normal(n) => n.to_string_lossy().starts_with('.'),
        _ => false,
    });
    if hidden {
        return Err(format!("`{rel}` names a hidden file or folder"));
    }
    let joined = case.parent().unwrap_or(Path::new(".")).join(relative);
    // A path that does not resolve is left to the reader, which says why
    // (missing, a broken link, a loop); the last part is checked again on
    // the resolved folder so a link cannot slip out.
    let real = match std::fs::canonicalize(&joined) {
        Ok(real) => real,
        Err(_) => return Ok(joined),
    };
    if real.starts_with(root) {
        Ok(real)
    } else {
        Err(format!("`{rel}` leads outside `{}`", root.display()))
    }
}

/// A state file a case names was rejected: say so, and where, and what kind
/// of problem, but not what the file holds. The file may be anything on the
/// machine that runs the tests (on a pull request, a CI runner), and its
/// lines must not reach the log.
fn rejected_state(case: &Arc<SourceFile>, span: Span, rel: &str, errors: Vec<Diagnostic>) -> Diagnostic {
    let count = errors.len();
    let Some(first) = errors.into_iter().next() else {
        return case_error(case, format!("the state file `{rel}` was rejected"), span, "check the state file");
    };
    // Reading errors name the path and the reason, never the content.
    if matches!(first.code, "recoup::io" | "recoup::not-a-file" | "recoup::too-large") && first.file.is_none() {
        let help = first.help.clone().unwrap_or_default();
        return Diagnostic::error(first.code, first.message).in_file(case).label(span, "this state file").help(help);
    }
    let at = first.location().map(|(_, line, column)| format!(" at line {line}, column {column}")).unwrap_or_default();
    let what = CODES.iter().find(|(c, _)| *c == first.code).map_or("", |(_, d)| *d);
    let more = if count > 1 { format!(" ({} more after it)", count - 1) } else { String::new() };
    Diagnostic::error(first.code, format!("the state file `{rel}` was rejected{at}: {what}{more}"))
        .in_file(case)
        .label(span, "this state file")
        .help(format!(
            "run `recoup evaluate {rel}` from this case's folder to see the problem; `recoup test` never shows what is in a file a case names"
        ))
}

fn case_error(file: &Arc<SourceFile>, message: String, span: Span, help: &str) -> Diagnostic {
    Diagnostic::error("test::syntax", message).in_file(file).label(span, "here").help(help)
}

fn run_case(shared: &Program, path: &Path, under: &Path) -> Result<CaseResult, Vec<Diagnostic>> {
    // The case file itself must lie under the root too: a link in the test
    // folder to `/proc/self/environ` would otherwise be read, and its lines
    // shown in a syntax error.
    let real = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    if !real.starts_with(under) {
        return Err(vec![Diagnostic::error(
            "test::outside",
            format!("`{}` leads outside `{}`; it was not read", path.display(), under.display()),
        )
        .help("keep test cases in the repository; a link to a file elsewhere is not followed")]);
    }
    let file = files::read_text(path, &files::TEST_CASE).map_err(|d| vec![d])?;
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
        Some(Node { value: Yaml::Str(text), span }) => {
            let prelude = engine::shipped().iter().find(|(n, _)| *n == engine::PRELUDE).map_or("", |(_, t)| *t);
            let sources = vec![
                (SourceFile::shipped(engine::PRELUDE, prelude), true),
                (SourceFile::new(file.name.clone(), in_place(&file.text, span.start, text)), false),
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
                    let span: Span = entry.value.span.clone().into();
                    loaded = Some(match confined(path, rel, under) {
                        Err(why) => Err(vec![Diagnostic::error("test::outside", why)
                            .in_file(&file)
                            .label(span, "not read")
                            .help("name a state file by a path relative to this case, inside the repository (or the test folder); absolute paths, hidden files and links that lead out are refused")]),
                        Ok(target) => state::read_state_file(&target)
                            .map_err(|d| vec![d])
                            .and_then(|f| state::load(program, &f, NowSource::default()))
                            .map_err(|errors| vec![rejected_state(&file, span, rel, errors)]),
                    });
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
    let conditions = if own.is_some() {
        Vec::new()
    } else {
        (0..program.rules.len())
            .flat_map(|r| outcome.trace(r).iter())
            .map(|record| {
                let seen = match record.result {
                    crate::value::Value::Bool(b) => Some(b),
                    _ => None,
                };
                (record.atom, seen)
            })
            .collect()
    };
    Ok(CaseResult {
        file: file.name.clone(),
        name,
        checked: checked.iter().map(|(r, e, _)| (*r, *e)).collect(),
        failures,
        errors: Vec::new(),
        own_rules: own.is_some(),
        conditions,
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

/// The protocols under test: those some case (over the shared program)
/// names a rule of. A coach testing their own folder hears about their own
/// protocols, not about every shipped one their cases never mention.
pub fn protocols_under_test(program: &Program, results: &[CaseResult]) -> Vec<bool> {
    let mut under = vec![false; program.protocols.len()];
    for r in results.iter().filter(|r| !r.own_rules) {
        for (rule, _) in &r.checked {
            if let Some(p) = program.rules.get(*rule).and_then(|rule| under.get_mut(rule.protocol)) {
                *p = true;
            }
        }
    }
    under
}

/// The rule text of a case's `rules: |` block at its own place in the case
/// file: everything else blanked to spaces (line ends kept), so a diagnostic
/// gives the case file's line and column, not the block's. `start` is where
/// the block's content begins. When the file's lines are not the block's
/// lines with their indentation (a folded or quoted scalar), the block's text
/// is used as it is, placed at its first line.
fn in_place(file: &str, start: usize, block: &str) -> String {
    let first_line = file.get(..start).map_or(0, |before| before.rfind('\n').map_or(0, |i| i + 1));
    let rest = file.get(first_line..).unwrap_or("");
    let wanted = block.lines().count();
    let kept: Vec<&str> = rest.split_inclusive('\n').take(wanted).collect();
    let same = kept.len() == wanted
        && kept.iter().zip(block.lines()).all(|(line, own)| line.trim_end_matches(['\n', '\r']).trim() == own.trim());
    let blank = |text: &str| text.chars().map(|c| if c == '\n' { '\n' } else { ' ' }).collect::<String>();
    let before = blank(file.get(..first_line).unwrap_or(""));
    if !same {
        return before.chars().filter(|c| *c == '\n').chain(block.chars()).collect();
    }
    let kept_len: usize = kept.iter().map(|l| l.len()).sum();
    let after = blank(rest.get(kept_len..).unwrap_or(""));
    format!("{before}{}{after}", kept.concat())
}

/// Rules no case shows firing, and rules no case shows not firing, among
/// the protocols under test.
pub fn coverage_gaps(program: &Program, results: &[CaseResult]) -> (Vec<String>, Vec<String>) {
    let shared: Vec<&CaseResult> = results.iter().filter(|r| !r.own_rules).collect();
    let seen = |want: &[Expect], rule: usize| {
        shared.iter().any(|r| r.checked.iter().any(|(i, e)| *i == rule && want.contains(e)))
    };
    let under = protocols_under_test(program, results);
    let mut never_fires = Vec::new();
    let mut never_quiet = Vec::new();
    for (i, rule) in program.rules.iter().enumerate() {
        if !under.get(rule.protocol).copied().unwrap_or(false) {
            continue;
        }
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
        let verdict = match (r.errors.len(), r.failures.is_empty()) {
            (0, true) => "ok".to_string(),
            (0, false) => "FAILED".to_string(),
            (n, _) => format!("FAILED (could not run: {n} problem{}, shown above)", if n == 1 { "" } else { "s" }),
        };
        let _ = writeln!(out, "case {} ({}) ... {verdict}", name(&r.name, false), line(&r.file));
    }
    let failed: Vec<&CaseResult> = results.iter().filter(|r| !r.passed()).collect();
    let shown: Vec<&&CaseResult> = failed.iter().filter(|r| !r.failures.is_empty()).collect();
    if !shown.is_empty() {
        let _ = writeln!(out, "\nfailures:");
        for r in shown {
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

/// The text report: every case's verdict, the rules of the protocols under
/// test that no case shows firing or not firing (reported, not enforced),
/// and the coverage when asked for.
pub fn to_report(program: &Program, results: &[CaseResult], coverage: Option<&coverage::Coverage>) -> String {
    let mut out = to_text(results);
    let (never_fires, never_quiet) = coverage_gaps(program, results);
    if !never_fires.is_empty() {
        let _ = writeln!(out, "no case shows these rules firing: {}", never_fires.join(", "));
    }
    if !never_quiet.is_empty() {
        let _ = writeln!(out, "no case shows these rules not firing: {}", never_quiet.join(", "));
    }
    if let Some(c) = coverage {
        out.push_str(&coverage::to_text(c));
    }
    out
}

/// The same as JSON: `cases` (each with `passed`, `failures` and the
/// `errors` that kept it from running), `passed`, `failed`, the rules
/// `never_fires` / `never_quiet`, and `coverage` when asked for.
pub fn to_json(program: &Program, results: &[CaseResult], coverage: Option<&coverage::Coverage>) -> String {
    let (never_fires, never_quiet) = coverage_gaps(program, results);
    let cases: Vec<serde_json::Value> = results
        .iter()
        .map(|r| {
            let errors: Vec<serde_json::Value> = r
                .errors
                .iter()
                .map(|d| {
                    let (file, line, column) = d.location().map_or((None, None, None), |(f, l, c)| (Some(f), Some(l), Some(c)));
                    serde_json::json!({ "code": d.code, "message": d.message, "file": file, "line": line, "column": column })
                })
                .collect();
            serde_json::json!({
                "name": r.name,
                "file": r.file,
                "passed": r.passed(),
                "failures": r.failures,
                "errors": errors,
            })
        })
        .collect();
    let failed = results.iter().filter(|r| !r.passed()).count();
    let mut value = serde_json::json!({
        "cases": cases,
        "passed": results.len() - failed,
        "failed": failed,
        "never_fires": never_fires,
        "never_quiet": never_quiet,
    });
    if let (Some(c), Some(obj)) = (coverage, value.as_object_mut()) {
        obj.insert("coverage".into(), serde_json::to_value(c).unwrap_or_default());
    }
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}
