//! The generated load: the same laptops, records and words on every run.

use super::*;

// Deterministic data

/// A UUIDv7-shaped id, the same for the same (seed, n) on every run.
pub(crate) fn uuid_for(seed: u64, n: u64, millis: i64) -> String {
    let mut r = Rng::new(Rng::new(seed).next() ^ Rng::new(n.wrapping_add(1 << 40)).next());
    let mut bytes = [0u8; 10];
    bytes[..8].copy_from_slice(&r.next().to_le_bytes());
    bytes[8..].copy_from_slice(&r.next().to_le_bytes()[..2]);
    uuid::Builder::from_unix_timestamp_millis(millis as u64, &bytes)
        .into_uuid()
        .to_string()
}

pub(crate) const SUBJECTS: &[&str] = &[
    "Đơn vị",
    "Ban Thường vụ Đoàn xã",
    "Ban Chấp hành Đoàn cơ sở",
    "Chi đoàn thôn Đông",
    "Chi đoàn khu phố 3",
    "Đoàn trường trung học phổ thông",
    "Bí thư Đoàn phường",
    "Ban Chỉ huy Đội",
    "Câu lạc bộ thanh niên tình nguyện",
    "Đoàn Thanh niên Công an xã",
];
pub(crate) const VERBS: &[&str] = &[
    "đã ban hành",
    "chưa cập nhật đầy đủ",
    "tổ chức thực hiện tốt",
    "có minh chứng rõ ràng về",
    "chưa lưu trữ",
    "đã triển khai kịp thời",
    "cần rà soát lại",
    "thực hiện nghiêm túc",
    "còn lúng túng trong việc xây dựng",
    "chủ động phối hợp thực hiện",
];
pub(crate) const OBJECTS: &[&str] = &[
    "chương trình công tác năm 2023",
    "sổ đoàn viên và sổ chi đoàn",
    "biên bản sinh hoạt chi đoàn hằng tháng",
    "báo cáo sơ kết 6 tháng đầu năm",
    "hồ sơ giới thiệu đoàn viên ưu tú cho Đảng xem xét kết nạp",
    "kế hoạch ra quân Chiến dịch Thanh niên tình nguyện hè",
    "công tác thu, nộp đoàn phí",
    "danh sách thanh niên tham gia nghĩa vụ quân sự",
    "phong trào \"Thanh niên tình nguyện\" và \"Tuổi trẻ sáng tạo\"",
    "mô hình \"Thắp sáng đường quê\" tại các thôn, ấp",
    "việc đánh giá, xếp loại chi đoàn cuối năm",
    "nghị quyết Đại hội Đoàn các cấp nhiệm kỳ 2022 – 2027",
];
pub(crate) const TAILS: &[&str] = &[
    ".",
    "; đề nghị bổ sung trước ngày 15/12/2023.",
    ", cần khắc phục trong quý IV.",
    " theo đúng hướng dẫn của Tỉnh đoàn.",
    ", đạt 95% chỉ tiêu được giao.",
    "; một số chi đoàn còn chậm nộp báo cáo.",
    ", có hình ảnh và văn bản kèm theo.",
    " (đoàn kiểm tra đã xem trực tiếp hồ sơ).",
];

/// Vietnamese inspection prose of 100–300 characters.
pub(crate) fn prose(r: &mut Rng) -> String {
    let want = 100 + r.below(201);
    let mut out = String::new();
    loop {
        let sentence = format!(
            "{} {} {}{}",
            r.pick(SUBJECTS),
            r.pick(VERBS),
            r.pick(OBJECTS),
            r.pick(TAILS)
        );
        let (have, add) = (out.chars().count(), sentence.chars().count() + 1);
        if have >= 100 && have + add > want.max(100) {
            break;
        }
        if have + add > 300 {
            // Cut a long sentence to fit, at a character boundary.
            let room = 300 - have - 1;
            if have > 0 {
                out.push(' ');
            }
            out.extend(sentence.chars().take(room));
            break;
        }
        if have > 0 {
            out.push(' ');
        }
        out.push_str(&sentence);
    }
    out
}

