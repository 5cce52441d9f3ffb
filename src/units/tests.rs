use super::*;
use UnitSystem::{Imperial, Metric};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9 * b.abs().max(1.0)
}
fn q(text: &str, expected: Dim, default: &str) -> Result<f64, UnitError> {
    parse_quantity(text, expected, kind(default).unwrap())
}

#[test]
fn dims_combine_and_describe() {
    assert_eq!(Dim::TIME.div(Dim::LENGTH), Dim::PACE);
    assert_eq!(Dim::PACE.mul(Dim::LENGTH), Dim::TIME);
    assert!(Dim::MASS.div(Dim::MASS).is_none());
    let big = Dim { time: 127, ..Dim::NONE };
    assert_eq!(big.mul(Dim::TIME).time, 127);
    #[rustfmt::skip]
    let names = [
        (Dim::TIME, "duration"), (Dim::LENGTH, "distance"), (Dim::MASS, "mass"),
        (Dim::VOLUME, "volume"), (Dim::HEART_RATE, "heart rate"), (Dim::HRV, "HRV"),
        (Dim::TEMPERATURE, "temperature"), (Dim::PACE, "pace"), (Dim::NONE, "number"),
        (Dim::VOLUME.div(Dim::MASS), "volume per mass (L/kg)"),
        (Dim::HRV.div(Dim::TIME), "HRV per duration (ms/s)"),
        (Dim::NONE.div(Dim::MASS), "per mass (1/kg)"),
        (Dim::MASS.mul(Dim::LENGTH), "distance times mass (m·kg)"),
        (Dim::TIME.mul(Dim::TIME), "duration^2 (s^2)"),
    ];
    for (dim, name) in names {
        assert_eq!(dim.describe(), name);
    }
    assert_eq!(Dim::HRV.to_string(), "HRV");
}

#[test]
fn unit_symbols() {
    #[rustfmt::skip]
    let cases: &[(&[&str], Dim, f64)] = &[
        (&["s", "sec", "secs", "second", "seconds"], Dim::TIME, 1.0),
        (&["min", "mins", "minute", "minutes"], Dim::TIME, 60.0),
        (&["h", "hr", "hrs", "hour", "hours"], Dim::TIME, 3600.0),
        (&["d", "day", "days"], Dim::TIME, 86400.0),
        (&["w", "wk", "week", "weeks"], Dim::TIME, 604800.0),
        (&["m", "metres", "meter"], Dim::LENGTH, 1.0), (&["km", "KM"], Dim::LENGTH, 1000.0),
        (&["mi", "mile", "miles"], Dim::LENGTH, 1609.344),
        (&["kg"], Dim::MASS, 1.0), (&["g"], Dim::MASS, 0.001),
        (&["lb", "lbs"], Dim::MASS, 0.45359237),
        (&["L", "l"], Dim::VOLUME, 1.0), (&["ml", "mL"], Dim::VOLUME, 0.001),
        (&["bpm", "BPM"], Dim::HEART_RATE, 1.0), (&["ms"], Dim::HRV, 1.0),
        (&["C", "°C"], Dim::TEMPERATURE, 1.0), (&["F", "°F"], Dim::TEMPERATURE, 5.0 / 9.0),
        (&["mg"], Dim::MASS, 0.000001), (&["g", "grams"], Dim::MASS, 0.001),
        (&["%"], Dim::PERCENT, 0.01), (&["L/kg"], Dim::VOLUME.div(Dim::MASS), 1.0),
        (&["ms/d"], Dim::HRV.div(Dim::TIME), 1.0 / 86400.0), (&["min/km"], Dim::PACE, 0.06),
    ];
    for (sym, dim, scale) in cases.iter().flat_map(|(ss, d, k)| ss.iter().map(move |s| (s, *d, *k))) {
        let u = unit(sym, None).unwrap();
        assert_eq!(u.dim, dim, "{sym}");
        assert!(close(u.scale, scale), "{sym}: {}", u.scale);
    }
    assert!(close(unit("°F", None).unwrap().to_canonical(212.0), 100.0));
    assert!(close(unit("F", None).unwrap().from_canonical(-40.0), -40.0));
}

