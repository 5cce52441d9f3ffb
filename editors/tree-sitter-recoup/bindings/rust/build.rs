//! Compiles the generated parser (`src/parser.c`, from `grammar.js` by
//! `tree-sitter generate`).

fn main() {
    let src = std::path::Path::new("src");
    cc::Build::new().include(src).file(src.join("parser.c")).warnings(false).compile("tree-sitter-recoup");
    println!("cargo:rerun-if-changed=src/parser.c");
}
