//! The minutes beyond the checklist: their texts, attendees, questions and answers, and
//! sign-off. Signed minutes are locked; changing them needs an unlock with a reason, which
//! stays in the visit's body (and so in its history).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::input::clean;
use crate::model::some_value;
use crate::model::*;
use crate::store::{Store, Stored, Writer};
use crate::text;
use crate::Rule;

/// What the visit screen sends. `None` leaves a field as it is; for the optional fields
/// `Some(None)` clears them.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct VisitPatch {
    #[serde(default, deserialize_with = "some_value")]
    pub date: Option<Option<NaiveDate>>,
    #[serde(default)]
    pub status: Option<VisitStatus>,
    #[serde(default)]
    pub report_summary: Option<String>,
    #[serde(default)]
    pub difficulties: Option<String>,
    #[serde(default)]
    pub strengths: Option<String>,
    #[serde(default)]
    pub shortcomings: Option<String>,
    #[serde(default)]
    pub assessment: Option<String>,
    #[serde(default, deserialize_with = "some_value")]
    pub overall_result: Option<Option<OverallResult>>,
    #[serde(default)]
    pub attendees: Option<Vec<Attendee>>,
    #[serde(default)]
    pub questions: Option<Vec<Question>>,
    /// "08:00" (24-hour), or "" to clear.
    #[serde(default)]
    pub start_time: Option<String>,
    #[serde(default)]
    pub place: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct VisitSaved {
    pub id: String,
    pub rev: String,
    pub status: VisitStatus,
}

