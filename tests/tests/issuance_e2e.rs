//! Over real HTTP: a did:web board issues eddsa-rdfc-2022 and eddsa-jcs-2022 credentials; ssi
//! verifies the rdfc one on its own, resolving the board's did:web from the running server; the jcs
//! one verifies with the key ssi resolves; tampering any claim makes both fail. Both databases.

use medcred_formats::{di_jcs, keys::decode_multibase_public};
use medcred_tests::{start, Backend, Server};
use serde_json::{json, Value};
use ssi::claims::data_integrity::{from_json_str, AnySuite};
use ssi::claims::vc::v2::JsonCredential;
use ssi::claims::VerificationParameters;
use ssi::dids::{DIDResolver, DIDWeb, VerificationMethodDIDResolver};
use ssi::json_ld::ContextLoader;
use ssi::verification_methods::AnyMethod;

fn license() -> Value {
    json!({
        "type": ["VerifiableCredential", "MedicalLicenseCredential"],
        "validUntil": "2030-01-01T00:00:00Z",
        "credentialSubject": {
            "practitionerName": "Grace Hopper", "licenseType": "MD", "licenseNumber": "25MA09876",
            "jurisdiction": "US-NJ", "originalIssueDate": "2012-09-01", "specialty": "Internal medicine",
            "restrictions": ["Supervision required for procedural sedation"]
        }
    })
}

async fn issue(server: &Server, format: &str) -> Value {
    let resp = reqwest::Client::new()
        .post(format!("{}/credentials/issue", server.url))
        .bearer_auth(&server.admin_token)
        .json(&json!({"credential": license(), "options": {"format": format}}))
        .send()
        .await
        .expect("issue request");
    assert_eq!(resp.status(), 201);
    resp.json::<Value>().await.expect("json")["verifiableCredential"].clone()
}

fn loader() -> ContextLoader {
    let map = std::collections::HashMap::from([(
        medcred_model::context::CONTEXT_URL.to_owned(),
        medcred_model::context::CONTEXT_JSON.to_owned(),
    )]);
    ContextLoader::default().with_context_map_from(map).expect("context")
}

/// Every single-claim change to the credential subject, issuer name and validity.
fn tamperings(vc: &Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for (k, v) in vc["credentialSubject"].as_object().expect("subject") {
        let mut t = vc.clone();
        t["credentialSubject"][k] = match v {
            Value::String(s) => json!(format!("{s}x")),
            Value::Bool(b) => json!(!b),
            Value::Array(_) => json!(["changed"]),
            other => json!([other]),
        };
        out.push((format!("credentialSubject.{k}"), t));
    }
    for (path, value) in [("validUntil", json!("2099-01-01T00:00:00Z")), ("validFrom", json!("2001-01-01T00:00:00Z"))] {
        let mut t = vc.clone();
        t[path] = value;
        out.push((path.to_owned(), t));
    }
    let mut t = vc.clone();
    t["issuer"]["name"] = json!("Some Other Board");
    out.push(("issuer.name".into(), t));
    out
}

async fn rdfc_and_jcs_verify_independently(backend: Backend) {
    let server = start(backend).await.expect("server");
    let resolver = VerificationMethodDIDResolver::<_, AnyMethod>::new(DIDWeb);
    let params = VerificationParameters::from_resolver(&resolver).with_json_ld_loader(loader());

    // eddsa-rdfc-2022: ssi end to end (did:web resolution over HTTP, canonicalization, signature).
    let rdfc = issue(&server, "eddsa-rdfc-2022").await;
    assert_eq!(rdfc["issuer"]["id"], server.board_did.as_str());
    let ssi_verify = |doc: &Value| from_json_str::<JsonCredential, AnySuite>(&doc.to_string()).expect("ssi parses");
    ssi_verify(&rdfc).verify(&params).await.expect("ssi ran").expect("ssi accepts the board's credential");
    for (what, tampered) in tamperings(&rdfc) {
        // Rejected either way: the proof fails, or the tampered value no longer even processes
        // (e.g. a date that is not an xsd:date any more).
        let accepted = matches!(ssi_verify(&tampered).verify(&params).await, Ok(Ok(())));
        assert!(!accepted, "ssi accepted rdfc credential with tampered {what}");
    }

    // eddsa-jcs-2022: ssi lacks the suite; resolve the key with ssi's did:web and check with ours.
    let jcs = issue(&server, "eddsa-jcs-2022").await;
    let did = server.board_did.parse::<ssi::dids::DIDBuf>().expect("did");
    let resolved = DIDWeb.resolve(did.as_did()).await.expect("ssi resolves the board's did:web");
    let doc = serde_json::to_value(resolved.document.document()).expect("doc json");
    let vm = jcs["proof"]["verificationMethod"].as_str().expect("vm").to_owned();
    assert!(doc["assertionMethod"].as_array().expect("am").iter().any(|r| r == vm.as_str() || r["id"] == vm.as_str()));
    let method =
        doc["verificationMethod"].as_array().expect("vms").iter().find(|m| m["id"] == vm.as_str()).expect("vm listed");
    let key = decode_multibase_public(method["publicKeyMultibase"].as_str().expect("mb")).expect("key");
    di_jcs::verify(&jcs, &key).expect("jcs verifies with the resolved key");
    for (what, tampered) in tamperings(&jcs) {
        assert!(di_jcs::verify(&tampered, &key).is_err(), "jcs credential with tampered {what} verified");
    }

    // The context the credentials use is served by the app, byte for byte the bundled one.
    let ctx = reqwest::get(format!("{}/ns/credentials/v1", server.url)).await.expect("context");
    assert_eq!(ctx.headers()["content-type"], "application/ld+json");
    assert_eq!(ctx.text().await.expect("text"), medcred_model::context::CONTEXT_JSON);
}

#[tokio::test]
async fn rdfc_and_jcs_verify_independently_sqlite() {
    rdfc_and_jcs_verify_independently(Backend::Sqlite).await;
}

#[tokio::test]
async fn rdfc_and_jcs_verify_independently_postgres() {
    rdfc_and_jcs_verify_independently(Backend::Postgres).await;
}
