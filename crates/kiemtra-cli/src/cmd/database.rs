//! The database itself: making it (and this laptop's identity), loading the demo.

use std::process::ExitCode;

use clap::Subcommand;
use kiemtra_core::{Error, Lang, Localize, Store};

use crate::messages::{Done, Label};
use crate::output::print_json;

#[derive(Subcommand)]
pub enum Cmd {
    /// Tạo cơ sở dữ liệu và danh tính máy (create the database and this laptop's identity)
    Init {
        #[arg(long, value_name = "N")]
        device_name: Option<String>,
    },
    /// Nạp đợt kiểm tra mẫu năm 2023 (load the 2023 demo campaign)
    Demo,
}

pub fn run(cmd: Cmd, store: &mut Store, json: bool, lang: Lang) -> Result<ExitCode, Error> {
    match cmd {
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
                    Label::Database.message(lang),
                    store.path().display()
                );
                println!("{}: {} ({})", Label::Device.message(lang), d.name, d.id);
            }
        }
        Cmd::Demo => {
            let id = store.load_demo()?;
            store.set_onboarded()?;
            if json {
                print_json(&serde_json::json!({ "campaign_id": id }));
            } else {
                println!("{}", Done::DemoLoaded { campaign: &id }.message(lang));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