#[test]
fn m_is_minutes_only_when_time_is_expected() {
    assert_eq!(unit("m", Some(Dim::TIME)).unwrap().scale, 60.0);
    assert_eq!(unit("m", Some(Dim::LENGTH)).unwrap().dim, Dim::LENGTH);
    assert_eq!(unit("m", None).unwrap().dim, Dim::LENGTH);
    assert_eq!(unit("m/km", Some(Dim::PACE)).unwrap(), unit("min/km", None).unwrap());
    assert_eq!(parse_literal("400m").unwrap(), (400.0, Dim::LENGTH));
    assert_eq!(parse_literal("1h30m").unwrap(), (5400.0, Dim::TIME));
    assert_eq!(q("45m", Dim::TIME, "duration").unwrap(), 2700.0);
    assert_eq!(q("400 m", Dim::LENGTH, "distance").unwrap(), 400.0);
}

#[test]
fn parse_quantity_forms() {
    let t = Dim::TIME;
    #[rustfmt::skip]
    let cases: &[(&str, Dim, &str, f64)] = &[
        ("45min", t, "duration", 2700.0), ("1h50m", t, "duration", 6600.0),
        ("1h 50min", t, "duration", 6600.0), ("1 h 50 min", t, "duration", 6600.0),
        ("2d 4h", t, "duration", 187200.0), ("90 s", t, "duration", 90.0),
        ("2h", t, "duration", 7200.0), ("3d", t, "days", 259200.0),
        ("2w", t, "days", 1209600.0), ("7h30m", t, "hours", 27000.0),
        ("7.5h", t, "hours", 27000.0), ("7.5", t, "hours", 27000.0),
        ("45:30", t, "duration", 2730.0), ("-3 h", t, "duration", -10800.0),
        ("62.4 kg", Dim::MASS, "mass", 62.4), ("137 lb", Dim::MASS, "mass", 137.0 * 0.45359237),
        ("500 g", Dim::MASS, "mass", 0.5), ("24 km", Dim::LENGTH, "distance", 24000.0),
        ("15 mi", Dim::LENGTH, "distance", 15.0 * 1609.344),
        ("400 m", Dim::LENGTH, "distance", 400.0), ("24", Dim::LENGTH, "distance", 24000.0),
        ("48 bpm", Dim::HEART_RATE, "heart_rate", 48.0), ("64 ms", Dim::HRV, "hrv", 64.0),
        ("18C", Dim::TEMPERATURE, "temperature", 18.0),
        ("18 °C", Dim::TEMPERATURE, "temperature", 18.0),
        ("64F", Dim::TEMPERATURE, "temperature", 160.0 / 9.0),
        ("-4F", Dim::TEMPERATURE, "temperature", -20.0), ("5:15/km", Dim::PACE, "pace", 0.315),
        ("5:15 /km", Dim::PACE, "pace", 0.315), ("5:15", Dim::PACE, "pace", 0.315),
        ("8:27/mi", Dim::PACE, "pace", 507.0 / 1609.344), ("1.5 L", Dim::VOLUME, "volume", 1.5),
        ("500 ml", Dim::VOLUME, "volume", 0.5), ("20%", Dim::PERCENT, "percent", 0.2),
        ("20", Dim::NONE, "percent", 0.2), ("7.5", Dim::NONE, "number", 7.5),
        ("  .5 ", Dim::NONE, "number", 0.5),
    ];
    for &(text, dim, default, want) in cases {
        let got = q(text, dim, default).unwrap_or_else(|e| unreachable!("{text}: {e}"));
        assert!(close(got, want), "{text}: {got} != {want}");
    }
}

