//! What the wallet keeps of a received credential — format, issuer, types, time of receipt — read
//! from the credential itself, after checking it is bound to the holder key (SD-JWT VC `cnf.jwk`,
//! W3C `credentialSubject.id`). Pure; the issuer's signature is the verifier's business.

use chrono::{DateTime, SecondsFormat, Utc};
use medcred_formats::jwt::{decode, VerifierKey};
use medcred_formats::sd_jwt;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::WalletError;
use crate::key::HolderKey;
use crate::status::KnownStatus;

/// A credential in the wallet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredCredential {
    /// Local id (UUID).
    pub id: String,
    /// OpenID4VCI format identifier: `dc+sd-jwt`, `ldp_vc`, `jwt_vc_json`.
    pub format: String,
    /// The configuration it was issued under.
    pub configuration_id: String,
    /// The Credential Issuer it came from (URL).
    pub credential_issuer: String,
    /// The issuer named in the credential (the board's DID).
    pub issuer: String,
    /// Its types (W3C `type`, or the SD-JWT VC `vct`).
    pub types: Vec<String>,
    /// When it was received (RFC 3339).
    pub received_at: String,
    /// The credential as issued: a compact string, or a JSON object for `ldp_vc`.
    pub credential: Value,
    /// The status its board's list gave when the wallet last looked (not yet looked: `None`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<KnownStatus>,
}

fn not_bound(why: &str) -> WalletError {
    WalletError::NotBound(why.into())
}

fn w3c_summary(vc: &Map<String, Value>, key: &HolderKey) -> Result<(String, Vec<String>), WalletError> {
    let subject_ids: Vec<&str> = match vc.get("credentialSubject") {
        Some(Value::Array(subjects)) => subjects.iter().filter_map(|s| s.get("id")?.as_str()).collect(),
        Some(s) => s.get("id").and_then(Value::as_str).into_iter().collect(),
        None => Vec::new(),
    };
    let (did_key, _) = key.did_key();
    if !subject_ids.iter().any(|id| *id == key.did() || *id == did_key) {
        return Err(not_bound("credentialSubject.id is not the holder's DID"));
    }
    let issuer = match vc.get("issuer") {
        Some(Value::String(s)) => s.clone(),
        Some(o) => o.get("id").and_then(Value::as_str).unwrap_or_default().to_owned(),
        None => String::new(),
    };
    let types = match vc.get("type") {
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
        Some(Value::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    };
    Ok((issuer, types))
}

/// Describe `credential` (as the credential endpoint returned it, in `format`) for the wallet,
/// checking it is bound to `key`.
pub fn describe(
    credential: Value,
    format: &str,
    configuration_id: &str,
    credential_issuer: &str,
    key: &HolderKey,
    now: DateTime<Utc>,
) -> Result<StoredCredential, WalletError> {
    let unreadable = |why: String| WalletError::BadResponse { url: credential_issuer.into(), why };
    let (issuer, types) = match (format, &credential) {
        ("dc+sd-jwt", Value::String(s)) => {
            let (claims, _) = sd_jwt::disclosable_claims(s).map_err(|e| unreadable(e.to_string()))?;
            let cnf = claims.get("cnf").and_then(|c| c.get("jwk")).ok_or_else(|| not_bound("no cnf.jwk"))?;
            let bound = VerifierKey::from_jwk(cnf).map_err(|e| not_bound(&e.to_string()))?;
            let ours = VerifierKey::from_jwk(&key.public_jwk()).map_err(|e| WalletError::Signing(e.to_string()))?;
            if bound != ours {
                return Err(not_bound("cnf.jwk is another key"));
            }
            let iss = claims.get("iss").and_then(Value::as_str).unwrap_or_default().to_owned();
            let vct = claims.get("vct").and_then(Value::as_str).map(str::to_owned).into_iter().collect();
            (iss, vct)
        }
        ("ldp_vc", Value::Object(vc)) => w3c_summary(vc, key)?,
        ("jwt_vc_json", Value::String(s)) => {
            let claims = decode(s).and_then(|d| d.claims()).map_err(|e| unreadable(e.to_string()))?;
            w3c_summary(&claims, key)?
        }
        (f, _) => return Err(unreadable(format!("a {f} credential of an unexpected shape or an unsupported format"))),
    };
    Ok(StoredCredential {
        id: uuid::Uuid::new_v4().to_string(),
        format: format.to_owned(),
        configuration_id: configuration_id.to_owned(),
        credential_issuer: credential_issuer.to_owned(),
        issuer,
        types,
        received_at: now.to_rfc3339_opts(SecondsFormat::Secs, true),
        credential,
        status: None,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn w3c_credentials_must_name_the_holder() {
        let key = HolderKey::generate();
        let now = Utc::now();
        let vc = json!({"issuer": {"id": "did:web:b.example"}, "type": ["VerifiableCredential", "MedicalLicenseCredential"],
                        "credentialSubject": {"id": key.did()}});
        let s = describe(vc.clone(), "ldp_vc", "c", "https://i.example", &key, now).expect("bound");
        assert_eq!(s.issuer, "did:web:b.example");
        assert_eq!(s.types[1], "MedicalLicenseCredential");
        let other = HolderKey::generate();
        assert!(matches!(describe(vc, "ldp_vc", "c", "https://i.example", &other, now), Err(WalletError::NotBound(_))));
        assert!(describe(json!("x"), "mso_mdoc", "c", "https://i.example", &key, now).is_err());
    }
}
