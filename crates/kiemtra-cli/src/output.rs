//! Human-readable output, Vietnamese first. Dates as dd/mm/yyyy.

use chrono::NaiveDate;
use kiemtra_core::bundle::ImportReport;
use kiemtra_core::conflicts::Conflict;
use kiemtra_core::model::{CriteriaSet, Role, Scale};
use kiemtra_core::search::{Place, SearchHit};
use kiemtra_core::setup::{CampaignSummary, UnitState};
use kiemtra_core::store::HistoryEntry;
use kiemtra_core::units::import::{RowAction, UnitImportPlan};
use kiemtra_core::units::UnitRow;
use kiemtra_core::visit::{VisitDetail, VisitRow};
use kiemtra_core::Localize;
use kiemtra_core::{Lang, Stored};
use serde::Serialize;

pub fn tr(lang: Lang, vi: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Vi => vi,
        Lang::En => en,
    }
}

pub fn print_json<T: Serialize + ?Sized>(v: &T) {
    println!("{}", serde_json::to_string_pretty(v).expect("serialisable"));
}

pub fn date(d: Option<NaiveDate>) -> String {
    d.map(|d| d.format("%d/%m/%Y").to_string())
        .unwrap_or_else(|| "—".into())
}

pub fn print_campaigns(list: &[CampaignSummary], lang: Lang) {
    if list.is_empty() {
        println!(
            "{}",
            tr(lang, "Chưa có đợt kiểm tra nào.", "No campaigns yet.")
        );
        return;
    }
    for c in list {
        println!("{}  {} ({})", c.id, c.name, c.year);
        if !c.theme.is_empty() {
            println!("    {}: {}", tr(lang, "Chủ đề", "Theme"), c.theme);
        }
        println!(
            "    {}: {} – {}   {}: {}",
            tr(lang, "Thời gian", "Dates"),
            date(c.start_date),
            date(c.end_date),
            tr(lang, "Quyết định", "Decision"),
            c.decision_number
        );
        let s = &c.status_counts;
        println!(
            "    {} {}, {} {}: {} {} · {} {} · {} {} · {} {}",
            c.unit_count,
            tr(lang, "đơn vị", "units"),
            c.visit_count,
            tr(lang, "buổi kiểm tra", "visits"),
            s.planned,
            tr(lang, "kế hoạch", "planned"),
            s.in_progress,
            tr(lang, "đang kiểm tra", "in progress"),
            s.completed,
            tr(lang, "hoàn thành", "completed"),
            s.signed,
            tr(lang, "đã ký", "signed"),
        );
    }
}

pub fn print_units(units: &[UnitRow], lang: Lang) {
    if units.is_empty() {
        println!("{}", tr(lang, "Chưa có đơn vị nào.", "No units yet."));
        return;
    }
    for u in units {
        let validity = match (u.valid_from, u.valid_to) {
            (_, Some(to)) => format!("  [{} {}]", tr(lang, "đến", "until"), date(Some(to))),
            _ => String::new(),
        };
        println!(
            "{}{}  {}  ({}, {}){validity}",
            "  ".repeat(u.depth),
            u.name,
            u.code,
            u.level_label,
            u.id
        );
    }
    println!("{} {}", units.len(), tr(lang, "đơn vị", "units"));
}

pub fn role_label(role: Role, lang: Lang) -> &'static str {
    match role {
        Role::Head => tr(lang, "Trưởng đoàn", "Head"),
        Role::Member => tr(lang, "Thành viên", "Member"),
        Role::Secretary => tr(lang, "Thư ký", "Secretary"),
    }
}

/// A campaign's units as a tree, each with its visit's state (or "not planned").
pub fn print_unit_states(rows: &[UnitState], lang: Lang) {
    if rows.is_empty() {
        println!("{}", tr(lang, "Chưa có đơn vị nào.", "No units yet."));
        return;
    }
    let mut unplanned = 0;
    for r in rows {
        let u = &r.unit;
        let state = match &r.visit {
            Some(v) => format!(
                "{}, {} {}/{}, {}",
                v.status.label(lang),
                date(v.date),
                v.done,
                v.total,
                if v.team_name.is_empty() {
                    tr(lang, "chưa giao đoàn", "no team yet")
                } else {
                    v.team_name.as_str()
                }
            ),
            None => {
                unplanned += 1;
                tr(lang, "chưa lên kế hoạch", "not planned").to_string()
            }
        };
        println!("{}{}  [{state}]  ({})", "  ".repeat(u.depth), u.name, u.id);
    }
    println!(
        "{} {}, {} {}",
        rows.len(),
        tr(lang, "đơn vị", "units"),
        unplanned,
        tr(lang, "chưa lên kế hoạch", "not planned")
    );
}

