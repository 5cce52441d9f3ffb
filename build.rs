//! Embeds the shipped protocols (`protocols/*.rules`) in the binary, so that
//! `recoup evaluate` works from any folder after `cargo install`, and
//! compiles them once here, at build time, into `shipped.program`: the
//! checked program serialized with postcard. `engine::load` reads that blob
//! instead of parsing and checking the shipped files on every start (see
//! `src/compiled.rs`).
//!
//! The build script cannot depend on the crate it builds, so it compiles the
//! front end's own source files as its modules (`#[path]` below): the parser,
//! the checker and what they use. They are the same files, so the blob is
//! exactly what `engine::compile` would give at run time; a test
//! (`compiled::tests`) holds the two equal.
#![allow(dead_code, unused_imports, unused_macros, unreachable_pub)]

#[path = "src/ast.rs"]
mod ast;
#[path = "src/builtins.rs"]
mod builtins;
#[path = "src/check/mod.rs"]
mod check;
#[path = "src/diagnostic.rs"]
mod diagnostic;
#[path = "src/parser.rs"]
mod parser;
#[path = "src/program.rs"]
mod program;
#[path = "src/scan.rs"]
mod scan;
#[path = "src/snippet.rs"]
mod snippet;
#[path = "src/terminal.rs"]
mod terminal;
#[path = "src/units.rs"]
mod units;
#[path = "src/value.rs"]
mod value;

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
