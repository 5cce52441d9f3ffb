//! Reading files and walking folders: devices, pipes, huge files, links
//! that loop or dangle, unreadable folders, files a protocol test case names
//! outside its repository, `fmt` on a link, permissions of written files,
//! byte-order marks. Part of `tests/bad_inputs.rs`: the same child-process
//! harness (time limit, memory limit, output cap).

use std::os::unix::fs::{symlink, PermissionsExt as _};
use std::path::Path;
use std::process::Command;

use super::{refused, snap, temp_with, Run};

const STATE: &str = "now: 2026-11-28T08:15:00+01:00\nathlete:\n  name: Jo\nlast_session:\n  kind: easy\n  ended_at: 2026-11-28T07:00:00+01:00\n";

fn recoup_in(dir: &Path, args: &[&str]) -> Run {
    super::recoup_in(dir, args)
}

/// `text` with the temporary folder's path written as `[DIR]`, for snapshots.
fn redact(text: &str, dir: &Path) -> String {
    let real = std::fs::canonicalize(dir).unwrap();
    text.replace(&real.display().to_string(), "[DIR]").replace(&dir.display().to_string(), "[DIR]")
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success(), "mkfifo {}", path.display());
}

// ---- bounded reading --------------------------------------------------------

#[test]
fn a_device_is_refused_by_every_command_that_reads_files() {
    let dir = temp_with(&[("s.yaml", STATE)]);
    for (args, status) in [
        (&["evaluate", "/dev/zero"][..], 2),
        (&["lint", "/dev/zero"], 2),
        (&["fmt", "--check", "/dev/zero"], 2),
        (&["test", "/dev/zero"], 2),
        (&["explain", "/dev/zero"], 2),
        (&["timeline", "/dev/zero"], 2),
        (&["evaluate", "--protocols", "/dev/zero", "s.yaml"], 2),
        (&["evaluate", "--batch", "/dev/zero"], 2),
        (&["evaluate", "s.yaml", "--history", "/dev/zero"], 2),
        (&["report", "/dev/zero", "-o", "-"], 2),
    ] {
        let run = recoup_in(dir.path(), args);
        refused(&run, status, "recoup::not-a-file");
        assert!(run.stderr.contains("`/dev/zero` is a character device, not a file"), "{args:?}: {}", run.stderr);
    }
    let run = recoup_in(dir.path(), &["evaluate", "/dev/zero"]);
    snap("files-device", &run.stderr);
}

#[test]
fn a_named_pipe_is_refused_without_waiting_for_a_writer() {
    let dir = temp_with(&[("s.yaml", STATE)]);
    mkfifo(&dir.path().join("pipe.yaml"));
    mkfifo(&dir.path().join("pipe.rules"));
    for args in [
        &["evaluate", "pipe.yaml"][..],
        &["lint", "pipe.rules"],
        &["fmt", "pipe.rules"],
        &["test", "pipe.yaml"],
        &["evaluate", "--protocols", "pipe.rules", "s.yaml"],
        &["evaluate", "--batch", "pipe.yaml"],
    ] {
        let start = std::time::Instant::now();
        let run = recoup_in(dir.path(), args);
        refused(&run, 2, "recoup::not-a-file");
        assert!(run.stderr.contains("is a named pipe (FIFO), not a file"), "{args:?}: {}", run.stderr);
        assert!(start.elapsed() < std::time::Duration::from_secs(20), "{args:?} took {:?}", start.elapsed());
    }
    snap("files-fifo", &recoup_in(dir.path(), &["evaluate", "pipe.yaml"]).stderr);
}

#[test]
fn a_folder_named_where_a_file_is_read_says_so() {
    let dir = temp_with(&[("s.yaml", STATE), ("sub/x.txt", "")]);
    let run = recoup_in(dir.path(), &["explain", "sub"]);
    refused(&run, 2, "recoup::not-a-file");
    assert!(run.stderr.contains("`sub` is a folder, not a file"), "{}", run.stderr);
}

