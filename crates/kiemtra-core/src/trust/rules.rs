//! The table of who may write what (TRUST.md), checked over the revisions a transaction
//! added: before a local write commits, and at import once the whole bundle is in (so the
//! order of revisions inside a bundle never matters: an enrolment or a visit later in the
//! file counts for a finding earlier in it).
//!
//! Permissions only grow with what is known (an owner, an enrolment, a visit once assigned to
//! a team), except revocation, which counts from its clock reading on: so a revision accepted
//! once stays acceptable wherever it travels. Revisions made before revisions were signed
//! are not judged (no laptop could have followed rules that did not exist).

use std::collections::{HashMap, HashSet};

use rusqlite::{Connection, OptionalExtension};

use crate::error::Result;
use crate::ids::enrolment_id;
use kiemtra_domain::trust::{EnrolRole, Enrolment, Violation, WriteRule};

/// A revision as the rules read it.
pub(crate) struct Row {
    pub rev: String,
    pub id: String,
    pub kind: String,
    pub device: String,
    pub person: String,
    pub hlc: String,
    pub root: bool,
    pub parent: Option<String>,
    pub deleted: bool,
    pub campaign_id: Option<String>,
    pub visit_id: Option<String>,
    pub unit_id: Option<String>,
    pub team_id: Option<String>,
    pub criteria_set_id: Option<String>,
    pub signed: bool,
    /// More than one parent: a merge or a person's resolution of a conflict.
    pub merge: bool,
}

const ROW_SQL: &str = "SELECT rev, record_id, kind, device_id, person, hlc, generation = 1,
        json_extract(parents, '$[0]'), deleted,
        json_extract(body, '$.campaign_id'), json_extract(body, '$.visit_id'),
        json_extract(body, '$.unit_id'), json_extract(body, '$.team_id'),
        json_extract(body, '$.criteria_set_id'), sig IS NOT NULL,
        json_array_length(parents) > 1
    FROM revisions";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok(Row {
        rev: r.get(0)?,
        id: r.get(1)?,
        kind: r.get(2)?,
        device: r.get(3)?,
        person: r.get(4)?,
        hlc: r.get(5)?,
        root: r.get(6)?,
        parent: r.get(7)?,
        deleted: r.get(8)?,
        campaign_id: r.get(9)?,
        visit_id: r.get(10)?,
        unit_id: r.get(11)?,
        team_id: r.get(12)?,
        criteria_set_id: r.get(13)?,
        signed: r.get(14)?,
        merge: r.get(15)?,
    })
}

/// What the rules look up, each once per check.
pub(crate) struct Rules<'c> {
    conn: &'c Connection,
    /// This laptop: alone (owner of nothing, enrolled nowhere as a team) it may set up units
    /// and criteria before its first campaign.
    self_id: String,
    owners: HashMap<String, Option<String>>,
    enrolments: HashMap<(String, String), Option<Enrolment>>,
    secretariat_somewhere: HashMap<String, bool>,
    team_somewhere: HashMap<String, bool>,
    visits: HashMap<String, Option<(String, HashSet<String>)>>,
    kinds: HashMap<String, Option<String>>,
    names: HashMap<String, String>,
}

