//! RFC 9162 §2.1.1 hashing: the 32-byte [`Hash`], leaf hash `SHA-256(0x00 ‖ d)` and node hash
//! `SHA-256(0x01 ‖ l ‖ r)`.

use std::fmt;
use std::str::FromStr;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use sha2::{Digest as _, Sha256};

/// Domain-separation prefix of a leaf hash (RFC 9162 §2.1.1).
pub const LEAF_PREFIX: u8 = 0x00;
/// Domain-separation prefix of an interior node hash (RFC 9162 §2.1.1).
pub const NODE_PREFIX: u8 = 0x01;

/// A SHA-256 output: a leaf hash, an interior node hash or a tree root.
///
/// `Display`, `Debug` and `FromStr` use lowercase hex; the C2SP checkpoint uses
/// [`Hash::to_base64`] / [`Hash::from_base64`].
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hash(pub [u8; 32]);

/// Why a string or byte slice is not a [`Hash`](struct@Hash).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HashParseError {
    /// The text is not valid hexadecimal.
    #[error("hash is not valid hex")]
    Hex,
    /// The text is not valid standard (padded) base64.
    #[error("hash is not valid base64")]
    Base64,
    /// The decoded value does not have 32 bytes.
    #[error("hash has {0} bytes, expected 32")]
    Length(usize),
}

impl Hash {
    /// Number of bytes in a hash.
    pub const LEN: usize = 32;

    /// RFC 9162 §2.1.1 leaf hash: `SHA-256(0x00 ‖ data)`.
    pub fn leaf(data: &[u8]) -> Hash {
        let mut h = Sha256::new();
        h.update([LEAF_PREFIX]);
        h.update(data);
        Hash(h.finalize().into())
    }

    /// RFC 9162 §2.1.1 interior node hash: `SHA-256(0x01 ‖ left ‖ right)`.
    pub fn node(left: &Hash, right: &Hash) -> Hash {
        let mut h = Sha256::new();
        h.update([NODE_PREFIX]);
        h.update(left.0);
        h.update(right.0);
        Hash(h.finalize().into())
    }

    /// RFC 9162 §2.1.1 root of the empty tree: `SHA-256()` of no input.
    pub fn empty_tree() -> Hash {
        Hash(Sha256::digest([]).into())
    }

    /// The 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Lowercase hex, 64 characters.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// Parses 64 hex digits (either case).
    pub fn from_hex(s: &str) -> Result<Hash, HashParseError> {
        let bytes = hex::decode(s).map_err(|_| HashParseError::Hex)?;
        Hash::try_from(bytes.as_slice())
    }

    /// Standard base64 with padding (44 characters), as in C2SP tlog-checkpoint.
    pub fn to_base64(&self) -> String {
        B64.encode(self.0)
    }

    /// Parses standard padded base64 of exactly 32 bytes.
    pub fn from_base64(s: &str) -> Result<Hash, HashParseError> {
        let bytes = B64.decode(s).map_err(|_| HashParseError::Base64)?;
        Hash::try_from(bytes.as_slice())
    }
}

impl From<[u8; 32]> for Hash {
    fn from(bytes: [u8; 32]) -> Hash {
        Hash(bytes)
    }
}

impl From<Hash> for [u8; 32] {
    fn from(h: Hash) -> [u8; 32] {
        h.0
    }
}

impl TryFrom<&[u8]> for Hash {
    type Error = HashParseError;

    fn try_from(bytes: &[u8]) -> Result<Hash, HashParseError> {
        <[u8; 32]>::try_from(bytes).map(Hash).map_err(|_| HashParseError::Length(bytes.len()))
    }
}

impl AsRef<[u8]> for Hash {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl FromStr for Hash {
    type Err = HashParseError;

    fn from_str(s: &str) -> Result<Hash, HashParseError> {
        Hash::from_hex(s)
    }
}

impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hash({})", self.to_hex())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_tree_is_sha256_of_nothing() {
        assert_eq!(Hash::empty_tree().to_hex(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    #[test]
    fn leaf_hash_of_empty_data_matches_rfc6962_vector() {
        // Certificate Transparency test vector: leaf hash of the empty leaf.
        assert_eq!(Hash::leaf(b"").to_hex(), "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
    }

    #[test]
    fn hex_and_base64_round_trip() {
        let h = Hash::leaf(b"medcred");
        assert_eq!(Hash::from_hex(&h.to_hex()), Ok(h));
        assert_eq!(h.to_hex().parse::<Hash>(), Ok(h));
        assert_eq!(Hash::from_hex(&h.to_hex().to_uppercase()), Ok(h));
        assert_eq!(Hash::from_base64(&h.to_base64()), Ok(h));
        assert_eq!(h.to_base64().len(), 44);
        assert_eq!(format!("{h}"), h.to_hex());
    }

    #[test]
    fn bad_encodings_are_rejected() {
        assert_eq!(Hash::from_hex("zz"), Err(HashParseError::Hex));
        assert_eq!(Hash::from_hex("abcd"), Err(HashParseError::Length(2)));
        assert_eq!(Hash::from_base64("!!!"), Err(HashParseError::Base64));
        assert_eq!(Hash::from_base64("AAAA"), Err(HashParseError::Length(3)));
        assert_eq!(Hash::try_from(&[0u8; 33][..]), Err(HashParseError::Length(33)));
    }
}
