//! The operations the app and the CLI share, and the views they show. Any operation the UI
//! can do is here, so a test can do it without the UI.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Invalid, Result};
use crate::model::some_value;
use crate::model::*;
use crate::store::{Store, Stored};
use crate::text;

pub use kiemtra_domain::ids::{finding_id, new_id};

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct StatusCounts {
    pub planned: usize,
    pub in_progress: usize,
    pub completed: usize,
    pub signed: usize,
}

impl StatusCounts {
    fn add(&mut self, s: VisitStatus) {
        match s {
            VisitStatus::Planned => self.planned += 1,
            VisitStatus::InProgress => self.in_progress += 1,
            VisitStatus::Completed => self.completed += 1,
            VisitStatus::Signed => self.signed += 1,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct CampaignSummary {
    pub id: String,
    pub name: String,
    pub year: i32,
    pub theme: String,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub decision_number: String,
    pub issuing_body: String,
    pub place: String,
    pub criteria_set_id: Option<String>,
    pub unit_count: usize,
    pub visit_count: usize,
    pub status_counts: StatusCounts,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UnitRow {
    pub id: String,
    pub parent_id: Option<String>,
    pub name: String,
    pub short_name: String,
    pub code: String,
    pub kind: String,
    pub level_label: String,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    pub depth: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VisitRow {
    pub id: String,
    pub campaign_id: String,
    pub unit_id: String,
    pub unit_name: String,
    pub unit_code: String,
    pub unit_level_label: String,
    pub date: Option<NaiveDate>,
    pub status: VisitStatus,
    pub team_id: Option<String>,
    pub team_name: String,
    pub overall_result: Option<OverallResult>,
    pub done: usize,
    pub total: usize,
    /// The visit, or one of its findings or recommendations, is in conflict.
    pub conflict: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct MemberView {
    pub inspector_id: String,
    pub full_name: String,
    pub title: String,
    pub role: Role,
}

#[derive(Debug, Clone, Serialize)]
pub struct TeamView {
    pub id: String,
    pub name: String,
    pub members: Vec<MemberView>,
}

/// A unit of a campaign's overview and its visit in that campaign (None: not planned yet).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UnitState {
    pub unit: UnitRow,
    pub visit: Option<VisitRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CampaignOverview {
    pub campaign: CampaignSummary,
    pub units: Vec<UnitRow>,
    pub visits: Vec<VisitRow>,
    pub teams: Vec<TeamView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FindingView {
    pub id: String,
    pub rev: String,
    pub rating: Option<Rating>,
    pub points: Option<f64>,
    pub note: String,
    pub explanation: String,
    pub conflict: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct RecommendationView {
    pub id: String,
    pub rev: String,
    pub conflict: bool,
    #[serde(flatten)]
    pub body: Recommendation,
}

#[derive(Debug, Clone, Serialize)]
pub struct VisitHeader {
    pub id: String,
    pub rev: String,
    #[serde(flatten)]
    pub body: Visit,
}

#[derive(Debug, Clone, Serialize)]
pub struct IdName {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CriteriaView {
    pub id: String,
    #[serde(flatten)]
    pub set: CriteriaSet,
}

#[derive(Debug, Clone, Serialize)]
pub struct VisitDetail {
    pub visit: VisitHeader,
    pub unit: UnitRow,
    pub campaign: IdName,
    pub team: Option<TeamView>,
    pub criteria: CriteriaView,
    /// Keyed by item code.
    pub findings: BTreeMap<String, FindingView>,
    pub recommendations: Vec<RecommendationView>,
    pub locked: bool,
    pub done: usize,
    pub total: usize,
}

/// What `finding set` and the checklist send. `None` leaves a field as it is; for rating and
/// points `Some(None)` clears it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct FindingInput {
    pub visit_id: String,
    pub item_code: String,
    #[serde(default, deserialize_with = "some_value")]
    pub rating: Option<Option<Rating>>,
    #[serde(default, deserialize_with = "some_value")]
    pub points: Option<Option<f64>>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub explanation: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FindingSaved {
    pub id: String,
    pub rev: String,
    pub visit_status: VisitStatus,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RecommendationInput {
    pub visit_id: String,
    pub text: String,
    pub raised_by: RaisedBy,
    pub authority: Authority,
    #[serde(default)]
    pub due_date: Option<NaiveDate>,
}

impl Store {
    /// Ids of records in conflict, and the visits they concern.
    pub fn conflict_index(&self) -> Result<(HashSet<String>, HashSet<String>)> {
        let mut st = self.conn().prepare_cached(
            "SELECT id, kind, COALESCE(json_extract(body, '$.visit_id'), '') FROM records WHERE conflict = 1",
        )?;
        let mut ids = HashSet::new();
        let mut visits = HashSet::new();
        for row in st.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })? {
            let (id, kind, visit) = row?;
            if kind == Visit::KIND {
                visits.insert(id.clone());
            } else if !visit.is_empty() {
                visits.insert(visit);
            }
            ids.insert(id);
        }
        Ok((ids, visits))
    }

    pub fn campaign_summaries(&self) -> Result<Vec<CampaignSummary>> {
        let mut out = Vec::new();
        for c in self.list::<Campaign>()? {
            out.push(self.campaign_summary(c)?);
        }
        // Newest campaign first, then by name.
        out.sort_by(|a, b| {
            b.year
                .cmp(&a.year)
                .then_with(|| text::sort_key(&a.name).cmp(&text::sort_key(&b.name)))
        });
        Ok(out)
    }

    fn campaign_summary(&self, c: Stored<Campaign>) -> Result<CampaignSummary> {
        let visits = self.list_by::<Visit>("campaign_id", &c.id)?;
        let mut counts = StatusCounts::default();
        let mut units = std::collections::BTreeSet::new();
        for v in &visits {
            counts.add(v.body.status);
            units.insert(v.body.unit_id.clone());
        }
        let b = c.body;
        Ok(CampaignSummary {
            id: c.id,
            name: b.name,
            year: b.year,
            theme: b.theme,
            start_date: b.start_date,
            end_date: b.end_date,
            decision_number: b.decision_number,
            issuing_body: b.issuing_body,
            place: b.place,
            criteria_set_id: b.criteria_set_id,
            unit_count: units.len(),
            visit_count: visits.len(),
            status_counts: counts,
        })
    }

    /// The unit directory as a tree in pre-order (children sorted by code then Vietnamese
    /// name), without units dissolved or merged away before today unless a shown unit is
    /// still below them.
    pub fn unit_tree(&self) -> Result<Vec<UnitRow>> {
        self.unit_tree_with(false)
    }

    /// `unit_tree`, with `include_past` also every unit that has ended.
    pub fn unit_tree_with(&self, include_past: bool) -> Result<Vec<UnitRow>> {
        let all = self.unit_tree_all()?;
        if include_past {
            return Ok(all);
        }
        let today = crate::dates::today();
        let shown = with_ancestors(&all, |u| u.valid_to.is_none_or(|t| t >= today));
        Ok(all
            .into_iter()
            .filter(|u| shown.contains(u.id.as_str()))
            .collect())
    }

    fn unit_tree_all(&self) -> Result<Vec<UnitRow>> {
        let units = self.list::<Unit>()?;
        let ids: std::collections::HashSet<&str> = units.iter().map(|u| u.id.as_str()).collect();
        let mut children: BTreeMap<Option<&str>, Vec<&Stored<Unit>>> = BTreeMap::new();
        for u in &units {
            // A unit whose parent is missing still shows, at the top.
            let parent = u.body.parent_id.as_deref().filter(|p| ids.contains(p));
            children.entry(parent).or_default().push(u);
        }
        for list in children.values_mut() {
            list.sort_by(|a, b| {
                (a.body.code.as_str(), text::sort_key(&a.body.name))
                    .cmp(&(b.body.code.as_str(), text::sort_key(&b.body.name)))
            });
        }
        let mut out = Vec::with_capacity(units.len());
        let mut stack: Vec<(&Stored<Unit>, usize)> = children
            .get(&None)
            .map(|v| v.iter().rev().map(|u| (*u, 0)).collect())
            .unwrap_or_default();
        let mut seen = std::collections::HashSet::new();
        while let Some((u, depth)) = stack.pop() {
            if !seen.insert(u.id.as_str()) {
                continue; // a cycle from bad data: show each unit once
            }
            out.push(unit_row(u, depth));
            if let Some(kids) = children.get(&Some(u.id.as_str())) {
                stack.extend(kids.iter().rev().map(|k| (*k, depth + 1)));
            }
        }
        // Units caught in a parent cycle are unreachable from the top: list them anyway.
        for u in &units {
            if !seen.contains(u.id.as_str()) {
                out.push(unit_row(u, 0));
            }
        }
        Ok(out)
    }

    pub fn visit_rows(&self, campaign_id: Option<&str>) -> Result<Vec<VisitRow>> {
        let visits = match campaign_id {
            Some(c) => self.list_by::<Visit>("campaign_id", c)?,
            None => self.list::<Visit>()?,
        };
        let units: HashMap<String, Unit> = self
            .list::<Unit>()?
            .into_iter()
            .map(|u| (u.id, u.body))
            .collect();
        let teams: HashMap<String, Team> = self
            .list::<Team>()?
            .into_iter()
            .map(|t| (t.id, t.body))
            .collect();
        let mut sets: HashMap<String, usize> = HashMap::new();
        let (_, conflicted_visits) = self.conflict_index()?;
        let mut days: HashMap<String, NaiveDate> = HashMap::new();
        let mut names = crate::unit_names::NameBook::new(self);
        let mut rows = Vec::with_capacity(visits.len());
        for v in visits {
            let total = match sets.get(&v.body.criteria_set_id) {
                Some(n) => *n,
                None => {
                    let n = self
                        .get::<CriteriaSet>(&v.body.criteria_set_id)?
                        .map(|s| s.body.item_count())
                        .unwrap_or(0);
                    sets.insert(v.body.criteria_set_id.clone(), n);
                    n
                }
            };
            let done = self
                .list_by::<Finding>("visit_id", &v.id)?
                .iter()
                .filter(|f| f.body.is_rated())
                .count();
            let unit = units.get(&v.body.unit_id);
            // Old campaigns show units by the names they had then.
            let unit_name = match unit {
                Some(u) => {
                    let day = match v.body.date {
                        Some(d) => d,
                        None => self.campaign_day_cached(&mut days, &v.body.campaign_id)?,
                    };
                    names.name_at(&v.body.unit_id, &u.name, day)?
                }
                None => String::new(),
            };
            rows.push(VisitRow {
                conflict: conflicted_visits.contains(&v.id),
                unit_name,
                unit_code: unit.map(|u| u.code.clone()).unwrap_or_default(),
                unit_level_label: unit.map(|u| u.level_label.clone()).unwrap_or_default(),
                team_name: v
                    .body
                    .team_id
                    .as_ref()
                    .and_then(|t| teams.get(t))
                    .map(|t| t.name.clone())
                    .unwrap_or_default(),
                id: v.id,
                campaign_id: v.body.campaign_id,
                unit_id: v.body.unit_id,
                date: v.body.date,
                status: v.body.status,
                team_id: v.body.team_id,
                overall_result: v.body.overall_result,
                done,
                total,
            });
        }
        rows.sort_by(|a, b| {
            (a.date, a.unit_code.as_str(), text::sort_key(&a.unit_name)).cmp(&(
                b.date,
                b.unit_code.as_str(),
                text::sort_key(&b.unit_name),
            ))
        });
        Ok(rows)
    }

    fn team_view(&self, t: Stored<Team>) -> Result<TeamView> {
        let mut members = Vec::new();
        for m in &t.body.members {
            let i = self.get::<Inspector>(&m.inspector_id)?;
            members.push(MemberView {
                inspector_id: m.inspector_id.clone(),
                full_name: i
                    .as_ref()
                    .map(|i| i.body.full_name.clone())
                    .unwrap_or_default(),
                title: i.map(|i| i.body.title).unwrap_or_default(),
                role: m.role,
            });
        }
        // Head first, then members, then the secretary — the order minutes list them.
        members.sort_by_key(|m| match m.role {
            Role::Head => 0,
            Role::Member => 1,
            Role::Secretary => 2,
        });
        Ok(TeamView {
            id: t.id,
            name: t.body.name,
            members,
        })
    }

    pub fn campaign_overview(&self, id: &str) -> Result<CampaignOverview> {
        let c = self.require::<Campaign>(id)?;
        let visits = self.visit_rows(Some(&c.id))?;
        let in_campaign: std::collections::HashSet<&str> =
            visits.iter().map(|v| v.unit_id.as_str()).collect();
        // The campaign's units and their ancestors, so the tree keeps its shape (dissolved
        // units included: the campaign may be older than their end).
        let mut all = self.unit_tree_with(true)?;
        let day = crate::model::campaign_day(&c.body);
        let mut names = crate::unit_names::NameBook::new(self);
        for u in &mut all {
            u.name = names.name_at(&u.id, &u.name, day)?;
        }
        let parent: HashMap<&str, Option<&str>> = all
            .iter()
            .map(|u| (u.id.as_str(), u.parent_id.as_deref()))
            .collect();
        let mut keep: std::collections::HashSet<&str> = std::collections::HashSet::new();
        for u in &in_campaign {
            let mut cur = Some(*u);
            while let Some(x) = cur {
                if !keep.insert(x) {
                    break;
                }
                cur = parent.get(x).copied().flatten();
            }
        }
        let units: Vec<UnitRow> = all
            .iter()
            .filter(|u| keep.contains(u.id.as_str()))
            .cloned()
            .collect();
        let mut teams = Vec::new();
        for t in self.list_by::<Team>("campaign_id", &c.id)? {
            teams.push(self.team_view(t)?);
        }
        teams.sort_by_key(|a| text::sort_key(&a.name));
        Ok(CampaignOverview {
            campaign: self.campaign_summary(c)?,
            units,
            visits,
            teams,
        })
    }

    fn campaign_day_cached(
        &self,
        days: &mut HashMap<String, NaiveDate>,
        campaign_id: &str,
    ) -> Result<NaiveDate> {
        if let Some(d) = days.get(campaign_id) {
            return Ok(*d);
        }
        let day = match self.get::<Campaign>(campaign_id)? {
            Some(c) => crate::model::campaign_day(&c.body),
            None => crate::dates::today(),
        };
        days.insert(campaign_id.to_string(), day);
        Ok(day)
    }

    /// Every unit of a campaign's time with its visit, in tree order: the units that existed
    /// on the campaign's day, those visited, and their ancestors; names as they were then.
    /// A unit without a visit is not planned yet.
    pub fn campaign_units_state(&self, campaign_id: &str) -> Result<Vec<UnitState>> {
        let id = self.resolve_id(Campaign::KIND, campaign_id)?;
        let c = self.require::<Campaign>(&id)?;
        let day = crate::model::campaign_day(&c.body);
        let mut visits: HashMap<String, VisitRow> = HashMap::new();
        for v in self.visit_rows(Some(&id))? {
            // Rows come by date: a unit visited twice (two laptops planned it) shows its first.
            visits.entry(v.unit_id.clone()).or_insert(v);
        }
        let all = self.unit_tree_with(true)?;
        let shown = with_ancestors(&all, |u| {
            visits.contains_key(&u.id)
                || (u.valid_from.is_none_or(|f| f <= day) && u.valid_to.is_none_or(|t| day <= t))
        });
        let mut names = crate::unit_names::NameBook::new(self);
        let mut out = Vec::with_capacity(shown.len());
        for mut u in all {
            if !shown.contains(u.id.as_str()) {
                continue;
            }
            u.name = names.name_at(&u.id, &u.name, day)?;
            let visit = visits.remove(&u.id);
            out.push(UnitState { unit: u, visit });
        }
        Ok(out)
    }

    /// The criteria set to show by default: the newest version of the newest set.
    pub fn criteria_current(&self) -> Result<Stored<CriteriaSet>> {
        let mut sets = self.list::<CriteriaSet>()?;
        sets.sort_by(|a, b| (a.body.version, &a.id).cmp(&(b.body.version, &b.id)));
        sets.pop().ok_or_else(|| Error::NotFound {
            what: CriteriaSet::KIND,
            id: "-".into(),
        })
    }

    pub fn visit_detail(&self, id: &str) -> Result<VisitDetail> {
        let v = self.require::<Visit>(id)?;
        let unit = self.require::<Unit>(&v.body.unit_id)?;
        let campaign = self.require::<Campaign>(&v.body.campaign_id)?;
        let team = match &v.body.team_id {
            Some(t) => match self.get::<Team>(t)? {
                Some(t) => Some(self.team_view(t)?),
                None => None,
            },
            None => None,
        };
        let set = self.require::<CriteriaSet>(&v.body.criteria_set_id)?;
        let (conflicted, _) = self.conflict_index()?;
        let findings: BTreeMap<String, FindingView> = self
            .list_by::<Finding>("visit_id", &v.id)?
            .into_iter()
            .map(|f| {
                (
                    f.body.item_code.clone(),
                    FindingView {
                        conflict: conflicted.contains(&f.id),
                        id: f.id,
                        rev: f.rev,
                        rating: f.body.rating,
                        points: f.body.points,
                        note: f.body.note,
                        explanation: f.body.explanation,
                    },
                )
            })
            .collect();
        let done = findings
            .iter()
            .filter(|(code, f)| {
                set.body.item(code).is_some() && (f.rating.is_some() || f.points.is_some())
            })
            .count();
        let recommendations = self
            .list_by::<Recommendation>("visit_id", &v.id)?
            .into_iter()
            .map(|r| RecommendationView {
                conflict: conflicted.contains(&r.id),
                id: r.id,
                rev: r.rev,
                body: r.body,
            })
            .collect();
        let day = v
            .body
            .date
            .unwrap_or_else(|| crate::model::campaign_day(&campaign.body));
        let mut unit = unit_row(&unit, 0);
        unit.name = crate::unit_names::NameBook::new(self).name_at(&unit.id, &unit.name, day)?;
        Ok(VisitDetail {
            locked: v.body.status == VisitStatus::Signed,
            total: set.body.item_count(),
            done,
            unit,
            campaign: IdName {
                id: campaign.id,
                name: campaign.body.name,
            },
            team,
            criteria: CriteriaView {
                id: set.id,
                set: set.body,
            },
            findings,
            recommendations,
            visit: VisitHeader {
                id: v.id,
                rev: v.rev,
                body: v.body,
            },
        })
    }

    /// Record (or change) a finding. The first finding of a planned visit starts it.
    pub fn finding_set(&mut self, input: FindingInput) -> Result<FindingSaved> {
        let visit_id = self.resolve_id(Visit::KIND, &input.visit_id)?;
        self.write(|w| {
            let visit = w.get::<Visit>(&visit_id)?.ok_or_else(|| Error::NotFound {
                what: Visit::KIND,
                id: visit_id.clone(),
            })?;
            if visit.body.status == VisitStatus::Signed {
                let unit = w
                    .get::<Unit>(&visit.body.unit_id)?
                    .map(|u| u.body.name)
                    .unwrap_or_default();
                return Err(Error::VisitLocked { unit });
            }
            let set = w
                .get::<CriteriaSet>(&visit.body.criteria_set_id)?
                .ok_or_else(|| Error::NotFound {
                    what: CriteriaSet::KIND,
                    id: visit.body.criteria_set_id.clone(),
                })?;
            let code = input.item_code.trim();
            let item = set
                .body
                .item(code)
                .ok_or_else(|| Error::Invalid(Invalid::UnknownItem(code.to_string())))?
                .clone();
            let id = finding_id(&visit_id, &item.code);
            let mut f = match w.get::<Finding>(&id)? {
                Some(f) => f.body,
                None => Finding {
                    visit_id: visit_id.clone(),
                    item_code: item.code.clone(),
                    rating: None,
                    points: None,
                    note: String::new(),
                    explanation: String::new(),
                },
            };
            if let Some(r) = input.rating {
                if r.is_some() && item.scale != Scale::PassFail {
                    return Err(Error::Invalid(Invalid::RatingOnPointsItem(item.code)));
                }
                f.rating = r;
            }
            if let Some(p) = input.points {
                if let Some(p) = p {
                    let max = match (item.scale, item.max_points) {
                        (Scale::Points, Some(m)) => m,
                        _ => return Err(Error::Invalid(Invalid::PointsOnPassFailItem(item.code))),
                    };
                    if !p.is_finite() || p < 0.0 || p > max as f64 {
                        return Err(Error::Invalid(Invalid::Points { value: p, max }));
                    }
                }
                f.points = p;
            }
            if let Some(n) = input.note {
                f.note = n;
            }
            if let Some(e) = input.explanation {
                f.explanation = e;
            }
            let rev = w.put(&id, &f)?;
            let mut status = visit.body.status;
            if status == VisitStatus::Planned && (f.is_rated() || !f.note.trim().is_empty()) {
                let mut v = visit.body.clone();
                v.status = VisitStatus::InProgress;
                w.put(&visit.id, &v)?;
                status = VisitStatus::InProgress;
            }
            Ok(FindingSaved {
                id,
                rev,
                visit_status: status,
            })
        })
    }

    pub fn recommendation_add(
        &mut self,
        input: RecommendationInput,
    ) -> Result<Stored<Recommendation>> {
        let visit_id = self.resolve_id(Visit::KIND, &input.visit_id)?;
        self.write(|w| {
            let visit = w.get::<Visit>(&visit_id)?.ok_or_else(|| Error::NotFound {
                what: Visit::KIND,
                id: visit_id.clone(),
            })?;
            if visit.body.status == VisitStatus::Signed {
                let unit = w
                    .get::<Unit>(&visit.body.unit_id)?
                    .map(|u| u.body.name)
                    .unwrap_or_default();
                return Err(Error::VisitLocked { unit });
            }
            let body = Recommendation {
                visit_id: visit_id.clone(),
                text: input.text.trim().to_string(),
                raised_by: input.raised_by,
                authority: input.authority,
                // Anything beyond the team's own authority starts as "forwarded" only when
                // someone forwards it; every new one starts as received.
                status: RecStatus::Received,
                due_date: input.due_date,
            };
            let id = new_id();
            let rev = w.put(&id, &body)?;
            Ok(Stored { id, rev, body })
        })
    }
}

/// The ids of the rows `keep` picks and of all their ancestors, so a tree keeps its shape.
fn with_ancestors(rows: &[UnitRow], keep: impl Fn(&UnitRow) -> bool) -> HashSet<String> {
    let parent: HashMap<&str, Option<&str>> = rows
        .iter()
        .map(|u| (u.id.as_str(), u.parent_id.as_deref()))
        .collect();
    let mut out = HashSet::new();
    for u in rows.iter().filter(|u| keep(u)) {
        let mut cur = Some(u.id.as_str());
        while let Some(x) = cur {
            if !out.insert(x) {
                break;
            }
            cur = parent.get(x).copied().flatten();
        }
    }
    out.into_iter().map(str::to_string).collect()
}

fn unit_row(u: &Stored<Unit>, depth: usize) -> UnitRow {
    UnitRow {
        id: u.id.clone(),
        parent_id: u.body.parent_id.clone(),
        name: u.body.name.clone(),
        short_name: u.body.short_name.clone(),
        code: u.body.code.clone(),
        kind: u.body.kind.clone(),
        level_label: u.body.level_label.clone(),
        valid_from: u.body.valid_from,
        valid_to: u.body.valid_to,
        depth,
    }
}