pub(crate) fn now_local() -> String {
    chrono::Local::now()
        .format("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

pub(super) fn locked(w: &Writer<'_>, visit: &Visit) -> Result<Error> {
    let unit = w
        .get::<Unit>(&visit.unit_id)?
        .map(|u| u.body.name)
        .unwrap_or_default();
    Ok(Error::VisitLocked { unit })
}

pub(super) fn visit_in(w: &Writer<'_>, id: &str) -> Result<Stored<Visit>> {
    w.get::<Visit>(id)?.ok_or_else(|| Error::NotFound {
        what: Visit::KIND,
        id: id.to_string(),
    })
}

/// "8:5" or "08:05" as "08:05"; blank stays blank; anything else is refused.
fn clock_time(t: &str) -> Result<String> {
    let t = t.trim();
    if t.is_empty() {
        return Ok(String::new());
    }
    let parsed = t.split_once(':').and_then(|(h, m)| {
        let (h, m) = (h.parse::<u32>().ok()?, m.parse::<u32>().ok()?);
        (h < 24 && m < 60).then(|| format!("{h:02}:{m:02}"))
    });
    parsed.ok_or_else(|| Error::invalid_field("start_time", t.to_string()))
}

/// Trim the ends of what people typed (inner line breaks are theirs to keep).
impl Store {
    /// Change the minutes' texts, attendees, questions, date, result or status (not to
    /// "signed": that is `visit_sign`). Refused while the minutes are signed.
    pub fn visit_update(&mut self, id: &str, patch: VisitPatch) -> Result<VisitSaved> {
        let id = self.resolve_id(Visit::KIND, id)?;
        self.write(|w| {
            let visit = visit_in(w, &id)?;
            let mut v = visit.body.clone();
            if v.status == VisitStatus::Signed {
                return Err(locked(w, &v)?);
            }
            if let Some(d) = patch.date {
                v.date = d;
            }
            if let Some(s) = patch.status {
                if s == VisitStatus::Signed {
                    return Err(Error::rule("status", Rule::SignThroughSigning));
                }
                v.status = s;
            }
            let texts = [
                (patch.report_summary, &mut v.report_summary),
                (patch.difficulties, &mut v.difficulties),
                (patch.strengths, &mut v.strengths),
                (patch.shortcomings, &mut v.shortcomings),
                (patch.assessment, &mut v.assessment),
            ];
            let mut typed = false;
            for (new, field) in texts {
                if let Some(t) = new {
                    typed |= !t.trim().is_empty();
                    *field = t;
                }
            }
            if let Some(r) = patch.overall_result {
                v.overall_result = r;
            }
            if let Some(t) = patch.start_time {
                v.start_time = clock_time(&t)?;
            }
            if let Some(p) = patch.place {
                v.place = clean(&p);
            }
            if let Some(list) = patch.attendees {
                v.attendees = list
                    .into_iter()
                    .map(|a| Attendee {
                        name: clean(&a.name),
                        position: clean(&a.position),
                        side: a.side,
                    })
                    .filter(|a| !a.name.is_empty() || !a.position.is_empty())
                    .collect();
                typed |= !v.attendees.is_empty();
            }
            if let Some(list) = patch.questions {
                v.questions = list
                    .into_iter()
                    .map(|q| Question {
                        question: clean(&q.question),
                        answer: clean(&q.answer),
                    })
                    .filter(|q| !q.question.is_empty() || !q.answer.is_empty())
                    .collect();
                typed |= !v.questions.is_empty();
            }
            // Writing the minutes means the visit has started.
            if patch.status.is_none() && typed && v.status == VisitStatus::Planned {
                v.status = VisitStatus::InProgress;
            }
            let rev = w.put(&id, &v)?;
            Ok(VisitSaved {
                id: id.clone(),
                rev,
                status: v.status,
            })
        })
    }

    /// Sign the minutes: every required item must be rated and the overall result chosen.
    /// Signed minutes refuse every change until unlocked.
    pub fn visit_sign(&mut self, id: &str) -> Result<VisitSaved> {
        let id = self.resolve_id(Visit::KIND, id)?;
        let signer = self.signer()?;
        self.write(|w| {
            let visit = visit_in(w, &id)?;
            let mut v = visit.body.clone();
            if v.status == VisitStatus::Signed {
                return Err(locked(w, &v)?);
            }
            let set = w
                .get::<CriteriaSet>(&v.criteria_set_id)?
                .ok_or_else(|| Error::NotFound {
                    what: CriteriaSet::KIND,
                    id: v.criteria_set_id.clone(),
                })?;
            let mut missing = Vec::new();
            for item in set.body.topics.iter().flat_map(|t| &t.items) {
                if !item.required {
                    continue;
                }
                let rated = w
                    .get::<Finding>(&crate::ids::finding_id(&id, &item.code))?
                    .is_some_and(|f| f.body.is_rated());
                if !rated {
                    missing.push(item.code.clone());
                }
            }
            if v.overall_result.is_none() {
                missing.push("overall_result".to_string());
            }
            if !missing.is_empty() {
                return Err(Error::SignIncomplete { missing });
            }
            v.status = VisitStatus::Signed;
            v.signed_at = Some(now_local());
            v.signed_by = Some(signer);
            v.sealed = Some(super::seal::seal_of(w, &id)?);
            let rev = w.put(&id, &v)?;
            Ok(VisitSaved {
                id: id.clone(),
                rev,
                status: v.status,
            })
        })
    }

    /// Reopen signed minutes for a correction. The reason, the laptop and the time are kept
    /// in the visit (its history shows the unlock like any edit); the visit goes back to
    /// "completed" and must be signed again.
    pub fn visit_unlock(&mut self, id: &str, reason: &str) -> Result<VisitSaved> {
        let id = self.resolve_id(Visit::KIND, id)?;
        let reason = text::nfc(reason.trim());
        if reason.is_empty() {
            return Err(Error::Invalid(crate::Invalid::EmptyText("reason")));
        }
        let by = self.acting_as()?;
        self.write(|w| {
            let visit = visit_in(w, &id)?;
            let mut v = visit.body.clone();
            if v.status != VisitStatus::Signed {
                return Err(Error::NotSigned);
            }
            v.status = VisitStatus::Completed;
            // The records go back to being edited as they are; signing again seals anew.
            v.sealed = None;
            v.unlocks.push(Unlock {
                at: now_local(),
                by,
                reason,
            });
            let rev = w.put(&id, &v)?;
            Ok(VisitSaved {
                id: id.clone(),
                rev,
                status: v.status,
            })
        })
    }

    /// Who acts on this laptop now, as a history entry names them: "person — laptop" (the
    /// laptop's name alone before laptops had people).
    pub(crate) fn acting_as(&self) -> Result<String> {
        let s = self.signer()?;
        Ok(if s.name.is_empty() {
            s.laptop
        } else {
            format!("{} — {}", s.name, s.laptop)
        })
    }

    /// Who signs on this laptop now: the person using it (with their position) and the
    /// laptop's name.
    fn signer(&self) -> Result<crate::model::SignedBy> {
        let profile = self.device_profile()?;
        let position = profile
            .laptop
            .people
            .iter()
            .find(|p| p.name == profile.person)
            .map(|p| p.position.clone())
            .unwrap_or_default();
        Ok(crate::model::SignedBy {
            name: profile.person,
            position,
            laptop: profile.laptop.name,
        })
    }
}
