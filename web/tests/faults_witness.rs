//! Fault: the witnesses a registry asks for cosignatures are down (a closed port) or hang (a
//! listener that never answers).
//!
//! Status changes still commit and are acknowledged at once; the checkpoint is stored and served
//! without cosignatures; `/metrics` shows the lag (`medcred_checkpoint_cosignatures` 0,
//! `medcred_cosign_lag_leaves` > 0); a remote verifier whose policy requires that witness says
//! "could not check", never "valid". When the witness comes back the registry asks again by
//! itself (with backoff, no new commit needed): the checkpoint gets its cosignature, the lag goes
//! to 0 and the same verifier policy is met.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{create_board, eventually, free_port, issue, run_ok, set_status, BlackHole, Server};
use medcred_registry::witness::WitnessPolicy;
use medcred_verifier::{CheckName, Outcome, Verdict};
use medcred_verifier_service::{Clock, HttpFetcher, Policy, Settings, Sources, Verifier};
use serde_json::Value;

/// A remote verifier requiring one cosignature from `witness`.
fn verifier(witness: &str) -> Verifier {
    let policy = WitnessPolicy::new(1, vec![witness.parse().unwrap()]).unwrap();
    let settings = Settings { witness_policy: Some(policy), ..Settings::default() };
    let clock: Clock = Arc::new(chrono::Utc::now);
    Verifier::new(Sources::new(Arc::new(HttpFetcher::new().unwrap())), settings, clock)
}

fn policy() -> Policy {
    Policy { require_trust: false, advisory: vec![CheckName::IssuerTrust, CheckName::Schema] }
}

/// The newest checkpoint's (size, cosignatures).
async fn newest(http: &reqwest::Client, url: &str) -> (i64, i64) {
    let list: Value = http.get(format!("{url}/boards/bon/log/checkpoints")).send().await.unwrap().json().await.unwrap();
    let cp = &list["checkpoints"][0];
    (cp["size"].as_i64().unwrap(), cp["cosignatures"].as_i64().unwrap())
}

/// The value of the metric line `name{board="bon"}`.
async fn metric(http: &reqwest::Client, url: &str, name: &str) -> i64 {
    let text = http.get(format!("{url}/metrics")).send().await.unwrap().text().await.unwrap();
    let prefix = format!("{name}{{board=\"bon\"}} ");
    text.lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no {prefix} in /metrics"))
        .parse()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn witnesses_down_delay_cosigning_but_never_status_changes() {
    let dir = tempfile::tempdir().unwrap();
    let (data, wdata, xdata) = (dir.path().join("registry"), dir.path().join("witness"), dir.path().join("other"));
    let (port, wport) = (free_port("127.0.0.1"), free_port("127.0.0.1"));
    let public_url = format!("http://127.0.0.1:{port}");
    let wpublic = format!("http://127.0.0.1:{wport}");
    let token = create_board(&data, &public_url, "bon");
    let (origin, log_key) = common::log_of(&data, &public_url, "bon");
    let witness_key = run_ok(&wdata, &wpublic, &["witness", "key"]).trim().to_owned();
    run_ok(&wdata, &wpublic, &["witness", "follow", &origin, &log_key]);
    // A second witness that accepts connections and never answers.
    let hole = BlackHole::start();
    let hole_key = run_ok(&xdata, "http://127.0.0.1:1", &["witness", "key"]).trim().to_owned();
    let peers = [
        format!("--witness-peer=http://127.0.0.1:{wport}/witness={witness_key}"),
        format!("--witness-peer=http://127.0.0.1:{}/witness={hole_key}", hole.port),
    ];
    let server = Server::start(&data, &public_url, &format!("127.0.0.1:{port}"), &[&peers[0], &peers[1]]);
    let url = server.url.clone();
    let http = reqwest::Client::new();

    // Both witnesses unavailable: every change is acknowledged at once anyway.
    let (status, body, active) = issue(&http, &url, &token, "vc+jwt").await;
    assert_eq!(status, 201, "{body}");
    let credential = common::credential_text(&body);
    for _ in 0..3 {
        let (status, _, id) = issue(&http, &url, &token, "vc+jwt").await;
        assert_eq!(status, 201);
        let started = Instant::now();
        let (status, body) = set_status(&http, &url, &token, "bon", &id, "revoke").await;
        assert_eq!(status, 200, "{body}");
        assert!(started.elapsed() < Duration::from_secs(2), "acknowledged without waiting for witnesses");
    }
    // Stored and served without cosignatures; the lag shows.
    let (size, cosignatures) = newest(&http, &url).await;
    assert_eq!(cosignatures, 0);
    assert_eq!(metric(&http, &url, "medcred_checkpoint_cosignatures").await, 0);
    assert_eq!(metric(&http, &url, "medcred_cosign_lag_leaves").await, size, "no leaf is cosigned yet");
    let checkpoint = http.get(format!("{url}/boards/bon/log/checkpoint")).send().await.unwrap();
    assert_eq!(checkpoint.status(), 200);
    // A verifier requiring the witness cannot check the status; its other checks pass.
    let report = verifier(&witness_key).credential(&credential, &policy()).await;
    assert_eq!(report.verdict, Verdict::CouldNotCheck, "{:?}", report.checks);
    let reason = report.outcome(CheckName::Status).and_then(Outcome::reason).unwrap_or_default().to_owned();
    assert!(reason.contains("witness"), "{reason}");
    assert_eq!(report.outcome(CheckName::Proof), Some(&Outcome::Passed));

    // The witness comes back: the registry asks again by itself, with no new commit.
    let witness = Server::start(&wdata, &wpublic, &format!("127.0.0.1:{wport}"), &["--witness"]);
    let caught_up = eventually(30, || async {
        let (now, cosignatures) = newest(&http, &url).await;
        (cosignatures == 1).then_some(now)
    })
    .await
    .expect("cosigning caught up once the witness was back");
    assert_eq!(caught_up, size, "the checkpoint cosigned is the one made while the witness was down");
    assert_eq!(metric(&http, &url, "medcred_cosign_lag_leaves").await, 0);
    assert_eq!(metric(&http, &url, "medcred_checkpoint_cosignatures").await, 1);
    let report = verifier(&witness_key).credential(&credential, &policy()).await;
    assert_eq!(report.verdict, Verdict::Valid, "{:?}", report.checks);
    let shown = run_ok(&wdata, &wpublic, &["witness", "show"]);
    assert!(shown.contains(&origin), "the witness follows the log: {shown}");

    // Still acknowledged at once while the hanging witness is being waited for.
    let started = Instant::now();
    assert_eq!(set_status(&http, &url, &token, "bon", &active, "suspend").await.0, 200);
    assert!(started.elapsed() < Duration::from_secs(2));
    drop(witness);
}
