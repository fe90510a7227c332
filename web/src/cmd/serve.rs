//! `medcred serve`: bind, print the URL, serve until a shutdown signal.

use std::net::TcpListener;

use anyhow::Context;

use crate::cli::{Global, ServeArgs};
use crate::config;
use crate::server::{self, Tls};

/// Bind `args.listen` (before anything else, so port 0 resolves) and return the listener with the
/// public URL it implies.
pub(crate) fn bind(g: &Global, args: &ServeArgs, tls: bool) -> anyhow::Result<(TcpListener, String)> {
    let listener = TcpListener::bind(args.listen).with_context(|| format!("binding {}", args.listen))?;
    let addr = listener.local_addr()?;
    Ok((listener, config::public_url(g, Some(addr), tls)))
}

pub(crate) async fn run(g: &Global, args: ServeArgs) -> anyhow::Result<()> {
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Some(Tls { cert: cert.clone(), key: key.clone() }),
        _ => None,
    };
    let (listener, public_url) = bind(g, &args, tls.is_some())?;
    let issuer = config::issuer(g, public_url.clone()).await?;
    println!("medcred listening on {} (public URL {public_url})", listener.local_addr()?);
    let db = issuer.db().clone();
    server::serve(listener, server::app(issuer), tls).await?;
    db.close().await;
    Ok(())
}
