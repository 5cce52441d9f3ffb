//! Answers to the editor's questions: hover, go to definition, references,
//! code actions and formatting. Completion has its own file.

use std::collections::HashMap;
use std::sync::Arc;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Hover, HoverContents, Location, MarkupContent, MarkupKind,
    Position, Range, TextEdit, Uri, WorkspaceEdit,
};

use super::index::{Ref, Symbol};
use super::workspace::{to_lsp, Analysis, FileInfo, Workspace};
use crate::ast::{self, TypeExpr};
use crate::builtins;
use crate::diagnostic::{SourceFile, Span, CODES};
use crate::format;

/// The text of a span in a file, or nothing if the span is stale.
fn slice(file: &FileInfo, span: Span) -> &str {
    file.text().get(span.start..span.end).unwrap_or("")
}

/// The symbol written at a position, and the span it was written at.
fn symbol_at(analysis: &Analysis, file: &FileInfo, offset: usize) -> Option<(Symbol, Span)> {
    let occurrence = file.index.at(offset)?;
    Some((analysis.decls.resolve(&occurrence.target)?, occurrence.span))
}

pub fn hover(ws: &Workspace, uri: &Uri, position: Position) -> Option<Hover> {
    let (analysis, _, file) = ws.file(uri)?;
    let offset = file.lines.offset(file.text(), position);
    let (markdown, span) = match code_at(file.text(), offset) {
        Some((code, span)) => (code_doc(code)?, span),
        None => {
            let (symbol, span) = symbol_at(analysis, file, offset)?;
            (describe(analysis, &symbol)?, span)
        }
    };
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value: markdown }),
        range: Some(file.range(span)),
    })
}

/// A diagnostic or lint code (`check::unknown-name`, `lint::never-fires`)
/// written at `offset`, as in an `allow` comment.
fn code_at(text: &str, offset: usize) -> Option<(&str, Span)> {
    let is_code_char = |c: char| c.is_ascii_alphanumeric() || c == ':' || c == '-' || c == '_';
    let before = text.get(..offset)?;
    let start = before.rfind(|c: char| !is_code_char(c)).map_or(0, |i| i + 1);
    let after = text.get(offset..)?;
    let end = offset + after.find(|c: char| !is_code_char(c)).unwrap_or(after.len());
    let word = text.get(start..end)?.trim_end_matches(':');
    let (namespace, name) = word.split_once("::")?;
    (!namespace.is_empty() && !name.is_empty() && !name.contains(':'))
        .then_some((word, Span::new(start, start + word.len())))
}

/// The documentation of a diagnostic code.
pub fn code_doc(code: &str) -> Option<String> {
    if let Some(lint) = crate::lint::lookup(code) {
        return Some(format!("```text\n{}```", lint.explain()));
    }
    let (_, meaning) = CODES.iter().find(|(c, _)| *c == code)?;
    Some(format!("**`{code}`**\n\n{meaning}"))
}

/// Markdown for a symbol: what it is, and what its declaration says.
pub fn describe(analysis: &Analysis, symbol: &Symbol) -> Option<String> {
    let decls = &analysis.decls;
    let file = |i: usize| analysis.files.get(i);
    Some(match symbol {
        Symbol::Fact(path) => {
            let (i, decl) = decls.facts.get(path)?;
            fact_markdown(file(*i)?, decl, decls)
        }
        Symbol::Define(name) => {
            let (i, define) = decls.defines.get(name)?;
            let f = file(*i)?;
            let mut out = format!("**define** `{name}`");
            let ty = analysis.program().and_then(|p| {
                let d = p.defines.iter().find(|d| &d.name == name)?;
                Some(d.ty.describe(&p.enums))
            });
            if let Some(ty) = ty {
                out.push_str(&format!(": {ty}"));
            }
            out.push_str(&format!("\n\n```recoup\ndefine {name} = {}\n```", slice(f, define.expr.span)));
            if let Some(doc) = &define.doc {
                out.push_str(&format!("\n\n{doc}"));
            }
            out
        }
        Symbol::Enum(name) => {
            let info = decls.enums.get(name)?;
            format!("**enum** `{name}`\n\n{}", value_list(&info.values, &info.labels))
        }
        Symbol::EnumValue(e, value) => {
            let info = decls.enums.get(e)?;
            let (values, labels) = (&info.values, &info.labels);
            let label = values.iter().position(|v| v == value).and_then(|i| labels.get(i).cloned().flatten());
            let shown = label.unwrap_or_else(|| value.replace('_', " "));
            format!(
                "**`{value}`**, a value of `{e}` (advice shows it as \"{shown}\")\n\n{}",
                value_list(values, labels)
            )
        }
        Symbol::Rule(id) => {
            let (i, rule) = decls.rules.get(id)?;
            rule_markdown(file(*i)?, id, rule)
        }
        Symbol::Builtin(name) => {
            let b = builtins::lookup(name)?;
            format!("**builtin**\n\n```recoup\n{}\n```\n\n{}", b.signature, b.doc)
        }
    })
}

