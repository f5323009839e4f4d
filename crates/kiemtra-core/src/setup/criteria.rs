//! Criteria sets: saved in place while no visit uses them, else as a new version.

use super::*;

/// What `criteria_set_save` did: changed the set in place, or made a new version because
/// visits use the old one (which stays as it was).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CriteriaSaved {
    pub id: String,
    pub rev: String,
    pub version: u32,
    pub new_version: bool,
    /// Campaigns that follow the new version.
    pub campaigns_moved: Vec<String>,
    /// Their visits with nothing recorded yet, now checked against the new version.
    #[serde(default)]
    pub visits_moved: usize,
}

/// One version of a criteria set and how many visits use it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CriteriaVersion {
    pub id: String,
    pub name: String,
    pub version: u32,
    pub in_use: usize,
}

/// One criteria-set version as the setup screen lists it: what it is, how many items it has
/// and how many visits use it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CriteriaRow {
    pub id: String,
    pub code: String,
    pub name: String,
    pub version: u32,
    pub items: usize,
    pub in_use: usize,
}

/// The set as it is kept (trimmed, NFC), or the first thing wrong with it.
pub(super) fn clean_criteria(set: CriteriaSet) -> Result<CriteriaSet> {
    let set = CriteriaSet {
        code: clean(&set.code),
        name: clean(&set.name),
        version: set.version,
        topics: set
            .topics
            .into_iter()
            .map(|t| Topic {
                code: clean(&t.code),
                title: clean(&t.title),
                items: t
                    .items
                    .into_iter()
                    .map(|i| Item {
                        code: clean(&i.code),
                        title: clean(&i.title),
                        scale: i.scale,
                        max_points: i.max_points,
                        guidance: clean(&i.guidance),
                        required: i.required,
                    })
                    .collect(),
            })
            .collect(),
    };
    if set.name.is_empty() {
        return Err(Error::Invalid(Invalid::EmptyText("name")));
    }
    if set.topics.is_empty() {
        return refuse(Refusal::CriteriaEmpty);
    }
    let mut topic_codes = HashSet::new();
    let mut item_codes = HashSet::new();
    for t in &set.topics {
        if t.code.is_empty() {
            return refuse(Refusal::MissingCode {
                title: t.title.clone(),
            });
        }
        if t.title.is_empty() {
            return refuse(Refusal::MissingTitle {
                code: t.code.clone(),
            });
        }
        if !topic_codes.insert(t.code.as_str()) {
            return refuse(Refusal::DuplicateCode {
                code: t.code.clone(),
            });
        }
        if t.items.is_empty() {
            return refuse(Refusal::TopicEmpty {
                topic: t.title.clone(),
            });
        }
        for i in &t.items {
            if i.code.is_empty() {
                return refuse(Refusal::MissingCode {
                    title: i.title.clone(),
                });
            }
            if i.title.is_empty() {
                return refuse(Refusal::MissingTitle {
                    code: i.code.clone(),
                });
            }
            if !item_codes.insert(i.code.as_str()) {
                return refuse(Refusal::DuplicateCode {
                    code: i.code.clone(),
                });
            }
            match (i.scale, i.max_points) {
                (Scale::Points, None | Some(0)) => {
                    return refuse(Refusal::MaxPoints {
                        code: i.code.clone(),
                    })
                }
                (Scale::PassFail, Some(_)) => {
                    return refuse(Refusal::PointsOnPassFail {
                        code: i.code.clone(),
                    })
                }
                _ => {}
            }
        }
    }
    Ok(set)
}

/// A new set, checked, as its version 1; it needs a code.
fn first_version(set: CriteriaSet) -> Result<CriteriaSet> {
    let mut body = clean_criteria(set)?;
    if body.code.is_empty() {
        return refuse(Refusal::MissingCode {
            title: body.name.clone(),
        });
    }
    body.version = 1;
    Ok(body)
}

/// A new set whose code no other set has (ignoring case and diacritics).
fn insert_set(w: &mut Writer<'_>, body: CriteriaSet) -> Result<Stored<CriteriaSet>> {
    let key = text::fold(&body.code);
    if w.list::<CriteriaSet>()?
        .iter()
        .any(|s| text::fold(&s.body.code) == key)
    {
        return refuse(Refusal::CriteriaCodeExists { code: body.code });
    }
    let id = new_id();
    let rev = w.put(&id, &body)?;
    Ok(Stored { id, rev, body })
}

