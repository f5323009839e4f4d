// The app's commands, written once. Declaring them makes Tauri generate one permission per
// command, so the capability file can allow exactly these and nothing else. The handler list
// (src/lib.rs), capabilities/default.json, ui/api.js and tests/ui-mock/mock-api.js are
// checked against this list by src/tests/acl.rs.
const COMMANDS: &[&str] = &[
    "app_close",
    "app_state",
    "set_language",
    "load_demo",
    "start_empty",
    "campaign_list",
    "campaign_overview",
    "visit_get",
    "finding_set",
    "sync_overview",
    "bundle_export",
    "bundle_pick",
    "bundle_import",
    "conflicts_list",
    "conflict_resolve",
    "visit_update",
    "visit_sign",
    "visit_unlock",
    "recommendation_add",
    "recommendation_update",
    "recommendation_delete",
    "record_history",
    "attachments_list",
    "attachment_pick",
    "attachment_add_dropped",
    "attachment_caption",
    "attachment_remove",
    "attachment_save_copy",
    "units_tree",
    "unit_import_pick",
    "unit_import_apply",
    "search",
    "campaign_get",
    "campaign_create",
    "campaign_update",
    "criteria_list",
    "criteria_get",
    "criteria_save",
    "team_create",
    "team_update",
    "team_delete",
    "units_state",
    "visits_plan",
    "visit_reschedule",
    "visit_cancel",
    "unit_create",
    "unit_update",
    "unit_move",
    "unit_merge",
    "unit_dissolve",
    "report_preview",
    "report_export",
    "report_print",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build script");
}
