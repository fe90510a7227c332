//! Fault: the chain node used for anchoring is down.
//!
//! The registry is configured with an RPC URL where nothing listens. Status changes are
//! acknowledged as ever; on-demand anchoring answers 503 `chain_unavailable` with a message that
//! names the node (scheme, host and port only: an RPC URL's path or query often carries an API key);
//! `medcred anchor` exits non-zero with a clear error; the periodic round keeps failing (logged).
//! When a node comes up at that URL the next round anchors the newest checkpoint, which the chain
//! confirms.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::{Duration, Instant};

use common::{command, create_board, eventually, free_port, issue, log_of, run_ok, set_status, Anvil, Server};
use medcred_anchor::{verify_anchor, Anchor};
use medcred_registry::merkle::Hash;
use serde_json::Value;

/// anvil's first prefunded dev account; public knowledge, test only.
const DEV_KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

/// The newest checkpoint: (size, root, anchor JSON).
async fn newest(http: &reqwest::Client, url: &str) -> (u64, [u8; 32], Value) {
    let list: Value = http.get(format!("{url}/boards/bon/log/checkpoints")).send().await.unwrap().json().await.unwrap();
    let cp = &list["checkpoints"][0];
    let root = Hash::from_base64(cp["root"].as_str().unwrap()).unwrap();
    (cp["size"].as_u64().unwrap(), *root.as_bytes(), cp["anchor"].clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chain_node_down_fails_anchoring_clearly_and_the_next_round_retries() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let key_file = dir.path().join("anchor.key");
    std::fs::write(&key_file, DEV_KEY).unwrap();
    let port = free_port("127.0.0.1");
    let public_url = format!("http://127.0.0.1:{port}");
    let token = create_board(&data, &public_url, "bon");
    let (origin, _) = log_of(&data, &public_url, "bon");
    // Nothing listens here yet. The query stands for an API key that must not be shown.
    let rpc_port = free_port("127.0.0.1");
    let rpc_url = format!("http://127.0.0.1:{rpc_port}/?key=secret-api-key");
    let key_path = key_file.to_str().unwrap();
    let chain = ["--anchor-rpc-url", &rpc_url, "--anchor-key-file", key_path, "--anchor-chain-id", "31337"];

    // From the command line (before a server holds the anchoring lease), for a checkpoint made by
    // the CLI: non-zero exit, a clear error, nothing printed as anchored.
    let license = dir.path().join("license.json");
    std::fs::write(
        &license,
        common::license("00000000-0000-4000-8000-00000000c1a1", "vc+jwt")["credential"].to_string(),
    )
    .unwrap();
    let issued: Value =
        serde_json::from_str(&run_ok(&data, &public_url, &["issue", "--board", "bon", license.to_str().unwrap()]))
            .unwrap();
    run_ok(&data, &public_url, &["revoke", "--board", "bon", "--reason", "cli", issued["id"].as_str().unwrap()]);
    let mut cli = command(&data, &public_url);
    cli.args(["anchor", "--board", "bon"]).args(chain);
    let started = Instant::now();
    let out = cli.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "medcred anchor must fail without a chain node");
    assert!(stderr.contains("unreachable") && stderr.contains(&format!("127.0.0.1:{rpc_port}")), "{stderr}");
    assert!(!stderr.contains("secret-api-key"), "{stderr}");
    assert!(out.stdout.is_empty(), "nothing claims an anchor: {}", String::from_utf8_lossy(&out.stdout));
    assert!(started.elapsed() < Duration::from_secs(20), "failed in {:?}", started.elapsed());

    let mut args = chain.to_vec();
    args.extend(["--anchor-every", "1"]);
    let server = Server::start(&data, &public_url, &format!("127.0.0.1:{port}"), &args);
    let url = server.url.clone();
    let http = reqwest::Client::new();

    // Status changes go on.
    let (status, body, id) = issue(&http, &url, &token, "vc+jwt").await;
    assert_eq!(status, 201, "{body}");
    let started = Instant::now();
    assert_eq!(set_status(&http, &url, &token, "bon", &id, "revoke").await.0, 200);
    assert!(started.elapsed() < Duration::from_secs(2), "a revocation does not wait for the chain");

    // On demand: a clear refusal.
    let r = http.post(format!("{url}/boards/bon/log/anchor")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(r.status(), 503);
    assert!(r.headers().contains_key("retry-after"));
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["code"], "chain_unavailable", "{body}");
    let message = body["message"].as_str().unwrap();
    assert!(message.contains(&format!("127.0.0.1:{rpc_port}")) && message.contains("unreachable"), "{message}");
    assert!(!message.contains("secret-api-key"), "the RPC URL's query is not shown: {message}");

    // Rounds have run and failed meanwhile: nothing is recorded as anchored.
    let (size, _, anchor) = newest(&http, &url).await;
    assert!(anchor.is_null(), "{anchor}");

    // The node comes up at that address: the next round anchors the newest checkpoint.
    let anvil = Anvil::start_on(rpc_port);
    let (anchored_size, root, anchor) = eventually(30, || async {
        let (size, root, anchor) = newest(&http, &url).await;
        (!anchor.is_null()).then_some((size, root, anchor))
    })
    .await
    .expect("a periodic round anchored once the node was up");
    assert_eq!(anchored_size, size);
    let mut tx = [0u8; 32];
    hex::decode_to_slice(anchor["tx"].as_str().unwrap().trim_start_matches("0x"), &mut tx).unwrap();
    let recorded = Anchor {
        tx_hash: tx,
        block_number: anchor["block"].as_u64().unwrap(),
        block_time: anchor["time"].as_u64().unwrap(),
        chain_id: anchor["chainId"].as_u64().unwrap(),
    };
    verify_anchor(&anvil.url, &recorded, &origin, anchored_size, root).await.expect("the root is on the chain");
}
