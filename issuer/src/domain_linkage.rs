//! DIF Well-Known DID Configuration (domain linkage, identity.foundation/.well-known/resources/
//! did-configuration, v1.0) for this deployment's did:web boards: the resource served at `GET
//! /.well-known/did-configuration.json`, one Domain Linkage Credential per board in the JSON Web
//! Token proof format (EdDSA, `kid` the board's active verification method), each saying that the
//! board's DID and this deployment's origin are controlled by the same party.
//!
//! Validity: `nbf` (`issuanceDate`) is the board's creation — the link holds since the DID exists
//! here; `exp` (`expirationDate`) is [`LINKAGE_VALIDITY`] after the start of the current UTC day.
//! The resource is signed again on each request with the active key, so a rotation or a new board
//! needs no action, and within a day its bytes do not change (Ed25519 is deterministic).

use chrono::{DateTime, Duration, DurationRound, SecondsFormat, Utc};
use medcred_formats::jwt::sign_compact;
use medcred_formats::{FormatError, IssuerKey};
use medcred_store::BoardRow;
use serde_json::{json, Value};

use crate::did_web::{did_web_host, BadPublicUrl};
use crate::error::IssuerError;
use crate::service::Issuer;

/// The `@context` of the resource.
pub const DID_CONFIGURATION_CONTEXT: &str = "https://identity.foundation/.well-known/did-configuration/v1";

/// The VC Data Model 1.1 context the specification's credentials carry.
const CREDENTIALS_V1: &str = "https://www.w3.org/2018/credentials/v1";

/// How long a Domain Linkage Credential is valid after the start of the day it was signed.
pub const LINKAGE_VALIDITY: Duration = Duration::days(365);

/// The origin of a public base URL (`https://board.example.org`, `http://localhost:8080`): the
/// scheme, the lowercase host and the port, as the credentials' `origin` names it.
pub fn origin(public_url: &str) -> Result<String, BadPublicUrl> {
    let host = did_web_host(public_url)?.replace("%3A", ":");
    let scheme = if public_url.starts_with("https://") { "https" } else { "http" };
    Ok(format!("{scheme}://{host}"))
}

/// Whether `did` is a did:web under the host of `public_url` (`did:web:<host>` or
/// `did:web:<host>:…`).
fn served_here(did: &str, host: &str) -> bool {
    did.strip_prefix("did:web:")
        .and_then(|rest| rest.strip_prefix(host))
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(':'))
}

/// A Domain Linkage Credential (JWT proof format) linking the DID of `key` to `origin`, valid from
/// `not_before` until `expires`.
pub fn linkage_jwt(
    key: &IssuerKey,
    origin: &str,
    not_before: DateTime<Utc>,
    expires: DateTime<Utc>,
) -> Result<String, FormatError> {
    let did = key.did();
    let date = |t: DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
    let claims = json!({
        "iss": did,
        "sub": did,
        "nbf": not_before.timestamp(),
        "exp": expires.timestamp(),
        "vc": {
            "@context": [CREDENTIALS_V1, DID_CONFIGURATION_CONTEXT],
            "issuer": did,
            "issuanceDate": date(not_before),
            "expirationDate": date(expires),
            "type": ["VerifiableCredential", "DomainLinkageCredential"],
            "credentialSubject": {"id": did, "origin": origin},
        },
    });
    let header = json!({"alg": "EdDSA", "kid": key.verification_method()});
    let payload = serde_json::to_vec(&claims).map_err(|e| FormatError::Signing(e.to_string()))?;
    sign_compact(&header, &payload, key)
}

/// The validity of the credential of `board` signed at `now`.
fn validity(board: &BoardRow, now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    let created = DateTime::from_timestamp(board.created_at, 0).unwrap_or(now);
    let today = now.duration_trunc(Duration::days(1)).unwrap_or(now);
    (created, today + LINKAGE_VALIDITY)
}

