//! The commands behind native file dialogs, with the dialog answered from a script: what
//! each dialog asks, what happens on cancel, and what the command does with the file chosen.

use std::path::Path;

use serde_json::{json, Value};

use super::{harness, listen, Harness};
use crate::dialogs::Pick;

fn demo(h: &Harness) -> String {
    h.call("load_demo", json!({})).unwrap()["campaign_id"]
        .as_str()
        .unwrap()
        .to_string()
}

fn events(rx: &std::sync::mpsc::Receiver<Value>) -> Vec<Value> {
    rx.try_iter().collect()
}

#[test]
fn a_bundle_goes_out_through_the_save_dialog_and_in_through_the_open_dialog() {
    let a = harness();
    let campaign = demo(&a);
    let out = a.dir.path().join("cho-may-B");
    let file = a.dir.path().join("cho-may-B.kiemtra");
    // Encrypted by default, and nobody but this laptop is enrolled: the export card is told
    // so before, and the export refuses.
    let readers = a
        .call("bundle_readers", json!({ "campaign": null }))
        .unwrap();
    assert_eq!(readers["readers"].as_array().unwrap().len(), 1, "{readers}");
    assert_eq!(readers["introduction"], false);
    a.choose(&[&out]);
    let err = a
        .call("bundle_export", json!({ "campaign": null }))
        .unwrap_err();
    assert_eq!(err["code"], "no_readers");
    assert!(!file.exists());
    // Plain by choice (laptop B is nobody's yet).
    a.choose(&[&out]);
    let exported = a
        .call("bundle_export", json!({ "campaign": null, "plain": true }))
        .unwrap();
    // No extension typed: the bundle's is added.
    assert_eq!(exported["path"], json!(file.display().to_string()));
    assert_eq!(
        exported["bytes"],
        json!(std::fs::metadata(&file).unwrap().len())
    );
    assert!(exported["revisions"].as_u64().unwrap() > 100, "{exported}");
    let asked = a.asked();
    assert_eq!(asked.len(), 2);
    assert_eq!(asked[0].pick, Pick::SaveAs);
    assert_eq!(asked[0].title, "Xuất gói dữ liệu kiemtra");
    assert_eq!(
        asked[0].filter,
        Some((
            "Kiểm tra (.kiemtra)".to_string(),
            vec!["kiemtra".to_string()]
        ))
    );
    let suggested = asked[0].file_name.clone().unwrap();
    assert!(
        suggested.starts_with("kiemtra-") && suggested.ends_with(".kiemtra"),
        "{suggested}"
    );

    // Cancelled: nothing written; the dialog speaks the chosen language.
    a.call("set_language", json!({ "lang": "en" })).unwrap();
    a.cancel_next();
    let files_before = std::fs::read_dir(a.dir.path()).unwrap().count();
    assert_eq!(
        a.call("bundle_export", json!({ "campaign": campaign }))
            .unwrap(),
        Value::Null
    );
    assert_eq!(
        std::fs::read_dir(a.dir.path()).unwrap().count(),
        files_before
    );
    assert_eq!(a.asked()[0].title, "Export a kiemtra bundle");

    // Laptop B picks the bundle and a file that is not one: a preview, nothing written.
    let b = harness();
    let junk = b.dir.path().join("hong.kiemtra");
    std::fs::write(&junk, b"khong phai goi du lieu").unwrap();
    b.choose(&[&file, &junk]);
    let before = b.dump();
    let picked = b.call("bundle_pick", json!({})).unwrap();
    let files = picked["files"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    assert_eq!(files[0]["file"], "cho-may-B.kiemtra");
    // B knows nobody: the campaign's owner is shown, to be trusted after comparing its
    // fingerprint; nothing is imported until then.
    assert_eq!(files[0]["ok"], false);
    assert_eq!(files[0]["error"]["code"], "untrusted_owner");
    let owner = files[0]["stranger"].clone();
    assert_eq!(owner["fingerprint"].as_str().unwrap().len(), 35);
    let trusted = b
        .call(
            "trust_owner",
            json!({ "fileIndex": 0, "device": owner["device_id"] }),
        )
        .unwrap();
    assert_eq!(trusted["ok"], true, "{trusted}");
    assert_eq!(trusted["report"]["dry_run"], true);
    assert_eq!(trusted["report"]["new_revisions"], exported["revisions"]);
    assert_eq!(files[1]["ok"], false);
    assert_eq!(files[1]["error"]["code"], "bad_bundle");
    let why = files[1]["error"]["message"].as_str().unwrap();
    assert!(
        why.starts_with("Gói dữ liệu bị từ chối") && !why.contains("not a Kiểm tra bundle"),
        "in Vietnamese only: {why}"
    );
    assert_eq!(b.dump(), before, "a preview writes nothing");
    assert_eq!(b.asked()[0].pick, Pick::Files);

    // "Nhập": the good file only, after a backup, with progress events.
    let progress = listen(&b, "sync://progress");
    let imported = b.call("bundle_import", json!({})).unwrap();
    assert!(Path::new(imported["backup"].as_str().unwrap()).is_file());
    let files = imported["files"].as_array().unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0]["ok"], true);
    assert_eq!(files[0]["report"]["dry_run"], false);
    let seen = events(&progress);
    let last = seen.last().expect("progress events");
    assert_eq!(last["file"], "cho-may-B.kiemtra");
    assert_eq!(
        (last["file_index"].clone(), last["file_count"].clone()),
        (json!(1), json!(1))
    );
    assert_eq!(last["done"], last["total"]);
    assert_eq!(
        b.call("campaign_overview", json!({ "id": campaign }))
            .unwrap(),
        a.call("campaign_overview", json!({ "id": campaign }))
            .unwrap(),
        "laptop B sees what A exported"
    );
    let history = b.call("sync_overview", json!({})).unwrap();
    assert_eq!(history["imports"].as_array().unwrap().len(), 1);
    // The files were imported once: a second "Nhập" has nothing left to do.
    let again = b.call("bundle_import", json!({})).unwrap();
    assert_eq!(again["files"], json!([]));
    assert_eq!(
        again["backup"],
        Value::Null,
        "nothing imported, nothing backed up"
    );

    // Settings: the backup made before the import and why; restored by its name only (a
    // path is no name of the list), after which B is as before the import.
    let list = b.call("backups_list", json!({})).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(
        list[0]["reason"],
        json!({ "before": "import", "files": ["cho-may-B.kiemtra"] })
    );
    let err = b
        .call("backup_restore", json!({ "name": "../kiemtra.db" }))
        .unwrap_err();
    assert_eq!(err["code"], "not_found");
    let done = b
        .call("backup_restore", json!({ "name": list[0]["name"] }))
        .unwrap();
    assert_eq!(done["saved"]["reason"]["before"], "restore");
    assert_eq!(done["restored"]["name"], list[0]["name"]);
    assert_eq!(b.dump(), before, "the state before the import");
    let list = b.call("backups_list", json!({})).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 2);

    // A cancelled pick is `null`.
    b.cancel_next();
    assert_eq!(b.call("bundle_pick", json!({})).unwrap(), Value::Null);
}

