//! Work carried between laptops: bundles out and in, and the conflicts they bring.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use kiemtra_core::backups::BackupReason;
use kiemtra_core::model::{self, Entity};
use kiemtra_core::sync::bundle::{ImportReport, Sealing};
use kiemtra_core::sync::conflicts::{Conflict, Resolution};
use kiemtra_core::sync::encryption::{ReaderName, RECOVERY_READER};
use kiemtra_core::{Error, Lang, Localize, Store};

use crate::messages::{Done, Empty, Label, Reading, Tally};
use crate::output::print_json;

#[derive(Subcommand)]
pub enum Cmd {
    /// Xuất gói dữ liệu .kiemtra để mang đi (export a bundle)
    Export {
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Chỉ một đợt kiểm tra (one campaign only)
        #[arg(long, value_name = "ID")]
        campaign: Option<String>,
        /// Không mã hóa: ai nhặt được tệp cũng đọc được (plain: anyone who finds the file can
        /// read it)
        #[arg(long)]
        plain: bool,
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
}

pub fn run(cmd: Cmd, store: &mut Store, json: bool, lang: Lang) -> Result<ExitCode, Error> {
    match cmd {
        Cmd::Export {
            out,
            campaign,
            plain,
        } => {
            let campaign = match campaign {
                Some(c) => Some(store.resolve_id(model::Campaign::KIND, &c)?),
                None => None,
            };
            let sealing = if plain {
                Sealing::Plain
            } else {
                Sealing::Encrypted
            };
            let r = store.export_bundle_as(&out, campaign.as_deref(), sealing)?;
            if json {
                print_json(&r);
            } else {
                let done = Done::BundleWritten {
                    path: &r.path,
                    revisions: r.revisions,
                    records: r.records,
                    kb: r.bytes.div_ceil(1024),
                };
                println!("{}", done.message(lang));
                let readers: Option<Vec<String>> = r.readers.as_ref().map(|rs| {
                    rs.iter()
                        .map(|x| match x.id.as_str() {
                            RECOVERY_READER => ReaderName::Recovery.message(lang),
                            _ => x.name.clone(),
                        })
                        .collect()
                });
                let reading = match (&readers, r.introduction) {
                    (_, true) => Reading::Introduction,
                    (Some(names), _) => Reading::Encrypted(names),
                    (None, _) => Reading::Plain,
                };
                println!("  {}", reading.message(lang));
                if !r.without_key.is_empty() {
                    println!("  {}", Reading::WithoutKey(&r.without_key).message(lang));
                }
            }
        }
        Cmd::Import { files, dry_run } => return import(store, &files, dry_run, json, lang),
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
                let done = Done::ConflictResolved { id: &id, rev: &rev };
                println!("{}", done.message(lang));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `import`: a backup first (unless only previewing), then each bundle on its own, so one
/// damaged file neither stops the others nor leaves anything half written.
fn import(
    store: &mut Store,
    files: &[PathBuf],
    dry_run: bool,
    json: bool,
    lang: Lang,
) -> Result<ExitCode, Error> {
    let mut reports = Vec::new();
    let mut failed = false;
    if !dry_run {
        let b = store.backup_before(&BackupReason::Import {
            files: files
                .iter()
                .map(|f| {
                    f.file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default()
                })
                .collect(),
        })?;
        if !json {
            println!("{}", Done::BackedUp { path: &b }.message(lang));
        }
    }
    for f in files {
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
                    Label::Error.message(lang),
                    f.display(),
                    e.message(lang)
                );
                reports
                    .push(serde_json::json!({ "file": f, "ok": false, "error": e.payload(lang) }));
            }
        }
    }
    if !dry_run {
        // Index what arrived while the clerk waits for the import anyway, not on the first
        // search. A failure here loses nothing: a search catches up itself.
        let _ = store.search_catch_up();
    }
    if json {
        print_json(&reports);
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn print_import(r: &ImportReport, lang: Lang) {
    let head = if r.dry_run {
        Label::Preview
    } else {
        Label::Imported
    };
    println!("{}: {}", head.message(lang), r.file.display());
    let new = if r.new_device {
        format!(" — {}", Label::UnknownDevice.message(lang))
    } else {
        String::new()
    };
    println!(
        "    {}: {} ({}){new}",
        Label::SignedBy.message(lang),
        r.device.name,
        r.device.id
    );
    println!("    {}: {}", Label::CreatedAt.message(lang), r.created_at);
    let tally = Tally::Bundle {
        revisions: r.revisions,
        new: r.new_revisions,
        known: r.known_revisions,
        conflicts: r.new_conflicts,
    };
    println!("    {}", tally.message(lang));
    if r.clock_ahead > 0 {
        println!("    {}", Tally::ClockAhead(r.clock_ahead).message(lang));
    }
    let readers: Option<Vec<String>> = r
        .encrypted_to
        .as_ref()
        .map(|rs| rs.iter().map(|x| x.message(lang)).collect());
    let reading = match &readers {
        Some(names) => Reading::Encrypted(names),
        None => Reading::Plain,
    };
    println!("    {}", reading.message(lang));
    for c in &r.changed_after_signing {
        let w = kiemtra_core::report::Warning::ChangedAfterSigning {
            unit: c.unit.clone(),
            count: c.count,
        };
        println!("    {} ({})", w.message(lang), c.visit_id);
    }
}

fn print_conflicts(list: &[Conflict], lang: Lang) {
    if list.is_empty() {
        println!("{}", Empty::Conflicts.message(lang));
        return;
    }
    for c in list {
        println!("{} {} ({})", c.kind, c.id, c.versions.len());
        for (i, v) in c.versions.iter().enumerate() {
            let win = if v.is_winner {
                format!(" [{}]", Label::Shown.message(lang))
            } else {
                String::new()
            };
            println!("  #{} {}  {}  {}{win}", i + 1, v.rev, v.device_name, v.hlc);
        }
        for f in &c.fields {
            println!("    {}:", f.field);
            if c.ancestor.is_some() {
                println!("      {}: {}", Label::BeforeEdits.message(lang), f.ancestor);
            }
            for (i, val) in f.values.iter().enumerate() {
                println!("      #{} {val}", i + 1);
            }
        }
    }
}
