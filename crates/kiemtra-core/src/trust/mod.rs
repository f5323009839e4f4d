//! Trust (TRUST.md): this laptop's name and people, the laptops it knows, enrolment of
//! laptops into campaigns, trusting another office's campaigns, and the table of who may
//! write what (`rules`), checked before every local write and at every import.

pub(crate) mod rules;
pub(crate) mod verify;

use rusqlite::OptionalExtension;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::ids::enrolment_id;
use crate::keys;
use crate::model::{self, Entity};
use crate::store::{Store, Writer};
pub use kiemtra_domain::trust::{
    DeviceCard, EnrolRole, Enrolment, Person, Revoked, Violation, WriteRule,
};

/// The laptop that made a bundle, as its signed manifest names it (and so it is remembered
/// when nobody here knows it yet).
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct Maker {
    pub id: String,
    pub name: String,
    pub public_key: String,
    /// Who uses the laptop, so an unknown laptop's bundle can say whom to call.
    #[serde(default)]
    pub people: Vec<Person>,
    /// Its age recipient, so the laptop can be enrolled from its introduction bundle and
    /// then read what is sent to it. Empty from builds before bundles were encrypted.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub age_recipient: String,
}

/// Longest laptop or person name kept (a name, not a paragraph).
const MAX_NAME: usize = 120;

/// A required short text, cleaned as every input is, within `max` characters.
fn text(field: &'static str, s: &str, max: usize) -> Result<String> {
    let s = crate::input::clean(s);
    if s.is_empty() {
        return Err(Error::Invalid(crate::Invalid::EmptyText(field)));
    }
    if s.chars().count() > max {
        return Err(Error::invalid_field(
            field,
            format!("{}…", s.chars().take(20).collect::<String>()),
        ));
    }
    Ok(s)
}

#[derive(Debug, Clone, Serialize)]
pub struct Membership {
    pub campaign_id: String,
    pub campaign_name: String,
    /// Owner: the laptop that created the campaign (secretariat without an enrolment).
    pub owner: bool,
    pub role: EnrolRole,
    pub team_id: Option<String>,
    pub team_name: Option<String>,
    pub revoked: Option<Revoked>,
}

/// A laptop as this one knows it.
#[derive(Debug, Clone, Serialize)]
pub struct Laptop {
    pub id: String,
    pub name: String,
    pub people: Vec<Person>,
    pub public_key: Option<String>,
    /// The key as people read it aloud (six groups of five digits).
    pub fingerprint: Option<String>,
    pub is_self: bool,
    /// Its campaigns are accepted without an enrolment of this laptop (`kiemtra trust`).
    pub trusted: bool,
    pub memberships: Vec<Membership>,
}

/// This laptop, for the "Máy và người dùng" screen and `device show`.
#[derive(Debug, Clone, Serialize)]
pub struct DeviceProfile {
    #[serde(flatten)]
    pub laptop: Laptop,
    /// False until its people named it (first run).
    pub named: bool,
    /// Who is using it now: signed into every revision it writes.
    pub person: String,
}

impl Store {
    /// This laptop's card as it stands (written with its first revision).
    pub(crate) fn own_card(&self) -> Result<DeviceCard> {
        let id = self.device().id.clone();
        if let Some(c) = self.get::<DeviceCard>(&id)? {
            return Ok(c.body);
        }
        Ok(DeviceCard {
            name: self.device().name.clone(),
            public_key: self.public_key()?,
            people: Vec::new(),
            age_recipient: self.age_recipient()?,
        })
    }

    pub fn device_profile(&self) -> Result<DeviceProfile> {
        let id = self.device().id.clone();
        let laptop = self
            .laptops()?
            .into_iter()
            .find(|l| l.id == id)
            .ok_or_else(|| Error::Corrupt("this laptop is not in devices".into()))?;
        Ok(DeviceProfile {
            laptop,
            named: self.meta_get("device.named")?.is_some(),
            person: self.person()?,
        })
    }

