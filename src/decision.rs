//! The flat form of every rule's logic, for deciding which rules fire.
//!
//! Deciding a rule by walking its tree costs a call through a large
//! function per node, and a rule of the cross-engine benchmark has a dozen
//! nodes: `(f is known and f > 5) and (g is known and g in [a, b])`. Here
//! each rule's `when` and `unless` become a short run of operations in one
//! array per program, executed in a loop over a small stack of truth
//! values: a leaf reads its slot in place and pushes its truth, `and`/`or`
//! jump past their right side when the left side decides them, as the tree
//! walk short-circuits.
//!
//! A guarded leaf, `f is known and f > 5`, is one operation when nothing is
//! logged: the guard only turns "unknown because `f` is missing" into
//! false, so the leaf carries what it gives for a missing slot. Anything
//! that is not a slot against constants (arithmetic, calls, defines that
//! are not truth values) stays a tree, decided by the tree walk; the flat
//! form only removes the walk over the logic around it.
//!
//! The code is built from the checked program the first time it is
//! evaluated (`Program::decision_code`), so the build-time program and its
//! serialized form are unchanged. `eval` runs it; `tests/properties.rs`
//! holds it to the tree walk on generated programs and states.

use std::ops::Range;

use crate::program::{CmpOp, Node, Program};
use crate::value::Value;

/// Three-valued truth: what a condition decides to. Ordered so that `and`
/// is the smaller and `or` the larger of two truths.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tri {
    False,
    Unknown,
    True,
}

impl Tri {
    /// The value a condition that decides so has.
    pub fn value(self) -> Value {
        match self {
            Tri::True => Value::Bool(true),
            Tri::False => Value::Bool(false),
            Tri::Unknown => Value::Missing,
        }
    }
    /// A condition's value as truth: anything but `true` or `false` is
    /// unknown.
    pub fn of(value: &Value) -> Tri {
        match value {
            Value::Bool(b) => Tri::from(*b),
            _ => Tri::Unknown,
        }
    }
}

/// `not`: unknown stays unknown.
impl std::ops::Not for Tri {
    type Output = Tri;
    fn not(self) -> Tri {
        match self {
            Tri::True => Tri::False,
            Tri::False => Tri::True,
            Tri::Unknown => Tri::Unknown,
        }
    }
}

impl From<bool> for Tri {
    fn from(b: bool) -> Tri {
        if b {
            Tri::True
        } else {
            Tri::False
        }
    }
}

/// One operation. The machine holds the truth decided so far (the
/// accumulator, true before the first leaf, so that the first leaf joins it
/// by `and`) and a stack of truths put aside for a pending `and`/`or`.
#[derive(Clone, Copy, Debug)]
pub enum Op {
    /// A leaf: decide it and join its truth to the accumulator.
    Leaf(Join, Leaf),
    /// Negate the accumulator.
    Not,
    /// After the left side of `and`: if it is false, so is the whole; jump
    /// to the given operation (counted from the condition's first).
    SkipIfFalse(u32),
    /// After the left side of `or`: if it is true, so is the whole.
    SkipIfTrue(u32),
    /// The accumulator becomes the `and` (the smaller) of the truth put
    /// aside last and itself.
    And,
    /// ... the `or` (the larger).
    Or,
}

/// How a leaf's truth joins what was decided before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Join {
    /// The accumulator is put aside (the left side of a pending `and` or
    /// `or`), and the leaf's truth replaces it.
    Push,
    /// `accumulator and leaf`; the leaf is not decided when the
    /// accumulator is already false (short-circuit).
    And,
    /// `accumulator or leaf`; not decided when it is already true.
    Or,
    /// The same three with the leaf's truth negated (`and not f > 5`): a
    /// `not` over a leaf costs nothing more.
    PushNot,
    AndNot,
    OrNot,
}

