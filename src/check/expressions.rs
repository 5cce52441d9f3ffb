//! Expressions: names, operators, units and builtin calls, typed and folded.

use std::sync::Arc;

use crate::ast::{self, BinOp, Expr, ExprKind, IsTest};
use crate::builtins::{self, Param};
use crate::diagnostic::{SourceFile, Span, Suggestion};
use crate::program::*;
use crate::units::{self, Dim};
use crate::value::{Ty, Value};

use super::*;

impl Checker {
    /// Compile an expression. `None` means an error was reported; callers
    /// stop there instead of reporting follow-on errors.
    pub(super) fn expr(&mut self, e: &Expr, scope: &Scope<'_>, hint: Option<&Ty>) -> Option<(Node, Ty)> {
        let file = scope.file;
        match &e.kind {
            ExprKind::Number(n) => Some((Node::Const(Value::Num(*n)), Ty::Num(Dim::NONE))),
            // A temperature literal where a difference is expected (compared
            // with `a - b`, added to a reading) is a difference: `9F` is then
            // 5 °C, not -12.8 °C.
            ExprKind::Quantity { dim, text, .. }
                if *dim == Dim::TEMPERATURE && hint == Some(&Ty::Num(Dim::TEMPERATURE_DIFFERENCE)) =>
            {
                let unit = units::Unit::canonical(Dim::TEMPERATURE_DIFFERENCE);
                let value = units::parse_quantity(text, Dim::TEMPERATURE_DIFFERENCE, unit).ok()?;
                Some((Node::Const(Value::Num(value)), Ty::Num(Dim::TEMPERATURE_DIFFERENCE)))
            }
            ExprKind::Quantity { value, dim, .. } => Some((Node::Const(Value::Num(*value)), Ty::Num(*dim))),
            ExprKind::Bool(b) => Some((Node::Const(Value::Bool(*b)), Ty::Bool)),
            ExprKind::Text(t) => Some((Node::Const(Value::Text(t.as_str().into())), Ty::Text)),
            ExprKind::Path(p) => self.path(p, e.span, scope, hint),
            ExprKind::List(_) => {
                self.error(
                    file,
                    "check::type-mismatch",
                    "a list can only follow `in`".into(),
                    e.span,
                    "unexpected list",
                );
                None
            }
            ExprKind::Neg(inner) => {
                let (n, t) = self.expr(inner, scope, hint)?;
                if !matches!(t, Ty::Num(_)) {
                    self.error(
                        file,
                        "check::type-mismatch",
                        format!("cannot negate {}", t.describe(&self.enums)),
                        inner.span,
                        "not a number",
                    );
                    return None;
                }
                Some((fold(Node::Neg(Box::new(n))), t))
            }
            ExprKind::Not(inner) => {
                let n = self.boolean(inner, scope)?;
                Some((Node::Not(Box::new(n)), Ty::Bool))
            }
            ExprKind::Binary { op, lhs, rhs } => self.binary(*op, lhs, rhs, e.span, scope),
            ExprKind::Between { value, low, high, negated } => {
                let (v, vt) = self.expr(value, scope, None)?;
                let lo = self.expr(low, scope, Some(&vt));
                let hi = self.expr(high, scope, Some(&vt));
                let ((lo, lt), (hi, ht)) = (lo?, hi?);
                if !matches!(vt, Ty::Num(_) | Ty::Date | Ty::Instant) {
                    self.error(
                        file,
                        "check::type-mismatch",
                        format!("`between` needs numbers, found {}", vt.describe(&self.enums)),
                        value.span,
                        "here",
                    );
                    return None;
                }
                self.same_type(file, &vt, value.span, &lt, low.span)?;
                self.same_type(file, &vt, value.span, &ht, high.span)?;
                let node = Node::Between(Box::new(v), Box::new(lo), Box::new(hi));
                Some((if *negated { Node::Not(Box::new(node)) } else { node }, Ty::Bool))
            }
            ExprKind::In { value, set, negated } => {
                let (v, vt) = self.expr(value, scope, None)?;
                let mut items = Vec::new();
                for item in set {
                    if let Some((n, t)) = self.expr(item, scope, Some(&vt)) {
                        if self.same_type(file, &vt, value.span, &t, item.span).is_some() {
                            items.push(n);
                        }
                    }
                }
                let node = Node::In(Box::new(v), items);
                Some((if *negated { Node::Not(Box::new(node)) } else { node }, Ty::Bool))
            }
            ExprKind::Is { value, test, negated } => {
                let (v, vt) = self.expr(value, scope, None)?;
                let node = match test {
                    IsTest::Known => Node::IsKnown(Box::new(v)),
                    IsTest::Missing => Node::Not(Box::new(Node::IsKnown(Box::new(v)))),
                    IsTest::Never => {
                        if vt != Ty::Date {
                            self.error(
                                file,
                                "check::type-mismatch",
                                format!("only a date can be `never`; this is {}", vt.describe(&self.enums)),
                                value.span,
                                "not a date",
                            );
                            return None;
                        }
                        Node::IsNever(Box::new(v))
                    }
                    IsTest::Value(target) => {
                        let (t, tt) = self.expr(target, scope, Some(&vt))?;
                        self.same_type(file, &vt, value.span, &tt, target.span)?;
                        Node::Compare(CmpOp::Eq, Box::new(v), Box::new(t))
                    }
                };
                Some((if *negated { Node::Not(Box::new(node)) } else { node }, Ty::Bool))
            }
            ExprKind::Contains { list, item } => {
                let (l, lt) = self.expr(list, scope, None)?;
                let Ty::List(item_ty) = &lt else {
                    self.error(
                        file,
                        "check::type-mismatch",
                        format!("`contains` needs a list, found {}", lt.describe(&self.enums)),
                        list.span,
                        "not a list",
                    );
                    return None;
                };
                let (i, it) = self.expr(item, scope, Some(item_ty))?;
                self.same_type(file, item_ty, list.span, &it, item.span)?;
                Some((Node::Contains(Box::new(l), Box::new(i)), Ty::Bool))
            }
            ExprKind::Call { name, args } => self.call(name, args, e.span, scope, hint),
            ExprKind::Worded { words, .. } => {
                self.error(
                    file,
                    "check::misplaced-words",
                    "only a condition of `when` or `unless` can carry the words of a reason".into(),
                    words.span,
                    "words here",
                )
                .help = Some(
                    "put `as \"...\"` right after one condition of a rule's `when` or `unless` (wrap an `or` in parentheses to word it whole)"
                        .into(),
                );
                None
            }
            ExprKind::If { cond, then, otherwise } => {
                let c = self.boolean(cond, scope);
                let t = self.expr(then, scope, hint);
                let o = match &t {
                    Some((_, tt)) => self.expr(otherwise, scope, Some(&tt.clone())),
                    None => self.expr(otherwise, scope, hint),
                };
                let (c, (t, tt), (o, ot)) = (c?, t?, o?);
                self.same_type(file, &tt, then.span, &ot, otherwise.span)?;
                Some((Node::If(Box::new(c), Box::new(t), Box::new(o)), tt))
            }
        }
    }

