//! A board's signing key is stolen, over real HTTP on both databases. The board issued credentials
//! in every format with key-1 (one of them revoked before, one suspended); key-1 is reported
//! compromised: it leaves the DID document, key-2 becomes active, and the old credentials stop
//! verifying at once (the verifier refuses a signature by a key the DID document no longer
//! lists). The re-issue list names every credential key-1 signed; re-issuance — in two calls, one
//! of them resuming a replacement stored by an interrupted run — gives each a new id and status
//! slot under key-2 with the same subject data, and revokes the old one ("key compromise")
//! through the ledger. A repeated run and a repeated report change nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use medcred_formats::sd_jwt;
use medcred_tests::{start, Backend, Server};
use serde_json::{json, Value};

const FORMATS: [&str; 4] = ["eddsa-rdfc-2022", "eddsa-jcs-2022", "vc+jwt", "dc+sd-jwt"];

fn license(n: usize) -> Value {
    json!({
        "type": ["VerifiableCredential", "MedicalLicenseCredential"],
        "validUntil": "2030-01-01T00:00:00Z",
        "credentialSubject": {
            "practitionerName": format!("Nurse {n}"), "licenseType": "RN", "licenseNumber": format!("RN-70{n}"),
            "jurisdiction": "US-NJ", "originalIssueDate": "2012-09-01"
        }
    })
}

