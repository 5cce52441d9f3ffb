//! The open documents and what is known about them. A document is analysed
//! together with the other `.rules` files of its folder and the shipped
//! protocols, exactly as `recoup lint FOLDER` would load them (a file named
//! like a shipped one replaces it); an open document's unsaved text wins
//! over the file on disk.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use lsp_types::{
    DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, PublishDiagnosticsParams, Uri,
};

use super::index::{Declarations, FileIndex};
use super::position::{path_to_uri, uri_to_path, LineIndex};
use crate::ast;
use crate::check::Input;
use crate::diagnostic::{Diagnostic, Severity, SourceFile, Span};
use crate::engine;
use crate::lint;
use crate::parser;
use crate::program::Program;
use crate::state;

/// Every finding for a set of rule files, as `recoup lint` reports them
/// (except that a finding in a shipped file keeps its place there, which
/// the editor can open), and the checked program when there is one. This is the one place the
/// server asks for findings. The files come parsed: only the edited file is
/// parsed again on a change, the shipped ones once per server.
pub fn findings(files: &[Arc<FileInfo>]) -> (Vec<Diagnostic>, Option<Program>) {
    let parse_errors: Vec<lint::Finding> =
        files.iter().flat_map(|f| f.parse_errors.iter().cloned().map(lint::Finding::from)).collect();
    let inputs: Vec<Input> = files
        .iter()
        .filter_map(|f| Some(Input { file: Arc::clone(&f.source), ast: f.ast.clone()?, builtin: f.builtin }))
        .collect();
    let (found, program) = lint::lint_parsed_in_place(&inputs, parse_errors, &lint::Config::default());
    let diagnostics = found
        .into_iter()
        .map(|f| match f.example {
            // A semantic lint's example state, as `recoup lint` shows it.
            Some(example) => {
                let mut d = f.diagnostic;
                d.message = format!("{}\nexample: {}", d.message, example.values);
                d
            }
            None => f.diagnostic,
        })
        .collect();
    (diagnostics, program)
}

/// One rule file as the server knows it.
#[derive(Debug)]
pub struct FileInfo {
    pub source: Arc<SourceFile>,
    /// Where an editor can open it: the file itself, or for a shipped file
    /// its read-only copy (none if that copy could not be written).
    pub uri: Option<Uri>,
    pub builtin: bool,
    pub lines: LineIndex,
    /// The syntax tree; for a file that does not parse right now, the last
    /// tree that did (its names still help completion).
    pub ast: Option<ast::File>,
    /// Names written in the file, by position; empty while it does not parse.
    pub index: FileIndex,
    /// Why the current text does not parse (empty when it does).
    pub parse_errors: Vec<Diagnostic>,
}

impl FileInfo {
    fn new(source: Arc<SourceFile>, uri: Option<Uri>, builtin: bool, previous: Option<&FileInfo>) -> FileInfo {
        let lines = LineIndex::new(&source.text);
        let (ast, index, parse_errors) = match parser::parse_file(&source) {
            Ok(ast) => {
                let index = FileIndex::new(&ast);
                (Some(ast), index, Vec::new())
            }
            Err(errors) => (previous.and_then(|p| p.ast.clone()), FileIndex::default(), errors),
        };
        FileInfo { source, uri, builtin, lines, ast, index, parse_errors }
    }

    pub fn text(&self) -> &str {
        &self.source.text
    }

    pub fn range(&self, span: Span) -> lsp_types::Range {
        self.lines.range(&self.source.text, span)
    }
}

/// A folder's files, checked together.
#[derive(Debug)]
pub struct Analysis {
    /// Shipped files first, then the coach's, in load order.
    pub files: Vec<Arc<FileInfo>>,
    pub decls: Declarations,
    pub diagnostics: Vec<Diagnostic>,
    /// The checked program, when the files check; built on first need when
    /// [`findings`] did not hand it over.
    program: OnceLock<Option<Program>>,
}

impl Analysis {
    /// The checked program (types of defines, for hover and completion).
    pub fn program(&self) -> Option<&Program> {
        self.program
            .get_or_init(|| {
                engine::compile(self.files.iter().map(|f| (Arc::clone(&f.source), f.builtin)).collect()).ok()
            })
            .as_ref()
    }

    pub fn file_of_uri(&self, uri: &Uri) -> Option<(usize, &Arc<FileInfo>)> {
        self.files.iter().enumerate().find(|(_, f)| f.uri.as_ref() == Some(uri))
    }

    fn file_of_source(&self, source: &SourceFile) -> Option<&Arc<FileInfo>> {
        self.files.iter().find(|f| f.source.name == source.name)
    }