    pub(super) fn boolean(&mut self, e: &Expr, scope: &Scope<'_>) -> Option<Node> {
        let (n, t) = self.expr(e, scope, Some(&Ty::Bool))?;
        if t != Ty::Bool {
            self.error(
                scope.file,
                "check::type-mismatch",
                format!("expected a condition (true/false), found {}", t.describe(&self.enums)),
                e.span,
                "not true/false",
            )
            .help = Some("compare it with something, e.g. `x > 3` or `x is value`".into());
            return None;
        }
        Some(n)
    }

    pub(super) fn path(&mut self, p: &str, span: Span, scope: &Scope<'_>, hint: Option<&Ty>) -> Option<(Node, Ty)> {
        if let Some((field, dim)) = scope.reading {
            if p == field {
                return Some((Node::Reading, Ty::Num(dim)));
            }
        }
        if let Some(&i) = self.fact_names.get(p) {
            let ty = self.facts.get(i)?.ty.clone();
            return Some((Node::Slot(u32::try_from(i).ok()?), ty));
        }
        match self.slot_of_define(p) {
            Some(Some((slot, ty))) => return Some((Node::Slot(slot), ty)),
            Some(None) => return None,
            None => {}
        }
        if let Some(Ty::Enum(e)) = hint.map(|h| match h {
            Ty::List(t) => (**t).clone(),
            t => t.clone(),
        }) {
            if let Some(v) = self.enum_value(e, p) {
                return Some((Node::Const(Value::Enum(v)), Ty::Enum(e)));
            }
            let values = self.enums.get(e).map(|t| t.values.clone()).unwrap_or_default();
            let fix = Suggestion::closest(span, p, values.iter().map(String::as_str));
            let help = fix.as_ref().map_or_else(|| format!("the values are: {}", values.join(", ")), Suggestion::help);
            let name = self.enums.get(e).map_or(String::new(), |t| t.name.clone());
            let d = self.error(
                scope.file,
                "check::unknown-enum-value",
                format!("`{p}` is not a value of `{name}`"),
                span,
                "unknown value",
            );
            d.help = Some(help);
            d.suggestion = fix.map(Box::new);
            return None;
        }
        let mut candidates: Vec<&str> =
            self.fact_names.keys().map(String::as_str).chain(self.define_names.keys().map(String::as_str)).collect();
        if let Some((field, _)) = scope.reading {
            candidates.push(field);
        }
        let fix = Suggestion::closest(span, p, candidates.iter().copied());
        let d =
            self.error(scope.file, "check::unknown-name", format!("unknown name `{p}`"), span, "not a fact or define");
        d.help =
            Some(fix.as_ref().map_or_else(|| "declare it in a `facts` block, or `define` it".into(), Suggestion::help));
        d.suggestion = fix.map(Box::new);
        None
    }

