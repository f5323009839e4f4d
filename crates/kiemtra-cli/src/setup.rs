//! The secretariat's setup commands: campaigns, teams, the unit directory, the visit plan
//! and criteria-set versions. Each calls one `kiemtra_core::setup` operation.

use std::path::Path;

use chrono::NaiveDate;
use clap::Args;
use kiemtra_core::model::{
    self, CriteriaSet, Entity, Inspector, ReportSettings, Role, Team, Visit,
};
use kiemtra_core::setup::{
    today, CampaignInput, CampaignPatch, MemberInput, TeamInput, VisitPlanInput,
};
use kiemtra_core::units::{UnitInput, UnitPatch};
use kiemtra_core::{Error, Lang, Store, Stored};

use crate::output::*;

#[derive(Args)]
pub struct CampaignCreateArgs {
    /// Tên đợt kiểm tra (name)
    #[arg(long, value_name = "TÊN")]
    name: String,
    /// Năm (year)
    #[arg(long, value_name = "NĂM")]
    year: i32,
    #[command(flatten)]
    more: CampaignFields,
}

#[derive(Args)]
pub struct CampaignEditArgs {
    /// Tên đợt kiểm tra (name)
    #[arg(long, value_name = "TÊN")]
    name: Option<String>,
    /// Năm (year)
    #[arg(long, value_name = "NĂM")]
    year: Option<i32>,
    /// Tiêu đề, số, người ký, nơi nhận của biên bản và báo cáo, JSON; "null" trở về mặc định
    /// (headers, numbers, signer, recipients of the documents as JSON: {"parent_body",
    /// "issuer", "place", "minutes_number" with {n}, "report_number", "signer_title",
    /// "signer_position", "signer_name", "recipients": [..]}; "null" for the defaults)
    #[arg(long, value_name = "JSON")]
    report_settings: Option<String>,
    #[command(flatten)]
    more: CampaignFields,
}

#[derive(Args)]
pub struct CampaignFields {
    /// Chủ đề năm (theme)
    #[arg(long, value_name = "T")]
    theme: Option<String>,
    /// Ngày bắt đầu dd/mm/yyyy ("" để xóa) (start date; "" clears)
    #[arg(long, value_name = "DATE")]
    start: Option<String>,
    /// Ngày kết thúc dd/mm/yyyy ("" để xóa) (end date; "" clears)
    #[arg(long, value_name = "DATE")]
    end: Option<String>,
    /// Số quyết định (decision number)
    #[arg(long, value_name = "SỐ")]
    decision: Option<String>,
    /// Cơ quan ban hành (issuing body)
    #[arg(long, value_name = "T")]
    issuer: Option<String>,
    /// Địa bàn (place)
    #[arg(long, value_name = "T")]
    place: Option<String>,
    /// Bộ tiêu chí cho các buổi lên kế hoạch từ nay (criteria set for visits planned from now)
    #[arg(long, value_name = "ID")]
    criteria: Option<String>,
}

#[derive(Args)]
pub struct TeamCreateArgs {
    #[arg(long, value_name = "ID")]
    campaign: String,
    /// Tên đoàn (name)
    #[arg(long, value_name = "TÊN")]
    name: String,
    /// Trưởng đoàn, theo họ tên (head of team, by full name)
    #[arg(long, value_name = "HỌ TÊN")]
    head: Option<String>,
    /// Thành viên, theo họ tên; nêu nhiều lần (member; repeat for several)
    #[arg(long, value_name = "HỌ TÊN")]
    member: Vec<String>,
    /// Thư ký, theo họ tên (secretary)
    #[arg(long, value_name = "HỌ TÊN")]
    secretary: Vec<String>,
}

#[derive(Args)]
pub struct UnitFields {
    /// Mã đơn vị (code)
    #[arg(long)]
    code: Option<String>,
    /// Cấp hiển thị: "Cấp tỉnh", "Cấp xã", "Cơ sở"... (level label)
    #[arg(long, value_name = "CẤP")]
    level: Option<String>,
    /// Loại: tinh_doan, doan_co_so... (kind)
    #[arg(long)]
    kind: Option<String>,
    /// Tên viết tắt (short name)
    #[arg(long, value_name = "T")]
    short_name: Option<String>,
    /// Hiệu lực từ dd/mm/yyyy (valid from)
    #[arg(long, value_name = "DATE")]
    from: Option<String>,
}

#[derive(Args)]
pub struct UnitAddArgs {
    /// Tên đơn vị (name)
    #[arg(long, value_name = "TÊN")]
    name: String,
    /// Đơn vị cấp trên (parent); không nêu: cấp cao nhất
    #[arg(long, value_name = "ID")]
    parent: Option<String>,
    #[command(flatten)]
    fields: UnitFields,
}

