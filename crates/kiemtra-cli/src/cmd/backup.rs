//! Backups: the copies made before every import, and putting one back (after backing up the
//! current data, so the restore can itself be undone).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use kiemtra_core::backups::local_time;
use kiemtra_core::{Error, Lang, Localize, Store};

use crate::messages::{Done, Empty, Size, UnknownReason};
use crate::output::print_json;

#[derive(Subcommand)]
pub enum Cmd {
    /// Liệt kê các bản sao lưu, mới nhất trước (list the backups, newest first)
    List,
    /// Khôi phục một bản sao lưu; dữ liệu hiện tại được sao lưu trước (restore a backup;
    /// the current data is backed up first)
    Restore {
        /// Số thứ tự trong danh sách, tên tệp trong danh sách, hoặc đường dẫn tệp
        /// (the number in the list, a listed file name, or a file path)
        #[arg(value_name = "TỆP|SỐ")]
        which: String,
    },
}

pub fn run(cmd: Cmd, store: &mut Store, json: bool, lang: Lang) -> Result<ExitCode, Error> {
    match cmd {
        Cmd::List => {
            let list = store.backup_list()?;
            if json {
                print_json(&list);
            } else if list.is_empty() {
                println!("{}", Empty::Backups.message(lang));
            } else {
                for b in &list {
                    let why = match &b.reason {
                        Some(r) => r.message(lang),
                        None => UnknownReason.message(lang),
                    };
                    println!(
                        "{:>2}  {}  {:>8}  {why}",
                        b.number,
                        local_time(&b.created_at),
                        Size(b.size).message(lang)
                    );
                    println!("    {}", b.path.display());
                }
            }
        }
        Cmd::Restore { which } => {
            // A number or name of the list first; anything else is a path.
            let path = match store.backup_named(&which) {
                Ok(b) => b.path,
                Err(Error::NotFound { .. })
                    if !which.trim().chars().all(|c| c.is_ascii_digit()) =>
                {
                    PathBuf::from(&which)
                }
                Err(e) => return Err(e),
            };
            let done = store.restore_backup(&path)?;
            if json {
                print_json(&done);
            } else {
                println!(
                    "{}",
                    Done::BackedUpBeforeRestore {
                        path: &done.saved.path
                    }
                    .message(lang)
                );
                println!(
                    "{}",
                    Done::Restored {
                        name: &done.restored.name,
                        at: &local_time(&done.restored.created_at),
                        undo: &done.saved.number.to_string(),
                    }
                    .message(lang)
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
