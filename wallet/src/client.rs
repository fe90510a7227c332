//! The HTTP edge of the wallet: fetching offers by reference and metadata, and running the
//! pre-authorized code flow against an issuer; fetching OpenID4VP request objects and the
//! verifier's did:web document, and posting the answer (reqwest, rustls). No redirects are
//! followed, and answers are read up to a size limit.

use chrono::Utc;
use reqwest::{Response, StatusCode};
use serde_json::Value;

use crate::error::WalletError;
use crate::holder::Holder;
use crate::metadata::{check_url, well_known, AuthorizationServerMetadata, IssuerMetadata};
use crate::offer::{parse_offer_url, CredentialOffer, OfferRef};
use crate::present::did_web::document_url;
use crate::present::encrypt::encrypt_response;
use crate::present::request::{read_request_object, verify_request_object, REQUEST_OBJECT_TYP};
use crate::present::{parse_request_link, VerifiedRequest};
use crate::protocol::{
    binding_for, credential_request, credentials_of, error_of, nonce_of, proof_jwt, token_request, TokenResponse,
};
use crate::received::{describe, StoredCredential};
use crate::status::{bitstring_bit, state_of_bits, status_refs, token_state, CredentialState, StatusRefs};

/// Largest answer read from an issuer.
pub const MAX_RESPONSE: usize = 4 * 1024 * 1024;

/// An OpenID4VCI client.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
}

fn http_error(e: reqwest::Error) -> WalletError {
    WalletError::Http(e.without_url().to_string())
}

fn too_large(url: &str) -> WalletError {
    WalletError::BadResponse { url: url.into(), why: "answer too large".into() }
}

