//! Putting a program together: the embedded prelude and protocols, a coach's
//! own rule files, parsed and checked as one.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::check::{self, Input};
use crate::diagnostic::{Diagnostic, SourceFile};
use crate::files;
use crate::parser;
use crate::program::{self, Program};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

/// Every shipped file, prelude included, parsed and checked by `build.rs`
/// and serialized ([`program::to_bytes`]); empty if they did not check there.
static SHIPPED_PROGRAM: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/shipped.program"));

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
/// files (not its subfolders), sorted by name so the order is stable; see
/// [`files::walk`] for the policy. `Err` is the first thing that could not
/// be read; notes (a pipe named `x.rules`, skipped) are left out: see
/// [`rule_files_found`] for them.
pub fn rule_files(path: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    let mut found = rule_files_found(path);
    match found.problems.iter().position(Diagnostic::is_error) {
        Some(i) => Err(found.problems.swap_remove(i)),
        None => Ok(found.files),
    }
}

/// The rule files a path stands for, with every problem and note.
pub fn rule_files_found(path: &Path) -> files::Found {
    files::walk(path, &files::RULE_FILES)
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
        let found = rule_files_found(path);
        errors.extend(found.errors().cloned());
        for file in &found.files {
            match files::read_text(file, &files::RULES) {
                Ok(source) => read.push(source),
                Err(d) => errors.push(d),
            }
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

/// Parse and check the given sources (`true` marks a shipped one). The
/// shipped files alone come ready-made from the build (see [`precompiled`]).
///
/// Parsing runs on a thread with a large stack: parsing and checking recurse once
/// per nesting level, and the nesting limit is set for that stack, not for
/// whatever small stack the caller (a test thread, say) happens to have.
pub fn compile(sources: Vec<(Arc<SourceFile>, bool)>) -> Result<Program, Vec<Diagnostic>> {
    match precompiled(&sources) {
        Some(program) => Ok(program),
        None => parse_and_check(sources),
    }
}

/// [`compile`] without the build-time program: always parse and check.
pub(crate) fn parse_and_check(sources: Vec<(Arc<SourceFile>, bool)>) -> Result<Program, Vec<Diagnostic>> {
    let work = move || {
        let (inputs, errors) = parse_all(sources);
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

/// The program compiled at build time, when `sources` are exactly the
/// shipped files with their shipped texts (the default selection): reading
/// it takes a fraction of a millisecond, where parsing and checking them
/// takes several. Any other set of files, a coach's among them, is parsed
/// and checked, so its diagnostics are the checker's own.
fn precompiled(sources: &[(Arc<SourceFile>, bool)]) -> Option<Program> {
    let shipped = shipped();
    if SHIPPED_PROGRAM.is_empty() || sources.len() != shipped.len() {
        return None;
    }
    let same = sources.iter().zip(shipped).all(|((file, builtin), (name, text))| {
        *builtin && file.name.strip_prefix("<shipped>/") == Some(*name) && *file.text == **text
    });
    if !same {
        return None;
    }
    let files: Vec<Arc<SourceFile>> = sources.iter().map(|(file, _)| Arc::clone(file)).collect();
    program::from_bytes(SHIPPED_PROGRAM, &files)
}

/// Parse every source, keeping their order: the parsed files, and the
/// syntax errors of those that did not parse, file by file. A large set (the
/// shipped protocols, a coach's folder) is split in two by size and the
/// second half parsed on another thread, since parsing is nearly all of the
/// time `recoup lint` takes. Call on a thread with [`STACK_BYTES`] of stack.
pub fn parse_all(sources: Vec<(Arc<SourceFile>, bool)>) -> (Vec<Input>, Vec<Diagnostic>) {
    let total: usize = sources.iter().map(|(f, _)| f.text.len()).sum();
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let mut sources = sources;
    let second = if total >= PARALLEL_PARSE_BYTES && threads > 1 {
        let mut seen = 0;
        let split = sources.iter().position(|(f, _)| {
            seen += f.text.len();
            seen * 2 >= total
        });
        sources.split_off(split.map_or(sources.len(), |i| i + 1))
    } else {
        Vec::new()
    };
    let parse = |part: Vec<(Arc<SourceFile>, bool)>| {
        let mut inputs = Vec::new();
        let mut errors = Vec::new();
        for (file, builtin) in part {
            match parser::parse_file(&file) {
                Ok(ast) => inputs.push(Input { file, ast, builtin }),
                Err(mut d) => errors.append(&mut d),
            }
        }
        (inputs, errors)
    };
    if second.is_empty() {
        return parse(sources);
    }
    std::thread::scope(|scope| {
        let other = std::thread::Builder::new().stack_size(STACK_BYTES).spawn_scoped(scope, || parse(second));
        let (mut inputs, mut errors) = parse(sources);
        let (more, mut more_errors) = match other.map(|handle| handle.join()) {
            Ok(Ok(parsed)) => parsed,
            _ => (
                Vec::new(),
                vec![Diagnostic::error("recoup::internal", "the parser stopped unexpectedly")
                    .help("this is a bug in recoup; please report it with the rule files")],
            ),
        };
        inputs.extend(more);
        errors.append(&mut more_errors);
        (inputs, errors)
    })
}

/// Below this many bytes of rule text, a second parsing thread costs more
/// than it saves.
const PARALLEL_PARSE_BYTES: usize = 16 << 10;

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

#[cfg(test)]
mod tests {
    use super::*;

    /// The program `build.rs` compiled is the one parsing and checking the
    /// shipped files gives now: same facts, defines, rules, atoms and files.
    #[test]
    fn the_build_time_program_is_the_checked_one() {
        let sources = sources_with(&Selection::default(), Vec::new());
        assert!(!SHIPPED_PROGRAM.is_empty(), "build.rs did not compile the shipped protocols");
        let mut built = precompiled(&sources).expect("the build-time program loads");
        let mut checked = parse_and_check(sources).expect("the shipped protocols check");
        assert_eq!(built.fact_paths, checked.fact_paths);
        assert_eq!(built.fact_groups, checked.fact_groups);
        // The maps print in hash order; everything else prints in order.
        for p in [&mut built, &mut checked] {
            p.fact_paths.clear();
            p.fact_groups.clear();
        }
        assert_eq!(format!("{built:#?}"), format!("{checked:#?}"));
        let files = |p: &Program| p.rules.iter().map(|r| r.file.name.clone()).collect::<Vec<_>>();
        assert_eq!(files(&built), files(&checked));
    }

    /// A coach's file, or a shipped file with other text, is checked as
    /// written, never replaced by the build-time program.
    #[test]
    fn anything_but_the_shipped_files_is_parsed_and_checked() {
        let mut sources = sources_with(&Selection::default(), Vec::new());
        if let Some((file, _)) = sources.last_mut() {
            *file = SourceFile::new(file.name.clone(), format!("{}\n# edited\n", file.text));
        }
        assert!(precompiled(&sources).is_none());
        let user = SourceFile::new("mine.rules", "");
        assert!(precompiled(&sources_with(&Selection::default(), vec![user])).is_none());
        assert!(precompiled(&sources_with(&Selection { no_builtin: true, paths: Vec::new() }, Vec::new())).is_none());
    }
}
