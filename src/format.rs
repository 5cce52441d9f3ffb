//! `recoup fmt`: one canonical layout for rule files.
//!
//! The layout: two-space indents; one clause per line; fact docs aligned
//! within each group of facts; a condition too long for one line broken
//! before its top-level `and`/`or`; at most one blank line kept wherever the
//! source had one. Every comment is kept: one on a line of its own stays
//! before the next thing, one at the end of a line stays at the end of that
//! line. Literals keep their text (`30 min` stays `30 min`).
//!
//! The formatter checks itself: its output must parse back to the same tree
//! with the same comments, or nothing is written.

use std::sync::Arc;

use crate::ast::*;
use crate::diagnostic::{Diagnostic, SourceFile, Span};
use crate::parser;

/// Lines longer than this have their conditions broken.
const WIDTH: usize = 100;
/// Fact docs are aligned unless that would push them past this column.
const DOC_COLUMN_LIMIT: usize = 64;

/// Format a rule file. Errors: the file does not parse (its syntax
/// diagnostics), or the formatted text would not mean the same (a bug).
///
/// Runs on the same large stack as parsing and checking in every command.
pub fn format(file: &Arc<SourceFile>) -> Result<String, Vec<Diagnostic>> {
    let shared = Arc::clone(file);
    crate::engine::on_large_stack(move || format_here(&shared)).unwrap_or_else(|| {
        Err(vec![Diagnostic::error("recoup::internal", "the formatter stopped unexpectedly")
            .in_file(file)
            .label(Span::new(0, 0), "this file")
            .help("this is a bug in recoup's formatter; please report it with this file")])
    })
}

fn format_here(file: &Arc<SourceFile>) -> Result<String, Vec<Diagnostic>> {
    // The output ends its lines with `\n`. A file whose lines end in `\r\n`
    // or a lone `\r` (the grammar accepts all three) is read with `\n`
    // line ends first, so that every "same line" test below sees the lines
    // the coach sees; its diagnostics then point into those same lines.
    let normalized;
    let file = if file.text.contains('\r') {
        normalized = SourceFile::new(file.name.clone(), file.text.replace("\r\n", "\n").replace('\r', "\n"));
        &normalized
    } else {
        file
    };
    let ast = parser::parse_file(file)?;
    let mut f = Formatter {
        text: &file.text,
        newlines: file.text.match_indices('\n').map(|(i, _)| i).collect(),
        comments: &ast.comments,
        next: 0,
        out: String::new(),
        cursor: 0,
        block_start: false,
    };
    f.file(&ast);
    let out = f.out;
    let again = parser::parse_file(&SourceFile::new(file.name.clone(), out.as_str()));
    let same = match &again {
        Ok(formatted) => {
            formatted.items == ast.items
                && formatted.comments.iter().map(|c| &c.text).eq(ast.comments.iter().map(|c| &c.text))
        }
        Err(_) => false,
    };
    if same {
        Ok(out)
    } else {
        Err(vec![Diagnostic::error(
            "recoup::internal",
            "formatting would change what this file means; it was left as it is",
        )
        .in_file(file)
        .label(Span::new(0, 0), "this file")
        .help("this is a bug in recoup's formatter; please report it with this file")])
    }
}

/// Replace a file's contents all at once: write a sibling temporary file,
/// give it the original's permissions, then rename it over the original. A
/// crash leaves either the old file or the new one, never half of each.
///
/// A symbolic link is followed: the file it points to is replaced (next to
/// itself, so the rename stays on one file system) and the link is kept. A
/// file that did not exist gets the permissions any new file gets
/// (read-write for everyone, less the umask), not the temporary file's
/// owner-only ones.
pub fn write_atomically(path: &std::path::Path, text: &str) -> Result<(), Diagnostic> {
    use std::io::Write as _;
    let fail = |e: std::io::Error| {
        Diagnostic::error("recoup::io", format!("cannot write `{}`: {}", path.display(), e.to_string().to_lowercase()))
            .help("check that the folder is writable")
    };
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    let target = if is_link { std::fs::canonicalize(path).map_err(fail)? } else { path.to_path_buf() };
    let dir = target.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        // Given at creation, so the umask applies, as for any new file.
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(dir).map_err(fail)?;
    tmp.write_all(text.as_bytes()).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    if let Ok(meta) = std::fs::metadata(&target) {
        std::fs::set_permissions(tmp.path(), meta.permissions()).map_err(fail)?;
    }
    tmp.persist(&target).map_err(|e| fail(e.error))?;
    Ok(())
}