pub(crate) fn body<T: Serialize>(v: &T) -> Value {
    canonical::to_value(v).expect("a model value serialises")
}

/// A laptop as it names itself, with its signing key. A real laptop makes its key at random
/// on first run; here the key comes from the seed, so that every run signs the same revisions.
pub(crate) struct Identity {
    pub(crate) device: String,
    pub(crate) name: String,
    /// Who uses it: named on its card and signed into every revision it makes.
    pub(crate) person: Person,
    pub(crate) key: SigningKey,
}

impl Identity {
    pub(crate) fn new(seed: u64, name: String, person: Person) -> Identity {
        let mut r = Rng::new(Rng::new(seed).next() ^ 0x006b_6965_6d74_7261);
        let mut secret = [0u8; 32];
        for chunk in secret.chunks_mut(8) {
            chunk.copy_from_slice(&r.next().to_le_bytes());
        }
        Identity {
            device: uuid_for(seed, 0, T0),
            name,
            person,
            key: SigningKey::from_bytes(&secret),
        }
    }

    pub(crate) fn public_key(&self) -> String {
        hex::encode(self.key.verifying_key().as_bytes())
    }

    pub(crate) fn card(&self) -> DeviceCard {
        DeviceCard {
            name: self.name.clone(),
            public_key: self.public_key(),
            people: vec![self.person.clone()],
            // The generated laptops exchange plain bundles: no age identity.
            age_recipient: String::new(),
        }
    }

    /// A database that is this laptop. `Store::open` gives a new file a random device id and
    /// key; they are replaced before anything is written, so that the bundles this store
    /// exports are signed by the key its revisions are signed with.
    pub(crate) fn open(&self, c: &Config, path: &Path) -> Store {
        let s = c.open(path);
        s.conn()
            .execute(
                "UPDATE devices SET id = ?1, name = ?2, public_key = ?3 WHERE is_self = 1",
                params![self.device, self.name, self.public_key()],
            )
            .expect("device identity");
        s.meta_set("device.secret_key", &hex::encode(self.key.to_bytes()))
            .expect("device key");
        drop(s);
        let s = c.open(path);
        assert_eq!(s.device().id, self.device, "the store took the identity");
        s
    }
}

/// Makes revisions the way a laptop would, with valid ids, linear edit chains, a clock, the
/// person using it and its signature on each.
pub(crate) struct Maker {
    pub(crate) device: String,
    pub(crate) person: String,
    pub(crate) key: SigningKey,
    pub(crate) millis: i64,
    pub(crate) target: usize,
    /// Revisions counted against `target` that the secretariat made for this laptop (its
    /// inspector, enrolment, units and planned visits).
    pub(crate) charged: usize,
    pub(crate) out: Vec<Revision>,
}

impl Maker {
    pub(crate) fn new(who: &Identity, millis: i64, target: usize) -> Maker {
        Maker {
            device: who.device.clone(),
            person: who.person.name.clone(),
            key: who.key.clone(),
            millis,
            target,
            charged: 0,
            out: Vec::new(),
        }
    }

    pub(crate) fn full(&self) -> bool {
        self.out.len() + self.charged >= self.target
    }

    /// One signed revision, stamped with the clock as it stands.
    pub(crate) fn push(
        &mut self,
        kind: &str,
        id: &str,
        parents: Vec<String>,
        deleted: bool,
        body: Value,
    ) -> String {
        let generation = parents
            .iter()
            .filter_map(|p| generation_of(p))
            .max()
            .unwrap_or(0)
            + 1;
        let hlc = Hlc {
            millis: self.millis,
            counter: 0,
        }
        .to_text();
        let rev = Revision::compute_rev(
            id,
            kind,
            generation,
            &parents,
            &self.device,
            &self.person,
            &hlc,
            deleted,
            &body,
        );
        self.out.push(Revision {
            id: id.to_string(),
            kind: kind.to_string(),
            sig: Some(sign_rev(&self.key, &rev)),
            rev: rev.clone(),
            parents,
            device: self.device.clone(),
            person: self.person.clone(),
            hlc,
            deleted,
            body,
        });
        rev
    }

