//! Re-exchange: most records with concurrent heads.

use super::*;

// Re-exchange: most records with concurrent heads
//
// The secretariat sends a campaign (visits and their findings, already partly written) to a
// few laptops; each edits most of the same records; every bundle comes back. What the merge
// must make of each record is known from the plan: laptops writing different fields merge,
// two writing the same field are a conflict (every laptop's text is unique).

pub(crate) const VISIT_FIELDS: &[&str] = &[
    "report_summary",
    "difficulties",
    "strengths",
    "shortcomings",
    "assessment",
];
pub(crate) const FINDING_FIELDS: &[&str] = &["note", "explanation"];

/// One laptop's edit of one field of a record: once, or a draft and then the final text.
pub(crate) struct Edit {
    pub(crate) laptop: usize,
    pub(crate) field: &'static str,
    pub(crate) draft: Option<String>,
    pub(crate) text: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Nobody or one laptop edited it: one head.
    OneHead,
    Merged,
    Conflict,
}

/// A record of the campaign and what the laptops do to it.
pub(crate) struct Planned {
    pub(crate) kind: &'static str,
    pub(crate) id: String,
    pub(crate) base: Value,
    pub(crate) edits: Vec<Edit>,
}

impl Planned {
    pub(crate) fn outcome(&self) -> Outcome {
        self.outcome_among(usize::MAX)
    }

    /// The outcome once the edits of laptops 0..=`last` have arrived.
    pub(crate) fn outcome_among(&self, last: usize) -> Outcome {
        let mut fields: Vec<&str> = self
            .edits
            .iter()
            .filter(|e| e.laptop <= last)
            .map(|e| e.field)
            .collect();
        let n = fields.len();
        fields.sort_unstable();
        fields.dedup();
        if n < 2 {
            Outcome::OneHead
        } else if fields.len() < n {
            Outcome::Conflict
        } else {
            Outcome::Merged
        }
    }

    /// Whether bundle `k` (laptop k's) brings this record a conflict, as an import counts
    /// it: the record has a new revision from it, is in conflict once it is in, and was not
    /// before (bundles arrive in laptop order).
    pub(crate) fn conflicted_by(&self, k: usize) -> bool {
        self.edits.iter().any(|e| e.laptop == k)
            && self.outcome_among(k) == Outcome::Conflict
            && (k == 0 || self.outcome_among(k - 1) != Outcome::Conflict)
    }

    /// The body with every laptop's final text: what the record must end as unless in
    /// conflict.
    pub(crate) fn expected(&self) -> Value {
        let mut v = self.base.clone();
        for e in &self.edits {
            v[e.field] = Value::String(e.text.clone());
        }
        v
    }
}

/// Which laptops edit a record, and which field each: one in ten records by at most one
/// laptop, the rest by two or more, half of those on different fields (a merge), half with
/// two on the same field (a conflict).
pub(crate) fn plan_edits(
    r: &mut Rng,
    fields: &'static [&'static str],
    laptops: usize,
) -> Vec<(usize, &'static str)> {
    let mut who: Vec<usize> = (0..laptops).collect();
    for i in (1..who.len()).rev() {
        who.swap(i, r.below(i + 1));
    }
    let roll = r.below(100);
    if roll < 10 {
        let n = r.below(2);
        return who[..n].iter().map(|&k| (k, *r.pick(fields))).collect();
    }
    if roll < 55 {
        let most = laptops.min(fields.len());
        let n = 2 + r.below(most - 1);
        let mut fs: Vec<&'static str> = fields.to_vec();
        for i in (1..fs.len()).rev() {
            fs.swap(i, r.below(i + 1));
        }
        return who[..n].iter().zip(fs).map(|(&k, f)| (k, f)).collect();
    }
    let n = 2 + r.below(laptops - 1);
    let same = *r.pick(fields);
    who[..n]
        .iter()
        .enumerate()
        .map(|(i, &k)| (k, if i < 2 { same } else { *r.pick(fields) }))
        .collect()
}

