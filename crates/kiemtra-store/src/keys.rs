//! This laptop's Ed25519 signing key, made on first use and kept in the local meta table
//! (never exported). Its public half travels in every bundle's manifest.

use ed25519_dalek::{Signer, SigningKey, VerifyingKey};

use crate::db::Db;
use crate::error::{Error, Result};

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
}

/// Check `signature` (hex) over `bytes` by `public_key` (hex).
pub fn verify(public_key: &str, bytes: &[u8], signature: &str) -> bool {
    let Some(key) = hex::decode(public_key)
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .and_then(|b| VerifyingKey::from_bytes(&b).ok())
    else {
        return false;
    };
    let Some(sig) = hex::decode(signature)
        .ok()
        .and_then(|b| <[u8; 64]>::try_from(b).ok())
        .map(|b| ed25519_dalek::Signature::from_bytes(&b))
    else {
        return false;
    };
    key.verify_strict(bytes, &sig).is_ok()
}
