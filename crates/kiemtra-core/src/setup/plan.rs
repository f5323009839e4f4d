//! The visit plan: which team visits which unit on which day; rescheduling and cancelling.

use super::*;

/// A visit to plan: a unit of the campaign, its team and day.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VisitPlanInput {
    pub campaign_id: String,
    pub unit_id: String,
    #[serde(default)]
    pub team_id: Option<String>,
    #[serde(default)]
    pub date: Option<NaiveDate>,
    /// The day is outside the campaign's dates on purpose (refused otherwise).
    #[serde(default)]
    pub outside_campaign: bool,
}

/// One entry of `visits_plan_many` (the campaign is given once).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PlanEntry {
    pub unit_id: String,
    #[serde(default)]
    pub team_id: Option<String>,
    #[serde(default)]
    pub date: Option<NaiveDate>,
    #[serde(default)]
    pub outside_campaign: bool,
}

/// Why a visit is re-planned, kept in its history; and whether a day outside the
/// campaign's dates is meant.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Replan {
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub outside_campaign: bool,
}

/// A day outside the campaign's dates is refused unless the caller says it is meant: a
/// visit on 01/01/2030 in a campaign of October 2026 is almost always a typing slip.
pub(super) fn within_campaign(
    c: &Campaign,
    unit: &str,
    date: Option<NaiveDate>,
    outside_meant: bool,
) -> Result<()> {
    let Some(date) = date else { return Ok(()) };
    let before = c.start_date.is_some_and(|s| date < s);
    let after = c.end_date.is_some_and(|e| date > e);
    if (before || after) && !outside_meant {
        return refuse(Refusal::VisitOutsideCampaign {
            unit: unit.to_string(),
            date,
            start: c.start_date,
            end: c.end_date,
        });
    }
    Ok(())
}

/// The campaign a plan is written into, read once per transaction.
pub(super) struct PlanTarget {
    campaign: Stored<Campaign>,
    criteria_set_id: String,
    /// Units that have a visit in the campaign already.
    planned: HashSet<String>,
}

impl PlanTarget {
    fn load(w: &Writer<'_>, campaign_id: &str) -> Result<PlanTarget> {
        let campaign = need::<Campaign>(w, campaign_id)?;
        let criteria_set_id = match &campaign.body.criteria_set_id {
            Some(id) => need::<CriteriaSet>(w, id)?.id,
            None => match newest_set(w)? {
                Some(id) => id,
                None => return refuse(Refusal::NoCriteriaSet),
            },
        };
        let planned = w
            .list_by::<Visit>("campaign_id", campaign_id)?
            .into_iter()
            .map(|v| v.body.unit_id)
            .collect();
        Ok(PlanTarget {
            campaign,
            criteria_set_id,
            planned,
        })
    }

    fn plan(
        &mut self,
        w: &mut Writer<'_>,
        unit_id: &str,
        team_id: Option<String>,
        date: Option<NaiveDate>,
        outside_meant: bool,
    ) -> Result<Stored<Visit>> {
        let unit = need::<Unit>(w, unit_id)?;
        let day = date.unwrap_or_else(|| campaign_day(&self.campaign.body));
        unit_exists_on(&unit.body, day)?;
        within_campaign(&self.campaign.body, &unit.body.name, date, outside_meant)?;
        if let Some(t) = &team_id {
            team_of(w, t, &self.campaign.id)?;
        }
        if !self.planned.insert(unit.id.clone()) {
            return refuse(Refusal::VisitExists {
                unit: unit.body.name,
                campaign: self.campaign.body.name.clone(),
            });
        }
        let body = new_visit(
            &self.campaign.id,
            &unit.id,
            team_id,
            date,
            &self.criteria_set_id,
        );
        let id = new_id();
        let rev = w.put(&id, &body)?;
        Ok(Stored { id, rev, body })
    }
}

/// A visit as planned, nothing recorded yet: the one place a new visit's body is made.
pub fn new_visit(
    campaign_id: &str,
    unit_id: &str,
    team_id: Option<String>,
    date: Option<NaiveDate>,
    criteria_set_id: &str,
) -> Visit {
    Visit {
        campaign_id: campaign_id.to_string(),
        unit_id: unit_id.to_string(),
        team_id,
        date,
        status: VisitStatus::Planned,
        criteria_set_id: criteria_set_id.to_string(),
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
        sealed: None,
        start_time: String::new(),
        place: String::new(),
        plan_changes: Vec::new(),
    }
}

pub(super) fn unit_exists_on(u: &Unit, day: NaiveDate) -> Result<()> {
    if let Some(until) = u.valid_to.filter(|_| u.ended_before(day)) {
        return refuse(Refusal::UnitEnded {
            unit: u.name.clone(),
            until,
        });
    }
    if let Some(from) = u.valid_from.filter(|f| *f > day) {
        return refuse(Refusal::UnitNotYet {
            unit: u.name.clone(),
            from,
        });
    }
    Ok(())
}

/// The team, which must belong to the campaign.
pub(super) fn team_of(w: &Writer<'_>, team_id: &str, campaign_id: &str) -> Result<Stored<Team>> {
    let team = need::<Team>(w, team_id)?;
    if team.body.campaign_id != campaign_id {
        return refuse(Refusal::TeamElsewhere {
            team: team.body.name,
        });
    }
    Ok(team)
}

pub(super) fn unit_name(w: &Writer<'_>, unit_id: &str) -> Result<String> {
    Ok(w.get::<Unit>(unit_id)?
        .map(|u| u.body.name)
        .unwrap_or_default())
}

