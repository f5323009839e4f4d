//! The user's language and the one mechanism that puts a message into it.

use serde::{Deserialize, Serialize};

/// The user's language for messages. Vietnamese first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_ascii_lowercase().as_str() {
            "vi" | "vn" | "vie" => Some(Lang::Vi),
            "en" | "eng" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    /// The text of this language from a pair written side by side. Only `Localize`
    /// implementations use it, so each message keeps its two languages next to each other.
    pub fn pick<T>(self, vi: T, en: T) -> T {
        match self {
            Lang::Vi => vi,
            Lang::En => en,
        }
    }
}

/// Anything a person reads: an error, a refusal, a warning, a label. A message is a value
/// (its variant and data) until it is shown; only then is it put into a language.
pub trait Localize {
    /// The message in `lang`.
    fn message(&self, lang: Lang) -> String;

    /// Both languages at once, for what is kept or sent and shown later in either (a saved
    /// import plan, a report preview).
    fn both(&self) -> Bilingual {
        Bilingual {
            vi: self.message(Lang::Vi),
            en: self.message(Lang::En),
        }
    }
}

/// A message in both languages, made by [`Localize::both`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bilingual {
    pub vi: String,
    pub en: String,
}

impl Bilingual {
    pub fn get(&self, lang: Lang) -> &str {
        lang.pick(&self.vi, &self.en)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Greeting(&'static str);
    impl Localize for Greeting {
        fn message(&self, lang: Lang) -> String {
            lang.pick(format!("Xin chào {}", self.0), format!("Hello {}", self.0))
        }
    }

    #[test]
    fn both_holds_each_language_of_the_same_message() {
        let b = Greeting("Hà").both();
        assert_eq!(b.get(Lang::Vi), "Xin chào Hà");
        assert_eq!(b.get(Lang::En), "Hello Hà");
    }

    #[test]
    fn language_codes_parse_back() {
        for l in [Lang::Vi, Lang::En] {
            assert_eq!(Lang::parse(l.code()), Some(l));
        }
        assert_eq!(Lang::parse(" VN "), Some(Lang::Vi));
        assert_eq!(Lang::parse("fr"), None);
    }
}
