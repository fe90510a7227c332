//! Reading a presentation request (OpenID4VP 1.0 §5): the `openid4vp://?client_id=…&request_uri=…`
//! link (or the request URI itself), and the signed request object fetched from it — `typ`
//! `oauth-authz-req+jwt`, client id prefix `decentralized_identifier` with a did:web, signed by a
//! key the DID document lists (`kid` a DID URL, §5.9.3), the same `client_id` as the link's,
//! `response_type` `vp_token`, `direct_post` or `direct_post.jwt` to an https response URI, a
//! nonce, and a DCQL query. Pure: the caller fetches the object and the DID document.

use chrono::{DateTime, Utc};
use medcred_formats::jwt::{decode, verify, DecodedJws};
use medcred_model::dcql::DcqlQuery;
use reqwest::Url;
use serde_json::Value;

use super::did_web::method_key;
use crate::error::WalletError;
use crate::metadata::check_url;

/// The request object `typ`.
pub const REQUEST_OBJECT_TYP: &str = "oauth-authz-req+jwt";
/// The client identifier prefix this wallet supports.
pub const DID_PREFIX: &str = "decentralized_identifier:";

fn bad(why: impl Into<String>) -> WalletError {
    WalletError::BadRequest(why.into())
}

/// Where the request is, from the link the verifier showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRef {
    /// The `client_id` of the link, which the request object must repeat.
    pub client_id: Option<String>,
    /// Where to fetch the request object.
    pub request_uri: String,
}

/// Read `openid4vp://?client_id=…&request_uri=…` (any scheme with those parameters), or take a
/// bare https URL as the request URI.
pub fn parse_request_link(link: &str) -> Result<RequestRef, WalletError> {
    let link = link.trim();
    let url = Url::parse(link).map_err(|e| bad(format!("not a URL: {e}")))?;
    let get = |name: &str| url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned());
    if url.query_pairs().any(|(k, _)| k == "request") {
        return Err(bad("requests passed by value are not supported; use request_uri"));
    }
    match get("request_uri") {
        Some(uri) => {
            if get("request_uri_method").is_some_and(|m| m != "get") {
                return Err(bad("only request_uri_method get is supported"));
            }
            check_url(&uri)?;
            Ok(RequestRef { client_id: get("client_id"), request_uri: uri })
        }
        None if matches!(url.scheme(), "https" | "http") => {
            check_url(link)?;
            Ok(RequestRef { client_id: None, request_uri: link.to_owned() })
        }
        None => Err(bad("the link has no request_uri")),
    }
}

/// How the answer is encrypted (`direct_post.jwt`).
#[derive(Debug, Clone, PartialEq)]
pub struct Encryption {
    /// The verifier's public key (P-256, `alg` `ECDH-ES`).
    pub jwk: Value,
    /// The content encryption (`A128GCM` or `A256GCM`).
    pub enc: String,
}

/// A checked request: signed by the client's DID.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedRequest {
    /// The full client identifier (the audience of the presentation).
    pub client_id: String,
    /// The client's DID.
    pub did: String,
    /// The name the client gives itself (`client_metadata.client_name`; self-asserted).
    pub client_name: Option<String>,
    /// Why it asks (medcred's `purpose`, when present).
    pub purpose: Option<String>,
    /// `direct_post` or `direct_post.jwt`.
    pub response_mode: String,
    /// Where to send the answer.
    pub response_uri: String,
    /// The nonce to bind the presentation to.
    pub nonce: String,
    /// The state to send back.
    pub state: Option<String>,
    /// What is asked.
    pub dcql: DcqlQuery,
    /// For `direct_post.jwt`: the key and `enc`.
    pub encryption: Option<Encryption>,
}

/// The parts of a request object needed before its signature can be checked: the decoded JWS,
/// its claims, the client's DID and the signing key's DID URL.
pub struct Unverified {
    jws: DecodedJws,
    claims: serde_json::Map<String, Value>,
    /// The client's DID (resolve it to check the signature).
    pub did: String,
    /// The DID URL of the signing key.
    pub kid: String,
}

