//! Documentation generated from the code stays current: `docs/state.md` is
//! what `recoup facts` prints for the shipped prelude.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use recoup::engine::{self, Selection};

#[test]
fn state_reference_is_current() {
    let program = engine::load(&Selection::default()).expect("the shipped protocols load");
    let generated = recoup::reference::state_reference(&program);
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/state.md");
    let checked_in = std::fs::read_to_string(path).expect("docs/state.md exists");
    assert!(
        generated == checked_in,
        "docs/state.md is stale: run `cargo run -q -- facts > docs/state.md` and commit it"
    );
}

#[test]
fn state_reference_lists_every_fact() {
    let program = engine::load(&Selection::default()).expect("the shipped protocols load");
    let generated = recoup::reference::state_reference(&program);
    for fact in &program.facts {
        assert!(generated.contains(&format!("| `{}` |", fact.path)), "{} is not in the reference", fact.path);
    }
}
