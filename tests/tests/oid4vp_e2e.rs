//! OpenID4VP 1.0 end to end, over real HTTP, on both databases: a board issues a license, the
//! wallet receives it over OpenID4VCI with the PIN (SD-JWT VC, Data Integrity and JWT), a hospital
//! asks for it with a DCQL template, and the wallet crate — as `medcred wallet present` does —
//! checks the signed request against the hospital's did:web, chooses the credential and only the
//! disclosures asked, and answers by `direct_post` or encrypted `direct_post.jwt`. The hospital's
//! long poll returns on the answer with the recorded verification. Then what must not pass:
//! a replayed answer, an expired request, a wrong state, a wrong nonce or audience, a wallet that
//! discloses less than asked (the `dcql` check fails) or more (accepted; the extra claims are
//! left out of the record and receipt, with a warning), a declined request, and — after the
//! board revokes the wallet's credential — a new request answered with it: not valid, revoked.

use std::time::Duration;

use medcred_formats::sd_jwt;
use medcred_hospital::create_hospital;
use medcred_tests::api::Api;
use medcred_tests::{start_trusted, Backend, Server};
use medcred_wallet::present::{choose, presentation, vp_token, VerifiedRequest};
use medcred_wallet::{Client, Wallet, WalletError};
use serde_json::{json, Value};

const HOSPITAL: &str = "/hospitals/st-mary";

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

/// The board issues the source license; the wallet receives it over OpenID4VCI in `format`.
async fn receive(c: &Api, server: &Server, wallet: &mut Wallet, client: &Client, source: &str, format: &str) {
    let (status, offer) = c
        .post(&format!("/boards/e2e/credentials/{source}/offer"), Some(&server.admin_token), &json!({"format": format}))
        .await;
    assert_eq!(status, 201, "{offer}");
    let resolved =
        client.resolve_offer(offer["openid_credential_offer_url"].as_str().expect("url")).await.expect("offer");
    let received = client.receive(wallet, &resolved, offer["tx_code"].as_str()).await.expect("received with the PIN");
    assert_eq!(received[0].format, format);
}

/// A request from `template`; its JSON.
async fn ask(c: &Api, token: &str, body: Value) -> Value {
    let (status, created) = c.post(&format!("{HOSPITAL}/presentation-requests"), Some(token), &body).await;
    assert_eq!(status, 201, "{created:#}");
    assert_eq!(created["status"], "pending");
    created
}

/// What the CLI does after consent: the chosen credential's presentation, as a `vp_token`,
/// disclosing `extra` too (a misbehaving wallet) or only `only` when given.
fn answer(request: &VerifiedRequest, wallet: &Wallet, only: Option<&[&str]>, extra: &[&str]) -> Value {
    let cq = &request.dcql.credentials[0];
    let choice = choose(cq, wallet.credentials()).expect("a credential answers");
    let mut disclose: Vec<String> = match only {
        Some(o) => o.iter().map(|s| (*s).to_owned()).collect(),
        None => choice.disclose.clone(),
    };
    disclose.extend(extra.iter().map(|s| (*s).to_owned()));
    let held = &wallet.credentials()[choice.index];
    let p = presentation(request, wallet.key(), held, &disclose, chrono::Utc::now()).expect("presentation");
    vp_token(&cq.id, p)
}

fn check<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["checks"].as_array().and_then(|cs| cs.iter().find(|c| c["name"] == name)).unwrap_or(&Value::Null)
}

async fn state(c: &Api, token: &str, id: &str) -> Value {
    let (status, s) = c.get(&format!("{HOSPITAL}/presentation-requests/{id}"), Some(token)).await;
    assert_eq!(status, 200, "{s}");
    s
}

async fn verification(c: &Api, token: &str, s: &Value) -> Value {
    let id = s["verification"].as_str().expect("a verification is recorded");
    let (status, v) = c.get(&format!("{HOSPITAL}/verifications/{id}"), Some(token)).await;
    assert_eq!(status, 200, "{v}");
    v
}

fn refused(r: Result<Value, WalletError>, why: &str) {
    assert!(
        matches!(&r, Err(WalletError::Refused { status: 400, error, description })
            if error == "invalid_request" && description.as_deref().unwrap_or_default().contains(why)),
        "expected invalid_request ({why}): {r:?}"
    );
}

