//! Declarations: enums and facts, their types, ranges and defaults.

use std::sync::Arc;

use crate::ast::{self, Expr, ExprKind, Item};
use crate::diagnostic::{SourceFile, Suggestion};
use crate::program::*;
use crate::units::{self, Dim};
use crate::value::{EnumType, Ty, Value};

use super::*;

/// Most values one enum may list. Values are stored in 16 bits, and an
/// enum is a short list of choices written by hand.
pub const MAX_ENUM_VALUES: usize = 1_000;

impl Checker {
    pub(super) fn declare_enums(&mut self, inputs: &[Input]) {
        for input in inputs {
            for item in &input.ast.items {
                let Item::Enum(decl) = item else { continue };
                if self.enum_names.contains_key(&decl.name.text)
                    || PLAIN_TYPES.contains(&decl.name.text.as_str())
                    || units::kind(&decl.name.text).is_some()
                {
                    self.error(
                        &input.file,
                        "check::duplicate-enum",
                        format!("`{}` is already a type", decl.name.text),
                        decl.name.span,
                        "declared again here",
                    );
                    continue;
                }
                self.check_unique_values(&input.file, &decl.values);
                self.enum_names.insert(decl.name.text.clone(), self.enums.len());
                self.enums.push(EnumType {
                    name: decl.name.text.clone(),
                    values: decl.values.iter().map(|v| v.text.clone()).collect(),
                    labels: decl.labels.clone(),
                });
            }
        }
    }

    /// Each value listed once (checked with a set: a 50,000-value enum took
    /// seconds compared pairwise), and no more than [`MAX_ENUM_VALUES`].
    pub(super) fn check_unique_values(&mut self, file: &Arc<SourceFile>, values: &[ast::Name]) {
        if let Some(extra) = values.get(MAX_ENUM_VALUES) {
            let all = values.first().map_or(extra.span, |first| first.span.join(extra.span));
            let d = self.error(
                file,
                "check::too-many-values",
                format!("this enum lists {} values; recoup accepts at most {MAX_ENUM_VALUES}", values.len()),
                Span::new(all.start, all.start.saturating_add(1)),
                "the values start here",
            );
            d.help = Some(
                "an enum names a few choices a coach writes by hand; use a `text` fact for open-ended values".into(),
            );
            return;
        }
        let mut seen = std::collections::HashSet::new();
        for v in values {
            if !seen.insert(v.text.as_str()) {
                self.error(
                    file,
                    "check::duplicate-enum",
                    format!("`{}` is listed twice", v.text),
                    v.span,
                    "again here",
                );
            }
        }
    }

