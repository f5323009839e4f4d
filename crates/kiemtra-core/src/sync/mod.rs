//! Sync between laptops: signed bundles out and in (`bundle`), conflicts side by side and
//! their resolution (`conflicts`), and here the sync screen's view — who this database has
//! heard from, what was imported, how many conflicts wait, which campaigns a bundle can hold,
//! and the name a new bundle is offered under.

pub mod bundle;
pub mod conflicts;
pub mod encryption;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use self::bundle::ImportRow;
use self::conflicts::KnownDevice;
use crate::error::Result;
use crate::store::Store;

/// A campaign a bundle can be limited to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CampaignRef {
    pub id: String,
    pub name: String,
    pub year: i32,
}

/// Everything the sync screen shows at once.
#[derive(Debug, Clone, Serialize)]
pub struct SyncOverview {
    pub devices: Vec<KnownDevice>,
    pub imports: Vec<ImportRow>,
    pub conflict_count: usize,
    pub campaigns: Vec<CampaignRef>,
}

impl Store {
    pub fn sync_overview(&self) -> Result<SyncOverview> {
        Ok(SyncOverview {
            devices: self.devices()?,
            imports: self.import_history()?,
            conflict_count: self.conflict_count()?,
            campaigns: self.campaign_refs()?,
        })
    }

    /// Every campaign by name, newest year first (as the campaign list orders them), read
    /// without their visits: the sync screen only names them.
    pub fn campaign_refs(&self) -> Result<Vec<CampaignRef>> {
        let mut out: Vec<CampaignRef> = self
            .list::<crate::model::Campaign>()?
            .into_iter()
            .map(|c| CampaignRef {
                id: c.id,
                name: c.body.name,
                year: c.body.year,
            })
            .collect();
        out.sort_by_cached_key(|c| crate::setup::campaign_order(c.year, &c.name));
        Ok(out)
    }
}

/// A bundle's file name that says whose work it is and when, in any file system:
/// `kiemtra-may-a-20231107-1630.kiemtra`.
pub fn bundle_file_name(device: &str, at: NaiveDateTime) -> String {
    let slug = crate::text::fold(device)
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    format!("kiemtra-{slug}-{}.kiemtra", at.format("%Y%m%d-%H%M"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::VisitStatus;
    use crate::visit::FindingInput;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn bundle_names_say_whose_and_when_in_plain_ascii() {
        let t = at("2023-11-07 16:30");
        assert_eq!(
            bundle_file_name("Máy A", t),
            "kiemtra-may-a-20231107-1630.kiemtra"
        );
        assert_eq!(
            bundle_file_name("  Đoàn kiểm tra số 2 / Huyện Nho Quan ", t),
            "kiemtra-doan-kiem-tra-so-2-huyen-nho-quan-20231107-1630.kiemtra"
        );
        assert_eq!(
            bundle_file_name("---", at("2024-01-02 03:04")),
            "kiemtra--20240102-0304.kiemtra"
        );
    }

    fn note(s: &mut Store, visit: &str, words: &str) {
        s.finding_set(FindingInput {
            visit_id: visit.into(),
            item_code: "5.3".into(),
            note: Some(words.into()),
            ..Default::default()
        })
        .unwrap();
    }

    #[test]
    fn the_overview_shows_devices_imports_conflicts_and_campaigns() {
        let dir = tempfile::tempdir().unwrap();
        let file = |n: &str| dir.path().join(n);
        let mut hq = Store::open(&file("hq.db")).unwrap();
        hq.set_device_name("Văn phòng").unwrap();
        let empty = hq.sync_overview().unwrap();
        assert_eq!(empty.devices.len(), 1);
        assert!(empty.devices[0].is_self);
        assert!(empty.imports.is_empty() && empty.campaigns.is_empty());
        assert_eq!(empty.conflict_count, 0);

        let campaign = hq.load_demo().unwrap();
        let visit = hq
            .visit_rows(None)
            .unwrap()
            .into_iter()
            .find(|v| v.status == VisitStatus::Planned)
            .unwrap()
            .id;
        let mut laptop = Store::open(&file("laptop.db")).unwrap();
        laptop.set_device_name("Máy A").unwrap();
        crate::trust::testing::enrol(&mut hq, &laptop, &campaign, dir.path());
        hq.export_plain(&file("hq.kiemtra"), None).unwrap();
        laptop.import_bundle(&file("hq.kiemtra"), false).unwrap();
        // The same note written on both sides: a conflict once the laptop's work
        // comes back.
        note(&mut hq, &visit, "Ý kiến văn phòng");
        note(&mut laptop, &visit, "Ý kiến máy A");
        laptop.export_plain(&file("a.kiemtra"), None).unwrap();
        hq.import_bundle(&file("a.kiemtra"), false).unwrap();

        let o = hq.sync_overview().unwrap();
        let devices: Vec<(&str, bool)> = o
            .devices
            .iter()
            .map(|d| (d.name.as_str(), d.is_self))
            .collect();
        assert_eq!(devices, vec![("Văn phòng", true), ("Máy A", false)]);
        assert_eq!(o.imports.len(), 1);
        assert_eq!(o.imports[0].file_name, "a.kiemtra");
        assert_eq!(o.imports[0].device_name, "Máy A");
        assert_eq!(o.imports[0].conflicts, 1);
        assert_eq!(o.conflict_count, 1);
        assert_eq!(o.conflict_count, hq.conflicts().unwrap().len());
        let summary = &hq.campaign_summaries().unwrap()[0];
        assert_eq!(
            o.campaigns,
            vec![CampaignRef {
                id: campaign,
                name: summary.name.clone(),
                year: 2023,
            }]
        );
        assert!(o.campaigns[0].name.contains("2023"), "{:?}", o.campaigns);

        // What the UI receives: the same fields under the same names.
        let json = serde_json::to_value(&o).unwrap();
        let mut keys: Vec<&str> = json.as_object().unwrap().keys().map(|k| &k[..]).collect();
        keys.sort();
        assert_eq!(keys, ["campaigns", "conflict_count", "devices", "imports"]);
        assert_eq!(json["campaigns"][0]["year"], 2023);
    }
}
