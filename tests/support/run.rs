//! Running the real `recoup` binary from the repository's root, without
//! colour, for the CLI tests (each shapes the output its own way).

use std::process::{Command, Output};

/// `recoup ARGS` run from the repository root with `NO_COLOR=1`.
pub fn recoup_output(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_recoup"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}
