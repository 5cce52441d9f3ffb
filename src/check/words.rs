//! The words of a reason: what the athlete reads for each condition that
//! held. A condition with `as "..."` says it in the coach's words; any other
//! gets words generated here from the docs of the facts and defines it
//! names, the operator, and the threshold, with holes for the values:
//!
//! - `sleep.last_night < 7h` → "hours slept last night: 6 h 30 min (under 7 h)"
//! - `count(symptoms.tight_areas) > 0` → "areas that feel tight: calves and quads"
//! - `symptoms.heavy_legs` → "legs feel heavy"; `not x` → "x's doc: no"
//!
//! A doc that starts with "whether" loses that word: "whether the last
//! session was a hard one" reads "the last session was a hard one". A
//! condition whose shape has no generated words (`not (a and b)`, arithmetic
//! on both sides) shows its source text; the coach can give it words.

use crate::ast::{BinOp, Expr, ExprKind, IsTest};
use crate::program::*;
use crate::value::Ty;

use super::*;

impl Checker {
    /// The generated words of a condition (already checked without errors).
    pub(super) fn generated_words(&mut self, e: &Expr, scope: &Scope<'_>) -> Template {
        let mut parts = Vec::new();
        if self.generate(e, scope, &mut parts).is_none() {
            parts = vec![TemplatePart::Text(source_text(scope.file, e.span))];
        }
        Template { parts }
    }

    fn generate(&mut self, e: &Expr, scope: &Scope<'_>, out: &mut Vec<TemplatePart>) -> Option<()> {
        let text = |s: &str| TemplatePart::Text(s.to_string());
        match &e.kind {
            ExprKind::Path(p) => out.push(text(&self.statement(p))),
            ExprKind::Not(inner) => match &inner.kind {
                ExprKind::Path(p) => out.push(text(&format!("{}: no", self.statement(p)))),
                ExprKind::Contains { list, item } => {
                    let (list_hole, list_ty) = self.hole(list, scope, None)?;
                    let item_ty = match &list_ty {
                        Ty::List(t) => Some((**t).clone()),
                        _ => None,
                    };
                    out.push(text(&format!("{}: ", self.noun(list, scope))));
                    out.push(list_hole);
                    out.push(text(" (not "));
                    out.push(self.hole(item, scope, item_ty.as_ref())?.0);
                    out.push(text(")"));
                }
                _ => return None,
            },
            ExprKind::Binary { op, lhs, rhs } if op.is_comparison() => {
                // `count(list) > 0`: the list itself says more than its size.
                if let (ExprKind::Call { name, args }, ExprKind::Number(n), BinOp::Gt) = (&lhs.kind, &rhs.kind, op) {
                    if let (true, [list], true) = (name.text == "count", args.as_slice(), *n == 0.0) {
                        out.push(text(&format!("{}: ", self.noun(list, scope))));
                        out.push(self.hole(list, scope, None)?.0);
                        return Some(());
                    }
                }
                let (value, ty) = self.hole(lhs, scope, None)?;
                out.push(text(&format!("{}: ", self.noun(lhs, scope))));
                out.push(value);
                let word = match op {
                    BinOp::Lt => "under",
                    BinOp::Le => "at most",
                    BinOp::Gt => "over",
                    BinOp::Ge => "at least",
                    BinOp::Ne => "not",
                    _ => return Some(()),
                };
                out.push(text(&format!(" ({word} ")));
                out.push(self.hole(rhs, scope, Some(&ty))?.0);
                if !is_literal(rhs) {
                    out.push(text(&format!(", {}", self.noun(rhs, scope))));
                }
                out.push(text(")"));
            }
            ExprKind::Between { value, low, high, negated } => {
                let (v, ty) = self.hole(value, scope, None)?;
                out.push(text(&format!("{}: ", self.noun(value, scope))));
                out.push(v);
                out.push(text(if *negated { " (outside " } else { " (between " }));
                out.push(self.hole(low, scope, Some(&ty))?.0);
                out.push(text(if *negated { " to " } else { " and " }));
                out.push(self.hole(high, scope, Some(&ty))?.0);
                out.push(text(")"));
            }
            ExprKind::In { value, set, negated } => {
                let (v, ty) = self.hole(value, scope, None)?;
                out.push(text(&format!("{}: ", self.noun(value, scope))));
                out.push(v);
                if *negated {
                    out.push(text(" (not "));
                    for (i, item) in set.iter().enumerate() {
                        if i > 0 {
                            out.push(text(if i + 1 == set.len() { " or " } else { ", " }));
                        }
                        out.push(self.hole(item, scope, Some(&ty))?.0);
                    }
                    out.push(text(")"));
                }
            }
            ExprKind::Is { value, test, negated } => {
                let noun = self.noun(value, scope);
                match (test, negated) {
                    (IsTest::Missing, false) | (IsTest::Known, true) => out.push(text(&format!("{noun}: not given"))),
                    (IsTest::Never, false) => out.push(text(&format!("{noun}: never"))),
                    _ => {
                        let (v, ty) = self.hole(value, scope, None)?;
                        out.push(text(&format!("{noun}: ")));
                        out.push(v);
                        if let (IsTest::Value(target), true) = (test, negated) {
                            out.push(text(" (not "));
                            out.push(self.hole(target, scope, Some(&ty))?.0);
                            out.push(text(")"));
                        }
                    }
                }
            }
            ExprKind::Contains { list, item } => {
                let (_, list_ty) = self.hole(list, scope, None)?;
                let item_ty = match &list_ty {
                    Ty::List(t) => Some((**t).clone()),
                    _ => None,
                };
                out.push(text(&format!("{} include ", self.noun(list, scope))));
                out.push(self.hole(item, scope, item_ty.as_ref())?.0);
            }
            _ => return None,
        }
        Some(())
    }

