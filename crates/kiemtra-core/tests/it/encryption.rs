//! TRUST.md, "Who may read it": bundles leave encrypted to the laptops of their campaigns
//! and the office's recovery key; a finder of the stick reads nothing, the standard `age`
//! tool with a laptop's identity reads everything, and every bad file is refused whole.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::trust::Office;
use kiemtra_core::sync::bundle::Sealing;
use kiemtra_core::sync::encryption::ReaderName;
use kiemtra_core::{Error, Lang, Localize, Store};

/// The trust tests' office, its campaign bundle encrypted this time.
fn office() -> Office {
    let mut o = crate::trust::office();
    let out = o.file("campaign.kiemtra");
    o.hq.export_bundle_as(&out, Some(&o.campaign), Sealing::Encrypted)
        .unwrap();
    o.team.import_bundle(&out, false).unwrap();
    o
}

/// Words a finder of the stick must not read: every unit's name, every person of every
/// team, every finding's note.
fn secrets(s: &Store) -> Vec<String> {
    let mut out: Vec<String> = s
        .list::<kiemtra_core::model::Unit>()
        .unwrap()
        .into_iter()
        .map(|u| u.body.name)
        .collect();
    for p in s.list::<kiemtra_core::model::Inspector>().unwrap() {
        out.push(p.body.full_name);
    }
    for f in s.list::<kiemtra_core::model::Finding>().unwrap() {
        if f.body.note.chars().count() > 12 {
            out.push(f.body.note);
        }
    }
    out
}

fn leaks(file: &Path, words: &[String]) -> Vec<String> {
    let bytes = std::fs::read(file).unwrap();
    words
        .iter()
        .filter(|w| bytes.windows(w.len()).any(|x| x == w.as_bytes()))
        .cloned()
        .collect()
}

/// The standard `age` tool (Debian's package `age`, installed by `make deps`).
fn age_decrypt(identity: &Path, bundle: &Path, out: &Path) {
    let o = Command::new("age")
        .arg("-d")
        .arg("-i")
        .arg(identity)
        .arg("-o")
        .arg(out)
        .arg(bundle)
        .output()
        .expect("the age tool (apt-get install age; make deps installs it)");
    assert!(
        o.status.success(),
        "age: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn zip_names(path: &Path) -> Vec<String> {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut names: Vec<String> = (0..z.len())
        .map(|i| z.by_index(i).unwrap().name().to_string())
        .collect();
    names.sort();
    let mut manifest = String::new();
    z.by_name("manifest.json")
        .unwrap()
        .read_to_string(&mut manifest)
        .unwrap();
    assert!(manifest.contains("\"format\""));
    names
}

#[test]
fn bundles_are_readable_by_the_campaigns_laptops_only() {
    let mut o = office();
    let words = secrets(&o.hq);
    assert!(words.len() > 30, "{words:?}");
    let campaign = o.file("campaign.kiemtra");
    assert_eq!(leaks(&campaign, &words), Vec::<String>::new());

    // The team writes, and its bundle back is as unreadable; the secretariat imports it.
    o.team
        .finding_set(kiemtra_core::visit::FindingInput {
            visit_id: o.ours.clone(),
            item_code: "5.3".into(),
            note: Some("Sổ đoàn viên của chi đoàn Trần Văn Khánh đầy đủ".into()),
            ..Default::default()
        })
        .unwrap();
    let back = o.file("team.kiemtra");
    let rep = o
        .team
        .export_bundle_as(&back, None, Sealing::Encrypted)
        .unwrap();
    let readers: Vec<&str> = rep
        .readers
        .as_ref()
        .unwrap()
        .iter()
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(readers, vec!["Máy Đoàn số 1", "Máy Văn phòng"]);
    let mut words = words;
    words.push("Trần Văn Khánh".into());
    assert_eq!(leaks(&back, &words), Vec::<String>::new());
    let imported = o.hq.import_bundle(&back, false).unwrap();
    assert_eq!(
        imported.encrypted_to,
        Some(vec![
            ReaderName::Laptop("Máy Đoàn số 1".into()),
            ReaderName::Laptop("Máy Văn phòng".into())
        ])
    );

    // A laptop nobody enrolled: refused, told who can open it, nothing changed.
    let mut stranger = Store::open(&o.file("x/kiemtra.db")).unwrap();
    let before = stranger.dump_canonical().unwrap();
    let err = stranger.import_bundle(&back, false).unwrap_err();
    assert!(matches!(err, Error::NotForThisLaptop { .. }), "{err:?}");
    let vi = err.message(Lang::Vi);
    assert!(
        vi.starts_with("Gói dữ liệu này được mã hóa cho máy khác"),
        "{vi}"
    );
    assert!(vi.contains(&o.hq.device().id), "{vi}");
    assert_eq!(stranger.dump_canonical().unwrap(), before);
    let files: Vec<_> = std::fs::read_dir(o.file("x"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        files
            .iter()
            .all(|f| f.to_string_lossy().starts_with("kiemtra.db")),
        "{files:?}"
    );

    // The standard tool, with the identity this laptop writes out, and any unzip.
    let id = o.file("team-identity.txt");
    o.team.export_identity(&id).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&id).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "the identity file is its owner's only");
    }
    let zip = o.file("team.zip");
    age_decrypt(&id, &back, &zip);
    assert_eq!(
        zip_names(&zip),
        vec!["manifest.json", "revisions.jsonl", "signature.json"]
    );
    assert!(matches!(
        o.team.export_identity(&id),
        Err(Error::FileExists { .. })
    ));
}

