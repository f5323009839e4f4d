// The only module that talks to the Rust side. One async function per command.
// Errors are rethrown as {code, message}; `message` is already localised by Rust.

const invoke = window.__TAURI__ ? window.__TAURI__.core.invoke : missingTauri;

async function missingTauri() {
  // Opened outside the desktop app (e.g. in a plain browser): say so instead of a blank page.
  throw { code: "no_backend", message: "Không kết nối được với ứng dụng Kiểm tra. / Not running inside the Kiểm tra desktop app." };
}

async function call(command, args) {
  try {
    return await invoke(command, args);
  } catch (err) {
    if (err && typeof err === "object" && "message" in err) {
      throw { code: err.code ?? "error", message: String(err.message) };
    }
    // Tauri itself may reject with a plain string (e.g. unknown command).
    throw { code: "ipc", message: String(err) };
  }
}

/** → {db_path, device:{id,name}, lang, onboarded, campaign_count, version} */
export async function appState() {
  return call("app_state");
}

/** Persist the UI language ("vi" | "en"). → null */
export async function setLanguage(lang) {
  return call("set_language", { lang });
}

/** Load the demo campaign. → {campaign_id} */
export async function loadDemo() {
  return call("load_demo");
}

/** Finish onboarding without data. → null */
export async function startEmpty() {
  return call("start_empty");
}

/** → [campaign summary] */
export async function campaignList() {
  return call("campaign_list");
}

/** → {campaign, units, visits, teams} */
export async function campaignOverview(id) {
  return call("campaign_overview", { id });
}

/** → {visit, unit, campaign, team, criteria, findings, recommendations, locked} */
export async function visitGet(id) {
  return call("visit_get", { id });
}

/** input: {visit_id, item_code, rating, points, note, explanation} → {id, rev, visit_status} */
export async function findingSet(input) {
  return call("finding_set", { input });
}

// ---------- sync ----------

/** → {devices:[{id,name,public_key,first_seen,is_self}], imports:[{at,file_name,device_id,device_name,created_at,revisions,new_revisions,conflicts}], conflict_count, campaigns:[{id,name,year}]} */
export async function syncOverview() {
  return call("sync_overview");
}

/**
 * Export a bundle (campaign id, or null for everything). Rust opens the save dialog.
 * → null when the person cancelled, else {path, revisions, records, bytes}
 */
/** Who an export of one campaign (or everything) would be readable by. → {readers:[{id,name}], without_key:[name], introduction} */
export async function bundleReaders(campaign) {
  return call("bundle_readers", { campaign: campaign ?? null });
}

export async function bundleExport(campaign, plain = false) {
  return call("bundle_export", { campaign: campaign ?? null, plain: !!plain });
}

/**
 * Choose bundles in Rust's open dialog; each is checked (dry run).
 * → null when cancelled, else {files:[{file, ok:true, report} | {file, ok:false, error:{code,message}, stranger?}]}
 * `stranger` (codes unknown_laptop, untrusted_owner): {device_id, name, public_key, people:[{name, position}],
 * fingerprint, campaign_id, campaign_name} — the laptop to enrol (its maker) or trust (a campaign's owner).
 */
export async function bundlePick() {
  return call("bundle_pick");
}

/** Import the files last picked (the ok ones), after a backup. → {backup, files:[{file, ok, report?, error?}]} */
export async function bundleImport() {
  return call("bundle_import");
}

// ---------- trust: this laptop, the laptops it knows ----------

/** → {id, name, people:[{name, position}], public_key, fingerprint, is_self, trusted, memberships:[{campaign_id, campaign_name, owner, role, team_id, team_name, revoked}], named, person} */
export async function trustProfile() {
  return call("trust_profile");
}

/** Name this laptop and its people; `person` is who uses it now. → the profile */
export async function trustProfileSave(profile) {
  return call("trust_profile_save", { profile });
}

/** → [laptop as in trustProfile, without named/person], this laptop first */
export async function trustLaptops() {
  return call("trust_laptops");
}

