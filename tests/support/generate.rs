//! A small grammar-aware generator of valid rule files and of state files,
//! shared by the property tests (`tests/properties.rs`) and the fuzz target
//! `evaluate` (`fuzz/fuzz_targets/evaluate.rs`, which includes this file by
//! path). Every decision is read from a [`Choices`] source, so proptest (a
//! vector of bytes it can shrink) and libFuzzer (bytes it mutates, read
//! through `arbitrary`) drive the same generator.
//!
//! Rule files are written against the prelude's facts and defines (compile
//! them with `Compiler::new().without_shipped()`), with comments, blank lines
//! and conditions broken over lines, so the formatter has work to do. States
//! are mostly valid; a few values are out of range on purpose so that the
//! state loader's refusals are exercised too.

#![allow(dead_code)]

use std::fmt::Write as _;

/// Where the generator's decisions come from.
pub trait Choices {
    /// A number in `0..n`; `n` is at least 1. An exhausted source answers 0,
    /// which always picks the smallest, simplest alternative.
    fn pick(&mut self, n: usize) -> usize;

    fn chance(&mut self, percent: usize) -> bool {
        self.pick(100) < percent
    }

    /// A number in `0..n` for an `n` that may be above 256: two choices.
    fn index(&mut self, n: usize) -> usize {
        (self.pick(256) * 256 + self.pick(256)) % n.max(1)
    }

    fn one_of<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.pick(items.len())]
    }
}

/// Choices read from a byte slice, one byte per choice.
pub struct Tape<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Tape<'a> {
    pub fn new(bytes: &'a [u8]) -> Tape<'a> {
        Tape { bytes, at: 0 }
    }
}

impl Choices for Tape<'_> {
    fn pick(&mut self, n: usize) -> usize {
        let byte = self.bytes.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        usize::from(byte) % n.max(1)
    }
}

/// A quantity's kind: its facts, the unit its literals are written in, and
/// the range those literals are drawn from.
struct Dim {
    facts: &'static [&'static str],
    unit: &'static str,
    max: usize,
}

const DIMS: &[Dim] = &[
    Dim {
        facts: &["last_session.duration", "since_session", "until_next_session", "days_since_marathon"],
        unit: "min",
        max: 600,
    },
    Dim { facts: &["resting_hr.today", "resting_hr.baseline", "athlete.max_hr", "easy_hr_cap"], unit: "bpm", max: 220 },
    Dim { facts: &["hrv.today", "hrv.baseline", "hrv_base", "hrv_now"], unit: "ms", max: 200 },
];

const NUMBERS: &[&str] = &[
    "athlete.age",
    "hrv.days_trending_down",
    "resting_hr.days_elevated",
    "training.sessions_today",
    "symptoms.soreness",
    "training.weeks_since_recovery_week",
    "hrv_days_below",
];

const BOOLS: &[&str] = &[
    "athlete.performance_goal",
    "symptoms.heavy_legs",
    "symptoms.dizziness",
    "sleep.bedtime_varies",
    "last_session.cooled_down",
    "last_session_hard",
    "next_session_hard",
    "hrv_below_baseline",
];

/// Enum-typed facts and their values.
const ENUMS: &[(&str, &[&str])] = &[
    ("last_session.kind", SESSION_KINDS),
    ("next_session.kind", SESSION_KINDS),
    ("last_session.effort", EFFORTS),
    ("hrv.trend", &["up", "stable", "down"]),
    ("training.phase", &["base", "build", "peak", "taper", "recovery", "off_season"]),
];

const SESSION_KINDS: &[&str] =
    &["easy", "long_run", "intervals", "tempo", "race", "time_trial", "marathon", "cross_training"];
const EFFORTS: &[&str] = &["easy", "moderate", "hard", "very_hard"];
const AREAS: &[&str] = &["calves", "quads", "hamstrings", "it_band", "glutes", "hip_flexors"];
const WORDS: &[&str] = &["walk", "easy", "sleep", "drink water", "rest", "stretch", "eat", "ice", "10'", "ü", "—"];
const COMMENTS: &[&str] = &["# note", "# DECISION: a choice", "#", "# \"quoted\" {x}", "# ünïcode"];

/// The defines a generated file adds, so later conditions can use them.
struct Scope {
    numbers: Vec<String>,
    bools: Vec<String>,
}

