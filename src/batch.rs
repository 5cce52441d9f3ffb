//! Batch evaluation for platforms: many states in, one JSON line out per
//! state, in input order.
//!
//! Input is JSON Lines (one state per line, the fields of `state.yaml`) from
//! a file or standard input, or a folder of state files. States go in
//! rounds of at most [`CHUNK`]: while the worker threads evaluate one round,
//! the calling thread writes the round before it and reads the round after
//! it (then joins the workers), so reading and writing overlap the work and
//! memory stays bounded by two rounds however long the input is. Within a
//! round the workers take blocks of [`BLOCK`] states in turn, each block's
//! lines kept together, and the blocks are written in order.
//!
//! Each output line is the `recoup evaluate --format json` object for that
//! state, on one line (written by `render::json_line`). A state that is
//! rejected becomes `{"line": N, "error": {"code", "message", "column"}}`
//! (for a folder, `{"file": ..., "error": {"code", "message", "line",
//! "column"}}`) and the rest go on.

use std::io::{self, BufRead, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use crate::diagnostic::{Diagnostic, SourceFile};
use crate::program::Program;
use crate::render::json_line::{JsonLine, LineScratch};
use crate::state::{self, NowSource};
use crate::{eval, files};

/// States read, evaluated and written per round: with the round being
/// written and read meanwhile, the bound on memory.
pub const CHUNK: usize = 2048;
/// A round also ends once its lines hold this many bytes, so a round of
/// long lines (each up to the state limit) stays small too.
pub const CHUNK_BYTES: usize = 64 << 20;
/// The size of the input buffer a caller should give a batch.
pub const IO_BUFFER: usize = 1 << 20;
/// The size of the output buffer a caller should give a batch: smaller than
/// a block's output (64 lines of a report each), so that blocks are written
/// straight through rather than copied into the buffer first.
pub const OUT_BUFFER: usize = 16 << 10;
/// States a worker takes at a time: small enough that the threads finish a
/// round together, large enough that taking one costs nothing.
pub const BLOCK: usize = 64;

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
    /// The most states in one round: never more than [`CHUNK`] (two rounds
    /// are held at once).
    pub peak_chunk: usize,
}

/// The number of threads `--jobs` means by default: every core.
pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// Evaluate every line of `input` (JSON Lines) and write one line per state
/// to `out`. `progress` is called after each round is written, with the
/// running summary.
pub fn run_lines(
    program: &Program,
    input: impl BufRead,
    out: &mut impl Write,
    options: Options,
    progress: impl FnMut(&Summary),
) -> io::Result<Summary> {
    let mut input = input;
    let json = JsonLine::new(program);
    let fill = |lines: &mut Lines| -> io::Result<usize> {
        lines.text.clear();
        lines.lines.clear();
        while lines.lines.len() < CHUNK && lines.text.len() < CHUNK_BYTES {
            let Some(line) = next_line(&mut input, files::STATE.bytes, &mut lines.text)? else { break };
            lines.lines.push(line);
        }
        Ok(lines.lines.len())
    };
    let work =
        |lines: &Lines, i: usize, number: usize, scratch: &mut Scratch, out: &mut Vec<u8>| match lines.lines.get(i) {
            Some(Ok(range)) => match std::str::from_utf8(lines.text.get(range.clone()).unwrap_or_default()) {
                Ok(text) => line_result(&json, number, text, options.now, scratch, out),
                Err(e) => {
                    let d = Diagnostic::error("parse::encoding", "the line is not UTF-8 text")
                        .label(crate::diagnostic::Span::new(e.valid_up_to(), e.valid_up_to()), "here")
                        .help("write JSON Lines as UTF-8");
                    rejected_line(number, &d, 1, out)
                }
            },
            Some(Err(d)) => rejected_line(number, d, 1, out),
            None => false,
        };
    rounds(options.jobs, out, fill, work, progress)
}

/// One round's lines: their bytes, one after the other in one buffer (kept
/// from round to round), and for each line its place in that buffer or why
/// it was rejected as it was read. Lines are checked to be UTF-8 by the
/// workers, not as they are read.
#[derive(Default)]
struct Lines {
    text: Vec<u8>,
    lines: Vec<Result<Range<usize>, Diagnostic>>,
}