    /// Name this laptop and its people (first run, or the settings screen). `person` is who
    /// uses it now (one of `people`; the first when not given).
    pub fn set_device_profile(
        &mut self,
        name: &str,
        people: Vec<Person>,
        person: Option<&str>,
    ) -> Result<DeviceProfile> {
        let name = text("device_name", name, MAX_NAME)?;
        let mut kept = Vec::new();
        for p in people {
            if p.name.trim().is_empty() && p.position.trim().is_empty() {
                continue;
            }
            let position = crate::input::clean(&p.position);
            if position.chars().count() > MAX_NAME {
                return Err(Error::invalid_field("position", position));
            }
            kept.push(Person {
                name: text("name", &p.name, MAX_NAME)?,
                position,
            });
        }
        let current = match person.map(str::trim).filter(|p| !p.is_empty()) {
            Some(p) => {
                let p = kiemtra_domain::text::nfc(p);
                if !kept.iter().any(|k| k.name == p) {
                    return Err(Error::invalid_field("person", p));
                }
                p
            }
            None => kept.first().map(|p| p.name.clone()).unwrap_or_default(),
        };
        let card = DeviceCard {
            name: name.clone(),
            public_key: self.public_key()?,
            people: kept.clone(),
            age_recipient: self.age_recipient()?,
        };
        let id = self.device().id.clone();
        kiemtra_store::Db::set_device_name(self, &name)?;
        self.set_person(&current)?;
        self.write(|w| Ok(w.put(&id, &card).map(|_| ())?))?;
        self.conn().execute(
            "UPDATE devices SET people = ?1 WHERE id = ?2",
            rusqlite::params![serde_json::to_string(&kept)?, id],
        )?;
        self.meta_set("device.named", "1")?;
        self.device_profile()
    }

    /// Every laptop this one knows, this one first, with its campaigns and roles.
    pub fn laptops(&self) -> Result<Vec<Laptop>> {
        let mut st = self.conn().prepare(
            "SELECT id, name, people, public_key, is_self, trusted FROM devices
             ORDER BY is_self DESC, name, id",
        )?;
        let rows = st
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, bool>(4)?,
                    r.get::<_, bool>(5)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let campaigns = self.list::<model::Campaign>()?;
        let enrolments = self.list::<Enrolment>()?;
        let team_name = |id: &str| -> Result<Option<String>> {
            Ok(self.get::<model::Team>(id)?.map(|t| t.body.name))
        };
        let mut out = Vec::new();
        for (id, name, people, public_key, is_self, trusted) in rows {
            let mut memberships = Vec::new();
            for c in &campaigns {
                let owner = self.campaign_owner(&c.id)?.as_deref() == Some(id.as_str());
                let e = enrolments
                    .iter()
                    .find(|e| e.body.campaign_id == c.id && e.body.device_id == id);
                if !owner && e.is_none() {
                    continue;
                }
                let (role, team_id, revoked) = match e {
                    Some(e) if !owner => {
                        (e.body.role, e.body.team_id.clone(), e.body.revoked.clone())
                    }
                    _ => (EnrolRole::Secretariat, None, None),
                };
                memberships.push(Membership {
                    campaign_id: c.id.clone(),
                    campaign_name: c.body.name.clone(),
                    owner,
                    role,
                    team_name: match &team_id {
                        Some(t) => team_name(t)?,
                        None => None,
                    },
                    team_id,
                    revoked,
                });
            }
            out.push(Laptop {
                fingerprint: public_key.as_deref().map(keys::fingerprint),
                people: serde_json::from_str(&people).unwrap_or_default(),
                id,
                name,
                public_key,
                is_self,
                trusted,
                memberships,
            });
        }
        Ok(out)
    }

    /// The laptop that created a campaign (whose key is in its first revision).
    pub fn campaign_owner(&self, campaign_id: &str) -> Result<Option<String>> {
        rules::Rules::new(self.conn(), &self.device().id).owner(campaign_id)
    }

    /// A laptop's id from a full id or a unique prefix of at least 4 characters.
    pub fn resolve_device(&self, input: &str) -> Result<String> {
        let input = input.trim().to_ascii_lowercase();
        let not_found = || Error::NotFound {
            what: "device",
            id: input.clone(),
        };
        if input.len() < 4 {
            return Err(not_found());
        }
        let ids: Vec<String> = self
            .conn()
            .prepare("SELECT id FROM devices WHERE id >= ?1 AND id < ?2 ORDER BY id LIMIT 2")?
            .query_map(
                rusqlite::params![input, format!("{input}\u{10FFFF}")],
                |r| r.get(0),
            )?
            .collect::<rusqlite::Result<_>>()?;
        match ids.len() {
            0 => Err(not_found()),
            1 => Ok(ids.into_iter().next().expect("one")),
            _ => Err(Error::AmbiguousId { id: input }),
        }
    }

