//! Completion: what may come next at the cursor. The text being typed
//! rarely parses, so the context is read from the characters before the
//! cursor (the enclosing blocks, the current word, the word before it);
//! the names offered come from the declarations of every file loaded with
//! the document.

use std::collections::BTreeMap;

use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionTextEdit, Documentation, InsertTextFormat, MarkupContent, MarkupKind,
    Position, Range, TextEdit, Uri,
};

use super::index::Declarations;
use super::workspace::{Analysis, FileInfo, Workspace};
use crate::builtins::BUILTINS;
use crate::program::{Priority, Timing};
use crate::units;
use crate::value::Ty;

/// Clause keywords of a rule, with what each takes.
const CLAUSES: &[(&str, &str)] = &[
    ("when", "the condition under which the rule fires"),
    ("unless", "a condition that stops it"),
    ("advise", "the advice, with {expr} holes"),
    ("because", "the reason shown with the advice"),
    ("priority", "high | medium | low"),
    ("timing", "now | today | next_24h | this_week | long_term"),
    ("category", "a free word; defaults to the protocol id"),
    ("for", "what the rule advises for"),
    ("against", "what the rule advises against"),
    ("suppresses", "rules this one silences when both fire"),
];

const EXPRESSION_WORDS: &[&str] = &[
    "and", "or", "not", "is", "in", "between", "contains", "if", "then", "else", "known", "missing", "never", "true",
    "false",
];

/// The units a literal may carry, with the dimension each measures. Every
/// one is checked against `units::unit` by a test.
pub const UNITS: &[(&str, &str)] = &[
    ("s", "seconds"),
    ("min", "minutes"),
    ("h", "hours"),
    ("d", "days"),
    ("w", "weeks"),
    ("m", "metres"),
    ("km", "kilometres"),
    ("mi", "miles"),
    ("kg", "kilograms"),
    ("g", "grams"),
    ("lb", "pounds"),
    ("L", "litres"),
    ("mL", "millilitres"),
    ("bpm", "heart rate, beats per minute"),
    ("ms", "HRV (rMSSD milliseconds), never a duration"),
    ("C", "degrees Celsius"),
    ("F", "degrees Fahrenheit"),
    ("%", "percent"),
];

/// The block the cursor is in, from the outermost.
#[derive(Debug, PartialEq)]
enum Block {
    Facts,
    Enum,
    Protocol,
    Rule,
    Other,
}

/// Where the cursor is, lexically.
struct Context<'a> {
    blocks: Vec<Block>,
    /// Inside a string, outside any `{...}` hole.
    in_text: bool,
    in_comment: bool,
    /// The line up to the cursor.
    line: &'a str,
}

fn scan(text: &str, offset: usize) -> Context<'_> {
    let upto = text.get(..offset).unwrap_or(text);
    let mut blocks = Vec::new();
    let mut header_start = 0;
    let mut in_string = false;
    let mut holes = 0usize;
    let mut in_comment = false;
    let mut chars = upto.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if in_comment {
            if c == '\n' {
                in_comment = false;
                header_start = i + 1;
            }
            continue;
        }
        if in_string && holes == 0 {
            match c {
                '\\' => {
                    chars.next();
                }
                '"' => in_string = false,
                '{' => holes = 1,
                _ => {}
            }
            continue;
        }
        match c {
            '#' if !in_string => in_comment = true,
            '"' if !in_string => in_string = true,
            '{' if in_string => holes += 1,
            '}' if in_string => holes = holes.saturating_sub(1),
            '{' => {
                let header = upto.get(header_start..i).unwrap_or("");
                let word = header.split_whitespace().find(|w| !w.is_empty()).unwrap_or("");
                blocks.push(match word {
                    "facts" => Block::Facts,
                    "enum" => Block::Enum,
                    "protocol" => Block::Protocol,
                    "rule" => Block::Rule,
                    _ => Block::Other,
                });
                header_start = i + 1;
            }
            '}' => {
                blocks.pop();
                header_start = i + 1;
            }
            '\n' => header_start = i + 1,
            _ => {}
        }
    }
    let line_start = upto.rfind('\n').map_or(0, |i| i + 1);
    Context { blocks, in_text: in_string && holes == 0, in_comment, line: upto.get(line_start..).unwrap_or("") }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '.' || c == '%' || c == '°'
}

