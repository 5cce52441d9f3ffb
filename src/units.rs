//! Physical dimensions, units, parsing of quantity text and display of quantities.
//!
//! Every quantity is held as an `f64` in one canonical unit per base dimension
//! (s, m, kg, L, bpm, ms rMSSD, °C) so rules compare plain numbers no matter how
//! a coach typed them; units only matter at the edges (parsing and display).

use std::fmt;

/// Exponents of the base dimensions. HRV is its own base so that rMSSD
/// milliseconds can never be confused with a duration.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Dim {
    pub time: i8,
    pub length: i8,
    pub mass: i8,
    pub volume: i8,
    pub heart_rate: i8,
    pub hrv: i8,
    pub temperature: i8,
    /// A share of a whole, written `70%`: dimensionless, yet not a plain
    /// number, so `humidity > 70` (7000 %) is caught by the checker.
    pub percent: bool,
    /// A temperature reading, a point on the scale, as opposed to a
    /// difference between two readings. Readings are affine: °F readings
    /// convert with an offset, differences without one.
    pub reading: bool,
}

#[rustfmt::skip]
const BASE_NAMES: [&str; 7] = [
    "duration", "distance", "mass", "volume", "heart rate", "HRV", "temperature",
];
const BASE_SYMBOLS: [&str; 7] = ["s", "m", "kg", "L", "bpm", "ms", "°C"];

// `format_parts` must hand out `&'static str`, so simple ratios of canonical
// units are spelled at compile time; the last row is for `1/x`.
#[rustfmt::skip]
macro_rules! per_row {
    ($n:literal) => {[
        concat!($n, "/s"), concat!($n, "/m"), concat!($n, "/kg"), concat!($n, "/L"),
        concat!($n, "/bpm"), concat!($n, "/ms"), concat!($n, "/°C"),
    ]};
}
#[rustfmt::skip]
const RATIO_SYMBOLS: [[&str; 7]; 8] = [
    per_row!("s"), per_row!("m"), per_row!("kg"), per_row!("L"),
    per_row!("bpm"), per_row!("ms"), per_row!("°C"), per_row!("1"),
];

impl Dim {
    pub const NONE: Dim = Dim::from_exponents([0, 0, 0, 0, 0, 0, 0]);
    pub const TIME: Dim = Dim::from_exponents([1, 0, 0, 0, 0, 0, 0]);
    pub const LENGTH: Dim = Dim::from_exponents([0, 1, 0, 0, 0, 0, 0]);
    pub const MASS: Dim = Dim::from_exponents([0, 0, 1, 0, 0, 0, 0]);
    pub const VOLUME: Dim = Dim::from_exponents([0, 0, 0, 1, 0, 0, 0]);
    pub const HEART_RATE: Dim = Dim::from_exponents([0, 0, 0, 0, 1, 0, 0]);
    pub const HRV: Dim = Dim::from_exponents([0, 0, 0, 0, 0, 1, 0]);
    /// A temperature reading (`16C`, a fact of kind `temperature`).
    pub const TEMPERATURE: Dim = Dim { reading: true, ..Dim::TEMPERATURE_DIFFERENCE };
    /// The difference of two readings: what `a - b` of two temperatures is.
    pub const TEMPERATURE_DIFFERENCE: Dim = Dim::from_exponents([0, 0, 0, 0, 0, 0, 1]);
    pub const PERCENT: Dim = Dim { percent: true, ..Dim::NONE };
    pub const PACE: Dim = Dim::from_exponents([1, -1, 0, 0, 0, 0, 0]);

    fn exponents(self) -> [i8; 7] {
        [self.time, self.length, self.mass, self.volume, self.heart_rate, self.hrv, self.temperature]
    }

    const fn from_exponents(e: [i8; 7]) -> Dim {
        let [time, length, mass, volume, heart_rate, hrv, temperature] = e;
        Dim { time, length, mass, volume, heart_rate, hrv, temperature, percent: false, reading: false }
    }

    /// Exponents combined; a product or ratio involving a temperature is a
    /// difference (°C/h is a rate of change), and a percent survives only as
    /// a percent of a plain number (`70% * max_hr` is a heart rate, `2 * 10%`
    /// a percent, `50% / 25%` the plain number 2).
    fn combine(self, other: Dim, op: fn(i8, i8) -> i8, percent: bool) -> Dim {
        let mut out = self.exponents();
        for (o, b) in out.iter_mut().zip(other.exponents()) {
            *o = op(*o, b);
        }
        let mut dim = Dim::from_exponents(out);
        dim.percent = percent && dim == Dim::NONE;
        dim
    }

    // The API is fixed by other modules; implementing `Mul`/`Div` as well
    // would add nothing they use.
    #[allow(clippy::should_implement_trait)]
    pub fn mul(self, other: Dim) -> Dim {
        self.combine(other, i8::saturating_add, self.percent || other.percent)
    }

    #[allow(clippy::should_implement_trait)]
    pub fn div(self, other: Dim) -> Dim {
        self.combine(other, i8::saturating_sub, self.percent && !other.percent)
    }

    pub fn is_none(self) -> bool {
        self == Dim::NONE
    }

