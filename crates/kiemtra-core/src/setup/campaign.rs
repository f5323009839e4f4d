//! A campaign: its name, year, dates, decision, criteria set and report settings.

use super::*;

/// A new campaign; without `criteria_set_id` it gets the newest criteria set.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CampaignInput {
    pub name: String,
    pub year: i32,
    #[serde(default)]
    pub theme: String,
    #[serde(default)]
    pub start_date: Option<NaiveDate>,
    #[serde(default)]
    pub end_date: Option<NaiveDate>,
    #[serde(default)]
    pub decision_number: String,
    #[serde(default)]
    pub issuing_body: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub criteria_set_id: Option<String>,
}

/// Changes to a campaign: a missing field stays as it is; a date given as `null` is cleared.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CampaignPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub theme: Option<String>,
    #[serde(
        default,
        deserialize_with = "some_value",
        skip_serializing_if = "Option::is_none"
    )]
    pub start_date: Option<Option<NaiveDate>>,
    #[serde(
        default,
        deserialize_with = "some_value",
        skip_serializing_if = "Option::is_none"
    )]
    pub end_date: Option<Option<NaiveDate>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuing_body: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    /// The criteria-set version visits planned from now on start with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub criteria_set_id: Option<String>,
    /// Headers, numbers and signers of its documents (`null` back to the defaults).
    #[serde(
        default,
        deserialize_with = "some_value",
        skip_serializing_if = "Option::is_none"
    )]
    pub report: Option<Option<ReportSettings>>,
    /// The secretariat's words in the results report, replaced whole.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub texts: Option<ReportTexts>,
}

pub(super) fn check_campaign(c: &Campaign) -> Result<()> {
    if c.name.is_empty() {
        return Err(Error::Invalid(Invalid::EmptyText("name")));
    }
    if !CAMPAIGN_YEARS.contains(&c.year) {
        return refuse(Refusal::Year { year: c.year });
    }
    if let (Some(start), Some(end)) = (c.start_date, c.end_date) {
        if end < start {
            return refuse(Refusal::DateOrder { start, end });
        }
    }
    Ok(())
}

/// The newest version of the newest criteria set, as `Store::criteria_current` picks it.
pub(super) fn newest_set(w: &Writer<'_>) -> Result<Option<String>> {
    let mut sets = w.list::<CriteriaSet>()?;
    sets.sort_by(|a, b| (a.body.version, &a.id).cmp(&(b.body.version, &b.id)));
    Ok(sets.pop().map(|s| s.id))
}

impl Store {
    /// Create a campaign (name, year 1950–2100, dates in order); its default criteria set is
    /// the one given, else the newest.
    pub fn campaign_create(&mut self, input: CampaignInput) -> Result<Stored<Campaign>> {
        let given = resolve_opt(self, CriteriaSet::KIND, input.criteria_set_id.as_deref())?;
        let mut body = Campaign {
            name: clean(&input.name),
            year: input.year,
            theme: clean(&input.theme),
            start_date: input.start_date,
            end_date: input.end_date,
            decision_number: clean(&input.decision_number),
            issuing_body: clean(&input.issuing_body),
            place: clean(&input.place),
            criteria_set_id: given,
            report: None,
            // The office's recovery key, if it made one, reads this campaign's bundles too.
            recovery_recipient: self
                .meta_get(crate::trust::RECOVERY_META)?
                .unwrap_or_default(),
            texts: ReportTexts::default(),
        };
        check_campaign(&body)?;
        self.write(|w| {
            if body.criteria_set_id.is_none() {
                body.criteria_set_id = match newest_set(w)? {
                    Some(set) => Some(set),
                    // The first campaign on a fresh database starts from the Youth Union's
                    // standard set (7 topics), which the secretariat can then edit.
                    None => {
                        let set = new_id();
                        w.put(&set, &crate::demo::default_criteria())?;
                        Some(set)
                    }
                };
            }
            let id = new_id();
            let rev = w.put(&id, &body)?;
            Ok(Stored { id, rev, body })
        })
    }

    /// Change a campaign's fields; moving its criteria set affects only visits planned later.
    pub fn campaign_update(&mut self, id: &str, patch: CampaignPatch) -> Result<Stored<Campaign>> {
        let id = self.resolve_id(Campaign::KIND, id)?;
        let set = resolve_opt(self, CriteriaSet::KIND, patch.criteria_set_id.as_deref())?;
        self.write(|w| {
            let mut c = need::<Campaign>(w, &id)?.body;
            if let Some(x) = patch.name {
                c.name = clean(&x);
            }
            if let Some(x) = patch.year {
                c.year = x;
            }
            if let Some(x) = patch.theme {
                c.theme = clean(&x);
            }
            if let Some(x) = patch.start_date {
                c.start_date = x;
            }
            if let Some(x) = patch.end_date {
                c.end_date = x;
            }
            if let Some(x) = patch.decision_number {
                c.decision_number = clean(&x);
            }
            if let Some(x) = patch.issuing_body {
                c.issuing_body = clean(&x);
            }
            if let Some(x) = patch.place {
                c.place = clean(&x);
            }
            if set.is_some() {
                c.criteria_set_id = set;
            }
            if let Some(x) = patch.report {
                c.report = x;
            }
            if let Some(mut x) = patch.texts {
                for t in [
                    &mut x.assessment,
                    &mut x.strengths,
                    &mut x.shortcomings,
                    &mut x.causes_objective,
                    &mut x.causes_subjective,
                    &mut x.proposals,
                ] {
                    *t = clean(t);
                }
                c.texts = x;
            }
            check_campaign(&c)?;
            let rev = w.put(&id, &c)?;
            Ok(Stored {
                id: id.clone(),
                rev,
                body: c,
            })
        })
    }
}
