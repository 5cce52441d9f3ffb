//! What names a rule file declares and where it uses them, read from the
//! parser's syntax tree. A use is recorded as written (`Ref::Name`) and
//! resolved only when asked, against the declarations of every file loaded
//! with it: whether `easy` is a fact, a define or an enum value depends on
//! the other files.

use std::collections::HashMap;

use crate::ast::{self, Clause, Expr, ExprKind, IsTest, TemplatePart, TypeExpr};
use crate::diagnostic::Span;

/// Something a name can stand for.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Symbol {
    Fact(String),
    Define(String),
    Enum(String),
    /// An enum (by name; an inline enum is named after its fact) and a value.
    EnumValue(String, String),
    /// `protocol.rule`
    Rule(String),
    Builtin(String),
}

/// A name as written, before resolution.
#[derive(Clone, Debug)]
pub enum Ref {
    /// Declared here: the symbol is known.
    Decl(Symbol),
    /// A fact, define or enum value in an expression. `hint` is the path on
    /// the other side of `is`, `in`, `==`, `contains` or the fact whose
    /// default this is: where an enum value is expected, its enum.
    Name {
        text: String,
        hint: Option<String>,
    },
    /// A type name in a fact declaration: an enum or a built-in kind.
    Type(String),
    /// A rule in `suppresses`, already made `protocol.rule`.
    Rule(String),
    Builtin(String),
}

#[derive(Clone, Debug)]
pub struct Occurrence {
    pub span: Span,
    pub target: Ref,
}

/// The declarations of one file and every name it writes.
#[derive(Clone, Debug, Default)]
pub struct FileIndex {
    pub occurrences: Vec<Occurrence>,
}

impl FileIndex {
    pub fn new(file: &ast::File) -> FileIndex {
        let mut w = Walker { out: Vec::new() };
        for item in &file.items {
            w.item(item);
        }
        // Innermost first when looking up a position: sort by start, and for
        // equal starts the shorter span first.
        w.out.sort_by_key(|o| (o.span.start, o.span.len()));
        FileIndex { occurrences: w.out }
    }

    /// The innermost name written at `offset` (cursor just after a name counts).
    pub fn at(&self, offset: usize) -> Option<&Occurrence> {
        self.occurrences.iter().filter(|o| o.span.start <= offset && offset <= o.span.end).min_by_key(|o| o.span.len())
    }
}

struct Walker {
    out: Vec<Occurrence>,
}

impl Walker {
    fn push(&mut self, span: Span, target: Ref) {
        self.out.push(Occurrence { span, target });
    }

    fn item(&mut self, item: &ast::Item) {
        match item {
            ast::Item::Facts(decls, _) => {
                for d in decls {
                    self.fact(d);
                }
            }
            ast::Item::Enum(e) => {
                self.push(e.name.span, Ref::Decl(Symbol::Enum(e.name.text.clone())));
                for v in &e.values {
                    self.push(v.span, Ref::Decl(Symbol::EnumValue(e.name.text.clone(), v.text.clone())));
                }
            }
            ast::Item::Define(d) => {
                self.push(d.name.span, Ref::Decl(Symbol::Define(d.name.text.clone())));
                self.expr(&d.expr, None);
            }
            ast::Item::Protocol(p) => {
                for rule in &p.rules {
                    self.rule(&p.id.text, rule);
                }
            }
        }
    }

    fn fact(&mut self, d: &ast::FactDecl) {
        let path = &d.path.text;
        self.push(d.path.span, Ref::Decl(Symbol::Fact(path.clone())));
        self.ty(&d.ty, path);
        if let Some(r) = &d.requires {
            self.push(r.span, Ref::Name { text: r.text.clone(), hint: None });
        }
        if let Some(range) = &d.range {
            for e in range.low.iter().chain(&range.high) {
                self.expr(e, Some(path));
            }
        }
        if let Some(default) = &d.default {
            self.expr(default, Some(path));
        }
    }

