//! `recoup lsp` driven as an editor drives it: the real binary, JSON-RPC
//! over its stdin and stdout with `Content-Length` framing.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use serde_json::{json, Value};

const RULES: &str = r#"protocol mine "Mine" {
  source "a test"

  rule refuel {
    when last_sesion.kind is long_run and last_session.duration > 90min
    advise "Eat something within {since_session}."
    because "The body refuels fastest now."
    priority high
    timing now
  }
}
"#;

struct Server {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    next_id: i64,
    /// Notifications that arrived while waiting for a response.
    notifications: Vec<Value>,
}

impl Server {
    fn start() -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_recoup"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start recoup lsp");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, incoming) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = n.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; length.expect("a Content-Length header")];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                let message: Value = serde_json::from_slice(&body).expect("a JSON body");
                if tx.send(message).is_err() {
                    return;
                }
            }
        });
        Server { child, stdin, incoming, next_id: 0, notifications: Vec::new() }
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write to the server");
        self.stdin.flush().expect("flush");
    }

    fn next(&mut self) -> Value {
        self.incoming.recv_timeout(Duration::from_secs(30)).expect("the server answers within 30 s")
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        loop {
            let message = self.next();
            if message["id"] == json!(id) {
                assert!(message.get("error").is_none(), "{method} failed: {message}");
                return message["result"].clone();
            }
            self.notifications.push(message);
        }
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics_for(&mut self, uri: &str) -> Vec<Value> {
        if let Some(i) = self.notifications.iter().position(|n| is_diagnostics_for(n, uri)) {
            let n = self.notifications.remove(i);
            return n["params"]["diagnostics"].as_array().cloned().unwrap_or_default();
        }
        loop {
            let message = self.next();
            if is_diagnostics_for(&message, uri) {
                return message["params"]["diagnostics"].as_array().cloned().unwrap_or_default();
            }
            self.notifications.push(message);
        }
    }

    fn initialize(&mut self) -> Value {
        let result = self.request("initialize", json!({ "processId": null, "rootUri": null, "capabilities": {} }));
        self.notify("initialized", json!({}));
        result
    }

    fn stop(mut self) {
        let result = self.request("shutdown", Value::Null);
        assert_eq!(result, Value::Null);
        self.notify("exit", Value::Null);
        let status = self.child.wait().expect("the server exits");
        assert!(status.success(), "{status}");
    }
}

fn is_diagnostics_for(message: &Value, uri: &str) -> bool {
    message["method"] == "textDocument/publishDiagnostics" && message["params"]["uri"] == uri
}

fn file_uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// Apply LSP text edits to an ASCII text (columns are then bytes).
fn apply(text: &str, edits: &[Value]) -> String {
    let offset = |p: &Value| {
        let line = p["line"].as_u64().unwrap_or(0) as usize;
        let character = p["character"].as_u64().unwrap_or(0) as usize;
        text.split_inclusive('\n').take(line).map(str::len).sum::<usize>() + character
    };
    let mut spans: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            (offset(&e["range"]["start"]), offset(&e["range"]["end"]), e["newText"].as_str().unwrap_or("").to_string())
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_string();
    for (start, end, new) in spans {
        out.replace_range(start..end, &new);
    }
    out
}

fn position_of(text: &str, needle: &str, extra: usize) -> Value {
    let at = text.find(needle).expect("needle in text") + extra;
    let before = &text[..at];
    let line = before.matches('\n').count();
    let character = at - before.rfind('\n').map_or(0, |i| i + 1);
    json!({ "line": line, "character": character })
}

fn open(server: &mut Server, uri: &str, text: &str) -> Vec<Value> {
    server.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "recoup", "version": 1, "text": text } }),
    );
    server.diagnostics_for(uri)
}

fn labels(items: &Value) -> Vec<String> {
    items.as_array().into_iter().flatten().filter_map(|i| i["label"].as_str().map(String::from)).collect()
}

