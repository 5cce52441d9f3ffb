//! The `recoup` command line: parses arguments and calls the library.

// Library and command-line code never panics on input: no `unwrap`,
// `expect`, `panic!` or indexing that can go out of bounds. Tests are exempt
// (clippy.toml); integration tests and benches keep the crate-wide warning.
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{DateTime, FixedOffset};
use clap::{Parser, Subcommand, ValueEnum};

use recoup::diagnostic::{suggest, Diagnostic};
use recoup::engine::{self, Selection};
use recoup::program::Program;
use recoup::{batch, eval, files, format, import, lint, protocol_test, render, state};

/// Recovery advice for runners, from protocols coaches can read and edit.
#[derive(Parser, Debug)]
#[command(name = "recoup", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args, Debug, Clone)]
struct ProtocolArgs {
    /// Add a folder (or file) of your own rule files. A rule with the same id
    /// as a shipped one replaces it. May be given more than once.
    #[arg(long = "protocols", value_name = "DIR")]
    protocols: Vec<PathBuf>,
    /// Leave the shipped protocols out (the fact declarations still load).
    #[arg(long)]
    no_builtin: bool,
    /// Leave the prelude out too: only your own rule files, which declare
    /// their own facts (implies --no-builtin).
    #[arg(long)]
    no_prelude: bool,
}

impl ProtocolArgs {
    fn selection(&self) -> Selection {
        Selection { no_builtin: self.no_builtin, paths: self.protocols.clone() }
    }
}

#[derive(Subcommand, Debug)]
enum Command {
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
enum TestFormat {
    Text,
    Json,
}

#[derive(Copy, Clone, Debug, ValueEnum, PartialEq)]
enum Format {
    Text,
    Json,
    Markdown,
}

#[derive(Copy, Clone, Debug, ValueEnum, PartialEq)]
enum Reader {
    Coach,
    Athlete,
}

#[derive(Copy, Clone, Debug, ValueEnum, PartialEq)]
enum ExplainFormat {
    Text,
    Json,
}

/// Which lints run and how severe they are. CODE is a lint code
/// (`lint::overlap`), a prefix (`lint::unused`) or `ALL`; the most specific
/// wins.
#[derive(clap::Args, Debug, Clone)]
struct LintLevels {
    /// Report these as errors (exit 1).
    #[arg(long, value_name = "CODE")]
    deny: Vec<String>,
    /// Report these as warnings.
    #[arg(long, value_name = "CODE")]
    warn: Vec<String>,
    /// Do not report these.
    #[arg(long, value_name = "CODE")]
    allow: Vec<String>,
    /// Run only these lints.
    #[arg(long, value_name = "CODE", value_delimiter = ',')]
    select: Vec<String>,
    /// Do not run these lints.
    #[arg(long, value_name = "CODE", value_delimiter = ',')]
    ignore: Vec<String>,
}

#[derive(Copy, Clone, Debug, ValueEnum, PartialEq)]
enum LintFormat {
    Human,
    Json,
    Github,
    Sarif,
}

fn parse_now(text: &str) -> Result<DateTime<FixedOffset>, String> {
    DateTime::parse_from_rfc3339(text).map_err(|e| format!("{e}; write e.g. 2026-11-28T08:15:00+01:00"))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Evaluate { batch: Some(source), jobs, now, protocols, .. } => {
            batch_command(&source, jobs, now, &protocols)
        }
        Command::Evaluate { inputs, format, audience, now, history, protocols, .. } => {
            let audience = match audience {
                Reader::Coach => render::Audience::Coach,
                Reader::Athlete => render::Audience::Athlete,
            };
            evaluate(&inputs, format, audience, now, history.as_deref(), &protocols)
        }
        Command::Import { state, sources, history, timezone, dry_run } => {
            let request = import::Request {
                state: &state,
                sources: &sources,
                history: history.as_deref(),
                timezone: timezone.as_deref(),
                dry_run,
            };
            import_command(&request)
        }
        Command::Schema { history, protocols } => schema_command(history, &protocols),
        Command::Init { name, output, protocols } => init_command(&name, output, &protocols),
        Command::Explain { state, rule, format, days, now, history, protocols } => {
            explain(&state, rule.as_deref(), format, days, now, history.as_deref(), &protocols)
        }
        Command::Timeline { state, days, format, now, history, protocols } => {
            timeline_command(&state, days, format, now, history.as_deref(), &protocols)
        }
        Command::Report { inputs, output, now, watch, protocols } => {
            report_command(&inputs, &output, now, watch, &protocols)
        }
        Command::Lint { paths, format, explain, example, levels } => {
            lint_command(paths, format, explain, example, levels)
        }
        Command::Test { paths, coverage, format, protocols } => {
            test_command(paths, coverage, format == TestFormat::Json, &protocols)
        }
        Command::Fmt { paths, check } => fmt_command(paths, check),
        Command::Facts { protocols } => match load_program(&protocols) {
            Ok(program) => {
                let _ = std::io::stdout().lock().write_all(recoup::reference::state_reference(&program).as_bytes());
                0
            }
            Err(code) => code,
        },
        Command::Lsp { .. } => recoup::lsp::run().map_or_else(
            |e| {
                report_errors(&[e]);
                2
            },
            |()| 0,
        ),
    };
    ExitCode::from(code)
}

