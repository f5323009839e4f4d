//! `attach`: a photo or scanned document kept beside the database for a visit.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use kiemtra_core::{Error, Lang, Localize, Store};

use crate::messages::Done;
use crate::output::print_json;

#[derive(Subcommand)]
pub enum Cmd {
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
}

pub fn run(cmd: Cmd, store: &mut Store, json: bool, lang: Lang) -> Result<ExitCode, Error> {
    let Cmd::Attach {
        visit,
        file,
        caption,
        item,
    } = cmd;
    let a = store.attach(&visit, &file, &caption, item.as_deref())?;
    if json {
        print_json(&a);
    } else {
        let done = Done::Attached {
            file: &a.body.file_name,
            mime: &a.body.mime,
            kb: a.body.size.div_ceil(1024),
            id: &a.id,
        };
        println!("{}", done.message(lang));
    }
    Ok(ExitCode::SUCCESS)
}
