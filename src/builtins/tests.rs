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

#[test]
fn time_of_day_is_the_clock_time_in_nows_offset() {
    // 23:30 UTC on the 27th is 00:30 in now's +01:00.
    let late = FixedOffset::east_opt(0).unwrap().with_ymd_and_hms(2026, 11, 27, 23, 30, 0).single().unwrap();
    assert_eq!(call(Builtin::TimeOfDay, &[Value::Instant(late)], now()), Value::Num(30.0 * 60.0));
    assert_eq!(call(Builtin::TimeOfDay, &[Value::Instant(late)], None), Value::Num(23.5 * 3600.0));
    assert_eq!(call(Builtin::TimeOfDay, &[Value::Missing], now()), Value::Missing);
    assert_eq!(result_type(Builtin::TimeOfDay, &[Ty::Instant]).ok(), Some(Ty::Num(Dim::TIME)));
    assert!(result_type(Builtin::TimeOfDay, &[Ty::Date]).is_err());
}

#[test]
fn the_registry_lists_builtins_in_enum_order() {
    for (i, b) in BUILTINS.iter().enumerate() {
        assert_eq!(b.builtin as usize, i, "{} is out of order", b.name);
        assert_eq!(info(b.builtin).map(|x| x.name), Some(b.name));
        assert!(b.params.len() >= b.min_args.min(1), "{} declares no argument kinds", b.name);
    }
}

#[test]
fn argument_kinds_come_from_the_registry() {
    let series = Ty::Series(Dim::HRV);
    let week = Ty::Num(Dim::TIME);
    assert_eq!(result_type(Builtin::MinLast, &[series.clone(), week.clone()]).ok(), Some(Ty::Num(Dim::HRV)));
    assert_eq!(
        result_type(Builtin::CountWhere, &[series.clone(), week.clone(), Ty::Bool]).ok(),
        Some(Ty::Num(Dim::NONE))
    );
    let e = result_type(Builtin::CountLast, &[series.clone(), Ty::Num(Dim::NONE)]).err().unwrap();
    assert_eq!((e.index, e.message.as_str()), (1, "expected a duration, like `7d`"));
    let e = result_type(Builtin::MaxLast, &[Ty::Num(Dim::HRV), week]).err().unwrap();
    assert_eq!(e.index, 0);
    let e = result_type(Builtin::Round, &[Ty::Num(Dim::VOLUME), Ty::Num(Dim::MASS)]).err().unwrap();
    assert_eq!((e.index, e.message.as_str()), (1, "expected a volume like the first argument"));
    assert_eq!(condition_arg(Builtin::Streak), Some(1));
    assert_eq!(condition_arg(Builtin::CountWhere), Some(2));
    assert_eq!(condition_arg(Builtin::MeanLast), None);
}

#[test]
fn window_builtins_count_and_bound_the_readings_inside() {
    // 28 is today; a 3-day window holds the 26th, 27th and 28th.
    let r = Value::Series(series(&[(20, 70.0), (26, 58.0), (27, 64.0), (28, 55.0)]).into());
    let w = |days: f64| Value::Num(days * DAY);
    assert_eq!(call(Builtin::CountLast, &[r.clone(), w(3.0)], now()), Value::Num(3.0));
    assert_eq!(call(Builtin::CountLast, &[r.clone(), w(14.0)], now()), Value::Num(4.0));
    assert_eq!(call(Builtin::MinLast, &[r.clone(), w(3.0)], now()), Value::Num(55.0));
    assert_eq!(call(Builtin::MaxLast, &[r.clone(), w(3.0)], now()), Value::Num(64.0));
    assert_eq!(call(Builtin::MaxLast, &[r.clone(), w(14.0)], now()), Value::Num(70.0));
    // Too little data: no reading inside counts 0; min and max are unknown.
    let old = Value::Series(series(&[(1, 60.0)]).into());
    assert_eq!(call(Builtin::CountLast, &[old.clone(), w(7.0)], now()), Value::Num(0.0));
    assert_eq!(call(Builtin::MinLast, &[old.clone(), w(7.0)], now()), Value::Missing);
    assert_eq!(call(Builtin::MaxLast, &[old, w(7.0)], now()), Value::Missing);
    assert_eq!(call(Builtin::CountLast, &[r.clone(), w(3.0)], None), Value::Missing);
    let below_60 = |v: f64| Value::Bool(v < 60.0);
    assert_eq!(call_with_condition(Builtin::CountWhere, &[r.clone(), w(3.0)], now(), below_60), Value::Num(2.0));
    assert_eq!(call_with_condition(Builtin::CountWhere, &[r.clone(), w(1.0)], now(), below_60), Value::Num(1.0));
    assert_eq!(
        call_with_condition(Builtin::CountWhere, &[r.clone(), w(3.0)], now(), |_| Value::Missing),
        Value::Missing
    );
    let empty = Value::Series(Vec::new().into());
    assert_eq!(call_with_condition(Builtin::CountWhere, &[empty, w(3.0)], now(), below_60), Value::Num(0.0));
}

#[test]
fn ln_mean_and_sd_over_a_window() {
    let r = series(&[(20, 10.0), (26, 100.0), (27, 1000.0), (28, 10_000.0)]);
    let w = |d: f64| Value::Num(d * DAY);
    let Value::Num(m) = call(Builtin::LnMeanLast, &[Value::Series(r.clone().into()), w(3.0)], now()) else { panic!() };
    assert!((m - 1000f64.ln()).abs() < 1e-9, "{m}");
    let Value::Num(sd) = call(Builtin::LnSdLast, &[Value::Series(r.clone().into()), w(3.0)], now()) else { panic!() };
    assert!((sd - 10f64.ln()).abs() < 1e-9, "{sd}");
    // One reading has no spread; none in the window gives no mean.
    assert_eq!(call(Builtin::LnSdLast, &[Value::Series(r.clone().into()), w(1.0)], now()), Value::Missing);
    assert_eq!(call(Builtin::LnMeanLast, &[Value::Series(series(&[(1, 50.0)]).into()), w(7.0)], now()), Value::Missing);
}

#[test]
fn words_joins_the_texts_whose_condition_holds() {
    let t = |s: &str| Value::Text(s.into());
    let b = Value::Bool;
    let args = [b(true), t("a"), b(false), t("b"), Value::Missing, t("c"), b(true), t("d"), b(true), t("e")];
    assert_eq!(call(Builtin::Words, &args, now()), t("a, d and e"));
    assert_eq!(call(Builtin::Words, &args[..4], now()), t("a"));
    assert_eq!(call(Builtin::Words, &args[2..6], now()), t(""));
    assert!(result_type(Builtin::Words, &[Ty::Bool, Ty::Text, Ty::Bool]).is_err());
    assert_eq!(result_type(Builtin::Words, &[Ty::Bool, Ty::Text]).ok(), Some(Ty::Text));
}
