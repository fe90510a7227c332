//! OpenID4VCI 1.0 issuer side in-process (tower `oneshot`), on SQLite and PostgreSQL: metadata
//! shapes (field names as the spec defines them), offers by value and by reference, the
//! pre-authorized code flow for each format with the credential bound to the proof key, and the
//! refusals — replayed and expired codes, wrong PINs and lockout, stale and replayed nonces, wrong
//! `aud`, missing proofs, wrong bearer tokens. Key proofs are built here from
//! `medcred_formats` primitives, independently of the wallet crate.

use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use http_body_util::BodyExt;
use medcred_formats::jwt::{sign_compact, SignerKey, VerifierKey};
use medcred_formats::keys::{decode_multibase_public, multibase_public};
use medcred_formats::{di_rdfc, jwt, sd_jwt};
use medcred_issuer::{Clock, Issuer, MasterKey, NewBoard};
use medcred_store::Db;
use serde_json::{json, Value};
use tower::ServiceExt;

const PUBLIC: &str = "http://localhost:8080";
const GRANT: &str = "urn:ietf:params:oauth:grant-type:pre-authorized_code";

/// A clock the test moves.
struct TestClock(Mutex<DateTime<Utc>>);

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().expect("clock")
    }
}

struct Fixture {
    app: Router,
    clock: Arc<TestClock>,
    admin: String,
    did: String,
    issuer: Issuer,
}

impl Fixture {
    fn advance(&self, secs: i64) {
        let mut t = self.clock.0.lock().expect("clock");
        *t += Duration::seconds(secs);
    }

    fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}

async fn fixture(db: Db) -> Fixture {
    let clock = Arc::new(TestClock(Mutex::new("2026-02-01T12:00:00Z".parse().expect("time"))));
    let issuer = Issuer::new(db, MasterKey::generate(), clock.clone(), PUBLIC);
    issuer.check_master_key().await.expect("master key");
    let created = issuer
        .create_board(&NewBoard {
            slug: "nj-bon".into(),
            name: "NJ Board of Nursing".into(),
            did_key: false,
            host_did: false,
        })
        .await
        .expect("board");
    Fixture {
        app: medcred_issuer::router(issuer.clone()),
        clock,
        admin: created.admin_token.to_string(),
        did: created.board.did,
        issuer,
    }
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Value,
}

async fn send(app: &Router, req: Request<Body>) -> Answer {
    let resp = app.clone().oneshot(req).await.expect("response");
    let (status, headers) = (resp.status(), resp.headers().clone());
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap_or_else(|_| json!(String::from_utf8_lossy(&bytes)))
    };
    Answer { status, headers, body }
}

async fn call(app: &Router, method: &str, uri: &str, bearer: Option<&str>, body: Option<Value>) -> Answer {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(t) = bearer {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let body = match body {
        Some(v) => {
            req = req.header(header::CONTENT_TYPE, "application/json");
            Body::from(v.to_string())
        }
        None => Body::empty(),
    };
    send(app, req.body(body).expect("request")).await
}

fn form_encode(pairs: &[(&str, &str)]) -> String {
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                    char::from(b).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect()
    };
    pairs.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect::<Vec<_>>().join("&")
}

async fn token_request(app: &Router, pairs: &[(&str, &str)]) -> Answer {
    let req = Request::builder()
        .method("POST")
        .uri("/oid4vci/token")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form_encode(pairs)))
        .expect("request");
    send(app, req).await
}

fn license(number: &str) -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://medcred.org/ns/credentials/v1"],
        "type": ["VerifiableCredential", "MedicalLicenseCredential"],
        "validFrom": "2026-01-01T00:00:00Z",
        "validUntil": "2028-01-01T00:00:00Z",
        "credentialSubject": {"practitionerName": "Jane Q. Doe", "licenseType": "RN", "licenseNumber": number,
            "jurisdiction": "US-NJ", "originalIssueDate": "2015-06-01", "npi": "1234567893"}
    })
}

fn patient() -> Value {
    json!({
        "type": ["VerifiableCredential", "PatientIdentityCredential"],
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"givenName": "Ada", "familyName": "Lovelace", "birthDate": "1990-12-10", "patientIdentifier": "MRN-42"}
    })
}

