//! What commands read before they start: the program (shipped protocols
//! and the coach's), the state files named or found in folders, the clock.

use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};

use super::args::ProtocolArgs;
use super::output::{report_errors, report_notes};
use crate::diagnostic::Diagnostic;
use crate::engine;
use crate::program::Program;
use crate::{files, import, state};

pub(super) fn load_program(args: &ProtocolArgs) -> Result<Program, u8> {
    report_notes(&args.protocols, &files::RULE_FILES);
    let loaded = if args.no_prelude {
        args.protocols.iter().fold(crate::Compiler::new().without_prelude(), |c, p| c.path(p)).compile()
    } else {
        engine::load(&args.selection())
    };
    loaded.map_err(|errors| {
        report_errors(&errors);
        2
    })
}

pub(super) fn clock() -> DateTime<FixedOffset> {
    chrono::Local::now().fixed_offset()
}

/// State files named directly, or the `.yaml`/`.yml`/`.json` files of a
/// folder (see `crate::files::walk` for the policy); what could not be read
/// is an `Err` in its place, and notes (a pipe skipped) go to stderr.
pub(super) fn state_files(inputs: &[PathBuf]) -> Vec<Result<PathBuf, Diagnostic>> {
    let mut out = Vec::new();
    for input in inputs {
        // A path that is not a folder is read as a state file, and any
        // problem with it (missing, a pipe, a broken link) is reported with
        // its name, as that state's rejection.
        if !input.is_dir() {
            out.push(Ok(input.clone()));
            continue;
        }
        let found = files::walk(input, &files::STATE_FILES);
        let (errors, notes): (Vec<Diagnostic>, Vec<Diagnostic>) =
            found.problems.into_iter().partition(Diagnostic::is_error);
        report_errors(&notes);
        let states: Vec<PathBuf> = found.files.into_iter().filter(|p| !files::is_history_file(p)).collect();
        if states.is_empty() && errors.is_empty() {
            out.push(Err(Diagnostic::error("cli::no-input", format!("`{}` holds no state files", input.display()))
                .help("state files end in .yaml, .yml or .json")));
        }
        out.extend(errors.into_iter().map(Err));
        out.extend(states.into_iter().map(Ok));
    }
    out
}

/// One athlete's state with its history, `--now` winning over the file and
/// the clock used when neither gives a time; errors are printed.
pub(super) fn load_athlete(
    program: &Program,
    path: &Path,
    history: Option<&Path>,
    now: Option<DateTime<FixedOffset>>,
) -> Result<state::State, u8> {
    let now_source = state::NowSource { override_now: now, fallback: Some(clock()) };
    import::load_state(program, path, history, now_source).map_err(|errors| {
        report_errors(&errors);
        2
    })
}

pub(super) fn default_dir(paths: Vec<PathBuf>, dir: &str) -> Result<Vec<PathBuf>, u8> {
    if !paths.is_empty() {
        return Ok(paths);
    }
    let default = PathBuf::from(dir);
    if default.exists() {
        Ok(vec![default])
    } else {
        report_errors(&[Diagnostic::error("cli::no-input", format!("no paths given and no `{dir}` folder here"))
            .help(format!("name the files or folders to use, or run from a folder that has `{dir}`"))]);
        Err(2)
    }
}
