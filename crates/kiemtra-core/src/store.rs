//! The store as the fronts see it: the revision engine (`kiemtra_store::Db`) opened with
//! this application's migrations and kinds (`schema::SCHEMA`). The domain's operations are
//! `impl Store` blocks in their own modules (ops, setup, sync…); the engine's reads and
//! writes are reached through `Deref`, their errors turned into `crate::Error`.

use std::any::Any;
use std::collections::HashMap;
use std::ops::{Deref, DerefMut};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use kiemtra_store::Db;

use crate::error::Result;
use crate::model::Entity;

pub use kiemtra_store::{generation_of, Device, HistoryEntry, Revision, Stored, Writer};
pub(crate) use kiemtra_store::{get_in, graph_of, heads_in, heads_of};

/// An open Kiểm tra database.
pub struct Store {
    db: Db,
    /// Views kept between calls while no record of the kind they read changes (`kept`).
    kept: std::sync::Mutex<HashMap<&'static str, (String, Kept)>>,
}

/// A kept view, of whatever type its area made it.
type Kept = Arc<dyn Any + Send + Sync>;

impl Deref for Store {
    type Target = Db;
    fn deref(&self) -> &Db {
        &self.db
    }
}

impl DerefMut for Store {
    fn deref_mut(&mut self) -> &mut Db {
        &mut self.db
    }
}

/// Where the database lives when no path is given: the OS data dir
/// (`~/.local/share/kiemtra/kiemtra.db` on Linux). `KIEMTRA_DB` overrides it.
pub fn default_db_path() -> PathBuf {
    if let Some(p) = std::env::var_os("KIEMTRA_DB").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    match directories::ProjectDirs::from("vn", "KiemTra", "kiemtra") {
        Some(d) => d.data_dir().join("kiemtra.db"),
        None => PathBuf::from("kiemtra.db"),
    }
}

/// The engine's reads with this layer's errors, so that no front meets an engine error.
impl Store {
    /// Open (creating if needed) the database at `path`: pragmas, migrations, device identity.
    pub fn open(path: &Path) -> Result<Store> {
        let db = Db::open(path, &crate::schema::SCHEMA)?;
        // The age identity is made at the first open (or the one after the migration that
        // brought it), so its recipient can go into this laptop's card and bundles.
        let recipient = db.age_recipient()?;
        db.conn().execute(
            "UPDATE devices SET age_recipient = ?1 WHERE id = ?2 AND age_recipient IS NOT ?1",
            rusqlite::params![recipient, db.device().id],
        )?;
        Ok(Store {
            db,
            kept: Default::default(),
        })
    }

    /// The view `name`, made by `make` from records of `kind` only, kept until a record of
    /// that kind changes here or in another process (`Db::changes_of`): the unit directory
    /// of a national campaign (20,000 units) is read and sorted once, not on every screen.
    pub(crate) fn kept<T: Any + Send + Sync>(
        &self,
        name: &'static str,
        kind: &str,
        make: impl FnOnce() -> Result<T>,
    ) -> Result<Arc<T>> {
        let stamp = self.db.changes_of(kind)?;
        let lock = || self.kept.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((at, view)) = lock().get(name) {
            if *at == stamp {
                if let Ok(view) = view.clone().downcast::<T>() {
                    return Ok(view);
                }
            }
        }
        let made = Arc::new(make()?);
        lock().insert(name, (stamp, made.clone()));
        Ok(made)
    }

    /// The engine's transaction, without the table of who may write what: for imports, which
    /// judge every author themselves, and for `trust`'s `write` and `transact`, which every
    /// local write goes through.
    pub(crate) fn transact_imported<T>(
        &mut self,
        commit: bool,
        f: impl FnOnce(&mut Writer<'_>) -> Result<T>,
    ) -> Result<T> {
        self.db.transact(commit, f)
    }

    pub fn get<T: Entity>(&self, id: &str) -> Result<Option<Stored<T>>> {
        Ok(self.db.get(id)?)
    }

    pub fn require<T: Entity>(&self, id: &str) -> Result<Stored<T>> {
        Ok(self.db.require(id)?)
    }

    /// Every live record of a kind, in id order (UUIDv7 ids sort by creation time).
    pub fn list<T: Entity>(&self) -> Result<Vec<Stored<T>>> {
        Ok(self.db.list()?)
    }

    /// Live records of a kind whose body field `field` equals `value` (indexed when it is the
    /// kind's owner field: visit_id, campaign_id).
    pub fn list_by<T: Entity>(&self, field: &str, value: &str) -> Result<Vec<Stored<T>>> {
        Ok(self.db.list_by(field, value)?)
    }

    /// Deleted records of a kind whose last body has `field` = `value` (cancelled visits).
    pub fn deleted_by<T: Entity>(&self, field: &str, value: &str) -> Result<Vec<Stored<T>>> {
        Ok(self.db.deleted_by(field, value)?)
    }

    /// A full id, or a unique prefix of at least 4 characters, of a live record of `kind`.
    pub fn resolve_id(&self, kind: &'static str, input: &str) -> Result<String> {
        Ok(self.db.resolve_id(kind, input)?)
    }

    /// Every revision of a record, oldest first, with who made it.
    pub fn history(&self, record_id: &str) -> Result<Vec<HistoryEntry>> {
        Ok(self.db.history(record_id)?)
    }

    /// Every revision, in local arrival order.
    pub fn revisions(&self) -> Result<Vec<Revision>> {
        Ok(self.db.revisions()?)
    }

    pub fn kind_of(&self, record_id: &str) -> Result<Option<String>> {
        Ok(self.db.kind_of(record_id)?)
    }

    /// A copy in `backups/` beside the database (the newest `keep` kept); its path.
    pub fn backup(&self, keep: usize) -> Result<PathBuf> {
        Ok(self.db.backup(keep)?)
    }

    pub fn meta_get(&self, key: &str) -> Result<Option<String>> {
        Ok(self.db.meta_get(key)?)
    }

    pub fn meta_set(&self, key: &str, value: &str) -> Result<()> {
        Ok(self.db.meta_set(key, value)?)
    }

    /// Rename this laptop; its card (what other laptops show) follows.
    pub fn set_device_name(&mut self, name: &str) -> Result<()> {
        let profile = self.device_profile()?;
        let person = profile.person.clone();
        self.set_device_profile(
            name,
            profile.laptop.people,
            Some(person.as_str()).filter(|p| !p.is_empty()),
        )?;
        Ok(())
    }

    /// This laptop's public signing key (hex).
    pub fn public_key(&self) -> Result<String> {
        Ok(self.db.public_key()?)
    }
}