/// A path as printed: control characters in a file name escaped.
fn shown(path: &Path) -> String {
    recoup::terminal::line(&path.display().to_string()).into_owned()
}

/// Colour on a terminal, unless `NO_COLOR` is set (no-color.org).
fn use_color(terminal: bool) -> bool {
    terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// What a walk of `paths` skipped on purpose (a pipe named `x.rules`), to
/// stderr; what it could not read is reported by whatever reads the files.
fn report_notes(paths: &[PathBuf], wanted: &files::Wanted) {
    for path in paths {
        let notes: Vec<Diagnostic> = files::walk(path, wanted).problems.into_iter().filter(|d| !d.is_error()).collect();
        report_errors(&notes);
    }
}

/// Print diagnostics to stderr: in colour on a terminal, plain otherwise;
/// identical ones collapsed and at most `cap::MAX_PER_FILE` per file.
fn report_errors(diagnostics: &[Diagnostic]) {
    let color = use_color(std::io::stderr().is_terminal());
    let mut err = std::io::stderr().lock();
    for d in recoup::cap::diagnostics(diagnostics.to_vec()) {
        let _ = write!(err, "{}", d.render(color));
    }
}

fn load_program(args: &ProtocolArgs) -> Result<Program, u8> {
    report_notes(&args.protocols, &files::RULE_FILES);
    let loaded = if args.no_prelude {
        args.protocols.iter().fold(recoup::Compiler::new().without_prelude(), |c, p| c.path(p)).compile()
    } else {
        engine::load(&args.selection())
    };
    loaded.map_err(|errors| {
        report_errors(&errors);
        2
    })
}

fn clock() -> DateTime<FixedOffset> {
    chrono::Local::now().fixed_offset()
}

/// State files named directly, or the `.yaml`/`.yml`/`.json` files of a
/// folder (see `recoup::files::walk` for the policy); what could not be read
/// is an `Err` in its place, and notes (a pipe skipped) go to stderr.
fn state_files(inputs: &[PathBuf]) -> Vec<Result<PathBuf, Diagnostic>> {
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
        let states: Vec<PathBuf> = found.files.into_iter().filter(|p| !import::is_history_file(p)).collect();
        if states.is_empty() && errors.is_empty() {
            out.push(Err(Diagnostic::error("cli::no-input", format!("`{}` holds no state files", input.display()))
                .help("state files end in .yaml, .yml or .json")));
        }
        out.extend(errors.into_iter().map(Err));
        out.extend(states.into_iter().map(Ok));
    }
    out
}

