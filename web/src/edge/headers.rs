//! Security headers on every response: no MIME sniffing, no framing, no referrer (offer and
//! request links carry one-time codes), HSTS when served over TLS, and on HTML pages a Content
//! Security Policy that lets scripts run only from this origin or with this response's nonce
//! (the web app's hydration script carries it), and WebAssembly compile for the app's bundle.

use axum::http::{header, HeaderMap, HeaderValue};
use base64::Engine as _;
use rand::RngCore as _;

/// A fresh CSP nonce: 16 random bytes, base64url.
pub fn new_nonce() -> String {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The policy for an HTML page whose inline scripts carry `nonce`.
pub fn content_security_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}

/// Add the headers to a response (existing values set by a handler are kept).
pub fn secure(headers: &mut HeaderMap, nonce: &str, tls: bool) {
    let set = |h: &mut HeaderMap, name: header::HeaderName, value: &'static str| {
        if !h.contains_key(&name) {
            h.insert(name, HeaderValue::from_static(value));
        }
    };
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    set(headers, header::REFERRER_POLICY, "no-referrer");
    if tls {
        set(headers, header::STRICT_TRANSPORT_SECURITY, "max-age=31536000");
    }
    let html =
        headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("text/html"));
    if html && !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        if let Ok(v) = HeaderValue::from_str(&content_security_policy(nonce)) {
            headers.insert(header::CONTENT_SECURITY_POLICY, v);
        }
    } else if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_gets_the_nonce_policy_and_json_a_closed_one() {
        let mut h = HeaderMap::new();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
        secure(&mut h, "abc", true);
        let csp = h[header::CONTENT_SECURITY_POLICY].to_str().expect("ascii");
        assert!(csp.contains("'nonce-abc'") && csp.contains("frame-ancestors 'none'"), "{csp}");
        assert_eq!(h[header::STRICT_TRANSPORT_SECURITY], "max-age=31536000");
        assert_eq!(h[header::X_FRAME_OPTIONS], "DENY");

        let mut j = HeaderMap::new();
        j.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        secure(&mut j, "abc", false);
        assert_eq!(j[header::CONTENT_SECURITY_POLICY], "default-src 'none'; frame-ancestors 'none'");
        assert!(!j.contains_key(header::STRICT_TRANSPORT_SECURITY));
        assert_eq!(j[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    }

    #[test]
    fn nonces_differ() {
        assert_ne!(new_nonce(), new_nonce());
        assert_eq!(new_nonce().len(), 22);
    }
}
