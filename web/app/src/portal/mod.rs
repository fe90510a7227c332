//! The server side of accounts and the board's pages (`ssr`): a middleware that finds the person
//! behind the session cookie (and sends anyone else from `/board` to the sign-in page), the form
//! posts (sign in and out, issue, change a status, offer to a wallet), and the data the pages'
//! server functions return — each scoped to the signed-in person's own organisation.

mod batch;
pub mod data;
pub mod flash;
pub mod hospital;
mod issue;
mod offer;
pub mod public;
mod respond;
mod signin;
mod status;

use std::collections::BTreeMap;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method};
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use leptos::prelude::*;

use crate::auth::{csrf, session, SignedIn};
use crate::server::{Account, AppState};

pub use issue::license_json;

/// Who is behind a request (set by [`gate`] for every request of the app).
#[derive(Clone, Debug)]
pub struct Viewer(pub Option<SignedIn>);

/// The form posts.
pub fn routes(state: AppState) -> Router {
    Router::new()
        .route(signin::SIGN_IN_PATH, post(signin::sign_in))
        .route("/session/signout", post(signin::sign_out))
        .route("/board/actions/issue", post(issue::issue))
        .route("/board/actions/status", post(status::change))
        .route("/board/actions/offer", post(offer::offer))
        .route("/board/actions/batch", post(batch::start))
        .route("/board/batch/errors.csv", get(batch::errors_csv))
        .merge(hospital::actions::routes())
        .with_state(state)
}

fn is_board_path(path: &str) -> bool {
    // The hospital's pages too: staff pages all send strangers to the sign-in page.
    path == "/board" || path.starts_with("/board/") || path == "/hospital" || path.starts_with("/hospital/")
}

/// Middleware: find the live session behind the cookie and put [`Viewer`] in the request's
/// extensions (the pages' server functions read it from there); a board page asked for without
/// a session redirects to `/signin?next=…`.
pub async fn gate(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let Some(accounts) = state.accounts.clone() else { return next.run(req).await };
    if req.uri().path().starts_with("/pkg/") {
        return next.run(req).await;
    }
    let who = match session::from_headers(req.headers()) {
        Some(token) => match accounts.current(&token).await {
            Ok(who) => who,
            Err(e) => {
                tracing::error!(error = %e, "session look-up failed");
                return respond::unavailable();
            }
        },
        None => None,
    };
    if let Some(w) = &who {
        // Each person's posts count against their own limits too, from whichever address.
        if let Some(refused) = state.account_limited(req.method(), req.uri().path(), Account::Person(&w.user_id)) {
            return refused;
        }
    }
    if who.is_none() && req.method() == Method::GET && is_board_path(req.uri().path()) {
        let target = req.uri().path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_else(|| "/board".into());
        return respond::to_sign_in(&target);
    }
    req.extensions_mut().insert(Viewer(who));
    let mut resp = next.run(req).await;
    // The app's own form posts need the browser to say where they come from: with `no-referrer`
    // a form post carries `Origin: null` and no `Referer`, and the origin check must refuse it.
    // `same-origin` still sends nothing to other sites (offer links carry one-time codes).
    resp.headers_mut()
        .entry(axum::http::header::REFERRER_POLICY)
        .or_insert(axum::http::HeaderValue::from_static("same-origin"));
    resp
}

/// The person signed in, inside a server function or a page being rendered.
pub fn viewer() -> Option<SignedIn> {
    use_context::<axum::http::request::Parts>()?.extensions.get::<Viewer>()?.0.clone()
}

/// The path (and query) of the page being rendered, for `next`.
pub(crate) fn current_target() -> String {
    let Some(parts) = use_context::<axum::http::request::Parts>() else { return "/board".into() };
    let path = parts.uri.path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_default();
    if path.starts_with("/api/") {
        // A server function called after hydration: the page is the referrer.
        parts
            .headers
            .get(axum::http::header::REFERER)
            .and_then(|r| r.to_str().ok())
            .and_then(|r| r.split_once("://").and_then(|(_, rest)| rest.find('/').map(|i| rest[i..].to_owned())))
            .unwrap_or_else(|| "/board".into())
    } else {
        path
    }
}

/// A form post's checks: it comes from this site (`Origin`/`Referer`), someone is signed in,
/// and it carries their session's CSRF token. Otherwise the response to send (403, or to the
/// sign-in page).
// The error is the response itself, built once per refused post: boxing it buys nothing.
#[allow(clippy::result_large_err)]
pub(crate) fn checked_post(
    state: &AppState,
    headers: &HeaderMap,
    viewer: &Viewer,
    form: &BTreeMap<String, String>,
) -> Result<SignedIn, Response> {
    let Some(accounts) = &state.accounts else { return Err(respond::unavailable()) };
    if !csrf::same_origin(headers, accounts.issuer().public_url()) {
        tracing::warn!("form post refused: not from this site");
        return Err(respond::forbidden("This form was not sent from a page of this site."));
    }
    let Some(who) = viewer.0.clone() else { return Err(respond::see_other("/signin")) };
    let sent = form.get("csrf").map(String::as_str).unwrap_or_default();
    if !csrf::token_matches(sent, &who.csrf) {
        tracing::warn!(user = %who.user_id, "form post refused: missing or wrong CSRF token");
        return Err(respond::forbidden(
            "This form has expired or was not sent from this site. Go back, reload the page and try again.",
        ));
    }
    Ok(who)
}