    /// One record's history: `bodies` in order, each the child of the one before. Stops
    /// when the laptop has made its share.
    pub(crate) fn chain(&mut self, r: &mut Rng, kind: &str, id: &str, bodies: Vec<(bool, Value)>) {
        self.chain_after(r, kind, id, None, bodies);
    }

    /// `chain` continuing from `after` (a revision another laptop made of the record).
    pub(crate) fn chain_after(
        &mut self,
        r: &mut Rng,
        kind: &str,
        id: &str,
        after: Option<String>,
        bodies: Vec<(bool, Value)>,
    ) {
        let mut parents: Vec<String> = after.into_iter().collect();
        for (deleted, body) in bodies {
            if self.full() {
                return;
            }
            self.millis += 1_000 + r.below(90_000) as i64;
            let rev = self.push(kind, id, parents, deleted, body);
            parents = vec![rev];
        }
    }

    /// The rev of the last revision this maker made of `id`.
    pub(crate) fn last_of(&self, id: &str) -> Option<String> {
        self.out
            .iter()
            .rev()
            .find(|x| x.id == id)
            .map(|x| x.rev.clone())
    }
}

/// 2025-10-01T00:00:00Z
pub(crate) const T0: i64 = 1_759_276_800_000;
const DAY: i64 = 86_400_000;

/// What the secretariat sends every team: its own card, the campaign, its criteria set, the
/// province and its districts. Every bundle carries it. The secretariat's laptop made the
/// campaign, so it owns it.
pub(crate) struct Base {
    pub(crate) secretariat: Identity,
    pub(crate) revisions: Vec<Revision>,
    pub(crate) campaign_id: String,
    pub(crate) criteria_id: String,
    pub(crate) criteria: CriteriaSet,
    pub(crate) districts: Vec<String>,
}

pub(crate) fn base() -> Base {
    let mut r = Rng::new(1);
    let secretariat = Identity::new(
        0,
        "Máy Văn phòng Tỉnh đoàn".into(),
        Person {
            name: "Trần Thị Thu Hà".into(),
            position: "Chánh Văn phòng Tỉnh đoàn".into(),
        },
    );
    let mut m = Maker::new(&secretariat, T0 - 30 * DAY, usize::MAX);
    m.chain(
        &mut r,
        "device",
        &secretariat.device,
        vec![(false, body(&secretariat.card()))],
    );
    let criteria = kiemtra_core::demo::default_criteria();
    let criteria_id = uuid_for(0, 1, T0);
    let campaign_id = uuid_for(0, 2, T0);
    m.chain(
        &mut r,
        "criteria_set",
        &criteria_id,
        vec![(false, body(&criteria))],
    );
    let campaign = Campaign {
        name: "Kiểm tra công tác Đoàn và phong trào thanh thiếu nhi năm 2023".into(),
        year: 2023,
        theme: "Tuổi trẻ tiên phong, xung kích, sáng tạo".into(),
        start_date: chrono::NaiveDate::from_ymd_opt(2023, 11, 1),
        end_date: chrono::NaiveDate::from_ymd_opt(2023, 12, 15),
        decision_number: "123-QĐ/TĐTN-KT".into(),
        issuing_body: "Ban Thường vụ Tỉnh đoàn".into(),
        place: "Tỉnh Đồng Tháp".into(),
        criteria_set_id: Some(criteria_id.clone()),
        report: None,
        recovery_recipient: String::new(),
        texts: Default::default(),
    };
    m.chain(
        &mut r,
        "campaign",
        &campaign_id,
        vec![(false, body(&campaign))],
    );
    let province = uuid_for(0, 3, T0);
    let unit = |name: String, kind: &str, label: &str, parent: Option<String>| Unit {
        short_name: name.clone(),
        code: String::new(),
        name,
        kind: kind.into(),
        level_label: label.into(),
        parent_id: parent,
        valid_from: None,
        valid_to: None,
        merged_into: None,
    };
    let p = unit("Tỉnh đoàn Đồng Tháp".into(), "tinh_doan", "Cấp tỉnh", None);
    m.chain(&mut r, "unit", &province, vec![(false, body(&p))]);
    let mut districts = Vec::new();
    for d in 0..20 {
        let id = uuid_for(0, 10 + d, T0);
        let u = unit(
            format!("Huyện đoàn số {}", d + 1),
            "huyen_doan",
            "Cấp huyện",
            Some(province.clone()),
        );
        m.chain(&mut r, "unit", &id, vec![(false, body(&u))]);
        districts.push(id);
    }
    Base {
        secretariat,
        revisions: m.out,
        campaign_id,
        criteria_id,
        criteria,
        districts,
    }
}

