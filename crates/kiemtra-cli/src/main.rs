//! `kiemtra`: the same operations as the app, for the secretariat's batch work and scripts.
//! Messages are Vietnamese by default (`--lang en` for English); `--json` prints
//! machine-readable output. Exit codes: 0 done, 1 refused or failed, 2 bad usage.

use kiemtra_core::Localize;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::builder::PossibleValuesParser;
use clap::{Args, Parser, Subcommand};
use kiemtra_core::conflicts::Resolution;
use kiemtra_core::model::{Authority, Entity, RaisedBy, Rating};
use kiemtra_core::report;
use kiemtra_core::search::{self, SearchOptions};
use kiemtra_core::visit::{FindingInput, RecommendationInput};
use kiemtra_core::{model, Error, Lang, Store};
use kiemtra_render::Render;

mod output;
mod setup;
use output::*;
use setup::{CampaignCreateArgs, CampaignEditArgs, TeamCreateArgs, UnitAddArgs, UnitEditArgs};

#[derive(Parser)]
#[command(
    name = "kiemtra",
    version,
    about = "Kiểm tra — quản lý đợt kiểm tra công tác Đoàn (Youth Union inspection campaigns)"
)]
struct Cli {
    /// Tệp cơ sở dữ liệu (database file); mặc định trong thư mục dữ liệu của hệ điều hành
    #[arg(long, global = true, value_name = "PATH")]
    db: Option<PathBuf>,
    /// In kết quả dạng JSON (machine-readable output)
    #[arg(long, global = true)]
    json: bool,
    /// Ngôn ngữ thông báo: vi | en
    #[arg(long, global = true, value_name = "vi|en")]
    lang: Option<String>,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Tạo cơ sở dữ liệu và danh tính máy (create the database and this laptop's identity)
    Init {
        #[arg(long, value_name = "N")]
        device_name: Option<String>,
    },
    /// Nạp đợt kiểm tra mẫu năm 2023 (load the 2023 demo campaign)
    Demo,
    /// Đợt kiểm tra (campaigns)
    #[command(subcommand)]
    Campaign(CampaignCmd),
    /// Đoàn kiểm tra (inspection teams)
    #[command(subcommand)]
    Team(TeamCmd),
    /// Đơn vị (units)
    #[command(subcommand)]
    Unit(UnitCmd),
    /// Bộ tiêu chí (criteria set)
    #[command(subcommand)]
    Criteria(CriteriaCmd),
    /// Buổi kiểm tra (visits)
    #[command(subcommand)]
    Visit(VisitCmd),
    /// Kết quả kiểm tra từng tiêu chí (findings)
    #[command(subcommand)]
    Finding(FindingCmd),
    /// Đề xuất, kiến nghị (recommendations)
    #[command(subcommand)]
    Recommendation(RecommendationCmd),
    /// Lịch sử chỉnh sửa của một bản ghi (history of a record)
    History { record_id: String },
    /// Xuất toàn bộ dữ liệu dạng JSON chuẩn tắc (deterministic dump)
    Dump {
        #[arg(long, required = true)]
        canonical: bool,
    },
    /// Kiểm tra tính toàn vẹn của dữ liệu (integrity check; exit 1 when broken)
    Check,
    /// Đính kèm ảnh hoặc tài liệu scan (JPG, PNG, WEBP, GIF, PDF) vào buổi kiểm tra
    /// (attach a photo or scanned document to a visit)
    Attach {
        #[arg(long, value_name = "ID")]
        visit: String,
        file: PathBuf,
        /// Chú thích (caption)
        #[arg(long, default_value = "")]
        caption: String,
        /// Mã tiêu chí liên quan (the checklist item it documents)
        #[arg(long, value_name = "CODE")]
        item: Option<String>,
    },
    /// Xuất gói dữ liệu .kiemtra để mang đi (export a bundle)
    Export {
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Chỉ một đợt kiểm tra (one campaign only)
        #[arg(long, value_name = "ID")]
        campaign: Option<String>,
    },
    /// Nhập một hay nhiều gói dữ liệu (import bundles; each all or nothing)
    Import {
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Chỉ xem trước, không ghi gì (preview only)
        #[arg(long)]
        dry_run: bool,
    },
    /// Các bản ghi đang xung đột (records in conflict)
    Conflicts,
    /// Giải quyết xung đột (resolve a conflict)
    Resolve {
        record_id: String,
        /// Giữ nguyên một phiên bản (keep this revision)
        #[arg(
            long,
            value_name = "REV",
            conflicts_with = "fields",
            required_unless_present = "fields"
        )]
        keep: Option<String>,
        /// Đặt giá trị từng trường, JSON (set fields, e.g. '{"note":"..."}')
        #[arg(long, value_name = "JSON")]
        fields: Option<String>,
    },
    /// Các máy đã biết và khóa ký (known devices and their keys)
    Devices,
    /// Xuất biên bản một buổi (--visit) hoặc báo cáo kết quả đợt (--campaign) ra DOCX, XLSX,
    /// HTML; in các cảnh báo về số liệu chưa hoàn chỉnh (write the minutes of a visit or the
    /// campaign's results report; warnings about unfinished data are printed)
    Report {
        /// Báo cáo kết quả của đợt kiểm tra (the campaign's results report)
        #[arg(
            long,
            value_name = "ID",
            required_unless_present = "visit",
            conflicts_with = "visit"
        )]
        campaign: Option<String>,
        /// Biên bản của buổi kiểm tra (the minutes of a visit: docx or html)
        #[arg(long, value_name = "ID")]
        visit: Option<String>,
        #[arg(long, value_parser = PossibleValuesParser::new(["docx", "xlsx", "html"]))]
        format: String,
        /// Tệp sẽ ghi (the file to write)
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Tìm kiếm không cần dấu: "doan phi" tìm thấy "đoàn phí" (search, diacritics ignored)
    Search {
        /// Từ khóa; từ cuối có thể chưa gõ hết (words to find; the last may be unfinished)
        #[arg(required = true, value_name = "QUERY")]
        query: Vec<String>,
        /// Chỉ tìm một loại (only one kind)
        #[arg(long, value_name = "KIND", value_parser = PossibleValuesParser::new(search::kinds()))]
        kind: Option<String>,
        /// Số kết quả tối đa (most results shown)
        #[arg(long, value_name = "N", default_value_t = 50)]
        limit: usize,
    },
}

