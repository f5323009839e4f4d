//! `team`: a campaign's inspection teams and their members.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use kiemtra_core::model::{self, Entity, Inspector, Role, Team};
use kiemtra_core::setup::{MemberInput, TeamInput};
use kiemtra_core::{Error, Lang, Localize, Store, Stored};

use crate::messages::{Done, Empty};
use crate::output::print_json;

#[derive(Subcommand)]
pub enum Cmd {
    /// Các đoàn của một đợt và thành viên (teams of a campaign and their members)
    List {
        #[arg(long, value_name = "ID")]
        campaign: String,
    },
    /// Lập đoàn kiểm tra; thành viên theo họ tên, chưa có thì thêm mới (create a team;
    /// members by full name, added when new)
    Create(CreateArgs),
    /// Xóa đoàn chưa được giao buổi kiểm tra nào (delete a team without visits)
    Delete { id: String },
}

#[derive(Args)]
pub struct CreateArgs {
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

pub fn run(cmd: Cmd, store: &mut Store, json: bool, lang: Lang) -> Result<ExitCode, Error> {
    match cmd {
        Cmd::List { campaign } => list(store, &campaign, json, lang)?,
        Cmd::Create(a) => create(store, a, json, lang)?,
        Cmd::Delete { id } => {
            let id = store.resolve_id(Team::KIND, &id)?;
            store.team_delete(&id)?;
            if json {
                print_json(&serde_json::json!({ "deleted": id }));
            } else {
                println!("{}", Done::TeamDeleted { id: &id }.message(lang));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn create(store: &mut Store, a: CreateArgs, json: bool, lang: Lang) -> Result<(), Error> {
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
        let done = Done::TeamCreated {
            name: &t.body.name,
            id: &t.id,
        };
        println!("{}", done.message(lang));
        print_members(store, &t, lang)?;
    }
    Ok(())
}

fn print_members(store: &Store, t: &Stored<Team>, lang: Lang) -> Result<(), Error> {
    for m in &t.body.members {
        let name = store.require::<Inspector>(&m.inspector_id)?.body.full_name;
        println!("  - {name}, {}", m.role.message(lang));
    }
    Ok(())
}

fn list(store: &Store, campaign: &str, json: bool, lang: Lang) -> Result<(), Error> {
    let id = store.resolve_id(model::Campaign::KIND, campaign)?;
    let teams = store.campaign_overview(&id)?.teams;
    if json {
        print_json(&teams);
        return Ok(());
    }
    if teams.is_empty() {
        println!("{}", Empty::Teams.message(lang));
    }
    for t in &teams {
        println!("{}  {}", t.id, t.name);
        for m in &t.members {
            println!("  - {}, {}", m.full_name, m.role.message(lang));
        }
    }
    Ok(())
}
