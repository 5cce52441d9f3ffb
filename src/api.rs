//! The library's front door for applications that embed recoup: compile
//! protocols once into a [`Program`], turn each athlete's data into a
//! [`State`], evaluate, and read the fired rules or render the advice.
//!
//! ```
//! use recoup::Compiler;
//!
//! // The shipped protocols (and the prelude that declares the state's facts).
//! let program = Compiler::new().compile().map_err(|e| format!("{e:?}"))?;
//! let state = program
//!     .state_from_text("after-long-run.yaml", include_str!("../examples/after-long-run.yaml"))
//!     .map_err(|e| format!("{e:?}"))?;
//! let evaluation = program.evaluate(&state);
//! assert!(evaluation.recommended_ids().any(|id| id.starts_with("nutrition.")));
//! println!("{}", evaluation.report().to_text());
//! # Ok::<(), String>(())
//! ```
//!
//! A [`Program`] is immutable and `Send + Sync`: compile it once and share it
//! (by reference or in an `Arc`) between threads; see
//! `examples/threads.rs`.

use std::path::PathBuf;
use std::sync::Arc;

use crate::diagnostic::{Diagnostic, SourceFile};
use crate::engine::{self, Selection};
use crate::eval::{self, Outcome};
use crate::program::Program;
use crate::render::{self, Report};
use crate::state::{self, NowSource, State};

// One checked program is shared by every thread that evaluates with it.
const _: fn() = || {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Program>();
    send_sync::<State>();
    send_sync::<Outcome>();
    send_sync::<Scratch>();
};

/// Builds a [`Program`] from the shipped protocols and your own rule files.
///
/// ```
/// use recoup::Compiler;
///
/// // An application with its own facts: no prelude, no shipped protocols.
/// let rules = r#"
/// facts {
///   load.km: distance? "kilometres this week"
/// }
/// protocol volume "Volume" {
///   rule high {
///     when load.km > 100 km
///     advise "That is a big week."
///     priority medium
///     timing this_week
///   }
/// }
/// "#;
/// let program = Compiler::new().without_prelude().source("volume.rules", rules).compile()
///     .map_err(|e| format!("{e:?}"))?;
/// let state = program.state_from_json(&serde_json::json!({ "load": { "km": 120 } }))
///     .map_err(|e| format!("{e:?}"))?;
/// let ids: Vec<&str> = program.evaluate(&state).recommended_ids().collect();
/// assert_eq!(ids, ["volume.high"]);
/// # Ok::<(), String>(())
/// ```
#[derive(Clone, Debug)]
pub struct Compiler {
    shipped: bool,
    prelude: bool,
    sources: Vec<Arc<SourceFile>>,
    paths: Vec<PathBuf>,
}

impl Default for Compiler {
    fn default() -> Self {
        Compiler::new()
    }
}

impl Compiler {
    /// The shipped protocols with their prelude; add your own files to it.
    pub fn new() -> Compiler {
        Compiler { shipped: true, prelude: true, sources: Vec::new(), paths: Vec::new() }
    }

    /// Leave the shipped protocols out; the prelude (the state's fact
    /// declarations and shared defines) still loads.
    pub fn without_shipped(mut self) -> Compiler {
        self.shipped = false;
        self
    }

    /// Leave the prelude out, and with it the shipped protocols that build on
    /// it: for an application that declares its own facts and does not want
    /// `now`, `last_session.kind` and `last_session.ended_at` required.
    pub fn without_prelude(mut self) -> Compiler {
        self.prelude = false;
        self.shipped = false;
        self
    }

    /// Add a rule file's text. `name` is used in diagnostics; a name like a
    /// shipped file's (`cold.rules`) replaces that file.
    pub fn source(mut self, name: impl Into<String>, text: impl Into<Arc<str>>) -> Compiler {
        self.sources.push(SourceFile::new(name, text));
        self
    }

    /// Add a rule file, or every `.rules` file of a folder.
    pub fn path(mut self, path: impl Into<PathBuf>) -> Compiler {
        self.paths.push(path.into());
        self
    }