#[derive(Subcommand)]
enum CampaignCmd {
    /// Danh sách đợt kiểm tra
    List,
    /// Tạo đợt kiểm tra; mặc định dùng bộ tiêu chí mới nhất (create a campaign)
    Create(CampaignCreateArgs),
    /// Sửa đợt kiểm tra, chỉ các trường được nêu (edit the given fields)
    Edit {
        id: String,
        #[command(flatten)]
        fields: CampaignEditArgs,
    },
    /// Mọi đơn vị của đợt và tình trạng kiểm tra từng đơn vị (every unit and its visit state)
    Show { id: String },
}

#[derive(Subcommand)]
enum TeamCmd {
    /// Các đoàn của một đợt và thành viên (teams of a campaign and their members)
    List {
        #[arg(long, value_name = "ID")]
        campaign: String,
    },
    /// Lập đoàn kiểm tra; thành viên theo họ tên, chưa có thì thêm mới (create a team;
    /// members by full name, added when new)
    Create(TeamCreateArgs),
    /// Xóa đoàn chưa được giao buổi kiểm tra nào (delete a team without visits)
    Delete { id: String },
}

#[derive(Subcommand)]
enum UnitCmd {
    /// Cây đơn vị; mặc định ẩn đơn vị đã giải thể, sáp nhập (the unit tree, without ended units)
    List {
        /// Cả đơn vị đã giải thể, sáp nhập (include ended units)
        #[arg(long)]
        all: bool,
    },
    /// Thêm đơn vị (add a unit)
    Add(UnitAddArgs),
    /// Sửa tên, mã, cấp... của đơn vị (edit a unit; old campaigns keep the old name)
    Edit {
        id: String,
        #[command(flatten)]
        fields: UnitEditArgs,
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
    /// Nhập danh sách đơn vị từ tệp Excel (.xlsx) hoặc CSV (import units; all or nothing)
    Import {
        /// Tệp .xlsx (trang tính đầu tiên) hoặc .csv UTF-8 (first sheet; CSV split by , ; or tab)
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Chỉ xem trước, không ghi gì (preview only)
        #[arg(long)]
        dry_run: bool,
        /// Bỏ qua các dòng lỗi, chỉ nhập các dòng đúng (import only the good rows)
        #[arg(long)]
        skip_bad: bool,
    },
}

#[derive(Subcommand)]
enum CriteriaCmd {
    /// Xem bộ tiêu chí (mặc định: phiên bản mới nhất)
    Show {
        #[arg(long)]
        id: Option<String>,
    },
    /// Lưu bộ tiêu chí từ tệp JSON (như `criteria show --json`); bộ đang được dùng thì tạo
    /// phiên bản mới (save a set from JSON; a set in use gets a new version)
    Edit {
        #[arg(long, value_name = "FILE")]
        file: PathBuf,
        /// Bộ cần sửa; mặc định theo "id" hoặc "code" trong tệp (the set to edit)
        #[arg(long, value_name = "ID")]
        id: Option<String>,
    },
    /// Các phiên bản của một bộ tiêu chí và số buổi kiểm tra dùng (versions and their use)
    Versions {
        /// Mã bộ tiêu chí, mặc định bộ mới nhất (set code; default the newest set's)
        #[arg(long)]
        code: Option<String>,
    },
}

#[derive(Subcommand)]
enum VisitCmd {
    /// Danh sách buổi kiểm tra
    List {
        #[arg(long, value_name = "ID")]
        campaign: Option<String>,
    },
    /// Chi tiết một buổi kiểm tra
    Show { id: String },
    /// Lên kế hoạch kiểm tra một đơn vị (plan a visit to a unit)
    Plan {
        #[arg(long, value_name = "ID")]
        campaign: String,
        #[arg(long, value_name = "ID")]
        unit: String,
        #[arg(long, value_name = "ID")]
        team: String,
        /// dd/mm/yyyy
        #[arg(long, value_name = "DATE")]
        date: Option<String>,
    },
    /// Đổi đoàn hoặc ngày của buổi kiểm tra (change team or date; "" clears)
    Reschedule {
        id: String,
        #[arg(long, value_name = "ID")]
        team: Option<String>,
        #[arg(long, value_name = "DATE")]
        date: Option<String>,
    },
    /// Hủy buổi kiểm tra còn ở kế hoạch, chưa ghi gì (cancel a planned visit with nothing recorded)
    Cancel { id: String },
    /// Ký biên bản: khóa biên bản (sign the minutes; needs every required item and the
    /// overall result)
    Sign { id: String },
    /// Mở khóa biên bản đã ký để sửa, ghi rõ lý do (unlock signed minutes, with a reason)
    Unlock {
        id: String,
        #[arg(long, value_name = "LÝ DO")]
        reason: String,
    },
}

#[derive(Subcommand)]
enum FindingCmd {
    /// Ghi kết quả một tiêu chí
    Set(FindingSetArgs),
}

#[derive(Args)]
struct FindingSetArgs {
    #[arg(long, value_name = "ID")]
    visit: String,
    #[arg(long, value_name = "CODE")]
    item: String,
    /// dat | chua_dat | none
    #[arg(long, conflicts_with = "points")]
    rating: Option<String>,
    #[arg(long, value_name = "N")]
    points: Option<String>,
    #[arg(long, value_name = "T")]
    note: Option<String>,
    #[arg(long, value_name = "T")]
    explanation: Option<String>,
}

#[derive(Subcommand)]
enum RecommendationCmd {
    /// Thêm kiến nghị cho buổi kiểm tra
    Add {
        #[arg(long, value_name = "ID")]
        visit: String,
        #[arg(long, value_name = "T")]
        text: String,
        /// unit | team | union | party
        #[arg(long)]
        authority: String,
        /// unit | team
        #[arg(long, default_value = "unit")]
        raised_by: String,
        /// dd/mm/yyyy
        #[arg(long, value_name = "DATE")]
        due: Option<String>,
    },
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let lang = lang_from_args(&args);
    let cli = match Cli::try_parse_from(&args) {
        Ok(c) => c,
        Err(e) => return usage_error(e, lang),
    };
    let lang = match &cli.lang {
        Some(l) => match Lang::parse(l) {
            Some(l) => l,
            None => {
                let err = Error::invalid_field("lang", format!("\"{l}\" (vi | en)"));
                eprintln!("{}", err.message(Lang::Vi));
                return ExitCode::from(2);
            }
        },
        None => lang,
    };
    match run(cli, lang) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{}: {}", tr(lang, "Lỗi", "Error"), e.message(lang));
            ExitCode::from(1)
        }
    }
}