#[test]
fn a_misspelt_fact_is_underlined_and_fixed_by_its_quick_fix() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("mine.rules");
    std::fs::write(&path, RULES).expect("write");
    let uri = file_uri(&path);
    let mut server = Server::start();
    let init = server.initialize();
    let caps = &init["capabilities"];
    assert_eq!(caps["hoverProvider"], true);
    assert_eq!(caps["documentFormattingProvider"], true);
    assert_eq!(caps["definitionProvider"], true);
    assert!(caps["completionProvider"]["triggerCharacters"].as_array().is_some_and(|t| t.contains(&json!("."))));

    let diagnostics = open(&mut server, &uri, RULES);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    let d = &diagnostics[0];
    assert_eq!(d["code"], "check::unknown-name");
    assert_eq!(d["severity"], 1);
    assert_eq!(d["range"]["start"], position_of(RULES, "last_sesion", 0));
    assert_eq!(d["range"]["end"], position_of(RULES, "last_sesion.kind", "last_sesion.kind".len()));
    let message = d["message"].as_str().unwrap_or("");
    assert!(message.contains("did you mean `last_session.kind`?"), "{message}");

    let actions = server.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri }, "range": d["range"], "context": { "diagnostics": [d] } }),
    );
    let actions = actions.as_array().cloned().unwrap_or_default();
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert_eq!(actions[0]["kind"], "quickfix");
    assert_eq!(actions[0]["title"], "Replace `last_sesion.kind` with `last_session.kind`");
    let edits = actions[0]["edit"]["changes"][&uri].as_array().cloned().unwrap_or_default();
    let fixed = apply(RULES, &edits);
    assert_eq!(fixed, RULES.replace("last_sesion", "last_session"));

    server.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [{ "text": fixed }] }),
    );
    assert_eq!(server.diagnostics_for(&uri), Vec::<Value>::new());
    server.stop();
}

#[test]
fn hover_shows_a_facts_doc_and_unit_and_a_builtins_signature() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("mine.rules");
    let text = RULES.replace("last_sesion", "last_session").replace("{since_session}", "{round(since_session)}");
    let uri = file_uri(&path);
    let mut server = Server::start();
    server.initialize();
    assert_eq!(open(&mut server, &uri, &text), Vec::<Value>::new());

    let at = |needle: &str| json!({ "textDocument": { "uri": uri }, "position": position_of(&text, needle, 2) });
    let hover = server.request("textDocument/hover", at("last_session.duration"));
    let shown = hover["contents"]["value"].as_str().unwrap_or("");
    assert!(shown.contains("**fact** `last_session.duration`"), "{shown}");
    assert!(shown.contains("how long the last session lasted"), "{shown}");
    assert!(shown.contains("- unit: min"), "{shown}");
    assert!(shown.contains("- range: `0min..48h`"), "{shown}");
    assert_eq!(hover["range"]["start"], position_of(&text, "last_session.duration", 0));

    let hover = server.request("textDocument/hover", at("round("));
    let shown = hover["contents"]["value"].as_str().unwrap_or("");
    assert!(shown.contains("round(x[, step]) -> same as x"), "{shown}");

    let hover = server.request("textDocument/hover", at("since_session)"));
    let shown = hover["contents"]["value"].as_str().unwrap_or("");
    assert!(shown.contains("**define** `since_session`"), "{shown}");
    assert!(shown.contains("define since_session = "), "{shown}");

    let hover = server.request("textDocument/hover", at("long_run"));
    let shown = hover["contents"]["value"].as_str().unwrap_or("");
    assert!(shown.contains("a value of `session_kind`"), "{shown}");
    assert!(shown.contains("\"long run\""), "{shown}");
    server.stop();
}

