//! The command line's arguments: every command, its flags and their help
//! text (clap derives the parser and `--help` from these).

use std::path::PathBuf;

use chrono::{DateTime, FixedOffset};
use clap::{Parser, Subcommand, ValueEnum};

use crate::engine::Selection;

/// Recovery advice for runners, from protocols coaches can read and edit.
#[derive(Parser, Debug)]
#[command(name = "recoup", version, about, long_about = None)]
pub(super) struct Cli {
    #[command(subcommand)]
    pub(super) command: Command,
}

#[derive(clap::Args, Debug, Clone)]
pub(super) struct ProtocolArgs {
    /// Add a folder (or file) of your own rule files. A rule with the same id
    /// as a shipped one replaces it. May be given more than once.
    #[arg(long = "protocols", value_name = "DIR")]
    pub(super) protocols: Vec<PathBuf>,
    /// Leave the shipped protocols out (the fact declarations still load).
    #[arg(long)]
    pub(super) no_builtin: bool,
    /// Leave the prelude out too: only your own rule files, which declare
    /// their own facts (implies --no-builtin).
    #[arg(long)]
    pub(super) no_prelude: bool,
}

impl ProtocolArgs {
    pub(super) fn selection(&self) -> Selection {
        Selection { no_builtin: self.no_builtin, paths: self.protocols.clone() }
    }
}

#[derive(Subcommand, Debug)]
pub(super) enum Command {
    /// One self-contained HTML page for an athlete or a squad: today's advice
    /// in the athlete's words and the trends behind it (HRV, resting heart
    /// rate, weekly volume, sleep).
    Report {
        /// State files, or folders of them.
        #[arg(required = true, value_name = "STATE")]
        inputs: Vec<PathBuf>,
        /// Where to write the page; `-` prints it.
        #[arg(short, long, value_name = "FILE", default_value = "report.html")]
        output: PathBuf,
        /// Evaluate at this time instead of each state's `now` (RFC 3339).
        #[arg(long, value_parser = parse_now)]
        now: Option<DateTime<FixedOffset>>,
        /// Write the page again whenever a state or rule file changes (until
        /// interrupted).
        #[arg(long)]
        watch: bool,
        #[command(flatten)]
        protocols: ProtocolArgs,
    },
    /// Advice for one athlete or a squad: what to do now, in the next 24
    /// hours and this week, with reasons.
    Evaluate {
        /// State files (YAML), or folders of them.
        #[arg(required_unless_present = "batch", value_name = "STATE")]
        inputs: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Who reads it: the coach (advice, why, reasons, rule ids, what was
        /// not known) or the athlete (what to do and why, in plain words).
        #[arg(long, value_enum, default_value_t = Reader::Coach)]
        audience: Reader,
        /// Evaluate at this time instead of the state's `now` (RFC 3339,
        /// e.g. 2026-11-28T08:15:00+01:00).
        #[arg(long, value_parser = parse_now)]
        now: Option<DateTime<FixedOffset>>,
        /// The athlete's imported history (default: NAME.history.yaml beside
        /// NAME.yaml, when there is one). Only with a single state file.
        #[arg(long, value_name = "FILE")]
        history: Option<PathBuf>,
        /// Many states: a JSON Lines file (`-` for stdin) or a folder of state
        /// files; one JSON line out per state, in input order. Exit 1 if any
        /// state was rejected.
        #[arg(long, value_name = "JSONL|-|DIR", conflicts_with_all = ["inputs", "format"])]
        batch: Option<PathBuf>,
        /// Worker threads for `--batch` (default: every core).
        #[arg(long, value_name = "N", requires = "batch")]
        jobs: Option<usize>,
        #[command(flatten)]
        protocols: ProtocolArgs,
    },
    /// Bring an athlete's data in: FIT files, intervals.icu and HRV4Training
    /// CSV exports, or folders of them, into the athlete's history file
    /// (NAME.history.yaml beside NAME.yaml). The coach's state file is never
    /// written. Exit 0 all imported, 1 something was skipped, 2 could not
    /// run.
    Import {
        /// The athlete's state file: its `athlete.timezone` dates the
        /// readings. It is read, never written.
        state: PathBuf,
        /// FIT files, CSV exports, or folders of them.
        #[arg(required = true, value_name = "SOURCE")]
        sources: Vec<PathBuf>,
        /// Write the history here instead of beside the state file.
        #[arg(long, value_name = "FILE")]
        history: Option<PathBuf>,
        /// The athlete's time zone (IANA, e.g. Europe/Paris), instead of
        /// the state's `athlete.timezone`; without either, UTC.
        #[arg(long, value_name = "ZONE")]
        timezone: Option<String>,
        /// Show what would change; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Print a JSON Schema of the state file, generated from the fact
    /// declarations (your own included with --protocols), for an editor's
    /// YAML language server; --history prints the history file's.
    Schema {
        /// The schema of the history file `recoup import` writes.
        #[arg(long)]
        history: bool,
        #[command(flatten)]
        protocols: ProtocolArgs,
    },
    /// Write NAME.yaml, a commented starting state file for a new athlete:
    /// every field, grouped, with its unit and allowed values; optional ones
    /// commented out. An existing file is never overwritten.
    Init {
        /// The athlete's name; the file is NAME.yaml (lowercase, spaces as
        /// dashes) unless --output says otherwise.
        name: String,
        /// Where to write the file.
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
        #[command(flatten)]
        protocols: ProtocolArgs,
    },
    /// For each rule (or one): fired, not fired and why, unknown and which
    /// fact was missing, or suppressed and by whom.
    Explain {
        /// A state file (YAML).
        state: PathBuf,
        /// Only this rule, as `protocol.rule`.
        rule: Option<String>,
        #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
        format: ExplainFormat,
        /// How many days ahead to look for when each rule would fire if
        /// nothing but time changed.
        #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u32).range(1..=366))]
        days: u32,
        #[arg(long, value_parser = parse_now)]
        now: Option<DateTime<FixedOffset>>,
        /// The athlete's imported history (default: NAME.history.yaml beside
        /// NAME.yaml, when there is one).
        #[arg(long, value_name = "FILE")]
        history: Option<PathBuf>,
        #[command(flatten)]
        protocols: ProtocolArgs,
    },
    /// What happens over the next days if nothing changes: the state is
    /// evaluated as time passes (the session aging, nothing else changing)
    /// and each moment some advice starts or stops is listed.
    Timeline {
        /// A state file (YAML).
        state: PathBuf,
        /// How many days to look ahead.
        #[arg(long, default_value_t = 14, value_parser = clap::value_parser!(u32).range(1..=366))]
        days: u32,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Start at this time instead of the state's `now` (RFC 3339).
        #[arg(long, value_parser = parse_now)]
        now: Option<DateTime<FixedOffset>>,
        /// The athlete's imported history (default: NAME.history.yaml beside
        /// NAME.yaml, when there is one).
        #[arg(long, value_name = "FILE")]
        history: Option<PathBuf>,
        #[command(flatten)]
        protocols: ProtocolArgs,
    },
    /// Check rule files: every problem, with stable codes. Exit 0 clean,
    /// 1 problems found, 2 could not run.
    Lint {
        /// Rule files or folders (default: ./protocols).
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = LintFormat::Human)]
        format: LintFormat,
        /// Print what a lint finds, why it matters, an example and the fix,
        /// and exit. Without a code: list every lint.
        #[arg(long, value_name = "CODE", num_args = 0..=1, default_missing_value = "")]
        explain: Option<String>,
        /// After each finding, print its example as a ready-to-paste
        /// state.yaml (human format; JSON always carries it).
        #[arg(long)]
        example: bool,
        #[command(flatten)]
        levels: LintLevels,
    },
    /// Rewrite rule files in the one canonical layout, comments kept. A file
    /// that does not parse is reported and left as it is. Exit 0 done (or,
    /// with --check, nothing to change), 1 files would change, 2 could not
    /// run.
    Fmt {
        /// Rule files or folders (default: ./protocols).
        paths: Vec<PathBuf>,
        /// Change nothing; list the files that are not formatted.
        #[arg(long)]
        check: bool,
    },
    /// The state file's field reference, from the fact declarations (the
    /// prelude and your own `facts` blocks), as Markdown. `docs/state.md` is
    /// this output for the shipped prelude.
    Facts {
        #[command(flatten)]
        protocols: ProtocolArgs,
    },
    /// Serve an editor: a language server over stdin and stdout
    /// (diagnostics as you type, hover, go to definition, references,
    /// completion, formatting, quick fixes).
    Lsp {
        /// Accepted for editors that pass it; stdio is the only transport.
        #[arg(long, hide = true)]
        stdio: bool,
    },
    /// Run protocol test cases: a state, and the rules that must fire, must
    /// not fire or must be unknown. Exit 0 all pass, 1 a case failed, 2
    /// could not run.
    Test {
        /// Folders or files of test cases (default: ./protocols/tests).
        paths: Vec<PathBuf>,
        /// Also report, for each rule of the protocols under test, each
        /// condition of its `when` and `unless` and in how many cases it was
        /// true, false and unknown.
        #[arg(long)]
        coverage: bool,
        #[arg(long, value_enum, default_value = "text")]
        format: TestFormat,
        #[command(flatten)]
        protocols: ProtocolArgs,
    },
}