/// A slot against constants, decided in place. `missing` is its truth when
/// the slot holds no value: unknown, or false under a fused `is known`
/// guard.
#[derive(Clone, Copy, Debug)]
pub enum Leaf {
    /// `slot <op> number`; `holds` has a bit for each of less, equal and
    /// greater (in that order from bit 0) for which the comparison holds.
    Num { slot: u32, holds: u8, c: f64, missing: Tri },
    /// `slot <op> constant`, the constant in `Code::consts`.
    Const { slot: u32, op: CmpOp, c: u32, missing: Tri },
    /// A slot that holds a truth value.
    Truth { slot: u32, missing: Tri },
    /// `slot is known`.
    Known { slot: u32 },
    /// `slot in [..]` of enum values below 64, as a bit set.
    InEnums { slot: u32, mask: u64, missing: Tri },
    /// `slot in [..]` of other constants: `Code::consts[start..end]`.
    InConsts { slot: u32, start: u32, end: u32, missing: Tri },
    /// Anything else, decided by the tree walk: `Code::trees[i]`.
    Tree(u32),
}

/// The stack a rule's code may need; a rule whose logic nests deeper is
/// left to the tree walk (its code is one `Tree`, which needs one place).
pub const STACK: usize = 16;

/// One program's rules in flat form.
#[derive(Debug, Default)]
pub struct Code {
    pub ops: Vec<Op>,
    pub consts: Vec<Value>,
    pub trees: Vec<Node>,
    /// By rule index.
    pub rules: Vec<Logic>,
    /// Whether any rule suppresses another, has `for`/`against` tags, or
    /// shares its advice with another: each resolution pass after deciding
    /// runs only when it could change something.
    pub any_suppresses: bool,
    pub any_tags: bool,
    pub any_shared_advice: bool,
}

/// The operations of a rule's `when` and of its `unless` (an empty range
/// when it has none), as ranges of `Code::ops`.
#[derive(Clone, Debug, Default)]
pub struct Logic {
    pub when: Range<u32>,
    pub unless: Range<u32>,
    /// Whether the flat code is much cheaper than the tree walk (at most a
    /// third as many steps): then even an evaluation that traces fired
    /// rules decides this rule by it first, and walks the tree, noting
    /// conditions, only if it fired. Otherwise deciding first would only
    /// add a second pass for every rule that fires.
    pub first: bool,
    /// Whether `when` is leaves joined by `and` alone (`and not` too) and
    /// there is no `unless`: most rules. Such a rule is decided by a loop
    /// over its leaves, with nothing to dispatch on but the leaf.
    pub conjunction: bool,
}

impl Program {
    /// Every rule's logic in flat form, built the first time it is asked.
    pub fn decision_code(&self) -> &Code {
        self.decision.get_or_init(|| Code::new(self))
    }
}

impl Code {
    pub fn new(program: &Program) -> Code {
        let mut code = Code::default();
        for rule in &program.rules {
            let when = code.emit(&rule.when);
            let unless = rule.unless.as_ref().map_or(0..0, |u| code.emit(u));
            let ops = when.len() + unless.len();
            let steps = walk_steps(&rule.when) + rule.unless.as_ref().map_or(0, walk_steps);
            let conjunction = unless.is_empty()
                && code
                    .ops
                    .get(when.start as usize..when.end as usize)
                    .is_some_and(|ops| ops.iter().all(|op| matches!(op, Op::Leaf(Join::And | Join::AndNot, _))));
            code.rules.push(Logic { when, unless, first: steps >= 3 * ops, conjunction });
        }
        code.any_suppresses = program.rules.iter().any(|r| !r.suppressed_by.is_empty());
        code.any_tags = program.rules.iter().any(|r| !r.for_tags.is_empty() || !r.against_tags.is_empty());
        code.any_shared_advice = program.rules.iter().any(|r| r.advice_shared);
        code
    }

    fn index(n: usize) -> u32 {
        u32::try_from(n).unwrap_or(u32::MAX)
    }

