//! `recoup report`: one self-contained HTML page for an athlete or a squad,
//! with the advice in the athlete's words (the coach's details folded away)
//! and the trends behind it.
//!
//! The page needs nothing when it opens: CSS and SVG are inline, there is no
//! script, and a Content-Security-Policy forbids every request, so a page a
//! coach mails or prints never reaches out. Charts come from [`charts`],
//! which asks the evaluator for the same derived facts the rules use; this
//! module only lays them out.

pub mod charts;

use std::fmt::Write as _;

use crate::diagnostic::Diagnostic;
use crate::eval::{self, Outcome};
use crate::program::{Program, Timing};
use crate::render::Report;
use crate::value::Value;

pub use charts::Chart;

/// What a coach can scan in the squad table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// A recommendation today advises against hard training (a low HRV
    /// trend, an elevated resting heart rate, the weeks after a marathon, a
    /// hard session too soon after another, ...).
    EaseOff,
    /// Neither morning HRV nor resting heart rate is known: the advice rests
    /// on the session alone.
    NotEnoughData,
    /// Anything else: train as planned, with the advice below.
    AsPlanned,
}

impl Status {
    pub fn words(self) -> &'static str {
        match self {
            Status::EaseOff => "ease off",
            Status::NotEnoughData => "not enough data",
            Status::AsPlanned => "as planned",
        }
    }
    fn class(self) -> &'static str {
        match self {
            Status::EaseOff => "ease-off",
            Status::NotEnoughData => "no-data",
            Status::AsPlanned => "as-planned",
        }
    }
}

/// One athlete's section.
#[derive(Clone, Debug)]
pub struct AthletePage {
    pub file: String,
    pub report: Report,
    pub status: Status,
    pub charts: Vec<Chart>,
    /// The coming days: (day, what starts and ends that day, one line
    /// each), in order.
    pub coming: Vec<(String, String)>,
}

/// A squad member: evaluated, or rejected with its first diagnostic.
#[derive(Clone, Debug)]
pub enum Entry {
    Athlete(Box<AthletePage>),
    Rejected { file: String, error: String },
}

impl Entry {
    /// A rejected file, described by its first diagnostic as
    /// `file:line:column: message`.
    pub fn rejected(file: String, errors: &[Diagnostic]) -> Entry {
        let error = match errors.first() {
            Some(d) => match d.location() {
                Some((name, line, col)) => format!("{name}:{line}:{col}: {}", d.message),
                None => d.message.clone(),
            },
            None => "rejected".into(),
        };
        Entry::Rejected { file, error }
    }
}

/// Everything one athlete's section shows, from one evaluation.
pub fn athlete(program: &Program, facts: &[Value], outcome: &Outcome, file: String, report: Report) -> AthletePage {
    let eases_off = outcome
        .recommendations
        .iter()
        .any(|&i| program.rules.get(i).is_some_and(|r| r.against_tags.iter().any(|t| t == "hard_training")));
    let known = eval::define_values(program, facts, &["hrv_now", "rhr_now"]);
    let status = if eases_off {
        Status::EaseOff
    } else if known.iter().all(Value::is_missing) {
        Status::NotEnoughData
    } else {
        Status::AsPlanned
    };
    AthletePage { file, report, status, charts: charts::charts(program, facts), coming: coming(program, facts) }
}

/// How long after a marathon the page shows the coming days: the guide's
/// post-marathon timeline runs six weeks.
const MARATHON_WINDOW_DAYS: f64 = 42.0;

/// How far ahead the calendar strip looks.
pub const COMING_DAYS: u32 = 14;