/// The secretariat meets a new team laptop through its bundle: the preview shows the laptop
/// and offers to enrol it into a team; after that the same file imports, and the laptop is
/// listed with its role.
#[test]
fn an_unknown_laptop_is_enrolled_into_a_team_from_the_import_preview() {
    let hq = harness();
    let campaign = demo(&hq);
    let team = hq
        .call("campaign_overview", json!({ "id": campaign }))
        .unwrap()["teams"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let field = harness();
    field
        .call(
            "trust_profile_save",
            json!({ "profile": {
                "name": "Máy Đoàn kiểm tra số 1",
                "people": [{ "name": "Nguyễn Văn An", "position": "Trưởng đoàn" }],
            }}),
        )
        .unwrap();
    let intro = field.dir.path().join("gioi-thieu.kiemtra");
    field.choose(&[&intro]);
    field
        .call("bundle_export", json!({ "campaign": null }))
        .unwrap();

    hq.choose(&[&intro]);
    let before = hq.dump();
    let picked = hq.call("bundle_pick", json!({})).unwrap();
    let file = &picked["files"][0];
    assert_eq!(file["error"]["code"], "unknown_laptop");
    assert_eq!(file["stranger"]["name"], "Máy Đoàn kiểm tra số 1");
    assert_eq!(file["stranger"]["people"][0]["name"], "Nguyễn Văn An");
    // Nothing to import yet.
    assert_eq!(
        hq.call("bundle_import", json!({})).unwrap()["files"],
        json!([])
    );
    let enrolled = hq
        .call(
            "trust_enroll_maker",
            json!({ "input": { "file_index": 0, "campaign": campaign, "role": "team", "team": team } }),
        )
        .unwrap();
    assert_eq!(enrolled["ok"], true, "{enrolled}");
    assert_ne!(hq.dump(), before, "the enrolment is a record");
    let imported = hq.call("bundle_import", json!({})).unwrap();
    assert_eq!(imported["files"][0]["ok"], true);
    let laptops = hq.call("trust_laptops", json!({})).unwrap();
    let one = laptops
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["name"] == "Máy Đoàn kiểm tra số 1")
        .unwrap();
    assert_eq!(one["memberships"][0]["role"], "team");
    assert_eq!(one["memberships"][0]["team_id"], team.as_str());
    let device = one["id"].clone();

    // The laptop itself: named, its people, its fingerprint as the secretariat read it.
    let me = field.call("trust_profile", json!({})).unwrap();
    assert_eq!(me["named"], true);
    assert_eq!(me["person"], "Nguyễn Văn An");
    assert_eq!(me["fingerprint"], file["stranger"]["fingerprint"]);
    // Trusting is a local choice; revoking is an edit that travels, with its reason.
    let t = hq
        .call("trust_set", json!({ "device": device, "trusted": true }))
        .unwrap();
    assert_eq!(t["trusted"], true);
    let empty = hq.call(
        "trust_revoke",
        json!({ "device": device, "campaign": campaign, "reason": "  " }),
    );
    assert_eq!(empty.unwrap_err()["code"], "invalid_input");
    let revoked = hq
        .call(
            "trust_revoke",
            json!({ "device": device, "campaign": campaign, "reason": "Máy bị mất" }),
        )
        .unwrap();
    assert_eq!(revoked["revoked"]["reason"], "Máy bị mất");
}