#[test]
fn files_over_their_limit_are_refused_without_being_read_whole() {
    let dir = temp_with(&[("s.yaml", STATE)]);
    // Sparse: the length says 5 MiB / 2 MiB; nothing is written to disk.
    let big = std::fs::File::create(dir.path().join("big.yaml")).unwrap();
    big.set_len(5 << 20).unwrap();
    let big = std::fs::File::create(dir.path().join("big.rules")).unwrap();
    big.set_len(2 << 20).unwrap();
    let run = recoup_in(dir.path(), &["evaluate", "big.yaml"]);
    refused(&run, 2, "recoup::too-large");
    assert!(run.stderr.contains("`big.yaml` is larger than 4 MiB, the limit for a state file"), "{}", run.stderr);
    snap("files-state-too-large", &run.stderr);
    for args in [
        &["lint", "big.rules"][..],
        &["fmt", "--check", "big.rules"],
        &["evaluate", "--protocols", "big.rules", "s.yaml"],
    ] {
        let run = recoup_in(dir.path(), args);
        // `lint` reports a rule file it will not read as a finding (1).
        refused(&run, if args[0] == "lint" { 1 } else { 2 }, "parse::too-large");
        let all = format!("{}{}", run.stdout, run.stderr);
        assert!(all.contains("`big.rules` is larger than 1 MiB, the limit for a rule file"), "{all}");
    }
}

#[test]
fn a_json_lines_batch_refuses_one_overlong_line_and_goes_on() {
    let state = r#"{"now": "2026-11-28T08:15:00+01:00", "last_session": {"kind": "easy", "ended_at": "2026-11-28T07:00:00+01:00"}}"#;
    let long = format!("{{\"athlete\": {{\"name\": \"{}\"}}}}", "x".repeat(5 << 20));
    // The first line starts with a byte-order mark, as a file saved by some
    // Windows editors does.
    let input = format!("\u{feff}{state}\n{long}\n{state}\n");
    let dir = temp_with(&[("in.jsonl", &input)]);
    let run = recoup_in(dir.path(), &["evaluate", "--batch", "in.jsonl", "--jobs", "1"]);
    assert_eq!(run.status, Some(1), "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", run.stdout);
    let long: serde_json::Value = serde_json::from_str(lines[1]).unwrap();
    assert_eq!(long["line"], 2);
    assert_eq!(long["error"]["code"], "recoup::too-large");
    snap("files-batch-long-line", lines[1]);
    for line in [lines[0], lines[2]] {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(v.get("error").is_none() && v.get("recommendations").is_some(), "{line}");
    }
}

// ---- what `recoup test` may read ------------------------------------------

/// No output of `run` holds a line of `/etc/passwd` or of the environment.
#[track_caller]
fn leaks_nothing(run: &Run) {
    let all = format!("{}{}", run.stdout, run.stderr);
    assert!(!all.contains("root:x:0"), "{all}");
    assert!(!all.contains("PATH="), "{all}");
    assert!(!all.contains("NO_COLOR=1"), "{all}");
}

#[test]
fn a_test_case_reads_only_files_inside_its_repository() {
    let case = |target: &str| format!("name: reads {target}\nstate_file: {target}\nfires: []\n");
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("other.yaml"), STATE).unwrap();
    for (target, code) in [
        ("/etc/passwd", "test::outside"),
        ("/proc/self/environ", "test::outside"),
        ("/dev/zero", "test::outside"),
        ("../../../../../../../../etc/passwd", "test::outside"),
        ("../../../../../../../../proc/self/environ", "test::outside"),
        ("link-out.yaml", "test::outside"),
        ("link-zero.yaml", "test::outside"),
        (".env", "test::outside"),
        ("sub/../.env", "test::outside"),
        ("pipe.yaml", "recoup::not-a-file"),
        ("nowhere.yaml", "recoup::io"),
    ] {
        let dir = temp_with(&[("tests/case.yml", &case(target)), ("tests/sub/keep", ""), ("tests/.env", "SECRET=1\n")]);
        symlink(outside.path().join("other.yaml"), dir.path().join("tests/link-out.yaml")).unwrap();
        symlink("/dev/zero", dir.path().join("tests/link-zero.yaml")).unwrap();
        mkfifo(&dir.path().join("tests/pipe.yaml"));
        let run = recoup_in(dir.path(), &["test", "tests/case.yml"]);
        // A case that cannot run fails on its own (exit 1).
        refused(&run, 1, code);
        leaks_nothing(&run);
        assert!(!run.stderr.contains("SECRET"), "{}", run.stderr);
        if target == "/proc/self/environ" || target == "link-out.yaml" {
            snap(
                &format!("files-test-outside-{}", if target == "link-out.yaml" { "link" } else { "environ" }),
                &redact(&run.stderr, dir.path()),
            );
        }
    }
}

