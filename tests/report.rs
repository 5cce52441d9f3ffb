//! `recoup report`: the page's structure (sections, headings, chart titles
//! and their text alternatives, the squad table) pinned by snapshots, and
//! the promises the page makes checked directly: self-contained, every chart
//! labelled, a rejected file listed with its first error, charts that agree
//! with the advice. The page in a real browser is `.ci/browser-test`.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn report(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_recoup"))
        .arg("report")
        .args(args)
        .args(["-o", "-"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).expect("UTF-8 page"),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The page as a reader meets it, without the drawings: one line per
/// heading, table row, caption and paragraph. SVG bodies are replaced by
/// their `<title>` and `<desc>`, which is what a screen reader reads.
fn outline(html: &str) -> String {
    let mut text = String::new();
    let mut rest = html;
    // Drop the head (styles) and reduce each SVG to its title and desc.
    if let Some(i) = rest.find("<body>") {
        rest = &rest[i..];
    }
    while let Some(start) = rest.find("<svg") {
        text.push_str(&rest[..start]);
        let end = rest[start..].find("</svg>").map_or(rest.len(), |e| start + e + "</svg>".len());
        let svg = &rest[start..end];
        let between = |open: &str, close: &str| {
            svg.find(open)
                .and_then(|a| svg[a + open.len()..].find(close).map(|b| &svg[a + open.len()..a + open.len() + b]))
        };
        text.push_str(&format!(
            "\n[svg: {} | {}]\n",
            between("<title>", "</title>").unwrap_or("NO TITLE"),
            between("<desc>", "</desc>").unwrap_or("NO DESC")
        ));
        rest = &rest[end..];
    }
    text.push_str(rest);
    let mut out = String::new();
    let mut line = String::new();
    let mut in_tag = false;
    let mut tag = String::new();
    for c in text.chars() {
        match (in_tag, c) {
            (false, '<') => {
                in_tag = true;
                tag.clear();
            }
            (true, '>') => {
                in_tag = false;
                let name: String =
                    tag.trim_start_matches('/').chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
                let marker = match (tag.starts_with('/'), name.as_str()) {
                    (false, "h1") => Some("# "),
                    (false, "h2") => Some("## "),
                    (false, "h3") => Some("### "),
                    (false, "h4") => Some("#### "),
                    (false, "li") => Some("- "),
                    (false, "tr") => Some("| "),
                    (false, "td" | "th") => Some(" | "),
                    (false, "figure") => Some("[figure] "),
                    (false, "p" | "section" | "table" | "ol" | "ul" | "details" | "figcaption" | "div" | "summary") => {
                        Some("")
                    }
                    _ => None,
                };
                if let Some(m) = marker {
                    if !matches!(name.as_str(), "td" | "th") {
                        flush(&mut out, &mut line);
                    }
                    line.push_str(m);
                }
            }
            (true, c) => tag.push(c),
            (false, '\n') => line.push(' '),
            (false, c) => line.push(c),
        }
    }
    flush(&mut out, &mut line);
    out
}

fn flush(out: &mut String, line: &mut String) {
    let folded = line.split_whitespace().collect::<Vec<_>>().join(" ");
    if !folded.is_empty() && !["|", "-", "[figure]"].contains(&folded.as_str()) {
        out.push_str(
            &folded
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&")
                .replace("&#39;", "'")
                .replace("&quot;", "\""),
        );
        out.push('\n');
    }
    line.clear();
}

fn assert_self_contained(html: &str) {
    assert!(html.contains("Content-Security-Policy\" content=\"default-src 'none'"), "the page forbids requests");
    for forbidden in ["<script", "<link", "<img", "<iframe", "src=", "url(", "@import"] {
        assert!(!html.contains(forbidden), "the page must not load anything: found `{forbidden}`");
    }
    // Links stay on the page.
    for href in html.split("href=\"").skip(1) {
        assert!(href.starts_with('#'), "a link leaves the page: {}", &href[..href.len().min(40)]);
    }
}

fn assert_every_chart_labelled(html: &str) {
    let svgs = html.matches("<svg").count();
    assert!(svgs > 0, "some chart is drawn");
    assert_eq!(html.matches("role=\"img\" aria-label=").count(), svgs, "every SVG is an image with a label");
    assert_eq!(html.matches("<title>").count() - 1, svgs, "every SVG has a title (besides the page's)");
    assert_eq!(html.matches("<desc>").count(), svgs, "every SVG has a one-line summary");
}

#[test]
fn squad_page_with_a_rejected_file() {
    let (code, html, stderr) = report(&["--now", "2026-11-28T07:30:00+01:00", "tests/fixtures/report"]);
    assert_eq!(code, 2, "a rejected file makes the exit code 2, as evaluate does");
    assert!(stderr.contains("unknown field `last_sesion`"), "the diagnostics go to stderr:\n{stderr}");
    assert_self_contained(&html);
    assert_every_chart_labelled(&html);
    assert!(html.contains("tests/fixtures/report/3-broken.yaml:5:1: unknown field `last_sesion`"));
    insta::with_settings!({ snapshot_path => "report/snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!("squad_outline", outline(&html));
    });
}

#[test]
fn one_athlete_per_shipped_example() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    names.sort();
    assert!(names.len() >= 5);
    let mut all = String::new();
    for name in &names {
        let path = format!("examples/{name}");
        let (code, html, stderr) = report(&[&path]);
        assert_eq!(code, 0, "{name}: {stderr}");
        assert_self_contained(&html);
        assert!(!html.contains("id=\"squad\""), "one athlete gets no squad table");
        all.push_str(&format!("==== {name}\n{}", outline(&html)));
    }
    insta::with_settings!({ snapshot_path => "report/snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!("examples_outline", all);
    });
}

