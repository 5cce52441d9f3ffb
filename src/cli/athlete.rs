//! The commands on an athlete's files: `recoup import` (into the history
//! file), `recoup init` (a starting state file), and the state format's
//! `recoup schema` and `recoup facts`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use super::args::ProtocolArgs;
use super::inputs::{clock, load_program};
use super::output::{report_errors, shown};
use crate::diagnostic::Diagnostic;
use crate::{format, import};

pub(super) fn import_command(request: &import::Request<'_>) -> u8 {
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
            let _ = std::io::stdout().lock().write_all(crate::terminal::text(&text).as_bytes());
            u8::from(!outcome.problems.is_empty())
        }
        Err(errors) => {
            report_errors(&errors);
            2
        }
    }
}

pub(super) fn schema_command(history: bool, args: &ProtocolArgs) -> u8 {
    let schema = if history {
        crate::schema::history_schema()
    } else {
        match load_program(args) {
            Ok(p) => crate::schema::state_schema(&p),
            Err(code) => return code,
        }
    };
    let text = serde_json::to_string_pretty(&schema).unwrap_or_default() + "\n";
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    0
}

pub(super) fn init_command(name: &str, output: Option<PathBuf>, args: &ProtocolArgs) -> u8 {
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
    let text = crate::init::starting_state(&program, name, clock());
    if let Err(d) = format::write_atomically(&path, &text) {
        report_errors(&[d]);
        return 2;
    }
    let _ = writeln!(std::io::stdout(), "wrote {}", shown(&path));
    0
}

pub(super) fn facts_command(args: &ProtocolArgs) -> u8 {
    match load_program(args) {
        Ok(program) => {
            let _ = std::io::stdout().lock().write_all(crate::reference::state_reference(&program).as_bytes());
            0
        }
        Err(code) => code,
    }
}