/// The coming days from `recoup timeline`, in the six weeks after a
/// marathon: for each later calendar day on
/// which advice starts or stops (nothing changing but the date), what
/// starts and what ends. Changes later today belong to today's advice and
/// are left out.
fn coming(program: &Program, facts: &[Value]) -> Vec<(String, String)> {
    // DECISION: the strip is for the weeks after a marathon, where the guide
    // is a timeline. Elsewhere "nothing changes but the date" mostly means
    // readings going stale, and a strip of advice ending for want of new
    // mornings would mislead more than it helps.
    let after_marathon = match eval::define_values(program, facts, &["days_since_marathon"]).first() {
        Some(Value::Num(d)) => *d >= 0.0 && *d <= MARATHON_WINDOW_DAYS * 86_400.0,
        _ => false,
    };
    if !after_marathon {
        return Vec::new();
    }
    let Some(scan) = crate::timeline::scan(program, facts, COMING_DAYS) else { return Vec::new() };
    let timeline = crate::render::timeline(program, &scan, None, COMING_DAYS);
    // The words of each rule's advice, as last given, to say what ends.
    let mut words: std::collections::HashMap<String, String> =
        timeline.advised_at_start.iter().map(|a| (a.rule.clone(), a.advice.clone())).collect();
    let mut days: Vec<(String, String)> = Vec::new();
    for moment in &timeline.changes {
        for start in &moment.starts {
            words.insert(start.rule.clone(), start.advice.clone());
        }
        if moment.days_from_start < 1 {
            continue;
        }
        let Ok(at) = chrono::DateTime::parse_from_rfc3339(&moment.at) else { continue };
        let day = at.format("%a %-d %b").to_string();
        let mut lines: Vec<String> = moment.starts.iter().map(|a| format!("Starts: {}", a.advice)).collect();
        lines.extend(
            moment
                .stops
                .iter()
                .filter(|s| s.how == "ended")
                .map(|s| format!("Ends: {}", words.get(&s.rule).cloned().unwrap_or_else(|| s.rule.clone()))),
        );
        if lines.is_empty() {
            continue;
        }
        match days.last_mut() {
            Some((last, text)) if *last == day => {
                text.push('\n');
                text.push_str(&lines.join("\n"));
            }
            _ => days.push((day, lines.join("\n"))),
        }
    }
    days
}

