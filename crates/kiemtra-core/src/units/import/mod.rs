//! Importing the unit directory from a spreadsheet as a provincial office keeps it (XLSX,
//! XLS, ODS or CSV). Columns are found by their header, Vietnamese or English, with or without diacritics;
//! a parent is named by its code or name and may be a row further down the file or a unit
//! already in the database. Every bad row is reported with the line and column the clerk sees
//! in Excel, and nothing is written while any row is bad unless the bad rows are skipped on
//! purpose.
//!
//! A row matches an existing unit by code, else by name under the same parent; a match keeps
//! the record id (so the unit's history and visits stay attached) and is updated only when
//! something differs. A column missing from the file leaves that field as it is; a blank cell
//! in a present column clears it: the sheet is the truth for what it shows.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::Unit;
use crate::store::Store;
use crate::text;
use crate::{Bilingual, Localize};

mod plan;
mod read;

use plan::plan;
use read::read_table;

pub use kiemtra_domain::unit_sheet::*;

/// How many non-empty rows may sit above the header (a title such as "DANH SÁCH ĐƠN VỊ",
/// the office's name, a blank line): offices put them there, and they are not units.
const HEADER_SEARCH_ROWS: usize = 10;
fn file_error(p: FileProblem) -> Error {
    Error::ImportFile(p)
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct UnitFields {
    pub name: String,
    pub code: String,
    pub short_name: String,
    pub level_label: String,
    pub kind: String,
    /// The parent as written (code or name).
    pub parent: String,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RowAction {
    Create,
    Update,
    Unchanged,
    /// The row has errors and is not imported.
    Bad,
    /// A total, a note or a signature line: left out unless kept on purpose.
    NotUnit,
}

/// Why a line was taken for no unit, in words for the preview.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NotUnitLine {
    pub kind: NotUnit,
    pub message: Bilingual,
}

impl NotUnitLine {
    pub fn new(kind: NotUnit) -> NotUnitLine {
        NotUnitLine {
            kind,
            message: kind.both(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitImportRow {
    pub line: usize,
    pub fields: UnitFields,
    pub action: RowAction,
    /// The unit this row writes: the existing id for update/unchanged, a new one for create.
    pub id: Option<String>,
    pub parent_id: Option<String>,
    /// When the parent is another row of the file.
    pub parent_line: Option<usize>,
    /// For an update, the fields that change.
    pub changed: Vec<UnitColumn>,
    pub errors: Vec<RowError>,
    /// Set when the line looks like no unit: left out (`NotUnit`), or kept on purpose.
    pub not_unit: Option<NotUnitLine>,
    #[serde(skip)]
    body: Option<Unit>,
}

/// What an import would do, row by row. Nothing is written to make it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitImportPlan {
    pub file: PathBuf,
    /// "xlsx", "xls", "ods" or "csv".
    pub format: &'static str,
    /// The worksheet read (a workbook's first one; none for CSV).
    pub sheet: Option<String>,
    pub header_line: usize,
    pub columns: Vec<ColumnInfo>,
    pub warnings: Vec<ImportWarning>,
    pub rows: Vec<UnitImportRow>,
    pub create: usize,
    pub update: usize,
    pub unchanged: usize,
    pub bad: usize,
    /// Lines left out as no unit (totals, notes, signatures).
    pub not_unit: usize,
}

impl UnitImportPlan {
    pub fn errors(&self) -> impl Iterator<Item = &RowError> {
        self.rows.iter().flat_map(|r| r.errors.iter())
    }
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitImportReport {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Bad rows left out (only with `skip_bad`).
    pub skipped: usize,
    pub plan: UnitImportPlan,
}

impl Store {
    /// Read and check a unit file against the database, writing nothing.
    pub fn unit_import_preview(&self, path: &Path) -> Result<UnitImportPlan> {
        self.unit_import_preview_with(path, &[])
    }

    /// `unit_import_preview`, with the lines in `keep` imported as units even though they
    /// look like a total, a note or a signature.
    pub fn unit_import_preview_with(&self, path: &Path, keep: &[usize]) -> Result<UnitImportPlan> {
        let table = read_table(path)?;
        plan(path, table, &self.list::<Unit>()?, keep)
    }

    /// Import a unit file in one transaction. With any bad row, nothing is written and the
    /// error lists every bad row, unless `skip_bad`: then the good rows are written (a row
    /// under a bad parent counts as bad). Lines that look like no unit are left out.
    pub fn unit_import(&mut self, path: &Path, skip_bad: bool) -> Result<UnitImportReport> {
        self.unit_import_with(path, skip_bad, &[])
    }

    /// `unit_import`, keeping the lines in `keep` as units (see `unit_import_preview_with`).
    pub fn unit_import_with(
        &mut self,
        path: &Path,
        skip_bad: bool,
        keep: &[usize],
    ) -> Result<UnitImportReport> {
        let table = read_table(path)?;
        self.write(|w| {
            let plan = plan(path, table, &w.list::<Unit>()?, keep)?;
            if plan.bad > 0 && !skip_bad {
                return Err(Error::ImportRows(plan.errors().cloned().collect()));
            }
            // Parents before children, so the revisions read in the order the tree grows.
            let mut order: Vec<&UnitImportRow> = plan
                .rows
                .iter()
                .filter(|r| matches!(r.action, RowAction::Create | RowAction::Update))
                .collect();
            let depth = depth_in_file(&plan.rows);
            order.sort_by_key(|r| depth.get(&r.line).copied().unwrap_or(0));
            for r in order {
                let (Some(id), Some(body)) = (&r.id, &r.body) else {
                    continue;
                };
                w.put(id, body)?;
            }
            Ok(UnitImportReport {
                created: plan.create,
                updated: plan.update,
                unchanged: plan.unchanged,
                skipped: plan.bad,
                plan,
            })
        })
    }
}

fn depth_in_file(rows: &[UnitImportRow]) -> HashMap<usize, usize> {
    let parent: HashMap<usize, usize> = rows
        .iter()
        .filter_map(|r| r.parent_line.map(|p| (r.line, p)))
        .collect();
    rows.iter()
        .map(|r| {
            let mut d = 0;
            let mut cur = r.line;
            // Bounded: good rows have no cycles, and this only orders writes.
            while let Some(p) = parent.get(&cur) {
                d += 1;
                cur = *p;
                if d > rows.len() {
                    break;
                }
            }
            (r.line, d)
        })
        .collect()
}
