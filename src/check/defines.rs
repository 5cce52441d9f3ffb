//! Defines: ordered by what they use, compiled once, cycles reported.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use crate::ast::{self, Expr, ExprKind, IsTest, Item};
use crate::diagnostic::SourceFile;
use crate::program::*;
use crate::value::Ty;

use super::*;

impl Checker {
    pub(super) fn compile_defines(&mut self, inputs: &[Input]) {
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
        let walk = super::graph::walk(&deps);
        for cycle in &walk.cycles {
            let Some((file, d)) = cycle.first().and_then(|&i| all.get(i)) else { continue };
            let names: Vec<&str> =
                cycle.iter().map(|&n| all.get(n).map_or("?", |(_, d)| d.name.text.as_str())).collect();
            let file = Arc::clone(file);
            self.error(
                &file,
                "check::define-cycle",
                format!("defines refer to each other in a loop: {} -> {}", names.join(" -> "), d.name.text),
                d.name.span,
                "this define is part of the loop",
            )
            .help = Some("a define cannot use itself, directly or through others".into());
        }
        let order = walk.order;
        if self.errors.iter().any(|e| e.code == "check::define-cycle") {
            // Every define stays a known name, so the loop is the one error
            // and uses of these defines elsewhere do not each report an
            // "unknown name".
            for (_, d) in &all {
                self.define_names.insert(d.name.text.clone(), usize::MAX);
            }
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
    pub(super) fn node_facts(&self, node: &Node) -> Vec<usize> {
        let mut out = BTreeSet::new();
        self.collect_facts(node, &mut out);
        out.into_iter().collect()
    }

    pub(super) fn collect_facts(&self, node: &Node, out: &mut BTreeSet<usize>) {
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

    pub(super) fn slot_of_define(&self, name: &str) -> Option<Option<(Slot, Ty)>> {
        let &i = self.define_names.get(name)?;
        if i == usize::MAX {
            return Some(None);
        }
        let d = self.defines.get(i)?;
        let slot = u32::try_from(self.facts.len() + i).ok()?;
        Some(Some((slot, d.ty.clone())))
    }
}

/// Every name an expression mentions (for ordering defines).
pub(super) fn paths(e: &Expr, out: &mut Vec<String>) {
    match &e.kind {
        ExprKind::Path(p) => out.push(p.clone()),
        ExprKind::Number(_) | ExprKind::Quantity { .. } | ExprKind::Bool(_) | ExprKind::Text(_) => {}
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
        ExprKind::Worded { expr, .. } => paths(expr, out),
    }
}
