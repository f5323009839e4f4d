//! Local settings of this laptop (never synced): UI language, first-run state.

use crate::error::{Error, Result};
use crate::store::Store;
use crate::Lang;

impl Store {
    pub fn lang(&self) -> Result<Lang> {
        Ok(self
            .meta_get("ui.lang")?
            .and_then(|s| Lang::parse(&s))
            .unwrap_or_default())
    }

    pub fn set_lang(&self, lang: &str) -> Result<Lang> {
        let l = Lang::parse(lang)
            .ok_or_else(|| Error::invalid_field("lang", format!("\"{lang}\" (vi | en)")))?;
        self.meta_set("ui.lang", l.code())?;
        Ok(l)
    }

    /// Whether the person has chosen demo data or an empty start.
    pub fn onboarded(&self) -> Result<bool> {
        Ok(self.meta_get("ui.onboarded")?.as_deref() == Some("1"))
    }

    pub fn set_onboarded(&self) -> Result<()> {
        self.meta_set("ui.onboarded", "1")
    }
}
