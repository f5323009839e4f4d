//! The `kiemtra` binary from the outside, as the secretariat and scripts use it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

struct Db {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

fn db() -> Db {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kiemtra.db");
    Db { _dir: dir, path }
}

fn kiemtra(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kiemtra"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("KIEMTRA_LANG")
        .output()
        .unwrap()
}

fn ok(db: &Path, args: &[&str]) -> String {
    let o = kiemtra(db, args);
    assert!(
        o.status.success(),
        "kiemtra {args:?} failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

fn json(db: &Path, args: &[&str]) -> Value {
    let mut a = args.to_vec();
    a.push("--json");
    serde_json::from_str(&ok(db, &a)).unwrap()
}

fn demo() -> Db {
    let d = db();
    ok(&d.path, &["demo"]);
    d
}

/// The id of the first campaign `campaign list` shows (the demo's, in a demo database).
fn first_campaign(db: &Path) -> String {
    json(db, &["campaign", "list"])[0]["id"]
        .as_str()
        .unwrap()
        .to_string()
}

fn planned_visit(db: &Path) -> String {
    json(db, &["visit", "list"])
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["status"] == "planned")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn init_makes_a_device_identity_with_the_given_name() {
    let d = db();
    let v = json(&d.path, &["init", "--device-name", "Máy Ban Xây dựng Đoàn"]);
    assert_eq!(v["device"]["name"], "Máy Ban Xây dựng Đoàn");
    let id = v["device"]["id"].as_str().unwrap().to_string();
    // A second init keeps the identity.
    let again = json(&d.path, &["init"]);
    assert_eq!(again["device"]["id"], id.as_str());
    assert_eq!(again["device"]["name"], "Máy Ban Xây dựng Đoàn");
}

#[test]
fn demo_lists_24_units_12_per_level_and_seven_topics() {
    let d = demo();
    let units = json(&d.path, &["unit", "list"]);
    let units = units.as_array().unwrap();
    assert_eq!(units.len(), 24);
    let district = units
        .iter()
        .filter(|u| u["level_label"] == "Cấp huyện")
        .count();
    let grassroots = units.iter().filter(|u| u["level_label"] == "Cơ sở").count();
    assert_eq!((district, grassroots), (12, 12));

    let criteria = json(&d.path, &["criteria", "show"]);
    assert_eq!(criteria["topics"].as_array().unwrap().len(), 7);

    let campaigns = json(&d.path, &["campaign", "list"]);
    assert_eq!(
        campaigns[0]["theme"],
        "Năm chuyển đổi số các hoạt động của Đoàn"
    );
    assert_eq!(campaigns[0]["start_date"], "2023-11-07");
    assert_eq!(campaigns[0]["end_date"], "2023-11-10");

    // Human output is Vietnamese by default.
    let text = ok(&d.path, &["campaign", "list"]);
    assert!(text.contains("07/11/2023 – 10/11/2023"), "{text}");
    assert!(text.contains("buổi kiểm tra"), "{text}");
}

#[test]
fn two_finding_sets_make_a_chain_of_two_revisions() {
    let d = demo();
    let visit = planned_visit(&d.path);
    let first = json(
        &d.path,
        &[
            "finding",
            "set",
            "--visit",
            &visit,
            "--item",
            "5.2",
            "--rating",
            "chua_dat",
            "--note",
            "Sổ chưa cập nhật",
        ],
    );
    let second = json(
        &d.path,
        &[
            "finding",
            "set",
            "--visit",
            &visit,
            "--item",
            "5.2",
            "--rating",
            "dat",
            "--explanation",
            "Đã bổ sung ngay",
        ],
    );
    assert_eq!(first["id"], second["id"]);
    let h = json(&d.path, &["history", first["id"].as_str().unwrap()]);
    let h = h.as_array().unwrap();
    assert_eq!(h.len(), 2);
    assert_eq!(h[1]["parents"][0], first["rev"]);
    assert_eq!(h[1]["rev"], second["rev"]);
    assert_eq!(
        h[1]["body"]["note"], "Sổ chưa cập nhật",
        "unchanged fields kept"
    );
    assert_eq!(h[1]["body"]["explanation"], "Đã bổ sung ngay");

    let shown = json(&d.path, &["visit", "show", &visit]);
    assert_eq!(shown["findings"]["5.2"]["rating"], "dat");
    assert_eq!(shown["visit"]["status"], "in_progress");
}

#[test]
fn a_dump_read_only_in_part_ends_quietly() {
    use std::io::Read;
    let d = demo();
    let mut child = Command::new(env!("CARGO_BIN_EXE_kiemtra"))
        .arg("--db")
        .arg(&d.path)
        .args(["dump", "--canonical"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // As `| head -c 10`: read a little, then close the pipe.
    let mut start = [0u8; 10];
    child.stdout.take().unwrap().read_exact(&mut start).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(&start, b"{\n  \"confl");
    assert!(out.status.success(), "{:?}", out.status);
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn dump_is_byte_identical_between_runs() {
    let d = demo();
    let a = kiemtra(&d.path, &["dump", "--canonical"]);
    let b = kiemtra(&d.path, &["dump", "--canonical"]);
    assert!(a.status.success());
    assert!(a.stdout.len() > 10_000);
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn bad_input_exits_non_zero_with_a_clear_message_and_changes_nothing() {
    let d = demo();
    let visit = planned_visit(&d.path);
    let before = kiemtra(&d.path, &["dump", "--canonical"]).stdout;
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec![
                "finding", "set", "--visit", &visit, "--item", "5.2", "--rating", "tot",
            ],
            "Mức đánh giá \"tot\" không hợp lệ",
        ),
        (
            vec![
                "finding", "set", "--visit", &visit, "--item", "42.1", "--rating", "dat",
            ],
            "không có tiêu chí \"42.1\"",
        ),
        (
            vec![
                "finding", "set", "--visit", &visit, "--item", "5.1", "--points", "999",
            ],
            "phải từ 0 đến",
        ),
        (
            vec![
                "finding", "set", "--visit", &visit, "--item", "5.1", "--points", "nhiều",
            ],
            "không hợp lệ",
        ),
        (
            vec![
                "finding",
                "set",
                "--visit",
                "00000000-dead",
                "--item",
                "5.2",
                "--rating",
                "dat",
            ],
            "Không tìm thấy buổi kiểm tra",
        ),
        (
            vec![
                "recommendation",
                "add",
                "--visit",
                &visit,
                "--text",
                "Hỗ trợ kinh phí",
                "--authority",
                "bogus",
            ],
            "Cấp giải quyết \"bogus\" không hợp lệ",
        ),
        (
            vec![
                "recommendation",
                "add",
                "--visit",
                &visit,
                "--text",
                "  ",
                "--authority",
                "party",
            ],
            "không được để trống",
        ),
        (
            vec!["finding", "set", "--visit", &visit],
            "Thiếu tham số bắt buộc",
        ),
        (vec!["visit", "fly"], "Lệnh không tồn tại"),
        (
            vec!["history", "khong-co-ban-ghi"],
            "Không tìm thấy bản ghi",
        ),
    ];
    for (args, expect) in cases {
        let o = kiemtra(&d.path, &args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success(), "{args:?} should fail");
        assert!(
            err.contains(expect),
            "{args:?}: expected {expect:?} in {err}"
        );
    }
    assert_eq!(kiemtra(&d.path, &["dump", "--canonical"]).stdout, before);

    // English on request.
    let o = kiemtra(
        &d.path,
        &[
            "--lang", "en", "finding", "set", "--visit", &visit, "--item", "5.2", "--rating", "tot",
        ],
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("Invalid rating \"tot\""));
}

#[test]
fn a_signed_visit_refuses_changes() {
    let d = demo();
    let visits = json(&d.path, &["visit", "list"]);
    let signed = visits
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["status"] == "signed")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let o = kiemtra(
        &d.path,
        &[
            "finding", "set", "--visit", &signed, "--item", "1.1", "--rating", "dat",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("đã ký"));
}

#[test]
fn recommendation_for_the_party_committee_is_recorded() {
    let d = demo();
    let visit = planned_visit(&d.path);
    let r = json(
        &d.path,
        &[
            "recommendation",
            "add",
            "--visit",
            &visit,
            "--text",
            "Đề nghị cấp ủy bố trí kinh phí hoạt động",
            "--authority",
            "party",
            "--due",
            "31/12/2023",
        ],
    );
    assert_eq!(r["body"]["authority"], "party");
    assert_eq!(r["body"]["due_date"], "2023-12-31");
    let shown = json(&d.path, &["visit", "show", &visit]);
    assert!(shown["recommendations"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["text"] == "Đề nghị cấp ủy bố trí kinh phí hoạt động"));
}

#[test]
fn check_passes_on_a_sound_database_and_fails_on_a_tampered_one() {
    let d = demo();
    assert!(ok(&d.path, &["check"]).contains("Dữ liệu toàn vẹn"));
    let conn = rusqlite_open(&d.path);
    conn.execute(
        "UPDATE revisions SET body = replace(body, 'Đoàn', 'Doan') WHERE rowid = (SELECT min(rowid) FROM revisions WHERE kind = 'unit')",
        [],
    )
    .unwrap();
    drop(conn);
    let o = kiemtra(&d.path, &["check"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("does not match its id"));
}

fn rusqlite_open(p: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(p).unwrap()
}

#[test]
fn a_file_from_a_newer_version_is_refused() {
    let d = db();
    ok(&d.path, &["init"]);
    rusqlite_open(&d.path)
        .pragma_update(None, "user_version", 999)
        .unwrap();
    let before = files_beside(&d.path);
    assert!(before.iter().any(|(name, _)| name == "kiemtra.db"));
    for args in [&["campaign", "list"][..], &["demo"], &["check"]] {
        let o = kiemtra(&d.path, args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("phiên bản Kiểm tra mới hơn"),
            "{args:?}: {err}"
        );
        // Refused before anything is written: no migration, no journal, no backup.
        assert!(
            files_beside(&d.path) == before,
            "{args:?} touched the files"
        );
    }
    let version: i64 = rusqlite_open(&d.path)
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, 999);
}

/// Every file in the database's folder with its bytes, by name.
fn files_beside(db: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(db.parent().unwrap())
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let bytes = std::fs::read(e.path()).unwrap_or_default();
            (e.file_name().to_string_lossy().into_owned(), bytes)
        })
        .collect();
    files.sort();
    files
}

#[test]
fn bundles_carry_work_between_laptops_and_conflicts_are_resolved() {
    let hq = demo();
    let dir = tempfile::tempdir().unwrap();
    let campaign = first_campaign(&hq.path);
    let out = dir.path().join("dot-kiem-tra.kiemtra");
    let out_s = out.to_str().unwrap();
    // Nobody enrolled yet: nobody else could open an encrypted bundle, so none is written.
    refused(
        &hq.path,
        &["export", "--out", out_s, "--campaign", &campaign],
        "Chưa có máy nào khác được ghi danh",
    );
    assert!(!out.exists());
    let (a, b) = (db(), db());
    // Both are enrolled as secretariat laptops from their introduction bundles, and the
    // campaign bundle then carries their enrolments.
    for (l, name) in [(&a, "a"), (&b, "b")] {
        let intro = dir.path().join(format!("intro-{name}.kiemtra"));
        ok(&l.path, &["init", "--device-name", &format!("Máy {name}")]);
        ok(&l.path, &["export", "--out", intro.to_str().unwrap()]);
        let refused = kiemtra(&hq.path, &["import", intro.to_str().unwrap()]);
        assert_eq!(refused.status.code(), Some(1));
        let id = json(&l.path, &["device", "show"])["id"]
            .as_str()
            .unwrap()
            .to_string();
        ok(
            &hq.path,
            &[
                "enroll",
                &id,
                "--campaign",
                &campaign,
                "--role",
                "secretariat",
            ],
        );
    }
    ok(
        &hq.path,
        &["export", "--out", out_s, "--campaign", &campaign],
    );
    // A preview writes nothing.
    let preview = json(&a.path, &["import", out_s, "--dry-run"]);
    assert_eq!(preview[0]["report"]["dry_run"], true);
    assert!(json(&a.path, &["campaign", "list"])
        .as_array()
        .unwrap()
        .is_empty());
    for l in [&a, &b] {
        let text = ok(&l.path, &["import", out_s]);
        assert!(text.contains("lần đầu nhận gói từ máy này"), "{text}");
        // The import indexed what arrived: the first search waits for nothing.
        assert!(kiemtra_core::Store::open(&l.path)
            .unwrap()
            .search_is_current()
            .unwrap());
    }
    let visit = planned_visit(&a.path);
    ok(
        &a.path,
        &[
            "finding",
            "set",
            "--visit",
            &visit,
            "--item",
            "5.3",
            "--note",
            "Ý kiến máy A",
        ],
    );
    ok(
        &b.path,
        &[
            "finding",
            "set",
            "--visit",
            &visit,
            "--item",
            "5.3",
            "--note",
            "Ý kiến máy B",
        ],
    );
    let (fa, fb) = (dir.path().join("a.kiemtra"), dir.path().join("b.kiemtra"));
    ok(&a.path, &["export", "--out", fa.to_str().unwrap()]);
    ok(&b.path, &["export", "--out", fb.to_str().unwrap()]);
    ok(
        &hq.path,
        &["import", fa.to_str().unwrap(), fb.to_str().unwrap()],
    );
    let conflicts = json(&hq.path, &["conflicts"]);
    assert_eq!(conflicts.as_array().unwrap().len(), 1);
    // Both laptops wrote the finding first: no earlier text to show beside the two.
    assert_eq!(conflicts[0]["ancestor"], Value::Null);
    let text = ok(&hq.path, &["conflicts"]);
    assert!(
        text.contains("Ý kiến máy A") && !text.contains("trước khi sửa"),
        "{text}"
    );
    let id = conflicts[0]["id"].as_str().unwrap().to_string();
    let loser = conflicts[0]["versions"][1]["rev"]
        .as_str()
        .unwrap()
        .to_string();
    let kept_note = conflicts[0]["versions"][1]["body"]["note"].clone();
    ok(&hq.path, &["resolve", &id, "--keep", &loser]);
    assert!(json(&hq.path, &["conflicts"])
        .as_array()
        .unwrap()
        .is_empty());
    assert_eq!(
        json(&hq.path, &["visit", "show", &visit])["findings"]["5.3"]["note"],
        kept_note
    );
    // Both laptops take the resolution and edit it again: the text they started from is shown.
    let back = dir.path().join("hq.kiemtra");
    ok(&hq.path, &["export", "--out", back.to_str().unwrap()]);
    for (l, f, note) in [(&a, &fa, "Sửa lại ở máy A"), (&b, &fb, "Sửa lại ở máy B")] {
        ok(&l.path, &["import", back.to_str().unwrap()]);
        let args = [
            "finding", "set", "--visit", &visit, "--item", "5.3", "--note", note,
        ];
        ok(&l.path, &args);
        ok(&l.path, &["export", "--out", f.to_str().unwrap()]);
    }
    ok(
        &hq.path,
        &["import", fa.to_str().unwrap(), fb.to_str().unwrap()],
    );
    let again = json(&hq.path, &["conflicts"]);
    assert_eq!(again[0]["ancestor"]["body"]["note"], kept_note);
    let text = ok(&hq.path, &["conflicts"]);
    assert!(
        text.contains(&format!("trước khi sửa: {kept_note}")),
        "{text}"
    );
    let devices = json(&hq.path, &["devices"]);
    assert_eq!(devices.as_array().unwrap().len(), 3);

    // A damaged bundle: exit 1, a clear message, nothing changed.
    let before = kiemtra(&hq.path, &["dump", "--canonical"]).stdout;
    let bad = dir.path().join("hong.kiemtra");
    std::fs::write(&bad, b"PK\x03\x04 not really").unwrap();
    let o = kiemtra(&hq.path, &["import", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("Gói dữ liệu bị từ chối"));
    assert_eq!(kiemtra(&hq.path, &["dump", "--canonical"]).stdout, before);
}

#[test]
fn signed_minutes_refuse_edits_until_unlocked_with_a_reason() {
    let d = demo();
    let signed = json(&d.path, &["visit", "list"])
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["status"] == "signed")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let edit = [
        "finding",
        "set",
        "--visit",
        &signed,
        "--item",
        "1.1",
        "--note",
        "Sửa sau khi ký",
    ];
    let o = kiemtra(&d.path, &edit);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("đã ký nên không thể sửa"));

    // A reason is required.
    let o = kiemtra(&d.path, &["visit", "unlock", &signed]);
    assert_eq!(o.status.code(), Some(2));
    let reason = "Bổ sung ý kiến giải trình của đơn vị";
    let out = ok(&d.path, &["visit", "unlock", &signed, "--reason", reason]);
    assert!(out.contains("Đã mở khóa biên bản") && out.contains(reason));
    ok(&d.path, &edit);
    let history = json(&d.path, &["history", &signed]);
    assert!(
        history.to_string().contains(reason),
        "the reason is in the history"
    );
    let out = ok(&d.path, &["visit", "sign", &signed]);
    assert!(out.contains("Đã ký biên bản"));
    let o = kiemtra(&d.path, &edit);
    assert_eq!(o.status.code(), Some(1), "locked again");
    assert!(String::from_utf8_lossy(&o.stderr).contains("đã ký nên không thể sửa"));

    // A planned visit cannot be signed: the message names what is missing.
    let planned = planned_visit(&d.path);
    let o = kiemtra(&d.path, &["visit", "sign", &planned]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("Chưa thể ký biên bản"));
}

#[test]
fn attach_keeps_a_pdf_beside_the_database_and_refuses_other_files() {
    let d = demo();
    let visit = planned_visit(&d.path);
    let dir = d.path.parent().unwrap();
    let pdf = dir.join("Báo cáo đơn vị.pdf");
    std::fs::write(
        &pdf,
        b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n",
    )
    .unwrap();
    let out = json(
        &d.path,
        &[
            "attach",
            "--visit",
            &visit,
            pdf.to_str().unwrap(),
            "--caption",
            "Báo cáo của đơn vị",
        ],
    );
    assert_eq!(out["body"]["mime"], "application/pdf");
    assert_eq!(out["body"]["file_name"], "Báo cáo đơn vị.pdf");
    let sha = out["body"]["sha256"].as_str().unwrap();
    assert!(dir.join("blobs").join(sha).is_file());

    let txt = dir.join("ghi-chu.txt");
    std::fs::write(&txt, "không phải ảnh").unwrap();
    let o = kiemtra(
        &d.path,
        &["attach", "--visit", &visit, txt.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("chỉ nhận ảnh"));
}

/// A unit file beside the database, as a clerk saves it from Excel.
fn unit_file(d: &Db, name: &str, content: &str) -> String {
    let p = d.path.with_file_name(name);
    std::fs::write(&p, content).unwrap();
    p.to_str().unwrap().to_string()
}

const UNITS: &str = "\u{feff}Mã;Tên đơn vị;Cấp;Trực thuộc;Hiệu lực đến
NB;Đoàn TNCS Hồ Chí Minh tỉnh Ninh Bình;Cấp tỉnh;;
NB-YM-YT;Đoàn xã Yên Thắng;Cơ sở;NB-YM;
NB-YM;Đoàn TNCS Hồ Chí Minh huyện Yên Mô;Cấp huyện;NB;30/06/2025
";

#[test]
fn unit_import_dry_run_shows_the_plan_and_writes_nothing() {
    let d = db();
    let f = unit_file(&d, "don-vi.csv", UNITS);
    let before = ok(&d.path, &["dump", "--canonical"]);

    let text = ok(&d.path, &["unit", "import", &f, "--dry-run"]);
    assert!(text.contains("Xem trước"), "{text}");
    assert!(
        text.contains("dòng 3     thêm mới   Đoàn xã Yên Thắng [NB-YM-YT]"),
        "{text}"
    );
    assert!(text.contains("Tổng cộng: 3 thêm mới"), "{text}");
    let plan = json(&d.path, &["unit", "import", &f, "--dry-run"]);
    assert_eq!(plan["create"], 3);
    assert_eq!(plan["rows"][1]["parent_line"], 4);
    assert_eq!(ok(&d.path, &["dump", "--canonical"]), before);
    assert_eq!(json(&d.path, &["unit", "list"]), serde_json::json!([]));
}

#[test]
fn unit_import_of_a_bad_file_exits_1_listing_every_bad_row_and_writes_nothing() {
    let d = db();
    let f = unit_file(
        &d,
        "loi.csv",
        "Tên đơn vị,Trực thuộc,Hiệu lực từ\n\
         Đoàn xã Khánh Thành,Huyện đoàn Yên Khánh,\n\
         Đoàn xã Khánh Hội,,31/13/2024\n\
         Đoàn phường Nam Thành,,\n",
    );
    let before = ok(&d.path, &["dump", "--canonical"]);
    for dry in [false, true] {
        let mut args = vec!["unit", "import", f.as_str()];
        if dry {
            args.push("--dry-run");
        }
        let o = kiemtra(&d.path, &args);
        assert_eq!(o.status.code(), Some(1), "dry run: {dry}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("không có gì được ghi"), "{err}");
        assert!(
            err.contains("Dòng 2, cột B \"Trực thuộc\": không tìm thấy đơn vị cấp trên \"Huyện đoàn Yên Khánh\""),
            "{err}"
        );
        assert!(
            err.contains("Dòng 3, cột C \"Hiệu lực từ\": ngày \"31/13/2024\" không hợp lệ"),
            "{err}"
        );
    }
    let o = kiemtra(&d.path, &["unit", "import", &f, "--lang", "en"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("Line 3, column C \"Hiệu lực từ\": invalid date"),
        "{err}"
    );
    assert!(err.contains("nothing was written"), "{err}");

    let o = kiemtra(&d.path, &["unit", "import", &f, "--json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["error"]["code"], "bad_import_rows");
    assert_eq!(v["plan"]["bad"], 2);

    // A whole-file problem and bad usage.
    let o = kiemtra(
        &d.path,
        &["unit", "import", &unit_file(&d, "a.numbers", "x")],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr)
        .contains("chỉ nhận tệp Excel (.xlsx, .xls), bảng tính OpenDocument (.ods) hoặc CSV"));
    assert_eq!(kiemtra(&d.path, &["unit", "import"]).status.code(), Some(2));
    assert_eq!(ok(&d.path, &["dump", "--canonical"]), before);
    assert!(
        !d.path.with_file_name("backups").exists(),
        "no backup for a refused import"
    );
}

#[test]
fn unit_import_leaves_out_totals_notes_and_signatures_and_says_why() {
    let d = db();
    let f = unit_file(
        &d,
        "van-phong.csv",
        &format!(
            "{UNITS}\n;Tổng cộng: 3 đơn vị;;;\n;Ghi chú: số liệu đến 30/6/2025;;;\n;NGƯỜI LẬP BIỂU;;;\n;Nguyễn Thị Lan;;;\n"
        ),
    );
    let text = ok(&d.path, &["unit", "import", &f]);
    assert!(text.contains("Tổng cộng: 3 thêm mới"), "{text}");
    assert!(
        text.contains(
            "Bỏ qua 4 dòng không phải đơn vị: dòng 6 (dòng tổng cộng), dòng 7 (dòng ghi chú), \
             dòng 8 (dòng ký tên, ngày tháng), dòng 9 (dòng dưới phần ghi chú, ký tên). Để nhập \
             một dòng như đơn vị, thêm --keep-line SỐ_DÒNG."
        ),
        "{text}"
    );
    assert_eq!(
        json(&d.path, &["unit", "list"]).as_array().unwrap().len(),
        3
    );

    let kept = ok(
        &d.path,
        &["unit", "import", &f, "--keep-line", "9", "--lang", "en"],
    );
    assert!(
        kept.contains("Left out 3 line(s) that are not units"),
        "{kept}"
    );
    let names = json(&d.path, &["unit", "list"]);
    assert!(
        names
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["name"] == "Nguyễn Thị Lan"),
        "{names}"
    );
}

#[test]
fn backup_restore_brings_back_the_data_before_an_import_and_says_how_to_undo() {
    let d = db();
    let f = unit_file(&d, "don-vi.csv", UNITS);
    ok(&d.path, &["unit", "import", &f]);
    let list = ok(&d.path, &["backup", "list"]);
    assert!(
        list.contains(" 1  ") && list.contains("Trước khi nhập danh sách đơn vị don-vi.csv"),
        "{list}"
    );
    let units = || json(&d.path, &["unit", "list"]).as_array().unwrap().len();
    assert_eq!(units(), 3);

    let out = ok(&d.path, &["backup", "restore", "1"]);
    assert!(
        out.contains("Đã sao lưu dữ liệu hiện tại trước khi khôi phục: ")
            && out.contains("Muốn hoàn tác, chạy: kiemtra backup restore 1"),
        "{out}"
    );
    assert_eq!(units(), 0, "the state before the import");
    let list = json(&d.path, &["backup", "list"]);
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert_eq!(list[0]["reason"]["before"], "restore");
    assert_eq!(list[1]["reason"]["before"], "unit_import");
    // Undone by the line it printed.
    ok(&d.path, &["backup", "restore", "1"]);
    assert_eq!(units(), 3);

    // Not a backup: refused in words, nothing changed, nothing backed up.
    let junk = unit_file(&d, "junk.db", "không phải cơ sở dữ liệu");
    let before = ok(&d.path, &["dump", "--canonical"]);
    let o = kiemtra(&d.path, &["backup", "restore", &junk]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("Không khôi phục từ \"junk.db\"")
            && err.contains("Dữ liệu hiện tại không thay đổi."),
        "{err}"
    );
    assert_eq!(ok(&d.path, &["dump", "--canonical"]), before);
    assert_eq!(
        json(&d.path, &["backup", "list"]).as_array().unwrap().len(),
        3
    );
    let o = kiemtra(&d.path, &["backup", "restore", "7"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("Không có bản sao lưu \"7\""));
}

#[test]
fn unit_import_writes_the_tree_then_skip_bad_adds_only_the_good_rows() {
    let d = db();
    let f = unit_file(&d, "don-vi.csv", UNITS);
    let text = ok(&d.path, &["unit", "import", &f]);
    assert!(text.contains("Đã sao lưu trước khi nhập"), "{text}");
    assert!(text.contains("Tổng cộng: 3 thêm mới"), "{text}");
    let units = json(&d.path, &["unit", "list"]);
    let rows: Vec<(u64, &str)> = units
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["depth"].as_u64().unwrap(), u["name"].as_str().unwrap()))
        .collect();
    assert_eq!(
        rows,
        vec![
            (0, "Đoàn TNCS Hồ Chí Minh tỉnh Ninh Bình"),
            (1, "Đoàn TNCS Hồ Chí Minh huyện Yên Mô"),
            (2, "Đoàn xã Yên Thắng"),
        ]
    );
    assert_eq!(units[1]["valid_to"], "2025-06-30");

    // Again: nothing to do, so no new backup either.
    let backups = || json(&d.path, &["backup", "list"]).as_array().unwrap().len();
    assert_eq!(backups(), 1);
    let again = json(&d.path, &["unit", "import", &f]);
    assert_eq!(again["unchanged"], 3);
    assert_eq!(backups(), 1);

    let more = unit_file(
        &d,
        "them.csv",
        "Tên đơn vị;Trực thuộc\nĐoàn xã Yên Hòa;NB-YM\nĐoàn xã Yên Lâm;NB-XX\n",
    );
    let o = kiemtra(&d.path, &["unit", "import", &more, "--skip-bad"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("1 thêm mới") && out.contains("1 dòng lỗi"),
        "{out}"
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("Bỏ qua: Dòng 3, cột B \"Trực thuộc\""),
        "{err}"
    );
    let names: Vec<String> = json(&d.path, &["unit", "list"])
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["name"].as_str().unwrap().to_string())
        .collect();
    assert!(names.contains(&"Đoàn xã Yên Hòa".to_string()), "{names:?}");
    assert!(!names.contains(&"Đoàn xã Yên Lâm".to_string()), "{names:?}");
}

#[test]
fn search_ignores_diacritics_and_links_to_the_place() {
    let d = demo();
    let hits = json(&d.path, &["search", "doan phi"]);
    let hits = hits.as_array().unwrap();
    let hit = hits
        .iter()
        .find(|h| h["kind"] == "finding" && h["field"] == "note")
        .expect("a finding whose note says đoàn phí");
    assert!(
        hit["snippet"].as_str().unwrap().contains("đoàn phí"),
        "{hit}"
    );
    assert_eq!(hit["place"]["to"], "visit");
    let visit = hit["place"]["visit_id"].as_str().unwrap();
    let item = hit["place"]["item_code"].as_str().unwrap();
    // The place is real: the visit shows that item's finding with that note.
    let shown = json(&d.path, &["visit", "show", visit]);
    assert_eq!(shown["findings"][item]["id"], hit["id"]);
    assert!(!shown["findings"][item]["note"].as_str().unwrap().is_empty());

    // Words in any case and with or without marks, several arguments or one.
    let again = json(&d.path, &["search", "ĐOÀN", "Phí"]);
    assert_eq!(again.as_array().unwrap().len(), hits.len());
    assert_eq!(again[0]["id"], hits[0]["id"]);

    // Human output, Vietnamese by default, English on request.
    let text = ok(&d.path, &["search", "doan phi", "--limit", "2"]);
    assert!(text.starts_with("2 kết quả cho \"doan phi\":"), "{text}");
    assert!(text.contains("đoàn phí"), "{text}");
    let text = ok(&d.path, &["--lang", "en", "search", "xyzzy"]);
    assert_eq!(text.trim(), "Nothing found for \"xyzzy\".");

    // A kind filter; FTS syntax in the query is plain text.
    let units = json(&d.path, &["search", "doan", "--kind", "unit"]);
    let units = units.as_array().unwrap();
    assert!(!units.is_empty() && units.iter().all(|h| h["kind"] == "unit"));
    // Read as FTS5 syntax this would be `doan OR phi*` (most of the demo); as plain words it
    // needs all three: "doan", "or" and a word starting with "phi", which only this unit has.
    let only = json(
        &d.path,
        &[
            "unit",
            "add",
            "--name",
            "Đoàn xã Phìn Ngan",
            "--code",
            "LC-OR-07",
        ],
    );
    let only = only["id"].as_str().expect("the new unit's id");
    let hits = json(&d.path, &["search", "\"doan\" OR (phi*"]);
    let ids: Vec<&str> = hits
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [only], "{hits}");
    assert!(
        json(&d.path, &["search", "doan"]).as_array().unwrap().len() > 1,
        "the operator, read as syntax, would have found more"
    );
}

#[test]
fn search_without_words_is_a_usage_error() {
    let d = demo();
    for (args, expect) in [
        (vec!["search", "  "], "Thiếu từ khóa tìm kiếm"),
        (vec!["search"], "Thiếu tham số bắt buộc"),
        (
            vec!["search", "doan", "--kind", "inspector"],
            "Giá trị tham số không hợp lệ",
        ),
    ] {
        let o = kiemtra(&d.path, &args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(expect), "{args:?}: {err}");
    }
    let o = kiemtra(&d.path, &["--lang", "en", "search", ""]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("Nothing to search for"));
}

fn id_of(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

#[test]
fn a_campaign_its_team_and_a_planned_visit_from_the_command_line() {
    let d = demo();
    let c = json(
        &d.path,
        &[
            "campaign",
            "create",
            "--name",
            "Kiểm tra công tác Đoàn năm 2026",
            "--year",
            "2026",
            "--start",
            "05/10/2026",
            "--end",
            "09/10/2026",
            "--decision",
            "101-QĐ/TĐTN",
            "--issuer",
            "Ban Thường vụ Tỉnh đoàn Ninh Bình",
        ],
    );
    let campaign = id_of(&c);
    assert_eq!(c["body"]["start_date"], "2026-10-05");
    assert_eq!(
        c["body"]["criteria_set_id"],
        json(&d.path, &["criteria", "show"])["id"],
        "the newest criteria set by default"
    );

    let out = ok(
        &d.path,
        &[
            "team",
            "create",
            "--campaign",
            &campaign,
            "--name",
            "Đoàn kiểm tra số 1",
            "--head",
            "dinh thi thu ha",
            "--member",
            "Bùi Văn Toàn",
            "--secretary",
            "Lương Thị Mai",
        ],
    );
    assert!(
        out.contains("Đã tạo đoàn kiểm tra Đoàn kiểm tra số 1"),
        "{out}"
    );
    assert!(
        out.contains("- Đinh Thị Thu Hà, Trưởng đoàn"),
        "an existing inspector found by name: {out}"
    );
    let teams = json(&d.path, &["team", "list", "--campaign", &campaign]);
    assert_eq!(teams[0]["members"].as_array().unwrap().len(), 3);
    let team = id_of(&teams[0]);

    let unit = id_of(&json(
        &d.path,
        &[
            "unit",
            "add",
            "--name",
            "Đoàn xã Yên Mạc",
            "--code",
            "NB-YMAC",
            "--level",
            "Cấp xã",
        ],
    ));
    let plan = [
        "visit",
        "plan",
        "--campaign",
        &campaign,
        "--unit",
        &unit,
        "--team",
        &team,
        "--date",
        "06/10/2026",
    ];
    let v = json(&d.path, &plan);
    assert_eq!(v["body"]["status"], "planned");
    assert_eq!(v["body"]["date"], "2026-10-06");

    // With --all every unit of the campaign's time shows with its state; the new one is
    // planned, the rest are not yet.
    let text = ok(&d.path, &["campaign", "show", &campaign, "--all"]);
    assert!(
        text.contains("Đoàn xã Yên Mạc  [Đã lên kế hoạch, 06/10/2026 0/32, Đoàn kiểm tra số 1]"),
        "{text}"
    );
    assert!(text.contains("24 chưa lên kế hoạch"), "{text}");
    // Without it, the campaign's own: that unit under its parents, which have no state.
    let own = ok(&d.path, &["campaign", "show", &campaign]);
    assert!(own.contains("Đoàn xã Yên Mạc  [Đã lên kế hoạch"), "{own}");
    assert!(!own.contains("[chưa lên kế hoạch]"), "{own}");
    assert!(own.contains("1 đơn vị có buổi kiểm tra"), "{own}");
    assert!(own.lines().count() < text.lines().count(), "{own}");

    // Refusals: exit 1, a clear message, nothing changed.
    let before = kiemtra(&d.path, &["dump", "--canonical"]).stdout;
    let o = kiemtra(&d.path, &plan);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr)
        .contains("\"Đoàn xã Yên Mạc\" đã có buổi kiểm tra trong đợt"));
    let o = kiemtra(
        &d.path,
        &[
            "--lang",
            "en",
            "campaign",
            "create",
            "--name",
            "X",
            "--year",
            "2026",
            "--start",
            "09/10/2026",
            "--end",
            "05/10/2026",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr)
        .contains("The end date 05/10/2026 is before the start date 09/10/2026."));
    let o = kiemtra(
        &d.path,
        &[
            "team",
            "create",
            "--campaign",
            &campaign,
            "--name",
            "Đoàn kiểm tra số 2",
            "--head",
            "Trần Quang Huy",
            "--head",
            "Lê Đức Mạnh",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "--head once only");
    assert_eq!(kiemtra(&d.path, &["dump", "--canonical"]).stdout, before);

    // An edit changes only what is given; "" clears a date.
    let edited = json(
        &d.path,
        &[
            "campaign",
            "edit",
            &campaign,
            "--theme",
            "Chuyển đổi số",
            "--end",
            "",
        ],
    );
    assert_eq!(edited["body"]["theme"], "Chuyển đổi số");
    assert_eq!(edited["body"]["end_date"], Value::Null);
    assert_eq!(edited["body"]["decision_number"], "101-QĐ/TĐTN");

    // Re-planning: a day outside the campaign (05–09/10/2026 before the edit cleared the
    // end; from 05/10/2026 now) is refused unless meant, and every change keeps its reason.
    let visit = id_of(&v);
    let early = ["visit", "reschedule", &visit, "--date", "01/10/2026"];
    let o = kiemtra(&d.path, &early);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("nằm ngoài thời gian của đợt kiểm tra (từ 05/10/2026)"),
        "{err}"
    );
    let moved = json(
        &d.path,
        &[
            "visit",
            "reschedule",
            &visit,
            "--date",
            "01/10/2026",
            "--reason",
            "Đơn vị đề nghị kiểm tra sớm",
            "--outside-campaign",
        ],
    );
    assert_eq!(moved["body"]["date"], "2026-10-01");
    assert_eq!(
        moved["body"]["plan_changes"][0]["reason"],
        "Đơn vị đề nghị kiểm tra sớm"
    );
    assert_eq!(
        moved["body"]["plan_changes"][0]["team_from"],
        "Đoàn kiểm tra số 1"
    );
    let o = kiemtra(&d.path, &["visit", "cancel", &visit]);
    assert_eq!(o.status.code(), Some(2), "--reason is required");
    ok(
        &d.path,
        &[
            "visit",
            "cancel",
            &visit,
            "--reason",
            "Đơn vị đang tổ chức Đại hội",
        ],
    );
    let history = json(&d.path, &["history", &visit]);
    let last = history.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["deleted"], true, "{last}");
    assert_eq!(
        last["body"]["plan_changes"][1]["reason"],
        "Đơn vị đang tổ chức Đại hội"
    );
}

#[test]
fn units_merge_and_dissolve_from_the_command_line() {
    let d = db();
    let add = |name: &str, parent: Option<&str>| {
        let mut args = vec!["unit", "add", "--name", name];
        if let Some(p) = parent {
            args.extend(["--parent", p]);
        }
        id_of(&json(&d.path, &args))
    };
    let p = add("Tỉnh đoàn Ninh Bình", None);
    let a = add("Đoàn xã Yên Thắng", Some(&p));
    let b = add("Đoàn xã Yên Hòa", Some(&p));
    let c = add("Đoàn xã Yên Mô", Some(&p));
    let branch = add("Chi đoàn thôn Bình Hải", Some(&a));

    let before = kiemtra(&d.path, &["dump", "--canonical"]).stdout;
    let o = kiemtra(&d.path, &["unit", "dissolve", &a, "--date", "30/06/2025"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("Chưa giải thể được \"Đoàn xã Yên Thắng\": còn 1 đơn vị trực thuộc đang hoạt động (\"Chi đoàn thôn Bình Hải\")"),
        "{err}"
    );
    let o = kiemtra(&d.path, &["unit", "merge", &c, "--into", &c]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("vào chính nó"));
    let o = kiemtra(&d.path, &["unit", "move", &p, "--parent", &branch]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("Không chuyển được"));
    assert_eq!(kiemtra(&d.path, &["dump", "--canonical"]).stdout, before);

    let out = ok(
        &d.path,
        &[
            "unit",
            "merge",
            &a,
            &b,
            "--into",
            &c,
            "--date",
            "30/06/2025",
        ],
    );
    assert!(
        out.contains("Đã sáp nhập 2 đơn vị vào \"Đoàn xã Yên Mô\" (hoạt động đến 30/06/2025); 1 đơn vị trực thuộc đã chuyển sang"),
        "{out}"
    );
    let names = |args: &[&str]| -> Vec<(u64, String)> {
        json(&d.path, args)
            .as_array()
            .unwrap()
            .iter()
            .map(|u| {
                (
                    u["depth"].as_u64().unwrap(),
                    u["name"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    assert_eq!(
        names(&["unit", "list"]),
        vec![
            (0, "Tỉnh đoàn Ninh Bình".to_string()),
            (1, "Đoàn xã Yên Mô".to_string()),
            (2, "Chi đoàn thôn Bình Hải".to_string()),
        ]
    );
    assert_eq!(names(&["unit", "list", "--all"]).len(), 5);
    let all = ok(&d.path, &["unit", "list", "--all"]);
    let merged = all.lines().find(|l| l.contains("Đoàn xã Yên Hòa")).unwrap();
    assert!(merged.ends_with("[đến 30/06/2025]"), "{all}");
    let history = json(&d.path, &["history", &a]);
    assert_eq!(history[1]["body"]["merged_into"], c.as_str());
}

#[test]
fn criteria_edit_makes_a_new_version_when_visits_use_the_set() {
    let d = demo();
    let visit = planned_visit(&d.path);
    let mut set = json(&d.path, &["criteria", "show"]);
    let v1 = id_of(&set);
    set["topics"][0]["items"][0]["title"] = "Ban hành chỉ tiêu công tác Đoàn năm 2024".into();
    let file = d.path.with_file_name("bo-tieu-chi.json");
    std::fs::write(&file, serde_json::to_string_pretty(&set).unwrap()).unwrap();

    let out = ok(
        &d.path,
        &["criteria", "edit", "--file", file.to_str().unwrap()],
    );
    assert!(
        out.contains("Bộ tiêu chí đang được dùng nên đã tạo phiên bản mới 2"),
        "{out}"
    );
    let versions = json(&d.path, &["criteria", "versions"]);
    assert_eq!(versions[0]["version"], 1);
    assert_eq!(versions[0]["in_use"], 24);
    assert_eq!(versions[1]["version"], 2);
    assert_eq!(versions[1]["in_use"], 0);
    let shown = json(&d.path, &["visit", "show", &visit]);
    assert_eq!(
        shown["criteria"]["id"],
        v1.as_str(),
        "the visit keeps version 1"
    );
    assert_eq!(
        shown["criteria"]["topics"][0]["items"][0]["title"],
        "Ban hành chỉ tiêu công tác Đoàn và phong trào thanh thiếu nhi năm 2023 theo Bộ tiêu chí của Tỉnh đoàn"
    );

    // A new set from a copy, for the demo campaign: its visit not rated yet moves to it.
    let campaign = json(&d.path, &["campaign", "list"])[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let out = ok(
        &d.path,
        &[
            "criteria",
            "copy",
            "--code",
            "BTC-2026",
            "--name",
            "Bộ tiêu chí năm 2026",
            "--campaign",
            &campaign,
        ],
    );
    assert!(
        out.contains("Đã tạo bộ tiêu chí mới BTC-2026") && out.contains("1 đợt kiểm tra"),
        "{out}"
    );
    let shown = json(&d.path, &["visit", "show", &visit]);
    assert_eq!(
        shown["criteria"]["code"], "BTC-2026",
        "{}",
        shown["criteria"]
    );

    // A broken set is refused with the item named.
    set["topics"][1]["items"][0]["code"] = "1.1".into();
    std::fs::write(&file, serde_json::to_string(&set).unwrap()).unwrap();
    let o = kiemtra(
        &d.path,
        &["criteria", "edit", "--file", file.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("Mã 1.1 bị trùng"));
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[test]
fn report_writes_each_format_and_lists_the_warnings() {
    let d = demo();
    let dir = tempfile::tempdir().unwrap();
    let campaign = first_campaign(&d.path);
    let visits = json(&d.path, &["visit", "list"]);
    let unsigned = visits
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["status"] != "signed")
        .count();
    for (format, magic, part) in [
        ("docx", &b"PK"[..], "word/document.xml"),
        ("xlsx", &b"PK"[..], "xl/worksheets/sheet1.xml"),
        ("html", &b"<!DOCTYPE html>"[..], "Đoàn xã Cúc Phương"),
    ] {
        let out = dir.path().join(format!("bao-cao.{format}"));
        let r = json(
            &d.path,
            &[
                "report",
                "--campaign",
                &campaign,
                "--format",
                format,
                "--out",
                out.to_str().unwrap(),
            ],
        );
        let bytes = std::fs::read(&out).unwrap();
        assert!(bytes.starts_with(magic), "{format}");
        assert!(contains(&bytes, part), "{format} has {part}");
        assert_eq!(r["bytes"], bytes.len());
        let w = r["warnings"].as_array().unwrap();
        let status = w
            .iter()
            .filter(|w| w["code"] == "not_signed" || w["code"] == "not_completed")
            .count();
        assert_eq!(status, unsigned, "{format}");
        assert_eq!(r["draft"], true, "unsigned visits make a draft");
    }
    // Human output: the file, then the warnings on stderr, exit 0.
    let out = dir.path().join("again.html");
    let o = kiemtra(
        &d.path,
        &[
            "report",
            "--campaign",
            &campaign,
            "--format",
            "html",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("Đã ghi "));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("Cảnh báo") && err.contains("DỰ THẢO") && err.contains("biên bản chưa ký"),
        "{err}"
    );
    // No temp file left beside the outputs.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 4, "{names:?}");
}

#[test]
fn report_of_a_visit_is_minutes_in_docx_or_html_only() {
    let d = demo();
    let dir = tempfile::tempdir().unwrap();
    let visit = json(&d.path, &["visit", "list"])
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["status"] == "signed")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    for format in ["docx", "html"] {
        let out = dir.path().join(format!("bien-ban.{format}"));
        let r = json(
            &d.path,
            &[
                "report",
                "--visit",
                &visit,
                "--format",
                format,
                "--out",
                out.to_str().unwrap(),
            ],
        );
        assert_eq!(r["warnings"].as_array().unwrap().len(), 0, "a signed visit");
        assert_eq!(r["draft"], false);
        assert!(std::fs::metadata(&out).unwrap().len() > 1000);
    }
    let html = std::fs::read_to_string(dir.path().join("bien-ban.html")).unwrap();
    assert!(html.contains("BIÊN BẢN") && html.contains("TM. ĐOÀN KIỂM TRA"));
    let out = dir.path().join("bien-ban.xlsx");
    let o = kiemtra(
        &d.path,
        &[
            "--lang",
            "en",
            "report",
            "--visit",
            &visit,
            "--format",
            "xlsx",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("minutes come as HTML or DOCX"));
    assert!(!out.exists());
    // Neither or both of --campaign and --visit is a usage error, and writes nothing.
    let out = dir.path().join("x.html");
    let out_s = out.to_str().unwrap();
    let campaign = first_campaign(&d.path);
    for (args, expect) in [
        (
            vec!["report", "--format", "html", "--out", out_s],
            "Thiếu tham số bắt buộc",
        ),
        (
            vec![
                "report",
                "--campaign",
                &campaign,
                "--visit",
                &visit,
                "--format",
                "html",
                "--out",
                out_s,
            ],
            "Các tham số không dùng cùng nhau được",
        ),
    ] {
        let o = kiemtra(&d.path, &args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(expect), "{args:?}: {err}");
        assert!(!out.exists(), "{args:?}");
    }
}

/// The campaign's report as HTML, written to `out` and read back.
fn campaign_html(db: &std::path::Path, campaign: &str, out: &std::path::Path) -> String {
    ok(
        db,
        &[
            "report",
            "--campaign",
            campaign,
            "--format",
            "html",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    std::fs::read_to_string(out).unwrap()
}

#[test]
fn the_report_heading_and_signer_are_set_per_campaign() {
    let d = demo();
    let dir = tempfile::tempdir().unwrap();
    let campaign = first_campaign(&d.path);
    let settings = r#"{"issuer": "BAN XÂY DỰNG ĐOÀN", "report_number": "127-BC/TĐTN-XDĐ",
        "signer_position": "PHÓ BÍ THƯ", "signer_name": "Nguyễn Văn Bình <b>"}"#;
    let c = json(
        &d.path,
        &["campaign", "edit", &campaign, "--report-settings", settings],
    );
    assert_eq!(c["body"]["report"]["issuer"], "BAN XÂY DỰNG ĐOÀN");
    let out = dir.path().join("bc.html");
    let html = campaign_html(&d.path, &campaign, &out);
    assert!(html.contains("Số: 127-BC/TĐTN-XDĐ"));
    assert!(html.contains("PHÓ BÍ THƯ") && html.contains("Nguyễn Văn Bình &lt;b&gt;"));
    // Back to the defaults: the body loses the field again.
    let c = json(
        &d.path,
        &["campaign", "edit", &campaign, "--report-settings", "null"],
    );
    assert!(c["body"].get("report").is_none());
    // Settings that are not JSON are refused with a message in Vietnamese (no raw parser
    // text), and the campaign is left as it was.
    ok(
        &d.path,
        &["campaign", "edit", &campaign, "--report-settings", settings],
    );
    let before = ok(&d.path, &["dump", "--canonical"]);
    let revisions = json(&d.path, &["history", &campaign])
        .as_array()
        .unwrap()
        .len();
    let o = kiemtra(
        &d.path,
        &["campaign", "edit", &campaign, "--report-settings", "{"],
    );
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("Giá trị của \"report_settings\" không hợp lệ"),
        "{err}"
    );
    assert!(!err.contains("EOF") && !err.contains("parsing"), "{err}");
    assert_eq!(ok(&d.path, &["dump", "--canonical"]), before);
    let history = json(&d.path, &["history", &campaign]);
    assert_eq!(history.as_array().unwrap().len(), revisions);

    // The secretariat's words, and the basis and date, go into the report.
    let c = json(
        &d.path,
        &[
            "campaign",
            "edit",
            &campaign,
            "--report-texts",
            r#"{"causes_subjective": "Cán bộ cơ sở mới <i>"}"#,
            "--report-settings",
            r#"{"basis": "completed", "report_date": "2023-12-05"}"#,
        ],
    );
    assert_eq!(
        c["body"]["texts"]["causes_subjective"],
        "Cán bộ cơ sở mới <i>"
    );
    let html = campaign_html(&d.path, &campaign, &out);
    assert!(html.contains("Cán bộ cơ sở mới &lt;i&gt;"));
    assert!(html.contains("ngày 05 tháng 12 năm 2023"));
    assert!(html.contains("đã hoàn thành, trong đó 6 buổi chưa ký biên bản"));
    let o = kiemtra(
        &d.path,
        &["campaign", "edit", &campaign, "--report-texts", "[1]"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("\"nội dung báo cáo\""));
}

#[test]
fn help_lists_every_command_in_its_order() {
    // The commands come from several groups' enums; their order on screen is kept here.
    let d = db();
    let help = ok(&d.path, &["--help"]);
    let names: Vec<&str> = help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(
        names,
        [
            "init",
            "demo",
            "campaign",
            "team",
            "unit",
            "criteria",
            "visit",
            "finding",
            "recommendation",
            "history",
            "dump",
            "check",
            "attach",
            "export",
            "import",
            "conflicts",
            "resolve",
            "backup",
            "device",
            "devices",
            "enroll",
            "revoke",
            "trust",
            "untrust",
            "recovery-key",
            "report",
            "search",
            "help"
        ]
    );
}

#[test]
fn confirmations_and_labels_follow_the_language() {
    let d = db();
    let en = |args: &[&str]| {
        let mut a = vec!["--lang", "en"];
        a.extend_from_slice(args);
        ok(&d.path, &a)
    };
    assert!(en(&["campaign", "list"]).starts_with("No campaigns yet."));
    assert!(en(&["demo"]).starts_with("Demo data loaded: campaign "));
    let campaigns = en(&["campaign", "list"]);
    assert!(
        campaigns.contains("    Dates: 07/11/2023 – 10/11/2023"),
        "{campaigns}"
    );
    assert!(
        campaigns.contains("24 units, 24 visits: 8 planned · 4 in progress"),
        "{campaigns}"
    );
    assert!(en(&["check"]).starts_with("Database is sound ("));
    let visit = planned_visit(&d.path);
    assert!(en(&["visit", "show", &visit]).contains("Status: Planned"));
    let vi = ok(&d.path, &["visit", "show", &visit]);
    assert!(vi.contains("Trạng thái: Đã lên kế hoạch"), "{vi}");

    let o = kiemtra(&d.path, &["--lang", "en", "nope"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).starts_with("Error: No such command.\n"));
}

/// What `kiemtra` must refuse, and where it must say so.
fn refused(db: &Path, args: &[&str], words: &str) -> String {
    let o = kiemtra(db, args);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(1), "kiemtra {args:?}: {err}");
    assert!(
        err.contains(words),
        "kiemtra {args:?}: expected {words:?} in {err}"
    );
    err
}

fn dump(db: &Path) -> String {
    ok(db, &["dump", "--canonical"])
}

/// TRUST.md end to end with the CLI only: a secretariat, two team laptops of different
/// teams and a laptop never enrolled, exchanging bundles.
#[test]
fn only_enrolled_laptops_write_and_only_what_their_role_allows() {
    let dir = tempfile::tempdir().unwrap();
    let file = |n: &str| dir.path().join(n).to_str().unwrap().to_string();
    let hq = demo();
    ok(
        &hq.path,
        &[
            "init",
            "--device-name",
            "Máy Văn phòng Tỉnh đoàn",
            "--person",
            "Trần Thị Lan",
            "--position",
            "Phó Ban Xây dựng Đoàn",
        ],
    );
    let campaign = first_campaign(&hq.path);
    let visits = json(&hq.path, &["visit", "list"]);
    let visits = visits.as_array().unwrap();
    let team_of = |v: &Value| v["team_id"].as_str().unwrap().to_string();
    let v1 = visits.iter().find(|v| v["status"] == "planned").unwrap();
    let v2 = visits
        .iter()
        .find(|v| v["status"] == "planned" && team_of(v) != team_of(v1))
        .unwrap();
    let (v1, team1, v2, team2) = (
        v1["id"].as_str().unwrap().to_string(),
        team_of(v1),
        v2["id"].as_str().unwrap().to_string(),
        team_of(v2),
    );
    let (t1, t2, stranger) = (db(), db(), db());
    for (l, name, person) in [
        (&t1, "Máy Đoàn kiểm tra số 1", "Nguyễn Văn An"),
        (&t2, "Máy Đoàn kiểm tra số 2", "Lê Thị Bình"),
        (&stranger, "Máy lạ", "Người lạ"),
    ] {
        let shown = json(
            &l.path,
            &[
                "init",
                "--device-name",
                name,
                "--person",
                person,
                "--position",
                "Ủy viên",
            ],
        );
        assert_eq!(shown["device"]["name"], name);
    }
    let id = |l: &Db| {
        json(&l.path, &["device", "show"])["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let shown = json(&t1.path, &["device", "show"]);
    assert_eq!(shown["people"][0]["name"], "Nguyễn Văn An");
    assert_eq!(shown["people"][0]["position"], "Ủy viên");
    assert_eq!(shown["fingerprint"].as_str().unwrap().len(), 35);

    // Unknown laptops' bundles import nothing and say how to enrol them.
    let before = dump(&hq.path);
    for (l, n) in [(&t1, "t1"), (&t2, "t2"), (&stranger, "x")] {
        let f = file(&format!("intro-{n}.kiemtra"));
        ok(&l.path, &["export", "--out", &f]);
        let err = refused(&hq.path, &["import", &f], "kiemtra enroll");
        assert!(err.contains(&id(l)), "{err}");
    }
    assert_eq!(dump(&hq.path), before);
    ok(
        &hq.path,
        &[
            "enroll",
            &id(&t1),
            "--campaign",
            &campaign,
            "--role",
            "team",
            "--team",
            &team1,
        ],
    );
    ok(
        &hq.path,
        &[
            "enroll",
            &id(&t2),
            "--campaign",
            &campaign,
            "--role",
            "team",
            "--team",
            &team2,
        ],
    );
    let laptops = json(&hq.path, &["devices"]);
    let t1_row = laptops
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] == id(&t1).as_str())
        .unwrap();
    assert_eq!(t1_row["memberships"][0]["role"], "team");
    // The same introduction imports once the laptop is enrolled.
    ok(&hq.path, &["import", &file("intro-t1.kiemtra")]);

    let out = file("campaign.kiemtra");
    ok(
        &hq.path,
        &["export", "--out", &out, "--campaign", &campaign],
    );
    ok(&t1.path, &["import", &out]);
    ok(&t2.path, &["import", &out]);
    // Enrolled nowhere: the stranger cannot even read the campaign, and is told who can.
    let err = refused(&stranger.path, &["import", &out], "mã hóa cho máy khác");
    assert!(err.contains(&id(&t1)) && err.contains(&id(&t2)), "{err}");

    // A team laptop writes its own visits only.
    let note = |l: &Db, visit: &str, words: &str| {
        kiemtra(
            &l.path,
            &[
                "finding", "set", "--visit", visit, "--item", "5.3", "--note", words,
            ],
        )
    };
    assert!(note(&t1, &v1, "Sổ đoàn viên đầy đủ").status.success());
    let before_t1 = dump(&t1.path);
    let o = note(&t1, &v2, "Sửa hộ đoàn khác");
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("đoàn khác"));
    refused(
        &t1.path,
        &["campaign", "edit", &campaign, "--name", "Đổi tên đợt"],
        "Ban thư ký",
    );
    assert_eq!(dump(&t1.path), before_t1, "refusals change nothing");

    // t1's work reaches the secretariat through t2, still t1's.
    let f1 = file("t1.kiemtra");
    ok(&t1.path, &["export", "--out", &f1]);
    ok(&t2.path, &["import", &f1]);
    let f2 = file("t2.kiemtra");
    ok(&t2.path, &["export", "--out", &f2]);
    ok(&hq.path, &["import", &f2]);
    let finding = json(&hq.path, &["visit", "show", &v1])["findings"]["5.3"]["note"].clone();
    assert_eq!(finding, "Sổ đoàn viên đầy đủ");
    let history = ok(&hq.path, &["history", &kiemtra_core_finding_id(&v1, "5.3")]);
    assert!(
        history.contains("Nguyễn Văn An — Máy Đoàn kiểm tra số 1"),
        "{history}"
    );

    // A laptop of nobody's: alone it may set up units, but its bundle changes nothing here.
    ok(
        &stranger.path,
        &["unit", "add", "--name", "Đoàn xã Lạ", "--level", "Cơ sở"],
    );
    let fx = file("stranger.kiemtra");
    ok(&stranger.path, &["export", "--out", &fx]);
    let before = dump(&hq.path);
    refused(&hq.path, &["import", &fx], "chưa được ghi danh");
    assert_eq!(dump(&hq.path), before);

    // Revoked: what t2 makes afterwards is refused, with the reason.
    ok(
        &hq.path,
        &[
            "revoke",
            &id(&t2),
            "--campaign",
            &campaign,
            "--reason",
            "Máy bị mất",
        ],
    );
    assert!(note(&t2, &v2, "Ghi sau khi bị thu hồi").status.success());
    let late = file("t2-late.kiemtra");
    ok(&t2.path, &["export", "--out", &late]);
    let before = dump(&hq.path);
    refused(&hq.path, &["import", &late], "Máy bị mất");
    assert_eq!(dump(&hq.path), before);

    // Everything signed, every rule kept, and the two that exchanged everything agree.
    assert!(json(&hq.path, &["check"])["ok"].as_bool().unwrap());
    let fh = file("hq.kiemtra");
    ok(&hq.path, &["export", "--out", &fh]);
    ok(&t1.path, &["import", &fh]);
    ok(&t1.path, &["export", "--out", &f1]);
    ok(&hq.path, &["import", &f1]);
    assert_eq!(dump(&hq.path), dump(&t1.path));
    assert!(json(&t1.path, &["check"])["ok"].as_bool().unwrap());
}

/// The id of a visit's finding for an item, as the core makes it.
fn kiemtra_core_finding_id(visit: &str, item: &str) -> String {
    kiemtra_core::ids::finding_id(visit, item)
}

/// A finding of signed minutes changed on a team laptop that had not seen the signing: the
/// import says so, `visit show` keeps the signed text and lists the change with its author,
/// and `visit keep-signed` puts it back.
#[test]
fn a_change_after_signing_is_reported_and_the_signed_text_kept() {
    let dir = tempfile::tempdir().unwrap();
    let file = |n: &str| dir.path().join(n).to_str().unwrap().to_string();
    let hq = demo();
    let campaign = first_campaign(&hq.path);
    let visits = json(&hq.path, &["visit", "list"]);
    let v = visits
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["status"] == "completed")
        .unwrap();
    let (visit, team) = (
        v["id"].as_str().unwrap().to_string(),
        v["team_id"].as_str().unwrap().to_string(),
    );
    let t1 = db();
    ok(
        &t1.path,
        &[
            "init",
            "--device-name",
            "Máy Đoàn 1",
            "--person",
            "Nguyễn Văn An",
        ],
    );
    let t1_id = json(&t1.path, &["device", "show"])["id"]
        .as_str()
        .unwrap()
        .to_string();
    let intro = file("intro.kiemtra");
    ok(&t1.path, &["export", "--out", &intro]);
    // The bundle names no campaign: the enrol command names the one this office runs.
    refused(
        &hq.path,
        &["import", &intro],
        &format!("kiemtra enroll {t1_id} --campaign {campaign} --role team"),
    );
    ok(
        &hq.path,
        &[
            "enroll",
            &t1_id,
            "--campaign",
            &campaign,
            "--role",
            "team",
            "--team",
            &team,
        ],
    );
    let out = file("campaign.kiemtra");
    ok(
        &hq.path,
        &["export", "--out", &out, "--campaign", &campaign],
    );
    ok(&t1.path, &["import", &out]);
    let signed = json(&hq.path, &["visit", "show", &visit])["findings"]["5.3"]["note"].clone();
    ok(&hq.path, &["visit", "sign", &visit]);
    ok(
        &t1.path,
        &[
            "finding",
            "set",
            "--visit",
            &visit,
            "--item",
            "5.3",
            "--note",
            "Sửa khi chưa biết đã ký",
        ],
    );
    let late = file("t1.kiemtra");
    ok(&t1.path, &["export", "--out", &late]);
    let said = ok(&hq.path, &["import", &late]);
    assert!(said.contains("bị sửa sau khi ký"), "{said}");

    let shown = json(&hq.path, &["visit", "show", &visit]);
    assert_eq!(
        shown["findings"]["5.3"]["note"], signed,
        "the signed text stands"
    );
    assert_eq!(shown["after_signing"][0]["person"], "Nguyễn Văn An");
    let text = ok(&hq.path, &["visit", "show", &visit]);
    assert!(text.contains("Nguyễn Văn An — Máy Đoàn 1"), "{text}");

    let kept = ok(&hq.path, &["visit", "keep-signed", &visit]);
    assert!(kept.contains("Đã giữ nội dung đã ký: 1"), "{kept}");
    let shown = json(&hq.path, &["visit", "show", &visit]);
    assert_eq!(shown["after_signing"].as_array().unwrap().len(), 0);
    let finding = kiemtra_core_finding_id(&visit, "5.3");
    let history = ok(&hq.path, &["history", &finding]);
    assert!(
        history.contains("Sửa khi chưa biết đã ký"),
        "the change stays in history: {history}"
    );
    assert!(json(&hq.path, &["check"])["ok"].as_bool().unwrap());
}