#[derive(Copy, Clone, Debug, ValueEnum, PartialEq)]
pub(super) enum TestFormat {
    Text,
    Json,
}

#[derive(Copy, Clone, Debug, ValueEnum, PartialEq)]
pub(super) enum Format {
    Text,
    Json,
    Markdown,
}

#[derive(Copy, Clone, Debug, ValueEnum, PartialEq)]
pub(super) enum Reader {
    Coach,
    Athlete,
}

#[derive(Copy, Clone, Debug, ValueEnum, PartialEq)]
pub(super) enum ExplainFormat {
    Text,
    Json,
}

/// Which lints run and how severe they are. CODE is a lint code
/// (`lint::overlap`), a prefix (`lint::unused`) or `ALL`; the most specific
/// wins.
#[derive(clap::Args, Debug, Clone)]
pub(super) struct LintLevels {
    /// Report these as errors (exit 1).
    #[arg(long, value_name = "CODE")]
    pub(super) deny: Vec<String>,
    /// Report these as warnings.
    #[arg(long, value_name = "CODE")]
    pub(super) warn: Vec<String>,
    /// Do not report these.
    #[arg(long, value_name = "CODE")]
    pub(super) allow: Vec<String>,
    /// Run only these lints.
    #[arg(long, value_name = "CODE", value_delimiter = ',')]
    pub(super) select: Vec<String>,
    /// Do not run these lints.
    #[arg(long, value_name = "CODE", value_delimiter = ',')]
    pub(super) ignore: Vec<String>,
}

#[derive(Copy, Clone, Debug, ValueEnum, PartialEq)]
pub(super) enum LintFormat {
    Human,
    Json,
    Github,
    Sarif,
}

pub(super) fn parse_now(text: &str) -> Result<DateTime<FixedOffset>, String> {
    DateTime::parse_from_rfc3339(text).map_err(|e| format!("{e}; write e.g. 2026-11-28T08:15:00+01:00"))
}