    /// Human name for messages, e.g. "duration" or "volume per mass (L/kg)".
    pub fn describe(self) -> String {
        match self {
            Dim::PACE => return "pace".into(),
            Dim::PERCENT => return "percent".into(),
            Dim::TEMPERATURE_DIFFERENCE => return "temperature difference".into(),
            _ => {}
        }
        if self.is_none() {
            return "number".into();
        }
        let (num, den) = self.spell(&BASE_NAMES, " times ");
        let symbol = canonical_symbol(self);
        match (num.is_empty(), den.is_empty()) {
            (_, true) if BASE_NAMES.contains(&num.as_str()) => num,
            (_, true) => format!("{num} ({symbol})"),
            (true, false) => format!("per {den} ({symbol})"),
            (false, false) => format!("{num} per {den} ({symbol})"),
        }
    }

    /// Numerator and denominator spelled with `words`, exponents as `^n`.
    fn spell(self, words: &[&str; 7], joiner: &str) -> (String, String) {
        let mut num = Vec::new();
        let mut den = Vec::new();
        for (word, e) in words.iter().zip(self.exponents()) {
            let part = if e.unsigned_abs() == 1 { (*word).to_string() } else { format!("{word}^{}", e.unsigned_abs()) };
            match e {
                0 => {}
                e if e > 0 => num.push(part),
                _ => den.push(part),
            }
        }
        (num.join(joiner), den.join(joiner))
    }
}

impl fmt::Display for Dim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

/// Canonical unit of any dimension spelled out, e.g. "L/kg" or "kg·m".
fn canonical_symbol(dim: Dim) -> String {
    let (num, den) = dim.spell(&BASE_SYMBOLS, "·");
    match (num.is_empty(), den.is_empty()) {
        (_, true) => num,
        (true, false) if den.contains('·') => format!("1/({den})"),
        (true, false) => format!("1/{den}"),
        (false, false) if den.contains('·') => format!("{num}/({den})"),
        (false, false) => format!("{num}/{den}"),
    }
}

/// Canonical unit as a static string where one exists (bases and simple ratios).
fn static_symbol(dim: Dim) -> Option<&'static str> {
    if dim == Dim::PERCENT {
        return Some("%");
    }
    let e = dim.exponents();
    let find = |v: i8| e.iter().position(|&x| x == v);
    let nonzero = e.iter().filter(|&&x| x != 0).count();
    match (nonzero, find(1), find(-1)) {
        (0, _, _) => Some(""),
        (1, Some(n), None) => BASE_SYMBOLS.get(n).copied(),
        (1, None, Some(d)) => RATIO_SYMBOLS.get(7).and_then(|r| r.get(d)).copied(),
        (2, Some(n), Some(d)) => RATIO_SYMBOLS.get(n).and_then(|r| r.get(d)).copied(),
        _ => None,
    }
}

/// `canonical = value * scale + offset`
#[derive(Clone, Copy, PartialEq, Debug, serde::Serialize, serde::Deserialize)]
pub struct Unit {
    pub dim: Dim,
    pub scale: f64,
    pub offset: f64,
}

impl Unit {
    pub const fn new(dim: Dim, scale: f64, offset: f64) -> Unit {
        Unit { dim, scale, offset }
    }

    /// The canonical unit of `dim` (scale 1, no offset).
    pub const fn canonical(dim: Dim) -> Unit {
        Unit::new(dim, 1.0, 0.0)
    }

    pub fn to_canonical(self, value: f64) -> f64 {
        value * self.scale + self.offset
    }

    // The pair reads as a conversion to and from the canonical unit; the
    // unit is `self` in both.
    #[allow(clippy::wrong_self_convention)]
    pub fn from_canonical(self, canonical: f64) -> f64 {
        (canonical - self.offset) / self.scale
    }

