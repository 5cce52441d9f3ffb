//! The charts behind the advice, as SVG drawn by `plotters`.
//!
//! Every line and band is a value the rules themselves use: the evaluator is
//! asked for the same defines (`hrv_ln_7d`, `hrv_ln_normal_low`, `hrv_base`,
//! `rhr_elevated_from`, `recovery_week_low`, `sleep_target_low`, ...) with
//! `now` moved back to each reading's morning, so a chart cannot disagree with
//! the advice. Where there is too little data to draw, the chart says so in
//! words instead.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone};
use plotters::prelude::*;

use crate::eval;
use crate::program::Program;
use crate::units::{self, Dim, UnitSystem};
use crate::value::{Reading, Value};

/// One chart: its title and a one-line summary (the text alternative a
/// screen reader reads), and the drawing, or why there is none.
#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    pub id: &'static str,
    pub title: String,
    pub summary: String,
    /// The SVG, or `None` when there was too little data (then `summary`
    /// says so).
    pub svg: Option<String>,
    /// A small line of the same readings, for the squad table.
    pub sparkline: Option<String>,
}

/// The readings a chart needs at the least: fewer than this and the page
/// says so in words.
pub const MIN_POINTS: usize = 3;

/// How far back the trend charts look.
pub const WINDOW_DAYS: i64 = 60;

const WIDTH: u32 = 640;
const HEIGHT: u32 = 240;
const INK: RGBColor = RGBColor(0x1f, 0x4e, 0x79);
const BAND: RGBColor = RGBColor(0xcf, 0xe3, 0xf3);
const ALERT: RGBColor = RGBColor(0xc0, 0x39, 0x2b);
const MUTED: RGBColor = RGBColor(0x7f, 0x8c, 0x8d);

/// Every chart for one athlete's facts (one value per declared fact, as the
/// state loader produced them).
pub fn charts(program: &Program, facts: &[Value]) -> Vec<Chart> {
    let system = crate::state::unit_system(program, facts);
    vec![
        hrv(program, facts, system),
        rhr(program, facts, system),
        volume(program, facts, system),
        sleep(program, facts),
    ]
}

fn series(program: &Program, facts: &[Value], path: &str) -> Vec<Reading> {
    match program.fact_index(path).and_then(|i| facts.get(i)) {
        Some(Value::Series(r)) => r.to_vec(),
        _ => Vec::new(),
    }
}

fn now(program: &Program, facts: &[Value]) -> Option<DateTime<FixedOffset>> {
    match program.now_slot.and_then(|s| facts.get(s as usize)) {
        Some(Value::Instant(t)) => Some(*t),
        _ => None,
    }
}

fn num(v: &Value) -> Option<f64> {
    match v {
        Value::Num(x) if x.is_finite() => Some(*x),
        _ => None,
    }
}

/// The readings of the last [`WINDOW_DAYS`] up to `now`.
fn recent(readings: Vec<Reading>, now: Option<DateTime<FixedOffset>>) -> Vec<Reading> {
    let Some(today) = now.map(|t| t.date_naive()) else { return readings };
    let from = today - chrono::Duration::days(WINDOW_DAYS - 1);
    readings.into_iter().filter(|r| r.date >= from && r.date <= today).collect()
}

/// The facts as they were on the morning of `date`: the same state with
/// `now` moved back to that day's end, so a window ending "today" ends then.
fn facts_on(program: &Program, facts: &[Value], date: NaiveDate) -> Vec<Value> {
    let mut out = facts.to_vec();
    if let (Some(slot), Some(t)) = (program.now_slot, now(program, facts)) {
        let end = date.and_time(NaiveTime::from_hms_opt(23, 59, 0).unwrap_or_default());
        if let Some(then) = t.offset().from_local_datetime(&end).single() {
            if let Some(v) = out.get_mut(slot as usize) {
                *v = Value::Instant(then.min(t));
            }
        }
    }
    out
}

fn show(value: f64, dim: Dim, system: UnitSystem) -> String {
    units::format_quantity(value, dim, system)
}

