//! `recoup import`: an athlete's data from watch files and platform exports
//! into a history file of its own, which `evaluate` and `explain` read
//! together with the coach's state file (see [`history::supplement`]).
//!
//! One file per source: [`fit`] (FIT files from watches), [`intervals`]
//! (intervals.icu wellness and activities CSV), [`hrv4training`]
//! (HRV4Training CSV). A bad file or row is reported with its file, row or
//! record, and column or field; everything else still imports.

pub mod fit;
pub mod history;
pub mod hrv4training;
pub mod intervals;
pub mod table;

use std::path::{Path, PathBuf};

use chrono_tz::Tz;

use crate::diagnostic::{Diagnostic, SourceFile};
use history::History;

/// The ranges the state format accepts for morning readings (the prelude's
/// declarations): an imported value outside them is a bad row, reported at
/// import rather than when the state is evaluated.
pub const RMSSD_RANGE: (f64, f64) = (5.0, 250.0);
pub const BPM_RANGE: (f64, f64) = (25.0, 150.0);
pub const HOURS_RANGE: (f64, f64) = (0.0, 24.0);

pub(crate) fn in_range(v: f64, (low, high): (f64, f64), unit: &str) -> Result<(), String> {
    if (low..=high).contains(&v) {
        Ok(())
    } else {
        Err(format!("{v} {unit} is outside {low}-{high} {unit}"))
    }
}

/// The kinds of CSV export `import` knows, told apart by the header (a FIT
/// file is told by its extension or its own header first).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    IntervalsWellness,
    IntervalsActivities,
    Hrv4Training,
}

impl Kind {
    fn of_header(header: &[String]) -> Option<Kind> {
        let has = |n: &str| header.iter().any(|h| h == n);
        if has("timestamp_measurement") || has("rMSSD") {
            Some(Kind::Hrv4Training)
        } else if has("start_date_local") {
            Some(Kind::IntervalsActivities)
        } else if has("restingHR") || has("sleepSecs") || (has("date") && has("hrv")) {
            Some(Kind::IntervalsWellness)
        } else {
            None
        }
    }
}

fn extension(path: &Path) -> String {
    path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase()
}

/// The files to import: files named directly, and every `.fit` and `.csv`
/// file in named folders and their sub-folders (sorted, so the order and
/// thus "the later value wins" are the same on every machine).
pub fn files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        let found = crate::files::walk(path, &crate::files::IMPORT_SOURCES);
        out.extend(found.files);
        problems.extend(found.problems);
    }
    (out, problems)
}

/// Import one file into `history`; returns its problems (a file that could
/// not be read at all is one problem; a bad row or record is one each).
pub fn import_file(path: &Path, zone: Option<Tz>, history: &mut History) -> Vec<Diagnostic> {
    let name = path.display().to_string();
    let bytes = match crate::files::read_bytes(path, &crate::files::IMPORT) {
        Ok(b) => b,
        Err(d) => return vec![d],
    };
    // FIT files say so in their header, whatever their name.
    if extension(path) == "fit" || bytes.get(8..12) == Some(b".FIT") {
        return fit::read(path, &bytes, zone, history);
    }
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(_) => {
            return vec![Diagnostic::error(
                "import::unknown",
                format!("`{name}` is neither a FIT file nor CSV text; it was skipped"),
            )
            .help("import FIT files, or CSV exports from intervals.icu or HRV4Training")]
        }
    };
    // A spreadsheet's byte-order mark is not part of the first column's name.
    let text = text.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(text);
    let file = SourceFile::new(name.clone(), text);
    let table = match table::Table::parse(&file) {
        Ok(t) => t,
        Err(d) => return vec![d],
    };
    match Kind::of_header(&table.header) {
        Some(Kind::IntervalsWellness) => intervals::wellness(&table, history),
        Some(Kind::IntervalsActivities) => intervals::activities(&table, zone, history),
        Some(Kind::Hrv4Training) => hrv4training::read(&table, history),
        None => vec![Diagnostic::error(
            "import::unknown",
            format!("`{name}`: the header names no export recoup knows; it was skipped"),
        )
        .help(
            "known CSV exports: intervals.icu wellness (`date`, `restingHR`, `hrv`, `sleepSecs`), intervals.icu \
             activities (`start_date_local`, `type`, ...), HRV4Training (`timestamp_measurement`, `rMSSD`, `HR`)",
        )],
    }
}

/// Import every file, calling `progress` before each; returns what was
/// read and every problem.
pub fn import_files(
    paths: &[PathBuf],
    zone: Option<Tz>,
    progress: &mut dyn FnMut(usize, &Path),
) -> (History, Vec<Diagnostic>) {
    let mut history = History::default();
    let mut problems = Vec::new();
    for (i, path) in paths.iter().enumerate() {
        progress(i, path);
        problems.extend(import_file(path, zone, &mut history));
    }
    history.sessions.sort_by_key(|s| s.start);
    (history, problems)
}