    /// The unit of a difference of two values in this unit: the same scale
    /// without the offset (a 10 °F difference is 5.6 °C, not -12.2 °C).
    pub fn as_difference(self) -> Unit {
        let dim = if self.dim == Dim::TEMPERATURE { Dim::TEMPERATURE_DIFFERENCE } else { self.dim };
        Unit::new(dim, self.scale, 0.0)
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum UnitSystem {
    #[default]
    Metric,
    Imperial,
}

const MINUTE: Unit = Unit::new(Dim::TIME, 60.0, 0.0);
const HOUR: Unit = Unit::new(Dim::TIME, 3600.0, 0.0);
const DAY: Unit = Unit::new(Dim::TIME, 86_400.0, 0.0);
const METRE: Unit = Unit::canonical(Dim::LENGTH);
const KILOMETRE: Unit = Unit::new(Dim::LENGTH, 1000.0, 0.0);
const MILE_M: f64 = 1609.344;
const POUND_KG: f64 = 0.453_592_37;
const US_FL_OZ_L: f64 = 0.029_573_529_562_5;
const GRAM: Unit = Unit::new(Dim::MASS, 0.001, 0.0);
const MILLILITRE: Unit = Unit::new(Dim::VOLUME, 0.001, 0.0);

// `m` is missing on purpose: it is minutes or metres depending on context.
#[rustfmt::skip]
const UNIT_TABLE: &[(&[&str], Unit)] = &[
    (&["s", "sec", "secs", "second", "seconds"], Unit::canonical(Dim::TIME)),
    (&["min", "mins", "minute", "minutes"], MINUTE),
    (&["h", "hr", "hrs", "hour", "hours"], HOUR),
    (&["d", "day", "days"], DAY),
    (&["w", "wk", "wks", "week", "weeks"], Unit::new(Dim::TIME, 604_800.0, 0.0)),
    (&["km"], KILOMETRE),
    (&["metre", "metres", "meter", "meters"], METRE),
    (&["mi", "mile", "miles"], Unit::new(Dim::LENGTH, MILE_M, 0.0)),
    (&["kg"], Unit::canonical(Dim::MASS)),
    (&["g", "gram", "grams"], GRAM),
    (&["mg"], Unit::new(Dim::MASS, 0.000_001, 0.0)),
    (&["lb", "lbs"], Unit::new(Dim::MASS, POUND_KG, 0.0)),
    (&["L"], Unit::canonical(Dim::VOLUME)),
    (&["mL"], MILLILITRE),
    (&["bpm"], Unit::canonical(Dim::HEART_RATE)),
    (&["ms"], Unit::canonical(Dim::HRV)),
    (&["°C", "C", "℃"], Unit::canonical(Dim::TEMPERATURE)),
    (&["°F", "F", "℉"], Unit::new(Dim::TEMPERATURE, 5.0 / 9.0, -160.0 / 9.0)),
    (&["%"], Unit::new(Dim::PERCENT, 0.01, 0.0)),
];

const KNOWN_UNITS: &str =
    "s, min, h, d, w, m, km, mi, kg, g, mg, lb, L, ml, bpm, ms, °C, °F, %, and ratios of them such as `ml/h`";

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum UnitError {
    #[error("empty quantity")]
    Empty,
    #[error("`{text}` is not a number with a unit")]
    NotANumber { text: String },
    #[error("unknown unit `{unit}`")]
    UnknownUnit { unit: String, suggestion: Option<String> },
    #[error("expected {}, found {} (`{unit}`)", with_article(.expected), with_article(.found))]
    WrongDimension { expected: Dim, found: Dim, unit: String },
    #[error("`{text}` is missing a unit")]
    MissingUnit { text: String },
    #[error("`{text}` is not a valid minutes:seconds value: seconds must be two digits below 60")]
    BadClock { text: String },
    #[error("`{text}` is not a finite number")]
    NonFinite { text: String },
    #[error("`{text}`: `{part}` is not less than 1{larger}")]
    BadCompound { text: String, part: String, larger: String },
    #[error("`{text}` adds temperatures together")]
    CannotCombine { text: String },
}

fn with_article(dim: &Dim) -> String {
    let name = dim.describe();
    let vowel = name.starts_with(['a', 'e', 'i', 'o', 'u']) || name.starts_with("HRV");
    format!("{} {name}", if vowel { "an" } else { "a" })
}

fn unit_examples(dim: Dim) -> Option<&'static str> {
    Some(match dim {
        Dim::TIME => "`s`, `min`, `h`, `d` or `w`",
        Dim::LENGTH => "`m`, `km` or `mi`",
        Dim::MASS => "`kg`, `g`, `mg` or `lb`",
        Dim::VOLUME => "`L` or `ml`",
        Dim::HEART_RATE => "`bpm`",
        Dim::HRV => "`ms`",
        Dim::TEMPERATURE | Dim::TEMPERATURE_DIFFERENCE => "`°C` or `°F`",
        Dim::PACE => "minutes:seconds, e.g. `5:15/km` or `8:27/mi`",
        Dim::NONE => "a plain number",
        Dim::PERCENT => "`%`, e.g. `70%`",
        _ => return None,
    })
}

impl UnitError {
    /// A suggestion to show under the error message.
    pub fn help(&self) -> Option<String> {
        Some(match self {
            UnitError::Empty | UnitError::MissingUnit { .. } => {
                "write a number with a unit, e.g. `45min`, `1h 30min` or `5:15/km`".into()
            }
            UnitError::NotANumber { text } if text.contains(',') => "use `.` for decimals, e.g. `62.4 kg`".into(),
            UnitError::NotANumber { .. } => {
                "write a number followed by a unit, e.g. `45min`, `62.4 kg` or `5:15/km`".into()
            }
            UnitError::UnknownUnit { suggestion: Some(s), .. } => format!("did you mean `{s}`?"),
            UnitError::UnknownUnit { suggestion: None, .. } => {
                format!("known units: {KNOWN_UNITS}")
            }
            UnitError::WrongDimension { expected, found, .. } => {
                if *expected == Dim::TIME && *found == Dim::HRV {
                    "`ms` is HRV (rMSSD milliseconds); write durations with `s`, `min` or `h`".into()
                } else if *expected == Dim::LENGTH && *found == Dim::TIME {
                    "a lone `m` means metres; write minutes as `min`".into()
                } else {
                    let examples = unit_examples(*expected)?;
                    format!("write {} with {examples}", with_article(expected))
                }
            }
            UnitError::BadClock { .. } => "write minutes:seconds with two-digit seconds, e.g. `5:15/km`".into(),
            UnitError::NonFinite { .. } => "write an ordinary number such as `7.5`".into(),
            UnitError::BadCompound { .. } => {
                "in `1h30m` or `2h5m30s` each part is smaller than the one before it: write `2h30m`, not `1h90m`".into()
            }
            UnitError::CannotCombine { .. } => "write a single temperature such as `16C`".into(),
        })
    }
}

fn unknown(symbol: &str) -> UnitError {
    let lower = symbol.to_lowercase();
    let mut best: Option<(f64, &str)> = None;
    for name in UNIT_TABLE.iter().flat_map(|(names, _)| names.iter()).chain(&["m"]) {
        let score = strsim::jaro_winkler(&lower, &name.to_lowercase());
        if score >= 0.8 && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, *name));
        }
    }
    UnitError::UnknownUnit { unit: symbol.to_string(), suggestion: best.map(|(_, name)| name.to_string()) }
}

