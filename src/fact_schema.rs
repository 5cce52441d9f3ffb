//! The fact schema: what a state may hold. The declared facts, their enums,
//! the slots of `now` and `athlete.units`, and a table of the state's
//! nesting (groups and the names under each) so that the state loader finds
//! a field by the name it is written under, without building dotted paths
//! or hashing them. The state loader depends on this alone, not on the
//! whole program.

use crate::program::{Fact, Program, Slot};
use crate::units::Unit;
use crate::value::{EnumType, Ty};

/// A borrowed view of what a state may hold; see the module docs. Made from
/// a program with [`Program::fact_schema`] (or `From<&Program>`).
#[derive(Clone, Copy, Debug)]
pub struct FactSchema<'p> {
    /// One per fact slot, in slot order.
    pub facts: &'p [Fact],
    pub enums: &'p [EnumType],
    /// The slot of `now`.
    pub now_slot: Option<Slot>,
    /// The slot of `athlete.units`.
    pub units_slot: Option<Slot>,
    pub(crate) table: &'p FactTable,
}

impl<'p> From<&'p Program> for FactSchema<'p> {
    fn from(program: &'p Program) -> FactSchema<'p> {
        program.fact_schema()
    }
}

impl<'p> From<&&'p Program> for FactSchema<'p> {
    fn from(program: &&'p Program) -> FactSchema<'p> {
        program.fact_schema()
    }
}

// The state loader's view of a program, not part of the library's API.
#[doc(hidden)]
impl Program {
    /// What a state for this program may hold.
    pub fn fact_schema(&self) -> FactSchema<'_> {
        FactSchema {
            facts: &self.facts,
            enums: &self.enums,
            now_slot: self.now_slot,
            units_slot: self.units_slot,
            table: self.fact_table.get_or_init(|| FactTable::new(&self.facts)),
        }
    }
}

impl<'p> FactSchema<'p> {
    /// The slot of the fact at a dotted path (`last_session.kind`).
    pub fn fact_index(&self, path: &str) -> Option<usize> {
        let mut group = ROOT;
        let mut parts = path.split('.').peekable();
        while let Some(name) = parts.next() {
            match (self.table.child(group, name, &mut 0)?, parts.peek()) {
                (Target::Fact(i), None) => return Some(i),
                (Target::Group(g), Some(_)) => group = g,
                _ => return None,
            }
        }
        None
    }

    /// The group at `index` ([`ROOT`] is the state itself).
    pub(crate) fn group(&self, index: usize) -> Option<&'p Group> {
        self.table.groups.get(index)
    }

    /// What `name` is in `group`. `hint` is where to look first and is
    /// moved past a match: fields are mostly written in the order they are
    /// declared, so the next one is usually right there.
    pub(crate) fn child(&self, group: usize, name: &str, hint: &mut usize) -> Option<Target> {
        self.table.child(group, name, hint)
    }

    /// The slot of `athlete.timezone`, if declared.
    pub fn time_zone_slot(&self) -> Option<usize> {
        self.table.time_zone
    }

    /// The facts whose value, or absence, is checked once the whole state
    /// is read (see `FactTable::checked`).
    pub(crate) fn checked(&self) -> &'p [usize] {
        &self.table.checked
    }

    /// How the fact at `slot` is read the quick way.
    pub(crate) fn quick(&self, slot: usize) -> Quick {
        self.table.quick.get(slot).copied().unwrap_or(Quick::Full)
    }

    /// The group a fact is written in.
    pub(crate) fn parent_of(&self, fact: usize) -> usize {
        self.table.parent.get(fact).copied().unwrap_or(ROOT)
    }
}

/// The fact that names the athlete's time zone.
pub const TIME_ZONE_FACT: &str = "athlete.timezone";

/// The state itself, the outermost group.
pub(crate) const ROOT: usize = 0;

/// The state's nesting; built once per program, on the first state read.
#[derive(Debug, Default)]
pub struct FactTable {
    /// [`ROOT`] first.
    groups: Vec<Group>,
    /// The group each fact is written in, by slot.
    parent: Vec<usize>,
    time_zone: Option<usize>,
    /// The facts the loader's last pass must look at, in slot order: those
    /// with a default, required ones, and those with `requires`, `past` or
    /// readings. An optional plain fact needs nothing more once read, and
    /// a platform's schema is mostly such facts.
    checked: Vec<usize>,
    /// How each fact's value is read when it is of a common kind, by slot.
    quick: Vec<Quick>,
}

