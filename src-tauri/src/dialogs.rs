//! The native file dialogs the commands open, behind one seam. The app shows GTK's (through
//! tauri-plugin-dialog); the command tests answer from a script, so everything a command
//! does after the dialog runs under the mock runtime too. Both go through
//! `AppState::around_dialog`, so the tests also cover the reopened store.

use std::path::PathBuf;

use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_dialog::DialogExt;

/// What the dialog lets the person choose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pick {
    OneFile,
    Files,
    SaveAs,
}

/// One dialog as a command asks for it: everything the person reads in it.
#[derive(Debug, Clone)]
pub(crate) struct FileDialog {
    pub pick: Pick,
    pub title: String,
    /// The filter's label and the extensions it lets through.
    pub filter: Option<(String, Vec<String>)>,
    /// The name a save dialog suggests.
    pub file_name: Option<String>,
}

/// A filter for `FileDialog::filter`: its label and extensions.
pub(crate) fn filter(
    label: impl Into<String>,
    extensions: &[&str],
) -> Option<(String, Vec<String>)> {
    Some((
        label.into(),
        extensions.iter().map(|e| e.to_string()).collect(),
    ))
}

/// Who answers the dialogs.
pub(crate) enum Dialogs {
    Native,
    #[cfg(test)]
    Scripted(std::sync::Arc<std::sync::Mutex<Script>>),
}

/// The command tests' answers, in order, and the dialogs the commands asked for.
#[cfg(test)]
#[derive(Default)]
pub(crate) struct Script {
    /// `None` is a cancel; an empty queue cancels too (the test sees it in `asked`).
    pub answers: std::collections::VecDeque<Option<Vec<PathBuf>>>,
    pub asked: Vec<FileDialog>,
}

impl Dialogs {
    /// The files chosen, or `None` when the person cancelled. Callers go through
    /// `AppState::file_dialog`, which holds the store meanwhile.
    pub(crate) fn ask<R: Runtime>(
        &self,
        app: &AppHandle<R>,
        dialog: FileDialog,
    ) -> Option<Vec<PathBuf>> {
        match self {
            Dialogs::Native => native(app, dialog),
            #[cfg(test)]
            Dialogs::Scripted(script) => {
                let mut script = script.lock().unwrap_or_else(|p| p.into_inner());
                script.asked.push(dialog);
                script.answers.pop_front().flatten()
            }
        }
    }
}

/// Where the file dialogs open: the person's documents (or home). Not the database's own
/// folder: a GTK dialog showing it sniffs the database files (see `AppState::around_dialog`).
fn start_dir<R: Runtime>(app: &AppHandle<R>) -> PathBuf {
    let p = app.path();
    p.document_dir()
        .ok()
        .filter(|d| d.is_dir())
        .or_else(|| p.home_dir().ok())
        .unwrap_or_else(|| PathBuf::from("."))
}

fn native<R: Runtime>(app: &AppHandle<R>, dialog: FileDialog) -> Option<Vec<PathBuf>> {
    let mut b = app
        .dialog()
        .file()
        .set_title(dialog.title)
        .set_directory(start_dir(app));
    if let Some((label, extensions)) = &dialog.filter {
        let extensions: Vec<&str> = extensions.iter().map(String::as_str).collect();
        b = b.add_filter(label, &extensions);
    }
    if let Some(name) = dialog.file_name {
        b = b.set_file_name(name);
    }
    let chosen = match dialog.pick {
        Pick::OneFile => b.blocking_pick_file().map(|p| vec![p]),
        Pick::Files => b.blocking_pick_files(),
        Pick::SaveAs => b.blocking_save_file().map(|p| vec![p]),
    }?;
    // Only local paths: the Rust side reads and writes them itself.
    Some(
        chosen
            .into_iter()
            .filter_map(|p| p.as_path().map(|p| p.to_path_buf()))
            .collect(),
    )
}