/// Decode a request object and read who claims to have signed it.
pub fn read_request_object(jwt: &str) -> Result<Unverified, WalletError> {
    let jws = decode(jwt.trim()).map_err(|e| bad(format!("not a signed request object: {e}")))?;
    if jws.typ() != Some(REQUEST_OBJECT_TYP) {
        return Err(bad(format!("the request object's typ is not {REQUEST_OBJECT_TYP}")));
    }
    let claims = jws.claims().map_err(|e| bad(e.to_string()))?;
    let client_id = claims.get("client_id").and_then(Value::as_str).ok_or_else(|| bad("no client_id"))?;
    let did = client_id
        .strip_prefix(DID_PREFIX)
        .filter(|d| d.starts_with("did:web:"))
        .ok_or_else(|| bad("only decentralized_identifier client ids with a did:web are supported"))?
        .to_owned();
    let kid = jws.kid().ok_or_else(|| bad("the request object has no kid"))?.to_owned();
    Ok(Unverified { jws, claims, did, kid })
}

fn choose_encryption(metadata: Option<&Value>) -> Result<Encryption, WalletError> {
    let keys = metadata
        .and_then(|m| m.get("jwks"))
        .and_then(|j| j.get("keys"))
        .and_then(Value::as_array)
        .ok_or_else(|| bad("direct_post.jwt without client_metadata.jwks"))?;
    let jwk = keys
        .iter()
        .find(|k| k["kty"] == "EC" && k["crv"] == "P-256" && k["alg"] == "ECDH-ES" && k.get("d").is_none())
        .ok_or_else(|| bad("no P-256 ECDH-ES key among the verifier's encryption keys"))?;
    let offered: Vec<&str> = match metadata.and_then(|m| m.get("encrypted_response_enc_values_supported")) {
        None => vec!["A128GCM"],
        Some(v) => v.as_array().map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default(),
    };
    let enc = offered
        .into_iter()
        .find(|e| matches!(*e, "A128GCM" | "A256GCM"))
        .ok_or_else(|| bad("the verifier offers no content encryption this wallet has (A128GCM, A256GCM)"))?;
    Ok(Encryption { jwk: jwk.clone(), enc: enc.to_owned() })
}

/// Check the request object's signature with the client's DID document and its contents
/// against the link it came from.
pub fn verify_request_object(
    u: Unverified,
    did_document: &Value,
    link: &RequestRef,
    now: DateTime<Utc>,
) -> Result<VerifiedRequest, WalletError> {
    let key = method_key(did_document, &u.did, &u.kid)?;
    verify(&u.jws, &key).map_err(|_| bad("the request object's signature does not verify with the client's key"))?;
    let c = &u.claims;
    let text = |k: &str| c.get(k).and_then(Value::as_str).map(str::to_owned);
    let client_id = text("client_id").unwrap_or_default();
    if link.client_id.as_ref().is_some_and(|l| *l != client_id) {
        return Err(bad("the link's client_id and the request object's differ"));
    }
    if c.get("exp").and_then(Value::as_i64).is_some_and(|exp| exp <= now.timestamp()) {
        return Err(bad("the request has expired"));
    }
    if text("response_type").as_deref() != Some("vp_token") {
        return Err(bad("response_type must be vp_token"));
    }
    if c.contains_key("transaction_data") {
        return Err(bad("transaction_data is not supported"));
    }
    if c.contains_key("redirect_uri") {
        return Err(bad("redirect_uri must not be present with a direct_post response mode"));
    }
    let response_mode = text("response_mode").unwrap_or_default();
    if !matches!(response_mode.as_str(), "direct_post" | "direct_post.jwt") {
        return Err(bad("response_mode must be direct_post or direct_post.jwt"));
    }
    let response_uri = text("response_uri").ok_or_else(|| bad("no response_uri"))?;
    check_url(&response_uri)?;
    let nonce = text("nonce").filter(|n| !n.is_empty()).ok_or_else(|| bad("no nonce"))?;
    let dcql = DcqlQuery::from_json(c.get("dcql_query").unwrap_or(&Value::Null)).map_err(|e| bad(e.to_string()))?;
    let metadata = c.get("client_metadata");
    let encryption = (response_mode == "direct_post.jwt").then(|| choose_encryption(metadata)).transpose()?;
    Ok(VerifiedRequest {
        client_name: metadata
            .and_then(|m| m.get("client_name"))
            .and_then(Value::as_str)
            .map(|s| s.chars().take(200).collect()),
        purpose: text("purpose").map(|s| s.chars().take(300).collect()),
        state: text("state"),
        client_id,
        did: u.did,
        response_mode,
        response_uri,
        nonce,
        dcql,
        encryption,
    })
}

#[cfg(test)]
mod tests {
    use ed25519_dalek::SigningKey;
    use medcred_formats::jwt::{sign_compact, SignerKey};
    use medcred_formats::keys::multibase_public;
    use serde_json::json;

    use super::*;

