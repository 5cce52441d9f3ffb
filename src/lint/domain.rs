//! The abstract domain the semantic lints reason in.
//!
//! A condition is turned into two sets of states, each a bounded union of
//! boxes (a disjunctive form): the states where it is true and the states
//! where it is false (three-valued logic: a condition over a missing fact is
//! neither). A box constrains some slots, each to "missing" or to "known and
//! in this interval / set of enum values / set of booleans"; a slot it does
//! not mention is free. This follows the DMN decision-table analysis of
//! Calvanese et al.: each rule is a box in the space of its inputs.
//!
//! Every set computed here over-approximates the real one: a condition this
//! module cannot read (arithmetic between facts, a builtin, a list) becomes
//! "any state", and a union that grows past [`MAX_BOXES`] becomes "any state"
//! too. So an empty set is a proof (the condition can never be true, or
//! never false), and a non-empty one proves nothing. Lints that claim two
//! rules *can* fire together build a concrete state from a box and confirm
//! it with the evaluator before saying so.

use std::collections::BTreeMap;

use crate::builtins::Builtin;
use crate::program::{CmpOp, Node, Program, Slot};
use crate::value::{Ty, Value};

/// Past this many boxes a union is widened to "any state" (sound, silent).
pub const MAX_BOXES: usize = 64;
/// How deep defines are inlined into the conditions that use them.
const MAX_DEPTH: usize = 32;

/// An interval of numbers; bounds may be infinite.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Interval {
    pub lo: f64,
    pub lo_closed: bool,
    pub hi: f64,
    pub hi_closed: bool,
}

impl Interval {
    pub const ALL: Interval = Interval { lo: f64::NEG_INFINITY, lo_closed: true, hi: f64::INFINITY, hi_closed: true };

    pub fn closed(lo: f64, hi: f64) -> Interval {
        Interval { lo, lo_closed: true, hi, hi_closed: true }
    }

    pub fn is_empty(&self) -> bool {
        self.lo.is_nan()
            || self.hi.is_nan()
            || self.lo > self.hi
            || (self.lo == self.hi && !(self.lo_closed && self.hi_closed))
    }

    pub fn meet(&self, other: &Interval) -> Interval {
        let (lo, lo_closed) = match self.lo.partial_cmp(&other.lo) {
            Some(std::cmp::Ordering::Greater) => (self.lo, self.lo_closed),
            Some(std::cmp::Ordering::Less) => (other.lo, other.lo_closed),
            _ => (self.lo, self.lo_closed && other.lo_closed),
        };
        let (hi, hi_closed) = match self.hi.partial_cmp(&other.hi) {
            Some(std::cmp::Ordering::Less) => (self.hi, self.hi_closed),
            Some(std::cmp::Ordering::Greater) => (other.hi, other.hi_closed),
            _ => (self.hi, self.hi_closed && other.hi_closed),
        };
        Interval { lo, lo_closed, hi, hi_closed }
    }

    pub fn contains(&self, x: f64) -> bool {
        let above = x > self.lo || (x == self.lo && self.lo_closed);
        let below = x < self.hi || (x == self.hi && self.hi_closed);
        above && below
    }

    /// Whether this interval holds all of `other`.
    pub fn covers(&self, other: &Interval) -> bool {
        let lo_ok = self.lo < other.lo || (self.lo == other.lo && (self.lo_closed || !other.lo_closed));
        let hi_ok = self.hi > other.hi || (self.hi == other.hi && (self.hi_closed || !other.hi_closed));
        lo_ok && hi_ok
    }

    /// The values `x op c` allows, as intervals (`!=` gives two).
    fn of_comparison(op: CmpOp, c: f64) -> Vec<Interval> {
        let (ninf, inf) = (f64::NEG_INFINITY, f64::INFINITY);
        match op {
            CmpOp::Lt => vec![Interval { lo: ninf, lo_closed: true, hi: c, hi_closed: false }],
            CmpOp::Le => vec![Interval { lo: ninf, lo_closed: true, hi: c, hi_closed: true }],
            CmpOp::Gt => vec![Interval { lo: c, lo_closed: false, hi: inf, hi_closed: true }],
            CmpOp::Ge => vec![Interval { lo: c, lo_closed: true, hi: inf, hi_closed: true }],
            CmpOp::Eq => vec![Interval::closed(c, c)],
            CmpOp::Ne => vec![
                Interval { lo: ninf, lo_closed: true, hi: c, hi_closed: false },
                Interval { lo: c, lo_closed: false, hi: inf, hi_closed: true },
            ],
        }
    }
}

