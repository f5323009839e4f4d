//! Commands through Tauri's mock runtime with the app's real context (so the capability
//! file is enforced too), without a window on screen. File dialogs are answered from a
//! script (`dialogs::Dialogs::Scripted`), so the code after each dialog runs here too.
//! `acl.rs` checks that every command is called somewhere in these files.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindowBuilder};

use super::{builder, AppState};
use crate::dialogs::{Dialogs, FileDialog, Script};

mod acl;
mod files;
mod setup;
mod window;

struct Harness {
    webview: tauri::WebviewWindow<MockRuntime>,
    app: tauri::App<MockRuntime>,
    script: Arc<Mutex<Script>>,
    // Last: the database's folder goes after the app that has it open.
    dir: tempfile::TempDir,
}

fn harness() -> Harness {
    harness_in(tempfile::tempdir().unwrap())
}

/// The app on `dir/app.db` (which a test may have filled beforehand).
fn harness_in(dir: tempfile::TempDir) -> Harness {
    harness_with(dir, tauri::generate_context!(), |_| {})
}

/// The app with a given context (e.g. another capability) and state tweaks.
fn harness_with(
    dir: tempfile::TempDir,
    context: tauri::Context<MockRuntime>,
    tweak: impl FnOnce(&mut AppState),
) -> Harness {
    let (app, script) = app_with(&dir, context, tweak);
    // Without the event loop, the windows of tauri.conf.json are not made: this one is.
    let webview = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    Harness {
        webview,
        app,
        script,
        dir,
    }
}

/// The mock app on `dir/app.db`, its dialogs answered from the script returned.
fn app_with(
    dir: &tempfile::TempDir,
    context: tauri::Context<MockRuntime>,
    tweak: impl FnOnce(&mut AppState),
) -> (tauri::App<MockRuntime>, Arc<Mutex<Script>>) {
    let mut state = AppState::open(dir.path().join("app.db"));
    let script = Arc::new(Mutex::new(Script::default()));
    state.dialogs = Dialogs::Scripted(script.clone());
    tweak(&mut state);
    let app = builder(mock_builder(), state)
        .build(context)
        .expect("mock app builds");
    (app, script)
}

/// Invoke a command from a webview as its page would.
fn call_from(
    webview: &tauri::WebviewWindow<MockRuntime>,
    cmd: &str,
    args: Value,
) -> Result<Value, Value> {
    get_ipc_response(
        webview,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            // Linux webviews load the app from tauri://localhost.
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|b| b.deserialize::<Value>().unwrap())
}

impl Harness {
    fn call(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        call_from(&self.webview, cmd, args)
    }

    fn state(&self) -> tauri::State<'_, AppState> {
        self.webview.state::<AppState>()
    }

    /// The next dialog chooses these files.
    fn choose(&self, files: &[&std::path::Path]) {
        let files = files
            .iter()
            .map(|p| p.to_path_buf())
            .collect::<Vec<PathBuf>>();
        self.script.lock().unwrap().answers.push_back(Some(files));
    }

    /// The next dialog is cancelled.
    fn cancel_next(&self) {
        self.script.lock().unwrap().answers.push_back(None);
    }

    /// The dialogs asked for so far (and forget them).
    fn asked(&self) -> Vec<FileDialog> {
        std::mem::take(&mut self.script.lock().unwrap().asked)
    }

    /// The database's canonical dump, read through the app's own connection.
    fn dump(&self) -> String {
        self.state().with(|s| s.dump_canonical()).unwrap()
    }
}

/// Collect the payloads of an event emitted from Rust.
fn listen(h: &Harness, event: &str) -> std::sync::mpsc::Receiver<Value> {
    listen_on(&h.app, event)
}

fn listen_on(
    app: &impl tauri::Listener<MockRuntime>,
    event: &str,
) -> std::sync::mpsc::Receiver<Value> {
    let (tx, rx) = std::sync::mpsc::channel();
    // Any target: some events go to one window only.
    app.listen_any(event, move |e| {
        let _ = tx.send(serde_json::from_str(e.payload()).unwrap());
    });
    rx
}

