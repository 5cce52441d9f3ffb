//! Text to AST: the pest grammar in `grammar/recoup.pest`, one `build_<rule>`
//! function per grammar rule, and parse errors turned into diagnostics with
//! readable token names.

use std::sync::Arc;

use pest::iterators::Pair;
use pest::Parser as _;

use crate::ast::*;
use crate::diagnostic::{suggest, Diagnostic, SourceFile, Span, Suggestion};
use crate::units;

#[derive(pest_derive::Parser)]
#[grammar = "grammar/recoup.pest"]
struct Grammar;

/// Largest rule file accepted, in bytes. Protocols are hand-written notes; a
/// file this big is a mistake, and the limit keeps every later pass cheap.
pub const MAX_FILE_BYTES: usize = 1 << 20;
/// Deepest nesting of brackets, and most `if`s, in one file. pest and the
/// passes after it recurse once per level, so nesting must be bounded before
/// parsing starts (test threads have small stacks).
pub const MAX_NESTING: usize = 64;

/// Parse one rule file. Returns the tree, or every syntax problem found.
/// Call on a thread with `engine::STACK_BYTES` of stack: pest recurses once
/// per nesting level, up to [`MAX_NESTING`], with no guard of its own.
pub fn parse_file(file: &Arc<SourceFile>) -> Result<File, Vec<Diagnostic>> {
    let text: &str = &file.text;
    if text.len() > MAX_FILE_BYTES {
        return Err(vec![Diagnostic::error(
            "parse::too-large",
            format!("rule file is {} bytes; the limit is {MAX_FILE_BYTES}", text.len()),
        )
        .in_file(file)
        .label(Span::new(0, 0), "this file")
        .help("split the protocols into several files")]);
    }
    let scan = crate::scan::scan(text, MAX_NESTING, MAX_NESTING);
    if let Some((at, excess)) = scan.too_deep {
        let what = match excess {
            crate::scan::Excess::Ifs => "`if` expressions",
            crate::scan::Excess::Nesting => "nesting",
        };
        let len = text.get(at..).and_then(|r| r.chars().next()).map_or(0, char::len_utf8);
        return Err(vec![Diagnostic::error(
            "parse::too-large",
            format!("too much {what}: the limit is {MAX_NESTING}"),
        )
        .in_file(file)
        .label(Span::new(at, at + len), "here")
        .help("break the expression into `define`s")]);
    }
    let pairs = match Grammar::parse(Rule::file, text) {
        Ok(pairs) => pairs,
        Err(e) => return Err(vec![syntax_error(file, &e)]),
    };
    let mut builder = Builder { file, errors: Vec::new(), too_deep: false };
    let mut items = Vec::new();
    for pair in pairs.flatten().take(1) {
        for item in pair.into_inner() {
            match item.as_rule() {
                Rule::facts_block => {
                    let span: Span = item.as_span().into();
                    let decls = item
                        .into_inner()
                        .filter(|p| p.as_rule() == Rule::fact_decl)
                        .map(|p| builder.fact_decl(p))
                        .collect();
                    items.push(Item::Facts(decls, span));
                }
                Rule::enum_decl => items.push(Item::Enum(builder.enum_decl(item))),
                Rule::define => items.push(Item::Define(builder.define(item))),
                Rule::protocol => items.push(Item::Protocol(builder.protocol(item))),
                _ => {}
            }
        }
    }
    if builder.errors.is_empty() {
        Ok(File { items, comments: scan.comments })
    } else {
        Err(builder.errors)
    }
}

/// Deepest expression tree accepted. `a and b and c ...` nests one level per
/// operand, and the checker, the evaluator, the formatter and dropping the
/// tree all recurse once per level. The builder measures depth as it builds
/// and never makes a deeper tree, so every later walk stays within any
/// thread's stack. Real rules stay far below it.
pub const MAX_EXPR_DEPTH: usize = 200;

/// Most `not` or `-` accepted in a row; each one is a level of the tree.
const MAX_PREFIX: usize = 16;

