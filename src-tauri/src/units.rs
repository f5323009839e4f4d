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

#[tauri::command(async)]
pub fn units_tree(state: State<'_, AppState>) -> Result<Vec<UnitRow>, ErrorPayload> {
    state.with(|s| s.unit_tree())
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
            filter: filter("Excel, CSV", &["xlsx", "csv", "XLSX", "CSV"]),
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

/// Import the file last previewed; with `skip_bad`, the good rows only. The database is
/// backed up first when something will change.
#[tauri::command(async)]
pub fn unit_import_apply(
    state: State<'_, AppState>,
    skip_bad: bool,
) -> Result<UnitImportReport, ErrorPayload> {
    let path: Option<PathBuf> = state
        .pending_units
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    state.with(|s| {
        let path = path.ok_or_else(|| Error::NotFound {
            what: "file",
            id: "-".into(),
        })?;
        let plan = s.unit_import_preview(&path)?;
        if plan.create + plan.update > 0 && (plan.bad == 0 || skip_bad) {
            s.backup_before(&BackupReason::UnitImport {
                file: path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            })?;
        }
        s.unit_import(&path, skip_bad)
    })
}