#[test]
fn parse_literal_forms() {
    #[rustfmt::skip]
    let cases: &[(&str, f64, Dim)] = &[
        ("30min", 1800.0, Dim::TIME), ("48h", 172800.0, Dim::TIME), ("3d", 259200.0, Dim::TIME),
        ("2w", 1209600.0, Dim::TIME), ("7h", 25200.0, Dim::TIME), ("90s", 90.0, Dim::TIME),
        ("1h30m", 5400.0, Dim::TIME), ("4 bpm", 4.0, Dim::HEART_RATE),
        ("130 bpm", 130.0, Dim::HEART_RATE), ("1.5 kg", 1.5, Dim::MASS),
        ("1.5 L/kg", 1.5, Dim::VOLUME.div(Dim::MASS)), ("16C", 16.0, Dim::TEMPERATURE),
        ("10 %", 0.1, Dim::PERCENT), ("5:15/km", 0.315, Dim::PACE), ("400m", 400.0, Dim::LENGTH),
        ("55 ms", 55.0, Dim::HRV), ("0.5 ms/d", 0.5 / 86400.0, Dim::HRV.div(Dim::TIME)),
        ("3", 3.0, Dim::NONE), ("-2", -2.0, Dim::NONE),
    ];
    for &(text, want, dim) in cases {
        let (got, got_dim) = parse_literal(text).unwrap_or_else(|e| unreachable!("{text}: {e}"));
        assert!(close(got, want), "{text}: {got} != {want}");
        assert_eq!(got_dim, dim, "{text}");
    }
}

#[test]
fn errors_and_help() {
    let d = kind("duration").unwrap();
    let err = |text: &str| parse_quantity(text, Dim::TIME, d).unwrap_err();
    let e = err("64 ms");
    assert_eq!(e.to_string(), "expected a duration, found an HRV (`ms`)");
    assert!(e.help().unwrap().contains("HRV"));
    let e = parse_quantity("3 kg", Dim::TIME, d).unwrap_err();
    assert_eq!(e.to_string(), "expected a duration, found a mass (`kg`)");
    assert_eq!(e.help().unwrap(), "write a duration with `s`, `min`, `h`, `d` or `w`");
    let e = q("62 kgs", Dim::MASS, "mass").unwrap_err();
    assert_eq!(e.to_string(), "unknown unit `kgs`");
    assert_eq!(e.help().unwrap(), "did you mean `kg`?");
    let e = parse_literal("3x").unwrap_err();
    assert_eq!(e.to_string(), "unknown unit `x`");
    assert!(e.help().unwrap().starts_with("known units:"));
    assert_eq!(err("").to_string(), "empty quantity");
    assert_eq!(err("   "), UnitError::Empty);
    assert_eq!(err("abc").to_string(), "`abc` is not a number with a unit");
    assert!(matches!(err("kg"), UnitError::NotANumber { .. }));
    assert!(matches!(err("1.2.3 h"), UnitError::NotANumber { .. }));
    assert!(matches!(err("-"), UnitError::NotANumber { .. }));
    assert!(matches!(err("1,5 h"), UnitError::NotANumber { .. }));
    assert!(err("1,5 h").help().unwrap().contains("decimals"));
    for bad in ["5:75/km", "5:7/km", "5:/km", "5:60"] {
        let e = q(bad, Dim::PACE, "pace").unwrap_err();
        assert!(matches!(e, UnitError::BadClock { .. }), "{bad}: {e}");
    }
    assert!(q("5:75/km", Dim::PACE, "pace").unwrap_err().to_string().contains("below 60"));
    for bad in ["nan", "NaN", "inf", "-inf", "infinity"] {
        assert!(matches!(err(bad), UnitError::NonFinite { .. }), "{bad}");
    }
    assert!(matches!(err(&"9".repeat(400)), UnitError::NonFinite { .. }));
    assert!(matches!(err("1h 30"), UnitError::MissingUnit { .. }));
    assert!(matches!(parse_literal("5:15"), Err(UnitError::MissingUnit { .. })));
    assert!(matches!(parse_literal("18C 2C"), Err(UnitError::CannotCombine { .. })));
    // In a ratio a temperature is a change: its scale without the offset.
    let f_per_h = unit("°F/h", None).unwrap();
    assert_eq!(f_per_h.dim, Dim::TEMPERATURE_DIFFERENCE.div(Dim::TIME));
    assert!(close(f_per_h.scale, 5.0 / 9.0 / 3600.0) && f_per_h.offset == 0.0);
    assert!(matches!(unit("/km", None), Err(UnitError::UnknownUnit { .. })));
    assert!(matches!(unit("L/kg/d", None), Err(UnitError::UnknownUnit { .. })));
    let e = parse_literal("30m 20s").unwrap_err();
    assert!(e.help().unwrap().contains("`min`"), "{e}");
    assert!(matches!(err("1h 2kg"), UnitError::WrongDimension { .. }));
    assert!(matches!(err("--3h"), UnitError::NotANumber { .. }));
}

