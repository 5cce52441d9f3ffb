//! The one state validator: reads an athlete's state, driven by the fact
//! declarations, and remembers where each value came from so every error
//! can point at it. A state with any error is rejected whole: nothing is
//! evaluated from it.

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Datelike, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;

use crate::diagnostic::{suggest, Diagnostic, SourceFile, Span};
pub use crate::fact_schema::TIME_ZONE_FACT;
use crate::fact_schema::{FactSchema, Quick, Target, ROOT};
use crate::program::Program;
use crate::units::{self, Dim, UnitSystem};
use crate::value::{EnumType, Reading, Ty, Value};
use crate::yaml;

mod input;
pub use input::{Field, Input, View};

/// An athlete's validated state: one value per declared fact.
#[derive(Debug, Clone)]
pub struct State {
    #[doc(hidden)]
    pub file: Arc<SourceFile>,
    #[doc(hidden)]
    pub facts: Vec<Value>,
    /// Where each fact's value was written, if it was.
    #[doc(hidden)]
    pub spans: Vec<Option<Span>>,
}

#[doc(hidden)]
impl State {
    pub fn athlete_name(&self, program: &Program) -> Option<String> {
        match program.fact_index("athlete.name").and_then(|i| self.facts.get(i)) {
            Some(Value::Text(t)) => Some(t.to_string()),
            _ => None,
        }
    }
    pub fn now(&self, program: &Program) -> Option<DateTime<FixedOffset>> {
        match program.now_slot.and_then(|s| self.facts.get(s as usize)) {
            Some(Value::Instant(t)) => Some(*t),
            _ => None,
        }
    }
    pub fn unit_system(&self, program: &Program) -> UnitSystem {
        unit_system(program, &self.facts)
    }
}

/// How numbers are shown: `athlete.units`, metric unless it says imperial.
pub fn unit_system(program: &Program, slots: &[Value]) -> UnitSystem {
    program.unit_system(slots)
}

/// Where `now` comes from when the state file does not say.
#[derive(Clone, Copy, Debug, Default)]
pub struct NowSource {
    /// `--now`: wins over the file.
    pub override_now: Option<DateTime<FixedOffset>>,
    /// The clock, read by the caller (the library never reads it): used
    /// when neither `--now` nor the file gives a time.
    pub fallback: Option<DateTime<FixedOffset>>,
}

/// Most readings one series may hold: over ten years of mornings. Every
/// evaluation reads a whole series, and `explain` and `timeline` evaluate a
/// state hundreds of times.
pub const MAX_READINGS: usize = 4_000;

/// Read a rule file as UTF-8 text, or say clearly why not: see
/// [`crate::files::read_text`], which reads every kind of file with its own
/// limit.
pub fn read_source(path: &Path) -> Result<Arc<SourceFile>, Diagnostic> {
    crate::files::read_text(path, &crate::files::RULES)
}

/// Read a state file (at most [`crate::files::STATE`]'s limit) as UTF-8 text.
pub fn read_state_file(path: &Path) -> Result<Arc<SourceFile>, Diagnostic> {
    crate::files::read_text(path, &crate::files::STATE)
}

/// Facts from elsewhere (an imported history) for the slots a state file
/// left empty: given the fact schema, the facts read so far, which facts the file
/// wrote (valid or not), and `now`; returns slot and value pairs. Called
/// before defaults and required fields are settled, so a supplied
/// `last_session` satisfies the requirement.
pub type Supplement<'a> = &'a dyn Fn(&FactSchema<'_>, &[Value], &[bool], DateTime<FixedOffset>) -> Vec<(usize, Value)>;

/// Load a state file's text. The loader needs only the fact schema; a
/// `&Program` gives its own.
pub fn load<'p>(
    schema: impl Into<FactSchema<'p>>,
    file: &Arc<SourceFile>,
    now: NowSource,
) -> Result<State, Vec<Diagnostic>> {
    load_with(schema, file, now, None)
}

/// Load a state file's text, with facts supplied from elsewhere for what it
/// leaves out.
pub fn load_with<'p>(
    schema: impl Into<FactSchema<'p>>,
    file: &Arc<SourceFile>,
    now: NowSource,
    supplement: Option<Supplement<'_>>,
) -> Result<State, Vec<Diagnostic>> {
    // JSON (what a platform sends) is read into nodes that borrow the text:
    // the same nodes and spans as the YAML path's, so the same facts and
    // diagnostics, without a copy of every key and string.
    if file.text.trim_start().starts_with('{') {
        if let Some(root) = yaml::json::parse_borrowed(&file.text) {
            return load_node_with(schema.into(), file, &root, now, supplement);
        }
    }
    let root = match yaml::parse(&file.text) {
        Ok(root) => root,
        Err(e) => {
            let span = Span::new(e.span.start, e.span.end.max(e.span.start));
            let help = e.help.unwrap_or_else(|| "a state file is YAML: `field: value`, nested by indentation".into());
            return Err(vec![Diagnostic::error("state::syntax", e.message)
                .in_file(file)
                .label(span, "here")
                .help(help)]);
        }
    };
    load_node_with(schema.into(), file, &root, now, supplement)
}

/// Load a state from a YAML node (a whole file, or the `state:` of a
/// protocol test case) or from a JSON value held in memory (whose spans are
/// all empty: `file` is only named).
pub fn load_node<'p, N: Input>(
    schema: impl Into<FactSchema<'p>>,
    file: &Arc<SourceFile>,
    root: &N,
    now: NowSource,
) -> Result<State, Vec<Diagnostic>> {
    load_node_with(schema.into(), file, root, now, None)
}