    /// The type a fact declaration names, and how plain numbers in a state
    /// file are read for it.
    pub(super) fn resolve_type(
        &mut self,
        file: &Arc<SourceFile>,
        ty: &ast::TypeExpr,
        owner: &str,
    ) -> Option<(Ty, Option<units::Unit>, Option<String>)> {
        match ty {
            ast::TypeExpr::Named { name, .. } => {
                let n = name.text.as_str();
                let plain = match n {
                    "number" => Some(Ty::Num(Dim::NONE)),
                    "bool" => Some(Ty::Bool),
                    "text" => Some(Ty::Text),
                    "date" => Some(Ty::Date),
                    "instant" => Some(Ty::Instant),
                    _ => None,
                };
                if let Some(t) = plain {
                    let unit = matches!(t, Ty::Num(_)).then(|| units::kind("number")).flatten();
                    return Some((t, unit, None));
                }
                if let Some(unit) = units::kind(n) {
                    return Some((Ty::Num(unit.dim), Some(unit), None));
                }
                if let Some(&i) = self.enum_names.get(n) {
                    return Some((Ty::Enum(i), None, None));
                }
                let names: Vec<String> = PLAIN_TYPES
                    .iter()
                    .chain(units::KIND_NAMES)
                    .map(|s| s.to_string())
                    .chain(self.enum_names.keys().cloned())
                    .collect();
                // A rate's parts are not names to correct one by one.
                let fix = if n.contains('/') {
                    None
                } else {
                    Suggestion::closest(name.span, n, names.iter().map(String::as_str))
                };
                let help = match &fix {
                    _ if n.contains('/') => Some(
                        "a rate is a ratio of two kinds or units of measure, e.g. `volume/hours`, `ml/h` or `mg/h`"
                            .into(),
                    ),
                    fix => fix.as_ref().map(Suggestion::help),
                };
                let d = self.error(file, "check::unknown-type", format!("unknown type `{n}`"), name.span, "not a type");
                d.suggestion = fix.map(Box::new);
                d.help = help.or(Some(format!(
                    "types are {}, or an enum",
                    PLAIN_TYPES.iter().chain(units::KIND_NAMES).copied().collect::<Vec<_>>().join(", ")
                )));
                None
            }
            ast::TypeExpr::Enum { values, labels, .. } => {
                self.check_unique_values(file, values);
                let index = self.enums.len();
                self.enums.push(EnumType {
                    name: owner.to_string(),
                    values: values.iter().map(|v| v.text.clone()).collect(),
                    labels: labels.clone(),
                });
                Some((Ty::Enum(index), None, None))
            }
            ast::TypeExpr::List { item, span } => {
                let (item_ty, unit, _) = self.resolve_type(file, item, owner)?;
                if matches!(item_ty, Ty::List(_) | Ty::Series(_)) {
                    self.error(file, "check::unknown-type", "a list cannot hold lists or series".into(), *span, "here");
                    return None;
                }
                Some((Ty::List(Box::new(item_ty)), unit, None))
            }
            ast::TypeExpr::Series { field, kind, .. } => match units::kind(&kind.text) {
                Some(unit) => Some((Ty::Series(unit.dim), Some(unit), Some(field.text.clone()))),
                None => {
                    let fix = Suggestion::closest(kind.span, &kind.text, units::KIND_NAMES.iter().copied());
                    let d = self.error(
                        file,
                        "check::unknown-type",
                        format!("`{}` is not a kind of quantity", kind.text),
                        kind.span,
                        "readings must be quantities",
                    );
                    d.help = fix.as_ref().map(Suggestion::help);
                    d.suggestion = fix.map(Box::new);
                    None
                }
            },
        }
    }