/// What a box knows about one slot.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Missing,
    Num(Interval),
    /// A bit per enum value (enums have at most 64 values here; larger ones
    /// are not analysed).
    Enum(u64),
    /// Bit 0: false allowed, bit 1: true allowed.
    Bool(u8),
    /// Known, value not constrained (`x is known`).
    Known,
}

impl Cell {
    fn meet(&self, other: &Cell) -> Option<Cell> {
        let cell = match (self, other) {
            (Cell::Missing, Cell::Missing) => Cell::Missing,
            (Cell::Missing, _) | (_, Cell::Missing) => return None,
            (Cell::Known, c) | (c, Cell::Known) => c.clone(),
            (Cell::Num(a), Cell::Num(b)) => Cell::Num(a.meet(b)),
            (Cell::Enum(a), Cell::Enum(b)) => Cell::Enum(a & b),
            (Cell::Bool(a), Cell::Bool(b)) => Cell::Bool(a & b),
            // Different kinds on one slot cannot happen in a checked
            // program; keep the first rather than claim emptiness.
            (a, _) => a.clone(),
        };
        (!cell.is_empty()).then_some(cell)
    }

    fn is_empty(&self) -> bool {
        match self {
            Cell::Num(i) => i.is_empty(),
            Cell::Enum(bits) => *bits == 0,
            Cell::Bool(bits) => *bits == 0,
            Cell::Missing | Cell::Known => false,
        }
    }
}

/// A conjunction of constraints on slots; slots not in the map are free.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Cube {
    pub cells: BTreeMap<Slot, Cell>,
}

/// A union of cubes. Empty = no state; `[Cube::default()]` = any state.
pub type Dnf = Vec<Cube>;

pub fn top() -> Dnf {
    vec![Cube::default()]
}

/// What the declarations allow for each slot.
#[derive(Clone, Debug)]
pub struct SlotInfo {
    pub kind: SlotKind,
    /// Whether the value can be missing in some allowed state.
    pub may_be_missing: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum SlotKind {
    Num(Interval),
    Enum(usize, usize),
    Bool,
    /// Anything else: text, dates, lists, series. Only `is known` is read.
    Other,
}

/// The program's slots as the analysis sees them.
pub struct Universe<'a> {
    pub program: &'a Program,
    pub slots: Vec<SlotInfo>,
    /// Set when an analysis had to widen to "any state" (a condition it
    /// cannot read, or too many boxes): its sets are then not exact.
    widened: std::cell::Cell<bool>,
}

impl<'a> Universe<'a> {
    pub fn new(program: &'a Program) -> Universe<'a> {
        let mut slots = Vec::with_capacity(program.facts.len() + program.defines.len());
        for fact in &program.facts {
            let kind = match &fact.ty {
                Ty::Num(_) => SlotKind::Num(Interval::closed(
                    fact.low.unwrap_or(f64::NEG_INFINITY),
                    fact.high.unwrap_or(f64::INFINITY),
                )),
                Ty::Enum(e) => SlotKind::Enum(*e, program.enums.get(*e).map_or(0, |t| t.values.len())),
                Ty::Bool => SlotKind::Bool,
                _ => SlotKind::Other,
            };
            slots.push(SlotInfo { kind, may_be_missing: fact.optional && fact.default.is_none() });
        }
        for define in &program.defines {
            let kind = match &define.ty {
                Ty::Num(_) => SlotKind::Num(define_range(program, &define.expr)),
                Ty::Enum(e) => SlotKind::Enum(*e, program.enums.get(*e).map_or(0, |t| t.values.len())),
                Ty::Bool => SlotKind::Bool,
                _ => SlotKind::Other,
            };
            slots.push(SlotInfo { kind, may_be_missing: true });
        }
        Universe { program, slots, widened: std::cell::Cell::new(false) }
    }

    pub fn info(&self, slot: Slot) -> Option<&SlotInfo> {
        self.slots.get(slot as usize)
    }

    /// The define behind a slot, if it is one.
    pub fn define(&self, slot: Slot) -> Option<&'a crate::program::DefineDef> {
        (slot as usize).checked_sub(self.program.facts.len()).and_then(|i| self.program.defines.get(i))
    }

    /// Intersect two cubes; `None` when no allowed state is in both.
    pub fn meet(&self, a: &Cube, b: &Cube) -> Option<Cube> {
        let mut out = a.clone();
        for (slot, cell) in &b.cells {
            let merged = match out.cells.get(slot) {
                Some(existing) => existing.meet(cell)?,
                None => self.restrict(*slot, cell)?,
            };
            out.cells.insert(*slot, merged);
        }
        Some(out)
    }