    pub(super) fn same_type(
        &mut self,
        file: &Arc<SourceFile>,
        a: &Ty,
        a_span: Span,
        b: &Ty,
        b_span: Span,
    ) -> Option<()> {
        if a == b {
            return Some(());
        }
        if let (Ty::Num(da), Ty::Num(db)) = (a, b) {
            let d = self.error(
                file,
                "check::unit-mismatch",
                format!("cannot compare {} with {}", describe_num(*da), describe_num(*db)),
                b_span,
                &format!("this is {}", describe_num(*db)),
            );
            d.labels.push((a_span, format!("this is {}", describe_num(*da))));
            let number_text = |span: Span| {
                let text = source_text(file, span);
                text.parse::<f64>().is_ok().then_some(text)
            };
            if let Some((n, span)) = [(*da, *db, b_span), (*db, *da, a_span)]
                .into_iter()
                .find(|(p, n, _)| *p == Dim::PERCENT && n.is_none())
                .and_then(|(_, _, span)| number_text(span).map(|n| (n, span)))
            {
                // `humidity > 70` would mean 7000 %.
                let fix = Suggestion { span, replacement: format!("{n}%") };
                d.help = Some(fix.help());
                d.suggestion = Some(Box::new(fix));
            } else if db.is_none() {
                d.help = Some(format!("give the number a unit of {}, e.g. {}", da.describe(), units::examples(*da).0));
            } else if da.is_none() && !db.is_none() {
                d.help = Some(format!("give the number a unit of {}, e.g. {}", db.describe(), units::examples(*db).0));
            }
            if d.help.is_none() && [da, db].iter().any(|x| **x == Dim::TEMPERATURE_DIFFERENCE) {
                d.help = Some("`a - b` of two temperatures is a difference; compare it with a difference such as `5C`, or compare the readings themselves".into());
            }
            return None;
        }
        let (ad, bd) = (a.describe(&self.enums), b.describe(&self.enums));
        let d = self.error(
            file,
            "check::type-mismatch",
            format!("cannot compare {ad} with {bd}"),
            b_span,
            &format!("this is {bd}"),
        );
        d.labels.push((a_span, format!("this is {ad}")));
        None
    }