fn day(d: NaiveDate) -> String {
    d.format("%b %-d").to_string()
}

fn too_little(id: &'static str, title: &str, what: &str, have: usize) -> Chart {
    let summary = if have == 0 {
        format!("No {what} yet, so there is nothing to draw.")
    } else {
        format!("Only {have} {what}: a trend needs at least {MIN_POINTS}.")
    };
    Chart { id, title: title.into(), summary, svg: None, sparkline: None }
}

/// One morning of the HRV chart: date, reading, the 7-day mean and the
/// normal range (low, high), all in ms.
type Morning = (NaiveDate, f64, Option<f64>, Option<(f64, f64)>);

fn hrv(program: &Program, facts: &[Value], system: UnitSystem) -> Chart {
    const TITLE: &str = "Morning HRV";
    let now = now(program, facts);
    let readings = recent(series(program, facts, "hrv.readings"), now);
    if readings.len() < MIN_POINTS {
        return too_little("hrv", TITLE, "morning HRV readings", readings.len());
    }
    // Per morning: the 7-day mean and the normal range the trend rule uses
    // (HRV4Training's, on ln rMSSD), shown back in ms.
    let names = ["hrv_ln_7d", "hrv_ln_normal_low", "hrv_ln_normal_high"];
    let per_day: Vec<Morning> = readings
        .iter()
        .map(|r| {
            let v = eval::define_values(program, &facts_on(program, facts, r.date), &names);
            let mean = v.first().and_then(num).map(f64::exp);
            let band = match (v.get(1).and_then(num), v.get(2).and_then(num)) {
                (Some(lo), Some(hi)) => Some((lo.exp(), hi.exp())),
                _ => None,
            };
            (r.date, r.value, mean, band)
        })
        .collect();
    let below: Vec<(NaiveDate, f64)> = per_day
        .iter()
        .filter(|(_, v, _, band)| band.is_some_and(|(lo, _)| *v < lo))
        .map(|(d, v, _, _)| (*d, *v))
        .collect();
    let points: Vec<(NaiveDate, f64)> = per_day.iter().map(|(d, v, _, _)| (*d, *v)).collect();
    let means: Vec<(NaiveDate, f64)> = per_day.iter().filter_map(|(d, _, m, _)| m.map(|m| (*d, m))).collect();
    let band: Vec<(NaiveDate, f64, f64)> =
        per_day.iter().filter_map(|(d, _, _, b)| b.map(|(lo, hi)| (*d, lo, hi))).collect();
    let ms = |v: f64| show(v, Dim::HRV, system);
    let mut summary = format!(
        "{} morning readings from {} to {}; the latest {}.",
        points.len(),
        points.first().map_or(String::new(), |p| day(p.0)),
        points.last().map_or(String::new(), |p| day(p.0)),
        points.last().map_or(String::new(), |p| ms(p.1)),
    );
    match (means.last(), band.last()) {
        (Some((_, m)), Some((_, lo, hi))) => summary.push_str(&format!(
            " 7-day mean {}, normal range {}–{}; {} below the range.",
            ms(*m),
            ms(*lo),
            ms(*hi),
            mornings(below.len())
        )),
        _ => summary.push_str(" Not enough mornings yet for the 7-day mean and the normal range."),
    }
    let to_unit = |v: f64| v;
    let svg = draw(
        &Plot {
            title: TITLE,
            y_label: "ms",
            points: &convert(&points, to_unit),
            line: &convert(&means, to_unit),
            band: &band.iter().map(|(d, lo, hi)| (*d, to_unit(*lo), to_unit(*hi))).collect::<Vec<_>>(),
            marked: &convert(&below, to_unit),
            rules: &[],
        },
        "readings",
        "7-day mean",
        "normal range",
        "below the range",
    );
    Chart { id: "hrv", title: TITLE.into(), summary, svg, sparkline: sparkline(&points) }
}

