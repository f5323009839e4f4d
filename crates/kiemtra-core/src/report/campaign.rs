//! The campaign's results report (Báo cáo kết quả kiểm tra) as data: every figure over
//! every visit, computed here once.

use std::collections::{BTreeMap, HashMap};

use super::*;

/// Counts of one item (or topic) over a set of visits.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RatingCounts {
    pub dat: usize,
    pub chua_dat: usize,
    /// Points given (points items).
    pub scored: usize,
    pub not_rated: usize,
    pub points_sum: f64,
    /// Mean of the points given; none when nobody scored.
    pub points_avg: Option<f64>,
}

impl RatingCounts {
    fn add(&mut self, f: Option<&Finding>) {
        match f {
            Some(f) if f.rating == Some(Rating::Dat) => self.dat += 1,
            Some(f) if f.rating == Some(Rating::ChuaDat) => self.chua_dat += 1,
            Some(Finding {
                points: Some(p), ..
            }) => {
                self.scored += 1;
                self.points_sum += p;
            }
            _ => self.not_rated += 1,
        }
        self.points_avg = (self.scored > 0).then(|| self.points_sum / self.scored as f64);
    }
    fn merge(&mut self, o: &RatingCounts) {
        self.dat += o.dat;
        self.chua_dat += o.chua_dat;
        self.scored += o.scored;
        self.not_rated += o.not_rated;
        self.points_sum += o.points_sum;
        self.points_avg = (self.scored > 0).then(|| self.points_sum / self.scored as f64);
    }
    pub fn total(&self) -> usize {
        self.dat + self.chua_dat + self.scored + self.not_rated
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ItemResult {
    pub code: String,
    pub title: String,
    pub scale: Scale,
    pub max_points: Option<u32>,
    pub all: RatingCounts,
    /// One per `CampaignReport::levels`, in that order.
    pub by_level: Vec<RatingCounts>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TopicResult {
    pub code: String,
    pub title: String,
    pub items: Vec<ItemResult>,
    /// The items' counts added up.
    pub all: RatingCounts,
    /// One per `CampaignReport::levels`: the counted units asked its pass/fail items, and
    /// those that met every one ("4/6 đơn vị cấp huyện đạt tất cả tiêu chí").
    pub units_by_level: Vec<TopicUnits>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TopicUnits {
    pub units: usize,
    pub all_met: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct LevelScope {
    pub level: String,
    /// Units with a visit in the plan.
    pub units: usize,
    /// Units whose visit was held and completed (signed or not).
    pub inspected: usize,
    pub visits: usize,
    pub signed: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct TeamScope {
    pub name: String,
    pub head: String,
    pub members: usize,
    /// Visits in its plan.
    pub visits: usize,
    /// Of those, held and completed (signed or not).
    pub inspected: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Scope {
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    /// Distinct units in the plan (visits not held yet included).
    pub units: usize,
    /// Distinct units whose visit is completed or signed: "đã kiểm tra 12/24 đơn vị".
    pub units_inspected: usize,
    pub visits: usize,
    /// Which visits the figures count, and how many they are.
    pub basis: ReportBasis,
    pub counted: usize,
    pub by_level: Vec<LevelScope>,
    pub teams: Vec<TeamScope>,
    pub status_counts: crate::setup::StatusCounts,
}

#[derive(Debug, Clone, Serialize)]
pub struct OverallCount {
    /// None: no overall result given yet.
    pub result: Option<OverallResult>,
    pub label: String,
    pub count: usize,
}

/// A unit's words in the minutes (a strength, a shortcoming, a note).
#[derive(Debug, Clone, Serialize)]
pub struct UnitText {
    pub unit: String,
    pub text: String,
}

/// An item often "Chưa đạt", with what the teams wrote about it.
#[derive(Debug, Clone, Serialize)]
pub struct CommonShortcoming {
    pub code: String,
    pub title: String,
    pub chua_dat: usize,
    pub units: Vec<String>,
    pub notes: Vec<UnitText>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RecommendationItem {
    pub unit: String,
    pub text: String,
    pub raised_by: RaisedBy,
    pub status: RecStatus,
}

#[derive(Debug, Clone, Serialize)]
pub struct AuthorityGroup {
    pub authority: Authority,
    pub label: String,
    /// Beyond the teams' authority: goes on to the higher Union level or the Party committee.
    pub forward: bool,
    pub items: Vec<RecommendationItem>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AnnexRow {
    pub no: usize,
    pub visit_id: String,
    pub unit: String,
    pub level: String,
    pub team: String,
    pub date: Option<NaiveDate>,
    pub status: VisitStatus,
    pub status_label: String,
    pub overall_result: Option<OverallResult>,
    pub overall_label: String,
    pub rated: usize,
    pub total_items: usize,
    pub conflict: bool,
    /// The report's figures count this visit (its basis); the four below are zero if not.
    pub counted: bool,
    /// Pass/fail items met and not met, for the emulation ranking.
    pub met: usize,
    pub not_met: usize,
    /// Points given over the points items asked, and their maximum: "17/20".
    pub points: f64,
    pub max_points: u32,
}

/// One visit × one item of its checklist: the XLSX data sheet.
#[derive(Debug, Clone, Serialize)]
pub struct FindingRow {
    pub unit: String,
    pub level: String,
    pub team: String,
    pub date: Option<NaiveDate>,
    pub status_label: String,
    /// "1. Việc ban hành …", and its code alone.
    pub topic: String,
    pub topic_code: String,
    pub item_code: String,
    pub item_title: String,
    pub scale: Scale,
    pub rating: Option<Rating>,
    pub points: Option<f64>,
    pub note: String,
    pub explanation: String,
}

/// The campaign's results report (Báo cáo kết quả kiểm tra), as data.
#[derive(Debug, Clone, Serialize)]
pub struct CampaignReport {
    pub campaign_id: String,
    pub heading: Heading,
    pub campaign_name: String,
    pub year: i32,
    pub theme: String,
    pub decision_number: String,
    pub issuing_body: String,
    pub settings: ReportSettings,
    pub scope: Scope,
    /// Unit levels in the order of the unit tree ("Cấp huyện", "Cơ sở").
    pub levels: Vec<String>,
    pub topics: Vec<TopicResult>,
    pub overall: Vec<OverallCount>,
    pub common_shortcomings: Vec<CommonShortcoming>,
    pub shortcomings: Vec<UnitText>,
    pub good_practices: Vec<UnitText>,
    /// The difficulties the units raised.
    pub difficulties: Vec<UnitText>,
    /// The secretariat's own words (blank ones: the visits' words stand instead).
    pub texts: ReportTexts,
    pub recommendations: Vec<AuthorityGroup>,
    pub annex: Vec<AnnexRow>,
    pub findings: Vec<FindingRow>,
    pub warnings: Vec<Warning>,
    /// Not final: a visit is not signed, a record is in conflict or changed after signing.
    /// Every format then says "DỰ THẢO" in its heading and on every page.
    pub draft: bool,
}

/// How many items the "common shortcomings" section lists.
const COMMON_SHORTCOMINGS: usize = 5;
/// A blank level label is shown as this.
const NO_LEVEL: &str = "Khác";

impl Store {
    /// The campaign's results report over every visit it holds.
    pub fn campaign_report(&self, campaign_id: &str) -> Result<CampaignReport> {
        self.read(|| self.campaign_report_now(campaign_id))
    }

    fn campaign_report_now(&self, campaign_id: &str) -> Result<CampaignReport> {
        let cid = self.resolve_id(Campaign::KIND, campaign_id)?;
        let campaign = self.require::<Campaign>(&cid)?;
        let settings = campaign.body.report_settings();
        // Each visit is read once, here.
        let visits = self.list_by::<Visit>("campaign_id", &cid)?;
        let rows = self.rows_of_visits(&visits)?;
        let visit_of: HashMap<&str, &crate::store::Stored<Visit>> =
            visits.iter().map(|v| (v.id.as_str(), v)).collect();
        // Tree order gives the levels their order (district level before grassroots) and
        // the annex its order.
        // The visited units and their ancestors only: the same relative order as the whole
        // tree, at the cost of what the campaign holds.
        let tree = self.unit_tree_of(rows.iter().map(|r| r.unit_id.as_str()))?;
        let tree_pos: HashMap<&str, usize> = tree
            .iter()
            .enumerate()
            .map(|(i, u)| (u.id.as_str(), i))
            .collect();
        let level_of = |r: &crate::visit::VisitRow| {
            if r.unit_level_label.trim().is_empty() {
                NO_LEVEL.to_string()
            } else {
                r.unit_level_label.clone()
            }
        };
        let mut rows = rows;
        rows.sort_by_key(|r| {
            (
                tree_pos
                    .get(r.unit_id.as_str())
                    .copied()
                    .unwrap_or(usize::MAX),
                r.date,
            )
        });
        let mut levels: Vec<String> = Vec::new();
        for r in &rows {
            let l = level_of(r);
            if !levels.contains(&l) {
                levels.push(l);
            }
        }
        let level_index = |r: &crate::visit::VisitRow| {
            let l = level_of(r);
            levels.iter().position(|x| *x == l).unwrap_or(0)
        };
        // The annex groups units by level, each level in tree order.
        rows.sort_by_key(|r| level_index(r));

        let set = match &campaign.body.criteria_set_id {
            Some(s) => self.get::<CriteriaSet>(s)?,
            None => None,
        };
        let mut sets: HashMap<String, CriteriaSet> = HashMap::new();
        for r in &rows {
            let v = visit_of[r.id.as_str()];
            if !sets.contains_key(&v.body.criteria_set_id) {
                if let Some(s) = self.get::<CriteriaSet>(&v.body.criteria_set_id)? {
                    sets.insert(v.body.criteria_set_id.clone(), s.body);
                }
            }
        }
        let first_set = match rows.first() {
            Some(r) => {
                let v = visit_of[r.id.as_str()];
                sets.get(&v.body.criteria_set_id).cloned()
            }
            None => None,
        };
        // The report's topics: the campaign's set, else the set of its first visit; a
        // campaign with neither has no topics to report.
        let base: CriteriaSet = set.map(|s| s.body).or(first_set).unwrap_or(CriteriaSet {
            code: String::new(),
            name: String::new(),
            version: 0,
            topics: Vec::new(),
        });
        let mut counts: BTreeMap<String, (RatingCounts, Vec<RatingCounts>)> = BTreeMap::new();
        let mut fails: BTreeMap<String, (Vec<String>, Vec<UnitText>)> = BTreeMap::new();
        let mut warnings = Vec::new();
        let mut annex = Vec::new();
        let mut findings_rows = Vec::new();
        let mut shortcomings = Vec::new();
        let mut good = Vec::new();
        let mut difficulties = Vec::new();
        let mut topic_units: Vec<Vec<TopicUnits>> =
            vec![vec![TopicUnits::default(); levels.len()]; base.topics.len()];
        let mut recs: BTreeMap<u8, Vec<RecommendationItem>> = BTreeMap::new();
        let mut overall: Vec<OverallCount> = OverallResult::ALL
            .into_iter()
            .map(|r| OverallCount {
                result: Some(r),
                label: r.message(Lang::Vi).to_string(),
                count: 0,
            })
            .chain(std::iter::once(OverallCount {
                result: None,
                label: "Chưa đánh giá".to_string(),
                count: 0,
            }))
            .collect();
        let mut status_counts = crate::setup::StatusCounts::default();
        let mut by_level: Vec<LevelScope> = levels
            .iter()
            .map(|l| LevelScope {
                level: l.clone(),
                units: 0,
                inspected: 0,
                visits: 0,
                signed: 0,
            })
            .collect();
        let mut level_units: Vec<std::collections::HashSet<String>> =
            vec![Default::default(); levels.len()];
        let mut level_inspected = level_units.clone();
        let mut team_visits: HashMap<String, (usize, usize)> = HashMap::new();
        let basis = settings.basis;
        let (mut counted, mut draft) = (0, false);

        for (i, r) in rows.iter().enumerate() {
            let stored = visit_of[r.id.as_str()];
            let v = &stored.body;
            let li = level_index(r);
            let unit = r.unit_name.clone();
            warnings.extend(status_warning(&unit, r.status));
            if r.conflict {
                warnings.push(Warning::Conflict { unit: unit.clone() });
            }
            let changed = self.after_signing(stored)?.len();
            if changed > 0 {
                warnings.push(Warning::ChangedAfterSigning {
                    unit: unit.clone(),
                    count: changed,
                });
            }
            draft |= r.status != VisitStatus::Signed || r.conflict || changed > 0;
            let held = matches!(r.status, VisitStatus::Completed | VisitStatus::Signed);
            match r.status {
                VisitStatus::Planned => status_counts.planned += 1,
                VisitStatus::InProgress => status_counts.in_progress += 1,
                VisitStatus::Completed => status_counts.completed += 1,
                VisitStatus::Signed => status_counts.signed += 1,
            }
            by_level[li].visits += 1;
            if r.status == VisitStatus::Signed {
                by_level[li].signed += 1;
            }
            level_units[li].insert(r.unit_id.clone());
            if held {
                level_inspected[li].insert(r.unit_id.clone());
            }
            if let Some(t) = &r.team_id {
                let e = team_visits.entry(t.clone()).or_default();
                e.0 += 1;
                e.1 += held as usize;
            }
            annex.push(AnnexRow {
                no: i + 1,
                visit_id: r.id.clone(),
                unit: unit.clone(),
                level: level_of(r),
                team: r.team_name.clone(),
                date: r.date,
                status: r.status,
                status_label: r.status.message(Lang::Vi).to_string(),
                overall_result: r.overall_result,
                overall_label: r
                    .overall_result
                    .map(|o| o.message(Lang::Vi).to_string())
                    .unwrap_or_default(),
                rated: r.done,
                total_items: r.total,
                conflict: r.conflict,
                counted: basis.counts(r.status),
                met: 0,
                not_met: 0,
                points: 0.0,
                max_points: 0,
            });
            // The figures speak only of the visits the basis counts: a visit planned or
            // under way, or not signed when only signed minutes count, is listed in the
            // annex and nowhere else.
            if !basis.counts(r.status) {
                continue;
            }
            counted += 1;
            let slot = overall
                .iter_mut()
                .find(|o| o.result == r.overall_result)
                .expect("every result has a slot");
            slot.count += 1;

            let vset = sets.get(&v.criteria_set_id);
            if vset.is_some_and(|s| s.code != base.code || s.version != base.version) {
                warnings.push(Warning::OtherCriteria { unit: unit.clone() });
            }
            // Signed minutes count as signed, whatever reached their records later.
            let findings: HashMap<String, Finding> = self
                .visit_records::<Finding>(stored)?
                .into_iter()
                .map(|f| (f.body.item_code.clone(), f.body))
                .collect();
            let row = annex.last_mut().expect("pushed above");
            for item in sets
                .get(&v.criteria_set_id)
                .unwrap_or(&base)
                .topics
                .iter()
                .flat_map(|t| &t.items)
            {
                let f = findings.get(&item.code);
                match item.scale {
                    Scale::PassFail => match f.and_then(|f| f.rating) {
                        Some(Rating::Dat) => row.met += 1,
                        Some(Rating::ChuaDat) => row.not_met += 1,
                        None => {}
                    },
                    Scale::Points => {
                        row.max_points += item.max_points.unwrap_or(0);
                        row.points += f.and_then(|f| f.points).unwrap_or(0.0);
                    }
                }
            }
            for (ti, t) in base.topics.iter().enumerate() {
                let (mut asked, mut met) = (false, true);
                for item in &t.items {
                    // An item missing from the visit's own version was not asked there.
                    if vset.is_some_and(|s| s.item(&item.code).is_none()) {
                        continue;
                    }
                    let f = findings.get(&item.code);
                    if item.scale == Scale::PassFail {
                        asked = true;
                        met &= f.is_some_and(|f| f.rating == Some(Rating::Dat));
                    }
                    let e = counts.entry(item.code.clone()).or_insert_with(|| {
                        (
                            RatingCounts::default(),
                            vec![RatingCounts::default(); levels.len()],
                        )
                    });
                    e.0.add(f);
                    e.1[li].add(f);
                    if let Some(f) = f.filter(|f| f.rating == Some(Rating::ChuaDat)) {
                        let e = fails.entry(item.code.clone()).or_default();
                        e.0.push(unit.clone());
                        if !f.note.trim().is_empty() {
                            e.1.push(UnitText {
                                unit: unit.clone(),
                                text: f.note.clone(),
                            });
                        }
                    }
                    findings_rows.push(FindingRow {
                        unit: unit.clone(),
                        level: level_of(r),
                        team: r.team_name.clone(),
                        date: r.date,
                        status_label: r.status.message(Lang::Vi).to_string(),
                        topic: format!("{}. {}", t.code, t.title),
                        topic_code: t.code.clone(),
                        item_code: item.code.clone(),
                        item_title: item.title.clone(),
                        scale: item.scale,
                        rating: f.and_then(|f| f.rating),
                        points: f.and_then(|f| f.points),
                        note: f.map(|f| f.note.clone()).unwrap_or_default(),
                        explanation: f.map(|f| f.explanation.clone()).unwrap_or_default(),
                    });
                }
                if asked {
                    topic_units[ti][li].units += 1;
                    topic_units[ti][li].all_met += met as usize;
                }
            }
            if !v.difficulties.trim().is_empty() {
                difficulties.push(UnitText {
                    unit: unit.clone(),
                    text: v.difficulties.clone(),
                });
            }
            if !v.shortcomings.trim().is_empty() {
                shortcomings.push(UnitText {
                    unit: unit.clone(),
                    text: v.shortcomings.clone(),
                });
            }
            if !v.strengths.trim().is_empty() {
                good.push(UnitText {
                    unit: unit.clone(),
                    text: v.strengths.clone(),
                });
            }
            for rec in self.visit_records::<Recommendation>(stored)? {
                let key = match rec.body.authority {
                    Authority::Unit => 0,
                    Authority::Team => 1,
                    Authority::Union => 2,
                    Authority::Party => 3,
                };
                recs.entry(key).or_default().push(RecommendationItem {
                    unit: unit.clone(),
                    text: rec.body.text,
                    raised_by: rec.body.raised_by,
                    status: rec.body.status,
                });
            }
        }
        // The ranking: within each level, by result (best first), then points, then the
        // unit tree's order (a stable sort keeps it); not counted last.
        let rank = |a: &AnnexRow| {
            let result = match (a.counted, a.overall_result) {
                (true, Some(r)) => OverallResult::ALL.iter().position(|x| *x == r).unwrap_or(0),
                (true, None) => OverallResult::ALL.len(),
                (false, _) => OverallResult::ALL.len() + 1,
            };
            let level = levels.iter().position(|l| *l == a.level).unwrap_or(0);
            (
                level,
                result,
                std::cmp::Reverse((a.points * 100.0).round() as i64),
            )
        };
        annex.sort_by_key(rank);
        for (i, a) in annex.iter_mut().enumerate() {
            a.no = i + 1;
        }
        for ((l, s), done) in by_level.iter_mut().zip(&level_units).zip(&level_inspected) {
            l.units = s.len();
            l.inspected = done.len();
        }
        let topics: Vec<TopicResult> = base
            .topics
            .iter()
            .zip(topic_units)
            .map(|(t, units_by_level)| {
                let items: Vec<ItemResult> = t
                    .items
                    .iter()
                    .map(|i| {
                        let (all, by) = counts.remove(&i.code).unwrap_or_else(|| {
                            (
                                RatingCounts::default(),
                                vec![RatingCounts::default(); levels.len()],
                            )
                        });
                        ItemResult {
                            code: i.code.clone(),
                            title: i.title.clone(),
                            scale: i.scale,
                            max_points: i.max_points,
                            all,
                            by_level: by,
                        }
                    })
                    .collect();
                let mut all = RatingCounts::default();
                for i in &items {
                    all.merge(&i.all);
                }
                TopicResult {
                    code: t.code.clone(),
                    title: t.title.clone(),
                    items,
                    all,
                    units_by_level,
                }
            })
            .collect();
        let mut common: Vec<CommonShortcoming> = topics
            .iter()
            .flat_map(|t| t.items.iter())
            .filter(|i| i.all.chua_dat > 0)
            .map(|i| {
                let (units, notes) = fails.remove(&i.code).unwrap_or_default();
                CommonShortcoming {
                    code: i.code.clone(),
                    title: i.title.clone(),
                    chua_dat: i.all.chua_dat,
                    units,
                    notes,
                }
            })
            .collect();
        // Most often failed first; the criteria order breaks ties (a stable sort keeps it).
        common.sort_by_key(|c| std::cmp::Reverse(c.chua_dat));
        common.truncate(COMMON_SHORTCOMINGS);

        let recommendations = recs
            .into_iter()
            .map(|(k, items)| {
                let a = [
                    Authority::Unit,
                    Authority::Team,
                    Authority::Union,
                    Authority::Party,
                ][k as usize];
                AuthorityGroup {
                    authority: a,
                    label: a.message(Lang::Vi).to_string(),
                    forward: matches!(a, Authority::Union | Authority::Party),
                    items,
                }
            })
            .collect();
        let mut teams = Vec::new();
        for t in self.campaign_teams(&cid)? {
            teams.push(TeamScope {
                head: t
                    .members
                    .iter()
                    .find(|m| m.role == Role::Head)
                    .map(|m| m.full_name.clone())
                    .unwrap_or_default(),
                members: t.members.len(),
                visits: team_visits.get(&t.id).map_or(0, |v| v.0),
                inspected: team_visits.get(&t.id).map_or(0, |v| v.1),
                name: t.name,
            });
        }
        let units = level_units.iter().map(|s| s.len()).sum();
        let units_inspected = level_inspected.iter().map(|s| s.len()).sum();
        // The date the secretariat set, else the campaign's last day, else blanks.
        let date = match settings.blank_date {
            true => None,
            false => settings.report_date.or(campaign.body.end_date),
        };
        Ok(CampaignReport {
            campaign_id: cid,
            heading: Heading {
                parent_body: settings.parent_body.clone(),
                issuer: settings.issuer.clone(),
                number: settings.report_number.clone(),
                place_date: place_date(&settings.place, date),
            },
            campaign_name: campaign.body.name.clone(),
            year: campaign.body.year,
            theme: campaign.body.theme.clone(),
            decision_number: campaign.body.decision_number.clone(),
            issuing_body: campaign.body.issuing_body.clone(),
            settings,
            scope: Scope {
                start_date: campaign.body.start_date,
                end_date: campaign.body.end_date,
                units,
                units_inspected,
                visits: rows.len(),
                basis,
                counted,
                by_level,
                teams,
                status_counts,
            },
            levels,
            topics,
            overall,
            common_shortcomings: common,
            shortcomings,
            good_practices: good,
            difficulties,
            texts: campaign.body.texts.clone(),
            recommendations,
            annex,
            findings: findings_rows,
            warnings,
            draft,
        })
    }
}

impl CampaignReport {
    /// A starting point for the secretariat's words, from what the counted visits recorded:
    /// their strengths, shortcomings and difficulties (as objective causes), the
    /// recommendations that go beyond the teams, and an assessment from the results. Only a
    /// draft to edit: nothing here is saved until the secretariat saves it.
    pub fn suggested_texts(&self) -> ReportTexts {
        let lines = |v: &[UnitText]| {
            v.iter()
                // One line per unit: the report prints a paragraph per line.
                .map(|u| format!("- {}: {}", u.unit, one_line(&u.text)))
                .collect::<Vec<_>>()
                .join("\n")
        };
        let proposals = self
            .recommendations
            .iter()
            .filter(|g| g.forward)
            .flat_map(|g| {
                g.items.iter().map(move |i| {
                    // The unit's words, then who raised it and where it goes.
                    format!(
                        "- {} ({}; chuyển {}).",
                        one_line(&i.text).trim_end_matches('.'),
                        i.unit,
                        lower_first(&g.label)
                    )
                })
            })
            .collect::<Vec<_>>()
            .join("\n");
        let s = &self.scope;
        let results: Vec<String> = self
            .overall
            .iter()
            .filter(|o| o.result.is_some() && o.count > 0)
            .map(|o| format!("{} đơn vị {}", o.count, lower_first(&o.label)))
            .collect();
        let assessment = if s.counted == 0 {
            String::new()
        } else {
            let mut a = format!(
                "Qua kiểm tra {}/{} đơn vị theo kế hoạch, các đơn vị đã chuẩn bị báo cáo, hồ sơ và làm việc nghiêm túc với Đoàn kiểm tra.",
                s.units_inspected, s.units
            );
            if !results.is_empty() {
                a.push_str(&format!(" Kết quả xếp loại: {}.", results.join(", ")));
            }
            a
        };
        ReportTexts {
            assessment,
            strengths: lines(&self.good_practices),
            shortcomings: lines(&self.shortcomings),
            causes_objective: lines(&self.difficulties),
            causes_subjective: String::new(),
            proposals,
        }
    }
}

fn one_line(s: &str) -> String {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}
