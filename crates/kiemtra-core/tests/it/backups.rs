//! Backups: a restore brings back the state before an import and can itself be undone; a
//! file that is not this laptop's Kiểm tra data is refused with the database unchanged.

use std::path::Path;

use kiemtra_core::backups::{BackupReason, KEEP};
use kiemtra_core::model::Campaign;
use kiemtra_core::{Lang, Localize, Store};

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// A team laptop that has backed up, then imported the secretariat's campaign.
fn imported(dir: &Path) -> (Store, Store) {
    let mut hq = Store::open(&dir.join("hq/kiemtra.db")).unwrap();
    let campaign = hq.load_demo().unwrap();
    let mut team = Store::open(&dir.join("team/kiemtra.db")).unwrap();
    crate::common::enrol(&mut hq, &team, &campaign, dir);
    let bundle = dir.join("campaign.kiemtra");
    hq.export_plain(&bundle, Some(&campaign)).unwrap();
    team.backup_before(&BackupReason::Import {
        files: vec!["campaign.kiemtra".into()],
    })
    .unwrap();
    team.import_bundle(&bundle, false).unwrap();
    assert_eq!(team.list::<Campaign>().unwrap().len(), 1);
    (hq, team)
}

#[test]
fn a_restore_brings_back_the_state_before_an_import_and_can_be_undone() {
    let dir = tempfile::tempdir().unwrap();
    let (_hq, mut team) = imported(dir.path());
    let after_import = team.dump_canonical().unwrap();
    let list = team.backup_list().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(
        list[0].reason,
        Some(BackupReason::Import {
            files: vec!["campaign.kiemtra".into()]
        })
    );
    assert!(list[0].size > 0 && list[0].number == 1);

    let done = team.restore_backup(&list[0].path).unwrap();
    assert!(
        team.list::<Campaign>().unwrap().is_empty(),
        "the import is gone"
    );
    // The state it replaced was backed up first, and the restored backup is still listed.
    let list = team.backup_list().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].path, done.saved.path);
    assert_eq!(list[1].path, done.restored.path);
    assert!(matches!(
        &list[0].reason,
        Some(BackupReason::Restore { from, .. }) if *from == done.restored.name
    ));
    assert!(list[0]
        .reason
        .as_ref()
        .unwrap()
        .message(Lang::Vi)
        .starts_with("Trước khi khôi phục bản sao lưu lúc "));
    // The store works on the restored file: it writes, and checks clean.
    team.set_device_name("Máy đoàn 2").unwrap();
    assert!(team.check().unwrap().ok);

    // Undoing the restore brings the import back.
    team.restore_backup(&list[0].path).unwrap();
    assert_eq!(team.list::<Campaign>().unwrap().len(), 1);
    assert_eq!(team.dump_canonical().unwrap(), after_import);
    let by_number = team.backup_named("3").unwrap();
    assert_eq!(by_number.number, 3);
    assert_eq!(team.backup_named("9").unwrap_err().code(), "not_found");
}

#[test]
fn a_file_that_is_not_this_laptops_data_is_refused_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let (hq, mut team) = imported(dir.path());
    let before = team.dump_canonical().unwrap();
    let backups = team.backups_dir();
    let listed = names(&backups);
    let bad = dir.path().join("bad");
    std::fs::create_dir(&bad).unwrap();
    std::fs::write(bad.join("empty.db"), b"").unwrap();
    std::fs::write(bad.join("garbage.db"), vec![0x5a; 8192]).unwrap();
    {
        let other = rusqlite::Connection::open(bad.join("other.db")).unwrap();
        other.execute("CREATE TABLE t(x)", []).unwrap();
    }
    // A Kiểm tra database, but another laptop's (its identity and keys).
    let foreign = hq.backup(KEEP).unwrap();
    // A real backup cut short.
    let whole = std::fs::read(&team.backup_list().unwrap()[0].path).unwrap();
    std::fs::write(bad.join("cut.db"), &whole[..whole.len() / 2]).unwrap();
    let in_bad = names(&bad);
    for (file, problem) in [
        (bad.join("empty.db"), "tệp rỗng (0 byte)"),
        (bad.join("garbage.db"), "không phải cơ sở dữ liệu"),
        (bad.join("other.db"), "không phải dữ liệu của Kiểm tra"),
        (bad.join("cut.db"), "hỏng"),
        (foreign, "dữ liệu của máy khác"),
    ] {
        let err = team.restore_backup(&file).unwrap_err();
        assert_eq!(err.code(), "bad_backup", "{}", file.display());
        let msg = err.message(Lang::Vi);
        assert!(
            msg.contains(problem) && msg.ends_with("Dữ liệu hiện tại không thay đổi."),
            "{msg}"
        );
        assert_eq!(team.dump_canonical().unwrap(), before);
        // No backup made for a refusal, and no file left beside the ones checked.
        assert_eq!(names(&backups), listed);
        assert_eq!(names(&bad), in_bad);
    }
}

#[test]
fn a_restore_while_another_program_writes_does_nothing_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let (_hq, mut team) = imported(dir.path());
    let before = team.dump_canonical().unwrap();
    let backups = team.backups_dir();
    let listed = names(&backups);
    let copy = team.backup_list().unwrap().remove(0).path;
    // Not the app's ten seconds of patience: the test needs only the refusal at the end.
    team.conn_mut()
        .busy_timeout(std::time::Duration::from_millis(50))
        .unwrap();
    // The CLI in the middle of a write.
    let other = rusqlite::Connection::open(team.path()).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    let err = team.restore_backup(&copy).unwrap_err();
    assert_eq!(err.code(), "restore_busy");
    assert!(err
        .message(Lang::Vi)
        .ends_with("dữ liệu hiện tại không thay đổi."));
    other.execute_batch("ROLLBACK").unwrap();
    drop(other);
    assert_eq!(team.dump_canonical().unwrap(), before);
    assert_eq!(names(&backups), listed, "no backup left of the attempt");
}

#[test]
fn restoring_the_oldest_backup_keeps_it_and_five_in_all() {
    let dir = tempfile::tempdir().unwrap();
    let (_hq, mut team) = imported(dir.path());
    for i in 0..KEEP + 1 {
        team.backup_before(&BackupReason::UnitImport {
            file: format!("{i}.csv"),
        })
        .unwrap();
    }
    let list = team.backup_list().unwrap();
    assert_eq!(list.len(), KEEP, "the oldest pruned");
    let oldest = list.last().unwrap().clone();
    let done = team.restore_backup(&oldest.path).unwrap();
    let list = team.backup_list().unwrap();
    assert_eq!(list.len(), KEEP);
    assert_eq!(list[0].path, done.saved.path);
    assert!(
        list.iter().any(|b| b.path == oldest.path),
        "the copy restored stays"
    );
    // What was pruned left no note behind either.
    let notes = names(&team.backups_dir())
        .iter()
        .filter(|n| n.ends_with(".json"))
        .count();
    assert_eq!(notes, KEEP);
}