/// Move to set `to` what follows it instead of `from`: `campaign` if given, else every
/// campaign defaulting to `from` that has rated nothing against it. A campaign that follows
/// takes `to` as its default and so do its visits on `from` not begun (planned, no
/// finding). Returns the campaigns that followed and the visits moved.
fn follow(
    w: &mut Writer<'_>,
    campaign: Option<&str>,
    from: &str,
    to: &str,
) -> Result<(Vec<String>, usize)> {
    let candidates = match campaign {
        Some(c) => vec![need::<Campaign>(w, c)?],
        None => w
            .list::<Campaign>()?
            .into_iter()
            .filter(|c| c.body.criteria_set_id.as_deref() == Some(from))
            .collect(),
    };
    let (mut campaigns, mut moved) = (Vec::new(), 0);
    for c in candidates {
        let mut fresh = Vec::new();
        let mut rated = false;
        for v in w.list_by::<Visit>("campaign_id", &c.id)? {
            if v.body.criteria_set_id != from {
                continue;
            }
            // Only a visit not begun moves: one in progress or signed was, or is being,
            // recorded against `from`.
            if v.body.status == VisitStatus::Planned
                && w.list_by::<Finding>("visit_id", &v.id)?.is_empty()
            {
                fresh.push(v);
            } else {
                rated = true;
            }
        }
        if campaign.is_none() && rated {
            continue;
        }
        // Named, the campaign takes `to` whatever it defaulted to: it asked for it.
        if campaign.is_some() || c.body.criteria_set_id.as_deref() == Some(from) {
            let mut b = c.body;
            b.criteria_set_id = Some(to.to_string());
            w.put(&c.id, &b)?;
        }
        for v in fresh {
            let mut b = v.body;
            b.criteria_set_id = to.to_string();
            w.put(&v.id, &b)?;
            moved += 1;
        }
        campaigns.push(c.id);
    }
    Ok((campaigns, moved))
}

impl Store {
    /// How many visits are checked against this criteria-set version.
    pub fn criteria_set_in_use(&self, id: &str) -> Result<usize> {
        let id = self.resolve_id(CriteriaSet::KIND, id)?;
        Ok(self.list_by::<Visit>("criteria_set_id", &id)?.len())
    }

    /// Every criteria-set version, by code, newest version first, with how many visits use
    /// it.
    pub fn criteria_rows(&self) -> Result<Vec<CriteriaRow>> {
        let mut rows = Vec::new();
        for c in self.list::<CriteriaSet>()? {
            rows.push(CriteriaRow {
                in_use: self.criteria_set_in_use(&c.id)?,
                items: c.body.item_count(),
                id: c.id,
                code: c.body.code,
                name: c.body.name,
                version: c.body.version,
            });
        }
        rows.sort_by(|a, b| (&a.code, b.version).cmp(&(&b.code, a.version)));
        Ok(rows)
    }

    /// Create a new criteria set (version 1); its code must be new.
    pub fn criteria_set_create(&mut self, set: CriteriaSet) -> Result<Stored<CriteriaSet>> {
        let body = first_version(set)?;
        self.write(|w| insert_set(w, body))
    }

    /// Save an edited criteria set. Unused by visits: changed in place. Used: a new version
    /// (same code, highest version + 1) is made and the old one stays as its visits know it.
    /// Saved from `campaign`, only that campaign follows the new version; from nowhere, only
    /// campaigns that have rated nothing against the old one follow. A campaign that follows
    /// takes the new version as its default, and so do its visits not begun (planned, no
    /// finding); a visit begun keeps the version it was rated against, so a past campaign's
    /// documents never change. Code and version are kept by the store (a blank code means
    /// "the same").
    pub fn criteria_set_save(
        &mut self,
        id: &str,
        set: CriteriaSet,
        campaign: Option<&str>,
    ) -> Result<CriteriaSaved> {
        let id = self.resolve_id(CriteriaSet::KIND, id)?;
        let campaign = campaign
            .map(|c| self.resolve_id(Campaign::KIND, c))
            .transpose()?;
        let mut body = clean_criteria(set)?;
        self.write(|w| {
            let old = need::<CriteriaSet>(w, &id)?;
            if !body.code.is_empty() && text::fold(&body.code) != text::fold(&old.body.code) {
                return refuse(Refusal::CriteriaCodeChanged {
                    from: old.body.code,
                    to: body.code,
                });
            }
            body.code = old.body.code.clone();
            body.version = old.body.version;
            let in_use = !w.list_by::<Visit>("criteria_set_id", &id)?.is_empty();
            if body == old.body || !in_use {
                let rev = w.put(&id, &body)?;
                return Ok(CriteriaSaved {
                    id: id.clone(),
                    rev,
                    version: body.version,
                    new_version: false,
                    campaigns_moved: Vec::new(),
                    visits_moved: 0,
                });
            }
            body.version = w
                .list::<CriteriaSet>()?
                .iter()
                .filter(|s| s.body.code == body.code)
                .map(|s| s.body.version)
                .max()
                .unwrap_or(body.version)
                + 1;
            let new = new_id();
            let rev = w.put(&new, &body)?;
            let (campaigns_moved, visits_moved) = follow(w, campaign.as_deref(), &id, &new)?;
            Ok(CriteriaSaved {
                id: new,
                rev,
                version: body.version,
                new_version: true,
                campaigns_moved,
                visits_moved,
            })
        })
    }