/// A visit of `campaign` in `status`, as the campaign screen lists it.
fn visit_in_status(h: &Harness, campaign: &Value, status: &str) -> String {
    let overview = h
        .call("campaign_overview", json!({ "id": campaign }))
        .unwrap();
    overview["visits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["status"] == status)
        .unwrap_or_else(|| panic!("a {status} visit"))["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Load the demo through the commands and return a planned visit's id.
fn demo_planned_visit(h: &Harness) -> String {
    let demo = h.call("load_demo", json!({})).unwrap();
    visit_in_status(h, &demo["campaign_id"], "planned")
}

#[test]
fn first_run_then_demo_then_a_finding_round_trips() {
    let h = harness();
    let info = h.call("app_state", json!({})).unwrap();
    assert_eq!(info["onboarded"], false);
    assert_eq!(info["campaign_count"], 0);
    assert_eq!(info["lang"], "vi");

    let demo = h.call("load_demo", json!({})).unwrap();
    let campaign_id = demo["campaign_id"].as_str().unwrap().to_string();
    let info = h.call("app_state", json!({})).unwrap();
    assert_eq!(info["onboarded"], true);
    assert_eq!(info["campaign_count"], 1);

    let list = h.call("campaign_list", json!({})).unwrap();
    assert_eq!(list[0]["theme"], "Năm chuyển đổi số các hoạt động của Đoàn");

    let overview = h
        .call("campaign_overview", json!({ "id": campaign_id }))
        .unwrap();
    assert_eq!(overview["units"].as_array().unwrap().len(), 24);
    let visit = overview["visits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["status"] == "planned")
        .expect("a planned visit")
        .clone();
    let visit_id = visit["id"].as_str().unwrap();

    let saved = h
        .call(
            "finding_set",
            json!({ "input": { "visit_id": visit_id, "item_code": "5.2", "rating": "chua_dat",
                               "note": "Sổ chi đoàn chưa cập nhật", "explanation": "Đơn vị sẽ bổ sung" } }),
        )
        .unwrap();
    // The first finding starts a planned visit.
    assert_eq!(saved["visit_status"], "in_progress");

    let detail = h.call("visit_get", json!({ "id": visit_id })).unwrap();
    assert_eq!(detail["findings"]["5.2"]["rating"], "chua_dat");
    assert_eq!(
        detail["findings"]["5.2"]["note"],
        "Sổ chi đoàn chưa cập nhật"
    );
    assert_eq!(
        detail["findings"]["5.2"]["explanation"],
        "Đơn vị sẽ bổ sung"
    );
    assert_eq!(detail["done"], 1);
}

#[test]
fn errors_come_back_as_code_and_message_in_the_chosen_language() {
    let h = harness();
    let err = h
        .call("visit_get", json!({ "id": "khong-co" }))
        .unwrap_err();
    assert_eq!(err["code"], "not_found");
    assert!(
        err["message"].as_str().unwrap().contains("Không tìm thấy"),
        "{err}"
    );

    h.call("set_language", json!({ "lang": "en" })).unwrap();
    let err = h
        .call("visit_get", json!({ "id": "khong-co" }))
        .unwrap_err();
    assert_eq!(err["code"], "not_found");
    assert!(
        err["message"].as_str().unwrap().starts_with("No visit"),
        "{err}"
    );

    let err = h.call("set_language", json!({ "lang": "fr" })).unwrap_err();
    assert_eq!(err["code"], "invalid_input");
}

#[test]
fn a_signed_visit_refuses_findings_and_keeps_its_data() {
    let h = harness();
    let campaign = h.call("load_demo", json!({})).unwrap()["campaign_id"].clone();
    let signed = visit_in_status(&h, &campaign, "signed");
    let before = h.call("visit_get", json!({ "id": signed })).unwrap();
    let err = h
        .call(
            "finding_set",
            json!({ "input": { "visit_id": signed, "item_code": "1.1", "rating": "dat" } }),
        )
        .unwrap_err();
    assert_eq!(err["code"], "visit_locked");
    let after = h.call("visit_get", json!({ "id": signed })).unwrap();
    assert_eq!(before, after);
}

/// Two laptops edit the same note of one finding; the secretariat (the app's database)
/// imports both bundles.
fn conflicted_db() -> (tempfile::TempDir, String) {
    use kiemtra_core::visit::FindingInput;
    use kiemtra_core::Store;
    let dir = tempfile::tempdir().unwrap();
    let mut hq = Store::open(&dir.path().join("app.db")).unwrap();
    hq.load_demo().unwrap();
    hq.set_onboarded().unwrap();
    let all = dir.path().join("all.kiemtra");
    hq.export_plain(&all, None).unwrap();
    let visit = hq
        .visit_rows(None)
        .unwrap()
        .into_iter()
        .find(|v| v.status == kiemtra_core::model::VisitStatus::Planned)
        .unwrap()
        .id;
    let campaign = hq.list::<kiemtra_core::model::Campaign>().unwrap()[0]
        .id
        .clone();
    let laptops: Vec<Store> = ["a", "b"]
        .iter()
        .map(|name| Store::open(&dir.path().join(format!("{name}.db"))).unwrap())
        .collect();
    // Both laptops are the secretariat's, enrolled from their introduction bundles.
    for l in &laptops {
        let intro = dir.path().join(format!("intro-{}.kiemtra", l.device().id));
        l.export_plain(&intro, None).unwrap();
        hq.enroll_bundle_maker(
            &intro,
            &campaign,
            kiemtra_core::trust::EnrolRole::Secretariat,
            None,
        )
        .unwrap();
    }
    hq.export_plain(&all, None).unwrap();
    for ((name, note), mut l) in [("a", "Ý kiến máy A"), ("b", "Ý kiến máy B")]
        .into_iter()
        .zip(laptops)
    {
        l.import_bundle(&all, false).unwrap();
        l.finding_set(FindingInput {
            visit_id: visit.clone(),
            item_code: "5.3".into(),
            note: Some(note.into()),
            ..Default::default()
        })
        .unwrap();
        let f = dir.path().join(format!("{name}.kiemtra"));
        l.export_plain(&f, None).unwrap();
        hq.import_bundle(&f, false).unwrap();
    }
    (dir, visit)
}

#[test]
fn conflicts_are_listed_badged_and_resolved_through_commands() {
    let (dir, visit) = conflicted_db();
    let h = harness_in(dir);
    let overview = h.call("sync_overview", json!({})).unwrap();
    assert_eq!(overview["conflict_count"], 1);
    assert_eq!(overview["imports"].as_array().unwrap().len(), 2);
    assert_eq!(overview["devices"].as_array().unwrap().len(), 3);

    let detail = h.call("visit_get", json!({ "id": visit })).unwrap();
    assert_eq!(detail["findings"]["5.3"]["conflict"], true);
    assert_eq!(detail["findings"]["5.2"].get("conflict"), None);

    let list = h.call("conflicts_list", json!({})).unwrap();
    let c = &list[0];
    assert!(
        c["label"].as_str().unwrap().starts_with("Tiêu chí 5.3 · "),
        "{c}"
    );
    assert_eq!(c["fields"][0]["field"], "note");
    let mut fields = serde_json::Map::new();
    fields.insert("note".into(), "Ý kiến máy A và máy B".into());
    h.call(
        "conflict_resolve",
        json!({ "input": { "id": c["id"], "fields": fields } }),
    )
    .unwrap();
    assert_eq!(h.call("conflicts_list", json!({})).unwrap(), json!([]));
    let detail = h.call("visit_get", json!({ "id": visit })).unwrap();
    assert_eq!(detail["findings"]["5.3"]["note"], "Ý kiến máy A và máy B");
    assert_eq!(detail["findings"]["5.3"]["conflict"], false);

    // Resolving again is refused with a clear message.
    let err = h
        .call(
            "conflict_resolve",
            json!({ "input": { "id": c["id"], "keep": c["winner"] } }),
        )
        .unwrap_err();
    assert_eq!(err["code"], "no_conflict");
}

#[test]
fn the_minutes_commands_save_refuse_a_premature_sign_and_show_history() {
    let h = harness();
    let visit = demo_planned_visit(&h);
    let saved = h
        .call(
            "visit_update",
            json!({ "id": visit, "patch": {
                "attendees": [{ "name": "Phạm Văn Đức", "position": "Bí thư", "side": "unit" }],
                "questions": [{ "question": "Đoàn phí thu thế nào?", "answer": "Hằng tháng." }]
            }}),
        )
        .unwrap();
    assert_eq!(saved["status"], "in_progress");
    let err = h.call("visit_sign", json!({ "id": visit })).unwrap_err();
    assert_eq!(err["code"], "sign_incomplete");
    assert!(err["message"].as_str().unwrap().contains("Chưa thể ký"));
    let rec = h
        .call(
            "recommendation_add",
            json!({ "input": { "visit_id": visit, "text": "Đề nghị cấp ủy quan tâm", "raised_by": "unit", "authority": "party" }}),
        )
        .unwrap();
    let rec_id = rec["id"].as_str().unwrap();
    let upd = h
        .call(
            "recommendation_update",
            json!({ "id": rec_id, "patch": { "status": "forwarded", "due_date": "2023-12-31" }}),
        )
        .unwrap();
    assert_eq!(upd["body"]["status"], "forwarded");
    let history = h.call("record_history", json!({ "id": rec_id })).unwrap();
    assert_eq!(history.as_array().unwrap().len(), 2);
    h.call("recommendation_delete", json!({ "id": rec_id }))
        .unwrap();
    let detail = h.call("visit_get", json!({ "id": visit })).unwrap();
    assert_eq!(detail["recommendations"].as_array().unwrap().len(), 0);
    assert_eq!(detail["visit"]["attendees"][0]["name"], "Phạm Văn Đức");
}

#[test]
fn files_dropped_on_the_window_are_attached_by_the_paths_rust_kept() {
    let dir = tempfile::tempdir().unwrap();
    let h = harness_in(tempfile::tempdir().unwrap());
    let visit = demo_planned_visit(&h);
    let pdf = dir.path().join("Báo cáo.pdf");
    std::fs::write(&pdf, b"%PDF-1.4\n%%EOF\n").unwrap();
    let txt = dir.path().join("ghi chú.txt");
    std::fs::write(&txt, "không phải ảnh").unwrap();
    // What the DragDrop window event leaves behind.
    *h.webview.state::<AppState>().dropped.lock().unwrap() = vec![pdf, txt];
    let out = h
        .call("attachment_add_dropped", json!({ "visit": visit }))
        .unwrap();
    assert_eq!(out[0]["ok"], true);
    assert_eq!(out[1]["ok"], false);
    assert!(out[1]["error"]["message"]
        .as_str()
        .unwrap()
        .contains("chỉ nhận ảnh"));
    let list = h
        .call("attachments_list", json!({ "visit": visit }))
        .unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["file_name"], "Báo cáo.pdf");
    // The paths were used once: a second call attaches nothing.
    let again = h
        .call("attachment_add_dropped", json!({ "visit": visit }))
        .unwrap();
    assert_eq!(again.as_array().unwrap().len(), 0);
}

#[test]
fn starting_empty_finishes_onboarding_without_data() {
    let h = harness();
    assert_eq!(h.call("app_state", json!({})).unwrap()["onboarded"], false);
    assert_eq!(h.call("start_empty", json!({})).unwrap(), Value::Null);
    let info = h.call("app_state", json!({})).unwrap();
    assert_eq!(info["onboarded"], true);
    assert_eq!(info["campaign_count"], 0);
    assert_eq!(h.call("campaign_list", json!({})).unwrap(), json!([]));
}

#[test]
fn signed_minutes_are_unlocked_with_a_reason_edited_and_signed_again() {
    let h = harness();
    let campaign = h.call("load_demo", json!({})).unwrap()["campaign_id"].clone();
    let signed = visit_in_status(&h, &campaign, "signed");
    assert_eq!(
        h.call("visit_get", json!({ "id": signed })).unwrap()["locked"],
        true
    );
    let err = h
        .call("visit_unlock", json!({ "id": signed, "reason": "  " }))
        .unwrap_err();
    assert_eq!(err["code"], "invalid_input");

    let reason = "Sửa tên người dự theo đề nghị của đơn vị";
    let unlocked = h
        .call("visit_unlock", json!({ "id": signed, "reason": reason }))
        .unwrap();
    assert_eq!(unlocked["status"], "completed");
    let detail = h.call("visit_get", json!({ "id": signed })).unwrap();
    assert_eq!(detail["locked"], false);
    let unlocks = detail["visit"]["unlocks"].as_array().unwrap();
    assert_eq!(unlocks.last().unwrap()["reason"], reason);

    // Editable again, and the edit is kept.
    h.call(
        "visit_update",
        json!({ "id": signed, "patch": { "assessment": "Đã sửa sau khi mở khóa" } }),
    )
    .unwrap();
    let err = h
        .call("visit_unlock", json!({ "id": signed, "reason": reason }))
        .unwrap_err();
    assert_eq!(err["code"], "not_signed");
    assert!(err["message"].as_str().unwrap().contains("chưa ký"));

    let again = h.call("visit_sign", json!({ "id": signed })).unwrap();
    assert_eq!(again["status"], "signed");
    let detail = h.call("visit_get", json!({ "id": signed })).unwrap();
    assert_eq!(detail["locked"], true);
    assert_eq!(detail["visit"]["assessment"], "Đã sửa sau khi mở khóa");
    assert!(detail["visit"]["signed_at"].is_string());
    // Signing sealed what it signed; nothing changed after it, so nothing to keep.
    assert!(detail["visit"]["sealed"]
        .as_object()
        .is_some_and(|s| !s.is_empty()));
    assert_eq!(detail["after_signing"], json!([]));
    assert_eq!(
        h.call("visit_keep_signed", json!({ "id": signed }))
            .unwrap(),
        0
    );
    h.call("visit_unlock", json!({ "id": signed, "reason": reason }))
        .unwrap();
    let err = h
        .call("visit_keep_signed", json!({ "id": signed }))
        .unwrap_err();
    assert_eq!(err["code"], "not_signed");
}

#[test]
fn search_finds_words_without_diacritics_and_filters_by_kind() {
    let h = harness();
    let visit = demo_planned_visit(&h);
    h.call(
        "finding_set",
        json!({ "input": { "visit_id": visit, "item_code": "5.2", "rating": "chua_dat",
                           "note": "Sổ đoàn viên thất lạc" } }),
    )
    .unwrap();
    // Typed without marks (and đ as d): the note is found, and leads to its item.
    let hits = h
        .call(
            "search",
            json!({ "query": "so doan vien that lac", "kind": null }),
        )
        .unwrap();
    let hit = hits
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["kind"] == "finding")
        .unwrap_or_else(|| panic!("{hits}"));
    assert_eq!(
        hit["place"],
        json!({ "to": "visit", "visit_id": visit, "item_code": "5.2" })
    );
    assert!(
        hit["snippet"].as_str().unwrap().contains("thất lạc"),
        "{hit}"
    );

    let units = h
        .call("search", json!({ "query": "cuc phuong", "kind": "unit" }))
        .unwrap();
    let units = units.as_array().unwrap();
    assert!(!units.is_empty());
    assert!(units.iter().all(|x| x["kind"] == "unit"), "{units:?}");
    assert!(units
        .iter()
        .any(|x| x["label"].as_str().unwrap().contains("Cúc Phương")));
    let err = h
        .call("search", json!({ "query": "cuc phuong", "kind": "khac" }))
        .unwrap_err();
    assert_eq!(err["code"], "invalid_input");
}
