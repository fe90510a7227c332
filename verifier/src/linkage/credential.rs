//! One Domain Linkage Credential in the JSON Web Token proof format (DIF Well-Known DID
//! Configuration, "JSON Web Token Proof Format" and "Domain Linkage Credential" verification):
//! a compact JWS whose header names the signing key (`kid`) and whose claims carry the VC Data
//! Model 1.1 credential under `vc`.

use chrono::{DateTime, Duration, Utc};
use medcred_formats::jwt::{decode, verify};
use serde_json::{Map, Value};

use super::origin::normalize_origin;
use crate::resolve::{assertion_key, BindingError};

/// The credential type a Domain Linkage Credential carries.
pub const DOMAIN_LINKAGE_TYPE: &str = "DomainLinkageCredential";

/// Why a Domain Linkage Credential does not link a DID to an origin.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LinkageError {
    /// Not a compact JWS with a JSON claims set, or a required member is missing or mistyped.
    #[error("malformed domain linkage credential: {0}")]
    Malformed(String),
    /// The header's `kid` names a key of another DID.
    #[error("it is signed with {kid}, a key of another DID")]
    ForeignKey {
        /// The header's `kid`.
        kid: String,
    },
    /// The key may not make assertions for the DID (not under `assertionMethod`, not defined,
    /// another controller) or cannot be used.
    #[error("its key {kid} cannot speak for the DID: {error}")]
    Unbound {
        /// The header's `kid`.
        kid: String,
        /// Why.
        error: BindingError,
    },
    /// The signature does not verify with the key `kid` names.
    #[error("its signature does not verify: {0}")]
    BadSignature(String),
    /// A claim that must name the DID names something else.
    #[error("its {claim} is {found:?}, not the DID")]
    OtherDid {
        /// The claim (`iss`, `sub`, `vc.issuer`, `vc.credentialSubject.id`).
        claim: &'static str,
        /// What it names.
        found: String,
    },
    /// `vc.type` does not include `DomainLinkageCredential`.
    #[error("it is not a DomainLinkageCredential")]
    NotDomainLinkage,
    /// `vc.credentialSubject.origin` is not the origin the resource came from.
    #[error("it links the origin {claimed:?}, not {expected}")]
    WrongOrigin {
        /// The credential's origin, as written.
        claimed: String,
        /// The origin the resource came from.
        expected: String,
    },
    /// `nbf` is later than now (give or take the allowed skew).
    #[error("it is not valid before {0}")]
    NotYetValid(DateTime<Utc>),
    /// `exp` has passed (give or take the allowed skew).
    #[error("it expired at {0}")]
    Expired(DateTime<Utc>),
}

/// Check that `jwt` links `did` to `origin`, at `now` with `skew` of allowed clock difference,
/// with the DID's document `did_document` (already resolved by the caller).
///
/// The key first (named by `kid`, under the document's `assertionMethod`), then the signature,
/// and only then what the claims say.
pub fn verify_jwt_linkage(
    jwt: &str,
    did: &str,
    origin: &str,
    did_document: &Value,
    now: DateTime<Utc>,
    skew: Duration,
) -> Result<(), LinkageError> {
    let decoded = decode(jwt).map_err(|e| LinkageError::Malformed(e.to_string()))?;
    let kid = decoded.kid().ok_or_else(|| LinkageError::Malformed("the JWS header has no kid".into()))?.to_owned();
    if !kid.starts_with('#') && kid.split_once('#').map_or(kid.as_str(), |(d, _)| d) != did {
        return Err(LinkageError::ForeignKey { kid });
    }
    if did_document.get("id").and_then(Value::as_str) != Some(did) {
        let error = BindingError::MalformedDocument("it is the document of another DID".into());
        return Err(LinkageError::Unbound { kid, error });
    }
    let key = assertion_key(did_document, &kid).map_err(|error| LinkageError::Unbound { kid: kid.clone(), error })?;
    verify(&decoded, &key).map_err(|e| LinkageError::BadSignature(e.to_string()))?;
    let claims = decoded.claims().map_err(|e| LinkageError::Malformed(e.to_string()))?;
    check_claims(&claims, did, origin, now, skew.abs())
}

/// What a signed credential's claims must say.
fn check_claims(
    claims: &Map<String, Value>,
    did: &str,
    origin: &str,
    now: DateTime<Utc>,
    skew: Duration,
) -> Result<(), LinkageError> {
    same_did("iss", Some(required_str(claims, "iss")?), did)?;
    same_did("sub", Some(required_str(claims, "sub")?), did)?;
    let vc = claims.get("vc").and_then(Value::as_object).ok_or_else(|| malformed("no vc object"))?;
    let is_linkage = match vc.get("type") {
        Some(Value::Array(types)) => types.iter().any(|t| t.as_str() == Some(DOMAIN_LINKAGE_TYPE)),
        Some(Value::String(t)) => t == DOMAIN_LINKAGE_TYPE,
        _ => false,
    };
    if !is_linkage {
        return Err(LinkageError::NotDomainLinkage);
    }
    match vc.get("issuer") {
        None => {}
        Some(Value::String(s)) => same_did("vc.issuer", Some(s), did)?,
        Some(other) => same_did("vc.issuer", other.get("id").and_then(Value::as_str), did)?,
    }
    let subject = match vc.get("credentialSubject") {
        Some(Value::Object(s)) => s,
        Some(Value::Array(a)) if a.len() == 1 => a[0].as_object().ok_or_else(|| malformed("bad credentialSubject"))?,
        _ => return Err(malformed("no single credentialSubject")),
    };
    same_did("vc.credentialSubject.id", subject.get("id").and_then(Value::as_str), did)?;
    let claimed = required_str(subject, "origin")?;
    match (normalize_origin(claimed), normalize_origin(origin)) {
        (Some(a), Some(b)) if a == b => {}
        _ => return Err(LinkageError::WrongOrigin { claimed: claimed.to_owned(), expected: origin.to_owned() }),
    }
    let nbf = numeric_date(claims, "nbf")?.ok_or_else(|| malformed("no nbf"))?;
    if nbf > now + skew {
        return Err(LinkageError::NotYetValid(nbf));
    }
    if let Some(exp) = numeric_date(claims, "exp")? {
        if exp <= now - skew {
            return Err(LinkageError::Expired(exp));
        }
    }
    Ok(())
}

fn malformed(why: &str) -> LinkageError {
    LinkageError::Malformed(why.to_owned())
}

fn required_str<'c>(claims: &'c Map<String, Value>, name: &str) -> Result<&'c str, LinkageError> {
    claims.get(name).and_then(Value::as_str).ok_or_else(|| malformed(&format!("no string {name}")))
}

fn same_did(claim: &'static str, found: Option<&str>, did: &str) -> Result<(), LinkageError> {
    match found {
        Some(f) if f == did => Ok(()),
        f => Err(LinkageError::OtherDid { claim, found: f.unwrap_or_default().to_owned() }),
    }
}

/// A JWT NumericDate claim (seconds, possibly fractional), if present.
fn numeric_date(claims: &Map<String, Value>, name: &str) -> Result<Option<DateTime<Utc>>, LinkageError> {
    let Some(v) = claims.get(name) else { return Ok(None) };
    let secs = v.as_i64().or_else(|| v.as_f64().filter(|f| f.is_finite()).map(|f| f.floor() as i64));
    secs.and_then(|s| DateTime::from_timestamp(s, 0))
        .map(Some)
        .ok_or_else(|| malformed(&format!("{name} is not a NumericDate")))
}

#[cfg(test)]
mod tests;