/// A readable name for each grammar rule, used in "expected ..." messages.
/// Exhaustive on purpose: a new grammar rule must be given a name.
fn rule_name(r: Rule) -> &'static str {
    match r {
        Rule::EOI => "end of file",
        Rule::WHITESPACE | Rule::COMMENT | Rule::comment_text => "whitespace",
        Rule::file | Rule::item => "`facts`, `enum`, `define` or `protocol`",
        Rule::facts_block | Rule::kw_facts => "`facts`",
        Rule::fact_decl => "a fact declaration (`name: type`)",
        Rule::optional => "`?`",
        Rule::range => "a range (`in 0..10`)",
        Rule::bound => "a number",
        Rule::default => "a default (`= value`)",
        Rule::past | Rule::kw_past => "`past`",
        Rule::requires | Rule::kw_requires => "`requires`",
        Rule::kw_as => "`as \"...\"`",
        Rule::doc => "a description in quotes",
        Rule::type_expr | Rule::named_type => "a type",
        Rule::list_type | Rule::kw_list => "`list(...)`",
        Rule::series_type | Rule::kw_series => "`series(...)`",
        Rule::enum_type => "`enum(...)`",
        Rule::enum_value => "an enum value",
        Rule::or_never => "`or never`",
        Rule::enum_decl | Rule::kw_enum => "`enum`",
        Rule::define | Rule::kw_define => "`define`",
        Rule::protocol | Rule::kw_protocol => "`protocol`",
        Rule::source_clause | Rule::kw_source => "`source`",
        Rule::rule | Rule::kw_rule => "`rule`",
        Rule::clause => "a clause",
        Rule::when_clause | Rule::kw_when => "`when`",
        Rule::unless_clause | Rule::kw_unless => "`unless`",
        Rule::advise_clause | Rule::kw_advise => "`advise`",
        Rule::because_clause | Rule::kw_because => "`because`",
        Rule::priority_clause | Rule::kw_priority => "`priority`",
        Rule::timing_clause | Rule::kw_timing => "`timing`",
        Rule::category_clause | Rule::kw_category => "`category`",
        Rule::for_clause | Rule::kw_for => "`for`",
        Rule::against_clause | Rule::kw_against => "`against`",
        Rule::suppresses_clause | Rule::kw_suppresses => "`suppresses`",
        Rule::expr
        | Rule::or_expr
        | Rule::and_expr
        | Rule::not_expr
        | Rule::worded
        | Rule::cmp_expr
        | Rule::sum
        | Rule::product
        | Rule::unary
        | Rule::atom => "an expression",
        Rule::not_op | Rule::negated | Rule::kw_not => "`not`",
        Rule::cmp_tail => "a comparison",
        Rule::compare | Rule::cmp_op => "a comparison (`<`, `<=`, `>`, `>=`, `==`, `!=`)",
        Rule::between | Rule::kw_between => "`between`",
        Rule::membership | Rule::kw_in => "`in`",
        Rule::is_test | Rule::kw_is => "`is`",
        Rule::contains | Rule::kw_contains => "`contains`",
        Rule::is_known | Rule::kw_known => "`known`",
        Rule::is_missing | Rule::kw_missing => "`missing`",
        Rule::is_never | Rule::kw_never => "`never`",
        Rule::add_op => "`+` or `-`",
        Rule::mul_op => "`*` or `/`",
        Rule::neg => "`-`",
        Rule::paren => "`(`",
        Rule::list => "a list (`[a, b]`)",
        Rule::call => "a function call",
        Rule::if_expr | Rule::kw_if => "`if`",
        Rule::kw_then => "`then`",
        Rule::kw_else => "`else`",
        Rule::quantity | Rule::unit_word => "a number with a unit",
        Rule::pace => "a pace (`5:15/km`)",
        Rule::number | Rule::digits => "a number",
        Rule::boolean | Rule::kw_true | Rule::kw_false => "`true` or `false`",
        Rule::path | Rule::value_path | Rule::ident | Rule::ident_char => "a name",
        Rule::keyword => "a keyword",
        Rule::string | Rule::text => "text in double quotes",
        Rule::text_chunk => "text",
        Rule::escape => "an escape (`\\\"`, `\\\\`, `\\{`, `\\}`, `\\n`)",
        Rule::interp => "`{expression}`",
        Rule::format_spec => "a format name",
        Rule::kw_and => "`and`",
        Rule::kw_or => "`or`",
    }
}

/// The words a coach might have misspelt where a keyword was expected.
const KEYWORDS: &[&str] = &[
    "facts",
    "enum",
    "define",
    "protocol",
    "source",
    "rule",
    "when",
    "unless",
    "advise",
    "because",
    "priority",
    "timing",
    "category",
    "for",
    "against",
    "suppresses",
    "and",
    "or",
    "not",
    "in",
    "between",
    "is",
    "contains",
    "known",
    "missing",
    "never",
    "true",
    "false",
    "if",
    "then",
    "else",
];

/// The grammar's other keywords (its `keyword` rule): never a misspelling
/// worth suggesting, but no more a name than those above.
const RESERVED: &[&str] = &["list", "series", "past", "requires", "as"];

/// What pest's error says was expected where it stopped, as words.
///
/// pest reports the rules it tried at the furthest point a *rule* was
/// attempted, which can lie before the real failure (`enum x a }` fails at
/// `a`, where only the literal `{` was tried, yet the rules say "expected
/// `enum`" at `enum`). So the error is parsed again with pest's token
/// tracking, which records literal tokens (`{`, `}`, keywords) at the
/// furthest position; where that is further, its tokens are the truth.
struct Expected {
    at: usize,
    names: Vec<String>,
}