    /// A new criteria set (version 1) with its own code and name, copied from `id`. Made
    /// from `campaign`, that campaign follows it as it would a new version.
    pub fn criteria_set_copy(
        &mut self,
        id: &str,
        code: &str,
        name: &str,
        campaign: Option<&str>,
    ) -> Result<CriteriaSaved> {
        let id = self.resolve_id(CriteriaSet::KIND, id)?;
        let campaign = campaign
            .map(|c| self.resolve_id(Campaign::KIND, c))
            .transpose()?;
        let from = self.require::<CriteriaSet>(&id)?.body;
        let body = first_version(CriteriaSet {
            code: code.to_string(),
            name: name.to_string(),
            ..from
        })?;
        // The copy and the campaign moving to it are one write: both or neither.
        self.write(|w| {
            let made = insert_set(w, body)?;
            let (campaigns_moved, visits_moved) = match &campaign {
                Some(c) => follow(w, Some(c), &id, &made.id)?,
                None => (Vec::new(), 0),
            };
            Ok(CriteriaSaved {
                id: made.id,
                rev: made.rev,
                version: made.body.version,
                new_version: true,
                campaigns_moved,
                visits_moved,
            })
        })
    }

    /// Every version of the criteria set with this code, oldest first.
    pub fn criteria_versions(&self, code: &str) -> Result<Vec<CriteriaVersion>> {
        let key = text::fold(code);
        let mut out = Vec::new();
        for s in self.list::<CriteriaSet>()? {
            if text::fold(&s.body.code) != key {
                continue;
            }
            out.push(CriteriaVersion {
                in_use: self.list_by::<Visit>("criteria_set_id", &s.id)?.len(),
                id: s.id,
                name: s.body.name,
                version: s.body.version,
            });
        }
        out.sort_by(|a, b| (a.version, &a.id).cmp(&(b.version, &b.id)));
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pass_fail(code: &str, title: &str) -> Item {
        Item {
            code: code.into(),
            title: title.into(),
            scale: Scale::PassFail,
            max_points: None,
            guidance: String::new(),
            required: false,
        }
    }

    fn small_set(code: &str, items: usize) -> CriteriaSet {
        CriteriaSet {
            code: code.into(),
            name: format!("Bộ {code}"),
            version: 0,
            topics: vec![Topic {
                code: "1".into(),
                title: "Tổ chức".into(),
                items: (1..=items)
                    .map(|i| pass_fail(&format!("1.{i}"), &format!("Tiêu chí {i}")))
                    .collect(),
            }],
        }
    }

    #[test]
    fn criteria_rows_list_each_version_by_code_newest_first_with_its_use() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("t.db")).unwrap();
        assert_eq!(s.criteria_rows().unwrap(), Vec::new());
        let campaign = s.load_demo().unwrap();
        let demo = crate::demo::default_criteria();
        let visits = s.visit_rows(Some(&campaign)).unwrap().len();
        assert!(visits > 0);

        let rows = s.criteria_rows().unwrap();
        assert_eq!(rows.len(), 1);
        let v1 = rows[0].clone();
        assert_eq!(
            (&v1.code[..], &v1.name[..], v1.version),
            (&demo.code[..], &demo.name[..], 1)
        );
        assert_eq!(v1.items, demo.item_count());
        assert!(v1.items > 10, "the demo's checklist: {}", v1.items);
        assert_eq!(v1.in_use, visits, "every demo visit uses the demo's set");

        // Edited while in use: version 2, used by nobody yet, listed before version 1.
        let mut edited = s.require::<CriteriaSet>(&v1.id).unwrap().body;
        edited.topics[0]
            .items
            .push(pass_fail("1.99", "Tiêu chí mới"));
        let saved = s.criteria_set_save(&v1.id, edited, None).unwrap();
        assert!(saved.new_version);
        // Another code sorts by its code: "A-…" before "BTC-…".
        let other = s.criteria_set_create(small_set("A-2024", 3)).unwrap();

        let rows = s.criteria_rows().unwrap();
        let seen: Vec<(&str, u32, usize, usize)> = rows
            .iter()
            .map(|r| (r.code.as_str(), r.version, r.items, r.in_use))
            .collect();
        assert_eq!(
            seen,
            vec![
                ("A-2024", 1, 3, 0),
                (demo.code.as_str(), 2, demo.item_count() + 1, 0),
                (demo.code.as_str(), 1, demo.item_count(), visits),
            ]
        );
        assert_eq!(rows[0].id, other.id);
        assert_eq!(rows[0].name, "Bộ A-2024");
        assert_eq!(rows[1].id, saved.id);
        assert_eq!(rows[2].id, v1.id);
    }
}