/// A valid rule file: a few defines, then one or two protocols of rules.
pub fn rule_file(c: &mut impl Choices) -> String {
    let mut out = String::new();
    let mut scope = Scope { numbers: Vec::new(), bools: Vec::new() };
    if c.chance(40) {
        let _ = writeln!(out, "{}", c.one_of(COMMENTS));
    }
    for i in 0..c.pick(3) {
        let name = format!("gen_define_{i}");
        if c.chance(50) {
            let expr = bool_expr(c, &scope, 2);
            let _ = writeln!(out, "define {name} = {expr}");
            scope.bools.push(name);
        } else {
            let expr = num_expr(c, &scope, 2);
            let _ = writeln!(out, "define {name} = {expr}");
            scope.numbers.push(name);
        }
        if c.chance(50) {
            let _ = writeln!(out, "  \"a generated define\"");
        }
        blank_or_comment(c, &mut out);
    }
    for p in 0..1 + c.pick(2) {
        let _ = writeln!(out, "protocol gen_{p} \"Generated {p}\" {{");
        if c.chance(50) {
            let _ = writeln!(out, "  source \"nowhere, section {p}\"");
        }
        let rules = 1 + c.pick(4);
        for r in 0..rules {
            rule(c, &scope, r, &mut out);
            blank_or_comment(c, &mut out);
        }
        let _ = writeln!(out, "}}");
        blank_or_comment(c, &mut out);
    }
    out
}

fn blank_or_comment(c: &mut impl Choices, out: &mut String) {
    match c.pick(4) {
        0 => out.push('\n'),
        1 => {
            let _ = writeln!(out, "  {}", c.one_of(COMMENTS));
        }
        _ => {}
    }
}

fn rule(c: &mut impl Choices, scope: &Scope, r: usize, out: &mut String) {
    let _ = writeln!(out, "  rule r{r} {{");
    let mut when = bool_expr(c, scope, 3);
    // Words for the reason: only on a condition of `when` or `unless`.
    if c.chance(20) {
        when = format!("({when}) as \"{} held\"", c.one_of(WORDS));
    }
    let when = if c.chance(30) {
        // A condition over several lines, maybe with comments at line ends.
        let extra = bool_expr(c, scope, 1);
        let comment = if c.chance(50) { format!(" {}", c.one_of(COMMENTS)) } else { String::new() };
        format!("({when}){comment}\n      {} ({extra})", c.one_of(&["and", "or"]))
    } else {
        when
    };
    let _ = writeln!(out, "    when {when}");
    if c.chance(25) {
        let _ = writeln!(out, "    unless {}", bool_expr(c, scope, 2));
    }
    let _ = writeln!(out, "    advise {}", template(c, scope));
    if c.chance(50) {
        let _ = writeln!(out, "    because {}", template(c, scope));
    }
    let _ = writeln!(out, "    priority {}", c.one_of(&["high", "medium", "low"]));
    let _ = writeln!(out, "    timing {}", c.one_of(&["now", "today", "next_24h", "this_week", "long_term"]));
    if c.chance(30) {
        let _ = writeln!(out, "    category {}", c.one_of(&["cooldown", "sleep", "misc"]));
    }
    if c.chance(30) {
        let _ = writeln!(out, "    for {}", c.one_of(&["walking", "walking, stretching", "sleep"]));
    }
    if c.chance(20) {
        let _ = writeln!(out, "    against {}", c.one_of(&["ice", "ice, heat"]));
    }
    // Only earlier rules are suppressed, so there is never a cycle.
    if r > 0 && c.chance(30) {
        let _ = writeln!(out, "    suppresses r{}", c.pick(r));
    }
    if c.chance(20) {
        let _ = writeln!(out, "    {}", c.one_of(COMMENTS));
    }
    let _ = writeln!(out, "  }}");
}

/// Advice text: words, escapes and holes holding numbers or quantities.
fn template(c: &mut impl Choices, scope: &Scope) -> String {
    let mut s = String::from("\"");
    for _ in 0..1 + c.pick(4) {
        match c.pick(6) {
            0 => {
                let _ = write!(s, "{{{}}}", num_expr(c, scope, 1));
            }
            1 => {
                let dim = c.pick(DIMS.len());
                let _ = write!(s, "{{{}}}", quantity_expr(c, scope, dim, 1));
            }
            2 => s.push_str(c.one_of(&["\\\"", "\\{", "\\}", "\\\\", "\\n", "# not a comment "])),
            _ => {
                s.push_str(c.one_of(WORDS));
                s.push(' ');
            }
        }
    }
    s.push('"');
    s
}

