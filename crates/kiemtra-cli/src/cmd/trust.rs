//! Laptops and people: this laptop's card, the laptops it knows, enrolling them into a
//! campaign, revoking them, and trusting another office's campaigns.

use std::process::ExitCode;

use clap::Subcommand;
use kiemtra_core::trust::{EnrolRole, Laptop};
use kiemtra_core::{Error, Lang, Localize, Store};

use crate::messages::{Done, Label};
use crate::output::print_json;

#[derive(Subcommand)]
pub enum Cmd {
    /// Máy này: tên, người dùng, dấu vân tay, các đợt đã ghi danh (this laptop)
    #[command(subcommand)]
    Device(DeviceCmd),
    /// Các máy đã biết, vai trò và trạng thái theo từng đợt (known laptops and their roles)
    Devices,
    /// Ghi danh một máy vào đợt kiểm tra (enrol a laptop into a campaign)
    Enroll {
        /// Mã máy, hoặc phần đầu duy nhất của mã (device id or a unique prefix)
        device: String,
        #[arg(long, value_name = "ID")]
        campaign: String,
        /// team | secretariat
        #[arg(long, value_name = "ROLE")]
        role: String,
        /// Đoàn kiểm tra, khi --role team (the team, with --role team)
        #[arg(long, value_name = "TEAM_ID")]
        team: Option<String>,
    },
    /// Thu hồi quyền của một máy trong đợt kiểm tra (revoke a laptop's enrolment)
    Revoke {
        device: String,
        #[arg(long, value_name = "ID")]
        campaign: String,
        #[arg(long, value_name = "TEXT")]
        reason: String,
    },
    /// Tin cậy các đợt kiểm tra do một máy tạo (accept campaigns a laptop owns)
    Trust { device: String },
    /// Thôi tin cậy một máy (stop trusting a laptop)
    Untrust { device: String },
    /// Khóa khôi phục của văn phòng: đọc được mọi gói của các đợt (the office's recovery key)
    #[command(subcommand, name = "recovery-key")]
    RecoveryKey(RecoveryCmd),
}

