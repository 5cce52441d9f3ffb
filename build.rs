//! Embeds the shipped protocols (`protocols/*.rules`) in the binary, so that
//! `recoup evaluate` works from any folder after `cargo install`, and
//! compiles them once here, at build time, into `shipped.program`: the
//! checked program serialized with postcard. `engine::load` reads that blob
//! instead of parsing and checking the shipped files on every start.
//!
//! The build script cannot depend on the crate it builds, so it compiles the
//! front end's own source files as its modules (`#[path]` below): the parser,
//! the checker and what they use. They are the same files, so the blob is
//! exactly what `engine::compile` would give at run time; a test
//! (`engine::tests`) holds the two equal.
#![allow(dead_code, unused_imports, unused_macros, unreachable_pub)]
// The included files are checked as the library; lints that judge a public
// API see them here as private items.
#![allow(clippy::wrong_self_convention, clippy::new_without_default)]
// `rustfmt::skip`: these files are formatted as part of the library; from
// here rustfmt would look for their test modules in the wrong folder.

#[rustfmt::skip]
#[path = "src/ast.rs"]
mod ast;
#[rustfmt::skip]
#[path = "src/builtins.rs"]
mod builtins;
#[rustfmt::skip]
#[path = "src/check/mod.rs"]
mod check;
#[rustfmt::skip]
#[path = "src/decision.rs"]
mod decision;
#[rustfmt::skip]
#[path = "src/diagnostic.rs"]
mod diagnostic;
#[rustfmt::skip]
#[path = "src/fact_schema.rs"]
mod fact_schema;
#[rustfmt::skip]
#[path = "src/line_index.rs"]
mod line_index;
#[rustfmt::skip]
#[path = "src/parser.rs"]
mod parser;
#[rustfmt::skip]
#[path = "src/program.rs"]
mod program;
#[rustfmt::skip]
#[path = "src/scan.rs"]
mod scan;
#[rustfmt::skip]
#[path = "src/snippet.rs"]
mod snippet;
#[rustfmt::skip]
#[path = "src/terminal.rs"]
mod terminal;
#[rustfmt::skip]
#[path = "src/units.rs"]
mod units;
#[rustfmt::skip]
#[path = "src/value.rs"]
mod value;

/// What the front end reads of `src/engine.rs` (which also holds the
/// embedded files this script generates, so it cannot be included whole).
mod engine {
    pub const PRELUDE: &str = "prelude.rules";
}

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("protocols");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "rules")).collect()
        })
        .unwrap_or_default();
    files.sort();
    let mut out = String::from(
        "/// The shipped rule files: (name, text), sorted by name.\npub const EMBEDDED: &[(&str, &str)] = &[\n",
    );
    let mut sources = Vec::new();
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let _ = writeln!(out, "    ({name:?}, include_str!({:?})),", path.display().to_string());
        sources.push((name.to_string(), std::fs::read_to_string(path).unwrap_or_default()));
    }
    out.push_str("];\n");
    let out_dir = std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into());
    let target = Path::new(&out_dir).join("embedded.rs");
    if let Err(e) = std::fs::write(&target, out) {
        println!("cargo:warning=cannot write {}: {e}", target.display());
    }
    // An empty blob means "not compiled": the library then parses and
    // checks at run time, which reports whatever stopped it here.
    let blob = compile_shipped(&sources).unwrap_or_default();
    let target = Path::new(&out_dir).join("shipped.program");
    if let Err(e) = std::fs::write(&target, blob) {
        println!("cargo:warning=cannot write {}: {e}", target.display());
    }
}

/// Parse and check every shipped file as `engine::load` does for the default
/// selection, and serialize the program. `None` if any file does not check.
fn compile_shipped(sources: &[(String, String)]) -> Option<Vec<u8>> {
    let work = {
        let sources = sources.to_vec();
        move || {
            let mut inputs = Vec::new();
            for (name, text) in sources {
                let file = diagnostic::SourceFile::new(format!("<shipped>/{name}"), text);
                let ast = parser::parse_file(&file).ok()?;
                inputs.push(check::Input { file, ast, builtin: true });
            }
            let program = check::check(&inputs).ok()?;
            program::to_bytes(&program).ok()
        }
    };
    // The same large stack as `engine::on_large_stack`: parsing recurses.
    std::thread::Builder::new().stack_size(64 << 20).spawn(work).ok()?.join().ok()?
}