#[test]
fn kinds() {
    for name in KIND_NAMES {
        assert!(kind(name).is_some(), "{name}");
    }
    assert_eq!(kind("speed"), None);
    assert_eq!(kind("hours").unwrap().scale, 3600.0);
    assert_eq!(kind("pace").unwrap().dim, Dim::PACE);
    assert_eq!(kind("percent").unwrap().scale, 0.01);
    // Rates: a ratio of kinds or unit symbols, read in the ratio of their units.
    let sweat = kind("volume/hours").unwrap();
    assert_eq!(sweat.dim, Dim::VOLUME.div(Dim::TIME));
    assert!(close(sweat.to_canonical(1.0), 1.0 / 3600.0));
    assert!(close(kind("mg/h").unwrap().to_canonical(3600.0), 1e-6));
    assert_eq!(kind("mg/h").unwrap().dim, kind("mass/duration").unwrap().dim);
    assert_eq!(kind("volume/number"), None);
    assert_eq!(kind("volume/fortnights"), None);
}

#[test]
fn temperatures_are_affine() {
    // A reading converts with the offset; a difference without it.
    let reading = parse_quantity("50F", Dim::TEMPERATURE, kind("temperature").unwrap()).unwrap();
    assert!(close(reading, 10.0));
    let change = parse_quantity("9F", Dim::TEMPERATURE_DIFFERENCE, kind("temperature_difference").unwrap()).unwrap();
    assert!(close(change, 5.0));
    assert!(close(parse_quantity("-9F", Dim::TEMPERATURE_DIFFERENCE, kind("temperature").unwrap()).unwrap(), -5.0));
    assert_eq!(unit("F", None).unwrap().as_difference().offset, 0.0);
    assert_eq!(unit("F", None).unwrap().as_difference().dim, Dim::TEMPERATURE_DIFFERENCE);
    // 6 °C warmer is 10.8 °F warmer, never "43 °F".
    assert_eq!(format_quantity(6.0, Dim::TEMPERATURE_DIFFERENCE, Imperial), "10.8 °F");
    assert_eq!(format_quantity(6.0, Dim::TEMPERATURE, Imperial), "43 °F");
    assert_eq!(format_quantity(-2.5, Dim::TEMPERATURE_DIFFERENCE, Metric), "-2.5 °C");
    // Products and ratios of temperatures are changes, never readings.
    assert_eq!(Dim::TEMPERATURE.div(Dim::TIME), Dim::TEMPERATURE_DIFFERENCE.div(Dim::TIME));
    assert_eq!(format_quantity(2.0 / 3600.0, Dim::TEMPERATURE.div(Dim::TIME), Imperial), "3.6 °F/h");
}

#[test]
fn percent_is_its_own_kind() {
    assert_ne!(Dim::PERCENT, Dim::NONE);
    assert_eq!(Dim::PERCENT.mul(Dim::HEART_RATE), Dim::HEART_RATE);
    assert_eq!(Dim::PERCENT.mul(Dim::NONE), Dim::PERCENT);
    assert_eq!(Dim::PERCENT.div(Dim::PERCENT), Dim::NONE);
    assert_eq!(Dim::NONE.div(Dim::PERCENT), Dim::NONE);
    assert_eq!(Dim::PERCENT.describe(), "percent");
    let (v, d) = parse_literal("70%").unwrap();
    assert!(close(v, 0.7) && d == Dim::PERCENT);
    assert_eq!(format_quantity(0.7, Dim::PERCENT, Metric), "70 %");
    assert_eq!(format_quantity(1.0, Dim::PERCENT, Imperial), "100 %");
    assert_eq!(format_parts(0.125, Dim::PERCENT, Metric), ("12.5".into(), "%"));
}

