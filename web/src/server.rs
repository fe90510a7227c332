//! The HTTP server: composes every router, adds health and tracing, binds (HTTP or HTTPS with
//! rustls) and shuts down gracefully on Ctrl-C / SIGTERM.

use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use medcred_app::server::AppState;
use medcred_hospital::{Hospitals, MonitorSettings};
use medcred_issuer::Issuer;
use medcred_registry_service::witness::WitnessService;
use medcred_registry_service::Registry;
use medcred_verifier::trust::TrustList;
use medcred_verifier_service::fetch::Generation;
use medcred_verifier_service::{Clock, Fetcher, HttpFetcher, LocalFirst, RouterFetcher, Settings, Sources, Verifier};
use serde_json::json;

use crate::edge::metrics::{self, MetricsState};
use crate::edge::Edge;

/// Set up tracing (text or JSON), filtered by `RUST_LOG` (default info).
pub fn init_tracing(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn".into());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

/// How long verifiers may cache a status list (milliseconds): revocations show within this.
pub const STATUS_LIST_TTL_MS: u64 = 5_000;

/// How often hospital monitoring re-checks every watched credential, besides the rounds that
/// follow each committed batch of this deployment's status changes.
pub const MONITOR_EVERY: Duration = Duration::from_secs(300);

/// The roles and settings of one deployment beyond its database.
pub struct AppOptions {
    /// The witness role, when this deployment witnesses other logs.
    pub witness: Option<WitnessService>,
    /// The trust list of accredited boards.
    pub trust: Option<TrustList>,
    /// How often hospital monitoring runs a round on its own.
    pub monitor_every: Duration,
    /// Where the web app's static files are (`<site_root>/pkg`: the hydration bundle that
    /// `scripts/build-app.sh` builds). Without them the pages still work, unhydrated.
    pub site_root: String,
    /// Request ids, load shedding, rate limits, security headers, logs and metrics.
    pub edge: Edge,
}

/// The default site root: `$MEDCRED_SITE_ROOT`, else `site` in the working directory.
pub fn default_site_root() -> String {
    std::env::var("MEDCRED_SITE_ROOT").unwrap_or_else(|_| "site".into())
}

impl Default for AppOptions {
    fn default() -> Self {
        Self {
            witness: None,
            trust: None,
            monitor_every: MONITOR_EVERY,
            site_root: default_site_root(),
            edge: Edge::default(),
        }
    }
}

/// The whole application router. Starts the registry's committer and the hospitals' monitor:
/// call inside a Tokio runtime.
pub fn app(issuer: Issuer) -> Router {
    let registry = Registry::new(issuer.clone(), STATUS_LIST_TTL_MS);
    app_with(issuer, registry, AppOptions::default())
}

/// The application router over an existing registry (the CLI and tests share its committer),
/// with the witness routes when this deployment is a witness, `trust` for issuer trust, and the
/// hospitals' monitor started.
pub fn app_with(issuer: Issuer, registry: Registry, options: AppOptions) -> Router {
    let health = Router::new()
        .route("/health", get(|| async { Json(json!({"status": "ok"})) }))
        .route("/ready", get(ready))
        .with_state(issuer.clone());
    // A read-only database (`serve --read-only`, a replica): the edge refuses every request that
    // would write, and nothing that writes runs in the background.
    let read_only = issuer.db().read_only();
    let edge = if read_only { options.edge.read_only() } else { options.edge };
    let generation = registry.clone();
    let generation: Generation = Arc::new(move || generation.generation());
    let commits = registry.subscribe();
    let documents = medcred_issuer::router(issuer.clone())
        .merge(medcred_registry_service::router(registry.clone()))
        .merge(medcred_hospital::public_router(issuer.clone()));
    let verifier = verifier_for(&issuer, documents.clone(), generation);
    if let Some(list) = options.trust {
        verifier.set_trust_list(list);
    }
    let hospitals = Hospitals::new(&issuer, verifier.clone(), MonitorSettings::default());
    if !read_only {
        hospitals.spawn_monitor_leased(options.monitor_every, Some(commits), registry.sequencer().cloned());
    }
    let pages = medcred_app::server::router(
        AppState::new(verifier.clone())
            .with_boards(registry)
            .with_hospitals(hospitals.clone())
            .with_account_limits(edge.account_limits()),
        options.site_root,
    );
    let metrics = Router::new().route("/metrics", get(metrics::handler)).with_state(MetricsState {
        metrics: edge.metrics.clone(),
        verifier: verifier.clone(),
        issuer: issuer.clone(),
    });
    let mut app = documents
        .merge(medcred_verifier_service::router(verifier))
        .merge(medcred_hospital::router(hospitals))
        .merge(health)
        .merge(metrics)
        .merge(pages);
    if let Some(w) = options.witness {
        app = app.merge(medcred_registry_service::witness::router(w));
    }
    edge.wrap(app)
}

/// The verifier service: this deployment's own DID documents and status lists answered in process
/// by `documents`, cached only while the registry's `generation` stands (so a revocation is seen
/// by the next verification), every other URL over HTTP with caching.
pub fn verifier_for(issuer: &Issuer, documents: Router, generation: Generation) -> Verifier {
    let local = RouterFetcher::new(issuer.public_url(), documents).with_generation(generation);
    let fetcher: Arc<dyn Fetcher> = match HttpFetcher::new() {
        Ok(http) => Arc::new(LocalFirst::new(local, Arc::new(http))),
        Err(e) => {
            tracing::warn!(error = %e, "no HTTP client: the verifier reaches this deployment's documents only");
            Arc::new(local)
        }
    };
    let clock_source = issuer.clone();
    let clock: Clock = Arc::new(move || clock_source.clock().now());
    Verifier::new(Sources::new(fetcher), Settings::default(), clock)
}

/// How long the readiness probe waits for the database: a database that does not answer within
/// this is reported down at once rather than after the pool's acquire timeout.
pub const READY_TIMEOUT: Duration = Duration::from_secs(2);

/// `GET /ready`: 200 when the database answers, else 503 with a code; `mode` says whether this
/// process writes (`read-write`) or serves a replica (`read-only`).
async fn ready(State(issuer): State<Issuer>) -> (StatusCode, Json<serde_json::Value>) {
    let mode = if issuer.db().read_only() { "read-only" } else { "read-write" };
    let (why, code) = match tokio::time::timeout(READY_TIMEOUT, issuer.db().ping()).await {
        Ok(Ok(())) => return (StatusCode::OK, Json(json!({"status": "ready", "mode": mode}))),
        Ok(Err(e @ medcred_store::StoreError::Full(_))) => (e.to_string(), "storage_full"),
        Ok(Err(e)) => (e.to_string(), "database_unavailable"),
        Err(_) => (format!("no answer within {READY_TIMEOUT:?}"), "database_unavailable"),
    };
    tracing::warn!(error = %why, "not ready");
    (StatusCode::SERVICE_UNAVAILABLE, Json(json!({"status": "unavailable", "code": code, "mode": mode})))
}

/// TLS material: PEM certificate chain and private key files.
pub struct Tls {
    pub cert: PathBuf,
    pub key: PathBuf,
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}

/// Serve `app` on an already-bound listener until a shutdown signal.
pub async fn serve(listener: TcpListener, app: Router, tls: Option<Tls>) -> anyhow::Result<()> {
    listener.set_nonblocking(true)?;
    match tls {
        None => {
            let listener = tokio::net::TcpListener::from_std(listener)?;
            axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
                .with_graceful_shutdown(shutdown_signal())
                .await?;
        }
        Some(tls) => {
            // Several crypto providers are compiled in (ring; aws-lc-rs through alloy's reqwest):
            // choose ring for the process, once. An error means one was already installed.
            let _ = rustls::crypto::ring::default_provider().install_default();
            let config =
                axum_server::tls_rustls::RustlsConfig::from_pem_file(&tls.cert, &tls.key).await.with_context(|| {
                    format!("loading TLS certificate {} and key {}", tls.cert.display(), tls.key.display())
                })?;
            let handle = axum_server::Handle::new();
            let h = handle.clone();
            tokio::spawn(async move {
                shutdown_signal().await;
                h.graceful_shutdown(Some(Duration::from_secs(10)));
            });
            axum_server::from_tcp_rustls(listener, config)
                .handle(handle)
                .serve(app.into_make_service_with_connect_info::<SocketAddr>())
                .await?;
        }
    }
    Ok(())
}