    fn ty(&mut self, ty: &TypeExpr, owner: &str) {
        match ty {
            TypeExpr::Named { name, .. } => self.push(name.span, Ref::Type(name.text.clone())),
            TypeExpr::Enum { values, .. } => {
                for v in values {
                    self.push(v.span, Ref::Decl(Symbol::EnumValue(owner.to_string(), v.text.clone())));
                }
            }
            TypeExpr::List { item, .. } => self.ty(item, owner),
            TypeExpr::Series { kind, .. } => self.push(kind.span, Ref::Type(kind.text.clone())),
        }
    }

    fn rule(&mut self, protocol: &str, rule: &ast::Rule) {
        self.push(rule.id.span, Ref::Decl(Symbol::Rule(format!("{protocol}.{}", rule.id.text))));
        for clause in &rule.clauses {
            match clause {
                Clause::When(e) | Clause::Unless(e) => self.expr(e, None),
                Clause::Advise(t) | Clause::Because(t) => {
                    for part in &t.parts {
                        if let TemplatePart::Hole { expr, .. } = part {
                            self.expr(expr, None);
                        }
                    }
                }
                Clause::Suppresses(names) => {
                    for n in names {
                        let id = if n.text.contains('.') { n.text.clone() } else { format!("{protocol}.{}", n.text) };
                        self.push(n.span, Ref::Rule(id));
                    }
                }
                Clause::Priority(_) | Clause::Timing(_) | Clause::Category(_) | Clause::For(_) | Clause::Against(_) => {
                }
            }
        }
    }

    fn expr(&mut self, e: &Expr, hint: Option<&str>) {
        let path_of = |e: &Expr| match &e.kind {
            ExprKind::Path(p) => Some(p.clone()),
            _ => None,
        };
        match &e.kind {
            ExprKind::Path(p) => self.push(e.span, Ref::Name { text: p.clone(), hint: hint.map(String::from) }),
            ExprKind::Number(_) | ExprKind::Quantity { .. } | ExprKind::Bool(_) | ExprKind::Text(_) => {}
            ExprKind::List(items) => {
                for i in items {
                    self.expr(i, hint);
                }
            }
            ExprKind::Neg(x) | ExprKind::Not(x) => self.expr(x, None),
            ExprKind::Binary { op, lhs, rhs } => {
                self.expr(lhs, None);
                let other = if matches!(op, ast::BinOp::Eq | ast::BinOp::Ne) { path_of(lhs) } else { None };
                self.expr(rhs, other.as_deref());
            }
            ExprKind::Between { value, low, high, .. } => {
                self.expr(value, None);
                self.expr(low, None);
                self.expr(high, None);
            }
            ExprKind::In { value, set, .. } => {
                self.expr(value, None);
                let h = path_of(value);
                for s in set {
                    self.expr(s, h.as_deref());
                }
            }
            ExprKind::Is { value, test, .. } => {
                self.expr(value, None);
                if let IsTest::Value(v) = test {
                    self.expr(v, path_of(value).as_deref());
                }
            }
            ExprKind::Contains { list, item } => {
                self.expr(list, None);
                self.expr(item, path_of(list).as_deref());
            }
            ExprKind::Call { name, args } => {
                self.push(name.span, Ref::Builtin(name.text.clone()));
                for a in args {
                    self.expr(a, None);
                }
            }
            ExprKind::If { cond, then, otherwise } => {
                self.expr(cond, None);
                self.expr(then, None);
                self.expr(otherwise, None);
            }
            ExprKind::Worded { expr, words } => {
                self.expr(expr, hint);
                for part in &words.parts {
                    if let TemplatePart::Hole { expr, .. } = part {
                        self.expr(expr, None);
                    }
                }
            }
        }
    }
}

#[derive(Debug)]
pub struct EnumInfo {
    pub file: usize,
    pub values: Vec<String>,
    /// What advice shows for each value, where the author said.
    pub labels: Vec<Option<String>>,
    /// The enum's name, or for an inline enum its `enum(...)`.
    pub span: Span,
}

