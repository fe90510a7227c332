//! `GET /boards/{slug}/status/{list}/{kind}`: a board's status lists — `revocation` and
//! `suspension` as W3C Bitstring Status List credentials (eddsa-rdfc-2022, media type
//! `application/vc+ld+json`), `token` as an IETF Token Status List (`application/statuslist+jwt`,
//! 2 bits: 0 valid, 1 revoked, 2 suspended). Each carries an ETag (the list version) and
//! Cache-Control matching its `ttl`, so verifiers revalidate with a cheap 304.

use std::num::NonZeroU64;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{TimeZone, Utc};
use medcred_formats::{di_rdfc, jwt};
use medcred_issuer::status_slots::ListUrls;
use medcred_model::Did;
use medcred_registry::status::{
    BitstringStatusList, StatusListCredential, StatusListToken, StatusListUrl, StatusPurpose, StatusSize,
    TokenStatusList, STATUS_LIST_JWT_MEDIA_TYPE, STATUS_LIST_JWT_TYP,
};
use medcred_store::{BoardRow, StatusListRow};

use crate::committer::bit;
use crate::error::RegistryError;
use crate::state::{ListKey, Registry, SignedList};

/// Media type of a W3C status list credential (exactly this; see notes/ssi-0.16.md).
pub const VC_LD_JSON: &str = "application/vc+ld+json";

/// Which document of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    /// A W3C list for one purpose.
    Bitstring(StatusPurpose),
    /// The IETF token status list view of both purposes.
    Token,
}

impl ListKind {
    /// Parse the last path segment.
    pub fn parse(s: &str) -> Result<ListKind, RegistryError> {
        match s {
            "revocation" => Ok(ListKind::Bitstring(StatusPurpose::Revocation)),
            "suspension" => Ok(ListKind::Bitstring(StatusPurpose::Suspension)),
            "token" => Ok(ListKind::Token),
            _ => Err(RegistryError::NotFound("status list")),
        }
    }

    fn name(self) -> &'static str {
        match self {
            ListKind::Bitstring(p) => p.as_str(),
            ListKind::Token => "token",
        }
    }
}

/// Parse a list number path segment: a decimal without sign, below 2^53.
pub fn parse_list_no(s: &str) -> Result<i64, RegistryError> {
    let ok = !s.is_empty() && s.len() <= 15 && s.bytes().all(|b| b.is_ascii_digit());
    ok.then(|| s.parse().ok())
        .flatten()
        .ok_or_else(|| RegistryError::bad_request("malformed_list", "list number must be a decimal integer"))
}

fn etag(list_no: i64, kind: ListKind, version: i64) -> String {
    format!("\"{list_no}-{}-{version}\"", kind.name())
}

fn internal(e: impl std::fmt::Display) -> RegistryError {
    RegistryError::Internal(e.to_string())
}

/// The bitstring of `row` for `purpose`.
pub(crate) fn bits_of(row: &StatusListRow, purpose: StatusPurpose) -> &[u8] {
    match purpose {
        StatusPurpose::Revocation => &row.revocation,
        StatusPurpose::Suspension => &row.suspension,
    }
}