#[test]
fn a_revoked_laptop_is_no_longer_a_reader() {
    let mut o = office();
    let team_id = o.team.device().id.clone();
    let readers = |o: &Office| -> Vec<String> {
        o.hq.export_readers(Some(&o.campaign))
            .unwrap()
            .readers
            .into_iter()
            .map(|r| r.id)
            .collect()
    };
    assert!(readers(&o).contains(&team_id));
    o.hq.revoke(&team_id, &o.campaign, "Máy bị mất").unwrap();
    assert!(!readers(&o).contains(&team_id));
    let encrypted = o.file("after-revoke-enc.kiemtra");
    // Only the secretariat itself is left: nobody else could open it.
    assert!(matches!(
        o.hq.export_bundle_as(&encrypted, Some(&o.campaign), Sealing::Encrypted),
        Err(Error::NoReaders)
    ));
    let mut second = Store::open(&o.file("s2/kiemtra.db")).unwrap();
    second.set_device_name("Máy Văn phòng 2").unwrap();
    crate::common::enrol(&mut o.hq, &second, &o.campaign, o.dir.path());
    o.hq.export_bundle_as(&encrypted, Some(&o.campaign), Sealing::Encrypted)
        .unwrap();
    let err = o.team.import_bundle(&encrypted, false).unwrap_err();
    assert!(matches!(err, Error::NotForThisLaptop { .. }), "{err:?}");
    second.import_bundle(&encrypted, false).unwrap();
}

#[test]
fn the_recovery_key_alone_opens_a_team_laptops_bundle() {
    let mut o = office();
    let key = o.file("recovery.txt");
    let made = o.hq.recovery_key_create(&key).unwrap();
    assert_eq!(made.campaigns, 1);
    assert!(matches!(
        o.hq.recovery_key_create(&o.file("again.txt")),
        Err(Error::RecoveryKeyExists { .. })
    ));
    // The campaign carries the key to the team laptop with the next bundle.
    let c = o.file("campaign2.kiemtra");
    o.hq.export_bundle_as(&c, Some(&o.campaign), Sealing::Encrypted)
        .unwrap();
    o.team.import_bundle(&c, false).unwrap();
    let back = o.file("team.kiemtra");
    let rep = o
        .team
        .export_bundle_as(&back, None, Sealing::Encrypted)
        .unwrap();
    assert!(rep.readers.unwrap().iter().any(|r| r.id == "recovery"));
    let zip = o.file("team.zip");
    age_decrypt(&key, &back, &zip);
    assert!(zip_names(&zip).contains(&"revisions.jsonl".to_string()));
    let text = std::fs::read_to_string(&key).unwrap();
    assert!(text.contains("Khóa khôi phục"), "{text}");
    assert_eq!(
        o.hq.recovery_key().unwrap().unwrap().recipient,
        made.recipient
    );
}

