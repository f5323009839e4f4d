//! Signatures and fingerprints: what a revision's signature covers, signing and checking it,
//! and a key as people read it aloud. Pure functions; this laptop's own key is `identity`'s.

pub use ed25519_dalek::VerifyingKey;
use ed25519_dalek::{Signer, SigningKey};

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