fn expected(text: &str, error: &pest::error::Error<Rule>) -> Expected {
    use pest::error::{ErrorVariant, InputLocation};
    let at = match error.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    let positives: Vec<Rule> = match &error.variant {
        ErrorVariant::ParsingError { positives, .. } => positives.clone(),
        ErrorVariant::CustomError { .. } => Vec::new(),
    };
    let rule_names = |rules: &[Rule]| rules.iter().map(|r| rule_name(*r).to_string()).collect::<Vec<_>>();
    let Some((max_position, tokens, deepest)) = detailed(text) else {
        return Expected { at, names: rule_names(&positives) };
    };
    let mut words = Vec::new();
    let mut vague = false;
    for token in tokens {
        // pest shows a character class as `a..z` and a built-in as
        // `BUILTIN_RULE`: not words a coach can type.
        let class = token.chars().count() == 4 && token.get(1..3) == Some("..");
        if class || token == "BUILTIN_RULE" {
            vague = true;
        } else if !token.trim().is_empty() && token != "#" {
            // Whitespace and comments may go anywhere; saying so helps no one.
            words.push(format!("`{token}`"));
        }
    }
    if max_position == at {
        // Same place: the rules name things (`a name`, `an expression`), and
        // the tokens add the punctuation no rule stands for (`}`).
        let mut names = rule_names(&positives);
        // (Not the first characters of the things the rules name: `"` starts
        // text, `(`, `[`, `-` and `_` an expression.)
        let starts = ["`\"`", "`(`", "`[`", "`-`", "`_`"];
        let extra: Vec<String> = words
            .into_iter()
            .filter(|w| {
                !w.trim_matches('`').starts_with(|c: char| c.is_alphanumeric())
                    && !starts.contains(&w.as_str())
                    && !names.iter().any(|n| n.contains(w.as_str()))
            })
            .collect();
        names.extend(extra);
        return Expected { at, names };
    }
    if max_position < at {
        return Expected { at, names: rule_names(&positives) };
    }
    // Further than pest's own report: only the tokens tried there count.
    if vague || words.is_empty() {
        words.extend(rule_names(&deepest));
    }
    Expected { at: max_position, names: words }
}

/// The failed parse again, with pest's token tracking on. Tracking is a
/// process-wide switch in pest, so it is on only for this second parse of a
/// text already known to be wrong; a parse on another thread meanwhile only
/// tracks too (slower, same result).
///
/// Returns the furthest position, the tokens expected there, and the
/// innermost rules that were trying them.
fn detailed(text: &str) -> Option<(usize, Vec<String>, Vec<Rule>)> {
    pest::set_error_detail(true);
    let result = Grammar::parse(Rule::file, text);
    pest::set_error_detail(false);
    let attempts = result.err()?.parse_attempts()?;
    let tokens = attempts.expected_tokens().iter().map(ToString::to_string).collect();
    let deepest = attempts.call_stacks().iter().filter_map(|c| c.deepest.get_rule().copied()).collect();
    Some((attempts.max_position, tokens, deepest))
}

fn syntax_error(file: &Arc<SourceFile>, error: &pest::error::Error<Rule>) -> Diagnostic {
    let text: &str = &file.text;
    let Expected { at: start, names: mut expected } = expected(text, error);
    if let Some(d) = comment_in_hole(file, start) {
        return d;
    }
    // The offending token: a word, or one character.
    let rest = text.get(start..).unwrap_or("");
    let word: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
    let found_len = if word.is_empty() { rest.chars().next().map_or(0, char::len_utf8) } else { word.len() };
    let found = if rest.trim().is_empty() {
        "end of file".to_string()
    } else if word.is_empty() {
        format!("`{}`", rest.chars().next().unwrap_or(' '))
    } else {
        format!("`{word}`")
    };
    // A word that was one of the things expected cannot be the problem:
    // never say "expected `enum`, found `enum`".
    let found_code = format!("`{word}`");
    expected.retain(|e| word.is_empty() || *e != found_code);
    expected.sort_unstable();
    expected.dedup();
    if let Some(d) = keyword_as_name(file, start, &expected) {
        return d;
    }
    let brace = expected.iter().any(|e| e == "`}`");
    let keyword = KEYWORDS.contains(&word.as_str());
    if brace && (rest.trim().is_empty() || keyword) {
        return missing_brace(file, start, found_len, &found);
    }
    let expected_text = match expected.as_slice() {
        [] => "something else".to_string(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    };
    // Only a word that is not itself a keyword can be a misspelt one, and
    // only for a keyword that fits here (`rule` is not a typo of `true`).
    let fits: Vec<&str> = KEYWORDS
        .iter()
        .copied()
        .filter(|k| {
            expected.iter().any(|e| e.contains(&format!("`{k}`")))
                || (expected.iter().any(|e| e == "an expression") && matches!(*k, "true" | "false" | "not" | "if"))
        })
        .collect();
    let help = if word.is_empty() || keyword { None } else { suggest(&word, fits) }
        .or_else(|| (rest.starts_with('\'')).then(|| "text goes in double quotes: \"like this\"".to_string()))
        .unwrap_or_else(|| {
            format!("only {expected_text} can come here; the README section on the protocol language shows each form")
        });
    Diagnostic::error("parse::syntax", format!("expected {expected_text}, found {found}"))
        .in_file(file)
        .label(Span::new(start, start + found_len), format!("expected {expected_text}"))
        .help(help)
}

/// A keyword written where a name goes (`rule define {`). The grammar
/// reads the word to see that it is a keyword, so the error lands just
/// after it, on whatever follows ("expected a name, found ` `"); say what
/// the word is instead, at the word.
fn keyword_as_name(file: &Arc<SourceFile>, at: usize, expected: &[String]) -> Option<Diagnostic> {
    if !expected.iter().any(|e| e == "a name") {
        return None;
    }
    let before = file.text.get(..at)?;
    let start = before.trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == '_').len();
    let word = before.get(start..)?;
    if !KEYWORDS.contains(&word) && !RESERVED.contains(&word) {
        return None;
    }
    Some(
        Diagnostic::error("parse::syntax", format!("`{word}` is a keyword, so it cannot be a name"))
            .in_file(file)
            .label(Span::new(start, at), "a keyword")
            .help(format!("choose another name, such as `my_{word}`; the README section on the protocol language lists the keywords")),
    )
}

