//! `report`: a visit's minutes or a campaign's results report as a document.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::builder::PossibleValuesParser;
use clap::Subcommand;
use kiemtra_core::report;
use kiemtra_core::{Error, Lang, Localize, Store};
use kiemtra_render::{Format, Render};

use crate::messages::{Done, Tally};
use crate::output::print_json;

#[derive(Subcommand)]
pub enum Cmd {
    /// Xuất biên bản một buổi (--visit) hoặc báo cáo kết quả đợt (--campaign) ra DOCX, XLSX,
    /// HTML; in các cảnh báo về số liệu chưa hoàn chỉnh (write the minutes of a visit or the
    /// campaign's results report; warnings about unfinished data are printed)
    Report {
        /// Báo cáo kết quả của đợt kiểm tra (the campaign's results report)
        #[arg(
            long,
            value_name = "ID",
            required_unless_present = "visit",
            conflicts_with = "visit"
        )]
        campaign: Option<String>,
        /// Biên bản của buổi kiểm tra (the minutes of a visit: docx or html)
        #[arg(long, value_name = "ID")]
        visit: Option<String>,
        #[arg(long, value_parser = PossibleValuesParser::new(["docx", "xlsx", "html"]))]
        format: String,
        /// Tệp sẽ ghi (the file to write)
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

pub fn run(cmd: Cmd, store: &mut Store, json: bool, lang: Lang) -> Result<ExitCode, Error> {
    let Cmd::Report {
        campaign,
        visit,
        format,
        out,
    } = cmd;
    let format = Format::parse(&format).expect("clap allows known formats only");
    let (bytes, warnings, draft) = match (campaign, visit) {
        (_, Some(v)) => {
            let m = store.visit_minutes(&v)?;
            (m.render(format)?, m.warnings, m.draft)
        }
        (Some(c), None) => {
            let r = store.campaign_report(&c)?;
            (r.render(format)?, r.warnings, r.draft)
        }
        (None, None) => unreachable!("clap requires --campaign or --visit"),
    };
    report::write_file(&out, &bytes)?;
    if json {
        print_json(&serde_json::json!({
            "out": out,
            "bytes": bytes.len(),
            "draft": draft,
            "warnings": warnings,
        }));
    } else {
        let done = Done::Written {
            path: &out,
            kb: bytes.len().div_ceil(1024),
        };
        println!("{}", done.message(lang));
        if !warnings.is_empty() {
            eprintln!("{}", Tally::NotFinal(warnings.len()).message(lang));
            for w in &warnings {
                eprintln!("  - {}", w.message(lang));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
