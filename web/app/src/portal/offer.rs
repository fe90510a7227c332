//! `POST /board/actions/offer` (board staff): an OpenID4VCI credential offer of one of the
//! board's credentials (`Issuer::create_offer`, as `POST /boards/{slug}/credentials/{id}/offer`),
//! shown on the next page as a QR code, the `openid-credential-offer://` link, and the PIN.

use std::collections::BTreeMap;

use axum::extract::{Extension, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Form;
use medcred_issuer::oid4vci::offer::{percent_encode, NewOffer};
use medcred_issuer::oid4vci::OFFERS_PATH;
use medcred_issuer::IssuerError;
use medcred_store::{OrgKind, StoreError};

use super::flash::{Flash, OfferMade};
use super::respond;
use super::{checked_post, Viewer};
use crate::server::AppState;

pub(super) async fn offer(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    headers: HeaderMap,
    Form(form): Form<BTreeMap<String, String>>,
) -> Response {
    let who = match checked_post(&state, &headers, &viewer, &form) {
        Ok(who) => who,
        Err(resp) => return resp,
    };
    if who.org.kind != OrgKind::Board {
        return respond::forbidden("Only board staff can offer credentials.");
    }
    let Some(accounts) = &state.accounts else { return respond::unavailable() };
    let issuer = accounts.issuer();
    let id = form.get("credential_id").map(String::as_str).unwrap_or_default();
    let cred = match issuer.db().credential(id).await {
        Ok(c) => c,
        Err(StoreError::NotFound(_)) => return respond::not_found("There is no such credential."),
        Err(e) => {
            tracing::error!(error = %e, "credential look-up failed");
            return respond::unavailable();
        }
    };
    if cred.board_id != who.org.id {
        return respond::forbidden("This credential was issued by another board.");
    }
    let page = format!("/board/credentials/{}", cred.id);
    let board = match issuer.db().board(&who.org.id).await {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, "board look-up failed");
            return respond::unavailable();
        }
    };
    let format = form.get("format").filter(|f| !f.is_empty()).cloned();
    let created = match issuer.create_offer(&board, &cred.id, &NewOffer { format, ..NewOffer::default() }).await {
        Ok(c) => c,
        Err(IssuerError::BadRequest { message, .. }) => {
            let id = state.flash.put(&who.session_hash, Flash::Error(format!("No offer was made: {message}")));
            return respond::see_other(&format!("{page}?f={id}"));
        }
        Err(e) => {
            tracing::error!(error = %e, "offer from the web app failed");
            return respond::unavailable();
        }
    };
    let uri = format!("{}{OFFERS_PATH}/{}", issuer.public_url(), *created.reference);
    let link = format!("openid-credential-offer://?credential_offer_uri={}", percent_encode(&uri));
    let qr_svg = match crate::qr::svg(&link, 264) {
        Ok(svg) => svg,
        Err(e) => {
            tracing::error!(error = %e, "offer QR code failed");
            return respond::unavailable();
        }
    };
    let web_wallet = crate::pages::wallet::web_wallet_url(issuer.public_url(), &link);
    let web_wallet_qr_svg = match crate::qr::svg(&web_wallet, 200) {
        Ok(svg) => svg,
        Err(e) => {
            tracing::error!(error = %e, "offer QR code failed");
            return respond::unavailable();
        }
    };
    let made = OfferMade {
        web_wallet_qr_svg,
        credential_id: cred.id.clone(),
        link,
        qr_svg,
        pin: created.tx_code.to_string(),
        configuration: created.configuration.id.to_owned(),
        expires_at: created.row.expires_at,
    };
    let flash = state.flash.put(&who.session_hash, Flash::Offer(made));
    respond::see_other(&format!("{page}/offer?f={flash}"))
}
