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
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostic::{Diagnostic, SourceFile};
use crate::program::Program;
use crate::render::json_line::{JsonLine, LineScratch};
use crate::state::{self, NowSource};
use crate::{eval, files};

/// States read, evaluated and written per round: the bound on memory.
pub const CHUNK: usize = 2048;
/// A round also ends once its lines hold this many bytes, so a chunk of
/// long lines (each up to the state limit) stays small too.
pub const CHUNK_BYTES: usize = 64 << 20;

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
    let mut input = input;
    let mut chunk = Lines::default();
    let mut buffers: Vec<Scratch> = Vec::new();
    let json = JsonLine::new(program);
    loop {
        chunk.text.clear();
        chunk.lines.clear();
        while chunk.lines.len() < CHUNK && chunk.text.len() < CHUNK_BYTES {
            let Some(line) = next_line(&mut input, files::STATE.bytes, &mut chunk.text)? else { break };
            chunk.lines.push(line);
        }
        if chunk.lines.is_empty() {
            return Ok(summary);
        }
        // Every line kept in the buffer was checked to be UTF-8 as it was
        // read, and the lines that were not are not in it.
        let text = std::str::from_utf8(&chunk.text).unwrap_or_default();
        let first_line = summary.states + 1;
        let results = in_parallel(&chunk.lines, options.jobs, &mut buffers, |i, line, scratch| match line {
            Ok(range) => {
                let line_text = text.get(range.clone()).unwrap_or_default();
                line_result(&json, first_line + i, line_text, options.now, scratch)
            }
            Err(d) => rejected_line(first_line + i, d, 1, scratch),
        });
        finish_chunk(out, &mut summary, chunk.lines.len(), results, &buffers)?;
        progress(&summary);
    }
}

/// One round's lines: their text, one after the other in one buffer (kept
/// from round to round), and for each line its place in that buffer or why
/// it was rejected as it was read.
#[derive(Default)]
struct Lines {
    text: Vec<u8>,
    lines: Vec<Result<Range<usize>, Diagnostic>>,
}

/// Read the next line of a JSON Lines input onto the end of `text`, without
/// its line ending, and say where it is; never hold more than `limit` bytes
/// of it: a longer line (or one that is not UTF-8) is an error for that
/// line alone, it is taken off `text`, and the rest of it is skipped.
/// `None` at the end of the input.
fn next_line(
    input: &mut impl BufRead,
    limit: u64,
    text: &mut Vec<u8>,
) -> io::Result<Option<Result<Range<usize>, Diagnostic>>> {
    let start = text.len();
    let read = io::Read::take(&mut *input, limit.saturating_add(2)).read_until(b'\n', text)?;
    if read == 0 {
        return Ok(None);
    }
    let complete = text.last() == Some(&b'\n');
    if complete {
        text.pop();
        if text.len() > start && text.last() == Some(&b'\r') {
            text.pop();
        }
    }
    if (text.len() - start) as u64 > limit {
        text.truncate(start);
        if !complete {
            skip_line(input)?;
        }
        let d = Diagnostic::error(
            files::STATE.code,
            format!("the line is longer than {} bytes, the limit for one state", files::STATE.bytes),
        )
        .help("one state per line; a state is far smaller than this");
        return Ok(Some(Err(d)));
    }
    // A file saved with a byte-order mark has it before its first line.
    let line = text.get(start..).unwrap_or_default();
    let begin = if line.starts_with(b"\xEF\xBB\xBF") { start + 3 } else { start };
    match std::str::from_utf8(text.get(begin..).unwrap_or_default()) {
        Ok(_) => Ok(Some(Ok(begin..text.len()))),
        Err(e) => {
            text.truncate(start);
            Ok(Some(Err(Diagnostic::error("parse::encoding", "the line is not UTF-8 text")
                .label(crate::diagnostic::Span::new(e.valid_up_to(), e.valid_up_to()), "here")
                .help("write JSON Lines as UTF-8"))))
        }
    }
}

