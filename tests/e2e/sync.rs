//! Sync through the real app: enrol laptops from the import preview, export with the native
//! save dialog, import with the open dialog (preview, then import), resolve a conflict side by
//! side, see a revoked laptop's later bundle refused, and make the office's recovery key.

use std::path::Path;

use kiemtra_core::ids::finding_id;
use kiemtra_core::model::{Campaign, Finding, VisitStatus};
use kiemtra_core::visit::FindingInput;
use kiemtra_core::Store;
use kiemtra_tests::{answer_file_dialog, screenshot_dir, wait_for, Dialog, Driver, Session};

fn open_sync(s: &Session) {
    s.click_on("#nav-sync");
    s.wait("#btn-pick");
}

fn import_through_ui(s: &Session, display: &str, file: &Path) {
    s.click_on("#btn-pick");
    answer_file_dialog(display, "kiemtra", Dialog::Open, file);
    let name = file.file_name().unwrap().to_str().unwrap();
    s.wait(&format!(".preview-row[data-file=\"{name}\"]"));
    let import = s.wait("#btn-import");
    s.click(&import);
    s.wait_text("#import-summary", name);
}

/// A laptop's bundle picked in the app: it waits in the preview because nobody here knows
/// the laptop; the secretariat enrols it into `team` from the preview, then imports it.
fn enrol_through_ui(s: &Session, display: &str, file: &Path, campaign: &str, team: &str) {
    s.click_on("#btn-pick");
    answer_file_dialog(display, "kiemtra", Dialog::Open, file);
    let name = file.file_name().unwrap().to_str().unwrap();
    s.wait(&format!(
        ".preview-row.stranger[data-file=\"{name}\"][data-code=\"unknown_laptop\"]"
    ));
    let choice = format!("team:{campaign}:{team}");
    s.wait(&format!("#enrol-choice-0 option[value=\"{choice}\"]"));
    s.script(
        "const sel = document.querySelector('#enrol-choice-0'); sel.value = arguments[0]; \
         sel.dispatchEvent(new Event('change')); return true;",
        serde_json::json!([choice]),
    );
    s.click_on(".btn-enrol:not([disabled])");
    s.wait(&format!(
        ".preview-row[data-file=\"{name}\"][data-ok=\"true\"]"
    ));
    s.click_on("#btn-import:not([disabled])");
    s.wait_text("#import-summary", name);
}