    pub(super) fn declare_facts(&mut self, inputs: &[Input]) {
        let mut requires: Vec<(Arc<SourceFile>, usize, ast::Name)> = Vec::new();
        for input in inputs {
            for item in &input.ast.items {
                let Item::Facts(decls, _) = item else { continue };
                for decl in decls {
                    let path = decl.path.text.clone();
                    if self.fact_names.contains_key(&path) {
                        self.error(
                            &input.file,
                            "check::duplicate-fact",
                            format!("fact `{path}` is declared twice"),
                            decl.path.span,
                            "declared again here",
                        );
                        continue;
                    }
                    let Some((ty, unit, series_field)) = self.resolve_type(&input.file, &decl.ty, &path) else {
                        continue;
                    };
                    let or_never = matches!(decl.ty, ast::TypeExpr::Named { or_never: true, .. });
                    if or_never && ty != Ty::Date {
                        self.error(
                            &input.file,
                            "check::bad-default",
                            "only a date can be `or never`".into(),
                            decl.ty.span(),
                            "not a date",
                        );
                    }
                    if decl.past && !matches!(ty, Ty::Date | Ty::Instant) {
                        self.error(
                            &input.file,
                            "check::bad-default",
                            "only a date or an instant can be `past`".into(),
                            decl.span,
                            "here",
                        );
                    }
                    let scope = Scope { file: &input.file, reading: None };
                    let bound = |c: &mut Checker, e: &Option<Expr>| -> Option<f64> {
                        let e = e.as_ref()?;
                        let (node, t) = c.expr(e, &scope, None)?;
                        let value = match (node, t) {
                            (Node::Const(Value::Num(v)), Ty::Num(d))
                                if Some(d) == unit.map(|u| u.dim) || ty == Ty::Num(d) =>
                            {
                                Some(v)
                            }
                            _ => None,
                        };
                        if value.is_none() {
                            c.error(
                                &input.file,
                                "check::bad-default",
                                format!("a bound of `{path}` must be {}", ty.describe(&c.enums)),
                                e.span,
                                "does not fit",
                            );
                        }
                        value
                    };
                    let (mut low, mut high) = (None, None);
                    if let Some(range) = &decl.range {
                        let item_ty = match &ty {
                            Ty::List(t) => (**t).clone(),
                            Ty::Series(d) => Ty::Num(*d),
                            t => t.clone(),
                        };
                        if !matches!(item_ty, Ty::Num(_)) {
                            self.error(
                                &input.file,
                                "check::bad-default",
                                "only quantities can have a range".into(),
                                range.span,
                                "here",
                            );
                        } else {
                            low = bound(self, &range.low);
                            high = bound(self, &range.high);
                        }
                    }
                    let default = decl.default.as_ref().and_then(|e| self.constant(&input.file, e, &ty, &path));
                    if decl.optional && default.is_some() {
                        self.error(
                            &input.file,
                            "check::bad-default",
                            format!("`{path}` is optional and has a default"),
                            decl.span,
                            "choose one",
                        )
                        .help = Some("a default already says what absent means: drop the `?`".into());
                    }
                    let index = self.facts.len();
                    if let Some(r) = &decl.requires {
                        requires.push((Arc::clone(&input.file), index, r.clone()));
                    }
                    self.fact_names.insert(path.clone(), index);
                    self.facts.push(Fact {
                        path,
                        ty,
                        unit,
                        series_field,
                        optional: decl.optional,
                        default,
                        low,
                        high,
                        never_allowed: or_never,
                        past: decl.past,
                        requires: None,
                        doc: decl.doc.clone(),
                    });
                }
            }
        }
        for (file, index, name) in requires {
            match self.fact_names.get(&name.text) {
                Some(&other) => {
                    if let Some(f) = self.facts.get_mut(index) {
                        f.requires = Some(other);
                    }
                }
                None => {
                    let fix = Suggestion::closest(name.span, &name.text, self.fact_names.keys().map(String::as_str));
                    let d = self.error(
                        &file,
                        "check::unknown-name",
                        format!("unknown fact `{}`", name.text),
                        name.span,
                        "not a declared fact",
                    );
                    d.help = fix.as_ref().map(Suggestion::help);
                    d.suggestion = fix.map(Box::new);
                }
            }
        }
    }

    /// A default value: a literal of the fact's type.
    pub(super) fn constant(&mut self, file: &Arc<SourceFile>, e: &Expr, ty: &Ty, path: &str) -> Option<Value> {
        let value = match (&e.kind, ty) {
            (ExprKind::Bool(b), Ty::Bool) => Some(Value::Bool(*b)),
            (ExprKind::Text(t), Ty::Text) => Some(Value::Text(t.as_str().into())),
            (ExprKind::Number(n), Ty::Num(d)) if d.is_none() => Some(Value::Num(*n)),
            (ExprKind::Quantity { value, dim, .. }, Ty::Num(d)) if dim == d => Some(Value::Num(*value)),
            (ExprKind::Path(p), Ty::Enum(i)) => self.enum_value(*i, p).map(Value::Enum),
            (ExprKind::List(items), Ty::List(item_ty)) => {
                let values: Option<Vec<Value>> = items.iter().map(|i| self.constant(file, i, item_ty, path)).collect();
                return values.map(|v| Value::List(v.into()));
            }
            _ => None,
        };
        if value.is_none() {
            let expected = ty.describe(&self.enums);
            self.error(
                file,
                "check::bad-default",
                format!("the default of `{path}` must be {expected}"),
                e.span,
                "does not fit",
            );
        }
        value
    }

    pub(super) fn enum_value(&self, enum_index: usize, name: &str) -> Option<u16> {
        self.enums.get(enum_index)?.values.iter().position(|v| v == name).and_then(|i| u16::try_from(i).ok())
    }
}
