//! This laptop's Ed25519 signing key, made on first use and kept in the local meta table
//! (never exported). Its public half travels in every bundle's manifest and in the laptop's
//! own record; with it every revision is signed by its author (over its rev id, which already
//! commits to everything in the revision).

pub use ed25519_dalek::VerifyingKey;
use ed25519_dalek::{Signer, SigningKey};

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

/// What a revision's signature covers: its rev id, behind a label so that no signature of
/// a revision can pass for a signature of anything else (a bundle's manifest).
pub fn rev_message(rev: &str) -> Vec<u8> {
    let mut m = Vec::with_capacity(16 + rev.len());
    m.extend_from_slice(b"kiemtra-rev\0");
    m.extend_from_slice(rev.as_bytes());
    m
}

pub fn sign_rev(key: &SigningKey, rev: &str) -> String {
    hex::encode(key.sign(&rev_message(rev)).to_bytes())
}

/// A public key from its hex text, if it is one.
pub fn parse_key(public_key: &str) -> Option<VerifyingKey> {
    hex::decode(public_key)
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .and_then(|b| VerifyingKey::from_bytes(&b).ok())
}

/// Check a revision's signature (hex) by its author's key.
pub fn verify_rev(key: &VerifyingKey, rev: &str, signature: &str) -> bool {
    let Some(sig) = hex::decode(signature)
        .ok()
        .and_then(|b| <[u8; 64]>::try_from(b).ok())
        .map(|b| ed25519_dalek::Signature::from_bytes(&b))
    else {
        return false;
    };
    key.verify_strict(&rev_message(rev), &sig).is_ok()
}

/// A key's fingerprint as people read it aloud and compare: six groups of five digits
/// (about 100 bits of SHA-256 of the key), the same on every laptop.
pub fn fingerprint(public_key: &str) -> String {
    let hash = crate::canonical::sha256_hex(public_key.trim().to_ascii_lowercase().as_bytes());
    let bytes = hex::decode(hash).expect("sha256_hex gives hex");
    bytes
        .chunks(5)
        .take(6)
        .map(|c| {
            let n = c.iter().fold(0u64, |acc, b| acc << 8 | u64::from(*b));
            format!("{:05}", n % 100_000)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Check `signature` (hex) over `bytes` by `public_key` (hex).
pub fn verify(public_key: &str, bytes: &[u8], signature: &str) -> bool {
    let Some(key) = parse_key(public_key) else {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_revision_signature_checks_only_for_its_rev_and_key() {
        let key = SigningKey::from_bytes(&[7u8; 32]);
        let other = SigningKey::from_bytes(&[8u8; 32]);
        let sig = sign_rev(&key, "1-abc");
        assert!(verify_rev(&key.verifying_key(), "1-abc", &sig));
        assert!(!verify_rev(&key.verifying_key(), "1-abd", &sig));
        assert!(!verify_rev(&other.verifying_key(), "1-abc", &sig));
        assert!(!verify_rev(&key.verifying_key(), "1-abc", "zz"));
        // Not a signature of the bare rev id either (a manifest signature cannot pass).
        assert!(!verify(
            &hex::encode(key.verifying_key().as_bytes()),
            b"1-abc",
            &sig
        ));
    }

    #[test]
    fn fingerprints_are_six_groups_of_five_digits_and_differ_by_key() {
        let a = fingerprint(&hex::encode([1u8; 32]));
        let b = fingerprint(&hex::encode([2u8; 32]));
        assert_eq!(a.len(), 35);
        assert!(a
            .split(' ')
            .all(|g| g.len() == 5 && g.bytes().all(|c| c.is_ascii_digit())));
        assert_ne!(a, b);
        assert_eq!(a, fingerprint(&hex::encode([1u8; 32]).to_uppercase()));
    }
}