#[test]
fn completion_offers_fields_values_units_and_clauses() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("mine.rules");
    let uri = file_uri(&path);
    let mut server = Server::start();
    server.initialize();
    let text = RULES.replace("last_sesion.kind is long_run", "last_session.");
    open(&mut server, &uri, &text);
    let complete = |server: &mut Server, position: Value| {
        server.request("textDocument/completion", json!({ "textDocument": { "uri": uri }, "position": position }))
    };

    let items = complete(&mut server, position_of(&text, "last_session. ", "last_session.".len()));
    let fields = labels(&items);
    assert!(fields.contains(&"kind".to_string()), "{fields:?}");
    assert!(fields.contains(&"weight_after".to_string()), "{fields:?}");
    assert!(!fields.iter().any(|f| f.contains('.')), "{fields:?}");
    let kind = items.as_array().into_iter().flatten().find(|i| i["label"] == "kind").cloned().unwrap_or_default();
    assert_eq!(kind["detail"], "session_kind");

    let text = RULES.replace("last_sesion.kind is long_run", "last_session.kind is ");
    server.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [{ "text": text }] }),
    );
    let values = labels(&complete(&mut server, position_of(&text, " is ", 4)));
    assert!(values.contains(&"long_run".to_string()) && values.contains(&"time_trial".to_string()), "{values:?}");
    assert!(!values.contains(&"last_session.kind".to_string()), "{values:?}");

    let units = labels(&complete(&mut server, position_of(&text, "90min", 2)));
    assert!(units.contains(&"min".to_string()) && units.contains(&"h".to_string()), "{units:?}");

    let clauses = labels(&complete(&mut server, position_of(&text, "    priority", 4)));
    assert!(clauses.contains(&"unless".to_string()) && clauses.contains(&"suppresses".to_string()), "{clauses:?}");

    let anything = labels(&complete(&mut server, position_of(&text, "> 90min", 0)));
    assert!(anything.contains(&"since_session".to_string()), "defines: {anything:?}");
    assert!(anything.contains(&"mean_last".to_string()), "builtins: {anything:?}");
    server.stop();
}

#[test]
fn formatting_gives_back_what_recoup_fmt_writes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("mine.rules");
    let messy = RULES
        .replace("last_sesion", "last_session")
        .replace("\n  rule", "\n      rule")
        .replace("priority high", "priority    high");
    std::fs::write(&path, &messy).expect("write");
    let uri = file_uri(&path);
    let mut server = Server::start();
    server.initialize();
    open(&mut server, &uri, &messy);
    let edits = server.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    let edits = edits.as_array().cloned().unwrap_or_default();
    assert_eq!(edits.len(), 1);
    let formatted = apply(&messy, &edits);
    assert_eq!(formatted, RULES.replace("last_sesion", "last_session"));

    let status = Command::new(env!("CARGO_BIN_EXE_recoup"))
        .args(["fmt", "--check"])
        .arg(&path)
        .stdout(Stdio::null())
        .status()
        .expect("run recoup fmt");
    assert_eq!(status.code(), Some(1), "recoup fmt agrees the file needed formatting");
    server.stop();
}

#[test]
fn definitions_and_references_reach_the_shipped_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("mine.rules");
    let text = RULES.replace("last_sesion", "last_session");
    let uri = file_uri(&path);
    let mut server = Server::start();
    server.initialize();
    open(&mut server, &uri, &text);
    let at = |needle: &str| json!({ "textDocument": { "uri": uri }, "position": position_of(&text, needle, 1) });

    let location = server.request("textDocument/definition", at("since_session"));
    let target = location["uri"].as_str().unwrap_or("");
    assert!(target.starts_with("file://") && target.ends_with("/prelude.rules"), "{location}");
    let shipped = Path::new(target.trim_start_matches("file://"));
    let shipped_text = std::fs::read_to_string(shipped).expect("the shipped copy exists");
    assert!(std::fs::metadata(shipped).expect("metadata").permissions().readonly());
    let line = location["range"]["start"]["line"].as_u64().unwrap_or(0) as usize;
    assert!(shipped_text.lines().nth(line).unwrap_or("").contains("define since_session"), "{location}");

    let location = server.request("textDocument/definition", at("long_run"));
    let line = location["range"]["start"]["line"].as_u64().unwrap_or(0) as usize;
    assert!(shipped_text.lines().nth(line).unwrap_or("").starts_with("enum session_kind"), "{location}");

    let mut params = at("last_session.duration");
    params["context"] = json!({ "includeDeclaration": true });
    let references = server.request("textDocument/references", params);
    let references = references.as_array().cloned().unwrap_or_default();
    assert!(references.iter().any(|r| r["uri"] == uri), "the use here: {references:?}");
    assert!(references.iter().any(|r| r["uri"] == target), "the declaration in the prelude: {references:?}");
    server.stop();
}

