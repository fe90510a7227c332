//! IETF Token Status List (draft-ietf-oauth-status-list) §5.1 Status List Token in JWT format (the
//! claims set; signing with `typ: statuslist+jwt` is done elsewhere) and §6.2 the Referenced
//! Token's `status` claim, `{"status_list": {"idx": …, "uri": …}}`.

use std::num::NonZeroU64;

use serde_json::{json, Map, Value};

use super::compress::CompressError;
use super::token_list::{StatusListClaimError, TokenStatusList};
use super::url::{StatusListUrl, UrlError};

/// JOSE header `typ` of a Status List Token.
pub const STATUS_LIST_JWT_TYP: &str = "statuslist+jwt";
/// Media type of a Status List Token in JWT form.
pub const STATUS_LIST_JWT_MEDIA_TYPE: &str = "application/statuslist+jwt";

/// The claims set of a Status List Token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusListToken {
    /// `sub`: the URI of the token, equal to the Referenced Token's `status_list.uri`.
    pub sub: StatusListUrl,
    /// `iat`: issued at, POSIX seconds.
    pub iat: u64,
    /// `exp`: expiry, POSIX seconds.
    pub exp: Option<u64>,
    /// `ttl`: seconds a consumer may cache the token (positive). Note: **seconds**, while the W3C
    /// list credential's `ttl` is in milliseconds.
    pub ttl: Option<NonZeroU64>,
    /// `status_list`.
    pub list: TokenStatusList,
}

/// The claims set could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildTokenError {
    /// `exp` is not after `iat`.
    #[error("exp is not after iat")]
    ExpiryNotAfterIssue,
    /// Compressing the list failed.
    #[error(transparent)]
    Compress(#[from] CompressError),
}

