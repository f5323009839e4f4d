//! `search`: words found anywhere in the data, diacritics ignored.

use std::process::ExitCode;

use clap::builder::PossibleValuesParser;
use clap::Subcommand;
use kiemtra_core::search::{self, SearchHit, SearchOptions};
use kiemtra_core::{Error, Lang, Localize, Store};

use crate::messages::{Label, Search, Usage};
use crate::output::print_json;

#[derive(Subcommand)]
pub enum Cmd {
    /// Tìm kiếm không cần dấu: "doan phi" tìm thấy "đoàn phí" (search, diacritics ignored)
    Search {
        /// Từ khóa; từ cuối có thể chưa gõ hết (words to find; the last may be unfinished)
        #[arg(required = true, value_name = "QUERY")]
        query: Vec<String>,
        /// Chỉ tìm một loại (only one kind)
        #[arg(long, value_name = "KIND", value_parser = PossibleValuesParser::new(search::kinds()))]
        kind: Option<String>,
        /// Số kết quả tối đa (most results shown)
        #[arg(long, value_name = "N", default_value_t = 50)]
        limit: usize,
    },
}

pub fn run(cmd: Cmd, store: &mut Store, json: bool, lang: Lang) -> Result<ExitCode, Error> {
    let Cmd::Search { query, kind, limit } = cmd;
    let query = query.join(" ");
    if query.trim().is_empty() {
        // Blank words pass clap's check but are still bad usage (exit 2), said as clap would.
        eprintln!(
            "{}: {}.",
            Label::Error.message(lang),
            Usage::NothingToSearch.message(lang)
        );
        eprintln!(
            "{}: kiemtra search QUERY [--kind KIND] [--limit N] [--json]",
            Label::Usage.message(lang)
        );
        return Ok(ExitCode::from(2));
    }
    let hits = store.search(&query, &SearchOptions { kind, limit })?;
    if json {
        print_json(&hits);
    } else {
        print_hits(&query, &hits, lang);
    }
    Ok(ExitCode::SUCCESS)
}

fn print_hits(query: &str, hits: &[SearchHit], lang: Lang) {
    if hits.is_empty() {
        println!("{}", Search::NothingFound { query }.message(lang));
        return;
    }
    let count = hits.len();
    println!("{}", Search::Found { count, query }.message(lang));
    for h in hits {
        println!("\n[{}] {}", Search::Kind(&h.kind).message(lang), h.label);
        println!(
            "    {}: {}",
            Search::Field(&h.field).message(lang),
            h.snippet
        );
        println!("    → {}", Search::Place(&h.place).message(lang));
    }
}
