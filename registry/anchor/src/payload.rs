//! The anchor payload: the calldata of an anchor transaction (pure; layout in the crate doc).

use sha2::{Digest, Sha256};

/// The 4-byte tag that opens every anchor payload (format version 1).
pub const TAG: [u8; 4] = *b"mcA1";

/// The length in bytes of an anchor payload: tag, root, size, origin hash.
pub const PAYLOAD_LEN: usize = 4 + 32 + 8 + 32;

/// What an anchor payload says: which log (by origin hash), at which size, had which root.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AnchorPayload {
    /// SHA-256 of the log's origin string (the first line of its checkpoints).
    pub origin_hash: [u8; 32],
    /// Tree size of the anchored checkpoint.
    pub size: u64,
    /// Merkle root of the anchored checkpoint.
    pub root: [u8; 32],
}

/// Why bytes are not an anchor payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    /// The bytes are not exactly [`PAYLOAD_LEN`] long.
    #[error("anchor payload must be {PAYLOAD_LEN} bytes, got {0}")]
    Length(usize),
    /// The bytes do not start with [`TAG`].
    #[error("anchor payload does not start with the tag \"mcA1\"")]
    Tag,
}

/// SHA-256 of a log origin string, as carried in the payload.
pub fn origin_hash(origin: &str) -> [u8; 32] {
    Sha256::digest(origin.as_bytes()).into()
}

impl AnchorPayload {
    /// The payload for the checkpoint (`origin`, `size`, `root`).
    pub fn new(origin: &str, size: u64, root: [u8; 32]) -> Self {
        Self { origin_hash: origin_hash(origin), size, root }
    }

    /// The payload bytes: `tag ‖ root ‖ size (u64 big-endian) ‖ origin_hash`.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(PAYLOAD_LEN);
        out.extend_from_slice(&TAG);
        out.extend_from_slice(&self.root);
        out.extend_from_slice(&self.size.to_be_bytes());
        out.extend_from_slice(&self.origin_hash);
        out
    }
}

impl TryFrom<&[u8]> for AnchorPayload {
    type Error = PayloadError;

    fn try_from(bytes: &[u8]) -> Result<Self, PayloadError> {
        if bytes.len() != PAYLOAD_LEN {
            return Err(PayloadError::Length(bytes.len()));
        }
        if bytes[..4] != TAG {
            return Err(PayloadError::Tag);
        }
        // The length is checked above, so these fixed ranges are in bounds.
        let mut payload = Self { origin_hash: [0; 32], size: 0, root: [0; 32] };
        payload.root.copy_from_slice(&bytes[4..36]);
        let mut size = [0; 8];
        size.copy_from_slice(&bytes[36..44]);
        payload.size = u64::from_be_bytes(size);
        payload.origin_hash.copy_from_slice(&bytes[44..]);
        Ok(payload)
    }
}

/// The anchor payload bytes for the checkpoint (`origin`, `size`, `root`).
pub fn payload(origin: &str, size: u64, root: [u8; 32]) -> Vec<u8> {
    AnchorPayload::new(origin, size, root).to_bytes()
}

/// Parses anchor payload bytes (exact length, known tag).
pub fn parse_payload(bytes: &[u8]) -> Result<AnchorPayload, PayloadError> {
    AnchorPayload::try_from(bytes)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const ORIGIN: &str = "medcred.example/revocation/1";

    #[test]
    fn layout_is_tag_root_size_origin_hash() {
        let root = [0xab; 32];
        let bytes = payload(ORIGIN, 0x0102_0304_0506_0708, root);
        assert_eq!(bytes.len(), PAYLOAD_LEN);
        assert_eq!(&bytes[..4], b"mcA1");
        assert_eq!(&bytes[4..36], &root);
        assert_eq!(&bytes[36..44], &[1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(&bytes[44..], &origin_hash(ORIGIN));
    }

    #[test]
    fn origin_hash_is_sha256_of_the_string() {
        // SHA-256("abc"), FIPS 180-2 example.
        assert_eq!(hex::encode(origin_hash("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn round_trips() {
        for size in [0, 1, 255, u64::MAX] {
            let bytes = payload(ORIGIN, size, [7; 32]);
            assert_eq!(parse_payload(&bytes).unwrap(), AnchorPayload::new(ORIGIN, size, [7; 32]));
        }
    }

    #[test]
    fn rejects_wrong_lengths() {
        let bytes = payload(ORIGIN, 5, [1; 32]);
        for len in [0, 3, 4, 36, 44, PAYLOAD_LEN - 1] {
            assert_eq!(parse_payload(&bytes[..len]), Err(PayloadError::Length(len)));
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(parse_payload(&longer), Err(PayloadError::Length(PAYLOAD_LEN + 1)));
    }

    #[test]
    fn rejects_wrong_tag() {
        let mut bytes = payload(ORIGIN, 5, [1; 32]);
        bytes[3] = b'2';
        assert_eq!(parse_payload(&bytes), Err(PayloadError::Tag));
        let zeros = [0u8; PAYLOAD_LEN];
        assert_eq!(parse_payload(&zeros), Err(PayloadError::Tag));
    }
}