    /// Enrol a laptop this one has seen (in a bundle, even a refused one) into a campaign.
    pub fn enroll(
        &mut self,
        device: &str,
        campaign_id: &str,
        role: EnrolRole,
        team_id: Option<&str>,
    ) -> Result<Enrolment> {
        let device = self.resolve_device(device)?;
        let campaign_id = self.resolve_id(model::Campaign::KIND, campaign_id)?;
        let team_id = match (role, team_id) {
            (EnrolRole::Team, Some(t)) => {
                let t = self.resolve_id(model::Team::KIND, t)?;
                let team = self.require::<model::Team>(&t)?;
                if team.body.campaign_id != campaign_id {
                    return Err(Error::invalid_field("team_id", t));
                }
                Some(t)
            }
            (EnrolRole::Team, None) => {
                return Err(Error::Invalid(crate::Invalid::EmptyText("team_id")))
            }
            (EnrolRole::Secretariat, _) => None,
        };
        let (public_key, age_recipient): (Option<String>, Option<String>) = self.conn().query_row(
            "SELECT public_key, age_recipient FROM devices WHERE id = ?1",
            [&device],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let public_key = public_key.ok_or_else(|| Error::NotFound {
            what: "device",
            id: device.clone(),
        })?;
        let e = Enrolment {
            campaign_id: campaign_id.clone(),
            device_id: device.clone(),
            public_key,
            age_recipient: age_recipient.unwrap_or_default(),
            role,
            team_id,
            revoked: None,
        };
        let id = enrolment_id(&campaign_id, &device);
        let body = e.clone();
        self.write(|w| Ok(w.put(&id, &body).map(|_| ())?))?;
        Ok(e)
    }

    /// Remember the laptop that made a bundle (from its signed manifest), importing nothing:
    /// after this it can be enrolled or trusted by its id.
    pub fn learn_bundle_maker(&mut self, bundle: &std::path::Path) -> Result<Maker> {
        let maker = self.bundle_maker(bundle)?;
        self.remember_candidate(&maker)?;
        Ok(maker)
    }

    /// Enrol the laptop that made a bundle (the import preview's choice): its key is read
    /// from the bundle's signed manifest. Nothing of the bundle is imported.
    pub fn enroll_bundle_maker(
        &mut self,
        bundle: &std::path::Path,
        campaign_id: &str,
        role: EnrolRole,
        team_id: Option<&str>,
    ) -> Result<Enrolment> {
        let maker = self.learn_bundle_maker(bundle)?;
        self.enroll(&maker.id, campaign_id, role, team_id)
    }

    /// Revoke a laptop's enrolment: what it stamps from now on is refused, with `reason`.
    pub fn revoke(&mut self, device: &str, campaign_id: &str, reason: &str) -> Result<Enrolment> {
        let device = self.resolve_device(device)?;
        let campaign_id = self.resolve_id(model::Campaign::KIND, campaign_id)?;
        let reason = text("reason", reason, 2_000)?;
        let id = enrolment_id(&campaign_id, &device);
        let mut e = self
            .get::<Enrolment>(&id)?
            .ok_or_else(|| Error::NotFound {
                what: Enrolment::KIND,
                id: device.clone(),
            })?
            .body;
        let hlc = crate::hlc::Hlc::tick(self.clock()?, crate::hlc::Hlc::now_millis()).to_text();
        e.revoked = Some(Revoked {
            hlc,
            at: chrono::Local::now().to_rfc3339(),
            reason,
        });
        let body = e.clone();
        self.write(|w| Ok(w.put(&id, &body).map(|_| ())?))?;
        Ok(e)
    }

    /// Accept (or stop accepting) campaigns owned by `device` without being enrolled in them.
    pub fn set_trusted(&mut self, device: &str, trusted: bool) -> Result<Laptop> {
        let device = self.resolve_device(device)?;
        self.conn().execute(
            "UPDATE devices SET trusted = ?1 WHERE id = ?2",
            rusqlite::params![trusted, device],
        )?;
        self.laptops()?
            .into_iter()
            .find(|l| l.id == device)
            .ok_or_else(|| Error::NotFound {
                what: "device",
                id: device,
            })
    }

    /// This laptop's clock as last written.
    fn clock(&self) -> Result<crate::hlc::Hlc> {
        Ok(self
            .meta_get("hlc")?
            .and_then(|s| crate::hlc::Hlc::parse(&s))
            .unwrap_or(crate::hlc::Hlc::ZERO))
    }
}

/// Refuse a local write that breaks the table of who may write what (run before commit on
/// everything the transaction added since `since`).
pub(crate) fn check_local(w: &Writer<'_>, self_id: &str, since: i64) -> Result<()> {
    let found = rules::Rules::new(w.conn(), self_id).check_since(since, Some(self_id), 1)?;
    match found.into_iter().next() {
        Some(v) => Err(Error::NotAllowed(Box::new(v))),
        None => Ok(()),
    }
}

/// What a bundle's signed manifest says of where it comes from.
pub(crate) struct Made<'a> {
    pub maker: &'a Maker,
    pub created_at: &'a str,
    pub campaign_id: Option<&'a str>,
}

