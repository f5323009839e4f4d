//! A document as blocks (paragraphs, tables, images, borderless columns) that both the
//! HTML and the DOCX renderer draw, so the two formats say the same thing in the same order.

use kiemtra_core::model::ReportBasis;
use kiemtra_core::report::*;
use kiemtra_core::{Lang, Localize};

use crate::chart;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Align {
    Left,
    Center,
    Justify,
}

#[derive(Debug, Clone, Default)]
pub struct Run {
    pub text: String,
    pub bold: bool,
    pub italic: bool,
    pub underline: bool,
}

#[derive(Debug, Clone)]
pub struct Para {
    pub runs: Vec<Run>,
    pub align: Align,
    /// First-line indent of body text (about 1 cm).
    pub indent: bool,
    /// Points; none: the body size.
    pub size: Option<u32>,
    /// Kept on the page of what follows (a section title above its table).
    pub keep_next: bool,
    /// A named style (Word's navigation pane and the HTML's headings follow them).
    pub style: Style,
}

/// The paragraph styles a document uses, named as Word names its built-in ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Style {
    #[default]
    Body,
    Title,
    Subtitle,
    /// "I. CÔNG TÁC TỔ CHỨC KIỂM TRA".
    Heading1,
    /// "1. Ưu điểm", a topic of the criteria set.
    Heading2,
}

impl Para {
    fn new(align: Align, runs: Vec<Run>) -> Para {
        Para {
            runs,
            align,
            indent: false,
            size: None,
            keep_next: false,
            style: Style::Body,
        }
    }
    pub fn text(&self) -> String {
        self.runs.iter().map(|r| r.text.as_str()).collect()
    }
}

fn run(t: impl Into<String>) -> Run {
    Run {
        text: t.into(),
        ..Default::default()
    }
}
fn bold(t: impl Into<String>) -> Run {
    Run {
        text: t.into(),
        bold: true,
        ..Default::default()
    }
}
fn italic(t: impl Into<String>) -> Run {
    Run {
        text: t.into(),
        italic: true,
        ..Default::default()
    }
}

fn body(t: impl Into<String>) -> Block {
    Block::Para(Para {
        indent: true,
        ..Para::new(Align::Justify, vec![run(t)])
    })
}
fn labelled(label: &str, t: &str) -> Block {
    Block::Para(Para {
        indent: true,
        ..Para::new(Align::Justify, vec![bold(format!("{label}: ")), run(t)])
    })
}
fn section(t: impl Into<String>) -> Block {
    Block::Para(Para {
        keep_next: true,
        style: Style::Heading2,
        ..Para::new(Align::Left, vec![bold(t)])
    })
}
/// A part of the document: "I. …", "II. …".
fn part(t: impl Into<String>) -> Block {
    Block::Para(Para {
        keep_next: true,
        style: Style::Heading1,
        ..Para::new(Align::Left, vec![bold(t)])
    })
}
fn centred(runs: Vec<Run>) -> Para {
    Para::new(Align::Center, runs)
}

#[derive(Debug, Clone)]
pub struct Table {
    /// Column widths, in percent of the text width.
    pub widths: Vec<u32>,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Columns holding numbers (right-aligned).
    pub numeric: Vec<bool>,
    /// Columns where a blank cell continues the one above it (one merged cell: the code and
    /// title of an item over its rows per level).
    pub merged: Vec<bool>,
}

/// How one body cell of a table is drawn, given `Table::merged`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    Single,
    /// The first of `n` rows merged into one cell.
    Start(usize),
    /// Covered by the cell above.
    Covered,
}

impl Table {
    pub fn span(&self, row: usize, col: usize) -> Span {
        if !self.merged.get(col).copied().unwrap_or(false) {
            return Span::Single;
        }
        let blank = |r: usize| self.rows[r].get(col).is_none_or(|c| c.is_empty());
        if blank(row) {
            // Covered when a non-blank cell above starts the run.
            let above = (0..row).rev().find(|&r| !blank(r));
            return if above.is_some() {
                Span::Covered
            } else {
                Span::Single
            };
        }
        let n = 1 + (row + 1..self.rows.len()).take_while(|&r| blank(r)).count();
        if n > 1 {
            Span::Start(n)
        } else {
            Span::Single
        }
    }
}