/** Enrol the maker of the previewed bundle number `file_index` (role "team" with a team, or "secretariat"), then preview it again. → one file outcome as in bundlePick */
export async function trustEnrollMaker(input) {
  return call("trust_enroll_maker", { input });
}

/** Trust `device` (the owner of a campaign previewed bundle `fileIndex` holds), then preview it again. → one file outcome */
export async function trustOwner(fileIndex, device) {
  return call("trust_owner", { fileIndex, device });
}

/** Trust or stop trusting a laptop. → the laptop */
export async function trustSet(device, trusted) {
  return call("trust_set", { device, trusted });
}

/** Revoke a laptop's enrolment in a campaign, with a reason. → the enrolment */
export async function trustRevoke(device, campaign, reason) {
  return call("trust_revoke", { device, campaign, reason });
}

/** The office's recovery key (public part only). → {recipient, created_at, campaigns} | null */
export async function trustRecoveryKey() {
  return call("trust_recovery_key");
}

/** Make the recovery key; its identity is written once to the file chosen in a save dialog. → as trustRecoveryKey | null (cancelled) */
export async function trustRecoveryKeyCreate() {
  return call("trust_recovery_key_create");
}

/**
 * Progress of bundleImport: `handler(payload)` with {file_index (1-based), file_count, file, done, total}.
 * Resolves to the function that stops listening (a no-op outside the desktop app).
 */
export async function onSyncProgress(handler) {
  if (!window.__TAURI__ || !window.__TAURI__.event) return () => {};
  return window.__TAURI__.event.listen("sync://progress", (e) => handler(e.payload));
}

/**
 * → [{id, kind, label, winner, versions:[{rev, device_id, device_name, hlc, is_winner, body}],
 *     ancestor: {rev, body} | null, fields:[{field, values, ancestor, text}]}]
 * (`ancestor`: the value before the edits; `text`: prose that may be merged by hand)
 */
export async function conflictsList() {
  return call("conflicts_list");
}

/** input: {id, keep: rev} or {id, fields: {field: value}} → {rev} */
export async function conflictResolve(input) {
  return call("conflict_resolve", { input });
}

/** → [{number, name, path, created_at (RFC 3339, UTC), size (bytes), reason: {before: "import", files} | {before: "unit_import", file} | {before: "restore", from, from_at} | null}], newest first */
export async function backupsList() {
  return call("backups_list");
}

/** Restore the backup of that file name, after backing up the current state → {restored, saved} (each as in backupsList) */
export async function backupRestore(name) {
  return call("backup_restore", { name });
}

/**
 * Called when the person closes the window: Rust holds the close until `handler` has
 * finished (pending saves flushed) and `closeApp()` is called, or a few seconds pass.
 */
export async function onCloseRequested(handler) {
  if (!window.__TAURI__ || !window.__TAURI__.event) return;
  await window.__TAURI__.event.listen("app://close-requested", handler);
}

/** Close the window now (after pending saves are written). */
export async function closeApp() {
  return call("app_close");
}

// ---------- visit workspace ----------

/** patch: any of {date, status, report_summary, difficulties, strengths, shortcomings, assessment, overall_result, attendees:[{name, position, side}], questions:[{question, answer}]} → {id, rev, status} */
export async function visitUpdate(id, patch) {
  return call("visit_update", { id, patch });
}

/** Sign the minutes (locks them). → {id, rev, status} or error sign_incomplete */
export async function visitSign(id) {
  return call("visit_sign", { id });
}

/** Unlock signed minutes, with a reason. → {id, rev, status} */
export async function visitUnlock(id, reason) {
  return call("visit_unlock", { id, reason });
}

/** Keep the signed text of minutes whose records changed after signing. → how many */
export async function visitKeepSigned(id) {
  return call("visit_keep_signed", { id });
}

/** input: {visit_id, text, raised_by, authority, due_date} → {id, rev, body} */
export async function recommendationAdd(input) {
  return call("recommendation_add", { input });
}