/// The language for messages before (or when) clap can't parse: `--lang` if present,
/// else `KIEMTRA_LANG`, else Vietnamese.
fn lang_from_args(args: &[String]) -> Lang {
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--lang" {
            if let Some(l) = it.next().and_then(|v| Lang::parse(v)) {
                return l;
            }
        } else if let Some(v) = a.strip_prefix("--lang=") {
            if let Some(l) = Lang::parse(v) {
                return l;
            }
        }
    }
    std::env::var("KIEMTRA_LANG")
        .ok()
        .and_then(|v| Lang::parse(&v))
        .unwrap_or_default()
}

fn usage_error(e: clap::Error, lang: Lang) -> ExitCode {
    use clap::error::ErrorKind::*;
    match e.kind() {
        DisplayHelp | DisplayVersion | DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        _ => {}
    }
    let what = match (lang, e.kind()) {
        (Lang::Vi, UnknownArgument) => "Tham số không được hỗ trợ",
        (Lang::Vi, InvalidSubcommand) => "Lệnh không tồn tại",
        (Lang::Vi, MissingRequiredArgument) => "Thiếu tham số bắt buộc",
        (Lang::Vi, MissingSubcommand) => "Thiếu lệnh con",
        (Lang::Vi, ArgumentConflict) => "Các tham số không dùng cùng nhau được",
        (Lang::Vi, InvalidValue | ValueValidation) => "Giá trị tham số không hợp lệ",
        (Lang::Vi, _) => "Cách dùng không đúng",
        (Lang::En, UnknownArgument) => "Unsupported argument",
        (Lang::En, InvalidSubcommand) => "No such command",
        (Lang::En, MissingRequiredArgument) => "A required argument is missing",
        (Lang::En, MissingSubcommand) => "A subcommand is missing",
        (Lang::En, ArgumentConflict) => "These arguments cannot be used together",
        (Lang::En, InvalidValue | ValueValidation) => "Invalid argument value",
        (Lang::En, _) => "Wrong usage",
    };
    // clap's own detail (in English) names the exact argument; keep it under our sentence.
    let detail = e.render().to_string();
    let detail = detail.trim().trim_start_matches("error: ");
    eprintln!("{}: {what}.", tr(lang, "Lỗi", "Error"));
    eprintln!("{detail}");
    ExitCode::from(2)
}