#[derive(Debug, Clone)]
pub enum Block {
    Para(Para),
    Table(Table),
    /// A chart 160 mm wide, its caption below it.
    Chart {
        chart: chart::Chart,
        caption: String,
    },
    /// A borderless table of two columns (heading, signatures): each row a pair of cells.
    Columns(Vec<[Vec<Para>; 2]>),
    PageBreak,
}

#[derive(Debug, Clone)]
pub struct Doc {
    pub title: String,
    /// Document properties: what it is about and who issues it.
    pub subject: String,
    pub author: String,
    pub blocks: Vec<Block>,
    /// Shown on screen above the document, never printed (HTML only).
    pub warnings: Vec<String>,
    /// Not final: "DỰ THẢO" under the heading and in every page's header.
    pub draft: bool,
}

/// The mark of a document that is not final, as Vietnamese offices write it.
pub const DRAFT: &str = "DỰ THẢO";

fn draft_block() -> Block {
    Block::Para(Para {
        size: Some(14),
        ..centred(vec![bold(format!("[{DRAFT}]"))])
    })
}

fn heading_block(h: &Heading) -> Block {
    let left = vec![
        centred(vec![run(h.parent_body.clone())]),
        centred(vec![bold(h.issuer.clone())]),
        centred(vec![run("***")]),
        centred(vec![run(format!("Số: {}", h.number))]),
    ];
    let right = vec![
        Para {
            size: Some(15),
            ..centred(vec![Run {
                text: "ĐOÀN TNCS HỒ CHÍ MINH".into(),
                bold: true,
                underline: true,
                ..Default::default()
            }])
        },
        centred(vec![run("")]),
        centred(vec![run("")]),
        centred(vec![italic(h.place_date.clone())]),
    ];
    Block::Columns(vec![[left, right]])
}

fn title_block(kind: &str, summary: &str) -> Vec<Block> {
    vec![
        Block::Para(Para {
            size: Some(15),
            style: Style::Title,
            ..centred(vec![bold(kind)])
        }),
        Block::Para(Para {
            style: Style::Subtitle,
            ..centred(vec![bold(summary)])
        }),
    ]
}

/// A signature: captions, room to sign (and seal), the name. Minutes ask each signer to write
/// their name; a report is signed by the office-holder named under it.
fn sign_box(caption: &[&str], name: &str, hint: bool) -> Vec<Para> {
    let mut v: Vec<Para> = caption.iter().map(|c| centred(vec![bold(*c)])).collect();
    if hint {
        v.push(centred(vec![italic("(Ký, ghi rõ họ tên)")]));
    }
    for _ in 0..4 {
        v.push(centred(vec![run("")]));
    }
    v.push(centred(vec![bold(name)]));
    v
}

fn recipients_cell(list: &[String]) -> Vec<Para> {
    let mut v = vec![Para {
        size: Some(12),
        ..Para::new(
            Align::Left,
            vec![Run {
                text: "Nơi nhận:".into(),
                bold: true,
                italic: true,
                ..Default::default()
            }],
        )
    }];
    for (i, r) in list.iter().enumerate() {
        // Each line ends with ";", the last with "." (as in "- Lưu VP, XDĐ.").
        let r = r.trim().trim_end_matches([';', '.']);
        let end = if i + 1 == list.len() { "." } else { ";" };
        v.push(Para {
            size: Some(11),
            ..Para::new(Align::Left, vec![run(format!("- {r}{end}"))])
        });
    }
    v
}

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

/// A table whose first column numbers its rows ("TT").
fn numbered(widths: Vec<u32>, header: &[&str], rows: Vec<Vec<String>>) -> Block {
    let cols = header.len() + 1;
    Block::Table(Table {
        widths,
        header: std::iter::once("TT")
            .chain(header.iter().copied())
            .map(String::from)
            .collect(),
        rows: rows
            .into_iter()
            .enumerate()
            .map(|(i, r)| std::iter::once((i + 1).to_string()).chain(r).collect())
            .collect(),
        numeric: (0..cols).map(|c| c == 0).collect(),
        merged: Vec::new(),
    })
}