fn simple_unit(symbol: &str, expected: Option<Dim>) -> Result<Unit, UnitError> {
    let lower = symbol.to_lowercase();
    if lower == "m" {
        return Ok(if expected == Some(Dim::TIME) { MINUTE } else { METRE });
    }
    UNIT_TABLE
        .iter()
        .find(|(names, _)| names.iter().any(|n| n.to_lowercase() == lower))
        .map(|(_, u)| *u)
        .ok_or_else(|| unknown(symbol))
}

/// A unit symbol as written in text. `expected` resolves ambiguity: `m` is
/// minutes when expected is TIME and metres otherwise. It does not check the
/// dimension against `expected`; `parse_quantity` does.
pub fn unit(symbol: &str, expected: Option<Dim>) -> Result<Unit, UnitError> {
    let symbol = symbol.trim();
    let Some((n, d)) = symbol.split_once('/') else {
        return simple_unit(symbol, expected);
    };
    let (n, d) = (n.trim(), d.trim());
    if n.is_empty() || d.contains('/') {
        return Err(unknown(symbol));
    }
    // Resolve each side against what the other side implies, so `m/km` read
    // as a pace is minutes per kilometre.
    let first = simple_unit(n, None)?;
    let den = simple_unit(d, expected.map(|e| first.dim.div(e)))?;
    let num = simple_unit(n, expected.map(|e| e.mul(den.dim)))?;
    // Inside a ratio a temperature is a change (`°F/h`), so its scale
    // applies and its offset does not; `Dim::div` makes it a difference.
    Ok(Unit::new(num.dim.div(den.dim), num.scale / den.scale, 0.0))
}

fn not_number(text: &str) -> UnitError {
    UnitError::NotANumber { text: text.into() }
}
fn non_finite(text: &str) -> UnitError {
    UnitError::NonFinite { text: text.into() }
}
fn missing_unit(text: &str) -> UnitError {
    UnitError::MissingUnit { text: text.into() }
}
fn cannot_combine(text: &str) -> UnitError {
    UnitError::CannotCombine { text: text.into() }
}

struct Part {
    number: f64,
    unit: String,
}

fn parse_number(s: &str, text: &str) -> Result<f64, UnitError> {
    let digits = s.chars().filter(char::is_ascii_digit).count();
    let dots = s.chars().filter(|&c| c == '.').count();
    if digits == 0 || dots > 1 {
        return Err(not_number(text));
    }
    let v: f64 = s.parse().map_err(|_| not_number(text))?;
    if v.is_finite() {
        Ok(v)
    } else {
        Err(non_finite(text))
    }
}

fn split_at(s: &str, pred: impl Fn(char) -> bool) -> (&str, &str) {
    let at = s.find(pred).unwrap_or(s.len());
    s.split_at_checked(at).unwrap_or((s, ""))
}

/// `5:15/km`, `8:27 mi`, `45:30` — minutes:seconds, then an optional unit.
fn clock_part(body: &str, text: &str) -> Result<Part, UnitError> {
    let bad = || UnitError::BadClock { text: text.to_string() };
    let (mins, rest) = body.split_once(':').ok_or_else(bad)?;
    let mins = mins.trim();
    if mins.is_empty() || !mins.chars().all(|c| c.is_ascii_digit()) {
        return Err(not_number(text));
    }
    let (secs, unit_text) = split_at(rest, |c| !(c.is_ascii_digit() || c == '.'));
    let whole_secs = secs.split('.').next().unwrap_or("");
    if whole_secs.len() != 2 {
        return Err(bad());
    }
    let secs = parse_number(secs, text)?;
    if secs >= 60.0 {
        return Err(bad());
    }
    let unit_text = unit_text.trim();
    let unit = if unit_text.starts_with('/') { format!("min{unit_text}") } else { unit_text.to_string() };
    Ok(Part { number: parse_number(mins, text)? + secs / 60.0, unit })
}

