//! The app's state: the store behind a lock, and what the commands keep between calls (files
//! chosen or dropped, the report last previewed).

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::Mutex;
use std::time::Duration;

use kiemtra_core::{Error, ErrorPayload, Lang, Store};
use tauri::{AppHandle, Runtime};

use crate::dialogs::{Dialogs, FileDialog};

/// How long a close waits for the UI to write its last edits before the window goes anyway.
const CLOSE_GRACE: Duration = Duration::from_secs(3);

pub struct AppState {
    store: Mutex<Result<Store, Error>>,
    /// Bundles chosen in the open dialog and previewed, waiting for "Nhập".
    /// The bundles last chosen in the open dialog, each with whether its preview passed
    /// (only those are imported; the others wait for an enrolment or a trust decision).
    pub(crate) pending: Mutex<Vec<(PathBuf, bool)>>,
    /// Set once the UI has flushed and asked to close, so the next close goes through.
    pub(crate) closing: AtomicBool,
    /// Files last dropped on the window, waiting for the page to say which visit they are for.
    pub(crate) dropped: Mutex<Vec<PathBuf>>,
    /// The unit spreadsheet last previewed, waiting for "Nhập".
    pub(crate) pending_units: Mutex<Option<PathBuf>>,
    /// The report last previewed (its number and HTML), served to the preview frame.
    pub(crate) preview: Mutex<Option<(u64, Vec<u8>)>>,
    /// Who answers the file dialogs: GTK's, or a test's script.
    pub(crate) dialogs: Dialogs,
    /// How long a close waits for the UI (`CLOSE_GRACE`; the tests wait longer).
    pub(crate) close_grace: Duration,
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
            dialogs: Dialogs::Native,
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

    /// The language the person chose (Vietnamese when the store cannot say).
    pub(crate) fn lang(&self) -> Lang {
        self.with(|s| s.lang()).unwrap_or_default()
    }

    /// The files chosen, or `None` when the person cancelled.
    pub(crate) fn file_dialog<R: Runtime>(
        &self,
        app: &AppHandle<R>,
        dialog: FileDialog,
    ) -> Option<Vec<PathBuf>> {
        self.around_dialog(|| self.dialogs.ask(app, dialog))
    }

    /// The one file chosen in an open or save dialog, or `None` when cancelled.
    pub(crate) fn file_dialog_one<R: Runtime>(
        &self,
        app: &AppHandle<R>,
        dialog: FileDialog,
    ) -> Option<PathBuf> {
        self.file_dialog(app, dialog)
            .and_then(|files| files.into_iter().next())
    }
}