#[test]
fn enrol_laptops_export_import_resolve_and_refuse_a_revoked_laptop_through_the_ui() {
    let tmp = tempfile::tempdir().unwrap();
    // Databases and bundles in separate folders, as on a real laptop (data dir vs USB stick):
    // a GTK file dialog showing a database's folder opens and closes its files to sniff them,
    // which drops the process's POSIX locks on them (see ARCHITECTURE.md, "Known hazards").
    let (dir, usb) = (tmp.path().join("profiles"), tmp.path().join("usb"));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::create_dir_all(&usb).unwrap();
    let shots = screenshot_dir();
    let a_db = dir.join("a.db");
    let (campaign, visit, team) = {
        let mut a = Store::open(&a_db).unwrap();
        a.set_device_name("Máy Ban Xây dựng Đoàn").unwrap();
        let campaign = a.load_demo().unwrap();
        a.set_onboarded().unwrap();
        let v = a
            .visit_rows(None)
            .unwrap()
            .into_iter()
            .find(|v| v.status == VisitStatus::Planned)
            .unwrap();
        (campaign, v.id, v.team_id.unwrap())
    };
    // Two inspectors' laptops, named by their people, introduce themselves with a bundle.
    let mut laptops = Vec::new();
    for (name, person) in [("may-1", "Nguyễn Văn An"), ("may-2", "Lê Thị Bình")] {
        let mut l = Store::open(&dir.join(format!("{name}.db"))).unwrap();
        l.set_device_profile(
            name,
            vec![kiemtra_core::trust::Person {
                name: person.into(),
                position: "Ủy viên".into(),
            }],
            None,
        )
        .unwrap();
        let intro = usb.join(format!("gioi-thieu-{name}.kiemtra"));
        l.export_plain(&intro, None).unwrap();
        laptops.push((name, l, intro));
    }
    let driver = Driver::start();

    // The secretariat enrols both into the visit's team from the import preview, then exports
    // the campaign through the save dialog.
    let s = driver.launch(&a_db);
    s.wait(".campaign-row");
    open_sync(&s);
    for (i, (_, _, intro)) in laptops.iter().enumerate() {
        enrol_through_ui(&s, &driver.display, intro, &campaign, &team);
        if i == 0 {
            s.screenshot(&shots.join("10-sync-enrolled.png"));
        }
    }
    let bundle = usb.join("ban-xdd.kiemtra");
    // The screen reloads after each enrolment: the button is found again if redrawn.
    s.click_on("#btn-export");
    answer_file_dialog(&driver.display, "kiemtra", Dialog::Save, &bundle);
    s.wait_text("#export-result", "ban-xdd.kiemtra");
    assert!(bundle.is_file(), "the bundle was written");

    // The two laptops take that bundle and record the same item differently.
    let mut returned = Vec::new();
    for ((name, l, _), note) in laptops.iter_mut().zip([
        // Markup typed on another laptop must arrive as text, never as HTML.
        "Sổ chi đoàn thiếu <b>2 tháng</b> <img src=x onerror=alert(1)>",
        "Sổ chi đoàn đầy đủ",
    ]) {
        l.import_bundle(&bundle, false).unwrap();
        l.finding_set(FindingInput {
            visit_id: visit.clone(),
            item_code: "5.2".into(),
            note: Some(note.into()),
            ..Default::default()
        })
        .unwrap();
        let f = usb.join(format!("{name}.kiemtra"));
        l.export_plain(&f, None).unwrap();
        returned.push(f);
    }

    // Back at the office, both returns go in through the UI.
    for f in &returned {
        import_through_ui(&s, &driver.display, f);
    }
    s.screenshot(&shots.join("11-sync-imported.png"));
    {
        let store = Store::open(&a_db).unwrap();
        assert_eq!(
            store.conflicts().unwrap().len(),
            1,
            "the two notes conflict"
        );
    }

    // Resolve side by side: keep laptop 2's version, shown as person — laptop.
    s.click_on("#btn-conflicts");
    s.wait_text(
        ".conflict",
        "Sổ chi đoàn thiếu <b>2 tháng</b> <img src=x onerror=alert(1)>",
    );
    s.wait_text(".conflict", "Sổ chi đoàn đầy đủ");
    s.wait_text(".conflict .cv-device-name", "Lê Thị Bình — may-2");
    let markup = s.script(
        "return document.querySelectorAll('.conflict b, .conflict img').length",
        serde_json::json!([]),
    );
    assert_eq!(markup, serde_json::json!(0), "shown as text");
    s.screenshot(&shots.join("12-conflicts.png"));
    let keep = wait_for("the version of may-2", || {
        let store = Store::open(&a_db).ok()?;
        let c = store.conflicts().ok()?.into_iter().next()?;
        c.versions
            .into_iter()
            .find(|v| v.body["note"] == "Sổ chi đoàn đầy đủ")
            .map(|v| v.rev)
    });
    s.click(&s.wait(&format!("button.keep-version[data-rev=\"{keep}\"]")));
    s.wait_until("the conflict to be resolved", || {
        let store = Store::open(&a_db).ok()?;
        store.conflicts().ok()?.is_empty().then_some(())
    });
    let store = Store::open(&a_db).unwrap();
    let f = store
        .get::<Finding>(&finding_id(&visit, "5.2"))
        .unwrap()
        .unwrap();
    assert_eq!(f.body.note, "Sổ chi đoàn đầy đủ");
    let last = store.history(&f.id).unwrap().pop().unwrap();
    assert_eq!(last.parents.len(), 2, "the resolution names both versions");
    drop(store);

    // may-2 is lost: revoked on "Máy và người dùng", with the reason.
    let may2 = laptops[1].1.device().id.clone();
    s.click_on("#device-name");
    s.click(&s.wait(&format!("#laptops-table tr[data-id=\"{may2}\"] .lp-revoke")));
    s.type_text(&s.wait("#lp-revoke-reason"), "Máy bị mất");
    s.click_on("#lp-revoke-confirm");
    s.wait_text(
        &format!("#laptops-table tr[data-id=\"{may2}\"]"),
        "Máy bị mất",
    );
    s.screenshot(&shots.join("13-laptops-revoked.png"));
    // The office's recovery key, made once from the same screen after a plain warning, saved
    // through the save dialog to a second stick.
    s.click_on("#lp-recovery-create");
    s.wait_text("#lp-recovery-warning", "USB riêng");
    s.click_on("#lp-recovery-save");
    let spare = tmp.path().join("usb-2");
    std::fs::create_dir_all(&spare).unwrap();
    let key = spare.join("khoa-khoi-phuc.txt");
    answer_file_dialog(&driver.display, "kiemtra", Dialog::Save, &key);
    s.wait_text("#lp-recovery-state", "1 đợt kiểm tra");
    s.screenshot(&shots.join("13-laptops-recovery-key.png"));
    assert!(std::fs::read_to_string(&key)
        .unwrap()
        .contains("AGE-SECRET-KEY-1"));
    {
        let store = Store::open(&a_db).unwrap();
        let made = store.recovery_key().unwrap().expect("made");
        let c = store
            .get::<kiemtra_core::model::Campaign>(&campaign)
            .unwrap()
            .unwrap();
        assert_eq!(
            c.body.recovery_recipient, made.recipient,
            "the campaign carries it"
        );
    }
    // What it makes afterwards is refused, with the reason shown, and nothing changes.
    let (_, l, _) = &mut laptops[1];
    l.finding_set(FindingInput {
        visit_id: visit.clone(),
        item_code: "5.3".into(),
        note: Some("Ghi sau khi bị thu hồi".into()),
        ..Default::default()
    })
    .unwrap();
    let late = usb.join("may-2-sau.kiemtra");
    l.export_plain(&late, None).unwrap();
    let before = Store::open(&a_db).unwrap().dump_canonical().unwrap();
    open_sync(&s);
    s.click_on("#btn-pick");
    answer_file_dialog(&driver.display, "kiemtra", Dialog::Open, &late);
    s.wait_text(
        ".preview-row[data-file=\"may-2-sau.kiemtra\"][data-ok=\"false\"]",
        "Máy bị mất",
    );
    s.screenshot(&shots.join("14-sync-revoked-refused.png"));
    assert_eq!(
        Store::open(&a_db).unwrap().dump_canonical().unwrap(),
        before
    );
    s.quit();
}

