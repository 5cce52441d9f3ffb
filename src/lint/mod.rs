//! `recoup lint`: parse and check rule files, then run the lints of the
//! registry over the checked program, and report every finding with a
//! stable code.
//!
//! - [`registry`]: the lints, one per file under `rules/`, each with its code,
//!   default severity and documentation (`recoup lint --explain CODE`).
//! - [`domain`]: the sound analysis the semantic lints share (conditions as
//!   unions of boxes over the facts).
//! - [`witness`]: example states for findings, confirmed with the evaluator.
//! - [`allow`]: `# allow(lint::code): reason` comments in rule files.
//! - [`config`]: `--deny`, `--warn`, `--allow`, `--select`, `--ignore`.
//!
//! The output formats live with the other renderers, in `render::lint`.
//! Tests lint texts without files through `lint_texts`.

pub mod allow;
pub mod config;
pub mod domain;
pub mod registry;
mod rules;
pub mod witness;

use std::path::PathBuf;
use std::sync::Arc;

use crate::ast;
use crate::check::{self, Input};
use crate::diagnostic::{Diagnostic, Severity, SourceFile, Span};
use crate::engine::{self, Selection};
use crate::program::Program;

pub use config::Config;
pub use registry::{lookup, Lint, LINTS};

use domain::{Dnf, Universe};
use witness::Example;

/// One finding: a diagnostic, and for a semantic lint the state that shows
/// it.
#[derive(Clone, Debug)]
pub struct Finding {
    pub diagnostic: Diagnostic,
    pub example: Option<ExampleText>,
}

/// An example state, as values to read and as a state file to run.
#[derive(Clone, Debug, PartialEq)]
pub struct ExampleText {
    /// `forecast_temp = 11 °C`
    pub values: String,
    /// A `state.yaml` that `recoup explain` accepts.
    pub state_yaml: String,
}

impl From<Diagnostic> for Finding {
    fn from(diagnostic: Diagnostic) -> Finding {
        Finding { diagnostic, example: None }
    }
}

/// Lint the rule files under `paths`, checked together with the shipped
/// protocols (a file named like a shipped one replaces it). `Ok` holds the
/// findings after `config` (empty when clean), after what the folder walk
/// left out on purpose (a pipe named `x.rules`, as notes); `Err` means the
/// files could not be read at all, and holds every problem of every path's
/// walk, notes included, in walk order.
pub fn run(paths: &[PathBuf], config: &Config) -> Result<Vec<Finding>, Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let mut failed = false;
    let mut files = Vec::new();
    for path in paths {
        let found = engine::rule_files_found(path);
        let unreadable = found.errors().next().is_some();
        failed |= unreadable;
        if found.files.is_empty() && !unreadable {
            failed = true;
            problems.push(
                Diagnostic::error("cli::no-input", format!("`{}` holds no rule files", path.display()))
                    .help("rule files end in .rules"),
            );
        }
        problems.extend(found.problems);
        files.extend(found.files);
    }
    if failed {
        return Err(problems);
    }
    // The files found, not the paths: each folder is walked once.
    let mut findings: Vec<Finding> = problems.into_iter().map(Finding::from).collect();
    match engine::sources(&Selection { no_builtin: false, paths: files }) {
        Ok(sources) => findings.extend(lint_sources(sources, config)),
        Err(errors) if errors.iter().any(|d| d.code == "recoup::io") => return Err(errors),
        Err(errors) => findings.extend(errors.into_iter().map(Finding::from)),
    }
    Ok(findings)
}

/// For editors: lint a coach's rule texts `(name, text)` with the shipped
/// protocols, and return every diagnostic (codes, spans, help, and a
/// `suggestion` where there is one obvious edit).
// The tests' entry (through the `internals` feature); the language server
// lints through `lint::run` like the command line.
#[cfg(any(test, feature = "internals"))]
pub fn lint_texts(texts: &[(String, String)], config: &Config) -> Vec<Diagnostic> {
    let mut sources: Vec<(Arc<SourceFile>, bool)> = Vec::new();
    let replaced = |shipped: &str| {
        texts.iter().any(|(name, _)| std::path::Path::new(name).file_name().is_some_and(|n| n == shipped))
    };
    for (name, text) in engine::shipped() {
        if !replaced(name) {
            sources.push((SourceFile::shipped(name, *text), true));
        }
    }
    sources.extend(texts.iter().map(|(name, text)| (SourceFile::new(name.clone(), text.as_str()), false)));
    lint_sources(sources, config).into_iter().map(|f| f.diagnostic).collect()
}