/// Sign (or take from the cache) the list document of `row` as `kind`.
pub(crate) async fn signed_list(
    reg: &Registry,
    board: &BoardRow,
    row: &StatusListRow,
    kind: ListKind,
) -> Result<Arc<SignedList>, RegistryError> {
    let key: ListKey = (board.id.clone(), row.list_no, kind.name(), row.version);
    if let Some(hit) = reg.cached(&key) {
        return Ok(hit);
    }
    let issuer = reg.issuer();
    let signing = issuer.signing_key(board).await?;
    let urls = ListUrls::new(issuer.public_url(), &board.slug);
    let published = Utc.timestamp_opt(row.updated_at, 0).single().ok_or_else(|| internal("list time out of range"))?;
    let signed = match kind {
        ListKind::Bitstring(purpose) => {
            let bits = bits_of(row, purpose).to_vec();
            let list = BitstringStatusList::from_bytes(bits, StatusSize::One).map_err(internal)?;
            let url = StatusListUrl::new(&urls.bitstring(row.list_no, purpose)).map_err(internal)?;
            let issuer_did: Did = board.did.parse().map_err(|_| internal("board DID is malformed"))?;
            let unsigned = StatusListCredential {
                url,
                issuer: issuer_did,
                purpose,
                valid_from: published,
                valid_until: None,
                ttl_ms: Some(reg.ttl_ms()),
            }
            .to_json(&list)
            .map_err(internal)?;
            let vc = di_rdfc::sign(&unsigned, &signing, published).await.map_err(internal)?;
            SignedList { body: vc.to_string() }
        }
        ListKind::Token => {
            let mut list = TokenStatusList::new(row.entries as u64, StatusSize::Two).map_err(internal)?;
            for index in 0..row.entries as u64 {
                let value = if bit(&row.revocation, index).unwrap_or(false) {
                    1
                } else if bit(&row.suspension, index).unwrap_or(false) {
                    2
                } else {
                    continue;
                };
                list.set(index, value).map_err(internal)?;
            }
            let ttl_s = (reg.ttl_ms() / 1000).max(1);
            let iat = issuer.clock().now().timestamp().max(0) as u64;
            let token = StatusListToken {
                sub: StatusListUrl::new(&urls.token(row.list_no)).map_err(internal)?,
                iat,
                exp: Some(iat + 24 * 3600),
                ttl: NonZeroU64::new(ttl_s),
                list,
            };
            let mut claims = token.to_claims().map_err(internal)?;
            claims["iss"] = serde_json::json!(board.did);
            let header =
                serde_json::json!({"alg": "EdDSA", "typ": STATUS_LIST_JWT_TYP, "kid": signing.verification_method()});
            let payload = serde_json::to_vec(&claims).map_err(internal)?;
            SignedList { body: jwt::sign_compact(&header, &payload, &signing).map_err(internal)? }
        }
    };
    let signed = Arc::new(signed);
    reg.cache(key, signed.clone());
    Ok(signed)
}

/// `GET /boards/{slug}/status/{list}/{kind}`.
pub(crate) async fn get_list(
    State(reg): State<Registry>,
    Path((slug, list, kind)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Result<Response, RegistryError> {
    let kind = ListKind::parse(&kind)?;
    let list_no = parse_list_no(&list)?;
    let board = reg.issuer().db().board_by_slug(&slug).await?;
    let version = reg.issuer().db().status_list_version(&board.id, list_no).await?;
    let tag = etag(list_no, kind, version);
    let max_age = (reg.ttl_ms() / 1000).max(1);
    let cache_control = format!("public, max-age={max_age}, must-revalidate");
    let media = match kind {
        ListKind::Bitstring(_) => VC_LD_JSON,
        ListKind::Token => STATUS_LIST_JWT_MEDIA_TYPE,
    };
    let mut out = HeaderMap::new();
    out.insert(header::ETAG, HeaderValue::from_str(&tag).map_err(internal)?);
    out.insert(header::CACHE_CONTROL, HeaderValue::from_str(&cache_control).map_err(internal)?);
    out.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if let ListKind::Bitstring(_) = kind {
        let link = format!(
            "<{}/boards/{slug}/status/{list_no}/{}/bundle>; rel=\"tlog-proof\"",
            reg.issuer().public_url(),
            kind.name()
        );
        out.insert(header::LINK, HeaderValue::from_str(&link).map_err(internal)?);
    }
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim().trim_start_matches("W/") == tag));
    if matches {
        return Ok((StatusCode::NOT_MODIFIED, out).into_response());
    }
    let row = reg.issuer().db().status_list(&board.id, list_no).await?;
    let signed = signed_list(&reg, &board, &row, kind).await?;
    let tag = etag(list_no, kind, row.version);
    out.insert(header::ETAG, HeaderValue::from_str(&tag).map_err(internal)?);
    out.insert(header::CONTENT_TYPE, HeaderValue::from_static(media));
    Ok((out, signed.body.clone()).into_response())
}
