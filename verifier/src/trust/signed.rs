//! The trust list as a compact JWS: signing and strict loading.

use chrono::{DateTime, Utc};
use medcred_formats::jwt::{decode, sign_compact, verify_ed25519, JwsSigner};
use serde_json::json;

use super::list::TrustList;

/// The JWS `typ` of a trust list.
pub const TRUST_LIST_TYP: &str = "medcred-trust-list+jwt";

/// Most entries a list may hold.
pub const MAX_ENTRIES: usize = 100_000;

/// Why a trust list is not usable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrustListError {
    /// Not a well-formed compact JWS of a trust list.
    #[error("malformed trust list: {0}")]
    Malformed(String),
    /// No configured key verifies the signature.
    #[error("trust list signature does not verify with any configured key")]
    Signature,
    /// Past `exp`.
    #[error("trust list expired at {0}")]
    Expired(i64),
    /// Older than a list already accepted.
    #[error("trust list sequence {got} is older than the accepted {have}")]
    Rollback {
        /// The offered sequence.
        got: u64,
        /// The sequence already held.
        have: u64,
    },
    /// Could not sign.
    #[error("signing the trust list: {0}")]
    Signing(String),
}

impl TrustList {
    /// Sign the list as a compact JWS with `key` (EdDSA).
    pub fn sign(&self, key: &impl JwsSigner) -> Result<String, TrustListError> {
        let payload = serde_json::to_vec(self).map_err(|e| TrustListError::Signing(e.to_string()))?;
        sign_compact(&json!({"alg": key.alg(), "typ": TRUST_LIST_TYP}), &payload, key)
            .map_err(|e| TrustListError::Signing(e.to_string()))
    }

    /// Load a signed list: the signature verifies with one of `keys`, it has not expired at `now`,
    /// and its sequence is not below `min_sequence` (the one already held, if any).
    pub fn from_signed(
        jws: &str,
        keys: &[ed25519_dalek::VerifyingKey],
        now: DateTime<Utc>,
        min_sequence: Option<u64>,
    ) -> Result<TrustList, TrustListError> {
        let decoded = decode(jws.trim()).map_err(|e| TrustListError::Malformed(e.to_string()))?;
        if decoded.alg() != Some("EdDSA") || decoded.typ() != Some(TRUST_LIST_TYP) {
            return Err(TrustListError::Malformed(format!("expected alg EdDSA and typ {TRUST_LIST_TYP}")));
        }
        if !keys.iter().any(|k| verify_ed25519(&decoded, k).is_ok()) {
            return Err(TrustListError::Signature);
        }
        let list: TrustList =
            serde_json::from_slice(&decoded.payload).map_err(|e| TrustListError::Malformed(e.to_string()))?;
        if list.entries.len() > MAX_ENTRIES {
            return Err(TrustListError::Malformed(format!("more than {MAX_ENTRIES} entries")));
        }
        if now.timestamp() >= list.exp {
            return Err(TrustListError::Expired(list.exp));
        }
        if let Some(have) = min_sequence.filter(|have| list.sequence < *have) {
            return Err(TrustListError::Rollback { got: list.sequence, have });
        }
        Ok(list)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use medcred_formats::IssuerKey;

    use super::*;
    use crate::trust::Accreditation;

    fn list(sequence: u64) -> TrustList {
        TrustList {
            iss: "did:web:federation.example".into(),
            iat: 1_700_000_000,
            exp: 1_900_000_000,
            sequence,
            entries: vec![Accreditation {
                did: "did:web:nj.example".into(),
                name: "NJ".into(),
                credential_types: vec!["MedicalLicenseCredential".into()],
                jurisdictions: vec!["US-NJ".into()],
                valid_from: None,
                valid_until: None,
            }],
        }
    }

    #[test]
    fn round_trip_and_refusals() {
        let key = IssuerKey::new(ed25519_dalek::SigningKey::from_bytes(&[4; 32]), "did:web:federation.example#k");
        let other = IssuerKey::new(ed25519_dalek::SigningKey::from_bytes(&[5; 32]), "did:web:elsewhere#k");
        let now: DateTime<Utc> = "2026-06-01T00:00:00Z".parse().unwrap();
        let signed = list(3).sign(&key).unwrap();
        let keys = [key.verifying_key()];
        assert_eq!(TrustList::from_signed(&signed, &keys, now, None).unwrap(), list(3));
        assert_eq!(
            TrustList::from_signed(&signed, &[other.verifying_key()], now, None),
            Err(TrustListError::Signature)
        );
        assert_eq!(
            TrustList::from_signed(&signed, &keys, now, Some(4)),
            Err(TrustListError::Rollback { got: 3, have: 4 })
        );
        let late: DateTime<Utc> = "2031-01-01T00:00:00Z".parse().unwrap();
        assert_eq!(TrustList::from_signed(&signed, &keys, late, None), Err(TrustListError::Expired(1_900_000_000)));
        // A flipped payload byte breaks the signature; garbage is malformed, not a panic.
        let mut parts: Vec<String> = signed.split('.').map(str::to_owned).collect();
        parts[1] = parts[1].replacen('e', "f", 1);
        assert!(TrustList::from_signed(&parts.join("."), &keys, now, None).is_err());
        for junk in ["", "a.b.c", "....", "\u{0}"] {
            assert!(matches!(TrustList::from_signed(junk, &keys, now, None), Err(TrustListError::Malformed(_))));
        }
    }
}
