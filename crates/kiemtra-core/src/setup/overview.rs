//! What a campaign looks like at a glance: its list entry, its units and teams, how far
//! its visits have got.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::*;
use crate::error::{Error, Result};
use crate::store::{Store, Stored};
use crate::text;
use crate::units::{with_ancestors, UnitRow};
use crate::visit::{TeamView, VisitRow};

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct StatusCounts {
    pub planned: usize,
    pub in_progress: usize,
    pub completed: usize,
    pub signed: usize,
}

impl StatusCounts {
    fn add_n(&mut self, s: VisitStatus, n: usize) {
        match s {
            VisitStatus::Planned => self.planned += n,
            VisitStatus::InProgress => self.in_progress += n,
            VisitStatus::Completed => self.completed += n,
            VisitStatus::Signed => self.signed += n,
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
    /// Visits taken off the plan, newest first, with why.
    pub cancelled: Vec<CancelledVisit>,
}

/// A visit taken off the plan: what it was and the cancellation its tombstone records.
#[derive(Debug, Clone, Serialize)]
pub struct CancelledVisit {
    pub id: String,
    pub unit_id: String,
    pub unit_name: String,
    pub date: Option<NaiveDate>,
    pub team_name: String,
    pub reason: String,
    pub at: String,
    pub by: String,
}

/// A campaign's visit counts: by status, and how many units they visit.
#[derive(Default)]
struct Tally {
    counts: StatusCounts,
    visits: usize,
    units: usize,
}

/// What the campaign list counts of one campaign, from its visits' summaries
/// (`model::SUMMARY_FIELDS`) in the owner index alone: no visit body is read.
fn tally(store: &Store, campaign: &str) -> Result<Tally> {
    let conn = store.conn();
    let mut t = Tally::default();
    let mut by_status = conn.prepare_cached(
        "SELECT json_extract(summary, '$.status'), COUNT(*) FROM record_state
         WHERE owner = ?1 AND kind = 'visit' AND deleted = 0
         GROUP BY 1",
    )?;
    let rows = by_status.query_map([campaign], |r| {
        Ok((r.get::<_, Option<String>>(0)?, r.get::<_, i64>(1)?))
    })?;
    for row in rows {
        let (status, n) = row?;
        t.visits += n as usize;
        // A status this build does not know (a newer one's) counts as a visit only.
        if let Some(s) = status.and_then(|s| serde_json::from_value(s.into()).ok()) {
            t.counts.add_n(s, n as usize);
        }
    }
    t.units = conn
        .prepare_cached(
            "SELECT COUNT(DISTINCT json_extract(summary, '$.unit_id')) FROM record_state
             WHERE owner = ?1 AND kind = 'visit' AND deleted = 0",
        )?
        .query_row([campaign], |r| r.get::<_, i64>(0))? as usize;
    Ok(t)
}

impl Store {
    pub fn campaign_summaries(&self) -> Result<Vec<CampaignSummary>> {
        let mut out = Vec::new();
        for c in self.list::<Campaign>()? {
            let tally = tally(self, &c.id)?;
            out.push(summary_with(c, tally));
        }
        out.sort_by_cached_key(|c| campaign_order(c.year, &c.name));
        Ok(out)
    }

    pub(crate) fn campaign_summary(&self, c: Stored<Campaign>) -> Result<CampaignSummary> {
        let tally = tally(self, &c.id)?;
        Ok(summary_with(c, tally))
    }

    pub fn campaign_overview(&self, id: &str) -> Result<CampaignOverview> {
        let c = self.require::<Campaign>(id)?;
        let visits = self.visit_rows(Some(&c.id))?;
        let in_campaign: std::collections::HashSet<&str> =
            visits.iter().map(|v| v.unit_id.as_str()).collect();
        let day = crate::model::campaign_day(&c.body);
        let units = self.units_on(in_campaign.iter().copied(), day)?;
        let teams = self.campaign_teams(&c.id)?;
        let cancelled = self.cancelled_visits(&c.id)?;
        Ok(CampaignOverview {
            campaign: self.campaign_summary(c)?,
            units,
            visits,
            teams,
            cancelled,
        })
    }

    /// The units `ids` and their ancestors, so the tree keeps its shape (dissolved units
    /// included: a campaign may be older than their end), read by id: a campaign's view
    /// costs what the campaign holds, not the directory. Names as they were on `day`: each
    /// is a walk through that unit's revisions, so only for the units shown.
    fn units_on<'a>(
        &self,
        ids: impl IntoIterator<Item = &'a str>,
        day: NaiveDate,
    ) -> Result<Vec<UnitRow>> {
        let mut names = crate::units::names::NameBook::new(self);
        let mut units = self.unit_tree_of(ids)?;
        for u in &mut units {
            u.name = names.name_at(&u.id, &u.rev, &u.name, day)?;
        }
        Ok(units)
    }

    /// The campaign's teams with their members, by name.
    pub(crate) fn campaign_teams(&self, campaign_id: &str) -> Result<Vec<TeamView>> {
        let mut teams = Vec::new();
        for t in self.list_by::<Team>("campaign_id", campaign_id)? {
            teams.push(self.team_view(t)?);
        }
        teams.sort_by_cached_key(|a| text::sort_key(&a.name));
        Ok(teams)
    }

    /// The campaign's cancelled visits (deleted with a cancellation), newest first.
    pub fn cancelled_visits(&self, campaign_id: &str) -> Result<Vec<CancelledVisit>> {
        let mut out = Vec::new();
        for v in self.deleted_by::<Visit>("campaign_id", campaign_id)? {
            let Some(c) = v.body.plan_changes.last().filter(|c| c.cancelled) else {
                continue;
            };
            let unit_name = self
                .get::<Unit>(&v.body.unit_id)?
                .map(|u| u.body.name)
                .unwrap_or_default();
            out.push(CancelledVisit {
                id: v.id.clone(),
                unit_id: v.body.unit_id.clone(),
                unit_name,
                date: v.body.date,
                team_name: c.team_from.clone(),
                reason: c.reason.clone(),
                at: c.at.clone(),
                by: c.by.clone(),
            });
        }
        out.sort_by(|a, b| b.at.cmp(&a.at));
        Ok(out)
    }

    pub(crate) fn campaign_day_cached(
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

    /// A campaign's day and the visit of each unit it visits.
    fn visit_by_unit(&self, campaign_id: &str) -> Result<(NaiveDate, HashMap<String, VisitRow>)> {
        let id = self.resolve_id(Campaign::KIND, campaign_id)?;
        let c = self.require::<Campaign>(&id)?;
        let mut visits: HashMap<String, VisitRow> = HashMap::new();
        for v in self.visit_rows(Some(&id))? {
            // Rows come by date: a unit visited twice (two laptops planned it) shows its first.
            visits.entry(v.unit_id.clone()).or_insert(v);
        }
        Ok((crate::model::campaign_day(&c.body), visits))
    }

    /// Every unit of a campaign's time with its visit, in tree order: the units that existed
    /// on the campaign's day, those visited, and their ancestors; names as they were then.
    /// A unit without a visit is not planned yet.
    pub fn campaign_units_state(&self, campaign_id: &str) -> Result<Vec<UnitState>> {
        let (day, mut visits) = self.visit_by_unit(campaign_id)?;
        let all = self.unit_tree_with(true)?;
        let shown = with_ancestors(&all, |u| {
            visits.contains_key(&u.id)
                || (u.valid_from.is_none_or(|f| f <= day) && u.valid_to.is_none_or(|t| day <= t))
        });
        let mut names = crate::units::names::NameBook::new(self);
        let mut out = Vec::with_capacity(shown.len());
        for mut u in all {
            if !shown.contains(u.id.as_str()) {
                continue;
            }
            u.name = names.name_at(&u.id, &u.rev, &u.name, day)?;
            let visit = visits.remove(&u.id);
            out.push(UnitState { unit: u, visit });
        }
        Ok(out)
    }

    /// The campaign's own units (those its visits go to, with their ancestors for the tree's
    /// shape) and each one's visit, names as on the campaign's day: what the campaign holds,
    /// whatever the size of the directory. `campaign_units_state` adds every other unit of the
    /// campaign's day, for planning.
    pub fn campaign_units_visited(&self, campaign_id: &str) -> Result<Vec<UnitState>> {
        let (day, mut visits) = self.visit_by_unit(campaign_id)?;
        let ids: Vec<String> = visits.keys().cloned().collect();
        Ok(self
            .units_on(ids.iter().map(String::as_str), day)?
            .into_iter()
            .map(|u| {
                let visit = visits.remove(&u.id);
                UnitState { unit: u, visit }
            })
            .collect())
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
}

fn summary_with(c: Stored<Campaign>, tally: Tally) -> CampaignSummary {
    let b = c.body;
    CampaignSummary {
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
        unit_count: tally.units,
        visit_count: tally.visits,
        status_counts: tally.counts,
    }
}

/// How campaigns are listed: newest year first, then by Vietnamese name.
pub(crate) fn campaign_order(year: i32, name: &str) -> (std::cmp::Reverse<i32>, (String, String)) {
    (std::cmp::Reverse(year), text::sort_key(name))
}