impl<'c> Rules<'c> {
    pub(crate) fn new(conn: &'c Connection, self_id: &str) -> Rules<'c> {
        Rules {
            conn,
            self_id: self_id.to_string(),
            owners: HashMap::new(),
            enrolments: HashMap::new(),
            secretariat_somewhere: HashMap::new(),
            team_somewhere: HashMap::new(),
            visits: HashMap::new(),
            kinds: HashMap::new(),
            names: HashMap::new(),
        }
    }

    /// Every signed revision added after `since` (a `seq`) that breaks the table, at most
    /// `limit` of them; only those `device` made when one is given.
    pub(crate) fn check_since(
        &mut self,
        since: i64,
        device: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Violation>> {
        let sql =
            format!("{ROW_SQL} WHERE seq > ?1 AND (?2 IS NULL OR device_id = ?2) ORDER BY seq");
        // Streamed, one row at a time: a national bundle adds a million revisions, and the
        // lookups the table makes are other statements on the same connection.
        let conn = self.conn;
        let mut st = conn.prepare(&sql)?;
        let rows = st.query_map(rusqlite::params![since, device], row)?;
        let mut out = Vec::new();
        for r in rows {
            let r = r?;
            if !r.signed {
                continue;
            }
            if let Some(rule) = self.judge(&r)? {
                out.push(self.violation(&r, rule)?);
                if out.len() >= limit {
                    break;
                }
            }
        }
        Ok(out)
    }

    pub(crate) fn violation(&mut self, r: &Row, rule: WriteRule) -> Result<Violation> {
        Ok(Violation {
            device_name: self.device_name(&r.device)?,
            device_id: r.device.clone(),
            person: r.person.clone(),
            kind: r.kind.clone(),
            record_id: r.id.clone(),
            rev: r.rev.clone(),
            rule,
        })
    }

    /// The violation a stored revision (by rev id) makes with `rule`.
    pub(crate) fn violation_of(&mut self, rev: &str, rule: WriteRule) -> Result<Option<Violation>> {
        let sql = format!("{ROW_SQL} WHERE rev = ?1");
        let r = self.conn.query_row(&sql, [rev], row).optional()?;
        match r {
            Some(r) => Ok(Some(self.violation(&r, rule)?)),
            None => Ok(None),
        }
    }

    pub(crate) fn device_name(&mut self, device: &str) -> Result<String> {
        if let Some(n) = self.names.get(device) {
            return Ok(n.clone());
        }
        let name: Option<String> = self
            .conn
            .query_row("SELECT name FROM devices WHERE id = ?1", [device], |r| {
                r.get(0)
            })
            .optional()?;
        let name = name.unwrap_or_else(|| device.to_string());
        self.names.insert(device.to_string(), name.clone());
        Ok(name)
    }

    fn judge(&mut self, r: &Row) -> Result<Option<WriteRule>> {
        let d = r.device.as_str();
        Ok(match r.kind.as_str() {
            "device" => (r.id != r.device).then_some(WriteRule::NotOwnCard),
            "campaign" if r.root => {
                let other: Option<String> = self
                    .conn
                    .prepare_cached(
                        "SELECT device_id FROM revisions WHERE record_id = ?1 AND generation = 1
                         AND device_id <> ?2 LIMIT 1",
                    )?
                    .query_row([&r.id, &r.device], |x| x.get(0))
                    .optional()?;
                other.map(|_| WriteRule::SecondOwner)
            }
            "campaign" => self.secretariat_rule(&r.id, d, &r.hlc)?,
            // The shared directory: a secretariat's, or a laptop trusted here (another
            // office's), or this laptop while it is alone.
            "unit" | "inspector" | "criteria_set" => {
                let alone = d == self.self_id && !self.is_team_somewhere(d)?;
                (!alone && !self.is_secretariat_somewhere(d)? && !self.is_trusted(d)?)
                    .then_some(WriteRule::SecretariatOnly)
            }
            "team" | "enrolment" => match self.reference(r, "campaign_id", "campaign")? {
                Err(rule) => Some(rule),
                Ok(c) => {
                    if r.kind == "enrolment" && !r.deleted {
                        if let Some(t) = &r.team_id {
                            if self.kind_of(t)?.as_deref() != Some("team") {
                                return Ok(Some(reference("team_id", "team")));
                            }
                        }
                    }
                    self.secretariat_rule(&c, d, &r.hlc)?
                }
            },
            "visit" => self.visit_rule(r)?,
            "finding" | "recommendation" | "attachment" => {
                let Some(visit) = r.visit_id.clone() else {
                    return Ok(Some(reference("visit_id", "visit")));
                };
                let Some((campaign, teams)) = self.visit(&visit)? else {
                    return Ok(Some(reference("visit_id", "visit")));
                };
                if self.is_secretariat(&campaign, d, &r.hlc)? {
                    None
                } else {
                    match self.team_of(&campaign, d, &r.hlc)? {
                        Some(t) if teams.contains(&t) => None,
                        Some(_) => Some(WriteRule::OtherTeam),
                        None => Some(WriteRule::NotEnrolled),
                    }
                }
            }
            _ => None,
        })
    }

    fn visit_rule(&mut self, r: &Row) -> Result<Option<WriteRule>> {
        let campaign = match self.reference(r, "campaign_id", "campaign")? {
            Err(rule) => return Ok(Some(rule)),
            Ok(c) => c,
        };
        if !r.deleted {
            for (field, value, kind) in [
                ("unit_id", &r.unit_id, "unit"),
                ("criteria_set_id", &r.criteria_set_id, "criteria_set"),
            ] {
                match value {
                    Some(v) if self.kind_of(v)?.as_deref() == Some(kind) => {}
                    _ => return Ok(Some(reference(field, kind))),
                }
            }
            if let Some(t) = &r.team_id {
                if self.kind_of(t)?.as_deref() != Some("team") {
                    return Ok(Some(reference("team_id", "team")));
                }
            }
        }
        // Signed minutes change only through an unlock (which keeps the signing and adds the
        // reason), whoever writes: the secretariat too.
        if let (Some(parent), false) = (&r.parent, r.merge) {
            let minutes = |rev: &str| -> Result<Option<(Option<String>, i64)>> {
                Ok(self
                    .conn
                    .prepare_cached(
                        "SELECT json_extract(body, '$.status'),
                                COALESCE(json_array_length(json_extract(body, '$.unlocks')), 0)
                         FROM revisions WHERE rev = ?1",
                    )?
                    .query_row([rev], |x| Ok((x.get(0)?, x.get(1)?)))
                    .optional()?)
            };
            if let (Some((Some(before), unlocks_before)), Some((now, unlocks))) =
                (minutes(parent)?, minutes(&r.rev)?)
            {
                let unlock = now.as_deref() != Some("signed") && unlocks > unlocks_before;
                if before == "signed" && !unlock && !r.deleted {
                    return Ok(Some(WriteRule::SignedVisit));
                }
            }
        }
        let d = r.device.as_str();
        if self.is_secretariat(&campaign, d, &r.hlc)? {
            return Ok(None);
        }
        let Some(team) = self.team_of(&campaign, d, &r.hlc)? else {
            return Ok(Some(WriteRule::NotEnrolled));
        };
        // A team laptop writes its visit's minutes, never its plan (unit, team, date, set).
        if r.root || r.deleted {
            return Ok(Some(WriteRule::SecretariatOnly));
        }
        if r.team_id.as_deref() != Some(team.as_str()) {
            return Ok(Some(WriteRule::OtherTeam));
        }
        let plan = |rev: &str| -> Result<Option<String>> {
            Ok(self
                .conn
                .prepare_cached(
                    "SELECT json_array(json_extract(body, '$.campaign_id'),
                        json_extract(body, '$.unit_id'), json_extract(body, '$.team_id'),
                        json_extract(body, '$.date'), json_extract(body, '$.criteria_set_id'))
                     FROM revisions WHERE rev = ?1",
                )?
                .query_row([rev], |x| x.get(0))
                .optional()?)
        };
        let Some(parent) = &r.parent else {
            return Ok(Some(WriteRule::SecretariatOnly));
        };
        if plan(&r.rev)? != plan(parent)? {
            return Ok(Some(WriteRule::SecretariatOnly));
        }
        Ok(None)
    }

    /// The record a field names, which must be of `kind`: its id, or the rule broken.
    fn reference(
        &mut self,
        r: &Row,
        field: &str,
        kind: &str,
    ) -> Result<std::result::Result<String, WriteRule>> {
        let value = match field {
            "campaign_id" => r.campaign_id.clone(),
            _ => None,
        };
        match value {
            Some(v) if self.kind_of(&v)?.as_deref() == Some(kind) => Ok(Ok(v)),
            _ => Ok(Err(reference(field, kind))),
        }
    }

    fn secretariat_rule(
        &mut self,
        campaign: &str,
        d: &str,
        hlc: &str,
    ) -> Result<Option<WriteRule>> {
        if self.is_secretariat(campaign, d, hlc)? {
            return Ok(None);
        }
        Ok(Some(match self.team_of(campaign, d, hlc)? {
            Some(_) => WriteRule::SecretariatOnly,
            None => WriteRule::NotEnrolled,
        }))
    }

    pub(crate) fn owner(&mut self, campaign: &str) -> Result<Option<String>> {
        if let Some(o) = self.owners.get(campaign) {
            return Ok(o.clone());
        }
        // The first root by clock: a second root by another laptop is refused when it comes.
        let o: Option<String> = self
            .conn
            .prepare_cached(
                "SELECT device_id FROM revisions WHERE record_id = ?1 AND generation = 1
                 AND kind = 'campaign' ORDER BY seq LIMIT 1",
            )?
            .query_row([campaign], |r| r.get(0))
            .optional()?;
        self.owners.insert(campaign.to_string(), o.clone());
        Ok(o)
    }

    pub(crate) fn enrolment(&mut self, campaign: &str, device: &str) -> Result<Option<Enrolment>> {
        let key = (campaign.to_string(), device.to_string());
        if let Some(e) = self.enrolments.get(&key) {
            return Ok(e.clone());
        }
        let body: Option<String> = self
            .conn
            .prepare_cached(
                "SELECT body FROM records WHERE id = ?1 AND deleted = 0 AND kind = 'enrolment'",
            )?
            .query_row([enrolment_id(campaign, device)], |r| r.get(0))
            .optional()?;
        let e: Option<Enrolment> = body
            .and_then(|b| serde_json::from_str(&b).ok())
            .filter(|e: &Enrolment| e.device_id == device && e.campaign_id == campaign);
        self.enrolments.insert(key, e.clone());
        Ok(e)
    }

    fn live(e: &Enrolment, hlc: &str) -> bool {
        e.revoked.as_ref().is_none_or(|r| hlc < r.hlc.as_str())
    }

    pub(crate) fn is_secretariat(&mut self, campaign: &str, d: &str, hlc: &str) -> Result<bool> {
        if self.owner(campaign)?.as_deref() == Some(d) {
            return Ok(true);
        }
        Ok(self
            .enrolment(campaign, d)?
            .is_some_and(|e| e.role == EnrolRole::Secretariat && Self::live(&e, hlc)))
    }

    fn team_of(&mut self, campaign: &str, d: &str, hlc: &str) -> Result<Option<String>> {
        Ok(self
            .enrolment(campaign, d)?
            .filter(|e| e.role == EnrolRole::Team && Self::live(e, hlc))
            .and_then(|e| e.team_id))
    }

    pub(crate) fn enrolments_of(&self, d: &str) -> Result<Vec<Enrolment>> {
        let mut st = self.conn.prepare_cached(
            "SELECT body FROM records WHERE kind = 'enrolment' AND deleted = 0
             AND json_extract(body, '$.device_id') = ?1",
        )?;
        let rows = st
            .query_map([d], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows
            .into_iter()
            .filter_map(|b| serde_json::from_str(&b).ok())
            .collect())
    }

    pub(crate) fn is_secretariat_somewhere(&mut self, d: &str) -> Result<bool> {
        if let Some(b) = self.secretariat_somewhere.get(d) {
            return Ok(*b);
        }
        let owns: bool = self
            .conn
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM revisions WHERE device_id = ?1 AND kind = 'campaign'
                 AND generation = 1)",
            )?
            .query_row([d], |r| r.get(0))?;
        let b = owns
            || self
                .enrolments_of(d)?
                .iter()
                .any(|e| e.role == EnrolRole::Secretariat && e.revoked.is_none());
        self.secretariat_somewhere.insert(d.to_string(), b);
        Ok(b)
    }

    fn is_team_somewhere(&mut self, d: &str) -> Result<bool> {
        if let Some(b) = self.team_somewhere.get(d) {
            return Ok(*b);
        }
        let b = self
            .enrolments_of(d)?
            .iter()
            .any(|e| e.role == EnrolRole::Team);
        self.team_somewhere.insert(d.to_string(), b);
        Ok(b)
    }

    /// Whether a laptop is anything to this one: enrolled in a campaign here (even if
    /// revoked since), owner of one, or trusted.
    pub(crate) fn is_known(&mut self, d: &str) -> Result<bool> {
        if d == self.self_id || self.is_secretariat_somewhere(d)? {
            return Ok(true);
        }
        if !self.enrolments_of(d)?.is_empty() {
            return Ok(true);
        }
        self.is_trusted(d)
    }

    pub(crate) fn is_trusted(&mut self, d: &str) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT trusted FROM devices WHERE id = ?1")?
            .query_row([d], |r| r.get(0))
            .optional()?
            .unwrap_or(false))
    }

    /// A visit's campaign and every team it was ever assigned to (a finding written while
    /// the visit was a team's stays that team's to have written).
    fn visit(&mut self, visit: &str) -> Result<Option<(String, HashSet<String>)>> {
        if let Some(v) = self.visits.get(visit) {
            return Ok(v.clone());
        }
        let mut st = self.conn.prepare_cached(
            "SELECT json_extract(body, '$.campaign_id'), json_extract(body, '$.team_id')
             FROM revisions WHERE record_id = ?1 AND kind = 'visit'",
        )?;
        let rows = st
            .query_map([visit], |r| {
                Ok((
                    r.get::<_, Option<String>>(0)?,
                    r.get::<_, Option<String>>(1)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let campaign = rows.iter().find_map(|(c, _)| c.clone());
        let v = campaign.map(|c| (c, rows.into_iter().filter_map(|(_, t)| t).collect()));
        self.visits.insert(visit.to_string(), v.clone());
        Ok(v)
    }

    fn kind_of(&mut self, id: &str) -> Result<Option<String>> {
        if let Some(k) = self.kinds.get(id) {
            return Ok(k.clone());
        }
        let k: Option<String> = self
            .conn
            .prepare_cached("SELECT kind FROM record_state WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?;
        self.kinds.insert(id.to_string(), k.clone());
        Ok(k)
    }
}

fn reference(field: &str, kind: &str) -> WriteRule {
    WriteRule::Reference {
        field: field.to_string(),
        kind: kind.to_string(),
    }
}
