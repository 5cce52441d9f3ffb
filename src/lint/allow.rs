//! `# allow(lint::code): reason` comments. An allow sits on the line before
//! a rule, fact, define or protocol (or inside it) and silences that lint's
//! findings there. The reason is required: the next reader must learn why
//! the finding is intended.

use std::sync::Arc;

use super::registry::{lookup, Lint};
use super::rules::{allow_unknown_code, allow_without_reason, unused_allow};
use super::{Config, Finding};
use crate::ast::Item;
use crate::check::Input;
use crate::diagnostic::{SourceFile, Span};

#[derive(Debug)]
pub struct Allow {
    pub file: Arc<SourceFile>,
    /// The whole comment.
    pub span: Span,
    pub code: String,
    pub reason: String,
    /// The rule, declaration or protocol it applies to.
    pub target: Option<Span>,
    used: bool,
}

/// Every allow comment in the files.
pub fn collect(inputs: &[Input]) -> Vec<Allow> {
    let mut out = Vec::new();
    // Only the coach's files: a shipped file's allows are for its own lint.
    for input in inputs.iter().filter(|i| !i.builtin) {
        let targets = targets(input);
        for comment in &input.ast.comments {
            let body = comment.text.trim_start_matches('#').trim();
            let Some(rest) = body.strip_prefix("allow(") else { continue };
            let Some((code, after)) = rest.split_once(')') else { continue };
            let reason = after.trim().strip_prefix(':').unwrap_or(after).trim().to_string();
            out.push(Allow {
                file: Arc::clone(&input.file),
                span: comment.span,
                code: code.trim().to_string(),
                reason,
                target: target_of(&input.file.text, comment.span, &targets),
                used: false,
            });
        }
    }
    out
}

/// Spans an allow can apply to: rules, protocols, fact declarations,
/// defines and enums.
fn targets(input: &Input) -> Vec<Span> {
    let mut out = Vec::new();
    for item in &input.ast.items {
        match item {
            Item::Facts(decls, _) => out.extend(decls.iter().map(|d| d.span)),
            Item::Protocol(p) => {
                out.push(p.span);
                out.extend(p.rules.iter().map(|r| r.span));
            }
            other => out.push(other.span()),
        }
    }
    out
}

/// The target a comment directly precedes (only blank lines and comments
/// between), else the smallest one it sits in.
fn target_of(text: &str, comment: Span, targets: &[Span]) -> Option<Span> {
    let precedes = targets.iter().filter(|t| t.start >= comment.end).min_by_key(|t| t.start).filter(|t| {
        text.get(comment.end..t.start)
            .unwrap_or("x")
            .lines()
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
    });
    precedes.copied().or_else(|| {
        targets.iter().filter(|t| t.start <= comment.start && comment.end <= t.end).min_by_key(|t| t.len()).copied()
    })
}

/// Drop the lint findings an allow covers, then add the findings about the
/// allows themselves: no reason, an unknown code, and (when the lints ran)
/// an allow that silenced nothing.
pub fn apply(allows: &mut [Allow], findings: Vec<Finding>, lints_ran: bool, config: &Config) -> Vec<Finding> {
    let mut kept = Vec::new();
    for f in findings {
        let d = &f.diagnostic;
        let start = d.labels.first().map(|(s, _)| s.start);
        let covering = allows.iter_mut().find(|a| {
            a.code == d.code
                && d.file.as_ref().is_some_and(|file| Arc::ptr_eq(file, &a.file))
                && matches!((a.target, start), (Some(t), Some(s)) if t.start <= s && s <= t.end)
        });
        match covering {
            Some(a) => a.used = true,
            None => kept.push(f),
        }
    }
    for a in allows.iter() {
        let finding = |lint: &Lint, message: String, help: &str| {
            Finding::from(lint.diagnostic(message).in_file(&a.file).label(a.span, "this allow").help(help))
        };
        if lookup(&a.code).is_none() {
            let help = match crate::diagnostic::did_you_mean(&a.code, super::LINTS.iter().map(|l| l.code)) {
                Some(c) => format!("did you mean `{c}`? `recoup lint --explain` lists every lint"),
                None => "`recoup lint --explain` lists every lint".into(),
            };
            let mut f = finding(&allow_unknown_code::LINT, format!("`{}` is not a lint code", a.code), &help);
            if let Some(c) = crate::diagnostic::did_you_mean(&a.code, super::LINTS.iter().map(|l| l.code)) {
                f.diagnostic = f.diagnostic.with_fix(a.span, format!("# allow({c}): {}", a.reason));
            }
            kept.push(f);
            continue;
        }
        if a.reason.is_empty() {
            kept.push(finding(
                &allow_without_reason::LINT,
                format!("`allow({})` gives no reason", a.code),
                "say why the finding is intended: `# allow(lint::overlap): the bands share 10 °C on purpose`",
            ));
        }
        if lints_ran && !a.used && config.enabled(&a.code) {
            let mut f = finding(
                &unused_allow::LINT,
                format!("`allow({})` silences nothing here", a.code),
                "the finding it was written for is gone; remove the comment",
            );
            f.diagnostic = f.diagnostic.with_fix(a.span, "");
            kept.push(f);
        }
    }
    kept
}