fn value_list(values: &[String], labels: &[Option<String>]) -> String {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| match labels.get(i).and_then(Option::as_ref) {
            Some(l) => format!("- `{v}` \"{l}\""),
            None => format!("- `{v}`"),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The unit a plain number in the state file is read in, for a quantity kind.
fn kind_unit(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "duration" => "min",
        "hours" => "h",
        "days" => "d",
        "mass" => "kg",
        "distance" => "km",
        "heart_rate" => "bpm",
        "hrv" => "ms (rMSSD)",
        "temperature" => "°C",
        "pace" => "min/km",
        "volume" => "L",
        "percent" => "% (20 means 20 %)",
        _ => return None,
    })
}

fn type_kind(ty: &TypeExpr) -> Option<&str> {
    match ty {
        TypeExpr::Named { name, .. } => Some(&name.text),
        TypeExpr::List { item, .. } => type_kind(item),
        TypeExpr::Series { kind, .. } => Some(&kind.text),
        TypeExpr::Enum { .. } => None,
    }
}

fn fact_markdown(file: &FileInfo, decl: &ast::FactDecl, decls: &super::index::Declarations) -> String {
    let path = &decl.path.text;
    let ty = slice(file, decl.ty.span());
    let mut out = format!("**fact** `{path}`\n\n");
    out.push_str(&format!("- type: `{ty}`{}\n", if decl.optional { " (optional: may be unknown)" } else { "" }));
    if let Some(unit) = type_kind(&decl.ty).and_then(kind_unit) {
        out.push_str(&format!("- unit: {unit} (a plain number in the state file)\n"));
    }
    if let Some(range) = &decl.range {
        let written = slice(file, range.span);
        let bounds = written.strip_prefix("in").map_or(written, str::trim_start);
        out.push_str(&format!("- range: `{bounds}`\n"));
    }
    if let Some(default) = &decl.default {
        out.push_str(&format!("- default: `{}`\n", slice(file, default.span)));
    }
    if decl.past {
        out.push_str("- past: may not lie after `now`\n");
    }
    if let Some(r) = &decl.requires {
        out.push_str(&format!("- requires: `{}`\n", r.text));
    }
    if let Some(e) = decls.fact_enum.get(path).and_then(|e| decls.enums.get(e)) {
        out.push_str(&format!(
            "- values: {}\n",
            e.values.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ")
        ));
    }
    if let Some(doc) = &decl.doc {
        out.push_str(&format!("\n{doc}"));
    }
    out
}

fn rule_markdown(file: &FileInfo, id: &str, rule: &ast::Rule) -> String {
    let mut out = format!("**rule** `{id}`\n");
    for clause in &rule.clauses {
        let text = slice(file, clause.span());
        match clause {
            ast::Clause::Advise(_) => out.push_str(&format!("\n**advise** {text}\n")),
            ast::Clause::Because(_) => out.push_str(&format!("\n**because** {text}\n")),
            ast::Clause::When(_) | ast::Clause::Unless(_) | ast::Clause::Priority(_) | ast::Clause::Timing(_) => {
                out.push_str(&format!(
                    "\n`{} {}`\n",
                    clause.keyword(),
                    text.split_whitespace().collect::<Vec<_>>().join(" ")
                ));
            }
            _ => {}
        }
    }
    out
}

