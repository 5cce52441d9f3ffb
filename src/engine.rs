//! Putting a program together: the embedded prelude and protocols, a coach's
//! own rule files, parsed and checked as one.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::check::{self, Input};
use crate::diagnostic::{Diagnostic, SourceFile};
use crate::parser;
use crate::program::Program;
use crate::state;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

/// The file that declares the state's facts and the shared defines.
pub const PRELUDE: &str = "prelude.rules";

/// The shipped rule files, prelude included: (name, text).
pub fn shipped() -> &'static [(&'static str, &'static str)] {
    embedded::EMBEDDED
}

/// Which rule files make up a program.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    /// Leave the shipped protocols out (the prelude still loads).
    pub no_builtin: bool,
    /// A coach's rule files or folders of them. A rule with the same id as a
    /// shipped one replaces it; a file with the same name as a shipped file
    /// (`prelude.rules`, `cold.rules`, ...) replaces that whole file.
    pub paths: Vec<PathBuf>,
}

/// Every `.rules` file a path stands for: the file itself, or a folder's
/// files (not its subfolders), sorted by name so the order is stable.
pub fn rule_files(path: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    let io = |e: std::io::Error| {
        Diagnostic::error("recoup::io", format!("cannot read `{}`: {}", path.display(), e.to_string().to_lowercase()))
            .help("check the path")
    };
    if path.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(io)?
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "rules"))
            .collect();
        files.sort();
        Ok(files)
    } else if path.exists() {
        Ok(vec![path.to_path_buf()])
    } else {
        Err(Diagnostic::error("recoup::io", format!("`{}` does not exist", path.display())).help("check the path"))
    }
}

/// Read the selected files and build the program. Every problem in every
/// file is reported, not just the first.
pub fn load(selection: &Selection) -> Result<Program, Vec<Diagnostic>> {
    compile(sources(selection)?)
}

/// The rule files a selection stands for, read: the shipped ones (marked
/// `true`) that no file of the coach's replaces, then the coach's.
pub fn sources(selection: &Selection) -> Result<Vec<(Arc<SourceFile>, bool)>, Vec<Diagnostic>> {
    Ok(sources_with(selection, read_rule_files(&selection.paths)?))
}

/// Every rule file the paths stand for (see [`rule_files`]), read; every
/// file that cannot be read is reported, not just the first.
pub fn read_rule_files(paths: &[PathBuf]) -> Result<Vec<Arc<SourceFile>>, Vec<Diagnostic>> {
    let mut read: Vec<Arc<SourceFile>> = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        match rule_files(path) {
            Ok(files) => {
                for file in files {
                    match state::read_source(&file) {
                        Ok(source) => read.push(source),
                        Err(d) => errors.push(d),
                    }
                }
            }
            Err(d) => errors.push(d),
        }
    }
    if errors.is_empty() {
        Ok(read)
    } else {
        Err(errors)
    }
}

/// Like [`load`], with the coach's files already read (`selection.paths` is
/// not read again).
pub fn load_with(selection: &Selection, user: Vec<Arc<SourceFile>>) -> Result<Program, Vec<Diagnostic>> {
    compile(sources_with(selection, user))
}

/// The shipped files a selection keeps, then the coach's files.
pub fn sources_with(selection: &Selection, user: Vec<Arc<SourceFile>>) -> Vec<(Arc<SourceFile>, bool)> {
    // A coach's file named like a shipped one replaces it whole: that is how
    // `recoup lint protocols/` checks the shipped files themselves (their
    // defines would otherwise be declared twice) and how a coach swaps out
    // one shipped protocol, or the prelude, for their own version.
    let replaced = |shipped: &str| user.iter().any(|f| Path::new(&f.name).file_name().is_some_and(|n| n == shipped));
    let mut sources: Vec<(Arc<SourceFile>, bool)> = Vec::new();
    for (name, text) in shipped() {
        let wanted = *name == PRELUDE || !selection.no_builtin;
        if wanted && !replaced(name) {
            sources.push((SourceFile::shipped(name, *text), true));
        }
    }
    sources.extend(user.into_iter().map(|f| (f, false)));
    sources
}

/// Parse and check the given sources (`true` marks a shipped one).
///
/// Runs on a thread with a large stack: parsing and checking recurse once
/// per nesting level, and the nesting limit is set for that stack, not for
/// whatever small stack the caller (a test thread, say) happens to have.
pub fn compile(sources: Vec<(Arc<SourceFile>, bool)>) -> Result<Program, Vec<Diagnostic>> {
    let work = move || {
        let mut inputs = Vec::new();
        let mut errors = Vec::new();
        for (file, builtin) in sources {
            match parser::parse_file(&file) {
                Ok(ast) => inputs.push(Input { file, ast, builtin }),
                Err(mut d) => errors.append(&mut d),
            }
        }
        // Every file's syntax errors are reported together; checking waits
        // until all parse, since names a broken file declares would
        // otherwise show up as a flood of false "unknown name" errors.
        if !errors.is_empty() {
            return Err(errors);
        }
        check::check(&inputs)
    };
    on_large_stack(work).unwrap_or_else(|| {
        Err(vec![Diagnostic::error("recoup::internal", "the rule checker stopped unexpectedly")
            .help("this is a bug in recoup; please report it with the rule files")])
    })
}

/// Stack size for the threads that parse, check and format: parsing
/// recurses once per nesting level and every later walk once per level of
/// the tree, and the limits (`parser::MAX_NESTING`, `MAX_EXPR_DEPTH`) are set
/// for this stack, not for whatever small stack the caller has.
pub const STACK_BYTES: usize = 64 << 20;

/// Run `work` on a thread with `STACK_BYTES` of stack; `None` if the thread
/// could not start or stopped unexpectedly.
pub fn on_large_stack<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    let spawned = std::thread::Builder::new().stack_size(STACK_BYTES).spawn(work);
    spawned.ok().and_then(|h| h.join().ok())
}