pub(crate) fn visit_id(laptop: usize, n: usize) -> String {
    uuid_for(1_000 + laptop as u64, 1_000_000 + n as u64, T0)
}

pub(crate) fn laptop_identity(laptop: usize) -> Identity {
    let person = inspector_of(laptop);
    Identity::new(
        1_000 + laptop as u64,
        format!("Máy đoàn kiểm tra {}", laptop + 1),
        Person {
            name: person.full_name,
            position: person.title,
        },
    )
}

pub(crate) fn inspector_of(laptop: usize) -> Inspector {
    Inspector {
        full_name: format!("Nguyễn Thị Hồng Nhung {laptop}"),
        title: "Phó Bí thư Tỉnh đoàn".into(),
        organisation: "Tỉnh đoàn".into(),
    }
}

/// How many items of a pair's shared visit both laptops rate (each on its own).
pub(crate) const SHARED_ITEMS: usize = 8;

/// What the secretariat makes for team k (laptops 2k and 2k+1) before it goes out, counted against its laptops'
/// shares: each laptop's inspector, the team, each laptop's enrolment (role team). The
/// units and planned visits are made as the laptops need them (`laptop_revisions`).
pub(crate) struct TeamPlan {
    pub(crate) team_id: String,
    pub(crate) laptops: Vec<usize>,
    pub(crate) sec: Maker,
    /// Revisions of `sec` charged to each laptop so far.
    pub(crate) charged: Vec<usize>,
}

pub(crate) fn team_plan(base: &Base, team: usize, laptops: usize) -> TeamPlan {
    let mut r = Rng::new(20_000 + team as u64);
    let members: Vec<usize> = (2 * team..(2 * team + 2).min(laptops)).collect();
    let mut sec = Maker::new(
        &base.secretariat,
        T0 - 20 * DAY + team as i64 * 3_600_000,
        usize::MAX,
    );
    let mut charged = vec![0; members.len()];
    let mut inspectors = Vec::new();
    for (j, &i) in members.iter().enumerate() {
        let id = uuid_for(1_000 + i as u64, 1, T0);
        sec.chain(
            &mut r,
            "inspector",
            &id,
            vec![(false, body(&inspector_of(i)))],
        );
        charged[j] += 1;
        inspectors.push(id);
    }
    let team_id = uuid_for(1_000 + 2 * team as u64, 2, T0);
    sec.chain(
        &mut r,
        "team",
        &team_id,
        vec![(
            false,
            body(&Team {
                campaign_id: base.campaign_id.clone(),
                name: format!("Đoàn kiểm tra số {}", team + 1),
                members: inspectors
                    .iter()
                    .enumerate()
                    .map(|(j, id)| TeamMember {
                        inspector_id: id.clone(),
                        role: if j == 0 { Role::Head } else { Role::Member },
                    })
                    .collect(),
            }),
        )],
    );
    charged[0] += 1;
    for (j, &i) in members.iter().enumerate() {
        let who = laptop_identity(i);
        let e = Enrolment {
            campaign_id: base.campaign_id.clone(),
            device_id: who.device.clone(),
            public_key: who.public_key(),
            age_recipient: String::new(),
            role: EnrolRole::Team,
            team_id: Some(team_id.clone()),
            revoked: None,
        };
        sec.chain(
            &mut r,
            "enrolment",
            &enrolment_id(&base.campaign_id, &who.device),
            vec![(false, body(&e))],
        );
        charged[j] += 1;
    }
    TeamPlan {
        team_id,
        laptops: members,
        sec,
        charged,
    }
}