    /// A cell intersected with what the declarations allow for its slot.
    fn restrict(&self, slot: Slot, cell: &Cell) -> Option<Cell> {
        let Some(info) = self.info(slot) else { return Some(cell.clone()) };
        let base = match (&info.kind, cell) {
            (_, Cell::Missing) => return info.may_be_missing.then_some(Cell::Missing),
            (SlotKind::Num(range), _) => Cell::Num(*range),
            (SlotKind::Enum(_, n), _) if *n <= 64 => Cell::Enum(if *n == 64 { u64::MAX } else { (1u64 << n) - 1 }),
            (SlotKind::Bool, _) => Cell::Bool(0b11),
            _ => Cell::Known,
        };
        base.meet(cell)
    }

    /// A single-cell cube, restricted to the declarations (empty if they
    /// rule it out).
    fn cube(&self, slot: Slot, cell: Cell) -> Dnf {
        match self.restrict(slot, &cell) {
            Some(cell) => vec![Cube { cells: BTreeMap::from([(slot, cell)]) }],
            None => Vec::new(),
        }
    }

    pub fn and(&self, a: &Dnf, b: &Dnf) -> Dnf {
        let mut out = Vec::new();
        for x in a {
            for y in b {
                if let Some(c) = self.meet(x, y) {
                    if out.len() == MAX_BOXES {
                        self.widened.set(true);
                        return top();
                    }
                    out.push(c);
                }
            }
        }
        out
    }

    pub fn or(&self, a: Dnf, b: Dnf) -> Dnf {
        if a.len() + b.len() > MAX_BOXES {
            self.widened.set(true);
            return top();
        }
        let mut out = a;
        out.extend(b);
        out
    }

    /// The states where `node` is true, and those where it is false.
    pub fn truth(&self, node: &Node) -> (Dnf, Dnf) {
        self.truth_at(node, 0)
    }

    /// The same, and whether both sets are exact (nothing was widened):
    /// then a state in neither is one where the condition is unknown.
    pub fn truth_exact(&self, node: &Node) -> (Dnf, Dnf, bool) {
        self.widened.set(false);
        let (t, f) = self.truth_at(node, 0);
        (t, f, !self.widened.get())
    }

    fn opaque(&self) -> (Dnf, Dnf) {
        self.widened.set(true);
        (top(), top())
    }

    fn truth_at(&self, node: &Node, depth: usize) -> (Dnf, Dnf) {
        if depth > MAX_DEPTH {
            return self.opaque();
        }
        let d = depth + 1;
        match node {
            Node::Atom(_, inner) => self.truth_at(inner, d),
            Node::And(a, b) => {
                let ((ta, fa), (tb, fb)) = (self.truth_at(a, d), self.truth_at(b, d));
                (self.and(&ta, &tb), self.or(fa, fb))
            }
            Node::Or(a, b) => {
                let ((ta, fa), (tb, fb)) = (self.truth_at(a, d), self.truth_at(b, d));
                (self.or(ta, tb), self.and(&fa, &fb))
            }
            Node::Not(a) => {
                let (t, f) = self.truth_at(a, d);
                (f, t)
            }
            Node::Const(Value::Bool(b)) => {
                if *b {
                    (top(), Vec::new())
                } else {
                    (Vec::new(), top())
                }
            }
            Node::Slot(s) => match self.info(*s).map(|i| &i.kind) {
                Some(SlotKind::Bool) => match self.define(*s) {
                    // A boolean define is read through its definition, so
                    // that `cold_window` means `since_session <= 6h`.
                    Some(define) => self.truth_at(&define.expr, d),
                    None => (self.cube(*s, Cell::Bool(0b10)), self.cube(*s, Cell::Bool(0b01))),
                },
                _ => self.opaque(),
            },
            Node::CompareSlot(op, s, c) => self.compare_num(*s, *op, *c),
            Node::Compare(op, a, b) => match (&**a, &**b) {
                (Node::Slot(s), Node::Const(v)) => self.compare_const(*s, *op, v),
                (Node::Const(v), Node::Slot(s)) => self.compare_const(*s, flip(*op), v),
                _ => self.opaque(),
            },
            Node::Between(v, lo, hi) => match (&**v, &**lo, &**hi) {
                (Node::Slot(s), Node::Const(Value::Num(lo)), Node::Const(Value::Num(hi)))
                    if matches!(self.info(*s).map(|i| &i.kind), Some(SlotKind::Num(_))) =>
                {
                    let inside = Interval::closed(*lo, *hi);
                    let below = Interval { lo: f64::NEG_INFINITY, lo_closed: true, hi: *lo, hi_closed: false };
                    let above = Interval { lo: *hi, lo_closed: false, hi: f64::INFINITY, hi_closed: true };
                    let t = if inside.is_empty() { Vec::new() } else { self.cube(*s, Cell::Num(inside)) };
                    let f = if inside.is_empty() {
                        self.cube(*s, Cell::Known)
                    } else {
                        self.or(self.cube(*s, Cell::Num(below)), self.cube(*s, Cell::Num(above)))
                    };
                    (t, f)
                }
                _ => self.opaque(),
            },
            Node::In(v, items) => match &**v {
                Node::Slot(s) => match self.info(*s).map(|i| &i.kind) {
                    Some(SlotKind::Enum(_, n)) if *n <= 64 => {
                        let mut bits = 0u64;
                        for item in items {
                            match item {
                                Node::Const(Value::Enum(i)) if u32::from(*i) < 64 => bits |= 1u64 << i,
                                _ => return self.opaque(),
                            }
                        }
                        (self.cube(*s, Cell::Enum(bits)), self.cube(*s, Cell::Enum(!bits)))
                    }
                    _ => self.opaque(),
                },
                _ => self.opaque(),
            },
            Node::IsKnown(v) => match &**v {
                Node::Slot(s) => (self.cube(*s, Cell::Known), self.cube(*s, Cell::Missing)),
                _ => self.opaque(),
            },
            _ => self.opaque(),
        }
    }

