//! Output bounded by input: however many problems a file has, a person is
//! shown a bounded number of them.
//!
//! A 44 KB rule file naming 5,000 missing rules in `suppresses`, or a state
//! with 4,000 bad list values, gave thousands of diagnostics, each drawn
//! with its source lines: hundreds of megabytes on a terminal. Two steps
//! bound that, for every human output (the diagnostics every command prints,
//! `lint`'s human and GitHub formats, `test`'s failures):
//!
//! 1. identical findings (same file, code, message and help, at different
//!    places) collapse into the first, which says how many more there were;
//! 2. at most [`MAX_PER_FILE`] diagnostics are shown per file, then one line
//!    says how many more there were.
//!
//! Each diagnostic's own text is bounded too: messages, labels and help are
//! clipped when the diagnostic is made (`Diagnostic::error` and friends) and
//! the source lines it shows are clipped by `snippet`.

use std::collections::HashMap;

use crate::diagnostic::{Diagnostic, Severity, SourceFile};

/// Most diagnostics shown for one file.
pub const MAX_PER_FILE: usize = 50;

/// The code of the line that stands for the diagnostics left out.
pub const TOO_MANY: &str = "recoup::too-many";

fn file_key(d: &Diagnostic) -> Option<&str> {
    d.file.as_deref().map(|f| f.name.as_str())
}

/// Collapse identical diagnostics, then keep at most [`MAX_PER_FILE`] per
/// file, each file's kept ones followed by one saying how many more there
/// were. Order is kept.
pub fn diagnostics(list: Vec<Diagnostic>) -> Vec<Diagnostic> {
    items(list, |d| d, |d| d)
}

/// The same over any items that carry a diagnostic (a lint finding): `get`
/// reads an item's diagnostic, `wrap` makes an item of a new one.
pub fn items<T>(list: Vec<T>, get: impl Fn(&T) -> &Diagnostic, wrap: impl Fn(Diagnostic) -> T) -> Vec<T> {
    let list = collapse(list, &get);
    // Per file: how many there are, and the worst severity of those that
    // will be left out (the closing line is at least as visible as they).
    let mut totals: HashMap<Option<String>, (usize, Severity)> = HashMap::new();
    for (item, _) in &list {
        let d = get(item);
        let (n, worst) = totals.entry(file_key(d).map(str::to_string)).or_insert((0, Severity::Note));
        *n += 1;
        if *n > MAX_PER_FILE {
            *worst = (*worst).min(d.severity);
        }
    }
    let mut kept: HashMap<Option<String>, usize> = HashMap::new();
    let mut out = Vec::with_capacity(list.len().min(4 * MAX_PER_FILE));
    for (item, more) in list {
        let file = get(&item).file.clone();
        let key = file_key(get(&item)).map(str::to_string);
        let n = kept.entry(key.clone()).or_default();
        *n += 1;
        if *n > MAX_PER_FILE {
            continue;
        }
        let summary = match totals.get(&key) {
            Some(&(total, worst)) if *n == MAX_PER_FILE && total > MAX_PER_FILE => {
                Some(left_out(file.as_deref(), total - MAX_PER_FILE, worst))
            }
            _ => None,
        };
        if more > 0 {
            let mut d = get(&item).clone();
            d.message = format!("{} ({more} more {} in this file)", d.message, times(more));
            out.push(wrap(d));
        } else {
            out.push(item);
        }
        if let Some(s) = summary {
            out.push(wrap(s));
        }
    }
    out
}

fn times(n: usize) -> &'static str {
    if n == 1 {
        "time"
    } else {
        "times"
    }
}

/// The line that stands for `n` diagnostics left out of `file`.
fn left_out(file: Option<&SourceFile>, n: usize, severity: Severity) -> Diagnostic {
    let what = match (severity, n) {
        (Severity::Error, 1) => "error",
        (Severity::Error, _) => "errors",
        (_, 1) => "problem",
        _ => "problems",
    };
    let place = file.map_or_else(|| "here".to_string(), |f| format!("in {}", f.cited_name()));
    let mut d = Diagnostic::error(TOO_MANY, format!("and {n} more {what} {place}")).help(format!(
        "only the first {MAX_PER_FILE} are shown for each file; fix these and run again to see the rest"
    ));
    d.severity = severity;
    d
}

/// Identical diagnostics (same file, code, message and help) merged into the
/// first, with how many more there were.
fn collapse<T>(list: Vec<T>, get: &impl Fn(&T) -> &Diagnostic) -> Vec<(T, usize)> {
    type Key = (Option<String>, &'static str, String, Option<String>);
    let key = |d: &Diagnostic| -> Key { (file_key(d).map(str::to_string), d.code, d.message.clone(), d.help.clone()) };
    let mut first: HashMap<Key, usize> = HashMap::new();
    let mut out: Vec<(T, usize)> = Vec::with_capacity(list.len());
    for item in list {
        let k = key(get(&item));
        match first.get(&k) {
            Some(&i) => {
                if let Some((_, more)) = out.get_mut(i) {
                    *more += 1;
                }
            }
            None => {
                first.insert(k, out.len());
                out.push((item, 0));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Span;

    fn at(file: &std::sync::Arc<SourceFile>, i: usize, message: String) -> Diagnostic {
        Diagnostic::error("check::unknown-rule", message).in_file(file).label(Span::new(i, i + 1), "here")
    }

    #[test]
    fn at_most_fifty_per_file_then_one_line() {
        let a = SourceFile::new("a.rules", "x".repeat(100));
        let b = SourceFile::new("b.rules", "x".repeat(100));
        let mut list: Vec<Diagnostic> = (0..80).map(|i| at(&a, i, format!("unknown rule `x{i}`"))).collect();
        list.push(at(&b, 0, "unknown rule `y`".into()));
        let capped = diagnostics(list);
        assert_eq!(capped.len(), MAX_PER_FILE + 2);
        let summary = capped.get(MAX_PER_FILE).map(|d| (d.code, d.message.as_str(), d.severity));
        assert_eq!(summary, Some((TOO_MANY, "and 30 more errors in `a.rules`", Severity::Error)));
        assert_eq!(capped.last().map(|d| d.message.as_str()), Some("unknown rule `y`"));
    }

    #[test]
    fn identical_findings_collapse_into_the_first() {
        let a = SourceFile::new("a.rules", "x".repeat(100));
        let list: Vec<Diagnostic> = (0..7).map(|i| at(&a, i, "the same".into())).collect();
        let capped = diagnostics(list);
        let messages: Vec<&str> = capped.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(messages, ["the same (6 more times in this file)"]);
    }
}