fn split_parts(body: &str, text: &str) -> Result<Vec<Part>, UnitError> {
    let mut parts = Vec::new();
    let mut rest = body.trim_start();
    while !rest.is_empty() {
        let (num, after) = split_at(rest, |c| !(c.is_ascii_digit() || c == '.'));
        let number = parse_number(num, text)?;
        let (unit, next) = split_at(after.trim_start(), |c| c.is_whitespace() || c.is_ascii_digit());
        if unit.starts_with(['.', ',']) {
            return Err(not_number(text));
        }
        parts.push(Part { number, unit: unit.to_string() });
        rest = next.trim_start();
    }
    Ok(parts)
}

fn parse_inner(text: &str, expected: Option<Dim>, default_unit: Option<Unit>) -> Result<(f64, Dim), UnitError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(UnitError::Empty);
    }
    let (sign, body) = match text.strip_prefix('-') {
        Some(rest) => (-1.0, rest.trim_start()),
        None => (1.0, text),
    };
    if matches!(body.to_ascii_lowercase().as_str(), "nan" | "inf" | "infinity") {
        return Err(non_finite(text));
    }
    // `1e400` reads as a number too large for any quantity, not as a 1 with
    // an unknown unit `e400`.
    if body.contains(['e', 'E']) && body.parse::<f64>().is_ok_and(|v| !v.is_finite()) {
        return Err(non_finite(text));
    }
    let clock = body.contains(':');
    let parts = if clock { vec![clock_part(body, text)?] } else { split_parts(body, text)? };
    if parts.is_empty() {
        return Err(not_number(text));
    }
    let multi = parts.len() > 1;
    let mut dim = expected;
    let mut total = 0.0;
    let mut offset = 0.0;
    let mut prev_time = false;
    // In a compound (`2h5m30s`) each part is under one of the unit before
    // it: `1h90m` is refused, as `5:60/km` is, rather than read as 2h30m.
    let mut prev: Option<(f64, &str)> = None;
    for part in &parts {
        let u = if part.unit.is_empty() {
            match default_unit {
                Some(u) if !multi => u,
                None if !multi && !clock => Unit::canonical(Dim::NONE),
                _ => return Err(missing_unit(text)),
            }
        } else {
            // After an hour part, `m` is minutes ("1h30m").
            let hint = expected.or(prev_time.then_some(Dim::TIME));
            let mut u = unit(&part.unit, hint)?;
            if expected == Some(Dim::TEMPERATURE_DIFFERENCE) && u.dim == Dim::TEMPERATURE {
                u = u.as_difference();
            }
            match dim {
                Some(d) if d != u.dim => {
                    return Err(UnitError::WrongDimension { expected: d, found: u.dim, unit: part.unit.clone() })
                }
                _ => {}
            }
            u
        };
        if multi && (u.offset != 0.0 || u.dim == Dim::TEMPERATURE) {
            return Err(cannot_combine(text));
        }
        if let Some((prev_scale, prev_unit)) = prev {
            if u.scale >= prev_scale || part.number * u.scale >= prev_scale {
                return Err(UnitError::BadCompound {
                    text: text.to_string(),
                    part: format!("{}{}", part.number, part.unit),
                    larger: prev_unit.to_string(),
                });
            }
        }
        if multi {
            prev = Some((u.scale, part.unit.as_str()));
        }
        total += part.number * u.scale;
        offset = u.offset;
        prev_time = u.dim == Dim::TIME;
        dim = Some(u.dim);
    }
    // The sign applies to the written number, not the canonical one, so that
    // "-4F" is -20 °C rather than the negation of -15.6 °C.
    let value = sign * total + offset;
    if !value.is_finite() {
        return Err(non_finite(text));
    }
    Ok((value, dim.unwrap_or(Dim::NONE)))
}

/// Parse a quantity written as text (e.g. from a state file) into its
/// canonical value. Units of another dimension than `expected` are an error;
/// a bare number is read in `default_unit`.
pub fn parse_quantity(text: &str, expected: Dim, default_unit: Unit) -> Result<f64, UnitError> {
    parse_inner(text, Some(expected), Some(default_unit)).map(|(v, _)| v)
}

/// Parse a literal of the rule language, where no dimension is expected.
/// `ms` is HRV here; the language has no millisecond durations.
pub fn parse_literal(text: &str) -> Result<(f64, Dim), UnitError> {
    parse_inner(text, None, None)
}

#[rustfmt::skip]
pub const KIND_NAMES: &[&str] = &[
    "duration", "hours", "days", "mass", "distance", "heart_rate", "hrv", "temperature",
    "temperature_difference", "pace", "volume", "percent", "number",
];

/// The default unit of a quantity kind used by fact declarations: a named
/// kind, or a rate `a/b` of two kinds or unit symbols (`volume/hours` is read
/// in L/h, `mg/h` in mg/h).
pub fn kind(name: &str) -> Option<Unit> {
    if let Some((num, den)) = name.split_once('/') {
        let side = |s: &str, expected: Option<Dim>| {
            named_kind(s.trim()).or_else(|| unit(s.trim(), expected).ok()).map(Unit::as_difference)
        };
        let den = side(den, None)?;
        let num = side(num, None)?;
        return (!den.dim.is_none()).then(|| Unit::new(num.dim.div(den.dim), num.scale / den.scale, 0.0));
    }
    named_kind(name)
}