pub fn complete(ws: &Workspace, uri: &Uri, position: Position) -> Vec<CompletionItem> {
    let Some((analysis, _, file)) = ws.file(uri) else { return Vec::new() };
    let offset = file.lines.offset(file.text(), position);
    let cx = scan(file.text(), offset);
    if cx.in_comment || cx.in_text {
        return Vec::new();
    }
    let word_len: usize = cx.line.chars().rev().take_while(|c| is_word_char(*c)).map(char::len_utf8).sum();
    let split = cx.line.len() - word_len;
    let word = cx.line.get(split..).unwrap_or("");
    let before = cx.line.get(..split).unwrap_or("");
    // The range the chosen item replaces: from `from` bytes before the cursor.
    let replace = |from: usize| {
        let start = file.lines.position(file.text(), offset - from);
        Range::new(start, position)
    };

    // A number: the unit comes next (`6h`, `6 h`).
    if word.starts_with(|c: char| c.is_ascii_digit())
        || (word.is_empty() && before.ends_with(|c: char| c.is_ascii_digit()))
    {
        let digits: usize = word.chars().take_while(|c| c.is_ascii_digit() || *c == '.').map(char::len_utf8).sum();
        let range = replace(word.len() - digits);
        return UNITS
            .iter()
            .map(|(u, what)| CompletionItem {
                label: (*u).to_string(),
                kind: Some(CompletionItemKind::UNIT),
                detail: Some((*what).to_string()),
                text_edit: Some(CompletionTextEdit::Edit(TextEdit { range, new_text: (*u).to_string() })),
                ..Default::default()
            })
            .collect();
    }

    let innermost = cx.blocks.last();
    let at_line_start = before.trim().is_empty();
    let mut previous = before.split_whitespace().rev();
    let last = previous.next().unwrap_or("");
    let second = previous.next().unwrap_or("");

    // A dotted path: the fields under the group typed so far.
    if let Some(dot) = word.rfind('.') {
        let group = word.get(..dot).unwrap_or("");
        return fields(analysis, group, replace(word.len() - dot - 1));
    }
    if at_line_start {
        return match innermost {
            Some(Block::Rule) => keywords(CLAUSES, CompletionItemKind::KEYWORD),
            Some(Block::Protocol) => keywords(
                &[("rule", "a rule: rule id { ... }"), ("source", "where the protocol comes from")],
                CompletionItemKind::KEYWORD,
            ),
            None => keywords(
                &[
                    ("facts", "fact declarations"),
                    ("enum", "a set of words"),
                    ("define", "a derived fact"),
                    ("protocol", "a protocol of rules"),
                ],
                CompletionItemKind::KEYWORD,
            ),
            _ => Vec::new(),
        };
    }
    if innermost == Some(&Block::Rule) && !before.contains('"') {
        let clause = before.split_whitespace().next().unwrap_or("");
        match clause {
            "priority" => {
                return words(Priority::ALL.iter().map(|(n, _)| *n), CompletionItemKind::ENUM_MEMBER, "priority")
            }
            "timing" => return words(Timing::ALL.iter().map(|(n, _)| *n), CompletionItemKind::ENUM_MEMBER, "timing"),
            "suppresses" => {
                let mut ids: Vec<&String> = analysis.decls.rules.keys().collect();
                ids.sort();
                return words(ids.iter().map(|s| s.as_str()), CompletionItemKind::REFERENCE, "rule");
            }
            "category" | "for" | "against" => return Vec::new(),
            _ => {}
        }
    }
    if innermost == Some(&Block::Facts) && before.contains(':') && !before.contains('"') {
        return types(&analysis.decls);
    }

    // After `is` / `is not` / `in [` / `contains`: the values of the subject's enum.
    let subject = if last == "is" || last == "contains" {
        Some(second)
    } else if last == "not" && second == "is" {
        before.split_whitespace().rev().nth(2)
    } else {
        open_list_subject(before)
    };
    if let Some(subject) = subject {
        let subject = subject.trim_start_matches('(');
        let mut items = enum_values(analysis, subject);
        if last == "is" || last == "not" {
            items.extend(words(["known", "missing", "never", "not"], CompletionItemKind::KEYWORD, ""));
        }
        if !items.is_empty() {
            return items;
        }
    }
    expression(analysis, file)
}