struct Formatter<'a> {
    text: &'a str,
    /// Offsets of the text's `\n`s, so a line number is a binary search,
    /// not a count from the start (which made 5,000 rules take seconds).
    newlines: Vec<usize>,
    comments: &'a [Comment],
    /// The first comment not yet written.
    next: usize,
    out: String,
    /// Where in the source the last thing written ended.
    cursor: usize,
    /// Just after an opening brace: no blank line goes here.
    block_start: bool,
}

impl Formatter<'_> {
    /// The line of an offset (the text's line ends are `\n` only, see
    /// `format_here`).
    fn line_of(&self, offset: usize) -> usize {
        self.newlines.partition_point(|&nl| nl < offset)
    }

    /// The end of a node's code. pest lets a rule's span run on over the
    /// white space and comments it skipped looking for an optional part, so
    /// step back over those.
    fn code_end(&self, end: usize) -> usize {
        let mut end = end.min(self.text.len());
        loop {
            let trimmed = self.text.get(..end).map_or(0, |t| t.trim_end().len());
            match self.comments.iter().find(|c| c.span.start < trimmed && trimmed <= c.span.end) {
                Some(c) => end = c.span.start,
                None => return trimmed,
            }
        }
    }

    /// Before writing what starts at `to`: keep one blank line if the
    /// source had one since the last thing written (never right after an
    /// opening brace).
    fn gap(&mut self, to: usize) {
        let blank = self.has_blank_line(self.cursor.min(to), to);
        if blank && !self.block_start && !self.out.is_empty() && !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
        self.block_start = false;
    }

    /// Write the comments that start before `pos`, each on its own line.
    fn leading(&mut self, pos: usize, indent: &str) {
        while let Some(c) = self.comments.get(self.next).filter(|c| c.span.start < pos) {
            self.gap(c.span.start);
            self.out.push_str(indent);
            self.out.push_str(&c.text);
            self.out.push('\n');
            self.cursor = c.span.end;
            self.next += 1;
        }
    }

    /// Whether a comment not yet written starts inside `from..to`.
    fn comment_within(&self, from: usize, to: usize) -> bool {
        self.comments.iter().skip(self.next).take_while(|c| c.span.start < to).any(|c| c.span.start >= from)
    }

    /// A node's source text as the coach wrote it, comments and line
    /// breaks included: for a construct with comments inside that the
    /// layout has no place for, keeping it is better than moving them.
    fn verbatim(&mut self, span: Span) -> String {
        let end = self.code_end(span.end).max(span.start);
        while self.comments.get(self.next).is_some_and(|c| c.span.start < end) {
            self.next += 1;
        }
        self.cursor = end;
        self.text.get(span.start..end).unwrap_or("").to_string()
    }

    /// A condition (of `when`, `unless` or a define) after `head`. With no
    /// comment inside it, the layout of [`condition`]. With comments
    /// between the operands of a top-level `and`/`or` chain, that chain is
    /// broken one operand a line and each comment stays where it was: at
    /// the end of its operand's line, or on a line of its own between two
    /// operands. A comment deeper inside keeps the condition as written.
    fn condition(&mut self, e: &Expr, head: &str, indent: &str) -> String {
        let end = self.code_end(e.span.end);
        if !self.comment_within(e.span.start, end) {
            return condition(e, head, indent);
        }
        let ExprKind::Binary { op: op @ (BinOp::And | BinOp::Or), .. } = &e.kind else {
            return self.verbatim(e.span);
        };
        let mut operands = Vec::new();
        chain(e, *op, &mut operands);
        let inside = |o: &Expr| self.comment_within(o.span.start, self.code_end(o.span.end));
        if operands.iter().any(|o| inside(o)) {
            return self.verbatim(e.span);
        }
        let min = AND + 1;
        let mut out = String::new();
        for (i, operand) in operands.iter().enumerate() {
            if i > 0 {
                out.push('\n');
                out.push_str(indent);
                out.push_str(op.symbol());
                out.push(' ');
            }
            out.push_str(&expr(operand, min));
            let operand_end = self.code_end(operand.span.end);
            let next_start = operands.get(i + 1).map_or(end, |n| n.span.start);
            let line = self.line_of(operand_end);
            let mut first = true;
            while let Some(c) = self.comments.get(self.next).filter(|c| c.span.start < next_start) {
                if first && self.line_of(c.span.start) == line {
                    out.push_str("  ");
                } else {
                    out.push('\n');
                    out.push_str(indent);
                }
                out.push_str(&c.text);
                first = false;
                self.next += 1;
            }
        }
        self.cursor = end;
        out
    }

    /// Start writing the node at `start`: its leading comments, then the gap.
    fn begin(&mut self, start: usize, indent: &str) {
        self.leading(start, indent);
        self.gap(start);
    }

    /// End the current line at the node ending at `end`, first appending a
    /// comment that sat at the end of that source line.
    fn end_line(&mut self, end: usize) {
        let end = self.code_end(end);
        let line = self.line_of(end);
        self.cursor = end;
        if let Some(c) =
            self.comments.get(self.next).filter(|c| c.span.start >= end && self.line_of(c.span.start) == line)
        {
            self.out.push_str("  ");
            self.out.push_str(&c.text);
            self.cursor = c.span.end;
            self.next += 1;
        }
        self.out.push('\n');
    }

    fn open_block(&mut self, line: &str, end: usize) {
        self.out.push_str(line);
        self.end_line(end);
        self.block_start = true;
    }

    fn close_block(&mut self, end: usize, inner_indent: &str, closing: &str) {
        self.leading(end.saturating_sub(1), inner_indent);
        self.block_start = false;
        self.out.push_str(closing);
        self.out.push('\n');
        self.cursor = end;
    }

    fn file(&mut self, file: &File) {
        for (i, item) in file.items.iter().enumerate() {
            let span = item.span();
            // Top-level items are set apart by a blank line, except within a
            // run of defines or of enums (where the source decides).
            let run = matches!(
                (i.checked_sub(1).and_then(|p| file.items.get(p)), item),
                (Some(Item::Define(_)), Item::Define(_)) | (Some(Item::Enum(_)), Item::Enum(_))
            );
            if i > 0 && !run && !self.out.ends_with("\n\n") {
                self.out.push('\n');
            }
            self.leading(span.start, "");
            self.gap(span.start);
            match item {
                Item::Facts(decls, _) => self.facts(decls, span),
                Item::Enum(e) => {
                    if self.comment_within(span.start, self.code_end(span.end)) {
                        // Comments between the values: the enum as written.
                        let text = self.verbatim(span);
                        self.out.push_str(&text);
                    } else {
                        self.out.push_str(&format!("enum {} {{ {} }}", e.name.text, enum_values(&e.values, &e.labels)));
                    }
                    self.end_line(span.end);
                }
                Item::Define(d) => self.define(d),
                Item::Protocol(p) => self.protocol(p),
            }
        }
        self.leading(usize::MAX, "");
    }

    fn facts(&mut self, decls: &[FactDecl], block: Span) {
        self.open_block("facts {", block.start + "facts".len());
        // Docs align within each group of facts that has no blank line.
        let mut groups: Vec<Vec<&FactDecl>> = Vec::new();
        let mut previous: Option<usize> = None;
        for d in decls {
            let starts_group = previous.is_none_or(|end| self.has_blank_line(end, d.span.start));
            match groups.last_mut() {
                Some(group) if !starts_group => group.push(d),
                _ => groups.push(vec![d]),
            }
            previous = Some(self.code_end(d.span.end));
        }
        for group in &groups {
            let heads: Vec<String> = group.iter().map(|d| fact_head(d)).collect();
            // Docs align after the widest head that leaves them room; a head
            // too long for that keeps its doc two spaces away.
            let widest =
                heads.iter().map(|h| h.chars().count()).filter(|w| w + 4 <= DOC_COLUMN_LIMIT).max().unwrap_or(0);
            for (d, head) in group.iter().zip(&heads) {
                self.begin(d.span.start, "  ");
                self.out.push_str("  ");
                if self.comment_within(d.span.start, self.code_end(d.span.end)) {
                    // A comment inside the declaration (before its doc, say):
                    // the declaration as written.
                    let text = self.verbatim(d.span);
                    self.out.push_str(&text);
                    self.end_line(d.span.end);
                    continue;
                }
                self.out.push_str(head);
                if let Some(doc) = &d.doc {
                    let pad = widest.saturating_sub(head.chars().count()) + 2;
                    self.out.push_str(&" ".repeat(pad));
                    self.out.push_str(&quote(doc));
                }
                self.end_line(d.span.end);
            }
        }
        self.close_block(block.end, "  ", "}");
    }

    /// Whether the source has a blank line between two offsets.
    fn has_blank_line(&self, from: usize, to: usize) -> bool {
        self.text.get(from..to).is_some_and(|gap| {
            let lines: Vec<&str> = gap.split('\n').collect();
            lines.len() > 2 && lines.iter().skip(1).take(lines.len() - 2).any(|l| l.trim().is_empty())
        })
    }

    fn define(&mut self, d: &Define) {
        let head = format!("define {} = ", d.name.text);
        let body = self.condition(&d.expr, &head, "  ");
        self.out.push_str(&head);
        self.out.push_str(&body);
        if let Some(doc) = &d.doc {
            self.end_line(d.expr.span.end);
            self.out.push_str("  ");
            self.out.push_str(&quote(doc));
        }
        self.end_line(d.span.end);
    }

    fn protocol(&mut self, p: &Protocol) {
        self.open_block(&format!("protocol {} {} {{", p.id.text, quote(&p.title)), p.id.span.end);
        if let Some(source) = &p.source {
            self.begin(p.source_span.start, "  ");
            self.out.push_str("  source ");
            self.out.push_str(&quote(source));
            self.end_line(p.source_span.end);
        }
        for (i, rule) in p.rules.iter().enumerate() {
            if (i > 0 || p.source.is_some()) && !self.out.ends_with("\n\n") {
                self.out.push('\n');
            }
            self.leading(rule.span.start, "  ");
            self.gap(rule.span.start);
            self.rule(rule);
        }
        self.close_block(p.span.end, "  ", "}");
    }

    fn rule(&mut self, rule: &Rule) {
        self.open_block(&format!("  rule {} {{", rule.id.text), rule.id.span.end);
        for clause in &rule.clauses {
            let span = clause.span();
            self.leading(span.start, "    ");
            self.block_start = true; // no blank lines between clauses
            self.gap(span.start);
            let keyword = clause.keyword();
            let head = format!("    {keyword} ");
            let body = match clause {
                Clause::When(e) | Clause::Unless(e) => self.condition(e, &head, "      "),
                // A comment inside a hole (`{x # ...` across lines): the text
                // as written.
                Clause::Advise(t) | Clause::Because(t) if self.comment_within(t.span.start, t.span.end) => {
                    self.verbatim(t.span)
                }
                Clause::Advise(t) | Clause::Because(t) => template(t),
                Clause::Priority(n) | Clause::Timing(n) | Clause::Category(n) => n.text.clone(),
                Clause::For(names) | Clause::Against(names) | Clause::Suppresses(names) => {
                    names.iter().map(|n| n.text.as_str()).collect::<Vec<_>>().join(", ")
                }
            };
            self.out.push_str(&head);
            self.out.push_str(&body);
            self.end_line(span.end);
        }
        self.close_block(rule.span.end, "    ", "  }");
    }
}