fn named_kind(name: &str) -> Option<Unit> {
    Some(match name {
        "duration" => MINUTE,
        "hours" => HOUR,
        "days" => DAY,
        "mass" => Unit::canonical(Dim::MASS),
        "distance" => KILOMETRE,
        "heart_rate" => Unit::canonical(Dim::HEART_RATE),
        "hrv" => Unit::canonical(Dim::HRV),
        "temperature" => Unit::canonical(Dim::TEMPERATURE),
        "temperature_difference" => Unit::canonical(Dim::TEMPERATURE_DIFFERENCE),
        "pace" => Unit::new(Dim::PACE, 60.0 / 1000.0, 0.0),
        "volume" => Unit::canonical(Dim::VOLUME),
        "percent" => Unit::new(Dim::PERCENT, 0.01, 0.0),
        "number" => Unit::canonical(Dim::NONE),
        _ => return None,
    })
}

/// Rounds half away from zero (unlike `{:.N}`, which rounds half to even)
/// and trims trailing zeros, so "1.50" reads "1.5" and "-0" reads "0".
fn trim_num(v: f64, decimals: usize) -> String {
    let mut s = String::new();
    push_trim_num(&mut s, v, decimals);
    s
}

/// [`trim_num`] appended to `out`.
fn push_trim_num(out: &mut String, v: f64, decimals: usize) {
    // A whole number (most counts, days and readings) is its digits. (A
    // round trip through an integer, not `fract`, which is a call into the
    // maths library on a baseline x86-64 build.)
    if v.abs() < 1e15 && (v as i64) as f64 == v {
        return push_trim_scaled(out, v as i64, 0);
    }
    let f = POW10_F.get(decimals).copied().unwrap_or_else(|| 10f64.powi(decimals as i32));
    let scaled = (v * f).round();
    // Exact in integers while the scaled value fits an f64's 53-bit mantissa
    // with room to spare: the digits `{:.N}` would print, without the float
    // formatter (the costliest part of rendering a batch of reports).
    if decimals <= 3 && scaled.abs() < 1e15 {
        return push_trim_scaled(out, scaled as i64, decimals);
    }
    let r = scaled / f;
    let mut s = format!("{r:.decimals$}");
    if s.contains('.') {
        s = s.trim_end_matches('0').trim_end_matches('.').to_string();
    }
    if s == "-0" {
        s = "0".into();
    }
    out.push_str(&s);
}

/// A plain number (no unit: a count, an age, months since a test, a ratio,
/// ln rMSSD): three significant figures and never more than two decimals,
/// so a figure is as precise as a person would say it and no more.
/// 20.666 → "20.7", 4.163 → "4.16", 0.2567 → "0.26", 123.4 → "123", 44 → "44".
fn push_plain_number(out: &mut String, v: f64) {
    let a = v.abs();
    let decimals = if a >= 100.0 {
        0
    } else if a >= 10.0 {
        1
    } else {
        2
    };
    push_trim_num(out, v, decimals)
}

/// `scaled / 10^decimals` written with at most `decimals` decimals, trailing
/// zeros and a bare point dropped, `-0` written `0`: what `trim_num` gives.
fn push_trim_scaled(out: &mut String, scaled: i64, decimals: usize) {
    let unit = POW10_U.get(decimals).copied().unwrap_or_else(|| 10u64.pow(decimals as u32));
    let magnitude = scaled.unsigned_abs();
    let (whole, mut frac) = (magnitude / unit, magnitude % unit);
    if scaled < 0 {
        out.push('-');
    }
    push_digits(out, whole, 0);
    if frac != 0 {
        let mut digits = decimals;
        while frac % 10 == 0 {
            frac /= 10;
            digits -= 1;
        }
        out.push('.');
        push_digits(out, frac, digits);
    }
}

/// A whole number in decimal, padded with zeros to `width` digits.
fn push_digits(out: &mut String, mut n: u64, width: usize) {
    let mut buf = [0u8; 20];
    let mut len = 0;
    for slot in buf.iter_mut().rev() {
        *slot = b'0' + (n % 10) as u8;
        n /= 10;
        len += 1;
        if n == 0 && len >= width {
            break;
        }
    }
    // Digits only, so always UTF-8.
    out.push_str(std::str::from_utf8(buf.get(buf.len() - len..).unwrap_or_default()).unwrap_or_default());
}

/// Powers of ten for the decimals numbers are written with.
const POW10_F: [f64; 4] = [1.0, 10.0, 100.0, 1000.0];
const POW10_U: [u64; 4] = [1, 10, 100, 1000];

fn push_one_decimal_below_ten(out: &mut String, v: f64) {
    if (v * 10.0).round().abs() < 100.0 {
        push_trim_num(out, v, 1)
    } else {
        push_trim_num(out, v, 0)
    }
}

fn one_decimal_below_ten(v: f64) -> String {
    let mut s = String::new();
    push_one_decimal_below_ten(&mut s, v);
    s
}

const HOURS_FROM_S: f64 = 7200.0;
const DAYS_FROM_S: f64 = 172_800.0;

