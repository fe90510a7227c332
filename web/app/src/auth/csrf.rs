//! Cross-site request forgery defences for form posts: the session's synchronizer token, compared
//! in constant time, and the request's `Origin` (or, without one, its `Referer`) naming this
//! site — this deployment's public URL or the `Host` the request was sent to.

use axum::http::{header, HeaderMap};
use subtle::ConstantTimeEq;

/// Whether the token a form carried is the session's.
pub fn token_matches(sent: &str, expected: &str) -> bool {
    !expected.is_empty() && sent.len() == expected.len() && bool::from(sent.as_bytes().ct_eq(expected.as_bytes()))
}

fn origin_of(url: &str) -> Option<&str> {
    let (scheme, rest) = url.split_once("://")?;
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let end = rest.find(['/', '?', '#']).map_or(url.len(), |i| scheme.len() + 3 + i);
    Some(&url[..end])
}

/// Whether the request comes from a page of this site. A request with neither `Origin` nor
/// `Referer` is refused (browsers send `Origin` with every form post).
pub fn same_origin(headers: &HeaderMap, public_url: &str) -> bool {
    let claimed = match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        Some("null") => return false,
        Some(o) => Some(o.trim_end_matches('/').to_owned()),
        None => headers.get(header::REFERER).and_then(|v| v.to_str().ok()).and_then(origin_of).map(str::to_owned),
    };
    let Some(claimed) = claimed else { return false };
    if origin_of(public_url).is_some_and(|o| o.eq_ignore_ascii_case(&claimed)) {
        return true;
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let claimed_host = claimed.split_once("://").map(|(_, h)| h);
    matches!((host, claimed_host), (Some(h), Some(c)) if h.eq_ignore_ascii_case(c))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(k.clone(), v.parse().unwrap());
        }
        h
    }

    #[test]
    fn tokens() {
        assert!(token_matches("abc", "abc"));
        assert!(!token_matches("abd", "abc"));
        assert!(!token_matches("", ""));
        assert!(!token_matches("ab", "abc"));
    }

    #[test]
    fn origins() {
        let site = "http://localhost:8080";
        assert!(same_origin(&headers(&[(header::ORIGIN, "http://localhost:8080")]), site));
        assert!(!same_origin(&headers(&[(header::ORIGIN, "http://evil.example")]), site));
        assert!(!same_origin(&headers(&[(header::ORIGIN, "null")]), site));
        assert!(same_origin(&headers(&[(header::REFERER, "http://localhost:8080/board/issue")]), site));
        assert!(!same_origin(&headers(&[(header::REFERER, "http://localhost:80801/x")]), site));
        assert!(!same_origin(&HeaderMap::new(), site));
        let by_host = headers(&[(header::ORIGIN, "http://127.0.0.1:8080"), (header::HOST, "127.0.0.1:8080")]);
        assert!(same_origin(&by_host, site));
    }
}
