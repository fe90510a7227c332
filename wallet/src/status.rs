//! A credential's current status as its board publishes it: the status references a credential
//! carries (W3C `BitstringStatusListEntry`, SD-JWT VC `status.status_list`) and what the fetched
//! list says at that index. Pure; [`crate::Client::refresh_status`] fetches the lists.
//!
//! The wallet reads the whole list, so the board does not learn which credential is looked at
//! (herd privacy). It shows the holder what the list says and does not check the list's signature
//! or its ledger proof: that is what verifiers do before they rely on a status.

use medcred_formats::jwt::decode;
use medcred_formats::sd_jwt;
use medcred_registry::status::{ReceivedStatusList, StatusEntry, StatusListReference, StatusListToken, StatusPurpose};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::WalletError;
use crate::received::StoredCredential;

/// What a board's status list says of a credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CredentialState {
    /// Neither revoked nor suspended.
    Active,
    /// Suspended (may be reinstated).
    Suspended,
    /// Revoked for good.
    Revoked,
}

impl CredentialState {
    /// The word shown to the holder.
    pub fn as_str(self) -> &'static str {
        match self {
            CredentialState::Active => "active",
            CredentialState::Suspended => "suspended",
            CredentialState::Revoked => "revoked",
        }
    }
}

/// The last status the wallet read, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KnownStatus {
    /// What the list said.
    pub state: CredentialState,
    /// When it was read (RFC 3339).
    pub checked_at: String,
}

/// Where a credential's status is published.
#[derive(Debug, Clone, PartialEq)]
pub enum StatusRefs {
    /// The credential names no status list: nothing can revoke it.
    None,
    /// W3C entries, one per purpose (revocation, suspension).
    Bitstring(Vec<StatusEntry>),
    /// An IETF Token Status List entry (0 valid, 1 invalid, 2 suspended).
    Token(StatusListReference),
}

fn bad(c: &StoredCredential, why: impl std::fmt::Display) -> WalletError {
    WalletError::BadResponse { url: c.credential_issuer.clone(), why: format!("credential status: {why}") }
}

/// The status references `credential` carries.
pub fn status_refs(credential: &StoredCredential) -> Result<StatusRefs, WalletError> {
    let w3c = |vc: &serde_json::Map<String, Value>| -> Result<StatusRefs, WalletError> {
        let entries = match vc.get("credentialStatus") {
            None => return Ok(StatusRefs::None),
            Some(Value::Array(items)) => items.iter().collect::<Vec<_>>(),
            Some(one) => vec![one],
        };
        let parsed = entries
            .into_iter()
            .map(|e| StatusEntry::from_json(e).map_err(|e| bad(credential, e)))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(if parsed.is_empty() { StatusRefs::None } else { StatusRefs::Bitstring(parsed) })
    };
    match (credential.format.as_str(), &credential.credential) {
        ("ldp_vc", Value::Object(vc)) => w3c(vc),
        ("jwt_vc_json", Value::String(s)) => {
            w3c(&decode(s).and_then(|d| d.claims()).map_err(|e| bad(credential, e))?)
        }
        ("dc+sd-jwt", Value::String(s)) => {
            let (claims, _) = sd_jwt::disclosable_claims(s).map_err(|e| bad(credential, e))?;
            match claims.get("status") {
                None => Ok(StatusRefs::None),
                Some(status) => StatusListReference::from_status_claim(status)
                    .map(StatusRefs::Token)
                    .map_err(|e| bad(credential, e)),
            }
        }
        (format, _) => Err(bad(credential, format!("a {format} credential of an unexpected shape"))),
    }
}

/// Whether the bit for `entry` is set in the fetched `BitstringStatusListCredential`.
pub fn bitstring_bit(entry: &StatusEntry, list_document: &Value) -> Result<bool, String> {
    let list = ReceivedStatusList::from_json(list_document).map_err(|e| e.to_string())?;
    if !list.has_purpose(entry.purpose) {
        return Err(format!("the list does not serve {}", entry.purpose.as_str()));
    }
    list.list.get(entry.index).map(|v| v != 0).map_err(|e| e.to_string())
}

/// The state `entries` give, from each entry's bit.
pub fn state_of_bits(bits: &[(StatusPurpose, bool)]) -> CredentialState {
    if bits.iter().any(|(p, set)| *set && *p == StatusPurpose::Revocation) {
        CredentialState::Revoked
    } else if bits.iter().any(|(p, set)| *set && *p == StatusPurpose::Suspension) {
        CredentialState::Suspended
    } else {
        CredentialState::Active
    }
}

/// The state a fetched Status List Token (`statuslist+jwt`, compact) gives entry `reference`.
pub fn token_state(reference: &StatusListReference, token: &str) -> Result<CredentialState, String> {
    let claims = decode(token.trim()).and_then(|d| d.claims()).map_err(|e| e.to_string())?;
    let token = StatusListToken::from_claims(&Value::Object(claims)).map_err(|e| e.to_string())?;
    if token.sub != reference.uri {
        return Err("the token is for another list".into());
    }
    match token.list.get(reference.idx).map_err(|e| e.to_string())? {
        0 => Ok(CredentialState::Active),
        1 => Ok(CredentialState::Revoked),
        2 => Ok(CredentialState::Suspended),
        other => Err(format!("status value {other} is not one this wallet knows")),
    }
}

#[cfg(test)]
mod tests {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    use medcred_registry::status::{StatusListUrl, StatusSize, TokenStatusList};

    use super::*;

    /// A Status List Token as the board serves it (the signature is not the wallet's concern).
    fn token(url: &str, values: &[(u64, u8)]) -> String {
        let mut list = TokenStatusList::new(1024, StatusSize::Two).expect("list");
        for (i, v) in values {
            list.set(*i, *v).expect("set");
        }
        let claims = StatusListToken { sub: StatusListUrl::new(url).expect("url"), iat: 1, exp: None, ttl: None, list }
            .to_claims()
            .expect("claims");
        let part = |v: &Value| URL_SAFE_NO_PAD.encode(v.to_string());
        format!("{}.{}.c2ln", part(&serde_json::json!({"alg": "EdDSA", "typ": "statuslist+jwt"})), part(&claims))
    }

    #[test]
    fn token_values_read_as_states() {
        let url = "https://b.example/lists/1";
        let t = token(url, &[(3, 1), (4, 2)]);
        let at = |idx| StatusListReference { idx, uri: StatusListUrl::new(url).expect("url") };
        assert_eq!(token_state(&at(2), &t), Ok(CredentialState::Active));
        assert_eq!(token_state(&at(3), &t), Ok(CredentialState::Revoked));
        assert_eq!(token_state(&at(4), &t), Ok(CredentialState::Suspended));
        assert!(token_state(&at(5000), &t).is_err(), "past the end");
        let other = StatusListReference { idx: 3, uri: StatusListUrl::new("https://b.example/lists/2").expect("url") };
        assert!(token_state(&other, &t).is_err(), "another list's token");
    }

    #[test]
    fn revocation_wins_over_suspension() {
        use StatusPurpose::{Revocation, Suspension};
        assert_eq!(state_of_bits(&[(Revocation, false), (Suspension, false)]), CredentialState::Active);
        assert_eq!(state_of_bits(&[(Revocation, false), (Suspension, true)]), CredentialState::Suspended);
        assert_eq!(state_of_bits(&[(Revocation, true), (Suspension, true)]), CredentialState::Revoked);
    }
}
