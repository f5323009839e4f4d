//! `unit`: the unit directory as a tree, its changes over time (moves, mergers,
//! dissolutions) and the import of a province's list from a spreadsheet.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use kiemtra_core::backups::BackupReason;
use kiemtra_core::dates::dmy;
use kiemtra_core::model;
use kiemtra_core::setup::today;
use kiemtra_core::units::import::{RowAction, UnitImportPlan};
use kiemtra_core::units::UnitRow;
use kiemtra_core::units::{UnitInput, UnitPatch};
use kiemtra_core::{Error, Lang, Localize, Store, Stored};

use super::{opt_date, patch_date};
use crate::messages::{Done, Empty, Label, NotUnitsLeftOut, Tally};
use crate::output::print_json;

#[derive(Subcommand)]
pub enum Cmd {
    /// Cây đơn vị; mặc định ẩn đơn vị đã giải thể, sáp nhập (the unit tree, without ended units)
    List {
        /// Cả đơn vị đã giải thể, sáp nhập (include ended units)
        #[arg(long)]
        all: bool,
    },
    /// Thêm đơn vị (add a unit)
    Add(AddArgs),
    /// Sửa tên, mã, cấp... của đơn vị (edit a unit; old campaigns keep the old name)
    Edit {
        id: String,
        #[command(flatten)]
        fields: EditArgs,
    },
    /// Chuyển đơn vị sang đơn vị cấp trên khác (move under another parent)
    Move {
        id: String,
        /// Đơn vị cấp trên mới (new parent)
        #[arg(
            long,
            value_name = "ID",
            required_unless_present = "top",
            conflicts_with = "top"
        )]
        parent: Option<String>,
        /// Lên cấp cao nhất (to the top level)
        #[arg(long)]
        top: bool,
    },
    /// Sáp nhập đơn vị: các đơn vị được sáp nhập hoạt động đến --date, đơn vị trực thuộc
    /// chuyển sang đơn vị nhận (merge units; their sub-units move to --into)
    Merge {
        #[arg(required = true, value_name = "ID")]
        ids: Vec<String>,
        #[arg(long, value_name = "ID")]
        into: String,
        /// Ngày cuối cùng các đơn vị được sáp nhập còn hoạt động, mặc định hôm nay (last day)
        #[arg(long, value_name = "DATE")]
        date: Option<String>,
    },
    /// Giải thể đơn vị (dissolve a unit; its live sub-units must be moved first)
    Dissolve {
        id: String,
        /// Ngày cuối cùng còn hoạt động, mặc định hôm nay (last day, default today)
        #[arg(long, value_name = "DATE")]
        date: Option<String>,
    },
    /// Nhập danh sách đơn vị từ tệp Excel (.xlsx, .xls), ODS hoặc CSV (import units; all or
    /// nothing)
    Import {
        /// Tệp .xlsx, .xls, .ods (trang tính đầu tiên) hoặc .csv UTF-8 (first sheet; CSV split
        /// by , ; or tab)
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Chỉ xem trước, không ghi gì (preview only)
        #[arg(long)]
        dry_run: bool,
        /// Bỏ qua các dòng lỗi, chỉ nhập các dòng đúng (import only the good rows)
        #[arg(long)]
        skip_bad: bool,
        /// Nhập dòng này như một đơn vị dù trông như dòng tổng cộng, ghi chú, ký tên; dùng
        /// nhiều lần cho nhiều dòng (keep a line taken for a total, note or signature)
        #[arg(long = "keep-line", value_name = "DÒNG")]
        keep_lines: Vec<usize>,
    },
}

