//! Reading CSV exports row by row, with every problem pointing at its row
//! and column in the file.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;

use crate::diagnostic::{Diagnostic, SourceFile, Span};

/// A CSV file: its header and rows, each cell with its place in the text.
pub struct Table {
    pub file: Arc<SourceFile>,
    pub header: Vec<String>,
    pub rows: Vec<Row>,
}

pub struct Row {
    /// 1-based line in the file.
    pub line: usize,
    pub span: Span,
    pub cells: Vec<(String, Span)>,
}

impl Table {
    pub fn parse(file: &Arc<SourceFile>) -> Result<Table, Diagnostic> {
        let text: &str = &file.text;
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
        let header: Vec<String> = match reader.headers() {
            Ok(h) => h.iter().map(|c| c.trim().to_string()).collect(),
            Err(e) => return Err(csv_error(file, &e)),
        };
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| csv_error(file, &e))?;
            let Some(pos) = record.position() else { continue };
            let start = usize::try_from(pos.byte()).unwrap_or(0).min(text.len());
            let line_text = text.get(start..).unwrap_or("");
            let end = start + line_text.find(['\n', '\r']).unwrap_or(line_text.len());
            // Cells located by splitting the line at commas: exact for the
            // unquoted cells these exports use; a quoted cell points at its
            // row.
            let mut offsets = Vec::new();
            let mut at = start;
            for piece in text.get(start..end).unwrap_or("").split(',') {
                offsets.push(Span::new(at, at + piece.len()));
                at += piece.len() + 1;
            }
            let simple = offsets.len() == record.len();
            let cells = record
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let span = if simple { offsets.get(i).copied().unwrap_or_default() } else { Span::new(start, end) };
                    (c.trim().to_string(), span)
                })
                .collect();
            rows.push(Row { line: usize::try_from(pos.line()).unwrap_or(0), span: Span::new(start, end), cells });
        }
        Ok(Table { file: Arc::clone(file), header, rows })
    }

    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// The first of `names` the header has.
    pub fn column_of(&self, names: &[&str]) -> Option<usize> {
        names.iter().find_map(|n| self.column(n))
    }

    /// A column the file must have, or a diagnostic at its header.
    pub fn require(&self, name: &str, what: &str) -> Result<usize, Diagnostic> {
        self.column(name).ok_or_else(|| {
            let header_end = self.file.text.find('\n').unwrap_or(self.file.text.len());
            Diagnostic::error(
                "import::csv",
                format!("`{}` has no `{name}` column; nothing was imported from it", self.file.name),
            )
            .in_file(&self.file)
            .label(Span::new(0, header_end), "the header row")
            .help(format!("this {what} export needs a `{name}` column; export it again with that column"))
        })
    }

    /// A diagnostic at one cell.
    pub fn bad_cell(&self, row: &Row, column: usize, message: String, help: &str) -> Diagnostic {
        let name = self.header.get(column).map_or("?", String::as_str);
        let span = row.cells.get(column).map_or(row.span, |(_, s)| *s);
        Diagnostic::error(
            "import::csv",
            format!("`{}` row {} column `{name}`: {message}; this row was skipped", self.file.name, row.line),
        )
        .in_file(&self.file)
        .label(span, "here")
        .help(help.to_string())
    }
}

impl Row {
    /// The cell's text, `None` when empty (a day with no value).
    pub fn get(&self, column: Option<usize>) -> Option<&str> {
        let (text, _) = self.cells.get(column?)?;
        (!text.is_empty()).then_some(text.as_str())
    }
}

fn csv_error(file: &Arc<SourceFile>, e: &csv::Error) -> Diagnostic {
    let (span, line) = match e.position() {
        Some(p) => {
            let start = usize::try_from(p.byte()).unwrap_or(0).min(file.text.len());
            (Span::new(start, start), p.line())
        }
        None => (Span::new(0, 0), 0),
    };
    Diagnostic::error(
        "import::csv",
        format!("`{}` line {line}: not readable as CSV ({e}); nothing was imported from it", file.name),
    )
    .in_file(file)
    .label(span, "here")
    .help("check the file is a CSV export, not edited into another shape")
}

/// A number cell, or why not.
pub fn number(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(x),
        _ => Err(format!("`{text}` is not a number")),
    }
}

/// A local date, `2026-11-24` (a time after it is ignored).
pub fn date(text: &str) -> Result<NaiveDate, String> {
    let day = text.get(..10).unwrap_or(text);
    NaiveDate::parse_from_str(day, "%Y-%m-%d").map_err(|_| format!("`{text}` is not a date (YYYY-MM-DD)"))
}

/// A local date and time (`2026-11-24 06:45:12`, `2026-11-24T06:45:12`),
/// or an instant with an offset.
pub fn local_time(text: &str) -> Result<NaiveDateTime, String> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.naive_local());
    }
    crate::state::parse_local_time(text).ok_or_else(|| format!("`{text}` is not a date and time"))
}

/// A local time as an instant: in `zone`, else UTC.
pub fn instant(text: &str, zone: Option<Tz>) -> Result<DateTime<Utc>, String> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    let local = local_time(text)?;
    match zone {
        Some(z) => crate::state::in_zone(&z, local).map(|t| t.with_timezone(&Utc)),
        None => Ok(local.and_utc()),
    }
}
