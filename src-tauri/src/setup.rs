//! The secretariat's setup: campaigns, teams, criteria-set versions, the unit directory's
//! edits, and visit planning. Thin wrappers over `kiemtra_core::setup`.

use chrono::NaiveDate;
use kiemtra_core::model::{Campaign, CriteriaSet, Entity, Team, Unit, Visit};
use kiemtra_core::setup::UnitState;
use kiemtra_core::setup::{
    CampaignInput, CampaignPatch, CriteriaRow, CriteriaSaved, PlanEntry, Replan, TeamInput,
    TeamPatch,
};
use kiemtra_core::setup::{CampaignOverview, CampaignSummary};
use kiemtra_core::store::Stored;
use kiemtra_core::units::{UnitInput, UnitMerged, UnitPatch};
use kiemtra_core::ErrorPayload;
use tauri::State;

use crate::state::AppState;

#[tauri::command(async)]
pub fn campaign_list(state: State<'_, AppState>) -> Result<Vec<CampaignSummary>, ErrorPayload> {
    state.with(|s| s.campaign_summaries())
}

#[tauri::command(async)]
pub fn campaign_overview(
    state: State<'_, AppState>,
    id: String,
) -> Result<CampaignOverview, ErrorPayload> {
    state.with(|s| {
        let id = s.resolve_id(Campaign::KIND, &id)?;
        s.campaign_overview(&id)
    })
}

#[tauri::command(async)]
pub fn campaign_get(
    state: State<'_, AppState>,
    id: String,
) -> Result<Stored<Campaign>, ErrorPayload> {
    state.with(|s| {
        let id = s.resolve_id(Campaign::KIND, &id)?;
        s.require::<Campaign>(&id)
    })
}

#[tauri::command(async)]
pub fn campaign_create(
    state: State<'_, AppState>,
    input: CampaignInput,
) -> Result<Stored<Campaign>, ErrorPayload> {
    state.with(|s| s.campaign_create(input))
}

#[tauri::command(async)]
pub fn campaign_update(
    state: State<'_, AppState>,
    id: String,
    patch: CampaignPatch,
) -> Result<Stored<Campaign>, ErrorPayload> {
    state.with(|s| s.campaign_update(&id, patch))
}

/// Every criteria-set version, newest first, with how many visits use it.
#[tauri::command(async)]
pub fn criteria_list(state: State<'_, AppState>) -> Result<Vec<CriteriaRow>, ErrorPayload> {
    state.with(|s| s.criteria_rows())
}

#[tauri::command(async)]
pub fn criteria_get(
    state: State<'_, AppState>,
    id: String,
) -> Result<Stored<CriteriaSet>, ErrorPayload> {
    state.with(|s| s.require::<CriteriaSet>(&id))
}

/// Save an edited set: in place when no visit uses it, else as a new version that only
/// `campaign` (the one it was opened from) follows.
#[tauri::command(async)]
pub fn criteria_save(
    state: State<'_, AppState>,
    id: String,
    set: CriteriaSet,
    campaign: Option<String>,
) -> Result<CriteriaSaved, ErrorPayload> {
    state.with(|s| s.criteria_set_save(&id, set, campaign.as_deref()))
}

/// A new set with its own code and name, copied from `id`; `campaign` moves to it.
#[tauri::command(async)]
pub fn criteria_copy(
    state: State<'_, AppState>,
    id: String,
    code: String,
    name: String,
    campaign: Option<String>,
) -> Result<CriteriaSaved, ErrorPayload> {
    state.with(|s| s.criteria_set_copy(&id, &code, &name, campaign.as_deref()))
}

#[tauri::command(async)]
pub fn team_create(
    state: State<'_, AppState>,
    input: TeamInput,
) -> Result<Stored<Team>, ErrorPayload> {
    state.with(|s| s.team_create(input))
}

#[tauri::command(async)]
pub fn team_update(
    state: State<'_, AppState>,
    id: String,
    patch: TeamPatch,
) -> Result<Stored<Team>, ErrorPayload> {
    state.with(|s| s.team_update(&id, patch))
}

#[tauri::command(async)]
pub fn team_delete(state: State<'_, AppState>, id: String) -> Result<(), ErrorPayload> {
    state.with(|s| s.team_delete(&id))
}

/// Every live unit with its visit in the campaign, if planned.
#[tauri::command(async)]
pub fn units_state(
    state: State<'_, AppState>,
    campaign: String,
) -> Result<Vec<UnitState>, ErrorPayload> {
    state.with(|s| s.campaign_units_state(&campaign))
}

/// Plan several visits at once: all or nothing.
#[tauri::command(async)]
pub fn visits_plan(
    state: State<'_, AppState>,
    campaign: String,
    entries: Vec<PlanEntry>,
) -> Result<Vec<Stored<Visit>>, ErrorPayload> {
    state.with(|s| s.visits_plan_many(&campaign, entries))
}

/// Give a visit another day and/or team, with the reason (kept in its history).
#[tauri::command(async)]
pub fn visit_reschedule(
    state: State<'_, AppState>,
    id: String,
    team: Option<String>,
    date: Option<NaiveDate>,
    why: Option<Replan>,
) -> Result<Stored<Visit>, ErrorPayload> {
    state.with(|s| s.visit_reschedule(&id, team.as_deref(), date, why.unwrap_or_default()))
}

/// Take a visit off the plan; the reason is required and kept.
#[tauri::command(async)]
pub fn visit_cancel(
    state: State<'_, AppState>,
    id: String,
    reason: String,
) -> Result<(), ErrorPayload> {
    state.with(|s| s.visit_cancel(&id, &reason))
}

#[tauri::command(async)]
pub fn unit_create(
    state: State<'_, AppState>,
    input: UnitInput,
) -> Result<Stored<Unit>, ErrorPayload> {
    state.with(|s| s.unit_create(input))
}

#[tauri::command(async)]
pub fn unit_update(
    state: State<'_, AppState>,
    id: String,
    patch: UnitPatch,
) -> Result<Stored<Unit>, ErrorPayload> {
    state.with(|s| s.unit_update(&id, patch))
}

#[tauri::command(async)]
pub fn unit_move(
    state: State<'_, AppState>,
    id: String,
    parent: Option<String>,
) -> Result<Stored<Unit>, ErrorPayload> {
    state.with(|s| s.unit_move(&id, parent.as_deref()))
}

#[tauri::command(async)]
pub fn unit_merge(
    state: State<'_, AppState>,
    from: Vec<String>,
    into: String,
    date: NaiveDate,
) -> Result<UnitMerged, ErrorPayload> {
    state.with(|s| s.unit_merge(from, &into, date))
}

#[tauri::command(async)]
pub fn unit_dissolve(
    state: State<'_, AppState>,
    id: String,
    date: NaiveDate,
) -> Result<Stored<Unit>, ErrorPayload> {
    state.with(|s| s.unit_dissolve(&id, date))
}