#[derive(Args)]
pub struct UnitEditArgs {
    /// Tên mới; các đợt cũ vẫn hiện tên cũ (new name; old campaigns keep the old one)
    #[arg(long, value_name = "TÊN")]
    name: Option<String>,
    #[command(flatten)]
    fields: UnitFields,
}

fn opt_date(s: Option<String>) -> Result<Option<NaiveDate>, Error> {
    Ok(s.map(|d| model::parse_date(&d)).transpose()?)
}

/// A date to change: absent keeps it, "" (or "none") clears it.
fn patch_date(s: Option<String>) -> Result<Option<Option<NaiveDate>>, Error> {
    match s.as_deref().map(str::trim) {
        None => Ok(None),
        Some("" | "none" | "-") => Ok(Some(None)),
        Some(d) => Ok(Some(Some(model::parse_date(d)?))),
    }
}

fn campaign_patch(
    name: Option<String>,
    year: Option<i32>,
    f: CampaignFields,
) -> Result<CampaignPatch, Error> {
    Ok(CampaignPatch {
        name,
        year,
        theme: f.theme,
        start_date: patch_date(f.start)?,
        end_date: patch_date(f.end)?,
        decision_number: f.decision,
        issuing_body: f.issuer,
        place: f.place,
        criteria_set_id: f.criteria,
        report: None,
    })
}

pub fn campaign_create(
    store: &mut Store,
    a: CampaignCreateArgs,
    json: bool,
    lang: Lang,
) -> Result<(), Error> {
    let f = a.more;
    let c = store.campaign_create(CampaignInput {
        name: a.name,
        year: a.year,
        theme: f.theme.unwrap_or_default(),
        start_date: opt_date(f.start)?,
        end_date: opt_date(f.end)?,
        decision_number: f.decision.unwrap_or_default(),
        issuing_body: f.issuer.unwrap_or_default(),
        place: f.place.unwrap_or_default(),
        criteria_set_id: f.criteria,
    })?;
    if json {
        print_json(&c);
    } else {
        println!(
            "{} {} ({}) — {}",
            tr(lang, "Đã tạo đợt kiểm tra", "Campaign created:"),
            c.body.name,
            c.body.year,
            c.id
        );
    }
    Ok(())
}

pub fn campaign_edit(
    store: &mut Store,
    id: &str,
    a: CampaignEditArgs,
    json: bool,
    lang: Lang,
) -> Result<(), Error> {
    let mut patch = campaign_patch(a.name, a.year, a.more)?;
    if let Some(j) = a.report_settings {
        let settings: Option<ReportSettings> = serde_json::from_str(&j)
            // The parser's own text is English; say where, in figures any reader follows.
            .map_err(|e| {
                Error::invalid_field(
                    "report_settings",
                    format!("{{...}} | null (JSON {}:{})", e.line(), e.column()),
                )
            })?;
        patch.report = Some(settings);
    }
    let c = store.campaign_update(id, patch)?;
    if json {
        print_json(&c);
    } else {
        println!(
            "{} {} ({})",
            tr(lang, "Đã sửa đợt kiểm tra", "Campaign updated:"),
            c.body.name,
            c.id
        );
    }
    Ok(())
}

pub fn campaign_show(store: &Store, id: &str, json: bool, lang: Lang) -> Result<(), Error> {
    let rows = store.campaign_units_state(id)?;
    if json {
        print_json(&rows);
    } else {
        print_unit_states(&rows, lang);
    }
    Ok(())
}

pub fn team_create(
    store: &mut Store,
    a: TeamCreateArgs,
    json: bool,
    lang: Lang,
) -> Result<(), Error> {
    let members = a
        .head
        .iter()
        .map(|n| MemberInput::named(n, Role::Head))
        .chain(a.member.iter().map(|n| MemberInput::named(n, Role::Member)))
        .chain(
            a.secretary
                .iter()
                .map(|n| MemberInput::named(n, Role::Secretary)),
        )
        .collect();
    let t = store.team_create(TeamInput {
        campaign_id: a.campaign,
        name: a.name,
        members,
    })?;
    if json {
        print_json(&t);
    } else {
        println!(
            "{} {} ({})",
            tr(lang, "Đã tạo đoàn kiểm tra", "Team created:"),
            t.body.name,
            t.id
        );
        print_members(store, &t, lang)?;
    }
    Ok(())
}

fn print_members(store: &Store, t: &Stored<Team>, lang: Lang) -> Result<(), Error> {
    for m in &t.body.members {
        let name = store.require::<Inspector>(&m.inspector_id)?.body.full_name;
        println!("  - {name}, {}", role_label(m.role, lang));
    }
    Ok(())
}

