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

/// Makes revisions the way a laptop would, with valid ids, linear edit chains and a clock.
pub(crate) struct Maker {
    pub(crate) device: String,
    pub(crate) millis: i64,
    pub(crate) target: usize,
    pub(crate) out: Vec<Revision>,
}

impl Maker {
    pub(crate) fn full(&self) -> bool {
        self.out.len() >= self.target
    }

    /// One record's history: `bodies` in order, each the child of the one before. Stops
    /// when the laptop has made its share.
    pub(crate) fn chain(&mut self, r: &mut Rng, kind: &str, id: &str, bodies: Vec<(bool, Value)>) {
        let mut parents: Vec<String> = Vec::new();
        for (i, (deleted, body)) in bodies.into_iter().enumerate() {
            if self.full() {
                return;
            }
            self.millis += 1_000 + r.below(90_000) as i64;
            let hlc = Hlc {
                millis: self.millis,
                counter: 0,
            }
            .to_text();
            let generation = i as u64 + 1;
            let rev = Revision::compute_rev(
                id,
                kind,
                generation,
                &parents,
                &self.device,
                "",
                &hlc,
                deleted,
                &body,
            );
            self.out.push(Revision {
                id: id.to_string(),
                kind: kind.to_string(),
                rev: rev.clone(),
                parents,
                device: self.device.clone(),
                person: String::new(),
                hlc,
                deleted,
                body,
                sig: None,
            });
            parents = vec![rev];
        }
    }
}

/// 2025-10-01T00:00:00Z
pub(crate) const T0: i64 = 1_759_276_800_000;

/// What the secretariat sends every team: the campaign, its criteria set, the province and
/// its districts. Every bundle carries it.
pub(crate) struct Base {
    pub(crate) revisions: Vec<Revision>,
    pub(crate) campaign_id: String,
    pub(crate) criteria_id: String,
    pub(crate) criteria: CriteriaSet,
    pub(crate) districts: Vec<String>,
}

