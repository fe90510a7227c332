//! Fault: SQLite's storage fills up under a running `medcred serve`.
//!
//! No mount is needed: the server runs under a file size limit (`ulimit -f`, RLIMIT_FSIZE) with
//! SIGXFSZ ignored, so a write past the limit fails with EFBIG as a full disk would fail it, and
//! the process lives on. Issuing until writes fail: every refusal is 507 `storage_full` (never a
//! 500, never a crash), reads go on being served, and after a restart without the limit every
//! acknowledged issuance and revocation is there and writing works again.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::process::Command;

use common::{create_board, free_port, get_status, issue, set_status, with_clean_env, Server, BIN};
use serde_json::Value;

/// Room left for the server to write beyond the database as it stands: a few dozen issuances.
const HEADROOM: u64 = 512 * 1024;
/// Issuances tried at most before the limit must have been met.
const MAX_TRIES: usize = 400;

/// The largest file in `dir`.
fn largest_file(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir).unwrap().filter_map(|e| e.ok()?.metadata().ok()).map(|m| m.len()).max().unwrap_or(0)
}

/// 2xx, or a clear refusal: 507 `storage_full`, or 503 `database_unavailable` (SQLite may answer
/// "database is locked" at once to the next writer after a failed write, before the failed
/// transaction's rollback ran). Anything else — a 500 above all — fails the test.
fn full_or_ok(what: &str, status: u16, body: &Value) -> bool {
    if (200..300).contains(&status) {
        return true;
    }
    let expected = match status {
        507 => "storage_full",
        503 => "database_unavailable",
        other => panic!("{what}: a full disk is 507 (or a retryable 503), not {other}: {body}"),
    };
    assert_eq!(body["code"], expected, "{what}: {body}");
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()), "{what}: {body}");
    false
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_refuses_writes_with_507_and_loses_nothing_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let port = free_port("127.0.0.1");
    let public_url = format!("http://127.0.0.1:{port}");
    let listen = format!("127.0.0.1:{port}");
    let token = create_board(&data, &public_url, "bon");

    // `ulimit -f` counts 512-byte blocks in sh (dash and bash --posix alike).
    let blocks = (largest_file(&data) + HEADROOM).div_ceil(512);
    let mut limited = Command::new("sh");
    limited.arg("-c").arg(format!("trap '' XFSZ; ulimit -f {blocks}; exec \"$0\" \"$@\"")).arg(BIN);
    with_clean_env(&mut limited, &data, &public_url);
    limited.args(["serve", "--listen", &listen]);
    let mut server = Server::spawn(limited, &listen);
    let http = reqwest::Client::new();
    let url = server.url.clone();

    // Fill it.
    let mut issued = Vec::new();
    let mut refused = 0;
    let mut full = false;
    for _ in 0..MAX_TRIES {
        let (status, body, id) = issue(&http, &url, &token, "vc+jwt").await;
        if full_or_ok("issue", status, &body) {
            assert_eq!(status, 201, "{body}");
            issued.push(id);
        } else {
            full |= status == 507;
            refused += 1;
            if refused == 3 {
                break;
            }
        }
    }
    eprintln!("{} issued before the storage was full", issued.len());
    assert_eq!(refused, 3, "the file size limit was never met in {MAX_TRIES} issuances");
    assert!(!issued.is_empty(), "some issuances fit before the limit");
    assert!(full, "the refusals say the storage is full (507 storage_full)");

    // Still alive, still reading; status changes are refused the same clear way (or fit).
    assert!(server.child.try_wait().unwrap().is_none(), "the server survived the full disk");
    let mut revoked = Vec::new();
    for id in issued.iter().take(3) {
        let (status, body) = set_status(&http, &url, &token, "bon", id, "revoke").await;
        if full_or_ok("revoke", status, &body) {
            revoked.push(id.clone());
        }
    }
    for path in ["/health", "/boards/bon/did.json", "/boards/bon/status/0/revocation", "/boards/bon/log/checkpoints"] {
        let r = http.get(format!("{url}{path}")).send().await.unwrap();
        assert_eq!(r.status(), 200, "GET {path} while the storage is full");
    }
    for id in &issued {
        let (status, body) = get_status(&http, &url, &token, "bon", id).await;
        assert_eq!(status, 200, "{id} readable while the storage is full: {body}");
    }
    let ready = http.get(format!("{url}/ready")).send().await.unwrap();
    assert_eq!(ready.status(), 503, "not ready for writes");
    assert_eq!(ready.json::<Value>().await.unwrap()["code"], "storage_full");
    let metrics = http.get(format!("{url}/metrics")).send().await.unwrap();
    assert_eq!(metrics.status(), 200);
    assert!(server.child.try_wait().unwrap().is_none(), "the server survived the full disk");
    server.kill();

    // Room again: everything acknowledged is there, and writes work.
    let server = Server::start(&data, &public_url, &listen, &[]);
    let url = server.url.clone();
    for id in &issued {
        let (status, body) = get_status(&http, &url, &token, "bon", id).await;
        assert_eq!(status, 200, "acknowledged issuance {id} lost: {body}");
        assert_eq!(body["revoked"].as_bool(), Some(revoked.contains(id)), "{id}: {body}");
    }
    let (status, body, _) = issue(&http, &url, &token, "vc+jwt").await;
    assert_eq!(status, 201, "issuance works once there is room: {body}");
    let (status, body) = set_status(&http, &url, &token, "bon", &issued[issued.len() - 1], "suspend").await;
    assert_eq!(status, 200, "{body}");
}
