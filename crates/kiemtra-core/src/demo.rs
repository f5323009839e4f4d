//! Default data: the criteria set of the 2023 campaign and the demo campaign of the article
//! (Ninh Bình, 07–10/11/2023), shipped as JSON in `data/` and loaded through ordinary writes
//! so they have revisions like anything typed by hand.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Deserialize;

use crate::error::{Error, Result};
use crate::ids::{finding_id, new_id};
use crate::model::*;
use crate::store::{Store, Writer};

const CRITERIA_2023: &str = include_str!("../data/criteria-2023.json");
const DEMO_2023: &str = include_str!("../data/demo-2023.json");

/// The default criteria set (seven topics of the 2023 campaign).
pub fn default_criteria() -> CriteriaSet {
    serde_json::from_str(CRITERIA_2023).expect("data/criteria-2023.json is valid")
}

#[derive(Deserialize)]
struct DemoFile {
    campaign: DemoCampaign,
    units: Vec<DemoUnit>,
    inspectors: Vec<DemoInspector>,
    teams: Vec<DemoTeam>,
    visits: Vec<DemoVisit>,
}

#[derive(Deserialize)]
struct DemoCampaign {
    name: String,
    year: i32,
    theme: String,
    start_date: Option<NaiveDate>,
    end_date: Option<NaiveDate>,
    decision_number: String,
    issuing_body: String,
    #[serde(default)]
    place: String,
}

#[derive(Deserialize)]
struct DemoUnit {
    key: String,
    parent: Option<String>,
    name: String,
    #[serde(default)]
    short_name: String,
    code: String,
    kind: String,
    level_label: String,
    valid_from: Option<NaiveDate>,
    valid_to: Option<NaiveDate>,
}

#[derive(Deserialize)]
struct DemoInspector {
    key: String,
    full_name: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    organisation: String,
}

#[derive(Deserialize)]
struct DemoTeam {
    key: String,
    name: String,
    members: Vec<DemoMember>,
}

#[derive(Deserialize)]
struct DemoMember {
    inspector: String,
    role: Role,
}

#[derive(Deserialize)]
struct DemoVisit {
    unit: String,
    team: String,
    date: Option<NaiveDate>,
    status: VisitStatus,
    #[serde(default)]
    report_summary: String,
    #[serde(default)]
    difficulties: String,
    #[serde(default)]
    strengths: String,
    #[serde(default)]
    shortcomings: String,
    #[serde(default)]
    assessment: String,
    overall_result: Option<OverallResult>,
    #[serde(default)]
    attendees: Vec<Attendee>,
    #[serde(default)]
    questions: Vec<Question>,
    #[serde(default)]
    findings: Vec<DemoFinding>,
    #[serde(default)]
    recommendations: Vec<DemoRecommendation>,
}

#[derive(Deserialize)]
struct DemoFinding {
    item: String,
    rating: Option<Rating>,
    points: Option<f64>,
    #[serde(default)]
    note: String,
    #[serde(default)]
    explanation: String,
}

#[derive(Deserialize)]
struct DemoRecommendation {
    text: String,
    raised_by: RaisedBy,
    authority: Authority,
    status: RecStatus,
}

fn lookup<'a>(map: &'a HashMap<String, String>, key: &str) -> Result<&'a String> {
    map.get(key)
        .ok_or_else(|| Error::Corrupt(format!("demo data: unknown key {key}")))
}

impl Store {
    /// Add the criteria set as a new record and return its id.
    pub fn add_criteria_set(&mut self, set: &CriteriaSet) -> Result<String> {
        self.write(|w| {
            let id = new_id();
            w.put(&id, set)?;
            Ok(id)
        })
    }

    /// Load the demo campaign. Refused if it is already here.
    pub fn load_demo(&mut self) -> Result<String> {
        let demo: DemoFile = serde_json::from_str(DEMO_2023)?;
        let exists = self
            .list::<Campaign>()?
            .into_iter()
            .any(|c| c.body.name == demo.campaign.name && c.body.year == demo.campaign.year);
        if exists {
            return Err(Error::DemoExists);
        }
        let criteria = default_criteria();
        // One transaction: the demo is all there or not at all.
        self.write(|w| load_into(w, demo, criteria))
    }
}