#[test]
fn a_plain_export_is_a_choice_and_an_unenrolled_laptop_sends_its_introduction_only() {
    let o = office();
    let plain = o.file("plain.kiemtra");
    let rep =
        o.hq.export_bundle_as(&plain, Some(&o.campaign), Sealing::Plain)
            .unwrap();
    assert!(rep.readers.is_none());
    // Plain means any unzip reads it.
    let mut z = zip::ZipArchive::new(std::fs::File::open(&plain).unwrap()).unwrap();
    let mut lines = String::new();
    z.by_name("revisions.jsonl")
        .unwrap()
        .read_to_string(&mut lines)
        .unwrap();
    assert!(secrets(&o.hq).iter().any(|w| lines.contains(w.as_str())));

    // Alone, with a campaign nobody else is enrolled in: nobody else could open it.
    let mut alone = Store::open(&o.file("alone/kiemtra.db")).unwrap();
    alone.load_demo().unwrap();
    let err = alone
        .export_bundle_as(&o.file("alone.kiemtra"), None, Sealing::Encrypted)
        .unwrap_err();
    assert!(matches!(err, Error::NoReaders), "{err:?}");
    assert!(!o.file("alone.kiemtra").exists());

    // Enrolled nowhere: its introduction, its keys and no campaign data.
    let mut fresh = Store::open(&o.file("fresh/kiemtra.db")).unwrap();
    fresh.set_device_name("Máy mới").unwrap();
    let intro = o.file("intro.kiemtra");
    let rep = fresh
        .export_bundle_as(&intro, None, Sealing::Encrypted)
        .unwrap();
    assert!(rep.introduction && rep.readers.is_none());
    assert!(rep.revisions <= 1, "only its card: {}", rep.revisions);
}

/// Every bad file: a clear message, nothing written, nothing left behind.
#[test]
fn damaged_foreign_and_passphrase_files_are_refused_and_change_nothing() {
    let mut o = office();
    let good = o.file("good.kiemtra");
    o.team
        .export_bundle_as(&good, None, Sealing::Encrypted)
        .unwrap();
    let bytes = std::fs::read(&good).unwrap();
    let bad = |name: &str, content: &[u8]| {
        let p = o.file(name);
        std::fs::write(&p, content).unwrap();
        p
    };
    let mut flipped = bytes.clone();
    let at = flipped.len() / 2;
    flipped[at] ^= 0x40;
    let recipient: age::x25519::Recipient = o.hq.age_recipient().unwrap().parse().unwrap();
    let not_a_bundle = {
        let mut out = Vec::new();
        let e = age::Encryptor::with_recipients(std::iter::once(&recipient as _)).unwrap();
        let mut w = e.wrap_output(&mut out).unwrap();
        w.write_all("Biên bản giả, không phải gói dữ liệu".as_bytes())
            .unwrap();
        w.finish().unwrap();
        out
    };
    let passphrase = {
        let mut out = Vec::new();
        let e = age::Encryptor::with_user_passphrase(age::secrecy::SecretString::from(
            "mật khẩu".to_string(),
        ));
        let mut w = e.wrap_output(&mut out).unwrap();
        w.write_all(b"PK").unwrap();
        w.finish().unwrap();
        out
    };
    let cases: Vec<(PathBuf, &str)> = vec![
        (
            bad("truncated.kiemtra", &bytes[..bytes.len() - 200]),
            "bad_bundle",
        ),
        (bad("altered.kiemtra", &flipped), "bad_bundle"),
        (bad("other.kiemtra", &not_a_bundle), "bad_bundle"),
        (bad("passphrase.kiemtra", &passphrase), "passphrase_bundle"),
    ];
    let before = o.hq.dump_canonical().unwrap();
    let listing = |d: &Path| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with("kiemtra.db"))
            .collect();
        v.sort();
        v
    };
    let data = o.hq.path().parent().unwrap().to_path_buf();
    let files_before = listing(&data);
    for (file, code) in &cases {
        for dry_run in [true, false] {
            let err = o.hq.import_bundle(file, dry_run).unwrap_err();
            assert_eq!(err.code(), *code, "{}: {err:?}", file.display());
            let vi = err.message(Lang::Vi);
            // Vietnamese, without age's or the system's English.
            assert!(
                !vi.contains("age:") && !vi.contains("rror") && !vi.contains("os error"),
                "{vi}"
            );
        }
    }
    assert_eq!(o.hq.dump_canonical().unwrap(), before);
    assert_eq!(listing(&data), files_before, "nothing left behind");

    // A FIFO in place of a file: refused at once, no wait for a writer.
    #[cfg(unix)]
    {
        let fifo = o.file("fifo.kiemtra");
        let ok = Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success();
        assert!(ok);
        let err = o.hq.import_bundle(&fifo, true).unwrap_err();
        assert_eq!(err.code(), "bad_bundle");
        assert!(err.message(Lang::Vi).contains("không phải một tệp"));
    }
    // The good one still imports.
    o.hq.import_bundle(&good, false).unwrap();
}