/// One team laptop's own revisions: its card, then visit after visit of its team's, each
/// planned by the secretariat as the laptop needs it (a unit, the visit's first revision:
/// unit, team, date), then the visit's progress, a finding per checklist item (1–3
/// revisions: rating and note, a revised note, the unit's explanation) and a few
/// recommendations. Laptops 2k+1 also rates some items of its team mate 2k's first visit, on
/// its own, so the secretariat merges or flags them as conflicts. Everything it writes is
/// its team's visits': what the table of who may write what lets a team laptop write.
pub(crate) fn laptop_revisions(
    base: &Base,
    plan: &mut TeamPlan,
    laptop: usize,
    who: &Identity,
    target: usize,
) -> Vec<Revision> {
    let j = plan
        .laptops
        .iter()
        .position(|&l| l == laptop)
        .expect("a laptop of the team");
    let mut r = Rng::new(10_000 + laptop as u64);
    let mut m = Maker::new(who, T0 + laptop as i64 * 7_919, target);
    m.out.reserve(target);
    m.charged = plan.charged[j];
    let seed = 1_000 + laptop as u64;
    // Its card first, as every laptop's first write.
    m.chain(
        &mut r,
        "device",
        &who.device,
        vec![(false, body(&who.card()))],
    );
    let items: Vec<_> = base
        .criteria
        .topics
        .iter()
        .flat_map(|t| t.items.iter())
        .collect();
    let partner_visit = visit_id(laptop - laptop % 2, 0);
    if laptop % 2 == 1 && plan.sec.last_of(&partner_visit).is_some() {
        for (j, item) in items.iter().take(SHARED_ITEMS).enumerate() {
            let f = Finding {
                visit_id: partner_visit.clone(),
                item_code: item.code.clone(),
                rating: None,
                points: None,
                // Even items: a field the partner leaves empty (merges cleanly); odd: the
                // same field as the partner (a conflict).
                note: if j % 2 == 1 {
                    prose(&mut r)
                } else {
                    String::new()
                },
                explanation: if j % 2 == 0 {
                    prose(&mut r)
                } else {
                    String::new()
                },
            };
            m.chain(
                &mut r,
                "finding",
                &finding_id(&partner_visit, &item.code),
                vec![(false, body(&f))],
            );
        }
    }
    let mut n = 0;
    while !m.full() {
        // The secretariat's plan of the visit: its unit, then the visit (unit, team, date).
        let unit = uuid_for(seed, 2_000_000 + n as u64, T0);
        let district = r.pick(&base.districts).clone();
        plan.sec.chain(
            &mut r,
            "unit",
            &unit,
            vec![(
                false,
                body(&Unit {
                    name: format!("Đoàn cơ sở xã {} (đội {laptop})", n + 1),
                    short_name: format!("ĐCS xã {}", n + 1),
                    code: format!("X{laptop:03}{n:03}"),
                    kind: "doan_co_so".into(),
                    level_label: "Cơ sở".into(),
                    parent_id: Some(district),
                    valid_from: None,
                    valid_to: None,
                    merged_into: None,
                }),
            )],
        );
        m.charged += 1;
        if m.full() {
            break;
        }
        let visit = visit_id(laptop, n);
        let mut v = kiemtra_core::setup::new_visit(
            &base.campaign_id,
            &unit,
            Some(plan.team_id.clone()),
            chrono::NaiveDate::from_ymd_opt(2023, 11, 1 + (n % 28) as u32),
            &base.criteria_id,
        );
        plan.sec
            .chain(&mut r, "visit", &visit, vec![(false, body(&v))]);
        m.charged += 1;
        let planned = plan.sec.last_of(&visit);
        // The team's part: 1 planned only, 2 in progress, 3 completed after its findings.
        let steps = 1 + r.below(3);
        if steps >= 2 {
            v.status = VisitStatus::InProgress;
            m.chain_after(&mut r, "visit", &visit, planned, vec![(false, body(&v))]);
        }
        for item in &items {
            let mut f = Finding {
                visit_id: visit.clone(),
                item_code: item.code.clone(),
                rating: None,
                points: None,
                note: prose(&mut r),
                explanation: String::new(),
            };
            match item.scale {
                Scale::PassFail => {
                    f.rating = Some(if r.percent(80) {
                        Rating::Dat
                    } else {
                        Rating::ChuaDat
                    })
                }
                Scale::Points => {
                    let max = item.max_points.unwrap_or(10) as usize;
                    f.points = Some((r.below(max * 2 + 1)) as f64 / 2.0);
                }
            }
            let mut bodies = vec![(false, body(&f))];
            let len = match r.below(100) {
                0..40 => 1,
                40..75 => 2,
                _ => 3,
            };
            if len >= 2 {
                f.note = prose(&mut r);
                bodies.push((false, body(&f)));
            }
            if len >= 3 {
                f.explanation = prose(&mut r);
                bodies.push((false, body(&f)));
            }
            m.chain(&mut r, "finding", &finding_id(&visit, &item.code), bodies);
        }
        for k in 0..r.below(3) {
            let rec = Recommendation {
                visit_id: visit.clone(),
                text: prose(&mut r),
                raised_by: if k % 2 == 0 {
                    RaisedBy::Unit
                } else {
                    RaisedBy::Team
                },
                authority: *r.pick(&[Authority::Unit, Authority::Team, Authority::Union]),
                status: RecStatus::Received,
                due_date: None,
            };
            let mut bodies = vec![(false, body(&rec))];
            if r.percent(5) {
                // Withdrawn: a tombstone.
                bodies.push((true, bodies[0].1.clone()));
            }
            let id = uuid_for(seed, 3_000_000 + (n * 4 + k) as u64, T0);
            m.chain(&mut r, "recommendation", &id, bodies);
        }
        if steps == 3 {
            // The visit's third revision, after its findings, on the team's second.
            if let Some(parent) = m.last_of(&visit).filter(|_| !m.full()) {
                v.status = VisitStatus::Completed;
                v.report_summary = prose(&mut r);
                v.strengths = prose(&mut r);
                v.shortcomings = prose(&mut r);
                v.assessment = prose(&mut r);
                v.overall_result = Some(*r.pick(&[OverallResult::Tot, OverallResult::HoanThanh]));
                m.millis += 60_000;
                m.push("visit", &visit, vec![parent], false, body(&v));
            }
        }
        n += 1;
    }
    plan.charged[j] = m.charged;
    m.out
}