fn open(cli: &Cli) -> Result<Store, Error> {
    let path = cli.db.clone().unwrap_or_else(kiemtra_core::default_db_path);
    Store::open(&path)
}

/// `unit import`: preview first, so a refused or empty import neither writes nor takes a
/// backup; then the real import, which checks everything again inside its transaction.
fn unit_import(
    store: &mut Store,
    file: &Path,
    dry_run: bool,
    skip_bad: bool,
    json: bool,
    lang: Lang,
) -> Result<ExitCode, Error> {
    let plan = store.unit_import_preview(file)?;
    let refused = plan.bad > 0 && !skip_bad;
    let refusal = || Error::ImportRows(plan.errors().cloned().collect());
    if dry_run || refused {
        if json && dry_run {
            print_json(&plan);
        } else if json {
            print_json(&serde_json::json!({ "error": refusal().payload(lang), "plan": plan }));
        } else {
            print_unit_plan(&plan, lang, true);
        }
        if refused {
            eprintln!("{}: {}", tr(lang, "Lỗi", "Error"), refusal().message(lang));
            return Ok(ExitCode::from(1));
        }
        print_skipped(&plan, lang);
        return Ok(ExitCode::SUCCESS);
    }
    if plan.create + plan.update > 0 {
        let b = store.backup(5)?;
        if !json {
            println!(
                "{}: {}",
                tr(lang, "Đã sao lưu trước khi nhập", "Backed up before import"),
                b.display()
            );
        }
    }
    let report = store.unit_import(file, skip_bad)?;
    if json {
        print_json(&report);
    } else {
        print_unit_plan(&report.plan, lang, false);
    }
    print_skipped(&report.plan, lang);
    Ok(ExitCode::SUCCESS)
}