#[test]
fn a_test_case_that_is_a_link_out_of_the_repository_is_not_read() {
    let dir = temp_with(&[(
        "tests/ok.yaml",
        &format!("name: ok\nstate:\n{}fires: []\n", STATE.lines().map(|l| format!("  {l}\n")).collect::<String>()),
    )]);
    symlink("/proc/self/environ", dir.path().join("tests/environ.yaml")).unwrap();
    symlink("/etc/passwd", dir.path().join("tests/passwd.yaml")).unwrap();
    let run = recoup_in(dir.path(), &["test", "tests"]);
    // The folder walker refuses the links before any case runs, as it
    // refuses a link that loops or dangles: the folder itself is unsafe.
    refused(&run, 2, "recoup::outside");
    leaks_nothing(&run);
    snap("files-test-case-link-out", &redact(&run.stderr, dir.path()));
}

#[test]
fn a_rejected_state_file_is_not_shown_by_recoup_test() {
    // Inside the repository, but not a state file: its lines stay private.
    let dir = temp_with(&[
        (".git/HEAD", "ref: refs/heads/main\n"),
        ("tests/case.yaml", "name: secret\nstate_file: ../notes.yaml\nfires: []\n"),
        ("notes.yaml", "password: hunter2\ntoken: abc123\n"),
    ]);
    let run = recoup_in(dir.path(), &["test", "tests"]);
    refused(&run, 1, "state::unknown-field");
    for word in ["hunter2", "abc123", "password", "token"] {
        assert!(!run.stderr.contains(word) && !run.stdout.contains(word), "{}", run.stderr);
    }
    snap("files-test-rejected-state", &run.stderr);
}

#[test]
fn shipped_cases_reach_the_examples_through_the_repository_root() {
    // `protocols/tests` names `../../examples/...`: allowed, the repository
    // being the root. This test runs from the crate, a git checkout.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if !root.join(".git").exists() {
        eprintln!("not a git checkout: the repository-root rule cannot be shown here");
        return;
    }
    let run = recoup_in(root, &["test", "protocols/tests"]);
    assert_eq!(run.status, Some(0), "{}", run.stderr);
}

// ---- walking folders ----------------------------------------------------------

/// A folder holding every kind of entry the walk has a rule for.
fn hostile_folder(ext: &str, text: &str) -> tempfile::TempDir {
    let upper = format!("UPPER.{}", ext.to_uppercase());
    let dir = temp_with(&[
        (&format!("a.{ext}"), text),
        (&upper, text),
        (&format!(".hidden.{ext}"), "not read: hidden"),
        (&format!(".git/config.{ext}"), "not read: hidden folder"),
        (&format!("sub/deeper.{ext}"), "not read: a sub-folder"),
        ("notes.txt", "not read: another extension"),
    ]);
    let p = dir.path();
    symlink(format!("a.{ext}"), p.join(format!("link.{ext}"))).unwrap();
    symlink("gone", p.join(format!("dangling.{ext}"))).unwrap();
    symlink(format!("loop2.{ext}"), p.join(format!("loop1.{ext}"))).unwrap();
    symlink(format!("loop1.{ext}"), p.join(format!("loop2.{ext}"))).unwrap();
    symlink(".", p.join("self")).unwrap();
    symlink("gone", p.join(format!(".#lock.{ext}"))).unwrap();
    mkfifo(&p.join(format!("pipe.{ext}")));
    dir
}