/// What the state loader needs to take a number, a truth value or a word of
/// an enum at once, by slot: a small copy of the fact's type, unit and
/// bounds (a `Fact` is some 200 bytes, most of them never looked at when a
/// value is right). A value the quick way does not take, a wrong one among
/// them, goes the full way (`Loader::fact`), which says what is wrong.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Quick {
    /// A quantity or a count written as a number: the unit it is read in,
    /// and the bounds it must lie within (infinite where there are none).
    Number { unit: Unit, low: f64, high: f64 },
    Bool,
    /// The index of the enum in the schema's enums.
    Enum(usize),
    /// Text, dates, times, lists, series: always the full way.
    Full,
}

impl Quick {
    fn of(fact: &Fact) -> Quick {
        match fact.ty {
            Ty::Num(dim) => Quick::Number {
                unit: fact.unit.unwrap_or(Unit::canonical(dim)),
                low: fact.low.unwrap_or(f64::NEG_INFINITY),
                high: fact.high.unwrap_or(f64::INFINITY),
            },
            Ty::Bool => Quick::Bool,
            Ty::Enum(e) => Quick::Enum(e),
            _ => Quick::Full,
        }
    }
}

/// A map in the state file that holds fields (`last_session:`), or the
/// file itself.
#[derive(Debug)]
pub(crate) struct Group {
    /// Dotted (`""` for the file itself).
    pub path: String,
    /// The enclosing group (the root's is itself).
    pub parent: usize,
    /// In declaration order.
    pub children: Vec<(String, Target)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    Fact(usize),
    Group(usize),
}

impl FactTable {
    fn new(facts: &[Fact]) -> FactTable {
        let mut table = FactTable {
            groups: vec![Group { path: String::new(), parent: ROOT, children: Vec::new() }],
            parent: Vec::with_capacity(facts.len()),
            time_zone: None,
            checked: Vec::new(),
            quick: facts.iter().map(Quick::of).collect(),
        };
        for (slot, fact) in facts.iter().enumerate() {
            let mut group = ROOT;
            let (parents, name) = fact.path.rsplit_once('.').unwrap_or(("", &fact.path));
            let mut start = 0;
            for part in parents.split('.').filter(|p| !p.is_empty()) {
                let end = start + part.len();
                group = table.group_for(group, part, fact.path.get(..end).unwrap_or(""));
                start = end + 1;
            }
            table.parent.push(group);
            // A fact and a group of the same name: the name is the fact's,
            // as the path lookup always had it.
            if let Some(g) = table.groups.get_mut(group) {
                match g.children.iter_mut().find(|(n, _)| n == name) {
                    Some((_, target @ Target::Group(_))) => *target = Target::Fact(slot),
                    Some(_) => {}
                    None => g.children.push((name.to_string(), Target::Fact(slot))),
                }
            }
            if fact.path == TIME_ZONE_FACT {
                table.time_zone = Some(slot);
            }
            // What `Loader::finish` looks at; keep the two together.
            let series = matches!(fact.ty, Ty::Series(_));
            if fact.default.is_some() || !fact.optional || fact.requires.is_some() || fact.past || series {
                table.checked.push(slot);
            }
        }
        table
    }

    /// The group `name` under `parent`, made if new.
    fn group_for(&mut self, parent: usize, name: &str, path: &str) -> usize {
        let existing = self.groups.get(parent).and_then(|g| g.children.iter().find(|(n, _)| n == name));
        match existing {
            Some((_, Target::Group(g))) => *g,
            // A fact of that name: the group gets a number but no name to be
            // found by, as before.
            Some((_, Target::Fact(_))) => self.add_group(parent, path, None),
            None => self.add_group(parent, path, Some(name)),
        }
    }

    fn add_group(&mut self, parent: usize, path: &str, name: Option<&str>) -> usize {
        let index = self.groups.len();
        self.groups.push(Group { path: path.to_string(), parent, children: Vec::new() });
        if let (Some(name), Some(g)) = (name, self.groups.get_mut(parent)) {
            g.children.push((name.to_string(), Target::Group(index)));
        }
        index
    }

    fn child(&self, group: usize, name: &str, hint: &mut usize) -> Option<Target> {
        let children = &self.groups.get(group)?.children;
        if let Some((n, target)) = children.get(*hint) {
            if n == name {
                *hint += 1;
                return Some(*target);
            }
        }
        let at = children.iter().position(|(n, _)| n == name)?;
        *hint = at + 1;
        children.get(at).map(|(_, t)| *t)
    }
}
