//! Reports: the minutes of one visit and the campaign's results report, first as plain data
//! (every figure computed here, once), then laid out and rendered by kiemtra-render as
//! printable HTML, DOCX or XLSX. Renderers only format what these structs hold, so a figure
//! in any format is the figure here. The minutes and the campaign report each have their
//! module; what both use is here.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::*;
use crate::store::Store;
use crate::{Bilingual, Lang, Localize};

mod campaign;
mod minutes;

pub use campaign::*;
pub use minutes::*;

/// Something the document cannot show as final: a visit not signed, a record in conflict.
/// The preview and the CLI show these; the document is still made. Sent as
/// `{code, vi, en}`, so the preview can show it in either language.
#[derive(Debug, Clone, PartialEq)]
pub enum Warning {
    NotSigned {
        unit: String,
    },
    NotCompleted {
        unit: String,
        status: VisitStatus,
    },
    Conflict {
        unit: String,
    },
    NoTeam {
        unit: String,
    },
    OtherCriteria {
        unit: String,
    },
    /// Records of the signed minutes changed after signing: the document shows them as
    /// signed.
    ChangedAfterSigning {
        unit: String,
        count: usize,
    },
}

impl Warning {
    /// Stable, for the UI and scripts: `not_signed`, `not_completed`, `conflict`, `no_team`,
    /// `other_criteria`, `changed_after_signing`.
    pub fn code(&self) -> &'static str {
        match self {
            Warning::NotSigned { .. } => "not_signed",
            Warning::NotCompleted { .. } => "not_completed",
            Warning::Conflict { .. } => "conflict",
            Warning::NoTeam { .. } => "no_team",
            Warning::OtherCriteria { .. } => "other_criteria",
            Warning::ChangedAfterSigning { .. } => "changed_after_signing",
        }
    }
}

impl Localize for Warning {
    fn message(&self, lang: Lang) -> String {
        match self {
            Warning::NotSigned { unit } => lang.pick(
                format!("{unit}: biên bản chưa ký."),
                format!("{unit}: the minutes are not signed."),
            ),
            Warning::NotCompleted { unit, status } => lang.pick(
                format!("{unit}: buổi kiểm tra chưa hoàn thành ({}).", status.message(lang)),
                format!("{unit}: the visit is not completed ({}).", status.message(lang)),
            ),
            Warning::Conflict { unit } => lang.pick(
                format!("{unit}: còn xung đột chưa giải quyết; số liệu lấy theo phiên bản đang hiển thị."),
                format!("{unit}: unresolved conflict; figures use the version currently shown."),
            ),
            Warning::NoTeam { unit } => lang.pick(
                format!("{unit}: chưa phân công đoàn kiểm tra."),
                format!("{unit}: no team assigned."),
            ),
            Warning::OtherCriteria { unit } => lang.pick(
                format!("{unit}: kiểm tra theo phiên bản bộ tiêu chí khác; tiêu chí được ghép theo mã."),
                format!("{unit}: checked against another criteria version; items matched by code."),
            ),
            Warning::ChangedAfterSigning { unit, count } => lang.pick(
                format!("{unit}: {count} nội dung của biên bản đã ký bị sửa sau khi ký; văn bản giữ nội dung đã ký cho đến khi có người quyết định."),
                format!("{unit}: {count} record(s) of the signed minutes changed after signing; the document keeps the signed text until someone decides."),
            ),
        }
    }
}

impl Serialize for Warning {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Wire {
            code: &'static str,
            #[serde(flatten)]
            text: Bilingual,
        }
        Wire {
            code: self.code(),
            text: self.both(),
        }
        .serialize(s)
    }
}

/// Which document: the UI and the CLI name them `campaign` (the results report) and `visit`
/// (the minutes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReportKind {
    Campaign,
    Visit,
}

impl ReportKind {
    pub fn parse(s: &str) -> Result<ReportKind> {
        match s {
            "campaign" => Ok(ReportKind::Campaign),
            "visit" => Ok(ReportKind::Visit),
            other => Err(Error::invalid_field("target", other.to_string())),
        }
    }
}

