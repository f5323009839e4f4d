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
    for c in s.chars() {
        if c.is_whitespace() {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
            continue;
        }
        let before = out.len();
        fold_char(c, &mut out);
        // A lone combining mark folds to nothing and must not end a run of spaces.
        last_space &= out.len() == before;
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// `fold` without collapsing whitespace, and for every byte of the folded text the byte
/// offset in `s` of the character it came from (plus one entry for the end), so a match
/// found in the folded text can be shown in the original, diacritics and all.
pub fn fold_mapped(s: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(s.len());
    let mut from = Vec::with_capacity(s.len() + 1);
    for (i, c) in s.char_indices() {
        fold_char(c, &mut out);
        from.resize(out.len(), i);
    }
    from.push(s.len());
    (out, from)
}

/// One character folded: its decomposition without combining marks, lowercased; đ/Đ have
/// no decomposition, so they are mapped by hand. Folding character by character gives the
/// same text as folding the whole string, because only the dropped marks get reordered.
fn fold_char(c: char, out: &mut String) {
    if c.is_ascii() {
        // Most of any text; nothing to decompose.
        out.push(c.to_ascii_lowercase());
        return;
    }
    for d in std::iter::once(c).nfd() {
        match d {
            d if is_combining_mark(d) => {}
            'đ' | 'Đ' => out.push('d'),
            d => out.extend(d.to_lowercase()),
        }
    }
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

/// 10000 → "10.000": digits grouped the Vietnamese way.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
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
        assert_eq!(fold(" \u{300} a"), "a");
    }

    #[test]
    fn fold_mapped_points_back_into_the_original() {
        let s = "Thu ĐOÀN  phí";
        let (folded, from) = fold_mapped(s);
        assert_eq!(folded, "thu doan  phi");
        assert_eq!(from.len(), folded.len() + 1);
        let at = folded.find("doan").unwrap();
        let end = at + "doan".len();
        assert_eq!(&s[from[at]..from[end]], "ĐOÀN");
        let at = folded.find("phi").unwrap();
        assert_eq!(&s[from[at]..], "phí");
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
