//! The bundle writer and reader against what serde writes and what laptops see.

use super::*;

fn entry(bundle: &Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(File::open(bundle).unwrap()).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

/// The lines written from stored text are the bytes serialising each `Revision` gives,
/// and the counts are the same as counting ids one by one.
#[test]
fn export_writes_what_serde_writes() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(&dir.path().join("a.db")).unwrap();
    let campaign = s.load_demo().unwrap();
    let unit = s.list::<model::Unit>().unwrap().remove(0);
    s.write(|w| {
        let mut u = unit.body.clone();
        u.name = "Đoàn \"Thanh niên\" \\ xã\tmới".into();
        w.put(&unit.id, &u)?;
        Ok(w.delete(model::Unit::KIND, &unit.id)?)
    })
    .unwrap();
    for scope in [None, Some(campaign.as_str())] {
        let path = dir.path().join("out.kiemtra");
        let rep = s.export_plain(&path, scope).unwrap();
        let jsonl = entry(&path, REVISIONS);
        let mut ids = HashSet::new();
        let mut n = 0;
        for line in jsonl.lines() {
            let rev: Revision = serde_json::from_str(line).unwrap();
            assert_eq!(serde_json::to_string(&rev).unwrap(), line);
            ids.insert(rev.id);
            n += 1;
        }
        assert!(n > 400);
        assert_eq!(rep.revisions, n);
        assert_eq!(rep.records, ids.len() as u64);
        let manifest: Manifest = serde_json::from_str(&entry(&path, MANIFEST)).unwrap();
        assert_eq!(manifest.counts.records, ids.len() as u64);
        assert!(jsonl.contains("\\\"Thanh niên\\\" \\\\ xã\\tmới"));
    }
}

/// Recomputing records in batches (of 7 here) gives what the sending laptop has, and
/// counts the conflicts the bundle leaves once each.
#[test]
fn import_in_batches_gives_the_same_state() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = Store::open(&dir.path().join("a.db")).unwrap();
    let campaign = a.load_demo().unwrap();
    a.set_import_batch(7);
    let mut b = Store::open(&dir.path().join("b.db")).unwrap();
    b.set_import_batch(7);
    crate::trust::testing::enrol(&mut a, &b, &campaign, dir.path());
    let first = dir.path().join("a.kiemtra");
    a.export_plain(&first, None).unwrap();
    b.import_bundle(&first, false).unwrap();
    // The same record created on both sides, the same field differently: a conflict.
    let visit = a.list::<model::Visit>().unwrap().remove(0).id;
    let id = crate::ids::finding_id(&visit, "1.1");
    for (s, note) in [(&mut a, "A"), (&mut b, "B")] {
        s.write(|w| {
            Ok(w.put(
                &id,
                &model::Finding {
                    visit_id: visit.clone(),
                    item_code: "1.1".into(),
                    rating: None,
                    points: None,
                    note: note.into(),
                    explanation: String::new(),
                },
            )?)
        })
        .unwrap();
    }
    let second = dir.path().join("b.kiemtra");
    b.export_plain(&second, None).unwrap();
    let rep = a.import_bundle(&second, false).unwrap();
    // The finding, and the laptop's own card (its name and key, new to `a`).
    assert_eq!(rep.new_revisions, 2);
    assert_eq!(rep.new_conflicts, 1);
    let rep = b
        .import_bundle(&dir.path().join("a.kiemtra"), false)
        .unwrap();
    assert_eq!(rep.new_revisions, 0);
    a.export_plain(&first, None).unwrap();
    let rep = b.import_bundle(&first, false).unwrap();
    assert_eq!((rep.new_revisions, rep.new_conflicts), (1, 1));
    assert!(rep.revisions > 400);
    assert_eq!(a.dump_canonical().unwrap(), b.dump_canonical().unwrap());
    let fresh_path = dir.path().join("c.db");
    let mut c = Store::open(&fresh_path).unwrap();
    c.set_import_batch(7);
    crate::trust::testing::enrol(&mut a, &c, &campaign, dir.path());
    a.export_plain(&first, None).unwrap();
    let rep = c.import_bundle(&first, false).unwrap();
    assert_eq!(rep.new_conflicts, 1);
    assert_eq!(a.dump_canonical().unwrap(), c.dump_canonical().unwrap());
}