#[test]
fn a_bare_number_against_a_percent_gets_the_percent_sign_as_a_quick_fix() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("humid.rules");
    let text = RULES
        .replace("last_sesion.kind is long_run and last_session.duration > 90min", "weather.humidity > 70")
        .replace("protocol mine", "facts {\n  weather.humidity: percent? \"relative humidity\"\n}\n\nprotocol mine");
    let uri = file_uri(&path);
    let mut server = Server::start();
    server.initialize();
    let diagnostics = open(&mut server, &uri, &text);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0]["code"], "check::unit-mismatch");
    let actions = server.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri }, "range": diagnostics[0]["range"], "context": { "diagnostics": diagnostics } }),
    );
    assert_eq!(actions[0]["title"], "Replace `70` with `70%`");
    let fixed = apply(&text, actions[0]["edit"]["changes"][&uri].as_array().map_or(&[][..], Vec::as_slice));
    assert!(fixed.contains("weather.humidity > 70%"), "{fixed}");
    server.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [{ "text": fixed }] }),
    );
    assert_eq!(server.diagnostics_for(&uri), Vec::<Value>::new());
    server.stop();
}

#[test]
fn hover_on_a_suppressed_rule_and_a_code_and_completion_of_rule_ids() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("pair.rules");
    let text = r#"protocol pair "Pair" {
  source "a test"

  rule first {
    when since_session < 1h
    advise "Walk for {round(since_session)}."
    because "Walking helps."
    priority high
    timing now
    # check::unknown-rule would be reported for a misspelt name here
    # lint::missing-because is what a rule without a reason gets
    suppresses second, cold.after_competition
  }

  rule second {
    when since_session < 2h
    advise "Rest a little."
    because "Rest helps."
    priority low
    timing now
  }
}
"#;
    let uri = file_uri(&path);
    let mut server = Server::start();
    server.initialize();
    assert_eq!(open(&mut server, &uri, text), Vec::<Value>::new());
    let at = |needle: &str, extra: usize| json!({ "textDocument": { "uri": uri }, "position": position_of(text, needle, extra) });

    let hover = server.request("textDocument/hover", at("second,", 1));
    let shown = hover["contents"]["value"].as_str().unwrap_or("");
    assert!(shown.contains("**rule** `pair.second`") && shown.contains("Rest a little."), "{shown}");

    let hover = server.request("textDocument/hover", at("cold.after_competition", 6));
    let shown = hover["contents"]["value"].as_str().unwrap_or("");
    assert!(shown.contains("**rule** `cold.after_competition`") && shown.contains("**advise**"), "{shown}");

    let hover = server.request("textDocument/hover", at("check::unknown-rule", 9));
    let shown = hover["contents"]["value"].as_str().unwrap_or("");
    assert!(shown.contains("`suppresses` names a rule that does not exist"), "{shown}");

    let hover = server.request("textDocument/hover", at("lint::missing-because", 8));
    let shown = hover["contents"]["value"].as_str().unwrap_or("");
    assert!(shown.contains("lint::missing-because") && shown.contains("Fix:"), "{shown}");

    let ids = labels(&server.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": uri }, "position": position_of(text, "second,", 0) }),
    ));
    assert!(ids.contains(&"pair.second".to_string()) && ids.contains(&"cold.after_competition".to_string()), "{ids:?}");
    server.stop();
}