/// How many refused revisions a refusal lists (the rest are counted).
const LISTED: usize = 50;

/// Judge what an import brought, inside its transaction, once every revision is in: the
/// signatures, who made the bundle, whose campaigns it holds, and the table of who may
/// write what for every new revision. Any failure refuses the bundle whole.
pub(crate) fn judge_import(
    w: &Writer<'_>,
    me: &str,
    before: i64,
    made: &Made<'_>,
    mut verifier: verify::Verifier,
) -> Result<()> {
    let conn = w.conn();
    // Signatures are still being checked while the table is: the verdicts meet at the end.
    verifier.close(conn)?;
    let now = crate::hlc::Hlc::tick(crate::hlc::Hlc::ZERO, crate::hlc::Hlc::now_millis()).to_text();
    for (device, key) in &verifier.learnt {
        conn.execute(
            "INSERT INTO devices(id, name, public_key, first_seen, is_self) VALUES (?1, ?1, ?2, ?3, 0)
             ON CONFLICT(id) DO UPDATE SET public_key = COALESCE(devices.public_key, excluded.public_key)",
            rusqlite::params![device, key, now],
        )?;
    }
    // Laptops' cards that came: their names and people, as history and conflicts show them.
    let cards: Vec<(String, String)> = conn
        .prepare(
            "SELECT id, body FROM records WHERE kind = 'device' AND deleted = 0 AND id IN
             (SELECT record_id FROM revisions WHERE seq > ?1 AND kind = 'device')",
        )?
        .query_map([before], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, body) in cards {
        let Ok(card) = serde_json::from_str::<DeviceCard>(&body) else {
            continue;
        };
        if id == me {
            continue;
        }
        conn.execute(
            "INSERT INTO devices(id, name, public_key, people, first_seen, is_self, age_recipient)
             VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6)
             ON CONFLICT(id) DO UPDATE SET name = excluded.name, people = excluded.people,
                public_key = COALESCE(devices.public_key, excluded.public_key),
                age_recipient = COALESCE(excluded.age_recipient, devices.age_recipient)",
            rusqlite::params![
                id,
                card.name,
                card.public_key,
                serde_json::to_string(&card.people)?,
                now,
                Some(card.age_recipient.as_str()).filter(|r| !r.is_empty())
            ],
        )?;
    }

    let mut rules = rules::Rules::new(conn, me);
    let maker = made.maker;
    if !rules.is_known(&maker.id)? {
        // A bundle of the whole database names no campaign: the one this laptop runs, if
        // it runs one, is where the enrol command points.
        let campaign_id = match made.campaign_id {
            Some(c) => Some(c.to_string()),
            None => {
                let mut mine = campaigns_run_by(conn, &mut rules, me)?;
                (mine.len() == 1).then(|| mine.remove(0))
            }
        };
        return Err(Error::UnknownLaptop(Box::new(crate::error::Stranger {
            device_id: maker.id.clone(),
            name: maker.name.clone(),
            public_key: maker.public_key.clone(),
            people: maker.people.clone(),
            fingerprint: keys::fingerprint(&maker.public_key),
            campaign_id,
            campaign_name: None,
        })));
    }
    // Campaigns the bundle brought anything of.
    let campaigns: Vec<String> = conn
        .prepare(
            "SELECT DISTINCT CASE kind WHEN 'campaign' THEN record_id
                    ELSE json_extract(body, '$.campaign_id') END
             FROM revisions WHERE seq > ?1 AND kind IN ('campaign', 'team', 'visit', 'enrolment')",
        )?
        .query_map([before], |r| r.get::<_, Option<String>>(0))?
        .filter_map(|r| r.transpose())
        .collect::<rusqlite::Result<_>>()?;
    // A laptop revoked everywhere it was enrolled, whose bundle was made after that: refused
    // with the reason (where it still holds another enrolment, the table judges each revision).
    let enrolled = rules.enrolments_of(&maker.id)?;
    let revoked_after = |e: &Enrolment| {
        e.revoked
            .as_ref()
            .filter(|r| made.created_at > r.hlc.as_str())
            .cloned()
    };
    if !enrolled.is_empty()
        && !rules.is_secretariat_somewhere(&maker.id)?
        && enrolled.iter().all(|e| revoked_after(e).is_some())
    {
        let reason = enrolled
            .iter()
            .find_map(revoked_after)
            .map(|r| r.reason)
            .unwrap_or_default();
        return Err(Error::RevokedLaptop {
            name: maker.name.clone(),
            reason,
        });
    }
    for c in &campaigns {
        let Some(owner) = rules.owner(c)? else {
            continue;
        };
        if owner != me && !rules.is_trusted(&owner)? && rules.enrolment(c, me)?.is_none() {
            let name = rules.device_name(&owner)?;
            let (key, people): (Option<String>, String) = conn
                .query_row(
                    "SELECT public_key, people FROM devices WHERE id = ?1",
                    [&owner],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?
                .unwrap_or((None, "[]".into()));
            let campaign: String = conn
                .query_row(
                    "SELECT json_extract(body, '$.name') FROM records WHERE id = ?1",
                    [c],
                    |r| r.get::<_, Option<String>>(0),
                )
                .optional()?
                .flatten()
                .unwrap_or_else(|| c.clone());
            return Err(Error::UntrustedOwner(Box::new(crate::error::Stranger {
                device_id: owner,
                name,
                fingerprint: key.as_deref().map(keys::fingerprint).unwrap_or_default(),
                public_key: key.unwrap_or_default(),
                people: serde_json::from_str(&people).unwrap_or_default(),
                campaign_id: Some(c.clone()),
                campaign_name: Some(campaign),
            })));
        }
    }
    let room = LISTED + 1;
    let mut broken = rules.check_since(before, None, room)?;
    let (bad_sigs, _) = verifier.finish(conn)?;
    let mut violations = Vec::new();
    let mut more = 0;
    for (rev, rule) in bad_sigs {
        if violations.len() >= LISTED {
            more += 1;
            continue;
        }
        if let Some(v) = rules.violation_of(&rev, rule)? {
            violations.push(v);
        }
    }
    let room = LISTED.saturating_sub(violations.len()).max(1);
    if broken.len() > room {
        broken.truncate(room);
        more += 1;
    }
    violations.extend(broken);
    if violations.is_empty() {
        return Ok(());
    }
    Err(Error::BundleRefused { violations, more })
}