    const DID: &str = "did:web:localhost%3A9:hospitals:h";

    fn doc(key: &SigningKey) -> Value {
        json!({"id": DID, "verificationMethod": [{"id": format!("{DID}#key-1"), "type": "Multikey",
               "controller": DID, "publicKeyMultibase": multibase_public(&key.verifying_key())}]})
    }

    fn object(key: &SigningKey, typ: &str, claims: &Value) -> String {
        let header = json!({"alg": "EdDSA", "typ": typ, "kid": format!("{DID}#key-1")});
        sign_compact(&header, claims.to_string().as_bytes(), &SignerKey::Ed25519(key.clone())).expect("sign")
    }

    fn claims() -> Value {
        json!({"client_id": format!("decentralized_identifier:{DID}"), "response_type": "vp_token",
               "response_mode": "direct_post", "response_uri": "http://localhost:9/oid4vp/responses/1",
               "nonce": "n", "state": "s", "exp": 4_000_000_000i64,
               "dcql_query": {"credentials": [{"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["v"]}}]},
               "client_metadata": {"client_name": "St Mary"}})
    }

    fn check(
        key: &SigningKey,
        signer: &SigningKey,
        typ: &str,
        claims: &Value,
        link: &RequestRef,
    ) -> Result<VerifiedRequest, WalletError> {
        let u = read_request_object(&object(signer, typ, claims))?;
        verify_request_object(u, &doc(key), link, Utc::now())
    }

    #[test]
    fn a_signed_request_is_read_and_anything_off_is_refused() {
        let key = SigningKey::from_bytes(&[1; 32]);
        let link = parse_request_link(&format!(
            "openid4vp://?client_id=decentralized_identifier%3A{}&request_uri=http%3A%2F%2Flocalhost%3A9%2Foid4vp%2Frequests%2F1",
            DID.replace('%', "%25")
        ))
        .expect("link");
        assert_eq!(link.request_uri, "http://localhost:9/oid4vp/requests/1");
        let r = check(&key, &key, REQUEST_OBJECT_TYP, &claims(), &link).expect("valid");
        assert_eq!((r.did.as_str(), r.client_name.as_deref(), r.nonce.as_str()), (DID, Some("St Mary"), "n"));
        assert!(r.encryption.is_none());

        let other = SigningKey::from_bytes(&[2; 32]);
        assert!(check(&key, &other, REQUEST_OBJECT_TYP, &claims(), &link).is_err(), "signed by another key");
        assert!(check(&key, &key, "jwt", &claims(), &link).is_err(), "wrong typ");
        let wrong_link = RequestRef { client_id: Some("decentralized_identifier:did:web:evil".into()), ..link.clone() };
        assert!(check(&key, &key, REQUEST_OBJECT_TYP, &claims(), &wrong_link).is_err(), "client_id mismatch");
        for (k, v) in [
            ("exp", json!(1)),
            ("response_type", json!("code")),
            ("response_mode", json!("fragment")),
            ("response_uri", json!("http://evil.example/x")),
            ("nonce", json!("")),
            ("transaction_data", json!(["x"])),
            ("client_id", json!("redirect_uri:https://x")),
        ] {
            let mut c = claims();
            c[k] = v;
            assert!(check(&key, &key, REQUEST_OBJECT_TYP, &c, &link).is_err(), "{k}");
        }
        let mut jwt = claims();
        jwt["response_mode"] = json!("direct_post.jwt");
        assert!(check(&key, &key, REQUEST_OBJECT_TYP, &jwt, &link).is_err(), "no jwks");
        jwt["client_metadata"]["jwks"] =
            json!({"keys": [{"kty": "EC", "crv": "P-256", "alg": "ECDH-ES", "kid": "e", "x": "x", "y": "y"}]});
        let r = check(&key, &key, REQUEST_OBJECT_TYP, &jwt, &link).expect("jwt mode");
        assert_eq!(r.encryption.map(|e| e.enc), Some("A128GCM".to_owned()), "the default enc");
    }

    #[test]
    fn links() {
        assert!(parse_request_link("openid4vp://?client_id=x").is_err());
        assert!(parse_request_link("openid4vp://?request=eyJ").is_err());
        assert!(parse_request_link("openid4vp://?request_uri=http%3A%2F%2Fevil.example%2Fr").is_err(), "not https");
        let bare = parse_request_link("https://h.example/oid4vp/requests/1").expect("bare");
        assert_eq!((bare.client_id, bare.request_uri.as_str()), (None, "https://h.example/oid4vp/requests/1"));
    }
}