fn mornings(n: usize) -> String {
    match n {
        1 => "1 morning".into(),
        n => format!("{n} mornings"),
    }
}

fn rhr(program: &Program, facts: &[Value], system: UnitSystem) -> Chart {
    const TITLE: &str = "Resting heart rate";
    let now = now(program, facts);
    let readings = recent(series(program, facts, "resting_hr.readings"), now);
    if readings.len() < MIN_POINTS {
        return too_little("rhr", TITLE, "morning resting heart rates", readings.len());
    }
    let baseline = program.fact_index("resting_hr.baseline").and_then(|i| facts.get(i)).and_then(num);
    let threshold = eval::define_values(program, facts, &["rhr_elevated_from"]).first().and_then(num);
    let points: Vec<(NaiveDate, f64)> = readings.iter().map(|r| (r.date, r.value)).collect();
    let elevated: Vec<(NaiveDate, f64)> =
        points.iter().filter(|(_, v)| threshold.is_some_and(|t| *v >= t)).copied().collect();
    let bpm = |v: f64| show(v, Dim::HEART_RATE, system);
    let mut summary = format!(
        "{} mornings from {} to {}; the latest {}.",
        points.len(),
        points.first().map_or(String::new(), |p| day(p.0)),
        points.last().map_or(String::new(), |p| day(p.0)),
        points.last().map_or(String::new(), |p| bpm(p.1)),
    );
    match (baseline, threshold) {
        (Some(b), Some(t)) => summary.push_str(&format!(
            " Baseline {}; elevated from {}: {} at or above it.",
            bpm(b),
            bpm(t),
            mornings(elevated.len())
        )),
        _ => summary.push_str(" No baseline is given, so elevated mornings cannot be marked."),
    }
    let mut rules = Vec::new();
    if let Some(b) = baseline {
        rules.push(("baseline", b, MUTED));
    }
    if let Some(t) = threshold {
        rules.push(("elevated from", t, ALERT));
    }
    let svg = draw(
        &Plot { title: TITLE, y_label: "bpm", points: &points, line: &[], band: &[], marked: &elevated, rules: &rules },
        "readings",
        "",
        "",
        "elevated",
    );
    Chart { id: "rhr", title: TITLE.into(), summary, svg, sparkline: sparkline(&points) }
}

fn volume(program: &Program, facts: &[Value], system: UnitSystem) -> Chart {
    const TITLE: &str = "Weekly volume";
    let weeks: Vec<f64> = match program.fact_index("training.weekly_volume").and_then(|i| facts.get(i)) {
        Some(Value::List(items)) => items.iter().filter_map(num).collect(),
        _ => Vec::new(),
    };
    if weeks.len() < MIN_POINTS {
        let summary = if weeks.is_empty() {
            "No weekly volume yet, so there is nothing to draw.".to_string()
        } else {
            format!("Only {} weeks of volume: a trend needs at least {MIN_POINTS}.", weeks.len())
        };
        return Chart { id: "volume", title: TITLE.into(), summary, svg: None, sparkline: None };
    }
    let target = eval::define_values(program, facts, &["recovery_week_low", "recovery_week_high"]);
    let band = match (target.first().and_then(num), target.get(1).and_then(num)) {
        (Some(lo), Some(hi)) => Some((lo, hi)),
        _ => None,
    };
    let km = |v: f64| show(v, Dim::LENGTH, system);
    let metric = system == UnitSystem::Metric;
    let to_unit = |v: f64| if metric { v / 1000.0 } else { v / 1609.344 };
    // Weeks are numbered back from the last complete one, which is week 0;
    // plotted on dates one week apart ending at `now`'s date.
    let end =
        now(program, facts).map_or_else(|| NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default(), |t| t.date_naive());
    let n = weeks.len() as i64;
    let points: Vec<(NaiveDate, f64)> =
        weeks.iter().enumerate().map(|(i, v)| (end - chrono::Duration::weeks(n - i as i64), to_unit(*v))).collect();
    let mut summary = format!(
        "{} weeks, oldest first: {}.",
        weeks.len(),
        weeks.iter().map(|w| km(*w)).collect::<Vec<_>>().join(", ")
    );
    let band_points: Vec<(NaiveDate, f64, f64)> = match band {
        Some((lo, hi)) => {
            summary.push_str(&format!(" A recovery week would be {}–{}.", km(lo), km(hi)));
            points.iter().map(|(d, _)| (*d, to_unit(lo), to_unit(hi))).collect()
        }
        None => Vec::new(),
    };
    let svg = draw(
        &Plot {
            title: TITLE,
            y_label: if metric { "km" } else { "mi" },
            points: &points,
            line: &points,
            band: &band_points,
            marked: &[],
            rules: &[],
        },
        "weeks",
        "weekly distance",
        "recovery-week target",
        "",
    );
    Chart { id: "volume", title: TITLE.into(), summary, svg, sparkline: None }
}

