//! The `recoup` command line, compiled with the default `cli` feature:
//! [`run`] parses the arguments and calls the library. The `recoup` binary
//! (`src/main.rs`) is that one call; an application can make the same
//! call to offer recoup's commands under its own binary.
//!
//! Each file holds one group of commands; `args` declares them all, and
//! `inputs` and `output` hold what the commands share (loading the program
//! and the states, printing diagnostics).

use std::process::ExitCode;

use clap::Parser;

mod args;
mod athlete;
mod evaluate;
mod explain;
mod inputs;
mod output;
mod report;
mod rule_files;

use args::{Cli, Command, Reader, TestFormat};
use output::report_errors;

/// Run the `recoup` command line with the process's arguments, as the
/// `recoup` binary does, and return its exit status (0 done, 1 problems
/// found, 2 could not run; each command's help says which).
///
/// It parses `std::env::args_os()`, prints to stdout and stderr, and may
/// read stdin (`recoup lsp`, `recoup evaluate --batch -`); `--help` and a
/// wrong argument exit the process from inside, as clap does.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Evaluate { batch: Some(source), jobs, now, protocols, .. } => {
            evaluate::batch_command(&source, jobs, now, &protocols)
        }
        Command::Evaluate { inputs, format, audience, now, history, protocols, .. } => {
            let audience = match audience {
                Reader::Coach => crate::render::Audience::Coach,
                Reader::Athlete => crate::render::Audience::Athlete,
            };
            evaluate::evaluate(&inputs, format, audience, now, history.as_deref(), &protocols)
        }
        Command::Import { state, sources, history, timezone, dry_run } => {
            let request = crate::import::Request {
                state: &state,
                sources: &sources,
                history: history.as_deref(),
                timezone: timezone.as_deref(),
                dry_run,
            };
            athlete::import_command(&request)
        }
        Command::Schema { history, protocols } => athlete::schema_command(history, &protocols),
        Command::Init { name, output, protocols } => athlete::init_command(&name, output, &protocols),
        Command::Explain { state, rule, format, days, now, history, protocols } => {
            explain::explain(&state, rule.as_deref(), format, days, now, history.as_deref(), &protocols)
        }
        Command::Timeline { state, days, format, now, history, protocols } => {
            explain::timeline_command(&state, days, format, now, history.as_deref(), &protocols)
        }
        Command::Report { inputs, output, now, watch, protocols } => {
            report::report_command(&inputs, &output, now, watch, &protocols)
        }
        Command::Lint { paths, format, explain, example, levels } => {
            rule_files::lint_command(paths, format, explain, example, levels)
        }
        Command::Test { paths, coverage, format, protocols } => {
            rule_files::test_command(paths, coverage, format == TestFormat::Json, &protocols)
        }
        Command::Fmt { paths, check } => rule_files::fmt_command(paths, check),
        Command::Facts { protocols } => athlete::facts_command(&protocols),
        Command::Lsp { .. } => crate::lsp::run().map_or_else(
            |e| {
                report_errors(&[e]);
                2
            },
            |()| 0,
        ),
    };
    ExitCode::from(code)
}