pub fn print_criteria(set: &Stored<CriteriaSet>, lang: Lang) {
    let s = &set.body;
    println!(
        "{} — {} {} ({})",
        s.name,
        tr(lang, "phiên bản", "version"),
        s.version,
        set.id
    );
    for t in &s.topics {
        println!("\n{}. {}", t.code, t.title);
        for i in &t.items {
            let scale = match i.scale {
                Scale::PassFail => tr(lang, "Đạt/Chưa đạt", "met/not met").to_string(),
                Scale::Points => format!(
                    "0–{} {}",
                    i.max_points.unwrap_or(0),
                    tr(lang, "điểm", "points")
                ),
            };
            let req = if i.required { " *" } else { "" };
            println!("   {} {}{req}  [{scale}]", i.code, i.title);
        }
    }
    println!(
        "\n{} {}, {} {}",
        s.topics.len(),
        tr(lang, "nội dung", "topics"),
        s.item_count(),
        tr(lang, "tiêu chí (* bắt buộc)", "items (* required)")
    );
}

pub fn print_visits(rows: &[VisitRow], lang: Lang) {
    if rows.is_empty() {
        println!(
            "{}",
            tr(lang, "Chưa có buổi kiểm tra nào.", "No visits yet.")
        );
        return;
    }
    for v in rows {
        println!(
            "{}  {}  {:<16} {}/{}  {} — {}",
            v.id,
            date(v.date),
            v.status.label(lang),
            v.done,
            v.total,
            v.unit_name,
            v.team_name
        );
    }
}

pub fn print_visit(d: &VisitDetail, lang: Lang) {
    let v = &d.visit.body;
    println!("{} — {}", d.unit.name, d.campaign.name);
    println!(
        "{}: {}   {}: {}   {}: {}/{} {}",
        tr(lang, "Ngày", "Date"),
        date(v.date),
        tr(lang, "Trạng thái", "Status"),
        v.status.label(lang),
        tr(lang, "Tiến độ", "Progress"),
        d.done,
        d.total,
        tr(lang, "mục", "items")
    );
    if let Some(t) = &d.team {
        println!("{}: {}", tr(lang, "Đoàn kiểm tra", "Team"), t.name);
        for m in &t.members {
            let role = role_label(m.role, lang);
            println!("  - {} ({}), {role}", m.full_name, m.title);
        }
    }
    for t in &d.criteria.set.topics {
        println!("\n{}. {}", t.code, t.title);
        for i in &t.items {
            let f = d.findings.get(&i.code);
            let result = match f {
                Some(f) if f.rating.is_some() => {
                    f.rating.map(|r| r.label(lang)).unwrap_or("").to_string()
                }
                Some(f) if f.points.is_some() => format!(
                    "{}/{} {}",
                    f.points.unwrap_or(0.0),
                    i.max_points.unwrap_or(0),
                    tr(lang, "điểm", "points")
                ),
                _ => "—".to_string(),
            };
            println!("   {} {}: {result}", i.code, i.title);
            if let Some(f) = f {
                if !f.note.is_empty() {
                    println!("      {}: {}", tr(lang, "Ghi nhận", "Note"), f.note);
                }
                if !f.explanation.is_empty() {
                    println!(
                        "      {}: {}",
                        tr(lang, "Giải trình", "Explanation"),
                        f.explanation
                    );
                }
            }
        }
    }
    let texts = [
        (
            tr(lang, "Báo cáo của đơn vị", "Unit's report"),
            &v.report_summary,
        ),
        (
            tr(lang, "Khó khăn, hạn chế", "Difficulties"),
            &v.difficulties,
        ),
        (tr(lang, "Ưu điểm", "Strengths"), &v.strengths),
        (
            tr(lang, "Tồn tại, bất cập", "Shortcomings"),
            &v.shortcomings,
        ),
        (
            tr(lang, "Nhận xét chung", "Overall assessment"),
            &v.assessment,
        ),
    ];
    for (label, text) in texts {
        if !text.is_empty() {
            println!("\n{label}: {text}");
        }
    }
    if let Some(r) = v.overall_result {
        println!(
            "\n{}: {}",
            tr(lang, "Xếp loại", "Overall result"),
            r.label(lang)
        );
    }
    if !d.recommendations.is_empty() {
        println!("\n{}:", tr(lang, "Đề xuất, kiến nghị", "Recommendations"));
        for r in &d.recommendations {
            println!(
                "  - {} [{}] ({})",
                r.body.text,
                r.body.authority.label(lang),
                r.id
            );
        }
    }
}