    /// Parse and check everything into one program, or every problem found.
    pub fn compile(self) -> Result<Program, Vec<Diagnostic>> {
        let mut user = self.sources;
        user.extend(engine::read_rule_files(&self.paths)?);
        if !self.prelude {
            return engine::compile(user.into_iter().map(|f| (f, false)).collect());
        }
        engine::load_with(&Selection { no_builtin: !self.shipped, paths: Vec::new() }, user)
    }
}

impl Program {
    /// An athlete's state from a JSON value with the fields of `state.yaml`,
    /// validated against the program's fact declarations. Diagnostics point
    /// into the value written out as pretty JSON.
    pub fn state_from_json(&self, value: &serde_json::Value) -> Result<State, Vec<Diagnostic>> {
        // The direct walk is the fast way; only a rejected state is written
        // out as text, so that its diagnostics have places to point at.
        match state::load_node(self, value_file(), value, NowSource::default()) {
            Ok(st) => Ok(st),
            Err(_) => {
                let text = serde_json::to_string_pretty(value).unwrap_or_default();
                self.state_from_text("state.json", text)
            }
        }
    }

    /// An athlete's state from YAML or JSON text (`name` is used in
    /// diagnostics).
    pub fn state_from_text(&self, name: &str, text: impl Into<Arc<str>>) -> Result<State, Vec<Diagnostic>> {
        state::load(self, &SourceFile::new(name, text), NowSource::default())
    }

    /// Start a state field by field; see [`StateBuilder`].
    pub fn state_builder(&self) -> StateBuilder<'_> {
        StateBuilder { program: self, root: serde_json::Map::new() }
    }

    /// Evaluate every rule for one state.
    pub fn evaluate(&self, state: &State) -> Evaluation<'_> {
        Evaluation { program: self, outcome: eval::evaluate(self, &state.facts), athlete: state.athlete_name(self) }
    }

    /// [`Program::evaluate`] into an evaluation of an earlier state, reusing
    /// its buffers: evaluating state after state allocates nothing for the
    /// outcome once they have grown.
    ///
    /// ```
    /// let program = recoup::Compiler::new().compile().map_err(|e| format!("{e:?}"))?;
    /// let state = program
    ///     .state_from_text("after-long-run.yaml", include_str!("../examples/after-long-run.yaml"))
    ///     .map_err(|e| format!("{e:?}"))?;
    /// let mut evaluation = program.evaluate(&state);
    /// let first: Vec<String> = evaluation.recommended_ids().map(str::to_string).collect();
    /// program.evaluate_into(&state, &mut evaluation);
    /// assert!(evaluation.recommended_ids().eq(first.iter().map(String::as_str)));
    /// # Ok::<(), String>(())
    /// ```
    pub fn evaluate_into<'p>(&'p self, state: &State, evaluation: &mut Evaluation<'p>) {
        evaluation.program = self;
        eval::evaluate_into(self, &state.facts, &mut evaluation.outcome);
        evaluation.athlete = state.athlete_name(self);
    }

    /// The ids (`protocol.rule`) of the rules that fire for `state` and are
    /// not suppressed, in output order: the same as
    /// [`Evaluation::recommended_ids`], for a platform that wants nothing
    /// else. It skips what only a reader needs (reasons, their values and
    /// the trace), and reuses `scratch` from state to state, so that a batch
    /// allocates nothing per state once the buffers have grown.
    ///
    /// ```
    /// let program = recoup::Compiler::new().compile().map_err(|e| format!("{e:?}"))?;
    /// let state = program
    ///     .state_from_text("after-long-run.yaml", include_str!("../examples/after-long-run.yaml"))
    ///     .map_err(|e| format!("{e:?}"))?;
    /// let mut scratch = recoup::Scratch::default();
    /// let fired: Vec<&str> = program.recommended_ids(&state, &mut scratch).collect();
    /// assert!(program.evaluate(&state).recommended_ids().eq(fired.iter().copied()));
    /// # Ok::<(), String>(())
    /// ```
    pub fn recommended_ids<'a>(
        &'a self,
        state: &State,
        scratch: &'a mut Scratch,
    ) -> impl ExactSizeIterator<Item = &'a str> + 'a {
        eval::decide_into(self, &state.facts, &mut scratch.outcome);
        let rules = &self.rules;
        scratch.outcome.recommendations.iter().map(move |&i| rules.get(i).map_or("", |r| r.id.as_str()))
    }
}

