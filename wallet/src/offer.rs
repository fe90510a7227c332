//! Credential Offers (OpenID4VCI 1.0 §4.1): reading `openid-credential-offer://` URLs (by value
//! with `credential_offer`, by reference with `credential_offer_uri`) and the offer object. Pure.

use std::collections::BTreeMap;

use reqwest::Url;
use serde::Deserialize;
use serde_json::Value;

use crate::error::WalletError;
use crate::metadata::check_url;

/// The pre-authorized code grant type.
pub const PRE_AUTHORIZED_GRANT: &str = "urn:ietf:params:oauth:grant-type:pre-authorized_code";
/// Longest offer URL or offer document accepted.
pub const MAX_OFFER_LEN: usize = 64 * 1024;

/// Where the offer is.
#[derive(Debug, Clone, PartialEq)]
pub enum OfferRef {
    /// In the URL itself.
    Value(CredentialOffer),
    /// At this URL (to fetch with GET).
    Uri(String),
}

/// A Credential Offer object.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CredentialOffer {
    /// The Credential Issuer Identifier.
    pub credential_issuer: String,
    /// What is offered (keys of `credential_configurations_supported`).
    pub credential_configuration_ids: Vec<String>,
    /// The grants; this wallet uses the pre-authorized code grant.
    #[serde(default)]
    pub grants: BTreeMap<String, Value>,
}

/// What the issuer says about the transaction code it expects.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct TxCode {
    /// `numeric` (default) or `text`.
    pub input_mode: Option<String>,
    /// Its length.
    pub length: Option<u32>,
    /// How to get it (shown to the holder; at most 300 characters).
    pub description: Option<String>,
}

/// The pre-authorized code grant of an offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreAuthorizedGrant {
    /// The code.
    pub code: String,
    /// Present when a transaction code is required (even if empty).
    pub tx_code: Option<TxCode>,
    /// The Authorization Server to use, when the issuer names several.
    pub authorization_server: Option<String>,
}

impl CredentialOffer {
    /// Read an offer object and check what this wallet needs.
    pub fn from_json(v: Value) -> Result<Self, WalletError> {
        let offer: CredentialOffer =
            serde_json::from_value(v).map_err(|e| WalletError::BadOffer(format!("not an offer object: {e}")))?;
        check_url(&offer.credential_issuer)?;
        if offer.credential_configuration_ids.is_empty() {
            return Err(WalletError::BadOffer("credential_configuration_ids is empty".into()));
        }
        offer.pre_authorized()?;
        Ok(offer)
    }

    /// The pre-authorized code grant (the only flow this wallet runs).
    pub fn pre_authorized(&self) -> Result<PreAuthorizedGrant, WalletError> {
        let grant = self.grants.get(PRE_AUTHORIZED_GRANT).ok_or_else(|| {
            WalletError::BadOffer("no pre-authorized code grant (the authorization code flow is not supported)".into())
        })?;
        let code = grant
            .get("pre-authorized_code")
            .and_then(Value::as_str)
            .filter(|c| !c.is_empty())
            .ok_or_else(|| WalletError::BadOffer("pre-authorized_code is missing".into()))?;
        let tx_code = match grant.get("tx_code") {
            None => None,
            Some(v) => {
                Some(serde_json::from_value(v.clone()).map_err(|e| WalletError::BadOffer(format!("tx_code: {e}")))?)
            }
        };
        let authorization_server = grant.get("authorization_server").and_then(Value::as_str).map(str::to_owned);
        Ok(PreAuthorizedGrant { code: code.to_owned(), tx_code, authorization_server })
    }
}

/// Read an offer URL: `openid-credential-offer://?credential_offer=<json>` or
/// `…?credential_offer_uri=<https URL>` (any scheme carrying one of the two parameters).
pub fn parse_offer_url(s: &str) -> Result<OfferRef, WalletError> {
    let s = s.trim();
    if s.len() > MAX_OFFER_LEN {
        return Err(WalletError::BadOffer("offer URL too long".into()));
    }
    let url = Url::parse(s).map_err(|e| WalletError::BadOffer(format!("not a URL: {e}")))?;
    let (mut by_value, mut by_ref) = (None, None);
    for (name, value) in url.query_pairs() {
        let slot = match name.as_ref() {
            "credential_offer" => &mut by_value,
            "credential_offer_uri" => &mut by_ref,
            _ => continue,
        };
        if slot.replace(value.into_owned()).is_some() {
            return Err(WalletError::BadOffer(format!("{name} is repeated")));
        }
    }
    match (by_value, by_ref) {
        (Some(json), None) => {
            let v: Value = serde_json::from_str(&json)
                .map_err(|e| WalletError::BadOffer(format!("credential_offer is not JSON: {e}")))?;
            Ok(OfferRef::Value(CredentialOffer::from_json(v)?))
        }
        (None, Some(uri)) => {
            check_url(&uri)?;
            Ok(OfferRef::Uri(uri))
        }
        (Some(_), Some(_)) => {
            Err(WalletError::BadOffer("credential_offer and credential_offer_uri both present".into()))
        }
        (None, None) => Err(WalletError::BadOffer("neither credential_offer nor credential_offer_uri".into())),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn offer_json() -> Value {
        json!({
            "credential_issuer": "https://issuer.example",
            "credential_configuration_ids": ["MedicalLicenseCredential_dc+sd-jwt"],
            "grants": {PRE_AUTHORIZED_GRANT: {"pre-authorized_code": "abc", "tx_code": {"length": 6, "input_mode": "numeric"}}}
        })
    }

    fn encode(s: &str) -> String {
        s.bytes()
            .map(|b| if b.is_ascii_alphanumeric() { char::from(b).to_string() } else { format!("%{b:02X}") })
            .collect()
    }

    #[test]
    fn reads_offers_by_value_and_by_reference() {
        let url = format!("openid-credential-offer://?credential_offer={}", encode(&offer_json().to_string()));
        let OfferRef::Value(offer) = parse_offer_url(&url).expect("by value") else {
            unreachable!("by value gives a value")
        };
        let grant = offer.pre_authorized().expect("grant");
        assert_eq!(grant.code, "abc");
        assert_eq!(grant.tx_code.and_then(|t| t.length), Some(6));
        let uri = "https://issuer.example/oid4vci/offers/xyz";
        let url = format!("openid-credential-offer://?credential_offer_uri={}", encode(uri));
        assert_eq!(parse_offer_url(&url).expect("by reference"), OfferRef::Uri(uri.into()));
    }

    #[test]
    fn refuses_offers_it_cannot_use() {
        let by_ref =
            |uri: &str| parse_offer_url(&format!("openid-credential-offer://?credential_offer_uri={}", encode(uri)));
        assert!(matches!(by_ref("http://issuer.example/o"), Err(WalletError::BadUrl { .. })), "plain http");
        assert!(by_ref("http://localhost:8080/o").is_ok(), "http on this machine is fine");
        assert!(parse_offer_url("openid-credential-offer://?x=1").is_err());
        assert!(parse_offer_url("not a url").is_err());
        let mut no_grant = offer_json();
        no_grant["grants"] = json!({"authorization_code": {}});
        assert!(CredentialOffer::from_json(no_grant).is_err());
        let mut none_offered = offer_json();
        none_offered["credential_configuration_ids"] = json!([]);
        assert!(CredentialOffer::from_json(none_offered).is_err());
    }
}