pub(crate) struct Generated {
    pub(crate) dir: tempfile::TempDir,
    pub(crate) bundles: Vec<PathBuf>,
    /// Lines in all bundles (the base is in each, a team's plan in each of its laptops').
    pub(crate) lines: u64,
    pub(crate) bundle_bytes: u64,
    pub(crate) time: Duration,
    pub(crate) expected: Expected,
    /// The secretariat's database: what it sent out (the base and every team's plan), and
    /// the laptops it enrolled, known by their keys.
    pub(crate) secretariat: PathBuf,
    /// Revisions the secretariat holds before any bundle comes.
    pub(crate) held: u64,
}

/// What one laptop made, for the outcome the secretariat must reach.
pub(crate) struct Made {
    /// Every record it has a revision of.
    pub(crate) ids: Vec<String>,
    /// Records whose last revision is a tombstone.
    pub(crate) tombstones: u64,
    /// The head body of each record its pair partner makes too.
    pub(crate) shared: Vec<(String, Value)>,
}

impl Made {
    pub(crate) fn of(base: &Base, laptop: usize, revs: &[Revision]) -> Made {
        let mut last: std::collections::HashMap<&str, &Revision> = Default::default();
        for r in revs {
            last.insert(r.id.as_str(), r);
        }
        let items = base.criteria.topics.iter().flat_map(|t| t.items.iter());
        let visit = visit_id(laptop - laptop % 2, 0);
        let shared = items
            .take(SHARED_ITEMS)
            .filter_map(|item| {
                let id = finding_id(&visit, &item.code);
                last.get(id.as_str()).map(|r| (id, r.body.clone()))
            })
            .collect();
        Made {
            tombstones: last.values().filter(|r| r.deleted).count() as u64,
            ids: last.into_keys().map(str::to_string).collect(),
            shared,
        }
    }
}