fn push_time_parts(out: &mut String, v: f64) -> &'static str {
    let a = v.abs();
    if a < 90.0 {
        push_trim_num(out, v, 0);
        "s"
    } else if a < HOURS_FROM_S {
        push_trim_num(out, v / 60.0, 0);
        "min"
    } else if a < DAYS_FROM_S {
        push_trim_num(out, (v / 60.0).round() / 60.0, 2);
        "h"
    } else {
        let days = (v / 86_400.0).round();
        push_trim_num(out, days, 0);
        if days.abs() == 1.0 {
            "day"
        } else {
            "days"
        }
    }
}

fn pace_parts(v: f64, per: f64, unit: &'static str) -> (String, &'static str) {
    let secs = (v * per).abs().round();
    let mins = (secs / 60.0).floor();
    let sign = if v < 0.0 && secs > 0.0 { "-" } else { "" };
    (format!("{sign}{mins:.0}:{:02.0}", secs - mins * 60.0), unit)
}

/// Same rounding and unit choice as `format_quantity`, with number and unit
/// apart. Durations of 2–48 h come back as decimal hours ("7.5", "h").
/// Compound dimensions without a static spelling return an empty unit.
#[cfg(test)]
pub fn format_parts(value: f64, dim: Dim, system: UnitSystem) -> (String, &'static str) {
    let mut number = String::new();
    let unit = push_parts(&mut number, value, dim, system);
    (number, unit)
}

/// [`format_parts`] with the number appended to `out`; returns the unit.
pub fn push_parts(out: &mut String, value: f64, dim: Dim, system: UnitSystem) -> &'static str {
    if !value.is_finite() {
        out.push_str("n/a");
        return "";
    }
    let metric = system == UnitSystem::Metric;
    let (scaled, decimals, unit) = match dim {
        Dim::NONE => {
            push_plain_number(out, value);
            return "";
        }
        Dim::PERCENT => (value * 100.0, 1, "%"),
        Dim::TIME => return push_time_parts(out, value),
        Dim::LENGTH if metric && value.abs().round() < 1000.0 => (value, 0, "m"),
        Dim::LENGTH if metric => {
            push_one_decimal_below_ten(out, value / 1000.0);
            return "km";
        }
        Dim::LENGTH => {
            push_one_decimal_below_ten(out, value / MILE_M);
            return "mi";
        }
        // DECISION: small masses (food, sodium, caffeine) read in g and mg in
        // both systems, as nutrition labels in imperial countries print them;
        // body weight reads in kg or lb.
        Dim::MASS if value.abs() < POUND_KG || (metric && value.abs() < 1.0) => {
            return push_pair(out, small_mass(value, false))
        }
        Dim::MASS if metric => (value, 1, "kg"),
        Dim::MASS => (value / POUND_KG, 1, "lb"),
        Dim::VOLUME if metric && value.abs() < 1.0 => (value * 1000.0, 0, "ml"),
        Dim::VOLUME if metric => (value, 1, "L"),
        Dim::VOLUME => (value / US_FL_OZ_L, 0, "fl oz"),
        Dim::HEART_RATE => (value, 0, "bpm"),
        Dim::HRV => (value, 0, "ms"),
        Dim::TEMPERATURE if metric => (value, 0, "°C"),
        Dim::TEMPERATURE => (value * 9.0 / 5.0 + 32.0, 0, "°F"),
        Dim::TEMPERATURE_DIFFERENCE if metric => (value, 1, "°C"),
        Dim::TEMPERATURE_DIFFERENCE => (value * 9.0 / 5.0, 1, "°F"),
        Dim::PACE if metric => return push_pair(out, pace_parts(value, 1000.0, "/km")),
        Dim::PACE => return push_pair(out, pace_parts(value, MILE_M, "/mi")),
        _ => match rate_parts(value, dim, metric) {
            Some(pair) => return push_pair(out, pair),
            None => (value, 2, static_symbol(dim).unwrap_or("")),
        },
    };
    push_trim_num(out, scaled, decimals);
    unit
}