    /// The operations of one condition, appended.
    fn emit(&mut self, node: &Node) -> Range<u32> {
        let start = self.ops.len();
        let mut depth = Depth::default();
        self.node(node, &mut depth);
        // Jumps were written as places in `ops`; they are run within the
        // condition's own operations.
        let base = Code::index(start);
        for op in self.ops.iter_mut().skip(start) {
            if let Op::SkipIfFalse(to) | Op::SkipIfTrue(to) = op {
                *to -= base.min(*to);
            }
        }
        if depth.max > STACK {
            // Too deep for the flat form's stack: the whole condition is
            // one tree.
            self.ops.truncate(start);
            let leaf = self.tree(node);
            self.ops.push(Op::Leaf(Join::And, leaf));
        }
        Code::index(start)..Code::index(self.ops.len())
    }

    fn tree(&mut self, node: &Node) -> Leaf {
        self.trees.push(node.clone());
        Leaf::Tree(Code::index(self.trees.len() - 1))
    }

    /// `depth.now` truths are live (the accumulator and those put aside):
    /// the code appended leaves one more.
    fn node(&mut self, node: &Node, depth: &mut Depth) {
        match node {
            // Which conditions held matters only to a fired rule's reasons,
            // which `eval` reads from the tree.
            Node::Atom(_, inner) => self.node(inner, depth),
            Node::And(a, b) | Node::Or(a, b) => {
                let and = matches!(node, Node::And(..));
                if and {
                    if let Some(leaf) = self.guarded(a, b) {
                        self.push_leaf(leaf, false, depth);
                        return;
                    }
                }
                self.node(a, depth);
                // A right side that is one leaf joins the left directly,
                // short-circuiting by itself.
                if let Some((leaf, negated)) = self.single_leaf(b) {
                    let join = match (and, negated) {
                        (true, false) => Join::And,
                        (true, true) => Join::AndNot,
                        (false, false) => Join::Or,
                        (false, true) => Join::OrNot,
                    };
                    self.ops.push(Op::Leaf(join, leaf));
                    return;
                }
                let skip = self.ops.len();
                self.ops.push(Op::Not); // patched below
                self.node(b, depth);
                self.ops.push(if and { Op::And } else { Op::Or });
                depth.pop();
                let to = Code::index(self.ops.len());
                if let Some(op) = self.ops.get_mut(skip) {
                    *op = if and { Op::SkipIfFalse(to) } else { Op::SkipIfTrue(to) };
                }
            }
            Node::Not(a) => match self.single_leaf(a) {
                Some((leaf, negated)) => self.push_leaf(leaf, !negated, depth),
                None => {
                    self.node(a, depth);
                    self.ops.push(Op::Not);
                }
            },
            leaf => {
                let leaf = self.leaf(leaf, Tri::Unknown).unwrap_or_else(|| self.tree(leaf));
                self.push_leaf(leaf, false, depth);
            }
        }
    }

    fn push_leaf(&mut self, leaf: Leaf, negated: bool, depth: &mut Depth) {
        let join = match (depth.now == 0, negated) {
            (true, false) => Join::And,
            (true, true) => Join::AndNot,
            (false, false) => Join::Push,
            (false, true) => Join::PushNot,
        };
        self.ops.push(Op::Leaf(join, leaf));
        depth.push();
    }

    /// `node` as one leaf, and whether it is negated, when it is one.
    fn single_leaf(&mut self, node: &Node) -> Option<(Leaf, bool)> {
        match unatom(node) {
            Node::Not(inner) => self.single_leaf(inner).map(|(leaf, negated)| (leaf, !negated)),
            Node::And(a, b) => self.guarded(a, b).map(|leaf| (leaf, false)),
            Node::Or(..) | Node::Atom(..) => None,
            leaf => Some((self.leaf(leaf, Tri::Unknown).unwrap_or_else(|| self.tree(leaf)), false)),
        }
    }

