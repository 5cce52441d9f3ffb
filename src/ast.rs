//! The syntax tree of a rule file, as written: names are not resolved and
//! types are not checked yet (that is `check`'s job). Every node carries its
//! span; spans compare equal, so two trees compare by meaning alone.

use crate::diagnostic::Span;
use crate::units::Dim;

#[derive(Clone, Debug, PartialEq)]
pub struct File {
    pub items: Vec<Item>,
    /// Every `#` comment with its span, in order, kept for the formatter.
    pub comments: Vec<Comment>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Comment {
    pub text: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// A `facts { ... }` block: its declarations and the block's span.
    Facts(Vec<FactDecl>, Span),
    Enum(EnumDecl),
    Define(Define),
    Protocol(Protocol),
}

impl Item {
    pub fn span(&self) -> Span {
        match self {
            Item::Facts(_, span) => *span,
            Item::Enum(e) => e.span,
            Item::Define(d) => d.span,
            Item::Protocol(p) => p.span,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Name {
    pub text: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FactDecl {
    pub path: Name,
    pub ty: TypeExpr,
    pub optional: bool,
    pub range: Option<Range>,
    pub default: Option<Expr>,
    /// A date or instant that cannot lie after `now`.
    pub past: bool,
    /// Another fact that must be present whenever this one is.
    pub requires: Option<Name>,
    pub doc: Option<String>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Range {
    pub low: Option<Expr>,
    pub high: Option<Expr>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TypeExpr {
    /// `duration`, `bool`, `session_kind`, `date or never`, ...
    Named {
        name: Name,
        or_never: bool,
    },
    Enum {
        values: Vec<Name>,
        /// What advice shows for each value, where the author said.
        labels: Vec<Option<String>>,
        span: Span,
    },
    List {
        item: Box<TypeExpr>,
        span: Span,
    },
    /// Dated readings: `series(rmssd: hrv)`.
    Series {
        field: Name,
        kind: Name,
        span: Span,
    },
}

impl TypeExpr {
    pub fn span(&self) -> Span {
        match self {
            TypeExpr::Named { name, .. } => name.span,
            TypeExpr::Enum { span, .. } | TypeExpr::List { span, .. } | TypeExpr::Series { span, .. } => *span,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct EnumDecl {
    pub name: Name,
    pub values: Vec<Name>,
    /// What advice shows for each value, where the author said.
    pub labels: Vec<Option<String>>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Define {
    pub name: Name,
    pub expr: Expr,
    pub doc: Option<String>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Protocol {
    pub id: Name,
    pub title: String,
    pub source: Option<String>,
    pub source_span: Span,
    pub rules: Vec<Rule>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    pub id: Name,
    pub clauses: Vec<Clause>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Clause {
    When(Expr),
    Unless(Expr),
    Advise(Template),
    Because(Template),
    Priority(Name),
    Timing(Name),
    Category(Name),
    For(Vec<Name>),
    Against(Vec<Name>),
    Suppresses(Vec<Name>),
}

impl Clause {
    /// From the clause's first value to its last (the keyword excluded).
    pub fn span(&self) -> Span {
        match self {
            Clause::When(e) | Clause::Unless(e) => e.span,
            Clause::Advise(t) | Clause::Because(t) => t.span,
            Clause::Priority(n) | Clause::Timing(n) | Clause::Category(n) => n.span,
            Clause::For(v) | Clause::Against(v) | Clause::Suppresses(v) => {
                let first = v.first().map_or(Span::default(), |n| n.span);
                v.iter().fold(first, |acc, n| acc.join(n.span))
            }
        }
    }

    pub fn keyword(&self) -> &'static str {
        match self {
            Clause::When(_) => "when",
            Clause::Unless(_) => "unless",
            Clause::Advise(_) => "advise",
            Clause::Because(_) => "because",
            Clause::Priority(_) => "priority",
            Clause::Timing(_) => "timing",
            Clause::Category(_) => "category",
            Clause::For(_) => "for",
            Clause::Against(_) => "against",
            Clause::Suppresses(_) => "suppresses",
        }
    }
}

/// A string with `{expr}` holes.
#[derive(Clone, Debug, PartialEq)]
pub struct Template {
    pub parts: Vec<TemplatePart>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TemplatePart {
    Text(String),
    Hole { expr: Expr, format: Option<Name> },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Number(f64),
    /// A literal with a unit, already converted to the canonical unit; the
    /// text is kept as written so the formatter gives it back unchanged.
    Quantity {
        value: f64,
        dim: Dim,
        text: String,
    },
    Bool(bool),
    /// Text in double quotes, escapes resolved: chosen by `if` for advice.
    Text(String),
    /// A fact, a define, or (where an enum is expected) an enum value.
    Path(String),
    List(Vec<Expr>),
    Neg(Box<Expr>),
    Not(Box<Expr>),
    Binary {
        op: BinOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    Between {
        value: Box<Expr>,
        low: Box<Expr>,
        high: Box<Expr>,
        negated: bool,
    },
    In {
        value: Box<Expr>,
        set: Vec<Expr>,
        negated: bool,
    },
    Is {
        value: Box<Expr>,
        test: IsTest,
        negated: bool,
    },
    Contains {
        list: Box<Expr>,
        item: Box<Expr>,
    },
    Call {
        name: Name,
        args: Vec<Expr>,
    },
    If {
        cond: Box<Expr>,
        then: Box<Expr>,
        otherwise: Box<Expr>,
    },
    /// A condition with the words its reason shows: `x >= 3 as "..."`. Only
    /// a condition of `when` or `unless` may carry words.
    Worded {
        expr: Box<Expr>,
        words: Template,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub enum IsTest {
    Value(Box<Expr>),
    Known,
    Missing,
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Or,
    And,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    Add,
    Sub,
    Mul,
    Div,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Or => "or",
            BinOp::And => "and",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
        }
    }
    pub fn is_comparison(self) -> bool {
        matches!(self, BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge | BinOp::Eq | BinOp::Ne)
    }
}