/// Parse, check and lint the given sources (`true` marks a shipped one), on
/// a thread with a large stack as `engine::compile` does.
pub fn lint_sources(sources: Vec<(Arc<SourceFile>, bool)>, config: &Config) -> Vec<Finding> {
    let config = config.clone();
    let work = move || {
        let (inputs, errors) = engine::parse_all(sources);
        let findings: Vec<Finding> = errors.into_iter().map(Finding::from).collect();
        lint_parsed(&inputs, findings, &config).0
    };
    let spawned = std::thread::Builder::new().stack_size(64 << 20).spawn(work);
    match spawned.map(|h| h.join()) {
        Ok(Ok(findings)) => findings,
        _ => vec![Finding::from(
            Diagnostic::error("recoup::internal", "the linter stopped unexpectedly")
                .help("this is a bug in recoup; please report it with the rule files"),
        )],
    }
}

/// Check and lint files already parsed; `findings` holds the syntax errors
/// of those that did not parse (then nothing is checked). Also gives the
/// checked program when there is one. A finding in a shipped file names
/// that file in its message and has no location (see `relocate_shipped`);
/// call on a thread with a large stack.
pub fn lint_parsed(inputs: &[Input], findings: Vec<Finding>, config: &Config) -> (Vec<Finding>, Option<Program>) {
    let (mut findings, checked) = lint_parsed_in_place(inputs, findings, config);
    for f in &mut findings {
        relocate_shipped(&mut f.diagnostic);
    }
    findings.sort_by(|a, b| order_key(&a.diagnostic).cmp(&order_key(&b.diagnostic)));
    (findings, checked)
}

/// [`lint_parsed`] for an editor, which keeps parsed files between edits
/// and can open the shipped files: a finding in a shipped file keeps its
/// file and spans there.
pub fn lint_parsed_in_place(
    inputs: &[Input],
    mut findings: Vec<Finding>,
    config: &Config,
) -> (Vec<Finding>, Option<Program>) {
    let mut lints_ran = false;
    let mut checked = None;
    if findings.is_empty() {
        match check::check(inputs) {
            Ok(program) => {
                {
                    let cx = Context::new(&program, inputs);
                    for lint in rules::ALL {
                        (lint.check)(&cx, &mut findings);
                    }
                }
                lints_ran = true;
                checked = Some(program);
            }
            Err(errors) => findings.extend(errors.into_iter().map(Finding::from)),
        }
    }
    let mut allows = allow::collect(inputs);
    let mut findings = allow::apply(&mut allows, findings, lints_ran, config);
    findings = config.apply(findings);
    findings.sort_by(|a, b| order_key(&a.diagnostic).cmp(&order_key(&b.diagnostic)));
    (findings, checked)
}

fn order_key(d: &Diagnostic) -> (String, usize, &'static str) {
    (d.file.as_ref().map_or(String::new(), |f| f.name.clone()), d.labels.first().map_or(0, |(s, _)| s.start), d.code)
}

/// A shipped file is not a path in the coach's repository: a finding there
/// names the shipped file in its message and carries no location, so that
/// GitHub and SARIF do not point at a file that does not exist.
pub fn relocate_shipped(d: &mut Diagnostic) {
    let Some(file) = &d.file else { return };
    if file.shipped_name().is_none() {
        return;
    }
    let line = d.labels.first().map(|(s, _)| file.line_col(s.start).0);
    let at = match line {
        Some(line) => format!("{} line {line}", file.shown_name()),
        None => file.shown_name(),
    };
    d.message = format!("{} (in the {at})", d.message);
    d.file = None;
    d.labels.clear();
}

/// Whether any finding is at or above the deny level (an error).
pub fn has_errors(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.diagnostic.severity == Severity::Error)
}

/// What every lint sees: the program, its files, and per rule the truth
/// sets of its conditions.
pub struct Context<'a> {
    pub program: &'a Program,
    pub inputs: &'a [Input],
    pub universe: Universe<'a>,
    pub rules: Vec<RuleInfo<'a>>,
    /// Evaluations of example states, by their facts (see [`Context::evaluate`]).
    outcomes: std::cell::RefCell<std::collections::HashMap<String, std::rc::Rc<crate::eval::Outcome>>>,
}

pub struct RuleInfo<'a> {
    pub ast: Option<&'a ast::Rule>,
    pub file: Arc<SourceFile>,
    /// Written by the coach (not a shipped rule left in place).
    pub own: bool,
    /// States where `when` is true / false.
    pub when: (Dnf, Dnf),
    /// The same for `unless`, if the rule has one.
    pub unless: Option<(Dnf, Dnf)>,
}

