//! `recoup report`: the self-contained HTML page, once or on every change.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};

use super::args::ProtocolArgs;
use super::inputs::{clock, load_program, state_files};
use super::output::{report_errors, shown};
use crate::{engine, state};

/// `recoup report`: evaluate, lay out, write atomically; with `--watch`,
/// again on every change to a state or rule file.
pub(super) fn report_command(
    inputs: &[PathBuf],
    output: &Path,
    now: Option<DateTime<FixedOffset>>,
    watch: bool,
    args: &ProtocolArgs,
) -> u8 {
    let write_once = || -> u8 {
        let program = match load_program(args) {
            Ok(p) => p,
            Err(code) => return code,
        };
        let now_source = state::NowSource { override_now: now, fallback: Some(clock()) };
        let (page, errors) = crate::report::build(&program, state_files(inputs), now_source);
        report_errors(&errors);
        if output == Path::new("-") {
            let _ = std::io::stdout().lock().write_all(page.as_bytes());
        } else if let Err(e) = crate::format::write_atomically(output, &page) {
            report_errors(&[e]);
            return 2;
        } else {
            eprintln!("wrote {}", shown(output));
        }
        if errors.is_empty() {
            0
        } else {
            2
        }
    };
    let code = write_once();
    if !watch {
        return code;
    }
    // Polling the files' modification times: no platform watcher to set
    // up, and a coach's folder holds a few dozen files at most.
    let watched = || -> Vec<(PathBuf, Option<std::time::SystemTime>)> {
        let mut paths: Vec<PathBuf> = state_files(inputs).into_iter().flatten().collect();
        for dir in &args.protocols {
            // A folder that cannot be read adds nothing to watch, and is
            // not reported here: every rebuild reads it again through
            // `load_program`, which says why (and a folder that comes back
            // changes what is watched, so the page is rebuilt).
            paths.extend(engine::rule_files(dir).unwrap_or_default());
        }
        paths
            .into_iter()
            .map(|p| {
                let modified = std::fs::metadata(&p).and_then(|m| m.modified()).ok();
                (p, modified)
            })
            .collect()
    };
    let mut seen = watched();
    eprintln!("watching {} files; press Ctrl-C to stop", seen.len());
    loop {
        std::thread::sleep(std::time::Duration::from_millis(300));
        let now_seen = watched();
        if now_seen != seen {
            seen = now_seen;
            write_once();
        }
    }
}
