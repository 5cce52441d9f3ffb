//! Source files, spans and the one diagnostic type every part of recoup reports.
//!
//! A source's text is stored once behind an `Arc` and every diagnostic keeps a
//! handle to it, so any error can point into any file (a rule file, a state
//! file, a test case) without copying text around.

use std::fmt;
use std::sync::Arc;

use crate::line_index::LineIndex;
use miette::{LabeledSpan, MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

/// A named text: a rule file, a state file, a protocol test case.
#[derive(Debug)]
pub struct SourceFile {
    pub name: String,
    pub text: Arc<str>,
    /// Built the first time a position is asked for.
    index: std::sync::OnceLock<LineIndex>,
}

/// How the name of a file built into recoup starts. It is an identity, not
/// a path: [`SourceFile::shown_name`] is what a coach ever reads.
pub const SHIPPED_PREFIX: &str = "<shipped>/";

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> Arc<SourceFile> {
        Arc::new(SourceFile { name: name.into(), text: text.into(), index: std::sync::OnceLock::new() })
    }

    /// A file built into recoup (a shipped protocol, the prelude).
    pub fn shipped(name: &str, text: impl Into<Arc<str>>) -> Arc<SourceFile> {
        SourceFile::new(format!("{SHIPPED_PREFIX}{name}"), text)
    }

    /// The shipped file's own name (`heat.rules`), if this is one.
    pub fn shipped_name(&self) -> Option<&str> {
        self.name.strip_prefix(SHIPPED_PREFIX)
    }

    /// The name a coach reads: the path of the coach's own files, and for a
    /// file built into recoup words that cannot pass for a path in the
    /// coach's repository ("shipped protocol heat.rules"). The one place a
    /// shipped file is named, for every command and every output.
    pub fn shown_name(&self) -> String {
        match self.shipped_name() {
            Some(name) if name == crate::engine::PRELUDE => format!("shipped prelude {name}"),
            Some(name) => format!("shipped protocol {name}"),
            None => self.name.clone(),
        }
    }

    /// [`Self::shown_name`] for a sentence: a coach's path in backticks, a
    /// shipped file in words.
    pub fn cited_name(&self) -> String {
        match self.shipped_name() {
            Some(_) => self.shown_name(),
            None => format!("`{}`", self.name),
        }
    }

    /// Where the lines start, computed once.
    pub fn line_index(&self) -> &LineIndex {
        self.index.get_or_init(|| LineIndex::new(&self.text))
    }

    /// 1-based line and column (in characters) of a byte offset, for
    /// one-line renderings (GitHub annotations, JSON, test failures) that do
    /// not go through miette. Lines end at `\n`, `\r\n` or a lone `\r`, as in
    /// the grammar.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        self.line_index().line_col(&self.text, offset)
    }
}

impl SourceCode for SourceFile {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self.text.read_span(span, before, after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.shown_name(),
            inner.data(),
            *inner.span(),
            inner.line(),
            inner.column(),
            inner.line_count(),
        )))
    }
}

/// A byte range in a source. Two spans always compare equal, so that AST
/// nodes compare by meaning: a formatter's output must give back the same
/// tree, wherever its nodes now sit.
#[derive(Clone, Copy, Debug, Default, Eq, serde::Serialize, serde::Deserialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl PartialEq for Span {
    fn eq(&self, _: &Span) -> bool {
        true
    }
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }
    pub fn join(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
    pub fn len(self) -> usize {
        self.end.saturating_sub(self.start)
    }
    pub fn is_empty(self) -> bool {
        self.len() == 0
    }
}

impl From<pest::Span<'_>> for Span {
    fn from(span: pest::Span<'_>) -> Span {
        Span::new(span.start(), span.end())
    }
}

impl From<std::ops::Range<usize>> for Span {
    fn from(r: std::ops::Range<usize>) -> Span {
        Span::new(r.start, r.end)
    }
}

impl From<Span> for SourceSpan {
    fn from(span: Span) -> SourceSpan {
        SourceSpan::new(span.start.into(), span.len())
    }
}

