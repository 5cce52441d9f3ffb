//! Dates and times as a person writes them in a message: "Thu 10 Dec",
//! "Thu 10 Dec 2027" when the year is not the year of `now`, and "Thu 10 Dec
//! 08:15" for an instant (in `now`'s offset, as the athlete lives it). Used
//! by the human outputs (text, Markdown, the athlete's view, reasons and
//! advice); JSON's own fields keep ISO 8601.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate};

use crate::program::Program;
use crate::units::UnitSystem;
use crate::value::{Ty, Value};

/// "Thu 10 Dec", with the year when it is not `now`'s (or `now` is unknown).
pub fn date(d: NaiveDate, now: Option<DateTime<FixedOffset>>) -> String {
    if now.is_some_and(|n| n.year() == d.year()) {
        d.format("%a %-d %b").to_string()
    } else {
        d.format("%a %-d %b %Y").to_string()
    }
}

/// "Thu 10 Dec 08:15": the instant in `now`'s offset.
pub fn instant(t: DateTime<FixedOffset>, now: Option<DateTime<FixedOffset>>) -> String {
    let local = now.map_or(t, |n| t.with_timezone(n.offset()));
    format!("{} {}", date(local.date_naive(), now), local.format("%H:%M"))
}

/// A value as the human outputs show it: dates and instants as above (also
/// inside lists and a series' last reading), anything else as
/// `Value::display` shows it.
pub fn show(
    value: &Value,
    ty: &Ty,
    program: &Program,
    system: UnitSystem,
    now: Option<DateTime<FixedOffset>>,
) -> String {
    match (value, ty) {
        (Value::Date(d), _) => date(*d, now),
        (Value::Instant(t), _) => instant(*t, now),
        (Value::List(items), Ty::List(item)) if matches!(**item, Ty::Date | Ty::Instant) => {
            let shown: Vec<String> = items.iter().map(|v| show(v, item, program, system, now)).collect();
            format!("[{}]", shown.join(", "))
        }
        (Value::Series(readings), Ty::Series(dim)) => match readings.last() {
            Some(last) => format!(
                "{} readings, last {} on {}",
                readings.len(),
                crate::units::format_quantity(last.value, *dim, system),
                date(last.date, now)
            ),
            None => "no readings".into(),
        },
        _ => value.display(ty, &program.enums, system),
    }
}

/// [`show`] appended to `out`.
pub fn push_show(
    out: &mut String,
    value: &Value,
    ty: &Ty,
    program: &Program,
    system: UnitSystem,
    now: Option<DateTime<FixedOffset>>,
) {
    match (value, ty) {
        (Value::Date(_) | Value::Instant(_) | Value::List(_) | Value::Series(_), _) => {
            out.push_str(&show(value, ty, program, system, now))
        }
        _ => value.push_display(out, ty, &program.enums, system),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> Option<DateTime<FixedOffset>> {
        FixedOffset::east_opt(3600).and_then(|o| o.with_ymd_and_hms(2026, 11, 28, 8, 15, 0).single())
    }

    #[test]
    fn the_year_shows_only_when_it_is_not_nows() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default();
        assert_eq!(date(d(2026, 12, 10), now()), "Thu 10 Dec");
        assert_eq!(date(d(2027, 1, 5), now()), "Tue 5 Jan 2027");
        assert_eq!(date(d(2025, 11, 28), now()), "Fri 28 Nov 2025");
        assert_eq!(date(d(2026, 12, 10), None), "Thu 10 Dec 2026");
    }

    #[test]
    fn an_instant_is_shown_in_nows_offset() {
        let utc = FixedOffset::east_opt(0).and_then(|o| o.with_ymd_and_hms(2026, 11, 28, 23, 30, 0).single());
        let Some(utc) = utc else { return };
        assert_eq!(instant(utc, now()), "Sun 29 Nov 00:30");
    }
}
