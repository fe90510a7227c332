//! `medcred backup` / `medcred restore` as an operator runs them, on SQLite and PostgreSQL: a board
//! issues and revokes, the database is backed up while the server runs, restored into an empty
//! database with the same master key, and the restored deployment serves the same DID document,
//! checkpoint and status lists, and verifies the credentials with the same verdicts (the board's
//! keys still sealed, opened by the master key). Refusals: a non-empty target without --force, a
//! file that is no backup, a backup of the other database kind, the wrong master key.

mod common;

use std::path::Path;

use common::{command, create_board, free_port, run_ok, Server};
use serde_json::{json, Value};

fn fails(data: &Path, public_url: &str, db: Option<&str>, args: &[&str]) -> String {
    let mut c = command(data, public_url);
    if let Some(url) = db {
        c.env("DATABASE_URL", url);
    }
    let out = c.args(args).output().expect("run medcred");
    assert!(!out.status.success(), "medcred {args:?} should fail");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn ok_with(data: &Path, public_url: &str, db: Option<&str>, args: &[&str]) -> String {
    let mut c = command(data, public_url);
    if let Some(url) = db {
        c.env("DATABASE_URL", url);
    }
    let out = c.args(args).output().expect("run medcred");
    assert!(
        out.status.success(),
        "medcred {args:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn start(data: &Path, public_url: &str, listen: &str, db: Option<&str>) -> Server {
    match db {
        Some(url) => {
            // Server::start clears DATABASE_URL; pass it as a flag instead.
            Server::start(data, public_url, listen, &["--database-url", url])
        }
        None => Server::start(data, public_url, listen, &[]),
    }
}

fn license(n: u32) -> Value {
    json!({
        "type": ["VerifiableCredential", "MedicalLicenseCredential"],
        "validUntil": "2030-01-01T00:00:00Z",
        "credentialSubject": {"practitionerName": format!("Nurse {n}"), "licenseType": "RN",
            "licenseNumber": format!("RN-{n}"), "jurisdiction": "US-NJ", "originalIssueDate": "2015-01-01"}
    })
}

/// What a deployment shows: DID document, checkpoint, revocation list, and two verdicts.
async fn observe(http: &reqwest::Client, url: &str, vcs: &[Value]) -> (String, String, String, Vec<bool>) {
    let get = |path: String| {
        let http = http.clone();
        async move { http.get(path).send().await.expect("get").text().await.expect("text") }
    };
    let did = get(format!("{url}/boards/nj/did.json")).await;
    let checkpoint = get(format!("{url}/boards/nj/log/checkpoint")).await;
    let list = get(format!("{url}/boards/nj/status/0/revocation")).await;
    let mut verdicts = Vec::new();
    for vc in vcs {
        let r: Value = http
            .post(format!("{url}/credentials/verify"))
            .json(&json!({"verifiableCredential": vc}))
            .send()
            .await
            .expect("verify")
            .json()
            .await
            .expect("json");
        verdicts.push(r["verified"].as_bool().expect("verified"));
    }
    (did, checkpoint, list, verdicts)
}

async fn round_trip(db: Option<(String, String)>) {
    let dir = tempfile::tempdir().expect("tmp");
    let (source, target) = (dir.path().join("source"), dir.path().join("target"));
    let port = free_port("127.0.0.1");
    let public_url = format!("http://localhost:{port}");
    let listen = format!("127.0.0.1:{port}");
    let (source_db, target_db) = match &db {
        Some((a, b)) => (Some(a.as_str()), Some(b.as_str())),
        None => (None, None),
    };
    let token = {
        let mut c = command(&source, &public_url);
        if let Some(url) = source_db {
            c.env("DATABASE_URL", url);
        }
        let out = c.args(["board", "create", "--slug", "nj", "--name", "NJ Board"]).output().expect("run");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        text.lines()
            .find_map(|l| l.strip_prefix("admin token: "))
            .and_then(|r| r.split_whitespace().next())
            .expect("token")
            .to_owned()
    };
    let _ = create_board; // the helper clears DATABASE_URL; the board is made above
    let http = reqwest::Client::new();

    let server = start(&source, &public_url, &listen, source_db);
    let mut vcs = Vec::new();
    let mut ids = Vec::new();
    for n in 0..2 {
        let r: Value = http
            .post(format!("{}/credentials/issue", server.url))
            .bearer_auth(&token)
            .json(&json!({"credential": license(n), "options": {"format": "eddsa-jcs-2022"}}))
            .send()
            .await
            .expect("issue")
            .json()
            .await
            .expect("json");
        vcs.push(r["verifiableCredential"].clone());
    }
    let listed: Value = http
        .get(format!("{}/boards/nj/credentials", server.url))
        .bearer_auth(&token)
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    for c in listed["credentials"].as_array().expect("credentials") {
        ids.push((c["id"].as_str().expect("id").to_owned(), c["licenseNumber"].clone()));
    }
    // Revoke the credential of RN-1 (whichever row it is).
    let revoke = ids.iter().find(|(_, n)| n == "RN-1").map(|(id, _)| id.clone()).unwrap_or_else(|| ids[1].0.clone());
    let r = http
        .post(format!("{}/boards/nj/credentials/{revoke}/status", server.url))
        .bearer_auth(&token)
        .json(&json!({"action": "revoke", "reason": "board order 7"}))
        .send()
        .await
        .expect("revoke");
    assert_eq!(r.status(), 200);
    let before = observe(&http, &server.url, &vcs).await;
    assert_eq!(before.3.iter().filter(|v| **v).count(), 1, "one valid, one revoked: {:?}", before.3);

    // Back up while the server runs.
    let file = dir.path().join(if db.is_some() { "medcred.pgdump" } else { "medcred.sqlite.bak" });
    let out = ok_with(&source, &public_url, source_db, &["backup", file.to_str().expect("path")]);
    assert!(out.contains("backup written"), "{out}");
    assert!(fails(&source, &public_url, source_db, &["backup", file.to_str().expect("path")]).contains("exists"));
    drop(server);

    // Refusals first.
    std::fs::create_dir_all(&target).expect("mkdir");
    let garbage = dir.path().join("garbage.bin");
    std::fs::write(&garbage, b"{\"not\": \"a backup\"}").expect("write");
    let err = fails(&target, &public_url, target_db, &["restore", garbage.to_str().expect("path")]);
    assert!(err.contains("neither an SQLite database nor a pg_dump archive"), "{err}");
    let err = fails(&source, &public_url, source_db, &["restore", file.to_str().expect("path")]);
    assert!(err.contains("--force"), "a non-empty database is not overwritten silently: {err}");
    // The wrong master key: the restore completes but the check refuses to go on with it.
    let wrong = dir.path().join("wrong");
    std::fs::create_dir_all(&wrong).expect("mkdir");
    let wrong_db = match &db {
        Some(_) => Some(medcred_store::testing::fresh_postgres_url().await.expect("pg")),
        None => None,
    };
    let err = fails(&wrong, &public_url, wrong_db.as_deref(), &["restore", file.to_str().expect("path")]);
    assert!(err.contains("master key"), "{err}");

    // The real restore: the same master key, an empty database.
    std::fs::copy(source.join("master.key"), target.join("master.key")).expect("copy key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(target.join("master.key"), std::fs::Permissions::from_mode(0o600)).expect("chmod");
    }
    let out = ok_with(&target, &public_url, target_db, &["restore", file.to_str().expect("path")]);
    assert!(out.contains("restored 1 board"), "{out}");
    let restored = start(&target, &public_url, &listen, target_db);
    // A new client: the old one's pooled connections went to the killed server on this port.
    let http = reqwest::Client::new();
    let after = observe(&http, &restored.url, &vcs).await;
    assert_eq!(before.0, after.0, "same DID document");
    assert_eq!(before.1, after.1, "same signed checkpoint");
    assert_eq!(before.2, after.2, "same revocation list");
    assert_eq!(before.3, after.3, "same verdicts");
    // The restored board can still sign: its sealed keys open with the master key.
    let r = http
        .post(format!("{}/credentials/issue", restored.url))
        .bearer_auth(&token)
        .json(&json!({"credential": license(9), "options": {"format": "vc+jwt"}}))
        .send()
        .await
        .expect("issue");
    assert_eq!(r.status(), 201, "issuing after restore");
    let _ = run_ok;
}

#[tokio::test]
async fn sqlite_backup_round_trips_everything() {
    round_trip(None).await;
}

#[tokio::test]
async fn postgres_backup_round_trips_everything() {
    let a = medcred_store::testing::fresh_postgres_url().await.expect("pg");
    let b = medcred_store::testing::fresh_postgres_url().await.expect("pg");
    round_trip(Some((a, b))).await;
}