fn sleep(program: &Program, facts: &[Value]) -> Chart {
    const TITLE: &str = "Sleep per night";
    let nights = recent(series(program, facts, "sleep.nights"), now(program, facts));
    if nights.len() < MIN_POINTS {
        return too_little("sleep", TITLE, "nights of sleep", nights.len());
    }
    let hours = |s: f64| s / 3600.0;
    let target = eval::define_values(program, facts, &["sleep_target_low", "sleep_target_high"]);
    let band = match (target.first().and_then(num), target.get(1).and_then(num)) {
        (Some(lo), Some(hi)) => Some((hours(lo), hours(hi))),
        _ => None,
    };
    let points: Vec<(NaiveDate, f64)> = nights.iter().map(|r| (r.date, hours(r.value))).collect();
    let short: Vec<(NaiveDate, f64)> =
        points.iter().filter(|(_, h)| band.is_some_and(|(lo, _)| *h < lo)).copied().collect();
    let h = |v: f64| format!("{v:.1} h");
    let mut summary = format!(
        "{} nights from {} to {}; the latest {}.",
        points.len(),
        points.first().map_or(String::new(), |p| day(p.0)),
        points.last().map_or(String::new(), |p| day(p.0)),
        points.last().map_or(String::new(), |p| h(p.1)),
    );
    if let Some((lo, hi)) = band {
        summary.push_str(&format!(" Target {}–{}; {} short of it.", h(lo), h(hi), nights_word(short.len())));
    }
    let band_points: Vec<(NaiveDate, f64, f64)> =
        band.map(|(lo, hi)| points.iter().map(|(d, _)| (*d, lo, hi)).collect()).unwrap_or_default();
    let svg = draw(
        &Plot {
            title: TITLE,
            y_label: "h",
            points: &points,
            line: &[],
            band: &band_points,
            marked: &short,
            rules: &[],
        },
        "nights",
        "",
        "target",
        "short nights",
    );
    Chart { id: "sleep", title: TITLE.into(), summary, svg, sparkline: sparkline(&points) }
}

fn nights_word(n: usize) -> String {
    match n {
        1 => "1 night".into(),
        n => format!("{n} nights"),
    }
}

fn convert(points: &[(NaiveDate, f64)], f: impl Fn(f64) -> f64) -> Vec<(NaiveDate, f64)> {
    points.iter().map(|(d, v)| (*d, f(*v))).collect()
}

/// What one chart shows, in display units.
struct Plot<'a> {
    title: &'a str,
    y_label: &'a str,
    points: &'a [(NaiveDate, f64)],
    line: &'a [(NaiveDate, f64)],
    band: &'a [(NaiveDate, f64, f64)],
    marked: &'a [(NaiveDate, f64)],
    rules: &'a [(&'a str, f64, RGBColor)],
}

