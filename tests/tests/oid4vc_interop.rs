//! OpenID4VCI and OpenID4VP against an independent wallet, over real HTTP, on both databases:
//! node runs wallets built on the OpenWallet Foundation Labs libraries pinned in
//! tests/interop/package.json — `@openid4vc/openid4vci` receives a license in each of our three
//! formats from our offers (by reference and by value, with the PIN), each bound to a key the
//! library's wallet made (Ed25519 or P-256) and named as our metadata asks (a `jwk` header, a
//! did:jwk `kid`), with `@sd-jwt/core` checking the board's SD-JWT VC signature and disclosures
//! against its did:web key; `@openid4vc/openid4vp` resolves our signed request
//! (did:web, `decentralized_identifier` client id), `@sd-jwt/core` presents the SD-JWT VC with a
//! key binding JWT, and the library posts it by `direct_post` and encrypted `direct_post.jwt`.
//! Our verifier must find those presentations valid, and refuse the library's presentation with
//! a wrong nonce or audience; a wrong PIN is refused with `invalid_grant`. Every document the
//! libraries read (offers, both metadata documents, token, nonce and credential responses,
//! request objects) passes their schemas, and they recognise our metadata and requests as 1.0.

use medcred_hospital::create_hospital;
use medcred_tests::interop::{ensure_packages, run_node};
use medcred_tests::{start_trusted, Backend, Server};
use serde_json::{json, Value};

const HOSPITAL: &str = "/hospitals/st-mary";

struct Http {
    http: reqwest::Client,
    url: String,
}