fn number_literal(c: &mut impl Choices, max: usize) -> String {
    let whole = c.pick(max + 1);
    if c.chance(20) {
        format!("{whole}.{}", c.pick(10))
    } else {
        whole.to_string()
    }
}

fn num_expr(c: &mut impl Choices, scope: &Scope, depth: usize) -> String {
    let alternatives = if depth == 0 { 2 } else { 8 };
    match c.pick(alternatives) {
        0 => number_literal(c, 400),
        1 => {
            let i = c.pick(NUMBERS.len() + scope.numbers.len());
            NUMBERS.get(i).map_or_else(|| scope.numbers[i - NUMBERS.len()].clone(), |s| s.to_string())
        }
        2 => format!("{} + {}", num_expr(c, scope, depth - 1), num_expr(c, scope, depth - 1)),
        3 => format!("{} - {}", num_expr(c, scope, depth - 1), num_expr(c, scope, depth - 1)),
        4 => format!("{} * {}", num_expr(c, scope, depth - 1), num_expr(c, scope, depth - 1)),
        // Division by a fact or by zero is allowed: it must give a
        // diagnostic or an unknown value, never a panic.
        5 => format!("({}) / ({})", num_expr(c, scope, depth - 1), num_expr(c, scope, depth - 1)),
        6 => format!("-({})", num_expr(c, scope, depth - 1)),
        _ => format!(
            "(if {} then {} else {})",
            bool_expr(c, scope, depth - 1),
            num_expr(c, scope, depth - 1),
            num_expr(c, scope, depth - 1)
        ),
    }
}

fn quantity_literal(c: &mut impl Choices, dim: usize) -> String {
    let d = &DIMS[dim];
    let space = if c.chance(30) { " " } else { "" };
    format!("{}{space}{}", number_literal(c, d.max), d.unit)
}

fn quantity_expr(c: &mut impl Choices, scope: &Scope, dim: usize, depth: usize) -> String {
    let alternatives = if depth == 0 { 2 } else { 6 };
    match c.pick(alternatives) {
        0 => quantity_literal(c, dim),
        1 => c.one_of(DIMS[dim].facts).to_string(),
        2 => format!("{} + {}", quantity_expr(c, scope, dim, depth - 1), quantity_expr(c, scope, dim, depth - 1)),
        3 => format!("{} - {}", quantity_expr(c, scope, dim, depth - 1), quantity_literal(c, dim)),
        4 => format!("({}) * {}", quantity_expr(c, scope, dim, depth - 1), number_literal(c, 3)),
        _ => format!(
            "(if {} then {} else {})",
            bool_expr(c, scope, depth - 1),
            quantity_expr(c, scope, dim, depth - 1),
            quantity_expr(c, scope, dim, depth - 1)
        ),
    }
}

const COMPARISONS: &[&str] = &["<", "<=", ">", ">=", "==", "!="];