async fn presentation_flow(backend: Backend) {
    let server = start_trusted(backend).await.expect("server");
    let c = Api::new(server.url.clone());
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
    let dir = tempfile::tempdir().expect("tmp");
    let mut wallet = Wallet::init(dir.path()).expect("wallet");
    let client = Client::new().expect("client");
    for format in ["dc+sd-jwt", "ldp_vc", "jwt_vc_json"] {
        receive(&c, &server, &mut wallet, &client, &source, format).await;
    }

    // 1. An active RN license, SD-JWT VC, encrypted answer (the default), with a long poll
    //    waiting for it.
    let created = ask(&c, &token, json!({"template": "rn_license"})).await;
    assert_eq!(created["response_mode"], "direct_post.jwt");
    let link = created["authorization_request"].as_str().expect("link").to_owned();
    assert!(link.starts_with("openid4vp://?client_id=decentralized_identifier%3Adid%3Aweb%3A"), "{link}");
    let id = created["id"].as_str().expect("id").to_owned();
    let poll = {
        let (http, url, token, id) = (c.http.clone(), c.url.clone(), token.clone(), id.clone());
        tokio::spawn(async move {
            let started = std::time::Instant::now();
            let resp = http
                .get(format!("{url}{HOSPITAL}/presentation-requests/{id}?wait=20"))
                .bearer_auth(token)
                .send()
                .await
                .expect("poll");
            (resp.json::<Value>().await.expect("json"), started.elapsed())
        })
    };
    let request = client.fetch_request(&link).await.expect("a request signed by the hospital's did:web");
    assert_eq!(request.did, hospital.hospital.did);
    assert_eq!(request.client_name.as_deref(), Some("St Mary's Hospital"));
    assert!(request.encryption.is_some());
    let token_value = answer(&request, &wallet, None, &[]);
    client.send_presentation(&request, token_value.clone()).await.expect("accepted");
    let (polled, waited) = tokio::time::timeout(Duration::from_secs(30), poll).await.expect("poll ends").expect("task");
    assert!(waited < Duration::from_secs(15), "the long poll returned on the answer, not its timeout: {waited:?}");
    assert_eq!((&polled["status"], &polled["verdict"]), (&json!("verified"), &json!("valid")), "{polled:#}");
    let v = verification(&c, &token, &polled).await;
    assert_eq!(v["verdict"], "valid", "{v:#}");
    assert_eq!(check(&v["report"], "dcql")["outcome"], "passed", "{v:#}");
    let subject = &v["report"]["credentials"][0]["subject"];
    assert_eq!((&subject["license_type"], &subject["jurisdiction"]), (&json!("RN"), &json!("US-NJ")));
    assert!(subject.get("npi").is_none() && subject.get("original_issue_date").is_none(), "minimal: {subject}");
    let (status, receipt) = c
        .get(
            &format!("{HOSPITAL}/verifications/{}/receipt", polled["verification"].as_str().expect("id")),
            Some(&token),
        )
        .await;
    assert_eq!(status, 200, "the existing receipts work: {receipt}");

    // The same as server-sent events: one `state` event, and the stream ends (the state is final).
    let events = c
        .http
        .get(format!("{}{HOSPITAL}/presentation-requests/{id}/events", c.url))
        .bearer_auth(&token)
        .send()
        .await
        .expect("events");
    assert_eq!(events.headers()["content-type"], "text/event-stream");
    let text = tokio::time::timeout(Duration::from_secs(30), events.text()).await.expect("ends").expect("text");
    assert!(text.contains("event: state") && text.contains(r#""status":"verified""#), "{text}");

    // 2. The same answer again: refused, the request stays as it was.
    refused(client.send_presentation(&request, token_value).await, "already been answered");
    assert_eq!(state(&c, &token, &id).await["verdict"], "valid");
    // ... and the request object is gone once answered.
    assert!(client.fetch_request(&link).await.is_err());

    // 3. Any practitioner license as Data Integrity (direct_post) and as JWT (direct_post.jwt).
    for (format, mode) in [("ldp_vc", "direct_post"), ("jwt_vc_json", "direct_post.jwt")] {
        let created =
            ask(&c, &token, json!({"template": "practitioner_license", "format": format, "response_mode": mode})).await;
        let request =
            client.fetch_request(created["authorization_request"].as_str().expect("link")).await.expect("request");
        assert_eq!(request.response_mode, mode);
        client.send_presentation(&request, answer(&request, &wallet, None, &[])).await.expect("accepted");
        let s = state(&c, &token, created["id"].as_str().expect("id")).await;
        assert_eq!((&s["status"], &s["verdict"]), (&json!("verified"), &json!("valid")), "{format}: {s:#}");
        let v = verification(&c, &token, &s).await;
        assert_eq!(check(&v["report"], "dcql")["outcome"], "passed", "{format}: {v:#}");
    }

    // 4. A wrong state is refused and does not use the request up.
    let created = ask(&c, &token, json!({"template": "rn_license", "response_mode": "direct_post"})).await;
    let id = created["id"].as_str().expect("id").to_owned();
    let mut request =
        client.fetch_request(created["authorization_request"].as_str().expect("link")).await.expect("request");
    let good_state = request.state.clone();
    request.state = Some("not-the-state".into());
    refused(client.send_presentation(&request, answer(&request, &wallet, None, &[])).await, "state");
    assert_eq!(state(&c, &token, &id).await["status"], "pending");
    request.state = good_state;

    // 5. A wrong nonce, then (on a new request) a wrong audience: recorded, not valid.
    let mut wrong_nonce = request.clone();
    wrong_nonce.nonce = "another-nonce".into();
    client.send_presentation(&request, answer(&wrong_nonce, &wallet, None, &[])).await.expect("taken");
    let s = state(&c, &token, &id).await;
    assert_eq!((&s["status"], &s["verdict"]), (&json!("verified"), &json!("invalid")), "{s:#}");
    let v = verification(&c, &token, &s).await;
    assert_eq!(check(&v["report"], "holder_binding")["outcome"], "failed", "{v:#}");
    let created = ask(&c, &token, json!({"template": "rn_license"})).await;
    let request =
        client.fetch_request(created["authorization_request"].as_str().expect("link")).await.expect("request");
    let mut wrong_aud = request.clone();
    wrong_aud.client_id = "decentralized_identifier:did:web:elsewhere.example".into();
    client.send_presentation(&request, answer(&wrong_aud, &wallet, None, &[])).await.expect("taken");
    let s = state(&c, &token, created["id"].as_str().expect("id")).await;
    assert_eq!(s["verdict"], "invalid", "{s:#}");
    assert_eq!(check(&verification(&c, &token, &s).await["report"], "holder_binding")["outcome"], "failed");

    // 6. Less than asked: the dcql check fails and so does the verdict.
    let created = ask(&c, &token, json!({"template": "rn_license"})).await;
    let request =
        client.fetch_request(created["authorization_request"].as_str().expect("link")).await.expect("request");
    client.send_presentation(&request, answer(&request, &wallet, Some(&["/name"]), &[])).await.expect("taken");
    let s = state(&c, &token, created["id"].as_str().expect("id")).await;
    assert_eq!((&s["status"], &s["verdict"]), (&json!("verified"), &json!("invalid")), "{s:#}");
    let v = verification(&c, &token, &s).await;
    let dcql = check(&v["report"], "dcql");
    assert_eq!(dcql["outcome"], "failed", "{v:#}");
    assert!(dcql["reason"].as_str().unwrap_or_default().contains("license_type: not disclosed"), "{dcql}");

    // 7. More than asked (the NPI): accepted with a warning; the NPI is not in the record or
    //    the receipt.
    let created = ask(&c, &token, json!({"template": "rn_license", "response_mode": "direct_post"})).await;
    let request =
        client.fetch_request(created["authorization_request"].as_str().expect("link")).await.expect("request");
    client.send_presentation(&request, answer(&request, &wallet, None, &["/npi"])).await.expect("taken");
    let s = state(&c, &token, created["id"].as_str().expect("id")).await;
    assert_eq!(s["verdict"], "valid", "{s:#}");
    let v = verification(&c, &token, &s).await;
    let dcql = check(&v["report"], "dcql");
    assert!(dcql["detail"].as_str().unwrap_or_default().contains("not asked for (/npi)"), "{dcql}");
    assert!(v["report"]["credentials"][0]["subject"].get("npi").is_none(), "{v:#}");
    let (_, receipt) = c
        .get(&format!("{HOSPITAL}/verifications/{}/receipt", s["verification"].as_str().expect("id")), Some(&token))
        .await;
    assert!(!receipt.to_string().contains("1234567893"), "the NPI is not in the receipt");

    // 8. Expiry: the long poll returns when the request expires, and a late answer is refused.
    let created = ask(&c, &token, json!({"template": "rn_license", "expires_in": 2})).await;
    let request =
        client.fetch_request(created["authorization_request"].as_str().expect("link")).await.expect("request");
    let id = created["id"].as_str().expect("id");
    let (_, s) = c.get(&format!("{HOSPITAL}/presentation-requests/{id}?wait=20"), Some(&token)).await;
    assert_eq!(s["status"], "expired", "{s}");
    refused(client.send_presentation(&request, answer(&request, &wallet, None, &[])).await, "expired");
    assert!(client.fetch_request(created["authorization_request"].as_str().expect("link")).await.is_err());

    // 9. The holder declines: the request fails with the wallet's error code.
    let created = ask(&c, &token, json!({"template": "age_over_18"})).await;
    let request =
        client.fetch_request(created["authorization_request"].as_str().expect("link")).await.expect("request");
    assert!(choose(&request.dcql.credentials[0], wallet.credentials()).is_none(), "no patient credential here");
    client.decline(&request).await.expect("declined");
    let s = state(&c, &token, created["id"].as_str().expect("id")).await;
    assert_eq!(s["status"], "failed", "{s}");
    assert!(s["error"].as_str().unwrap_or_default().contains("access_denied"), "{s}");

    // 10. The board revokes the wallet's SD-JWT license; a new request, the same credential: not
    //     valid, and the reason is the revocation.
    let held = wallet.credentials().iter().find(|c| c.format == "dc+sd-jwt").expect("sd-jwt");
    let (claims, _) = sd_jwt::disclosable_claims(held.credential.as_str().expect("compact")).expect("claims");
    let jti = claims["jti"].as_str().expect("jti");
    let (status, body) = c
        .post(
            &format!("/boards/e2e/credentials/{jti}/status"),
            Some(&server.admin_token),
            &json!({"action": "revoke", "reason": "e2e"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let created = ask(&c, &token, json!({"template": "rn_license"})).await;
    let request =
        client.fetch_request(created["authorization_request"].as_str().expect("link")).await.expect("request");
    client.send_presentation(&request, answer(&request, &wallet, None, &[])).await.expect("taken");
    let s = state(&c, &token, created["id"].as_str().expect("id")).await;
    assert_eq!((&s["status"], &s["verdict"]), (&json!("verified"), &json!("invalid")), "{s:#}");
    let v = verification(&c, &token, &s).await;
    let status_check = check(&v["report"]["credentials"][0], "status");
    assert_eq!(status_check["outcome"], "failed", "{v:#}");
    assert!(status_check["reason"].as_str().unwrap_or_default().contains("revoked"), "{status_check}");

    // Who may ask: a verifier token may; no token, another hospital's token may not.
    let (status, minted) =
        c.post(&format!("{HOSPITAL}/tokens"), Some(&token), &json!({"role": "verifier", "label": "front desk"})).await;
    assert_eq!(status, 201, "{minted}");
    let desk = minted["token"].as_str().expect("token");
    let created = ask(&c, desk, json!({"template": "patient_identity", "purpose": "Registration"})).await;
    assert_eq!(created["purpose"], "Registration");
    let v = verification(&c, &token, &s).await;
    assert!(v["actor"].as_str().unwrap_or_default().contains("via OpenID4VP request"), "{v}");
    let (status, _) =
        c.post(&format!("{HOSPITAL}/presentation-requests"), None, &json!({"template": "rn_license"})).await;
    assert_eq!(status, 401);
    let other = create_hospital(&server.issuer, "other", "Other").await.expect("other");
    let (status, _) = c.get(&format!("{HOSPITAL}/presentation-requests/{id}"), Some(&other.admin_token)).await;
    assert_eq!(status, 404);
    let (status, body) = c.get(&format!("{HOSPITAL}/presentation-requests/{id}?wait=soon"), Some(&token)).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("invalid_request")), "{body}");
    let (status, body) =
        c.post(&format!("{HOSPITAL}/presentation-requests"), Some(&token), &json!({"template": "nope"})).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("unknown_template")));
}

#[tokio::test]
async fn sqlite_presentation_flow() {
    presentation_flow(Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_presentation_flow() {
    presentation_flow(Backend::Postgres).await;
}
