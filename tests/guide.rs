//! The shipped protocols read against the recovery guide: the words a
//! protocol test cannot see (which foods, which date, which signs), checked
//! in the advice the athlete reads.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use recoup::diagnostic::SourceFile;
use recoup::engine::{self, Selection};
use recoup::render::Recommendation;

/// The recommendations for a state, with the shipped protocols.
fn advise(state: &str) -> Vec<Recommendation> {
    let program = engine::load(&Selection { no_builtin: false, paths: Vec::new() })
        .unwrap_or_else(|e| panic!("{}", e.iter().map(|d| d.render_plain()).collect::<String>()));
    let file = SourceFile::new("state.yaml", state);
    let st = recoup::state::load(&program, &file, recoup::state::NowSource::default())
        .unwrap_or_else(|e| panic!("{}", e.iter().map(|d| d.render_plain()).collect::<String>()));
    let outcome = recoup::eval::evaluate(&program, &st.facts);
    recoup::render::report(&program, &outcome, None).recommendations
}

/// The advice of one rule, which must have been recommended.
fn advice_of(recs: &[Recommendation], rule: &str) -> String {
    recs.iter()
        .find(|r| r.rule == rule)
        .map(|r| format!("{} | {}", r.advice, r.because.clone().unwrap_or_default()))
        .unwrap_or_else(|| panic!("{rule} not recommended; got {:?}", recs.iter().map(|r| &r.rule).collect::<Vec<_>>()))
}

const INTERVALS_JUST_DONE: &str = "now: 2026-12-02T19:55:00+01:00\n\
     last_session: { kind: intervals, ended_at: 2026-12-02T19:45:00+01:00 }\n";

#[test]
fn refuel_foods_follow_the_diet() {
    let with_diet = |diet: &str| {
        advice_of(&advise(&format!("{INTERVALS_JUST_DONE}athlete: {{ diet: {diet} }}\n")), "nutrition.refuel_window")
    };
    let omnivore = with_diet("omnivore");
    assert!(omnivore.contains("chocolate milk") && omnivore.contains("chicken"), "{omnivore}");
    let vegetarian = with_diet("vegetarian");
    assert!(!vegetarian.contains("chicken") && vegetarian.contains("eggs or tofu"), "{vegetarian}");
    let plant = with_diet("plant_based");
    for animal in ["milk,", "chocolate milk", "Greek yogurt", "chicken", "honey", "eggs"] {
        assert!(!plant.contains(animal), "plant-based advice offers {animal}: {plant}");
    }
    assert!(plant.contains("soy"), "{plant}");
    // Unknown diet: the guide's own list.
    assert_eq!(advice_of(&advise(INTERVALS_JUST_DONE), "nutrition.refuel_window"), omnivore);
}

#[test]
fn refuel_says_aim_for_30_at_the_latest_60() {
    let early = advice_of(&advise(INTERVALS_JUST_DONE), "nutrition.refuel_window");
    assert!(early.starts_with("Eat within the next 20 min if you can, and at the latest within the hour"), "{early}");
    let late = advise(
        "now: 2026-12-02T20:25:00+01:00\nlast_session: { kind: intervals, ended_at: 2026-12-02T19:45:00+01:00 }\n",
    );
    let late = advice_of(&late, "nutrition.refuel_window_late");
    assert!(late.starts_with("Eat now, within the next 20 min at the latest"), "{late}");
}

#[test]
fn the_evening_after_a_hard_session_carries_tomorrows_prescription() {
    let athlete = "athlete: { max_hr: 190, marathon_pace: \"5:00/km\" }\n";
    let evening = advise(&format!(
        "now: 2026-11-28T20:30:00+01:00\n{athlete}last_session: {{ kind: intervals, ended_at: 2026-11-28T19:00:00+01:00 }}\n"
    ));
    let tomorrow = advice_of(&evening, "active_recovery.tomorrow_personal");
    assert!(tomorrow.starts_with("Make tomorrow an active-recovery day: 20–40 min"), "{tomorrow}");
    assert!(tomorrow.contains("below 133 bpm") && tomorrow.contains("6:30–7:00/km"), "{tomorrow}");
    // The morning after (under 12 h later): the same numbers, for today.
    let morning = advise(&format!(
        "now: 2026-11-29T06:30:00+01:00\n{athlete}last_session: {{ kind: intervals, ended_at: 2026-11-28T19:00:00+01:00 }}\n"
    ));
    let today = advice_of(&morning, "active_recovery.easy_run_personal");
    assert!(today.starts_with("Keep today's run to 20–40 min") && today.contains("below 133 bpm"), "{today}");
    assert!(!morning.iter().any(|r| r.advice.contains("tomorrow") && r.rule.starts_with("active_recovery")));
}

