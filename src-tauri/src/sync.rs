//! Sync commands: bundles chosen in native dialogs opened from Rust (so the page never
//! names a path to read or write), import with progress events, conflicts.

use std::path::PathBuf;

use kiemtra_core::backups::{BackupInfo, BackupReason, Restored};
use kiemtra_core::sync::bundle::{ExportReport, ImportReport, Sealing};
use kiemtra_core::sync::conflicts::{Conflict, Resolution};
use kiemtra_core::sync::encryption::ExportReaders;
use kiemtra_core::sync::{bundle_file_name, SyncOverview};
use kiemtra_core::{model, model::Entity, Error, ErrorPayload, Lang, Localize};
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Emitter, Runtime, State};

use crate::dialogs::{filter, FileDialog, Pick};
use crate::messages::Message;
use crate::state::AppState;

#[tauri::command(async)]
pub fn sync_overview(state: State<'_, AppState>) -> Result<SyncOverview, ErrorPayload> {
    state.with(|s| s.sync_overview())
}

#[tauri::command(async)]
pub fn bundle_export<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    campaign: Option<String>,
    plain: Option<bool>,
) -> Result<Option<ExportReport>, ErrorPayload> {
    let lang = state.lang();
    let device = state.with(|s| Ok(s.device().name.clone()))?;
    let picked = state.file_dialog_one(
        &app,
        FileDialog {
            pick: Pick::SaveAs,
            title: Message::ExportBundle.message(lang),
            filter: filter("Kiểm tra (.kiemtra)", &["kiemtra"]),
            file_name: Some(bundle_file_name(
                &device,
                chrono::Local::now().naive_local(),
            )),
        },
    );
    let Some(path) = picked else {
        return Ok(None);
    };
    let path = if path.extension().is_none() {
        path.with_extension("kiemtra")
    } else {
        path
    };
    state.with(|s| {
        let campaign = match &campaign {
            Some(c) => Some(s.resolve_id(model::Campaign::KIND, c)?),
            None => None,
        };
        let sealing = if plain.unwrap_or(false) {
            Sealing::Plain
        } else {
            Sealing::Encrypted
        };
        s.export_bundle_as(&path, campaign.as_deref(), sealing)
            .map(Some)
    })
}

/// Who an export of `campaign` (or of everything) would be readable by: the export card
/// says so before the file is written.
#[tauri::command(async)]
pub fn bundle_readers(
    state: State<'_, AppState>,
    campaign: Option<String>,
) -> Result<ExportReaders, ErrorPayload> {
    state.with(|s| s.export_readers(campaign.as_deref()))
}

#[derive(Serialize)]
pub struct FileOutcome {
    file: String,
    pub(crate) ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    report: Option<ImportReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<ErrorPayload>,
    /// The laptop nobody here knows that the refusal is about (its maker, or the owner of a
    /// campaign it holds), for the enrol-or-trust choice of the preview.
    #[serde(skip_serializing_if = "Option::is_none")]
    stranger: Option<kiemtra_core::error::Stranger>,
}

fn file_name(p: &std::path::Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| p.display().to_string())
}

pub(crate) fn outcome(
    path: &std::path::Path,
    r: Result<ImportReport, Error>,
    lang: Lang,
) -> FileOutcome {
    match r {
        Ok(report) => FileOutcome {
            file: file_name(path),
            ok: true,
            report: Some(report),
            error: None,
            stranger: None,
        },
        Err(e) => FileOutcome {
            file: file_name(path),
            ok: false,
            report: None,
            stranger: match &e {
                Error::UnknownLaptop(s) | Error::UntrustedOwner(s) => Some((**s).clone()),
                _ => None,
            },
            error: Some(e.payload(lang)),
        },
    }
}

#[derive(Serialize)]
pub struct Picked {
    files: Vec<FileOutcome>,
}

/// Choose bundles in the open dialog and preview each (a dry run: checked, counted, nothing
/// written). The chosen paths stay in Rust until `bundle_import`.
#[tauri::command(async)]
pub fn bundle_pick<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Option<Picked>, ErrorPayload> {
    let lang = state.lang();
    let picked = state.file_dialog(
        &app,
        FileDialog {
            pick: Pick::Files,
            title: Message::ImportBundles.message(lang),
            filter: filter("Kiểm tra (.kiemtra)", &["kiemtra"]),
            file_name: None,
        },
    );
    let Some(paths) = picked else {
        return Ok(None);
    };
    let files = state.with(|s| {
        Ok(paths
            .iter()
            .map(|p| outcome(p, s.import_bundle(p, true), lang))
            .collect::<Vec<_>>())
    })?;
    let pending: Vec<(PathBuf, bool)> = paths
        .iter()
        .zip(&files)
        .map(|(p, f)| (p.clone(), f.ok))
        .collect();
    *state.pending.lock().unwrap_or_else(|p| p.into_inner()) = pending;
    Ok(Some(Picked { files }))
}