/// A `#` inside a string's `{…}` starts a comment that runs to the end of
/// the line, so the `}` and the closing `"` after it are never seen: a
/// title written `"P {a # b}"` fails on the next line, at a `{` that looks
/// closed. When a comment that began inside a hole and hid a `}` or a `"`
/// ends just before the error, say that, at the `#`.
fn comment_in_hole(file: &Arc<SourceFile>, at: usize) -> Option<Diagnostic> {
    let text: &str = &file.text;
    // The last comment before the error, if the error comes on its line or
    // the next (pest fails at the first token after what the comment hid:
    // a keyword, or a line break in text once a later `}` closed the hole).
    let comment = crate::scan::scan(text, usize::MAX, usize::MAX).comments.into_iter().rfind(|c| c.span.end <= at)?;
    if text.get(comment.span.end..at).is_none_or(|between| between.matches('\n').count() > 1) {
        return None;
    }
    // It hides the end of a hole only if it began inside one.
    let (hole, _) = crate::scan::open_brackets(text, comment.span.start)
        .into_iter()
        .rev()
        .find(|(_, b)| *b == crate::scan::HOLE)?;
    let hidden: Vec<&str> = [("}", "the `}`"), ("\"", "the closing `\"`")]
        .into_iter()
        .filter(|(c, _)| comment.text.contains(c))
        .map(|(_, words)| words)
        .collect();
    let hides = match hidden.as_slice() {
        [one] => format!("the rest of the line, {one} too"),
        [a, b] => format!("the rest of the line, {a} and {b} too"),
        _ => return None,
    };
    Some(
        Diagnostic::error("parse::syntax", "a `#` inside `{…}` in text starts a comment")
            .in_file(file)
            .label(Span::new(hole, hole + 1), "this `{` starts a value shown in the text")
            .label(Span::new(comment.span.start, comment.span.start + 1), format!("this `#` comments out {hides}"))
            .help(
                "for a `{` written as text, write `\\{`; inside `{…}`, `#` starts a comment that runs to the end of \
                 the line",
            ),
    )
}

/// A block left open: the parser met the next item, or the end of the file,
/// where a `}` would have closed it. Points at the `{` left open.
fn missing_brace(file: &Arc<SourceFile>, at: usize, found_len: usize, found: &str) -> Diagnostic {
    let text: &str = &file.text;
    let open = crate::scan::open_brackets(text, at)
        .into_iter()
        .rev()
        .find(|(_, b)| matches!(*b, b'{' | crate::scan::HOLE))
        .map(|(o, _)| o);
    // What the `{` opens: the words before it on its line (`rule after_race`).
    let opener = open
        .map(|o| {
            let line_start = text.get(..o).and_then(|t| t.rfind('\n')).map_or(0, |n| n + 1);
            text.get(line_start..o).unwrap_or("").split('"').next().unwrap_or("").trim().to_string()
        })
        .filter(|w| !w.is_empty());
    let what = opener.as_deref().map_or("the block".to_string(), |w| format!("`{w}`"));
    let eof = found == "end of file";
    // At the end of the file, point at its last character, not past it.
    let (stop, stop_len) = if eof {
        let trimmed = text.trim_end().len();
        let last = text.get(..trimmed).and_then(|t| t.chars().last()).map_or(0, char::len_utf8);
        (trimmed.saturating_sub(last), last)
    } else {
        (at, found_len)
    };
    let mut d = Diagnostic::error("parse::syntax", format!("expected `}}`, found {found}")).in_file(file);
    if let Some(o) = open {
        d = d.label(Span::new(o, o + 1), format!("this `{{` of {what} is never closed"));
    }
    let stop_label = if eof { "the file ends here".to_string() } else { format!("expected `}}` before {found}") };
    if open != Some(stop) {
        d = d.label(Span::new(stop, stop + stop_len), stop_label);
    }
    let help = if eof {
        format!("add `}}` at the end of {what} (here, the end of the file)")
    } else {
        format!("add `}}` to close {what} before {found}")
    };
    d.help(help)
}

struct Builder<'f> {
    file: &'f Arc<SourceFile>,
    errors: Vec<Diagnostic>,
    /// An expression passed `MAX_EXPR_DEPTH` (reported once).
    too_deep: bool,
}

fn name(pair: Pair<'_, Rule>) -> Name {
    Name { text: pair.as_str().to_string(), span: pair.as_span().into() }
}

/// The text of a string literal with no holes (titles, sources, docs).
fn plain_string(pair: Pair<'_, Rule>) -> String {
    let mut out = String::new();
    for part in pair.into_inner() {
        match part.as_rule() {
            Rule::text_chunk => out.push_str(part.as_str()),
            Rule::escape => out.push_str(unescape(part.as_str())),
            // A hole in a plain string is kept as written.
            _ => out.push_str(part.as_str()),
        }
    }
    out
}

fn unescape(escape: &str) -> &'static str {
    match escape {
        "\\\"" => "\"",
        "\\\\" => "\\",
        "\\{" => "{",
        "\\}" => "}",
        _ => "\n",
    }
}

