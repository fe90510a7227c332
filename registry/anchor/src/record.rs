//! [`Anchor`]: the record of a mined anchor transaction, kept beside the checkpoint it anchors.

use serde::{Deserialize, Serialize};

/// Where a checkpoint root was anchored. Serialized with `tx_hash` as `0x`-prefixed hex.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anchor {
    /// Hash of the anchor transaction.
    #[serde(with = "hex32")]
    pub tx_hash: [u8; 32],
    /// Number of the block that holds it.
    pub block_number: u64,
    /// Timestamp of that block (unix seconds, from the block header).
    pub block_time: u64,
    /// EIP-155 chain id of the chain.
    pub chain_id: u64,
}

/// Serde for `[u8; 32]` as `0x`-prefixed lowercase hex (the prefix is optional when reading).
mod hex32 {
    use serde::{de::Error as _, Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(bytes: &[u8; 32], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format!("0x{}", hex::encode(bytes)))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<[u8; 32], D::Error> {
        let text = String::deserialize(deserializer)?;
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(text.strip_prefix("0x").unwrap_or(&text), &mut bytes)
            .map_err(|_| D::Error::custom("expected 32 bytes as 64 hex digits"))?;
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn serializes_tx_hash_as_hex() {
        let anchor = Anchor { tx_hash: [0xab; 32], block_number: 7, block_time: 1_700_000_000, chain_id: 31337 };
        let json = serde_json::to_value(anchor).unwrap();
        assert_eq!(json["tx_hash"], format!("0x{}", "ab".repeat(32)));
        assert_eq!(json["block_number"], 7);
        assert_eq!(serde_json::from_value::<Anchor>(json).unwrap(), anchor);
    }

    #[test]
    fn rejects_short_hashes() {
        let json = serde_json::json!({"tx_hash": "0xabcd", "block_number": 1, "block_time": 1, "chain_id": 1});
        assert!(serde_json::from_value::<Anchor>(json).is_err());
    }
}