#[test]
fn magnitudes_pick_the_unit() {
    #[rustfmt::skip]
    let cases: &[(f64, Dim, UnitSystem, &str)] = &[
        (0.0008, Dim::MASS, Metric, "800 mg"), (0.0008, Dim::MASS, Imperial, "800 mg"),
        (0.0255, Dim::MASS, Metric, "26 g"), (0.0045, Dim::MASS, Metric, "4.5 g"),
        (0.4, Dim::MASS, Imperial, "400 g"), (0.5, Dim::MASS, Imperial, "1.1 lb"),
        (0.5, Dim::MASS, Metric, "500 g"), (61.3, Dim::MASS, Metric, "61.3 kg"),
        (0.25, Dim::VOLUME, Metric, "250 ml"), (1.0, Dim::VOLUME, Metric, "1 L"),
        (0.25, Dim::VOLUME, Imperial, "8 fl oz"),
        (1.0 / 3600.0, Dim::VOLUME.div(Dim::TIME), Metric, "1 L/h"),
        (0.0005 / 3600.0, Dim::MASS.div(Dim::TIME), Metric, "500 mg/h"),
        (-1.0 / 86400.0, Dim::HRV.div(Dim::TIME), Metric, "-1 ms/d"),
        (10_000.0 / 3600.0, Dim::LENGTH.div(Dim::TIME), Imperial, "6.2 mph"),
    ];
    for &(v, dim, sys, want) in cases {
        assert_eq!(format_quantity(v, dim, sys), want, "{v} {dim:?}");
    }
}

#[test]
fn formatting() {
    #[rustfmt::skip]
    let cases: &[(f64, Dim, UnitSystem, &str)] = &[
        (45.0, Dim::TIME, Metric, "45 s"), (2100.0, Dim::TIME, Metric, "35 min"),
        (21600.0, Dim::TIME, Imperial, "6 h"), (27000.0, Dim::TIME, Metric, "7 h 30 min"),
        (21599.0, Dim::TIME, Metric, "6 h"), (-10800.0, Dim::TIME, Metric, "-3 h"),
        (13.0 * 86400.0, Dim::TIME, Metric, "13 days"),
        (200_000.0, Dim::TIME, Metric, "2 days"), (24000.0, Dim::LENGTH, Metric, "24 km"),
        (9300.0, Dim::LENGTH, Metric, "9.3 km"), (9960.0, Dim::LENGTH, Metric, "10 km"),
        (400.0, Dim::LENGTH, Metric, "400 m"), (24000.0, Dim::LENGTH, Imperial, "15 mi"),
        (400.0, Dim::LENGTH, Imperial, "0.2 mi"), (1.1, Dim::MASS, Metric, "1.1 kg"),
        (1.1, Dim::MASS, Imperial, "2.4 lb"), (1.7, Dim::VOLUME, Metric, "1.7 L"),
        (1.7, Dim::VOLUME, Imperial, "57 fl oz"), (130.4, Dim::HEART_RATE, Imperial, "130 bpm"),
        (55.0, Dim::HRV, Metric, "55 ms"), (16.0, Dim::TEMPERATURE, Metric, "16 °C"),
        (16.0, Dim::TEMPERATURE, Imperial, "61 °F"), (0.405, Dim::PACE, Metric, "6:45/km"),
        (0.3597, Dim::PACE, Metric, "6:00/km"), (0.315, Dim::PACE, Imperial, "8:27/mi"),
        (3.0, Dim::NONE, Metric, "3"), (0.25, Dim::NONE, Metric, "0.25"),
        (1.5, Dim::NONE, Imperial, "1.5"), (-0.001, Dim::NONE, Imperial, "0"),
        (1.5, Dim::VOLUME.div(Dim::MASS), Metric, "1.5 L/kg"),
        (2.0, Dim::TIME.mul(Dim::TIME), Metric, "2 s^2"), (f64::NAN, Dim::TIME, Metric, "n/a"),
        (f64::INFINITY, Dim::PACE, Imperial, "n/a"),
    ];
    for &(v, dim, sys, want) in cases {
        assert_eq!(format_quantity(v, dim, sys), want, "{v} {dim:?}");
    }
    assert_eq!(format_quantity(86400.0 * 3.0, Dim::TIME, Metric), "3 days");
    assert_eq!(format_parts(86400.0 * 2.2, Dim::TIME, Metric), ("2".into(), "days"));
    assert_eq!(format_parts(27000.0, Dim::TIME, Metric), ("7.5".into(), "h"));
    assert_eq!(format_parts(45000.0, Dim::LENGTH, Metric), ("45".into(), "km"));
    assert_eq!(format_parts(0.405, Dim::PACE, Metric), ("6:45".into(), "/km"));
    assert_eq!(format_parts(1.5, Dim::VOLUME.div(Dim::MASS), Metric).1, "L/kg");
    assert_eq!(format_parts(f64::NAN, Dim::MASS, Metric), ("n/a".into(), ""));
}

