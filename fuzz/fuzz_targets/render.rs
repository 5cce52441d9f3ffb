//! The diagnostic renderer: every diagnostic arbitrary text gets, as a rule
//! file (linted with the shipped protocols) and as a state file, rendered through the same miette handler the
//! CLI uses, and the lint report in every output format; output is bounded
//! by the input's size.
#![no_main]

use libfuzzer_sys::fuzz_target;
use recoup::render::lint as report;

mod common;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let findings = common::lint(text);
    // Linted with the shipped protocols, which it reads too.
    let read = text.len() + common::shipped_bytes();
    // Each output on its own is bounded, as a user sees one of them.
    let plain: usize = findings.iter().map(|f| f.diagnostic.render(false).len()).sum();
    let color: usize = findings.iter().map(|f| f.diagnostic.render(true).len()).sum();
    common::assert_bounded(plain, read, "rule-file diagnostics");
    common::assert_bounded(color, read, "rule-file diagnostics in colour");
    common::assert_bounded(report::to_human(&findings, true, true).len(), read, "lint, human");
    common::assert_bounded(report::to_json(&findings).len(), read, "lint --format json");
    common::assert_bounded(report::to_github(&findings).len(), read, "lint --format github");
    common::assert_bounded(report::to_sarif(&findings).len(), read, "lint --format sarif");

    if let Err(diagnostics) = common::shipped().state_from_text("state.yaml", text) {
        let plain: usize = diagnostics.iter().map(|d| d.render(false).len()).sum();
        common::assert_bounded(plain, text.len(), "state diagnostics");
        common::render_all(&diagnostics);
    }
});
