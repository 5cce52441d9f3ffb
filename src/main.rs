//! The `recoup` command line. Everything it does is in the library's `cli`
//! module (`src/cli.rs`), so this file is the one call.

fn main() -> std::process::ExitCode {
    recoup::cli::run()
}