impl<'a> Context<'a> {
    pub fn new(program: &'a Program, inputs: &'a [Input]) -> Context<'a> {
        let universe = Universe::new(program);
        // Each rule's syntax, by file and id: one pass over the files, so
        // that finding them stays linear in the number of rules.
        let mut asts: std::collections::HashMap<(*const SourceFile, String), &'a ast::Rule> =
            std::collections::HashMap::new();
        for input in inputs {
            for item in &input.ast.items {
                let ast::Item::Protocol(p) = item else { continue };
                for rule in &p.rules {
                    let key = (Arc::as_ptr(&input.file), format!("{}.{}", p.id.text, rule.id.text));
                    asts.entry(key).or_insert(rule);
                }
            }
        }
        let rules = program
            .rules
            .iter()
            .map(|r| {
                let ast = asts.get(&(Arc::as_ptr(&r.file), r.id.clone())).copied();
                RuleInfo {
                    ast,
                    file: Arc::clone(&r.file),
                    own: !r.builtin,
                    when: universe.truth(&r.when),
                    unless: r.unless.as_ref().map(|u| universe.truth(u)),
                }
            })
            .collect();
        Context { program, inputs, universe, rules, outcomes: Default::default() }
    }

    /// The evaluation of an example state. Lints confirm many findings on
    /// the same state (every protocol's bands meet at the same values), and
    /// each evaluation runs every rule: remembering them keeps the number of
    /// evaluations, not only of findings, from growing with the rule count.
    pub fn evaluate(&self, example: &Example) -> std::rc::Rc<crate::eval::Outcome> {
        let key = format!("{:?}", example.facts);
        if let Some(outcome) = self.outcomes.borrow().get(&key) {
            return std::rc::Rc::clone(outcome);
        }
        let outcome = std::rc::Rc::new(example.evaluate(self.program));
        self.outcomes.borrow_mut().insert(key, std::rc::Rc::clone(&outcome));
        outcome
    }

    /// The span of a rule's id, where its findings point.
    pub fn rule_id_span(&self, rule: usize) -> Span {
        let info = self.rules.get(rule);
        info.and_then(|r| r.ast)
            .map_or_else(|| self.program.rules.get(rule).map_or(Span::default(), |r| r.span), |a| a.id.span)
    }

    /// The span of a rule's `when` condition.
    pub fn when_span(&self, rule: usize) -> Span {
        self.rules
            .get(rule)
            .and_then(|r| r.ast.map(|a| (r, a)))
            .and_then(|(r, a)| {
                a.clauses.iter().find_map(|c| match c {
                    ast::Clause::When(e) => Some(trim(&r.file, e.span)),
                    _ => None,
                })
            })
            .unwrap_or_else(|| self.rule_id_span(rule))
    }

    pub fn unless_span(&self, rule: usize) -> Option<Span> {
        self.rules.get(rule).and_then(|r| r.ast.map(|a| (r, a))).and_then(|(r, a)| {
            a.clauses.iter().find_map(|c| match c {
                ast::Clause::Unless(e) => Some(trim(&r.file, e.span)),
                _ => None,
            })
        })
    }

    /// An example state for a cube, with its text; `None` if none can be
    /// written.
    pub fn example(&self, cube: &domain::Cube) -> Option<(Example, ExampleText)> {
        let example = witness::build(&self.universe, cube)?;
        let text = ExampleText { values: example.describe(self.program), state_yaml: example.to_yaml(self.program) };
        Some((example, text))
    }

    /// Every slot a rule's `when` (or `unless`) reads, through defines.
    pub fn slots_of(&self, node: &crate::program::Node) -> Vec<crate::program::Slot> {
        let mut out = Vec::new();
        self.universe.slots_read(node, &mut out);
        out
    }

    /// A finding at a rule of the coach's, in its file.
    pub fn at_rule(&self, rule: usize, lint: &Lint, message: String) -> Diagnostic {
        let file = self.rules.get(rule).map(|r| Arc::clone(&r.file));
        let mut d = lint.diagnostic(message);
        if let Some(file) = file {
            d = d.in_file(&file);
        }
        d
    }
}

/// A span without the white space (and comments) the grammar let trail it.
pub fn trim(file: &SourceFile, span: Span) -> Span {
    let text = file.text.get(span.start..span.end).unwrap_or("");
    let mut end = text.len();
    // Drop trailing blank lines and comment lines, then trailing spaces.
    loop {
        let body = text.get(..end).unwrap_or("").trim_end();
        let last_line_start = body.rfind('\n').map_or(0, |i| i + 1);
        let last = body.get(last_line_start..).unwrap_or("");
        if last.trim_start().starts_with('#') && last_line_start > 0 {
            end = last_line_start;
            continue;
        }
        end = body.len();
        break;
    }
    Span::new(span.start, span.start + end)
}
