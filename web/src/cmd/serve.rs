//! `medcred serve`: bind, print the URL, serve until a shutdown signal.

use std::net::TcpListener;

use anyhow::Context;
use axum::Router;
use medcred_issuer::{Issuer, Sequencer};

use crate::cli::{Global, ServeArgs};
use medcred_registry_service::Registry;

use crate::config;
use crate::edge::{Edge, Limits};
use crate::roles;
use crate::server::{self, Tls, STATUS_LIST_TTL_MS};

/// Bind `args.listen` (before anything else, so port 0 resolves) and return the listener with the
/// public URL it implies.
pub(crate) fn bind(g: &Global, args: &ServeArgs, tls: bool) -> anyhow::Result<(TcpListener, String)> {
    let listener = TcpListener::bind(args.listen).with_context(|| format!("binding {}", args.listen))?;
    let addr = listener.local_addr()?;
    Ok((listener, config::public_url(g, Some(addr), tls)))
}

/// The TLS files, when both the certificate and the key are given (by flag, environment or
/// configuration file); one without the other is an error, not a silent fall back to HTTP.
pub(crate) fn tls_of(args: &ServeArgs) -> anyhow::Result<Option<Tls>> {
    match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Ok(Some(Tls { cert: cert.clone(), key: key.clone() })),
        (None, None) => Ok(None),
        (Some(_), None) => {
            anyhow::bail!("a TLS certificate without its key: give --tls-key (MEDCRED_TLS_KEY, tls.key)")
        }
        (None, Some(_)) => {
            anyhow::bail!("a TLS key without its certificate: give --tls-cert (MEDCRED_TLS_CERT, tls.cert)")
        }
    }
}

pub(crate) async fn run(g: &Global, args: ServeArgs) -> anyhow::Result<()> {
    let tls = tls_of(&args)?;
    if args.read_only {
        roles::check_read_only(&args)?;
    }
    let (listener, public_url) = bind(g, &args, tls.is_some())?;
    let issuer = if args.read_only {
        config::read_only_issuer(g, public_url.clone()).await?
    } else {
        config::issuer(g, public_url.clone()).await?
    };
    let (app, sequencer) = app_for(&issuer, g, &args).await?;
    println!("medcred listening on {} (public URL {public_url})", listener.local_addr()?);
    let db = issuer.db().clone();
    server::serve(listener, app, tls).await?;
    if let Some(s) = sequencer {
        s.release_all().await;
    }
    db.close().await;
    Ok(())
}

/// The application with the registry roles the flags ask for (witness, peers, anchoring) and the
/// trust list; prints the witness key when this deployment witnesses.
pub(crate) async fn app_for(
    issuer: &Issuer,
    g: &Global,
    args: &ServeArgs,
) -> anyhow::Result<(Router, Option<Sequencer>)> {
    let trust = match &args.trust_list {
        Some(file) => Some(crate::trust::load(issuer, file, &args.trust_list_keys).await?),
        None => None,
    };
    if let Some(t) = &trust {
        println!("trust list: {} accredited issuer(s), sequence {}, signed by {}", t.entries.len(), t.sequence, t.iss);
    }
    let (registry, witness) = if issuer.db().read_only() {
        println!("read-only: serving a replica; requests that would write are refused (503 read_only)");
        (Registry::read_only(issuer.clone(), STATUS_LIST_TTL_MS, roles::head_watch_every(args)?), None)
    } else {
        let options = roles::registry_options(issuer, args)?;
        let witness = roles::witness_service(issuer, &g.data_dir, args)?;
        let (peers, anchoring) = (options.peers.len(), options.anchor.is_some());
        tracing::info!(witness = witness.is_some(), peers, anchoring, "registry roles");
        (Registry::start(issuer.clone(), options), witness)
    };
    let sequencer = registry.sequencer().cloned();
    if let Some(s) = &sequencer {
        println!("node id: {} (role leases of {} ms)", s.node_id(), s.lease().as_millis());
    }
    if let Some(w) = &witness {
        println!("witness key: {}", w.verifier_key());
    }
    let monitor_every = std::time::Duration::from_secs(args.monitor_every.max(1));
    let site_root = args.site_root.clone().unwrap_or_else(server::default_site_root);
    let tls = args.tls_cert.is_some() || args.self_signed;
    let edge = Edge::new(Limits::with(&args.rate_limits), args.max_in_flight, tls);
    let options = server::AppOptions { witness, trust, monitor_every, site_root, edge };
    Ok((server::app_with(issuer.clone(), registry, options), sequencer))
}