/// The state the secretariat must reach after importing every laptop's bundle.
pub(crate) struct Expected {
    pub(crate) records: u64,
    pub(crate) tombstones: u64,
    pub(crate) conflicts: u64,
    /// Records both laptops of a pair made, merged: (id, the body the merge must give).
    pub(crate) merged: Vec<(String, Value)>,
}

/// Two laptops made the same record without seeing each other (no common ancestor): a field
/// only one of them filled takes that value, a field both filled differently is a conflict
/// (`None`). The rule the merge is documented to follow, applied to what was generated.
pub(crate) fn merge_unseen(a: &Value, b: &Value) -> Option<Value> {
    let blank = |v: Option<&Value>| match v {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.is_empty(),
        Some(Value::Array(a)) => a.is_empty(),
        _ => false,
    };
    let (a, b) = (a.as_object()?, b.as_object()?);
    let mut out = a.clone();
    for (k, vb) in b {
        let va = a.get(k);
        if blank(va) {
            out.insert(k.clone(), vb.clone());
        } else if !blank(Some(vb)) && va != Some(vb) {
            return None;
        }
    }
    Some(Value::Object(out))
}

pub(crate) fn expected_outcome(base: &Base, plans: &[Revision], made: &[Made]) -> Expected {
    let mut ids: std::collections::HashSet<&str> = base
        .revisions
        .iter()
        .chain(plans)
        .map(|r| r.id.as_str())
        .collect();
    let mut shared: std::collections::BTreeMap<&str, Vec<&Value>> = Default::default();
    for m in made {
        ids.extend(m.ids.iter().map(String::as_str));
        for (id, body) in &m.shared {
            shared.entry(id).or_default().push(body);
        }
    }
    let (mut conflicts, mut merged) = (0, Vec::new());
    for (id, bodies) in shared {
        if let [a, b] = bodies[..] {
            match merge_unseen(a, b) {
                Some(body) => merged.push((id.to_string(), body)),
                None => conflicts += 1,
            }
        }
    }
    Expected {
        records: ids.len() as u64,
        tombstones: made.iter().map(|m| m.tombstones).sum(),
        conflicts,
        merged,
    }
}

