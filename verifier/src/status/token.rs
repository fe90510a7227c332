//! An IETF Token Status List (draft-ietf-oauth-status-list §5.1, JWT form, `typ: statuslist+jwt`)
//! for an SD-JWT VC's `status.status_list`: its JWS verified with the issuer-bound key, then
//! checked against the reference (`sub`, index range) and read (§7.1: 0 valid, 1 invalid,
//! 2 suspended).

use medcred_formats::jwt;
use medcred_registry::status::{
    snapshot_hash_of, token_status, StatusListToken, StatusPurpose, TokenStatusList, STATUS_LIST_JWT_TYP,
};
use serde_json::Value;

use super::entry::StatusRef;
use super::ledger::Expected;
use super::list::ReadList;
use super::signer::{about, bound_key, same_issuer};
use crate::engine::claimed::{absolute, Claimed};
use crate::engine::{proof, VerifyContext};
use crate::report::Outcome;

/// Verify and read the token `document` that `entry` points at.
pub(crate) fn open(
    document: &str,
    entry: &StatusRef,
    issuer: &str,
    ctx: &VerifyContext<'_>,
) -> Result<ReadList, Outcome> {
    let url = &entry.url;
    let unreadable =
        |why: String| Outcome::could_not_check(format!("the status list token at {url} is unreadable: {why}"));
    let decoded = jwt::decode(document.trim()).map_err(|e| unreadable(e.to_string()))?;
    let typ = decoded.typ().unwrap_or_default().to_ascii_lowercase();
    if typ.strip_prefix("application/").unwrap_or(&typ) != STATUS_LIST_JWT_TYP {
        return Err(unreadable(format!("JWS typ {typ:?} where {STATUS_LIST_JWT_TYP} was expected")));
    }
    let claims = decoded.claims().map_err(|e| unreadable(e.to_string()))?;
    let iss = claims.get("iss").and_then(Value::as_str).ok_or_else(|| unreadable("no string iss".into()))?;
    let kid = decoded.kid().ok_or_else(|| unreadable("the JWS header has no kid".into()))?;
    let claimed = Claimed {
        issuer: iss.to_owned(),
        verification_method: absolute(iss, kid),
        proof_purpose: None,
        types: Vec::new(),
        claims: &claims,
    };
    same_issuer(&claimed, issuer, url)?;
    let key = bound_key(&claimed, ctx.resolver, url)?;
    jwt::verify(&decoded, key.key())
        .map_err(|e| about(format_args!("status list {url}: signature"), proof::outcome(e)))?;

    let token = StatusListToken::from_claims(&Value::Object(claims.clone()))
        .map_err(|e| Outcome::failed(format!("the issuer's status list token {url} is malformed: {e}")))?;
    if let Some(exp) = token.exp {
        let latest = ctx.now.timestamp().saturating_sub(ctx.skew.abs().num_seconds());
        if i64::try_from(exp).is_ok_and(|exp| exp <= latest) {
            return Err(Outcome::could_not_check(format!(
                "the status list token {url} has expired; fetch a fresh one"
            )));
        }
    }
    if &token.sub != url {
        return Err(Outcome::failed(format!("the status list token fetched for {url} has the sub {}", token.sub)));
    }
    let value = token.list.get(entry.index).map_err(|e| Outcome::failed(format!("{entry}: {e}")))?;
    let problem = match value {
        token_status::VALID => None,
        token_status::INVALID => Some(super::REVOKED.to_owned()),
        token_status::SUSPENDED => Some(super::SUSPENDED.to_owned()),
        other => Some(format!("not valid (status 0x{other:02x})")),
    };
    Ok(ReadList { problem, expected: expected(&token.list) })
}

/// The two W3C bitstrings (index 0 the most significant bit of byte 0) the ledger records for the
/// list, rebuilt from the token's values: revocation where the value is 1, suspension where it is
/// 2. The suspension bitstring is exact only if no entry is revoked (a revoked entry shows 1
/// whether or not it is also suspended).
fn expected(list: &TokenStatusList) -> Vec<Expected> {
    let len = usize::try_from(list.len().div_ceil(8)).unwrap_or(0);
    let (mut revoked, mut suspended) = (vec![0u8; len], vec![0u8; len]);
    let mut any_revoked = false;
    for i in 0..list.len() {
        let target = match list.get(i) {
            Ok(token_status::INVALID) => {
                any_revoked = true;
                &mut revoked
            }
            Ok(token_status::SUSPENDED) => &mut suspended,
            _ => continue,
        };
        if let Some(byte) = usize::try_from(i / 8).ok().and_then(|b| target.get_mut(b)) {
            *byte |= 0x80 >> (i % 8);
        }
    }
    vec![
        Expected { purpose: StatusPurpose::Revocation, sha256: snapshot_hash_of(&revoked), exact: true },
        Expected { purpose: StatusPurpose::Suspension, sha256: snapshot_hash_of(&suspended), exact: !any_revoked },
    ]
}

#[cfg(test)]
mod tests {
    use medcred_registry::status::{BitstringStatusList, StatusSize};

    use super::*;

    #[test]
    fn rebuilds_the_w3c_bitstrings() {
        let mut token = TokenStatusList::new(131_072, StatusSize::Two).expect("list");
        let mut revocation = BitstringStatusList::with_min_entries(StatusSize::One);
        let mut suspension = BitstringStatusList::with_min_entries(StatusSize::One);
        for (i, v) in [(0, 2), (9, 1), (131_071, 2)] {
            token.set(i, v).expect("in range");
            if v == 1 { revocation.set(i, 1) } else { suspension.set(i, 1) }.expect("in range");
        }
        let e = expected(&token);
        assert_eq!(e[0].sha256, snapshot_hash_of(revocation.as_bytes()));
        assert_eq!(e[1].sha256, snapshot_hash_of(suspension.as_bytes()));
        assert!(e[0].exact && !e[1].exact, "entry 9 is revoked: its suspension bit is unknown");
        let clean = expected(&TokenStatusList::new(131_072, StatusSize::Two).expect("list"));
        assert!(clean[1].exact);
    }
}