impl Store {
    /// A laptop seen in a bundle that was refused because nobody here knew it: kept in the
    /// local list of laptops (never synced) with its key, so it can be enrolled.
    pub(crate) fn remember_candidate(&mut self, d: &Maker) -> Result<()> {
        if uuid::Uuid::parse_str(&d.id).is_err() || keys::parse_key(&d.public_key).is_none() {
            return Err(Error::BadSignature);
        }
        let known: Option<Option<String>> = self
            .conn()
            .query_row(
                "SELECT public_key FROM devices WHERE id = ?1",
                [&d.id],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(Some(k)) = known {
            if k != d.public_key {
                return Err(Error::KeyChanged {
                    device: d.name.clone(),
                });
            }
        }
        let now =
            crate::hlc::Hlc::tick(crate::hlc::Hlc::ZERO, crate::hlc::Hlc::now_millis()).to_text();
        let recipient = Some(d.age_recipient.as_str())
            .filter(|r| !r.is_empty() && kiemtra_domain::trust::check_recipient(r).is_ok());
        self.conn().execute(
            "INSERT INTO devices(id, name, public_key, people, first_seen, is_self, age_recipient)
             VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6)
             ON CONFLICT(id) DO UPDATE SET name = excluded.name, people = excluded.people,
                age_recipient = COALESCE(excluded.age_recipient, devices.age_recipient)
             WHERE devices.public_key IS NULL OR devices.public_key = excluded.public_key",
            rusqlite::params![
                d.id,
                d.name,
                d.public_key,
                serde_json::to_string(&d.people)?,
                now,
                recipient
            ],
        )?;
        Ok(())
    }
}

