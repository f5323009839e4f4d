//! Sync through the real app: export from one laptop's profile with the native save dialog,
//! import into another's with the open dialog (preview, then import), and resolve a conflict
//! side by side.

use std::path::Path;

use kiemtra_core::ids::finding_id;
use kiemtra_core::model::{Finding, VisitStatus};
use kiemtra_core::visit::FindingInput;
use kiemtra_core::Store;
use kiemtra_tests::{answer_file_dialog, screenshot_dir, wait_for, Dialog, Driver, Session};

fn open_sync(s: &Session) {
    s.click(&s.wait("#nav-sync"));
    s.wait("#btn-pick");
}

fn import_through_ui(s: &Session, display: &str, file: &Path) {
    s.click(&s.wait("#btn-pick"));
    answer_file_dialog(display, "kiemtra", Dialog::Open, file);
    let name = file.file_name().unwrap().to_str().unwrap();
    s.wait(&format!(".preview-row[data-file=\"{name}\"]"));
    let import = s.wait("#btn-import");
    s.click(&import);
    s.wait_text("#import-summary", name);
}

#[test]
fn export_import_and_resolve_a_conflict_through_the_ui() {
    let tmp = tempfile::tempdir().unwrap();
    // Databases and bundles in separate folders, as on a real laptop (data dir vs USB stick):
    // a GTK file dialog showing a database's folder opens and closes its files to sniff them,
    // which drops the process's POSIX locks on them (see ARCHITECTURE.md, "Known hazards").
    let (dir, usb) = (tmp.path().join("profiles"), tmp.path().join("usb"));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::create_dir_all(&usb).unwrap();
    let shots = screenshot_dir();
    let (a_db, b_db) = (dir.join("a.db"), dir.join("b.db"));
    {
        let mut a = Store::open(&a_db).unwrap();
        a.set_device_name("Máy Ban Xây dựng Đoàn").unwrap();
        a.load_demo().unwrap();
        a.set_onboarded().unwrap();
        // The secretariat's laptop is new: it starts from the welcome screen.
        drop(Store::open(&b_db).unwrap());
    }
    let driver = Driver::start();

    // Laptop A exports everything it knows through the save dialog.
    let bundle = usb.join("ban-xdd.kiemtra");
    let s = driver.launch(&a_db);
    s.wait(".campaign-row");
    open_sync(&s);
    s.click(&s.wait("#btn-export"));
    answer_file_dialog(&driver.display, "kiemtra", Dialog::Save, &bundle);
    s.wait_text("#export-result", "ban-xdd.kiemtra");
    assert!(bundle.is_file(), "the bundle was written");
    s.screenshot(&shots.join("10-sync-export.png"));
    s.quit();

    // Two inspectors' laptops take that bundle and record the same item differently.
    let visit = {
        let store = Store::open(&a_db).unwrap();
        store
            .visit_rows(None)
            .unwrap()
            .into_iter()
            .find(|v| v.status == VisitStatus::Planned)
            .unwrap()
            .id
    };
    let mut returned = Vec::new();
    for (name, note) in [
        // Markup typed on another laptop must arrive as text, never as HTML.
        (
            "may-1",
            "Sổ chi đoàn thiếu <b>2 tháng</b> <img src=x onerror=alert(1)>",
        ),
        ("may-2", "Sổ chi đoàn đầy đủ"),
    ] {
        let mut l = Store::open(&dir.join(format!("{name}.db"))).unwrap();
        l.set_device_name(name).unwrap();
        l.import_bundle(&bundle, false).unwrap();
        l.finding_set(FindingInput {
            visit_id: visit.clone(),
            item_code: "5.2".into(),
            note: Some(note.into()),
            ..Default::default()
        })
        .unwrap();
        let f = usb.join(format!("{name}.kiemtra"));
        l.export_bundle(&f, None).unwrap();
        returned.push(f);
    }

    // Laptop B (the secretariat) imports A's bundle and both returns through the UI.
    let s = driver.launch(&b_db);
    s.click(&s.wait("#btn-import"));
    s.wait("#btn-pick");
    import_through_ui(&s, &driver.display, &bundle);
    // A bundle from an unknown laptop is marked as such.
    s.wait(".badge-unknown");
    for f in &returned {
        import_through_ui(&s, &driver.display, f);
    }
    s.screenshot(&shots.join("11-sync-imported.png"));
    {
        let store = Store::open(&b_db).unwrap();
        assert_eq!(store.unit_tree().unwrap().len(), 24, "the campaign arrived");
        assert_eq!(
            store.conflicts().unwrap().len(),
            1,
            "the two notes conflict"
        );
    }

    // Resolve side by side: keep laptop 2's version.
    s.click(&s.wait("#btn-conflicts"));
    s.wait_text(
        ".conflict",
        "Sổ chi đoàn thiếu <b>2 tháng</b> <img src=x onerror=alert(1)>",
    );
    s.wait_text(".conflict", "Sổ chi đoàn đầy đủ");
    let markup = s.script(
        "return document.querySelectorAll('.conflict b, .conflict img').length",
        serde_json::json!([]),
    );
    assert_eq!(markup, serde_json::json!(0), "shown as text");
    s.screenshot(&shots.join("12-conflicts.png"));
    let keep = wait_for("the version of may-2", || {
        let store = Store::open(&b_db).ok()?;
        let c = store.conflicts().ok()?.into_iter().next()?;
        c.versions
            .into_iter()
            .find(|v| v.body["note"] == "Sổ chi đoàn đầy đủ")
            .map(|v| v.rev)
    });
    s.click(&s.wait(&format!("button.keep-version[data-rev=\"{keep}\"]")));
    s.wait_until("the conflict to be resolved", || {
        let store = Store::open(&b_db).ok()?;
        store.conflicts().ok()?.is_empty().then_some(())
    });
    let store = Store::open(&b_db).unwrap();
    let f = store
        .get::<Finding>(&finding_id(&visit, "5.2"))
        .unwrap()
        .unwrap();
    assert_eq!(f.body.note, "Sổ chi đoàn đầy đủ");
    let last = store.history(&f.id).unwrap().pop().unwrap();
    assert_eq!(last.parents.len(), 2, "the resolution names both versions");
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
    let (visit, unit) = {
        let mut src = Store::open(&tmp.path().join("src.db")).unwrap();
        src.load_demo().unwrap();
        src.export_bundle(&bundle, None).unwrap();
        Store::open(&db).unwrap().set_onboarded().unwrap();
        let v = src
            .visit_rows(None)
            .unwrap()
            .into_iter()
            .find(|v| v.status == VisitStatus::Planned)
            .unwrap();
        (v.id, v.unit_name)
    };
    let driver = Driver::start();
    let s = driver.launch(&db);
    open_sync(&s);
    // The open dialog lists the folder holding kiemtra.db, kiemtra.db-wal and -shm.
    import_through_ui(&s, &driver.display, &bundle);
    // Another program opens the database and closes it, as `kiemtra campaign list` would.
    drop(Store::open(&db).unwrap());

    // An edit in the app after that must reach the database file.
    s.click(&s.wait("#brand"));
    s.click(&s.wait(".campaign-row"));
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
