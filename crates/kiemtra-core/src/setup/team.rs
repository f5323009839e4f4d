//! Inspectors and the inspection teams of a campaign, each with at most one head.

use super::*;

/// A new inspector (a member of inspection teams).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct InspectorInput {
    pub full_name: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub organisation: String,
}

/// Changes to an inspector: a missing field stays as it is.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct InspectorPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
}

/// A team member: an inspector by id, or by full name (found ignoring case and diacritics,
/// created when nobody has that name).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MemberInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inspector_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_name: Option<String>,
    pub role: Role,
    /// Their position ("Phó Bí thư Tỉnh đoàn"), printed in the minutes; given, it becomes the
    /// inspector's title. `None` leaves the title as it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

impl MemberInput {
    /// A member named as a clerk types it.
    pub fn named(full_name: &str, role: Role) -> MemberInput {
        MemberInput {
            inspector_id: None,
            full_name: Some(full_name.to_string()),
            role,
            title: None,
        }
    }
}

/// A new inspection team of a campaign.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TeamInput {
    pub campaign_id: String,
    pub name: String,
    #[serde(default)]
    pub members: Vec<MemberInput>,
}

/// Changes to a team: a new name, or the whole member list with roles.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TeamPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub members: Option<Vec<MemberInput>>,
}

/// A member whose id, if given, is resolved already (resolving needs the store, not the
/// transaction).
pub(super) struct Member {
    id: Option<String>,
    name: String,
    role: Role,
    title: Option<String>,
}

pub(super) fn resolve_members(s: &Store, list: Vec<MemberInput>) -> Result<Vec<Member>> {
    list.into_iter()
        .map(|m| {
            let id = resolve_opt(s, Inspector::KIND, m.inspector_id.as_deref())?;
            let name = clean(m.full_name.as_deref().unwrap_or(""));
            if id.is_none() && name.is_empty() {
                return refuse(Refusal::MemberUnnamed);
            }
            Ok(Member {
                id,
                name,
                role: m.role,
                title: m.title.as_deref().map(clean),
            })
        })
        .collect()
}

/// The inspector with this name (ignoring case and diacritics), created when there is none.
pub(super) fn inspector_named(w: &mut Writer<'_>, full_name: &str) -> Result<Stored<Inspector>> {
    let name = clean(full_name);
    if name.is_empty() {
        return Err(Error::Invalid(Invalid::EmptyText("name")));
    }
    let key = text::fold(&name);
    let mut found: Vec<Stored<Inspector>> = w
        .list::<Inspector>()?
        .into_iter()
        .filter(|i| text::fold(&i.body.full_name) == key)
        .collect();
    match found.len() {
        0 => {
            let body = Inspector {
                full_name: name,
                title: String::new(),
                organisation: String::new(),
            };
            let id = new_id();
            let rev = w.put(&id, &body)?;
            Ok(Stored { id, rev, body })
        }
        1 => Ok(found.pop().expect("one")),
        count => refuse(Refusal::InspectorAmbiguous { name, count }),
    }
}

/// The team's member list from what was given: inspectors found or created, each once, at
/// most one head.
pub(super) fn members_in(w: &mut Writer<'_>, list: Vec<Member>) -> Result<Vec<TeamMember>> {
    let mut out: Vec<TeamMember> = Vec::with_capacity(list.len());
    let mut heads = Vec::new();
    for m in list {
        let mut inspector = match &m.id {
            Some(id) => need::<Inspector>(w, id)?,
            None => inspector_named(w, &m.name)?,
        };
        // A position typed in the team form is the inspector's title from now on.
        if let Some(title) = m.title.filter(|t| *t != inspector.body.title) {
            inspector.body.title = title;
            w.put(&inspector.id, &inspector.body)?;
        }
        if out.iter().any(|x| x.inspector_id == inspector.id) {
            return refuse(Refusal::MemberTwice {
                name: inspector.body.full_name,
            });
        }
        if m.role == Role::Head {
            heads.push(inspector.body.full_name.clone());
        }
        out.push(TeamMember {
            inspector_id: inspector.id,
            role: m.role,
        });
    }
    if heads.len() > 1 {
        return refuse(Refusal::TwoHeads { names: heads });
    }
    Ok(out)
}

pub(super) fn check_team_name(
    w: &Writer<'_>,
    campaign_id: &str,
    id: &str,
    name: &str,
) -> Result<()> {
    if name.is_empty() {
        return Err(Error::Invalid(Invalid::EmptyText("name")));
    }
    let key = text::fold(name);
    let taken = w
        .list_by::<Team>("campaign_id", campaign_id)?
        .iter()
        .any(|t| t.id != id && text::fold(&t.body.name) == key);
    if taken {
        return refuse(Refusal::TeamNameTaken {
            name: name.to_string(),
        });
    }
    Ok(())
}