/// How serious a [`Diagnostic`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The input cannot be used: a program does not compile, a state is
    /// rejected.
    Error,
    /// Worth fixing; the input is still used.
    Warning,
    /// Worth knowing, not a problem (a lint's lowest level).
    Note,
}

impl Severity {
    /// `error`, `warning` or `note`, as printed and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

/// A 1-based line and column.
pub type LineCol = (usize, usize);

/// One problem, with everything needed to show it: a stable code, a short
/// lowercase message, the file, labelled spans and a help line.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    /// The stable code, `state::unknown-field` or `check::type-mismatch`:
    /// match on it, never on the message.
    pub code: &'static str,
    /// Error, warning or note.
    pub severity: Severity,
    /// What is wrong, in one short lowercase line.
    pub message: String,
    #[doc(hidden)]
    pub file: Option<Arc<SourceFile>>,
    #[doc(hidden)]
    pub labels: Vec<(Span, String)>,
    /// What to do about it, when there is something to say.
    pub help: Option<String>,
    /// A fix a tool may apply without asking (an editor's quick fix): set
    /// only when there is exactly one likely correction. Boxed: most
    /// diagnostics have none, and a `Diagnostic` travels in `Result`s.
    #[doc(hidden)]
    pub suggestion: Option<Box<Suggestion>>,
}

/// A machine-applicable fix: replace the text at `span` (in the
/// diagnostic's file) with `replacement`.
#[derive(Clone, Debug)]
pub struct Suggestion {
    pub span: Span,
    pub replacement: String,
}

impl Suggestion {
    /// The did-you-mean fix for a misspelt `name` written at `span`: the
    /// closest candidate, if one is close enough.
    pub fn closest<'a>(span: Span, name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<Suggestion> {
        did_you_mean(name, candidates).map(|c| Suggestion { span, replacement: c.to_string() })
    }
    /// The help line that goes with it: `did you mean `x`?`.
    pub fn help(&self) -> String {
        format!("did you mean `{}`?", self.replacement)
    }
}