pub(crate) fn generate(c: &Config) -> Generated {
    let t = Instant::now();
    let dir = tempfile::Builder::new()
        .prefix("kiemtra-bench-")
        .tempdir()
        .expect("temp dir");
    let base = base();
    let own = c.revisions.saturating_sub(base.revisions.len());
    // Enough for a laptop's inspector, team, enrolment, card, a unit and a planned visit.
    assert!(own / c.laptops >= 10, "too few revisions");
    let share = |i: usize| own / c.laptops + usize::from(i < own % c.laptops);
    let teams = c.laptops.div_ceil(2);
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    // (laptop, bundle, revisions, bytes, what it made)
    type Done = (usize, PathBuf, u64, u64, Made);
    let results: Mutex<Vec<Done>> = Mutex::new(Vec::new());
    // What the secretariat made for each team: (team, revisions).
    let plans: Mutex<Vec<(usize, Vec<Revision>)>> = Mutex::new(Vec::new());
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .min(teams);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let k = next.fetch_add(1, Ordering::Relaxed);
                if k >= teams {
                    return;
                }
                // The team's laptops in order: the second rates items of the first's visit.
                let mut plan = team_plan(&base, k, c.laptops);
                let laptops: Vec<(usize, Identity, Vec<Revision>)> = plan
                    .laptops
                    .clone()
                    .into_iter()
                    .map(|i| {
                        let who = laptop_identity(i);
                        let revs = laptop_revisions(&base, &mut plan, i, &who, share(i));
                        (i, who, revs)
                    })
                    .collect();
                // Each laptop holds what the secretariat sent it (the base and its team's
                // plan) and what it made; its bundle carries all of it.
                for (i, who, revs) in laptops {
                    let db = dir.path().join(format!("laptop-{i:03}.db"));
                    let mut store = who.open(c, &db);
                    store
                        .write(|w| {
                            for rev in base.revisions.iter().chain(&plan.sec.out).chain(&revs) {
                                w.apply(rev, "local")?;
                            }
                            Ok(())
                        })
                        .expect("apply generated revisions");
                    let made = Made::of(&base, i, &revs);
                    drop(revs);
                    let path = dir.path().join(format!("laptop-{i:03}.kiemtra"));
                    let rep = store
                        .export_plain(&path, None)
                        .expect("export laptop bundle");
                    drop(store);
                    remove_db(&db);
                    results
                        .lock()
                        .unwrap()
                        .push((i, path, rep.revisions, rep.bytes, made));
                    let d = done.fetch_add(1, Ordering::Relaxed) + 1;
                    if d.is_multiple_of(20) || d == c.laptops {
                        eprint!("\r  generated {d}/{} bundles", c.laptops);
                    }
                }
                plans.lock().unwrap().push((k, plan.sec.out));
            });
        }
    });
    eprintln!();
    let mut results = results.into_inner().unwrap();
    results.sort_by_key(|r| r.0);
    let (mut bundles, mut made, mut lines, mut bundle_bytes) = (Vec::new(), Vec::new(), 0, 0);
    for (_, path, revisions, bytes, m) in results {
        bundles.push(path);
        made.push(m);
        lines += revisions;
        bundle_bytes += bytes;
    }
    let mut plans = plans.into_inner().unwrap();
    plans.sort_by_key(|p| p.0);
    let plans: Vec<Revision> = plans.into_iter().flat_map(|p| p.1).collect();
    // The secretariat as the bundles find it: everything it sent out, and every laptop it
    // enrolled known by the key its bundle is signed with (as enrolling from the laptop's
    // first bundle leaves it).
    let secretariat = dir.path().join("secretariat").join("kiemtra.db");
    let mut hq = base.secretariat.open(c, &secretariat);
    hq.write(|w| {
        for rev in base.revisions.iter().chain(&plans) {
            w.apply(rev, "local")?;
        }
        Ok(())
    })
    .expect("the secretariat's campaign");
    for b in &bundles {
        hq.learn_bundle_maker(b)
            .expect("a laptop the secretariat enrolled");
    }
    let held = counts(&hq).revisions;
    drop(hq);
    Generated {
        dir,
        bundles,
        lines,
        bundle_bytes,
        time: t.elapsed(),
        expected: expected_outcome(&base, &plans, &made),
        secretariat,
        held,
    }
}
