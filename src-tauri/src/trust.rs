//! Trust commands: this laptop's name and people, the laptops it knows, and the import
//! preview's choices for a bundle from a laptop nobody here knows (enrol its maker, or trust
//! the owner of the campaign it holds), and the office's recovery key. The bundle stays in
//! Rust: the page names it by its place in the last preview.

use kiemtra_core::trust::{DeviceProfile, EnrolRole, Enrolment, Laptop, Person, RecoveryKey};
use kiemtra_core::{Error, ErrorPayload, Localize};
use serde::Deserialize;
use tauri::{AppHandle, Runtime, State};

use crate::dialogs::{filter, FileDialog, Pick};
use crate::messages::Message;
use crate::state::AppState;
use crate::sync::FileOutcome;

#[tauri::command(async)]
pub fn trust_profile(state: State<'_, AppState>) -> Result<DeviceProfile, ErrorPayload> {
    state.with(|s| s.device_profile())
}

#[derive(Deserialize)]
pub struct ProfileInput {
    name: String,
    #[serde(default)]
    people: Vec<Person>,
    #[serde(default)]
    person: Option<String>,
}

#[tauri::command(async)]
pub fn trust_profile_save(
    state: State<'_, AppState>,
    profile: ProfileInput,
) -> Result<DeviceProfile, ErrorPayload> {
    state.with(|s| s.set_device_profile(&profile.name, profile.people, profile.person.as_deref()))
}

#[tauri::command(async)]
pub fn trust_laptops(state: State<'_, AppState>) -> Result<Vec<Laptop>, ErrorPayload> {
    state.with(|s| s.laptops())
}

fn pending_path(state: &AppState, index: usize) -> Result<std::path::PathBuf, Error> {
    state
        .pending
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(index)
        .map(|(p, _)| p.clone())
        .ok_or_else(|| Error::NotFound {
            what: "file",
            id: index.to_string(),
        })
}

/// Preview the pending bundle again after a choice, and let it be imported if it passes.
fn repreview(state: &AppState, index: usize) -> Result<FileOutcome, ErrorPayload> {
    let lang = state.lang();
    let path = pending_path(state, index).map_err(|e| e.payload(lang))?;
    let out = state.with(|s| {
        Ok(crate::sync::outcome(
            &path,
            s.import_bundle(&path, true),
            lang,
        ))
    })?;
    if let Some(entry) = state
        .pending
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get_mut(index)
    {
        entry.1 = out.ok;
    }
    Ok(out)
}

#[derive(Deserialize)]
pub struct EnrolInput {
    /// The bundle's place in the last preview.
    file_index: usize,
    campaign: String,
    role: EnrolRole,
    #[serde(default)]
    team: Option<String>,
}

/// Enrol the maker of a previewed bundle into a campaign (as a team laptop or the
/// secretariat), then preview the bundle again.
#[tauri::command(async)]
pub fn trust_enroll_maker(
    state: State<'_, AppState>,
    input: EnrolInput,
) -> Result<FileOutcome, ErrorPayload> {
    let lang = state.lang();
    let path = pending_path(&state, input.file_index).map_err(|e| e.payload(lang))?;
    state.with(|s| {
        s.enroll_bundle_maker(&path, &input.campaign, input.role, input.team.as_deref())
            .map(|_| ())
    })?;
    repreview(&state, input.file_index)
}

/// Trust a laptop (the owner of a campaign a previewed bundle holds), then preview the
/// bundle again.
#[tauri::command(async)]
pub fn trust_owner(
    state: State<'_, AppState>,
    file_index: usize,
    device: String,
) -> Result<FileOutcome, ErrorPayload> {
    state.with(|s| s.set_trusted(&device, true).map(|_| ()))?;
    repreview(&state, file_index)
}

#[tauri::command(async)]
pub fn trust_set(
    state: State<'_, AppState>,
    device: String,
    trusted: bool,
) -> Result<Laptop, ErrorPayload> {
    state.with(|s| s.set_trusted(&device, trusted))
}

#[tauri::command(async)]
pub fn trust_revoke(
    state: State<'_, AppState>,
    device: String,
    campaign: String,
    reason: String,
) -> Result<Enrolment, ErrorPayload> {
    state.with(|s| s.revoke(&device, &campaign, &reason))
}

/// The office's recovery key as this laptop knows it (its public part), or `None`.
#[tauri::command(async)]
pub fn trust_recovery_key(state: State<'_, AppState>) -> Result<Option<RecoveryKey>, ErrorPayload> {
    state.with(|s| s.recovery_key())
}

/// Make the office's recovery key, its identity written once to the file chosen in the save
/// dialog (`None` when the person cancelled; nothing is made then).
#[tauri::command(async)]
pub fn trust_recovery_key_create<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Option<RecoveryKey>, ErrorPayload> {
    let lang = state.lang();
    // Refused before the dialog: nobody should pick a place for a key that is not made.
    if let Some(k) = state.with(|s| s.recovery_key())? {
        return Err(Error::RecoveryKeyExists {
            created_at: k.created_at,
        }
        .payload(lang));
    }
    let picked = state.file_dialog_one(
        &app,
        FileDialog {
            pick: Pick::SaveAs,
            title: Message::SaveRecoveryKey.message(lang),
            filter: filter(Message::KeyFile.message(lang), &["txt"]),
            file_name: Some("khoa-khoi-phuc-kiemtra.txt".into()),
        },
    );
    let Some(path) = picked else {
        return Ok(None);
    };
    state.with(|s| s.recovery_key_create(&path).map(Some))
}
