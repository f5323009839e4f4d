//! Vietnamese text helpers: NFC on the way in, and a folded form for matching that ignores
//! diacritics and case. `đ`/`Đ` have no decomposition in Unicode, so they are mapped by hand.

use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};

/// Compose to NFC: Vietnamese typed through different input methods (composed or
/// combining tone marks) is stored one way, so comparisons and search agree.
pub fn nfc(s: &str) -> String {
    s.nfc().collect()
}

/// Lowercase, strip diacritics, map đ to d, collapse whitespace: "Đoàn  phí" → "doan phi".
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut last_space = true;
    for c in s.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        let c = match c {
            'đ' | 'Đ' => 'd',
            c => c,
        };
        if c.is_whitespace() {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
            continue;
        }
        last_space = false;
        out.extend(c.to_lowercase());
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// A sort key that follows Vietnamese alphabetical order closely enough for lists:
/// base letters first (with đ after d), then the diacritics as a tie-break.
pub fn sort_key(s: &str) -> (String, String) {
    let base: String = s
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(|c| match c {
            // "d" < "đ" < "e" in the Vietnamese alphabet.
            'đ' | 'Đ' => vec!['d', '\u{10FFFF}'],
            c => c.to_lowercase().collect(),
        })
        .collect();
    (base, s.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_ignores_diacritics_and_d_bar() {
        assert_eq!(fold("Đoàn phí"), "doan phi");
        assert_eq!(fold("ĐOÀN  TNCS\tHồ Chí Minh "), "doan tncs ho chi minh");
        assert_eq!(fold("Chưa đạt"), "chua dat");
        // Decomposed input folds the same as composed.
        assert_eq!(fold("Đoa\u{300}n"), fold("Đoàn"));
    }

    #[test]
    fn nfc_composes() {
        let decomposed = "Đoa\u{300}n";
        assert_ne!(decomposed, "Đoàn");
        assert_eq!(nfc(decomposed), "Đoàn");
    }

    #[test]
    fn vietnamese_order_puts_d_bar_after_d() {
        let mut v = vec!["Đông Thành", "Yên Mô", "Ân Thi", "Dân Chủ", "Bình Minh"];
        v.sort_by_key(|s| sort_key(s));
        assert_eq!(
            v,
            vec!["Ân Thi", "Bình Minh", "Dân Chủ", "Đông Thành", "Yên Mô"]
        );
    }
}