/// Draw one chart; `None` if plotters refused (the page then shows the
/// summary alone).
fn draw(plot: &Plot<'_>, points_label: &str, line_label: &str, band_label: &str, marked_label: &str) -> Option<String> {
    let mut svg = String::new();
    {
        let first = plot.points.first()?.0;
        let last = plot.points.last()?.0;
        let (first, last) = if first == last { (first - chrono::Duration::days(1), last) } else { (first, last) };
        let values = plot
            .points
            .iter()
            .map(|p| p.1)
            .chain(plot.line.iter().map(|p| p.1))
            .chain(plot.band.iter().flat_map(|b| [b.1, b.2]))
            .chain(plot.rules.iter().map(|r| r.1))
            .filter(|v| v.is_finite());
        let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
        if !lo.is_finite() || !hi.is_finite() {
            return None;
        }
        let pad = ((hi - lo) * 0.1).max(1.0);
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).ok()?;
        let mut chart = ChartBuilder::on(&root)
            .margin(8)
            .margin_right(28)
            .x_label_area_size(24)
            .y_label_area_size(44)
            .build_cartesian_2d(first..last, (lo - pad)..(hi + pad))
            .ok()?;
        chart
            .configure_mesh()
            .light_line_style(WHITE.mix(0.0))
            .x_labels(6)
            .y_labels(5)
            .x_label_formatter(&|d: &NaiveDate| day(*d))
            .y_desc(plot.y_label)
            .draw()
            .ok()?;
        if !plot.band.is_empty() {
            let upper = plot.band.iter().map(|b| (b.0, b.2));
            let lower = plot.band.iter().rev().map(|b| (b.0, b.1));
            chart
                .draw_series(std::iter::once(Polygon::new(upper.chain(lower).collect::<Vec<_>>(), BAND.filled())))
                .ok()?
                .label(band_label)
                .legend(|(x, y)| Rectangle::new([(x, y - 4), (x + 12, y + 4)], BAND.filled()));
        }
        for (label, value, color) in plot.rules {
            let color = *color;
            chart
                .draw_series(LineSeries::new([(first, *value), (last, *value)], color.stroke_width(1)))
                .ok()?
                .label(*label)
                .legend(move |(x, y)| PathElement::new([(x, y), (x + 12, y)], color));
        }
        if !plot.line.is_empty() {
            chart
                .draw_series(LineSeries::new(plot.line.iter().copied(), INK.stroke_width(2)))
                .ok()?
                .label(if line_label.is_empty() { points_label } else { line_label })
                .legend(|(x, y)| PathElement::new([(x, y), (x + 12, y)], INK.stroke_width(2)));
        }
        chart
            .draw_series(plot.points.iter().map(|p| Circle::new(*p, 3, INK.filled())))
            .ok()?
            .label(points_label)
            .legend(|(x, y)| Circle::new((x + 6, y), 3, INK.filled()));
        if !plot.marked.is_empty() {
            chart
                .draw_series(plot.marked.iter().map(|p| Circle::new(*p, 5, ALERT.stroke_width(2))))
                .ok()?
                .label(marked_label)
                .legend(|(x, y)| Circle::new((x + 6, y), 4, ALERT.stroke_width(2)));
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(MUTED)
            .position(SeriesLabelPosition::UpperLeft)
            .draw()
            .ok()?;
        root.present().ok()?;
        let _ = plot.title;
    }
    Some(svg)
}

/// A small line of the readings, for the squad table.
fn sparkline(points: &[(NaiveDate, f64)]) -> Option<String> {
    let mut svg = String::new();
    {
        let first = points.first()?.0;
        let last = points.last()?.0;
        if first == last {
            return None;
        }
        let (lo, hi) = points.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| (a.min(p.1), b.max(p.1)));
        let pad = ((hi - lo) * 0.1).max(0.5);
        let root = SVGBackend::with_string(&mut svg, (120, 28)).into_drawing_area();
        let mut chart =
            ChartBuilder::on(&root).margin(2).build_cartesian_2d(first..last, (lo - pad)..(hi + pad)).ok()?;
        chart.draw_series(LineSeries::new(points.iter().copied(), INK.stroke_width(1))).ok()?;
        root.present().ok()?;
    }
    Some(svg)
}