    fn compare_num(&self, s: Slot, op: CmpOp, c: f64) -> (Dnf, Dnf) {
        if !matches!(self.info(s).map(|i| &i.kind), Some(SlotKind::Num(_))) || c.is_nan() {
            return self.opaque();
        }
        let cubes = |op| {
            Interval::of_comparison(op, c)
                .into_iter()
                .fold(Vec::new(), |acc, i| self.or(acc, self.cube(s, Cell::Num(i))))
        };
        (cubes(op), cubes(negate(op)))
    }

    fn compare_const(&self, s: Slot, op: CmpOp, v: &Value) -> (Dnf, Dnf) {
        match (v, self.info(s).map(|i| &i.kind)) {
            (Value::Num(c), _) => self.compare_num(s, op, *c),
            (Value::Enum(i), Some(SlotKind::Enum(_, n))) if *n <= 64 && u32::from(*i) < 64 => {
                let bit = 1u64 << i;
                match op {
                    CmpOp::Eq => (self.cube(s, Cell::Enum(bit)), self.cube(s, Cell::Enum(!bit))),
                    CmpOp::Ne => (self.cube(s, Cell::Enum(!bit)), self.cube(s, Cell::Enum(bit))),
                    _ => self.opaque(),
                }
            }
            (Value::Bool(b), Some(SlotKind::Bool)) if matches!(op, CmpOp::Eq | CmpOp::Ne) => {
                let yes = if *b { 0b10 } else { 0b01 };
                let (t, f) = if op == CmpOp::Eq { (yes, !yes & 0b11) } else { (!yes & 0b11, yes) };
                (self.cube(s, Cell::Bool(t)), self.cube(s, Cell::Bool(f)))
            }
            _ => self.opaque(),
        }
    }

    /// Every slot a node reads, through defines too.
    pub fn slots_read(&self, node: &Node, out: &mut Vec<Slot>) {
        self.slots_read_at(node, out, 0);
    }

    fn slots_read_at(&self, node: &Node, out: &mut Vec<Slot>, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        match node {
            Node::Slot(s) | Node::CompareSlot(_, s, _) => {
                if !out.contains(s) {
                    out.push(*s);
                    if let Some(define) = self.define(*s) {
                        self.slots_read_at(&define.expr, out, depth + 1);
                    }
                }
            }
            _ => node.each_child(|n| self.slots_read_at(n, out, depth + 1)),
        }
    }

    /// Whether a slot has a value in every allowed state.
    pub fn always_known(&self, slot: Slot) -> bool {
        self.info(slot).is_some_and(|i| !i.may_be_missing)
    }
}

/// The range a numeric define can take, where it is plain: time since a
/// past instant or date is never negative. Anything else is unbounded.
fn define_range(program: &Program, expr: &Node) -> Interval {
    if let Node::Call(Builtin::Since | Builtin::DaysSince, args) = expr {
        if let [Node::Slot(s)] = args.as_slice() {
            if program.facts.get(*s as usize).is_some_and(|f| f.past) {
                return Interval::closed(0.0, f64::INFINITY);
            }
        }
    }
    Interval::ALL
}

fn negate(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Lt => CmpOp::Ge,
        CmpOp::Le => CmpOp::Gt,
        CmpOp::Gt => CmpOp::Le,
        CmpOp::Ge => CmpOp::Lt,
        CmpOp::Eq => CmpOp::Ne,
        CmpOp::Ne => CmpOp::Eq,
    }
}

fn flip(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Lt => CmpOp::Gt,
        CmpOp::Le => CmpOp::Ge,
        CmpOp::Gt => CmpOp::Lt,
        CmpOp::Ge => CmpOp::Le,
        other => other,
    }
}
