//! Credential Issuer Metadata (OpenID4VCI 1.0 §12.2) and OAuth Authorization Server Metadata
//! (RFC 8414): where to find them, what this wallet reads from them, and the URL policy. Pure.

use std::collections::BTreeMap;

use reqwest::Url;
use serde::Deserialize;
use serde_json::Value;

use crate::error::WalletError;

/// Only `https`, except for this machine (`localhost`, `127.0.0.1`, `::1`), where `http` is
/// allowed for development and tests.
pub fn check_url(s: &str) -> Result<Url, WalletError> {
    let bad = |why: &str| WalletError::BadUrl { url: s.chars().take(200).collect(), why: why.into() };
    let url = Url::parse(s).map_err(|e| bad(&e.to_string()))?;
    let loopback = matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        _ => return Err(bad("must use https")),
    }
    if url.host_str().is_none() || url.fragment().is_some() {
        return Err(bad("must have a host and no fragment"));
    }
    Ok(url)
}

/// The well-known URL for `identifier` (RFC 8414 §3.1; OpenID4VCI §12.2.2): the well-known
/// segment goes between the host and the identifier's path.
pub fn well_known(identifier: &str, name: &str) -> Result<String, WalletError> {
    let mut url = check_url(identifier)?;
    if url.query().is_some() {
        return Err(WalletError::BadUrl { url: identifier.into(), why: "an identifier has no query".into() });
    }
    let path = url.path().trim_matches('/').to_owned();
    let new_path = if path.is_empty() { format!("/.well-known/{name}") } else { format!("/.well-known/{name}/{path}") };
    url.set_path(&new_path);
    Ok(url.to_string())
}

/// What the wallet reads of one credential configuration.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct ConfigurationMetadata {
    /// `dc+sd-jwt`, `ldp_vc`, `jwt_vc_json`, …
    pub format: String,
    /// SD-JWT VC type.
    pub vct: Option<String>,
    /// W3C formats: `{type, @context}`.
    pub credential_definition: Option<Value>,
    /// `jwk`, `did:jwk`, `did:key`, …
    #[serde(default)]
    pub cryptographic_binding_methods_supported: Vec<String>,
    /// `{jwt: {proof_signing_alg_values_supported: [...]}}`.
    #[serde(default)]
    pub proof_types_supported: BTreeMap<String, Value>,
}

/// What the wallet reads of the Credential Issuer Metadata.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct IssuerMetadata {
    /// Must equal the identifier the metadata was fetched for.
    pub credential_issuer: String,
    /// The Authorization Servers (absent: the issuer is its own).
    #[serde(default)]
    pub authorization_servers: Vec<String>,
    /// The Credential Endpoint.
    pub credential_endpoint: String,
    /// The Nonce Endpoint, if the issuer wants nonces in proofs.
    pub nonce_endpoint: Option<String>,
    /// Pre-1.0 issuers named the token endpoint here.
    pub token_endpoint: Option<String>,
    /// The configurations.
    pub credential_configurations_supported: BTreeMap<String, ConfigurationMetadata>,
}

impl IssuerMetadata {
    /// Read metadata fetched for `identifier` and check it against it (§12.2.4: simple string
    /// comparison) and the URL policy.
    pub fn from_json(v: Value, identifier: &str) -> Result<Self, WalletError> {
        let m: IssuerMetadata =
            serde_json::from_value(v).map_err(|e| WalletError::BadMetadata(format!("not issuer metadata: {e}")))?;
        if m.credential_issuer != identifier {
            return Err(WalletError::BadMetadata(format!(
                "credential_issuer {:?} is not the offer's issuer {identifier:?}",
                m.credential_issuer
            )));
        }
        check_url(&m.credential_endpoint)?;
        if let Some(n) = &m.nonce_endpoint {
            check_url(n)?;
        }
        Ok(m)
    }

    /// The configuration `id`.
    pub fn configuration(&self, id: &str) -> Result<&ConfigurationMetadata, WalletError> {
        self.credential_configurations_supported
            .get(id)
            .ok_or_else(|| WalletError::BadMetadata(format!("the issuer does not describe configuration {id:?}")))
    }

    /// The Authorization Server to ask for a token: the one the grant names (it must be listed),
    /// else the first listed, else the issuer itself.
    pub fn authorization_server(&self, hint: Option<&str>) -> Result<String, WalletError> {
        match (hint, self.authorization_servers.first()) {
            (Some(h), _) if self.authorization_servers.iter().any(|a| a == h) => Ok(h.to_owned()),
            (Some(h), _) => Err(WalletError::BadMetadata(format!("authorization_server {h:?} is not listed"))),
            (None, Some(first)) => Ok(first.clone()),
            (None, None) => Ok(self.credential_issuer.clone()),
        }
    }
}

/// What the wallet reads of the Authorization Server Metadata.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AuthorizationServerMetadata {
    /// Must equal the identifier it was fetched for.
    pub issuer: String,
    /// The Token Endpoint.
    pub token_endpoint: String,
}

impl AuthorizationServerMetadata {
    /// Read metadata fetched for `identifier` and check it.
    pub fn from_json(v: Value, identifier: &str) -> Result<Self, WalletError> {
        let m: AuthorizationServerMetadata = serde_json::from_value(v)
            .map_err(|e| WalletError::BadMetadata(format!("not authorization server metadata: {e}")))?;
        if m.issuer != identifier {
            return Err(WalletError::BadMetadata(format!("issuer {:?} is not {identifier:?}", m.issuer)));
        }
        check_url(&m.token_endpoint)?;
        Ok(m)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn well_known_goes_between_host_and_path() {
        let w = |id: &str| well_known(id, "openid-credential-issuer").expect("url");
        assert_eq!(w("https://issuer.example"), "https://issuer.example/.well-known/openid-credential-issuer");
        assert_eq!(
            w("https://issuer.example/tenant"),
            "https://issuer.example/.well-known/openid-credential-issuer/tenant"
        );
        assert_eq!(w("http://localhost:8080/"), "http://localhost:8080/.well-known/openid-credential-issuer");
        assert!(well_known("http://issuer.example", "x").is_err());
        assert!(well_known("https://issuer.example?a=b", "x").is_err());
    }

    #[test]
    fn metadata_must_name_the_issuer_it_was_fetched_for() {
        let v = json!({"credential_issuer": "https://a.example", "credential_endpoint": "https://a.example/c",
                       "credential_configurations_supported": {"x": {"format": "dc+sd-jwt"}}});
        let m = IssuerMetadata::from_json(v.clone(), "https://a.example").expect("matches");
        assert_eq!(m.configuration("x").expect("x").format, "dc+sd-jwt");
        assert!(m.configuration("y").is_err());
        assert_eq!(m.authorization_server(None).expect("self"), "https://a.example");
        assert!(m.authorization_server(Some("https://evil.example")).is_err());
        assert!(IssuerMetadata::from_json(v, "https://a.example/").is_err(), "no normalization");
    }
}
