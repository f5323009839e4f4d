//! `criteria`: the criteria set and its versions. A set in use is never changed in place.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use kiemtra_core::model::{Campaign, CriteriaSet, Entity, Scale};
use kiemtra_core::{Error, Lang, Localize, Store, Stored};

use crate::messages::{Done, Empty, Label, Tally};
use crate::output::print_json;

#[derive(Subcommand)]
pub enum Cmd {
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
        /// Sửa cho đợt kiểm tra này: chỉ đợt này dùng phiên bản mới (edit for this campaign:
        /// only it moves to the new version)
        #[arg(long, value_name = "ID")]
        campaign: Option<String>,
    },
    /// Tạo bộ tiêu chí mới với mã và tên riêng từ bản sao của một bộ (a new set, with its own
    /// code and name, copied from a set)
    Copy {
        /// Bộ được sao, mặc định bộ mới nhất (the set copied; default the newest)
        #[arg(long, value_name = "ID")]
        id: Option<String>,
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        /// Đợt kiểm tra chuyển sang bộ mới (a campaign that moves to the new set)
        #[arg(long, value_name = "ID")]
        campaign: Option<String>,
    },
    /// Các phiên bản của một bộ tiêu chí và số buổi kiểm tra dùng (versions and their use)
    Versions {
        /// Mã bộ tiêu chí, mặc định bộ mới nhất (set code; default the newest set's)
        #[arg(long)]
        code: Option<String>,
    },
}

pub fn run(cmd: Cmd, store: &mut Store, json: bool, lang: Lang) -> Result<ExitCode, Error> {
    match cmd {
        Cmd::Show { id } => {
            let set = match id {
                Some(id) => {
                    let id = store.resolve_id(CriteriaSet::KIND, &id)?;
                    store.require::<CriteriaSet>(&id)?
                }
                None => store.criteria_current()?,
            };
            if json {
                print_json(
                    &serde_json::json!({ "id": set.id, "rev": set.rev, "code": set.body.code,
                    "name": set.body.name, "version": set.body.version, "topics": set.body.topics }),
                );
            } else {
                print_set(&set, lang);
            }
        }
        Cmd::Edit { file, id, campaign } => edit(store, &file, id, campaign, json, lang)?,
        Cmd::Copy {
            id,
            code,
            name,
            campaign,
        } => {
            // Copied for a campaign, the set it uses now is the natural source.
            let from = match (id, &campaign) {
                (Some(id), _) => id,
                (None, Some(c)) => {
                    let c = store.resolve_id(Campaign::KIND, c)?;
                    match store.require::<Campaign>(&c)?.body.criteria_set_id {
                        Some(set) => set,
                        None => store.criteria_current()?.id,
                    }
                }
                (None, None) => store.criteria_current()?.id,
            };
            let made = store.criteria_set_copy(&from, &code, &name, campaign.as_deref())?;
            if json {
                print_json(&made);
            } else {
                let done = Done::CriteriaCopied {
                    code: &code,
                    id: &made.id,
                    campaigns: made.campaigns_moved.len(),
                    visits: made.visits_moved,
                };
                println!("{}", done.message(lang));
            }
        }
        Cmd::Versions { code } => {
            let code = match code {
                Some(c) => c,
                None => store.criteria_current()?.body.code,
            };
            versions(store, &code, json, lang)?
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `criteria edit --file`: the set named by `--id`, else by the file's `id` (as `criteria show
/// --json` writes it), else the newest version with the file's code; a new code makes a new set.
fn edit(
    store: &mut Store,
    file: &Path,
    id: Option<String>,
    campaign: Option<String>,
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
            let done = Done::CriteriaCreated {
                code: &created.body.code,
                id: &created.id,
            };
            println!("{}", done.message(lang));
        }
        return Ok(());
    };
    let saved = store.criteria_set_save(&id, set, campaign.as_deref())?;
    if json {
        print_json(&saved);
    } else if saved.new_version {
        let done = Done::CriteriaNewVersion {
            version: saved.version,
            id: &saved.id,
            campaigns: saved.campaigns_moved.len(),
            visits: saved.visits_moved,
        };
        println!("{}", done.message(lang));
    } else {
        let done = Done::CriteriaSavedInPlace {
            version: saved.version,
            id: &saved.id,
        };
        println!("{}", done.message(lang));
    }
    Ok(())
}

fn versions(store: &Store, code: &str, json: bool, lang: Lang) -> Result<(), Error> {
    let list = store.criteria_versions(code)?;
    if json {
        print_json(&list);
        return Ok(());
    }
    if list.is_empty() {
        println!("{}", Empty::CriteriaCode.message(lang));
    }
    for v in &list {
        println!(
            "{} {}  {}  {} — {}",
            Label::Version.message(lang),
            v.version,
            v.id,
            v.name,
            Tally::CriteriaVersionUse(v.in_use).message(lang)
        );
    }
    Ok(())
}

fn print_set(set: &Stored<CriteriaSet>, lang: Lang) {
    let s = &set.body;
    println!(
        "{} — {} {} ({})",
        s.name,
        Label::Version.message(lang),
        s.version,
        set.id
    );
    for t in &s.topics {
        println!("\n{}. {}", t.code, t.title);
        for i in &t.items {
            let scale = match i.scale {
                Scale::PassFail => Label::PassFail.message(lang),
                Scale::Points => format!(
                    "0–{} {}",
                    i.max_points.unwrap_or(0),
                    Label::Points.message(lang)
                ),
            };
            let req = if i.required { " *" } else { "" };
            println!("   {} {}{req}  [{scale}]", i.code, i.title);
        }
    }
    let tally = Tally::Criteria {
        topics: s.topics.len(),
        items: s.item_count(),
    };
    println!("\n{}", tally.message(lang));
}