fn run(cli: Cli, lang: Lang) -> Result<ExitCode, Error> {
    let json = cli.json;
    let mut store = open(&cli)?;
    match cli.cmd {
        Cmd::Init { device_name } => {
            if let Some(n) = device_name {
                store.set_device_name(&n)?;
            }
            let d = store.device().clone();
            if json {
                print_json(&serde_json::json!({
                    "db": store.path(),
                    "device": d,
                    "schema_version": kiemtra_core::schema_version(),
                }));
            } else {
                println!(
                    "{}: {}",
                    tr(lang, "Cơ sở dữ liệu", "Database"),
                    store.path().display()
                );
                println!("{}: {} ({})", tr(lang, "Máy", "Device"), d.name, d.id);
            }
        }
        Cmd::Demo => {
            let id = store.load_demo()?;
            store.set_onboarded()?;
            if json {
                print_json(&serde_json::json!({ "campaign_id": id }));
            } else {
                println!(
                    "{} {id}",
                    tr(
                        lang,
                        "Đã nạp dữ liệu mẫu: đợt kiểm tra",
                        "Demo data loaded: campaign"
                    )
                );
            }
        }
        Cmd::Campaign(CampaignCmd::List) => {
            let list = store.campaign_summaries()?;
            if json {
                print_json(&list);
            } else {
                print_campaigns(&list, lang);
            }
        }
        Cmd::Campaign(CampaignCmd::Create(a)) => setup::campaign_create(&mut store, a, json, lang)?,
        Cmd::Campaign(CampaignCmd::Edit { id, fields }) => {
            setup::campaign_edit(&mut store, &id, fields, json, lang)?
        }
        Cmd::Campaign(CampaignCmd::Show { id }) => setup::campaign_show(&store, &id, json, lang)?,
        Cmd::Team(TeamCmd::List { campaign }) => setup::team_list(&store, &campaign, json, lang)?,
        Cmd::Team(TeamCmd::Create(a)) => setup::team_create(&mut store, a, json, lang)?,
        Cmd::Team(TeamCmd::Delete { id }) => setup::team_delete(&mut store, &id, json, lang)?,
        Cmd::Unit(UnitCmd::Add(a)) => setup::unit_add(&mut store, a, json, lang)?,
        Cmd::Unit(UnitCmd::Edit { id, fields }) => {
            setup::unit_edit(&mut store, &id, fields, json, lang)?
        }
        Cmd::Unit(UnitCmd::Move { id, parent, top: _ }) => {
            setup::unit_move(&mut store, &id, parent.as_deref(), json, lang)?
        }
        Cmd::Unit(UnitCmd::Merge { ids, into, date }) => {
            setup::unit_merge(&mut store, ids, &into, date, json, lang)?
        }
        Cmd::Unit(UnitCmd::Dissolve { id, date }) => {
            setup::unit_dissolve(&mut store, &id, date, json, lang)?
        }
        Cmd::Visit(VisitCmd::Plan {
            campaign,
            unit,
            team,
            date,
        }) => {
            let date = date.map(|d| model::parse_date(&d)).transpose()?;
            let input = kiemtra_core::setup::VisitPlanInput {
                campaign_id: campaign,
                unit_id: unit,
                team_id: Some(team),
                date,
            };
            setup::visit_plan(&mut store, input, json, lang)?
        }
        Cmd::Visit(VisitCmd::Reschedule { id, team, date }) => {
            setup::visit_reschedule(&mut store, &id, team, date, json, lang)?
        }
        Cmd::Visit(VisitCmd::Cancel { id }) => setup::visit_cancel(&mut store, &id, json, lang)?,
        Cmd::Criteria(CriteriaCmd::Edit { file, id }) => {
            setup::criteria_edit(&mut store, &file, id, json, lang)?
        }
        Cmd::Criteria(CriteriaCmd::Versions { code }) => {
            let code = match code {
                Some(c) => c,
                None => store.criteria_current()?.body.code,
            };
            setup::criteria_versions(&store, &code, json, lang)?
        }
        Cmd::Unit(UnitCmd::List { all }) => {
            let units = store.unit_tree_with(all)?;
            if json {
                print_json(&units);
            } else {
                print_units(&units, lang);
            }
        }
        Cmd::Unit(UnitCmd::Import {
            file,
            dry_run,
            skip_bad,
        }) => return unit_import(&mut store, &file, dry_run, skip_bad, json, lang),
        Cmd::Criteria(CriteriaCmd::Show { id }) => {
            let set = match id {
                Some(id) => {
                    let id = store.resolve_id(model::CriteriaSet::KIND, &id)?;
                    store.require::<model::CriteriaSet>(&id)?
                }
                None => store.criteria_current()?,
            };
            if json {
                print_json(
                    &serde_json::json!({ "id": set.id, "rev": set.rev, "code": set.body.code,
                    "name": set.body.name, "version": set.body.version, "topics": set.body.topics }),
                );
            } else {
                print_criteria(&set, lang);
            }
        }
        Cmd::Visit(VisitCmd::List { campaign }) => {
            let campaign = match campaign {
                Some(c) => Some(store.resolve_id(model::Campaign::KIND, &c)?),
                None => None,
            };
            let rows = store.visit_rows(campaign.as_deref())?;
            if json {
                print_json(&rows);
            } else {
                print_visits(&rows, lang);
            }
        }
        Cmd::Visit(VisitCmd::Show { id }) => {
            let id = store.resolve_id(model::Visit::KIND, &id)?;
            let detail = store.visit_detail(&id)?;
            if json {
                print_json(&detail);
            } else {
                print_visit(&detail, lang);
            }
        }
        Cmd::Visit(VisitCmd::Sign { id }) => {
            let saved = store.visit_sign(&id)?;
            if json {
                print_json(&saved);
            } else {
                println!(
                    "{} {}",
                    tr(lang, "Đã ký biên bản", "Minutes signed"),
                    saved.id
                );
            }
        }
        Cmd::Visit(VisitCmd::Unlock { id, reason }) => {
            let saved = store.visit_unlock(&id, &reason)?;
            if json {
                print_json(&saved);
            } else {
                println!(
                    "{} {} ({}: {})",
                    tr(lang, "Đã mở khóa biên bản", "Minutes unlocked"),
                    saved.id,
                    tr(lang, "lý do", "reason"),
                    reason.trim()
                );
            }
        }
        Cmd::Finding(FindingCmd::Set(a)) => {
            let points = match a.points.as_deref() {
                None => None,
                Some(p) if p.trim().is_empty() || p.trim() == "none" => Some(None),
                Some(p) => {
                    let v: f64 = p
                        .trim()
                        .replace(',', ".")
                        .parse()
                        .map_err(|_| Error::invalid_field("points", format!("\"{p}\"")))?;
                    Some(Some(v))
                }
            };
            let rating = match a.rating.as_deref() {
                None => None,
                Some(r) => Some(Rating::parse(r)?),
            };
            let saved = store.finding_set(FindingInput {
                visit_id: a.visit,
                item_code: a.item,
                rating,
                points,
                note: a.note,
                explanation: a.explanation,
            })?;
            if json {
                print_json(&saved);
            } else {
                println!(
                    "{} {} ({})",
                    tr(lang, "Đã lưu kết quả", "Finding saved"),
                    saved.id,
                    saved.rev
                );
            }
        }
        Cmd::Recommendation(RecommendationCmd::Add {
            visit,
            text,
            authority,
            raised_by,
            due,
        }) => {
            let due_date = match due {
                Some(d) => Some(model::parse_date(&d)?),
                None => None,
            };
            let rec = store.recommendation_add(RecommendationInput {
                visit_id: visit,
                text,
                raised_by: RaisedBy::parse(&raised_by)?,
                authority: Authority::parse(&authority)?,
                due_date,
            })?;
            if json {
                print_json(&rec);
            } else {
                println!(
                    "{} {} ({})",
                    tr(lang, "Đã thêm kiến nghị", "Recommendation added"),
                    rec.id,
                    rec.rev
                );
            }
        }
        Cmd::Attach {
            visit,
            file,
            caption,
            item,
        } => {
            let a = store.attach(&visit, &file, &caption, item.as_deref())?;
            if json {
                print_json(&a);
            } else {
                println!(
                    "{} {} ({}, {} KB) → {}",
                    tr(lang, "Đã đính kèm", "Attached"),
                    a.body.file_name,
                    a.body.mime,
                    a.body.size.div_ceil(1024),
                    a.id
                );
            }
        }
        Cmd::History { record_id } => {
            let id = record_id.trim().to_ascii_lowercase();
            if store.kind_of(&id)?.is_none() {
                return Err(Error::NotFound { what: "record", id });
            }
            let h = store.history(&id)?;
            if json {
                print_json(&h);
            } else {
                print_history(&h, lang);
            }
        }
        Cmd::Export { out, campaign } => {
            let campaign = match campaign {
                Some(c) => Some(store.resolve_id(model::Campaign::KIND, &c)?),
                None => None,
            };
            let r = store.export_bundle(&out, campaign.as_deref())?;
            if json {
                print_json(&r);
            } else {
                println!(
                    "{} {} ({} {}, {} {}, {} KB)",
                    tr(lang, "Đã xuất gói", "Bundle written"),
                    r.path.display(),
                    r.revisions,
                    tr(lang, "phiên bản", "revisions"),
                    r.records,
                    tr(lang, "bản ghi", "records"),
                    r.bytes.div_ceil(1024)
                );
            }
        }
        Cmd::Import { files, dry_run } => {
            let mut reports = Vec::new();
            let mut failed = false;
            if !dry_run {
                let b = store.backup(5)?;
                if !json {
                    println!(
                        "{}: {}",
                        tr(lang, "Đã sao lưu trước khi nhập", "Backed up before import"),
                        b.display()
                    );
                }
            }
            for f in &files {
                match store.import_bundle(f, dry_run) {
                    Ok(r) => {
                        if !json {
                            print_import(&r, lang);
                        }
                        reports.push(serde_json::json!({ "file": f, "ok": true, "report": r }));
                    }
                    Err(e) => {
                        failed = true;
                        eprintln!(
                            "{}: {}: {}",
                            tr(lang, "Lỗi", "Error"),
                            f.display(),
                            e.message(lang)
                        );
                        reports.push(
                            serde_json::json!({ "file": f, "ok": false, "error": e.payload(lang) }),
                        );
                    }
                }
            }
            if json {
                print_json(&reports);
            }
            if failed {
                return Ok(ExitCode::from(1));
            }
        }
        Cmd::Conflicts => {
            let list = store.conflicts()?;
            if json {
                print_json(&list);
            } else {
                print_conflicts(&list, lang);
            }
        }
        Cmd::Resolve {
            record_id,
            keep,
            fields,
        } => {
            let id = record_id.trim().to_ascii_lowercase();
            let how = match (keep, fields) {
                (Some(rev), _) => Resolution::Keep(rev),
                (None, Some(f)) => {
                    let v: serde_json::Value = serde_json::from_str(&f)
                        .map_err(|e| Error::invalid_field("fields", e.to_string()))?;
                    match v {
                        serde_json::Value::Object(m) => Resolution::Fields(m),
                        _ => return Err(Error::invalid_field("fields", "{...}")),
                    }
                }
                (None, None) => {
                    return Err(Error::invalid_field("keep", "--keep REV | --fields JSON"))
                }
            };
            let rev = store.resolve(&id, how)?;
            if json {
                print_json(&serde_json::json!({ "id": id, "rev": rev }));
            } else {
                println!(
                    "{} {id} ({rev})",
                    tr(lang, "Đã giải quyết xung đột", "Conflict resolved")
                );
            }
        }
        Cmd::Devices => {
            let list = store.devices()?;
            if json {
                print_json(&list);
            } else {
                for d in &list {
                    let me = if d.is_self {
                        tr(lang, " (máy này)", " (this laptop)")
                    } else {
                        ""
                    };
                    println!(
                        "{}{me}  {}  {}",
                        d.name,
                        d.id,
                        d.public_key.as_deref().unwrap_or("—")
                    );
                }
            }
        }
        Cmd::Search { query, kind, limit } => {
            let query = query.join(" ");
            if query.trim().is_empty() {
                eprintln!(
                    "{}: {}.",
                    tr(lang, "Lỗi", "Error"),
                    tr(lang, "Thiếu từ khóa tìm kiếm", "Nothing to search for")
                );
                eprintln!(
                    "{}: kiemtra search QUERY [--kind KIND] [--limit N] [--json]",
                    tr(lang, "Cách dùng", "Usage")
                );
                return Ok(ExitCode::from(2));
            }
            let hits = store.search(&query, &SearchOptions { kind, limit })?;
            if json {
                print_json(&hits);
            } else {
                print_search(&query, &hits, lang);
            }
        }
        Cmd::Report {
            campaign,
            visit,
            format,
            out,
        } => {
            let format =
                kiemtra_render::Format::parse(&format).expect("clap allows known formats only");
            let (bytes, warnings) = match (campaign, visit) {
                (_, Some(v)) => {
                    let m = store.visit_minutes(&v)?;
                    (m.render(format)?, m.warnings)
                }
                (Some(c), None) => {
                    let r = store.campaign_report(&c)?;
                    (r.render(format)?, r.warnings)
                }
                (None, None) => unreachable!("clap requires --campaign or --visit"),
            };
            report::write_file(&out, &bytes)?;
            if json {
                print_json(&serde_json::json!({
                    "out": out,
                    "bytes": bytes.len(),
                    "warnings": warnings,
                }));
            } else {
                println!(
                    "{} {} ({} KB)",
                    tr(lang, "Đã ghi", "Written"),
                    out.display(),
                    bytes.len().div_ceil(1024)
                );
                if !warnings.is_empty() {
                    eprintln!(
                        "{} ({}):",
                        tr(
                            lang,
                            "Cảnh báo: số liệu chưa hoàn chỉnh",
                            "Warning: data not final"
                        ),
                        warnings.len()
                    );
                    for w in &warnings {
                        eprintln!("  - {}", w.message(lang));
                    }
                }
            }
        }
        Cmd::Dump { canonical: _ } => {
            print!("{}", store.dump_canonical()?);
        }
        Cmd::Check => {
            let r = store.check()?;
            if json {
                print_json(&r);
            } else if r.ok {
                println!(
                    "{} ({} {}, {} {}, {} {})",
                    tr(lang, "Dữ liệu toàn vẹn", "Database is sound"),
                    r.records,
                    tr(lang, "bản ghi", "records"),
                    r.revisions,
                    tr(lang, "phiên bản", "revisions"),
                    r.conflicts,
                    tr(lang, "xung đột", "conflicts"),
                );
            } else {
                eprintln!(
                    "{}:",
                    tr(lang, "Dữ liệu có lỗi", "The database has problems")
                );
                for p in &r.problems {
                    eprintln!("  - {p}");
                }
            }
            if !r.ok {
                return Ok(ExitCode::from(1));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