/// The re-exchange's campaign and what each laptop does to it. The same on every call: the
/// generation uses it, then drops it so that the timed phases do not carry it in memory, and
/// the checks make it again.
pub(crate) struct Plan {
    pub(crate) criteria_id: String,
    pub(crate) campaign_id: String,
    pub(crate) province: String,
    /// A unit per visit: (id, name).
    pub(crate) units: Vec<(String, String)>,
    pub(crate) records: Vec<Planned>,
    /// A word only one laptop wrote, in a record that merges: (laptop, word, record id).
    pub(crate) planted: Vec<(usize, String, String)>,
}

pub(crate) fn reexchange_plan(c: &Config) -> Plan {
    let mut r = Rng::new(77);
    let items: Vec<(String, Scale)> = kiemtra_core::demo::default_criteria()
        .topics
        .iter()
        .flat_map(|t| t.items.iter().map(|i| (i.code.clone(), i.scale)))
        .collect();
    let seed = 500_000;
    let criteria_id = uuid_for(seed, 1, T0);
    let campaign_id = uuid_for(seed, 2, T0);
    let mut units = Vec::new();
    let mut records = Vec::new();
    for n in 0..c.re_visits {
        let unit_id = uuid_for(seed, 10_000 + n as u64, T0);
        units.push((unit_id.clone(), format!("Đoàn xã Tân Phú {}", n + 1)));
        let visit = uuid_for(seed, 1_000_000 + n as u64, T0);
        let mut v = kiemtra_core::setup::new_visit(
            &campaign_id,
            &unit_id,
            None,
            chrono::NaiveDate::from_ymd_opt(2023, 12, 1 + (n % 28) as u32),
            &criteria_id,
        );
        v.status = VisitStatus::InProgress;
        v.report_summary = nfc_prose(&mut r);
        v.strengths = nfc_prose(&mut r);
        records.push(Planned {
            kind: "visit",
            id: visit.clone(),
            base: body(&v),
            edits: Vec::new(),
        });
        for (code, scale) in &items {
            let f = Finding {
                visit_id: visit.clone(),
                item_code: code.clone(),
                rating: (*scale == Scale::PassFail).then_some(Rating::Dat),
                points: (*scale == Scale::Points).then_some(5.0),
                note: nfc_prose(&mut r),
                explanation: String::new(),
            };
            records.push(Planned {
                kind: "finding",
                id: finding_id(&visit, code),
                base: body(&f),
                edits: Vec::new(),
            });
        }
    }
    for p in &mut records {
        let fields = if p.kind == "visit" {
            VISIT_FIELDS
        } else {
            FINDING_FIELDS
        };
        for (laptop, field) in plan_edits(&mut r, fields, c.re_laptops) {
            let draft = r.percent(30).then(|| own_text(&mut r, laptop));
            let text = own_text(&mut r, laptop);
            p.edits.push(Edit {
                laptop,
                field,
                draft,
                text,
            });
        }
    }
    // A word of each laptop's, found nowhere else, in a record that merges: after the
    // imports the index must find it.
    let mut planted = Vec::new();
    for k in 0..c.re_laptops {
        let (n, p) = records
            .iter_mut()
            .enumerate()
            .find(|(_, p)| p.outcome() == Outcome::Merged && p.edits.iter().any(|e| e.laptop == k))
            .expect("every laptop edits a record that merges");
        let word = format!("KT{k}Q{n}X");
        let e = p
            .edits
            .iter_mut()
            .find(|e| e.laptop == k)
            .expect("its edit");
        e.text = format!("{} Mã hồ sơ {word}.", e.text);
        planted.push((k, word, p.id.clone()));
    }
    Plan {
        criteria_id,
        campaign_id,
        province: uuid_for(seed, 3, T0),
        units,
        records,
        planted,
    }
}

/// A planned body written as its kind, through the store's own write path.
pub(crate) fn put_planned(
    w: &mut kiemtra_core::store::Writer<'_>,
    p: &Planned,
    v: Value,
) -> kiemtra_core::error::Result<String> {
    Ok(match p.kind {
        "visit" => w.put(&p.id, &serde_json::from_value::<Visit>(v).expect("a visit"))?,
        _ => w.put(
            &p.id,
            &serde_json::from_value::<Finding>(v).expect("a finding"),
        )?,
    })
}

