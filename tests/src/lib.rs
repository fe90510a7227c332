//! Shared harness for the end-to-end tests: a real medcred server on a random loopback port over a
//! fresh SQLite or PostgreSQL database, with a did:web board created for that port.

use std::sync::Arc;

use medcred_issuer::{Issuer, MasterKey, NewBoard, SystemClock};
use medcred_registry::note::{Cosigner, KeyName};
use medcred_registry_service::witness::WitnessService;
use medcred_registry_service::Registry;
use medcred_store::Db;
use medcred_verifier::trust::{Accreditation, TrustList};
use medcred_web::edge::Edge;
use medcred_web::server::{app_with, AppOptions, STATUS_LIST_TTL_MS};

pub mod api;
pub mod browser;
pub mod interop;
pub mod seed;

/// Which database a test runs on.
#[derive(Debug, Clone, Copy)]
pub enum Backend {
    /// A fresh SQLite file.
    Sqlite,
    /// A fresh PostgreSQL database on 127.0.0.1:5432.
    Postgres,
}

/// A running server.
pub struct Server {
    /// `http://localhost:<port>`.
    pub url: String,
    /// The demo board's DID (`did:web:localhost%3A<port>:boards:e2e`).
    pub board_did: String,
    /// Its admin token.
    pub admin_token: String,
    /// The service (for direct inspection).
    pub issuer: Issuer,
    _dir: tempfile::TempDir,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Start a server on `127.0.0.1:0` and create a did:web board for it. No trust list.
pub async fn start(backend: Backend) -> anyhow::Result<Server> {
    start_with(backend, false).await
}

/// [`start`], with a trust list accrediting the board for licenses and patient identities in
/// US-NJ (what a hospital's own flows require).
pub async fn start_trusted(backend: Backend) -> anyhow::Result<Server> {
    start_with(backend, true).await
}

/// [`start_trusted`] behind `edge` (rate limits, in-flight limit) instead of the default one.
pub async fn start_with_edge(backend: Backend, edge: Edge) -> anyhow::Result<Server> {
    let dir = tempfile::tempdir()?;
    start_on(fresh(backend, &dir).await?, dir, Roles { trusted: true, witness: false }, edge).await
}

/// [`start_with_edge`], with every optional role as well: this deployment also witnesses other
/// logs (`/witness` routes), as `medcred serve --witness` does.
pub async fn start_all_in_one(backend: Backend, edge: Edge) -> anyhow::Result<Server> {
    let dir = tempfile::tempdir()?;
    start_on(fresh(backend, &dir).await?, dir, Roles { trusted: true, witness: true }, edge).await
}

async fn start_with(backend: Backend, trusted: bool) -> anyhow::Result<Server> {
    let dir = tempfile::tempdir()?;
    start_on(fresh(backend, &dir).await?, dir, Roles { trusted, witness: false }, Edge::default()).await
}

/// The optional roles of a test server.
struct Roles {
    /// A trust list accrediting the board.
    trusted: bool,
    /// The witness routes.
    witness: bool,
}

async fn fresh(backend: Backend, dir: &tempfile::TempDir) -> anyhow::Result<Db> {
    Ok(match backend {
        Backend::Sqlite => medcred_store::testing::fresh_sqlite(dir.path()).await?,
        Backend::Postgres => medcred_store::testing::fresh_postgres().await?,
    })
}

/// A trust list (unsigned: handed to the verifier directly) accrediting `board`.
fn trust_list(board: &medcred_store::BoardRow) -> TrustList {
    let now = chrono::Utc::now().timestamp();
    TrustList {
        iss: "did:example:e2e-federation".into(),
        iat: now,
        exp: now + 86_400,
        sequence: 1,
        entries: vec![Accreditation {
            did: board.did.clone(),
            name: board.name.clone(),
            credential_types: vec!["MedicalLicenseCredential".into(), "PatientIdentityCredential".into()],
            jurisdictions: vec!["US-NJ".into()],
            valid_from: None,
            valid_until: None,
        }],
    }
}

async fn start_on(db: Db, dir: tempfile::TempDir, roles: Roles, edge: Edge) -> anyhow::Result<Server> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let port = listener.local_addr()?.port();
    let url = format!("http://localhost:{port}");
    let issuer = Issuer::new(db, MasterKey::generate(), Arc::new(SystemClock), url.clone());
    issuer.check_master_key().await?;
    let created = issuer
        .create_board(&NewBoard {
            slug: "e2e".into(),
            name: "E2E Board of Medicine".into(),
            did_key: false,
            host_did: false,
        })
        .await?;
    let registry = Registry::new(issuer.clone(), STATUS_LIST_TTL_MS);
    let trust = roles.trusted.then(|| trust_list(&created.board));
    let witness = if roles.witness {
        let name =
            KeyName::new(format!("localhost:{port}/witness")).map_err(|e| anyhow::anyhow!("witness key name: {e}"))?;
        let cosigner = Cosigner::new(name, ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng));
        Some(WitnessService::new(issuer.db().clone(), cosigner, Arc::new(SystemClock)))
    } else {
        None
    };
    let app = app_with(issuer.clone(), registry, AppOptions { trust, edge, witness, ..AppOptions::default() });
    let task = tokio::spawn(async move {
        if let Err(e) = medcred_web::server::serve(listener, app, None).await {
            eprintln!("server stopped: {e:#}");
        }
    });
    Ok(Server {
        url,
        board_did: created.board.did,
        admin_token: created.admin_token.to_string(),
        issuer,
        _dir: dir,
        task,
    })
}