/// "- Đồng chí …, …." for each person, or `blank` dotted lines to fill in by hand.
fn attendee_lines(people: &[kiemtra_core::model::Attendee], blank: usize) -> Vec<Block> {
    if people.is_empty() {
        // Left-aligned: justified dots spread over the line.
        return (0..blank)
            .map(|_| {
                Block::Para(Para {
                    indent: true,
                    ..Para::new(
                        Align::Left,
                        vec![run("- Đồng chí ……………………………, chức vụ ……………………………")],
                    )
                })
            })
            .collect();
    }
    people
        .iter()
        .map(|a| body(format!("- Đồng chí {}, {}.", a.name, or_dots(&a.position))))
        .collect()
}

fn or_dots(s: &str) -> String {
    if s.trim().is_empty() {
        "…………".to_string()
    } else {
        s.to_string()
    }
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

/// The minutes of a visit, laid out.
pub fn minutes_doc(m: &VisitMinutes) -> Doc {
    let mut b = vec![heading_block(&m.heading)];
    if m.draft {
        b.push(draft_block());
    }
    b.extend(title_block(
        "BIÊN BẢN",
        &format!("{} tại {}", inspection_of(&m.campaign_name), m.unit_name),
    ));
    let grounds = if m.decision_number.is_empty() {
        format!("Thực hiện kế hoạch kiểm tra của {},", m.issuing_body)
    } else {
        format!(
            "Căn cứ Quyết định số {} của {} về việc {},",
            m.decision_number,
            m.issuing_body,
            lower_first(&inspection_of(&m.campaign_name))
        )
    };
    b.push(body(grounds));
    // What the team did not record is left to be written in by hand.
    b.push(body(format!(
        "Hôm nay, vào lúc {} {}, tại {}, {} làm việc với {}.",
        if m.started.is_empty() {
            "…… giờ ……"
        } else {
            &m.started
        },
        match m.date {
            Some(d) => format!("ngày {}", date_vi(Some(d))),
            None => "ngày …/…/……".to_string(),
        },
        if m.place.is_empty() {
            "……………………"
        } else {
            &m.place
        },
        or_dots(&m.team_name),
        m.unit_name
    )));
    b.push(part("I. THÀNH PHẦN"));
    b.push(section("1. Đoàn kiểm tra"));
    for t in &m.team {
        let title = if t.title.is_empty() {
            String::new()
        } else {
            format!(", {}", t.title)
        };
        b.push(body(format!(
            "- Đồng chí {}{title} — {}.",
            t.full_name, t.role_label
        )));
    }
    b.push(section(format!("2. Đơn vị được kiểm tra: {}", m.unit_name)));
    b.extend(attendee_lines(&m.unit_attendees, 3));
    b.push(section("3. Đại biểu dự (đại diện cấp ủy, chính quyền)"));
    b.extend(attendee_lines(&m.guests, 2));
    b.push(part("II. NỘI DUNG VÀ KẾT QUẢ KIỂM TRA"));
    if !m.report_summary.trim().is_empty() {
        b.push(labelled("Báo cáo của đơn vị", &m.report_summary));
    }
    for t in &m.topics {
        b.push(section(format!("{}. {}", t.code, t.title)));
        b.push(Block::Table(Table {
            widths: vec![7, 33, 12, 30, 18],
            header: [
                "Mã",
                "Tiêu chí",
                "Kết quả",
                "Ghi nhận",
                "Giải trình của đơn vị",
            ]
            .map(String::from)
            .to_vec(),
            rows: t
                .items
                .iter()
                .map(|i| {
                    vec![
                        i.code.clone(),
                        i.title.clone(),
                        if i.result.is_empty() {
                            "Chưa đánh giá".into()
                        } else {
                            i.result.clone()
                        },
                        i.note.clone(),
                        i.explanation.clone(),
                    ]
                })
                .collect(),
            numeric: vec![false; 5],
            merged: Vec::new(),
        }));
    }
    b.push(body(format!(
        "Đã đánh giá {}/{} tiêu chí.",
        m.rated, m.total_items
    )));
    if !m.difficulties.trim().is_empty() {
        b.push(labelled("Khó khăn, hạn chế đơn vị nêu", &m.difficulties));
    }
    if !m.questions.is_empty() {
        b.push(section("Câu hỏi của Đoàn kiểm tra và trả lời của đơn vị"));
        for (i, q) in m.questions.iter().enumerate() {
            b.push(labelled(&format!("Hỏi {}", i + 1), &q.question));
            b.push(labelled("Trả lời", &or_dots(&q.answer)));
        }
    }
    b.push(part("III. ĐÁNH GIÁ"));
    b.push(labelled("1. Ưu điểm", &or_dots(&m.strengths)));
    b.push(labelled("2. Hạn chế, bất cập", &or_dots(&m.shortcomings)));
    // What goes beyond the unit (IV) apart from what the unit itself must do (V).
    let (tasks, upward): (Vec<&RecommendationLine>, Vec<&RecommendationLine>) = m
        .recommendations
        .iter()
        .partition(|r| r.authority == kiemtra_core::model::Authority::Unit);
    b.push(part("IV. ĐỀ XUẤT, KIẾN NGHỊ"));
    if upward.is_empty() {
        b.push(body("Không có."));
    } else {
        b.push(numbered(
            vec![6, 54, 22, 18],
            &["Nội dung", "Cấp có thẩm quyền giải quyết", "Thời hạn"],
            upward
                .iter()
                .map(|r| {
                    vec![
                        r.text.clone(),
                        r.authority_label.clone(),
                        date_vi(r.due_date),
                    ]
                })
                .collect(),
        ));
    }
    b.push(part("V. KẾT LUẬN"));
    b.push(labelled("1. Đánh giá chung", &or_dots(&m.assessment)));
    b.push(labelled("2. Xếp loại", &or_dots(&m.overall_label)));
    b.push(section("3. Đơn vị được kiểm tra có trách nhiệm"));
    if tasks.is_empty() {
        b.push(body("Không có nội dung phải khắc phục."));
    } else {
        b.push(numbered(
            vec![6, 70, 24],
            &["Nội dung phải thực hiện, khắc phục", "Thời hạn"],
            tasks
                .iter()
                .map(|r| {
                    let due = match r.due_date {
                        Some(d) => date_vi(Some(d)),
                        None => "…/…/……".to_string(),
                    };
                    vec![r.text.clone(), due]
                })
                .collect(),
        ));
    }
    if !m.attachments.is_empty() {
        b.push(section("Tài liệu kèm theo"));
        for a in &m.attachments {
            b.push(body(format!("- {a}.")));
        }
    }
    let ended = if m.ended.is_empty() {
        "…… giờ …… cùng ngày".to_string()
    } else if m.ended.contains(" ngày ") {
        m.ended.clone()
    } else {
        format!("{} cùng ngày", m.ended)
    };
    // One copy for each place it goes to, so the count and the list never disagree; the
    // closing words stay on the page of the signatures.
    b.push(Block::Para(Para {
        keep_next: true,
        indent: true,
        ..Para::new(Align::Justify, vec![run(format!(
            "Biên bản kết thúc lúc {ended}, đã được đọc lại cho các thành viên dự họp cùng nghe, nhất trí thông qua và lập thành {:02} bản có giá trị như nhau, gửi mỗi nơi nhận dưới đây 01 bản.",
            m.recipients.len()
        ))])
    }));
    // Captions of two lines each, so the names below line up.
    b.push(Block::Columns(vec![
        [
            sign_box(
                &["ĐẠI DIỆN", "ĐƠN VỊ ĐƯỢC KIỂM TRA"],
                &m.unit_representative,
                true,
            ),
            sign_box(&["TM. ĐOÀN KIỂM TRA", "TRƯỞNG ĐOÀN"], &m.head_name, true),
        ],
        [
            Vec::new(),
            sign_box(&["THƯ KÝ", "ĐOÀN KIỂM TRA"], &m.secretary_name, true),
        ],
    ]));
    b.extend(recipients_cell(&m.recipients).into_iter().map(Block::Para));
    Doc {
        title: format!("Biên bản kiểm tra — {}", m.unit_name),
        subject: m.campaign_name.clone(),
        author: or_dots(&m.team_name),
        blocks: b,
        warnings: m.warnings.iter().map(|w| w.message(Lang::Vi)).collect(),
        draft: m.draft,
    }
}

/// "Kiểm tra …" as the campaign's name says it, without doubling the word.
fn inspection_of(name: &str) -> String {
    if kiemtra_core::text::fold(name).starts_with("kiem tra") {
        name.to_string()
    } else {
        format!("Kiểm tra {}", lower_first(name))
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
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
    let mut b = vec![heading_block(&r.heading)];
    if r.draft {
        b.push(draft_block());
    }
    b.extend(title_block(
        "BÁO CÁO",
        &format!("Kết quả {}", lower_first(&r.campaign_name)),
    ));
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