/// In `x in [a, b, ` or `x not in [`: `x`.
fn open_list_subject(before: &str) -> Option<&str> {
    let open = before.rfind('[')?;
    if before.get(open..)?.contains(']') {
        return None;
    }
    let head = before.get(..open)?.trim_end();
    let head = head.strip_suffix("in")?.trim_end();
    let head = head.strip_suffix("not").map_or(head, str::trim_end);
    head.split_whitespace().last()
}

fn keywords(list: &[(&str, &str)], kind: CompletionItemKind) -> Vec<CompletionItem> {
    list.iter()
        .map(|(k, doc)| CompletionItem {
            label: (*k).to_string(),
            kind: Some(kind),
            detail: Some((*doc).to_string()),
            ..Default::default()
        })
        .collect()
}

fn words<'a>(list: impl IntoIterator<Item = &'a str>, kind: CompletionItemKind, detail: &str) -> Vec<CompletionItem> {
    list.into_iter()
        .map(|w| CompletionItem {
            label: w.to_string(),
            kind: Some(kind),
            detail: (!detail.is_empty()).then(|| detail.to_string()),
            ..Default::default()
        })
        .collect()
}

fn markdown(text: &str) -> Documentation {
    Documentation::MarkupContent(MarkupContent { kind: MarkupKind::Markdown, value: text.to_string() })
}

/// `last_session.` → `kind`, `ended_at`, ...; a deeper group shows as one item.
fn fields(analysis: &Analysis, group: &str, range: Range) -> Vec<CompletionItem> {
    let prefix = format!("{group}.");
    let mut next: BTreeMap<String, Option<&crate::ast::FactDecl>> = BTreeMap::new();
    for (path, (_, decl)) in &analysis.decls.facts {
        if let Some(rest) = path.strip_prefix(&prefix) {
            match rest.split_once('.') {
                Some((sub, _)) => {
                    next.entry(sub.to_string()).or_insert(None);
                }
                None => {
                    next.insert(rest.to_string(), Some(decl));
                }
            }
        }
    }
    next.into_iter()
        .map(|(name, decl)| {
            let (kind, detail, doc) = match decl {
                Some(d) => (CompletionItemKind::FIELD, Some(fact_type(analysis, &d.path.text)), d.doc.clone()),
                None => (CompletionItemKind::MODULE, Some("group of facts".to_string()), None),
            };
            CompletionItem {
                label: name.clone(),
                kind: Some(kind),
                detail,
                documentation: doc.as_deref().map(markdown),
                text_edit: Some(CompletionTextEdit::Edit(TextEdit { range, new_text: name })),
                ..Default::default()
            }
        })
        .collect()
}

/// A fact's type as written in its declaration.
fn fact_type(analysis: &Analysis, path: &str) -> String {
    analysis
        .decls
        .facts
        .get(path)
        .and_then(|(i, d)| {
            let f = analysis.files.get(*i)?;
            let ty = f.text().get(d.ty.span().start..d.ty.span().end)?;
            Some(format!("{ty}{}", if d.optional { "?" } else { "" }))
        })
        .unwrap_or_default()
}

