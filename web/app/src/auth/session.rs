//! Session cookies: a random 256-bit value in an `HttpOnly; SameSite=Lax; Path=/` cookie
//! (`Secure` on https deployments), of which the database keeps only the SHA-256; idle and
//! absolute timeouts.

use axum::http::{header, HeaderMap};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// The cookie's name.
pub const COOKIE: &str = "medcred_session";
/// A session ends after this long without a request.
pub const IDLE_SECS: i64 = 30 * 60;
/// A session ends this long after sign-in, whatever happens.
pub const ABSOLUTE_SECS: i64 = 12 * 60 * 60;
/// Activity is written back at most this often.
pub const TOUCH_EVERY_SECS: i64 = 60;

/// 32 random bytes, base64url: a session cookie value or a CSRF token.
pub fn random_token() -> Zeroizing<String> {
    let mut bytes = Zeroizing::new([0u8; 32]);
    rand::rngs::OsRng.fill_bytes(&mut bytes[..]);
    Zeroizing::new(URL_SAFE_NO_PAD.encode(&bytes[..]))
}

/// What the database stores for a cookie value: hex SHA-256.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The `Set-Cookie` value that starts a session.
pub fn set_cookie(token: &str, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{COOKIE}={token}; HttpOnly; SameSite=Lax; Path=/; Max-Age={ABSOLUTE_SECS}{secure}")
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_cookie(secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{COOKIE}=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0{secure}")
}

/// The session cookie's value in a request, if any (well-formed: base64url, 43 characters).
pub fn from_headers(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.trim().to_owned())
        .filter(|v| v.len() == 43 && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
}

/// Whether a session created at `created`, last seen at `seen` and ending at `expires` is live
/// at `now`.
pub fn is_live(created: i64, seen: i64, expires: i64, now: i64) -> bool {
    now < expires && now < created + ABSOLUTE_SECS && now - seen < IDLE_SECS
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn cookie_round_trip_and_flags() {
        let t = random_token();
        assert_eq!(t.len(), 43);
        let set = set_cookie(&t, true);
        assert!(set.contains("HttpOnly; SameSite=Lax; Path=/") && set.ends_with("; Secure"), "{set}");
        assert!(!set_cookie(&t, false).contains("Secure"));
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, format!("a=b; {COOKIE}={}; c=d", *t).parse().unwrap());
        assert_eq!(from_headers(&h).as_deref(), Some(t.as_str()));
        h.insert(header::COOKIE, format!("{COOKIE}=short").parse().unwrap());
        assert_eq!(from_headers(&h), None);
        assert_ne!(hash_token(&t), *t);
    }

    #[test]
    fn timeouts() {
        assert!(is_live(0, 0, ABSOLUTE_SECS, 10));
        assert!(!is_live(0, 0, ABSOLUTE_SECS, IDLE_SECS), "idle");
        assert!(is_live(0, ABSOLUTE_SECS - 20, ABSOLUTE_SECS, ABSOLUTE_SECS - 10));
        assert!(!is_live(0, ABSOLUTE_SECS - 1, ABSOLUTE_SECS, ABSOLUTE_SECS), "absolute");
    }
}