fn bool_expr(c: &mut impl Choices, scope: &Scope, depth: usize) -> String {
    let alternatives = if depth == 0 { 6 } else { 12 };
    match c.pick(alternatives) {
        0 => {
            let i = c.pick(BOOLS.len() + scope.bools.len());
            let fact = BOOLS.get(i).map_or_else(|| scope.bools[i - BOOLS.len()].clone(), |s| s.to_string());
            match c.pick(3) {
                0 => fact,
                1 => format!("{fact} is true"),
                _ => format!("{fact} is false"),
            }
        }
        1 => {
            let dim = c.pick(DIMS.len());
            format!(
                "{} {} {}",
                quantity_expr(c, scope, dim, depth.min(1)),
                c.one_of(COMPARISONS),
                quantity_expr(c, scope, dim, depth.min(1))
            )
        }
        2 => format!("{} {} {}", num_expr(c, scope, depth.min(1)), c.one_of(COMPARISONS), num_expr(c, scope, 0)),
        3 => {
            let (fact, values) = ENUMS[c.pick(ENUMS.len())];
            match c.pick(4) {
                0 => format!("{fact} is {}", c.one_of(values)),
                1 => format!("{fact} is not {}", c.one_of(values)),
                2 => format!("{fact} in [{}, {}]", c.one_of(values), c.one_of(values)),
                _ => format!("{fact} not in [{}]", c.one_of(values)),
            }
        }
        // A leaf guarded by its own fact being known, as a platform's
        // translated rules write every leaf (one operation in the flat form
        // of the rules' logic).
        4 if c.chance(50) => {
            let leaf = match c.pick(3) {
                0 => {
                    let fact = c.one_of(NUMBERS);
                    (fact, format!("{fact} {} {}", c.one_of(COMPARISONS), number_literal(c, 10)))
                }
                1 => {
                    let fact = c.one_of(BOOLS);
                    (fact, if c.chance(50) { fact.to_string() } else { format!("{fact} is true") })
                }
                _ => {
                    let (fact, values) = ENUMS[c.pick(ENUMS.len())];
                    let test = if c.chance(50) {
                        format!("{fact} is {}", c.one_of(values))
                    } else {
                        format!("{fact} in [{}, {}]", c.one_of(values), c.one_of(values))
                    };
                    (fact, test)
                }
            };
            format!("({} is known and {})", leaf.0, leaf.1)
        }
        4 => {
            let fact = match c.pick(3) {
                0 => c.one_of(BOOLS),
                1 => c.one_of(NUMBERS),
                _ => ENUMS[c.pick(ENUMS.len())].0,
            };
            format!("{fact} is {}", c.one_of(&["missing", "known", "not missing", "not known"]))
        }
        5 if c.chance(50) => format!("symptoms.tight_areas contains {}", c.one_of(AREAS)),
        // Hours of sleep compare with hours (`7h`) but are plain numbers
        // anywhere else (an `if` mixing `sleep.last_night` and `1h` is a
        // unit mismatch), so they only appear in a comparison.
        5 => format!(
            "{} {} {}h",
            c.one_of(&["sleep.last_night", "sleep.average_7d"]),
            c.one_of(COMPARISONS),
            number_literal(c, 12)
        ),
        6 | 7 => format!(
            "{} {} {}",
            bool_expr(c, scope, depth - 1),
            c.one_of(&["and", "or"]),
            bool_expr(c, scope, depth - 1)
        ),
        8 => format!("not ({})", bool_expr(c, scope, depth - 1)),
        9 => format!(
            "(if {} then {} else {})",
            bool_expr(c, scope, depth - 1),
            bool_expr(c, scope, depth - 1),
            bool_expr(c, scope, depth - 1)
        ),
        10 => {
            let dim = c.pick(DIMS.len());
            format!(
                "{} {}between {} and {}",
                c.one_of(DIMS[dim].facts),
                if c.chance(30) { "not " } else { "" },
                quantity_literal(c, dim),
                quantity_literal(c, dim)
            )
        }
        _ => format!("({})", bool_expr(c, scope, depth - 1)),
    }
}

