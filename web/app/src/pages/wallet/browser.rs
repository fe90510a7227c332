//! The browser wallet's working half (wasm32 only): the holder key and the credentials live in
//! this origin's `localStorage`, never on the server; receiving (OpenID4VCI) and presenting
//! (OpenID4VP) run the wallet core's steps ([`medcred_wallet`]) in the page, over `fetch`.
//!
//! The offer or request being looked at waits in a thread-local between "show" and "consent".

use std::cell::RefCell;

use medcred_wallet::offer::CredentialOffer;
use medcred_wallet::present::{answer, choose, Choice, VerifiedRequest};
use medcred_wallet::received::StoredCredential;
use medcred_wallet::{Client, Holder, HolderKey, KnownStatus, WalletError};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::model::{title_of, AskLine, CredentialCard, OfferCard, PinAsk, RequestCard, Task};

/// The `localStorage` key of the wallet (one per origin).
const STORAGE_KEY: &str = "medcred.wallet.v1";

/// What `localStorage` holds.
#[derive(Serialize, Deserialize)]
struct Saved {
    /// The holder key, a private JWK.
    holder_jwk: String,
    credentials: Vec<StoredCredential>,
}

/// The wallet, loaded from storage.
struct BrowserWallet {
    key: HolderKey,
    credentials: Vec<StoredCredential>,
}

fn storage() -> Result<web_sys::Storage, String> {
    leptos::prelude::window()
        .local_storage()
        .ok()
        .flatten()
        .ok_or_else(|| "this browser does not let the page keep data (local storage is off)".to_owned())
}

impl BrowserWallet {
    /// The wallet in this browser; a new holder key on the first visit.
    fn load() -> Result<Self, String> {
        let store = storage()?;
        if let Some(text) = store.get_item(STORAGE_KEY).ok().flatten() {
            let saved: Saved =
                serde_json::from_str(&text).map_err(|_| "the wallet in this browser is damaged".to_owned())?;
            let key = HolderKey::from_private_jwk(&saved.holder_jwk).map_err(|e| e.to_string())?;
            return Ok(BrowserWallet { key, credentials: saved.credentials });
        }
        let wallet = BrowserWallet { key: HolderKey::generate(), credentials: Vec::new() };
        wallet.save().map_err(|e| e.to_string())?;
        Ok(wallet)
    }

    fn save(&self) -> Result<(), WalletError> {
        let saved = Saved { holder_jwk: self.key.to_private_jwk().to_string(), credentials: self.credentials.clone() };
        let text = serde_json::to_string(&saved).map_err(|e| storage_error(e.to_string()))?;
        storage()
            .map_err(storage_error)?
            .set_item(STORAGE_KEY, &text)
            .map_err(|_| storage_error("the browser refused to store it (storage full?)".into()))
    }
}

fn storage_error(why: String) -> WalletError {
    WalletError::Storage { path: "this browser's storage".into(), why }
}

impl Holder for BrowserWallet {
    fn key(&self) -> &HolderKey {
        &self.key
    }

    fn add(&mut self, credential: StoredCredential) -> Result<(), WalletError> {
        self.credentials.push(credential);
        if let Err(e) = self.save() {
            self.credentials.pop();
            return Err(e);
        }
        Ok(())
    }
}

/// What waits for the holder's decision.
enum Pending {
    None,
    Offer(CredentialOffer),
    Request(VerifiedRequest, Vec<Option<Choice>>),
}

thread_local! {
    static PENDING: RefCell<Pending> = const { RefCell::new(Pending::None) };
}

fn take_pending() -> Pending {
    PENDING.with(|p| std::mem::replace(&mut *p.borrow_mut(), Pending::None))
}

fn set_pending(p: Pending) {
    PENDING.with(|slot| *slot.borrow_mut() = p);
}

