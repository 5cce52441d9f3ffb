//! What the command line prints besides its results: diagnostics on
//! stderr, file names made safe for a terminal, colour or not.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::files;

/// A path as printed: control characters in a file name escaped.
pub(super) fn shown(path: &Path) -> String {
    crate::terminal::line(&path.display().to_string()).into_owned()
}

/// Colour on a terminal, unless `NO_COLOR` is set (no-color.org).
pub(super) fn use_color(terminal: bool) -> bool {
    terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// What a walk of `paths` skipped on purpose (a pipe named `x.rules`), to
/// stderr; what it could not read is reported by whatever reads the files.
pub(super) fn report_notes(paths: &[PathBuf], wanted: &files::Wanted) {
    for path in paths {
        let notes: Vec<Diagnostic> = files::walk(path, wanted).problems.into_iter().filter(|d| !d.is_error()).collect();
        report_errors(&notes);
    }
}

/// Print diagnostics to stderr: in colour on a terminal, plain otherwise;
/// identical ones collapsed and at most `cap::MAX_PER_FILE` per file.
pub(super) fn report_errors(diagnostics: &[Diagnostic]) {
    let color = use_color(std::io::stderr().is_terminal());
    let mut err = std::io::stderr().lock();
    for d in crate::cap::diagnostics(diagnostics.to_vec()) {
        let _ = write!(err, "{}", d.render(color));
    }
}