fn fact_head(d: &FactDecl) -> String {
    let mut s = format!("{}: {}", d.path.text, type_expr(&d.ty));
    if d.optional {
        s.push('?');
    }
    if let Some(r) = &d.range {
        s.push_str(" in ");
        if let Some(low) = &r.low {
            s.push_str(&expr(low, 0));
        }
        s.push_str("..");
        if let Some(high) = &r.high {
            s.push_str(&expr(high, 0));
        }
    }
    if let Some(default) = &d.default {
        s.push_str(" = ");
        s.push_str(&expr(default, SUM));
    }
    if d.past {
        s.push_str(" past");
    }
    if let Some(r) = &d.requires {
        s.push_str(" requires ");
        s.push_str(&r.text);
    }
    s
}

fn enum_values(values: &[Name], labels: &[Option<String>]) -> String {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| match labels.get(i).and_then(Option::as_ref) {
            Some(label) => format!("{} {}", v.text, quote(label)),
            None => v.text.clone(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn type_expr(t: &TypeExpr) -> String {
    match t {
        TypeExpr::Named { name, or_never } => {
            if *or_never {
                format!("{} or never", name.text)
            } else {
                name.text.clone()
            }
        }
        TypeExpr::Enum { values, labels, .. } => format!("enum({})", enum_values(values, labels)),
        TypeExpr::List { item, .. } => format!("list({})", type_expr(item)),
        TypeExpr::Series { field, kind, .. } => format!("series({}: {})", field.text, kind.text),
    }
}

/// A condition after `head`: on one line if it fits, else broken before
/// each top-level `and`/`or`, continuation lines at `indent`.
fn condition(e: &Expr, head: &str, indent: &str) -> String {
    let flat = expr(e, 0);
    if head.chars().count() + flat.chars().count() <= WIDTH {
        return flat;
    }
    let ExprKind::Binary { op: op @ (BinOp::And | BinOp::Or), .. } = &e.kind else {
        return flat;
    };
    let mut operands = Vec::new();
    chain(e, *op, &mut operands);
    // Operands of an `or` chain that are `and`s keep their parentheses, as
    // in `expr`.
    let min = AND + 1;
    let mut out = expr(operands.first().copied().unwrap_or(e), min);
    for operand in operands.iter().skip(1) {
        out.push('\n');
        out.push_str(indent);
        out.push_str(op.symbol());
        out.push(' ');
        out.push_str(&expr(operand, min));
    }
    out
}

/// The operands of a left-nested chain of one operator.
fn chain<'e>(e: &'e Expr, op: BinOp, out: &mut Vec<&'e Expr>) {
    match &e.kind {
        ExprKind::Binary { op: o, lhs, rhs } if *o == op => {
            chain(lhs, op, out);
            out.push(rhs);
        }
        _ => out.push(e),
    }
}

// Precedence levels, loosest first, as in the grammar.
const IF: u8 = 0;
const OR: u8 = 1;
const AND: u8 = 2;
const WORDED: u8 = 3;
const NOT: u8 = 4;
const CMP: u8 = 5;
const SUM: u8 = 6;
const PRODUCT: u8 = 7;
const NEG: u8 = 8;
const ATOM: u8 = 9;

fn precedence(e: &Expr) -> u8 {
    match &e.kind {
        ExprKind::If { .. } => IF,
        ExprKind::Binary { op: BinOp::Or, .. } => OR,
        ExprKind::Binary { op: BinOp::And, .. } => AND,
        ExprKind::Worded { .. } => WORDED,
        ExprKind::Not(_) => NOT,
        ExprKind::Binary { op, .. } if op.is_comparison() => CMP,
        ExprKind::Between { .. } | ExprKind::In { .. } | ExprKind::Is { .. } | ExprKind::Contains { .. } => CMP,
        ExprKind::Binary { op: BinOp::Add | BinOp::Sub, .. } => SUM,
        ExprKind::Binary { .. } => PRODUCT,
        ExprKind::Neg(_) => NEG,
        _ => ATOM,
    }
}

/// An expression on one line, in parentheses if it binds looser than `min`.
fn expr(e: &Expr, min: u8) -> String {
    let text = match &e.kind {
        ExprKind::Number(n) => format!("{n}"),
        ExprKind::Quantity { text, .. } => text.clone(),
        ExprKind::Bool(b) => b.to_string(),
        ExprKind::Text(t) => quote(t),
        ExprKind::Path(p) => p.clone(),
        ExprKind::List(items) => format!("[{}]", items.iter().map(|i| expr(i, SUM)).collect::<Vec<_>>().join(", ")),
        ExprKind::Neg(a) => format!("-{}", expr(a, if matches!(a.kind, ExprKind::Neg(_)) { NEG } else { ATOM })),
        // `not a < 3` means `not (a < 3)`, but the parentheses say so.
        ExprKind::Not(a) => format!("not {}", expr(a, if matches!(a.kind, ExprKind::Not(_)) { NOT } else { ATOM })),
        ExprKind::Binary { op, lhs, rhs } => {
            let (l, r) = match op {
                // An `and` inside an `or` gets parentheses it does not need:
                // a coach should not have to remember which binds tighter.
                BinOp::Or => {
                    (if matches!(lhs.kind, ExprKind::Binary { op: BinOp::And, .. }) { AND + 1 } else { OR }, AND + 1)
                }
                BinOp::And => (AND, WORDED),
                BinOp::Add | BinOp::Sub => (SUM, PRODUCT),
                BinOp::Mul | BinOp::Div => (PRODUCT, NEG),
                _ => (SUM, SUM),
            };
            format!("{} {} {}", expr(lhs, l), op.symbol(), expr(rhs, r))
        }
        ExprKind::Between { value, low, high, negated } => format!(
            "{} {}between {} and {}",
            expr(value, SUM),
            if *negated { "not " } else { "" },
            expr(low, SUM),
            expr(high, SUM)
        ),
        ExprKind::In { value, set, negated } => format!(
            "{} {}in [{}]",
            expr(value, SUM),
            if *negated { "not " } else { "" },
            set.iter().map(|i| expr(i, SUM)).collect::<Vec<_>>().join(", ")
        ),
        ExprKind::Is { value, test, negated } => {
            let target = match test {
                IsTest::Known => "known".to_string(),
                IsTest::Missing => "missing".to_string(),
                IsTest::Never => "never".to_string(),
                IsTest::Value(t) => expr(t, SUM),
            };
            format!("{} is {}{target}", expr(value, SUM), if *negated { "not " } else { "" })
        }
        ExprKind::Contains { list, item } => format!("{} contains {}", expr(list, SUM), expr(item, SUM)),
        ExprKind::Call { name, args } => {
            format!("{}({})", name.text, args.iter().map(|a| expr(a, IF)).collect::<Vec<_>>().join(", "))
        }
        ExprKind::If { cond, then, otherwise } => {
            format!("if {} then {} else {}", expr(cond, IF), expr(then, IF), expr(otherwise, IF))
        }
        ExprKind::Worded { expr: inner, words } => format!("{} as {}", expr(inner, NOT), template(words)),
    };
    // An `if` swallows everything after `else`, so as an operand it always
    // needs parentheses.
    if precedence(e) < min || (precedence(e) == IF && min > IF) {
        format!("({text})")
    } else {
        text
    }
}

fn template(t: &Template) -> String {
    let mut out = String::from("\"");
    for part in &t.parts {
        match part {
            TemplatePart::Text(s) => out.push_str(&escape(s)),
            TemplatePart::Hole { expr: e, format } => {
                out.push('{');
                out.push_str(&expr(e, IF));
                if let Some(f) = format {
                    out.push(':');
                    out.push_str(&f.text);
                }
                out.push('}');
            }
        }
    }
    out.push('"');
    out
}

fn quote(s: &str) -> String {
    format!("\"{}\"", escape(s))
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"").replace('{', "\\{").replace('\n', "\\n")
}

#[cfg(test)]
mod tests;
