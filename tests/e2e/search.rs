//! Search from the header ignores diacritics: "doan phi" finds "đoàn phí", and a result
//! opens the visit at its item.

use kiemtra_core::Store;
use kiemtra_tests::{screenshot_dir, Driver};

#[test]
fn searching_doan_phi_finds_doan_phi_with_diacritics() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("kiemtra.db");
    {
        let mut st = Store::open(&db).unwrap();
        st.load_demo().unwrap();
        st.set_onboarded().unwrap();
    }
    let driver = Driver::start();
    let s = driver.launch(&db);
    s.wait(".campaign-row");
    let input = s.wait("#header-search-input");
    s.type_text(&input, "doan phi\u{E007}");
    let results = s.wait("#search-results");
    let text = s.text(&results).to_lowercase();
    assert!(text.contains("đoàn phí"), "{text}");
    s.screenshot(&screenshot_dir().join("40-search.png"));

    // A finding opens its visit, at its item.
    let hit = s.wait("#search-results .hit[data-kind=\"finding\"] .hit-open");
    s.click(&hit);
    let item = s.wait(".item.flash");
    let code = s.attr(&item, "data-code").unwrap();
    assert!(!code.is_empty());
    let note = s.property(
        &s.wait(&format!(".item[data-code=\"{code}\"] textarea.note")),
        "value",
    );
    let expl = s.property(
        &s.wait(&format!(".item[data-code=\"{code}\"] textarea.explanation")),
        "value",
    );
    let both = format!("{note} {expl}").to_lowercase();
    assert!(both.contains("đoàn phí"), "{both}");
    s.quit();
}
