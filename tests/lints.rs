//! Every lint, proven on fixtures: `tests/lints/<name>/fires.rules` makes the
//! lint report (pinned as human output and as JSON), `quiet.rules` is the
//! nearest file that does not. Every example state a finding carries is
//! written out as `state.yaml`, read back by the state loader and evaluated:
//! it must show what the finding says.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use recoup::engine::{self, Selection};
use recoup::eval::{self, Status, SuppressReason};
use recoup::lint::{self, Config, Finding, LINTS};
use recoup::render;
use recoup::state;

const DIR: &str = "tests/lints";

fn lint_file(path: &Path) -> Vec<Finding> {
    lint::run(&[path.to_path_buf()], &Config::default()).expect("the fixture can be read")
}

fn folder(code: &str) -> PathBuf {
    Path::new(DIR).join(code.trim_start_matches("lint::"))
}

#[test]
fn every_lint_has_a_firing_and_a_quiet_fixture() {
    for l in LINTS {
        let dir = folder(l.code);
        let fires = lint_file(&dir.join("fires.rules"));
        assert!(fires.iter().any(|f| f.diagnostic.code == l.code), "{} does not fire on its fixture", l.code);
        for f in fires.iter().filter(|f| f.diagnostic.code == l.code) {
            let d = &f.diagnostic;
            assert!(d.file.is_some() && !d.labels.is_empty(), "{}: no labelled span", l.code);
            assert!(d.help.is_some(), "{}: no help", l.code);
            assert_eq!(d.severity, l.severity, "{}: reported at its default severity", l.code);
        }
        let quiet = lint_file(&dir.join("quiet.rules"));
        assert!(!quiet.iter().any(|f| f.diagnostic.code == l.code), "{} fires on its quiet fixture", l.code);
        let name = l.code.trim_start_matches("lint::").to_string();
        let human = render::lint::to_human(&fires, false, true);
        let json = render::lint::to_json(&fires);
        insta::with_settings!({ snapshot_path => "lints/snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!(format!("{name}-human"), human);
            insta::assert_snapshot!(format!("{name}-json"), json);
        });
    }
}

/// The rule ids a finding's message names, in order.
fn named_rules(program: &recoup::program::Program, message: &str) -> Vec<usize> {
    message.split('`').skip(1).step_by(2).filter_map(|id| program.rule_index(id)).collect()
}

#[test]
fn every_example_state_shows_what_its_finding_says() {
    let mut checked = 0;
    for l in LINTS {
        let path = folder(l.code).join("fires.rules");
        let program = engine::load(&Selection { no_builtin: false, paths: vec![path.clone()] }).expect("checks");
        for f in lint_file(&path) {
            let Some(example) = &f.example else { continue };
            let file = recoup::diagnostic::SourceFile::new("example.yaml", example.state_yaml.as_str());
            let st = state::load(&program, &file, state::NowSource::default()).unwrap_or_else(|e| {
                panic!("{}: the example state is rejected: {e:?}\n{}", f.diagnostic.code, example.state_yaml)
            });
            let outcome = eval::evaluate(&program, &st.facts);
            let status = |r: usize| outcome.rules.get(r).map(|o| o.status).unwrap();
            let fired = |r: usize| matches!(status(r), Status::Fired | Status::Suppressed { .. });
            let rules = named_rules(&program, &f.diagnostic.message);
            let code = f.diagnostic.code;
            match code {
                "lint::never-fires" => assert!(!fired(rules[0]), "{code}: {:?}", status(rules[0])),
                "lint::always-fires" => assert!(fired(rules[0]), "{code}: {:?}", status(rules[0])),
                "lint::gap" => {
                    // Every rule of the protocol that splits the fact stays quiet.
                    let protocol = program.rules[rules[0]].protocol;
                    for (i, r) in program.rules.iter().enumerate() {
                        if r.protocol == protocol {
                            assert!(!fired(i), "{code}: `{}` fires in the gap", r.id);
                        }
                    }
                }
                "lint::overlap" => assert!(fired(rules[0]) && fired(rules[1]), "{code}: both must fire"),
                "lint::conflict" => assert!(
                    rules.iter().any(|&r| matches!(
                        status(r),
                        Status::Suppressed { reason: SuppressReason::Conflict { .. }, .. }
                    )),
                    "{code}: the run-time policy must have decided"
                ),
                "lint::shadowed" => assert!(
                    matches!(status(rules[0]), Status::Suppressed { by, .. } if by == rules[1]),
                    "{code}: {:?}",
                    status(rules[0])
                ),
                other => panic!("{other} has an example but no check of it here"),
            }
            checked += 1;
        }
    }
    assert!(checked >= 6, "only {checked} examples were checked");
}

