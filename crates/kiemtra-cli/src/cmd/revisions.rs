//! The revisions themselves: one record's history, the whole store as canonical JSON, and
//! the integrity check.

use std::process::ExitCode;

use clap::Subcommand;
use kiemtra_core::store::HistoryEntry;
use kiemtra_core::{Error, Lang, Localize, Store};

use crate::messages::{Label, Tally};
use crate::output::print_json;

#[derive(Subcommand)]
pub enum Cmd {
    /// Lịch sử chỉnh sửa của một bản ghi (history of a record)
    History { record_id: String },
    /// Xuất toàn bộ dữ liệu dạng JSON chuẩn tắc (deterministic dump)
    Dump {
        #[arg(long, required = true)]
        canonical: bool,
    },
    /// Kiểm tra tính toàn vẹn của dữ liệu (integrity check; exit 1 when broken)
    Check,
}

pub fn run(cmd: Cmd, store: &mut Store, json: bool, lang: Lang) -> Result<ExitCode, Error> {
    match cmd {
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
        Cmd::Dump { canonical: _ } => {
            // Streamed: a national database prints without holding its text in memory.
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            match store.dump_canonical_to(&mut out) {
                // The reader stopped reading (`| head`): nothing went wrong here.
                Err(Error::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                r => r?,
            }
        }
        Cmd::Check => {
            let r = store.check()?;
            if json {
                print_json(&r);
            } else if r.ok {
                let tally = Tally::Sound {
                    records: r.records,
                    revisions: r.revisions,
                    conflicts: r.conflicts,
                };
                println!("{}", tally.message(lang));
            } else {
                eprintln!("{}:", Label::Broken.message(lang));
                for p in &r.problems {
                    eprintln!("  - {p}");
                }
                for v in &r.violations {
                    eprintln!("  - {}", v.message(lang));
                }
            }
            if !json && r.unsigned > 0 {
                println!("{}: {}", Label::Unsigned.message(lang), r.unsigned);
            }
            if !r.ok {
                return Ok(ExitCode::from(1));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_history(h: &[HistoryEntry], lang: Lang) {
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
        let ahead = if e.clock_ahead {
            format!(" ({})", Label::ClockAhead.message(lang))
        } else {
            String::new()
        };
        println!(
            "    {}: {}{ahead}   {}: {}",
            Label::Time.message(lang),
            e.hlc,
            Label::Device.message(lang),
            match e.person.as_str() {
                "" => e.device_name.clone(),
                person => format!("{person} — {}", e.device_name),
            }
        );
        if !e.parents.is_empty() {
            println!(
                "    {}: {}",
                Label::Parents.message(lang),
                e.parents.join(", ")
            );
        }
        if e.deleted {
            println!("    {}", Label::Deleted.message(lang));
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
    println!("{}", Tally::History(h.len()).message(lang));
}