fn load_node_with<N: Input>(
    schema: FactSchema<'_>,
    file: &Arc<SourceFile>,
    root: &N,
    now: NowSource,
    supplement: Option<Supplement<'_>>,
) -> Result<State, Vec<Diagnostic>> {
    let count = schema.facts.len();
    let mut loader = Loader::new::<N>(schema, file);
    match root.view() {
        View::Null => {
            return Err(vec![Diagnostic::error("state::empty", "the state file is empty")
                .in_file(file)
                .label(Span::new(0, 0), "nothing here")
                .help("a state needs at least `last_session:` with its `kind` and `ended_at`")]);
        }
        View::Map(entries) => loader.map::<N>(entries, ROOT),
        View::Str(text) if yaml::missing_space(text).is_some() => loader.missing_space(text, root),
        _ => loader.error(
            "state::type",
            format!("expected a map of fields, found {}", root.kind_name()),
            root.span(),
            "here",
            Some("write fields as `name: value` lines".into()),
        ),
    }
    let zone = loader.time_zone();
    let now_value = loader.resolve_now(now, zone.as_ref());
    loader.resolve_local_times(zone.as_ref(), now_value);
    if let (Some(supply), Some(now)) = (supplement, now_value) {
        let written: Vec<bool> = (0..count).map(|i| loader.written(i)).collect();
        for (slot, value) in supply(&schema, &loader.facts, &written, now) {
            if let Some(v) = loader.facts.get_mut(slot).filter(|v| v.is_missing()) {
                *v = value;
            }
        }
    }
    loader.finish(now_value);
    if loader.errors.is_empty() {
        Ok(State { file: Arc::clone(file), facts: loader.facts, spans: loader.spans })
    } else {
        Err(loader.errors)
    }
}

struct Loader<'a> {
    schema: FactSchema<'a>,
    file: &'a Arc<SourceFile>,
    errors: Vec<Diagnostic>,
    facts: Vec<Value>,
    spans: Vec<Option<Span>>,
    /// Facts the file wrote with a value that was rejected (and reported):
    /// such a fact is not reported again as missing. Empty for a valid
    /// state, so a fact is written exactly when it has a value or is here.
    rejected: Vec<usize>,
    /// Where each reading of a series was written, for readings dated after
    /// `now`: fact, date, where. Empty unless the state has series.
    series_spans: Vec<(usize, NaiveDate, Span)>,
    /// Where each group (`last_session:`) was written, by group, so that a
    /// missing field can be pointed at the group it belongs in. Grown as
    /// groups are seen.
    group_spans: Vec<Option<Span>>,
    /// Times written without an offset (`2026-11-28 07:30`): read in the
    /// athlete's time zone once the whole file is read, since
    /// `athlete.timezone` may come after them. Fact, item of a list, the
    /// time, where it was written.
    local_times: Vec<(usize, Option<usize>, NaiveDateTime, Span)>,
    /// The item of a list being read, for `local_times`.
    list_item: Option<usize>,
    /// Groups written as something other than fields (reported once): their
    /// required fields are not reported missing on top.
    broken_groups: Vec<usize>,
    /// A time without an offset and no time zone was reported: one such
    /// error says it for the whole file.
    no_zone_reported: bool,
}

/// A value taken the quick way: a number in its fact's bounds, a truth
/// value, a word of its enum. `None` for anything else, to be read the full
/// way (`Loader::fact`), which takes the same values to the same facts (a
/// test holds them to it) and says what is wrong with the others. Most of
/// a platform's facts are of these kinds, and most values are right.
#[inline(always)]
fn quick<N: Input>(how: Quick, view: &View<'_, N>, enums: &[EnumType]) -> Option<Value> {
    let number = |unit: units::Unit, low: f64, high: f64, x: f64| {
        let v = unit.to_canonical(x);
        (v.is_finite() && v >= low && v <= high).then_some(Value::Num(v))
    };
    match (how, view) {
        (Quick::Number { unit, low, high }, View::Int(i)) => number(unit, low, high, *i as f64),
        (Quick::Number { unit, low, high }, View::Float(f)) => number(unit, low, high, *f),
        (Quick::Bool, View::Bool(b)) => Some(Value::Bool(*b)),
        (Quick::Enum(e), View::Str(s)) => {
            let at = enums.get(e)?.values.iter().position(|v| v == s)?;
            u16::try_from(at).ok().map(Value::Enum)
        }
        _ => None,
    }
}

/// A number that stayed finite once read in its unit; `written` is how it
/// was written, for the error.
fn finite(v: f64, written: impl FnOnce() -> String) -> Result<f64, units::UnitError> {
    if v.is_finite() {
        return Ok(v);
    }
    Err(units::UnitError::NonFinite { text: written() })
}

/// The name a value is reported under: a fact's path, or a field of one of
/// its readings (`hrv.readings.date`). Written out only into a message.
#[derive(Clone, Copy)]
struct Name<'p> {
    path: &'p str,
    field: Option<&'p str>,
}

impl Name<'_> {
    /// Whether this is the fact at `slot` itself.
    fn is_fact(&self, slot: Option<usize>, index: usize) -> bool {
        self.field.is_none() && slot == Some(index)
    }
}

impl std::fmt::Display for Name<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.field {
            Some(field) => write!(f, "{}.{field}", self.path),
            None => f.write_str(self.path),
        }
    }
}

/// The years a date or time in a state may fall in. A running log reaches
/// back decades at most and plans a season or two ahead; anything outside is
/// a typo (`0000-01-01`, `9999-12-31` as "no date"), and refusing it keeps
/// date arithmetic far from chrono's limits.
pub const FIRST_YEAR: i32 = 1900;
/// See [`FIRST_YEAR`].
pub const LAST_YEAR: i32 = 2199;