impl Issuer {
    /// The DID Configuration resource of this deployment: one Domain Linkage Credential for each
    /// did:web board under its host, oldest board first. Not found when there is none.
    pub async fn did_configuration(&self) -> Result<Value, IssuerError> {
        let bad_url = |e: BadPublicUrl| IssuerError::Internal(e.to_string());
        let host = did_web_host(self.public_url()).map_err(bad_url)?;
        let origin = origin(self.public_url()).map_err(bad_url)?;
        let now = self.clock().now();
        let mut linked = Vec::new();
        for board in self.db().boards().await?.into_iter().filter(|b| served_here(&b.did, &host)) {
            let key = self.signing_key(&board).await?;
            let (not_before, expires) = validity(&board, now);
            linked.push(Value::String(linkage_jwt(&key, &origin, not_before, expires)?));
        }
        if linked.is_empty() {
            return Err(IssuerError::NotFound("DID configuration"));
        }
        Ok(json!({"@context": DID_CONFIGURATION_CONTEXT, "linked_dids": linked}))
    }
}

#[cfg(test)]
mod tests {
    use ed25519_dalek::SigningKey;
    use medcred_formats::jwt::{decode, verify, VerifierKey};

    use super::*;

    #[test]
    fn origins_and_hosts() {
        assert_eq!(origin("https://Board.Example.org/").expect("origin"), "https://board.example.org");
        assert_eq!(origin("http://localhost:8080").expect("origin"), "http://localhost:8080");
        assert!(origin("https://x/path").is_err());
        assert!(served_here("did:web:localhost%3A8080:boards:nj", "localhost%3A8080"));
        assert!(served_here("did:web:board.example", "board.example"));
        assert!(!served_here("did:web:board.example.evil:boards:nj", "board.example"));
        assert!(!served_here("did:web:localhost%3A8081:boards:nj", "localhost%3A8080"));
        assert!(!served_here("did:key:z6Mk", "board.example"));
    }

    #[test]
    fn a_linkage_credential_names_the_did_and_origin() {
        let key = IssuerKey::new(SigningKey::from_bytes(&[8; 32]), "did:web:board.example:boards:nj#key-2");
        let from = DateTime::from_timestamp(1_767_225_600, 0).unwrap_or_default();
        let until = from + LINKAGE_VALIDITY;
        let jwt = linkage_jwt(&key, "https://board.example", from, until).expect("sign");
        let decoded = decode(&jwt).expect("decode");
        assert_eq!(
            Value::Object(decoded.header.clone()),
            json!({"alg": "EdDSA", "kid": "did:web:board.example:boards:nj#key-2"})
        );
        verify(&decoded, &VerifierKey::Ed25519(key.verifying_key())).expect("signature");
        let claims = Value::Object(decoded.claims().expect("claims"));
        assert_eq!((&claims["iss"], &claims["sub"]), (&json!(key.did()), &json!(key.did())));
        assert_eq!((&claims["nbf"], &claims["exp"]), (&json!(1_767_225_600), &json!(until.timestamp())));
        let vc = &claims["vc"];
        assert_eq!(vc["credentialSubject"], json!({"id": key.did(), "origin": "https://board.example"}));
        assert_eq!(vc["type"], json!(["VerifiableCredential", "DomainLinkageCredential"]));
        assert_eq!(vc["issuanceDate"], "2026-01-01T00:00:00Z");
        // Deterministic: the same inputs sign to the same bytes.
        assert_eq!(linkage_jwt(&key, "https://board.example", from, until).expect("sign"), jwt);
    }

    #[test]
    fn valid_from_creation_until_a_year_after_today() {
        let board = BoardRow {
            id: "b".into(),
            slug: "nj".into(),
            name: "NJ".into(),
            did: "did:web:x".into(),
            created_at: 1_700_000_000,
        };
        let now: DateTime<Utc> = "2026-02-01T12:34:56Z".parse().expect("time");
        let (from, until) = validity(&board, now);
        assert_eq!(from.timestamp(), 1_700_000_000);
        assert_eq!(until, "2027-02-01T00:00:00Z".parse::<DateTime<Utc>>().expect("time"));
    }
}