pub fn team_list(store: &Store, campaign: &str, json: bool, lang: Lang) -> Result<(), Error> {
    let id = store.resolve_id(model::Campaign::KIND, campaign)?;
    let teams = store.campaign_overview(&id)?.teams;
    if json {
        print_json(&teams);
        return Ok(());
    }
    if teams.is_empty() {
        println!(
            "{}",
            tr(
                lang,
                "Đợt này chưa có đoàn nào.",
                "No teams in this campaign yet."
            )
        );
    }
    for t in &teams {
        println!("{}  {}", t.id, t.name);
        for m in &t.members {
            println!("  - {}, {}", m.full_name, role_label(m.role, lang));
        }
    }
    Ok(())
}

pub fn team_delete(store: &mut Store, id: &str, json: bool, lang: Lang) -> Result<(), Error> {
    let id = store.resolve_id(Team::KIND, id)?;
    store.team_delete(&id)?;
    if json {
        print_json(&serde_json::json!({ "deleted": id }));
    } else {
        println!("{} {id}", tr(lang, "Đã xóa đoàn kiểm tra", "Team deleted:"));
    }
    Ok(())
}

fn print_unit(u: &Stored<model::Unit>, what: &str, json: bool) {
    if json {
        print_json(u);
    } else {
        println!("{what} {} ({})", u.body.name, u.id);
    }
}

pub fn unit_add(store: &mut Store, a: UnitAddArgs, json: bool, lang: Lang) -> Result<(), Error> {
    let f = a.fields;
    let u = store.unit_create(UnitInput {
        name: a.name,
        short_name: f.short_name.unwrap_or_default(),
        code: f.code.unwrap_or_default(),
        kind: f.kind.unwrap_or_default(),
        level_label: f.level.unwrap_or_default(),
        parent_id: a.parent,
        valid_from: opt_date(f.from)?,
        valid_to: None,
    })?;
    print_unit(&u, tr(lang, "Đã thêm đơn vị", "Unit added:"), json);
    Ok(())
}

pub fn unit_edit(
    store: &mut Store,
    id: &str,
    a: UnitEditArgs,
    json: bool,
    lang: Lang,
) -> Result<(), Error> {
    let f = a.fields;
    let u = store.unit_update(
        id,
        UnitPatch {
            name: a.name,
            short_name: f.short_name,
            code: f.code,
            kind: f.kind,
            level_label: f.level,
            valid_from: patch_date(f.from)?,
            valid_to: None,
        },
    )?;
    print_unit(&u, tr(lang, "Đã sửa đơn vị", "Unit updated:"), json);
    Ok(())
}

pub fn unit_move(
    store: &mut Store,
    id: &str,
    parent: Option<&str>,
    json: bool,
    lang: Lang,
) -> Result<(), Error> {
    let u = store.unit_move(id, parent)?;
    print_unit(&u, tr(lang, "Đã chuyển đơn vị", "Unit moved:"), json);
    Ok(())
}

pub fn unit_merge(
    store: &mut Store,
    ids: Vec<String>,
    into: &str,
    on: Option<String>,
    json: bool,
    lang: Lang,
) -> Result<(), Error> {
    let last_day = opt_date(on)?.unwrap_or_else(today);
    let m = store.unit_merge(ids, into, last_day)?;
    if json {
        print_json(&m);
        return Ok(());
    }
    let into = store.require::<model::Unit>(&m.into)?.body.name;
    println!(
        "{} {} {} \"{into}\" ({} {}); {} {}",
        tr(lang, "Đã sáp nhập", "Merged"),
        m.merged.len(),
        tr(lang, "đơn vị vào", "unit(s) into"),
        tr(lang, "hoạt động đến", "existing until"),
        date(Some(last_day)),
        m.moved.len(),
        tr(
            lang,
            "đơn vị trực thuộc đã chuyển sang",
            "sub-unit(s) moved under it"
        )
    );
    Ok(())
}

pub fn unit_dissolve(
    store: &mut Store,
    id: &str,
    on: Option<String>,
    json: bool,
    lang: Lang,
) -> Result<(), Error> {
    let last_day = opt_date(on)?.unwrap_or_else(today);
    let u = store.unit_dissolve(id, last_day)?;
    if json {
        print_json(&u);
    } else {
        println!(
            "{} {} ({} {})",
            tr(lang, "Đã giải thể đơn vị", "Unit dissolved:"),
            u.body.name,
            tr(lang, "hoạt động đến", "existing until"),
            date(Some(last_day))
        );
    }
    Ok(())
}

