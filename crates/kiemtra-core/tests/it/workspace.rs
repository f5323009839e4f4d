//! The visit workspace: minutes' texts, attendees, questions, recommendations, sign-off and
//! unlock with a reason.

use kiemtra_core::model::*;
use kiemtra_core::visit::{FindingInput, RecommendationInput};
use kiemtra_core::visit::{RecommendationPatch, VisitPatch};
use kiemtra_core::Localize;
use kiemtra_core::Store;

fn planned(s: &Store) -> String {
    s.visit_rows(None)
        .unwrap()
        .into_iter()
        .find(|v| v.status == VisitStatus::Planned)
        .unwrap()
        .id
}

fn rate_required(s: &mut Store, visit: &str) {
    let d = s.visit_detail(visit).unwrap();
    for item in d.criteria.set.topics.iter().flat_map(|t| &t.items) {
        if !item.required {
            continue;
        }
        let mut input = FindingInput {
            visit_id: visit.into(),
            item_code: item.code.clone(),
            ..Default::default()
        };
        match item.scale {
            Scale::PassFail => input.rating = Some(Some(Rating::Dat)),
            Scale::Points => input.points = Some(Some(1.0)),
        }
        s.finding_set(input).unwrap();
    }
}

#[test]
fn the_minutes_texts_attendees_and_questions_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(&dir.path().join("a.db")).unwrap();
    s.load_demo().unwrap();
    let visit = planned(&s);
    let saved = s
        .visit_update(
            &visit,
            VisitPatch {
                report_summary: Some("Đơn vị báo cáo: kết nạp 45 đoàn viên mới.".into()),
                difficulties: Some("Thanh niên đi làm ăn xa, khó tập hợp.".into()),
                attendees: Some(vec![
                    Attendee {
                        name: "  Nguyễn Thị Hồng Nhung ".into(),
                        position: "Bí thư Đoàn xã".into(),
                        side: Side::Unit,
                    },
                    // A blank row the form left behind is dropped.
                    Attendee {
                        name: " ".into(),
                        position: String::new(),
                        side: Side::Unit,
                    },
                ]),
                questions: Some(vec![Question {
                    question: "Vì sao sổ đoàn viên chưa cập nhật?".into(),
                    answer: "Đồng chí phụ trách mới chuyển công tác.".into(),
                }]),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(
        saved.status,
        VisitStatus::InProgress,
        "writing the minutes starts the visit"
    );
    let v = s.visit_detail(&visit).unwrap().visit.body;
    assert_eq!(
        v.report_summary,
        "Đơn vị báo cáo: kết nạp 45 đoàn viên mới."
    );
    assert_eq!(v.attendees.len(), 1);
    assert_eq!(v.attendees[0].name, "Nguyễn Thị Hồng Nhung");
    assert_eq!(
        v.questions[0].answer,
        "Đồng chí phụ trách mới chuyển công tác."
    );
    // Fields not sent stay as they were.
    s.visit_update(
        &visit,
        VisitPatch {
            strengths: Some("Làm tốt công tác tuyên truyền.".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let v = s.visit_detail(&visit).unwrap().visit.body;
    assert_eq!(v.difficulties, "Thanh niên đi làm ăn xa, khó tập hợp.");
    assert_eq!(v.strengths, "Làm tốt công tác tuyên truyền.");
    assert!(s.check().unwrap().ok);
}

#[test]
fn signing_needs_the_required_items_and_locks_until_unlocked_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(&dir.path().join("a.db")).unwrap();
    s.load_demo().unwrap();
    let visit = planned(&s);
    let rec = s
        .recommendation_add(RecommendationInput {
            visit_id: visit.clone(),
            text: "Đề nghị Tỉnh đoàn hỗ trợ kinh phí chuyển đổi số.".into(),
            raised_by: RaisedBy::Unit,
            authority: Authority::Union,
            due_date: None,
        })
        .unwrap();

    // Nothing rated yet: refused, naming what is missing.
    let err = s.visit_sign(&visit).unwrap_err();
    assert_eq!(err.code(), "sign_incomplete");
    let msg = err.message(kiemtra_core::Lang::Vi);
    // Said once for all the items, with the list a screen links to.
    let payload = err.payload(kiemtra_core::Lang::Vi);
    assert!(
        payload.items.len() > 1 && payload.items[0] == "1.1",
        "{payload:?}"
    );
    assert_eq!(
        msg,
        format!(
            "Chưa thể ký biên bản: còn thiếu {} tiêu chí bắt buộc chưa đánh giá ({}) và xếp loại chung.",
            payload.items.len(),
            payload.items.join(", ")
        )
    );
    assert_eq!(msg.matches("tiêu chí bắt buộc").count(), 1, "{msg}");
    assert!(serde_json::to_value(&payload).unwrap()["items"].is_array());
    let other = kiemtra_core::Error::NotSigned.payload(kiemtra_core::Lang::Vi);
    assert!(serde_json::to_value(&other).unwrap().get("items").is_none());

    rate_required(&mut s, &visit);
    s.visit_update(
        &visit,
        VisitPatch {
            overall_result: Some(Some(OverallResult::Tot)),
            ..Default::default()
        },
    )
    .unwrap();
    let signed = s.visit_sign(&visit).unwrap();
    assert_eq!(signed.status, VisitStatus::Signed);
    let d = s.visit_detail(&visit).unwrap();
    assert!(d.locked && d.visit.body.signed_at.is_some());

    // Locked: the checklist, the texts and the recommendation's wording refuse changes ...
    let before = s.dump_canonical().unwrap();
    let err = s
        .finding_set(FindingInput {
            visit_id: visit.clone(),
            item_code: "1.1".into(),
            note: Some("sửa sau khi ký".into()),
            ..Default::default()
        })
        .unwrap_err();
    assert_eq!(err.code(), "visit_locked");
    let err = s
        .visit_update(
            &visit,
            VisitPatch {
                assessment: Some("sửa".into()),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(err.code(), "visit_locked");
    let err = s
        .recommendation_update(
            &rec.id,
            RecommendationPatch {
                text: Some("khác".into()),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(err.code(), "visit_locked");
    assert_eq!(
        s.recommendation_delete(&rec.id).unwrap_err().code(),
        "visit_locked"
    );
    assert_eq!(s.dump_canonical().unwrap(), before, "nothing changed");

    // ... but its follow-up goes on after signing.
    let r = s
        .recommendation_update(
            &rec.id,
            RecommendationPatch {
                status: Some(RecStatus::Forwarded),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(r.body.status, RecStatus::Forwarded);

    // Unlocking needs a reason, which the history keeps.
    assert_eq!(
        s.visit_unlock(&visit, "   ").unwrap_err().code(),
        "invalid_input"
    );
    let reason = "Bổ sung ý kiến của Bí thư Đảng ủy xã";
    let unlocked = s.visit_unlock(&visit, reason).unwrap();
    assert_eq!(unlocked.status, VisitStatus::Completed);
    let history = s.history(&visit).unwrap();
    let last = history.last().unwrap();
    assert_eq!(last.body["unlocks"][0]["reason"], reason);
    assert_eq!(last.body["status"], "completed");
    assert_eq!(
        history
            .iter()
            .filter(|h| h.body["status"] == "signed")
            .count(),
        1,
        "the signed state stays in the history"
    );
    // Editable again, and unlocking twice is refused.
    s.visit_update(
        &visit,
        VisitPatch {
            assessment: Some("Nhìn chung đơn vị thực hiện tốt.".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        s.visit_unlock(&visit, reason).unwrap_err().code(),
        "not_signed"
    );
    assert_eq!(s.visit_sign(&visit).unwrap().status, VisitStatus::Signed);
    assert!(s.check().unwrap().ok);
}

#[test]
fn signing_goes_through_visit_update_only_by_sign() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(&dir.path().join("a.db")).unwrap();
    s.load_demo().unwrap();
    let visit = planned(&s);
    let err = s
        .visit_update(
            &visit,
            VisitPatch {
                status: Some(VisitStatus::Signed),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(err.code(), "invalid_input");
}