#[test]
fn round_trips() {
    #[rustfmt::skip]
    let cases: &[(&str, Dim, &str, UnitSystem, &str)] = &[
        ("45 s", Dim::TIME, "duration", Metric, "45 s"),
        ("35min", Dim::TIME, "duration", Metric, "35 min"),
        ("7h30m", Dim::TIME, "hours", Imperial, "7 h 30 min"),
        ("13 days", Dim::TIME, "days", Metric, "13 days"),
        ("24 km", Dim::LENGTH, "distance", Metric, "24 km"),
        ("15 mi", Dim::LENGTH, "distance", Imperial, "15 mi"),
        ("62.4 kg", Dim::MASS, "mass", Metric, "62.4 kg"),
        ("137 lb", Dim::MASS, "mass", Imperial, "137 lb"),
        ("1.5 L", Dim::VOLUME, "volume", Metric, "1.5 L"),
        ("48 bpm", Dim::HEART_RATE, "heart_rate", Imperial, "48 bpm"),
        ("64 ms", Dim::HRV, "hrv", Metric, "64 ms"),
        ("18 °C", Dim::TEMPERATURE, "temperature", Metric, "18 °C"),
        ("64F", Dim::TEMPERATURE, "temperature", Imperial, "64 °F"),
        ("5:15/km", Dim::PACE, "pace", Metric, "5:15/km"),
        ("8:27/mi", Dim::PACE, "pace", Imperial, "8:27/mi"),
        ("25%", Dim::PERCENT, "percent", Metric, "25 %"),
        ("70", Dim::PERCENT, "percent", Metric, "70 %"),
        ("800 mg", Dim::MASS, "mass", Metric, "800 mg"),
        ("800 mg", Dim::MASS, "mass", Imperial, "800 mg"),
        ("35 g", Dim::MASS, "mass", Metric, "35 g"),
        ("500 ml", Dim::VOLUME, "volume", Metric, "500 ml"),
        ("0.8", Dim::VOLUME.div(Dim::TIME), "volume/hours", Metric, "800 ml/h"),
        ("1.2 L/h", Dim::VOLUME.div(Dim::TIME), "volume/hours", Metric, "1.2 L/h"),
        ("800 ml/h", Dim::VOLUME.div(Dim::TIME), "ml/h", Imperial, "27 fl oz/h"),
        ("500", Dim::MASS.div(Dim::TIME), "mg/h", Metric, "500 mg/h"),
        ("60 g/h", Dim::MASS.div(Dim::TIME), "mass/hours", Imperial, "60 g/h"),
        ("6", Dim::TEMPERATURE_DIFFERENCE, "temperature_difference", Imperial, "10.8 °F"),
        ("9F", Dim::TEMPERATURE_DIFFERENCE, "temperature_difference", Metric, "5 °C"),
    ];
    for &(text, dim, default, sys, want) in cases {
        let v = q(text, dim, default).unwrap();
        assert_eq!(format_quantity(v, dim, sys), want, "{text}");
    }
}

