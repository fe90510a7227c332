//! Shared JSON-RPC plumbing: URL checks, per-call timeouts, and mapping client errors onto
//! [`AnchorError`].

use std::future::IntoFuture;
use std::time::Duration;

use alloy::transports::http::reqwest::Url;
use alloy::transports::{RpcError, TransportError};

use crate::error::AnchorError;

/// How long one JSON-RPC call may take before the node counts as unreachable.
pub(crate) const RPC_TIMEOUT: Duration = Duration::from_secs(30);

/// A parsed RPC URL and the part of it that is safe to print (no path, query or credentials, which
/// often carry API keys).
pub(crate) struct Endpoint {
    pub(crate) url: Url,
    pub(crate) shown: String,
}

impl Endpoint {
    pub(crate) fn parse(rpc_url: &str) -> Result<Self, AnchorError> {
        let url: Url = rpc_url.parse().map_err(|_| AnchorError::BadConfig("RPC URL does not parse".into()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(AnchorError::BadConfig(format!("RPC URL scheme {:?} is not http or https", url.scheme())));
        }
        let host = url.host_str().ok_or_else(|| AnchorError::BadConfig("RPC URL has no host".into()))?;
        let shown = match url.port() {
            Some(port) => format!("{}://{host}:{port}", url.scheme()),
            None => format!("{}://{host}", url.scheme()),
        };
        Ok(Self { url, shown })
    }

    /// Runs one RPC call under [`RPC_TIMEOUT`] and maps its error.
    pub(crate) async fn call<T>(
        &self,
        method: &'static str,
        call: impl IntoFuture<Output = Result<T, TransportError>>,
    ) -> Result<T, AnchorError> {
        match tokio::time::timeout(RPC_TIMEOUT, call.into_future()).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error)) => Err(self.error(method, error)),
            Err(_) => Err(self.timed_out()),
        }
    }

    /// Transport failures mean the node was not reached; anything else is the node's answer.
    pub(crate) fn error(&self, method: &'static str, error: TransportError) -> AnchorError {
        match error {
            RpcError::Transport(kind) => AnchorError::Unreachable { url: self.shown.clone(), source: Box::new(kind) },
            other => AnchorError::Rpc { method, source: Box::new(other) },
        }
    }

    pub(crate) fn timed_out(&self) -> AnchorError {
        AnchorError::Unreachable { url: self.shown.clone(), source: format!("no answer within {RPC_TIMEOUT:?}").into() }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn shows_only_scheme_host_and_port() {
        let endpoint = Endpoint::parse("https://user:pw@rpc.example/v3/SECRETKEY?x=1").unwrap();
        assert_eq!(endpoint.shown, "https://rpc.example");
        assert_eq!(Endpoint::parse("http://127.0.0.1:8545").unwrap().shown, "http://127.0.0.1:8545");
    }

    #[test]
    fn rejects_bad_urls() {
        for bad in ["", "not a url", "ws://127.0.0.1:8546", "file:///tmp/x"] {
            assert!(matches!(Endpoint::parse(bad), Err(AnchorError::BadConfig(_))), "{bad}");
        }
    }
}