pub fn print_history(h: &[HistoryEntry], lang: Lang) {
    let mut prev: Option<&serde_json::Value> = None;
    for e in h {
        let mark = if e.is_current {
            " *"
        } else if e.is_head {
            " (+)"
        } else {
            ""
        };
        println!("{}{mark}", e.rev);
        println!(
            "    {}: {}   {}: {}",
            tr(lang, "Thời điểm", "Time"),
            e.hlc,
            tr(lang, "Máy", "Device"),
            e.device_name
        );
        if !e.parents.is_empty() {
            println!(
                "    {}: {}",
                tr(lang, "Phiên bản trước", "Parents"),
                e.parents.join(", ")
            );
        }
        if e.deleted {
            println!("    {}", tr(lang, "Đã xoá", "Deleted"));
        }
        // What changed against the first parent, field by field.
        let parent_body = e
            .parents
            .first()
            .and_then(|p| h.iter().find(|x| &x.rev == p))
            .map(|x| &x.body)
            .or(prev);
        if let Some(obj) = e.body.as_object() {
            for (k, v) in obj {
                let before = parent_body.and_then(|b| b.get(k));
                if before != Some(v) {
                    match before {
                        Some(b) => println!("    {k}: {b} → {v}"),
                        None => println!("    {k}: {v}"),
                    }
                }
            }
        }
        prev = Some(&e.body);
    }
    println!(
        "{} {}",
        h.len(),
        tr(lang, "phiên bản (* hiện hành)", "revisions (* current)")
    );
}

pub fn print_import(r: &ImportReport, lang: Lang) {
    let head = if r.dry_run {
        tr(lang, "Xem trước", "Preview")
    } else {
        tr(lang, "Đã nhập", "Imported")
    };
    println!("{head}: {}", r.file.display());
    let new = if r.new_device {
        tr(
            lang,
            " — MÁY CHƯA BIẾT, đã ghi nhận khóa",
            " — UNKNOWN DEVICE, key recorded",
        )
    } else {
        ""
    };
    println!(
        "    {}: {} ({}){new}",
        tr(lang, "Người ký", "Signed by"),
        r.device.name,
        r.device.id
    );
    println!("    {}: {}", tr(lang, "Tạo lúc", "Created"), r.created_at);
    println!(
        "    {} {}: {} {}, {} {}, {} {}",
        r.revisions,
        tr(lang, "phiên bản", "revisions"),
        r.new_revisions,
        tr(lang, "mới", "new"),
        r.known_revisions,
        tr(lang, "đã có", "already known"),
        r.new_conflicts,
        tr(lang, "xung đột", "in conflict")
    );
}

pub fn print_conflicts(list: &[Conflict], lang: Lang) {
    if list.is_empty() {
        println!("{}", tr(lang, "Không có xung đột.", "No conflicts."));
        return;
    }
    for c in list {
        println!("{} {} ({})", c.kind, c.id, c.versions.len());
        for (i, v) in c.versions.iter().enumerate() {
            let win = if v.is_winner {
                tr(lang, " [đang hiển thị]", " [shown]")
            } else {
                ""
            };
            println!("  #{} {}  {}  {}{win}", i + 1, v.rev, v.device_name, v.hlc);
        }
        for f in &c.fields {
            println!("    {}:", f.field);
            for (i, val) in f.values.iter().enumerate() {
                println!("      #{} {val}", i + 1);
            }
        }
    }
}

fn action_label(a: RowAction, lang: Lang) -> &'static str {
    match a {
        RowAction::Create => tr(lang, "thêm mới", "create"),
        RowAction::Update => tr(lang, "cập nhật", "update"),
        RowAction::Unchanged => tr(lang, "không đổi", "unchanged"),
        RowAction::Bad => tr(lang, "LỖI", "ERROR"),
    }
}