#[test]
fn every_command_walks_a_folder_by_one_policy() {
    let rules =
        "protocol p \"P\" {\n  rule r {\n    when true\n    advise \"x\"\n    priority high\n    timing now\n  }\n}\n";
    let rule_dir = hostile_folder("rules", rules);
    let state_dir = hostile_folder("yaml", STATE);
    let case = format!("name: c\nstate:\n{}fires: []\n", STATE.lines().map(|l| format!("  {l}\n")).collect::<String>());
    let case_dir = hostile_folder("yaml", &case);
    let runs = [
        ("lint", rule_dir.path(), vec!["lint", "."]),
        ("fmt", rule_dir.path(), vec!["fmt", "--check", "."]),
        ("protocols", rule_dir.path(), vec!["schema", "--protocols", "."]),
        ("evaluate", state_dir.path(), vec!["evaluate", ".", "--no-builtin"]),
        ("report", state_dir.path(), vec!["report", ".", "-o", "-"]),
        ("test", case_dir.path(), vec!["test", "."]),
    ];
    for (name, dir, args) in runs {
        let run = recoup_in(dir, &args);
        assert_eq!(run.status, Some(2), "{name}: {}\n{}", run.stdout, run.stderr);
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
        let all = format!("{}{}", run.stdout, run.stderr);
        let loops = "is a symbolic link that loops back on itself";
        let dangles = "is a symbolic link to `gone`, which does not exist";
        for expected in [loops, dangles] {
            assert!(run.stderr.contains(expected), "{name}: {expected}\n{}", run.stderr);
        }
        for unread in ["not read", "deeper.", ".hidden", "config.", ".#lock", "notes.txt"] {
            assert!(!all.contains(unread), "{name}: {unread}\n{all}");
        }
        // Every command says what it skipped.
        assert!(run.stderr.contains("is a named pipe (FIFO), not a file; it was skipped"), "{name}: {}", run.stderr);
        snap(&format!("files-walk-{name}"), &run.stderr);
    }
    // What was read: both spellings of the extension, and the link.
    let run = recoup_in(state_dir.path(), &["evaluate", "--no-builtin", "a.yaml", "UPPER.YAML", "link.yaml"]);
    assert_eq!(run.status, Some(0), "{}", run.stderr);
    let run = recoup_in(state_dir.path(), &["evaluate", ".", "--no-builtin", "--format", "json"]);
    for file in ["a.yaml", "UPPER.YAML", "link.yaml"] {
        assert!(run.stdout.contains(&format!("\"./{file}\"")), "{file}: {}", run.stdout);
    }
}