pub(crate) fn base() -> Base {
    let mut r = Rng::new(1);
    let device = uuid_for(0, 0, T0);
    let mut m = Maker {
        device,
        millis: T0,
        target: usize::MAX,
        out: Vec::new(),
    };
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

/// How many items of a pair's shared visit both laptops rate (each on its own).
pub(crate) const SHARED_ITEMS: usize = 8;

/// One team laptop's own revisions: its inspector and team, then visit after visit, each with
/// its unit, the visit's progress, a finding per checklist item (1–3 revisions: rating and
/// note, a revised note, the unit's explanation) and a few recommendations. Laptops in a pair
/// (2k, 2k+1) both rate some items of 2k's first visit, so the secretariat merges or flags
/// them as conflicts.
pub(crate) fn laptop_revisions(
    base: &Base,
    laptop: usize,
    device: &str,
    target: usize,
) -> Vec<Revision> {
    let mut r = Rng::new(10_000 + laptop as u64);
    let mut m = Maker {
        device: device.to_string(),
        millis: T0 + laptop as i64 * 7_919,
        target,
        out: Vec::with_capacity(target),
    };
    let seed = 1_000 + laptop as u64;
    let inspector = uuid_for(seed, 1, T0);
    m.chain(
        &mut r,
        "inspector",
        &inspector,
        vec![(
            false,
            body(&Inspector {
                full_name: format!("Nguyễn Thị Hồng Nhung {laptop}"),
                title: "Phó Bí thư Tỉnh đoàn".into(),
                organisation: "Tỉnh đoàn".into(),
            }),
        )],
    );
    let team = uuid_for(seed, 2, T0);
    m.chain(
        &mut r,
        "team",
        &team,
        vec![(
            false,
            body(&Team {
                campaign_id: base.campaign_id.clone(),
                name: format!("Đoàn kiểm tra số {}", laptop + 1),
                members: vec![TeamMember {
                    inspector_id: inspector.clone(),
                    role: Role::Head,
                }],
            }),
        )],
    );
    let items: Vec<_> = base
        .criteria
        .topics
        .iter()
        .flat_map(|t| t.items.iter())
        .collect();
    if laptop % 2 == 1 {
        // The partner's first visit: this laptop rates some items too, on its own.
        let visit = visit_id(laptop - 1, 0);
        for (j, item) in items.iter().take(SHARED_ITEMS).enumerate() {
            let f = Finding {
                visit_id: visit.clone(),
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
                &finding_id(&visit, &item.code),
                vec![(false, body(&f))],
            );
        }
    }
    let mut n = 0;
    while !m.full() {
        let unit = uuid_for(seed, 2_000_000 + n as u64, T0);
        let district = r.pick(&base.districts).clone();
        m.chain(
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
        let visit = visit_id(laptop, n);
        let mut v = Visit {
            campaign_id: base.campaign_id.clone(),
            unit_id: unit.clone(),
            team_id: Some(team.clone()),
            date: chrono::NaiveDate::from_ymd_opt(2023, 11, 1 + (n % 28) as u32),
            status: VisitStatus::Planned,
            criteria_set_id: base.criteria_id.clone(),
            report_summary: String::new(),
            difficulties: String::new(),
            strengths: String::new(),
            shortcomings: String::new(),
            assessment: String::new(),
            overall_result: None,
            attendees: Vec::new(),
            questions: Vec::new(),
            signed_at: None,
            unlocks: Vec::new(),
            signed_by: None,
        };
        let mut visit_bodies = vec![(false, body(&v))];
        v.status = VisitStatus::InProgress;
        visit_bodies.push((false, body(&v)));
        let steps = 1 + r.below(3);
        visit_bodies.truncate(steps.min(2));
        m.chain(&mut r, "visit", &visit, visit_bodies);
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
            v.status = VisitStatus::Completed;
            v.report_summary = prose(&mut r);
            v.strengths = prose(&mut r);
            v.shortcomings = prose(&mut r);
            v.assessment = prose(&mut r);
            v.overall_result = Some(*r.pick(&[OverallResult::Tot, OverallResult::HoanThanh]));
            // The visit's third revision, after its findings.
            let mut parents = Vec::new();
            if let Some(last) = m.out.iter().rev().find(|x| x.id == visit) {
                parents.push(last.rev.clone());
            }
            if parents.len() == 1 && !m.full() {
                let generation = m.out.iter().rev().find(|x| x.id == visit).map_or(1, |x| {
                    x.rev.split_once('-').unwrap().0.parse::<u64>().unwrap() + 1
                });
                m.millis += 60_000;
                let hlc = Hlc {
                    millis: m.millis,
                    counter: 0,
                }
                .to_text();
                let b = body(&v);
                let rev = Revision::compute_rev(
                    &visit, "visit", generation, &parents, device, "", &hlc, false, &b,
                );
                m.out.push(Revision {
                    id: visit.clone(),
                    kind: "visit".into(),
                    rev,
                    parents,
                    device: device.to_string(),
                    person: String::new(),
                    hlc,
                    deleted: false,
                    body: b,
                    sig: None,
                });
            }
        }
        n += 1;
    }
    m.out
}

pub(crate) struct Generated {
    pub(crate) dir: tempfile::TempDir,
    pub(crate) bundles: Vec<PathBuf>,
    /// Lines in all bundles (the base is in each).
    pub(crate) lines: u64,
    pub(crate) bundle_bytes: u64,
    pub(crate) time: Duration,
    pub(crate) expected: Expected,
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

pub(crate) fn expected_outcome(base: &Base, made: &[Made]) -> Expected {
    let mut ids: std::collections::HashSet<&str> =
        base.revisions.iter().map(|r| r.id.as_str()).collect();
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
    assert!(
        c.revisions > base.revisions.len() + c.laptops,
        "too few revisions"
    );
    let own = c.revisions - base.revisions.len();
    let share = |i: usize| own / c.laptops + usize::from(i < own % c.laptops);
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    // (laptop, bundle, revisions, bytes, what it made)
    type Done = (usize, PathBuf, u64, u64, Made);
    let results: Mutex<Vec<Done>> = Mutex::new(Vec::new());
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .min(c.laptops);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= c.laptops {
                    return;
                }
                let db = dir.path().join(format!("laptop-{i:03}.db"));
                let mut store = Store::open(&db).expect("open laptop db");
                store
                    .set_device_name(&format!("Máy đoàn kiểm tra {}", i + 1))
                    .expect("name");
                let device = store.device().id.clone();
                let revs = laptop_revisions(&base, i, &device, share(i));
                store
                    .write(|w| {
                        for rev in base.revisions.iter().chain(&revs) {
                            w.apply(rev, "local")?;
                        }
                        Ok(())
                    })
                    .expect("apply generated revisions");
                let made = Made::of(&base, i, &revs);
                drop(revs);
                let path = dir.path().join(format!("laptop-{i:03}.kiemtra"));
                let rep = store
                    .export_bundle(&path, None)
                    .expect("export laptop bundle");
                drop(store);
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
                }
                results
                    .lock()
                    .unwrap()
                    .push((i, path, rep.revisions, rep.bytes, made));
                let d = done.fetch_add(1, Ordering::Relaxed) + 1;
                if d.is_multiple_of(20) || d == c.laptops {
                    eprint!("\r  generated {d}/{} bundles", c.laptops);
                }
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
    Generated {
        dir,
        bundles,
        lines,
        bundle_bytes,
        time: t.elapsed(),
        expected: expected_outcome(&base, &made),
    }
}