/// A unit file's plan: every row for a preview, only what changed after an import (a
/// province's list is long, and "unchanged" is the summary's job). Row errors go to stderr.
pub fn print_unit_plan(plan: &UnitImportPlan, lang: Lang, preview: bool) {
    let head = if preview {
        tr(lang, "Xem trước", "Preview")
    } else {
        tr(lang, "Đã nhập", "Imported")
    };
    println!(
        "{head}: {} ({}, {} {})",
        plan.file.display(),
        plan.format.to_uppercase(),
        tr(lang, "tiêu đề ở dòng", "header on line"),
        plan.header_line
    );
    for w in &plan.warnings {
        println!("{}: {}", tr(lang, "Lưu ý", "Note"), w.message(lang));
    }
    for r in &plan.rows {
        if !preview && !matches!(r.action, RowAction::Create | RowAction::Update) {
            continue;
        }
        let code = if r.fields.code.is_empty() {
            String::new()
        } else {
            format!(" [{}]", r.fields.code)
        };
        let changed = if r.changed.is_empty() {
            String::new()
        } else {
            let names: Vec<&str> = r.changed.iter().map(|c| c.label(lang)).collect();
            format!(" ({})", names.join(", "))
        };
        println!(
            "  {} {:<5} {:<10} {}{code}{changed}",
            tr(lang, "dòng", "line"),
            r.line,
            action_label(r.action, lang),
            r.fields.name
        );
    }
    let bad = if plan.bad == 0 {
        String::new()
    } else {
        format!(", {} {}", plan.bad, tr(lang, "dòng lỗi", "bad lines"))
    };
    println!(
        "{}: {} {}, {} {}, {} {}{bad}",
        tr(lang, "Tổng cộng", "Total"),
        plan.create,
        action_label(RowAction::Create, lang),
        plan.update,
        action_label(RowAction::Update, lang),
        plan.unchanged,
        action_label(RowAction::Unchanged, lang),
    );
}

/// With --skip-bad, the rows left out and why.
pub fn print_skipped(plan: &UnitImportPlan, lang: Lang) {
    for e in plan.errors() {
        eprintln!("{}: {}", tr(lang, "Bỏ qua", "Skipped"), e.message(lang));
    }
}

fn kind_label(kind: &str, lang: Lang) -> &str {
    match kind {
        "campaign" => tr(lang, "Đợt kiểm tra", "Campaign"),
        "unit" => tr(lang, "Đơn vị", "Unit"),
        "visit" => tr(lang, "Buổi kiểm tra", "Visit"),
        "finding" => tr(lang, "Kết quả kiểm tra", "Finding"),
        "recommendation" => tr(lang, "Kiến nghị", "Recommendation"),
        other => other,
    }
}

fn field_label(field: &str, lang: Lang) -> &str {
    match field {
        "name" => tr(lang, "tên", "name"),
        "short_name" => tr(lang, "tên viết tắt", "short name"),
        "code" => tr(lang, "mã", "code"),
        "theme" => tr(lang, "chủ đề", "theme"),
        "report_summary" => tr(lang, "tóm tắt báo cáo", "report summary"),
        "difficulties" => tr(lang, "khó khăn", "difficulties"),
        "strengths" => tr(lang, "ưu điểm", "strengths"),
        "shortcomings" => tr(lang, "hạn chế", "shortcomings"),
        "assessment" => tr(lang, "nhận xét chung", "assessment"),
        "note" => tr(lang, "ghi chú", "note"),
        "explanation" => tr(lang, "giải trình", "explanation"),
        "item_title" => tr(lang, "tiêu chí", "item"),
        "text" => tr(lang, "nội dung", "text"),
        other => other,
    }
}

pub fn print_search(query: &str, hits: &[SearchHit], lang: Lang) {
    if hits.is_empty() {
        match lang {
            Lang::Vi => println!("Không tìm thấy kết quả nào cho \"{query}\"."),
            Lang::En => println!("Nothing found for \"{query}\"."),
        }
        return;
    }
    match lang {
        Lang::Vi => println!("{} kết quả cho \"{query}\":", hits.len()),
        Lang::En => println!("{} results for \"{query}\":", hits.len()),
    }
    for h in hits {
        println!("\n[{}] {}", kind_label(&h.kind, lang), h.label);
        println!("    {}: {}", field_label(&h.field, lang), h.snippet);
        let place = match &h.place {
            Place::Campaign { campaign_id } => {
                format!("{} {campaign_id}", tr(lang, "đợt kiểm tra", "campaign"))
            }
            Place::Unit { unit_id } => format!("{} {unit_id}", tr(lang, "đơn vị", "unit")),
            Place::Visit {
                visit_id,
                item_code: Some(code),
            } => format!(
                "{} {visit_id}, {} {code}",
                tr(lang, "buổi kiểm tra", "visit"),
                tr(lang, "tiêu chí", "item")
            ),
            Place::Visit { visit_id, .. } => {
                format!("{} {visit_id}", tr(lang, "buổi kiểm tra", "visit"))
            }
        };
        println!("    → {place}");
    }
}
