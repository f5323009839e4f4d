//! Search from the header ignores diacritics: "doan phi" finds "đoàn phí", and a result
//! opens the visit at its item.

use kiemtra_core::model::Finding;
use kiemtra_core::Store;
use kiemtra_tests::{screenshot_dir, Driver};

#[test]
fn searching_doan_phi_finds_doan_phi_with_diacritics() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("kiemtra.db");
    {
        let mut st = Store::open(&db).unwrap();
        st.load_demo().unwrap();
        st.set_device_name("Máy Đoàn kiểm tra số 1").unwrap();
        st.set_onboarded().unwrap();
    }
    let driver = Driver::start();
    let s = driver.launch(&db);
    s.wait(".campaign-row");
    let input = s.wait("#header-search-input");
    s.type_text(&input, "doan phi\u{E007}");
    s.wait_text_where("#search-results", "saying đoàn phí", |t| {
        t.to_lowercase().contains("đoàn phí")
    });
    s.screenshot(&screenshot_dir().join("40-search.png"));

    // A finding opens its visit, at its item: the one the result named.
    let hit = s.wait("#search-results .hit[data-kind=\"finding\"]");
    let id = s.attr(&hit, "data-id").expect("a result names its record");
    let finding = Store::open(&db)
        .unwrap()
        .require::<Finding>(&id)
        .unwrap()
        .body;
    s.click(&s.wait(&format!("#search-results .hit[data-id=\"{id}\"] .hit-open")));
    let code = &finding.item_code;
    s.wait(&format!(".item.flash[data-code=\"{code}\"]"));
    s.wait_property_eq(
        &format!(".item[data-code=\"{code}\"] textarea.note"),
        "value",
        serde_json::json!(finding.note),
    );
    s.wait_property_eq(
        &format!(".item[data-code=\"{code}\"] textarea.explanation"),
        "value",
        serde_json::json!(finding.explanation),
    );
    let both = format!("{} {}", finding.note, finding.explanation).to_lowercase();
    assert!(both.contains("đoàn phí"), "{both}");
    s.quit();
}