#[test]
fn every_lint_is_documented_and_listed_in_the_readme() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let mut codes = std::collections::HashSet::new();
    for l in LINTS {
        assert!(l.code.starts_with("lint::"), "{}", l.code);
        assert!(codes.insert(l.code), "{} is registered twice", l.code);
        assert!(!l.summary.is_empty(), "{} has no summary", l.code);
        for heading in ["What it finds:", "Why it matters:", "Example:", "Fix:"] {
            assert!(l.doc.contains(heading), "{} documentation lacks `{heading}`", l.code);
        }
        assert!(readme.contains(&format!("| `{}` |", l.code)), "README's lint table lacks {}", l.code);
        assert!(l.explain().contains(l.summary));
    }
}

#[test]
fn every_lint_code_in_the_source_is_registered() {
    let mut missing = Vec::new();
    let mut stack = vec![PathBuf::from("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            for piece in text.split('"').skip(1).step_by(2) {
                // Selector prefixes (`lint::unused`) in tests and the CLI's
                // format strings are not codes.
                let prefix = LINTS.iter().any(|l| l.code.starts_with(piece));
                if piece.starts_with("lint::")
                    && !piece.contains([' ', '{'])
                    && !prefix
                    && lint::lookup(piece).is_none()
                {
                    missing.push(format!("{}: {piece}", path.display()));
                }
            }
        }
    }
    assert!(missing.is_empty(), "lint codes used but not registered: {missing:?}");
}

#[test]
fn the_shipped_protocols_lint_clean() {
    let findings = lint::run(&[PathBuf::from("protocols")], &Config::default()).unwrap();
    let shown: Vec<String> = findings.iter().map(|f| f.diagnostic.render_plain()).collect();
    assert!(findings.is_empty(), "{}", shown.join("\n"));
}

#[test]
fn severity_follows_the_command_line() {
    let path = folder("lint::gap").join("fires.rules");
    let run = |config: Config| lint::run(std::slice::from_ref(&path), &config).unwrap();
    let denied = run(Config { deny: vec!["lint::gap".into()], ..Config::default() });
    assert!(lint::has_errors(&denied));
    assert!(!lint::has_errors(&run(Config::default())));
    let allowed = run(Config { allow: vec!["lint::gap".into()], ..Config::default() });
    assert!(!allowed.iter().any(|f| f.diagnostic.code == "lint::gap"));
    let selected = run(Config { select: vec!["lint::overlap".into()], ..Config::default() });
    assert!(selected.is_empty());
    let ignored = run(Config { ignore: vec!["lint::".into()], ..Config::default() });
    assert!(ignored.is_empty());
    assert!(Config { deny: vec!["lint::gaps".into()], ..Config::default() }.validate().is_err());
}

#[test]
fn an_editor_gets_diagnostics_from_texts() {
    let text = std::fs::read_to_string(folder("lint::near-miss-id").join("fires.rules")).unwrap();
    let diagnostics = lint::lint_texts(&[("cold-club.rules".into(), text.clone())], &Config::default());
    let near = diagnostics.iter().find(|d| d.code == "lint::near-miss-id").expect("near-miss reported");
    let fix = near.suggestion.as_ref().expect("a machine-applicable fix");
    let mut fixed = text.clone();
    fixed.replace_range(fix.span.start..fix.span.end, &fix.replacement);
    let after = lint::lint_texts(&[("cold-club.rules".into(), fixed)], &Config::default());
    assert!(!after.iter().any(|d| d.code == "lint::near-miss-id"));
    assert!(after.iter().any(|d| d.code == "lint::replaces"));
}