/// Buffers that [`Program::recommended_ids`] reuses from one state to the
/// next; one per thread.
#[derive(Clone, Debug, Default)]
pub struct Scratch {
    outcome: Outcome,
}

/// Builds a state from typed values set by dotted path, then validates it
/// like a state file.
///
/// ```
/// let program = recoup::Compiler::new().compile().map_err(|e| format!("{e:?}"))?;
/// let state = program
///     .state_builder()
///     .set("now", "2026-11-28T08:15:00+01:00")
///     .set("last_session.kind", "intervals")
///     .set("last_session.ended_at", "2026-11-28T07:40:00+01:00")
///     .set("symptoms.soreness", 6)
///     .build()
///     .map_err(|e| format!("{e:?}"))?;
/// assert!(program.evaluate(&state).recommended_ids().count() > 0);
/// # Ok::<(), String>(())
/// ```
#[derive(Clone, Debug)]
pub struct StateBuilder<'p> {
    program: &'p Program,
    root: serde_json::Map<String, serde_json::Value>,
}

impl StateBuilder<'_> {
    /// Set a field by its dotted path (`last_session.kind`): a number, a
    /// bool, text (quantities with units like `"1h50m"`, dates, words), or
    /// any JSON value (a list, a series of readings).
    pub fn set(mut self, path: &str, value: impl Into<serde_json::Value>) -> Self {
        let mut map = &mut self.root;
        let mut parts = path.split('.').peekable();
        while let Some(part) = parts.next() {
            if parts.peek().is_none() {
                map.insert(part.to_string(), value.into());
                break;
            }
            let entry = map.entry(part.to_string()).or_insert_with(|| serde_json::json!({}));
            if !entry.is_object() {
                *entry = serde_json::json!({});
            }
            match entry {
                serde_json::Value::Object(inner) => map = inner,
                _ => break,
            }
        }
        self
    }

    /// Validate the fields set so far into a state.
    pub fn build(self) -> Result<State, Vec<Diagnostic>> {
        self.program.state_from_json(&serde_json::Value::Object(self.root))
    }
}

/// One state's evaluation: the outcome of every rule, with the program it
/// came from so that results read by name.
#[derive(Debug)]
pub struct Evaluation<'p> {
    program: &'p Program,
    outcome: Outcome,
    athlete: Option<String>,
}

impl<'p> Evaluation<'p> {
    /// The ids (`protocol.rule`) of the rules that fired and were not
    /// suppressed, in output order.
    pub fn recommended_ids(&self) -> impl Iterator<Item = &'p str> + '_ {
        let rules = &self.program.rules;
        self.outcome.recommendations.iter().filter_map(move |&i| rules.get(i).map(|r| r.id.as_str()))
    }

    /// Every rule's outcome, with traces, for `explain`-like uses.
    pub fn outcome(&self) -> &Outcome {
        &self.outcome
    }

    /// The advice as data: the JSON contract of `recoup evaluate --format
    /// json` (serialize it with serde), and text or Markdown renderings.
    pub fn report(&self) -> Report {
        render::report(self.program, &self.outcome, self.athlete.clone())
    }
}

/// The file a state read from a JSON value is named by: it has no text,
/// since only a rejected value is written out (and then read as text).
/// Shared, so that a state read from a value costs no allocation for it.
fn value_file() -> &'static Arc<SourceFile> {
    static FILE: std::sync::OnceLock<Arc<SourceFile>> = std::sync::OnceLock::new();
    FILE.get_or_init(|| SourceFile::new("state.json", ""))
}
