//! The URL of a status list: W3C Bitstring Status List v1.0 §2.1 `statusListCredential` and
//! IETF Token Status List `uri` / `sub` — a checked `https:` (or `http:`) URL without a fragment.

use std::fmt;
use std::str::FromStr;

/// Longest status list URL accepted.
pub const MAX_URL_LEN: usize = 2048;

/// An absolute `https://` or `http://` URL of printable ASCII, with a host and no fragment, so that
/// `#list` and `#<index>` can be appended to form the subject and entry ids.
///
/// This is a syntactic check, not a full WHATWG URL parse: it keeps ids unambiguous and keeps
/// hostile text (control characters, whitespace, megabyte strings) out of the system.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StatusListUrl(String);

/// Why a string is not a [`StatusListUrl`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    /// Longer than [`MAX_URL_LEN`].
    #[error("status list URL is longer than {MAX_URL_LEN} characters")]
    TooLong,
    /// Does not start with `https://` or `http://`.
    #[error("status list URL must start with https:// or http://")]
    Scheme,
    /// Nothing between the scheme and the first `/`, `?`.
    #[error("status list URL has no host")]
    NoHost,
    /// Contains `#`: a status list URL names a whole document.
    #[error("status list URL must not contain a fragment")]
    Fragment,
    /// Contains whitespace, a control character or a non-ASCII character.
    #[error("status list URL contains a character that is not printable ASCII")]
    Character,
}

impl StatusListUrl {
    /// Check `s`.
    pub fn new(s: &str) -> Result<Self, UrlError> {
        if s.len() > MAX_URL_LEN {
            return Err(UrlError::TooLong);
        }
        if !s.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(UrlError::Character);
        }
        let rest = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://")).ok_or(UrlError::Scheme)?;
        if s.contains('#') {
            return Err(UrlError::Fragment);
        }
        let host = rest.split(['/', '?']).next().unwrap_or_default();
        if host.is_empty() {
            return Err(UrlError::NoHost);
        }
        Ok(StatusListUrl(s.to_owned()))
    }

    /// The URL text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `<url>#<fragment>`.
    pub fn with_fragment(&self, fragment: &str) -> String {
        format!("{}#{fragment}", self.0)
    }
}

impl FromStr for StatusListUrl {
    type Err = UrlError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        StatusListUrl::new(s)
    }
}

impl fmt::Display for StatusListUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_plain_urls() {
        for s in [
            "https://board.example/status/3",
            "http://127.0.0.1:8080/status/1?v=2",
            "https://example.com/credentials/status/3",
        ] {
            assert_eq!(StatusListUrl::new(s).expect("valid").as_str(), s);
        }
        let url = StatusListUrl::new("https://b.example/s/1").expect("valid");
        assert_eq!(url.with_fragment("list"), "https://b.example/s/1#list");
    }

    #[test]
    fn rejects_what_would_make_ids_ambiguous_or_hostile() {
        let cases = [
            ("https://b.example/s/1#list", UrlError::Fragment),
            ("ftp://b.example/s/1", UrlError::Scheme),
            ("b.example/s/1", UrlError::Scheme),
            ("https:///s/1", UrlError::NoHost),
            ("https://", UrlError::NoHost),
            ("https://b.example/a b", UrlError::Character),
            ("https://b.example/\n", UrlError::Character),
            ("https://bé.example/", UrlError::Character),
            ("", UrlError::Scheme),
        ];
        for (s, want) in cases {
            assert_eq!(StatusListUrl::new(s), Err(want), "{s:?}");
        }
        let long = format!("https://b.example/{}", "a".repeat(MAX_URL_LEN));
        assert_eq!(StatusListUrl::new(&long), Err(UrlError::TooLong));
    }
}