/// Where a state file's history lives when not named: beside it, `jo.yaml`
/// → `jo.history.yaml`.
pub fn history_path_for(state: &Path) -> PathBuf {
    let stem = state.file_stem().and_then(|s| s.to_str()).unwrap_or("state");
    state.with_file_name(format!("{stem}.history.yaml"))
}

/// `athlete.timezone` from a state file's text, read loosely: the state
/// may be unfinished while data is being imported into its history.
pub fn state_time_zone(text: &str) -> Option<Tz> {
    let root = crate::yaml::parse(text).ok()?;
    let athlete = root.get("athlete")?;
    let zone = athlete.value.get("timezone")?;
    match &zone.value.value {
        crate::yaml::Value::Str(s) => s.parse().ok(),
        _ => None,
    }
}

/// Load a coach's state file together with the athlete's history: the
/// file named by `history`, else `NAME.history.yaml` beside `NAME.yaml` when
/// there is one. What the state file sets always wins.
pub fn load_state(
    program: &crate::program::Program,
    state_path: &Path,
    history: Option<&Path>,
    now: crate::state::NowSource,
) -> Result<crate::state::State, Vec<Diagnostic>> {
    let source = crate::state::read_state_file(state_path).map_err(|d| vec![d])?;
    let history_path = history.map(Path::to_path_buf).unwrap_or_else(|| history_path_for(state_path));
    if history.is_none() && !history_path.exists() {
        return crate::state::load(program, &source, now);
    }
    let held = History::load(&history_path).map_err(|d| vec![d])?;
    let supply = |p: &crate::fact_schema::FactSchema<'_>, facts: &[crate::value::Value], written: &[bool], at| {
        history::supplement(p, &held, facts, written, at)
    };
    crate::state::load_with(program, &source, now, Some(&supply))
}

/// What `recoup import` was asked to do.
pub struct Request<'a> {
    /// The coach's state file: its `athlete.timezone` dates the readings and
    /// its history file sits beside it. Never written.
    pub state: &'a Path,
    pub sources: &'a [PathBuf],
    /// Where the history goes, if not beside the state.
    pub history: Option<&'a Path>,
    /// An IANA time zone name that wins over the state's.
    pub timezone: Option<&'a str>,
    pub dry_run: bool,
}

/// What an import did.
pub struct Outcome {
    pub history_path: PathBuf,
    pub files: usize,
    pub changes: history::Changes,
    /// Files, rows and records that were skipped.
    pub problems: Vec<Diagnostic>,
    pub written: bool,
}

impl Outcome {
    /// The report on stdout: one summary line, and with `--dry-run` each
    /// change.
    pub fn to_text(&self, dry_run: bool) -> String {
        let mut out = String::new();
        if dry_run {
            for line in &self.changes.lines {
                out.push_str(&format!("  {line}\n"));
            }
        }
        let verb = if dry_run { "would add" } else { "added" };
        let change = if dry_run { "would change" } else { "changed" };
        let skipped = if self.problems.is_empty() {
            String::new()
        } else {
            format!("; {} problem{} (see stderr)", self.problems.len(), if self.problems.len() == 1 { "" } else { "s" })
        };
        out.push_str(&format!(
            "{}: {verb} {}, {change} {}, {} already there, from {} file{}{skipped}{}\n",
            self.history_path.display(),
            self.changes.added,
            self.changes.changed,
            self.changes.unchanged,
            self.files,
            if self.files == 1 { "" } else { "s" },
            if dry_run {
                " (nothing written)"
            } else if self.written {
                ""
            } else {
                " (nothing to write)"
            },
        ));
        out
    }
}

/// Import `sources` into the athlete's history file. `Err` when it could
/// not run at all (a bad time zone, a damaged history file, a failed write).
pub fn run(request: &Request<'_>, progress: &mut dyn FnMut(usize, usize, &Path)) -> Result<Outcome, Vec<Diagnostic>> {
    let zone = match request.timezone {
        Some(name) => Some(name.parse::<Tz>().map_err(|_| {
            let help = crate::diagnostic::suggest(name, chrono_tz::TZ_VARIANTS.iter().map(|z| z.name()))
                .unwrap_or_else(|| "write an IANA name such as `Europe/Paris`".into());
            vec![Diagnostic::error("cli::no-input", format!("`{name}` is not a time zone")).help(help)]
        })?),
        None => crate::state::read_state_file(request.state).ok().and_then(|f| state_time_zone(&f.text)),
    };
    let history_path = request.history.map(Path::to_path_buf).unwrap_or_else(|| history_path_for(request.state));
    let mut held = History::load(&history_path).map_err(|d| vec![d])?;
    let (paths, mut problems) = files(request.sources);
    let total = paths.len();
    let (new, file_problems) = import_files(&paths, zone, &mut |i, p| progress(i, total, p));
    problems.extend(file_problems);
    let changes = held.merge(&new);
    let mut written = false;
    if !request.dry_run && !changes.is_empty() {
        crate::format::write_atomically(&history_path, &held.to_yaml()).map_err(|d| vec![d])?;
        written = true;
    }
    Ok(Outcome { history_path, files: total, changes, problems, written })
}