/// Read and drop the rest of a line.
fn skip_line(input: &mut impl BufRead) -> io::Result<()> {
    loop {
        let (done, used) = {
            let available = input.fill_buf()?;
            if available.is_empty() {
                return Ok(());
            }
            match available.iter().position(|b| *b == b'\n') {
                Some(i) => (true, i + 1),
                None => (false, available.len()),
            }
        };
        input.consume(used);
        if done {
            return Ok(());
        }
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
    let found = files::walk(dir, &files::STATE_FILES);
    if let Some(d) = found.errors().next() {
        return Err(io::Error::other(d.message.clone()));
    }
    let paths: Vec<PathBuf> = found.files.into_iter().filter(|p| !crate::files::is_history_file(p)).collect();
    let mut summary = Summary::default();
    let mut buffers: Vec<Scratch> = Vec::new();
    let json = JsonLine::new(program);
    for chunk in paths.chunks(CHUNK) {
        let results = in_parallel(chunk, options.jobs, &mut buffers, |_, path, scratch| {
            file_result(&json, path, options.now, scratch)
        });
        finish_chunk(out, &mut summary, chunk.len(), results, &buffers)?;
        progress(&summary);
    }
    Ok(summary)
}

fn finish_chunk(
    out: &mut impl Write,
    summary: &mut Summary,
    len: usize,
    rejected: usize,
    buffers: &[Scratch],
) -> io::Result<()> {
    summary.states += len;
    summary.peak_chunk = summary.peak_chunk.max(len);
    summary.rejected += rejected;
    for buffer in buffers {
        out.write_all(&buffer.out)?;
    }
    out.flush()
}

/// What one worker thread keeps from state to state: the output lines of
/// its share of a chunk, and the outcome buffers evaluation refills, so the
/// batch path does not allocate them per state.
#[derive(Default)]
struct Scratch {
    out: Vec<u8>,
    outcome: eval::Outcome,
    line: LineScratch,
}

/// Run `work` over `items` on up to `jobs` threads, each taking a
/// contiguous share and writing its lines into its own buffer of
/// `buffers` (kept between chunks); the buffers, in order, hold the lines
/// in the items' order. Returns how many items `work` rejected.
fn in_parallel<T: Sync>(
    items: &[T],
    jobs: usize,
    buffers: &mut Vec<Scratch>,
    work: impl Fn(usize, &T, &mut Scratch) -> bool + Sync,
) -> usize {
    let jobs = jobs.clamp(1, items.len().max(1));
    let share = items.len().div_ceil(jobs).max(1);
    let parts = items.len().div_ceil(share).max(1);
    buffers.resize_with(parts, Scratch::default);
    for buffer in buffers.iter_mut() {
        buffer.out.clear();
    }
    let run = |n: usize, part: &[T], scratch: &mut Scratch| {
        part.iter().enumerate().filter(|(i, item)| !work(n * share + i, item, scratch)).count()
    };
    if parts == 1 {
        return buffers.first_mut().map_or(0, |scratch| run(0, items, scratch));
    }
    let run = &run;
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(share)
            .zip(buffers.iter_mut())
            .enumerate()
            .map(|(n, (part, scratch))| scope.spawn(move || run(n, part, scratch)))
            .collect();
        // A worker cannot panic (the library does not), but if one did, its
        // states would be lost rather than the process taken down.
        handles.into_iter().map(|h| h.join().unwrap_or(0)).sum()
    })
}

/// One line's output, and whether its state was accepted.
fn line_result(json: &JsonLine<'_>, line: usize, text: &str, now: NowSource, scratch: &mut Scratch) -> bool {
    let file = SourceFile::new(format!("line {line}"), text);
    let ok = match evaluate_json(json, &file, now, scratch) {
        Ok(()) => true,
        Err(d) => {
            let (_, column) = position(&d, &file);
            let error = serde_json::json!({ "code": d.code, "message": d.message, "column": column });
            write_json(&mut scratch.out, &serde_json::json!({ "line": line, "error": error }));
            false
        }
    };
    scratch.out.push(b'\n');
    ok
}

/// A rejected line's output: its number and the diagnostic's code,
/// message and column.
fn rejected_line(line: usize, d: &Diagnostic, column: usize, scratch: &mut Scratch) -> bool {
    let error = serde_json::json!({ "code": d.code, "message": d.message, "column": column });
    write_json(&mut scratch.out, &serde_json::json!({ "line": line, "error": error }));
    scratch.out.push(b'\n');
    false
}

/// Append a value as compact JSON. Writing into a `Vec` cannot fail, and
/// every value written here serializes (no maps with non-text keys).
fn write_json(out: &mut Vec<u8>, value: &impl serde::Serialize) {
    let _ = serde_json::to_writer(out, value);
}

fn file_result(json: &JsonLine<'_>, path: &Path, now: NowSource, scratch: &mut Scratch) -> bool {
    let name = path.display().to_string();
    let loaded = state::read_state_file(path).map_err(|d| (d, None));
    let ok = match loaded.and_then(|file| evaluate_json(json, &file, now, scratch).map_err(|d| (d, Some(file)))) {
        Ok(()) => true,
        Err((d, file)) => {
            let (line, column) = file.map_or((1, 1), |f| position(&d, &f));
            let error = serde_json::json!({ "code": d.code, "message": d.message, "line": line, "column": column });
            write_json(&mut scratch.out, &serde_json::json!({ "file": name, "error": error }));
            false
        }
    };
    scratch.out.push(b'\n');
    ok
}

/// Load, evaluate and render one state as one line of JSON (without its
/// newline) into the scratch's output, or the first diagnostic that
/// rejected it (then nothing is written).
fn evaluate_json(
    json: &JsonLine<'_>,
    file: &Arc<SourceFile>,
    now: NowSource,
    scratch: &mut Scratch,
) -> Result<(), Diagnostic> {
    let program = json.program();
    let st = state::load(program, file, now).map_err(|mut errors| {
        if errors.is_empty() {
            Diagnostic::error("recoup::internal", "the state was rejected without a reason")
        } else {
            errors.swap_remove(0)
        }
    })?;
    eval::evaluate_into(program, &st.facts, &mut scratch.outcome);
    json.write(&scratch.outcome, json.athlete(&st.facts), &mut scratch.line, &mut scratch.out);
    Ok(())
}

/// 1-based line and column of a diagnostic's first label.
fn position(d: &Diagnostic, file: &SourceFile) -> (usize, usize) {
    d.labels.first().map_or((1, 1), |(span, _)| file.line_col(span.start))
}
