//! The Tauri shell: app state and one command per core operation. No business logic here;
//! every command locks the store, calls kiemtra-core and maps errors to `{code, message}`
//! in the user's language.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use kiemtra_core::ops::{
    CampaignOverview, CampaignSummary, FindingInput, FindingSaved, VisitDetail,
};
use kiemtra_core::{model, model::Entity, Device, Error, ErrorPayload, Lang, Store};
use serde::Serialize;
use tauri::{Emitter, Manager, State, WebviewWindow, WindowEvent};

/// How long a close waits for the UI to write its last edits before the window goes anyway.
const CLOSE_GRACE: Duration = Duration::from_secs(3);

pub struct AppState {
    store: Mutex<Result<Store, Error>>,
    /// Bundles chosen in the open dialog and previewed, waiting for "Nhập".
    pending: Mutex<Vec<PathBuf>>,
    /// Set once the UI has flushed and asked to close, so the next close goes through.
    closing: AtomicBool,
    /// Files last dropped on the window, waiting for the page to say which visit they are for.
    dropped: Mutex<Vec<PathBuf>>,
    /// The unit spreadsheet last previewed, waiting for "Nhập".
    pending_units: Mutex<Option<PathBuf>>,
    /// The report last previewed (its number and HTML), served to the preview frame.
    preview: Mutex<Option<(u64, Vec<u8>)>>,
    /// Who answers the file dialogs: GTK's, or a test's script.
    dialogs: dialogs::Dialogs,
    /// How long a close waits for the UI (`CLOSE_GRACE`; the tests wait longer).
    close_grace: Duration,
}

impl AppState {
    pub fn open(path: PathBuf) -> AppState {
        AppState {
            store: Mutex::new(Store::open(&path)),
            pending: Mutex::new(Vec::new()),
            closing: AtomicBool::new(false),
            dropped: Mutex::new(Vec::new()),
            pending_units: Mutex::new(None),
            preview: Mutex::new(None),
            dialogs: dialogs::Dialogs::Native,
            close_grace: CLOSE_GRACE,
        }
    }

    /// Show a native file dialog with the store held, then reopen the database. GTK's file
    /// chooser opens and closes the files in the folder it shows to sniff their type, and
    /// closing any descriptor on the database drops this process's POSIX locks on it (SQLite's
    /// locks). Without them, another program (the CLI) closing its connection would take
    /// itself for the last one and delete the WAL this app still writes to. A fresh connection
    /// takes the locks again; holding the store meanwhile keeps every write out of that gap.
    pub(crate) fn around_dialog<T>(&self, dialog: impl FnOnce() -> T) -> T {
        let mut guard = self.store.lock().unwrap_or_else(|p| p.into_inner());
        let out = dialog();
        let path = guard.as_ref().ok().map(|s| s.path().to_path_buf());
        if let Some(path) = path {
            // The old connection closes before the new one opens, so nothing of this
            // process still points at files another program may have replaced.
            *guard = Err(Error::Io(std::io::Error::other("reopening")));
            *guard = Store::open(&path);
        }
        out
    }

    /// Run `f` with the store; errors come back in the language the person chose.
    pub(crate) fn with<T>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, Error>,
    ) -> Result<T, ErrorPayload> {
        // A panic in an earlier command must not lock the person out of their data.
        let mut guard = self.store.lock().unwrap_or_else(|p| p.into_inner());
        match guard.as_mut() {
            Err(e) => Err(e.payload(Lang::Vi)),
            Ok(store) => {
                let lang = store.lang().unwrap_or_default();
                f(store).map_err(|e| e.payload(lang))
            }
        }
    }
}

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
        Ok(DemoLoaded { campaign_id })
    })
}

#[tauri::command(async)]
fn start_empty(state: State<'_, AppState>) -> Result<(), ErrorPayload> {
    state.with(|s| s.set_onboarded())
}

#[tauri::command(async)]
fn campaign_list(state: State<'_, AppState>) -> Result<Vec<CampaignSummary>, ErrorPayload> {
    state.with(|s| s.campaign_summaries())
}

#[tauri::command(async)]
fn campaign_overview(
    state: State<'_, AppState>,
    id: String,
) -> Result<CampaignOverview, ErrorPayload> {
    state.with(|s| {
        let id = s.resolve_id(model::Campaign::KIND, &id)?;
        s.campaign_overview(&id)
    })
}

#[tauri::command(async)]
fn visit_get(state: State<'_, AppState>, id: String) -> Result<VisitDetail, ErrorPayload> {
    state.with(|s| {
        let id = s.resolve_id(model::Visit::KIND, &id)?;
        s.visit_detail(&id)
    })
}

#[tauri::command(async)]
fn finding_set(
    state: State<'_, AppState>,
    input: FindingInput,
) -> Result<FindingSaved, ErrorPayload> {
    state.with(|s| s.finding_set(input))
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
            campaign_list,
            campaign_overview,
            visit_get,
            finding_set,
            sync::sync_overview,
            sync::bundle_export,
            sync::bundle_pick,
            sync::bundle_import,
            sync::conflicts_list,
            sync::conflict_resolve,
            visit::visit_update,
            visit::visit_sign,
            visit::visit_unlock,
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
            search::search,
            setup::campaign_get,
            setup::campaign_create,
            setup::campaign_update,
            setup::criteria_list,
            setup::criteria_get,
            setup::criteria_save,
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
            report::report_export,
            report::report_print
        ])
}

pub fn run() {
    let path = db_path_from_args(std::env::args().skip(1));
    builder(tauri::Builder::default(), AppState::open(path))
        .run(tauri::generate_context!())
        .expect("the Kiểm tra window could not start");
}

mod attachments;
mod dialogs;
mod report;
mod search;
mod setup;
mod sync;
mod units;
mod visit;

#[cfg(test)]
mod tests;
