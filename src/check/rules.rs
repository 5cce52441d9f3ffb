//! Rules: clauses, conditions, advice templates and suppression.

use std::collections::HashMap;
use std::sync::Arc;

use crate::ast::{self, BinOp, Clause, Expr, ExprKind, Item, TemplatePart as AstPart};
use crate::diagnostic::{SourceFile, Suggestion};
use crate::program::*;

use super::*;

impl Checker {
    pub(super) fn compile_rules(&mut self, inputs: &[Input]) {
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
                            prev => {
                                // Point at both declarations: in one file as
                                // two labels, across files by name.
                                let first = prev.map(|p| (Arc::clone(p.file), p.rule.id.span));
                                let d = self.error(
                                    &input.file,
                                    "check::duplicate-rule",
                                    format!("rule `{id}` is declared twice"),
                                    rule.id.span,
                                    "declared again here",
                                );
                                match first {
                                    Some((file, span)) if Arc::ptr_eq(&file, &input.file) => {
                                        d.labels.push((span, "first declared here".into()));
                                        d.help = Some("rule ids must be unique within a protocol; rename one".into());
                                    }
                                    Some((file, span)) => {
                                        let (line, _) = file.line_col(span.start);
                                        d.help = Some(format!(
                                            "first declared in {} line {line}; rule ids must be unique within a protocol, rename one",
                                            file.cited_name()
                                        ));
                                    }
                                    None => {}
                                }
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
                        let fix = Suggestion::closest(name.span, &full, ids.keys().map(String::as_str));
                        let d = self.error(
                            &file,
                            "check::unknown-rule",
                            format!("unknown rule `{full}`"),
                            name.span,
                            "no such rule",
                        );
                        d.help = Some(fix.as_ref().map_or_else(
                            || "name a rule as `rule` in the same protocol or `protocol.rule`".into(),
                            Suggestion::help,
                        ));
                        d.suggestion = fix.map(Box::new);
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

    #[allow(clippy::too_many_arguments)]
    pub(super) fn compile_rule(
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

    pub(super) fn pick<T: Copy>(
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
        let fix = Suggestion::closest(n.span, &n.text, names.iter().copied());
        let help = fix.as_ref().map_or_else(|| format!("use one of: {}", names.join(", ")), Suggestion::help);
        let d = self.error(
            file,
            "check::bad-clause-value",
            format!("`{}` is not a {what}", n.text),
            n.span,
            &format!("unknown {what}"),
        );
        d.help = Some(help);
        d.suggestion = fix.map(Box::new);
        None
    }

    /// A `when` or `unless` condition: its `and`/`or` skeleton, with each
    /// leaf a numbered atom.
    pub(super) fn condition(&mut self, e: &Expr, scope: &Scope<'_>, rule: usize, in_unless: bool) -> Option<Node> {
        if let ExprKind::Binary { op: op @ (BinOp::And | BinOp::Or), lhs, rhs } = &e.kind {
            let a = self.condition(lhs, scope, rule, in_unless);
            let b = self.condition(rhs, scope, rule, in_unless);
            let (a, b) = (Box::new(a?), Box::new(b?));
            return Some(if *op == BinOp::And { Node::And(a, b) } else { Node::Or(a, b) });
        }
        // `x as "words"`: the condition is `x`, and the words are the coach's.
        let (e, written) = match &e.kind {
            ExprKind::Worded { expr, words } => (&**expr, Some(words)),
            _ => (e, None),
        };
        let node = self.boolean(e, scope)?;
        let words = match written {
            Some(w) => self.template(w, scope)?,
            None => self.generated_words(e, scope),
        };
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
            .filter(|s| {
                !matches!(
                    s.kind,
                    ExprKind::Number(_) | ExprKind::Quantity { .. } | ExprKind::Bool(_) | ExprKind::Text(_)
                )
            })
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
        self.atoms.push(Atom {
            rule,
            text,
            subject,
            facts,
            in_unless,
            doc,
            words,
            written: written.is_some(),
            span: e.span,
        });
        Some(Node::Atom(id, Box::new(node)))
    }

    pub(super) fn template(&mut self, t: &ast::Template, scope: &Scope<'_>) -> Option<Template> {
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
}

/// What makes two advice templates read the same: the text, and the type
/// and format of each hole (their values are compared per athlete).
#[derive(PartialEq, Eq, Hash)]
pub(super) enum SignaturePart {
    Text(String),
    Hole(String, bool),
}

pub(super) fn template_signature(t: &Template) -> Vec<SignaturePart> {
    t.parts
        .iter()
        .map(|part| match part {
            TemplatePart::Text(s) => SignaturePart::Text(s.clone()),
            TemplatePart::Hole { ty, bare_number, .. } => SignaturePart::Hole(format!("{ty:?}"), *bare_number),
        })
        .collect()
}