impl Http {
    async fn send(&self, req: reqwest::RequestBuilder, token: Option<&str>) -> (u16, Value) {
        let req = match token {
            Some(t) => req.bearer_auth(t),
            None => req,
        };
        let resp = req.send().await.expect("request");
        let status = resp.status().as_u16();
        let text = resp.text().await.expect("body");
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> (u16, Value) {
        self.send(self.http.post(format!("{}{path}", self.url)).json(body), token).await
    }

    async fn get(&self, path: &str, token: Option<&str>) -> (u16, Value) {
        self.send(self.http.get(format!("{}{path}", self.url)), token).await
    }
}

fn license() -> Value {
    json!({
        "type": ["VerifiableCredential", "MedicalLicenseCredential"],
        "validUntil": "2030-01-01T00:00:00Z",
        "credentialSubject": {
            "practitionerName": "Grace Hopper", "licenseType": "RN", "licenseNumber": "RN-4242",
            "jurisdiction": "US-NJ", "originalIssueDate": "2012-09-01", "npi": "1234567893"
        }
    })
}

async fn node(script: &'static str, input: Value) -> Value {
    tokio::task::spawn_blocking(move || run_node(script, &input)).await.expect("task").expect(script)
}

/// The offer URL by value (`credential_offer=`), percent-encoded.
fn by_value_url(offer: &Value) -> String {
    let text = offer["credential_offer"].to_string();
    let encoded: String = text
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("openid-credential-offer://?credential_offer={encoded}")
}

/// The claims of a compact JWS (or of an SD-JWT's issuer-signed part).
fn jws_claims(compact: &str) -> Value {
    let jws = compact.split('~').next().unwrap_or_default();
    Value::Object(medcred_formats::jwt::decode(jws).expect("a JWS").claims().expect("claims"))
}

/// The public JWK members that identify a key.
fn key_of(jwk: &Value) -> Value {
    json!({"kty": jwk["kty"], "crv": jwk["crv"], "x": jwk["x"], "y": jwk["y"]})
}

/// The VC-API form of a received credential, for `POST /credentials/verify`.
fn vc_api_form(format: &str, credential: &Value) -> Value {
    match (format, credential) {
        (_, Value::String(s)) => {
            let media = if format == "dc+sd-jwt" { "application/dc+sd-jwt" } else { "application/vc+jwt" };
            json!({"@context": ["https://www.w3.org/ns/credentials/v2"], "type": "EnvelopedVerifiableCredential", "id": format!("data:{media},{s}")})
        }
        (_, v) => v.clone(),
    }
}

async fn offer(c: &Http, server: &Server, source: &str, format: &str) -> Value {
    let (status, offer) = c
        .post(&format!("/boards/e2e/credentials/{source}/offer"), Some(&server.admin_token), &json!({"format": format}))
        .await;
    assert_eq!(status, 201, "{offer}");
    offer
}

/// The library's wallet receives a credential in each format; returns the results by format.
async fn issuance(c: &Http, server: &Server, source: &str) -> Vec<Value> {
    // (format, holder key, by value): both key types, both ways of passing the offer.
    let cases = [
        ("dc+sd-jwt", "ES256", false),
        ("dc+sd-jwt", "EdDSA", true),
        ("ldp_vc", "EdDSA", true),
        ("ldp_vc", "ES256", false),
        ("jwt_vc_json", "ES256", false),
        ("jwt_vc_json", "EdDSA", true),
    ];
    let mut inputs = Vec::new();
    for (format, alg, by_value) in cases {
        let o = offer(c, server, source, format).await;
        let url =
            if by_value { by_value_url(&o) } else { o["openid_credential_offer_url"].as_str().expect("url").into() };
        inputs.push(json!({"offer_url": url, "tx_code": o["tx_code"], "alg": alg}));
    }
    // One more with a wrong PIN.
    let o = offer(c, server, source, "dc+sd-jwt").await;
    let wrong = if o["tx_code"] == "111111" { "222222" } else { "111111" };
    inputs.push(json!({"offer_url": o["openid_credential_offer_url"], "tx_code": wrong, "alg": "EdDSA"}));

    let results = node("oid4vci_wallet.mjs", Value::Array(inputs)).await;
    let results = results.as_array().expect("results").clone();
    assert_eq!(results.len(), cases.len() + 1);
    for ((format, alg, _), r) in cases.iter().zip(&results) {
        assert_eq!(r["ok"], true, "{format} with {alg}: the library's wallet failed: {r:#}");
        assert_eq!(r["version"], "V1", "{format}: the library reads our metadata as OpenID4VCI 1.0");
        assert_eq!(r["format"], *format);
        assert_eq!(r["credential_issuer"], server.url.as_str());
        let credentials = r["credentials"].as_array().expect("credentials");
        assert_eq!(credentials.len(), 1, "{format}: one proof, one credential");
        let credential = &credentials[0];
        let holder = &r["holder"];
        // The wallet named its key as the configuration asks: a `jwk` header for SD-JWT VC, a
        // did:jwk `kid` for the W3C formats; the credential is bound to that key.
        let binding = if *format == "dc+sd-jwt" { "jwk" } else { "did" };
        assert_eq!(r["binding"], binding, "{format}");
        match *format {
            "dc+sd-jwt" => {
                let claims = jws_claims(credential.as_str().expect("compact"));
                assert_eq!(key_of(&claims["cnf"]["jwk"]), key_of(&holder["publicJwk"]), "{format} with {alg}");
                // @sd-jwt/core checked the board's signature (key from its did:web document) and
                // every disclosure's digest.
                let disclosed = &r["issuer_verified"][0];
                assert_eq!(disclosed["iss"], server.board_did.as_str(), "{r:#}");
                assert_eq!((&disclosed["license_type"], &disclosed["npi"]), (&json!("RN"), &json!("1234567893")));
            }
            "jwt_vc_json" => {
                let claims = jws_claims(credential.as_str().expect("compact"));
                assert_eq!(claims["credentialSubject"]["id"], holder["did"], "{format} with {alg}");
                assert_eq!(r["issuer_verified"][0], claims, "the board's signature checks out");
            }
            _ => assert_eq!(credential["credentialSubject"]["id"], holder["did"], "{format} with {alg}"),
        }
        // And what the library's wallet holds verifies with our verifier.
        let (status, verified) = c
            .post("/credentials/verify", None, &json!({"verifiableCredential": vc_api_form(format, credential)}))
            .await;
        assert_eq!((status, &verified["verified"]), (200, &json!(true)), "{format}: {verified:#}");
    }
    let refused = &results[cases.len()];
    assert_eq!((&refused["ok"], &refused["stage"]), (&json!(false), &json!("token")), "{refused:#}");
    assert!(refused.to_string().contains("invalid_grant"), "a wrong PIN: invalid_grant: {refused:#}");
    results
}

async fn ask(c: &Http, token: &str, body: Value) -> Value {
    let (status, created) = c.post(&format!("{HOSPITAL}/presentation-requests"), Some(token), &body).await;
    assert_eq!(status, 201, "{created:#}");
    created
}

/// The request's state and its recorded verification (if any).
async fn outcome(c: &Http, token: &str, created: &Value) -> (Value, Value) {
    let id = created["id"].as_str().expect("id");
    let (status, s) = c.get(&format!("{HOSPITAL}/presentation-requests/{id}"), Some(token)).await;
    assert_eq!(status, 200, "{s}");
    let Some(vid) = s["verification"].as_str() else { return (s, Value::Null) };
    let (status, v) = c.get(&format!("{HOSPITAL}/verifications/{vid}"), Some(token)).await;
    assert_eq!(status, 200, "{v}");
    (s, v)
}

fn check<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["checks"].as_array().and_then(|cs| cs.iter().find(|c| c["name"] == name)).unwrap_or(&Value::Null)
}

