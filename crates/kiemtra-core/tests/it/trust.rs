//! TRUST.md against forgeries: a secretariat, a team laptop and a stranger. Each forged
//! revision is written straight through the engine on the laptop that sends it (as a hostile
//! build would, past the checks every local write gets), carried in a well-signed bundle, and
//! must be refused whole at the secretariat with the rule it breaks, changing nothing. Then an
//! edit concurrent with a signing: a conflict, never merged into the signed minutes.

use std::path::{Path, PathBuf};

use kiemtra_core::ids::{finding_id, new_id};
use kiemtra_core::model::{self, Entity, Finding, Visit, VisitStatus};
use kiemtra_core::store::Revision;
use kiemtra_core::trust::{EnrolRole, WriteRule};
use kiemtra_core::visit::VisitPatch;
use kiemtra_core::{Error, Lang, Localize, Store};

/// A secretariat with the demo campaign and a team laptop enrolled in one of its teams,
/// which has the campaign.
pub(crate) struct Office {
    pub dir: tempfile::TempDir,
    pub hq: Store,
    pub team: Store,
    pub campaign: String,
    /// A planned visit of the team laptop's team, and one of another team.
    pub ours: String,
    pub theirs: String,
}

pub(crate) fn office() -> Office {
    let dir = tempfile::tempdir().unwrap();
    let mut hq = Store::open(&dir.path().join("hq.db")).unwrap();
    hq.set_device_name("Máy Văn phòng").unwrap();
    let campaign = hq.load_demo().unwrap();
    let visits = hq.visit_rows(None).unwrap();
    let ours = visits
        .iter()
        .find(|v| v.status == VisitStatus::Planned)
        .unwrap();
    let theirs = visits
        .iter()
        .find(|v| v.status == VisitStatus::Planned && v.team_id != ours.team_id)
        .unwrap();
    let mut team = Store::open(&dir.path().join("team.db")).unwrap();
    team.set_device_name("Máy Đoàn số 1").unwrap();
    crate::common::enrol_as(
        &mut hq,
        &team,
        &campaign,
        EnrolRole::Team,
        ours.team_id.as_deref(),
        dir.path(),
    );
    let out = dir.path().join("campaign.kiemtra");
    hq.export_plain(&out, Some(&campaign)).unwrap();
    team.import_bundle(&out, false).unwrap();
    Office {
        campaign,
        ours: ours.id.clone(),
        theirs: theirs.id.clone(),
        dir,
        hq,
        team,
    }
}

impl Office {
    pub fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// A completed visit of the demo: every required item rated, ready to sign.
    fn completed_visit(&self) -> String {
        self.hq
            .visit_rows(None)
            .unwrap()
            .into_iter()
            .find(|v| v.status == VisitStatus::Completed)
            .unwrap()
            .id
    }

    /// A second secretariat laptop named `name` (database `db`), enrolled, holding everything
    /// the secretariat has.
    fn secretariat_laptop(&mut self, db: &str, name: &str) -> Store {
        let mut s = Store::open(&self.file(db)).unwrap();
        s.set_device_name(name).unwrap();
        crate::common::enrol(&mut self.hq, &s, &self.campaign, self.dir.path());
        let all = self.file("all.kiemtra");
        self.hq.export_plain(&all, None).unwrap();
        s.import_bundle(&all, false).unwrap();
        s
    }
}

