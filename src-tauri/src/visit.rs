//! The visit commands: the visit as its screen shows it, findings, the minutes beyond the
//! checklist, recommendations, sign-off and unlock, and any record's history.

use kiemtra_core::model::Recommendation;
use kiemtra_core::model::{Entity, Visit};
use kiemtra_core::store::{HistoryEntry, Stored};
use kiemtra_core::visit::{FindingInput, FindingSaved, RecommendationInput, VisitDetail};
use kiemtra_core::visit::{RecommendationPatch, VisitPatch, VisitSaved};
use kiemtra_core::ErrorPayload;
use tauri::State;

use crate::state::AppState;

#[tauri::command(async)]
pub fn visit_get(state: State<'_, AppState>, id: String) -> Result<VisitDetail, ErrorPayload> {
    state.with(|s| {
        let id = s.resolve_id(Visit::KIND, &id)?;
        s.visit_detail(&id)
    })
}

#[tauri::command(async)]
pub fn finding_set(
    state: State<'_, AppState>,
    input: FindingInput,
) -> Result<FindingSaved, ErrorPayload> {
    state.with(|s| s.finding_set(input))
}

#[tauri::command(async)]
pub fn visit_update(
    state: State<'_, AppState>,
    id: String,
    patch: VisitPatch,
) -> Result<VisitSaved, ErrorPayload> {
    state.with(|s| s.visit_update(&id, patch))
}

#[tauri::command(async)]
pub fn visit_sign(state: State<'_, AppState>, id: String) -> Result<VisitSaved, ErrorPayload> {
    state.with(|s| s.visit_sign(&id))
}

#[tauri::command(async)]
pub fn visit_unlock(
    state: State<'_, AppState>,
    id: String,
    reason: String,
) -> Result<VisitSaved, ErrorPayload> {
    state.with(|s| s.visit_unlock(&id, &reason))
}

/// Keep the signed text of minutes whose records changed after signing.
#[tauri::command(async)]
pub fn visit_keep_signed(state: State<'_, AppState>, id: String) -> Result<usize, ErrorPayload> {
    state.with(|s| s.visit_keep_signed(&id))
}

#[tauri::command(async)]
pub fn recommendation_add(
    state: State<'_, AppState>,
    input: RecommendationInput,
) -> Result<Stored<Recommendation>, ErrorPayload> {
    state.with(|s| s.recommendation_add(input))
}

#[tauri::command(async)]
pub fn recommendation_update(
    state: State<'_, AppState>,
    id: String,
    patch: RecommendationPatch,
) -> Result<Stored<Recommendation>, ErrorPayload> {
    state.with(|s| s.recommendation_update(&id, patch))
}

#[tauri::command(async)]
pub fn recommendation_delete(state: State<'_, AppState>, id: String) -> Result<(), ErrorPayload> {
    state.with(|s| s.recommendation_delete(&id))
}

/// Every revision of a record with who made it, oldest first.
#[tauri::command(async)]
pub fn record_history(
    state: State<'_, AppState>,
    id: String,
) -> Result<Vec<HistoryEntry>, ErrorPayload> {
    state.with(|s| {
        if s.kind_of(&id)?.is_none() {
            return Err(kiemtra_core::Error::NotFound {
                what: "record",
                id: id.clone(),
            });
        }
        s.history(&id)
    })
}
