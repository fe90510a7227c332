//! A W3C `BitstringStatusListCredential` for one entry: verified as the credential issuer's, then
//! checked against the entry (`id`, purpose, index range) and read (W3C Bitstring Status List
//! v1.0 §3.2).

use medcred_registry::status::{snapshot_hash_of, ReceivedStatusList, StatusPurpose};
use serde_json::Value;

use super::entry::StatusRef;
use super::ledger::Expected;
use super::signer::verify_list;
use crate::detect::detect;
use crate::engine::claimed::Claimed;
use crate::engine::validity;
use crate::engine::VerifyContext;
use crate::report::Outcome;

/// A list verified as the issuer's and read at the entry's index.
#[derive(Debug)]
pub(crate) struct ReadList {
    /// Why the entry is not in good standing ("revoked", "suspended"...), if it is not.
    pub(crate) problem: Option<String>,
    /// What the issuer's ledger snapshot must record for this list.
    pub(crate) expected: Vec<Expected>,
}

/// Verify and read the list `document` that `entry` (of purpose `purpose`) points at.
pub(crate) async fn open(
    document: &str,
    entry: &StatusRef,
    purpose: StatusPurpose,
    issuer: &str,
    ctx: &VerifyContext<'_>,
) -> Result<ReadList, Outcome> {
    let url = &entry.url;
    let unreadable = |why: String| Outcome::could_not_check(format!("the status list at {url} is unreadable: {why}"));
    let detected = detect(document).map_err(|e| unreadable(e.to_string()))?;
    let claimed = Claimed::read(&detected).map_err(|e| unreadable(e.to_string()))?;
    let claims = verify_list(document, &detected, &claimed, issuer, ctx, url).await?;
    if let Outcome::Failed { reason } = validity::check(detected.format, &claims, ctx.now, ctx.skew) {
        return Err(Outcome::could_not_check(format!(
            "the status list {url} is not valid now ({reason}); fetch a fresh one"
        )));
    }
    let list = ReceivedStatusList::from_json(&Value::Object(claims))
        .map_err(|e| Outcome::failed(format!("the issuer's status list {url} is malformed: {e}")))?;
    match &list.id {
        Some(id) if id == url => {}
        Some(id) => return Err(Outcome::failed(format!("the status list fetched for {url} has the id {id}"))),
        None => return Err(Outcome::failed(format!("the status list fetched for {url} has no id"))),
    }
    if !list.has_purpose(purpose) {
        return Err(Outcome::failed(format!("the status list {url} is not a {purpose} list")));
    }
    let bit = list.list.get(entry.index).map_err(|e| Outcome::failed(format!("{entry}: {e}")))?;
    let problem = (bit != 0).then(|| match purpose {
        StatusPurpose::Revocation => super::REVOKED.to_owned(),
        StatusPurpose::Suspension => super::SUSPENDED.to_owned(),
    });
    let expected = vec![Expected { purpose, sha256: snapshot_hash_of(list.list.as_bytes()), exact: true }];
    Ok(ReadList { problem, expected })
}