impl Builder<'_> {
    fn fact_decl(&mut self, pair: Pair<'_, Rule>) -> FactDecl {
        let span: Span = pair.as_span().into();
        let mut decl = FactDecl {
            path: Name { text: String::new(), span },
            ty: TypeExpr::Named { name: Name { text: String::new(), span }, or_never: false },
            optional: false,
            range: None,
            default: None,
            past: false,
            requires: None,
            doc: None,
            span,
        };
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::path => decl.path = name(part),
                Rule::type_expr => decl.ty = self.type_expr(part),
                Rule::optional => decl.optional = true,
                Rule::range => {
                    let span = part.as_span().into();
                    let text = part.as_str();
                    let dots = text.find("..").unwrap_or(0) + part.as_span().start();
                    let mut range = Range { low: None, high: None, span };
                    for bound in part.into_inner().filter(|p| p.as_rule() == Rule::bound) {
                        let is_low = bound.as_span().start() < dots;
                        let expr = self.bound(bound);
                        if is_low {
                            range.low = Some(expr);
                        } else {
                            range.high = Some(expr);
                        }
                    }
                    decl.range = Some(range);
                }
                Rule::default => {
                    if let Some(sum) = part.into_inner().next() {
                        decl.default = Some(self.expr(sum));
                    }
                }
                Rule::past => decl.past = true,
                Rule::requires => decl.requires = part.into_inner().find(|p| p.as_rule() == Rule::path).map(name),
                Rule::doc => decl.doc = part.into_inner().next().map(plain_string),
                _ => {}
            }
        }
        decl
    }

    fn bound(&mut self, pair: Pair<'_, Rule>) -> Expr {
        let span: Span = pair.as_span().into();
        let mut negative = false;
        let mut value = Expr { kind: ExprKind::Number(0.0), span };
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::neg => negative = true,
                _ => value = self.expr(part),
            }
        }
        if negative {
            Expr { kind: ExprKind::Neg(Box::new(value)), span }
        } else {
            value
        }
    }

    fn type_expr(&mut self, pair: Pair<'_, Rule>) -> TypeExpr {
        let outer: Span = pair.as_span().into();
        let Some(inner) = pair.into_inner().next() else {
            return TypeExpr::Named { name: Name { text: String::new(), span: outer }, or_never: false };
        };
        let span: Span = inner.as_span().into();
        match inner.as_rule() {
            Rule::list_type => {
                let item = inner
                    .into_inner()
                    .find(|p| p.as_rule() == Rule::type_expr)
                    .map(|p| self.type_expr(p))
                    .unwrap_or(TypeExpr::Named { name: Name { text: String::new(), span }, or_never: false });
                TypeExpr::List { item: Box::new(item), span }
            }
            Rule::series_type => {
                let mut names = inner.into_inner().filter(|p| p.as_rule() == Rule::ident).map(name);
                let field = names.next().unwrap_or(Name { text: String::new(), span });
                let kind = names.next().unwrap_or(Name { text: String::new(), span });
                TypeExpr::Series { field, kind, span }
            }
            Rule::enum_type => {
                let (values, labels) = enum_values(inner);
                TypeExpr::Enum { values, labels, span }
            }
            _ => {
                let mut or_never = false;
                let mut type_name: Option<Name> = None;
                for part in inner.into_inner() {
                    match (part.as_rule(), &mut type_name) {
                        (Rule::ident, Some(first)) => {
                            // `volume/hours`: one name spanning the ratio.
                            let second = name(part);
                            first.text = format!("{}/{}", first.text, second.text);
                            first.span = Span::new(first.span.start, second.span.end);
                        }
                        (Rule::ident, None) => type_name = Some(name(part)),
                        _ => or_never = true,
                    }
                }
                TypeExpr::Named { name: type_name.unwrap_or(Name { text: String::new(), span }), or_never }
            }
        }
    }

    fn enum_decl(&mut self, pair: Pair<'_, Rule>) -> EnumDecl {
        let span: Span = pair.as_span().into();
        let enum_name = pair.clone().into_inner().find(|p| p.as_rule() == Rule::ident).map(name);
        let (values, labels) = enum_values(pair);
        EnumDecl { name: enum_name.unwrap_or(Name { text: String::new(), span }), values, labels, span }
    }

    fn define(&mut self, pair: Pair<'_, Rule>) -> Define {
        let span: Span = pair.as_span().into();
        let mut define = Define {
            name: Name { text: String::new(), span },
            expr: Expr { kind: ExprKind::Bool(false), span },
            doc: None,
            span,
        };
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::ident => define.name = name(part),
                Rule::expr => define.expr = self.expr(part),
                Rule::doc => define.doc = part.into_inner().next().map(plain_string),
                _ => {}
            }
        }
        define
    }

    fn protocol(&mut self, pair: Pair<'_, Rule>) -> Protocol {
        let span: Span = pair.as_span().into();
        let mut protocol = Protocol {
            id: Name { text: String::new(), span },
            title: String::new(),
            source: None,
            source_span: span,
            rules: Vec::new(),
            span,
        };
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::ident => protocol.id = name(part),
                Rule::string => protocol.title = plain_string(part),
                Rule::source_clause => {
                    protocol.source_span = part.as_span().into();
                    protocol.source = part.into_inner().find(|p| p.as_rule() == Rule::string).map(plain_string)
                }
                Rule::rule => {
                    let rule = self.rule(part);
                    protocol.rules.push(rule);
                }
                _ => {}
            }
        }
        protocol
    }

    fn rule(&mut self, pair: Pair<'_, Rule>) -> Rule_ {
        let span: Span = pair.as_span().into();
        let mut id = Name { text: String::new(), span };
        let mut clauses = Vec::new();
        for part in pair.into_inner() {
            let kind = part.as_rule();
            if kind == Rule::ident {
                id = name(part);
                continue;
            }
            let mut inner = part.into_inner().filter(|p| !is_keyword(p.as_rule()));
            let clause = match kind {
                Rule::when_clause => inner.next().map(|e| Clause::When(self.expr(e))),
                Rule::unless_clause => inner.next().map(|e| Clause::Unless(self.expr(e))),
                Rule::advise_clause => inner.next().map(|s| Clause::Advise(self.template(s))),
                Rule::because_clause => inner.next().map(|s| Clause::Because(self.template(s))),
                Rule::priority_clause => inner.next().map(|n| Clause::Priority(name(n))),
                Rule::timing_clause => inner.next().map(|n| Clause::Timing(name(n))),
                Rule::category_clause => inner.next().map(|n| Clause::Category(name(n))),
                Rule::for_clause => Some(Clause::For(inner.map(name).collect())),
                Rule::against_clause => Some(Clause::Against(inner.map(name).collect())),
                Rule::suppresses_clause => Some(Clause::Suppresses(inner.map(name).collect())),
                _ => None,
            };
            clauses.extend(clause);
        }
        Rule_ { id, clauses, span }
    }

    fn template(&mut self, pair: Pair<'_, Rule>) -> Template {
        self.template_with_depth(pair).0
    }

    /// A template and the depth of its deepest hole.
    fn template_with_depth(&mut self, pair: Pair<'_, Rule>) -> (Template, usize) {
        let span: Span = pair.as_span().into();
        let mut depth = 0;
        let mut parts: Vec<TemplatePart> = Vec::new();
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::text_chunk | Rule::escape => {
                    let text = if part.as_rule() == Rule::escape { unescape(part.as_str()) } else { part.as_str() };
                    if let Some(TemplatePart::Text(prev)) = parts.last_mut() {
                        prev.push_str(text);
                    } else {
                        parts.push(TemplatePart::Text(text.to_string()));
                    }
                }
                Rule::interp => {
                    let mut inner = part.into_inner();
                    if let Some(expr) = inner.next() {
                        let (expr, d) = self.node(expr);
                        depth = depth.max(d);
                        let format = inner.next().map(name);
                        parts.push(TemplatePart::Hole { expr, format });
                    }
                }
                _ => {}
            }
        }
        (Template { parts, span }, depth)
    }

    /// Build an expression from any expression-level rule.
    fn expr(&mut self, pair: Pair<'_, Rule>) -> Expr {
        self.node(pair).0
    }

    /// A node of at most `MAX_EXPR_DEPTH` levels, given its depth `d`; a
    /// deeper one is reported (once per file) and replaced by a leaf, so no
    /// tree deeper than the limit is ever built.
    fn limit(&mut self, e: Expr, d: usize) -> (Expr, usize) {
        if d <= MAX_EXPR_DEPTH {
            return (e, d);
        }
        let span = e.span;
        // Drop the deep tree here, while it is still no deeper than the limit
        // plus one level.
        drop(e);
        if !self.too_deep {
            self.too_deep = true;
            self.errors.push(
                Diagnostic::error(
                    "parse::too-large",
                    format!("expression nested more than {MAX_EXPR_DEPTH} levels deep"),
                )
                .in_file(self.file)
                .label(Span::new(span.start, span.start), "this expression")
                .help("split it into `define`s"),
            );
        }
        (Expr { kind: ExprKind::Bool(false), span }, 1)
    }

    /// Build an expression and measure its depth as it is built.
    fn node(&mut self, pair: Pair<'_, Rule>) -> (Expr, usize) {
        let span: Span = pair.as_span().into();
        let kind = pair.as_rule();
        let leaf = |kind: ExprKind| (Expr { kind, span }, 1);
        match kind {
            Rule::expr | Rule::paren => match pair.into_inner().next() {
                Some(inner) => {
                    let (mut e, d) = self.node(inner);
                    if kind == Rule::paren {
                        e.span = span;
                    }
                    (e, d)
                }
                None => self.internal(span),
            },
            Rule::or_expr | Rule::and_expr => {
                let op = if kind == Rule::or_expr { BinOp::Or } else { BinOp::And };
                let mut operands = pair.into_inner().filter(|p| !is_keyword(p.as_rule()));
                let Some(first) = operands.next() else {
                    return self.internal(span);
                };
                let (mut acc, mut depth) = self.node(first);
                for next in operands {
                    let (rhs, d) = self.node(next);
                    let e = Expr {
                        span: acc.span.join(rhs.span),
                        kind: ExprKind::Binary { op, lhs: Box::new(acc), rhs: Box::new(rhs) },
                    };
                    (acc, depth) = self.limit(e, depth.max(d) + 1);
                    if self.too_deep {
                        break;
                    }
                }
                (acc, depth)
            }
            Rule::not_expr | Rule::unary => {
                let (prefix, word) = if kind == Rule::unary { (Rule::neg, "-") } else { (Rule::not_op, "not") };
                let mut count = 0usize;
                let mut result = None;
                for part in pair.into_inner() {
                    if part.as_rule() == prefix {
                        count += 1;
                    } else {
                        result = Some(self.node(part));
                    }
                }
                let Some((mut e, d)) = result else {
                    return self.internal(span);
                };
                if count > MAX_PREFIX {
                    return self.too_many_prefixes(span, word);
                }
                for _ in 0..count {
                    let inner = Box::new(e);
                    e = Expr {
                        kind: if kind == Rule::unary { ExprKind::Neg(inner) } else { ExprKind::Not(inner) },
                        span,
                    };
                }
                self.limit(e, d + count)
            }
            Rule::worded => {
                let mut parts = pair.into_inner().filter(|p| !is_keyword(p.as_rule()));
                let Some(inner) = parts.next() else {
                    return self.internal(span);
                };
                let (inner, d) = self.node(inner);
                match parts.next() {
                    None => (inner, d),
                    Some(words) => {
                        let (words, w) = self.template_with_depth(words);
                        self.limit(Expr { kind: ExprKind::Worded { expr: Box::new(inner), words }, span }, d.max(w) + 1)
                    }
                }
            }
            Rule::cmp_expr => {
                let mut parts = pair.into_inner();
                let Some(lhs) = parts.next() else {
                    return self.internal(span);
                };
                let lhs = self.node(lhs);
                match parts.next() {
                    None => lhs,
                    Some(tail) => self.cmp_tail(lhs, tail, span),
                }
            }
            Rule::sum | Rule::product => {
                let mut parts = pair.into_inner();
                let Some(first) = parts.next() else {
                    return self.internal(span);
                };
                let (mut acc, mut depth) = self.node(first);
                while let (Some(op), Some(rhs)) = (parts.next(), parts.next()) {
                    let op = match op.as_str() {
                        "+" => BinOp::Add,
                        "-" => BinOp::Sub,
                        "*" => BinOp::Mul,
                        _ => BinOp::Div,
                    };
                    let (rhs, d) = self.node(rhs);
                    let e = Expr {
                        span: acc.span.join(rhs.span),
                        kind: ExprKind::Binary { op, lhs: Box::new(acc), rhs: Box::new(rhs) },
                    };
                    (acc, depth) = self.limit(e, depth.max(d) + 1);
                    if self.too_deep {
                        break;
                    }
                }
                (acc, depth)
            }
            Rule::number => match pair.as_str().parse::<f64>() {
                Ok(v) => leaf(ExprKind::Number(v)),
                Err(_) => self.internal(span),
            },
            Rule::quantity | Rule::pace => match units::parse_literal(pair.as_str()) {
                Ok((value, dim)) => leaf(ExprKind::Quantity { value, dim, text: pair.as_str().to_string() }),
                Err(e) => {
                    let help = e.help();
                    // A misspelt unit is fixed by replacing the unit alone,
                    // found where it ends the literal.
                    let fix = match &e {
                        units::UnitError::UnknownUnit { unit, suggestion: Some(better) }
                            if pair.as_str().ends_with(unit.as_str()) =>
                        {
                            Some(Suggestion {
                                span: Span::new(span.end - unit.len(), span.end),
                                replacement: better.clone(),
                            })
                        }
                        _ => None,
                    };
                    self.errors.push(
                        Diagnostic::error("parse::unit", e.to_string())
                            .in_file(self.file)
                            .label(span, "this quantity")
                            .maybe_help(help)
                            .suggestion(fix),
                    );
                    leaf(ExprKind::Number(0.0))
                }
            },
            Rule::boolean => leaf(ExprKind::Bool(pair.as_str() == "true")),
            Rule::text => leaf(ExprKind::Text(plain_string(pair))),
            Rule::path | Rule::value_path => leaf(ExprKind::Path(pair.as_str().to_string())),
            Rule::list => {
                let (items, d) = self.nodes(pair.into_inner());
                self.limit(Expr { kind: ExprKind::List(items), span }, d + 1)
            }
            Rule::call => {
                let mut parts = pair.into_inner();
                let Some(fname) = parts.next() else {
                    return self.internal(span);
                };
                let (args, d) = self.nodes(parts);
                self.limit(Expr { kind: ExprKind::Call { name: name(fname), args }, span }, d + 1)
            }
            Rule::if_expr => {
                let parts = pair.into_inner().filter(|p| !is_keyword(p.as_rule()));
                let (parts, d) = self.nodes(parts);
                let mut parts = parts.into_iter();
                let (Some(c), Some(t), Some(o)) = (parts.next(), parts.next(), parts.next()) else {
                    return self.internal(span);
                };
                let kind = ExprKind::If { cond: Box::new(c), then: Box::new(t), otherwise: Box::new(o) };
                self.limit(Expr { kind, span }, d + 1)
            }
            _ => self.internal(span),
        }
    }

    /// Several sibling expressions and the depth of the deepest.
    fn nodes<'i>(&mut self, pairs: impl Iterator<Item = Pair<'i, Rule>>) -> (Vec<Expr>, usize) {
        let mut depth = 0;
        let mut out = Vec::new();
        for pair in pairs {
            let (e, d) = self.node(pair);
            depth = depth.max(d);
            out.push(e);
        }
        (out, depth)
    }

    fn cmp_tail(&mut self, lhs: (Expr, usize), tail: Pair<'_, Rule>, span: Span) -> (Expr, usize) {
        let (lhs, mut depth) = lhs;
        let tail_kind = tail.as_rule();
        let mut negated = false;
        let mut operands = Vec::new();
        let mut op = BinOp::Eq;
        let mut test = None;
        for part in tail.into_inner() {
            match part.as_rule() {
                Rule::negated => negated = true,
                Rule::cmp_op => {
                    op = match part.as_str() {
                        "<" => BinOp::Lt,
                        "<=" => BinOp::Le,
                        ">" => BinOp::Gt,
                        ">=" => BinOp::Ge,
                        "!=" => BinOp::Ne,
                        _ => BinOp::Eq,
                    }
                }
                Rule::is_known => test = Some(IsTest::Known),
                Rule::is_missing => test = Some(IsTest::Missing),
                Rule::is_never => test = Some(IsTest::Never),
                r if is_keyword(r) => {}
                _ => {
                    let (e, d) = self.node(part);
                    depth = depth.max(d);
                    operands.push(e);
                }
            }
        }
        let value = Box::new(lhs);
        let kind = match tail_kind {
            Rule::compare => match operands.pop() {
                Some(rhs) => ExprKind::Binary { op, lhs: value, rhs: Box::new(rhs) },
                None => return self.internal(span),
            },
            Rule::between => {
                let mut it = operands.into_iter();
                let (Some(low), Some(high)) = (it.next(), it.next()) else {
                    return self.internal(span);
                };
                ExprKind::Between { value, low: Box::new(low), high: Box::new(high), negated }
            }
            Rule::membership => match operands.pop() {
                Some(Expr { kind: ExprKind::List(set), .. }) => ExprKind::In { value, set, negated },
                _ => return self.internal(span),
            },
            Rule::is_test => {
                let test = match test {
                    Some(t) => t,
                    None => match operands.pop() {
                        Some(e) => IsTest::Value(Box::new(e)),
                        None => return self.internal(span),
                    },
                };
                ExprKind::Is { value, test, negated }
            }
            Rule::contains => match operands.pop() {
                Some(item) => ExprKind::Contains { list: value, item: Box::new(item) },
                None => return self.internal(span),
            },
            _ => return self.internal(span),
        };
        self.limit(Expr { kind, span }, depth + 1)
    }

    fn too_many_prefixes(&mut self, span: Span, prefix: &str) -> (Expr, usize) {
        self.errors.push(
            Diagnostic::error("parse::too-large", format!("more than {MAX_PREFIX} `{prefix}` in a row"))
                .in_file(self.file)
                .label(Span::new(span.start, span.start), "here")
                .help(format!("two `{prefix}` cancel out: remove them in pairs")),
        );
        (Expr { kind: ExprKind::Bool(false), span }, 1)
    }

    /// The grammar guarantees the shapes matched above; should one ever be
    /// missing, say so instead of panicking.
    fn internal(&mut self, span: Span) -> (Expr, usize) {
        self.errors.push(
            Diagnostic::error("recoup::internal", "the parser met a shape it did not expect")
                .in_file(self.file)
                .label(span, "here")
                .help("this is a bug in recoup; please report it with this file"),
        );
        (Expr { kind: ExprKind::Bool(false), span }, 1)
    }
}