/// A document's data, whichever kind was asked for.
#[derive(Debug, Clone)]
pub enum Report {
    // Boxed: both are large and a `Report` is moved around whole.
    Campaign(Box<CampaignReport>),
    Visit(Box<VisitMinutes>),
}

impl Report {
    pub fn warnings(&self) -> &[Warning] {
        match self {
            Report::Campaign(r) => &r.warnings,
            Report::Visit(m) => &m.warnings,
        }
    }

    /// A file name people can read and any system can store, for the extension given:
    /// "Bao-cao-kiem-tra-cong-tac-doan-2023.docx", "Bien-ban-doan-xa-cuc-phuong.html".
    pub fn file_name(&self, ext: &str) -> String {
        let (what, name) = match self {
            Report::Campaign(r) => ("Bao-cao", &r.campaign_name),
            Report::Visit(m) => ("Bien-ban", &m.unit_name),
        };
        let slug = crate::text::fold(name)
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join("-");
        format!("{what}-{slug}.{ext}")
    }
}

/// The two-column heading and the number of a document.
#[derive(Debug, Clone, Serialize)]
pub struct Heading {
    pub parent_body: String,
    pub issuer: String,
    pub number: String,
    /// "Ninh Bình, ngày 07 tháng 11 năm 2023".
    pub place_date: String,
}

/// "Ninh Bình, ngày 07 tháng 11 năm 2023"; without a date, blanks to write in by hand.
pub fn place_date(place: &str, day: Option<NaiveDate>) -> String {
    let place = if place.trim().is_empty() {
        "…………"
    } else {
        place.trim()
    };
    match day {
        // Days and months below 10 take a leading zero (Decree 30/2020 writes 01, 02).
        Some(d) => format!(
            "{place}, ngày {:02} tháng {:02} năm {}",
            d.day(),
            d.month(),
            d.year()
        ),
        None => format!("{place}, ngày     tháng     năm     "),
    }
}

/// dd/mm/yyyy, as dates are written here (nothing for no date).
pub use crate::dates::dmy_opt as date_vi;

