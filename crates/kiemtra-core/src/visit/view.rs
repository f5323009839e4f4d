//! A visit as its screens show it: the list rows, the team, the checklist with its
//! findings, the recommendations.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::model::*;
use crate::store::{Store, Stored};
use crate::text;
use crate::units::{unit_row, UnitRow};

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
    /// The laptops enrolled as this team's (revoked ones too, marked).
    pub laptops: Vec<TeamLaptop>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TeamLaptop {
    pub device_id: String,
    pub name: String,
    /// Why it was revoked, if it was.
    pub revoked: Option<String>,
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

/// The visit's campaign: its dates tell whether the visit's day is outside them.
#[derive(Debug, Clone, Serialize)]
pub struct CampaignRef {
    pub id: String,
    pub name: String,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
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
    pub campaign: CampaignRef,
    pub team: Option<TeamView>,
    pub criteria: CriteriaView,
    /// Keyed by item code.
    pub findings: BTreeMap<String, FindingView>,
    pub recommendations: Vec<RecommendationView>,
    pub locked: bool,
    /// Records of the signed minutes that changed after signing (`seal`).
    pub after_signing: Vec<super::AfterSigning>,
    pub done: usize,
    pub total: usize,
}

impl Store {
    pub fn visit_rows(&self, campaign_id: Option<&str>) -> Result<Vec<VisitRow>> {
        let visits = match campaign_id {
            Some(c) => self.list_by::<Visit>("campaign_id", c)?,
            None => self.list::<Visit>()?,
        };
        self.rows_of_visits(&visits)
    }

    /// How many findings of each visit of a campaign are rated (`Finding::is_rated`),
    /// counted from their summaries (`model::SUMMARY_FIELDS`) in the owner index, in one
    /// statement: no finding is read.
    pub(crate) fn rated_counts(&self, campaign_id: &str) -> Result<HashMap<String, usize>> {
        // Visit by visit, each one's findings a range of the owner index: no sorting of a
        // national campaign's 640,000 findings to group them.
        let mut st = self.conn().prepare_cached(
            "SELECT v.id, (SELECT COUNT(*) FROM record_state f
                           WHERE f.owner = v.id AND f.kind = 'finding' AND f.deleted = 0
                             AND (json_extract(f.summary, '$.rating') IS NOT NULL
                                  OR json_extract(f.summary, '$.points') IS NOT NULL))
             FROM record_state v
             WHERE v.owner = ?1 AND v.kind = 'visit' AND v.deleted = 0",
        )?;
        let rows = st.query_map([campaign_id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as usize))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The rows of visits already read (the campaign report reads each visit once).
    pub(crate) fn rows_of_visits(&self, visits: &[Stored<Visit>]) -> Result<Vec<VisitRow>> {
        // The visits' own units and teams, read by id: a campaign's rows cost what it holds,
        // not the size of the directory.
        let units = self.unit_rows_by_id(visits.iter().map(|v| v.body.unit_id.as_str()))?;
        let mut teams: HashMap<String, Team> = HashMap::new();
        let mut rated: HashMap<String, usize> = HashMap::new();
        let mut campaigns = std::collections::HashSet::new();
        for v in visits {
            if campaigns.insert(v.body.campaign_id.as_str()) {
                rated.extend(self.rated_counts(&v.body.campaign_id)?);
            }
            if let Some(t) = v.body.team_id.as_ref().filter(|t| !teams.contains_key(*t)) {
                if let Some(t) = self.get::<Team>(t)? {
                    teams.insert(t.id, t.body);
                }
            }
        }
        let mut sets: HashMap<String, usize> = HashMap::new();
        let (_, conflicted_visits) = self.conflict_index()?;
        let mut days: HashMap<String, NaiveDate> = HashMap::new();
        let mut names = crate::units::names::NameBook::new(self);
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
            let done = rated.get(&v.id).copied().unwrap_or(0);
            let unit = units.get(&v.body.unit_id);
            // Old campaigns show units by the names they had then.
            let unit_name = match unit {
                Some(u) => {
                    let day = match v.body.date {
                        Some(d) => d,
                        None => self.campaign_day_cached(&mut days, &v.body.campaign_id)?,
                    };
                    names.name_at(&v.body.unit_id, &u.rev, &u.name, day)?
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
                id: v.id.clone(),
                campaign_id: v.body.campaign_id.clone(),
                unit_id: v.body.unit_id.clone(),
                date: v.body.date,
                status: v.body.status,
                team_id: v.body.team_id.clone(),
                overall_result: v.body.overall_result,
                done,
                total,
            });
        }
        // Keys made once per row: a national campaign sorts 20,000.
        rows.sort_by_cached_key(|r| (r.date, r.unit_code.clone(), text::sort_key(&r.unit_name)));
        Ok(rows)
    }

    pub(crate) fn team_view(&self, t: Stored<Team>) -> Result<TeamView> {
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
        let mut laptops = Vec::new();
        for e in
            self.list_by::<kiemtra_domain::trust::Enrolment>("campaign_id", &t.body.campaign_id)?
        {
            if e.body.team_id.as_deref() != Some(t.id.as_str()) {
                continue;
            }
            let name: Option<String> = self
                .conn()
                .query_row(
                    "SELECT name FROM devices WHERE id = ?1",
                    [&e.body.device_id],
                    |r| r.get(0),
                )
                .ok();
            laptops.push(TeamLaptop {
                name: name.unwrap_or_else(|| e.body.device_id.clone()),
                device_id: e.body.device_id,
                revoked: e.body.revoked.map(|r| r.reason),
            });
        }
        Ok(TeamView {
            id: t.id,
            name: t.body.name,
            members,
            laptops,
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
            .visit_records::<Finding>(&v)?
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
            .visit_records::<Recommendation>(&v)?
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
        unit.name = crate::units::names::NameBook::new(self)
            .name_at(&unit.id, &unit.rev, &unit.name, day)?;
        Ok(VisitDetail {
            after_signing: self.after_signing(&v)?,
            locked: v.body.status == VisitStatus::Signed,
            total: set.body.item_count(),
            done,
            unit,
            campaign: CampaignRef {
                id: campaign.id,
                name: campaign.body.name,
                start_date: campaign.body.start_date,
                end_date: campaign.body.end_date,
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
}