type Rule_ = crate::ast::Rule;

/// The `enum_value`s under a pair: each value and its label, if any.
fn enum_values(pair: Pair<'_, Rule>) -> (Vec<Name>, Vec<Option<String>>) {
    pair.into_inner()
        .filter(|p| p.as_rule() == Rule::enum_value)
        .filter_map(|v| {
            let mut parts = v.into_inner();
            let value = parts.next().map(name)?;
            Some((value, parts.next().map(plain_string)))
        })
        .unzip()
}

fn is_keyword(r: Rule) -> bool {
    matches!(
        r,
        Rule::kw_facts
            | Rule::kw_enum
            | Rule::kw_define
            | Rule::kw_protocol
            | Rule::kw_source
            | Rule::kw_rule
            | Rule::kw_when
            | Rule::kw_unless
            | Rule::kw_advise
            | Rule::kw_because
            | Rule::kw_priority
            | Rule::kw_timing
            | Rule::kw_category
            | Rule::kw_for
            | Rule::kw_against
            | Rule::kw_suppresses
            | Rule::kw_and
            | Rule::kw_or
            | Rule::kw_not
            | Rule::kw_in
            | Rule::kw_between
            | Rule::kw_is
            | Rule::kw_contains
            | Rule::kw_known
            | Rule::kw_missing
            | Rule::kw_never
            | Rule::kw_true
            | Rule::kw_false
            | Rule::kw_if
            | Rule::kw_then
            | Rule::kw_else
            | Rule::kw_list
            | Rule::kw_series
            | Rule::kw_past
            | Rule::kw_requires
            | Rule::kw_as
    )
}

#[cfg(test)]
mod tests;