#[test]
fn attachments_are_picked_captioned_copied_out_and_removed() {
    let h = harness();
    let visit = super::demo_planned_visit(&h);
    let scan = h.dir.path().join("scan.pdf");
    let pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n";
    std::fs::write(&scan, pdf).unwrap();
    let txt = h.dir.path().join("ghi chu.txt");
    std::fs::write(&txt, "không phải ảnh").unwrap();

    h.cancel_next();
    assert_eq!(
        h.call("attachment_pick", json!({ "visit": visit, "item": null }))
            .unwrap(),
        Value::Null
    );
    h.choose(&[&scan, &txt]);
    let out = h
        .call("attachment_pick", json!({ "visit": visit, "item": "5.2" }))
        .unwrap();
    assert_eq!(out[0]["file"], "scan.pdf");
    assert_eq!(out[0]["ok"], true);
    assert_eq!(out[1]["ok"], false);
    assert!(out[1]["error"]["message"]
        .as_str()
        .unwrap()
        .contains("chỉ nhận ảnh"));
    let asked = h.asked();
    assert_eq!(asked.len(), 2);
    assert_eq!(asked[1].pick, Pick::Files);
    assert_eq!(asked[1].title, "Chọn ảnh hoặc tài liệu scan để đính kèm");
    let (label, exts) = asked[1].filter.clone().unwrap();
    assert_eq!(label, "Ảnh và PDF");
    assert!(exts.contains(&"pdf".to_string()) && exts.contains(&"jpg".to_string()));

    let list = h
        .call("attachments_list", json!({ "visit": visit }))
        .unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    let att = &list[0];
    assert_eq!(att["item_code"], "5.2");
    assert_eq!(att["size"], json!(pdf.len()));
    let id = att["id"].as_str().unwrap();
    let sha = att["sha256"].as_str().unwrap();

    h.call(
        "attachment_caption",
        json!({ "id": id, "caption": "Sổ chi đoàn, trang 3" }),
    )
    .unwrap();
    let list = h
        .call("attachments_list", json!({ "visit": visit }))
        .unwrap();
    assert_eq!(list[0]["caption"], "Sổ chi đoàn, trang 3");

    // The page shows the file by its hash through the app's own protocol.
    let served = crate::attachments::answer(h.app.handle(), &format!("/file/{sha}"));
    assert_eq!(served.status(), 200);
    assert_eq!(served.headers()["content-type"], "application/pdf");
    assert_eq!(served.body().as_slice(), pdf);
    let unknown = crate::attachments::answer(h.app.handle(), &format!("/file/{}", "0".repeat(64)));
    assert_eq!(unknown.status(), 404);

    // A copy where the person chooses; the dialog suggests the file's own name.
    let copy = h.dir.path().join("ban-sao.pdf");
    h.choose(&[&copy]);
    let written = h.call("attachment_save_copy", json!({ "id": id })).unwrap();
    assert_eq!(written, json!(copy.display().to_string()));
    assert_eq!(std::fs::read(&copy).unwrap(), pdf);
    let asked = h.asked();
    assert_eq!(asked[0].pick, Pick::SaveAs);
    assert_eq!(asked[0].file_name.as_deref(), Some("scan.pdf"));
    h.cancel_next();
    assert_eq!(
        h.call("attachment_save_copy", json!({ "id": id })).unwrap(),
        Value::Null
    );
    assert_eq!(h.asked().len(), 1);

    h.call("attachment_remove", json!({ "id": id })).unwrap();
    let list = h
        .call("attachments_list", json!({ "visit": visit }))
        .unwrap();
    assert_eq!(list, json!([]));
    let err = h
        .call("attachment_save_copy", json!({ "id": id }))
        .unwrap_err();
    assert_eq!(err["code"], "not_found");
    assert!(h.asked().is_empty(), "no dialog for a removed attachment");
}