/// A few string claims about the subject, for recognising a credential.
fn facts_of(c: &StoredCredential) -> Vec<(String, String)> {
    let subject: Option<serde_json::Map<String, Value>> = match (c.format.as_str(), &c.credential) {
        ("dc+sd-jwt", Value::String(s)) => {
            medcred_formats::sd_jwt::disclosable_claims(s).ok().map(|(claims, _)| claims)
        }
        ("ldp_vc", Value::Object(vc)) => vc.get("credentialSubject").and_then(Value::as_object).cloned(),
        ("jwt_vc_json", Value::String(s)) => medcred_formats::jwt::decode(s)
            .and_then(|d| d.claims())
            .ok()
            .and_then(|claims| claims.get("credentialSubject").and_then(Value::as_object).cloned()),
        _ => None,
    };
    const SKIP: [&str; 12] =
        ["id", "iss", "vct", "cnf", "status", "iat", "exp", "nbf", "_sd_alg", "type", "jti", "sub"];
    let mut facts = Vec::new();
    for (name, value) in subject.iter().flatten() {
        if SKIP.contains(&name.as_str()) {
            continue;
        }
        let text = match value {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => if *b { "yes" } else { "no" }.into(),
            _ => continue,
        };
        facts.push((name.clone(), text));
        if facts.len() == 6 {
            break;
        }
    }
    facts
}

fn card_of(c: &StoredCredential) -> CredentialCard {
    CredentialCard {
        id: c.id.clone(),
        title: title_of(&c.types),
        format: c.format.clone(),
        issuer: c.issuer.clone(),
        received_at: c.received_at.clone(),
        facts: facts_of(c),
        status: c.status.as_ref().map(|s| (s.state.as_str().to_owned(), s.checked_at.clone())),
    }
}

/// The holder's DID and the credentials, creating the wallet on the first visit.
pub(super) fn load_cards() -> Result<(String, Vec<CredentialCard>), String> {
    let w = BrowserWallet::load()?;
    Ok((w.key.did().to_owned(), w.credentials.iter().map(card_of).collect()))
}

/// Whether `link` is a credential offer (else it is taken as a presentation request).
fn is_offer(link: &str) -> bool {
    link.starts_with("openid-credential-offer:") || link.contains("credential_offer")
}

/// Open a link: resolve the offer, or fetch and check the request; what to show next.
pub(super) async fn open_link(link: String) -> Task {
    let link = link.trim().to_owned();
    if link.is_empty() {
        return Task::Failed("Paste the link from the QR code first.".into());
    }
    let client = match Client::new() {
        Ok(c) => c,
        Err(e) => return Task::Failed(e.to_string()),
    };
    if is_offer(&link) {
        match client.resolve_offer(&link).await.and_then(|o| o.pre_authorized().map(|g| (o, g))) {
            Ok((offer, grant)) => {
                let card = OfferCard {
                    issuer: offer.credential_issuer.clone(),
                    offered: offer.credential_configuration_ids.clone(),
                    pin: grant.tx_code.map(|tx| PinAsk {
                        description: tx.description,
                        length: tx.length,
                        numeric: tx.input_mode.as_deref() != Some("text"),
                    }),
                };
                set_pending(Pending::Offer(offer));
                Task::Offer(card)
            }
            Err(e) => Task::Failed(format!("This offer cannot be used: {e}")),
        }
    } else {
        let wallet = match BrowserWallet::load() {
            Ok(w) => w,
            Err(e) => return Task::Failed(e),
        };
        match client.fetch_request(&link).await {
            Ok(request) => {
                let mut asks = Vec::new();
                let mut choices = Vec::new();
                for cq in &request.dcql.credentials {
                    let asked: Vec<String> = cq.claims.iter().flatten().map(|c| c.path.display()).collect();
                    let choice = choose(cq, &wallet.credentials);
                    asks.push(AskLine {
                        what: if asked.is_empty() {
                            format!("a {} credential", cq.format)
                        } else {
                            format!("a {} credential: {}", cq.format, asked.join(", "))
                        },
                        answer: choice.as_ref().map(|c| title_of(&wallet.credentials[c.index].types)),
                        disclose: choice.as_ref().map(|c| c.disclose.clone()).unwrap_or_default(),
                    });
                    choices.push(choice);
                }
                let card = RequestCard {
                    name: request.client_name.clone(),
                    did: request.did.clone(),
                    purpose: request.purpose.clone(),
                    asks,
                };
                set_pending(Pending::Request(request, choices));
                Task::Request(card)
            }
            Err(e) => Task::Failed(format!("This request was not answered: {e}")),
        }
    }
}

