//! C2SP signed-note §Signatures: Ed25519 (type 0x01) signing, and verification of a note against
//! trusted keys (unknown keys ignored, a bad signature from a known key rejects the note).

use ed25519_dalek::{Signature, Signer as _, SigningKey};

use super::cosignature;
use super::keys::{KeyError, KeyId, KeyName, SignatureType, SignerKey, VerifierKey};
use super::{Note, NoteSignature};

/// A note was checked against the trusted keys and is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// No signature line comes from a trusted key (same name and key ID).
    #[error("no signature from a trusted key")]
    NoTrustedSignature,
    /// A signature line from a trusted key does not verify.
    #[error("invalid signature from trusted key {name}+{key_id}")]
    BadSignature {
        /// Key name of the failing line.
        name: KeyName,
        /// Key ID of the failing line.
        key_id: KeyId,
    },
}

/// A signature line that verified against a trusted key.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct VerifiedSignature {
    /// The trusted key's name.
    pub name: KeyName,
    /// The trusted key's ID.
    pub key_id: KeyId,
    /// The trusted key's signature type.
    pub kind: SignatureType,
    /// For a cosignature, the POSIX time the cosigner signed at.
    pub timestamp: Option<u64>,
}

/// Signs note texts with an Ed25519 key of type 0x01 (a log's checkpoint key).
#[derive(Clone, Debug)]
pub struct NoteSigner(SignerKey);

impl NoteSigner {
    /// A signer named `name` for `key`.
    pub fn new(name: KeyName, key: SigningKey) -> NoteSigner {
        NoteSigner(SignerKey::new(name, SignatureType::Ed25519, key))
    }

    /// Parses `PRIVATE+KEY+<name>+<key ID>+<base64(0x01 ‖ seed)>`.
    pub fn from_secret_string(s: &str) -> Result<NoteSigner, KeyError> {
        SignerKey::parse(s, SignatureType::Ed25519).map(NoteSigner)
    }

    /// The signer key text, which contains the secret seed: store it as a secret.
    pub fn to_secret_string(&self) -> String {
        self.0.to_secret_string()
    }

    /// The matching verifier key to publish.
    pub fn verifier_key(&self) -> VerifierKey {
        self.0.verifier()
    }

    /// The signature line over `note`'s text.
    pub fn sign(&self, note: &Note) -> NoteSignature {
        let sig = self.0.key.sign(note.text().as_bytes());
        NoteSignature { name: self.0.name.clone(), key_id: self.0.id, signature: sig.to_bytes().to_vec() }
    }
}

/// Checks one signature line against the key it names. `Some(timestamp)` when valid.
fn check(key: &VerifierKey, text: &str, sig: &NoteSignature) -> Option<Option<u64>> {
    match key.kind() {
        SignatureType::Ed25519 => {
            let s = Signature::from_slice(&sig.signature).ok()?;
            key.public_key().verify_strict(text.as_bytes(), &s).ok()?;
            Some(None)
        }
        SignatureType::CosignatureV1 => cosignature::check(key, text, &sig.signature).map(Some),
    }
}

impl Note {
    /// Verifies the note against `trusted` keys (C2SP signed-note §Signatures).
    ///
    /// Lines whose (name, key ID) matches no trusted key are ignored. Every line from a trusted
    /// key must verify, and at least one must exist. Returns the verified lines, one per trusted
    /// key (repeated lines from the same key are reported once).
    pub fn verify(&self, trusted: &[VerifierKey]) -> Result<Vec<VerifiedSignature>, VerifyError> {
        let mut verified: Vec<VerifiedSignature> = Vec::new();
        for sig in self.signatures() {
            let Some(key) = trusted.iter().find(|k| *k.name() == sig.name && k.key_id() == sig.key_id) else {
                continue;
            };
            let Some(timestamp) = check(key, self.text(), sig) else {
                return Err(VerifyError::BadSignature { name: sig.name.clone(), key_id: sig.key_id });
            };
            if !verified.iter().any(|v| v.name == sig.name && v.key_id == sig.key_id) {
                verified.push(VerifiedSignature {
                    name: sig.name.clone(),
                    key_id: sig.key_id,
                    kind: key.kind(),
                    timestamp,
                });
            }
        }
        if verified.is_empty() {
            return Err(VerifyError::NoTrustedSignature);
        }
        Ok(verified)
    }
}