/// Every local write goes through the table of who may write what: these are the store's
/// `write` and `transact` (imports judge what they bring themselves, `judge_import`).
impl Store {
    /// Run `f` in one IMMEDIATE transaction: every revision it writes lands, or none does;
    /// none does either when one breaks the table of who may write what.
    pub fn write<T>(&mut self, f: impl FnOnce(&mut Writer<'_>) -> Result<T>) -> Result<T> {
        self.transact(true, f)
    }

    /// Like `write`, but with `commit = false` everything is rolled back at the end (a dry
    /// run that checks and counts exactly what a real run would).
    pub fn transact<T>(
        &mut self,
        commit: bool,
        f: impl FnOnce(&mut Writer<'_>) -> Result<T>,
    ) -> Result<T> {
        let me = self.device().id.clone();
        let mut card = self.own_card()?;
        // A card written before bundles were encrypted gains this laptop's recipient with
        // the next write.
        let refresh = card.age_recipient.is_empty();
        if refresh {
            card.age_recipient = self.age_recipient()?;
        }
        self.transact_imported(commit, |w| {
            let since = w.last_seq()?;
            let out = f(w)?;
            // The first thing this laptop writes comes with its card, so that every bundle
            // holding its revisions can say whose key signed them.
            let wrote: bool = w.conn().query_row(
                "SELECT EXISTS (SELECT 1 FROM revisions WHERE seq > ?1 AND device_id = ?2)
                    AND NOT EXISTS (SELECT 1 FROM record_state WHERE id = ?2)",
                rusqlite::params![since, me],
                |r| r.get(0),
            )?;
            if wrote || refresh {
                w.put(&me, &card)?;
            }
            w.materialize_touched()?;
            check_local(w, &me, since)?;
            Ok(out)
        })
    }
}

#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    /// `joiner` becomes a secretariat laptop of `owner`'s campaign, as people do it: its
    /// introduction bundle, enrolled on the owner's laptop from the file.
    pub(crate) fn enrol(owner: &mut Store, joiner: &Store, campaign: &str, dir: &std::path::Path) {
        let intro = dir.join(format!("intro-{}.kiemtra", joiner.device().id));
        joiner.export_plain(&intro, None).unwrap();
        owner
            .enroll_bundle_maker(&intro, campaign, EnrolRole::Secretariat, None)
            .unwrap();
    }
}

/// The id the recovery key reads under.
pub const RECOVERY_READER: &str = "recovery";
/// One identity a bundle is encrypted to: a laptop, or the office's recovery key.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reader {
    /// A laptop's id, or `recovery`.
    pub id: String,
    pub name: String,
    #[serde(skip)]
    pub recipient: String,
}

/// Who a bundle of some campaigns is encrypted to, and what stands in the way.
#[derive(Debug, Clone, Default)]
pub(crate) struct ReaderPlan {
    /// This laptop first, then the campaigns' owners and enrolled laptops, then the
    /// recovery keys; each recipient once.
    pub readers: Vec<Reader>,
    /// Laptops of the campaigns whose recipient this laptop does not know (a build from
    /// before bundles were encrypted): they cannot open the file.
    pub without_key: Vec<String>,
    /// Whether this laptop owns or is enrolled in one of them: a laptop that is neither
    /// sends only its introduction.
    pub member: bool,
}