#[test]
fn an_unplanned_recovery_week_names_every_sign_present() {
    let state = "now: 2026-11-28T08:00:00+01:00\n\
         last_session: { kind: easy, ended_at: 2026-11-27T18:00:00+01:00 }\n\
         resting_hr: { baseline: 48, today: 53, days_elevated: 3 }\n\
         hrv: { baseline: 64, today: 58, trend: down, baseline_days: 40 }\n\
         symptoms: { easy_runs_feel_hard: true, low_motivation: true, heavy_legs: true, unexplained_slow_times: true }\n\
         training: { weekly_volume: [50, 60] }\n";
    let why = advice_of(&advise(state), "recovery_week.unplanned");
    assert!(
        why.contains(
            "as the warning signs show: resting heart rate 4+ bpm above baseline for 3 or more mornings in a row, \
             HRV trending down, easy runs feeling harder than they should at a low heart rate, \
             low motivation with heavy legs and slower times at efforts that used to give faster paces."
        ),
        "{why}"
    );
    // Only one sign: only that one is named; heavy legs alone is not a sign.
    let one = "now: 2026-11-28T08:00:00+01:00\n\
         last_session: { kind: easy, ended_at: 2026-11-27T18:00:00+01:00 }\n\
         symptoms: { unexplained_slow_times: true, heavy_legs: true }\n";
    let why = advice_of(&advise(one), "recovery_week.unplanned_no_volume");
    assert!(
        why.contains("as the warning signs show: slower times at efforts that used to give faster paces. Pressing"),
        "{why}"
    );
}

#[test]
fn tests_never_done_read_as_words_not_never() {
    let state = "now: 2026-11-28T08:00:00+01:00\n\
         athlete: { sex: female }\n\
         last_session: { kind: easy, ended_at: 2026-11-27T18:00:00+01:00 }\n\
         care: { last_ferritin_test: never, last_massage: never, last_threshold_test: never }\n";
    let recs = advise(state);
    for r in &recs {
        assert!(!r.advice.contains(": never"), "{}: {}", r.rule, r.advice);
    }
    let ferritin = advice_of(&recs, "nutrition.ferritin_due_at_risk");
    assert!(ferritin.starts_with("Book a ferritin blood test (you have not had one yet)"), "{ferritin}");
    let massage = advice_of(&recs, "foam_rolling.massage_monthly");
    assert!(massage.contains("(you have not had one yet)"), "{massage}");
}

#[test]
fn a_heat_bath_is_shown_in_the_athletes_units() {
    let state = |units: &str| {
        format!(
            "now: 2026-11-29T19:00:00+01:00\nathlete: {{ units: {units} }}\n\
             last_session: {{ kind: tempo, ended_at: 2026-11-28T18:00:00+01:00 }}\n"
        )
    };
    assert!(advice_of(&advise(&state("imperial")), "heat.bath_after_hard").contains("at 100–104 °F"));
    assert!(advice_of(&advise(&state("metric")), "heat.bath_after_hard").contains("at 38–40 °C"));
}

#[test]
fn post_marathon_advice_names_the_session_and_the_dates() {
    // Day 16 after the marathon, intervals planned tomorrow.
    let state = "now: 2026-11-28T09:00:00+01:00\n\
         last_session: { kind: easy, ended_at: 2026-11-27T18:30:00+01:00, duration: 25 }\n\
         next_session: { kind: intervals, at: 2026-11-29T18:00:00+01:00 }\n\
         last_marathon: 2026-11-12\n";
    let recs = advise(state);
    let warning = advice_of(&recs, "marathon.no_hard_early");
    assert!(
        warning.starts_with("Don't run the planned interval session hard")
            && warning.contains("on Thu 10 Dec at the earliest"),
        "{warning}"
    );
    assert!(!recs.iter().any(|r| r.advice.contains("normal routine")));
    // The day after a marathon entered only as the last session: no "24 h".
    let day1 = "now: 2026-11-29T09:00:00+01:00\n\
         last_session: { kind: marathon, ended_at: 2026-11-28T12:30:00+01:00 }\n";
    let recs = advise(day1);
    let acute = advice_of(&recs, "marathon.acute");
    assert!(!acute.contains("24 h"), "{acute}");
    assert!(advice_of(&recs, "heat.marathon_acute_no_heat").contains("until Tue 1 Dec"));
}

/// The reasons of one rule, which must have been recommended.
fn reasons_of(recs: &[Recommendation], rule: &str) -> Vec<String> {
    recs.iter().find(|r| r.rule == rule).map(|r| r.reasons.clone()).unwrap_or_else(|| panic!("{rule} not recommended"))
}

#[test]
fn reasons_say_the_gap_in_days_and_the_tight_areas_once() {
    let state = "now: 2026-11-28T08:15:00+01:00\n\
         last_session: { kind: long_run, ended_at: 2026-11-28T07:40:00+01:00, duration: 110, effort: hard }\n\
         next_session: { kind: intervals, at: 2026-11-29T18:00:00+01:00 }\n\
         symptoms: { tight_areas: [calves, hip_flexors] }\n";
    let recs = advise(state);
    let gap = reasons_of(&recs, "principle.no_back_to_back_hard");
    assert!(
        gap.contains(&"the next hard session is on the next day; it should wait at least 2 calendar days".to_string()),
        "{gap:?}"
    );
    let same_day = state.replace("2026-11-29T18:00", "2026-11-28T18:00");
    let gap = reasons_of(&advise(&same_day), "principle.no_back_to_back_hard");
    assert!(gap.iter().any(|r| r.starts_with("the next hard session is on the same day as this one")), "{gap:?}");
    let rolling = reasons_of(&recs, "foam_rolling.roll_tight_areas");
    assert_eq!(rolling, ["areas that feel tight: calves and hip flexors", "the IT band is not among them"]);
}