fn load_into(w: &mut Writer<'_>, demo: DemoFile, criteria: CriteriaSet) -> Result<String> {
    let set_id = new_id();
    w.put(&set_id, &criteria)?;

    let campaign_id = new_id();
    let c = demo.campaign;
    w.put(
        &campaign_id,
        &Campaign {
            name: c.name,
            year: c.year,
            theme: c.theme,
            start_date: c.start_date,
            end_date: c.end_date,
            decision_number: c.decision_number,
            issuing_body: c.issuing_body,
            place: c.place,
            criteria_set_id: Some(set_id.clone()),
            report: None,
            recovery_recipient: String::new(),
            texts: Default::default(),
        },
    )?;

    let mut units = HashMap::new();
    for u in &demo.units {
        units.insert(u.key.clone(), new_id());
    }
    for u in demo.units {
        let parent_id = match &u.parent {
            Some(p) => Some(lookup(&units, p)?.clone()),
            None => None,
        };
        w.put(
            lookup(&units, &u.key)?,
            &Unit {
                name: u.name,
                short_name: u.short_name,
                code: u.code,
                kind: u.kind,
                level_label: u.level_label,
                parent_id,
                valid_from: u.valid_from,
                valid_to: u.valid_to,
                merged_into: None,
            },
        )?;
    }

    let mut inspectors = HashMap::new();
    for i in demo.inspectors {
        let id = new_id();
        w.put(
            &id,
            &Inspector {
                full_name: i.full_name,
                title: i.title,
                organisation: i.organisation,
            },
        )?;
        inspectors.insert(i.key, id);
    }

    let mut teams = HashMap::new();
    for t in demo.teams {
        let id = new_id();
        let members = t
            .members
            .iter()
            .map(|m| {
                Ok(TeamMember {
                    inspector_id: lookup(&inspectors, &m.inspector)?.clone(),
                    role: m.role,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        w.put(
            &id,
            &Team {
                campaign_id: campaign_id.clone(),
                name: t.name,
                members,
            },
        )?;
        teams.insert(t.key, id);
    }

    for v in demo.visits {
        let visit_id = new_id();
        w.put(
            &visit_id,
            &Visit {
                campaign_id: campaign_id.clone(),
                unit_id: lookup(&units, &v.unit)?.clone(),
                team_id: Some(lookup(&teams, &v.team)?.clone()),
                date: v.date,
                status: v.status,
                criteria_set_id: set_id.clone(),
                report_summary: v.report_summary,
                difficulties: v.difficulties,
                strengths: v.strengths,
                shortcomings: v.shortcomings,
                assessment: v.assessment,
                overall_result: v.overall_result,
                attendees: v.attendees,
                questions: v.questions,
                // Signed at the end of the visit day, Vietnam time.
                signed_at: v
                    .date
                    .filter(|_| v.status == VisitStatus::Signed)
                    .and_then(|d| d.and_hms_opt(16, 30, 0))
                    .map(|t| format!("{}+07:00", t.format("%Y-%m-%dT%H:%M:%S"))),
                unlocks: Vec::new(),
                signed_by: None,
                sealed: None,
                start_time: String::new(),
                place: String::new(),
                plan_changes: Vec::new(),
            },
        )?;
        for f in v.findings {
            let item = criteria
                .item(&f.item)
                .ok_or_else(|| Error::Corrupt(format!("demo data: unknown item {}", f.item)))?;
            let (rating, points) = match item.scale {
                Scale::PassFail => (f.rating, None),
                Scale::Points => (None, f.points),
            };
            w.put(
                &finding_id(&visit_id, &f.item),
                &Finding {
                    visit_id: visit_id.clone(),
                    item_code: f.item,
                    rating,
                    points,
                    note: f.note,
                    explanation: f.explanation,
                },
            )?;
        }
        for r in v.recommendations {
            w.put(
                &new_id(),
                &Recommendation {
                    visit_id: visit_id.clone(),
                    text: r.text,
                    raised_by: r.raised_by,
                    authority: r.authority,
                    status: r.status,
                    due_date: None,
                },
            )?;
        }
    }
    Ok(campaign_id)
}