/// Issue `credential` in `format` through the VC-API; its id.
async fn issued(f: &Fixture, credential: Value, format: &str) -> String {
    let a = call(
        &f.app,
        "POST",
        "/credentials/issue",
        Some(&f.admin),
        Some(json!({"credential": credential, "options": {"format": format}})),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    let vc = &a.body["verifiableCredential"];
    let id = vc["id"].as_str().expect("id");
    if id.starts_with("urn:uuid:") {
        return id.to_owned();
    }
    // Compact formats come enveloped in a data: URL; their jti is the credential id.
    let compact = id.split_once(',').expect("data URL").1;
    let jws = compact.split('~').next().expect("issuer JWT");
    jwt::decode(jws).expect("jws").claims().expect("claims")["jti"].as_str().expect("jti").to_owned()
}

/// An offer: (response body, pre-authorized code, tx code).
async fn offer(f: &Fixture, credential_id: &str, body: Value) -> (Value, String, String) {
    let a =
        call(&f.app, "POST", &format!("/boards/nj-bon/credentials/{credential_id}/offer"), Some(&f.admin), Some(body))
            .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    assert_eq!(a.headers[header::CACHE_CONTROL], "no-store");
    let code = a.body["credential_offer"]["grants"][GRANT]["pre-authorized_code"].as_str().expect("code").to_owned();
    let tx = a.body["tx_code"].as_str().expect("tx_code").to_owned();
    (a.body, code, tx)
}

async fn access_token(f: &Fixture, code: &str, tx: &str) -> String {
    let a = token_request(&f.app, &[("grant_type", GRANT), ("pre-authorized_code", code), ("tx_code", tx)]).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.headers[header::CACHE_CONTROL], "no-store");
    assert_eq!(a.body["token_type"], "Bearer");
    assert_eq!(a.body["expires_in"], 300);
    a.body["access_token"].as_str().expect("token").to_owned()
}

async fn c_nonce(f: &Fixture) -> String {
    let a = call(&f.app, "POST", "/oid4vci/nonce", None, None).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.headers[header::CACHE_CONTROL], "no-store");
    a.body["c_nonce"].as_str().expect("c_nonce").to_owned()
}

/// How the proof names its key.
enum KeyIn {
    Jwk,
    DidJwk,
    DidKey,
}

struct Holder {
    signer: SignerKey,
}

impl Holder {
    fn ed25519(seed: u8) -> Self {
        Holder { signer: SignerKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(&[seed; 32])) }
    }

    fn p256(seed: u8) -> Self {
        Holder { signer: SignerKey::P256(p256::ecdsa::SigningKey::from_slice(&[seed; 32]).expect("scalar")) }
    }

    fn jwk(&self) -> Value {
        self.signer.verifier_key().to_jwk()
    }

    /// did:jwk built by hand: base64url of the JWK's members in sorted order (JCS).
    fn did_jwk(&self) -> String {
        let jwk = self.jwk();
        let mut keys: Vec<&String> = jwk.as_object().expect("obj").keys().collect();
        keys.sort();
        let members: Vec<String> = keys.iter().map(|k| format!("{:?}:{}", k, jwk[k.as_str()])).collect();
        format!("did:jwk:{}", URL_SAFE_NO_PAD.encode(format!("{{{}}}", members.join(","))))
    }

    fn did_key(&self) -> String {
        let VerifierKey::Ed25519(k) = self.signer.verifier_key() else { return String::new() };
        format!("did:key:{}", multibase_public(&k))
    }

    fn proof(&self, key_in: KeyIn, aud: &str, nonce: Option<&str>, iat: i64) -> String {
        let alg = self.signer.verifier_key().alg();
        let mut header = json!({"typ": "openid4vci-proof+jwt", "alg": alg});
        match key_in {
            KeyIn::Jwk => header["jwk"] = self.jwk(),
            KeyIn::DidJwk => header["kid"] = json!(format!("{}#0", self.did_jwk())),
            KeyIn::DidKey => {
                let did = self.did_key();
                let mb = did.trim_start_matches("did:key:").to_owned();
                header["kid"] = json!(format!("{did}#{mb}"));
            }
        }
        let mut claims = json!({"aud": aud, "iat": iat});
        if let Some(n) = nonce {
            claims["nonce"] = json!(n);
        }
        sign_compact(&header, claims.to_string().as_bytes(), &self.signer).expect("sign")
    }
}