fn push_pair(out: &mut String, (number, unit): (String, &'static str)) -> &'static str {
    out.push_str(&number);
    unit
}

/// A mass under a kilogram in g or mg (per hour for a rate).
fn small_mass(kg: f64, per_hour: bool) -> (String, &'static str) {
    let grams = kg * 1000.0;
    let (g, mg) = if per_hour { ("g/h", "mg/h") } else { ("g", "mg") };
    if grams.abs() < 1.0 {
        (trim_num(grams * 1000.0, 0), mg)
    } else {
        (one_decimal_below_ten(grams), g)
    }
}

/// Rates over time as a person writes them: intake and sweat per hour
/// (ml/h, L/h, fl oz/h, mg/h, g/h), speed per hour, and slow trends (HRV,
/// heart rate, body weight) per day.
fn rate_parts(per_second: f64, dim: Dim, metric: bool) -> Option<(String, &'static str)> {
    const HOUR: f64 = 3600.0;
    let per_hour = per_second * HOUR;
    let per_day = per_second * 86_400.0;
    let base = dim.mul(Dim::TIME);
    Some(match base {
        Dim::VOLUME if !metric => (one_decimal_below_ten(per_hour / US_FL_OZ_L), "fl oz/h"),
        Dim::VOLUME if per_hour.abs() < 1.0 => (trim_num(per_hour * 1000.0, 0), "ml/h"),
        Dim::VOLUME => (one_decimal_below_ten(per_hour), "L/h"),
        Dim::MASS if per_hour.abs() < 1.0 => small_mass(per_hour, true),
        Dim::MASS => (trim_num(per_hour, 2), "kg/h"),
        Dim::LENGTH if metric => (one_decimal_below_ten(per_hour / 1000.0), "km/h"),
        Dim::LENGTH => (one_decimal_below_ten(per_hour / MILE_M), "mph"),
        Dim::HRV => (trim_num(per_day, 1), "ms/d"),
        Dim::HEART_RATE => (trim_num(per_day, 1), "bpm/d"),
        Dim::TEMPERATURE_DIFFERENCE if metric => (trim_num(per_hour, 1), "°C/h"),
        Dim::TEMPERATURE_DIFFERENCE => (trim_num(per_hour * 9.0 / 5.0, 1), "°F/h"),
        _ => return None,
    })
}

/// Display a canonical value of dimension `dim` for a coach, e.g. "7 h 30 min",
/// "9.3 km", "6:45/km", "0.25". Non-finite values display as "n/a".
/// Examples of a dimension's values for help lines: as a rule-file literal,
/// and as a state file writes it (a bare number in the default unit, or a
/// string with a unit).
pub fn examples(dim: Dim) -> (&'static str, &'static str) {
    match dim {
        d if d == Dim::TIME => ("`6h`, `30min` or `3d`", "`45`, `\"45min\"` or `\"1h50m\"`"),
        d if d == Dim::MASS => ("`1.5 kg`", "`62.4` or `\"137 lb\"`"),
        d if d == Dim::LENGTH => ("`10 km`", "`24` or `\"15 mi\"`"),
        d if d == Dim::HEART_RATE => ("`4 bpm`", "`48` or `\"48 bpm\"`"),
        d if d == Dim::HRV => ("`60 ms`", "`64` or `\"64 ms\"`"),
        d if d == Dim::TEMPERATURE => ("`16C`", "`18` or `\"64F\"`"),
        d if d == Dim::TEMPERATURE_DIFFERENCE => ("`5C` (a difference)", "`5` or `\"9F\"`"),
        d if d == Dim::PERCENT => ("`70%`", "`70` or `\"70%\"`"),
        d if d == Dim::PACE => ("`5:15/km`", "`\"5:15/km\"`"),
        d if d == Dim::VOLUME => ("`1.5 L`", "`1.5` or `\"500 ml\"`"),
        d if d == Dim::VOLUME.div(Dim::TIME) => ("`800 ml/h`", "`0.8` or `\"800 ml/h\"`"),
        d if d == Dim::MASS.div(Dim::TIME) => ("`500 mg/h`", "`\"500 mg/h\"`"),
        _ => ("a number with the same unit", "`3`"),
    }
}

pub fn format_quantity(value: f64, dim: Dim, system: UnitSystem) -> String {
    let mut s = String::new();
    push_quantity(&mut s, value, dim, system);
    s
}

/// [`format_quantity`] appended to `out`.
pub fn push_quantity(out: &mut String, value: f64, dim: Dim, system: UnitSystem) {
    if !value.is_finite() {
        out.push_str("n/a");
        return;
    }
    // A plain number (a count, a score, most of a platform's facts) first:
    // the match on dimensions below compares them one by one.
    if dim.is_none() {
        push_plain_number(out, value);
        return;
    }
    if dim == Dim::TIME && (HOURS_FROM_S..DAYS_FROM_S).contains(&value.abs()) {
        let total = (value.abs() / 60.0).round();
        let hours = (total / 60.0).floor();
        let mins = total - hours * 60.0;
        if value < 0.0 {
            out.push('-');
        }
        // Both are whole numbers under 48 and 60.
        push_digits(out, hours as u64, 0);
        out.push_str(" h");
        if mins != 0.0 {
            out.push(' ');
            push_digits(out, mins as u64, 0);
            out.push_str(" min");
        }
        return;
    }
    let unit = push_parts(out, value, dim, system);
    if dim == Dim::PACE || dim.is_none() {
        out.push_str(unit);
    } else if unit.is_empty() {
        out.push(' ');
        out.push_str(&canonical_symbol(dim));
    } else {
        out.push(' ');
        out.push_str(unit);
    }
}

#[cfg(test)]
mod tests;

/// The unit names a state file may write for quantities of `dim` (`m` for
/// metres and, in a duration, minutes), for the editor schema.
pub fn names_for(dim: Dim) -> Vec<&'static str> {
    let mut names: Vec<&'static str> =
        UNIT_TABLE.iter().filter(|(_, u)| u.dim == dim).flat_map(|(names, _)| names.iter().copied()).collect();
    if dim == Dim::TIME || dim == Dim::LENGTH {
        names.push("m");
    }
    names
}