/// Write straight through the engine: signed by `s`'s key, no table of who may write what.
fn raw<T>(
    s: &mut Store,
    f: impl FnOnce(&mut kiemtra_core::store::Writer<'_>) -> kiemtra_store::Result<T>,
) -> T {
    kiemtra_store::Db::write(s, f).unwrap()
}

/// `bundle` is refused at `to` with `rule` named, and nothing changed there.
fn refused_with(to: &mut Store, bundle: &Path, rule: WriteRule) {
    let before = to.dump_canonical().unwrap();
    let err = to.import_bundle(bundle, false).unwrap_err();
    match &err {
        Error::BundleRefused { violations, .. } => assert!(
            violations.iter().any(|v| v.rule == rule),
            "{rule:?} not in {}",
            err.message(Lang::En)
        ),
        other => panic!("expected a refusal naming {rule:?}, got {other:?}"),
    }
    assert!(err
        .message(Lang::Vi)
        .starts_with("Gói dữ liệu bị từ chối cả gói"));
    assert_eq!(to.dump_canonical().unwrap(), before, "nothing changed");
    assert!(to.check().unwrap().ok);
}

fn note(visit: &str, words: &str) -> Finding {
    Finding {
        visit_id: visit.into(),
        item_code: "5.3".into(),
        rating: None,
        points: None,
        note: words.into(),
        explanation: String::new(),
    }
}

#[test]
fn a_team_laptop_cannot_forge_what_its_role_does_not_allow() {
    let mut o = office();
    // Its own visit: fine, and it reaches the secretariat.
    let ok = o.file("ok.kiemtra");
    raw(&mut o.team, |w| {
        w.put(&finding_id(&o.ours, "5.3"), &note(&o.ours, "Đúng quyền"))
    });
    o.team.export_plain(&ok, None).unwrap();
    o.hq.import_bundle(&ok, false).unwrap();

    let cases: Vec<(&str, WriteRule)> = vec![
        ("other-team", WriteRule::OtherTeam),
        ("unit", WriteRule::SecretariatOnly),
        ("campaign", WriteRule::SecretariatOnly),
        ("team-tombstone", WriteRule::SecretariatOnly),
        ("plan", WriteRule::SecretariatOnly),
        (
            "no-visit",
            WriteRule::Reference {
                field: "visit_id".into(),
                kind: "visit".into(),
            },
        ),
        (
            "visit-id-is-a-unit",
            WriteRule::Reference {
                field: "visit_id".into(),
                kind: "visit".into(),
            },
        ),
    ];
    for (case, rule) in cases {
        // Each forgery from a copy of the team laptop, so the cases do not mix.
        let copy = o.file(&format!("team-{case}.db"));
        o.team
            .conn()
            .execute("VACUUM INTO ?1", [copy.to_str().unwrap()])
            .unwrap();
        let mut t = Store::open(&copy).unwrap();
        let unit = t.list::<model::Unit>().unwrap().remove(0);
        let team_id = t.list::<model::Team>().unwrap().remove(0).id;
        let (ours, theirs, campaign) = (o.ours.clone(), o.theirs.clone(), o.campaign.clone());
        raw(&mut t, |w| match case {
            "other-team" => w.put(&finding_id(&theirs, "5.3"), &note(&theirs, "Sửa hộ")),
            "unit" => {
                let mut u = unit.body.clone();
                u.name = "Tên giả".into();
                w.put(&unit.id, &u)
            }
            "campaign" => {
                let mut c = w.get::<model::Campaign>(&campaign)?.unwrap().body;
                c.name = "Đợt bị đổi tên".into();
                w.put(&campaign, &c)
            }
            "team-tombstone" => w.delete(model::Team::KIND, &team_id),
            "plan" => {
                let mut v = w.get::<Visit>(&ours)?.unwrap().body;
                v.date = chrono::NaiveDate::from_ymd_opt(2030, 1, 1);
                w.put(&ours, &v)
            }
            "no-visit" => {
                let ghost = new_id();
                w.put(&finding_id(&ghost, "5.3"), &note(&ghost, "Không có buổi"))
            }
            _ => w.put(
                &finding_id(&unit.id, "5.3"),
                &note(&unit.id, "Trỏ vào đơn vị"),
            ),
        });
        let f = o.file(&format!("{case}.kiemtra"));
        t.export_plain(&f, None).unwrap();
        refused_with(&mut o.hq, &f, rule.clone());
        // Forced into the store past the import, it is what `check` reports.
        if case == "other-team" {
            let forged = t
                .revisions()
                .unwrap()
                .into_iter()
                .find(|r| r.id == finding_id(&o.theirs, "5.3"))
                .unwrap();
            let copy_path = o.file("hq-copy.db");
            o.hq.conn()
                .execute("VACUUM INTO ?1", [copy_path.to_str().unwrap()])
                .unwrap();
            let mut copy = Store::open(&copy_path).unwrap();
            raw(&mut copy, |w| w.apply(&forged, "forced"));
            let r = copy.check().unwrap();
            assert!(
                !r.ok && r.violations.iter().any(|v| v.rule == rule),
                "{:?}",
                r.violations
            );
        }
    }
}

#[test]
fn a_revision_naming_another_laptop_or_an_unenrolled_one_is_refused() {
    let mut o = office();
    let hq_id = o.hq.device().id.clone();
    // Signed with the team laptop's key, claiming the secretariat as its author.
    let id = finding_id(&o.ours, "5.4");
    let body = serde_json::to_value(note(&o.ours, "Giả danh văn phòng")).unwrap();
    let hlc = "2026-11-01T08:00:00.000Z#0000";
    let rev = Revision::compute_rev(&id, Finding::KIND, 1, &[], &hq_id, "", hlc, false, &body);
    let forged = Revision {
        id,
        kind: Finding::KIND.into(),
        sig: Some(o.team.sign_revision(&rev).unwrap()),
        rev,
        parents: vec![],
        device: hq_id,
        person: String::new(),
        hlc: hlc.into(),
        deleted: false,
        body,
    };
    raw(&mut o.team, |w| w.apply(&forged, "forged"));
    let f = o.file("impersonation.kiemtra");
    o.team.export_plain(&f, None).unwrap();
    refused_with(&mut o.hq, &f, WriteRule::BadSignature);

    // A laptop nobody enrolled writes a finding; the team laptop (enrolled) passes it on.
    let mut stranger = Store::open(&o.file("x.db")).unwrap();
    stranger.set_device_name("Máy lạ").unwrap();
    let intro = o.file("x.kiemtra");
    stranger.export_plain(&intro, None).unwrap();
    crate::common::trust_maker(&mut o.team, &intro);
    let relay_src = o.file("campaign-for-x.kiemtra");
    o.hq.export_plain(&relay_src, Some(&o.campaign)).unwrap();
    crate::common::trust_maker(&mut stranger, &relay_src);
    stranger.import_bundle(&relay_src, false).unwrap();
    let ours = o.ours.clone();
    raw(&mut stranger, |w| {
        w.put(&finding_id(&ours, "5.5"), &note(&ours, "Người ngoài ghi"))
    });
    let from_x = o.file("from-x.kiemtra");
    stranger.export_plain(&from_x, None).unwrap();
    o.team.import_bundle(&from_x, false).unwrap_err();
    // The team laptop refuses it too (the stranger is trusted there, not enrolled): forced in
    // raw, then relayed.
    for r in kiemtra_core::Store::open(&o.file("x.db"))
        .unwrap()
        .revisions()
        .unwrap()
        .into_iter()
        .filter(|r| r.kind == Finding::KIND || r.kind == "device")
    {
        raw(&mut o.team, |w| w.apply(&r, "relayed"));
    }
    let relayed = o.file("relayed.kiemtra");
    o.team.export_plain(&relayed, None).unwrap();
    refused_with(&mut o.hq, &relayed, WriteRule::NotEnrolled);
}

#[test]
fn signed_minutes_change_only_through_an_unlock_and_a_concurrent_edit_is_a_conflict() {
    let mut o = office();
    // A completed visit of the demo, all required items rated: signed at the secretariat.
    let visit = o.completed_visit();
    let mut other = o.secretariat_laptop("s2.db", "Máy Văn phòng 2");

    // Concurrently: one signs, the other edits a field the signing does not touch.
    o.hq.visit_sign(&visit).unwrap();
    other
        .visit_update(
            &visit,
            VisitPatch {
                report_summary: Some("Sửa trong lúc đang ký".into()),
                ..Default::default()
            },
        )
        .unwrap();
    let from_other = o.file("s2.kiemtra");
    other.export_plain(&from_other, None).unwrap();
    let rep = o.hq.import_bundle(&from_other, false).unwrap();
    assert_eq!(rep.new_conflicts, 1, "not merged into the signed minutes");
    let c = o.hq.conflicts().unwrap();
    assert!(c.iter().any(|c| c.id == visit && c.while_signing));
    let signed = c
        .iter()
        .find(|c| c.id == visit)
        .unwrap()
        .versions
        .iter()
        .any(|v| v.body["status"] == "signed");
    assert!(signed, "the signed version is one side of the conflict");
    // The signed text stands meanwhile, on both laptops alike.
    let now = o.hq.get::<Visit>(&visit).unwrap().unwrap().body;
    assert_eq!(now.status, VisitStatus::Signed);
    assert_ne!(now.report_summary, "Sửa trong lúc đang ký");
    assert!(o.hq.check().unwrap().ok);
    let back = o.file("hq-back.kiemtra");
    o.hq.export_plain(&back, None).unwrap();
    other.import_bundle(&back, false).unwrap();
    other.export_plain(&from_other, None).unwrap();
    o.hq.import_bundle(&from_other, false).unwrap();
    assert_eq!(
        o.hq.dump_canonical().unwrap(),
        other.dump_canonical().unwrap()
    );

    // An edit on top of signed minutes without an unlock, forced past the local check:
    // refused wherever it arrives.
    let mut o2 = office();
    let v2 = o2.completed_visit();
    o2.hq.visit_sign(&v2).unwrap();
    let mut editor = o2.secretariat_laptop("s3.db", "Máy Văn phòng 3");
    let v2c = v2.clone();
    raw(&mut editor, |w| {
        let mut v = w.get::<Visit>(&v2c)?.unwrap().body;
        v.assessment = "Sửa biên bản đã ký".into();
        w.put(&v2c, &v)
    });
    let bad = o2.file("signed-edit.kiemtra");
    editor.export_plain(&bad, None).unwrap();
    refused_with(&mut o2.hq, &bad, WriteRule::SignedVisit);

    // Through an unlock, with its reason, the same edit is accepted.
    let mut clean = o2.secretariat_laptop("s4.db", "Máy Văn phòng 4");
    clean.visit_unlock(&v2, "Bổ sung đánh giá").unwrap();
    clean
        .visit_update(
            &v2,
            VisitPatch {
                assessment: Some("Sửa sau khi mở khóa".into()),
                ..Default::default()
            },
        )
        .unwrap();
    let good = o2.file("unlocked-edit.kiemtra");
    clean.export_plain(&good, None).unwrap();
    o2.hq.import_bundle(&good, false).unwrap();
    let v = o2.hq.get::<Visit>(&v2).unwrap().unwrap().body;
    assert_eq!(v.assessment, "Sửa sau khi mở khóa");
    assert_eq!(v.unlocks.len(), 1);
    assert!(v.unlocks[0].by.ends_with("Máy Văn phòng 4"));
}

/// A finding of signed minutes changed on a laptop that had not seen the signing: kept,
/// never in what the secretariat signs, shown with who changed it, until a person keeps the
/// signed text (or unlocks to take the change). A follow-up edit of a recommendation is not
/// a change of the minutes.
#[test]
fn a_finding_changed_after_signing_never_reaches_the_signed_documents() {
    let mut o = office();
    let visit = o.completed_visit();
    let mut other = o.secretariat_laptop("s2.db", "Máy Văn phòng 2");
    other.set_person("Trần Thị Bình").unwrap();

    let code =
        o.hq.visit_detail(&visit)
            .unwrap()
            .findings
            .keys()
            .next()
            .unwrap()
            .clone();
    let signed_note = o.hq.visit_detail(&visit).unwrap().findings[&code]
        .note
        .clone();
    let signed_minutes = o.hq.visit_minutes(&visit).unwrap();
    let rec = o.hq.visit_detail(&visit).unwrap().recommendations[0]
        .id
        .clone();
    o.hq.visit_sign(&visit).unwrap();
    // The other laptop, not having seen the signing: a finding's note and a recommendation's
    // follow-up.
    other
        .finding_set(kiemtra_core::visit::FindingInput {
            visit_id: visit.clone(),
            item_code: code.clone(),
            note: Some("Ghi nhận sửa sau khi ký".into()),
            ..Default::default()
        })
        .unwrap();
    other
        .recommendation_update(
            &rec,
            kiemtra_core::visit::RecommendationPatch {
                status: Some(model::RecStatus::Done),
                ..Default::default()
            },
        )
        .unwrap();
    let late = o.file("late.kiemtra");
    other.export_plain(&late, None).unwrap();
    let preview = o.hq.import_bundle(&late, true).unwrap();
    assert_eq!(
        preview.changed_after_signing.len(),
        1,
        "seen in the preview"
    );
    let rep = o.hq.import_bundle(&late, false).unwrap();
    assert_eq!(rep.changed_after_signing.len(), 1);
    assert_eq!(rep.changed_after_signing[0].visit_id, visit);
    assert_eq!(
        rep.changed_after_signing[0].count, 1,
        "the follow-up is not a change"
    );

    // Kept, and shown with its author; the documents keep the signed text.
    assert_eq!(
        o.hq.get::<Finding>(&finding_id(&visit, &code))
            .unwrap()
            .unwrap()
            .body
            .note,
        "Ghi nhận sửa sau khi ký"
    );
    let d = o.hq.visit_detail(&visit).unwrap();
    assert_eq!(d.findings[&code].note, signed_note);
    assert_eq!(d.after_signing.len(), 1);
    let a = &d.after_signing[0];
    assert_eq!(
        (a.change, a.person.as_str(), a.device_name.as_str()),
        (
            kiemtra_core::visit::SealChange::Changed,
            "Trần Thị Bình",
            "Máy Văn phòng 2"
        )
    );
    assert_eq!(a.now.as_ref().unwrap()["note"], "Ghi nhận sửa sau khi ký");
    // The follow-up is today's.
    let r = d.recommendations.iter().find(|r| r.id == rec).unwrap();
    assert_eq!(r.body.status, model::RecStatus::Done);
    let minutes = o.hq.visit_minutes(&visit).unwrap();
    assert_eq!(
        serde_json::to_value(&minutes.topics).unwrap(),
        serde_json::to_value(&signed_minutes.topics).unwrap(),
        "the minutes' checklist is as signed"
    );
    assert!(minutes
        .warnings
        .iter()
        .any(|w| w.code() == "changed_after_signing"));
    let report = o.hq.campaign_report(&o.campaign).unwrap();
    assert!(report
        .warnings
        .iter()
        .any(|w| w.code() == "changed_after_signing"));
    assert!(o.hq.check().unwrap().ok);

    // Keeping the signed text: the finding is as signed again, on every laptop it reaches.
    assert_eq!(o.hq.visit_keep_signed(&visit).unwrap(), 1);
    assert!(o.hq.visit_detail(&visit).unwrap().after_signing.is_empty());
    assert_eq!(
        o.hq.get::<Finding>(&finding_id(&visit, &code))
            .unwrap()
            .unwrap()
            .body
            .note,
        signed_note
    );
    let back = o.file("back.kiemtra");
    o.hq.export_plain(&back, None).unwrap();
    other.import_bundle(&back, false).unwrap();
    assert!(other.visit_detail(&visit).unwrap().after_signing.is_empty());
    assert_eq!(
        other
            .get::<Finding>(&finding_id(&visit, &code))
            .unwrap()
            .unwrap()
            .body
            .note,
        signed_note
    );
    assert_eq!(
        other
            .get::<model::Recommendation>(&rec)
            .unwrap()
            .unwrap()
            .body
            .status,
        model::RecStatus::Done,
        "keeping the signed text keeps the follow-up"
    );

    // Unlocking instead takes the change: the checklist shows it, signing again seals it.
    other
        .finding_set(kiemtra_core::visit::FindingInput {
            visit_id: visit.clone(),
            item_code: code.clone(),
            note: Some("Không thấy việc ký".into()),
            ..Default::default()
        })
        .unwrap_err();
    let late = o.file("late2.kiemtra");
    raw(&mut other, |w| {
        let mut f = w.get::<Finding>(&finding_id(&visit, &code))?.unwrap().body;
        f.note = "Sửa lần hai".into();
        w.put(&finding_id(&visit, &code), &f)
    });
    other.export_plain(&late, None).unwrap();
    o.hq.import_bundle(&late, false).unwrap();
    assert_eq!(
        o.hq.visit_detail(&visit).unwrap().findings[&code].note,
        signed_note
    );
    o.hq.visit_unlock(&visit, "Nhận ghi nhận bổ sung").unwrap();
    let d = o.hq.visit_detail(&visit).unwrap();
    assert_eq!(d.findings[&code].note, "Sửa lần hai");
    assert!(d.after_signing.is_empty());
    o.hq.visit_sign(&visit).unwrap();
    assert_eq!(
        o.hq.visit_minutes(&visit)
            .unwrap()
            .warnings
            .iter()
            .filter(|w| w.code() == "changed_after_signing")
            .count(),
        0
    );
}
