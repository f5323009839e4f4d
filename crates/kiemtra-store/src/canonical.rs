//! Canonical JSON: object keys sorted (serde_json's default map is ordered), no
//! insignificant whitespace, strings in NFC as given. The same value always gives the same
//! bytes, which is what revision hashes and `dump --canonical` rely on.

use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::error::Result;

/// Serialise through `Value` so struct field order never leaks into the bytes.
pub fn to_value<T: Serialize>(v: &T) -> Result<Value> {
    Ok(serde_json::to_value(v)?)
}

pub fn to_string(v: &Value) -> String {
    // serde_json's Map is a BTreeMap here (no `preserve_order`), so keys come out sorted.
    serde_json::to_string(v).expect("a Value always serialises")
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn key_order_does_not_matter() {
        let a: Value = serde_json::from_str(r#"{"b":1,"a":{"y":2,"x":"đoàn phí"}}"#).unwrap();
        let b = json!({"a": {"x": "đoàn phí", "y": 2}, "b": 1});
        assert_eq!(to_string(&a), to_string(&b));
        assert_eq!(to_string(&a), r#"{"a":{"x":"đoàn phí","y":2},"b":1}"#);
    }
}
