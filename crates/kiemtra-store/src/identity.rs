//! This laptop's Ed25519 signing key, made on first use and kept in the local meta table
//! (never exported). Its public half travels in every bundle's manifest and in the laptop's
//! own record; with it every revision is signed by its author (over its rev id, which already
//! commits to everything in the revision).

use ed25519_dalek::{Signer, SigningKey};

use crate::db::Db;
use crate::error::{Error, Result};
use crate::keys::sign_rev;

impl Db {
    pub fn signing_key(&self) -> Result<SigningKey> {
        if let Some(hex_key) = self.meta_get("device.secret_key")? {
            let bytes: [u8; 32] = hex::decode(&hex_key)
                .ok()
                .and_then(|b| b.try_into().ok())
                .ok_or_else(|| Error::Corrupt("device.secret_key".into()))?;
            return Ok(SigningKey::from_bytes(&bytes));
        }
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| Error::Corrupt(format!("random: {e}")))?;
        let key = SigningKey::from_bytes(&seed);
        self.meta_set("device.secret_key", &hex::encode(seed))?;
        self.conn().execute(
            "UPDATE devices SET public_key = ?1 WHERE id = ?2",
            rusqlite::params![
                hex::encode(key.verifying_key().as_bytes()),
                self.device().id
            ],
        )?;
        Ok(key)
    }

    /// This laptop's public key (hex), made at first use.
    pub fn public_key(&self) -> Result<String> {
        Ok(hex::encode(self.signing_key()?.verifying_key().as_bytes()))
    }

    pub fn sign(&self, bytes: &[u8]) -> Result<String> {
        Ok(hex::encode(self.signing_key()?.sign(bytes).to_bytes()))
    }

    /// This laptop's signature of a revision id (what its writer signs every revision with).
    pub fn sign_revision(&self, rev: &str) -> Result<String> {
        Ok(sign_rev(&self.signing_key()?, rev))
    }

    /// Sign this laptop's own revisions that were made before revisions were signed (a
    /// database from an earlier version), so they travel with their proof. Rev ids do not
    /// change. Returns how many were signed.
    pub fn sign_own_unsigned(&mut self) -> Result<usize> {
        let key = self.signing_key()?;
        let tx = self.conn.transaction()?;
        let revs: Vec<String> = tx
            .prepare("SELECT rev FROM revisions WHERE device_id = ?1 AND sig IS NULL")?
            .query_map([&self.device.id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        {
            let mut up = tx.prepare("UPDATE revisions SET sig = ?1 WHERE rev = ?2")?;
            for rev in &revs {
                up.execute(rusqlite::params![sign_rev(&key, rev), rev])?;
            }
        }
        tx.commit()?;
        Ok(revs.len())
    }
}

/// This laptop's age identity (X25519): bundles of its campaigns are encrypted to its
/// recipient. Made at first open; kept beside the signing key, in the database file this
/// laptop alone may read (`Db::open` makes it 0600), and so in its backups.
impl Db {
    pub fn age_identity(&self) -> Result<age::x25519::Identity> {
        use age::secrecy::ExposeSecret;
        if let Some(text) = self.meta_get("device.age_identity")? {
            return text
                .parse()
                .map_err(|_| Error::Corrupt("device.age_identity".into()));
        }
        let id = age::x25519::Identity::generate();
        self.meta_set("device.age_identity", id.to_string().expose_secret())?;
        Ok(id)
    }

    /// This laptop's age recipient ("age1…"), made at first open.
    pub fn age_recipient(&self) -> Result<String> {
        Ok(self.age_identity()?.to_public().to_string())
    }
}
