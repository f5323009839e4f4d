//! The campaign's results report, laid out.

use kiemtra_core::model::ReportBasis;
use kiemtra_core::report::*;
use kiemtra_core::{Lang, Localize};

use super::*;
use crate::chart;

/// The annex's columns, which the XLSX ranking sheet shares.
pub const ANNEX_COLUMNS: [&str; 9] = [
    "TT",
    "Đơn vị",
    "Cấp",
    "Ngày",
    "Tình trạng",
    "Đạt",
    "Chưa đạt",
    "Điểm",
    "Xếp loại",
];

/// One unit's row of the annex. A visit the figures do not count shows its status only.
pub fn annex_cells(a: &AnnexRow) -> Vec<String> {
    let (met, not_met, points) = if a.counted {
        (
            a.met.to_string(),
            a.not_met.to_string(),
            if a.max_points > 0 {
                format!("{}/{}", fmt_num(a.points), a.max_points)
            } else {
                String::new()
            },
        )
    } else {
        Default::default()
    };
    vec![
        a.no.to_string(),
        a.unit.clone(),
        a.level.clone(),
        date_vi(a.date),
        a.status_label.clone(),
        met,
        not_met,
        points,
        if a.counted {
            a.overall_label.clone()
        } else {
            String::new()
        },
    ]
}

/// A row's counts; the mean of the points beside the item's maximum ("17,75/20").
fn counts_cells(c: &RatingCounts, max: Option<u32>) -> Vec<String> {
    let avg = match (c.points_avg, max) {
        (Some(a), Some(m)) => format!("{}/{m}", fmt_num(a)),
        (Some(a), None) => fmt_num(a),
        (None, _) => String::new(),
    };
    vec![
        c.dat.to_string(),
        c.chua_dat.to_string(),
        c.scored.to_string(),
        c.not_rated.to_string(),
        avg,
    ]
}

/// A topic's label in a chart: its code and the start of its title.
fn short_topic(t: &TopicResult) -> String {
    let title: String = t.title.chars().take(38).collect();
    let more = if t.title.chars().count() > 38 {
        "…"
    } else {
        ""
    };
    format!("{}. {}{more}", t.code, title.trim_end())
}

/// Per topic, the share of its Đạt / Chưa đạt ratings in the counted visits: a topic with
/// more items gets no longer bar, and nothing not rated takes room.
pub(crate) fn topics_chart(r: &CampaignReport) -> chart::Chart {
    let pct = |part: usize, t: &TopicResult| {
        let rated = t.all.dat + t.all.chua_dat;
        if rated == 0 {
            0.0
        } else {
            100.0 * part as f64 / rated as f64
        }
    };
    chart::Chart {
        title: "Tỷ lệ tiêu chí đạt theo nội dung".into(),
        categories: r.topics.iter().map(short_topic).collect(),
        series: vec![
            chart::Series {
                name: "Đạt".into(),
                colour: chart::GREEN,
                values: r.topics.iter().map(|t| pct(t.all.dat, t)).collect(),
            },
            chart::Series {
                name: "Chưa đạt".into(),
                colour: chart::RED,
                values: r.topics.iter().map(|t| pct(t.all.chua_dat, t)).collect(),
            },
        ],
        percent_bars: true,
    }
}

fn results_chart(r: &CampaignReport) -> chart::Chart {
    let shown: Vec<&OverallCount> = r
        .overall
        .iter()
        .filter(|o| o.result.is_some() || o.count > 0)
        .collect();
    chart::Chart {
        title: "Số đơn vị theo kết quả xếp loại".into(),
        categories: shown
            .iter()
            .map(|o| o.label.replace(" nhiệm vụ", ""))
            .collect(),
        series: vec![chart::Series {
            name: "Số đơn vị".into(),
            colour: chart::BLUE,
            values: shown.iter().map(|o| o.count as f64).collect(),
        }],
        percent_bars: false,
    }
}

/// A text the secretariat wrote: one body paragraph per line, blank lines dropped.
fn prose(text: &str) -> Vec<Block> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(body)
        .collect()
}

