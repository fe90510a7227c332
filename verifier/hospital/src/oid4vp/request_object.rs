//! The signed request object (OpenID4VP 1.0 §5, JAR RFC 9101) a wallet fetches from the request
//! URI: `typ` `oauth-authz-req+jwt`, EdDSA by the hospital's did:web key (`kid` its DID URL),
//! `client_id` `decentralized_identifier:<did>` (§5.9.3), `response_type` `vp_token`, the response
//! mode and URI, nonce, state, the DCQL query, and `client_metadata`: the formats this verifier
//! takes and, for `direct_post.jwt`, the request's ECDH-ES key and the `enc` values it accepts.

use medcred_formats::jwt::sign_compact;
use medcred_formats::IssuerKey;
use medcred_store::{HospitalRow, Oid4vpRequestRow};
use serde_json::{json, Value};

use super::jwe::ENC_VALUES;
use crate::error::HospitalError;

/// The `typ` of a request object (§5).
pub const REQUEST_OBJECT_TYP: &str = "oauth-authz-req+jwt";

/// The client identifier of a verifier whose DID is `did` (§5.9.3).
pub fn client_id(did: &str) -> String {
    format!("decentralized_identifier:{did}")
}

/// What this verifier verifies, per format (§B).
fn vp_formats_supported() -> Value {
    json!({
        "dc+sd-jwt": {"sd-jwt_alg_values": ["EdDSA", "Ed25519", "ES256"], "kb-jwt_alg_values": ["EdDSA", "Ed25519", "ES256"]},
        "jwt_vc_json": {"alg_values": ["EdDSA", "ES256"]},
        "ldp_vc": {"proof_type_values": ["DataIntegrityProof"], "cryptosuite_values": ["eddsa-rdfc-2022", "eddsa-jcs-2022"]}
    })
}

/// The request object's claims. `enc_jwk` is the public response key (direct_post.jwt).
pub(crate) fn claims(
    row: &Oid4vpRequestRow,
    hospital: &HospitalRow,
    response_uri: &str,
    enc_jwk: Option<Value>,
    now: i64,
) -> Value {
    let mut metadata = json!({"client_name": hospital.name, "vp_formats_supported": vp_formats_supported()});
    if let Some(jwk) = enc_jwk {
        metadata["jwks"] = json!({"keys": [jwk]});
        metadata["encrypted_response_enc_values_supported"] = json!(ENC_VALUES);
    }
    let dcql: Value = serde_json::from_str(&row.dcql_query).unwrap_or(Value::Null);
    let mut claims = json!({
        "aud": "https://self-issued.me/v2",
        "iat": now,
        "exp": row.expires_at,
        "client_id": client_id(&hospital.did),
        "response_type": "vp_token",
        "response_mode": row.response_mode,
        "response_uri": response_uri,
        "nonce": row.nonce,
        "state": row.state,
        "dcql_query": dcql,
        "client_metadata": metadata,
    });
    if let Some(p) = &row.purpose {
        // Not an OpenID4VP parameter (wallets ignore it, §5): medcred's wallet shows it.
        claims["purpose"] = json!(p);
    }
    claims
}

/// Sign `claims` with the hospital's key.
pub(crate) fn sign(claims: &Value, key: &IssuerKey) -> Result<String, HospitalError> {
    let header = json!({"alg": "EdDSA", "typ": REQUEST_OBJECT_TYP, "kid": key.verification_method()});
    let payload = serde_json::to_vec(claims).map_err(|e| HospitalError::Internal(e.to_string()))?;
    Ok(sign_compact(&header, &payload, key)?)
}