/// "Hoàn thành tốt nhiệm vụ" → "hoàn thành tốt nhiệm vụ", to go inside a sentence.
pub fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// A number as written here: decimal comma, at most two decimals, no trailing zeros.
pub fn fmt_num(x: f64) -> String {
    let s = format!("{x:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.replace('.', ",")
}

fn status_warning(unit: &str, status: VisitStatus) -> Option<Warning> {
    let unit = unit.to_string();
    match status {
        VisitStatus::Signed => None,
        VisitStatus::Completed => Some(Warning::NotSigned { unit }),
        status => Some(Warning::NotCompleted { unit, status }),
    }
}

impl Store {
    /// The document of `kind` for the campaign or visit `id`.
    pub fn report(&self, kind: ReportKind, id: &str) -> Result<Report> {
        Ok(match kind {
            ReportKind::Campaign => Report::Campaign(Box::new(self.campaign_report(id)?)),
            ReportKind::Visit => Report::Visit(Box::new(self.visit_minutes(id)?)),
        })
    }
}

/// Write a document whole or not at all (a temp file beside it, renamed at the end).
pub fn write_file(path: &std::path::Path, bytes: &[u8]) -> Result<()> {
    Ok(kiemtra_store::files::write_atomic(path, bytes)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_kinds_are_named_as_the_ui_and_cli_name_them() {
        for (s, kind) in [
            ("campaign", ReportKind::Campaign),
            ("visit", ReportKind::Visit),
        ] {
            assert_eq!(ReportKind::parse(s).unwrap(), kind);
            assert_eq!(serde_json::to_value(kind).unwrap(), s);
            assert_eq!(
                serde_json::from_value::<ReportKind>(s.into()).unwrap(),
                kind
            );
        }
        for bad in ["khac", "Campaign", ""] {
            let e = ReportKind::parse(bad).unwrap_err();
            assert_eq!(e.code(), "invalid_input", "{bad:?}");
            assert!(e.message(Lang::En).contains("target"), "{e:?}");
        }
    }

    #[test]
    fn warnings_go_out_as_code_vi_en_in_that_order() {
        let unit = "Đoàn xã Cúc Phương".to_string();
        let w = Warning::NotCompleted {
            unit: unit.clone(),
            status: VisitStatus::InProgress,
        };
        assert_eq!(
            serde_json::to_string(&w).unwrap(),
            format!(
                r#"{{"code":"not_completed","vi":"{unit}: buổi kiểm tra chưa hoàn thành ({}).","en":"{unit}: the visit is not completed ({})."}}"#,
                VisitStatus::InProgress.message(Lang::Vi),
                VisitStatus::InProgress.message(Lang::En)
            )
        );
        let all = [
            Warning::NotSigned { unit: unit.clone() },
            w,
            Warning::Conflict { unit: unit.clone() },
            Warning::NoTeam { unit: unit.clone() },
            Warning::OtherCriteria { unit: unit.clone() },
        ];
        let codes: Vec<&str> = all.iter().map(Warning::code).collect();
        assert_eq!(
            codes,
            [
                "not_signed",
                "not_completed",
                "conflict",
                "no_team",
                "other_criteria"
            ]
        );
        for w in &all {
            let json = serde_json::to_value(w).unwrap();
            assert_eq!(json["code"], w.code());
            assert_eq!(json["vi"], w.message(Lang::Vi));
            assert_eq!(json["en"], w.message(Lang::En));
            assert!(w.message(Lang::Vi).starts_with(&format!("{unit}: ")));
            assert_ne!(w.message(Lang::Vi), w.message(Lang::En));
        }
        assert_eq!(
            Warning::NoTeam { unit: unit.clone() }.message(Lang::Vi),
            "Đoàn xã Cúc Phương: chưa phân công đoàn kiểm tra."
        );
        assert_eq!(
            Warning::NotSigned { unit }.message(Lang::En),
            "Đoàn xã Cúc Phương: the minutes are not signed."
        );
    }

    #[test]
    fn a_report_is_chosen_by_kind_and_named_for_its_campaign_or_unit() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("t.db")).unwrap();
        let campaign = s.load_demo().unwrap();
        let r = s.report(ReportKind::Campaign, &campaign).unwrap();
        let Report::Campaign(c) = &r else {
            panic!("{r:?}")
        };
        assert_eq!(c.campaign_id, campaign);
        assert_eq!(
            r.file_name("docx"),
            "Bao-cao-kiem-tra-cong-tac-doan-va-phong-trao-thanh-thieu-nhi-nam-2023.docx"
        );
        assert_eq!(r.warnings(), &c.warnings[..]);
        assert!(!r.warnings().is_empty(), "the demo has unsigned visits");

        let rows = s.visit_rows(Some(&campaign)).unwrap();
        let signed = rows
            .iter()
            .find(|v| v.status == VisitStatus::Signed && !v.conflict)
            .unwrap();
        let m = s.report(ReportKind::Visit, &signed.id).unwrap();
        let Report::Visit(minutes) = &m else {
            panic!("{m:?}")
        };
        assert_eq!(minutes.visit_id, signed.id);
        let expected = format!(
            "Bien-ban-{}.html",
            crate::text::fold(&signed.unit_name).replace(' ', "-")
        );
        assert_eq!(m.file_name("html"), expected);
        assert_eq!(
            Report::Visit(Box::new(VisitMinutes {
                unit_name: "Đoàn TNCS Hồ Chí Minh thành phố Ninh Bình (khối) ".into(),
                ..(**minutes).clone()
            }))
            .file_name("html"),
            "Bien-ban-doan-tncs-ho-chi-minh-thanh-pho-ninh-binh-khoi.html"
        );
        assert!(m.warnings().is_empty(), "{:?}", m.warnings());

        // An id of the other kind is not found, as when the shell resolved it itself.
        let e = s.report(ReportKind::Visit, &campaign).unwrap_err();
        assert_eq!(e.code(), "not_found");
    }
}