fn evaluate(
    inputs: &[PathBuf],
    format: Format,
    audience: render::Audience,
    now: Option<DateTime<FixedOffset>>,
    history: Option<&Path>,
    args: &ProtocolArgs,
) -> u8 {
    if history.is_some() && (inputs.len() > 1 || inputs.iter().any(|p| p.is_dir())) {
        report_errors(&[Diagnostic::error(
            "cli::no-input",
            "`--history` names one athlete's history, but several states were given",
        )
        .help("leave `--history` out: each state's history is found beside it as NAME.history.yaml")]);
        return 2;
    }
    let program = match load_program(args) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let now_source = state::NowSource { override_now: now, fallback: Some(clock()) };
    let mut entries: Vec<render::squad::Entry> = Vec::new();
    for file in state_files(inputs) {
        let path = match file {
            Ok(p) => p,
            Err(d) => {
                report_errors(std::slice::from_ref(&d));
                let rejection = render::squad::Rejection::first(std::slice::from_ref(&d));
                entries.push(render::squad::Entry { file: String::new(), result: Err(rejection) });
                continue;
            }
        };
        let file = path.display().to_string();
        let result = match import::load_state(&program, &path, history, now_source) {
            Ok(st) => {
                let outcome = eval::evaluate(&program, &st.facts);
                Ok(render::report(&program, &outcome, st.athlete_name(&program)))
            }
            Err(errors) => {
                report_errors(&errors);
                Err(render::squad::Rejection::first(&errors))
            }
        };
        entries.push(render::squad::Entry { file, result });
    }
    let failed = entries.iter().any(|e| e.result.is_err());
    // One state file named on its own gets its report alone; several, or a
    // folder, get the squad view.
    let single = inputs.len() == 1 && !inputs.iter().any(|p| p.is_dir());
    let out = match (single, entries.first()) {
        (true, Some(render::squad::Entry { result: Ok(report), .. })) => match format {
            Format::Json => serde_json::to_string_pretty(report).unwrap_or_default() + "\n",
            Format::Text => report.render(false, audience),
            Format::Markdown => report.render(true, audience),
        },
        (true, Some(render::squad::Entry { result: Err(rejection), file })) => match format {
            Format::Json => render::squad::rejection_json(file, rejection),
            // The diagnostics on stderr say it all.
            Format::Text | Format::Markdown => String::new(),
        },
        _ => match format {
            Format::Json => render::squad::squad_json(&entries),
            Format::Text => render::squad::squad_text(&entries, false, audience),
            Format::Markdown => render::squad::squad_text(&entries, true, audience),
        },
    };
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    if failed {
        2
    } else {
        0
    }
}

