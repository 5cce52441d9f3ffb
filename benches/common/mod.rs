//! What more than one bench builds: the `evaluate/30_rules` program's text.

/// Ten conditions a recovery protocol asks, each at three thresholds.
pub fn thirty_rules() -> String {
    let conditions = [
        ("since_session <= {}min", ["30", "60", "90"]),
        ("last_session.kind in [long_run, race, marathon] and since_session < {}h", ["2", "6", "24"]),
        ("fluid_lost > {} L", ["0.2", "0.5", "1"]),
        ("sleep.last_night < {}h", ["6", "7", "8"]),
        ("hrv_days_below >= {}", ["1", "3", "5"]),
        ("rhr_elevation >= {} bpm", ["2", "4", "6"]),
        ("training.weeks_since_recovery_week >= {}", ["2", "3", "4"]),
        ("symptoms.soreness >= {} and not symptoms.acute_injury", ["3", "5", "7"]),
        ("days_since_marathon between {}d and 42d", ["0", "7", "14"]),
        ("last_session_hard and until_next_session < {}h", ["24", "36", "48"]),
    ];
    let mut text = String::from("protocol bench \"Benchmark\" {\n");
    for (i, (condition, thresholds)) in conditions.iter().enumerate() {
        for (j, t) in thresholds.iter().enumerate() {
            let when = condition.replace("{}", t);
            text.push_str(&format!(
                "  rule r{i}_{j} {{\n    when {when}\n    advise \"Advice {i}.{j}: drink {{fluid_to_drink}}.\"\n    because \"Reason {i}.{j}.\"\n    priority medium\n    timing today\n  }}\n"
            ));
        }
    }
    text.push_str("}\n");
    text
}
