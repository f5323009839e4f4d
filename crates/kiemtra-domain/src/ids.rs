//! Record ids: time-ordered UUIDs for new records, name-based ones where two laptops must
//! arrive at the same record (a visit's finding for an item, the same photo on a visit).

/// The namespace for ids derived from content (findings: visit × item).
const FINDING_NS: uuid::Uuid = uuid::Uuid::from_u128(0x6b69_656d_7472_6100_8000_0000_0000_0001);

pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// The one finding record of a visit's item, the same id on every laptop.
pub fn finding_id(visit_id: &str, item_code: &str) -> String {
    uuid::Uuid::new_v5(&FINDING_NS, format!("{visit_id}/{item_code}").as_bytes()).to_string()
}

/// An attachment id is a name-based UUID of (visit, file hash): the same photo attached to
/// the same visit on two laptops is one record, not two.
pub fn attachment_id(visit_id: &str, sha256: &str) -> String {
    let ns = uuid::Uuid::parse_str(visit_id).unwrap_or(uuid::Uuid::NAMESPACE_OID);
    uuid::Uuid::new_v5(&ns, format!("attachment:{sha256}").as_bytes()).to_string()
}

/// The enrolment of a laptop into a campaign: one id on every laptop, so two secretariat
/// laptops enrolling the same laptop write one record.
pub fn enrolment_id(campaign_id: &str, device_id: &str) -> String {
    let ns = uuid::Uuid::parse_str(campaign_id).unwrap_or(uuid::Uuid::NAMESPACE_OID);
    uuid::Uuid::new_v5(&ns, format!("enrolment:{device_id}").as_bytes()).to_string()
}
