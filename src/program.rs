//! The checked program: what `check` produces and `eval` runs. Names are
//! resolved to slots, units are normalised, and every condition a coach
//! wrote is an numbered atom so that evaluation can say which held.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::builtins::Builtin;
use crate::diagnostic::{SourceFile, Span};
use crate::units::{Unit, UnitSystem};
use crate::value::{EnumType, Ty, Value};

/// A slot holds one fact or define value during an evaluation.
pub type Slot = u32;

/// Checked protocols, ready to evaluate: immutable and `Send + Sync`, so
/// compile once ([`Compiler`](crate::Compiler)) and share. Its fields and
/// lookups are the crate's own (hidden); a library user goes through the
/// methods that build states and evaluate.
#[derive(Debug, Serialize, Deserialize)]
pub struct Program {
    #[doc(hidden)]
    pub enums: Vec<EnumType>,
    /// Facts first (slot = index), read from the state.
    #[doc(hidden)]
    pub facts: Vec<Fact>,
    /// Defines, in an order where each comes after all it uses; the slot of
    /// `defines[i]` is `facts.len() + i`.
    #[doc(hidden)]
    pub defines: Vec<DefineDef>,
    #[doc(hidden)]
    pub protocols: Vec<ProtocolInfo>,
    /// Rules in file order, which is also the last key of output order.
    #[doc(hidden)]
    pub rules: Vec<RuleDef>,
    #[doc(hidden)]
    pub atoms: Vec<Atom>,
    /// The slot of `now`, which time builtins read.
    #[doc(hidden)]
    pub now_slot: Option<Slot>,
    /// The slot of `athlete.units`, which decides how numbers are shown.
    #[doc(hidden)]
    pub units_slot: Option<Slot>,
    /// Fact paths and their groups, for the state loader's lookups.
    #[doc(hidden)]
    pub fact_paths: std::collections::HashMap<String, usize>,
    #[doc(hidden)]
    pub fact_groups: std::collections::HashSet<String>,
    /// The state's nesting for the state loader ([`Program::fact_schema`]),
    /// built from `facts` on first use.
    #[serde(skip)]
    #[doc(hidden)]
    pub fact_table: std::sync::OnceLock<crate::fact_schema::FactTable>,
    /// Every rule's logic in flat form, for deciding which rules fire
    /// ([`Program::decision_code`]), built on first use.
    #[serde(skip)]
    #[doc(hidden)]
    pub decision: std::sync::OnceLock<crate::decision::Code>,
}

impl RuleDef {
    /// The expressions in the holes of its advice and its `because`.
    pub fn hole_nodes(&self) -> impl Iterator<Item = &Node> {
        self.advise.parts.iter().chain(self.because.iter().flat_map(|b| &b.parts)).filter_map(|p| match p {
            TemplatePart::Hole { expr, .. } => Some(expr),
            TemplatePart::Text(_) => None,
        })
    }
}

#[doc(hidden)]
impl Program {
    /// The facts and the defines `nodes` read, directly or through other
    /// defines, each sorted.
    pub fn reads(&self, nodes: &[&Node]) -> (Vec<usize>, Vec<usize>) {
        let first_define = self.facts.len();
        let (mut facts, mut defines): (Vec<usize>, Vec<usize>) = (Vec::new(), Vec::new());
        let mut stack: Vec<&Node> = nodes.to_vec();
        let mut slots = Vec::new();
        while let Some(node) = stack.pop() {
            slots.clear();
            node.slots_into(&mut slots);
            for &slot in &slots {
                match (slot as usize).checked_sub(first_define) {
                    None if !facts.contains(&(slot as usize)) => facts.push(slot as usize),
                    Some(d) if !defines.contains(&d) => {
                        defines.push(d);
                        stack.extend(self.defines.get(d).map(|def| &def.expr));
                    }
                    _ => {}
                }
            }
        }
        facts.sort_unstable();
        defines.sort_unstable();
        (facts, defines)
    }