/// Read the next line of a JSON Lines input onto the end of `text`, without
/// its line ending (nor a byte-order mark), and say where it is; never hold
/// more than `limit` bytes of it: a longer line is an error for that line
/// alone, it is taken off `text`, and the rest of it is skipped. `None` at
/// the end of the input.
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
    let bom = text.get(start..).is_some_and(|line| line.starts_with(b"\xEF\xBB\xBF"));
    Ok(Some(Ok(if bom { start + 3 } else { start }..text.len())))
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
    progress: impl FnMut(&Summary),
) -> io::Result<Summary> {
    let found = files::walk(dir, &files::STATE_FILES);
    if let Some(d) = found.errors().next() {
        return Err(io::Error::other(d.message.clone()));
    }
    let mut paths = found.files.into_iter().filter(|p| !crate::files::is_history_file(p));
    let json = JsonLine::new(program);
    let fill = |round: &mut Vec<PathBuf>| -> io::Result<usize> {
        round.clear();
        round.extend(paths.by_ref().take(CHUNK));
        Ok(round.len())
    };
    let work = |round: &Vec<PathBuf>, i: usize, _: usize, scratch: &mut Scratch, out: &mut Vec<u8>| {
        round.get(i).is_some_and(|path| file_result(&json, path, options.now, scratch, out))
    };
    rounds(options.jobs, out, fill, work, progress)
}

/// What one worker thread keeps from state to state: the outcome buffers
/// evaluation refills and the JSON writer's, so the batch path does not
/// allocate them per state.
#[derive(Default)]
struct Scratch {
    outcome: eval::Outcome,
    line: LineScratch,
}

/// One round: its items (`S`, as `fill` left them), the number of its
/// first item in the whole input (from 0), how many it holds, and the
/// output of each of its blocks.
#[derive(Default)]
struct Round<S> {
    items: S,
    first: usize,
    len: usize,
    blocks: Vec<Mutex<Block>>,
}

/// The output lines of one block of a round, and how many of its states
/// were rejected.
#[derive(Default)]
struct Block {
    out: Vec<u8>,
    rejected: usize,
}

/// The batch loop. `fill` reads the next round's items and says how many
/// (0 at the end of the input); `work` evaluates item `i` of a round (the
/// `number`th of the input, from 1) into its output line and says whether
/// it was accepted. Rounds are evaluated on `jobs` threads, the calling
/// thread among them, which also writes the previous round and reads the
/// next one while the other workers go on.
fn rounds<S: Default + Send + Sync>(
    jobs: usize,
    out: &mut impl Write,
    mut fill: impl FnMut(&mut S) -> io::Result<usize>,
    work: impl Fn(&S, usize, usize, &mut Scratch, &mut Vec<u8>) -> bool + Sync,
    mut progress: impl FnMut(&Summary),
) -> io::Result<Summary> {
    let mut summary = Summary::default();
    let mut scratches: Vec<Scratch> = std::iter::repeat_with(Scratch::default).take(jobs.max(1)).collect();
    let mut current: Round<S> = Round::default();
    // The round before `current`: written out, then filled with the next.
    let mut other: Round<S> = Round::default();
    current.len = fill(&mut current.items)?;
    while current.len > 0 {
        let blocks = current.len.div_ceil(BLOCK);
        if current.blocks.len() < blocks {
            current.blocks.resize_with(blocks, Mutex::default);
        }
        let taken = AtomicUsize::new(0);
        let round = &current;
        let work = &work;
        let task = |scratch: &mut Scratch| loop {
            let b = taken.fetch_add(1, Ordering::Relaxed);
            let Some(slot) = round.blocks.get(b).filter(|_| b < blocks) else { break };
            let mut block = slot.lock().unwrap_or_else(PoisonError::into_inner);
            let Block { out, rejected } = &mut *block;
            out.clear();
            *rejected = 0;
            for i in b * BLOCK..((b + 1) * BLOCK).min(round.len) {
                if !work(&round.items, i, round.first + i + 1, scratch, out) {
                    *rejected += 1;
                }
            }
        };
        let Some((mine, helpers)) = scratches.split_first_mut() else { break };
        let io = std::thread::scope(|scope| {
            let task = &task;
            let handles: Vec<_> =
                helpers.iter_mut().take(blocks - 1).map(|scratch| scope.spawn(move || task(scratch))).collect();
            let io = write_round(out, &mut other, &mut summary, &mut progress).and_then(|()| fill(&mut other.items));
            task(mine);
            // A worker cannot panic (the library does not), but if one did,
            // its block would be left short rather than the process taken
            // down.
            for handle in handles {
                let _ = handle.join();
            }
            io
        });
        other.len = io?;
        other.first = current.first + current.len;
        std::mem::swap(&mut current, &mut other);
    }
    write_round(out, &mut other, &mut summary, &mut progress)?;
    Ok(summary)
}