pub(crate) struct Reexchange {
    /// The secretariat's revisions before the exchange, and the laptops' edits.
    pub(crate) base_revisions: u64,
    pub(crate) edit_revisions: u64,
    /// The laptops' cards, written with each one's first edit.
    pub(crate) cards: u64,
    pub(crate) secretariat: PathBuf,
    /// Laptop 1's database, kept for the merged bundle's way back.
    pub(crate) laptop: PathBuf,
    pub(crate) bundles: Vec<PathBuf>,
    pub(crate) time: Duration,
}

pub(crate) fn nfc_prose(r: &mut Rng) -> String {
    kiemtra_core::text::nfc(&prose(r))
}

/// "(máy N)" makes every laptop's text its own: equal edits would merge, not conflict.
pub(crate) fn own_text(r: &mut Rng, laptop: usize) -> String {
    kiemtra_core::text::nfc(&format!("{} (máy {})", prose(r), laptop + 1))
}

pub(crate) fn reexchange_generate(c: &Config, dir: &Path) -> Reexchange {
    let t = Instant::now();
    let plan = reexchange_plan(c);
    let secretariat = dir.join("secretariat").join("kiemtra.db");
    let mut s = c.open(&secretariat);
    s.set_device_name("Văn phòng Tỉnh đoàn").expect("name");
    let unit = |name: String, parent: Option<String>| Unit {
        short_name: name.clone(),
        code: String::new(),
        name,
        kind: "doan_co_so".into(),
        level_label: "Cơ sở".into(),
        parent_id: parent,
        valid_from: None,
        valid_to: None,
        merged_into: None,
    };
    s.write(|w| {
        w.put(&plan.criteria_id, &kiemtra_core::demo::default_criteria())?;
        w.put(
            &plan.campaign_id,
            &Campaign {
                name: "Kiểm tra chéo công tác Đoàn cuối năm 2023".into(),
                year: 2023,
                theme: "Tuổi trẻ tiên phong, xung kích, sáng tạo".into(),
                start_date: None,
                end_date: None,
                decision_number: "145-QĐ/TĐTN-KT".into(),
                issuing_body: "Ban Thường vụ Tỉnh đoàn".into(),
                place: "Tỉnh Đồng Tháp".into(),
                criteria_set_id: Some(plan.criteria_id.clone()),
                report: None,
                recovery_recipient: String::new(),
                texts: Default::default(),
            },
        )?;
        w.put(&plan.province, &unit("Tỉnh đoàn Đồng Tháp".into(), None))?;
        for (id, name) in &plan.units {
            w.put(id, &unit(name.clone(), Some(plan.province.clone())))?;
        }
        Ok(())
    })
    .expect("campaign");
    for chunk in plan.records.chunks(3_000) {
        s.write(|w| {
            for p in chunk {
                put_planned(w, p, p.base.clone())?;
            }
            Ok(())
        })
        .expect("visits and findings");
    }
    // Each laptop's first bundle (no data, its key) is enrolled by the secretariat before
    // the campaign goes out, so that the campaign bundle carries the enrolments. As
    // secretariat: the visits are no team's, and every laptop edits most of them.
    let laptop_db = |k: usize| dir.join(format!("laptop-{}", k + 1)).join("kiemtra.db");
    for k in 0..c.re_laptops {
        let mut l = c.open(&laptop_db(k));
        l.set_device_name(&format!("Máy kiểm tra chéo {}", k + 1))
            .expect("name");
        let intro = dir.join(format!("intro-{}.kiemtra", k + 1));
        l.export_plain(&intro, None)
            .expect("a laptop's first bundle");
        s.enroll_bundle_maker(&intro, &plan.campaign_id, EnrolRole::Secretariat, None)
            .expect("enrol a laptop");
        let _ = std::fs::remove_file(&intro);
    }
    // The secretariat has searched before: its index is up to date when the bundles come.
    s.search_catch_up().expect("catch-up");
    let base_revisions = counts(&s).revisions;
    let base_bundle = dir.join("campaign.kiemtra");
    s.export_plain(&base_bundle, Some(&plan.campaign_id))
        .expect("export campaign");
    drop(s);

    let next = AtomicUsize::new(0);
    let bundles: Mutex<Vec<(usize, PathBuf)>> = Mutex::new(Vec::new());
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(c.re_laptops);
    std::thread::scope(|sc| {
        for _ in 0..threads {
            sc.spawn(|| loop {
                let k = next.fetch_add(1, Ordering::Relaxed);
                if k >= c.re_laptops {
                    return;
                }
                let mut l = c.open(&laptop_db(k));
                l.import_bundle(&base_bundle, false)
                    .expect("campaign onto a laptop");
                l.write(|w| {
                    for p in &plan.records {
                        for e in p.edits.iter().filter(|e| e.laptop == k) {
                            let mut v = p.base.clone();
                            for text in e.draft.iter().chain([&e.text]) {
                                v[e.field] = Value::String(text.clone());
                                put_planned(w, p, v.clone())?;
                            }
                        }
                    }
                    Ok(())
                })
                .expect("a laptop's edits");
                // Field work searches now and then: the laptop's index is up to date too.
                l.search_catch_up().expect("catch-up");
                let path = dir.join(format!("laptop-{}.kiemtra", k + 1));
                l.export_plain(&path, None).expect("laptop bundle");
                drop(l);
                if k > 0 {
                    let _ = std::fs::remove_dir_all(laptop_db(k).parent().expect("dir"));
                }
                bundles.lock().unwrap().push((k, path));
            });
        }
    });
    let mut bundles = bundles.into_inner().unwrap();
    bundles.sort();
    let _ = std::fs::remove_file(&base_bundle);
    let edit_revisions = plan
        .records
        .iter()
        .flat_map(|p| &p.edits)
        .map(|e| 1 + u64::from(e.draft.is_some()))
        .sum();
    Reexchange {
        base_revisions,
        edit_revisions,
        cards: c.re_laptops as u64,
        secretariat,
        laptop: laptop_db(0),
        bundles: bundles.into_iter().map(|b| b.1).collect(),
        time: t.elapsed(),
    }
}