const STYLE: &str = "
:root { color-scheme: light; --ink: #1f2d3d; --muted: #5f6b76; --line: #d9e1e8; --accent: #1f4e79; }
* { box-sizing: border-box; }
body { font: 16px/1.5 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; color: var(--ink); margin: 0 auto; max-width: 980px; padding: 1rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.35rem; border-bottom: 2px solid var(--line); padding-bottom: .25rem; margin-top: 2.5rem; }
h3 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
h4 { font-size: 1rem; margin: 1rem 0 .25rem; color: var(--accent); }
.meta, .file, figcaption p, .note { color: var(--muted); font-size: .9rem; }
ol.advice { padding-left: 1.4rem; }
ol.advice li { margin-bottom: .8rem; }
.priority { font-size: .75rem; text-transform: uppercase; letter-spacing: .04em; padding: 0 .35rem; border-radius: .25rem; margin-right: .35rem; }
.priority.high { background: #fdecea; color: #a12b1f; }
.priority.medium { background: #fff4e0; color: #8a5300; }
.priority.low { background: #eef3f7; color: var(--muted); }
.why { margin: .2rem 0; }
details { font-size: .9rem; color: var(--muted); }
details ul { margin: .25rem 0; }
figure { margin: 1rem 0; }
figure svg { width: 100%; height: auto; max-width: 640px; display: block; }
table { border-collapse: collapse; width: 100%; font-size: .95rem; }
th, td { text-align: left; vertical-align: top; padding: .4rem .5rem; border-bottom: 1px solid var(--line); }
td svg { width: 120px; height: 28px; }
.spark small { display: block; color: var(--muted); font-size: .75rem; }
.status { font-weight: 600; white-space: nowrap; }
.status.ease-off { color: #a12b1f; }
.status.as-planned { color: #2e7d32; }
.status.no-data, .status.rejected { color: var(--muted); }
ul.coming { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .5rem; }
ul.coming li { border: 1px solid var(--line); border-radius: .4rem; padding: .4rem .6rem; min-width: 12rem; flex: 1 1 12rem; }
ul.coming b { display: block; }
ul.coming p { margin: .25rem 0; font-size: .9rem; }
@media (max-width: 640px) {
  body { font-size: 15px; padding: .5rem; }
  /* On a phone each athlete's row becomes a card: cells stacked. */
  #squad thead { display: none; }
  #squad tr, #squad th, #squad td { display: block; border: 0; padding: .15rem 0; }
  #squad tr { border-bottom: 1px solid var(--line); padding: .5rem 0; }
  #squad td:nth-child(2) { color: var(--muted); font-size: .85rem; }
  #squad ul { padding-left: 1.1rem; margin: .25rem 0; }
  .spark { display: inline-block; margin-right: .75rem; }
}
@media print { h2 { break-before: page; } h2:first-of-type { break-before: auto; } figure, li, tr { break-inside: avoid; } details { display: none; } }
";

/// The whole page. One athlete gets their section; several get the squad
/// table first, linking to each section.
pub fn html(entries: &[Entry]) -> String {
    let mut out = String::new();
    let athletes: Vec<(usize, &AthletePage)> = entries
        .iter()
        .filter_map(|e| match e {
            Entry::Athlete(a) => Some(&**a),
            Entry::Rejected { .. } => None,
        })
        .enumerate()
        .map(|(i, a)| (i + 1, a))
        .collect();
    let title = match (entries.len(), athletes.first()) {
        (1, Some((_, a))) => format!("Recovery report: {}", name(a)),
        _ => format!("Recovery report: squad of {}", entries.len()),
    };
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<header>\n<h1>{}</h1>\n",
        esc(&title),
        esc(&title)
    );
    out.push_str("<p class=\"meta\">Made by recoup from the protocols and the state files named below.</p>\n");
    out.push_str("</header>\n<main>\n");
    if entries.len() > 1 {
        squad(&mut out, entries, &athletes);
    }
    for (n, a) in &athletes {
        section(&mut out, *n, a);
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

fn name(a: &AthletePage) -> String {
    a.report.athlete.clone().unwrap_or_else(|| a.file.clone())
}

fn squad(out: &mut String, entries: &[Entry], athletes: &[(usize, &AthletePage)]) {
    out.push_str(
        "<section id=\"squad\" aria-labelledby=\"squad-title\">\n<h2 id=\"squad-title\">Squad</h2>\n<table>\n\
         <thead><tr><th scope=\"col\">Athlete</th><th scope=\"col\">File</th><th scope=\"col\">Status</th>\
         <th scope=\"col\">High priority</th><th scope=\"col\">Trends</th></tr></thead>\n<tbody>\n",
    );
    let mut next = athletes.iter();
    for entry in entries {
        match entry {
            Entry::Athlete(_) => {
                let Some((n, a)) = next.next() else { continue };
                let high: Vec<&str> = a
                    .report
                    .recommendations
                    .iter()
                    .filter(|r| r.priority == "high")
                    .map(|r| r.advice.as_str())
                    .collect();
                let rest = a.report.recommendations.len() - high.len();
                let _ = write!(
                    out,
                    "<tr><th scope=\"row\"><a href=\"#athlete-{n}\">{}</a></th><td>{}</td>\
                     <td class=\"status {}\">{}</td><td>",
                    esc(&name(a)),
                    esc(&a.file),
                    a.status.class(),
                    a.status.words()
                );
                if high.is_empty() {
                    out.push_str("nothing urgent");
                } else {
                    out.push_str("<ul>");
                    for h in high {
                        let _ = write!(out, "<li>{}</li>", esc(h));
                    }
                    out.push_str("</ul>");
                }
                if rest > 0 {
                    let _ = write!(out, "<span class=\"note\">and {rest} more</span>");
                }
                out.push_str("</td><td>");
                for chart in a.charts.iter().filter(|c| c.sparkline.is_some()) {
                    if let Some(svg) = &chart.sparkline {
                        let _ = write!(
                            out,
                            "<div class=\"spark\"><small>{}</small>{}</div>",
                            esc(short_name(chart.id)),
                            labelled_svg(svg, &format!("{} trend", chart.title), &chart.summary)
                        );
                    }
                }
                out.push_str("</td></tr>\n");
            }
            Entry::Rejected { file, error } => {
                let _ = writeln!(
                    out,
                    "<tr><th scope=\"row\">—</th><td>{}</td><td class=\"status rejected\">rejected</td>\
                     <td colspan=\"2\">{}</td></tr>",
                    esc(file),
                    esc(error)
                );
            }
        }
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

fn section(out: &mut String, n: usize, a: &AthletePage) {
    let _ = write!(
        out,
        "<section id=\"athlete-{n}\" aria-labelledby=\"athlete-{n}-title\">\n<h2 id=\"athlete-{n}-title\">{}</h2>\n\
         <p class=\"file\">{} · evaluated for {} · <span class=\"status {}\">{}</span></p>\n<h3>Today's advice</h3>\n",
        esc(&name(a)),
        esc(&a.file),
        esc(a.report.evaluated_at.as_deref().unwrap_or("an unknown time")),
        a.status.class(),
        a.status.words()
    );
    if a.report.recommendations.is_empty() {
        out.push_str("<p>No advice today: nothing in the protocols applies.</p>\n");
    }
    for (key, timing) in Timing::ALL {
        let items: Vec<_> = a.report.recommendations.iter().filter(|r| r.timing == key).collect();
        if items.is_empty() {
            continue;
        }
        let _ = write!(out, "<h4>{}</h4>\n<ol class=\"advice\">\n", esc(timing.heading()));
        for r in items {
            let _ = write!(out, "<li><span class=\"priority {p}\">{p}</span>{}", esc(&r.advice), p = esc(r.priority));
            if let Some(why) = &r.because {
                let _ = write!(out, "<p class=\"why\">{}</p>", esc(why));
            }
            out.push_str("<details><summary>For the coach</summary><ul>");
            for reason in &r.reasons {
                let _ = write!(out, "<li>{}</li>", esc(reason));
            }
            let _ = write!(out, "</ul><p>rule {}", esc(&r.rule));
            if let Some(source) = &r.source {
                let _ = write!(out, " · {}", esc(source));
            }
            out.push_str("</p></details></li>\n");
        }
        out.push_str("</ol>\n");
    }
    out.push_str("<h3>Trends</h3>\n");
    for chart in &a.charts {
        let id = format!("athlete-{n}-{}", chart.id);
        match &chart.svg {
            Some(svg) => {
                let _ = write!(
                    out,
                    "<figure id=\"{id}\" class=\"chart\" aria-labelledby=\"{id}-title\" aria-describedby=\"{id}-summary\">\n{}\n\
                     <figcaption><b id=\"{id}-title\">{}</b><p id=\"{id}-summary\">{}</p></figcaption>\n</figure>\n",
                    labelled_svg(svg, &chart.title, &chart.summary),
                    esc(&chart.title),
                    esc(&chart.summary)
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "<div id=\"{id}\" class=\"chart no-data\"><b>{}</b><p class=\"note\">{}</p></div>",
                    esc(&chart.title),
                    esc(&chart.summary)
                );
            }
        }
    }
    if !a.coming.is_empty() {
        out.push_str("<h3>The coming days</h3>\n<ul class=\"coming\">\n");
        for (day, what) in &a.coming {
            let _ = write!(out, "<li><b>{}</b>", esc(day));
            for line in what.lines() {
                let _ = write!(out, "<p>{}</p>", esc(line));
            }
            out.push_str("</li>\n");
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</section>\n");
}

/// The squad table's label for a sparkline.
fn short_name(chart: &str) -> &str {
    match chart {
        "hrv" => "HRV",
        "rhr" => "resting HR",
        "sleep" => "sleep",
        other => other,
    }
}

/// An SVG from plotters with a title and description inside it, so a screen
/// reader announces it as an image with a text alternative.
fn labelled_svg(svg: &str, title: &str, summary: &str) -> String {
    let Some(open_end) = svg.find('>') else { return String::new() };
    let (open, rest) = svg.split_at(open_end);
    let rest = rest.get(1..).unwrap_or_default();
    format!(
        "{open} role=\"img\" aria-label=\"{}\"><title>{}</title><desc>{}</desc>{rest}",
        esc(title),
        esc(title),
        esc(summary)
    )
}

/// Escape text for HTML, and drop control characters a state file might
/// smuggle in (they have no place on a page).
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Evaluate each state file (a rejected one becomes a row with its first
/// diagnostic) and lay out the page. Returns the page and every diagnostic
/// of the rejected files, for the caller to print.
pub fn build(
    program: &Program,
    files: Vec<Result<std::path::PathBuf, Diagnostic>>,
    now: crate::state::NowSource,
) -> (String, Vec<Diagnostic>) {
    let mut entries = Vec::new();
    let mut errors = Vec::new();
    for file in files {
        let path = match file {
            Ok(p) => p,
            Err(d) => {
                entries.push(Entry::rejected(String::new(), std::slice::from_ref(&d)));
                errors.push(d);
                continue;
            }
        };
        let name = path.display().to_string();
        match crate::import::load_state(program, &path, None, now) {
            Ok(state) => {
                let outcome = eval::evaluate(program, &state.facts);
                let report = crate::render::report(program, &outcome, state.athlete_name(program));
                entries.push(Entry::Athlete(Box::new(athlete(program, &state.facts, &outcome, name, report))));
            }
            Err(e) => {
                entries.push(Entry::rejected(name, &e));
                errors.extend(e);
            }
        }
    }
    (html(&entries), errors)
}
