use super::*;
use chrono::TimeZone;

fn now() -> Option<DateTime<FixedOffset>> {
    FixedOffset::east_opt(3600).unwrap().with_ymd_and_hms(2026, 11, 28, 8, 0, 0).single()
}
fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
}
fn series(values: &[(u32, f64)]) -> Vec<Reading> {
    values.iter().map(|(d, v)| Reading { date: day(*d), value: *v }).collect()
}

#[test]
fn every_builtin_is_documented_once() {
    for b in BUILTINS {
        assert!(!b.doc.is_empty() && b.signature.starts_with(b.name));
        assert_eq!(BUILTINS.iter().filter(|o| o.name == b.name).count(), 1);
    }
}

#[test]
fn days_since_counts_calendar_days_and_never_is_endless() {
    let v = call(Builtin::DaysSince, &[Value::Date(day(15))], now());
    assert_eq!(v, Value::Num(13.0 * DAY));
    let v = call(Builtin::DaysSince, &[Value::Never], now());
    assert_eq!(v, Value::Num(f64::INFINITY));
}

#[test]
fn streak_needs_consecutive_recent_days() {
    let r = series(&[(23, 70.0), (24, 60.0), (25, 58.0), (26, 57.0), (27, 55.0)]);
    let below = |v: f64| Value::Bool(v < 64.0);
    assert_eq!(streak(&r, now(), below), Value::Num(4.0));
    let gap = series(&[(24, 60.0), (26, 57.0), (27, 55.0)]);
    assert_eq!(streak(&gap, now(), below), Value::Num(2.0));
    let stale = series(&[(20, 60.0), (21, 57.0)]);
    assert_eq!(streak(&stale, now(), below), Value::Num(0.0));
}

#[test]
fn mean_last_uses_the_window_up_to_today() {
    let r = series(&[(20, 100.0), (26, 60.0), (27, 50.0), (28, 40.0)]);
    let v = call(Builtin::MeanLast, &[Value::Series(r.into()), Value::Num(3.0 * DAY)], now());
    assert_eq!(v, Value::Num(50.0));
}

#[test]
fn slope_is_per_second_and_needs_three_points() {
    let r = series(&[(26, 60.0), (27, 58.0), (28, 56.0)]);
    let v = call(Builtin::Slope, &[Value::Series(r.into()), Value::Num(7.0 * DAY)], now());
    let Value::Num(s) = v else { panic!() };
    assert!((s * DAY + 2.0).abs() < 1e-9);
    let two = series(&[(27, 58.0), (28, 56.0)]);
    assert_eq!(call(Builtin::Slope, &[Value::Series(two.into()), Value::Num(7.0 * DAY)], now()), Value::Missing);
}

#[test]
fn first_known_falls_back() {
    assert_eq!(call(Builtin::FirstKnown, &[Value::Missing, Value::Num(3.0)], None), Value::Num(3.0));
    assert_eq!(call(Builtin::Max, &[Value::Missing, Value::Num(3.0)], None), Value::Missing);
}

#[test]
fn date_is_the_calendar_day_in_nows_offset() {
    use chrono::TimeZone;
    // 23:30 UTC on the 27th is already the 28th in now's +01:00.
    let late = FixedOffset::east_opt(0).unwrap().with_ymd_and_hms(2026, 11, 27, 23, 30, 0).single().unwrap();
    assert_eq!(call(Builtin::Date, &[Value::Instant(late)], now()), Value::Date(day(28)));
    assert_eq!(call(Builtin::Date, &[Value::Instant(late)], None), Value::Date(day(27)));
    assert_eq!(call(Builtin::Date, &[Value::Missing], now()), Value::Missing);
}