#[test]
fn import_walks_sub_folders_by_the_same_policy_and_stops_at_a_loop() {
    let dir = temp_with(&[("s.yaml", STATE), ("exports/2026/A.CSV", "not,a,known,export\n1,2,3,4\n")]);
    symlink("..", dir.path().join("exports/2026/up")).unwrap();
    symlink("gone", dir.path().join("exports/broken.csv")).unwrap();
    let run = recoup_in(dir.path(), &["import", "s.yaml", "exports", "--dry-run"]);
    assert_eq!(run.status, Some(1), "{}\n{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("`exports/2026/up` leads back to a folder already being searched"), "{}", run.stderr);
    assert!(run.stderr.contains("`exports/broken.csv` is a symbolic link to `gone`"), "{}", run.stderr);
    // The upper-case `A.CSV` was found and read (and is not a known export).
    assert!(run.stderr.contains("exports/2026/A.CSV"), "{}", run.stderr);
    snap("files-walk-import", &run.stderr);
}

/// Whether this process can read a folder it has no permission for (root
/// can: permissions are not enforced for it).
fn permissions_are_enforced(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_err()
}

#[test]
fn a_folder_that_cannot_be_read_says_permission_denied() {
    let dir = temp_with(&[("s.yaml", STATE), ("locked/a.yaml", STATE), ("locked/a.rules", "")]);
    let locked = dir.path().join("locked");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let runs: Vec<Run> = if permissions_are_enforced(&locked) {
        ["evaluate", "lint", "test", "fmt"].iter().map(|c| recoup_in(dir.path(), &[c, "locked"])).collect()
    } else {
        // Running as root: run the child as `nobody` instead, when the
        // system can; otherwise this one assertion is skipped (said here).
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        if Command::new("setpriv").arg("--version").output().is_err() {
            eprintln!("running as root without setpriv: the permission-denied assertion is skipped");
            return;
        }
        ["evaluate", "lint", "test", "fmt"].iter().map(|c| as_nobody(dir.path(), &[c, "locked"])).collect()
    };
    for run in &runs {
        assert_eq!(run.status, Some(2), "{}\n{}", run.stdout, run.stderr);
        assert!(run.stderr.contains("cannot read the folder `locked`: permission denied"), "{}", run.stderr);
        assert!(!run.stderr.contains("holds no"), "{}", run.stderr);
    }
    snap("files-permission-denied", &runs[0].stderr);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// `recoup ARGS` in `dir` as the user `nobody` (for a root test runner),
/// under the same limits as every other case.
fn as_nobody(dir: &Path, args: &[&str]) -> Run {
    let bin = env!("CARGO_BIN_EXE_recoup");
    let mut all = vec!["--reuid=65534", "--regid=65534", "--clear-groups", bin];
    all.extend_from_slice(args);
    let setpriv = which("setpriv");
    super::run_program(dir, &setpriv, &all)
}

fn which(name: &str) -> String {
    for dir in ["/usr/bin", "/bin", "/usr/sbin", "/sbin"] {
        let p = Path::new(dir).join(name);
        if p.exists() {
            return p.display().to_string();
        }
    }
    name.to_string()
}

// ---- writing ----------------------------------------------------------------

#[test]
fn fmt_on_a_link_formats_the_target_and_keeps_the_link() {
    let messy = "protocol p \"P\" {\n      rule r {\n  when true\n advise \"x\"\n priority high\n timing now\n }\n}\n";
    let dir = temp_with(&[("shared/real.rules", messy)]);
    let real = dir.path().join("shared/real.rules");
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
    symlink("shared/real.rules", dir.path().join("link.rules")).unwrap();
    let run = recoup_in(dir.path(), &["fmt", "link.rules"]);
    assert_eq!(run.status, Some(0), "{}", run.stderr);
    let link = std::fs::symlink_metadata(dir.path().join("link.rules")).unwrap();
    assert!(link.file_type().is_symlink(), "the link was replaced by a file");
    let formatted = std::fs::read_to_string(&real).unwrap();
    assert!(formatted.contains("\n  rule r {\n    when true\n"), "{formatted}");
    let mode = std::fs::metadata(&real).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640, "the target's permissions changed");
    assert_eq!(recoup_in(dir.path(), &["fmt", "--check", "link.rules"]).status, Some(0));
}

#[test]
fn a_written_file_gets_ordinary_permissions_or_keeps_its_own() {
    let dir = temp_with(&[("s.yaml", STATE)]);
    // What the umask makes of a new file here, for comparison.
    std::fs::File::create(dir.path().join("probe")).unwrap();
    let ordinary = std::fs::metadata(dir.path().join("probe")).unwrap().permissions().mode() & 0o777;
    let run = recoup_in(dir.path(), &["report", "s.yaml", "-o", "new.html"]);
    assert_eq!(run.status, Some(0), "{}", run.stderr);
    let mode = std::fs::metadata(dir.path().join("new.html")).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, ordinary, "a new report is {mode:o}, a new file {ordinary:o}");
    std::fs::set_permissions(dir.path().join("new.html"), std::fs::Permissions::from_mode(0o604)).unwrap();
    let run = recoup_in(dir.path(), &["report", "s.yaml", "-o", "new.html"]);
    assert_eq!(run.status, Some(0), "{}", run.stderr);
    let mode = std::fs::metadata(dir.path().join("new.html")).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o604);
    let run = recoup_in(dir.path(), &["init", "Jo Runner"]);
    assert_eq!(run.status, Some(0), "{}", run.stderr);
    let mode = std::fs::metadata(dir.path().join("jo-runner.yaml")).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, ordinary);
}

// ---- byte-order marks -------------------------------------------------------

#[test]
fn a_byte_order_mark_is_not_part_of_a_file() {
    let bom = "\u{feff}";
    let broken =
        "protocol p \"P\" {\n  rule r {\n    when nope\n    advise \"x\"\n    priority high\n    timing now\n  }\n}\n";
    let dir = temp_with(&[
        ("s.yaml", &format!("{bom}{STATE}")),
        ("s.json", &format!("{bom}{{\"now\": \"2026-11-28T08:15:00+01:00\", \"last_session\": {{\"kind\": \"easy\", \"ended_at\": \"2026-11-28T07:00:00+01:00\"}}}}")),
        ("bad.rules", &format!("{bom}{broken}")),
        ("bad.yaml", &format!("{bom}now: yesterday\n")),
    ]);
    for file in ["s.yaml", "s.json"] {
        let run = recoup_in(dir.path(), &["evaluate", file]);
        assert_eq!(run.status, Some(0), "{file}: {}", run.stderr);
    }
    let run = recoup_in(dir.path(), &["lint", "bad.rules"]);
    refused(&run, 1, "check::unknown-name");
    assert!(!run.stdout.contains(bom) && !run.stderr.contains(bom), "{}", run.stdout);
    assert!(run.stdout.contains("bad.rules:3:10"), "{}", run.stdout);
    snap("files-bom-rules", &run.stdout);
    let run = recoup_in(dir.path(), &["evaluate", "bad.yaml"]);
    refused(&run, 2, "state::date");
    assert!(!run.stderr.contains(bom) && !run.stderr.contains("document"), "{}", run.stderr);
    snap("files-bom-state", &run.stderr);
}