impl Store {
    /// Add an inspector.
    pub fn inspector_create(&mut self, input: InspectorInput) -> Result<Stored<Inspector>> {
        let body = Inspector {
            full_name: clean(&input.full_name),
            title: clean(&input.title),
            organisation: clean(&input.organisation),
        };
        self.write(|w| {
            let id = new_id();
            let rev = w.put(&id, &body)?;
            Ok(Stored { id, rev, body })
        })
    }

    /// Change an inspector's name, title or organisation.
    pub fn inspector_update(
        &mut self,
        id: &str,
        patch: InspectorPatch,
    ) -> Result<Stored<Inspector>> {
        let id = self.resolve_id(Inspector::KIND, id)?;
        self.write(|w| {
            let mut i = need::<Inspector>(w, &id)?.body;
            if let Some(x) = patch.full_name {
                i.full_name = clean(&x);
            }
            if let Some(x) = patch.title {
                i.title = clean(&x);
            }
            if let Some(x) = patch.organisation {
                i.organisation = clean(&x);
            }
            let rev = w.put(&id, &i)?;
            Ok(Stored {
                id: id.clone(),
                rev,
                body: i,
            })
        })
    }

    /// The inspector with this full name (ignoring case and diacritics), created if none.
    pub fn inspector_find_or_create(&mut self, full_name: &str) -> Result<Stored<Inspector>> {
        self.write(|w| inspector_named(w, full_name))
    }

    /// Create a team of a campaign with its members (at most one head; members by id or by
    /// name, created when new).
    pub fn team_create(&mut self, input: TeamInput) -> Result<Stored<Team>> {
        let campaign_id = self.resolve_id(Campaign::KIND, &input.campaign_id)?;
        let members = resolve_members(self, input.members)?;
        let name = clean(&input.name);
        self.write(|w| {
            let id = new_id();
            check_team_name(w, &campaign_id, &id, &name)?;
            let body = Team {
                campaign_id: campaign_id.clone(),
                name,
                members: members_in(w, members)?,
            };
            let rev = w.put(&id, &body)?;
            Ok(Stored { id, rev, body })
        })
    }

    /// Rename a team or replace its member list (roles included).
    pub fn team_update(&mut self, id: &str, patch: TeamPatch) -> Result<Stored<Team>> {
        let id = self.resolve_id(Team::KIND, id)?;
        let members = patch
            .members
            .map(|m| resolve_members(self, m))
            .transpose()?;
        self.write(|w| {
            let mut t = need::<Team>(w, &id)?.body;
            if let Some(name) = patch.name {
                t.name = clean(&name);
                check_team_name(w, &t.campaign_id, &id, &t.name)?;
            }
            if let Some(list) = members {
                t.members = members_in(w, list)?;
            }
            let rev = w.put(&id, &t)?;
            Ok(Stored {
                id: id.clone(),
                rev,
                body: t,
            })
        })
    }

    /// Add one member by full name (the inspector is created when nobody has that name).
    pub fn team_add_member(
        &mut self,
        team_id: &str,
        full_name: &str,
        role: Role,
    ) -> Result<Stored<Team>> {
        let id = self.resolve_id(Team::KIND, team_id)?;
        let name = clean(full_name);
        if name.is_empty() {
            return Err(Error::Invalid(Invalid::EmptyText("name")));
        }
        self.write(|w| {
            let mut t = need::<Team>(w, &id)?.body;
            let mut list: Vec<Member> = t
                .members
                .iter()
                .map(|m| Member {
                    id: Some(m.inspector_id.clone()),
                    name: String::new(),
                    role: m.role,
                    title: None,
                })
                .collect();
            list.push(Member {
                id: None,
                name,
                role,
                title: None,
            });
            t.members = members_in(w, list)?;
            let rev = w.put(&id, &t)?;
            Ok(Stored {
                id: id.clone(),
                rev,
                body: t,
            })
        })
    }

    /// Delete a team; refused while visits are assigned to it.
    pub fn team_delete(&mut self, id: &str) -> Result<()> {
        let id = self.resolve_id(Team::KIND, id)?;
        self.write(|w| {
            let t = need::<Team>(w, &id)?;
            let visits = w
                .list_by::<Visit>("campaign_id", &t.body.campaign_id)?
                .iter()
                .filter(|v| v.body.team_id.as_deref() == Some(id.as_str()))
                .count();
            if visits > 0 {
                return refuse(Refusal::TeamHasVisits {
                    team: t.body.name,
                    visits,
                });
            }
            w.delete(Team::KIND, &id)?;
            Ok(())
        })
    }
}
