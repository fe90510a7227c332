//! C2SP tlog-cosignature v1, Ed25519 (signature type 0x04): the signature is the 8-byte
//! big-endian timestamp ‖ Ed25519 over `"cosignature/v1\ntime <T>\n"` + the checkpoint body.

use ed25519_dalek::{Signature, Signer as _, SigningKey};

use super::keys::{KeyError, KeyName, SignatureType, SignerKey, VerifierKey};
use super::{Note, NoteSignature};

/// Largest timestamp a cosignature may carry: 2^63 - 1.
pub const MAX_TIMESTAMP: u64 = i64::MAX as u64;

/// The cosignature timestamp exceeds [`MAX_TIMESTAMP`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("cosignature timestamp {0} exceeds 2^63 - 1")]
pub struct TimestampTooLarge(pub u64);

/// The message an Ed25519 cosignature signs for a checkpoint `body` at POSIX time `timestamp`.
pub fn cosigned_message(body: &str, timestamp: u64) -> String {
    format!("cosignature/v1\ntime {timestamp}\n{body}")
}

/// Cosigns checkpoints with an Ed25519 key of type 0x04 (a witness key).
#[derive(Clone, Debug)]
pub struct Cosigner(SignerKey);

impl Cosigner {
    /// A cosigner named `name` for `key`.
    pub fn new(name: KeyName, key: SigningKey) -> Cosigner {
        Cosigner(SignerKey::new(name, SignatureType::CosignatureV1, key))
    }

    /// Parses `PRIVATE+KEY+<name>+<key ID>+<base64(0x04 ‖ seed)>`.
    pub fn from_secret_string(s: &str) -> Result<Cosigner, KeyError> {
        SignerKey::parse(s, SignatureType::CosignatureV1).map(Cosigner)
    }

    /// The signer key text, which contains the secret seed: store it as a secret.
    pub fn to_secret_string(&self) -> String {
        self.0.to_secret_string()
    }

    /// The matching verifier key to publish.
    pub fn verifier_key(&self) -> VerifierKey {
        self.0.verifier()
    }

    /// The cosignature line over `note`'s text (a checkpoint body) at `timestamp`.
    ///
    /// The caller vouches for what the signature states: that this is the largest consistent
    /// checkpoint it has seen for the origin at that time.
    pub fn cosign(&self, note: &Note, timestamp: u64) -> Result<NoteSignature, TimestampTooLarge> {
        if timestamp > MAX_TIMESTAMP {
            return Err(TimestampTooLarge(timestamp));
        }
        let sig = self.0.key.sign(cosigned_message(note.text(), timestamp).as_bytes());
        let mut signature = Vec::with_capacity(72);
        signature.extend_from_slice(&timestamp.to_be_bytes());
        signature.extend_from_slice(&sig.to_bytes());
        Ok(NoteSignature { name: self.0.name.clone(), key_id: self.0.id, signature })
    }
}

/// Checks a type 0x04 signature over `text`; the timestamp when valid.
pub(super) fn check(key: &VerifierKey, text: &str, signature: &[u8]) -> Option<u64> {
    if signature.len() != 72 {
        return None;
    }
    let (ts, sig) = signature.split_at(8);
    let timestamp = u64::from_be_bytes(<[u8; 8]>::try_from(ts).ok()?);
    if timestamp > MAX_TIMESTAMP {
        return None;
    }
    let sig = Signature::from_slice(sig).ok()?;
    key.public_key().verify_strict(cosigned_message(text, timestamp).as_bytes(), &sig).ok()?;
    Some(timestamp)
}