    /// Diagnostics whose file is `uri`'s.
    pub fn diagnostics_of<'a>(&'a self, uri: &'a Uri) -> impl Iterator<Item = &'a Diagnostic> + 'a {
        self.diagnostics.iter().filter(move |d| {
            d.file.as_ref().and_then(|f| self.file_of_source(f)).and_then(|f| f.uri.as_ref()) == Some(uri)
        })
    }
}

struct Document {
    text: Arc<str>,
    path: Option<PathBuf>,
}

/// Which analysis a document belongs to: its folder, or itself alone when
/// it is not a file on disk (an unsaved, untitled buffer).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Key {
    Folder(PathBuf),
    Alone(String),
}

/// Parsing and checking recurse once per nesting level: call a workspace
/// from a thread with a large stack, as [`super::run`] does.
pub struct Workspace {
    docs: HashMap<String, Document>,
    /// Where the read-only copies of the shipped files are.
    shipped_dir: Option<PathBuf>,
    shipped: Vec<Arc<FileInfo>>,
    /// The coach's files by name, reused while their text is unchanged.
    cache: HashMap<String, Arc<FileInfo>>,
    analyses: HashMap<Key, Arc<Analysis>>,
    /// URIs that were last sent diagnostics, per analysis, so that fixed
    /// files get theirs cleared.
    published: HashMap<Key, HashSet<String>>,
}

impl Workspace {
    /// `shipped_dir`: where read-only copies of the shipped files are (see
    /// [`super::write_shipped`]), so that go-to-definition can open them.
    pub fn new(shipped_dir: Option<&Path>) -> Workspace {
        let shipped = engine::shipped()
            .iter()
            .map(|(name, text)| {
                let uri = shipped_dir.and_then(|d| path_to_uri(&d.join(name)));
                Arc::new(FileInfo::new(SourceFile::new(format!("<shipped>/{name}"), *text), uri, true, None))
            })
            .collect();
        Workspace {
            docs: HashMap::new(),
            shipped_dir: shipped_dir.map(Path::to_path_buf),
            shipped,
            cache: HashMap::new(),
            analyses: HashMap::new(),
            published: HashMap::new(),
        }
    }

    pub fn open(&mut self, uri: &Uri, text: &str) -> Vec<PublishDiagnosticsParams> {
        self.docs.insert(uri.as_str().to_string(), Document { text: text.into(), path: uri_to_path(uri) });
        self.refresh(uri)
    }

    pub fn change(&mut self, uri: &Uri, text: &str) -> Vec<PublishDiagnosticsParams> {
        self.open(uri, text)
    }

    /// After a save other files of the folder may have changed on disk too.
    pub fn saved(&mut self, uri: &Uri) -> Vec<PublishDiagnosticsParams> {
        self.refresh(uri)
    }

    pub fn close(&mut self, uri: &Uri) -> Vec<PublishDiagnosticsParams> {
        let key = self.key(uri);
        self.docs.remove(uri.as_str());
        self.cache.remove(uri.as_str());
        let mut out = match &key {
            Key::Folder(_) if self.docs.values().any(|d| d.path.as_deref().and_then(Path::parent) == key_dir(&key)) => {
                self.analyse(&key, uri)
            }
            _ => {
                self.analyses.remove(&key);
                // What this analysis found in the shipped copies goes with it.
                let before = self.published.remove(&key).unwrap_or_default();
                before
                    .iter()
                    .filter_map(|u| u.parse::<Uri>().ok())
                    .filter(|u| self.is_shipped_copy(u))
                    .map(|u| PublishDiagnosticsParams {
                        diagnostics: self.shipped_diagnostics(&u),
                        uri: u,
                        version: None,
                    })
                    .collect()
            }
        };
        // A closed file that is not on disk has nothing left to show; a
        // shipped copy keeps what the coach's folders find in it.
        if !self.is_shipped_copy(uri) && !out.iter().any(|p| &p.uri == uri) {
            out.push(PublishDiagnosticsParams { uri: uri.clone(), diagnostics: Vec::new(), version: None });
        }
        out
    }

    /// The analysis that holds the document `uri`, and its file there.
    pub fn file(&self, uri: &Uri) -> Option<(&Analysis, usize, &Arc<FileInfo>)> {
        let analysis = self.analyses.get(&self.key(uri))?;
        let (i, file) = analysis.file_of_uri(uri)?;
        Some((analysis, i, file))
    }

    fn key(&self, uri: &Uri) -> Key {
        match uri_to_path(uri).as_deref().and_then(Path::parent) {
            Some(dir) => Key::Folder(dir.to_path_buf()),
            None => Key::Alone(uri.as_str().to_string()),
        }
    }

    fn refresh(&mut self, uri: &Uri) -> Vec<PublishDiagnosticsParams> {
        let key = self.key(uri);
        self.analyse(&key, uri)
    }