/// Why a claims set or `status` claim received from outside is not usable.
#[derive(Debug, thiserror::Error)]
pub enum TokenClaimError {
    /// The claims set or a nested claim is not a JSON object.
    #[error("{0} is not a JSON object")]
    NotAnObject(&'static str),
    /// A required claim is absent.
    #[error("missing claim {0}")]
    Missing(&'static str),
    /// A claim has the wrong JSON type or an impossible value.
    #[error("claim {field} must be {expected}")]
    Invalid {
        /// The claim.
        field: &'static str,
        /// What it must be.
        expected: &'static str,
    },
    /// `sub` or `uri` is not an acceptable URL.
    #[error("{field}: {source}")]
    Url {
        /// The claim.
        field: &'static str,
        /// Why the URL is rejected.
        source: UrlError,
    },
    /// `status_list` could not be read.
    #[error(transparent)]
    StatusList(#[from] StatusListClaimError),
}

impl StatusListToken {
    /// The JWT claims set, to be signed with header `typ: statuslist+jwt`.
    pub fn to_claims(&self) -> Result<Value, BuildTokenError> {
        if self.exp.is_some_and(|exp| exp <= self.iat) {
            return Err(BuildTokenError::ExpiryNotAfterIssue);
        }
        let mut claims = Map::new();
        claims.insert("sub".into(), json!(self.sub.as_str()));
        claims.insert("iat".into(), json!(self.iat));
        if let Some(exp) = self.exp {
            claims.insert("exp".into(), json!(exp));
        }
        if let Some(ttl) = self.ttl {
            claims.insert("ttl".into(), json!(ttl.get()));
        }
        claims.insert("status_list".into(), self.list.to_json()?);
        Ok(Value::Object(claims))
    }

    /// Read a verified token's claims set. Time claims may be JSON integers or (RFC 7519
    /// NumericDate) non-negative numbers with fractions, which are truncated to whole seconds;
    /// whether the token is expired is the caller's check, with its clock.
    pub fn from_claims(claims: &Value) -> Result<Self, TokenClaimError> {
        use TokenClaimError as E;
        let obj = claims.as_object().ok_or(E::NotAnObject("claims set"))?;
        let sub = match obj.get("sub") {
            None => return Err(E::Missing("sub")),
            Some(Value::String(s)) => StatusListUrl::new(s).map_err(|source| E::Url { field: "sub", source })?,
            Some(_) => return Err(E::Invalid { field: "sub", expected: "a string" }),
        };
        let iat = numeric_date(obj.get("iat").ok_or(E::Missing("iat"))?, "iat")?;
        let exp = obj.get("exp").map(|v| numeric_date(v, "exp")).transpose()?;
        let ttl = match obj.get("ttl") {
            None => None,
            Some(v) => Some(positive_seconds(v)?),
        };
        let list = TokenStatusList::from_json(obj.get("status_list").ok_or(E::Missing("status_list"))?)?;
        Ok(StatusListToken { sub, iat, exp, ttl, list })
    }
}

/// 2^64 as an `f64`: numbers at or above it do not fit in a `u64` (the largest `f64` below it,
/// 2^64 - 2048, does, even after rounding up).
const TWO_POW_64: f64 = 18_446_744_073_709_551_616.0;

/// RFC 7519 NumericDate: a non-negative JSON number, fractions truncated.
fn numeric_date(v: &Value, field: &'static str) -> Result<u64, TokenClaimError> {
    let invalid = TokenClaimError::Invalid { field, expected: "a non-negative NumericDate" };
    if let Some(n) = v.as_u64() {
        return Ok(n);
    }
    match v.as_f64() {
        Some(f) if (0.0..TWO_POW_64).contains(&f) => Ok(f.trunc() as u64),
        _ => Err(invalid),
    }
}

/// `ttl`: "a positive number" of seconds; a fraction rounds up so a positive value stays positive.
fn positive_seconds(v: &Value) -> Result<NonZeroU64, TokenClaimError> {
    let invalid = TokenClaimError::Invalid { field: "ttl", expected: "a positive number of seconds" };
    let secs = match (v.as_u64(), v.as_f64()) {
        (Some(n), _) => n,
        (None, Some(f)) if f > 0.0 && f < TWO_POW_64 => f.ceil() as u64,
        _ => return Err(invalid),
    };
    NonZeroU64::new(secs).ok_or(invalid)
}

/// A Referenced Token's pointer into a Status List Token: `status.status_list` (§6.2).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StatusListReference {
    /// `idx`: the entry index.
    pub idx: u64,
    /// `uri`: the Status List Token URI (its `sub`).
    pub uri: StatusListUrl,
}

impl StatusListReference {
    /// The `status` claim value: `{"status_list": {"idx": …, "uri": …}}`.
    pub fn to_status_claim(&self) -> Value {
        json!({ "status_list": { "idx": self.idx, "uri": self.uri.as_str() } })
    }

    /// Read the `status` claim of a Referenced Token. Other status mechanisms beside
    /// `status_list` are ignored; a `status` claim without one is [`TokenClaimError::Missing`].
    pub fn from_status_claim(status: &Value) -> Result<Self, TokenClaimError> {
        use TokenClaimError as E;
        let status = status.as_object().ok_or(E::NotAnObject("status"))?;
        let list = status
            .get("status_list")
            .ok_or(E::Missing("status.status_list"))?
            .as_object()
            .ok_or(E::NotAnObject("status.status_list"))?;
        let idx = list
            .get("idx")
            .ok_or(E::Missing("status.status_list.idx"))?
            .as_u64()
            .ok_or(E::Invalid { field: "status.status_list.idx", expected: "a non-negative integer" })?;
        let uri = match list.get("uri") {
            None => return Err(E::Missing("status.status_list.uri")),
            Some(Value::String(s)) => {
                StatusListUrl::new(s).map_err(|source| E::Url { field: "status.status_list.uri", source })?
            }
            Some(_) => return Err(E::Invalid { field: "status.status_list.uri", expected: "a string" }),
        };
        Ok(StatusListReference { idx, uri })
    }
}

#[cfg(test)]
mod tests {
    use super::super::size::StatusSize;
    use super::super::token_list::token_status;
    use super::*;

    fn url() -> StatusListUrl {
        StatusListUrl::new("https://example.com/statuslists/1").expect("valid")
    }

    fn token() -> StatusListToken {
        let mut list = TokenStatusList::new(16, StatusSize::One).expect("small");
        for i in [0, 3, 4, 5, 7, 8, 9, 13, 15] {
            list.set(i, token_status::INVALID).expect("in range");
        }
        StatusListToken { sub: url(), iat: 1_686_920_170, exp: Some(2_291_720_170), ttl: NonZeroU64::new(43_200), list }
    }

    #[test]
    fn claims_match_the_draft_example() {
        // draft-ietf-oauth-status-list §5.1 example payload.
        let draft = json!({
            "exp": 2291720170u64,
            "iat": 1686920170,
            "status_list": {"bits": 1, "lst": "eNrbuRgAAhcBXQ"},
            "sub": "https://example.com/statuslists/1",
            "ttl": 43200
        });
        assert_eq!(token().to_claims().expect("builds"), draft);
        assert_eq!(StatusListToken::from_claims(&draft).expect("draft example"), token());
    }

    #[test]
    fn optional_claims_and_build_errors() {
        let t = StatusListToken { exp: None, ttl: None, ..token() };
        let claims = t.to_claims().expect("builds");
        assert!(claims.get("exp").is_none() && claims.get("ttl").is_none());
        assert_eq!(StatusListToken::from_claims(&claims).expect("parses"), t);
        let bad = StatusListToken { exp: Some(token().iat), ..token() };
        assert!(matches!(bad.to_claims(), Err(BuildTokenError::ExpiryNotAfterIssue)));
    }

    #[test]
    fn numeric_dates_and_ttl_from_outside() {
        let mut c = token().to_claims().expect("builds");
        c["iat"] = json!(1686920170.9);
        c["ttl"] = json!(0.5);
        let t = StatusListToken::from_claims(&c).expect("fractions");
        assert_eq!(t.iat, 1_686_920_170);
        assert_eq!(t.ttl, NonZeroU64::new(1));
        use TokenClaimError as E;
        let with = |field: &str, value: Value| {
            let mut c = token().to_claims().expect("builds");
            c[field] = value;
            StatusListToken::from_claims(&c)
        };
        let without = |field: &str| {
            let mut c = token().to_claims().expect("builds");
            c.as_object_mut().expect("object").remove(field);
            StatusListToken::from_claims(&c)
        };
        for field in ["sub", "iat", "status_list"] {
            assert!(matches!(without(field), Err(E::Missing(f)) if f == field), "{field}");
        }
        for (field, v) in [
            ("iat", json!(-1)),
            ("iat", json!("1686920170")),
            ("iat", json!(1e30)),
            ("exp", json!(null)),
            ("ttl", json!(0)),
            ("ttl", json!(-5)),
            ("ttl", json!("60")),
            ("sub", json!(1)),
        ] {
            assert!(matches!(with(field, v.clone()), Err(E::Invalid { .. })), "{field} {v}");
        }
        assert!(matches!(with("sub", json!("urn:x")), Err(E::Url { field: "sub", source: UrlError::Scheme })));
        assert!(matches!(with("status_list", json!({"bits": 5, "lst": "x"})), Err(E::StatusList(_))));
        assert!(matches!(StatusListToken::from_claims(&json!([])), Err(E::NotAnObject(_))));
    }

    #[test]
    fn referenced_token_status_claim() {
        let r = StatusListReference { idx: 0, uri: url() };
        // draft-ietf-oauth-status-list §6.2 example.
        let draft = json!({"status_list": {"idx": 0, "uri": "https://example.com/statuslists/1"}});
        assert_eq!(r.to_status_claim(), draft);
        assert_eq!(StatusListReference::from_status_claim(&draft).expect("draft example"), r);
        let big = StatusListReference { idx: u64::MAX, uri: url() };
        assert_eq!(StatusListReference::from_status_claim(&big.to_status_claim()).expect("round trip"), big);
        // Other mechanisms alongside are ignored.
        let mixed = json!({"status_list": {"idx": 7, "uri": "https://example.com/statuslists/1"}, "other": {}});
        assert_eq!(StatusListReference::from_status_claim(&mixed).expect("mixed").idx, 7);

        use TokenClaimError as E;
        let parse = |v: Value| StatusListReference::from_status_claim(&v);
        assert!(matches!(parse(json!("x")), Err(E::NotAnObject("status"))));
        assert!(matches!(parse(json!({"other": {}})), Err(E::Missing("status.status_list"))));
        assert!(matches!(parse(json!({"status_list": 1})), Err(E::NotAnObject(_))));
        assert!(matches!(parse(json!({"status_list": {"uri": "https://a.example/"}})), Err(E::Missing(_))));
        assert!(matches!(parse(json!({"status_list": {"idx": 1}})), Err(E::Missing(_))));
        for idx in [json!(-1), json!(1.5), json!("1"), json!(18446744073709551616.0)] {
            assert!(
                matches!(
                    parse(json!({"status_list": {"idx": idx, "uri": "https://a.example/"}})),
                    Err(E::Invalid { .. })
                ),
                "{idx}"
            );
        }
        assert!(matches!(parse(json!({"status_list": {"idx": 1, "uri": 2}})), Err(E::Invalid { .. })));
        assert!(matches!(parse(json!({"status_list": {"idx": 1, "uri": "https://a.example/#x"}})), Err(E::Url { .. })));
    }
}