/// Accept the offer shown, with `pin` if it asked for one.
pub(super) async fn accept_offer(pin: String) -> Task {
    let Pending::Offer(offer) = take_pending() else { return Task::Failed("There is no offer to accept.".into()) };
    let result = async {
        let mut wallet = BrowserWallet::load().map_err(storage_error)?;
        let client = Client::new()?;
        let pin = Some(pin.trim()).filter(|p| !p.is_empty());
        client.receive(&mut wallet, &offer, pin).await
    }
    .await;
    match result {
        Ok(received) => {
            let names: Vec<String> = received.iter().map(|c| title_of(&c.types)).collect();
            Task::Done(format!("Received: {}. It is in your wallet.", names.join(", ")))
        }
        Err(WalletError::Refused { error, .. }) if error == "invalid_grant" || error == "invalid_tx_code" => {
            Task::Failed("The PIN is wrong, or the offer was already used or has expired. Ask the board for a new offer if it keeps failing.".into())
        }
        Err(e) => Task::Failed(format!("Nothing was received: {e}")),
    }
}

/// Share what the request shown asks for.
pub(super) async fn share() -> Task {
    let Pending::Request(request, choices) = take_pending() else {
        return Task::Failed("There is no request to answer.".into());
    };
    let Some(choices) = choices.into_iter().collect::<Option<Vec<Choice>>>() else {
        return Task::Failed("Your wallet holds no credential that answers this request.".into());
    };
    let result = async {
        let wallet = BrowserWallet::load().map_err(storage_error)?;
        let token = answer(&request, &wallet.key, &wallet.credentials, &choices, chrono::Utc::now())?;
        Client::new()?.send_presentation(&request, token).await
    }
    .await;
    match result {
        Ok(_) => Task::Done(format!(
            "Sent to {}. They see the result on their screen.",
            request.client_name.as_deref().unwrap_or(&request.did)
        )),
        Err(e) => Task::Failed(format!("Nothing was shared: {e}")),
    }
}

/// Decline the request shown (the verifier is told `access_denied`).
pub(super) async fn decline() -> Task {
    let Pending::Request(request, _) = take_pending() else { return Task::Idle };
    match Client::new().map(|c| async move { c.decline(&request).await }) {
        Ok(f) => match f.await {
            Ok(_) => Task::Done("Declined. The verifier was told, and saw nothing.".into()),
            Err(e) => Task::Failed(format!("Declined, but the verifier could not be told: {e}")),
        },
        Err(e) => Task::Failed(e.to_string()),
    }
}

/// Forget the offer or request shown without answering.
pub(super) fn dismiss() {
    take_pending();
}

/// Read credential `id`'s status from its board's lists and keep it; the updated card.
pub(super) async fn refresh(id: String) -> Result<CredentialCard, String> {
    let mut wallet = BrowserWallet::load()?;
    let c = wallet.credentials.iter().find(|c| c.id == id).cloned().ok_or("that credential is gone")?;
    let state = Client::new()
        .map_err(|e| e.to_string())?
        .refresh_status(&c)
        .await
        .map_err(|e| format!("Could not check: {e}"))?;
    let Some(state) = state else { return Err("This credential names no status list: it cannot be revoked.".into()) };
    let checked_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let status = KnownStatus { state, checked_at };
    let mut updated = None;
    if let Some(held) = wallet.credentials.iter_mut().find(|c| c.id == id) {
        held.status = Some(status);
        updated = Some(card_of(held));
    }
    wallet.save().map_err(|e| e.to_string())?;
    updated.ok_or_else(|| "that credential is gone".into())
}

/// Remove credential `id` from this browser.
pub(super) fn remove(id: &str) -> Result<(), String> {
    let mut wallet = BrowserWallet::load()?;
    wallet.credentials.retain(|c| c.id != id);
    wallet.save().map_err(|e| e.to_string())
}
