//! Batch evaluation for platforms: many states in, one JSON line out per
//! state, in input order.
//!
//! Input is JSON Lines (one state per line, the fields of `state.yaml`) from
//! a file or standard input, or a folder of state files. States are read in
//! chunks of [`CHUNK`]; each chunk is split between the worker threads and
//! its results written in order before the next chunk is read, so memory
//! stays bounded by one chunk however long the input is.
//!
//! Each output line is the `recoup evaluate --format json` object for that
//! state, on one line. A state that is rejected becomes
//! `{"line": N, "error": {"code", "message", "column"}}` (for a folder,
//! `{"file": ..., "error": {"code", "message", "line", "column"}}`) and the
//! rest go on.

use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostic::{Diagnostic, SourceFile};
use crate::program::Program;
use crate::state::{self, NowSource};
use crate::{eval, render};

/// States read, evaluated and written per round: the bound on memory.
pub const CHUNK: usize = 2048;

/// How a batch runs.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Worker threads; at least one.
    pub jobs: usize,
    /// Where `now` comes from for states that do not say.
    pub now: NowSource,
}

/// What a batch did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// States read (lines or files).
    pub states: usize,
    /// States rejected, each reported on its output line.
    pub rejected: usize,
    /// The most states held in memory at once: never more than [`CHUNK`].
    pub peak_chunk: usize,
}

/// The number of threads `--jobs` means by default: every core.
pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// Evaluate every line of `input` (JSON Lines) and write one line per state
/// to `out`. `progress` is called after each chunk with the running summary.
pub fn run_lines(
    program: &Program,
    input: impl BufRead,
    out: &mut impl Write,
    options: Options,
    mut progress: impl FnMut(&Summary),
) -> io::Result<Summary> {
    let mut summary = Summary::default();
    let mut lines = input.lines();
    let mut chunk: Vec<String> = Vec::with_capacity(CHUNK);
    loop {
        chunk.clear();
        for line in lines.by_ref() {
            chunk.push(line?);
            if chunk.len() == CHUNK {
                break;
            }
        }
        if chunk.is_empty() {
            return Ok(summary);
        }
        let first_line = summary.states + 1;
        let results =
            in_parallel(&chunk, options.jobs, |i, text| line_result(program, first_line + i, text, options.now));
        finish_chunk(out, &mut summary, chunk.len(), results)?;
        progress(&summary);
    }
}

/// Evaluate every `.yaml`, `.yml` and `.json` file of a folder (sorted by
/// name) and write one line per file to `out`.
pub fn run_dir(
    program: &Program,
    dir: &Path,
    out: &mut impl Write,
    options: Options,
    mut progress: impl FnMut(&Summary),
) -> io::Result<Summary> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "yaml" || e == "yml" || e == "json"))
        .collect();
    files.sort();
    let mut summary = Summary::default();
    for chunk in files.chunks(CHUNK) {
        let results = in_parallel(chunk, options.jobs, |_, path| file_result(program, path, options.now));
        finish_chunk(out, &mut summary, chunk.len(), results)?;
        progress(&summary);
    }
    Ok(summary)
}

fn finish_chunk(
    out: &mut impl Write,
    summary: &mut Summary,
    len: usize,
    results: Vec<(String, bool)>,
) -> io::Result<()> {
    summary.states += len;
    summary.peak_chunk = summary.peak_chunk.max(len);
    for (line, ok) in results {
        if !ok {
            summary.rejected += 1;
        }
        out.write_all(line.as_bytes())?;
        out.write_all(b"\n")?;
    }
    out.flush()
}

/// Run `work` over `items` on up to `jobs` threads, each taking a
/// contiguous share; results come back in the items' order.
fn in_parallel<T: Sync, R: Send>(items: &[T], jobs: usize, work: impl Fn(usize, &T) -> R + Sync) -> Vec<R> {
    let jobs = jobs.clamp(1, items.len().max(1));
    if jobs == 1 {
        return items.iter().enumerate().map(|(i, item)| work(i, item)).collect();
    }
    let share = items.len().div_ceil(jobs);
    let work = &work;
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(share)
            .enumerate()
            .map(|(n, part)| {
                scope.spawn(move || {
                    part.iter().enumerate().map(|(i, item)| work(n * share + i, item)).collect::<Vec<R>>()
                })
            })
            .collect();
        // A worker cannot panic (the library does not), but if one did, its
        // states would be lost rather than the process taken down.
        handles.into_iter().flat_map(|h| h.join().unwrap_or_default()).collect()
    })
}

/// One line's output, and whether its state was accepted.
fn line_result(program: &Program, line: usize, text: &str, now: NowSource) -> (String, bool) {
    let file = SourceFile::new(format!("line {line}"), text);
    match evaluate_json(program, &file, now) {
        Ok(json) => (json, true),
        Err(d) => {
            let (_, column) = position(&d, &file);
            let error = serde_json::json!({ "code": d.code, "message": d.message, "column": column });
            (serde_json::json!({ "line": line, "error": error }).to_string(), false)
        }
    }
}

fn file_result(program: &Program, path: &Path, now: NowSource) -> (String, bool) {
    let name = path.display().to_string();
    let loaded = state::read_source(path).map_err(|d| (d, None));
    match loaded.and_then(|file| evaluate_json(program, &file, now).map_err(|d| (d, Some(file)))) {
        Ok(json) => (json, true),
        Err((d, file)) => {
            let (line, column) = file.map_or((1, 1), |f| position(&d, &f));
            let error = serde_json::json!({ "code": d.code, "message": d.message, "line": line, "column": column });
            (serde_json::json!({ "file": name, "error": error }).to_string(), false)
        }
    }
}

/// Load, evaluate and render one state as one line of JSON, or the first
/// diagnostic that rejected it.
fn evaluate_json(program: &Program, file: &Arc<SourceFile>, now: NowSource) -> Result<String, Diagnostic> {
    let st = state::load(program, file, now).map_err(|mut errors| {
        if errors.is_empty() {
            Diagnostic::error("recoup::internal", "the state was rejected without a reason")
        } else {
            errors.swap_remove(0)
        }
    })?;
    let outcome = eval::evaluate(program, &st.facts);
    let report = render::report(program, &outcome, st.athlete_name(program));
    serde_json::to_string(&report).map_err(|e| Diagnostic::error("recoup::internal", e.to_string()))
}

/// 1-based line and column of a diagnostic's first label.
fn position(d: &Diagnostic, file: &SourceFile) -> (usize, usize) {
    d.labels.first().map_or((1, 1), |(span, _)| file.line_col(span.start))
}