async fn credential_request(f: &Fixture, token: Option<&str>, body: Value) -> Answer {
    call(&f.app, "POST", "/oid4vci/credential", token, Some(body)).await
}

fn board_key(doc: &Value) -> ed25519_dalek::VerifyingKey {
    let m = &doc["verificationMethod"][0];
    decode_multibase_public(m["publicKeyMultibase"].as_str().expect("mb")).expect("key")
}

/// Field names OpenID4VCI 1.0 defines (§12.2.4, §4.1.1, Appendix A), to check that everything we
/// publish is spelled as the spec spells it.
const ISSUER_METADATA_FIELDS: &[&str] = &[
    "credential_issuer",
    "authorization_servers",
    "credential_endpoint",
    "nonce_endpoint",
    "deferred_credential_endpoint",
    "notification_endpoint",
    "credential_request_encryption",
    "credential_response_encryption",
    "batch_credential_issuance",
    "display",
    "credential_configurations_supported",
];
const CONFIGURATION_FIELDS: &[&str] = &[
    "format",
    "scope",
    "credential_signing_alg_values_supported",
    "cryptographic_binding_methods_supported",
    "proof_types_supported",
    "credential_metadata",
    "vct",
    "credential_definition",
];
const OFFER_FIELDS: &[&str] = &["credential_issuer", "credential_configuration_ids", "grants"];
const PRE_AUTH_GRANT_FIELDS: &[&str] = &["pre-authorized_code", "tx_code", "authorization_server"];
const TX_CODE_FIELDS: &[&str] = &["input_mode", "length", "description"];

fn only_fields(v: &Value, allowed: &[&str], what: &str) {
    for k in v.as_object().expect(what).keys() {
        assert!(allowed.contains(&k.as_str()), "{what}: {k} is not a field the spec defines");
    }
}

async fn metadata_uses_the_spec_field_names(f: Fixture) {
    let a = call(&f.app, "GET", "/.well-known/openid-credential-issuer", None, None).await;
    assert_eq!(a.status, StatusCode::OK);
    let m = a.body;
    only_fields(&m, ISSUER_METADATA_FIELDS, "issuer metadata");
    assert_eq!(m["credential_issuer"], PUBLIC);
    assert_eq!(m["credential_endpoint"], format!("{PUBLIC}/oid4vci/credential"));
    assert_eq!(m["nonce_endpoint"], format!("{PUBLIC}/oid4vci/nonce"));
    let configs = m["credential_configurations_supported"].as_object().expect("configurations");
    assert_eq!(configs.len(), 6);
    for kind in ["MedicalLicenseCredential", "PatientIdentityCredential"] {
        for format in ["dc+sd-jwt", "ldp_vc", "jwt_vc_json"] {
            let c = &configs[&format!("{kind}_{format}")];
            only_fields(c, CONFIGURATION_FIELDS, "configuration");
            assert_eq!(c["format"], format);
            assert_eq!(
                c["proof_types_supported"]["jwt"]["proof_signing_alg_values_supported"],
                json!(["EdDSA", "ES256"])
            );
            let claims = c["credential_metadata"]["claims"].as_array().expect("claims");
            assert!(claims.iter().all(|cl| cl["path"].is_array() && cl["display"][0]["name"].is_string()));
            match format {
                "dc+sd-jwt" => {
                    let vct = if kind == "MedicalLicenseCredential" {
                        "https://medcred.org/vct/MedicalLicense"
                    } else {
                        "https://medcred.org/vct/PatientIdentity"
                    };
                    assert_eq!(c["vct"], vct);
                    assert_eq!(c["cryptographic_binding_methods_supported"], json!(["jwk"]));
                }
                "ldp_vc" => {
                    assert_eq!(c["credential_definition"]["@context"][0], "https://www.w3.org/ns/credentials/v2");
                    assert_eq!(c["credential_definition"]["type"], json!(["VerifiableCredential", kind]));
                    assert_eq!(c["credential_signing_alg_values_supported"], json!(["eddsa-rdfc-2022"]));
                    assert_eq!(c["cryptographic_binding_methods_supported"], json!(["did:key", "did:jwk"]));
                }
                _ => {
                    assert_eq!(c["credential_definition"], json!({"type": ["VerifiableCredential", kind]}));
                    assert_eq!(c["cryptographic_binding_methods_supported"], json!(["did:key", "did:jwk"]));
                }
            }
        }
    }
    let a = call(&f.app, "GET", "/.well-known/oauth-authorization-server", None, None).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.body["issuer"], PUBLIC);
    assert_eq!(a.body["token_endpoint"], format!("{PUBLIC}/oid4vci/token"));
    assert_eq!(a.body["grant_types_supported"], json!([GRANT]));
    assert_eq!(a.body["pre-authorized_grant_anonymous_access_supported"], true);
}