#[cfg(not(target_arch = "wasm32"))]
async fn body_of(url: &str, mut resp: Response) -> Result<Vec<u8>, WalletError> {
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(http_error)? {
        if body.len() + chunk.len() > MAX_RESPONSE {
            return Err(too_large(url));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// In the browser `fetch` reads the whole answer; refuse it afterwards if it is too large.
#[cfg(target_arch = "wasm32")]
async fn body_of(url: &str, resp: Response) -> Result<Vec<u8>, WalletError> {
    if resp.content_length().is_some_and(|n| n > MAX_RESPONSE as u64) {
        return Err(too_large(url));
    }
    let body = resp.bytes().await.map_err(http_error)?;
    if body.len() > MAX_RESPONSE {
        return Err(too_large(url));
    }
    Ok(body.to_vec())
}

/// The JSON body of `resp`, or the server's OAuth error.
async fn json_of(url: &str, resp: Response) -> Result<Value, WalletError> {
    let status = resp.status();
    let body = body_of(url, resp).await?;
    let value: Option<Value> = serde_json::from_slice(&body).ok();
    if status.is_success() {
        return value.ok_or_else(|| WalletError::BadResponse { url: url.into(), why: "not JSON".into() });
    }
    if let Some(e) = value.as_ref().and_then(|v| error_of(status.as_u16(), v)) {
        return Err(e);
    }
    Err(WalletError::BadResponse { url: url.into(), why: format!("HTTP {status}") })
}

impl Client {
    /// A client with a 30 s timeout that follows no redirects.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn new() -> Result<Self, WalletError> {
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(30))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("medcred-wallet/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(http_error)?;
        Ok(Client { http })
    }

    /// A client over the browser's `fetch` (its own timeouts; redirects as the browser does).
    #[cfg(target_arch = "wasm32")]
    pub fn new() -> Result<Self, WalletError> {
        Ok(Client { http: reqwest::Client::new() })
    }

    async fn get_json(&self, url: &str) -> Result<Value, WalletError> {
        check_url(url)?;
        let resp = self.http.get(url).header("accept", "application/json").send().await.map_err(http_error)?;
        json_of(url, resp).await
    }

    /// The offer an offer URL carries or points to.
    pub async fn resolve_offer(&self, offer_url: &str) -> Result<CredentialOffer, WalletError> {
        match parse_offer_url(offer_url)? {
            OfferRef::Value(offer) => Ok(offer),
            OfferRef::Uri(uri) => CredentialOffer::from_json(self.get_json(&uri).await?),
        }
    }

    async fn nonce(&self, metadata: &IssuerMetadata) -> Result<Option<String>, WalletError> {
        let Some(url) = &metadata.nonce_endpoint else { return Ok(None) };
        let resp = self.http.post(url).send().await.map_err(http_error)?;
        let body = json_of(url, resp).await?;
        nonce_of(&body).map(Some).map_err(|why| WalletError::BadResponse { url: url.clone(), why })
    }

    /// Receive every credential `offer` offers into `wallet`, with the transaction code `tx_code`
    /// when the offer asks for one.
    pub async fn receive(
        &self,
        wallet: &mut impl Holder,
        offer: &CredentialOffer,
        tx_code: Option<&str>,
    ) -> Result<Vec<StoredCredential>, WalletError> {
        let grant = offer.pre_authorized()?;
        if grant.tx_code.is_some() && tx_code.is_none() {
            return Err(WalletError::TxCodeRequired);
        }
        let issuer_id = offer.credential_issuer.as_str();
        let metadata = IssuerMetadata::from_json(
            self.get_json(&well_known(issuer_id, "openid-credential-issuer")?).await?,
            issuer_id,
        )?;
        for id in &offer.credential_configuration_ids {
            metadata.configuration(id)?;
        }
        let as_id = metadata.authorization_server(grant.authorization_server.as_deref())?;
        let token_endpoint = match self.get_json(&well_known(&as_id, "oauth-authorization-server")?).await {
            Ok(v) => AuthorizationServerMetadata::from_json(v, &as_id)?.token_endpoint,
            Err(e) => metadata.token_endpoint.clone().ok_or(e)?,
        };
        check_url(&token_endpoint)?;

        let form = token_request(&grant.code, if grant.tx_code.is_some() { tx_code } else { None });
        let resp = self.http.post(&token_endpoint).form(&form).send().await.map_err(http_error)?;
        let token = TokenResponse::from_json(json_of(&token_endpoint, resp).await?)
            .map_err(|why| WalletError::BadResponse { url: token_endpoint.clone(), why })?;

        let mut received = Vec::new();
        for id in &offer.credential_configuration_ids {
            let config = metadata.configuration(id)?;
            let binding = binding_for(config)?;
            let mut nonce = self.nonce(&metadata).await?;
            let mut retried = false;
            let body = loop {
                let proof = proof_jwt(wallet.key(), binding, issuer_id, nonce.as_deref(), Utc::now())?;
                let resp = self
                    .http
                    .post(&metadata.credential_endpoint)
                    .bearer_auth(&token.access_token)
                    .json(&credential_request(id, &proof))
                    .send()
                    .await
                    .map_err(http_error)?;
                match json_of(&metadata.credential_endpoint, resp).await {
                    // A stale nonce: get a fresh one and sign again, once (§8.3.1.2).
                    Err(WalletError::Refused { status, ref error, .. })
                        if !retried && status == StatusCode::BAD_REQUEST.as_u16() && error == "invalid_nonce" =>
                    {
                        retried = true;
                        nonce = self.nonce(&metadata).await?;
                    }
                    other => break other?,
                }
            };
            let credentials = credentials_of(&body)
                .map_err(|why| WalletError::BadResponse { url: metadata.credential_endpoint.clone(), why })?;
            for credential in credentials {
                let stored = describe(credential, &config.format, id, issuer_id, wallet.key(), Utc::now())?;
                wallet.add(stored.clone())?;
                received.push(stored);
            }
        }
        Ok(received)
    }
}

/// OpenID4VP: the request, and the answer.
impl Client {
    /// Fetch the request a link (`openid4vp://…` or the request URI) points to and check it: a
    /// request object signed by a key of the client's did:web (its document fetched over HTTPS),
    /// the same client id as the link's.
    pub async fn fetch_request(&self, link: &str) -> Result<VerifiedRequest, WalletError> {
        let link = parse_request_link(link)?;
        let url = link.request_uri.as_str();
        check_url(url)?;
        let resp = self
            .http
            .get(url)
            .header("accept", format!("application/{REQUEST_OBJECT_TYP}"))
            .send()
            .await
            .map_err(http_error)?;
        if !resp.status().is_success() {
            return json_of(url, resp)
                .await
                .and_then(|_| Err(WalletError::BadResponse { url: url.into(), why: "not a request object".into() }));
        }
        let body = body_of(url, resp).await?;
        let text = String::from_utf8(body)
            .map_err(|_| WalletError::BadResponse { url: url.into(), why: "not text".into() })?;
        let unverified = read_request_object(&text)?;
        let document = self.get_json(&document_url(&unverified.did)?).await?;
        verify_request_object(unverified, &document, &link, Utc::now())
    }

    async fn post_form(&self, url: &str, form: &[(&str, String)]) -> Result<Value, WalletError> {
        check_url(url)?;
        let resp = self.http.post(url).form(form).send().await.map_err(http_error)?;
        json_of(url, resp).await
    }

    /// Send `vp_token` to the verifier as the request asks (`direct_post`, or encrypted for
    /// `direct_post.jwt`); the verifier's answer (`redirect_uri`, if any).
    pub async fn send_presentation(&self, request: &VerifiedRequest, vp_token: Value) -> Result<Value, WalletError> {
        let mut form: Vec<(&str, String)> = Vec::new();
        match &request.encryption {
            Some(encryption) => {
                let mut payload = serde_json::json!({"vp_token": vp_token});
                if let Some(s) = &request.state {
                    payload["state"] = Value::String(s.clone());
                }
                form.push(("response", encrypt_response(&payload, encryption)?));
            }
            None => {
                form.push(("vp_token", vp_token.to_string()));
                if let Some(s) = &request.state {
                    form.push(("state", s.clone()));
                }
            }
        }
        self.post_form(&request.response_uri, &form).await
    }

    /// Tell the verifier the holder declined (`access_denied`, unencrypted as §8.3.1 allows).
    pub async fn decline(&self, request: &VerifiedRequest) -> Result<Value, WalletError> {
        let mut form = vec![("error", "access_denied".to_owned())];
        if let Some(s) = &request.state {
            form.push(("state", s.clone()));
        }
        self.post_form(&request.response_uri, &form).await
    }
}

/// Status: what the board's lists say of a credential now.
impl Client {
    async fn get_text(&self, url: &str, accept: &str) -> Result<String, WalletError> {
        check_url(url)?;
        let resp = self.http.get(url).header("accept", accept).send().await.map_err(http_error)?;
        if !resp.status().is_success() {
            return Err(WalletError::BadResponse { url: url.into(), why: format!("HTTP {}", resp.status()) });
        }
        let body = body_of(url, resp).await?;
        String::from_utf8(body).map_err(|_| WalletError::BadResponse { url: url.into(), why: "not text".into() })
    }

    /// The credential's state from the lists it names (each fetched whole), or `None` when it
    /// names none.
    pub async fn refresh_status(&self, credential: &StoredCredential) -> Result<Option<CredentialState>, WalletError> {
        match status_refs(credential)? {
            StatusRefs::None => Ok(None),
            StatusRefs::Bitstring(entries) => {
                let mut bits = Vec::new();
                for entry in &entries {
                    let url = entry.list_url.as_str();
                    let text = self.get_text(url, "application/vc+ld+json, application/json").await?;
                    let document: Value = serde_json::from_str(&text)
                        .map_err(|_| WalletError::BadResponse { url: url.into(), why: "not JSON".into() })?;
                    let set = bitstring_bit(entry, &document)
                        .map_err(|why| WalletError::BadResponse { url: url.into(), why })?;
                    bits.push((entry.purpose, set));
                }
                Ok(Some(state_of_bits(&bits)))
            }
            StatusRefs::Token(reference) => {
                let url = reference.uri.as_str();
                let token = self.get_text(url, "application/statuslist+jwt").await?;
                token_state(&reference, &token)
                    .map(Some)
                    .map_err(|why| WalletError::BadResponse { url: url.into(), why })
            }
        }
    }
}
