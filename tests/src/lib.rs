//! Shared harness for the end-to-end tests: a real medcred server on a random loopback port over a
//! fresh SQLite or PostgreSQL database, with a did:web board created for that port.

use std::sync::Arc;

use medcred_issuer::{Issuer, MasterKey, NewBoard, SystemClock};
use medcred_store::Db;

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

/// Start a server on `127.0.0.1:0` and create a did:web board for it.
pub async fn start(backend: Backend) -> anyhow::Result<Server> {
    let dir = tempfile::tempdir()?;
    let db = match backend {
        Backend::Sqlite => medcred_store::testing::fresh_sqlite(dir.path()).await?,
        Backend::Postgres => medcred_store::testing::fresh_postgres().await?,
    };
    start_on(db, dir).await
}

async fn start_on(db: Db, dir: tempfile::TempDir) -> anyhow::Result<Server> {
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
    let app = medcred_web::server::app(issuer.clone());
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
