//! did:web DIDs to the URL of their DID document (did:web method spec §3.2): `did:web:host` →
//! `https://host/.well-known/did.json`, `did:web:host%3A8080:a:b` → `https://host:8080/a/b/did.json`.
//! Loopback and private IPv4 hosts (and `localhost`) use http, as ssi does, for local deployments.
//! The same origin serves the host's DID Configuration (domain linkage) at
//! `/.well-known/did-configuration.json` ([`configuration_url`]).

use medcred_verifier::linkage::DID_CONFIGURATION_PATH;
use medcred_verifier::ResolveError;

/// The document URL of a `did:web`.
pub fn document_url(did: &str) -> Result<String, ResolveError> {
    let rest = did.strip_prefix("did:web:").ok_or(ResolveError::InvalidDid)?;
    let mut parts = rest.split(':');
    let origin = origin(parts.next().unwrap_or_default())?;
    if rest.contains('?') || rest.contains('/') {
        return Err(ResolveError::InvalidDid);
    }
    let path: Vec<&str> = parts.collect();
    let segment_ok = |s: &&str| {
        !s.is_empty()
            && *s != "."
            && *s != ".."
            && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b))
    };
    if !path.iter().all(segment_ok) {
        return Err(ResolveError::InvalidDid);
    }
    Ok(if path.is_empty() {
        format!("{origin}/.well-known/did.json")
    } else {
        format!("{origin}/{}/did.json", path.join("/"))
    })
}

/// The origin serving the did:web host `host` as written in the DID (`board.example`,
/// `localhost%3A8080`): `https://host[:port]`, or `http://` for a local host.
pub fn origin(host: &str) -> Result<String, ResolveError> {
    let host = host.replace("%3A", ":");
    let host_ok = host.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'));
    if host.is_empty() || !host_ok {
        return Err(ResolveError::InvalidDid);
    }
    let scheme = if is_local(&host) { "http" } else { "https" };
    Ok(format!("{scheme}://{host}"))
}

/// Where the origin serving the did:web host `host` publishes its DID Configuration.
pub fn configuration_url(host: &str) -> Result<String, ResolveError> {
    Ok(format!("{}{DID_CONFIGURATION_PATH}", origin(host)?))
}

/// `localhost`, loopback and private IPv4 hosts (with or without a port).
fn is_local(host: &str) -> bool {
    let name =
        host.rsplit_once(':').map_or(host, |(h, port)| if port.bytes().all(|b| b.is_ascii_digit()) { h } else { host });
    if name == "localhost" {
        return true;
    }
    match name.parse::<std::net::Ipv4Addr>() {
        Ok(ip) => ip.is_loopback() || ip.is_private(),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_dids_to_urls() {
        assert_eq!(
            document_url("did:web:w3c-ccg.github.io").expect("url"),
            "https://w3c-ccg.github.io/.well-known/did.json"
        );
        assert_eq!(
            document_url("did:web:example.com:boards:nj-bon").expect("url"),
            "https://example.com/boards/nj-bon/did.json"
        );
        assert_eq!(
            document_url("did:web:localhost%3A8080:boards:nj-bon").expect("url"),
            "http://localhost:8080/boards/nj-bon/did.json"
        );
        assert_eq!(document_url("did:web:127.0.0.1%3A9").expect("url"), "http://127.0.0.1:9/.well-known/did.json");
        for bad in [
            "did:web:",
            "did:key:z6Mk",
            "did:web:a.example:..:x",
            "did:web:a.example/x",
            "did:web:a b",
            "did:web:a.example::x",
        ] {
            assert_eq!(document_url(bad), Err(ResolveError::InvalidDid), "{bad}");
        }
    }

    #[test]
    fn maps_hosts_to_their_did_configuration() {
        assert_eq!(
            configuration_url("identity.foundation").expect("url"),
            "https://identity.foundation/.well-known/did-configuration.json"
        );
        assert_eq!(origin("localhost%3A8080").expect("origin"), "http://localhost:8080");
        assert_eq!(origin("10.0.0.7").expect("origin"), "http://10.0.0.7");
        for bad in ["", "a b", "a/b", "a#b", "a%2Fb"] {
            assert_eq!(origin(bad), Err(ResolveError::InvalidDid), "{bad}");
        }
    }
}