/// Every laptop's words after the exchange: each record that is not in conflict has exactly
/// the body the plan gives (the base with every laptop's final text); in each conflict,
/// every laptop's final text is the field's value in one of the live heads. Returns the
/// records checked and the first few that were wrong.
pub(crate) fn words_kept(s: &Store, plan: &[Planned]) -> (u64, Vec<String>) {
    let mut wrong = Vec::new();
    for p in plan {
        let ok = match p.outcome() {
            Outcome::Conflict => s.conflict(&p.id).is_ok_and(|c| {
                p.edits.iter().all(|e| {
                    c.versions
                        .iter()
                        .any(|v| v.body[e.field].as_str() == Some(e.text.as_str()))
                })
            }),
            _ => body_of(s, &p.id) == Some(canonical_value(&p.expected())),
        };
        if !ok && wrong.len() < 5 {
            wrong.push(format!("{} {}…", p.kind, &p.id[..8]));
        }
    }
    (plan.len() as u64, wrong)
}

/// The app's index catch-up left nothing behind (another finds nothing to do), and each word
/// a laptop planted is found, in its record only.
pub(crate) fn index_finds(s: &mut Store, planted: &[(usize, String, String)]) -> (bool, String) {
    let left = s.search_catch_up().expect("catch-up");
    let mut found = 0;
    for (_, word, id) in planted {
        let hits = s
            .search(&word.to_lowercase(), &Default::default())
            .expect("search");
        if hits.len() == 1 && hits[0].id == *id {
            found += 1;
        }
    }
    let ok = left == 0 && found == planted.len();
    (ok, format!("{found}/{} left {left}", planted.len()))
}

pub(crate) fn entry_size(bundle: &Path) -> u64 {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(bundle).unwrap()).unwrap();
    let size = zip.by_name("revisions.jsonl").unwrap().size();
    size
}

/// Whether `bundle` is an age file (its header's first line), not a ZIP anyone can read.
pub(crate) fn is_age_file(bundle: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 21];
    std::fs::File::open(bundle)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok()
        && &head == b"age-encryption.org/v1"
}