#[test]
fn a_finding_in_a_shipped_file_is_published_at_its_place_in_the_read_only_copy() {
    // The coach's `prelude.rules` replaces the shipped one and renames
    // `since_session`, so shipped files that read it no longer check.
    let shipped_prelude =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("protocols/prelude.rules"))
            .expect("prelude");
    assert!(shipped_prelude.contains("define since_session ="));
    let renamed = shipped_prelude.replace("define since_session =", "define since_the_session =");
    let dir = tempfile::tempdir().expect("temp dir");
    let uri = file_uri(&dir.path().join("prelude.rules"));
    let mut server = Server::start();
    server.initialize();
    let own = open(&mut server, &uri, &renamed);
    assert!(
        own.iter().all(|d| !d["message"].as_str().unwrap_or("").contains("shipped")),
        "nothing about the shipped files is put at the top of the coach's file: {own:?}"
    );

    // Where go to definition finds the shipped `cold.rules`.
    let cold_text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("protocols/cold.rules"))
        .expect("cold.rules");
    let cold_uri = loop {
        let message = server.next();
        let published = message["params"]["uri"].as_str().unwrap_or("");
        if message["method"] == "textDocument/publishDiagnostics" && published.ends_with("/cold.rules") {
            let uri = published.to_string();
            server.notifications.push(message);
            break uri;
        }
    };
    let cold_path = Path::new(cold_uri.trim_start_matches("file://"));
    assert!(std::fs::metadata(cold_path).expect("the copy exists").permissions().readonly());
    assert_eq!(std::fs::read_to_string(cold_path).expect("the copy"), cold_text);

    let found = server.diagnostics_for(&cold_uri);
    assert!(!found.is_empty(), "{found:?}");
    for d in &found {
        assert_eq!(d["code"], "check::unknown-name", "{d}");
        let line = d["range"]["start"]["line"].as_u64().unwrap_or(0) as usize;
        let start = d["range"]["start"]["character"].as_u64().unwrap_or(0) as usize;
        let end = d["range"]["end"]["character"].as_u64().unwrap_or(0) as usize;
        let written = cold_text.lines().nth(line).and_then(|l| l.get(start..end)).unwrap_or("");
        assert_eq!(written, "since_session", "{d}");
    }

    // Following the finding opens the copy: it is read-only, so opening it
    // publishes nothing that would hide the finding, and hover works there.
    server.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": cold_uri, "languageId": "recoup", "version": 1, "text": cold_text } }),
    );
    let hover = server.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": cold_uri }, "position": position_of(&cold_text, "since_session", 1) }),
    );
    assert!(hover["contents"]["value"].as_str().unwrap_or("").contains("since_session"), "{hover}");
    assert!(!server.notifications.iter().any(|n| is_diagnostics_for(n, &cold_uri)), "{:?}", server.notifications);

    // Put the name back: the shipped copy's diagnostics are cleared.
    server.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [{ "text": shipped_prelude }] }),
    );
    assert_eq!(server.diagnostics_for(&uri), Vec::<Value>::new());
    assert_eq!(server.diagnostics_for(&cold_uri), Vec::<Value>::new());
    server.stop();
}

