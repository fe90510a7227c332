//! Responses of the form posts: redirects (303, so the browser follows with a GET) and the few
//! pages a post answers directly (403, 404, 503), in the app's own style.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

/// Percent-encode a query value (RFC 3986 unreserved characters pass).
pub(crate) fn encode(s: &str) -> String {
    medcred_issuer::oid4vci::offer::percent_encode(s)
}

/// 303 See Other to `location` (a path of this site).
pub(crate) fn see_other(location: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, location.to_owned()), (header::CACHE_CONTROL, "no-store".into())])
        .into_response()
}

/// To the sign-in page, then back to `target`.
pub(crate) fn to_sign_in(target: &str) -> Response {
    see_other(&format!("/signin?next={}", encode(target)))
}

fn page(status: StatusCode, title: &str, message: &str) -> Response {
    let body = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" \
         content=\"width=device-width, initial-scale=1\"><title>{title} — medcred</title><style>{}</style></head>\
         <body><header class=\"top\"><a class=\"brand\" href=\"/\">medcred</a></header><main id=\"main\">\
         <h1>{title}</h1><p class=\"error\" role=\"alert\">{message}</p>\
         <p><a href=\"/board\">Back to the board</a> · <a href=\"/\">Start</a></p></main></body></html>",
        crate::shell::STYLE
    );
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CACHE_CONTROL, "no-store")], body)
        .into_response()
}

/// 403 with why (our own words: never the client's input).
pub(crate) fn forbidden(message: &'static str) -> Response {
    page(StatusCode::FORBIDDEN, "Not allowed", message)
}

/// 404.
pub(crate) fn not_found(message: &'static str) -> Response {
    page(StatusCode::NOT_FOUND, "Not found", message)
}

/// 400.
pub(crate) fn bad_request(message: &'static str) -> Response {
    page(StatusCode::BAD_REQUEST, "Not understood", message)
}

/// 503: the database or the registry is unavailable (the cause is logged by the caller).
pub(crate) fn unavailable() -> Response {
    page(StatusCode::SERVICE_UNAVAILABLE, "Unavailable", "The service is unavailable just now. Try again in a moment.")
}