    pub(super) fn binary(
        &mut self,
        op: BinOp,
        lhs: &Expr,
        rhs: &Expr,
        span: Span,
        scope: &Scope<'_>,
    ) -> Option<(Node, Ty)> {
        let file = scope.file;
        if matches!(op, BinOp::And | BinOp::Or) {
            let (a, b) = (self.boolean(lhs, scope), self.boolean(rhs, scope));
            let (a, b) = (Box::new(a?), Box::new(b?));
            return Some((if op == BinOp::And { Node::And(a, b) } else { Node::Or(a, b) }, Ty::Bool));
        }
        // A literal on the left takes its meaning from the right (`5C <
        // a - b`); otherwise the right side from the left. Added to a
        // temperature reading, a temperature literal is a difference.
        let literal = |e: &Expr| matches!(e.kind, ExprKind::Quantity { .. } | ExprKind::Number(_));
        let ((l, lt), (r, rt)) = if literal(lhs) && !literal(rhs) {
            let (r, rt) = self.expr(rhs, scope, None)?;
            let hint = if op == BinOp::Add && rt == Ty::Num(Dim::TEMPERATURE) { difference() } else { rt.clone() };
            (self.expr(lhs, scope, Some(&hint))?, (r, rt))
        } else {
            let (l, lt) = self.expr(lhs, scope, None)?;
            let hint = if op == BinOp::Add && lt == Ty::Num(Dim::TEMPERATURE) { difference() } else { lt.clone() };
            let right = self.expr(rhs, scope, Some(&hint))?;
            ((l, lt), right)
        };
        if op.is_comparison() {
            self.same_type(file, &lt, lhs.span, &rt, rhs.span)?;
            let ordered = matches!(lt, Ty::Num(_) | Ty::Date | Ty::Instant);
            let cmp = match op {
                BinOp::Lt => CmpOp::Lt,
                BinOp::Le => CmpOp::Le,
                BinOp::Gt => CmpOp::Gt,
                BinOp::Ge => CmpOp::Ge,
                BinOp::Ne => CmpOp::Ne,
                _ => CmpOp::Eq,
            };
            if !ordered && !matches!(cmp, CmpOp::Eq | CmpOp::Ne) {
                self.error(
                    file,
                    "check::type-mismatch",
                    format!("`{}` needs numbers, dates or instants, found {}", op.symbol(), lt.describe(&self.enums)),
                    lhs.span,
                    "cannot be ordered",
                )
                .help = Some("use `is` or `in [...]` for choices".into());
                return None;
            }
            let node = match (l, r) {
                (Node::Slot(slot), Node::Const(Value::Num(c))) => Node::CompareSlot(cmp, slot, c),
                (l, r) => Node::Compare(cmp, Box::new(l), Box::new(r)),
            };
            return Some((node, Ty::Bool));
        }
        let mismatch = |c: &mut Checker| {
            let (a, b) = (lt.describe(&c.enums), rt.describe(&c.enums));
            let d = c.error(file, "check::unit-mismatch", format!("cannot {} {a} and {b}", verb(op)), span, "here");
            d.labels = vec![(lhs.span, format!("this is {a}")), (rhs.span, format!("this is {b}"))];
            if matches!((&lt, &rt), (Ty::Num(_), Ty::Num(d)) if d.is_none()) {
                d.help = Some("give the number a unit, e.g. `30min`".into());
            }
        };
        let reading = Dim::TEMPERATURE;
        let change = Dim::TEMPERATURE_DIFFERENCE;
        let (arith, ty) = match (op, &lt, &rt) {
            // Temperatures are affine: readings subtract to a difference, a
            // difference moves a reading, and two readings never add.
            (BinOp::Sub, Ty::Num(a), Ty::Num(b)) if *a == reading && *b == reading => (ArithOp::Sub, Ty::Num(change)),
            (BinOp::Add, Ty::Num(a), Ty::Num(b)) if *a == reading && *b == reading => {
                mismatch(self);
                if let Some(d) = self.errors.last_mut() {
                    d.help = Some("two temperature readings cannot be added; subtract them for a difference, or add a difference such as `2C`".into());
                }
                return None;
            }
            (BinOp::Add | BinOp::Sub, Ty::Num(a), Ty::Num(b)) if *a == reading && *b == change => {
                (if op == BinOp::Add { ArithOp::Add } else { ArithOp::Sub }, Ty::Num(reading))
            }
            (BinOp::Add, Ty::Num(a), Ty::Num(b)) if *a == change && *b == reading => (ArithOp::Add, Ty::Num(reading)),
            (BinOp::Mul | BinOp::Div, Ty::Num(a), Ty::Num(b)) if *a == reading || *b == reading => {
                mismatch(self);
                if let Some(d) = self.errors.last_mut() {
                    d.help = Some("a temperature reading is a point on a scale and cannot be multiplied or divided; subtract two readings for a difference first".into());
                }
                return None;
            }
            (BinOp::Add | BinOp::Sub, Ty::Num(a), Ty::Num(b)) if a == b => {
                (if op == BinOp::Add { ArithOp::Add } else { ArithOp::Sub }, Ty::Num(*a))
            }
            (BinOp::Mul, Ty::Num(a), Ty::Num(b)) => (ArithOp::Mul, Ty::Num(a.mul(*b))),
            (BinOp::Div, Ty::Num(a), Ty::Num(b)) => (ArithOp::Div, Ty::Num(a.div(*b))),
            (BinOp::Sub, Ty::Instant, Ty::Instant) | (BinOp::Sub, Ty::Date, Ty::Date) => {
                (ArithOp::TimeDiff, Ty::Num(Dim::TIME))
            }
            (BinOp::Add, Ty::Instant, Ty::Num(d)) if *d == Dim::TIME => (ArithOp::InstantAdd, Ty::Instant),
            (BinOp::Sub, Ty::Instant, Ty::Num(d)) if *d == Dim::TIME => (ArithOp::InstantSub, Ty::Instant),
            (BinOp::Add, Ty::Date, Ty::Num(d)) if *d == Dim::TIME => (ArithOp::DateAdd, Ty::Date),
            (BinOp::Sub, Ty::Date, Ty::Num(d)) if *d == Dim::TIME => (ArithOp::DateSub, Ty::Date),
            _ => {
                mismatch(self);
                return None;
            }
        };
        Some((fold(Node::Arith(arith, Box::new(l), Box::new(r))), ty))
    }