const UNITS_CSV: &str =
    "\u{feff}Mã;Tên đơn vị;Tên viết tắt;Cấp;Loại;Trực thuộc;Hiệu lực từ;Hiệu lực đến
NB;Đoàn TNCS Hồ Chí Minh tỉnh Ninh Bình;Tỉnh đoàn Ninh Bình;Cấp tỉnh;tinh_doan;;;
NB-NQ;Đoàn TNCS Hồ Chí Minh huyện Nho Quan;Huyện đoàn Nho Quan;Cấp huyện;huyen_doan;NB;;
NB-NQ-CP;Đoàn xã Cúc Phương;Xã Cúc Phương;Cơ sở;doan_co_so;NB-NQ;1/1/2020;
NB-XX;Đoàn xã Sai Ngày;;Cơ sở;doan_co_so;NB;31/02/2024;
";

#[test]
fn a_unit_list_is_previewed_then_imported_from_the_file_chosen() {
    let h = harness();
    h.call("start_empty", json!({})).unwrap();
    // Nothing previewed yet: nothing to import.
    let err = h
        .call("unit_import_apply", json!({ "skipBad": true }))
        .unwrap_err();
    assert_eq!(err["code"], "not_found");

    let csv = h.dir.path().join("don-vi.csv");
    std::fs::write(&csv, UNITS_CSV).unwrap();
    h.choose(&[&csv]);
    let plan = h.call("unit_import_pick", json!({})).unwrap();
    assert_eq!(plan["format"], "csv");
    assert_eq!(
        (plan["create"].clone(), plan["bad"].clone()),
        (json!(3), json!(1))
    );
    let bad = plan["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| !r["errors"].as_array().unwrap().is_empty())
        .unwrap();
    assert_eq!(bad["line"], 5);
    assert_eq!(
        h.call("units_tree", json!({})).unwrap(),
        json!([]),
        "a preview writes nothing"
    );
    let asked = h.asked();
    assert_eq!(asked[0].pick, Pick::OneFile);
    assert_eq!(
        asked[0].title,
        "Chọn tệp danh sách đơn vị (Excel, ODS hoặc CSV)"
    );

    // Without skipping, a bad row stops the whole file.
    let err = h
        .call("unit_import_apply", json!({ "skipBad": false }))
        .unwrap_err();
    assert!(err["message"].as_str().is_some(), "{err}");
    assert_eq!(h.call("units_tree", json!({})).unwrap(), json!([]));

    let report = h
        .call("unit_import_apply", json!({ "skipBad": true }))
        .unwrap();
    assert_eq!(report["created"], 3);
    assert_eq!(report["skipped"], 1);
    let tree = h.call("units_tree", json!({})).unwrap();
    let rows: Vec<(u64, &str)> = tree
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["depth"].as_u64().unwrap(), u["name"].as_str().unwrap()))
        .collect();
    assert_eq!(
        rows,
        vec![
            (0, "Đoàn TNCS Hồ Chí Minh tỉnh Ninh Bình"),
            (1, "Đoàn TNCS Hồ Chí Minh huyện Nho Quan"),
            (2, "Đoàn xã Cúc Phương"),
        ]
    );
    // The same file again changes nothing.
    let again = h
        .call("unit_import_apply", json!({ "skipBad": true }))
        .unwrap();
    assert_eq!(
        (again["created"].clone(), again["unchanged"].clone()),
        (json!(0), json!(3))
    );

    h.cancel_next();
    assert_eq!(h.call("unit_import_pick", json!({})).unwrap(), Value::Null);
}