impl Store {
    /// Plan a visit: planned, checked against the campaign's current criteria set. Refused
    /// for a unit that has a visit in the campaign already or did not exist on the day.
    pub fn visit_plan(&mut self, input: VisitPlanInput) -> Result<Stored<Visit>> {
        let campaign_id = self.resolve_id(Campaign::KIND, &input.campaign_id)?;
        let unit_id = self.resolve_id(Unit::KIND, &input.unit_id)?;
        let team_id = resolve_opt(self, Team::KIND, input.team_id.as_deref())?;
        self.write(|w| {
            PlanTarget::load(w, &campaign_id)?.plan(
                w,
                &unit_id,
                team_id,
                input.date,
                input.outside_campaign,
            )
        })
    }

    /// Plan many visits of one campaign, all or nothing; an error names its entry.
    pub fn visits_plan_many(
        &mut self,
        campaign_id: &str,
        entries: Vec<PlanEntry>,
    ) -> Result<Vec<Stored<Visit>>> {
        let campaign_id = self.resolve_id(Campaign::KIND, campaign_id)?;
        // The entry an error belongs to, whichever layer made it.
        fn in_entry<E: Into<Error>>(index: usize) -> impl Fn(E) -> Error {
            move |e| Error::InBatch {
                index,
                error: Box::new(e.into()),
            }
        }
        let mut resolved = Vec::with_capacity(entries.len());
        for (i, e) in entries.into_iter().enumerate() {
            let unit = self
                .resolve_id(Unit::KIND, &e.unit_id)
                .map_err(in_entry(i))?;
            let team = resolve_opt(self, Team::KIND, e.team_id.as_deref()).map_err(in_entry(i))?;
            resolved.push((unit, team, e.date, e.outside_campaign));
        }
        self.write(|w| {
            let mut target = PlanTarget::load(w, &campaign_id)?;
            let mut out = Vec::with_capacity(resolved.len());
            for (i, (unit, team, date, outside)) in resolved.into_iter().enumerate() {
                out.push(
                    target
                        .plan(w, &unit, team, date, outside)
                        .map_err(in_entry(i))?,
                );
            }
            Ok(out)
        })
    }

    /// Give a visit another team and/or day (None clears), the change and its reason kept
    /// in the visit's history. Refused once signed; nothing written when nothing changes.
    pub fn visit_reschedule(
        &mut self,
        id: &str,
        team_id: Option<&str>,
        date: Option<NaiveDate>,
        why: Replan,
    ) -> Result<Stored<Visit>> {
        let id = self.resolve_id(Visit::KIND, id)?;
        let team_id = resolve_opt(self, Team::KIND, team_id)?;
        let by = self.acting_as()?;
        self.write(|w| {
            let current = need::<Visit>(w, &id)?;
            let mut v = current.body.clone();
            if v.status == VisitStatus::Signed {
                return Err(Error::VisitLocked {
                    unit: unit_name(w, &v.unit_id)?,
                });
            }
            if v.team_id == team_id && v.date == date {
                return Ok(current);
            }
            let team_to = match &team_id {
                Some(t) => team_of(w, t, &v.campaign_id)?.body.name,
                None => String::new(),
            };
            if date != v.date {
                if let Some(d) = date {
                    let unit = need::<Unit>(w, &v.unit_id)?.body;
                    unit_exists_on(&unit, d)?;
                    let campaign = need::<Campaign>(w, &v.campaign_id)?.body;
                    within_campaign(&campaign, &unit.name, date, why.outside_campaign)?;
                }
            }
            let team_from = team_name(w, v.team_id.as_deref())?;
            v.plan_changes.push(PlanChange {
                at: crate::visit::now_local(),
                by,
                reason: text::nfc(why.reason.trim()),
                date_from: v.date,
                date_to: date,
                team_from,
                team_to,
                cancelled: false,
            });
            v.team_id = team_id;
            v.date = date;
            let rev = w.put(&id, &v)?;
            Ok(Stored {
                id: id.clone(),
                rev,
                body: v,
            })
        })
    }

    /// Take a visit off the plan, with the reason: a tombstone whose body records the
    /// cancellation, so the history and the campaign's list of cancelled visits keep it.
    /// Only while it is planned and nothing is recorded for it.
    pub fn visit_cancel(&mut self, id: &str, reason: &str) -> Result<()> {
        let id = self.resolve_id(Visit::KIND, id)?;
        let reason = text::nfc(reason.trim());
        if reason.is_empty() {
            return refuse(Refusal::CancelNeedsReason);
        }
        let by = self.acting_as()?;
        self.write(|w| {
            let mut v = need::<Visit>(w, &id)?.body;
            if v.status != VisitStatus::Planned {
                return refuse(Refusal::VisitStarted {
                    unit: unit_name(w, &v.unit_id)?,
                    status: v.status,
                });
            }
            let findings = w.list_by::<Finding>("visit_id", &id)?.len();
            let recommendations = w.list_by::<Recommendation>("visit_id", &id)?.len();
            let attachments = w.list_by::<Attachment>("visit_id", &id)?.len();
            if findings + recommendations + attachments > 0 {
                return refuse(Refusal::VisitHasRecords {
                    unit: unit_name(w, &v.unit_id)?,
                    findings,
                    recommendations,
                    attachments,
                });
            }
            let team = team_name(w, v.team_id.as_deref())?;
            v.plan_changes.push(PlanChange {
                at: crate::visit::now_local(),
                by,
                reason,
                date_from: v.date,
                date_to: v.date,
                team_from: team.clone(),
                team_to: team,
                cancelled: true,
            });
            w.delete_with(&id, &v)?;
            Ok(())
        })
    }
}

fn team_name(w: &Writer<'_>, team_id: Option<&str>) -> Result<String> {
    Ok(match team_id {
        Some(t) => w.get::<Team>(t)?.map(|t| t.body.name).unwrap_or_default(),
        None => String::new(),
    })
}
