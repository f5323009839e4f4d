//! Documents from report data: the visit minutes and the campaign results report, laid out
//! once (`layout`) and written as printable HTML, DOCX and XLSX, with charts as data. The
//! figures come from `kiemtra_core::report`, counted once there: a renderer only formats.

pub mod chart;
pub mod docx;
pub mod html;
pub mod layout;
pub mod markup;
pub mod xlsx;

use kiemtra_core::report::{CampaignReport, VisitMinutes};
use kiemtra_core::{Error, Result};

/// The formats a document can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Html,
    Docx,
    Xlsx,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s.to_ascii_lowercase().as_str() {
            "html" => Some(Format::Html),
            "docx" => Some(Format::Docx),
            "xlsx" => Some(Format::Xlsx),
            _ => None,
        }
    }
}

/// A document that can be written as a file.
pub trait Render {
    fn render(&self, f: Format) -> Result<Vec<u8>>;
}

impl Render for VisitMinutes {
    /// The minutes as a file (HTML or DOCX; a spreadsheet is offered for campaigns only).
    fn render(&self, f: Format) -> Result<Vec<u8>> {
        let doc = layout::minutes_doc(self);
        match f {
            Format::Html => Ok(html::render(&doc).into_bytes()),
            Format::Docx => docx::render(&doc),
            Format::Xlsx => Err(Error::Invalid(kiemtra_core::Invalid::rule(
                "format",
                kiemtra_core::Rule::MinutesAsHtmlOrDocx,
            ))),
        }
    }
}

impl Render for CampaignReport {
    fn render(&self, f: Format) -> Result<Vec<u8>> {
        match f {
            Format::Html => Ok(html::render(&layout::report_doc(self)).into_bytes()),
            Format::Docx => docx::render(&layout::report_doc(self)),
            Format::Xlsx => xlsx::render(self),
        }
    }
}