async fn interop(backend: Backend) {
    ensure_packages().expect("the npm packages of tests/interop");
    let server = start_trusted(backend).await.expect("server");
    let c = Http { http: reqwest::Client::new(), url: server.url.clone() };
    let hospital = create_hospital(&server.issuer, "st-mary", "St Mary's Hospital").await.expect("hospital");
    let token = hospital.admin_token.to_string();
    let (status, issued) = c
        .post(
            "/credentials/issue",
            Some(&server.admin_token),
            &json!({"credential": license(), "options": {"format": "eddsa-jcs-2022"}}),
        )
        .await;
    assert_eq!(status, 201, "{issued}");
    let source = issued["verifiableCredential"]["id"].as_str().expect("id").to_owned();

    let received = issuance(&c, &server, &source).await;
    // The two SD-JWT VCs: one bound to a P-256 key, one to an Ed25519 key.
    let sd_jwts: Vec<(&Value, &Value)> = received[..2].iter().map(|r| (&r["credentials"][0], &r["holder"])).collect();

    // Presentations of the SD-JWT VC, encrypted (P-256 holder) and not (Ed25519 holder).
    for ((credential, holder), mode) in sd_jwts.iter().zip(["direct_post.jwt", "direct_post"]) {
        let created = ask(&c, &token, json!({"template": "rn_license", "response_mode": mode})).await;
        let r = node(
            "oid4vp_wallet.mjs",
            json!({"authorization_request": created["authorization_request"], "credential": credential, "holder": holder}),
        )
        .await;
        assert_eq!(r["ok"], true, "{mode}: the library's wallet failed: {r:#}");
        assert_eq!(r["version"], 100, "{mode}: the library reads our request as OpenID4VP 1.0");
        assert_eq!(r["client"]["prefix"], "decentralized_identifier");
        assert_eq!(r["client"]["identifier"], hospital.hospital.did.as_str());
        assert_eq!((&r["response_mode"], &r["encrypted"]), (&json!(mode), &json!(mode == "direct_post.jwt")));
        let (s, v) = outcome(&c, &token, &created).await;
        assert_eq!((&s["status"], &s["verdict"]), (&json!("verified"), &json!("valid")), "{mode}: {s:#} {v:#}");
        assert_eq!(check(&v["report"], "dcql")["outcome"], "passed", "{v:#}");
        let subject = &v["report"]["credentials"][0]["subject"];
        assert_eq!((&subject["license_type"], &subject["jurisdiction"]), (&json!("RN"), &json!("US-NJ")), "{v:#}");
        assert!(subject.get("npi").is_none(), "only what was asked was disclosed: {subject}");
    }

    // The library's presentation with a wrong nonce, then a wrong audience: taken, not valid.
    let (credential, holder) = sd_jwts[0];
    for (what, tamper) in [
        ("nonce", json!({"nonce": "not-the-request-nonce"})),
        ("aud", json!({"aud": "decentralized_identifier:did:web:elsewhere.example"})),
    ] {
        let created = ask(&c, &token, json!({"template": "rn_license"})).await;
        let mut input = json!({"authorization_request": created["authorization_request"], "credential": credential, "holder": holder});
        input[what] = tamper[what].clone();
        let r = node("oid4vp_wallet.mjs", input).await;
        assert_eq!(r["status"], 200, "a wrong {what} is recorded as a verification: {r:#}");
        let (s, v) = outcome(&c, &token, &created).await;
        assert_eq!((&s["status"], &s["verdict"]), (&json!("verified"), &json!("invalid")), "wrong {what}: {s:#}");
        assert_eq!(check(&v["report"], "holder_binding")["outcome"], "failed", "wrong {what}: {v:#}");
    }
}

#[tokio::test]
async fn sqlite_an_independent_wallet_receives_and_presents() {
    interop(Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_an_independent_wallet_receives_and_presents() {
    interop(Backend::Postgres).await;
}