#[derive(Subcommand)]
pub enum DeviceCmd {
    /// Xem thông tin máy này (show this laptop)
    Show,
    /// Ghi khóa giải mã của máy này ra tệp, để mở gói bằng công cụ age (write this laptop's
    /// age identity to a file, to open bundles with the standard age tool)
    ExportIdentity {
        #[arg(long, value_name = "FILE")]
        out: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
pub enum RecoveryCmd {
    /// Tạo khóa khôi phục, ghi một lần ra tệp để in hoặc cất vào USB riêng (make the recovery
    /// key; its identity is written once, to print or keep on a second stick)
    Create {
        #[arg(long, value_name = "FILE")]
        out: std::path::PathBuf,
    },
    /// Xem khóa khôi phục đã tạo chưa (whether the office has one)
    Show,
}

pub fn run(cmd: Cmd, store: &mut Store, json: bool, lang: Lang) -> Result<ExitCode, Error> {
    match cmd {
        Cmd::Device(DeviceCmd::Show) => {
            let p = store.device_profile()?;
            if json {
                print_json(&p);
            } else {
                print_laptop(&p.laptop, lang);
            }
        }
        Cmd::Device(DeviceCmd::ExportIdentity { out }) => {
            let recipient = store.export_identity(&out)?;
            if json {
                print_json(&serde_json::json!({ "path": out, "recipient": recipient }));
            } else {
                let done = Done::IdentityWritten {
                    path: &out,
                    recipient: &recipient,
                };
                println!("{}", done.message(lang));
            }
        }
        Cmd::RecoveryKey(RecoveryCmd::Create { out }) => {
            let k = store.recovery_key_create(&out)?;
            if json {
                print_json(&k);
            } else {
                let done = Done::RecoveryKeyWritten {
                    path: &out,
                    campaigns: k.campaigns,
                };
                println!("{}", done.message(lang));
            }
        }
        Cmd::RecoveryKey(RecoveryCmd::Show) => {
            let k = store.recovery_key()?;
            if json {
                print_json(&k);
            } else {
                let line = crate::messages::RecoveryState(k.as_ref()).message(lang);
                println!("{line}");
            }
        }
        Cmd::Devices => {
            let list = store.laptops()?;
            if json {
                print_json(&list);
            } else {
                for l in &list {
                    print_laptop(l, lang);
                    println!();
                }
            }
        }
        Cmd::Enroll {
            device,
            campaign,
            role,
            team,
        } => {
            let role = EnrolRole::parse(&role)
                .ok_or_else(|| Error::invalid_field("role", "team | secretariat"))?;
            let e = store.enroll(&device, &campaign, role, team.as_deref())?;
            if json {
                print_json(&e);
            } else {
                let name = laptop_name(store, &e.device_id)?;
                let done = Done::Enrolled {
                    device: &name,
                    campaign: &e.campaign_id,
                    role: &role.message(lang),
                };
                println!("{}", done.message(lang));
            }
        }
        Cmd::Revoke {
            device,
            campaign,
            reason,
        } => {
            let e = store.revoke(&device, &campaign, &reason)?;
            if json {
                print_json(&e);
            } else {
                let name = laptop_name(store, &e.device_id)?;
                let done = Done::Revoked {
                    device: &name,
                    campaign: &e.campaign_id,
                };
                println!("{}", done.message(lang));
            }
        }
        Cmd::Trust { device } => return trust(store, &device, true, json, lang),
        Cmd::Untrust { device } => return trust(store, &device, false, json, lang),
    }
    Ok(ExitCode::SUCCESS)
}

fn trust(
    store: &mut Store,
    device: &str,
    trusted: bool,
    json: bool,
    lang: Lang,
) -> Result<ExitCode, Error> {
    let l = store.set_trusted(device, trusted)?;
    if json {
        print_json(&l);
    } else {
        let done = Done::Trusted {
            device: &l.name,
            trusted,
        };
        println!("{}", done.message(lang));
    }
    Ok(ExitCode::SUCCESS)
}

fn laptop_name(store: &Store, id: &str) -> Result<String, Error> {
    Ok(store
        .laptops()?
        .into_iter()
        .find(|l| l.id == id)
        .map(|l| l.name)
        .unwrap_or_else(|| id.to_string()))
}

fn print_laptop(l: &Laptop, lang: Lang) {
    let mut flags = Vec::new();
    if l.is_self {
        flags.push(Label::ThisLaptop.message(lang));
    }
    if l.trusted {
        flags.push(Label::Trusted.message(lang));
    }
    let flags = if flags.is_empty() {
        String::new()
    } else {
        format!(" ({})", flags.join(", "))
    };
    println!("{}{flags}  {}", l.name, l.id);
    let people: Vec<String> = l
        .people
        .iter()
        .map(|p| match p.position.as_str() {
            "" => p.name.clone(),
            pos => format!("{} — {pos}", p.name),
        })
        .collect();
    if !people.is_empty() {
        println!("  {}: {}", Label::People.message(lang), people.join("; "));
    }
    println!(
        "  {}: {}",
        Label::Fingerprint.message(lang),
        l.fingerprint.as_deref().unwrap_or("—")
    );
    if l.memberships.is_empty() {
        println!("  {}", Label::NotEnrolled.message(lang));
    }
    for m in &l.memberships {
        let role = if m.owner {
            Label::Owner.message(lang)
        } else {
            let mut r = m.role.message(lang);
            if let Some(t) = &m.team_name {
                r.push_str(&format!(": {t}"));
            }
            r
        };
        let revoked = m
            .revoked
            .as_ref()
            .map(|r| format!(" — {}: {}", Label::RevokedBecause.message(lang), r.reason))
            .unwrap_or_default();
        println!("  {} ({}): {role}{revoked}", m.campaign_name, m.campaign_id);
    }
}