/// One sentence of figures above a topic's table: per level, the counted units that met
/// every pass/fail item, then the items some unit did not meet.
fn topic_summary(r: &CampaignReport, t: &TopicResult) -> Option<String> {
    let levels: Vec<String> = t
        .units_by_level
        .iter()
        .zip(&r.levels)
        .filter(|(u, _)| u.units > 0)
        .map(|(u, l)| format!("{}/{} đơn vị {}", u.all_met, u.units, l.to_lowercase()))
        .collect();
    let failed: Vec<String> = t
        .items
        .iter()
        .filter(|i| i.all.chua_dat > 0)
        .map(|i| format!("{} ({} đơn vị)", i.code, i.all.chua_dat))
        .collect();
    let scored: Vec<String> = t
        .items
        .iter()
        .filter_map(|i| {
            let avg = i.all.points_avg?;
            Some(match i.max_points {
                Some(m) => format!("{} bình quân {}/{m} điểm", i.code, fmt_num(avg)),
                None => format!("{} bình quân {} điểm", i.code, fmt_num(avg)),
            })
        })
        .collect();
    let mut out = Vec::new();
    if !levels.is_empty() {
        out.push(format!(
            "{} đạt tất cả tiêu chí đánh giá Đạt/Chưa đạt của nội dung này",
            levels.join(", ")
        ));
    }
    if !failed.is_empty() {
        out.push(format!(
            "tiêu chí có đơn vị chưa đạt: {}",
            failed.join(", ")
        ));
    }
    if !scored.is_empty() {
        out.push(format!("tiêu chí chấm điểm: {}", scored.join(", ")));
    }
    if out.is_empty() {
        return None;
    }
    let mut text = out.join("; ");
    if let Some(first) = text.get(..1) {
        text = first.to_uppercase() + &text[1..];
    }
    Some(format!("{text}."))
}

/// What the figures count, said once in section I so nobody reads a draft as final.
fn basis_sentence(s: &Scope) -> String {
    let unsigned = s.counted.saturating_sub(s.status_counts.signed);
    match (s.basis, s.counted) {
        (ReportBasis::Signed, 0) => "Chưa có buổi kiểm tra nào ký biên bản; số liệu các bảng dưới đây sẽ có khi biên bản được ký.".to_string(),
        (ReportBasis::Completed, 0) => "Chưa có buổi kiểm tra nào hoàn thành; số liệu các bảng dưới đây sẽ có khi buổi kiểm tra hoàn thành.".to_string(),
        (ReportBasis::Signed, n) => format!(
            "Số liệu trong báo cáo tính trên {n} buổi kiểm tra đã ký biên bản; buổi chưa ký chỉ có trong danh sách ở phụ lục."
        ),
        (ReportBasis::Completed, n) => format!(
            "Số liệu trong báo cáo tính trên {n} buổi kiểm tra đã hoàn thành, trong đó {unsigned} buổi chưa ký biên bản."
        ),
    }
}