/** patch: any of {text, raised_by, authority, status, due_date} → {id, rev, body} */
export async function recommendationUpdate(id, patch) {
  return call("recommendation_update", { id, patch });
}

/** → null */
export async function recommendationDelete(id) {
  return call("recommendation_delete", { id });
}

/** → [{rev, generation, parents, device_id, device_name, hlc, deleted, is_head, is_current, body}] oldest first */
export async function recordHistory(id) {
  return call("record_history", { id });
}

// ---------- attachments ----------

/** → [{id, rev, visit_id, sha256, file_name, mime, size, caption, item_code, present, is_image}] */
export async function attachmentsList(visit) {
  return call("attachments_list", { visit });
}

/** Rust opens the file dialog and attaches what was chosen. → null when cancelled, else [{file, ok, error?}] */
export async function attachmentPick(visit, item) {
  return call("attachment_pick", { visit, item: item ?? null });
}

/** Attach the files last dropped on the window. → [{file, ok, error?}] */
export async function attachmentAddDropped(visit, item) {
  return call("attachment_add_dropped", { visit, item: item ?? null });
}

/** → null */
export async function attachmentCaption(id, caption) {
  return call("attachment_caption", { id, caption });
}

/** → null */
export async function attachmentRemove(id) {
  return call("attachment_remove", { id });
}

/** Save a copy through the save dialog. → null when cancelled, else the path written */
export async function attachmentSaveCopy(id) {
  return call("attachment_save_copy", { id });
}

/** `handler(names)` when files are dropped on the window. Resolves to the function that stops listening. */
export async function onFilesDropped(handler) {
  if (!window.__TAURI__ || !window.__TAURI__.event) return () => {};
  return window.__TAURI__.event.listen("app://files-dropped", (e) => handler(e.payload || []));
}

/** URL of a blob's thumbnail ("thumb") or file ("file") through the app's own protocol. */
export function blobUrl(kind, sha256) {
  const path = `${kind}/${encodeURIComponent(sha256)}`;
  return /Windows/.test(navigator.userAgent) ? `http://kiemtra-file.localhost/${path}` : `kiemtra-file://localhost/${path}`;
}

// ---------- unit directory ----------

/** → [{id, parent_id, name, short_name, code, kind, level_label, valid_from, valid_to, merged_into, depth}] in tree order; with all, ended units too */
export async function unitsTree(all = false) {
  return call("units_tree", { all: !!all });
}

/** Rust opens the dialog and previews the file (.xlsx, .xls, .ods, .csv). → null when cancelled, else the plan {file, format, sheet, header_line, columns, warnings, rows:[{line, fields, action ("create"|"update"|"unchanged"|"bad"|"not_unit"), not_unit:{kind, message:{vi,en}}|null, errors:[{line, column, header, message:{vi,en}}]}], create, update, unchanged, bad, not_unit} */
export async function unitImportPick() {
  return call("unit_import_pick");
}

/** The picked file previewed again, the lines in keep (taken for totals, notes, signatures) imported as units. → the plan */
export async function unitImportKeep(keep) {
  return call("unit_import_keep", { keep: keep || [] });
}

/** Import the previewed file (the good rows only with skipBad; keep as in unitImportKeep). → {created, updated, unchanged, skipped, plan} */
export async function unitImportApply(skipBad, keep) {
  return call("unit_import_apply", { skipBad: !!skipBad, keep: keep || [] });
}

// ---------- search ----------

/** Every word, diacritics ignored. → [{kind, id, label, field, snippet, place:{to:"campaign"|"unit"|"visit", campaign_id?, unit_id?, visit_id?, item_code?}}] */
export async function search(query, kind) {
  return call("search", { query, kind: kind || null });
}

// ---------- setup (secretariat) ----------

