//! A status list is verified like a credential: the same issuer binding and proof code as the
//! engine's, plus the rule that the list's issuer is the credential's issuer.

use std::fmt::Display;

use serde_json::{Map, Value};

use super::memo::memo_key;
use crate::detect::Detected;
use crate::engine::binding::{bind, BoundKey};
use crate::engine::claimed::Claimed;
use crate::engine::proof;
use crate::engine::VerifyContext;
use crate::report::Outcome;
use crate::resolve::DidResolver;

/// `outcome` with its reason prefixed by `context` (an outcome without a reason, which no caller
/// passes, becomes "could not check" rather than a silent pass).
pub(crate) fn about(context: impl Display, outcome: Outcome) -> Outcome {
    match outcome {
        Outcome::Failed { reason } => Outcome::failed(format!("{context}: {reason}")),
        Outcome::CouldNotCheck { reason } => Outcome::could_not_check(format!("{context}: {reason}")),
        Outcome::Passed | Outcome::NotApplicable => Outcome::could_not_check(format!("{context}: not checked")),
    }
}

/// Fails unless the list claims the credential's issuer.
pub(crate) fn same_issuer(claimed: &Claimed<'_>, issuer: &str, url: impl Display) -> Result<(), Outcome> {
    if claimed.issuer == issuer {
        Ok(())
    } else {
        Err(Outcome::failed(format!(
            "the status list {url} is issued by {}, not by the credential's issuer {issuer}",
            claimed.issuer
        )))
    }
}

/// The key the list's proof names, if the issuer binding holds for it.
pub(crate) fn bound_key(
    claimed: &Claimed<'_>,
    resolver: &dyn DidResolver,
    url: impl Display,
) -> Result<BoundKey, Outcome> {
    match bind(claimed, resolver) {
        (Outcome::Passed, key) => key.map_err(|o| about(format_args!("status list {url}"), o)),
        (binding, _) => Err(about(format_args!("status list {url}: issuer binding"), binding)),
    }
}

/// The verified claims of the list `document` (detected as `detected`) signed by `issuer`'s
/// bound key; a signature already in `memo` for these bytes and this key is not checked again.
pub(crate) async fn verify_list(
    document: &str,
    detected: &Detected,
    claimed: &Claimed<'_>,
    issuer: &str,
    ctx: &VerifyContext<'_>,
    url: impl Display,
) -> Result<Map<String, Value>, Outcome> {
    same_issuer(claimed, issuer, &url)?;
    let key = bound_key(claimed, ctx.resolver, &url)?;
    let memo = ctx.verified_lists.map(|m| (m, memo_key(document, &claimed.verification_method, key.key())));
    if let Some(claims) = memo.as_ref().and_then(|(m, k)| m.get(k)) {
        return Ok(claims);
    }
    let claims = proof::verify(detected, &key).await.map_err(|o| about(format_args!("status list {url}: proof"), o))?;
    if let Some((m, k)) = memo {
        m.put(k, claims.clone());
    }
    Ok(claims)
}