async fn offers_by_value_and_by_reference(f: Fixture) {
    let id = issued(&f, license("RN-1"), "vc+jwt").await;
    let (o, code, tx) = offer(&f, &id, json!({"format": "ldp_vc"})).await;
    assert_eq!(tx.len(), 6);
    assert!(tx.bytes().all(|b| b.is_ascii_digit()));
    assert_eq!(o["credential_configuration_id"], "MedicalLicenseCredential_ldp_vc");
    assert_eq!(o["expires_at"], f.now().timestamp() + 600);
    let by_value = &o["credential_offer"];
    only_fields(by_value, OFFER_FIELDS, "offer");
    only_fields(&by_value["grants"][GRANT], PRE_AUTH_GRANT_FIELDS, "pre-authorized grant");
    only_fields(&by_value["grants"][GRANT]["tx_code"], TX_CODE_FIELDS, "tx_code");
    assert_eq!(by_value["credential_issuer"], PUBLIC);
    assert_eq!(by_value["credential_configuration_ids"], json!(["MedicalLicenseCredential_ldp_vc"]));
    assert_eq!(by_value["grants"][GRANT]["tx_code"]["length"], 6);
    assert!(!code.is_empty());

    let uri = o["credential_offer_uri"].as_str().expect("uri");
    let path = uri.strip_prefix(PUBLIC).expect("under the public URL");
    assert!(path.starts_with("/oid4vci/offers/"));
    let url = o["openid_credential_offer_url"].as_str().expect("url");
    let encoded = url.strip_prefix("openid-credential-offer://?credential_offer_uri=").expect("scheme and parameter");
    assert_eq!(encoded.replace("%3A", ":").replace("%2F", "/"), uri);
    let a = call(&f.app, "GET", path, None, None).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.headers[header::CACHE_CONTROL], "no-store");
    assert_eq!(&a.body, by_value, "the same offer by reference");
    assert_eq!(call(&f.app, "GET", "/oid4vci/offers/nope", None, None).await.status, StatusCode::NOT_FOUND);

    // Who may offer what.
    let path = format!("/boards/nj-bon/credentials/{id}/offer");
    assert_eq!(call(&f.app, "POST", &path, None, None).await.status, StatusCode::UNAUTHORIZED);
    let other = f
        .issuer
        .create_board(&NewBoard { slug: "ny-bon".into(), name: "NY".into(), did_key: true, host_did: false })
        .await
        .expect("board");
    assert_eq!(call(&f.app, "POST", &path, Some(&other.admin_token), None).await.status, StatusCode::NOT_FOUND);
    let a =
        call(&f.app, "POST", &format!("/boards/ny-bon/credentials/{id}/offer"), Some(&other.admin_token), None).await;
    assert_eq!(a.status, StatusCode::NOT_FOUND, "another board's credential");
    let a = call(
        &f.app,
        "POST",
        "/boards/nj-bon/credentials/urn:uuid:00000000-0000-4000-8000-000000000000/offer",
        Some(&f.admin),
        None,
    )
    .await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    let a = call(
        &f.app,
        "POST",
        &path,
        Some(&f.admin),
        Some(json!({"credential_configuration_id": "PatientIdentityCredential_ldp_vc"})),
    )
    .await;
    assert_eq!(
        (a.status, a.body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("credential_configuration_mismatch"))
    );
    let a = call(&f.app, "POST", &path, Some(&f.admin), Some(json!({"format": "eddsa-jcs-2022"}))).await;
    assert_eq!((a.status, a.body["code"].as_str()), (StatusCode::BAD_REQUEST, Some("unknown_format")));
    let a = call(&f.app, "POST", &path, Some(&f.admin), Some(json!({"expires_in": 5}))).await;
    assert_eq!((a.status, a.body["code"].as_str()), (StatusCode::BAD_REQUEST, Some("bad_expires_in")));
    // The default is SD-JWT VC, with no body or a null one.
    let (o, _, _) = offer(&f, &id, Value::Null).await;
    assert_eq!(o["credential_configuration_id"], "MedicalLicenseCredential_dc+sd-jwt");
    let a = call(&f.app, "POST", &path, Some(&f.admin), None).await;
    assert_eq!(
        (a.status, a.body["credential_configuration_id"].as_str()),
        (StatusCode::CREATED, Some("MedicalLicenseCredential_dc+sd-jwt"))
    );
    let a = call(&f.app, "POST", &path, Some(&f.admin), Some(json!({"colour": "blue"}))).await;
    assert_eq!(
        (a.status, a.body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_request")),
        "unknown member"
    );
}