/// A file dialog showing the database's own folder makes GTK open and close the database
/// files, which drops the app's SQLite locks (ARCHITECTURE.md, "Known hazards"). Then a
/// second program closing its connection (the CLI) must still not take the app's later
/// writes with it.
#[test]
fn a_dialog_in_the_database_folder_loses_no_later_edit() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("kiemtra.db");
    let bundle = tmp.path().join("ban-xdd.kiemtra");
    let (visit, unit) = secretariat_laptop_and_bundle(&db, &bundle, tmp.path());
    let driver = Driver::start();
    let s = driver.launch(&db);
    open_sync(&s);
    // The open dialog lists the folder holding kiemtra.db, kiemtra.db-wal and -shm.
    import_through_ui(&s, &driver.display, &bundle);
    // Another program opens the database and closes it, as `kiemtra campaign list` would.
    drop(Store::open(&db).unwrap());

    // An edit in the app after that must reach the database file.
    s.click_on("#brand");
    s.click_on(".campaign-row");
    s.click(&s.wait(&format!(".visit-row[data-id=\"{visit}\"]")));
    s.wait_text("h1, h2", &unit);
    let note = "Ghi sau khi chọn tệp trong thư mục dữ liệu";
    s.type_text(&s.wait(".item[data-code=\"5.2\"] textarea.note"), note);
    s.wait_attr("#save-state", "data-state", "saved");
    let seen = |db: &Path| -> Option<String> {
        let store = Store::open(db).ok()?;
        let f = store.get::<Finding>(&finding_id(&visit, "5.2")).ok()??;
        Some(f.body.note)
    };
    wait_for("another program to see the edit", || {
        seen(&db).filter(|n| n == note)
    });
    s.quit();
    assert_eq!(
        seen(&db).as_deref(),
        Some(note),
        "kept after the app closed"
    );
}