// Building diagnostics is the crate's own business: the constructors and
// builders are hidden from a library user, who reads diagnostics.
impl Diagnostic {
    #[doc(hidden)]
    pub fn error(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: crate::terminal::bounded(message.into()),
            file: None,
            labels: Vec::new(),
            help: None,
            suggestion: None,
        }
    }
    #[doc(hidden)]
    pub fn warning(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(code, message) }
    }
    #[doc(hidden)]
    pub fn note(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic { severity: Severity::Note, ..Diagnostic::error(code, message) }
    }
    #[doc(hidden)]
    pub fn with_fix(mut self, span: Span, replacement: impl Into<String>) -> Diagnostic {
        self.suggestion = Some(Box::new(Suggestion { span, replacement: replacement.into() }));
        self
    }
    #[doc(hidden)]
    pub fn in_file(mut self, file: &Arc<SourceFile>) -> Diagnostic {
        self.file = Some(Arc::clone(file));
        self
    }
    #[doc(hidden)]
    pub fn label(mut self, span: Span, text: impl Into<String>) -> Diagnostic {
        self.labels.push((span, crate::terminal::bounded(text.into())));
        self
    }
    #[doc(hidden)]
    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(crate::terminal::bounded(help.into()));
        self
    }
    /// Attach a machine-applicable fix.
    #[doc(hidden)]
    pub fn suggestion(mut self, suggestion: Option<Suggestion>) -> Diagnostic {
        self.suggestion = suggestion.map(Box::new);
        self
    }
    #[doc(hidden)]
    pub fn maybe_help(mut self, help: Option<String>) -> Diagnostic {
        if let Some(help) = help {
            self.help = Some(crate::terminal::bounded(help));
        }
        self
    }
    /// Whether it is an error (not a warning or a note).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
    /// File name, line and column of the first label, for one-line renderings.
    pub fn location(&self) -> Option<(String, usize, usize)> {
        let file = self.file.as_ref()?;
        let (span, _) = self.labels.first()?;
        let (line, col) = file.line_col(span.start);
        Some((file.shown_name(), line, col))
    }
    /// File name, and 1-based start and end (line, column) of the first
    /// label, for SARIF and GitHub annotations.
    pub fn range(&self) -> Option<(String, LineCol, LineCol)> {
        let file = self.file.as_ref()?;
        let (span, _) = self.labels.first()?;
        Some((file.shown_name(), file.line_col(span.start), file.line_col(span.end)))
    }
    /// Render without colour at a fixed width: what snapshot tests pin and
    /// what the CLI prints when its output is not a terminal.
    pub fn render_plain(&self) -> String {
        self.render(false)
    }

    /// Render with miette's graphical handler. The renderer is handed only
    /// what it can draw: the lines around the labels, long lines clipped
    /// (`snippet`), and messages, labels and help escaped and clipped
    /// (`terminal`), so no input can make it panic, flood the terminal or
    /// send control characters to it.
    pub fn render(&self, color: bool) -> String {
        let theme = if color { miette::GraphicalTheme::unicode() } else { miette::GraphicalTheme::unicode_nocolor() };
        let handler = miette::GraphicalReportHandler::new_themed(theme).with_width(100);
        let mut out = String::new();
        if handler.render_report(&mut out, &Drawable::new(self)).is_err() {
            out = format!("error[{}]: {}\n", self.code, crate::terminal::echo(&self.message));
        }
        out
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Diagnostic {}

impl miette::Diagnostic for Diagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Note => miette::Severity::Advice,
        })
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display + 'a>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.file.as_deref().map(|f| f as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.file.is_none() || self.labels.is_empty() {
            return None;
        }
        Some(Box::new(self.labels.iter().map(|(span, text)| LabeledSpan::new_with_span(Some(text.clone()), *span))))
    }
}

/// Longest message, label or help line shown, in characters.
const MAX_TEXT: usize = 400;

/// A diagnostic as the renderer sees it: text escaped and clipped, the
/// source reduced to a `snippet::View`.
struct Drawable<'d> {
    d: &'d Diagnostic,
    message: String,
    help: Option<String>,
    view: Option<crate::snippet::View>,
    labels: Vec<(Span, String)>,
}

impl<'d> Drawable<'d> {
    fn new(d: &'d Diagnostic) -> Drawable<'d> {
        use crate::terminal::{clip, line, text};
        let (view, spans) = match &d.file {
            Some(file) if !d.labels.is_empty() => {
                let spans: Vec<Span> = d.labels.iter().map(|(s, _)| *s).collect();
                let (view, spans) = crate::snippet::View::new(file, &spans);
                (Some(view), spans)
            }
            _ => (None, Vec::new()),
        };
        let labels =
            spans.into_iter().zip(&d.labels).map(|(s, (_, t))| (s, line(&clip(t, MAX_TEXT)).into_owned())).collect();
        Drawable {
            d,
            message: line(&clip(&d.message, MAX_TEXT)).into_owned(),
            help: d.help.as_ref().map(|h| text(&clip(h, MAX_TEXT)).into_owned()),
            view,
            labels,
        }
    }
}

impl fmt::Debug for Drawable<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.d, f)
    }
}

impl fmt::Display for Drawable<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Drawable<'_> {}

impl miette::Diagnostic for Drawable<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.d.code))
    }
    fn severity(&self) -> Option<miette::Severity> {
        miette::Diagnostic::severity(self.d)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display + 'a>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.view.as_ref().map(|v| v as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.view.is_none() || self.labels.is_empty() {
            return None;
        }
        Some(Box::new(self.labels.iter().map(|(span, text)| LabeledSpan::new_with_span(Some(text.clone()), *span))))
    }
}