async fn send(req: reqwest::RequestBuilder) -> (u16, Value) {
    let resp = req.send().await.expect("request");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

async fn verify(http: &reqwest::Client, server: &Server, vc: &Value) -> Value {
    let req = http.post(format!("{}/credentials/verify", server.url)).json(&json!({"verifiableCredential": vc}));
    send(req).await.1
}

/// The credential's id, whatever its shape (Data Integrity document or an enveloped JWT).
fn id_of(vc: &Value) -> String {
    if let Some(id) = vc.get("id").and_then(Value::as_str).filter(|id| id.starts_with("urn:")) {
        return id.to_owned();
    }
    let data = vc["id"].as_str().expect("enveloped id");
    let compact = data.split_once(',').expect("data: URL").1;
    if data.starts_with("data:application/dc+sd-jwt") {
        let (claims, _) = sd_jwt::disclosable_claims(compact).expect("SD-JWT");
        claims["jti"].as_str().expect("jti").to_owned()
    } else {
        let claims = medcred_formats::jwt::decode(compact).expect("JWT").claims().expect("claims");
        claims["id"].as_str().expect("id").to_owned()
    }
}

/// The subject claims, whatever the format (SD-JWT: every disclosure applied).
fn subject_of(vc: &Value) -> Value {
    if vc.get("credentialSubject").is_some() {
        return vc["credentialSubject"].clone();
    }
    let data = vc["id"].as_str().expect("enveloped id");
    let compact = data.split_once(',').expect("data: URL").1;
    if data.starts_with("data:application/dc+sd-jwt") {
        let (mut claims, _) = sd_jwt::disclosable_claims(compact).expect("SD-JWT");
        for k in ["jti", "iat", "status", "cnf", "_sd_alg"] {
            claims.remove(k);
        }
        Value::Object(claims)
    } else {
        medcred_formats::jwt::decode(compact).expect("JWT").claims().expect("claims")["credentialSubject"].clone()
    }
}

async fn get(http: &reqwest::Client, server: &Server, path: &str) -> Value {
    let req = http.get(format!("{}{path}", server.url)).bearer_auth(&server.admin_token);
    let (status, body) = send(req).await;
    assert_eq!(status, 200, "GET {path}: {body}");
    body
}

async fn post(http: &reqwest::Client, server: &Server, path: &str, body: &Value) -> (u16, Value) {
    send(http.post(format!("{}{path}", server.url)).bearer_auth(&server.admin_token).json(body)).await
}

async fn key_compromise(backend: Backend) {
    let server = start(backend).await.expect("server");
    let http = reqwest::Client::new();
    let mut old = Vec::new();
    for n in 0..6 {
        let format = FORMATS[n % 4];
        let body = json!({"credential": license(n), "options": {"format": format}});
        let (status, issued) = post(&http, &server, "/credentials/issue", &body).await;
        assert_eq!(status, 201, "{issued}");
        let vc = issued["verifiableCredential"].clone();
        assert_eq!(verify(&http, &server, &vc).await["verdict"], "valid", "{format}");
        old.push(vc);
    }
    let ids: Vec<String> = old.iter().map(id_of).collect();
    let revoked_before = &ids[4];
    let suspended = &ids[5];
    for (id, action) in [(revoked_before, "revoke"), (suspended, "suspend")] {
        let path = format!("/boards/e2e/credentials/{id}/status");
        let (status, body) = post(&http, &server, &path, &json!({"action": action, "reason": "before"})).await;
        assert_eq!(status, 200, "{body}");
    }

    // Refusals: an issuer token, an unknown key, a malformed or future time.
    let (status, body) = post(&http, &server, "/boards/e2e/tokens", &json!({"role": "issuer"})).await;
    assert_eq!(status, 201, "{body}");
    let issuer_token = body["token"].as_str().unwrap().to_owned();
    let req = http.post(format!("{}/boards/e2e/keys/key-1/compromised", server.url)).bearer_auth(&issuer_token);
    assert_eq!(send(req).await.0, 403);
    let (status, body) = post(&http, &server, "/boards/e2e/keys/key-9/compromised", &json!({})).await;
    assert_eq!((status, &body["code"]), (404, &json!("not_found")), "{body}");
    let (status, body) = post(&http, &server, "/boards/e2e/keys/key-1/compromised", &json!({"since": "May"})).await;
    assert_eq!((status, &body["code"]), (400, &json!("malformed_since")), "{body}");
    let future = json!({"since": "2999-01-01T00:00:00Z"});
    let (status, body) = post(&http, &server, "/boards/e2e/keys/key-1/compromised", &future).await;
    assert_eq!((status, &body["code"]), (400, &json!("since_in_future")), "{body}");

    // The report: key-1 leaves the DID document, key-2 becomes active, six credentials queued.
    let since = json!({"since": "2020-01-01T00:00:00Z"});
    let (status, report) = post(&http, &server, "/boards/e2e/keys/key-1/compromised", &since).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["newKey"], format!("{}#key-2", server.board_did));
    assert_eq!((&report["queued"], &report["firstReport"]), (&json!(6), &json!(true)));
    let doc = send(http.get(format!("{}/boards/e2e/did.json", server.url))).await.1;
    let methods: Vec<&str> =
        doc["verificationMethod"].as_array().unwrap().iter().filter_map(|m| m["id"].as_str()).collect();
    assert!(methods.iter().any(|m| m.ends_with("#key-2")), "{doc}");
    assert!(!methods.iter().any(|m| m.ends_with("#key-1")), "the stolen key is gone: {doc}");

    // Everything key-1 signed stops verifying, at once.
    for vc in &old {
        let result = verify(&http, &server, vc).await;
        assert_eq!((&result["verified"], &result["verdict"]), (&json!(false), &json!("invalid")), "{result}");
        let errors = result["errors"].as_array().unwrap();
        let refused = |e: &Value| {
            let message = e["message"].as_str().unwrap_or_default();
            e["check"] == "issuer_binding" && message.contains("does not define") && message.contains("#key-1")
        };
        assert!(errors.iter().any(refused), "{result}");
    }

    // The list names all six; none finished.
    let list = get(&http, &server, "/boards/e2e/reissue").await;
    assert_eq!(list["needsReissue"], 6, "{list}");
    let listed: Vec<&str> =
        list["credentials"].as_array().unwrap().iter().map(|c| c["credentialId"].as_str().unwrap()).collect();
    for id in &ids {
        assert!(listed.contains(&id.as_str()), "{id} is listed");
    }
    assert!(list["credentials"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["state"] == "pending" && c["signedAfterCompromise"] == true));

    // An interrupted run stored the replacement of the first credential but never revoked the
    // old one; the next run finishes it without a second replacement.
    let board = server.issuer.db().board_by_slug("e2e").await.unwrap();
    let first = server.issuer.db().credential(&ids[0]).await.unwrap();
    let resumed = server.issuer.reissue_credential(&board, &first).await.unwrap().expect("stored").id;
    assert!(server.issuer.reissue_credential(&board, &first).await.unwrap().is_none(), "one replacement only");

    let (status, run) = post(&http, &server, "/boards/e2e/reissue?limit=3", &json!({})).await;
    assert_eq!(status, 200, "{run}");
    assert_eq!(run["remaining"], 3, "{run}");
    let (status, run2) = post(&http, &server, "/boards/e2e/reissue", &json!({})).await;
    assert_eq!(status, 200, "{run2}");
    assert_eq!(run2["remaining"], 0, "{run2}");
    let reissued = run["reissued"].as_u64().unwrap() + run2["reissued"].as_u64().unwrap();
    let skipped = run["skipped"].as_u64().unwrap() + run2["skipped"].as_u64().unwrap();
    assert_eq!((reissued, skipped), (4, 1), "five re-issued (one by the interrupted run), the revoked one skipped");
    let (_, again) = post(&http, &server, "/boards/e2e/reissue", &json!({})).await;
    assert_eq!((&again["reissued"], &again["revoked"], &again["remaining"]), (&json!(0), &json!(0), &json!(0)));

    let list = get(&http, &server, "/boards/e2e/reissue").await;
    assert_eq!(list["needsReissue"], 0, "{list}");
    let mut replaced = std::collections::BTreeMap::new();
    for c in list["credentials"].as_array().unwrap() {
        let id = c["credentialId"].as_str().unwrap().to_owned();
        if id == *revoked_before {
            assert_eq!((&c["state"], &c["newCredentialId"]), (&json!("skipped"), &Value::Null), "{c}");
        } else {
            assert_eq!(c["state"], "done", "{c}");
            replaced.insert(id, c["newCredentialId"].as_str().unwrap().to_owned());
        }
    }
    assert_eq!(replaced[&ids[0]], resumed, "the interrupted run's replacement was kept");

    for (n, vc) in old.iter().enumerate() {
        let id = &ids[n];
        // The old one shows revoked, for key compromise, on the ledger.
        let status = get(&http, &server, &format!("/boards/e2e/credentials/{id}/status")).await;
        assert_eq!(status["revoked"], true, "{status}");
        if id == revoked_before {
            continue;
        }
        let history = status["history"].as_array().unwrap();
        assert!(history.iter().any(|h| h["reason"] == "key compromise" && h["leafIndex"].is_u64()), "{status}");
        // The new one: same subject, new id and slot, signed by key-2, verifies.
        let new_id = &replaced[id];
        assert_ne!(new_id, id);
        let new_vc = get(&http, &server, &format!("/credentials/{new_id}")).await;
        assert_eq!(subject_of(&new_vc), subject_of(vc), "{}", FORMATS[n % 4]);
        let (old_row, new_row) =
            (server.issuer.db().credential(id).await.unwrap(), server.issuer.db().credential(new_id).await.unwrap());
        assert_eq!((old_row.key_id.as_str(), new_row.key_id.as_str()), ("key-1", "key-2"));
        assert_eq!(new_row.format, old_row.format);
        assert_eq!((new_row.valid_from, new_row.valid_until), (old_row.valid_from, old_row.valid_until));
        assert_ne!((new_row.status_list, new_row.status_index), (old_row.status_list, old_row.status_index));
        if let Some(proof) = new_vc.get("proof") {
            assert!(proof["verificationMethod"].as_str().unwrap().ends_with("#key-2"), "{proof}");
        }
        let result = verify(&http, &server, &new_vc).await;
        if id == suspended {
            // The suspension was carried over to the replacement.
            assert_eq!(result["verdict"], "invalid", "{result}");
            let new_status = get(&http, &server, &format!("/boards/e2e/credentials/{new_id}/status")).await;
            assert_eq!((&new_status["suspended"], &new_status["revoked"]), (&json!(true), &json!(false)));
        } else {
            assert_eq!(result["verdict"], "valid", "{}: {result}", FORMATS[n % 4]);
        }
    }

    // Reporting again changes nothing.
    let (status, report) = post(&http, &server, "/boards/e2e/keys/key-1/compromised", &since).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(
        (&report["queued"], &report["firstReport"], &report["newKey"]),
        (&json!(0), &json!(false), &Value::Null)
    );
}

#[tokio::test]
async fn a_stolen_key_is_retired_and_its_credentials_reissued_sqlite() {
    key_compromise(Backend::Sqlite).await;
}

#[tokio::test]
async fn a_stolen_key_is_retired_and_its_credentials_reissued_postgres() {
    key_compromise(Backend::Postgres).await;
}
