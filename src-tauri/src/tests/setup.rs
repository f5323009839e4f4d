//! The secretariat's commands: campaigns, criteria-set versions, teams, the visit plan and
//! the unit directory, each read back through another command.

use serde_json::{json, Value};

use super::{harness, Harness};

fn ok(h: &Harness, cmd: &str, args: Value) -> Value {
    h.call(cmd, args).unwrap_or_else(|e| panic!("{cmd}: {e}"))
}

fn new_campaign(h: &Harness) -> String {
    ok(
        h,
        "campaign_create",
        json!({ "input": { "name": "Kiểm tra năm 2026", "year": 2026,
                           "start_date": "2026-10-05", "end_date": "2026-10-09" } }),
    )["id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn campaigns_and_criteria_versions_through_the_commands() {
    let h = harness();
    let demo = ok(&h, "load_demo", json!({}))["campaign_id"].clone();
    let sets = ok(&h, "criteria_list", json!({}));
    assert_eq!(sets.as_array().unwrap().len(), 1);
    let old = sets[0].clone();
    assert_eq!(old["version"], 1);
    let in_use = old["in_use"].as_u64().unwrap();
    assert!(in_use > 0 && old["items"].as_u64().unwrap() > 0, "{old}");

    // Edited from the campaign while visits use it: saved as version 2; the campaign and
    // its 8 visits with nothing recorded move to it.
    let mut set = ok(&h, "criteria_get", json!({ "id": old["id"] }))["body"].clone();
    let first_title = set["topics"][0]["items"][0]["title"].clone();
    set["topics"][0]["items"][0]["title"] = json!("Đoàn viên được sinh hoạt đúng định kỳ");
    let saved = ok(
        &h,
        "criteria_save",
        json!({ "id": old["id"], "set": set, "campaign": demo }),
    );
    assert_eq!(saved["new_version"], true);
    assert_eq!(saved["version"], 2);
    assert_eq!(saved["campaigns_moved"], json!([demo]));
    assert_eq!(saved["visits_moved"], 8);
    let sets = ok(&h, "criteria_list", json!({}));
    assert_eq!(sets.as_array().unwrap().len(), 2);
    assert_eq!(
        (sets[0]["version"].clone(), sets[0]["in_use"].clone()),
        (json!(2), json!(8))
    );
    assert_eq!(
        sets[1]["in_use"],
        json!(in_use - 8),
        "the rated visits keep version 1"
    );
    // A new set from a copy, with its own code and name.
    let copy = ok(
        &h,
        "criteria_copy",
        json!({ "id": saved["id"], "code": "BTC-2026", "name": "Bộ tiêu chí năm 2026", "campaign": null }),
    );
    assert_eq!(
        (copy["version"].clone(), copy["visits_moved"].clone()),
        (json!(1), json!(0))
    );
    let copied = ok(&h, "criteria_get", json!({ "id": copy["id"] }))["body"].clone();
    assert_eq!(
        (
            copied["code"].clone(),
            copied["topics"][0]["items"][0]["title"].clone()
        ),
        (
            json!("BTC-2026"),
            json!("Đoàn viên được sinh hoạt đúng định kỳ")
        )
    );
    let v2 = ok(&h, "criteria_get", json!({ "id": saved["id"] }));
    assert_eq!(
        v2["body"]["topics"][0]["items"][0]["title"],
        "Đoàn viên được sinh hoạt đúng định kỳ"
    );
    let v1 = ok(&h, "criteria_get", json!({ "id": old["id"] }));
    assert_eq!(v1["body"]["topics"][0]["items"][0]["title"], first_title);

    // A new campaign takes the newest version; an edit changes only what it names.
    let created = ok(
        &h,
        "campaign_create",
        json!({ "input": { "name": "  Kiểm tra năm 2026 ", "year": 2026, "theme": "Năm Thanh niên tình nguyện",
                           "start_date": "2026-10-05", "end_date": "2026-10-09" } }),
    );
    let id = created["id"].clone();
    assert_eq!(created["body"]["name"], "Kiểm tra năm 2026", "trimmed");
    assert_eq!(created["body"]["criteria_set_id"], saved["id"]);
    assert_eq!(
        ok(&h, "campaign_get", json!({ "id": id }))["body"],
        created["body"]
    );
    assert_eq!(
        ok(&h, "campaign_list", json!({})).as_array().unwrap().len(),
        2
    );
    ok(
        &h,
        "campaign_update",
        json!({ "id": id, "patch": { "theme": "Chuyển đổi số", "end_date": null } }),
    );
    let got = ok(&h, "campaign_get", json!({ "id": id }))["body"].clone();
    assert_eq!(got["theme"], "Chuyển đổi số");
    assert_eq!(got["end_date"], Value::Null);
    assert_eq!(got["start_date"], "2026-10-05");
    assert_eq!(got["name"], "Kiểm tra năm 2026");
    let err = h
        .call(
            "campaign_update",
            json!({ "id": id, "patch": { "end_date": "2026-01-01" } }),
        )
        .unwrap_err();
    assert_eq!(err["code"], "dates_reversed");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("trước ngày bắt đầu"),
        "{err}"
    );
    assert_eq!(ok(&h, "campaign_get", json!({ "id": id }))["body"], got);
}