/// The campaign's results report, laid out.
pub fn report_doc(r: &CampaignReport) -> Doc {
    let mut b = opening(
        &r.heading,
        r.draft,
        "BÁO CÁO",
        &format!("Kết quả {}", lower_first(&r.campaign_name)),
    );
    let grounds = if r.decision_number.is_empty() {
        format!("Thực hiện kế hoạch kiểm tra của {},", r.issuing_body)
    } else {
        format!(
            "Thực hiện Quyết định số {} của {},",
            r.decision_number, r.issuing_body
        )
    };
    // The report speaks for the body that issued the inspection decision (its Standing
    // Committee signs it); the department that drafted it is only in the heading.
    let subject = if r.issuing_body.trim().is_empty() {
        "Đoàn kiểm tra".to_string()
    } else {
        r.issuing_body.clone()
    };
    b.push(body(format!(
        "{grounds} {subject} báo cáo kết quả kiểm tra như sau:"
    )));
    b.push(part("I. CÔNG TÁC TỔ CHỨC KIỂM TRA"));
    let s = &r.scope;
    let dates = match (s.start_date, s.end_date) {
        (Some(a), Some(e)) => format!("từ ngày {} đến ngày {}", date_vi(Some(a)), date_vi(Some(e))),
        (Some(a), None) => format!("từ ngày {}", date_vi(Some(a))),
        _ => "trong năm".to_string(),
    };
    let levels: Vec<String> = s
        .by_level
        .iter()
        .map(|l| {
            format!(
                "{}/{} đơn vị {}",
                l.inspected,
                l.units,
                l.level.to_lowercase()
            )
        })
        .collect();
    b.push(body(format!(
        "Thời gian kiểm tra {dates}. {} đoàn kiểm tra đã kiểm tra {}/{} đơn vị theo kế hoạch ({}); {} biên bản đã ký.",
        s.teams.len(),
        s.units_inspected,
        s.units,
        levels.join(", "),
        s.status_counts.signed
    )));
    b.push(body(basis_sentence(s)));
    if !r.theme.is_empty() {
        b.push(body(format!("Chủ đề năm: \"{}\".", r.theme)));
    }
    b.push(Block::Table(Table {
        widths: vec![34, 28, 12, 13, 13],
        header: [
            "Đoàn kiểm tra",
            "Trưởng đoàn",
            "Thành viên",
            "Số buổi theo kế hoạch",
            "Đã kiểm tra",
        ]
        .map(String::from)
        .to_vec(),
        rows: s
            .teams
            .iter()
            .map(|t| {
                vec![
                    t.name.clone(),
                    t.head.clone(),
                    t.members.to_string(),
                    t.visits.to_string(),
                    t.inspected.to_string(),
                ]
            })
            .collect(),
        numeric: vec![false, false, true, true, true],
        merged: Vec::new(),
    }));
    b.push(part("II. KẾT QUẢ KIỂM TRA THEO NỘI DUNG"));
    let header: Vec<String> = [
        "Mã",
        "Tiêu chí",
        "Cấp",
        "Đạt",
        "Chưa đạt",
        "Chấm điểm",
        "Chưa đánh giá",
        "Điểm TB",
    ]
    .map(String::from)
    .to_vec();
    for t in &r.topics {
        b.push(section(format!("{}. {}", t.code, t.title)));
        if let Some(p) = topic_summary(r, t) {
            b.push(body(p));
        }
        let mut rows = Vec::new();
        for i in &t.items {
            for (li, c) in i.by_level.iter().enumerate() {
                let mut row = vec![
                    if li == 0 {
                        i.code.clone()
                    } else {
                        String::new()
                    },
                    if li == 0 {
                        i.title.clone()
                    } else {
                        String::new()
                    },
                    r.levels[li].clone(),
                ];
                row.extend(counts_cells(c, i.max_points));
                rows.push(row);
            }
            let mut row = vec![String::new(), String::new(), "Cộng".to_string()];
            row.extend(counts_cells(&i.all, i.max_points));
            rows.push(row);
        }
        b.push(Block::Table(Table {
            widths: vec![7, 33, 12, 8, 9, 10, 11, 10],
            header: header.clone(),
            rows,
            numeric: vec![false, false, false, true, true, true, true, true],
            merged: vec![true, true, false, false, false, false, false, false],
        }));
    }
    b.push(Block::Chart {
        chart: topics_chart(r),
        caption: format!(
            "Biểu đồ 1. Tỷ lệ đánh giá Đạt / Chưa đạt theo nội dung, trên các tiêu chí đã đánh giá của {} buổi kiểm tra được tính; tiêu chí chấm điểm ở các bảng trên.",
            r.scope.counted
        ),
    });
    b.push(section("Kết quả xếp loại chung"));
    b.push(Block::Table(Table {
        widths: vec![70, 30],
        header: vec!["Xếp loại".into(), "Số đơn vị".into()],
        rows: r
            .overall
            .iter()
            .map(|o| vec![o.label.clone(), o.count.to_string()])
            .collect(),
        numeric: vec![false, true],
        merged: Vec::new(),
    }));
    b.push(Block::Chart {
        chart: results_chart(r),
        caption: "Biểu đồ 2. Số đơn vị theo kết quả xếp loại.".into(),
    });
    b.push(part("III. ĐÁNH GIÁ CHUNG"));
    let x = &r.texts;
    b.extend(prose(&x.assessment));
    b.push(section("1. Ưu điểm, cách làm hay"));
    if !x.strengths.trim().is_empty() {
        b.extend(prose(&x.strengths));
    } else if r.good_practices.is_empty() {
        b.push(body("Chưa có nội dung."));
    }
    // The units' own words stand only where the secretariat wrote nothing.
    if x.strengths.trim().is_empty() {
        for g in &r.good_practices {
            b.push(labelled(&format!("- {}", g.unit), &g.text));
        }
    }
    b.push(section("2. Hạn chế, bất cập"));
    b.extend(prose(&x.shortcomings));
    if r.common_shortcomings.is_empty() {
        b.push(body("Không có tiêu chí nào bị đánh giá \"Chưa đạt\"."));
    } else {
        b.push(body("Các tiêu chí nhiều đơn vị chưa đạt:"));
        b.push(Block::Table(Table {
            widths: vec![8, 42, 12, 38],
            header: ["Mã", "Tiêu chí", "Số đơn vị chưa đạt", "Đơn vị"]
                .map(String::from)
                .to_vec(),
            rows: r
                .common_shortcomings
                .iter()
                .map(|c| {
                    vec![
                        c.code.clone(),
                        c.title.clone(),
                        c.chua_dat.to_string(),
                        c.units.join("; "),
                    ]
                })
                .collect(),
            numeric: vec![false, false, true, false],
            merged: Vec::new(),
        }));
        if x.shortcomings.trim().is_empty() {
            for c in &r.common_shortcomings {
                for n in &c.notes {
                    b.push(labelled(
                        &format!("- Tiêu chí {} ({})", c.code, n.unit),
                        &n.text,
                    ));
                }
            }
        }
    }
    if x.shortcomings.trim().is_empty() {
        for s in &r.shortcomings {
            b.push(labelled(&format!("- {}", s.unit), &s.text));
        }
    }
    b.push(section("3. Nguyên nhân"));
    b.push(labelled(
        "a) Nguyên nhân khách quan",
        &or_dots(&x.causes_objective),
    ));
    b.push(labelled(
        "b) Nguyên nhân chủ quan",
        &or_dots(&x.causes_subjective),
    ));
    b.push(part("IV. ĐỀ XUẤT, KIẾN NGHỊ"));
    b.extend(prose(&x.proposals));
    if r.recommendations.is_empty() && x.proposals.trim().is_empty() {
        b.push(body("Không có."));
    }
    for (i, g) in r.recommendations.iter().enumerate() {
        let note = if g.forward {
            " (vượt thẩm quyền của Đoàn kiểm tra, chuyển đến cấp có thẩm quyền)"
        } else {
            ""
        };
        b.push(section(format!(
            "{}. Thuộc thẩm quyền: {}{note}",
            i + 1,
            g.label
        )));
        for it in &g.items {
            b.push(labelled(&format!("- {}", it.unit), &it.text));
        }
    }
    b.push(Block::Columns(vec![[
        recipients_cell(&r.settings.recipients),
        sign_box(
            &[&r.settings.signer_title, &r.settings.signer_position],
            &r.settings.signer_name,
            false,
        ),
    ]]));
    b.push(Block::PageBreak);
    b.push(Block::Para(Para {
        style: Style::Heading1,
        ..centred(vec![bold("PHỤ LỤC")])
    }));
    b.push(Block::Para(centred(vec![italic(
        "Kết quả kiểm tra từng đơn vị, xếp theo cấp và kết quả xếp loại",
    )])));
    b.push(Block::Table(Table {
        widths: vec![5, 24, 10, 13, 13, 6, 8, 9, 12],
        header: ANNEX_COLUMNS.map(String::from).to_vec(),
        rows: r.annex.iter().map(annex_cells).collect(),
        numeric: vec![true, false, false, false, false, true, true, true, false],
        merged: Vec::new(),
    }));
    Doc {
        title: format!("Báo cáo kết quả — {}", r.campaign_name),
        subject: r.campaign_name.clone(),
        author: r.heading.issuer.clone(),
        blocks: b,
        warnings: r.warnings.iter().map(|w| w.message(Lang::Vi)).collect(),
        draft: r.draft,
    }
}