/// Where a symbol is declared.
fn declaration(analysis: &Analysis, symbol: &Symbol) -> Option<(usize, Span)> {
    let decls = &analysis.decls;
    match symbol {
        Symbol::Fact(p) => decls.facts.get(p).map(|(i, d)| (*i, d.path.span)),
        Symbol::Define(n) => decls.defines.get(n).map(|(i, d)| (*i, d.name.span)),
        Symbol::Enum(e) => decls.enums.get(e).map(|info| (info.file, info.span)),
        Symbol::Rule(r) => decls.rules.get(r).map(|(i, rule)| (*i, rule.id.span)),
        Symbol::EnumValue(e, _) => {
            let i = decls.enums.get(e)?.file;
            let file = analysis.files.get(i)?;
            let target = Ref::Decl(symbol.clone());
            let found = file.index.occurrences.iter().find(|o| same_decl(&o.target, &target))?;
            Some((i, found.span))
        }
        Symbol::Builtin(_) => None,
    }
}

fn same_decl(a: &Ref, b: &Ref) -> bool {
    matches!((a, b), (Ref::Decl(x), Ref::Decl(y)) if x == y)
}

fn location(analysis: &Analysis, file: usize, span: Span) -> Option<Location> {
    let f = analysis.files.get(file)?;
    Some(Location { uri: f.uri.clone()?, range: f.range(span) })
}

pub fn definition(ws: &Workspace, uri: &Uri, position: Position) -> Option<Location> {
    let (analysis, _, file) = ws.file(uri)?;
    let offset = file.lines.offset(file.text(), position);
    let (symbol, _) = symbol_at(analysis, file, offset)?;
    let (i, span) = declaration(analysis, &symbol)?;
    location(analysis, i, span)
}

pub fn references(ws: &Workspace, uri: &Uri, position: Position, include_declaration: bool) -> Vec<Location> {
    let Some((analysis, _, file)) = ws.file(uri) else { return Vec::new() };
    let offset = file.lines.offset(file.text(), position);
    let Some((symbol, _)) = symbol_at(analysis, file, offset) else { return Vec::new() };
    let mut out = Vec::new();
    for (i, f) in analysis.files.iter().enumerate() {
        for o in &f.index.occurrences {
            if !include_declaration && matches!(o.target, Ref::Decl(_)) {
                continue;
            }
            if analysis.decls.resolve(&o.target).as_ref() == Some(&symbol) {
                out.extend(location(analysis, i, o.span));
            }
        }
    }
    out
}

/// `recoup fmt` of the document, as one edit of the whole text; nothing
/// when it is formatted already or does not parse.
pub fn format_document(ws: &Workspace, uri: &Uri) -> Option<Vec<TextEdit>> {
    let (_, _, file) = ws.file(uri)?;
    let source = SourceFile::new(file.source.name.clone(), Arc::clone(&file.source.text));
    let formatted = format::format(&source).ok()?;
    if formatted == file.text() {
        return Some(Vec::new());
    }
    let whole = Range::new(Position::new(0, 0), file.lines.position(file.text(), file.text().len()));
    Some(vec![TextEdit { range: whole, new_text: formatted }])
}

/// A quick fix for every diagnostic in `range` that carries one suggestion.
pub fn code_actions(ws: &Workspace, uri: &Uri, range: Range) -> Vec<CodeActionOrCommand> {
    let Some((analysis, _, file)) = ws.file(uri) else { return Vec::new() };
    let mut out = Vec::new();
    for d in analysis.diagnostics_of(uri) {
        let Some(fix) = &d.suggestion else { continue };
        let shown = to_lsp(d, file);
        let fix_range = file.range(fix.span);
        let touches = |r: &Range| r.start <= range.end && range.start <= r.end;
        if !touches(&shown.range) && !touches(&fix_range) {
            continue;
        }
        let old = slice(file, fix.span);
        let edit = TextEdit { range: fix_range, new_text: fix.replacement.clone() };
        out.push(CodeActionOrCommand::CodeAction(CodeAction {
            title: format!("Replace `{old}` with `{}`", fix.replacement),
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![shown]),
            edit: Some(WorkspaceEdit {
                changes: Some(HashMap::from([(uri.clone(), vec![edit])])),
                ..Default::default()
            }),
            is_preferred: Some(true),
            ..Default::default()
        }));
    }
    out
}