/// Run the flow for one offer; the credential endpoint's answer.
async fn run_flow(f: &Fixture, credential_id: &str, config: &str, holder: &Holder, key_in: KeyIn) -> Answer {
    let (_, code, tx) = offer(f, credential_id, json!({"credential_configuration_id": config})).await;
    let token = access_token(f, &code, &tx).await;
    let nonce = c_nonce(f).await;
    let proof = holder.proof(key_in, PUBLIC, Some(&nonce), f.now().timestamp());
    let a =
        credential_request(f, Some(&token), json!({"credential_configuration_id": config, "proofs": {"jwt": [proof]}}))
            .await;
    // The token is spent by the credential it obtained.
    if a.status == StatusCode::OK {
        let again = credential_request(
            f,
            Some(&token),
            json!({"credential_configuration_id": config, "proofs": {"jwt": ["x"]}}),
        )
        .await;
        assert_eq!((again.status, again.body["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("invalid_token")));
    }
    a
}

async fn each_format_is_bound_to_the_proof_key(f: Fixture) {
    let doc = call(&f.app, "GET", "/boards/nj-bon/did.json", None, None).await.body;
    let board = board_key(&doc);
    let source = issued(&f, license("RN-7"), "eddsa-jcs-2022").await;

    // SD-JWT VC, key in a jwk header, ES256: cnf.jwk is that key.
    let holder = Holder::p256(5);
    let a = run_flow(&f, &source, "MedicalLicenseCredential_dc+sd-jwt", &holder, KeyIn::Jwk).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.headers[header::CACHE_CONTROL], "no-store");
    let sd = a.body["credentials"][0]["credential"].as_str().expect("compact SD-JWT");
    let v = sd_jwt::verify_sd_jwt_vc(sd, &VerifierKey::Ed25519(board), None).expect("signed by the board");
    assert_eq!(v.claims()["cnf"]["jwk"], holder.jwk());
    assert_eq!(v.claims()["iss"], f.did);
    assert_eq!(v.claims()["license_number"], "RN-7");
    assert!(v.claims()["status"]["status_list"]["idx"].is_u64(), "a status slot of its own");
    let new_id = v.claims()["jti"].as_str().expect("jti").to_owned();
    assert_ne!(new_id, source);
    let row = f.issuer.db().credential(&new_id).await.expect("stored like any issuance");
    assert_eq!(row.holder_did.as_deref(), Some(holder.did_jwk().as_str()));
    assert_eq!(row.format, "dc+sd-jwt");

    // Data Integrity (eddsa-rdfc-2022), key as a did:jwk kid, Ed25519: credentialSubject.id.
    let holder = Holder::ed25519(6);
    let a = run_flow(&f, &source, "MedicalLicenseCredential_ldp_vc", &holder, KeyIn::DidJwk).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let vc = &a.body["credentials"][0]["credential"];
    assert!(vc.is_object(), "ldp_vc is a JSON object");
    di_rdfc::verify(vc, &board).await.expect("signed by the board");
    assert_eq!(vc["credentialSubject"]["id"], holder.did_jwk());
    assert_eq!(vc["credentialSubject"]["licenseNumber"], "RN-7");
    assert!(vc["credentialStatus"].is_array() || vc["credentialStatus"].is_object());

    // vc+jwt, key as a did:key kid.
    let holder = Holder::ed25519(7);
    let a = run_flow(&f, &source, "MedicalLicenseCredential_jwt_vc_json", &holder, KeyIn::DidKey).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let compact = a.body["credentials"][0]["credential"].as_str().expect("compact JWT");
    let payload = jwt::verify_vc_jwt(compact, &VerifierKey::Ed25519(board)).expect("signed by the board");
    assert_eq!(payload["credentialSubject"]["id"], holder.did_key());
    assert_eq!(payload["sub"], holder.did_key());

    // A patient identity from an SD-JWT source, re-issued as SD-JWT with its age flags.
    let source = issued(&f, patient(), "dc+sd-jwt").await;
    let holder = Holder::ed25519(8);
    let a = run_flow(&f, &source, "PatientIdentityCredential_dc+sd-jwt", &holder, KeyIn::Jwk).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let sd = a.body["credentials"][0]["credential"].as_str().expect("compact");
    let v = sd_jwt::verify_sd_jwt_vc(sd, &VerifierKey::Ed25519(board), None).expect("verifies");
    assert_eq!(v.claims()["cnf"]["jwk"], holder.jwk());
    assert_eq!(v.claims()["given_name"], "Ada");
    assert_eq!(v.claims()["age_equal_or_over"]["18"], true);
}

async fn codes_are_single_use_and_expire(f: Fixture) {
    let id = issued(&f, license("RN-2"), "vc+jwt").await;
    let (o, code, tx) = offer(&f, &id, json!({})).await;
    let path = o["credential_offer_uri"].as_str().expect("uri").strip_prefix(PUBLIC).expect("path").to_owned();
    access_token(&f, &code, &tx).await;
    let a = token_request(&f.app, &[("grant_type", GRANT), ("pre-authorized_code", &code), ("tx_code", &tx)]).await;
    assert_eq!((a.status, a.body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_grant")), "replayed code");
    assert_eq!(a.headers[header::CACHE_CONTROL], "no-store");
    assert_eq!(call(&f.app, "GET", &path, None, None).await.status, StatusCode::NOT_FOUND, "a redeemed offer is gone");

    let (o, code, tx) = offer(&f, &id, json!({})).await;
    let path = o["credential_offer_uri"].as_str().expect("uri").strip_prefix(PUBLIC).expect("path").to_owned();
    f.advance(601);
    let a = token_request(&f.app, &[("grant_type", GRANT), ("pre-authorized_code", &code), ("tx_code", &tx)]).await;
    assert_eq!(a.body["error"], "invalid_grant", "expired offer");
    assert!(a.body["error_description"].as_str().expect("why").contains("expired"));
    assert_eq!(call(&f.app, "GET", &path, None, None).await.status, StatusCode::NOT_FOUND, "an expired offer is gone");

    let a = token_request(&f.app, &[("grant_type", GRANT), ("pre-authorized_code", "made-up"), ("tx_code", "123456")])
        .await;
    assert_eq!(a.body["error"], "invalid_grant");

    // An access token lives five minutes.
    let (_, code, tx) = offer(&f, &id, json!({})).await;
    let token = access_token(&f, &code, &tx).await;
    f.advance(301);
    let a = credential_request(
        &f,
        Some(&token),
        json!({"credential_configuration_id": "MedicalLicenseCredential_dc+sd-jwt", "proofs": {"jwt": ["x"]}}),
    )
    .await;
    assert_eq!((a.status, a.body["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("invalid_token")));
}

async fn wrong_pins_lock_the_offer(f: Fixture) {
    let id = issued(&f, license("RN-3"), "vc+jwt").await;
    let (_, code, tx) = offer(&f, &id, json!({})).await;
    let wrong = if tx == "000000" { "000001" } else { "000000" };
    let a = token_request(&f.app, &[("grant_type", GRANT), ("pre-authorized_code", &code)]).await;
    assert_eq!(
        (a.status, a.body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_request")),
        "missing tx_code"
    );
    let a = token_request(&f.app, &[("grant_type", "authorization_code"), ("code", "x")]).await;
    assert_eq!(a.body["error"], "unsupported_grant_type");
    let a = token_request(&f.app, &[("pre-authorized_code", &code), ("tx_code", &tx)]).await;
    assert_eq!(a.body["error"], "invalid_request", "no grant_type");
    let a = call(&f.app, "POST", "/oid4vci/token", None, Some(json!({"grant_type": GRANT}))).await;
    assert_eq!((a.status, a.body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_request")), "JSON body");
    let a = token_request(
        &f.app,
        &[("grant_type", GRANT), ("pre-authorized_code", &code), ("tx_code", &tx), ("tx_code", &tx)],
    )
    .await;
    assert_eq!(a.body["error"], "invalid_request", "repeated parameter");
    for left in (1..=4).rev() {
        let a =
            token_request(&f.app, &[("grant_type", GRANT), ("pre-authorized_code", &code), ("tx_code", wrong)]).await;
        assert_eq!(a.body["error"], "invalid_grant");
        assert!(
            a.body["error_description"].as_str().expect("why").contains(&format!("{left} attempts left")),
            "{}",
            a.body
        );
    }
    let a = token_request(&f.app, &[("grant_type", GRANT), ("pre-authorized_code", &code), ("tx_code", wrong)]).await;
    assert!(a.body["error_description"].as_str().expect("why").contains("no attempts left"));
    let a = token_request(&f.app, &[("grant_type", GRANT), ("pre-authorized_code", &code), ("tx_code", &tx)]).await;
    assert_eq!(a.body["error"], "invalid_grant", "the right PIN after the lockout");
    assert!(a.body["error_description"].as_str().expect("why").contains("too many"));

    // Four wrong ones and then the right one still work.
    let (_, code, tx) = offer(&f, &id, json!({})).await;
    for _ in 0..4 {
        token_request(&f.app, &[("grant_type", GRANT), ("pre-authorized_code", &code), ("tx_code", wrong)]).await;
    }
    access_token(&f, &code, &tx).await;
}

async fn nonces_are_fresh_and_single_use(f: Fixture) {
    let id = issued(&f, license("RN-4"), "vc+jwt").await;
    let config = "MedicalLicenseCredential_dc+sd-jwt";
    let holder = Holder::ed25519(9);
    let request = |nonce: &str, iat: i64| json!({"credential_configuration_id": config, "proofs": {"jwt": [holder.proof(KeyIn::Jwk, PUBLIC, Some(nonce), iat)]}});

    // A nonce lives five minutes.
    let stale = c_nonce(&f).await;
    f.advance(301);
    let (_, code, tx) = offer(&f, &id, json!({})).await;
    let token = access_token(&f, &code, &tx).await;
    let fresh = c_nonce(&f).await;
    let a = credential_request(&f, Some(&token), request(&stale, f.now().timestamp())).await;
    assert_eq!((a.status, a.body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_nonce")), "stale nonce");
    let a = credential_request(&f, Some(&token), request("never-issued", f.now().timestamp())).await;
    assert_eq!(a.body["error"], "invalid_nonce", "unknown nonce");
    let a = credential_request(&f, Some(&token), request(&fresh, f.now().timestamp())).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);

    let (_, code, tx) = offer(&f, &id, json!({})).await;
    let token = access_token(&f, &code, &tx).await;
    let a = credential_request(&f, Some(&token), request(&fresh, f.now().timestamp())).await;
    assert_eq!(a.body["error"], "invalid_nonce", "replayed nonce");
    let nonce = c_nonce(&f).await;
    let a = credential_request(&f, Some(&token), request(&nonce, f.now().timestamp() - 400)).await;
    assert_eq!(a.body["error"], "invalid_proof", "old iat");
    let a = credential_request(&f, Some(&token), request(&nonce, f.now().timestamp())).await;
    assert_eq!(a.status, StatusCode::OK, "a nonce refused with its proof's iat is still good: {}", a.body);
}

async fn bad_requests_are_refused_and_leave_the_token_usable(f: Fixture) {
    let id = issued(&f, patient(), "eddsa-rdfc-2022").await;
    let config = "PatientIdentityCredential_jwt_vc_json";
    let holder = Holder::ed25519(10);
    let (_, code, tx) = offer(&f, &id, json!({"credential_configuration_id": config})).await;
    let token = access_token(&f, &code, &tx).await;
    let with = |proof: String| json!({"credential_configuration_id": config, "proofs": {"jwt": [proof]}});

    let nonce = c_nonce(&f).await;
    let a = credential_request(
        &f,
        Some(&token),
        with(holder.proof(KeyIn::DidJwk, "https://other.example", Some(&nonce), f.now().timestamp())),
    )
    .await;
    assert_eq!((a.status, a.body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_proof")), "wrong aud");
    let a = credential_request(&f, Some(&token), with(holder.proof(KeyIn::DidJwk, PUBLIC, None, f.now().timestamp())))
        .await;
    assert_eq!(a.body["error"], "invalid_proof", "no nonce");
    let a = credential_request(&f, Some(&token), json!({"credential_configuration_id": config})).await;
    assert_eq!(a.body["error"], "invalid_proof", "missing proofs");
    let a = credential_request(
        &f,
        Some(&token),
        json!({"credential_configuration_id": "NoSuchCredential", "proofs": {"jwt": ["x"]}}),
    )
    .await;
    assert_eq!(a.body["error"], "unknown_credential_configuration");
    let a = credential_request(
        &f,
        Some(&token),
        json!({"credential_configuration_id": "PatientIdentityCredential_ldp_vc", "proofs": {"jwt": ["x"]}}),
    )
    .await;
    assert_eq!(
        (a.status, a.body["error"].as_str()),
        (StatusCode::FORBIDDEN, Some("insufficient_scope")),
        "not the offered one"
    );
    let a = credential_request(&f, Some(&token), json!({"credential_identifier": "x", "proofs": {"jwt": ["x"]}})).await;
    assert_eq!(a.body["error"], "invalid_credential_request");

    let a = credential_request(&f, Some("mca_not-a-token"), with("x".into())).await;
    assert_eq!((a.status, a.body["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("invalid_token")));
    assert!(a.headers[header::WWW_AUTHENTICATE].to_str().expect("ascii").starts_with("Bearer error=\"invalid_token\""));
    let a = credential_request(&f, None, with("x".into())).await;
    assert_eq!(
        (a.status, a.headers[header::WWW_AUTHENTICATE].to_str().ok()),
        (StatusCode::UNAUTHORIZED, Some("Bearer"))
    );
    let a = credential_request(&f, Some(&f.admin), with("x".into())).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED, "a board token is not an access token");

    // None of that spent the token or the nonce (the proofs failed before the nonce was used).
    let a = credential_request(
        &f,
        Some(&token),
        with(holder.proof(KeyIn::DidJwk, PUBLIC, Some(&nonce), f.now().timestamp())),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let compact = a.body["credentials"][0]["credential"].as_str().expect("vc+jwt");
    let doc = call(&f.app, "GET", "/boards/nj-bon/did.json", None, None).await.body;
    let payload = jwt::verify_vc_jwt(compact, &VerifierKey::Ed25519(board_key(&doc))).expect("verifies");
    assert_eq!(payload["credentialSubject"]["id"], holder.did_jwk());
    assert_eq!(payload["credentialSubject"]["ageOver18"], true);
}

macro_rules! both_backends {
    ($($name:ident),*) => {
        mod sqlite { $(
            #[tokio::test]
            async fn $name() {
                let dir = tempfile::tempdir().expect("tmp");
                let db = medcred_store::testing::fresh_sqlite(dir.path()).await.expect("sqlite");
                super::$name(super::fixture(db).await).await;
            }
        )* }
        mod postgres { $(
            #[tokio::test]
            async fn $name() {
                let db = medcred_store::testing::fresh_postgres().await.expect("postgres on 127.0.0.1:5432");
                super::$name(super::fixture(db).await).await;
            }
        )* }
    };
}

both_backends!(
    metadata_uses_the_spec_field_names,
    offers_by_value_and_by_reference,
    each_format_is_bound_to_the_proof_key,
    codes_are_single_use_and_expire,
    wrong_pins_lock_the_offer,
    nonces_are_fresh_and_single_use,
    bad_requests_are_refused_and_leave_the_token_usable
);
