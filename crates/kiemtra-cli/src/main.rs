//! `kiemtra`: the same operations as the app, for the secretariat's batch work and scripts.
//! Messages are Vietnamese by default (`--lang en` for English); `--json` prints
//! machine-readable output. Exit codes: 0 done, 1 refused or failed, 2 bad usage.
//!
//! This file holds the command line's top level; each command group lives in `cmd/`, and
//! every text it prints in `messages`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use kiemtra_core::{Error, Lang, Localize, Store};

mod cmd;
mod messages;
mod output;

use cmd::{
    attach, backup, campaign, criteria, database, finding, recommendation, report, revisions,
    search, sync, team, trust, unit, visit,
};
use messages::{Label, Usage};

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

/// The commands in the order `--help` lists them; groups without a subcommand of their own
/// (init, history, export...) are flattened in.
#[derive(Subcommand)]
enum Cmd {
    #[command(flatten)]
    Database(database::Cmd),
    /// Đợt kiểm tra (campaigns)
    #[command(subcommand)]
    Campaign(campaign::Cmd),
    /// Đoàn kiểm tra (inspection teams)
    #[command(subcommand)]
    Team(team::Cmd),
    /// Đơn vị (units)
    #[command(subcommand)]
    Unit(unit::Cmd),
    /// Bộ tiêu chí (criteria set)
    #[command(subcommand)]
    Criteria(criteria::Cmd),
    /// Buổi kiểm tra (visits)
    #[command(subcommand)]
    Visit(visit::Cmd),
    /// Kết quả kiểm tra từng tiêu chí (findings)
    #[command(subcommand)]
    Finding(finding::Cmd),
    /// Đề xuất, kiến nghị (recommendations)
    #[command(subcommand)]
    Recommendation(recommendation::Cmd),
    #[command(flatten)]
    Revisions(revisions::Cmd),
    #[command(flatten)]
    Attach(attach::Cmd),
    #[command(flatten)]
    Sync(sync::Cmd),
    /// Bản sao lưu (backups made before every import)
    #[command(subcommand)]
    Backup(backup::Cmd),
    #[command(flatten)]
    Trust(trust::Cmd),
    #[command(flatten)]
    Report(report::Cmd),
    #[command(flatten)]
    Search(search::Cmd),
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
                // The language asked for is not one we have, so the default one.
                let err = Error::invalid_field("lang", format!("\"{l}\" (vi | en)"));
                eprintln!("{}", err.message(Lang::default()));
                return ExitCode::from(2);
            }
        },
        None => lang,
    };
    match run(cli, lang) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{}: {}", Label::Error.message(lang), e.message(lang));
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
    if let DisplayHelp | DisplayVersion | DisplayHelpOnMissingArgumentOrSubcommand = e.kind() {
        let _ = e.print();
        return ExitCode::SUCCESS;
    }
    // clap's own detail (in English) names the exact argument; keep it under our sentence.
    let detail = e.render().to_string();
    let detail = detail.trim().trim_start_matches("error: ");
    eprintln!(
        "{}: {}.",
        Label::Error.message(lang),
        Usage::Wrong(e.kind()).message(lang)
    );
    eprintln!("{detail}");
    ExitCode::from(2)
}

fn run(cli: Cli, lang: Lang) -> Result<ExitCode, Error> {
    let json = cli.json;
    let path = cli.db.unwrap_or_else(kiemtra_core::default_db_path);
    let store = &mut Store::open(&path)?;
    match cli.cmd {
        Cmd::Database(c) => database::run(c, store, json, lang),
        Cmd::Campaign(c) => campaign::run(c, store, json, lang),
        Cmd::Team(c) => team::run(c, store, json, lang),
        Cmd::Unit(c) => unit::run(c, store, json, lang),
        Cmd::Criteria(c) => criteria::run(c, store, json, lang),
        Cmd::Visit(c) => visit::run(c, store, json, lang),
        Cmd::Finding(c) => finding::run(c, store, json, lang),
        Cmd::Recommendation(c) => recommendation::run(c, store, json, lang),
        Cmd::Revisions(c) => revisions::run(c, store, json, lang),
        Cmd::Attach(c) => attach::run(c, store, json, lang),
        Cmd::Sync(c) => sync::run(c, store, json, lang),
        Cmd::Trust(c) => trust::run(c, store, json, lang),
        Cmd::Report(c) => report::run(c, store, json, lang),
        Cmd::Search(c) => search::run(c, store, json, lang),
        Cmd::Backup(c) => backup::run(c, store, json, lang),
    }
}