#[derive(Args)]
pub struct Fields {
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
pub struct AddArgs {
    /// Tên đơn vị (name)
    #[arg(long, value_name = "TÊN")]
    name: String,
    /// Đơn vị cấp trên (parent); không nêu: cấp cao nhất
    #[arg(long, value_name = "ID")]
    parent: Option<String>,
    #[command(flatten)]
    fields: Fields,
}

#[derive(Args)]
pub struct EditArgs {
    /// Tên mới; các đợt cũ vẫn hiện tên cũ (new name; old campaigns keep the old one)
    #[arg(long, value_name = "TÊN")]
    name: Option<String>,
    #[command(flatten)]
    fields: Fields,
}

pub fn run(cmd: Cmd, store: &mut Store, json: bool, lang: Lang) -> Result<ExitCode, Error> {
    match cmd {
        Cmd::List { all } => {
            let units = store.unit_tree_with(all)?;
            if json {
                print_json(&units);
            } else {
                print_units(&units, lang);
            }
        }
        Cmd::Add(a) => {
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
            print_unit(&u, json, lang, |name, id| Done::UnitAdded { name, id });
        }
        Cmd::Edit { id, fields: a } => {
            let f = a.fields;
            let patch = UnitPatch {
                name: a.name,
                short_name: f.short_name,
                code: f.code,
                kind: f.kind,
                level_label: f.level,
                valid_from: patch_date(f.from)?,
                valid_to: None,
            };
            let u = store.unit_update(&id, patch)?;
            print_unit(&u, json, lang, |name, id| Done::UnitUpdated { name, id });
        }
        Cmd::Move { id, parent, top: _ } => {
            let u = store.unit_move(&id, parent.as_deref())?;
            print_unit(&u, json, lang, |name, id| Done::UnitMoved { name, id });
        }
        Cmd::Merge { ids, into, date } => {
            let last_day = opt_date(date)?.unwrap_or_else(today);
            let m = store.unit_merge(ids, &into, last_day)?;
            if json {
                print_json(&m);
            } else {
                let into = store.require::<model::Unit>(&m.into)?.body.name;
                let done = Done::UnitsMerged {
                    merged: m.merged.len(),
                    into: &into,
                    last_day,
                    moved: m.moved.len(),
                };
                println!("{}", done.message(lang));
            }
        }
        Cmd::Dissolve { id, date } => {
            let last_day = opt_date(date)?.unwrap_or_else(today);
            let u = store.unit_dissolve(&id, last_day)?;
            if json {
                print_json(&u);
            } else {
                let done = Done::UnitDissolved {
                    name: &u.body.name,
                    last_day,
                };
                println!("{}", done.message(lang));
            }
        }
        Cmd::Import {
            file,
            dry_run,
            skip_bad,
            keep_lines,
        } => {
            let how = ImportHow {
                dry_run,
                skip_bad,
                keep: keep_lines,
            };
            return import(store, &file, how, json, lang);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A unit just written, confirmed by `done` (given its name and id).
fn print_unit<'a>(
    u: &'a Stored<model::Unit>,
    json: bool,
    lang: Lang,
    done: impl FnOnce(&'a str, &'a str) -> Done<'a>,
) {
    if json {
        print_json(u);
    } else {
        println!("{}", done(&u.body.name, &u.id).message(lang));
    }
}

fn print_units(units: &[UnitRow], lang: Lang) {
    if units.is_empty() {
        println!("{}", Empty::Units.message(lang));
        return;
    }
    for u in units {
        let validity = match u.valid_to {
            Some(to) => format!("  [{} {}]", Label::Until.message(lang), dmy(to)),
            None => String::new(),
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
    println!("{}", Tally::Units(units.len()).message(lang));
}

/// What `unit import` was asked to do beyond reading the file.
struct ImportHow {
    dry_run: bool,
    skip_bad: bool,
    /// Lines taken for no unit, to import as units all the same.
    keep: Vec<usize>,
}

/// `unit import`: preview first, so a refused or empty import neither writes nor takes a
/// backup; then the real import, which checks everything again inside its transaction.
fn import(
    store: &mut Store,
    file: &Path,
    how: ImportHow,
    json: bool,
    lang: Lang,
) -> Result<ExitCode, Error> {
    let ImportHow {
        dry_run,
        skip_bad,
        keep,
    } = how;
    let plan = store.unit_import_preview_with(file, &keep)?;
    let refused = plan.bad > 0 && !skip_bad;
    let refusal = || Error::ImportRows(plan.errors().cloned().collect());
    if dry_run || refused {
        if json && dry_run {
            print_json(&plan);
        } else if json {
            print_json(&serde_json::json!({ "error": refusal().payload(lang), "plan": plan }));
        } else {
            print_plan(&plan, lang, true);
        }
        if refused {
            eprintln!(
                "{}: {}",
                Label::Error.message(lang),
                refusal().message(lang)
            );
            return Ok(ExitCode::from(1));
        }
        print_skipped(&plan, lang);
        return Ok(ExitCode::SUCCESS);
    }
    if plan.create + plan.update > 0 {
        let b = store.backup_before(&BackupReason::UnitImport {
            file: file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        })?;
        if !json {
            println!("{}", Done::BackedUp { path: &b }.message(lang));
        }
    }
    let report = store.unit_import_with(file, skip_bad, &keep)?;
    if json {
        print_json(&report);
    } else {
        print_plan(&report.plan, lang, false);
    }
    print_skipped(&report.plan, lang);
    Ok(ExitCode::SUCCESS)
}

/// A unit file's plan: every row for a preview, only what changed after an import (a
/// province's list is long, and "unchanged" is the summary's job). Row errors go to stderr.
fn print_plan(plan: &UnitImportPlan, lang: Lang, preview: bool) {
    let head = if preview {
        Label::Preview
    } else {
        Label::Imported
    };
    println!(
        "{}: {} ({}, {} {})",
        head.message(lang),
        plan.file.display(),
        plan.format.to_uppercase(),
        Label::HeaderOnLine.message(lang),
        plan.header_line
    );
    for w in &plan.warnings {
        println!("{}: {}", Label::Notice.message(lang), w.message(lang));
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
            let names: Vec<String> = r.changed.iter().map(|c| c.message(lang)).collect();
            format!(" ({})", names.join(", "))
        };
        println!(
            "  {} {:<5} {:<10} {}{code}{changed}",
            Label::Line.message(lang),
            r.line,
            Label::Action(r.action).message(lang),
            r.fields.name
        );
    }
    let total = Tally::UnitFile {
        create: plan.create,
        update: plan.update,
        unchanged: plan.unchanged,
        bad: plan.bad,
    };
    println!("{}", total.message(lang));
    if plan.not_unit > 0 {
        println!("{}", NotUnitsLeftOut(plan).message(lang));
    }
}

/// With --skip-bad, the rows left out and why.
fn print_skipped(plan: &UnitImportPlan, lang: Lang) {
    for e in plan.errors() {
        eprintln!("{}: {}", Label::Skipped.message(lang), e.message(lang));
    }
}
