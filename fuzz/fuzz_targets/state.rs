//! The state loader (YAML and JSON text, and JSON values) with every shipped
//! protocol; a state that loads is evaluated and its report rendered.
#![no_main]

use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let program = common::shipped();
    let mut states = vec![program.state_from_text("state.yaml", text)];
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(text) {
        states.push(program.state_from_json(&value));
    }
    for loaded in states {
        match loaded {
            Ok(state) => {
                let report = program.evaluate(&state).report();
                let size = report.to_text().len()
                    + report.to_markdown().len()
                    + serde_json::to_string(&report).map_or(0, |s| s.len());
                common::assert_bounded(size, text.len(), "report");
            }
            Err(diagnostics) => common::assert_no_internal(&diagnostics),
        }
    }
});