#[derive(Clone, Serialize)]
struct ProgressEvent {
    file_index: usize,
    file_count: usize,
    file: String,
    done: u64,
    total: u64,
}

#[derive(Serialize)]
pub struct Imported {
    /// None when nothing was left to import (no backup either: it would push out a real one).
    backup: Option<String>,
    files: Vec<FileOutcome>,
}

/// Import the bundles last chosen, each in its own transaction, after a backup.
#[tauri::command(async)]
pub fn bundle_import<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Imported, ErrorPayload> {
    let lang = state.lang();
    // The files that passed their preview go in; the others stay for the preview's
    // enrol-or-trust choice.
    let paths: Vec<PathBuf> = {
        let mut pending = state.pending.lock().unwrap_or_else(|p| p.into_inner());
        let (ok, waiting): (Vec<_>, Vec<_>) = std::mem::take(&mut *pending)
            .into_iter()
            .partition(|(_, ok)| *ok);
        *pending = waiting;
        ok.into_iter().map(|(p, _)| p).collect()
    };
    state.with(|s| {
        let backup = if paths.is_empty() {
            None
        } else {
            Some(s.backup_before(&BackupReason::Import {
                files: paths.iter().map(|p| file_name(p)).collect(),
            })?)
        };
        let count = paths.len();
        let mut files = Vec::new();
        for (i, p) in paths.iter().enumerate() {
            let name = file_name(p);
            let mut progress = |pr: kiemtra_core::sync::bundle::Progress| {
                let _ = app.emit(
                    "sync://progress",
                    ProgressEvent {
                        file_index: i + 1,
                        file_count: count,
                        file: name.clone(),
                        done: pr.done,
                        total: pr.total,
                    },
                );
            };
            let r = s.import_bundle_with(p, false, &mut progress);
            files.push(outcome(p, r, lang));
        }
        // Index what arrived now, while the person waits for the import anyway, rather
        // than on their first search. A failure here loses nothing: search catches up later.
        let _ = s.search_catch_up();
        Ok(Imported {
            backup: backup.map(|b| b.display().to_string()),
            files,
        })
    })
}

#[tauri::command(async)]
pub fn conflicts_list(state: State<'_, AppState>) -> Result<Vec<Conflict>, ErrorPayload> {
    state.with(|s| s.conflicts())
}

#[derive(Deserialize)]
pub struct ResolveInput {
    id: String,
    #[serde(default)]
    keep: Option<String>,
    #[serde(default)]
    fields: Option<serde_json::Map<String, serde_json::Value>>,
}

#[derive(Serialize)]
pub struct Resolved {
    rev: String,
}

#[tauri::command(async)]
pub fn conflict_resolve(
    state: State<'_, AppState>,
    input: ResolveInput,
) -> Result<Resolved, ErrorPayload> {
    state.with(|s| {
        let how = match (input.keep, input.fields) {
            (Some(rev), _) => Resolution::Keep(rev),
            (None, Some(f)) => Resolution::Fields(f),
            (None, None) => return Err(Error::invalid_field("keep", "keep | fields")),
        };
        Ok(Resolved {
            rev: s.resolve(&input.id, how)?,
        })
    })
}

/// The backups beside the database, newest first (the settings screen's list).
#[tauri::command(async)]
pub fn backups_list(state: State<'_, AppState>) -> Result<Vec<BackupInfo>, ErrorPayload> {
    state.with(|s| s.backup_list())
}

/// Restore one of the listed backups (by file name: the window names nothing outside the
/// backups folder), after backing up the current state; the store is reopened on it.
#[tauri::command(async)]
pub fn backup_restore(state: State<'_, AppState>, name: String) -> Result<Restored, ErrorPayload> {
    state.with(|s| {
        let b = s
            .backup_list()?
            .into_iter()
            .find(|b| b.name == name)
            .ok_or(Error::NotFound {
                what: "backup",
                id: name,
            })?;
        s.restore_backup(&b.path)
    })
}