#[test]
fn reports_are_previewed_through_the_protocol_and_exported_where_chosen() {
    let h = harness();
    let campaign = demo(&h);
    let preview = h
        .call(
            "report_preview",
            json!({ "target": "campaign", "id": campaign }),
        )
        .unwrap();
    let url = preview["url"].as_str().unwrap();
    let token = url
        .strip_prefix("kiemtra-file://localhost/preview/")
        .unwrap_or_else(|| panic!("{url}"));
    let codes: Vec<&str> = preview["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap())
        .collect();
    assert!(!codes.is_empty(), "the demo has visits not yet signed");
    assert_eq!(preview["draft"], true);
    // The secretariat's words start from the minutes; nothing is saved by asking.
    let texts = h
        .call("report_texts_suggest", json!({ "campaign": campaign }))
        .unwrap();
    assert!(
        texts["strengths"].as_str().unwrap().starts_with("- "),
        "{texts}"
    );
    let body = h.call("campaign_get", json!({ "id": campaign })).unwrap()["body"].clone();
    assert!(body.get("texts").is_none(), "{body}");
    let served = crate::attachments::answer(h.app.handle(), &format!("/preview/{token}"));
    assert_eq!(served.status(), 200);
    assert!(served.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .starts_with("default-src 'none'"));
    let html = String::from_utf8(served.body().clone()).unwrap();
    assert!(html.contains("BÁO CÁO"), "the campaign report");

    // A visit's minutes replace it: the old address answers no more.
    let signed = super::visit_in_status(&h, &json!(campaign), "signed");
    let minutes = h
        .call("report_preview", json!({ "target": "visit", "id": signed }))
        .unwrap();
    assert_eq!(minutes["draft"], false, "signed minutes are final");
    let token2 = minutes["url"].as_str().unwrap().rsplit('/').next().unwrap();
    assert_ne!(token, token2);
    let old = crate::attachments::answer(h.app.handle(), &format!("/preview/{token}"));
    assert_eq!(old.status(), 404);
    let new = crate::attachments::answer(h.app.handle(), &format!("/preview/{token2}"));
    assert!(String::from_utf8(new.body().clone())
        .unwrap()
        .contains("BIÊN BẢN"));

    // DOCX where the person chooses, with progress in three steps.
    let progress = listen(&h, "report://progress");
    let out = h.dir.path().join("bao-cao");
    h.choose(&[&out]);
    let written = h
        .call(
            "report_export",
            json!({ "target": "campaign", "id": campaign, "format": "docx" }),
        )
        .unwrap();
    let file = h.dir.path().join("bao-cao.docx");
    assert_eq!(written, json!(file.display().to_string()));
    assert_eq!(&std::fs::read(&file).unwrap()[..2], b"PK", "a ZIP (DOCX)");
    let steps: Vec<Value> = events(&progress)
        .iter()
        .map(|e| e["done"].clone())
        .collect();
    assert_eq!(steps, vec![json!(0), json!(1), json!(2), json!(3)]);
    let asked = h.asked();
    assert_eq!(asked[0].pick, Pick::SaveAs);
    assert_eq!(asked[0].title, "Lưu văn bản (DOCX)");
    assert_eq!(
        asked[0].filter,
        Some(("DOCX".to_string(), vec!["docx".to_string()]))
    );
    let name = asked[0].file_name.clone().unwrap();
    assert!(
        name.starts_with("Bao-cao-") && name.ends_with(".docx"),
        "{name}"
    );

    // The minutes as HTML; refused as a spreadsheet, before any dialog.
    let html_out = h.dir.path().join("bien-ban.html");
    h.choose(&[&html_out]);
    h.call(
        "report_export",
        json!({ "target": "visit", "id": signed, "format": "html" }),
    )
    .unwrap();
    assert!(std::fs::read_to_string(&html_out)
        .unwrap()
        .contains("BIÊN BẢN"));
    assert_eq!(h.asked().len(), 1);
    for (target, format) in [("visit", "xlsx"), ("campaign", "pdf"), ("khac", "docx")] {
        let err = h
            .call(
                "report_export",
                json!({ "target": target, "id": signed, "format": format }),
            )
            .unwrap_err();
        assert_eq!(err["code"], "invalid_input", "{target} {format}");
    }
    assert!(h.asked().is_empty(), "refused before the dialog");

    h.cancel_next();
    assert_eq!(
        h.call(
            "report_export",
            json!({ "target": "campaign", "id": campaign, "format": "xlsx" }),
        )
        .unwrap(),
        Value::Null
    );
    assert!(!h.dir.path().join("bao-cao.xlsx").exists());
}

#[test]
fn the_recovery_key_is_made_once_through_the_save_dialog() {
    let a = harness();
    demo(&a);
    assert_eq!(
        a.call("trust_recovery_key", json!({})).unwrap(),
        Value::Null
    );
    let key = a.dir.path().join("usb-rieng").join("khoa.txt");
    std::fs::create_dir_all(key.parent().unwrap()).unwrap();

    // Cancelled: nothing made, nothing written.
    a.cancel_next();
    assert_eq!(
        a.call("trust_recovery_key_create", json!({})).unwrap(),
        Value::Null
    );
    assert_eq!(
        a.call("trust_recovery_key", json!({})).unwrap(),
        Value::Null
    );
    assert!(!key.exists());

    a.choose(&[&key]);
    let made = a.call("trust_recovery_key_create", json!({})).unwrap();
    assert_eq!(made["campaigns"], 1, "the demo campaign carries it: {made}");
    let recipient = made["recipient"].as_str().unwrap();
    assert!(recipient.starts_with("age1"), "{made}");
    let text = std::fs::read_to_string(&key).unwrap();
    assert!(
        text.contains("AGE-SECRET-KEY-1"),
        "the identity is in the file"
    );
    assert!(text.contains(recipient));
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "readable by its owner only: {mode:o}");
    }
    assert_eq!(a.call("trust_recovery_key", json!({})).unwrap(), made);
    let asked = a.asked();
    assert_eq!(asked.len(), 2);
    assert_eq!(asked[1].pick, Pick::SaveAs);
    assert_eq!(asked[1].title, "Lưu khóa khôi phục kiemtra (vào USB riêng)");
    assert_eq!(
        asked[1].file_name.as_deref(),
        Some("khoa-khoi-phuc-kiemtra.txt")
    );

    // Made once: refused before any dialog opens, the file left as it was.
    let err = a.call("trust_recovery_key_create", json!({})).unwrap_err();
    assert_eq!(err["code"], "recovery_key_exists");
    assert!(
        err["message"].as_str().unwrap().contains("khóa khôi phục"),
        "{err}"
    );
    assert!(a.asked().is_empty(), "no dialog for a key not to be made");
    assert_eq!(std::fs::read_to_string(&key).unwrap(), text);
}

