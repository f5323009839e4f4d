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
        /// Tên máy, ví dụ "Máy Đoàn kiểm tra số 1" (this laptop's name)
        #[arg(long, value_name = "N")]
        device_name: Option<String>,
        /// Họ tên người dùng máy; nhắc lại cho nhiều người (a person using it; repeatable)
        #[arg(long, value_name = "HỌ TÊN")]
        person: Vec<String>,
        /// Chức vụ, theo thứ tự --person (their positions, in order)
        #[arg(long, value_name = "CHỨC VỤ")]
        position: Vec<String>,
    },
    /// Nạp đợt kiểm tra mẫu năm 2023 (load the 2023 demo campaign)
    Demo,
}

pub fn run(cmd: Cmd, store: &mut Store, json: bool, lang: Lang) -> Result<ExitCode, Error> {
    match cmd {
        Cmd::Init {
            device_name,
            person,
            position,
        } => {
            if position.len() > person.len() {
                return Err(Error::invalid_field(
                    "position",
                    "--position without --person",
                ));
            }
            if device_name.is_some() || !person.is_empty() {
                let profile = store.device_profile()?;
                let name = device_name.unwrap_or(profile.laptop.name);
                let people = if person.is_empty() {
                    profile.laptop.people
                } else {
                    person
                        .iter()
                        .enumerate()
                        .map(|(i, p)| kiemtra_core::trust::Person {
                            name: p.clone(),
                            position: position.get(i).cloned().unwrap_or_default(),
                        })
                        .collect()
                };
                store.set_device_profile(&name, people, None)?;
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
            // Its records are indexed now, not on the first search (which then waits for
            // whatever else is behind). A failure here loses nothing: search catches up.
            let _ = store.search_catch_up();
            if json {
                print_json(&serde_json::json!({ "campaign_id": id }));
            } else {
                println!("{}", Done::DemoLoaded { campaign: &id }.message(lang));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