/// Where each declaration lives across a set of files: (file number, item).
#[derive(Default, Debug)]
pub struct Declarations {
    pub facts: HashMap<String, (usize, ast::FactDecl)>,
    pub defines: HashMap<String, (usize, ast::Define)>,
    /// Enums by name; inline enums are named after their fact.
    pub enums: HashMap<String, EnumInfo>,
    pub rules: HashMap<String, (usize, ast::Rule)>,
    /// Fact path -> the enum its values come from (directly or as a list).
    pub fact_enum: HashMap<String, String>,
}

impl Declarations {
    /// Gather declarations; the first file to declare a name wins, as the
    /// checker reports the later one as a duplicate.
    pub fn add(&mut self, file: usize, ast: &ast::File) {
        for item in &ast.items {
            match item {
                ast::Item::Facts(decls, _) => {
                    for d in decls {
                        if let Some(e) = enum_of(&d.ty) {
                            let name = e.unwrap_or(&d.path.text).to_string();
                            self.fact_enum.entry(d.path.text.clone()).or_insert(name);
                        }
                        if let Some((values, labels, span)) = inline_enum(&d.ty) {
                            self.enums.entry(d.path.text.clone()).or_insert(EnumInfo { file, values, labels, span });
                        }
                        self.facts.entry(d.path.text.clone()).or_insert_with(|| (file, d.clone()));
                    }
                }
                ast::Item::Enum(e) => {
                    let values = e.values.iter().map(|v| v.text.clone()).collect();
                    self.enums.entry(e.name.text.clone()).or_insert(EnumInfo {
                        file,
                        values,
                        labels: e.labels.clone(),
                        span: e.name.span,
                    });
                }
                ast::Item::Define(d) => {
                    self.defines.entry(d.name.text.clone()).or_insert_with(|| (file, d.clone()));
                }
                ast::Item::Protocol(p) => {
                    for r in &p.rules {
                        self.rules.entry(format!("{}.{}", p.id.text, r.id.text)).or_insert_with(|| (file, r.clone()));
                    }
                }
            }
        }
    }

    /// What a name written in a file stands for.
    pub fn resolve(&self, target: &Ref) -> Option<Symbol> {
        match target {
            Ref::Decl(s) => Some(s.clone()),
            Ref::Builtin(b) => Some(Symbol::Builtin(b.clone())),
            Ref::Rule(id) => self.rules.contains_key(id).then(|| Symbol::Rule(id.clone())),
            Ref::Type(t) => self.enums.contains_key(t).then(|| Symbol::Enum(t.clone())),
            Ref::Name { text, hint } => {
                if self.facts.contains_key(text) {
                    return Some(Symbol::Fact(text.clone()));
                }
                if self.defines.contains_key(text) {
                    return Some(Symbol::Define(text.clone()));
                }
                let has = |e: &str| self.enums.get(e).is_some_and(|info| info.values.contains(text));
                if let Some(e) = hint.as_ref().and_then(|h| self.fact_enum.get(h)) {
                    if has(e) {
                        return Some(Symbol::EnumValue(e.clone(), text.clone()));
                    }
                }
                // A define's type is known only to the checker; the enum
                // that has the value is the likely one. Sorted, so the
                // answer does not depend on hashing.
                let mut names: Vec<&String> = self.enums.keys().filter(|e| has(e)).collect();
                names.sort();
                names.first().map(|e| Symbol::EnumValue((*e).clone(), text.clone()))
            }
        }
    }
}

/// For a type that holds enum values: `Some(Some(name))` for a named enum
/// (or a kind, filtered out by the caller's lookup), `Some(None)` for an
/// inline one.
fn enum_of(ty: &TypeExpr) -> Option<Option<&str>> {
    match ty {
        TypeExpr::Named { name, .. } => Some(Some(&name.text)),
        TypeExpr::Enum { .. } => Some(None),
        TypeExpr::List { item, .. } => enum_of(item),
        TypeExpr::Series { .. } => None,
    }
}

fn inline_enum(ty: &TypeExpr) -> Option<(Vec<String>, Vec<Option<String>>, Span)> {
    match ty {
        TypeExpr::Enum { values, labels, span } => {
            Some((values.iter().map(|v| v.text.clone()).collect(), labels.clone(), *span))
        }
        TypeExpr::List { item, .. } => inline_enum(item),
        _ => None,
    }
}
