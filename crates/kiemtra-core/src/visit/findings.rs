//! The checklist's findings and the recommendations of a visit: set, added, edited, deleted
//! (refused while the minutes are signed).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::*;
use crate::error::{Error, Invalid, Result};
use crate::ids::{finding_id, new_id};
use crate::model::some_value;
use crate::model::*;
use crate::store::{Store, Stored, Writer};

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

/// Changes to a recommendation. After sign-off only the follow-up (status, due date) may
/// change: the minutes record what was recommended, the follow-up goes on for months.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RecommendationPatch {
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub raised_by: Option<RaisedBy>,
    #[serde(default)]
    pub authority: Option<Authority>,
    #[serde(default)]
    pub status: Option<RecStatus>,
    #[serde(default, deserialize_with = "some_value")]
    pub due_date: Option<Option<NaiveDate>>,
}

/// A recommendation and the visit whose minutes it belongs to.
pub(super) fn recommendation_in(
    w: &Writer<'_>,
    id: &str,
) -> Result<(Stored<Recommendation>, Stored<Visit>)> {
    let rec = w
        .get::<Recommendation>(id)?
        .ok_or_else(|| Error::NotFound {
            what: Recommendation::KIND,
            id: id.to_string(),
        })?;
    let visit = visit_in(w, &rec.body.visit_id)?;
    Ok((rec, visit))
}

impl Store {
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

    /// Change a recommendation; its text, who raised it and who must act are part of the
    /// minutes and locked with them, its follow-up is not.
    pub fn recommendation_update(
        &mut self,
        id: &str,
        patch: RecommendationPatch,
    ) -> Result<Stored<Recommendation>> {
        let id = self.resolve_id(Recommendation::KIND, id)?;
        self.write(|w| {
            let (rec, visit) = recommendation_in(w, &id)?;
            let mut r = rec.body.clone();
            let minutes_change = patch.text.as_ref().is_some_and(|t| t.trim() != r.text)
                || patch.raised_by.is_some_and(|x| x != r.raised_by)
                || patch.authority.is_some_and(|x| x != r.authority);
            if minutes_change && visit.body.status == VisitStatus::Signed {
                return Err(locked(w, &visit.body)?);
            }
            if let Some(t) = patch.text {
                r.text = t.trim().to_string();
            }
            if let Some(x) = patch.raised_by {
                r.raised_by = x;
            }
            if let Some(x) = patch.authority {
                r.authority = x;
            }
            if let Some(x) = patch.status {
                r.status = x;
            }
            if let Some(d) = patch.due_date {
                r.due_date = d;
            }
            let rev = w.put(&id, &r)?;
            Ok(Stored {
                id: id.clone(),
                rev,
                body: r,
            })
        })
    }

    /// Remove a recommendation (a tombstone: its history stays). Not once signed.
    pub fn recommendation_delete(&mut self, id: &str) -> Result<()> {
        let id = self.resolve_id(Recommendation::KIND, id)?;
        self.write(|w| {
            let (_, visit) = recommendation_in(w, &id)?;
            if visit.body.status == VisitStatus::Signed {
                return Err(locked(w, &visit.body)?);
            }
            w.delete(Recommendation::KIND, &id)?;
            Ok(())
        })
    }
}