#[test]
fn teams_and_the_visit_plan_through_the_commands() {
    let h = harness();
    ok(&h, "load_demo", json!({}));
    let c = new_campaign(&h);
    let team = ok(
        &h,
        "team_create",
        json!({ "input": { "campaign_id": c, "name": "Đoàn kiểm tra số 1", "members": [
            { "full_name": "Bùi Văn Toàn", "role": "head" },
            { "full_name": "Lương Thị Mai", "role": "secretary" }
        ] } }),
    );
    let t = team["id"].as_str().unwrap().to_string();
    let teams = ok(&h, "campaign_overview", json!({ "id": c }))["teams"].clone();
    assert_eq!(teams.as_array().unwrap().len(), 1);
    let members: Vec<&str> = teams[0]["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["full_name"].as_str().unwrap())
        .collect();
    assert_eq!(members, vec!["Bùi Văn Toàn", "Lương Thị Mai"]);
    ok(
        &h,
        "team_update",
        json!({ "id": t, "patch": { "name": "Đoàn số 1" } }),
    );
    let teams = ok(&h, "campaign_overview", json!({ "id": c }))["teams"].clone();
    assert_eq!(teams[0]["name"], "Đoàn số 1");
    assert_eq!(
        teams[0]["members"].as_array().unwrap().len(),
        2,
        "members kept"
    );

    let units = ok(&h, "units_state", json!({ "campaign": c }));
    let units = units.as_array().unwrap();
    assert!(units.len() > 2);
    assert!(
        units.iter().all(|u| u["visit"].is_null()),
        "nothing planned yet"
    );
    let u0 = units[1]["unit"]["id"].as_str().unwrap().to_string();
    let u1 = units[2]["unit"]["id"].as_str().unwrap().to_string();

    // All or nothing: one bad entry plans none.
    let err = h
        .call(
            "visits_plan",
            json!({ "campaign": c, "entries": [{ "unit_id": u0 }, { "unit_id": "khong-co" }] }),
        )
        .unwrap_err();
    assert!(err["message"].as_str().unwrap().len() > 3, "{err}");
    let planned = |h: &Harness| -> Vec<(String, Value)> {
        ok(h, "units_state", json!({ "campaign": c }))
            .as_array()
            .unwrap()
            .iter()
            .filter(|u| !u["visit"].is_null())
            .map(|u| {
                (
                    u["unit"]["id"].as_str().unwrap().to_string(),
                    u["visit"].clone(),
                )
            })
            .collect()
    };
    assert!(planned(&h).is_empty());

    let visits = ok(
        &h,
        "visits_plan",
        json!({ "campaign": c, "entries": [
            { "unit_id": u0, "team_id": t, "date": "2026-10-06" },
            { "unit_id": u1 }
        ] }),
    );
    let v0 = visits[0]["id"].as_str().unwrap().to_string();
    let v1 = visits[1]["id"].as_str().unwrap().to_string();
    let now = planned(&h);
    assert_eq!(now.len(), 2);
    let first = &now.iter().find(|(u, _)| *u == u0).unwrap().1;
    assert_eq!(
        (first["team_id"].clone(), first["date"].clone()),
        (json!(t), json!("2026-10-06"))
    );
    assert_eq!(first["status"], "planned");

    ok(
        &h,
        "visit_reschedule",
        json!({ "id": v0, "team": t, "date": "2026-10-08", "why": { "reason": "Đơn vị họp đột xuất" } }),
    );
    let detail = ok(&h, "visit_get", json!({ "id": v0 }));
    assert_eq!(detail["visit"]["date"], "2026-10-08");
    assert_eq!(
        detail["visit"]["plan_changes"][0]["reason"],
        "Đơn vị họp đột xuất"
    );
    assert_eq!(detail["team"]["id"], json!(t));

    // A team with visits stays; once its visit is cancelled it may go.
    let err = h.call("team_delete", json!({ "id": t })).unwrap_err();
    assert_eq!(err["code"], "team_has_visits");
    assert_eq!(
        ok(&h, "campaign_overview", json!({ "id": c }))["teams"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let err = h
        .call("visit_cancel", json!({ "id": v0, "reason": "" }))
        .unwrap_err();
    assert_eq!(err["code"], "cancel_needs_reason");
    ok(
        &h,
        "visit_cancel",
        json!({ "id": v0, "reason": "Đơn vị đang tổ chức Đại hội" }),
    );
    let cancelled = &ok(&h, "campaign_overview", json!({ "id": c }))["cancelled"];
    assert_eq!(cancelled[0]["reason"], "Đơn vị đang tổ chức Đại hội");
    let err = h.call("visit_get", json!({ "id": v0 })).unwrap_err();
    assert_eq!(err["code"], "not_found");
    ok(&h, "team_delete", json!({ "id": t }));
    let overview = ok(&h, "campaign_overview", json!({ "id": c }));
    assert_eq!(overview["teams"], json!([]));
    let ids: Vec<&str> = overview["visits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![v1.as_str()]);

    // A started visit is not cancelled.
    ok(
        &h,
        "finding_set",
        json!({ "input": { "visit_id": v1, "item_code": "1.1", "rating": "dat" } }),
    );
    let err = h
        .call("visit_cancel", json!({ "id": v1, "reason": "Lùi lịch" }))
        .unwrap_err();
    assert_eq!(err["code"], "visit_started");
    assert_eq!(
        ok(&h, "visit_get", json!({ "id": v1 }))["visit"]["status"],
        "in_progress"
    );
}

/// (depth, name, parent name) of the unit tree, in its order.
fn tree(h: &Harness) -> Vec<(u64, String, Option<String>)> {
    let rows = ok(h, "units_tree", json!({}));
    let rows = rows.as_array().unwrap();
    let name_of = |id: &Value| {
        rows.iter()
            .find(|r| r["id"] == *id)
            .map(|r| r["name"].as_str().unwrap().to_string())
    };
    rows.iter()
        .map(|r| {
            (
                r["depth"].as_u64().unwrap(),
                r["name"].as_str().unwrap().to_string(),
                name_of(&r["parent_id"]),
            )
        })
        .collect()
}

fn row(depth: u64, name: &str, parent: Option<&str>) -> (u64, String, Option<String>) {
    (depth, name.to_string(), parent.map(str::to_string))
}

#[test]
fn the_unit_directory_is_edited_through_the_commands() {
    let h = harness();
    ok(&h, "start_empty", json!({}));
    let unit = |name: &str, parent: Option<&str>| -> String {
        ok(
            &h,
            "unit_create",
            json!({ "input": { "name": name, "parent_id": parent, "level_label": "Cơ sở" } }),
        )["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let nb = unit("Tỉnh đoàn Ninh Bình", None);
    let hl = unit("Huyện đoàn Hoa Lư", Some(&nb));
    let gv = unit("Huyện đoàn Gia Viễn", Some(&nb));
    let ty = unit("Đoàn xã Trường Yên", Some(&hl));
    let nh = unit("Đoàn xã Ninh Hải", Some(&hl));
    assert_eq!(
        tree(&h),
        vec![
            row(0, "Tỉnh đoàn Ninh Bình", None),
            row(1, "Huyện đoàn Gia Viễn", Some("Tỉnh đoàn Ninh Bình")),
            row(1, "Huyện đoàn Hoa Lư", Some("Tỉnh đoàn Ninh Bình")),
            row(2, "Đoàn xã Ninh Hải", Some("Huyện đoàn Hoa Lư")),
            row(2, "Đoàn xã Trường Yên", Some("Huyện đoàn Hoa Lư")),
        ]
    );

    ok(
        &h,
        "unit_update",
        json!({ "id": ty, "patch": { "name": "Đoàn phường Trường Yên" } }),
    );
    ok(&h, "unit_move", json!({ "id": nh, "parent": gv }));
    assert_eq!(
        tree(&h),
        vec![
            row(0, "Tỉnh đoàn Ninh Bình", None),
            row(1, "Huyện đoàn Gia Viễn", Some("Tỉnh đoàn Ninh Bình")),
            row(2, "Đoàn xã Ninh Hải", Some("Huyện đoàn Gia Viễn")),
            row(1, "Huyện đoàn Hoa Lư", Some("Tỉnh đoàn Ninh Bình")),
            row(2, "Đoàn phường Trường Yên", Some("Huyện đoàn Hoa Lư")),
        ]
    );

    // Hoa Lư merges into Gia Viễn (in the past, so it leaves today's tree); its commune moves.
    let merged = ok(
        &h,
        "unit_merge",
        json!({ "from": [hl], "into": gv, "date": "2024-06-30" }),
    );
    assert_eq!(merged["into"], json!(gv));
    assert_eq!(merged["merged"], json!([hl]));
    assert_eq!(merged["moved"], json!([ty]));
    ok(
        &h,
        "unit_dissolve",
        json!({ "id": nh, "date": "2024-06-30" }),
    );
    assert_eq!(
        tree(&h),
        vec![
            row(0, "Tỉnh đoàn Ninh Bình", None),
            row(1, "Huyện đoàn Gia Viễn", Some("Tỉnh đoàn Ninh Bình")),
            row(2, "Đoàn phường Trường Yên", Some("Huyện đoàn Gia Viễn")),
        ]
    );
    // A unit with live sub-units is not dissolved.
    let err = h
        .call("unit_dissolve", json!({ "id": nb, "date": "2024-06-30" }))
        .unwrap_err();
    assert_eq!(err["code"], "unit_has_children");
    assert_eq!(tree(&h).len(), 3);
}
