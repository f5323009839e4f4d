//! Photos and scans: stored once by hash beside the database, carried in bundles, refused
//! when they are not photos or PDFs, or when the minutes are signed.

use crate::common::{read_zip, write_zip};
use kiemtra_core::Localize;

use std::path::{Path, PathBuf};

use kiemtra_core::model::{Attachment, VisitStatus};
use kiemtra_core::Store;

/// Each laptop in its own folder: the blobs live beside the database.
fn laptop(root: &Path, name: &str) -> Store {
    let dir = root.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    Store::open(&dir.join("kiemtra.db")).unwrap()
}

fn photo(dir: &Path, name: &str, w: u32, h: u32) -> PathBuf {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    });
    let p = dir.join(name);
    img.save(&p).unwrap();
    p
}

fn planned(s: &Store) -> String {
    s.visit_rows(None)
        .unwrap()
        .into_iter()
        .find(|v| v.status == VisitStatus::Planned)
        .unwrap()
        .id
}

#[test]
fn a_photo_is_stored_once_by_hash_with_a_thumbnail() {
    let tmp = tempfile::tempdir().unwrap();
    let mut a = laptop(tmp.path(), "a");
    a.load_demo().unwrap();
    let visit = planned(&a);
    let file = photo(tmp.path(), "Sổ đoàn viên.png", 1200, 900);
    let att = a
        .attach(&visit, &file, "Trang 1 sổ đoàn viên", Some("5.2"))
        .unwrap();
    assert_eq!(att.body.mime, "image/png");
    assert_eq!(att.body.file_name, "Sổ đoàn viên.png");
    let stored = a.blob_path(&att.body.sha256).expect("the file is kept");
    assert_eq!(
        std::fs::read(&stored).unwrap(),
        std::fs::read(&file).unwrap()
    );
    // The same file again is the same attachment, not a copy.
    let again = a.attach(&visit, &file, "", None).unwrap();
    assert_eq!(again.id, att.id);
    let list = a.attachments_of(&visit).unwrap();
    assert_eq!(list.len(), 1);
    assert!(list[0].present && list[0].is_image);
    // A small JPEG made from it.
    let thumb = a.thumbnail(&att.body.sha256, 240).unwrap();
    assert_eq!(&thumb[..3], &[0xFF, 0xD8, 0xFF]);
    let t = image::load_from_memory(&thumb).unwrap();
    assert!(t.width() <= 240 && t.height() <= 240 && t.width() > 100);
    assert!(a.check().unwrap().ok);
}

#[test]
fn files_that_are_not_photos_or_pdfs_and_signed_minutes_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let mut a = laptop(tmp.path(), "a");
    a.load_demo().unwrap();
    let visit = planned(&a);
    let before = a.dump_canonical().unwrap();
    let exe = tmp.path().join("anh.jpg");
    std::fs::write(&exe, b"MZ\x90\x00 not really a photo").unwrap();
    let err = a.attach(&visit, &exe, "", None).unwrap_err();
    assert_eq!(err.code(), "invalid_input");
    assert!(err.message(kiemtra_core::Lang::Vi).contains("chỉ nhận ảnh"));
    let signed = a
        .visit_rows(None)
        .unwrap()
        .into_iter()
        .find(|v| v.status == VisitStatus::Signed)
        .unwrap()
        .id;
    let file = photo(tmp.path(), "p.png", 20, 20);
    assert_eq!(
        a.attach(&signed, &file, "", None).unwrap_err().code(),
        "visit_locked"
    );
    assert_eq!(a.dump_canonical().unwrap(), before, "nothing changed");
}

#[test]
fn bundles_carry_the_files_and_refuse_a_changed_one() {
    let tmp = tempfile::tempdir().unwrap();
    let mut a = laptop(tmp.path(), "a");
    let campaign = a.load_demo().unwrap();
    let visit = planned(&a);
    let file = photo(tmp.path(), "hop.png", 300, 200);
    let att = a.attach(&visit, &file, "Buổi làm việc", None).unwrap();
    let mut b = laptop(tmp.path(), "b");
    crate::common::enrol(&mut a, &b, &campaign, tmp.path());
    let bundle = tmp.path().join("a.kiemtra");
    a.export_plain(&bundle, Some(&campaign)).unwrap();
    let entry = format!("blobs/{}", att.body.sha256);
    assert!(read_zip(&bundle).iter().any(|(n, _)| *n == entry));

    let preview = b.import_bundle(&bundle, true).unwrap();
    assert_eq!((preview.files, preview.new_files), (1, 1));
    assert!(
        b.blob_path(&att.body.sha256).is_none(),
        "a dry run keeps nothing"
    );
    let rep = b.import_bundle(&bundle, false).unwrap();
    assert_eq!(rep.new_files, 1);
    let got = b.blob_path(&att.body.sha256).expect("the photo arrived");
    assert_eq!(std::fs::read(got).unwrap(), std::fs::read(&file).unwrap());
    let mine = b.get::<Attachment>(&att.id).unwrap().unwrap();
    assert_eq!(mine.body.caption, "Buổi làm việc");

    // One changed byte in the photo: refused, nothing changed.
    let mut c = laptop(tmp.path(), "c");
    let before = c.dump_canonical().unwrap();
    let mut e = read_zip(&bundle);
    let blob = e.iter_mut().find(|(n, _)| *n == entry).unwrap();
    let last = blob.1.len() - 1;
    blob.1[last] ^= 1;
    let bad = tmp.path().join("bad.kiemtra");
    write_zip(&bad, &e);
    let err = c.import_bundle(&bad, false).unwrap_err();
    assert_eq!(err.code(), "bad_bundle");
    assert!(err.message(kiemtra_core::Lang::Vi).contains("SHA-256"));
    assert_eq!(c.dump_canonical().unwrap(), before);
    assert!(c.blob_path(&att.body.sha256).is_none());

    // A file the signed manifest does not list: refused.
    let mut e = read_zip(&bundle);
    e.push((
        format!("blobs/{}", "ab".repeat(32)),
        b"%PDF-1.4 extra".to_vec(),
    ));
    let extra = tmp.path().join("extra.kiemtra");
    write_zip(&extra, &e);
    let err = c.import_bundle(&extra, false).unwrap_err();
    assert!(err
        .message(kiemtra_core::Lang::Vi)
        .contains("không có trong manifest"));
    assert_eq!(c.dump_canonical().unwrap(), before);
}
