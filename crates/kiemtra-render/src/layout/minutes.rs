//! The minutes of a visit, laid out.

use kiemtra_core::report::*;
use kiemtra_core::{Lang, Localize};

use super::*;

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

/// The minutes of a visit, laid out.
pub fn minutes_doc(m: &VisitMinutes) -> Doc {
    let mut b = opening(
        &m.heading,
        m.draft,
        "BIÊN BẢN",
        &format!("{} tại {}", inspection_of(&m.campaign_name), m.unit_name),
    );
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