    pub fn fact_index(&self, path: &str) -> Option<usize> {
        self.fact_paths.get(path).copied()
    }
    /// Whether `path` is a group of facts (`last_session` for
    /// `last_session.kind`), as a state file nests them.
    pub fn is_fact_group(&self, path: &str) -> bool {
        self.fact_groups.contains(path)
    }
    /// How numbers are shown for these fact values: imperial when
    /// `athlete.units` says so, else metric.
    pub fn unit_system(&self, slots: &[Value]) -> UnitSystem {
        let imperial = self.units_slot.and_then(|s| {
            let Value::Enum(i) = slots.get(s as usize)? else { return None };
            let Ty::Enum(e) = self.facts.get(s as usize)?.ty else { return None };
            Some(self.enums.get(e)?.values.get(usize::from(*i))? == "imperial")
        });
        if imperial == Some(true) {
            UnitSystem::Imperial
        } else {
            UnitSystem::Metric
        }
    }
    pub fn rule_index(&self, id: &str) -> Option<usize> {
        self.rules.iter().position(|r| r.id == id)
    }
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Fact {
    /// Dotted path in the state file: `last_session.kind`.
    pub path: String,
    pub ty: Ty,
    /// How a plain number in the state file is read (for quantities).
    pub unit: Option<Unit>,
    /// For a series: the name of the reading's value field (`rmssd`).
    pub series_field: Option<String>,
    pub optional: bool,
    pub default: Option<Value>,
    /// Inclusive bounds, canonical units.
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub never_allowed: bool,
    pub past: bool,
    pub requires: Option<usize>,
    pub doc: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct DefineDef {
    pub name: String,
    pub ty: Ty,
    pub expr: Node,
    pub doc: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProtocolInfo {
    pub id: String,
    pub title: String,
    pub source: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Timing {
    Now,
    Today,
    Next24h,
    ThisWeek,
    LongTerm,
}

impl Timing {
    pub const ALL: [(&'static str, Timing); 5] = [
        ("now", Timing::Now),
        ("today", Timing::Today),
        ("next_24h", Timing::Next24h),
        ("this_week", Timing::ThisWeek),
        ("long_term", Timing::LongTerm),
    ];
    pub fn name(self) -> &'static str {
        Timing::ALL.iter().find(|(_, t)| *t == self).map_or("now", |(n, _)| n)
    }
    pub fn heading(self) -> &'static str {
        match self {
            Timing::Now => "Now",
            Timing::Today => "Today",
            Timing::Next24h => "Next 24 hours",
            Timing::ThisWeek => "This week",
            Timing::LongTerm => "Long term",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    High,
    Medium,
    Low,
}

impl Priority {
    pub const ALL: [(&'static str, Priority); 3] =
        [("high", Priority::High), ("medium", Priority::Medium), ("low", Priority::Low)];
    pub fn name(self) -> &'static str {
        Priority::ALL.iter().find(|(_, p)| *p == self).map_or("low", |(n, _)| n)
    }
}

#[derive(Debug, Serialize, Deserialize)]
pub struct RuleDef {
    /// `protocol.rule`
    pub id: String,
    pub protocol: usize,
    pub when: Node,
    pub unless: Option<Node>,
    pub advise: Template,
    /// Rules whose advice templates read the same share a key (the index of
    /// the first such rule), so merging duplicates compares integers, not text.
    pub advice_key: usize,
    /// Whether any other rule shares that key: only such rules can ever be
    /// merged, so the others skip the comparison entirely.
    pub advice_shared: bool,
    pub because: Option<Template>,
    pub priority: Priority,
    pub timing: Timing,
    pub category: String,
    pub for_tags: Vec<String>,
    pub against_tags: Vec<String>,
    /// Rule indexes this rule suppresses when it fires.
    pub suppresses: Vec<usize>,
    /// The reverse: rules that suppress this one.
    pub suppressed_by: Vec<usize>,
    /// This rule's conditions: a range of `Program::atoms`.
    pub atoms: std::ops::Range<usize>,
    /// Serialized apart (see [`to_bytes`]): a file is shared by many rules.
    #[serde(skip, default = "no_file")]
    pub file: Arc<SourceFile>,
    pub span: Span,
    /// Where the rule came from: the shipped protocols or a coach's folder.
    pub builtin: bool,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Template {
    pub parts: Vec<TemplatePart>,
}

#[derive(Debug, Serialize, Deserialize)]
pub enum TemplatePart {
    Text(String),
    Hole { expr: Node, ty: Ty, bare_number: bool },
}

/// One condition as a coach wrote it, numbered so that evaluation can record
/// whether it held and on what value.
#[derive(Debug, Serialize, Deserialize)]
pub struct Atom {
    pub rule: usize,
    /// The condition's text, white space folded.
    pub text: String,
    /// The value the condition is about (the left side of a comparison), to
    /// show in reasons: `since_session is 35 min`.
    pub subject: Option<Subject>,
    /// Facts this condition reads, through defines too, for "unknown because
    /// `x` is missing".
    pub facts: Vec<usize>,
    /// True for atoms of an `unless` clause.
    pub in_unless: bool,
    /// For a condition that is a bare fact or define (`cold_window`), its
    /// one-line description: a name alone says little to a coach.
    pub doc: Option<String>,
    /// What a reason says when the condition held: the coach's words
    /// (`as "..."`), else words generated from docs, operator and threshold
    /// (see `check::words`). Its holes are filled for fired rules only.
    pub words: Template,
    /// Whether the coach wrote the words.
    pub written: bool,
    /// Where the condition is written, in its rule's file.
    pub span: Span,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Subject {
    pub text: String,
    pub node: Node,
    pub ty: Ty,
}

/// The evaluation form of an expression.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Node {
    Const(Value),
    Slot(Slot),
    /// The current reading's value inside a series predicate.
    Reading,
    Neg(Box<Node>),
    Not(Box<Node>),
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    Compare(CmpOp, Box<Node>, Box<Node>),
    /// `slot <op> number`, the commonest condition, fused so that it reads
    /// the slot without copying it.
    CompareSlot(CmpOp, Slot, f64),
    Arith(ArithOp, Box<Node>, Box<Node>),
    Between(Box<Node>, Box<Node>, Box<Node>),
    In(Box<Node>, Vec<Node>),
    Contains(Box<Node>, Box<Node>),
    IsKnown(Box<Node>),
    IsNever(Box<Node>),
    Call(Builtin, Vec<Node>),
    If(Box<Node>, Box<Node>, Box<Node>),
    /// A condition to record in the trace.
    Atom(u32, Box<Node>),
}

impl Node {
    /// Calls `f` on each direct sub-expression.
    pub fn each_child<'a>(&'a self, mut f: impl FnMut(&'a Node)) {
        match self {
            Node::Const(_) | Node::Reading | Node::Slot(_) | Node::CompareSlot(..) => {}
            Node::Neg(a) | Node::Not(a) | Node::IsKnown(a) | Node::IsNever(a) | Node::Atom(_, a) => f(a),
            Node::And(a, b) | Node::Or(a, b) | Node::Compare(_, a, b) | Node::Arith(_, a, b) | Node::Contains(a, b) => {
                f(a);
                f(b);
            }
            Node::Between(a, b, c) | Node::If(a, b, c) => {
                f(a);
                f(b);
                f(c);
            }
            Node::In(a, items) => {
                f(a);
                items.iter().for_each(f);
            }
            Node::Call(_, args) => args.iter().for_each(f),
        }
    }

    /// Appends every slot (fact or define) this expression reads itself,
    /// not through the defines it names. Recursion is bounded by the
    /// language's nesting limit.
    pub fn slots_into(&self, out: &mut Vec<u32>) {
        match self {
            Node::Slot(s) | Node::CompareSlot(_, s, _) => out.push(*s),
            _ => self.each_child(|child| child.slots_into(out)),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CmpOp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

impl CmpOp {
    pub fn holds(self, ord: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            CmpOp::Lt => ord == Less,
            CmpOp::Le => ord != Greater,
            CmpOp::Gt => ord == Greater,
            CmpOp::Ge => ord != Less,
            CmpOp::Eq => ord == Equal,
            CmpOp::Ne => ord != Equal,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
    /// instant - instant, or date - date: a duration in seconds.
    TimeDiff,
    /// instant + duration, instant - duration.
    InstantAdd,
    InstantSub,
    /// date + duration, date - duration: the duration in whole days (rounded).
    DateAdd,
    DateSub,
}

/// The placeholder a deserialized rule holds until [`from_bytes`] gives it
/// its file.
fn no_file() -> Arc<SourceFile> {
    SourceFile::new("", "")
}

/// A program as bytes (postcard), for a program compiled at build time
/// (`build.rs`). Each rule's file is written as its name, once per rule.
// Called by `build.rs`, which compiles this file as its own module to
// write the shipped program; the library only reads it back.
#[allow(dead_code)]
pub fn to_bytes(program: &Program) -> Result<Vec<u8>, postcard::Error> {
    let files: Vec<&str> = program.rules.iter().map(|r| r.file.name.as_str()).collect();
    postcard::to_allocvec(&(program, files))
}

/// The program [`to_bytes`] wrote, each rule given back its file from
/// `files` by name. `None` if the bytes are not such a program or name a
/// file that is not among `files`.
pub fn from_bytes(bytes: &[u8], files: &[Arc<SourceFile>]) -> Option<Program> {
    let (mut program, names): (Program, Vec<String>) = postcard::from_bytes(bytes).ok()?;
    if names.len() != program.rules.len() {
        return None;
    }
    for (rule, name) in program.rules.iter_mut().zip(names) {
        rule.file = Arc::clone(files.iter().find(|f| f.name == name)?);
    }
    Some(program)
}
