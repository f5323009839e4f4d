//! The unit directory: the tree, and import from a spreadsheet chosen in the open dialog
//! (previewed row by row, then written all at once).

use std::path::PathBuf;

use kiemtra_core::backups::BackupReason;
use kiemtra_core::units::import::{UnitImportPlan, UnitImportReport};
use kiemtra_core::units::UnitRow;
use kiemtra_core::{Error, ErrorPayload, Localize};
use tauri::{AppHandle, Runtime, State};

use crate::dialogs::{filter, FileDialog, Pick};
use crate::messages::Message;
use crate::state::AppState;

/// The tree; with `all`, units that have ended too (the units screen's toggle).
#[tauri::command(async)]
pub fn units_tree(
    state: State<'_, AppState>,
    all: Option<bool>,
) -> Result<Vec<UnitRow>, ErrorPayload> {
    state.with(|s| s.unit_tree_with(all.unwrap_or(false)))
}

/// Choose a spreadsheet and preview what importing it would do (nothing is written). The
/// path stays in Rust for `unit_import_apply`. None: cancelled.
#[tauri::command(async)]
pub fn unit_import_pick<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Option<UnitImportPlan>, ErrorPayload> {
    let lang = state.lang();
    let picked = state.file_dialog_one(
        &app,
        FileDialog {
            pick: Pick::OneFile,
            title: Message::UnitList.message(lang),
            filter: filter(
                "Excel, ODS, CSV",
                &["xlsx", "xls", "ods", "csv", "XLSX", "XLS", "ODS", "CSV"],
            ),
            file_name: None,
        },
    );
    let Some(path) = picked else {
        return Ok(None);
    };
    let plan = state.with(|s| s.unit_import_preview(&path))?;
    *state
        .pending_units
        .lock()
        .unwrap_or_else(|p| p.into_inner()) = Some(path);
    Ok(Some(plan))
}

/// The file last picked, if any.
fn pending(state: &AppState) -> Result<PathBuf, Error> {
    state
        .pending_units
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone()
        .ok_or_else(|| Error::NotFound {
            what: "file",
            id: "-".into(),
        })
}

/// Preview the file last picked again, importing the lines in `keep` as units though they
/// look like a total, a note or a signature (the person ticked them).
#[tauri::command(async)]
pub fn unit_import_keep(
    state: State<'_, AppState>,
    keep: Vec<usize>,
) -> Result<UnitImportPlan, ErrorPayload> {
    state.with(|s| s.unit_import_preview_with(&pending(&state)?, &keep))
}

/// Import the file last previewed; with `skip_bad`, the good rows only; `keep` as in
/// `unit_import_keep`. The database is backed up first when something will change.
#[tauri::command(async)]
pub fn unit_import_apply(
    state: State<'_, AppState>,
    skip_bad: bool,
    keep: Option<Vec<usize>>,
) -> Result<UnitImportReport, ErrorPayload> {
    let keep = keep.unwrap_or_default();
    state.with(|s| {
        let path = pending(&state)?;
        let plan = s.unit_import_preview_with(&path, &keep)?;
        if plan.create + plan.update > 0 && (plan.bad == 0 || skip_bad) {
            s.backup_before(&BackupReason::UnitImport {
                file: path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            })?;
        }
        s.unit_import_with(&path, skip_bad, &keep)
    })
}
