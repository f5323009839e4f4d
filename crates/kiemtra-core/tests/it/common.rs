//! Helpers shared by the core's integration tests: taking a bundle apart and putting it back
//! together, to make damaged or forged bundles.

use std::io::{Read, Write};
use std::path::Path;

/// Every entry of a ZIP, in order, with its bytes.
pub fn read_zip(path: &Path) -> Vec<(String, Vec<u8>)> {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut buf = Vec::new();
            f.read_to_end(&mut buf).unwrap();
            (f.name().to_string(), buf)
        })
        .collect()
}

/// Write `entries` as a deflated ZIP at `path`.
pub fn write_zip(path: &Path, entries: &[(String, Vec<u8>)]) {
    let mut z = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        z.start_file(name.as_str(), opts).unwrap();
        z.write_all(data).unwrap();
    }
    z.finish().unwrap();
}

/// `joiner` becomes a secretariat laptop of `owner`'s campaign as people do it: it exports
/// an introduction bundle, and the owner enrols its maker from the file.
pub fn enrol(
    owner: &mut kiemtra_core::Store,
    joiner: &kiemtra_core::Store,
    campaign: &str,
    dir: &Path,
) {
    enrol_as(
        owner,
        joiner,
        campaign,
        kiemtra_core::trust::EnrolRole::Secretariat,
        None,
        dir,
    );
}

pub fn enrol_as(
    owner: &mut kiemtra_core::Store,
    joiner: &kiemtra_core::Store,
    campaign: &str,
    role: kiemtra_core::trust::EnrolRole,
    team: Option<&str>,
    dir: &Path,
) {
    let intro = dir.join(format!("intro-{}.kiemtra", joiner.device().id));
    joiner
        .export_bundle_as(&intro, None, kiemtra_core::sync::bundle::Sealing::Encrypted)
        .unwrap();
    owner
        .enroll_bundle_maker(&intro, campaign, role, team)
        .unwrap();
}

/// `reader` accepts what the maker of `bundle` (and the campaigns it owns) sends without
/// being enrolled: it learns the maker from the file and trusts it (`kiemtra trust`).
pub fn trust_maker(reader: &mut kiemtra_core::Store, bundle: &Path) {
    let maker = reader.learn_bundle_maker(bundle).unwrap();
    reader.set_trusted(&maker.id, true).unwrap();
}