/** → {id, rev, body: campaign} */
export async function campaignGet(id) {
  return call("campaign_get", { id });
}
/** input: {name, year, theme, start_date, end_date, decision_number, issuing_body, place, criteria_set_id} → {id, rev, body} */
export async function campaignCreate(input) {
  return call("campaign_create", { input });
}
/** patch: any field of campaignCreate's input → {id, rev, body} */
export async function campaignUpdate(id, patch) {
  return call("campaign_update", { id, patch });
}
/** → [{id, code, name, version, items, in_use}] */
export async function criteriaList() {
  return call("criteria_list");
}
/** → {id, rev, body: {code, name, version, topics:[{code, title, items:[{code, title, scale, max_points, guidance, required}]}]}} */
export async function criteriaGet(id) {
  return call("criteria_get", { id });
}
/**
 * Save in place, or as a new version when visits use it; `campaign` (opened from it, or null) is
 * the only campaign that follows the new version. → {id, rev, version, new_version, campaigns_moved, visits_moved}
 */
export async function criteriaSave(id, set, campaign = null) {
  return call("criteria_save", { id, set, campaign });
}
/** A new set with its own code and name, copied from `id`; `campaign` (or null) moves to it. → as criteriaSave */
export async function criteriaCopy(id, code, name, campaign = null) {
  return call("criteria_copy", { id, code, name, campaign });
}
/** input: {campaign_id, name, members:[{full_name, role}]} → {id, rev, body} */
export async function teamCreate(input) {
  return call("team_create", { input });
}
/** patch: {name?, members?:[{inspector_id?|full_name?, role}]} */
export async function teamUpdate(id, patch) {
  return call("team_update", { id, patch });
}
export async function teamDelete(id) {
  return call("team_delete", { id });
}
/** → [{unit: unit row, visit: visit row | null}] for every live unit */
export async function unitsState(campaign) {
  return call("units_state", { campaign });
}
/** entries: [{unit_id, team_id, date}] → the visits planned (all or nothing) */
export async function visitsPlan(campaign, entries) {
  return call("visits_plan", { campaign, entries });
}
/** why: {reason, outside_campaign} — the reason goes into the visit's history. */
export async function visitReschedule(id, team, date, why) {
  return call("visit_reschedule", { id, team: team || null, date: date || null, why: why || null });
}
/** The reason is required and kept with the cancelled visit. */
export async function visitCancel(id, reason) {
  return call("visit_cancel", { id, reason });
}
/** input: {name, short_name, code, kind, level_label, parent_id, valid_from, valid_to} */
export async function unitCreate(input) {
  return call("unit_create", { input });
}
export async function unitUpdate(id, patch) {
  return call("unit_update", { id, patch });
}
export async function unitMove(id, parent) {
  return call("unit_move", { id, parent: parent || null });
}
/** → {into, merged, moved} */
export async function unitMerge(from, into, date) {
  return call("unit_merge", { from, into, date });
}
export async function unitDissolve(id, date) {
  return call("unit_dissolve", { id, date });
}

// ---------- reports ----------

/** target: "campaign" | "visit". → {url (printable HTML for a frame), warnings:[{code, vi, en}], draft} */
export async function reportPreview(target, id) {
  return call("report_preview", { target, id });
}

/** A starting point for the secretariat's words in the campaign report, from its visits (nothing saved). → {assessment, strengths, shortcomings, causes_objective, causes_subjective, proposals} */
export async function reportTextsSuggest(campaign) {
  return call("report_texts_suggest", { campaign });
}

/** format: "docx" | "xlsx" | "html"; Rust opens the save dialog. → null when cancelled, else the path written */
export async function reportExport(target, id, format) {
  return call("report_export", { target, id, format });
}

/** Print the document last previewed (or save it as PDF from the print dialog). → null */
export async function reportPrint() {
  return call("report_print");
}

/** Progress of reportExport: `handler({done, total})`. Resolves to the function that stops listening. */
export async function onReportProgress(handler) {
  if (!window.__TAURI__ || !window.__TAURI__.event) return () => {};
  return window.__TAURI__.event.listen("report://progress", (e) => handler(e.payload));
}