    pub(super) fn call(
        &mut self,
        name: &ast::Name,
        args: &[Expr],
        span: Span,
        scope: &Scope<'_>,
        hint: Option<&Ty>,
    ) -> Option<(Node, Ty)> {
        let file = scope.file;
        let Some(info) = builtins::lookup(&name.text) else {
            let fix = Suggestion::closest(name.span, &name.text, builtins::BUILTINS.iter().map(|b| b.name));
            let help = fix.as_ref().map(Suggestion::help);
            let d = self.error(
                file,
                "check::unknown-builtin",
                format!("unknown function `{}`", name.text),
                name.span,
                "not a builtin",
            );
            d.suggestion = fix.map(Box::new);
            d.help = help.or_else(|| {
                Some(format!(
                    "the functions are: {}",
                    builtins::BUILTINS.iter().map(|b| b.name).collect::<Vec<_>>().join(", ")
                ))
            });
            return None;
        };
        if args.len() < info.min_args || args.len() > info.max_args {
            let expected = match (info.min_args, info.max_args) {
                (a, b) if a == b => format!("{a}"),
                (a, usize::MAX) => format!("at least {a}"),
                (a, b) => format!("{a} to {b}"),
            };
            let extra = args.get(info.max_args).map_or(span, |a| a.span);
            self.error(
                file,
                "check::arity",
                format!(
                    "`{}` takes {expected} argument{}, found {}",
                    info.name,
                    if expected == "1" { "" } else { "s" },
                    args.len()
                ),
                extra,
                "here",
            )
            .help = Some(format!("usage: {}", info.signature));
            return None;
        }
        let mut nodes = Vec::new();
        let mut types = Vec::new();
        let mut failed = false;
        for (i, arg) in args.iter().enumerate() {
            let param = info.param(i);
            let compiled = if param == Some(Param::Condition) {
                // The predicate sees the series' reading under its field name.
                let reading = match (types.first(), args.first()) {
                    (Some(Ty::Series(dim)), Some(Expr { kind: ExprKind::Path(p), .. })) => {
                        let field = self
                            .fact_names
                            .get(p)
                            .and_then(|&f| self.facts.get(f))
                            .and_then(|f| f.series_field.clone());
                        field.map(|f| (f, *dim))
                    }
                    _ => None,
                };
                match reading {
                    Some((field, dim)) => {
                        let inner = Scope { file, reading: Some((&field, dim)) };
                        self.boolean(arg, &inner).map(|n| (n, Ty::Bool))
                    }
                    None => {
                        if !failed {
                            self.error(
                                file,
                                "check::type-mismatch",
                                format!("`{}` needs a series fact as its first argument", info.name),
                                args.first().map_or(span, |a| a.span),
                                "not a series fact",
                            );
                        }
                        None
                    }
                }
            } else {
                let arg_hint = match param {
                    Some(Param::SameAsFirst) => types.first().or(hint),
                    // A literal like the first argument takes its meaning
                    // from it (`round(spread, 0.5C)` steps by a difference).
                    Some(Param::LikeFirst) => types.first(),
                    _ => None,
                };
                let arg_hint = arg_hint.cloned();
                self.expr(arg, scope, arg_hint.as_ref())
            };
            match compiled {
                Some((n, t)) => {
                    nodes.push(n);
                    types.push(t);
                }
                None => failed = true,
            }
        }
        if failed {
            return None;
        }
        match builtins::result_type(info.builtin, &types) {
            Ok(ty) => Some((Node::Call(info.builtin, nodes), ty)),
            Err(e) => {
                let arg_span = args.get(e.index).map_or(span, |a| a.span);
                let found =
                    types.get(e.index).map_or(String::new(), |t| format!(", found {}", t.describe(&self.enums)));
                self.error(
                    file,
                    "check::type-mismatch",
                    format!("argument {} of `{}`: {}{found}", e.index + 1, info.name, e.message),
                    arg_span,
                    "this argument",
                )
                .help = Some(format!("usage: {}", info.signature));
                None
            }
        }
    }
}

