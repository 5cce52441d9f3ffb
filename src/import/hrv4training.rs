//! HRV4Training's CSV export: one row per morning measurement.

use super::history::History;
use super::intervals::cell;
use super::table::{self, Table};
use super::{in_range, BPM_RANGE, RMSSD_RANGE};
use crate::diagnostic::Diagnostic;

/// `timestamp_measurement` (the athlete's local time) dates the reading;
/// `rMSSD` (ms) → an HRV reading; `HR` (bpm) → a resting HR reading, since
/// HRV4Training measures lying or sitting still on waking. Other columns
/// (`AVNN`, `SDNN`, `pNN50`, the questionnaire) are not imported. Two
/// measurements on one day: the later row wins.
pub fn read(table: &Table, history: &mut History) -> Vec<Diagnostic> {
    let (time_col, rmssd_col) =
        match (table.require("timestamp_measurement", "HRV4Training"), table.require("rMSSD", "HRV4Training")) {
            (Ok(t), Ok(r)) => (t, r),
            (Err(d), _) | (_, Err(d)) => return vec![d],
        };
    let hr_col = table.column("HR");
    let mut problems = Vec::new();
    for row in &table.rows {
        let parsed = (|| {
            let time = cell(table, row, Some(time_col), table::local_time)?.ok_or_else(|| {
                table.bad_cell(row, time_col, "no time".into(), "every row needs `timestamp_measurement`")
            })?;
            let rmssd = cell(table, row, Some(rmssd_col), table::number)?;
            if let Some(v) = rmssd {
                in_range(v, RMSSD_RANGE, "ms")
                    .map_err(|why| table.bad_cell(row, rmssd_col, why, "check the export"))?;
            }
            let hr = cell(table, row, hr_col, table::number)?;
            if let (Some(v), Some(c)) = (hr, hr_col) {
                in_range(v, BPM_RANGE, "bpm").map_err(|why| table.bad_cell(row, c, why, "check the export"))?;
            }
            Ok::<_, Diagnostic>((time.date(), rmssd, hr))
        })();
        match parsed {
            Ok((date, rmssd, hr)) => {
                if let Some(v) = rmssd {
                    history.hrv.insert(date, v);
                }
                if let Some(v) = hr {
                    history.resting_hr.insert(date, v);
                }
            }
            Err(d) => problems.push(d),
        }
    }
    problems
}