/// A state file: `now`, the required last session, and a random selection
/// of other facts, a few of them out of range.
pub fn state_file(c: &mut impl Choices) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "now: 2026-11-28T08:15:00+01:00");
    if c.chance(30) {
        let _ =
            writeln!(out, "athlete:\n  name: {}\n  age: {}", c.one_of(&["Jo", "\"Ann Lee\"", "Zoë"]), value(c, 10, 99));
    }
    let day = 20 + c.pick(9);
    let hour = if day == 28 { c.pick(8) } else { c.pick(24) };
    let _ = writeln!(out, "last_session:");
    let _ = writeln!(out, "  kind: {}", c.one_of(SESSION_KINDS));
    let _ = writeln!(out, "  ended_at: 2026-11-{day:02}T{hour:02}:{:02}:00+01:00", c.pick(60));
    if c.chance(50) {
        let _ = writeln!(out, "  effort: {}", c.one_of(EFFORTS));
    }
    if c.chance(50) {
        let _ = writeln!(out, "  duration: \"{}h{}m\"", c.pick(4), c.pick(60));
    }
    if c.chance(40) {
        let _ = writeln!(out, "  cooled_down: {}", c.one_of(&["true", "false"]));
    }
    if c.chance(40) {
        let _ = writeln!(out, "next_session:\n  kind: {}", c.one_of(SESSION_KINDS));
        let _ = writeln!(out, "  at: 2026-11-{:02}T18:00:00+01:00", 28 + c.pick(3));
    }
    if c.chance(50) {
        let _ = writeln!(out, "hrv:");
        let _ = writeln!(out, "  baseline: {}", value(c, 5, 250));
        let _ = writeln!(out, "  today: {}", value(c, 5, 250));
        if c.chance(50) {
            let _ = writeln!(out, "  trend: {}", c.one_of(&["up", "stable", "down"]));
        }
        if c.chance(50) {
            let _ = writeln!(out, "  days_trending_down: {}", value(c, 0, 365));
        }
        if c.chance(40) {
            let _ = writeln!(out, "  readings:");
            for i in 0..c.pick(20) {
                let _ = writeln!(out, "    - {{ date: 2026-11-{:02}, rmssd: {} }}", 1 + i, value(c, 5, 250));
            }
        }
    }
    if c.chance(50) {
        let _ = writeln!(out, "resting_hr:\n  baseline: {}\n  today: {}", value(c, 25, 120), value(c, 25, 150));
        if c.chance(50) {
            let _ = writeln!(out, "  days_elevated: {}", value(c, 0, 365));
        }
    }
    if c.chance(50) {
        let _ = writeln!(out, "sleep:\n  last_night: {}", value(c, 0, 24));
        if c.chance(50) {
            let _ = writeln!(out, "  average_7d: {}", value(c, 0, 24));
        }
    }
    if c.chance(40) {
        let _ = writeln!(out, "training:\n  phase: {}", c.one_of(&["base", "build", "peak", "taper", "recovery"]));
        let _ = writeln!(out, "  weeks_since_recovery_week: {}", value(c, 0, 104));
    }
    if c.chance(50) {
        let _ = writeln!(out, "symptoms:");
        let _ = writeln!(out, "  soreness: {}", value(c, 0, 10));
        let _ = writeln!(out, "  heavy_legs: {}", c.one_of(&["true", "false"]));
        let _ = writeln!(out, "  dizziness: {}", c.one_of(&["true", "false"]));
        let _ = writeln!(out, "  tight_areas: [{}]", c.one_of(AREAS));
    }
    if c.chance(30) {
        let _ = writeln!(out, "last_marathon: {}", c.one_of(&["2026-10-04", "never", "2026-11-27"]));
    }
    out
}

/// A number in `lo..=hi`, or once in 25 times one just outside it (so that
/// about a third of the states, which hold several numbers, are refused).
fn value(c: &mut impl Choices, lo: usize, hi: usize) -> String {
    if c.chance(4) {
        return (hi + 1 + c.pick(100)).to_string();
    }
    (lo + c.pick(hi - lo + 1)).to_string()
}

/// Characters that matter to the grammar, the scanners and the renderer.
const SHARP: &[&str] = &[
    "{",
    "}",
    "\"",
    "#",
    "(",
    ")",
    "[",
    "]",
    "\\",
    "\n",
    "\r",
    "\r\n",
    "\t",
    " ",
    ".",
    ":",
    ",",
    "-",
    "/",
    "0",
    "9",
    "and ",
    "or ",
    "not ",
    "if ",
    "rule ",
    "é",
    "\u{1b}[31m",
    "\u{feff}",
    "\u{0}",
    "when ",
    "is ",
    "min",
    "1e400",
];

/// The text with a few edits: characters from [`SHARP`] inserted, ranges
/// deleted or repeated. Edits fall on character boundaries.
pub fn mutate(text: &str, c: &mut impl Choices) -> String {
    let mut s = text.to_string();
    for _ in 0..1 + c.pick(4) {
        let bounds: Vec<usize> = s.char_indices().map(|(i, _)| i).chain([s.len()]).collect();
        let i = c.index(bounds.len());
        let (at, to) = (bounds[i], bounds[(i + c.pick(12)).min(bounds.len() - 1)]);
        match c.pick(3) {
            0 => s.insert_str(at, c.one_of(SHARP)),
            1 => s.replace_range(at..to, ""),
            _ => {
                let piece = s[at..to].to_string();
                for _ in 0..c.pick(4) {
                    s.insert_str(at, &piece);
                }
            }
        }
    }
    s
}