    /// `f is known and <f against constants>` (each side possibly an
    /// atom): the leaf alone, false when `f` is
    /// missing. The guard is true exactly when the slot holds a value, and
    /// then `and` with it is the leaf's own truth.
    fn guarded(&mut self, a: &Node, b: &Node) -> Option<Leaf> {
        let (Node::IsKnown(known), leaf) = (unatom(a), unatom(b)) else { return None };
        let Node::Slot(guard) = **known else { return None };
        let slot = match leaf {
            Node::CompareSlot(_, slot, _) | Node::Slot(slot) => *slot,
            Node::Compare(_, a, b) => match (&**a, &**b) {
                (Node::Slot(slot), Node::Const(_)) => *slot,
                _ => return None,
            },
            Node::In(v, _) => match &**v {
                Node::Slot(slot) => *slot,
                _ => return None,
            },
            _ => return None,
        };
        if slot == guard {
            self.leaf(leaf, Tri::False)
        } else {
            None
        }
    }

    /// A slot against constants as one leaf, if `node` is one.
    fn leaf(&mut self, node: &Node, missing: Tri) -> Option<Leaf> {
        Some(match node {
            Node::CompareSlot(op, slot, c) => Leaf::Num { slot: *slot, holds: holds(*op), c: *c, missing },
            Node::Slot(slot) => Leaf::Truth { slot: *slot, missing },
            Node::Compare(op, a, b) => match (&**a, &**b) {
                (Node::Slot(slot), Node::Const(c)) => {
                    let i = Code::index(self.consts.len());
                    self.consts.push(c.clone());
                    Leaf::Const { slot: *slot, op: *op, c: i, missing }
                }
                _ => return None,
            },
            Node::IsKnown(a) if missing == Tri::Unknown => match &**a {
                Node::Slot(slot) => Leaf::Known { slot: *slot },
                _ => return None,
            },
            Node::In(v, items) => {
                let Node::Slot(slot) = &**v else { return None };
                let mut consts = Vec::with_capacity(items.len());
                for item in items {
                    let Node::Const(c) = item else { return None };
                    consts.push(c);
                }
                let mut mask = 0u64;
                let all_enums = consts.iter().all(|c| match c {
                    Value::Enum(e) if *e < 64 => {
                        mask |= 1 << e;
                        true
                    }
                    _ => false,
                });
                if all_enums {
                    Leaf::InEnums { slot: *slot, mask, missing }
                } else {
                    let start = Code::index(self.consts.len());
                    self.consts.extend(consts.into_iter().cloned());
                    Leaf::InConsts { slot: *slot, start, end: Code::index(self.consts.len()), missing }
                }
            }
            _ => return None,
        })
    }
}

/// The bits of `Leaf::Num::holds` for `op`.
fn holds(op: CmpOp) -> u8 {
    use std::cmp::Ordering::{Equal, Greater, Less};
    [Less, Equal, Greater].iter().enumerate().filter(|(_, ord)| op.holds(**ord)).fold(0, |bits, (i, _)| bits | 1 << i)
}

/// The calls the tree walk makes to decide `node`: one per node of its
/// logic, down to the leaves it reads in place.
fn walk_steps(node: &Node) -> usize {
    match node {
        Node::Atom(_, a) | Node::Not(a) => 1 + walk_steps(a),
        Node::And(a, b) | Node::Or(a, b) => 1 + walk_steps(a) + walk_steps(b),
        _ => 1,
    }
}

/// An atom's condition; any other node as it is.
fn unatom(node: &Node) -> &Node {
    match node {
        Node::Atom(_, inner) => inner,
        node => node,
    }
}

/// The stack depth the code reaches, to keep within `STACK`.
#[derive(Default)]
struct Depth {
    now: usize,
    max: usize,
}

impl Depth {
    fn push(&mut self) {
        self.now += 1;
        self.max = self.max.max(self.now);
    }
    fn pop(&mut self) {
        self.now = self.now.saturating_sub(1);
    }
}