/// A pull request can add a "rule file" or a "state file" that is a link to
/// the CI machine's secrets: no command that walks a folder follows it.
#[test]
fn a_link_in_a_folder_that_leads_out_of_it_is_not_read() {
    let rules =
        "protocol p \"P\" {\n  rule r {\n    when true\n    advise \"x\"\n    priority high\n    timing now\n  }\n}\n";
    let dir = temp_with(&[("protocols/a.rules", rules), ("states/a.yaml", STATE), ("shared/b.rules", rules)]);
    let p = dir.path();
    symlink("/proc/self/environ", p.join("protocols/environ.rules")).unwrap();
    symlink("/etc/passwd", p.join("states/passwd.yaml")).unwrap();
    // A link that stays inside the folder is followed as before.
    symlink("a.rules", p.join("protocols/same.rules")).unwrap();
    for args in [
        &["lint", "protocols"][..],
        &["fmt", "--check", "protocols"],
        &["evaluate", "states", "--protocols", "protocols"],
        &["evaluate", "states", "--no-builtin"],
    ] {
        let run = recoup_in(p, args);
        refused(&run, 2, "recoup::outside");
        leaks_nothing(&run);
        assert!(
            run.stderr.contains("leads outside") || run.stdout.contains("leads outside"),
            "{args:?}: {}",
            run.stderr
        );
    }
    let run = recoup_in(p, &["evaluate", "states", "--no-builtin"]);
    snap("files-walk-link-outside", &redact(&run.stderr, p));
}

/// `lint` lists files by the same walk as every command and reports all it
/// found: every error of every path (not only the first), and the notes of
/// a walk that could read its files, as findings in every format.
#[test]
fn lint_reports_every_problem_and_note_of_the_walk() {
    let rules = "protocol p \"P\" {\n  source \"s\"\n  rule r {\n    when last_session.kind is easy\n    advise \"x\"\n    because \"y\"\n    priority high\n    timing now\n  }\n}\n";
    let dir = temp_with(&[("one/a.rules", rules), ("two/b.rules", rules.replace("protocol p", "protocol q").as_str())]);
    let p = dir.path();
    mkfifo(&p.join("one/pipe.rules"));
    let run = recoup_in(p, &["lint", "one"]);
    assert_eq!(run.status, Some(0), "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("`one/pipe.rules` is a named pipe (FIFO), not a file; it was skipped"),
        "{}",
        run.stdout
    );
    let run = recoup_in(p, &["lint", "one", "--format", "json"]);
    let findings: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let codes: Vec<&str> = findings.as_array().unwrap().iter().filter_map(|f| f["code"].as_str()).collect();
    assert_eq!(codes, ["recoup::not-a-file"], "{}", run.stdout);
    assert_eq!(findings[0]["severity"], "note");
    // Errors in two folders: both are reported, with the note, and nothing
    // is linted.
    symlink("gone", p.join("one/dangling.rules")).unwrap();
    symlink("gone", p.join("two/dangling.rules")).unwrap();
    let run = recoup_in(p, &["lint", "one", "two"]);
    assert_eq!(run.status, Some(2), "{}", run.stderr);
    assert_eq!(run.stdout, "");
    for expected in [
        "`one/dangling.rules` is a symbolic link to `gone`",
        "`one/pipe.rules` is a named pipe",
        "`two/dangling.rules` is a symbolic link to `gone`",
    ] {
        assert!(run.stderr.contains(expected), "{expected}\n{}", run.stderr);
    }
}
