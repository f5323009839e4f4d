//! The Tauri shell: one module of commands per core area, named as core's, plus the app's
//! state (`state`), its native dialogs (`dialogs`) and the few words it says itself
//! (`messages`). No business logic and no views here: every command locks the store, calls
//! kiemtra-core and maps errors to `{code, message}` in the user's language.

use std::path::PathBuf;
use std::sync::atomic::Ordering;

use kiemtra_core::{model, Device, ErrorPayload, Lang};
use serde::Serialize;
use tauri::{Emitter, Manager, State, WebviewWindow, WindowEvent};

/// The database the app opens: `--db PATH` on the command line, else `KIEMTRA_DB`, else the
/// OS data dir (the same default as the `kiemtra` CLI).
pub fn db_path_from_args(args: impl IntoIterator<Item = String>) -> PathBuf {
    let mut it = args.into_iter();
    while let Some(a) = it.next() {
        if a == "--db" {
            if let Some(p) = it.next() {
                return PathBuf::from(p);
            }
        } else if let Some(p) = a.strip_prefix("--db=") {
            return PathBuf::from(p);
        }
    }
    kiemtra_core::default_db_path()
}

#[derive(Serialize)]
pub struct AppInfo {
    db_path: String,
    device: Device,
    lang: Lang,
    onboarded: bool,
    /// False until this laptop's people named it (the first run asks).
    device_named: bool,
    campaign_count: usize,
    version: &'static str,
}

#[tauri::command(async)]
fn app_state(state: State<'_, AppState>) -> Result<AppInfo, ErrorPayload> {
    state.with(|s| {
        Ok(AppInfo {
            db_path: s.path().display().to_string(),
            device: s.device().clone(),
            lang: s.lang()?,
            onboarded: s.onboarded()?,
            device_named: s.device_profile()?.named,
            campaign_count: s.list::<model::Campaign>()?.len(),
            version: env!("CARGO_PKG_VERSION"),
        })
    })
}

#[tauri::command(async)]
fn set_language(state: State<'_, AppState>, lang: String) -> Result<Lang, ErrorPayload> {
    state.with(|s| s.set_lang(&lang))
}

#[derive(Serialize)]
pub struct DemoLoaded {
    campaign_id: String,
}

#[tauri::command(async)]
fn load_demo(state: State<'_, AppState>) -> Result<DemoLoaded, ErrorPayload> {
    state.with(|s| {
        let campaign_id = s.load_demo()?;
        s.set_onboarded()?;
        // Indexed now rather than on the first search; a failure here loses nothing.
        let _ = s.search_catch_up();
        Ok(DemoLoaded { campaign_id })
    })
}

#[tauri::command(async)]
fn start_empty(state: State<'_, AppState>) -> Result<(), ErrorPayload> {
    state.with(|s| s.set_onboarded())
}

/// The UI has written its pending edits: close for real.
#[tauri::command(async)]
fn app_close<R: tauri::Runtime>(window: WebviewWindow<R>, state: State<'_, AppState>) {
    state.closing.store(true, Ordering::SeqCst);
    let _ = window.destroy();
}

/// Hold a window close until the UI has flushed its autosave (it calls `app_close`), so the
/// last keystrokes before closing are not lost; give up waiting after `CLOSE_GRACE`.
fn on_window_event<R: tauri::Runtime>(window: &tauri::Window<R>, event: &WindowEvent) {
    if let WindowEvent::DragDrop(tauri::DragDropEvent::Drop { paths, .. }) = event {
        // The page learns only the names; the paths stay here until it asks to attach them.
        let names: Vec<String> = paths
            .iter()
            .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .collect();
        *window
            .state::<AppState>()
            .dropped
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = paths.clone();
        let _ = window.emit_to(window.label(), "app://files-dropped", names);
        return;
    }
    let WindowEvent::CloseRequested { api, .. } = event else {
        return;
    };
    // Only the main window holds edits; a print window just closes.
    if window.label() != "main" {
        return;
    }
    let state = window.state::<AppState>();
    if state.closing.load(Ordering::SeqCst) {
        return;
    }
    api.prevent_close();
    if window
        .emit_to(window.label(), "app://close-requested", ())
        .is_err()
    {
        let _ = window.destroy();
        return;
    }
    let window = window.clone();
    let grace = state.close_grace;
    std::thread::spawn(move || {
        std::thread::park_timeout(grace);
        window
            .state::<AppState>()
            .closing
            .store(true, Ordering::SeqCst);
        let _ = window.destroy();
    });
}

/// Register state and commands on any runtime (the real one, or the mock one in tests).
pub fn builder<R: tauri::Runtime>(
    builder: tauri::Builder<R>,
    state: AppState,
) -> tauri::Builder<R> {
    builder
        .plugin(tauri_plugin_dialog::init())
        .manage(state)
        .on_window_event(on_window_event)
        .register_asynchronous_uri_scheme_protocol(attachments::SCHEME, attachments::serve)
        .invoke_handler(tauri::generate_handler![
            app_close,
            app_state,
            set_language,
            load_demo,
            start_empty,
            setup::campaign_list,
            setup::campaign_overview,
            visit::visit_get,
            visit::finding_set,
            sync::sync_overview,
            sync::bundle_export,
            sync::bundle_readers,
            sync::bundle_pick,
            sync::bundle_import,
            sync::conflicts_list,
            sync::conflict_resolve,
            sync::backups_list,
            sync::backup_restore,
            visit::visit_update,
            visit::visit_sign,
            visit::visit_unlock,
            visit::visit_keep_signed,
            visit::recommendation_add,
            visit::recommendation_update,
            visit::recommendation_delete,
            visit::record_history,
            attachments::attachments_list,
            attachments::attachment_pick,
            attachments::attachment_add_dropped,
            attachments::attachment_caption,
            attachments::attachment_remove,
            attachments::attachment_save_copy,
            units::units_tree,
            units::unit_import_pick,
            units::unit_import_apply,
            units::unit_import_keep,
            search::search,
            setup::campaign_get,
            setup::campaign_create,
            setup::campaign_update,
            setup::criteria_list,
            setup::criteria_get,
            setup::criteria_save,
            setup::criteria_copy,
            setup::team_create,
            setup::team_update,
            setup::team_delete,
            setup::units_state,
            setup::visits_plan,
            setup::visit_reschedule,
            setup::visit_cancel,
            setup::unit_create,
            setup::unit_update,
            setup::unit_move,
            setup::unit_merge,
            setup::unit_dissolve,
            report::report_preview,
            report::report_texts_suggest,
            report::report_export,
            report::report_print,
            trust::trust_profile,
            trust::trust_profile_save,
            trust::trust_laptops,
            trust::trust_enroll_maker,
            trust::trust_owner,
            trust::trust_set,
            trust::trust_revoke,
            trust::trust_recovery_key,
            trust::trust_recovery_key_create
        ])
}

pub fn run() {
    let path = db_path_from_args(std::env::args().skip(1));
    builder(tauri::Builder::default(), AppState::open(path))
        .run(tauri::generate_context!())
        .expect("the Kiểm tra window could not start");
}

pub use state::AppState;

mod attachments;
mod dialogs;
mod messages;
mod report;
mod search;
mod setup;
mod state;
mod sync;
mod trust;
mod units;
mod visit;

#[cfg(test)]
mod tests;
