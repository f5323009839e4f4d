//! Escaping for every XML-like format the crate writes (HTML, WordprocessingML, DrawingML,
//! SVG): one function, so no renderer forgets a character.

/// Text made safe for HTML element content and quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_neutralises_markup_and_keeps_vietnamese() {
        let e = escape("<script>alert('x')</script> & \"Đoàn xã Cúc Phương\"");
        assert_eq!(
            e,
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Đoàn xã Cúc Phương&quot;"
        );
        assert!(!e.contains('<') && !e.contains('>'));
    }
}
