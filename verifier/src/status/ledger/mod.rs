//! The ledger proof of a status list: the list's bits are recorded in a snapshot leaf of the
//! issuer's own transparency log (DESIGN.md "The ledger"), proven by a C2SP tlog-proof whose
//! checkpoint the log signed (and witnesses cosigned), fresh enough.

mod bundle;
mod service;

use medcred_registry::status::StatusPurpose;

use super::entry::StatusRef;
use crate::engine::VerifyContext;
use crate::report::Outcome;
use bundle::{contradiction, fresh, open};
use service::{ledger_of, list_id};

/// A digest of one of the list's W3C bitstrings that the ledger snapshot must record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Expected {
    /// Which bitstring of the list.
    pub(crate) purpose: StatusPurpose,
    /// [`medcred_registry::status::snapshot_hash_of`] the bitstring.
    pub(crate) sha256: [u8; 32],
    /// Whether the bitstring is known exactly: a mismatch then contradicts the ledger; otherwise
    /// (a token list's suspension bits) it only leaves the status unproven.
    pub(crate) exact: bool,
}

/// Prove that the snapshot in the tlog-proof `proof` records `expected` for the list of `entry`,
/// in the ledger of `issuer`: the detail of the proof (checkpoint size, witnesses) or why not.
pub(crate) fn prove(
    entry: &StatusRef,
    proof: Option<&str>,
    expected: &[Expected],
    issuer: &str,
    ctx: &VerifyContext<'_>,
) -> Result<String, Outcome> {
    let ledger = ledger_of(issuer, ctx.resolver)?;
    let list = list_id(entry)?;
    let Some(proof) = proof else {
        return Err(Outcome::could_not_check(format!(
            "status not proven in the ledger: no tlog-proof was given for {}",
            entry.url
        )));
    };
    let proven = open(proof, &ledger, ctx.witness_policy.as_ref())?;
    for e in expected {
        let Some(digest) = proven.snapshot.find(list, e.purpose) else {
            return Err(contradiction(format!("the proven snapshot does not record list {list} ({})", e.purpose)));
        };
        if digest.bitstring_sha256 != e.sha256 {
            let why = format!("the {} bits of {} differ from list {list} in the proven snapshot", e.purpose, entry.url);
            return Err(if e.exact {
                contradiction(why)
            } else {
                Outcome::could_not_check(format!(
                    "status not proven in the ledger: {why}, which a token list cannot settle when entries are revoked \
                     (their suspension bits do not show); use the W3C {} list",
                    e.purpose
                ))
            });
        }
    }
    fresh(&proven, ctx.now, ctx.skew, ctx.max_checkpoint_age)?;
    let witnesses = match &ctx.witness_policy {
        None => "no witness policy: only the log's signature was checked".to_owned(),
        Some(policy) => {
            let names: Vec<&str> = proven.witnesses.iter().map(|(name, _)| name.as_str()).collect();
            format!("cosigned by {} of the {} required witnesses: {}", names.len(), policy.k(), names.join(", "))
        }
    };
    Ok(format!(
        "proven by snapshot leaf {} in checkpoint size {} of {} ({witnesses})",
        proven.index, proven.size, ledger.origin
    ))
}