fn plausible_year(year: i32) -> bool {
    (FIRST_YEAR..=LAST_YEAR).contains(&year)
}

/// A time written without an offset: `2026-11-28T07:30`, `2026-11-28 07:30`,
/// with or without seconds.
pub fn parse_local_time(text: &str) -> Option<NaiveDateTime> {
    ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text.trim(), f).ok())
}

/// A clock duration `h:mm:ss` (`1:12:00` is 1 h 12 min), in seconds, as a
/// watch shows it. Two parts (`45:30`) stay minutes and seconds, read by
/// `units` like a pace.
fn clock_duration(text: &str) -> Option<f64> {
    let mut parts = text.trim().split(':');
    let (h, m, sec) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || m.len() != 2 || sec.len() != 2 || h.is_empty() {
        return None;
    }
    let num = |p: &str| p.chars().all(|c| c.is_ascii_digit()).then(|| p.parse::<f64>().ok()).flatten();
    let (h, m, sec) = (num(h)?, num(m)?, num(sec)?);
    (m < 60.0 && sec < 60.0).then_some(h * 3600.0 + m * 60.0 + sec)
}

/// Where a local time falls in a time zone: the one instant, or why not.
pub fn in_zone(zone: &Tz, local: NaiveDateTime) -> Result<DateTime<FixedOffset>, String> {
    match zone.from_local_datetime(&local) {
        LocalResult::Single(t) => Ok(t.fixed_offset()),
        LocalResult::Ambiguous(a, b) => Err(format!(
            "happens twice in {zone} (the clocks go back): {} or {}",
            a.fixed_offset().to_rfc3339(),
            b.fixed_offset().to_rfc3339()
        )),
        LocalResult::None => Err(format!("does not exist in {zone} (the clocks go forward then)")),
    }
}