pub fn visit_plan(
    store: &mut Store,
    input: VisitPlanInput,
    json: bool,
    lang: Lang,
) -> Result<(), Error> {
    let v = store.visit_plan(input)?;
    if json {
        print_json(&v);
    } else {
        let unit = store.require::<model::Unit>(&v.body.unit_id)?.body.name;
        println!(
            "{} {unit}, {} {} ({})",
            tr(lang, "Đã lên kế hoạch kiểm tra", "Visit planned:"),
            tr(lang, "ngày", "on"),
            date(v.body.date),
            v.id
        );
    }
    Ok(())
}

pub fn visit_reschedule(
    store: &mut Store,
    id: &str,
    team: Option<String>,
    day: Option<String>,
    json: bool,
    lang: Lang,
) -> Result<(), Error> {
    let id = store.resolve_id(Visit::KIND, id)?;
    let current = store.require::<Visit>(&id)?.body;
    // A flag left out keeps what the visit has.
    let team = match team {
        Some(t) => Some(t).filter(|t| !t.trim().is_empty()),
        None => current.team_id,
    };
    let day = match patch_date(day)? {
        Some(d) => d,
        None => current.date,
    };
    let v = store.visit_reschedule(&id, team.as_deref(), day)?;
    if json {
        print_json(&v);
    } else {
        println!(
            "{} {} ({})",
            tr(
                lang,
                "Đã đổi lịch buổi kiểm tra, ngày",
                "Visit rescheduled to"
            ),
            date(v.body.date),
            v.id
        );
    }
    Ok(())
}

pub fn visit_cancel(store: &mut Store, id: &str, json: bool, lang: Lang) -> Result<(), Error> {
    let id = store.resolve_id(Visit::KIND, id)?;
    store.visit_cancel(&id)?;
    if json {
        print_json(&serde_json::json!({ "cancelled": id }));
    } else {
        println!(
            "{} {id}",
            tr(lang, "Đã hủy buổi kiểm tra", "Visit cancelled:")
        );
    }
    Ok(())
}

/// `criteria edit --file`: the set named by `--id`, else by the file's `id` (as `criteria show
/// --json` writes it), else the newest version with the file's code; a new code makes a new set.
pub fn criteria_edit(
    store: &mut Store,
    file: &Path,
    id: Option<String>,
    json: bool,
    lang: Lang,
) -> Result<(), Error> {
    let text = std::fs::read_to_string(file)?;
    let value: serde_json::Value = serde_json::from_str(&text)?;
    let set: CriteriaSet = serde_json::from_value(value.clone())?;
    let id = match id.or_else(|| value["id"].as_str().map(str::to_string)) {
        Some(id) => Some(id),
        None => store
            .criteria_versions(&set.code)?
            .into_iter()
            .next_back()
            .map(|v| v.id),
    };
    let Some(id) = id else {
        let created = store.criteria_set_create(set)?;
        if json {
            print_json(&serde_json::json!({
                "id": created.id, "rev": created.rev, "version": 1,
                "new_version": false, "created": true, "campaigns_moved": []
            }));
        } else {
            println!(
                "{} {} ({})",
                tr(lang, "Đã tạo bộ tiêu chí mới", "New criteria set created:"),
                created.body.code,
                created.id
            );
        }
        return Ok(());
    };
    let saved = store.criteria_set_save(&id, set)?;
    if json {
        print_json(&saved);
    } else if saved.new_version {
        println!(
            "{} {} ({}). {}",
            tr(
                lang,
                "Bộ tiêu chí đang được dùng nên đã tạo phiên bản mới",
                "The set is in use, so a new version was made:"
            ),
            saved.version,
            saved.id,
            tr(
                lang,
                "Các buổi kiểm tra đã có giữ phiên bản cũ; các buổi lên kế hoạch từ nay dùng phiên bản mới.",
                "Existing visits keep their version; visits planned from now use the new one."
            )
        );
    } else {
        println!(
            "{} {} ({})",
            tr(
                lang,
                "Đã lưu bộ tiêu chí (chưa buổi kiểm tra nào dùng), phiên bản",
                "Criteria set saved in place (no visit uses it), version"
            ),
            saved.version,
            saved.id
        );
    }
    Ok(())
}

pub fn criteria_versions(store: &Store, code: &str, json: bool, lang: Lang) -> Result<(), Error> {
    let list = store.criteria_versions(code)?;
    if json {
        print_json(&list);
        return Ok(());
    }
    if list.is_empty() {
        println!(
            "{}",
            tr(
                lang,
                "Không có bộ tiêu chí với mã này.",
                "No criteria set with this code."
            )
        );
    }
    for v in &list {
        println!(
            "{} {}  {}  {} — {} {}",
            tr(lang, "phiên bản", "version"),
            v.version,
            v.id,
            v.name,
            v.in_use,
            tr(lang, "buổi kiểm tra dùng", "visit(s) use it")
        );
    }
    Ok(())
}
