//! What the state loader reads: a YAML document (nodes with spans, from
//! YAML or JSON text) or a `serde_json::Value` held in memory. The loader
//! walks either directly, so a value is never copied into nodes first.

use crate::diagnostic::Span;
use crate::yaml;
use crate::yaml::json::{Borrowed, BorrowedEntry, BorrowedValue};

/// One value of the state as the loader sees it.
pub enum View<'a, N: Input + 'a> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(&'a str),
    Seq(&'a [N]),
    Map(N::Entries<'a>),
    /// A whole number past 64 bits: never a valid value.
    TooLarge,
}

/// A field of a map: its name, where the name was written, its value.
pub struct Field<'a, N: ?Sized> {
    pub key: &'a str,
    pub key_span: Span,
    pub value: &'a N,
}

pub trait Input: Sized {
    type Entries<'a>: Iterator<Item = Field<'a, Self>> + Clone
    where
        Self: 'a;
    /// Whether values were written somewhere (text), so that where each
    /// fact was written is worth keeping.
    const POSITIONS: bool = true;
    fn view(&self) -> View<'_, Self>;
    /// Where the value was written (empty for a value held in memory).
    fn span(&self) -> Span;

    /// A phrase for error messages aimed at people who do not know YAML.
    fn kind_name(&self) -> &'static str {
        match self.view() {
            View::Null => "nothing",
            View::Bool(_) => "true/false",
            View::Int(_) | View::TooLarge => "a whole number",
            View::Float(_) => "a number",
            View::Str(_) => "text",
            View::Seq(_) => "a list",
            View::Map(_) => "a map",
        }
    }
}

impl Input for yaml::Node {
    type Entries<'a> = Fields<std::slice::Iter<'a, yaml::Entry>>;

    fn view(&self) -> View<'_, Self> {
        match &self.value {
            yaml::Value::Null => View::Null,
            yaml::Value::Bool(b) => View::Bool(*b),
            yaml::Value::Int(i) => View::Int(*i),
            yaml::Value::Float(f) => View::Float(*f),
            yaml::Value::Str(s) => View::Str(s),
            yaml::Value::Seq(items) => View::Seq(items),
            yaml::Value::Map(entries) => View::Map(Fields(entries.iter())),
        }
    }

    fn span(&self) -> Span {
        self.span.clone().into()
    }
}

impl Input for serde_json::Value {
    type Entries<'a> = Fields<serde_json::map::Iter<'a>>;
    /// A value held in memory was written nowhere: its facts' places are
    /// all empty, so none is kept.
    const POSITIONS: bool = false;

    fn view(&self) -> View<'_, Self> {
        use serde_json::Value as J;
        match self {
            J::Null => View::Null,
            J::Bool(b) => View::Bool(*b),
            J::Number(n) => match n.as_i64() {
                Some(i) => View::Int(i),
                None if n.is_u64() => View::TooLarge,
                None => n.as_f64().map_or(View::TooLarge, View::Float),
            },
            J::String(s) => View::Str(s),
            J::Array(items) => View::Seq(items),
            J::Object(map) => View::Map(Fields(map.iter())),
        }
    }

    fn span(&self) -> Span {
        Span::default()
    }
}

impl<'t> Input for Borrowed<'t> {
    type Entries<'a>
        = Fields<std::slice::Iter<'a, BorrowedEntry<'t>>>
    where
        Self: 'a;

    fn view(&self) -> View<'_, Self> {
        match &self.value {
            BorrowedValue::Null => View::Null,
            BorrowedValue::Bool(b) => View::Bool(*b),
            BorrowedValue::Int(i) => View::Int(*i),
            BorrowedValue::Float(f) => View::Float(*f),
            BorrowedValue::Str(s) => View::Str(s),
            BorrowedValue::Seq(items) => View::Seq(items),
            BorrowedValue::Map(entries) => View::Map(Fields(entries.iter())),
        }
    }

    fn span(&self) -> Span {
        self.span.clone().into()
    }
}

/// The fields of a map, as the loader reads them. A named iterator rather
/// than `map(fn)`: the conversion is inlined into the loader's loop, not
/// called through a pointer for every field.
#[derive(Clone)]
pub struct Fields<I>(I);

impl<'a, 't> Iterator for Fields<std::slice::Iter<'a, BorrowedEntry<'t>>> {
    type Item = Field<'a, Borrowed<'t>>;
    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let e = self.0.next()?;
        Some(Field { key: &e.key, key_span: e.key_span.clone().into(), value: &e.value })
    }
}

impl<'a> Iterator for Fields<std::slice::Iter<'a, yaml::Entry>> {
    type Item = Field<'a, yaml::Node>;
    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let e = self.0.next()?;
        Some(Field { key: &e.key, key_span: e.key_span.clone().into(), value: &e.value })
    }
}

impl<'a> Iterator for Fields<serde_json::map::Iter<'a>> {
    type Item = Field<'a, serde_json::Value>;
    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let (key, value) = self.0.next()?;
        Some(Field { key, key_span: Span::default(), value })
    }
}
