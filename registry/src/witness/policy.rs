//! C2SP tlog-cosignature verification policy: a checkpoint is accepted when at least `k` of `n`
//! trusted witnesses cosigned it (cosignature/v1, signature type 0x04). Cosignatures from keys
//! outside the policy are ignored.

use crate::checkpoint::VerifiedCheckpoint;
use crate::note::{KeyId, KeyName, SignatureType, VerifiedSignature, VerifierKey, VerifyError};

/// Why a policy cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// `k` is 0 (a policy that asks for no witness is no policy) or larger than `n`.
    #[error("need 1 <= k <= {n} witnesses, got k = {k}")]
    Threshold {
        /// The threshold asked for.
        k: usize,
        /// The number of distinct witnesses.
        n: usize,
    },
    /// A witness key is not a cosignature (type 0x04) key.
    #[error("witness key {0} is not a cosignature/v1 (type 0x04) key")]
    NotACosignerKey(KeyName),
    /// The same key (name and key ID) is listed twice.
    #[error("witness key {0}+{1} is listed twice")]
    Duplicate(KeyName, KeyId),
}

/// The checkpoint was checked against the policy and is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuorumError {
    /// A cosignature line from a policy witness does not verify (a known key's bad signature
    /// rejects the note, as in signed-note verification).
    #[error("invalid cosignature from {name}+{key_id}")]
    BadCosignature {
        /// The witness's key name.
        name: KeyName,
        /// The witness's key ID.
        key_id: KeyId,
    },
    /// Fewer than `k` policy witnesses cosigned.
    #[error("{valid} of the required {required} witness cosignatures")]
    TooFewCosignatures {
        /// `k`.
        required: usize,
        /// Valid cosignatures from distinct policy witnesses.
        valid: usize,
    },
}

/// `k` of `n` trusted witnesses must cosign.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WitnessPolicy {
    k: usize,
    witnesses: Vec<VerifierKey>,
}

impl WitnessPolicy {
    /// A policy of `k` out of these distinct type 0x04 keys, `1 <= k <= n`.
    pub fn new(k: usize, witnesses: Vec<VerifierKey>) -> Result<WitnessPolicy, PolicyError> {
        for (i, w) in witnesses.iter().enumerate() {
            if w.kind() != SignatureType::CosignatureV1 {
                return Err(PolicyError::NotACosignerKey(w.name().clone()));
            }
            let same = |o: &VerifierKey| o.name() == w.name() && o.key_id() == w.key_id();
            if witnesses.iter().take(i).any(same) {
                return Err(PolicyError::Duplicate(w.name().clone(), w.key_id()));
            }
        }
        if k == 0 || k > witnesses.len() {
            return Err(PolicyError::Threshold { k, n: witnesses.len() });
        }
        Ok(WitnessPolicy { k, witnesses })
    }

    /// The threshold `k`.
    pub fn k(&self) -> usize {
        self.k
    }

    /// The trusted witness keys.
    pub fn witnesses(&self) -> &[VerifierKey] {
        &self.witnesses
    }

    /// The valid cosignatures of policy witnesses on `checkpoint` (one per witness, with their
    /// timestamps), if there are at least `k`.
    pub fn check(&self, checkpoint: &VerifiedCheckpoint) -> Result<Vec<VerifiedSignature>, QuorumError> {
        let valid = checkpoint.cosignatures(&self.witnesses).map_err(|e| match e {
            VerifyError::BadSignature { name, key_id } => QuorumError::BadCosignature { name, key_id },
            // `cosignatures` maps "none from these keys" to an empty list.
            VerifyError::NoTrustedSignature => QuorumError::TooFewCosignatures { required: self.k, valid: 0 },
        })?;
        if valid.len() < self.k {
            return Err(QuorumError::TooFewCosignatures { required: self.k, valid: valid.len() });
        }
        Ok(valid)
    }
}

#[cfg(test)]
mod tests {
    use ed25519_dalek::SigningKey;

    use super::*;
    use crate::checkpoint::Checkpoint;
    use crate::merkle::Hash;
    use crate::note::{Cosigner, NoteSigner};

    const ORIGIN: &str = "log.example/a";

    fn cosigner(seed: u8) -> Cosigner {
        Cosigner::new(KeyName::new(format!("w{seed}.example")).expect("valid"), SigningKey::from_bytes(&[seed; 32]))
    }

    fn log() -> NoteSigner {
        NoteSigner::new(KeyName::new(ORIGIN).expect("valid"), SigningKey::from_bytes(&[9; 32]))
    }

    fn cosigned_by(witnesses: &[&Cosigner]) -> VerifiedCheckpoint {
        let mut note = Checkpoint::new(ORIGIN, 5, Hash::leaf(b"r")).expect("valid").sign(&log()).expect("small");
        for (i, w) in witnesses.iter().enumerate() {
            let sig = w.cosign(&note, 1_700_000_000 + i as u64).expect("in range");
            note.push_signature(sig);
        }
        VerifiedCheckpoint::open(&note.to_bytes(), ORIGIN, &log().verifier_key()).expect("signed")
    }

    #[test]
    fn k_of_n() {
        let (a, b, c, stranger) = (cosigner(1), cosigner(2), cosigner(3), cosigner(4));
        let keys = vec![a.verifier_key(), b.verifier_key(), c.verifier_key()];
        let policy = WitnessPolicy::new(2, keys).expect("valid");
        let ok = policy.check(&cosigned_by(&[&a, &stranger, &c])).expect("2 of 3");
        assert_eq!(ok.len(), 2);
        assert_eq!(ok[1].timestamp, Some(1_700_000_002));
        assert_eq!(
            policy.check(&cosigned_by(&[&a, &stranger])),
            Err(QuorumError::TooFewCosignatures { required: 2, valid: 1 })
        );
        assert_eq!(
            policy.check(&cosigned_by(&[&stranger])),
            Err(QuorumError::TooFewCosignatures { required: 2, valid: 0 })
        );
        // the same witness twice counts once
        assert_eq!(
            policy.check(&cosigned_by(&[&a, &a])),
            Err(QuorumError::TooFewCosignatures { required: 2, valid: 1 })
        );
    }

    #[test]
    fn policies_are_checked() {
        let a = cosigner(1);
        assert_eq!(WitnessPolicy::new(0, vec![a.verifier_key()]), Err(PolicyError::Threshold { k: 0, n: 1 }));
        assert_eq!(WitnessPolicy::new(2, vec![a.verifier_key()]), Err(PolicyError::Threshold { k: 2, n: 1 }));
        let dup = WitnessPolicy::new(1, vec![a.verifier_key(), a.verifier_key()]);
        assert!(matches!(dup, Err(PolicyError::Duplicate(..))));
        let log_key = log().verifier_key();
        assert!(matches!(WitnessPolicy::new(1, vec![log_key]), Err(PolicyError::NotACosignerKey(_))));
    }
}