    /// Load and check the files of `key`, keep the result, and say what
    /// each file's diagnostics now are.
    fn analyse(&mut self, key: &Key, trigger: &Uri) -> Vec<PublishDiagnosticsParams> {
        let mut user: Vec<(String, Option<Uri>, Arc<str>)> = Vec::new();
        let mut problems: Vec<Diagnostic> = Vec::new();
        match key {
            Key::Folder(dir) => {
                // Every problem of the walk (a link that dangles, a pipe
                // skipped) is shown, and the files it could read still are.
                let found = engine::rule_files_found(dir);
                problems.extend(found.problems);
                let mut paths: Vec<PathBuf> = found.files;
                for doc in self.docs.values() {
                    if let Some(p) = &doc.path {
                        if p.parent() == Some(dir.as_path()) && !paths.contains(p) {
                            paths.push(p.clone());
                        }
                    }
                }
                paths.sort();
                for path in paths {
                    let Some(uri) = path_to_uri(&path) else { continue };
                    let text = match self.docs.get(uri.as_str()) {
                        Some(doc) => Arc::clone(&doc.text),
                        None => match state::read_source(&path) {
                            Ok(source) => Arc::clone(&source.text),
                            Err(d) => {
                                problems.push(d);
                                continue;
                            }
                        },
                    };
                    user.push((path.display().to_string(), Some(uri), text));
                }
            }
            Key::Alone(name) => {
                if let Some(doc) = self.docs.get(name) {
                    // `untitled:cold.rules` is named `cold.rules`, so that it
                    // replaces the shipped file of that name as a file would.
                    let shown = name.split_once(':').map_or(name.as_str(), |(_, rest)| rest.trim_start_matches('/'));
                    user.push((shown.to_string(), Some(trigger.clone()), Arc::clone(&doc.text)));
                }
            }
        }

        let mut files: Vec<Arc<FileInfo>> = Vec::new();
        let replaced =
            |shipped: &str| user.iter().any(|(n, _, _)| Path::new(n).file_name().is_some_and(|f| f == shipped));
        for (f, (name, _)) in self.shipped.iter().zip(engine::shipped()) {
            if replaced(name) {
                continue;
            }
            files.push(Arc::clone(f));
        }
        for (name, uri, text) in user {
            let cache_key = uri.as_ref().map_or(name.clone(), |u| u.as_str().to_string());
            let cached = self.cache.get(&cache_key);
            let info = match cached {
                Some(c) if c.source.text == text => Arc::clone(c),
                _ => {
                    let info = Arc::new(FileInfo::new(SourceFile::new(name, text), uri, false, cached.map(|c| &**c)));
                    self.cache.insert(cache_key, Arc::clone(&info));
                    info
                }
            };
            files.push(info);
        }

        let (mut diagnostics, program) = findings(&files);
        diagnostics.append(&mut problems);
        // Bounded as on the command line: identical findings collapse into
        // the first, and a file shows at most `cap::MAX_PER_FILE`, then one
        // saying how many more (an editor slows to a crawl on thousands).
        let diagnostics = crate::cap::diagnostics(diagnostics);
        let mut decls = Declarations::default();
        for (i, f) in files.iter().enumerate() {
            if let Some(ast) = &f.ast {
                decls.add(i, ast);
            }
        }
        let known = OnceLock::new();
        if let Some(program) = program {
            let _ = known.set(Some(program));
        }
        let analysis = Arc::new(Analysis { files, decls, diagnostics, program: known });
        self.analyses.insert(key.clone(), Arc::clone(&analysis));
        self.publish(key, &analysis, trigger)
    }

    /// Whether `uri` is the read-only copy of a shipped file.
    fn is_shipped_copy(&self, uri: &Uri) -> bool {
        self.shipped_dir.is_some() && uri_to_path(uri).as_deref().and_then(Path::parent) == self.shipped_dir.as_deref()
    }

    /// What every open folder finds in the shipped copy `uri`: each folder
    /// is checked with the shipped files, and an editor keeps one list per
    /// file, so the lists are merged (the same finding once).
    fn shipped_diagnostics(&self, uri: &Uri) -> Vec<lsp_types::Diagnostic> {
        let mut out: Vec<lsp_types::Diagnostic> = Vec::new();
        for analysis in self.analyses.values() {
            for d in &analysis.diagnostics {
                let Some(f) = d.file.as_ref().and_then(|s| analysis.file_of_source(s)) else { continue };
                if f.builtin && f.uri.as_ref() == Some(uri) {
                    let converted = to_lsp(d, f);
                    if !out.contains(&converted) {
                        out.push(converted);
                    }
                }
            }
        }
        out.sort_by(|a, b| (a.range.start, a.range.end, &a.message).cmp(&(b.range.start, b.range.end, &b.message)));
        out
    }