/// Write an evaluated round's blocks in order and count it; nothing for an
/// empty round.
fn write_round<S>(
    out: &mut impl Write,
    round: &mut Round<S>,
    summary: &mut Summary,
    progress: &mut impl FnMut(&Summary),
) -> io::Result<()> {
    if round.len == 0 {
        return Ok(());
    }
    for slot in round.blocks.iter_mut().take(round.len.div_ceil(BLOCK)) {
        let block = slot.get_mut().unwrap_or_else(PoisonError::into_inner);
        out.write_all(&block.out)?;
        summary.rejected += block.rejected;
    }
    summary.states += round.len;
    summary.peak_chunk = summary.peak_chunk.max(round.len);
    round.len = 0;
    out.flush()?;
    progress(summary);
    Ok(())
}

/// One line's output, and whether its state was accepted.
fn line_result(
    json: &JsonLine<'_>,
    line: usize,
    text: &str,
    now: NowSource,
    scratch: &mut Scratch,
    out: &mut Vec<u8>,
) -> bool {
    // Most lines are plain JSON states the loader accepts: they are read
    // where they lie, with no copy of the line into a file of its own (the
    // same nodes and facts `state::load` gives JSON text). Any other line is
    // read again as a file, so that its diagnostic says where.
    if let Some(root) = crate::yaml::json::parse_borrowed(text) {
        let program = json.program();
        if let Ok(st) = state::load_node(program, unnamed_line(), &root, now) {
            eval::evaluate_into(program, &st.facts, &mut scratch.outcome);
            json.write(&scratch.outcome, json.athlete(&st.facts), &mut scratch.line, out);
            out.push(b'\n');
            return true;
        }
    }
    let file = SourceFile::new(format!("line {line}"), text);
    let ok = match evaluate_json(json, &file, now, scratch, out) {
        Ok(()) => true,
        Err(d) => {
            let (_, column) = position(&d, &file);
            let error = serde_json::json!({ "code": d.code, "message": d.message, "column": column });
            write_json(out, &serde_json::json!({ "line": line, "error": error }));
            false
        }
    };
    out.push(b'\n');
    ok
}

/// The file an accepted line's state names: nothing reads it (no
/// diagnostic was made), so one serves every line.
fn unnamed_line() -> &'static Arc<SourceFile> {
    static FILE: std::sync::OnceLock<Arc<SourceFile>> = std::sync::OnceLock::new();
    FILE.get_or_init(|| SourceFile::new("line", ""))
}

/// A rejected line's output: its number and the diagnostic's code,
/// message and column.
fn rejected_line(line: usize, d: &Diagnostic, column: usize, out: &mut Vec<u8>) -> bool {
    let error = serde_json::json!({ "code": d.code, "message": d.message, "column": column });
    write_json(out, &serde_json::json!({ "line": line, "error": error }));
    out.push(b'\n');
    false
}

/// Append a value as compact JSON. Writing into a `Vec` cannot fail, and
/// every value written here serializes (no maps with non-text keys).
fn write_json(out: &mut Vec<u8>, value: &impl serde::Serialize) {
    let _ = serde_json::to_writer(out, value);
}

fn file_result(json: &JsonLine<'_>, path: &Path, now: NowSource, scratch: &mut Scratch, out: &mut Vec<u8>) -> bool {
    let name = path.display().to_string();
    let loaded = state::read_state_file(path).map_err(|d| (d, None));
    let ok = match loaded.and_then(|file| evaluate_json(json, &file, now, scratch, out).map_err(|d| (d, Some(file)))) {
        Ok(()) => true,
        Err((d, file)) => {
            let (line, column) = file.map_or((1, 1), |f| position(&d, &f));
            let error = serde_json::json!({ "code": d.code, "message": d.message, "line": line, "column": column });
            write_json(out, &serde_json::json!({ "file": name, "error": error }));
            false
        }
    };
    out.push(b'\n');
    ok
}

/// Load, evaluate and render one state as one line of JSON (without its
/// newline) onto `out`, or the first diagnostic that
/// rejected it (then nothing is written).
fn evaluate_json(
    json: &JsonLine<'_>,
    file: &Arc<SourceFile>,
    now: NowSource,
    scratch: &mut Scratch,
    out: &mut Vec<u8>,
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
    json.write(&scratch.outcome, json.athlete(&st.facts), &mut scratch.line, out);
    Ok(())
}

/// 1-based line and column of a diagnostic's first label.
fn position(d: &Diagnostic, file: &SourceFile) -> (usize, usize) {
    d.labels.first().map_or((1, 1), |(span, _)| file.line_col(span.start))
}
