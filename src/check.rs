//! AST to checked program: names resolved, types and units checked, fact
//! slots fixed, rules compiled to their evaluation form. Every problem in
//! every file is collected before giving up, so a coach sees them all at once.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use crate::ast::{self, BinOp, Clause, Expr, ExprKind, IsTest, Item, TemplatePart as AstPart};
use crate::builtins::{self, Builtin};
use crate::diagnostic::{suggest, Diagnostic, SourceFile, Span};
use crate::program::*;
use crate::units::{self, Dim};
use crate::value::{EnumType, Ty, Value};

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
        self.errors.push(Diagnostic::error(code, message).in_file(file).label(span, label));
        let last = self.errors.len() - 1;
        &mut self.errors[last]
    }

    fn declare_enums(&mut self, inputs: &[Input]) {
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

    fn check_unique_values(&mut self, file: &Arc<SourceFile>, values: &[ast::Name]) {
        for (i, v) in values.iter().enumerate() {
            if values.iter().take(i).any(|o| o.text == v.text) {
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
    fn resolve_type(
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
                let help = suggest(n, names.iter().map(String::as_str));
                let d = self.error(file, "check::unknown-type", format!("unknown type `{n}`"), name.span, "not a type");
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
                    let help = suggest(&kind.text, units::KIND_NAMES.iter().copied());
                    let d = self.error(
                        file,
                        "check::unknown-type",
                        format!("`{}` is not a kind of quantity", kind.text),
                        kind.span,
                        "readings must be quantities",
                    );
                    d.help = help;
                    None
                }
            },
        }
    }

    fn declare_facts(&mut self, inputs: &[Input]) {
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
                    let help = suggest(&name.text, self.fact_names.keys().map(String::as_str));
                    self.error(
                        &file,
                        "check::unknown-name",
                        format!("unknown fact `{}`", name.text),
                        name.span,
                        "not a declared fact",
                    )
                    .help = help;
                }
            }
        }
    }

    /// A default value: a literal of the fact's type.
    fn constant(&mut self, file: &Arc<SourceFile>, e: &Expr, ty: &Ty, path: &str) -> Option<Value> {
        let value = match (&e.kind, ty) {
            (ExprKind::Bool(b), Ty::Bool) => Some(Value::Bool(*b)),
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

    fn enum_value(&self, enum_index: usize, name: &str) -> Option<u16> {
        self.enums.get(enum_index)?.values.iter().position(|v| v == name).and_then(|i| u16::try_from(i).ok())
    }

    fn compile_defines(&mut self, inputs: &[Input]) {
        // Collect, then order so that each define comes after the ones it uses.
        let mut all: Vec<(&Arc<SourceFile>, &ast::Define)> = Vec::new();
        let mut index_of: HashMap<&str, usize> = HashMap::new();
        for input in inputs {
            for item in &input.ast.items {
                let Item::Define(d) = item else { continue };
                if self.fact_names.contains_key(&d.name.text) || index_of.contains_key(d.name.text.as_str()) {
                    self.error(
                        &input.file,
                        "check::duplicate-define",
                        format!("`{}` is already defined", d.name.text),
                        d.name.span,
                        "defined again here",
                    );
                    continue;
                }
                index_of.insert(&d.name.text, all.len());
                all.push((&input.file, d));
            }
        }
        let deps: Vec<Vec<usize>> = all
            .iter()
            .map(|(_, d)| {
                let mut names = Vec::new();
                paths(&d.expr, &mut names);
                let mut v: Vec<usize> = names.iter().filter_map(|n| index_of.get(n.as_str()).copied()).collect();
                v.sort_unstable();
                v.dedup();
                v
            })
            .collect();
        // Depth-first topological order; a back edge is a cycle.
        let mut state = vec![0u8; all.len()]; // 0 new, 1 on stack, 2 done
        let mut order = Vec::new();
        for start in 0..all.len() {
            if state.get(start) != Some(&0) {
                continue;
            }
            let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
            if let Some(s) = state.get_mut(start) {
                *s = 1;
            }
            while let Some((node, next)) = stack.last().copied() {
                let edges = deps.get(node).map_or(&[][..], Vec::as_slice);
                if let Some(&dep) = edges.get(next) {
                    if let Some(top) = stack.last_mut() {
                        top.1 += 1;
                    }
                    match state.get(dep) {
                        Some(0) => {
                            if let Some(s) = state.get_mut(dep) {
                                *s = 1;
                            }
                            stack.push((dep, 0));
                        }
                        Some(1) => {
                            let cycle_start = stack.iter().position(|(n, _)| *n == dep).unwrap_or(0);
                            let names: Vec<&str> = stack
                                .iter()
                                .skip(cycle_start)
                                .map(|(n, _)| all.get(*n).map_or("?", |(_, d)| d.name.text.as_str()))
                                .collect();
                            if let Some((file, d)) = all.get(dep) {
                                let file = Arc::clone(file);
                                self.error(
                                    &file,
                                    "check::define-cycle",
                                    format!(
                                        "defines refer to each other in a loop: {} -> {}",
                                        names.join(" -> "),
                                        d.name.text
                                    ),
                                    d.name.span,
                                    "this define is part of the loop",
                                )
                                .help = Some("a define cannot use itself, directly or through others".into());
                            }
                        }
                        _ => {}
                    }
                } else {
                    stack.pop();
                    if let Some(s) = state.get_mut(node) {
                        *s = 2;
                    }
                    order.push(node);
                }
            }
        }
        if self.errors.iter().any(|e| e.code == "check::define-cycle") {
            return;
        }
        for i in order {
            let Some((file, d)) = all.get(i) else { continue };
            let scope = Scope { file, reading: None };
            let Some((node, ty)) = self.expr(&d.expr, &scope, None) else {
                // Keep the name known so later uses do not cascade into
                // "unknown name" errors.
                continue;
            };
            let facts = self.node_facts(&node);
            self.define_names.insert(d.name.text.clone(), self.defines.len());
            self.defines.push(DefineDef { name: d.name.text.clone(), ty, expr: node, doc: d.doc.clone() });
            self.define_facts.push(facts);
        }
        // Names of defines that failed to compile: remembered so that uses
        // are not reported again.
        for (_, d) in &all {
            if !self.define_names.contains_key(&d.name.text) {
                self.define_names.insert(d.name.text.clone(), usize::MAX);
            }
        }
    }

    /// Facts a compiled expression reads, through defines.
    fn node_facts(&self, node: &Node) -> Vec<usize> {
        let mut out = BTreeSet::new();
        self.collect_facts(node, &mut out);
        out.into_iter().collect()
    }

    fn collect_facts(&self, node: &Node, out: &mut BTreeSet<usize>) {
        let nfacts = self.facts.len();
        match node {
            Node::Slot(s) => {
                let s = *s as usize;
                if s < nfacts {
                    out.insert(s);
                } else if let Some(f) = self.define_facts.get(s - nfacts) {
                    out.extend(f.iter().copied());
                }
            }
            Node::Const(_) | Node::Reading => {}
            Node::CompareSlot(_, s, _) => self.collect_facts(&Node::Slot(*s), out),
            Node::Neg(a) | Node::Not(a) | Node::IsKnown(a) | Node::IsNever(a) | Node::Atom(_, a) => {
                self.collect_facts(a, out)
            }
            Node::And(a, b) | Node::Or(a, b) | Node::Compare(_, a, b) | Node::Arith(_, a, b) | Node::Contains(a, b) => {
                self.collect_facts(a, out);
                self.collect_facts(b, out);
            }
            Node::Between(a, b, c) | Node::If(a, b, c) => {
                self.collect_facts(a, out);
                self.collect_facts(b, out);
                self.collect_facts(c, out);
            }
            Node::In(a, set) => {
                self.collect_facts(a, out);
                for n in set {
                    self.collect_facts(n, out);
                }
            }
            Node::Call(_, args) => {
                for n in args {
                    self.collect_facts(n, out);
                }
            }
        }
    }

    fn slot_of_define(&self, name: &str) -> Option<Option<(Slot, Ty)>> {
        let &i = self.define_names.get(name)?;
        if i == usize::MAX {
            return Some(None);
        }
        let d = self.defines.get(i)?;
        let slot = u32::try_from(self.facts.len() + i).ok()?;
        Some(Some((slot, d.ty.clone())))
    }

    /// Compile an expression. `None` means an error was reported; callers
    /// stop there instead of reporting follow-on errors.
    fn expr(&mut self, e: &Expr, scope: &Scope<'_>, hint: Option<&Ty>) -> Option<(Node, Ty)> {
        let file = scope.file;
        match &e.kind {
            ExprKind::Number(n) => Some((Node::Const(Value::Num(*n)), Ty::Num(Dim::NONE))),
            ExprKind::Quantity { value, dim, .. } => Some((Node::Const(Value::Num(*value)), Ty::Num(*dim))),
            ExprKind::Bool(b) => Some((Node::Const(Value::Bool(*b)), Ty::Bool)),
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

    fn boolean(&mut self, e: &Expr, scope: &Scope<'_>) -> Option<Node> {
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

    fn path(&mut self, p: &str, span: Span, scope: &Scope<'_>, hint: Option<&Ty>) -> Option<(Node, Ty)> {
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
            let help = suggest(p, values.iter().map(String::as_str))
                .unwrap_or_else(|| format!("the values are: {}", values.join(", ")));
            let name = self.enums.get(e).map_or(String::new(), |t| t.name.clone());
            self.error(
                scope.file,
                "check::unknown-enum-value",
                format!("`{p}` is not a value of `{name}`"),
                span,
                "unknown value",
            )
            .help = Some(help);
            return None;
        }
        let mut candidates: Vec<&str> =
            self.fact_names.keys().map(String::as_str).chain(self.define_names.keys().map(String::as_str)).collect();
        if let Some((field, _)) = scope.reading {
            candidates.push(field);
        }
        let help = suggest(p, candidates.iter().copied());
        let d =
            self.error(scope.file, "check::unknown-name", format!("unknown name `{p}`"), span, "not a fact or define");
        d.help = help.or_else(|| Some("declare it in a `facts` block, or `define` it".into()));
        None
    }

    fn same_type(&mut self, file: &Arc<SourceFile>, a: &Ty, a_span: Span, b: &Ty, b_span: Span) -> Option<()> {
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
            if db.is_none() {
                d.help = Some(format!("give the number a unit of {}, e.g. {}", da.describe(), units::examples(*da).0));
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

    fn binary(&mut self, op: BinOp, lhs: &Expr, rhs: &Expr, span: Span, scope: &Scope<'_>) -> Option<(Node, Ty)> {
        let file = scope.file;
        if matches!(op, BinOp::And | BinOp::Or) {
            let (a, b) = (self.boolean(lhs, scope), self.boolean(rhs, scope));
            let (a, b) = (Box::new(a?), Box::new(b?));
            return Some((if op == BinOp::And { Node::And(a, b) } else { Node::Or(a, b) }, Ty::Bool));
        }
        let (l, lt) = self.expr(lhs, scope, None)?;
        let (r, rt) = self.expr(rhs, scope, Some(&lt))?;
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
        let (arith, ty) = match (op, &lt, &rt) {
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
            _ => {
                mismatch(self);
                return None;
            }
        };
        Some((fold(Node::Arith(arith, Box::new(l), Box::new(r))), ty))
    }

    fn call(
        &mut self,
        name: &ast::Name,
        args: &[Expr],
        span: Span,
        scope: &Scope<'_>,
        hint: Option<&Ty>,
    ) -> Option<(Node, Ty)> {
        let file = scope.file;
        let Some(info) = builtins::lookup(&name.text) else {
            let help = suggest(&name.text, builtins::BUILTINS.iter().map(|b| b.name));
            self.error(
                file,
                "check::unknown-builtin",
                format!("unknown function `{}`", name.text),
                name.span,
                "not a builtin",
            )
            .help = help.or_else(|| {
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
            let compiled = if info.builtin == Builtin::Streak && i == 1 {
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
                                "`streak` needs a series fact as its first argument".into(),
                                args.first().map_or(span, |a| a.span),
                                "not a series fact",
                            );
                        }
                        None
                    }
                }
            } else {
                let arg_hint = if info.builtin == Builtin::FirstKnown { types.first().or(hint) } else { None };
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

    fn compile_rules(&mut self, inputs: &[Input]) {
        // Rule ids first, so `suppresses` can point forward and a coach's rule
        // can replace a shipped one in place.
        struct Pending<'a> {
            file: &'a Arc<SourceFile>,
            protocol: usize,
            rule: &'a ast::Rule,
            builtin: bool,
        }
        let mut pending: Vec<Pending<'_>> = Vec::new();
        let mut ids: HashMap<String, usize> = HashMap::new();
        let mut protocol_ids: HashMap<String, (usize, bool)> = HashMap::new();
        for input in inputs {
            for item in &input.ast.items {
                let Item::Protocol(p) = item else { continue };
                let protocol = match protocol_ids.get(&p.id.text) {
                    Some(&(i, builtin)) if builtin == input.builtin => {
                        self.error(
                            &input.file,
                            "check::duplicate-protocol",
                            format!("protocol `{}` is declared twice", p.id.text),
                            p.id.span,
                            "declared again here",
                        )
                        .help = Some("put its rules in one protocol block".into());
                        i
                    }
                    Some(&(i, _)) => i,
                    None => {
                        protocol_ids.insert(p.id.text.clone(), (self.protocols.len(), input.builtin));
                        self.protocols.push(ProtocolInfo {
                            id: p.id.text.clone(),
                            title: p.title.clone(),
                            source: p.source.clone(),
                        });
                        self.protocols.len() - 1
                    }
                };
                for rule in &p.rules {
                    let id = format!("{}.{}", p.id.text, rule.id.text);
                    let entry = Pending { file: &input.file, protocol, rule, builtin: input.builtin };
                    match ids.get(&id) {
                        Some(&i) => match pending.get(i) {
                            Some(prev) if prev.builtin && !input.builtin => {
                                if let Some(slot) = pending.get_mut(i) {
                                    *slot = entry;
                                }
                            }
                            _ => {
                                self.error(
                                    &input.file,
                                    "check::duplicate-rule",
                                    format!("rule `{id}` is declared twice"),
                                    rule.id.span,
                                    "declared again here",
                                );
                            }
                        },
                        None => {
                            ids.insert(id, pending.len());
                            pending.push(entry);
                        }
                    }
                }
            }
        }
        let mut suppressions: Vec<Vec<(Arc<SourceFile>, ast::Name)>> = Vec::new();
        let mut compiled: Vec<Option<RuleDef>> = Vec::new();
        for (index, p) in pending.iter().enumerate() {
            let protocol_id = self.protocols.get(p.protocol).map_or(String::new(), |x| x.id.clone());
            let (rule, names) = self.compile_rule(p.file, p.protocol, &protocol_id, p.rule, p.builtin, index);
            suppressions.push(names.into_iter().map(|n| (Arc::clone(p.file), n)).collect());
            compiled.push(rule);
        }
        // Resolve `suppresses` even when some rules had errors, so every
        // unknown rule name is reported in the same run.
        for (index, names) in suppressions.into_iter().enumerate() {
            let protocol_id =
                pending.get(index).and_then(|p| self.protocols.get(p.protocol)).map_or(String::new(), |p| p.id.clone());
            for (file, name) in names {
                let full =
                    if name.text.contains('.') { name.text.clone() } else { format!("{protocol_id}.{}", name.text) };
                match ids.get(&full) {
                    Some(&target) if target == index => {
                        self.error(
                            &file,
                            "check::suppression-cycle",
                            "a rule cannot suppress itself".into(),
                            name.span,
                            "this rule",
                        );
                    }
                    Some(&target) => {
                        if let Some(Some(r)) = compiled.get_mut(index) {
                            r.suppresses.push(target);
                        }
                    }
                    None => {
                        let help = suggest(&full, ids.keys().map(String::as_str));
                        self.error(
                            &file,
                            "check::unknown-rule",
                            format!("unknown rule `{full}`"),
                            name.span,
                            "no such rule",
                        )
                        .help = help
                            .or_else(|| Some("name a rule as `rule` in the same protocol or `protocol.rule`".into()));
                    }
                }
            }
        }
        if compiled.iter().any(Option::is_none) {
            return; // errors already reported; rule indexes would not line up
        }
        self.rules = compiled.into_iter().flatten().collect();
        // Rules whose advice reads the same share a key: the first such
        // rule's index. One map lookup per rule keeps this linear.
        let mut first_with: HashMap<Vec<SignaturePart>, usize> = HashMap::new();
        let keys: Vec<usize> = self
            .rules
            .iter()
            .enumerate()
            .map(|(i, r)| *first_with.entry(template_signature(&r.advise)).or_insert(i))
            .collect();
        let mut sharing: HashMap<usize, usize> = HashMap::new();
        for &key in &keys {
            *sharing.entry(key).or_insert(0) += 1;
        }
        for (rule, &key) in self.rules.iter_mut().zip(&keys) {
            rule.advice_key = key;
            rule.advice_shared = sharing.get(&key).is_some_and(|&n| n > 1);
        }
        let edges: Vec<(usize, usize)> =
            self.rules.iter().enumerate().flat_map(|(i, r)| r.suppresses.iter().map(move |&t| (t, i))).collect();
        for (target, by) in edges {
            if let Some(r) = self.rules.get_mut(target) {
                r.suppressed_by.push(by);
            }
        }
        self.check_suppression_cycles();
    }

    fn check_suppression_cycles(&mut self) {
        let n = self.rules.len();
        let mut state = vec![0u8; n];
        for start in 0..n {
            if state.get(start) != Some(&0) {
                continue;
            }
            let mut stack = vec![(start, 0usize)];
            if let Some(s) = state.get_mut(start) {
                *s = 1;
            }
            while let Some((node, next)) = stack.last().copied() {
                let target = self.rules.get(node).and_then(|r| r.suppresses.get(next)).copied();
                match target {
                    Some(t) => {
                        if let Some(top) = stack.last_mut() {
                            top.1 += 1;
                        }
                        match state.get(t) {
                            Some(0) => {
                                if let Some(s) = state.get_mut(t) {
                                    *s = 1;
                                }
                                stack.push((t, 0));
                            }
                            Some(1) => {
                                let from = stack.iter().position(|(x, _)| *x == t).unwrap_or(0);
                                let names: Vec<String> = stack
                                    .iter()
                                    .skip(from)
                                    .filter_map(|(x, _)| self.rules.get(*x).map(|r| r.id.clone()))
                                    .collect();
                                if let Some(rule) = self.rules.get(t) {
                                    let (file, span, id) = (Arc::clone(&rule.file), rule.span, rule.id.clone());
                                    self.error(
                                        &file,
                                        "check::suppression-cycle",
                                        format!("rules suppress each other in a loop: {} -> {id}", names.join(" -> ")),
                                        span,
                                        "part of the loop",
                                    )
                                    .help = Some("decide which rule wins and remove the other `suppresses`".into());
                                }
                            }
                            _ => {}
                        }
                    }
                    None => {
                        stack.pop();
                        if let Some(s) = state.get_mut(node) {
                            *s = 2;
                        }
                    }
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn compile_rule(
        &mut self,
        file: &Arc<SourceFile>,
        protocol: usize,
        protocol_id: &str,
        rule: &ast::Rule,
        builtin: bool,
        index: usize,
    ) -> (Option<RuleDef>, Vec<ast::Name>) {
        let id = format!("{protocol_id}.{}", rule.id.text);
        let scope = Scope { file, reading: None };
        let errors_before = self.errors.len();
        let first_atom = self.atoms.len();
        let mut seen: Vec<&'static str> = Vec::new();
        let (mut when, mut unless, mut advise, mut because) = (None, None, None, None);
        let (mut priority, mut timing, mut category) = (None, None, None);
        let (mut for_tags, mut against_tags, mut suppresses) = (Vec::new(), Vec::new(), Vec::new());
        for clause in &rule.clauses {
            let kw = clause.keyword();
            if seen.contains(&kw) {
                self.error(
                    file,
                    "check::duplicate-clause",
                    format!("rule `{id}` has two `{kw}` clauses"),
                    clause.span(),
                    "second one here",
                )
                .help = Some(match kw {
                    "when" | "unless" => "join the conditions with `and` or `or`".into(),
                    _ => format!("keep one `{kw}`"),
                });
                continue;
            }
            seen.push(kw);
            match clause {
                Clause::When(e) => when = self.condition(e, &scope, index, false),
                Clause::Unless(e) => unless = self.condition(e, &scope, index, true).map(Some),
                Clause::Advise(t) => advise = self.template(t, &scope),
                Clause::Because(t) => because = self.template(t, &scope),
                Clause::Priority(n) => priority = self.pick(file, n, &Priority::ALL, "priority"),
                Clause::Timing(n) => timing = self.pick(file, n, &Timing::ALL, "timing"),
                Clause::Category(n) => category = Some(n.text.clone()),
                Clause::For(tags) => for_tags = tags.iter().map(|t| t.text.clone()).collect(),
                Clause::Against(tags) => against_tags = tags.iter().map(|t| t.text.clone()).collect(),
                Clause::Suppresses(names) => suppresses = names.clone(),
            }
        }
        for required in ["when", "advise", "priority", "timing"] {
            if !seen.contains(&required) {
                let example = match required {
                    "when" => "when last_session.kind is long_run",
                    "advise" => "advise \"what the athlete should do\"",
                    "priority" => "priority medium   # high, medium or low",
                    _ => "timing today   # now, today, next_24h, this_week or long_term",
                };
                self.error(
                    file,
                    "check::missing-clause",
                    format!("rule `{id}` has no `{required}`"),
                    rule.id.span,
                    "this rule",
                )
                .help = Some(format!("add a line such as `{example}`"));
            }
        }
        if self.errors.len() > errors_before {
            return (None, suppresses);
        }
        let (Some(when), Some(advise), Some(priority), Some(timing)) = (when, advise, priority, timing) else {
            return (None, suppresses);
        };
        (
            Some(RuleDef {
                id,
                protocol,
                when,
                unless: unless.flatten(),
                advise,
                because,
                priority,
                timing,
                category: category.unwrap_or_else(|| protocol_id.to_string()),
                for_tags,
                against_tags,
                suppresses: Vec::new(),
                suppressed_by: Vec::new(),
                advice_key: index,
                advice_shared: false,
                atoms: first_atom..self.atoms.len(),
                file: Arc::clone(file),
                span: rule.id.span,
                builtin,
            }),
            suppresses,
        )
    }

    fn pick<T: Copy>(
        &mut self,
        file: &Arc<SourceFile>,
        n: &ast::Name,
        table: &[(&'static str, T)],
        what: &str,
    ) -> Option<T> {
        if let Some((_, v)) = table.iter().find(|(name, _)| *name == n.text) {
            return Some(*v);
        }
        let names: Vec<&str> = table.iter().map(|(n, _)| *n).collect();
        let help =
            suggest(&n.text, names.iter().copied()).unwrap_or_else(|| format!("use one of: {}", names.join(", ")));
        self.error(
            file,
            "check::bad-clause-value",
            format!("`{}` is not a {what}", n.text),
            n.span,
            &format!("unknown {what}"),
        )
        .help = Some(help);
        None
    }

    /// A `when` or `unless` condition: its `and`/`or` skeleton, with each
    /// leaf a numbered atom.
    fn condition(&mut self, e: &Expr, scope: &Scope<'_>, rule: usize, in_unless: bool) -> Option<Node> {
        if let ExprKind::Binary { op: op @ (BinOp::And | BinOp::Or), lhs, rhs } = &e.kind {
            let a = self.condition(lhs, scope, rule, in_unless);
            let b = self.condition(rhs, scope, rule, in_unless);
            let (a, b) = (Box::new(a?), Box::new(b?));
            return Some(if *op == BinOp::And { Node::And(a, b) } else { Node::Or(a, b) });
        }
        let node = self.boolean(e, scope)?;
        let text = source_text(scope.file, e.span);
        let subject_expr: Option<&Expr> = match &e.kind {
            ExprKind::Binary { lhs, .. }
            | ExprKind::Between { value: lhs, .. }
            | ExprKind::In { value: lhs, .. }
            | ExprKind::Is { value: lhs, .. }
            | ExprKind::Contains { list: lhs, .. } => Some(lhs),
            _ => None,
        };
        let subject = subject_expr
            .filter(|s| !matches!(s.kind, ExprKind::Number(_) | ExprKind::Quantity { .. } | ExprKind::Bool(_)))
            .and_then(|s| {
                let (node, ty) = self.expr(s, scope, None)?;
                Some(Subject { text: source_text(scope.file, s.span), node, ty })
            });
        let facts = self.node_facts(&node);
        let id = u32::try_from(self.atoms.len()).ok()?;
        // `not x` is described as "x: <doc>", since the doc speaks of `x`.
        let (named, negated) = match &e.kind {
            ExprKind::Path(p) => (Some(p), false),
            ExprKind::Not(inner) => match &inner.kind {
                ExprKind::Path(p) => (Some(p), true),
                _ => (None, false),
            },
            _ => (None, false),
        };
        let doc = named.and_then(|p| {
            let doc = match self.fact_names.get(p) {
                Some(&i) => self.facts.get(i).and_then(|f| f.doc.clone()),
                None => self.define_names.get(p).and_then(|&i| self.defines.get(i)).and_then(|d| d.doc.clone()),
            }?;
            Some(if negated { format!("{p}: {doc}") } else { doc })
        });
        self.atoms.push(Atom { rule, text, subject, facts, in_unless, doc });
        Some(Node::Atom(id, Box::new(node)))
    }

    fn template(&mut self, t: &ast::Template, scope: &Scope<'_>) -> Option<Template> {
        let mut parts = Vec::new();
        let mut ok = true;
        for part in &t.parts {
            match part {
                AstPart::Text(s) => parts.push(TemplatePart::Text(s.clone())),
                AstPart::Hole { expr, format } => {
                    let bare_number = match format {
                        None => false,
                        Some(f) if f.text == "num" => true,
                        Some(f) => {
                            self.error(
                                scope.file,
                                "check::bad-format",
                                format!("unknown format `{}`", f.text),
                                f.span,
                                "not a format",
                            )
                            .help =
                                Some("`{x}` shows the value with its unit; `{x:num}` shows the number alone".into());
                            ok = false;
                            continue;
                        }
                    };
                    match self.expr(expr, scope, None) {
                        Some((node, ty)) => parts.push(TemplatePart::Hole { expr: node, ty, bare_number }),
                        None => ok = false,
                    }
                }
            }
        }
        ok.then_some(Template { parts })
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

/// What makes two advice templates read the same: the text, and the type
/// and format of each hole (their values are compared per athlete).
#[derive(PartialEq, Eq, Hash)]
enum SignaturePart {
    Text(String),
    Hole(String, bool),
}

fn template_signature(t: &Template) -> Vec<SignaturePart> {
    t.parts
        .iter()
        .map(|part| match part {
            TemplatePart::Text(s) => SignaturePart::Text(s.clone()),
            TemplatePart::Hole { ty, bare_number, .. } => SignaturePart::Hole(format!("{ty:?}"), *bare_number),
        })
        .collect()
}

/// Fold arithmetic over constants, so `1.5 * 2 L` costs nothing per athlete.
fn fold(node: Node) -> Node {
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

fn verb(op: BinOp) -> &'static str {
    match op {
        BinOp::Add => "add",
        BinOp::Sub => "subtract",
        BinOp::Mul => "multiply",
        _ => "divide",
    }
}

fn describe_num(d: Dim) -> String {
    if d.is_none() {
        "a plain number".into()
    } else {
        format!("a {}", d.describe())
    }
}

/// The source text of a span with white space folded to single spaces.
fn source_text(file: &SourceFile, span: Span) -> String {
    file.text.get(span.start..span.end).unwrap_or("").split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every name an expression mentions (for ordering defines).
fn paths(e: &Expr, out: &mut Vec<String>) {
    match &e.kind {
        ExprKind::Path(p) => out.push(p.clone()),
        ExprKind::Number(_) | ExprKind::Quantity { .. } | ExprKind::Bool(_) => {}
        ExprKind::List(items) => items.iter().for_each(|i| paths(i, out)),
        ExprKind::Neg(a) | ExprKind::Not(a) => paths(a, out),
        ExprKind::Binary { lhs, rhs, .. } => {
            paths(lhs, out);
            paths(rhs, out);
        }
        ExprKind::Between { value, low, high, .. } => {
            paths(value, out);
            paths(low, out);
            paths(high, out);
        }
        ExprKind::In { value, set, .. } => {
            paths(value, out);
            set.iter().for_each(|i| paths(i, out));
        }
        ExprKind::Is { value, test, .. } => {
            paths(value, out);
            if let IsTest::Value(t) = test {
                paths(t, out);
            }
        }
        ExprKind::Contains { list, item } => {
            paths(list, out);
            paths(item, out);
        }
        ExprKind::Call { args, .. } => args.iter().for_each(|a| paths(a, out)),
        ExprKind::If { cond, then, otherwise } => {
            paths(cond, out);
            paths(then, out);
            paths(otherwise, out);
        }
    }
}
