//! Runtime values and static types.
//!
//! A quantity is a bare `f64` in its dimension's canonical unit: the checker
//! already proved every operation's dimensions, so evaluation never looks at
//! units again.

use std::sync::Arc;

use chrono::{DateTime, FixedOffset, NaiveDate};

use crate::units::{self, Dim, UnitSystem};

/// The static type of a fact, define or expression.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Ty {
    /// A number with a dimension (`Dim::NONE` for a plain number).
    Num(Dim),
    Bool,
    /// An index into `Program::enums`.
    Enum(usize),
    Text,
    Date,
    Instant,
    List(Box<Ty>),
    /// Dated readings of one quantity, oldest first.
    Series(Dim),
}

impl Ty {
    pub fn describe(&self, enums: &[EnumType]) -> String {
        match self {
            Ty::Num(dim) => {
                let name = dim.describe();
                let article = if name.starts_with(['a', 'e', 'i', 'o', 'u', 'H']) { "an" } else { "a" };
                format!("{article} {name}")
            }
            Ty::Bool => "true/false".into(),
            Ty::Enum(i) => enums.get(*i).map_or("a choice".into(), |e| format!("`{}`", e.name)),
            Ty::Text => "text".into(),
            Ty::Date => "a date".into(),
            Ty::Instant => "an instant".into(),
            Ty::Series(dim) => format!("a series of {} readings", dim.describe()),
            Ty::List(item) => format!("a list of {}", item.describe(enums)),
        }
    }
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct EnumType {
    pub name: String,
    pub values: Vec<String>,
    /// What advice shows for each value, where the author said.
    pub labels: Vec<Option<String>>,
}

impl EnumType {
    /// A value as words for advice: its label, else its name with spaces
    /// (`long_run` reads `long run`).
    pub fn words(&self, index: u16) -> String {
        let i = usize::from(index);
        match self.labels.get(i).and_then(Option::as_ref) {
            Some(label) => label.clone(),
            None => self.values.get(i).map_or_else(|| format!("#{i}"), |v| v.replace('_', " ")),
        }
    }
}

/// One dated reading of a series.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Reading {
    pub date: NaiveDate,
    pub value: f64,
}

#[derive(Clone, Debug, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub enum Value {
    /// Not known: an optional fact left out, or computed from one. Logic over
    /// it is three-valued.
    #[default]
    Missing,
    Num(f64),
    Bool(bool),
    Enum(u16),
    Text(Arc<str>),
    Date(NaiveDate),
    /// A date field whose answer is "it has never happened".
    Never,
    Instant(DateTime<FixedOffset>),
    List(Arc<[Value]>),
    Series(Arc<[Reading]>),
}

impl Value {
    pub fn is_missing(&self) -> bool {
        matches!(self, Value::Missing)
    }

    /// Show a value to a coach: quantities in the athlete's units, enum
    /// values by name.
    pub fn display(&self, ty: &Ty, enums: &[EnumType], system: UnitSystem) -> String {
        let mut out = String::new();
        self.push_display(&mut out, ty, enums, system);
        out
    }

    /// [`Value::display`] appended to `out`: numbers, truth values and enum
    /// values without a string of their own (the batch writes thousands).
    pub fn push_display(&self, out: &mut String, ty: &Ty, enums: &[EnumType], system: UnitSystem) {
        match (self, ty) {
            (Value::Num(v), _) if v.is_infinite() && *v > 0.0 => out.push_str("never"),
            (Value::Num(v), Ty::Num(dim)) => units::push_quantity(out, *v, *dim, system),
            (Value::Num(v), _) => units::push_quantity(out, *v, Dim::NONE, system),
            (Value::Bool(b), _) => out.push_str(if *b { "true" } else { "false" }),
            (Value::Enum(i), Ty::Enum(e)) => match enums.get(*e).and_then(|e| e.values.get(usize::from(*i))) {
                Some(name) => out.push_str(name),
                None => out.push_str(&format!("#{i}")),
            },
            (Value::Text(t), _) => out.push_str(t),
            _ => out.push_str(&self.display_other(ty, enums, system)),
        }
    }

    fn display_other(&self, ty: &Ty, enums: &[EnumType], system: UnitSystem) -> String {
        match (self, ty) {
            (Value::Missing, _) => "unknown".into(),
            (Value::Num(v), _) if v.is_infinite() && *v > 0.0 => "never".into(),
            (Value::Num(v), Ty::Num(dim)) => units::format_quantity(*v, *dim, system),
            (Value::Num(v), _) => units::format_quantity(*v, Dim::NONE, system),
            (Value::Bool(b), _) => b.to_string(),
            (Value::Enum(i), Ty::Enum(e)) => {
                enums.get(*e).and_then(|e| e.values.get(usize::from(*i))).cloned().unwrap_or_else(|| format!("#{i}"))
            }
            (Value::Enum(i), _) => format!("#{i}"),
            (Value::Text(t), _) => t.to_string(),
            (Value::Date(d), _) => d.format("%Y-%m-%d").to_string(),
            (Value::Never, _) => "never".into(),
            (Value::Instant(t), _) => t.to_rfc3339(),
            (Value::List(items), Ty::List(item)) => {
                let shown: Vec<String> = items.iter().map(|v| v.display(item, enums, system)).collect();
                format!("[{}]", shown.join(", "))
            }
            (Value::List(items), _) => format!("[{} items]", items.len()),
            (Value::Series(readings), Ty::Series(dim)) => match readings.last() {
                Some(last) => format!(
                    "{} readings, last {} on {}",
                    readings.len(),
                    units::format_quantity(last.value, *dim, system),
                    last.date.format("%Y-%m-%d")
                ),
                None => "no readings".into(),
            },
            (Value::Series(readings), _) => format!("{} readings", readings.len()),
        }
    }
}