impl Store {
    pub(crate) fn readers_of(&self, campaigns: &[String]) -> Result<ReaderPlan> {
        let me = self.device().id.clone();
        let conn = self.conn();
        let now =
            crate::hlc::Hlc::tick(crate::hlc::Hlc::ZERO, crate::hlc::Hlc::now_millis()).to_text();
        let mut rules = rules::Rules::new(conn, &me);
        let mut plan = ReaderPlan {
            readers: vec![Reader {
                id: me.clone(),
                name: self.device().name.clone(),
                recipient: self.age_recipient()?,
            }],
            ..Default::default()
        };
        let device = |id: &str| -> Result<(String, Option<String>)> {
            Ok(conn
                .query_row(
                    "SELECT name, age_recipient FROM devices WHERE id = ?1",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?
                .unwrap_or_else(|| (id.to_string(), None)))
        };
        let add = |plan: &mut ReaderPlan, id: &str, name: String, recipient: Option<String>| {
            match recipient.filter(|r| !r.is_empty()) {
                Some(r) if !plan.readers.iter().any(|x| x.recipient == r) => {
                    plan.readers.push(Reader {
                        id: id.to_string(),
                        name,
                        recipient: r,
                    })
                }
                Some(_) => {}
                None if !plan.without_key.contains(&name) => plan.without_key.push(name),
                None => {}
            }
        };
        let mut recovery = Vec::new();
        for c in campaigns {
            if let Some(owner) = rules.owner(c)? {
                if owner != me {
                    let (name, r) = device(&owner)?;
                    add(&mut plan, &owner, name, r);
                }
            }
            let bodies: Vec<String> = conn
                .prepare_cached(
                    "SELECT body FROM records WHERE kind = 'enrolment' AND deleted = 0 AND owner = ?1",
                )?
                .query_map([c], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for b in bodies {
                let Ok(e) = serde_json::from_str::<Enrolment>(&b) else {
                    continue;
                };
                if e.revoked.is_some() {
                    continue;
                }
                if e.device_id == me {
                    plan.member = true;
                    continue;
                }
                let (name, known) = device(&e.device_id)?;
                let r = Some(e.age_recipient).filter(|r| !r.is_empty()).or(known);
                add(&mut plan, &e.device_id, name, r);
            }
            plan.member |= rules.is_secretariat(c, &me, &now)?;
            let r: Option<String> = conn
                .query_row(
                    "SELECT json_extract(body, '$.recovery_recipient') FROM records
                     WHERE id = ?1 AND kind = 'campaign'",
                    [c],
                    |r| r.get(0),
                )
                .optional()?
                .flatten();
            if let Some(r) =
                r.filter(|r| kiemtra_domain::trust::check_recipient(r).is_ok() && !r.is_empty())
            {
                if !recovery.contains(&r) {
                    recovery.push(r);
                }
            }
        }
        for r in recovery {
            add(&mut plan, RECOVERY_READER, String::new(), Some(r));
        }
        Ok(plan)
    }
}

/// Where this laptop keeps the recovery key's recipient (local; the campaigns carry it).
pub const RECOVERY_META: &str = "recovery.recipient";
const RECOVERY_MADE_META: &str = "recovery.created_at";

/// The office's recovery key as this laptop knows it (never its secret part).
#[derive(Debug, Clone, Serialize)]
pub struct RecoveryKey {
    pub recipient: String,
    pub created_at: String,
    /// Campaigns whose bundles it reads.
    pub campaigns: usize,
}

impl Store {
    pub fn recovery_key(&self) -> Result<Option<RecoveryKey>> {
        let Some(recipient) = self.meta_get(RECOVERY_META)? else {
            return Ok(None);
        };
        let campaigns: i64 = self.conn().query_row(
            "SELECT COUNT(*) FROM records WHERE kind = 'campaign' AND deleted = 0
             AND json_extract(body, '$.recovery_recipient') = ?1",
            [&recipient],
            |r| r.get(0),
        )?;
        Ok(Some(RecoveryKey {
            recipient,
            created_at: self.meta_get(RECOVERY_MADE_META)?.unwrap_or_default(),
            campaigns: campaigns as usize,
        }))
    }

    /// Make the office's recovery key and write its identity, once, to `out` (never over
    /// a file; readable by its owner only). Nothing secret stays on this laptop: its
    /// recipient is added to every campaign this laptop runs, and to those it makes later.
    pub fn recovery_key_create(&mut self, out: &std::path::Path) -> Result<RecoveryKey> {
        use age::secrecy::ExposeSecret;
        if let Some(k) = self.recovery_key()? {
            return Err(Error::RecoveryKeyExists {
                created_at: k.created_at,
            });
        }
        let identity = age::x25519::Identity::generate();
        let recipient = identity.to_public().to_string();
        let at = chrono::Local::now().format("%d/%m/%Y %H:%M").to_string();
        let text = format!(
            "# Khóa khôi phục của Kiểm tra — văn phòng \"{office}\", tạo lúc {at}.\n\
             # Kiểm tra recovery key — office \"{office}\", made {at}.\n\
             # Ai có tệp này đọc được mọi gói dữ liệu của các đợt kiểm tra của văn phòng:\n\
             # in ra giấy hoặc chép vào một USB riêng, cất nơi an toàn, không gửi qua mạng.\n\
             # Whoever holds this file reads every bundle of the office's campaigns: print it\n\
             # or keep it on a separate USB stick, somewhere safe; never send it over a network.\n\
             # Khóa công khai / public key: {recipient}\n{}\n",
            identity.to_string().expose_secret(),
            office = self.device().name,
        );
        write_new(out, text.as_bytes())?;
        self.meta_set(RECOVERY_META, &recipient)?;
        self.meta_set(RECOVERY_MADE_META, &at)?;
        let me = self.device().id.clone();
        let mine = campaigns_run_by(self.conn(), &mut rules::Rules::new(self.conn(), &me), &me)?;
        let r = recipient.clone();
        self.write(|w| {
            for id in mine {
                // Deleted meanwhile by another window: nothing to carry the key.
                let Some(mut c) = w.get::<model::Campaign>(&id)?.map(|c| c.body) else {
                    continue;
                };
                c.recovery_recipient = r.clone();
                w.put(&id, &c)?;
            }
            Ok(())
        })?;
        Ok(self.recovery_key()?.expect("just made"))
    }

    /// Write this laptop's age identity to `out` (never over a file; its owner's only):
    /// with it, the standard `age` tool opens every bundle encrypted to this laptop.
    pub fn export_identity(&self, out: &std::path::Path) -> Result<String> {
        use age::secrecy::ExposeSecret;
        let identity = self.age_identity()?;
        let recipient = identity.to_public().to_string();
        let text = format!(
            "# Khóa giải mã của máy \"{name}\" (Kiểm tra) / decryption key of laptop \"{name}\".\n\
             # Mở gói / open a bundle: age -d -i <tệp này> goi.kiemtra > goi.zip\n\
             # Khóa công khai / public key: {recipient}\n{}\n",
            identity.to_string().expose_secret(),
            name = self.device().name,
        );
        write_new(out, text.as_bytes())?;
        Ok(recipient)
    }
}

/// A new file with `bytes`, readable by its owner only; refused where a file is.
fn write_new(out: &std::path::Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut tmp = kiemtra_store::files::AtomicFile::beside(out, ".kiemtra-key-")?;
    tmp.file_mut().write_all(bytes)?;
    tmp.commit_new(out).map_err(|e| match e {
        kiemtra_store::Error::Io(io) if io.kind() == std::io::ErrorKind::AlreadyExists => {
            Error::FileExists {
                path: out.display().to_string(),
            }
        }
        other => other.into(),
    })?;
    Ok(())
}

/// The live campaigns `me` is a secretariat laptop of (it owns them, or is enrolled so now).
fn campaigns_run_by(
    conn: &rusqlite::Connection,
    rules: &mut rules::Rules<'_>,
    me: &str,
) -> Result<Vec<String>> {
    let now = crate::hlc::Hlc::tick(crate::hlc::Hlc::ZERO, crate::hlc::Hlc::now_millis()).to_text();
    let ids: Vec<String> = conn
        .prepare("SELECT id FROM records WHERE kind = 'campaign' AND deleted = 0")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut mine = Vec::new();
    for c in ids {
        if rules.is_secretariat(&c, me, &now)? {
            mine.push(c);
        }
    }
    Ok(mine)
}