/// The closest of `candidates` to a misspelt `name`, if one is close enough
/// to be worth suggesting.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(&str, f64)> = None;
    for candidate in candidates {
        let score = strsim::jaro_winkler(name, candidate);
        if score > 0.8 && best.is_none_or(|(_, s)| score > s) {
            best = Some((candidate, score));
        }
    }
    best.map(|(c, _)| c)
}

/// `did you mean `x`?`, ready for a help line.
pub fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    did_you_mean(name, candidates).map(|c| format!("did you mean `{c}`?"))
}

/// Every diagnostic code recoup can emit, with what it means. Codes are
/// stable: never renamed, never reused. A test checks that every code used in
/// the source is listed here.
pub const CODES: &[(&str, &str)] = &[
    ("recoup::io", "a file or folder could not be read or written"),
    ("recoup::not-a-file", "a folder, named pipe, device or socket where a file was expected (an error), or in a folder (skipped, a note)"),
    ("recoup::too-large", "a state file, history file, test case or export larger than recoup reads (rule files: `parse::too-large`)"),
    ("recoup::outside", "a symbolic link in a folder that leads outside the folder's repository (or the folder), so it is not read"),
    ("recoup::internal", "a broken internal invariant; please report it"),
    ("recoup::too-many", "more diagnostics than are shown for one file; the line says how many were left out"),
    ("parse::syntax", "the rule file does not follow the grammar"),
    ("parse::unit", "a number carries a unit recoup does not know, or the wrong kind of unit"),
    ("parse::too-large", "a rule file is larger or more deeply nested than recoup accepts"),
    ("parse::encoding", "a file is not valid UTF-8"),
    ("check::duplicate-fact", "two declarations of the same fact"),
    ("check::duplicate-define", "two defines with the same name, or a define named like a fact"),
    ("check::duplicate-rule", "two rules with the same id in one set of files"),
    ("check::duplicate-protocol", "two protocols with the same id"),
    ("check::duplicate-enum", "two enums with the same name"),
    ("check::too-many-values", "an enum with more values than recoup accepts (1,000)"),
    ("check::duplicate-clause", "a rule states the same clause twice"),
    ("check::unknown-name", "an expression names a fact, define or value that does not exist"),
    ("check::unknown-type", "a fact declaration names a type that does not exist"),
    ("check::unknown-enum-value", "a value that is not one of the enum's values"),
    ("check::unknown-builtin", "a call to a function that does not exist"),
    ("check::unknown-rule", "`suppresses` names a rule that does not exist"),
    ("check::bad-clause-value", "a priority, timing or category that is not one of the allowed words"),
    ("check::missing-clause", "a rule lacks `when` or `advise`"),
    ("check::type-mismatch", "an operation on values of the wrong type"),
    ("check::unit-mismatch", "an operation on quantities of different dimensions"),
    ("check::arity", "a function called with the wrong number of arguments"),
    ("check::define-cycle", "defines that refer to each other in a loop"),
    ("check::suppression-cycle", "rules that suppress each other in a loop"),
    ("check::bad-default", "a default or range that does not fit the fact's type"),
    ("check::bad-format", "an unknown format in an interpolation (`{x:...}`)"),
    ("check::misplaced-words", "the words of a reason (`as \"...\"`) outside a `when` or `unless` condition"),
    ("state::syntax", "the state file is not valid YAML"),
    ("state::empty", "the state file holds nothing"),
    ("state::unknown-field", "a field the fact declarations do not know"),
    ("state::type", "a value of the wrong type"),
    ("state::unknown-enum-value", "a value that is not one of the field's allowed values"),
    ("state::unit", "a quantity whose unit cannot be read or is of the wrong kind"),
    ("state::date", "a date or instant that cannot be read"),
    ("state::range", "a value outside its allowed range"),
    ("state::missing-field", "a required field is absent"),
    ("state::requires", "a field given without the field it needs"),
    ("state::too-many-readings", "a series with more readings than recoup accepts (4,000)"),
    ("state::future", "a reading or past event dated after `now`"),
    ("test::syntax", "a protocol test case that cannot be read"),
    ("test::outside", "a protocol test case names a file by an absolute path, a hidden one, or one that leads outside the test folder's repository"),
    ("test::unknown-rule", "a protocol test case names a rule that does not exist"),
    ("cli::no-input", "a command was given nothing to work on"),
    ("import::fit", "a FIT file, or a record in it, that cannot be imported"),
    ("import::csv", "a CSV export with a missing column, or a row with a value that cannot be read"),
    ("import::unknown", "a file `recoup import` does not know how to read"),
    ("import::history", "a history file that is not as `recoup import` wrote it"),
    ("cli::unknown-lint", "a lint code on the command line that names no lint"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_compare_equal_wherever_they_are() {
        assert_eq!(Span::new(1, 2), Span::new(40, 90));
    }

    #[test]
    fn line_col_counts_characters() {
        let file = SourceFile::new("x", "ab\n°cd");
        assert_eq!(file.line_col(0), (1, 1));
        assert_eq!(file.line_col(3), (2, 1));
        assert_eq!(file.line_col(5), (2, 2));
    }

    #[test]
    fn suggestions_need_a_close_name() {
        assert_eq!(did_you_mean("sorenes", ["soreness", "heavy_legs"]), Some("soreness"));
        assert_eq!(did_you_mean("xyz", ["soreness", "heavy_legs"]), None);
    }

    #[test]
    fn did_you_mean_errors_carry_a_fix_for_the_misspelt_text() {
        let text = "protocol p \"P\" {\n  rule r {\n    when last_sesion.kind is long_rum and since_session < 6hh\n    advise \"x\"\n    priority hihg\n    timing now\n  }\n}\n";
        let file = SourceFile::new("x.rules", text);
        let prelude = crate::engine::shipped().iter().find(|(n, _)| *n == crate::engine::PRELUDE).map(|(_, t)| *t);
        let prelude = SourceFile::new("prelude.rules", prelude.unwrap_or_default());
        let errors =
            crate::engine::compile(vec![(prelude, true), (Arc::clone(&file), false)]).err().unwrap_or_default();
        let fixes: Vec<(&str, &str)> = errors
            .iter()
            .filter_map(|d| d.suggestion.as_ref())
            .map(|s| (text.get(s.span.start..s.span.end).unwrap_or(""), s.replacement.as_str()))
            .collect();
        // Parse errors stop checking, so the unit is the only one here.
        assert_eq!(fixes, [("hh", "h")]);
        let fixed = text.replace("6hh", "6h");
        let file = SourceFile::new("x.rules", fixed.as_str());
        let prelude = crate::engine::shipped().iter().find(|(n, _)| *n == crate::engine::PRELUDE).map(|(_, t)| *t);
        let prelude = SourceFile::new("prelude.rules", prelude.unwrap_or_default());
        let errors = crate::engine::compile(vec![(prelude, true), (file, false)]).err().unwrap_or_default();
        let mut fixes: Vec<(&str, &str)> = errors
            .iter()
            .filter_map(|d| d.suggestion.as_ref())
            .map(|s| (fixed.get(s.span.start..s.span.end).unwrap_or(""), s.replacement.as_str()))
            .collect();
        fixes.sort_unstable();
        assert_eq!(fixes, [("hihg", "high"), ("last_sesion.kind", "last_session.kind")]);
    }

    #[test]
    fn every_code_used_in_the_source_is_documented() {
        let listed: std::collections::HashSet<&str> = CODES.iter().map(|(c, _)| *c).collect();
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        let mut missing = Vec::new();
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            for piece in text.split('"').skip(1).step_by(2) {
                let is_code = ["parse::", "check::", "state::", "test::", "cli::", "recoup::", "lint::", "import::"]
                    .iter()
                    .any(|p| piece.starts_with(p))
                    && !piece.contains(' ');
                if is_code && !listed.contains(piece) {
                    missing.push(piece.to_string());
                }
            }
        }
        assert!(missing.is_empty(), "codes used but not documented: {missing:?}");
    }
}