/// Fold arithmetic over constants, so `1.5 * 2 L` costs nothing per athlete.
pub(super) fn fold(node: Node) -> Node {
    match &node {
        Node::Neg(inner) => match **inner {
            Node::Const(Value::Num(v)) => Node::Const(Value::Num(-v)),
            _ => node,
        },
        Node::Arith(op @ (ArithOp::Add | ArithOp::Sub | ArithOp::Mul | ArithOp::Div), a, b) => match (&**a, &**b) {
            (Node::Const(Value::Num(x)), Node::Const(Value::Num(y))) => {
                let v = match op {
                    ArithOp::Add => x + y,
                    ArithOp::Sub => x - y,
                    ArithOp::Mul => x * y,
                    _ => x / y,
                };
                if v.is_finite() {
                    Node::Const(Value::Num(v))
                } else {
                    node
                }
            }
            _ => node,
        },
        _ => node,
    }
}

fn difference() -> Ty {
    Ty::Num(Dim::TEMPERATURE_DIFFERENCE)
}

pub(super) fn verb(op: BinOp) -> &'static str {
    match op {
        BinOp::Add => "add",
        BinOp::Sub => "subtract",
        BinOp::Mul => "multiply",
        _ => "divide",
    }
}

pub(super) fn describe_num(d: Dim) -> String {
    if d.is_none() {
        "a plain number".into()
    } else {
        format!("a {}", d.describe())
    }
}