    fn publish(&mut self, key: &Key, analysis: &Analysis, trigger: &Uri) -> Vec<PublishDiagnosticsParams> {
        // A shipped copy opened in the editor is analysed for hover and
        // definitions, but it is read-only: its diagnostics are what the
        // coach's folders find in it, not those of its own folder.
        if key_dir(key).is_some() && key_dir(key) == self.shipped_dir.as_deref() {
            return Vec::new();
        }
        let mut by_uri: HashMap<String, (Uri, Vec<lsp_types::Diagnostic>)> = HashMap::new();
        for f in &analysis.files {
            if let (false, Some(uri)) = (f.builtin, &f.uri) {
                by_uri.insert(uri.as_str().to_string(), (uri.clone(), Vec::new()));
            }
        }
        for d in &analysis.diagnostics {
            let file = d.file.as_ref().and_then(|s| analysis.file_of_source(s));
            let (uri, converted) = match file.and_then(|f| Some((f.uri.clone()?, f))) {
                // A finding in a shipped file is published at its place in
                // the read-only copy: that is where the text it is about
                // is, and the editor lists it with that file and line.
                Some((uri, f)) => (uri, to_lsp(d, f)),
                // A problem with no place in a file the editor can open (a
                // folder that cannot be read, a shipped file whose copy
                // could not be written) is shown at the top of the document
                // being edited, naming the shipped file and line as `recoup
                // lint` does.
                None => {
                    let mut d = d.clone();
                    lint::relocate_shipped(&mut d);
                    (trigger.clone(), to_lsp_unplaced(&d))
                }
            };
            by_uri.entry(uri.as_str().to_string()).or_insert_with(|| (uri, Vec::new())).1.push(converted);
        }
        let now: HashSet<String> = by_uri.keys().cloned().collect();
        let before = self.published.insert(key.clone(), now).unwrap_or_default();
        for (uri, diagnostics) in by_uri.values_mut() {
            if self.is_shipped_copy(uri) {
                *diagnostics = self.shipped_diagnostics(uri);
            }
        }
        let mut out: Vec<PublishDiagnosticsParams> = Vec::new();
        for stale in before.iter().filter(|u| !by_uri.contains_key(*u)) {
            if let Ok(uri) = stale.parse::<Uri>() {
                // Another folder may still find something there.
                let diagnostics = if self.is_shipped_copy(&uri) { self.shipped_diagnostics(&uri) } else { Vec::new() };
                out.push(PublishDiagnosticsParams { uri, diagnostics, version: None });
            }
        }
        let mut fresh: Vec<(Uri, Vec<lsp_types::Diagnostic>)> = by_uri.into_values().collect();
        fresh.sort_by(|a, b| a.0.as_str().cmp(b.0.as_str()));
        out.extend(fresh.into_iter().map(|(uri, diagnostics)| PublishDiagnosticsParams {
            uri,
            diagnostics,
            version: None,
        }));
        out
    }
}

fn key_dir(key: &Key) -> Option<&Path> {
    match key {
        Key::Folder(d) => Some(d),
        Key::Alone(_) => None,
    }
}

fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Note => DiagnosticSeverity::INFORMATION,
    }
}

/// The message an editor shows: the problem, then the help line.
fn message(d: &Diagnostic) -> String {
    match &d.help {
        Some(h) => format!("{}\nhelp: {h}", d.message),
        None => d.message.clone(),
    }
}

/// A recoup diagnostic as the editor gets it: the first label's span is the
/// range, its text and the other labels are related information.
pub fn to_lsp(d: &Diagnostic, file: &FileInfo) -> lsp_types::Diagnostic {
    let span = d.labels.first().map_or(Span::default(), |(s, _)| *s);
    let related: Vec<DiagnosticRelatedInformation> = d
        .labels
        .iter()
        .filter_map(|(span, text)| {
            let uri = file.uri.clone()?;
            Some(DiagnosticRelatedInformation {
                location: Location { uri, range: file.range(*span) },
                message: text.clone(),
            })
        })
        .collect();
    lsp_types::Diagnostic {
        range: file.range(span),
        severity: Some(severity(d.severity)),
        code: Some(NumberOrString::String(d.code.to_string())),
        code_description: None,
        source: Some("recoup".into()),
        message: message(d),
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

fn to_lsp_unplaced(d: &Diagnostic) -> lsp_types::Diagnostic {
    lsp_types::Diagnostic {
        range: lsp_types::Range::default(),
        severity: Some(severity(d.severity)),
        code: Some(NumberOrString::String(d.code.to_string())),
        source: Some("recoup".into()),
        message: message(d),
        ..lsp_types::Diagnostic::default()
    }
}