fn batch_command(source: &Path, jobs: Option<usize>, now: Option<DateTime<FixedOffset>>, args: &ProtocolArgs) -> u8 {
    let program = match load_program(args) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let options = batch::Options {
        jobs: jobs.unwrap_or_else(batch::default_jobs).max(1),
        now: state::NowSource { override_now: now, fallback: Some(clock()) },
    };
    // A count on stderr while it runs, only for a person watching.
    let terminal = std::io::stderr().is_terminal();
    let progress = |s: &batch::Summary| {
        if terminal {
            eprint!("\r{} states, {} rejected", s.states, s.rejected);
        }
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let result = if source == Path::new("-") {
        batch::run_lines(&program, std::io::stdin().lock(), &mut out, options, progress)
    } else if source.is_dir() {
        batch::run_dir(&program, source, &mut out, options, progress)
    } else {
        // A JSON Lines file is read a line at a time (each line bounded), so
        // it has no size limit; but it must be a regular file: standard
        // input is `-`, not a pipe or a device.
        match files::open_regular(source) {
            Ok(f) => batch::run_lines(&program, std::io::BufReader::new(f), &mut out, options, progress),
            Err(d) => {
                report_errors(&[d]);
                return 2;
            }
        }
    };
    if terminal {
        eprintln!();
    }
    match result {
        Ok(summary) if summary.rejected > 0 => 1,
        Ok(_) => 0,
        Err(e) => {
            report_errors(&[Diagnostic::error(
                "recoup::io",
                format!("cannot read `{}`: {}", source.display(), e.to_string().to_lowercase()),
            )
            .help("check the path and that the file is readable")]);
            2
        }
    }
}

fn explain(
    path: &Path,
    rule: Option<&str>,
    format: ExplainFormat,
    days: u32,
    now: Option<DateTime<FixedOffset>>,
    history: Option<&Path>,
    args: &ProtocolArgs,
) -> u8 {
    let program = match load_program(args) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let only = match rule {
        None => None,
        Some(id) => match program.rule_index(id) {
            Some(i) => Some(i),
            None => {
                let help = suggest(id, program.rules.iter().map(|r| r.id.as_str()))
                    .unwrap_or_else(|| "name a rule as `protocol.rule`; `recoup explain STATE` lists them all".into());
                report_errors(&[Diagnostic::error("cli::no-input", format!("unknown rule `{id}`")).help(help)]);
                return 2;
            }
        },
    };
    let st = match load_athlete(&program, path, history, now) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let outcome = eval::evaluate_traced(&program, &st.facts);
    let scan = recoup::timeline::scan(&program, &st.facts, days);
    let explain = render::Explain {
        program: &program,
        facts: &st.facts,
        outcome: &outcome,
        scan: scan.as_ref().map(|s| (s, days)),
    };
    let explanations = render::explain(&explain, only);
    let out = match format {
        ExplainFormat::Text => render::explanations_to_text(&explanations),
        ExplainFormat::Json => serde_json::to_string_pretty(&explanations).unwrap_or_default() + "\n",
    };
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    0
}

fn timeline_command(
    path: &Path,
    days: u32,
    format: Format,
    now: Option<DateTime<FixedOffset>>,
    history: Option<&Path>,
    args: &ProtocolArgs,
) -> u8 {
    let program = match load_program(args) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let st = match load_athlete(&program, path, history, now) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let Some(scan) = recoup::timeline::scan(&program, &st.facts, days) else {
        report_errors(&[Diagnostic::error("recoup::internal", "the state has no `now` to start from")
            .help("give `now` in the state file or pass `--now`")]);
        return 2;
    };
    let report = render::timeline(&program, &scan, st.athlete_name(&program), days);
    let out = match format {
        Format::Text => report.to_text(),
        Format::Markdown => report.to_markdown(),
        Format::Json => serde_json::to_string_pretty(&report).unwrap_or_default() + "\n",
    };
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    0
}

/// One athlete's state with its history, `--now` winning over the file and
/// the clock used when neither gives a time; errors are printed.
fn load_athlete(
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

fn default_dir(paths: Vec<PathBuf>, dir: &str) -> Result<Vec<PathBuf>, u8> {
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

fn lint_command(
    paths: Vec<PathBuf>,
    format: LintFormat,
    explain: Option<String>,
    example: bool,
    levels: LintLevels,
) -> u8 {
    if let Some(code) = explain {
        return explain_lint(&code);
    }
    let config = lint::Config {
        select: levels.select,
        ignore: levels.ignore,
        deny: levels.deny,
        warn: levels.warn,
        allow: levels.allow,
    };
    if let Err(errors) = config.validate() {
        report_errors(&errors);
        return 2;
    }
    let paths = match default_dir(paths, "protocols") {
        Ok(p) => p,
        Err(code) => return code,
    };
    let findings = match lint::run(&paths, &config) {
        Ok(f) => f,
        Err(errors) => {
            report_errors(&errors);
            return 2;
        }
    };
    let out = match format {
        LintFormat::Human => render::lint::to_human(&findings, use_color(std::io::stdout().is_terminal()), example),
        LintFormat::Json => render::lint::to_json(&findings),
        LintFormat::Github => render::lint::to_github(&findings),
        LintFormat::Sarif => render::lint::to_sarif(&findings),
    };
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    u8::from(lint::has_errors(&findings))
}

fn explain_lint(code: &str) -> u8 {
    let out = if code.is_empty() {
        lint::LINTS.iter().map(|l| format!("{:<28} {:<8} {}\n", l.code, l.severity.name(), l.summary)).collect()
    } else {
        match lint::lookup(code).or_else(|| lint::lookup(&["lint", code].join("::"))) {
            Some(l) => l.explain(),
            None => {
                let help = suggest(code, lint::LINTS.iter().map(|l| l.code))
                    .unwrap_or_else(|| "`recoup lint --explain` lists every lint".into());
                report_errors(&[
                    Diagnostic::error("cli::unknown-lint", format!("`{code}` is not a lint code")).help(help)
                ]);
                return 2;
            }
        }
    };
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    0
}

fn test_command(paths: Vec<PathBuf>, coverage: bool, json: bool, args: &ProtocolArgs) -> u8 {
    let paths = match default_dir(paths, "protocols/tests") {
        Ok(p) => p,
        Err(code) => return code,
    };
    let program = match load_program(args) {
        Ok(p) => p,
        Err(code) => return code,
    };
    report_notes(&paths, &files::TEST_CASES);
    match protocol_test::run(&program, &paths) {
        Ok(results) => {
            // A case that could not run fails on its own; its diagnostics
            // come first, then every case's verdict.
            report_errors(&protocol_test::errors(&results));
            let coverage = coverage.then(|| protocol_test::coverage::coverage(&program, &results));
            let out = if json {
                protocol_test::to_json(&program, &results, coverage.as_ref())
            } else {
                protocol_test::to_report(&program, &results, coverage.as_ref())
            };
            let _ = std::io::stdout().lock().write_all(out.as_bytes());
            u8::from(results.iter().any(|r| !r.passed()))
        }
        Err(errors) => {
            report_errors(&errors);
            2
        }
    }
}

fn fmt_command(paths: Vec<PathBuf>, check: bool) -> u8 {
    let paths = match default_dir(paths, "protocols") {
        Ok(p) => p,
        Err(code) => return code,
    };
    let mut rule_files = Vec::new();
    for path in &paths {
        let found = engine::rule_files_found(path);
        report_errors(&found.problems);
        if found.errors().next().is_some() {
            return 2;
        }
        rule_files.extend(found.files);
    }
    let mut failed = false;
    let mut unformatted = Vec::new();
    for path in rule_files {
        let source = match files::read_text(&path, &files::RULES) {
            Ok(s) => s,
            Err(d) => {
                report_errors(&[d]);
                failed = true;
                continue;
            }
        };
        let formatted = match format::format(&source) {
            Ok(f) => f,
            Err(errors) => {
                report_errors(&errors);
                failed = true;
                continue;
            }
        };
        if formatted == *source.text {
            continue;
        }
        if check {
            let _ = writeln!(std::io::stdout(), "would reformat {}", shown(&path));
            unformatted.push(path);
        } else if let Err(d) = format::write_atomically(&path, &formatted) {
            report_errors(&[d]);
            failed = true;
        } else {
            let _ = writeln!(std::io::stdout(), "formatted {}", shown(&path));
        }
    }
    if failed {
        2
    } else {
        u8::from(check && !unformatted.is_empty())
    }
}

fn import_command(request: &import::Request<'_>) -> u8 {
    // A progress bar on a terminal; nothing when stderr is piped or a file.
    let bar =
        if std::io::stderr().is_terminal() { indicatif::ProgressBar::new(0) } else { indicatif::ProgressBar::hidden() };
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {wide_msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let outcome = import::run(request, &mut |i, total, path| {
        bar.set_length(total as u64);
        bar.set_position(i as u64);
        bar.set_message(shown(path));
    });
    bar.finish_and_clear();
    match outcome {
        Ok(outcome) => {
            report_errors(&outcome.problems);
            let text = outcome.to_text(request.dry_run);
            let _ = std::io::stdout().lock().write_all(recoup::terminal::text(&text).as_bytes());
            u8::from(!outcome.problems.is_empty())
        }
        Err(errors) => {
            report_errors(&errors);
            2
        }
    }
}

fn schema_command(history: bool, args: &ProtocolArgs) -> u8 {
    let schema = if history {
        recoup::schema::history_schema()
    } else {
        match load_program(args) {
            Ok(p) => recoup::schema::state_schema(&p),
            Err(code) => return code,
        }
    };
    let text = serde_json::to_string_pretty(&schema).unwrap_or_default() + "\n";
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    0
}

fn init_command(name: &str, output: Option<PathBuf>, args: &ProtocolArgs) -> u8 {
    let program = match load_program(args) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let path = output.unwrap_or_else(|| {
        let stem: String = name
            .trim()
            .to_lowercase()
            .chars()
            .map(|c| if c.is_alphanumeric() || c == '-' || c == '_' { c } else { '-' })
            .collect();
        PathBuf::from(format!("{}.yaml", if stem.is_empty() { "athlete" } else { &stem }))
    });
    if path.exists() {
        report_errors(&[Diagnostic::error(
            "cli::no-input",
            format!("`{}` already exists; it was left as it is", path.display()),
        )
        .help("name another file with --output, or edit the existing one")]);
        return 2;
    }
    let text = recoup::init::starting_state(&program, name, clock());
    if let Err(d) = format::write_atomically(&path, &text) {
        report_errors(&[d]);
        return 2;
    }
    let _ = writeln!(std::io::stdout(), "wrote {}", shown(&path));
    0
}

/// `recoup report`: evaluate, lay out, write atomically; with `--watch`,
/// again on every change to a state or rule file.
fn report_command(
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
        let (page, errors) = recoup::report::build(&program, state_files(inputs), now_source);
        report_errors(&errors);
        if output == Path::new("-") {
            let _ = std::io::stdout().lock().write_all(page.as_bytes());
        } else if let Err(e) = recoup::format::write_atomically(output, &page) {
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