    fn hole(&mut self, e: &Expr, scope: &Scope<'_>, hint: Option<&Ty>) -> Option<(TemplatePart, Ty)> {
        let (node, ty) = self.expr(e, scope, hint)?;
        Some((TemplatePart::Hole { expr: node, ty: ty.clone(), bare_number: false }, ty))
    }

    /// The doc of a fact or define, if it has one.
    fn doc_of(&self, name: &str) -> Option<String> {
        match self.fact_names.get(name) {
            Some(&i) => self.facts.get(i).and_then(|f| f.doc.clone()),
            None => self.define_names.get(name).and_then(|&i| self.defines.get(i)).and_then(|d| d.doc.clone()),
        }
    }

    /// A true/false fact or define as a statement: its doc without a
    /// leading "whether", else its name in words.
    fn statement(&self, name: &str) -> String {
        match self.doc_of(name) {
            Some(doc) => doc.strip_prefix("whether ").map_or(doc.clone(), str::to_string),
            None => name_words(name),
        }
    }

    /// What a value is, as a noun phrase: "hours slept last night", "time
    /// since the last sports massage".
    fn noun(&self, e: &Expr, scope: &Scope<'_>) -> String {
        match &e.kind {
            ExprKind::Path(p) => self.statement(p),
            ExprKind::Call { name, args } => match (name.text.as_str(), args.as_slice()) {
                ("since" | "days_since", [x]) => format!("time since {}", event(&self.noun(x, scope))),
                ("until", [x]) => format!("time until {}", event(&self.noun(x, scope))),
                ("months_since", [x]) => format!("months since {}", event(&self.noun(x, scope))),
                ("count", [x]) => format!("number of {}", self.noun(x, scope)),
                _ => source_text(scope.file, e.span),
            },
            _ => source_text(scope.file, e.span),
        }
    }
}

/// "date of the last sports massage" → "the last sports massage";
/// "when the last session ended" → "the last session ended".
fn event(noun: &str) -> &str {
    ["date of ", "when ", "the date of "].iter().find_map(|p| noun.strip_prefix(p)).unwrap_or(noun)
}

/// `last_session.cooled_down` → "last session cooled down".
fn name_words(name: &str) -> String {
    name.replace(['_', '.'], " ")
}

fn is_literal(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Number(_) | ExprKind::Quantity { .. } | ExprKind::Bool(_) => true,
        ExprKind::Neg(inner) => is_literal(inner),
        _ => false,
    }
}