/// The HRV chart marks the mornings below the normal range the trend rule
/// uses; on the trending-down example the rule fires and the chart says the
/// 7-day mean sits below that range.
#[test]
fn charts_agree_with_the_advice() {
    let (_, html, _) = report(&["tests/fixtures/report/2-pacer.yaml"]);
    let summary = html.split("id=\"athlete-1-hrv-summary\">").nth(1).and_then(|s| s.split("</p>").next()).unwrap();
    // "... 7-day mean 57 ms, normal range 59 ms–64 ms; ..."
    let number_after = |key: &str| -> f64 {
        let tail = summary.split(key).nth(1).unwrap();
        tail.trim_start().split(|c: char| !c.is_ascii_digit() && c != '.').next().unwrap().parse().unwrap()
    };
    let mean = number_after("7-day mean");
    let low = number_after("normal range");
    assert!(mean < low, "the chart shows the trend the rule saw: {summary}");
    let explain = Command::new(env!("CARGO_BIN_EXE_recoup"))
        .args(["explain", "tests/fixtures/report/2-pacer.yaml", "hrv.trending_down"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let explain = String::from_utf8_lossy(&explain.stdout);
    assert!(explain.contains("fired") || explain.contains("suppressed"), "the rule holds too:\n{explain}");
    // Resting HR: the threshold drawn is the rules' `rhr_elevated_from`.
    let (_, html, _) = report(&["tests/fixtures/report/1-sleeper.yaml"]);
    assert!(html.contains("Baseline 50 bpm; elevated from 54 bpm: 4 mornings at or above it."), "{html}");
    assert!(html.contains("Only 2 morning HRV readings: a trend needs at least 3."));
    assert!(html.contains("Target 8.0 h–9.0 h; 7 nights short of it."));
}

#[test]
fn control_characters_and_markup_in_a_name_stay_text() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("evil.yaml");
    std::fs::write(
        &state,
        "now: 2026-11-28T07:00:00+01:00\nathlete:\n  name: \"<script>alert(1)</script>\\e[31m\\nInjected\"\nlast_session:\n  kind: easy\n  ended_at: 2026-11-27T18:00:00+01:00\n",
    )
    .unwrap();
    let (code, html, stderr) = report(&[state.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!html.contains("<script"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.contains('\u{1b}'), "no escape character reaches the page");
}

#[test]
fn writes_the_file_atomically_and_watch_rewrites_it() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("athlete.yaml");
    let original =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/report/1-sleeper.yaml"))
            .unwrap();
    std::fs::write(&state, &original).unwrap();
    let out = dir.path().join("page.html");
    let mut child = Command::new(env!("CARGO_BIN_EXE_recoup"))
        .args(["report", "--watch", "-o"])
        .arg(&out)
        .arg(&state)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let wait_for = |what: &dyn Fn(&str) -> bool| {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(30) {
            if std::fs::read_to_string(&out).is_ok_and(|page| what(&page)) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    };
    let first = wait_for(&|page| page.contains("Riley Sleeper"));
    if first {
        std::fs::write(&state, original.replace("Riley Sleeper", "Riley Renamed")).unwrap();
    }
    let second = first && wait_for(&|page| page.contains("Riley Renamed"));
    let _ = child.kill();
    let _ = child.wait();
    assert!(first, "the page was written");
    assert!(second, "--watch wrote the page again after the state changed");
    // Nothing but the page is left beside it (the temporary file was renamed).
    let mut left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["athlete.yaml", "page.html"]);
}

/// After a marathon the page shows the coming days from `recoup timeline`:
/// the day easy running may start, and what it replaces.
#[test]
fn coming_days_after_a_marathon() {
    let (code, html, stderr) = report(&["examples/post-marathon-week1.yaml"]);
    assert_eq!(code, 0, "{stderr}");
    let strip = html.split("<ul class=\"coming\">").nth(1).and_then(|s| s.split("</ul>").next()).expect("a strip");
    let days: Vec<&str> = strip.split("<li><b>").skip(1).map(|d| d.split("</b>").next().unwrap()).collect();
    assert!(!days.is_empty(), "{strip}");
    let run_again = strip.split("<li><b>").find(|d| d.contains("Starts: You can run again")).expect("running restarts");
    assert!(run_again.contains("Ends: "), "what it replaces ends the same day: {run_again}");
}