// Error paths are out of line (`#[cold]`): a state is read field by field
// in a few hot functions, whose frames stay small when what only a mistake
// needs (messages, suggestions) is elsewhere.
impl<'a> Loader<'a> {
    /// A loader with every fact missing, for a state read from `N`.
    fn new<N: Input>(schema: FactSchema<'a>, file: &'a Arc<SourceFile>) -> Loader<'a> {
        let count = schema.facts.len();
        Loader {
            schema,
            file,
            errors: Vec::new(),
            facts: std::iter::repeat_with(|| Value::Missing).take(count).collect(),
            // Empty for a value held in memory: every place would be empty.
            spans: if N::POSITIONS { vec![None; count] } else { Vec::new() },
            rejected: Vec::new(),
            group_spans: Vec::new(),
            series_spans: Vec::new(),
            local_times: Vec::new(),
            list_item: None,
            broken_groups: Vec::new(),
            no_zone_reported: false,
        }
    }

    #[cold]
    #[inline(never)]
    fn error(&mut self, code: &'static str, message: String, span: Span, label: &str, help: Option<String>) {
        self.errors.push(Diagnostic::error(code, message).in_file(self.file).label(span, label).maybe_help(help));
    }

    fn map<'n, N: Input + 'n>(&mut self, entries: N::Entries<'n>, group: usize) {
        let schema = self.schema;
        let mut siblings: Option<Vec<String>> = None;
        let mut hint = 0;
        for entry in entries {
            match schema.child(group, entry.key, &mut hint) {
                Some(Target::Fact(index)) => {
                    let view = entry.value.view();
                    match quick(schema.quick(index), &view, schema.enums) {
                        Some(value) => self.store(index, value, entry.value),
                        None if matches!(view, View::Null) => {}
                        None => self.fact(index, entry.value),
                    }
                    continue;
                }
                Some(Target::Group(inner)) => {
                    self.group(inner, &entry);
                    continue;
                }
                None => {}
            }
            let prefix = schema.group(group).map_or("", |g| g.path.as_str());
            // Unknown: where it belongs if it is a field of another group,
            // else a sibling with a similar name.
            if let Some(help) = self.belongs_elsewhere(entry.key, prefix) {
                let place = if prefix.is_empty() { String::new() } else { format!(" in `{prefix}`") };
                self.error(
                    "state::unknown-field",
                    format!("`{}` is not a field{place}", entry.key),
                    entry.key_span,
                    "at the wrong level",
                    Some(help),
                );
                continue;
            }
            // The known names at this level, worked out once per map: a state
            // with 100,000 unknown keys must not redo it for each.
            let siblings = siblings.get_or_insert_with(|| self.siblings(group));
            // Did-you-mean compares with every sibling; past the number of
            // diagnostics shown for a file, the list of names does.
            let help = if self.errors.len() < crate::cap::MAX_PER_FILE {
                suggest(entry.key, siblings.iter().map(String::as_str))
            } else {
                None
            }
            .or_else(|| Some(format!("known fields here: {}", siblings.join(", "))));
            let place = if prefix.is_empty() { String::new() } else { format!(" in `{prefix}`") };
            self.error(
                "state::unknown-field",
                format!("unknown field `{}`{place}", entry.key),
                entry.key_span,
                "not a known field",
                help,
            );
        }
    }

    /// A group of fields (`last_session:`) as written.
    fn group<N: Input>(&mut self, group: usize, entry: &Field<'_, N>) {
        // A value held in memory has no places to point at (and is read
        // again as text when it is rejected, for diagnostics that do).
        if N::POSITIONS {
            if self.group_spans.len() <= group {
                self.group_spans.resize(group + 1, None);
            }
            if let Some(slot) = self.group_spans.get_mut(group) {
                *slot = Some(entry.key_span);
            }
        }
        match entry.value.view() {
            View::Map(entries) => self.map::<N>(entries, group),
            View::Null => {}
            View::Str(text) if yaml::missing_space(text).is_some() => {
                self.broken_groups.push(group);
                self.missing_space(text, entry.value);
            }
            _ => {
                self.broken_groups.push(group);
                let path = self.schema.group(group).map_or("", |g| g.path.as_str());
                self.error(
                    "state::type",
                    format!("`{path}` is a group of fields, found {}", entry.value.kind_name()),
                    entry.value.span(),
                    "expected fields under it",
                    Some(format!("write its fields indented below `{}:`", entry.key)),
                )
            }
        }
    }

    /// The names a map of `group` may hold, sorted, without repeats.
    fn siblings(&self, group: usize) -> Vec<String> {
        let mut names: Vec<String> = self
            .schema
            .group(group)
            .map(|g| g.children.iter().map(|(name, _)| name.clone()).collect())
            .unwrap_or_default();
        names.sort();
        names.dedup();
        names
    }

    /// `soreness` written at the top level: "`soreness` belongs under
    /// `symptoms:`". Looks for declared paths that have `key` as a segment
    /// under another parent.
    fn belongs_elsewhere(&self, key: &str, prefix: &str) -> Option<String> {
        let mut parents: Vec<&str> = Vec::new();
        for fact in self.schema.facts {
            let mut start = 0;
            for segment in fact.path.split('.') {
                let parent = fact.path.get(..start.max(1) - 1).unwrap_or("");
                if segment == key && parent != prefix && !parents.contains(&parent) {
                    parents.push(parent);
                }
                start += segment.len() + 1;
            }
        }
        let place = |p: &&str| {
            if p.is_empty() {
                "at the top level, not indented".to_string()
            } else {
                format!("under `{p}:`")
            }
        };
        match parents.as_slice() {
            [] => None,
            [only] => Some(format!("`{key}` belongs {}", place(only))),
            many => Some(format!("`{key}` belongs {}", many.iter().map(place).collect::<Vec<_>>().join(" or "))),
        }
    }

    fn missing_space<N: Input>(&mut self, text: &str, node: &N) {
        let (key, value) = yaml::missing_space(text).map_or(("", ""), |(_, k, v)| (k, v));
        self.error(
            "state::syntax",
            format!("a space is missing after the colon in `{key}:{value}`"),
            node.span(),
            "no space after `:`",
            Some(format!("write `{key}: {value}`")),
        );
    }

    /// `athlete.timezone`, when the file gives a valid one.
    fn time_zone(&self) -> Option<Tz> {
        let slot = self.schema.time_zone_slot()?;
        match self.facts.get(slot) {
            Some(Value::Text(name)) => name.parse::<Tz>().ok(),
            _ => None,
        }
    }

    /// Times written without an offset, read in `athlete.timezone`; without
    /// one, in the offset of `now` (the state's or `--now`). A bad time zone
    /// was reported already, so it is not reported again for every time.
    fn resolve_local_times(&mut self, zone: Option<&Tz>, now: Option<DateTime<FixedOffset>>) {
        let now_slot = self.schema.now_slot.map(|s| s as usize);
        let zone_written = self.schema.time_zone_slot().is_some_and(|i| self.written(i));
        for (index, item, local, span) in std::mem::take(&mut self.local_times) {
            if Some(index) == now_slot {
                continue;
            }
            let path = self.schema.facts.get(index).map_or("", |f| f.path.as_str());
            let resolved = match (zone, now) {
                (Some(zone), _) => in_zone(zone, local),
                (None, _) if zone_written => {
                    self.reject(index);
                    continue;
                }
                (None, Some(now)) => now.offset().from_local_datetime(&local).single().ok_or_else(String::new),
                (None, None) if self.no_zone_reported => {
                    self.reject(index);
                    continue;
                }
                (None, None) => {
                    self.reject(index);
                    self.no_zone_reported = true;
                    self.error(
                        "state::date",
                        format!("`{path}`: `{local}` has no offset and the state names no time zone"),
                        span,
                        "no offset",
                        Some(format!("add `timezone: Europe/Paris` (your zone) under `athlete:`, or write the offset: `{}+01:00`", local.format("%Y-%m-%dT%H:%M:%S"))),
                    );
                    continue;
                }
            };
            match resolved {
                Ok(t) => self.set_instant(index, item, t),
                Err(why) => {
                    self.reject(index);
                    self.error(
                        "state::date",
                        format!("`{path}`: {local} {why}"),
                        span,
                        "not a time there",
                        Some("write the offset, e.g. `2026-10-25T02:30:00+01:00`".into()),
                    );
                }
            }
        }
    }

    /// A written value found wrong after it was read (a local time the
    /// clocks skip, or in a zone that was itself wrong): it no longer
    /// counts, and is not reported as missing on top of its own error.
    /// Out of line: only a mistake comes here.
    #[cold]
    #[inline(never)]
    fn reject(&mut self, index: usize) {
        if let Some(slot) = self.facts.get_mut(index) {
            *slot = Value::Missing;
        }
        if !self.rejected.contains(&index) {
            self.rejected.push(index);
        }
    }

    fn set_instant(&mut self, index: usize, item: Option<usize>, t: DateTime<FixedOffset>) {
        match (self.facts.get_mut(index), item) {
            (Some(slot), None) => *slot = Value::Instant(t),
            (Some(Value::List(items)), Some(i)) => {
                let mut list = items.to_vec();
                if let Some(v) = list.get_mut(i) {
                    *v = Value::Instant(t);
                }
                *items = list.into();
            }
            _ => {}
        }
    }

    #[inline(always)]
    fn fact<N: Input>(&mut self, index: usize, node: &N) {
        let Some(fact) = self.schema.facts.get(index) else { return };
        let name = Name { path: &fact.path, field: None };
        let value = match &fact.ty {
            Ty::List(item) => match node.view() {
                View::Seq(items) => {
                    let mut values = Vec::with_capacity(items.len());
                    for (i, n) in items.iter().enumerate() {
                        self.list_item = Some(i);
                        values.extend(self.scalar(index, name, item, n));
                    }
                    self.list_item = None;
                    (values.len() == items.len()).then(|| Value::List(values.into()))
                }
                _ => self.type_error(name, &fact.ty, node),
            },
            Ty::Series(dim) => self.series(index, name, *dim, node),
            ty => self.scalar(index, name, ty, node),
        };
        match value {
            Some(v) => self.store(index, v, node),
            None => self.reject(index),
        }
    }

    /// A fact's value, read from `node`.
    #[inline(always)]
    fn store<N: Input>(&mut self, index: usize, value: Value, node: &N) {
        if let Some(slot) = self.facts.get_mut(index) {
            *slot = value;
        }
        if N::POSITIONS {
            if let Some(slot) = self.spans.get_mut(index) {
                *slot = Some(node.span());
            }
        }
    }

    #[cold]
    #[inline(never)]
    fn type_error<N: Input>(&mut self, path: Name<'_>, ty: &Ty, node: &N) -> Option<Value> {
        let expected = ty.describe(self.schema.enums);
        let example = match ty {
            Ty::Bool => "`true` or `false`",
            Ty::Date => "a date like `2026-11-15`",
            Ty::Instant => "a time like `2026-11-28T07:40:00+01:00`",
            Ty::List(_) => "a list like `[a, b]`",
            Ty::Series(_) => "a list of `{ date: ..., value }` readings",
            Ty::Num(d) if d.is_none() => "a number such as `3`",
            Ty::Num(d) => units::examples(*d).1,
            Ty::Text => "text, such as `Jo Runner`",
            Ty::Enum(_) => "one of the allowed words",
        };
        let help = (!example.is_empty()).then(|| format!("write {example}"));
        self.error(
            "state::type",
            format!("`{path}` must be {expected}, found {}", node.kind_name()),
            node.span(),
            &format!("expected {expected}"),
            help,
        );
        None
    }

    /// One value of a scalar type (also each item of a list).
    #[inline(always)]
    fn scalar<N: Input>(&mut self, index: usize, path: Name<'_>, ty: &Ty, node: &N) -> Option<Value> {
        let schema = self.schema;
        let fact = schema.facts.get(index)?;
        let span = node.span();
        let plain_number = || fact.unit.is_none_or(|u| u.dim.is_none() && (u.scale - 1.0).abs() < f64::EPSILON);
        let view = node.view();
        match (ty, &view) {
            // A count or a score has no unit to write, so text is a mistake.
            (Ty::Num(dim), View::Str(_)) if dim.is_none() && plain_number() => self.type_error(path, ty, node),
            (Ty::Num(dim), View::Int(_) | View::Float(_) | View::Str(_)) => {
                let unit = fact.unit.unwrap_or(units::Unit::canonical(*dim));
                let parsed = match &view {
                    // A finite number can still overflow once scaled
                    // (`1e308` minutes in seconds): say so, not "n/a".
                    View::Int(i) => finite(unit.to_canonical(*i as f64), || i.to_string()),
                    View::Float(f) => finite(unit.to_canonical(*f), || format!("{f:e}")),
                    View::Str(s) if *dim == Dim::TIME && clock_duration(s).is_some() => {
                        Ok(clock_duration(s).unwrap_or(0.0))
                    }
                    View::Str(s) => units::parse_quantity(s, *dim, unit),
                    _ => Ok(0.0),
                };
                match parsed {
                    Ok(v) => {
                        self.check_range(index, path, *dim, v, span);
                        Some(Value::Num(v))
                    }
                    Err(e) => {
                        let help = e.help().or_else(|| {
                            Some(format!("write a {} such as {}", dim.describe(), units::examples(*dim).1))
                        });
                        self.error(
                            "state::unit",
                            format!("`{path}`: {e}"),
                            span,
                            &format!("expected a {}", dim.describe()),
                            help,
                        );
                        None
                    }
                }
            }
            (Ty::Bool, View::Bool(b)) => Some(Value::Bool(*b)),
            (Ty::Text, View::Str(s)) if path.is_fact(schema.time_zone_slot(), index) && s.parse::<Tz>().is_err() => {
                let names = chrono_tz::TZ_VARIANTS.iter().map(|z| z.name());
                let help = suggest(s, names).unwrap_or_else(|| {
                    "write an IANA time zone name such as `Europe/Paris` or `America/New_York`".into()
                });
                self.error(
                    "state::unknown-enum-value",
                    format!("`{s}` is not a time zone"),
                    span,
                    "unknown time zone",
                    Some(help),
                );
                None
            }
            (Ty::Text, View::Str(s)) => Some(Value::Text((*s).into())),
            (Ty::Enum(e), View::Str(s)) => {
                let values: &[String] = schema.enums.get(*e).map_or(&[], |t| t.values.as_slice());
                match values.iter().position(|v| v == s).and_then(|i| u16::try_from(i).ok()) {
                    Some(i) => Some(Value::Enum(i)),
                    None => {
                        let help = suggest(s, values.iter().map(String::as_str))
                            .unwrap_or_else(|| format!("use one of: {}", values.join(", ")));
                        self.error(
                            "state::unknown-enum-value",
                            format!("`{s}` is not a valid `{path}`"),
                            span,
                            "unknown value",
                            Some(help),
                        );
                        None
                    }
                }
            }
            (Ty::Date, View::Str(s)) if *s == "never" && fact.never_allowed => Some(Value::Never),
            (Ty::Date, View::Str(s)) => match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
                Ok(d) if !plausible_year(d.year()) => {
                    self.implausible_date(path, s, span);
                    None
                }
                Ok(d) => Some(Value::Date(d)),
                Err(e) => {
                    let help = if fact.never_allowed {
                        "write a date as YYYY-MM-DD, e.g. `2026-11-15`, or `never`"
                    } else {
                        "write a date as YYYY-MM-DD, e.g. `2026-11-15`"
                    };
                    self.error(
                        "state::date",
                        format!("`{path}`: `{s}` is not a date ({e})"),
                        span,
                        "not a date",
                        Some(help.into()),
                    );
                    None
                }
            },
            (Ty::Instant, View::Str(s)) => match DateTime::parse_from_rfc3339(s) {
                Ok(t) if !plausible_year(t.year()) => {
                    self.implausible_date(path, s, span);
                    None
                }
                Ok(t) => Some(Value::Instant(t)),
                Err(_) if parse_local_time(s).is_some_and(|t| !plausible_year(t.year())) => {
                    self.implausible_date(path, s, span);
                    None
                }
                Err(_) if parse_local_time(s).is_some() => {
                    let local = parse_local_time(s)?;
                    self.local_times.push((index, self.list_item, local, span));
                    // A stand-in until the time zone is known.
                    Some(Value::Instant(local.and_utc().fixed_offset()))
                }
                Err(e) => {
                    let help = if NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok() || !s.contains(['+', 'Z', 'z']) {
                        "write a date and a time: `2026-11-28 07:40` (in `athlete.timezone`) or `2026-11-28T07:40:00+01:00`"
                    } else {
                        "write an RFC 3339 time: `2026-11-28T07:40:00+01:00`"
                    };
                    self.error(
                        "state::date",
                        format!("`{path}`: `{s}` is not a time with an offset ({e})"),
                        span,
                        "not an instant",
                        Some(help.into()),
                    );
                    None
                }
            },
            _ => self.type_error(path, ty, node),
        }
    }

    /// Whether the file wrote the fact at `index`, valid or not.
    fn written(&self, index: usize) -> bool {
        self.facts.get(index).is_some_and(|v| !v.is_missing()) || self.rejected.contains(&index)
    }

    /// Whether the fact at `index` is in a group written as something other
    /// than fields (its enclosing group or any around it).
    fn in_broken_group(&self, index: usize) -> bool {
        if self.broken_groups.is_empty() {
            return false;
        }
        let mut group = self.schema.parent_of(index);
        while group != ROOT {
            if self.broken_groups.contains(&group) {
                return true;
            }
            group = self.schema.group(group).map_or(ROOT, |g| g.parent);
        }
        false
    }

    #[cold]
    #[inline(never)]
    fn implausible_date(&mut self, path: Name<'_>, text: &str, span: Span) {
        self.error(
            "state::date",
            format!("`{path}`: `{text}` is outside the dates recoup accepts"),
            span,
            "implausible date",
            Some(format!("dates and times must fall in the years {FIRST_YEAR} to {LAST_YEAR}; check the year")),
        );
    }

    fn check_range(&mut self, index: usize, path: Name<'_>, dim: Dim, v: f64, span: Span) {
        let Some(fact) = self.schema.facts.get(index) else { return };
        if fact.low.is_some_and(|l| v < l) || fact.high.is_some_and(|h| v > h) {
            self.range_error(index, path, dim, v, span);
        }
    }

    #[cold]
    #[inline(never)]
    fn range_error(&mut self, index: usize, path: Name<'_>, dim: Dim, v: f64, span: Span) {
        let Some(fact) = self.schema.facts.get(index) else { return };
        let (low, high) = (fact.low, fact.high);
        let show = |x: f64| units::format_quantity(x, dim, UnitSystem::Metric);
        if let Some(low) = low.filter(|l| v < *l) {
            let message = format!("`{path}` is {}, below the minimum {}", show(v), show(low));
            let help = Some(match high {
                Some(h) => format!("allowed: {} to {}", show(low), show(h)),
                None => format!("allowed: {} or more", show(low)),
            });
            self.error("state::range", message, span, "out of range", help);
        } else if let Some(high) = high.filter(|h| v > *h) {
            let message = format!("`{path}` is {}, above the maximum {}", show(v), show(high));
            let help = Some(match low {
                Some(l) => format!("allowed: {} to {}", show(l), show(high)),
                None => format!("allowed: up to {}", show(high)),
            });
            self.error("state::range", message, span, "out of range", help);
        }
    }

    fn series<N: Input>(&mut self, index: usize, path: Name<'_>, dim: Dim, node: &N) -> Option<Value> {
        let schema = self.schema;
        let field: &str = schema.facts.get(index)?.series_field.as_deref().unwrap_or_default();
        let View::Seq(items) = node.view() else {
            let ty = Ty::Series(dim);
            return self.type_error(path, &ty, node);
        };
        if let Some(extra) = items.get(MAX_READINGS) {
            self.error(
                "state::too-many-readings",
                format!("`{path}` holds {} readings; recoup accepts at most {MAX_READINGS}", items.len()),
                extra.span(),
                "the first reading over the limit",
                Some(format!(
                    "keep the most recent readings: the rules look back weeks, and {MAX_READINGS} mornings are over ten years"
                )),
            );
            return None;
        }
        let mut readings: Vec<(Reading, Span)> = Vec::new();
        let mut ok = true;
        for item in items {
            let View::Map(entries) = item.view() else {
                self.error(
                    "state::type",
                    format!("each reading of `{path}` must be a map, found {}", item.kind_name()),
                    item.span(),
                    "expected a reading",
                    Some(format!("write `{{ date: 2026-11-24, {field}: ... }}`")),
                );
                ok = false;
                continue;
            };
            let (mut date, mut value) = (None, None);
            for e in entries.clone() {
                if e.key == "date" {
                    let name = Name { field: Some("date"), ..path };
                    date = self.scalar(index, name, &Ty::Date, e.value).and_then(|v| match v {
                        Value::Date(d) => Some(d),
                        _ => None,
                    });
                } else if e.key == field {
                    let name = Name { field: Some(field), ..path };
                    value = self.scalar(index, name, &Ty::Num(dim), e.value).and_then(|v| match v {
                        Value::Num(x) => Some(x),
                        _ => None,
                    });
                } else {
                    let help =
                        suggest(e.key, ["date", field]).or_else(|| Some(format!("a reading has `date` and `{field}`")));
                    self.error(
                        "state::unknown-field",
                        format!("unknown field `{}` in a reading of `{path}`", e.key),
                        e.key_span,
                        "not a reading field",
                        help,
                    );
                }
            }
            match (date, value) {
                (Some(date), Some(value)) => readings.push((Reading { date, value }, item.span())),
                (d, v) => {
                    ok = false;
                    // A bad value was already reported; a missing one is not.
                    let absent = if entries.clone().all(|e| e.key != "date") && d.is_none() {
                        Some("date")
                    } else if entries.clone().all(|e| e.key != field) && v.is_none() {
                        Some(field)
                    } else {
                        None
                    };
                    if let Some(name) = absent {
                        self.error(
                            "state::missing-field",
                            format!("a reading of `{path}` has no `{name}`"),
                            item.span(),
                            "incomplete reading",
                            Some(format!("a reading has `date` and `{field}`")),
                        );
                    }
                }
            }
        }
        readings.sort_by_key(|(r, _)| r.date);
        for pair in readings.windows(2) {
            if let [(a, _), (b, span)] = pair {
                if a.date == b.date {
                    self.error(
                        "state::type",
                        format!("two readings of `{path}` for {}", b.date),
                        *span,
                        "second reading for this date",
                        Some("keep one reading per morning".into()),
                    );
                    ok = false;
                }
            }
        }
        self.series_spans.extend(readings.iter().map(|(r, s)| (index, r.date, *s)));
        ok.then(|| Value::Series(readings.into_iter().map(|(r, _)| r).collect::<Vec<_>>().into()))
    }

    /// `--now`, else the state's `now` (a local one read in
    /// `athlete.timezone`), else the clock. A `now` the file gave but got
    /// wrong was reported; it is not replaced by the clock, which would only
    /// add errors about dates "after now" that are not the coach's mistake.
    fn resolve_now(&mut self, now: NowSource, zone: Option<&Tz>) -> Option<DateTime<FixedOffset>> {
        let slot = self.schema.now_slot? as usize;
        if let Some(at) = self.local_times.iter().position(|(i, ..)| *i == slot) {
            let (_, _, local, span) = self.local_times.remove(at);
            let zone_written = self.schema.time_zone_slot().is_some_and(|i| self.written(i));
            let resolved = match zone {
                Some(zone) => in_zone(zone, local).map(Some),
                None if zone_written => Ok(None),
                None => Err(String::from("has no offset and the state names no time zone")),
            };
            match resolved {
                Ok(Some(t)) => {
                    if let Some(v) = self.facts.get_mut(slot) {
                        *v = Value::Instant(t);
                    }
                }
                // In a time zone that was wrong, and reported.
                Ok(None) => self.reject(slot),
                Err(why) => {
                    self.reject(slot);
                    let help = if zone.is_some() {
                        "write the offset, e.g. `2026-03-29T03:30:00+02:00`".to_string()
                    } else {
                        self.no_zone_reported = true;
                        format!(
                            "add `timezone: Europe/Paris` (your zone) under `athlete:`, or write the offset: `{}+01:00`",
                            local.format("%Y-%m-%dT%H:%M:%S")
                        )
                    };
                    let label = if zone.is_some() { "not a time there" } else { "no offset" };
                    self.error("state::date", format!("`now`: {local} {why}"), span, label, Some(help));
                }
            }
        }
        let written_bad = self.rejected.contains(&slot) && self.facts.get(slot).is_some_and(Value::is_missing);
        let chosen = match (now.override_now, self.facts.get(slot)) {
            (Some(t), _) => Some(t),
            (None, Some(Value::Instant(t))) => Some(*t),
            (None, _) if written_bad => None,
            (None, _) => now.fallback,
        };
        if let (Some(t), Some(v)) = (chosen, self.facts.get_mut(slot)) {
            *v = Value::Instant(t);
        }
        chosen
    }

    /// Defaults, required fields, `requires` and `past`: the checks that
    /// look at more than one value. Only the facts `FactSchema::checked`
    /// lists are looked at: a check added here must have its facts listed
    /// there (`FactTable::new`).
    fn finish(&mut self, now: Option<DateTime<FixedOffset>>) {
        let schema = self.schema;
        for &i in schema.checked() {
            let Some(fact) = schema.facts.get(i) else { continue };
            let present = self.facts.get(i).is_some_and(|v| !v.is_missing());
            if !present {
                if let Some(d) = &fact.default {
                    if let Some(slot) = self.facts.get_mut(i) {
                        *slot = d.clone();
                    }
                } else if !fact.optional && !self.written(i) && !self.in_broken_group(i) {
                    let (parent, _) = fact.path.rsplit_once('.').unwrap_or(("", &fact.path));
                    let field = fact.path.rsplit('.').next().unwrap_or(&fact.path);
                    let doc = fact.doc.as_deref().map(|d| format!(" ({d})")).unwrap_or_default();
                    let help = if parent.is_empty() {
                        format!("add `{field}: ...`{doc}")
                    } else {
                        format!("add `{field}: ...` under `{parent}:`{doc}")
                    };
                    let group = schema.parent_of(i);
                    let (span, label) = match self.group_spans.get(group).copied().flatten() {
                        Some(span) => (span, "missing in here"),
                        None => (Span::new(0, 0), "missing in this file"),
                    };
                    self.error(
                        "state::missing-field",
                        format!("required field `{}` is missing", fact.path),
                        span,
                        label,
                        Some(help),
                    );
                }
                continue;
            }
            let span = self.spans.get(i).copied().flatten().unwrap_or_default();
            if let Some(other) = fact.requires {
                // A malformed `other` was reported already; it was given.
                if !self.written(other) {
                    let other_path = schema.facts.get(other).map_or("", |f| f.path.as_str());
                    self.error(
                        "state::requires",
                        format!("`{}` is given without `{other_path}`", fact.path),
                        span,
                        "needs the other field",
                        Some(format!("add `{other_path}`, or leave this field out")),
                    );
                }
            }
            let Some(now) = now else { continue };
            let today = now.date_naive();
            match self.facts.get(i) {
                Some(Value::Instant(t)) if fact.past && *t > now => {
                    self.error(
                        "state::future",
                        format!("`{}` is after `now` ({})", fact.path, now.to_rfc3339()),
                        span,
                        "in the future",
                        Some("check the date and the time-zone offset, or pass `--now`".into()),
                    );
                }
                Some(Value::Date(d)) if fact.past && *d > today => {
                    self.error(
                        "state::future",
                        format!("`{}` is after `now` ({today})", fact.path),
                        span,
                        "in the future",
                        Some("check the date, or pass `--now`".into()),
                    );
                }
                Some(Value::Series(_)) => {
                    let late: Vec<Span> =
                        self.series_spans.iter().filter(|(f, d, _)| *f == i && *d > today).map(|(.., s)| *s).collect();
                    for s in late {
                        self.error(
                            "state::future",
                            format!("a reading of `{}` is dated after `now` ({today})", fact.path),
                            s,
                            "in the future",
                            Some("readings are mornings that have happened; check the date".into()),
                        );
                    }
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The quick way and the full way agree: every value the quick way
    /// takes, the full way takes to the same fact without a word; every
    /// value of a kind the quick way reads (a number for a quantity or a
    /// count, a truth value, a word) that the full way takes silently, the
    /// quick way takes too. Over every fact of the shipped program and
    /// values at and past their bounds.
    #[test]
    fn the_quick_way_takes_what_the_full_way_takes() {
        let program = crate::api::Compiler::new().compile().expect("the shipped protocols compile");
        let schema = program.fact_schema();
        let file = SourceFile::new("state.json", "");
        let mut values: Vec<serde_json::Value> = [
            -1e300, -400.0, -1.0, -0.0, 0.0, 0.25, 1.0, 9.99, 10.0, 10.01, 24.0, 25.0, 47.9, 100.0, 101.0, 250.0,
            365.0, 400.0, 500.0, 2880.0, 3650.0, 1e9, 1e300,
        ]
        .iter()
        .map(|f| serde_json::json!(f))
        .collect();
        values.extend([i64::MIN, -1, 0, 1, 3, 10, 11, 40, 100, 104, 250, 366, 3651, i64::MAX].map(|i| serde_json::json!(i)));
        values.extend([serde_json::json!(u64::MAX), serde_json::json!(true), serde_json::json!(false)]);
        values.extend(["nope", "10 km", "", "2026-11-28"].map(|s| serde_json::json!(s)));
        for e in schema.enums {
            values.extend(e.values.iter().map(|v| serde_json::json!(v)));
        }
        let mut taken = 0;
        for (index, fact) in schema.facts.iter().enumerate() {
            for value in &values {
                let fast = quick(schema.quick(index), &value.view(), schema.enums);
                let mut loader = Loader::new::<serde_json::Value>(schema, &file);
                loader.fact(index, value);
                let full = loader.facts.get(index).filter(|v| !v.is_missing() && loader.errors.is_empty());
                let quick_kind = matches!(
                    (schema.quick(index), value),
                    (Quick::Number { .. }, serde_json::Value::Number(_))
                        | (Quick::Bool, serde_json::Value::Bool(_))
                        | (Quick::Enum(_), serde_json::Value::String(_))
                );
                match (&fast, full) {
                    (Some(f), Some(v)) => {
                        assert_eq!(f, v, "`{}` = {value}", fact.path);
                        taken += 1;
                    }
                    (Some(f), None) => panic!("`{}` = {value}: the quick way took {f:?}, the full way did not", fact.path),
                    (None, Some(v)) if quick_kind => {
                        panic!("`{}` = {value}: the full way took {v:?}, the quick way did not", fact.path)
                    }
                    _ => {}
                }
            }
        }
        assert!(taken > 200, "only {taken} values were taken the quick way");
    }
}