#[test]
fn a_line_taken_for_no_unit_is_left_out_until_it_is_kept() {
    let h = harness();
    h.call("start_empty", json!({})).unwrap();
    let csv = h.dir.path().join("van-phong.csv");
    std::fs::write(
        &csv,
        "Mã;Tên đơn vị\nNB;Tỉnh đoàn Ninh Bình\n\n;Tổng cộng: 1 đơn vị\n",
    )
    .unwrap();
    h.choose(&[&csv]);
    let plan = h.call("unit_import_pick", json!({})).unwrap();
    assert_eq!(
        (plan["create"].clone(), plan["not_unit"].clone()),
        (json!(1), json!(1))
    );
    let total = &plan["rows"][1];
    assert_eq!(total["line"], 4);
    assert_eq!(total["action"], "not_unit");
    assert_eq!(total["not_unit"]["message"]["vi"], "dòng tổng cộng");

    let kept = h.call("unit_import_keep", json!({ "keep": [4] })).unwrap();
    assert_eq!(
        (kept["create"].clone(), kept["not_unit"].clone()),
        (json!(2), json!(0))
    );
    assert_eq!(kept["rows"][1]["action"], "create");
    // Applied without the tick, the line stays out.
    let report = h
        .call("unit_import_apply", json!({ "skipBad": false }))
        .unwrap();
    assert_eq!(report["created"], 1);
    let report = h
        .call(
            "unit_import_apply",
            json!({ "skipBad": false, "keep": [4] }),
        )
        .unwrap();
    assert_eq!(report["created"], 1, "the kept line, now a unit too");
}
