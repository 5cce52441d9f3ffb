//! The rule-file parser, checker and linter on arbitrary text, checked and
//! linted with the shipped protocols as `recoup lint FILE` does.
#![no_main]

use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let findings = common::lint(text);
    common::assert_no_internal(findings.iter().map(|f| &f.diagnostic));
});
