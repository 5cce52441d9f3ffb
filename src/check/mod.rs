//! AST to checked program: names resolved, types and units checked, fact
//! slots fixed, rules compiled to their evaluation form. Every problem in
//! every file is collected before giving up, so a coach sees them all at once.
//!
//! The checker is one `Checker` whose passes live in files named for what
//! they check: [`declarations`] (enums and facts), [`defines`], [`expressions`],
//! [`rules`] (rules, templates, suppression) and [`graph`] (the cycle search
//! shared by define and suppression cycles).

mod declarations;
mod defines;
mod expressions;
mod graph;
mod rules;
mod words;

use std::collections::HashMap;
use std::sync::Arc;

use crate::ast::{self};
use crate::diagnostic::{Diagnostic, SourceFile, Span};
use crate::program::*;
use crate::units::Dim;
use crate::value::EnumType;

/// One parsed rule file, and whether it ships with recoup.
pub struct Input {
    pub file: Arc<SourceFile>,
    pub ast: ast::File,
    pub builtin: bool,
}

/// Check a set of parsed files as one program.
pub fn check(inputs: &[Input]) -> Result<Program, Vec<Diagnostic>> {
    let mut c = Checker::default();
    c.declare_enums(inputs);
    c.declare_facts(inputs);
    c.compile_defines(inputs);
    c.compile_rules(inputs);
    if c.errors.is_empty() {
        Ok(c.program())
    } else {
        for e in &mut c.errors {
            if e.help.is_none() {
                e.help = general_help(e.code).map(String::from);
            }
        }
        Err(c.errors)
    }
}

/// Help for errors whose message already says everything specific.
fn general_help(code: &str) -> Option<&'static str> {
    Some(match code {
        "check::duplicate-fact" => "each fact is declared once; the prelude declares every field of the state file",
        "check::duplicate-define" => "give the define another name, or remove one of them",
        "check::duplicate-rule" => "rule ids must be unique within a protocol; rename one",
        "check::duplicate-enum" => "give the enum another name, or reuse the existing one",
        "check::duplicate-clause" => "keep one",
        "check::bad-default" => "a default is a literal of the fact's type, e.g. `= false`, `= 1`, `= 30min`, `= []`",
        "check::type-mismatch" => "both sides of an operation must be of the same type",
        "check::suppression-cycle" => "a rule cannot suppress itself",
        "check::unit-mismatch" => "values of different dimensions cannot be combined",
        _ => return None,
    })
}

/// Types whose names are built into the language.
const PLAIN_TYPES: &[&str] = &["number", "bool", "text", "date", "instant"];

#[derive(Default)]
struct Checker {
    errors: Vec<Diagnostic>,
    enums: Vec<EnumType>,
    enum_names: HashMap<String, usize>,
    facts: Vec<Fact>,
    fact_names: HashMap<String, usize>,
    /// Define name -> index in `defines` once compiled.
    define_names: HashMap<String, usize>,
    defines: Vec<DefineDef>,
    /// For each define, the facts it reads (through other defines too).
    define_facts: Vec<Vec<usize>>,
    protocols: Vec<ProtocolInfo>,
    rules: Vec<RuleDef>,
    atoms: Vec<Atom>,
}

/// What names mean inside an expression being compiled.
struct Scope<'a> {
    file: &'a Arc<SourceFile>,
    /// Inside `streak(series, ...)`: the reading's field name and dimension.
    reading: Option<(&'a str, Dim)>,
}

impl Checker {
    fn error(
        &mut self,
        file: &Arc<SourceFile>,
        code: &'static str,
        message: String,
        span: Span,
        label: &str,
    ) -> &mut Diagnostic {
        let index = self.errors.len();
        self.errors.push(Diagnostic::error(code, message).in_file(file).label(span, label));
        // The push above makes `index` valid; `get_mut` keeps the lint honest.
        match self.errors.get_mut(index) {
            Some(d) => d,
            None => unreachable!("a diagnostic was just pushed"),
        }
    }

    fn program(self) -> Program {
        let now_slot = self.fact_names.get("now").and_then(|&i| u32::try_from(i).ok());
        let units_slot = self.fact_names.get("athlete.units").and_then(|&i| u32::try_from(i).ok());
        let fact_groups = self
            .facts
            .iter()
            .flat_map(|f| f.path.match_indices('.').map(|(i, _)| f.path.get(..i).unwrap_or_default().to_string()))
            .collect();
        Program {
            fact_paths: self.fact_names,
            fact_groups,
            fact_table: Default::default(),
            decision: Default::default(),
            enums: self.enums,
            facts: self.facts,
            defines: self.defines,
            protocols: self.protocols,
            rules: self.rules,
            atoms: self.atoms,
            now_slot,
            units_slot,
        }
    }
}

/// The source text of a span with white space folded to single spaces.
pub(super) fn source_text(file: &SourceFile, span: Span) -> String {
    file.text.get(span.start..span.end).unwrap_or("").split_whitespace().collect::<Vec<_>>().join(" ")
}