/// A folder whose walk finds problems (a dangling link, links that loop, a
/// pipe named like a rule file) still loads the files it can read, and each
/// problem is shown at the top of the document being edited, as `recoup
/// lint` reports them.
#[test]
fn every_problem_of_the_folder_walk_is_shown_and_the_readable_files_still_load() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().expect("temp dir");
    let p = dir.path();
    let mine = RULES.replace("last_sesion", "last_session").replace("since_session", "refuel_by");
    std::fs::write(p.join("mine.rules"), &mine).expect("write");
    // `mine.rules` reads a define of this file: if the walk's problems lost
    // it, `refuel_by` would be an unknown name.
    std::fs::write(p.join("shared.rules"), "define refuel_by = since_session + 30min\n  \"when to have eaten by\"\n")
        .expect("write");
    symlink("gone", p.join("dangling.rules")).expect("symlink");
    symlink("loop2.rules", p.join("loop1.rules")).expect("symlink");
    symlink("loop1.rules", p.join("loop2.rules")).expect("symlink");
    let fifo = std::process::Command::new("mkfifo").arg(p.join("pipe.rules")).status().expect("mkfifo");
    assert!(fifo.success());
    let uri = file_uri(&p.join("mine.rules"));
    let mut server = Server::start();
    server.initialize();
    let diagnostics = open(&mut server, &uri, &mine);
    let mut shown: Vec<(String, String)> = diagnostics
        .iter()
        .map(|d| (d["code"].as_str().unwrap_or("").to_string(), d["message"].as_str().unwrap_or("").to_string()))
        .collect();
    shown.sort();
    let codes: Vec<&str> = shown.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(codes, ["recoup::io", "recoup::io", "recoup::io", "recoup::not-a-file"], "{shown:#?}");
    let messages: Vec<&str> = shown.iter().map(|(_, m)| m.as_str()).collect();
    assert!(messages[0].contains("dangling.rules` is a symbolic link to `gone`, which does not exist"), "{shown:#?}");
    assert!(messages[1].contains("loop1.rules` is a symbolic link that loops back on itself"), "{shown:#?}");
    assert!(messages[2].contains("loop2.rules` is a symbolic link that loops back on itself"), "{shown:#?}");
    assert!(messages[3].contains("pipe.rules` is a named pipe (FIFO), not a file; it was skipped"), "{shown:#?}");
    // A problem with no place in a file is at the top of the document; a
    // note is information, not an error.
    for d in &diagnostics {
        assert_eq!(d["range"]["start"], json!({ "line": 0, "character": 0 }), "{d}");
        let expected = if d["code"] == "recoup::not-a-file" { 3 } else { 1 };
        assert_eq!(d["severity"], expected, "{d}");
    }
    server.stop();
}

/// A file with more findings than a person can read gets what `recoup lint`
/// prints: identical findings collapsed into the first, at most 50 per file,
/// then one saying how many more.
#[test]
fn diagnostics_are_capped_per_file_as_on_the_command_line() {
    let targets: Vec<String> = (0..80).map(|i| format!("mine.x{i}")).collect();
    let text = format!(
        "protocol mine \"Mine\" {{\n  source \"a test\"\n\n  rule r {{\n    when nosuch > 1 and nosuch < 5\n      and nosuch != 3\n    advise \"x\"\n    because \"y\"\n    priority high\n    timing now\n    suppresses {}\n  }}\n}}\n",
        targets.join(", ")
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("mine.rules");
    std::fs::write(&path, &text).expect("write");
    let uri = file_uri(&path);
    let mut server = Server::start();
    server.initialize();
    let diagnostics = open(&mut server, &uri, &text);
    let code = |d: &Value| d["code"].as_str().unwrap_or("").to_string();
    let count = |c: &str| diagnostics.iter().filter(|d| code(d) == c).count();
    // 3 identical unknown names collapse into 1; with the 80 unknown rules
    // that is 81, of which 50 are shown, then the line for the other 31.
    assert_eq!(diagnostics.len(), 51, "{diagnostics:#?}");
    assert_eq!(count("check::unknown-name"), 1);
    assert_eq!(count("check::unknown-rule"), 49);
    let name = diagnostics.iter().find(|d| code(d) == "check::unknown-name").expect("the unknown name");
    assert!(name["message"].as_str().unwrap_or("").contains("(2 more times in this file)"), "{name}");
    let last = diagnostics.last().expect("a diagnostic");
    assert_eq!(code(last), "recoup::too-many");
    assert_eq!(last["severity"], 1);
    let message = last["message"].as_str().unwrap_or("");
    assert!(message.starts_with("and 31 more errors in `"), "{message}");
    assert!(message.contains("mine.rules`"), "{message}");
    server.stop();
}
