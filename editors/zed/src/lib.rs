//! Zed starts `recoup lsp` for rule files: the `recoup` binary on the
//! worktree's PATH (e.g. after `cargo install --path .`).

use zed_extension_api::{self as zed, LanguageServerId, Result};

struct Recoup;

impl zed::Extension for Recoup {
    fn new() -> Self {
        Recoup
    }

    fn language_server_command(
        &mut self,
        _language_server_id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<zed::Command> {
        let command = worktree
            .which("recoup")
            .ok_or_else(|| "`recoup` is not on PATH: install it with `cargo install --path .` in the recoup repository".to_string())?;
        Ok(zed::Command { command, args: vec!["lsp".into()], env: worktree.shell_env() })
    }
}

zed::register_extension!(Recoup);