#[test]
fn plain_numbers_show_three_significant_figures_at_most_two_decimals() {
    assert_eq!(format_quantity(20.666, Dim::NONE, Metric), "20.7");
    assert_eq!(format_quantity(4.163, Dim::NONE, Metric), "4.16");
    assert_eq!(format_quantity(0.2567, Dim::NONE, Metric), "0.26");
    assert_eq!(format_quantity(123.4, Dim::NONE, Metric), "123");
    assert_eq!(format_quantity(44.0, Dim::NONE, Metric), "44");
    assert_eq!(format_quantity(-1.005, Dim::NONE, Metric), "-1");
}

/// The integer path of `trim_num` writes what the float formatter wrote:
/// checked against that formatter over whole, fractional, negative, tiny
/// and large values at every precision the display uses.
#[test]
fn trim_num_matches_the_float_formatter() {
    fn by_formatter(v: f64, decimals: usize) -> String {
        let f = 10f64.powi(decimals as i32);
        let r = (v * f).round() / f;
        let mut s = format!("{r:.decimals$}");
        if s.contains('.') {
            s = s.trim_end_matches('0').trim_end_matches('.').to_string();
        }
        if s == "-0" {
            s = "0".into();
        }
        s
    }
    let mut values = vec![0.0, -0.0, 0.004, -0.004, 0.005, -0.05, 0.5, 1.0, 1.25, 2.675, 99.995, 1e9 + 0.5, 4.2e11];
    let mut x = 0.000_37_f64;
    while x < 1e12 {
        values.push(x);
        values.push(-x);
        values.push(x * 1.000_1 + 0.123);
        x *= 1.37;
    }
    for v in values {
        for decimals in 0..=3 {
            assert_eq!(trim_num(v, decimals), by_formatter(v, decimals), "{v} at {decimals} decimals");
        }
    }
}

#[test]
fn a_compound_part_must_be_under_one_of_the_unit_before_it() {
    let err = |t: &str| parse_quantity(t, Dim::TIME, MINUTE).unwrap_err();
    for bad in ["1h90m", "1h60m", "2m75s", "1m1h", "1d24h"] {
        assert!(matches!(err(bad), UnitError::BadCompound { .. }), "{bad}: {}", err(bad));
    }
    assert_eq!(err("1h90m").to_string(), "`1h90m`: `90m` is not less than 1h");
    for good in ["1h30m", "2h5m30s", "1h59m", "1d23h"] {
        assert!(parse_quantity(good, Dim::TIME, MINUTE).is_ok(), "{good}");
    }
}

#[test]
fn a_number_too_large_for_a_float_is_not_read_as_a_unit() {
    let e = parse_quantity("1e400", Dim::LENGTH, KILOMETRE).unwrap_err();
    assert!(matches!(e, UnitError::NonFinite { .. }), "{e}");
}

#[test]
fn hours_and_minutes_are_written_as_the_formatter_wrote_them() {
    let mut v = -DAYS_FROM_S + 1.0;
    while v < DAYS_FROM_S {
        if (HOURS_FROM_S..DAYS_FROM_S).contains(&v.abs()) {
            let total = (v.abs() / 60.0).round();
            let hours = (total / 60.0).floor();
            let mins = total - hours * 60.0;
            let sign = if v < 0.0 { "-" } else { "" };
            let want =
                if mins == 0.0 { format!("{sign}{hours:.0} h") } else { format!("{sign}{hours:.0} h {mins:.0} min") };
            assert_eq!(format_quantity(v, Dim::TIME, Metric), want, "{v}");
        }
        v += 37.3;
    }
}
