//! `POST /session/signin` (email, password, next) and `POST /session/signout` (csrf): start a
//! session — a new cookie every time, so a planted one is worthless — or end it.

use std::collections::BTreeMap;

use axum::extract::{Extension, State};
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::response::Response;
use axum::Form;
use medcred_store::OrgKind;

use super::respond::{self, encode};
use super::{checked_post, Viewer};
use crate::auth::{csrf, session, AuthError};
use crate::server::{Account, AppState};

/// The sign-in form's route.
pub(crate) const SIGN_IN_PATH: &str = "/session/signin";

/// Where to go after signing in: a path of this site only (`/x`, never `//host` or `/\host`).
pub(crate) fn safe_next(next: Option<&str>) -> Option<String> {
    let n = next?.trim();
    let ok = n.starts_with('/')
        && !n.starts_with("//")
        && !n.starts_with("/\\")
        && n.len() <= 512
        && !n.chars().any(|c| c.is_control() || c == '\\');
    ok.then(|| n.to_owned())
}

fn with_cookie(mut resp: Response, cookie: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(cookie) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

pub(super) async fn sign_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<BTreeMap<String, String>>,
) -> Response {
    let Some(accounts) = state.accounts.clone() else { return respond::unavailable() };
    if !csrf::same_origin(&headers, accounts.issuer().public_url()) {
        tracing::warn!("sign-in refused: not sent from this site");
        return respond::forbidden("This form was not sent from a page of this site.");
    }
    let email = form.get("email").map(String::as_str).unwrap_or_default();
    // One account cannot be hammered from many addresses: attempts count against the e-mail
    // address too (known or not, so the answer tells nothing), on top of the lockout.
    if let Some(refused) = state.account_limited(&Method::POST, SIGN_IN_PATH, Account::Email(email)) {
        return refused;
    }
    let next = safe_next(form.get("next").map(String::as_str));
    if let Some(old) = session::from_headers(&headers) {
        let _ = accounts.sign_out(&old).await;
    }
    let password = zeroize::Zeroizing::new(form.get("password").cloned().unwrap_or_default());
    match accounts.sign_in(email, &password).await {
        Ok((token, who)) => {
            let home = match who.org.kind {
                OrgKind::Board => "/board",
                OrgKind::Hospital => "/hospital",
            };
            let to = next.filter(|n| who.org.kind == OrgKind::Board || !n.starts_with("/board")).unwrap_or(home.into());
            with_cookie(respond::see_other(&to), &session::set_cookie(&token, accounts.secure_cookies()))
        }
        Err(AuthError::InvalidCredentials) => {
            let back = match next {
                Some(n) => format!("/signin?failed=1&next={}", encode(&n)),
                None => "/signin?failed=1".into(),
            };
            respond::see_other(&back)
        }
        Err(e) => {
            tracing::error!(error = %e, "sign-in failed");
            respond::unavailable()
        }
    }
}

pub(super) async fn sign_out(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    headers: HeaderMap,
    Form(form): Form<BTreeMap<String, String>>,
) -> Response {
    let Some(accounts) = state.accounts.clone() else { return respond::unavailable() };
    if viewer.0.is_none() {
        // Already signed out (or timed out): nothing to end.
        return with_cookie(respond::see_other("/signin"), &session::clear_cookie(accounts.secure_cookies()));
    }
    if let Err(resp) = checked_post(&state, &headers, &viewer, &form) {
        return resp;
    }
    if let Some(token) = session::from_headers(&headers) {
        if let Err(e) = accounts.sign_out(&token).await {
            tracing::error!(error = %e, "sign-out failed");
            return respond::unavailable();
        }
    }
    with_cookie(respond::see_other("/signin?signed_out=1"), &session::clear_cookie(accounts.secure_cookies()))
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next(Some("/board/issue?x=1")).as_deref(), Some("/board/issue?x=1"));
        for bad in ["//evil.example", "https://evil.example", "/\\evil.example", "board", ""] {
            assert_eq!(safe_next(Some(bad)), None, "{bad}");
        }
    }
}