fn enum_values(analysis: &Analysis, subject: &str) -> Vec<CompletionItem> {
    let decls = &analysis.decls;
    let from_define = || {
        let program = analysis.program()?;
        let define = program.defines.iter().find(|d| d.name == subject)?;
        let index = match &define.ty {
            Ty::Enum(i) => *i,
            Ty::List(item) => match **item {
                Ty::Enum(i) => i,
                _ => return None,
            },
            _ => return None,
        };
        program.enums.get(index).map(|e| e.name.clone())
    };
    let Some(name) = decls.fact_enum.get(subject).cloned().or_else(from_define) else { return Vec::new() };
    let Some(info) = decls.enums.get(&name) else { return Vec::new() };
    let (values, labels) = (&info.values, &info.labels);
    values
        .iter()
        .enumerate()
        .map(|(i, v)| CompletionItem {
            label: v.clone(),
            kind: Some(CompletionItemKind::ENUM_MEMBER),
            detail: Some(match labels.get(i).and_then(Option::as_ref) {
                Some(l) => format!("{name}: \"{l}\""),
                None => name.clone(),
            }),
            ..Default::default()
        })
        .collect()
}

fn types(decls: &Declarations) -> Vec<CompletionItem> {
    let mut items = words(["number", "bool", "text", "date", "instant"], CompletionItemKind::TYPE_PARAMETER, "type");
    items.extend(words(
        units::KIND_NAMES.iter().copied().filter(|k| *k != "number"),
        CompletionItemKind::UNIT,
        "quantity",
    ));
    let mut enums: Vec<&String> = decls.enums.keys().filter(|e| !decls.facts.contains_key(*e)).collect();
    enums.sort();
    items.extend(words(enums.iter().map(|s| s.as_str()), CompletionItemKind::ENUM, "enum"));
    items.extend(words(["list", "series", "enum"], CompletionItemKind::KEYWORD, ""));
    items
}

/// Anything an expression may name: facts, defines, builtins, words.
fn expression(analysis: &Analysis, _file: &FileInfo) -> Vec<CompletionItem> {
    let decls = &analysis.decls;
    let mut items = Vec::new();
    let mut facts: Vec<&String> = decls.facts.keys().collect();
    facts.sort();
    for path in facts {
        let doc = decls.facts.get(path).and_then(|(_, d)| d.doc.clone());
        items.push(CompletionItem {
            label: path.clone(),
            kind: Some(CompletionItemKind::FIELD),
            detail: Some(fact_type(analysis, path)),
            documentation: doc.as_deref().map(markdown),
            ..Default::default()
        });
    }
    let mut defines: Vec<&String> = decls.defines.keys().collect();
    defines.sort();
    for name in defines {
        let doc = decls.defines.get(name).and_then(|(_, d)| d.doc.clone());
        items.push(CompletionItem {
            label: name.clone(),
            kind: Some(CompletionItemKind::VARIABLE),
            detail: Some("define".into()),
            documentation: doc.as_deref().map(markdown),
            ..Default::default()
        });
    }
    for b in BUILTINS {
        items.push(CompletionItem {
            label: b.name.to_string(),
            kind: Some(CompletionItemKind::FUNCTION),
            detail: Some(b.signature.to_string()),
            documentation: Some(markdown(b.doc)),
            insert_text: Some(format!("{}($0)", b.name)),
            insert_text_format: Some(InsertTextFormat::SNIPPET),
            ..Default::default()
        });
    }
    items.extend(words(EXPRESSION_WORDS.iter().copied(), CompletionItemKind::KEYWORD, ""));
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_completed_unit_is_one_recoup_reads() {
        for (u, _) in UNITS {
            assert!(units::unit(u, None).is_ok(), "{u}");
        }
    }

    #[test]
    fn the_context_knows_blocks_strings_and_comments() {
        let text = "protocol p \"P\" {\n  rule r {\n    advise \"a {x} b\" # c\n    wh";
        let cx = scan(text, text.len());
        assert_eq!(cx.blocks, [Block::Protocol, Block::Rule]);
        assert!(!cx.in_text && !cx.in_comment);
        assert_eq!(cx.line, "    wh");
        let cut = text.find("{x").unwrap_or(0);
        assert!(scan(text, cut).in_text);
        assert!(scan(text, text.find(" c").unwrap_or(0) + 1).in_comment);
    }

    #[test]
    fn the_subject_of_an_open_list() {
        assert_eq!(open_list_subject("when last_session.kind in [race, "), Some("last_session.kind"));
        assert_eq!(open_list_subject("when (x not in ["), Some("(x"));
        assert_eq!(open_list_subject("when x in [a] and "), None);
    }
}
