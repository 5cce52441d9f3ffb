//! `recoup evaluate`: advice for one athlete or a squad, and `--batch`
//! for many states as JSON Lines.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};

use super::args::{Format, ProtocolArgs};
use super::inputs::{clock, load_program, state_files};
use super::output::report_errors;
use crate::diagnostic::Diagnostic;
use crate::{batch, eval, files, import, render, state};

pub(super) fn evaluate(
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

pub(super) fn batch_command(
    source: &Path,
    jobs: Option<usize>,
    now: Option<DateTime<FixedOffset>>,
    args: &ProtocolArgs,
) -> u8 {
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
    // Output is written a block of lines at a time (far more than 8 KiB);
    // input is read in large pieces, not a line's worth of system calls.
    let mut out = std::io::BufWriter::with_capacity(batch::OUT_BUFFER, std::io::stdout().lock());
    let result = if source == Path::new("-") {
        let input = std::io::BufReader::with_capacity(batch::IO_BUFFER, std::io::stdin().lock());
        batch::run_lines(&program, input, &mut out, options, progress)
    } else if source.is_dir() {
        batch::run_dir(&program, source, &mut out, options, progress)
    } else {
        // A JSON Lines file is read a line at a time (each line bounded), so
        // it has no size limit; but it must be a regular file: standard
        // input is `-`, not a pipe or a device.
        match files::open_regular(source) {
            Ok(f) => {
                let input = std::io::BufReader::with_capacity(batch::IO_BUFFER, f);
                batch::run_lines(&program, input, &mut out, options, progress)
            }
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
