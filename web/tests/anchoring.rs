//! Chain anchoring from the server, against a local anvil node: on demand
//! (`POST /boards/{slug}/log/anchor`, board admins only; idempotent for an anchored checkpoint),
//! periodically (`--anchor-every`), and from the CLI (`medcred anchor`). Each anchor is recorded
//! beside its checkpoint and checked on the chain with `verify_anchor`; a registry without a chain
//! answers 409 `anchoring_disabled`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{create_board, eventually, free_port, log_of, run_ok, Anvil, Server};
use medcred_anchor::{verify_anchor, Anchor};
use medcred_registry::merkle::Hash;
use serde_json::{json, Value};

/// anvil's first prefunded dev account; public knowledge, test only.
const DEV_KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

const LICENSE: &str = r#"{"type": ["VerifiableCredential", "MedicalLicenseCredential"], "validUntil": "2030-01-01T00:00:00Z",
  "credentialSubject": {"practitionerName": "Ada Byron", "licenseType": "RN", "licenseNumber": "RN-1",
    "jurisdiction": "US-NJ", "originalIssueDate": "2010-01-01"}}"#;

async fn revoke_new(http: &reqwest::Client, url: &str, token: &str) {
    let body = json!({"credential": serde_json::from_str::<Value>(LICENSE).unwrap()});
    let issued: Value = http
        .post(format!("{url}/credentials/issue"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = issued["verifiableCredential"]["id"].as_str().unwrap();
    let r = http
        .post(format!("{url}/boards/bon/credentials/{id}/status"))
        .bearer_auth(token)
        .json(&json!({"action": "revoke", "reason": "anchor test"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

/// The newest checkpoint: (size, root, anchor JSON).
async fn newest(http: &reqwest::Client, url: &str) -> (u64, [u8; 32], Value) {
    let list: Value = http.get(format!("{url}/boards/bon/log/checkpoints")).send().await.unwrap().json().await.unwrap();
    let cp = &list["checkpoints"][0];
    let root = Hash::from_base64(cp["root"].as_str().unwrap()).unwrap();
    (cp["size"].as_u64().unwrap(), *root.as_bytes(), cp["anchor"].clone())
}

fn anchor_of(v: &Value) -> Anchor {
    let mut tx = [0u8; 32];
    hex::decode_to_slice(v["tx"].as_str().unwrap().trim_start_matches("0x"), &mut tx).unwrap();
    Anchor {
        tx_hash: tx,
        block_number: v["block"].as_u64().unwrap(),
        block_time: v["time"].as_u64().unwrap(),
        chain_id: v["chainId"].as_u64().unwrap(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_anchors_on_demand_periodically_and_from_the_cli() {
    let anvil = Anvil::start();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let key_file = dir.path().join("anchor.key");
    std::fs::write(&key_file, DEV_KEY).unwrap();
    let port = free_port("127.0.0.1");
    let public_url = format!("http://127.0.0.1:{port}");
    let listen = format!("127.0.0.1:{port}");
    let token = create_board(&data, &public_url, "bon");
    let (origin, _) = log_of(&data, &public_url, "bon");
    let http = reqwest::Client::new();

    // Without a chain: a clear refusal.
    let mut plain = Server::start(&data, &public_url, &listen, &[]);
    revoke_new(&http, &plain.url, &token).await;
    let r = http.post(format!("{}/boards/bon/log/anchor", plain.url)).bearer_auth(&token).send().await.unwrap();
    assert_eq!(r.status(), 409);
    assert_eq!(r.json::<Value>().await.unwrap()["code"], "anchoring_disabled");
    let r = http.post(format!("{}/boards/bon/log/anchor", plain.url)).send().await.unwrap();
    assert_eq!(r.status(), 401, "anchoring needs a token");
    plain.kill();

    // On demand (the periodic round is an hour away).
    let chain =
        ["--anchor-rpc-url", &anvil.url, "--anchor-key-file", key_file.to_str().unwrap(), "--anchor-chain-id", "31337"];
    let mut args = chain.to_vec();
    // A short role lease: a killed server's anchoring lease runs out quickly for the next one.
    args.extend(["--anchor-every", "3600", "--lease-ms", "1000"]);
    let mut server = Server::start(&data, &public_url, &listen, &args);
    revoke_new(&http, &server.url, &token).await;
    let (size, root, _) = newest(&http, &server.url).await;
    let answer: Value = http
        .post(format!("{}/boards/bon/log/anchor", server.url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answer["anchored"], true, "{answer}");
    assert_eq!(answer["size"].as_u64(), Some(size));
    let recorded = newest(&http, &server.url).await.2;
    assert_eq!(recorded, answer["anchor"], "the anchor is stored beside the checkpoint");
    verify_anchor(&anvil.url, &anchor_of(&recorded), &origin, size, root).await.expect("root is in the block");
    // A wrong root is contradicted by the chain.
    assert!(verify_anchor(&anvil.url, &anchor_of(&recorded), &origin, size, [0; 32]).await.is_err());
    let again: Value = http
        .post(format!("{}/boards/bon/log/anchor", server.url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(again["anchored"], false, "{again}");
    assert_eq!(again["reason"], "already anchored");
    server.kill();

    // Periodically.
    let mut args = chain.to_vec();
    args.extend(["--anchor-every", "1", "--lease-ms", "1000"]);
    let server = Server::start(&data, &public_url, &listen, &args);
    revoke_new(&http, &server.url, &token).await;
    let (size, root, anchor) = eventually(30, || async {
        let (size, root, anchor) = newest(&http, &server.url).await;
        (!anchor.is_null()).then_some((size, root, anchor))
    })
    .await
    .expect("the periodic round anchored the new checkpoint");
    verify_anchor(&anvil.url, &anchor_of(&anchor), &origin, size, root).await.expect("periodic anchor on chain");
    drop(server);

    // From the command line, for a checkpoint made by the CLI.
    let license = dir.path().join("license.json");
    std::fs::write(&license, LICENSE).unwrap();
    let issued: Value =
        serde_json::from_str(&run_ok(&data, &public_url, &["issue", "--board", "bon", license.to_str().unwrap()]))
            .unwrap();
    let id = issued["id"].as_str().unwrap();
    run_ok(&data, &public_url, &["revoke", "--board", "bon", "--reason", "cli", id]);
    let mut all = vec!["anchor", "--board", "bon"];
    all.extend(chain);
    let printed: Value = serde_json::from_str(&run_ok(&data, &public_url, &all)).unwrap();
    assert_eq!(printed["anchored"], true, "{printed}");
    assert!(printed["size"].as_u64().unwrap() > size);
}