/// Import a bundle, then undo it from the settings screen: the backup made before the
/// import is restored into the running app, which shows the data as it was, and the backup
/// of the state it replaced is listed (so the restore can be undone too).
#[test]
fn a_backup_restored_in_the_settings_brings_back_the_state_before_an_import() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, usb) = (tmp.path().join("profile"), tmp.path().join("usb"));
    std::fs::create_dir_all(&usb).unwrap();
    let db = dir.join("kiemtra.db");
    let bundle = usb.join("ban-xdd.kiemtra");
    secretariat_laptop_and_bundle(&db, &bundle, tmp.path());
    let campaigns = |db: &Path| Store::open(db).unwrap().list::<Campaign>().unwrap().len();
    assert_eq!(campaigns(&db), 0);
    let shots = screenshot_dir();
    let driver = Driver::start();
    let s = driver.launch(&db);
    open_sync(&s);
    import_through_ui(&s, &driver.display, &bundle);
    assert_eq!(campaigns(&db), 1, "imported");

    // Settings ("Máy và người dùng"): the backup made before that import, and why.
    s.click_on("#device-name");
    s.wait_text(
        "#backups-table tr.backup-row:first-child .backup-reason",
        "Trước khi nhập ban-xdd.kiemtra",
    );
    s.wait_count("#backups-table tr.backup-row", 1);
    s.click_on("#backups-table tr.backup-row:first-child .backup-restore");
    s.wait_text("#restore-undo", "sao lưu dữ liệu hiện tại");
    s.screenshot(&shots.join("15-restore-confirm.png"));
    s.click_on("#restore-confirm");
    // The app reloads on the restored data, and lists the backup of what it replaced.
    s.wait_text(
        "#backups-table tr.backup-row:first-child .backup-reason",
        "Trước khi khôi phục bản sao lưu lúc",
    );
    s.wait_count("#backups-table tr.backup-row", 2);
    s.wait_text("#toasts", "Đã khôi phục bản sao lưu lúc");
    s.screenshot(&shots.join("16-restored.png"));
    assert_eq!(campaigns(&db), 0, "the imported campaign is gone");
    s.click_on("#brand");
    s.wait_text(".empty-state .state-title", "Chưa có đợt kiểm tra");
    assert!(s.find_all(".campaign-row").is_empty());
    s.screenshot(&shots.join("17-restored-campaigns.png"));
    s.quit();
}

/// A laptop named and onboarded, with no data yet, and a bundle of the demo campaign whose
/// secretariat enrolled it: the visit the bundle plans first, and its unit's name.
fn secretariat_laptop_and_bundle(db: &Path, bundle: &Path, tmp: &Path) -> (String, String) {
    let mut src = Store::open(&tmp.join("src.db")).unwrap();
    let campaign = src.load_demo().unwrap();
    let mut me = Store::open(db).unwrap();
    me.set_device_name("Máy Văn phòng").unwrap();
    me.set_onboarded().unwrap();
    // This laptop is one of the campaign's secretariat laptops (it edits after the import).
    let intro = tmp.join("gioi-thieu.kiemtra");
    me.export_plain(&intro, None).unwrap();
    src.enroll_bundle_maker(
        &intro,
        &campaign,
        kiemtra_core::trust::EnrolRole::Secretariat,
        None,
    )
    .unwrap();
    src.export_plain(bundle, None).unwrap();
    let v = src
        .visit_rows(None)
        .unwrap()
        .into_iter()
        .find(|v| v.status == VisitStatus::Planned)
        .unwrap();
    (v.id, v.unit_name)
}
