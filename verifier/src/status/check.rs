//! The status check of a verified credential: every status entry checked (list, bit, ledger),
//! then combined into one outcome with a detail.

use medcred_formats::Format;
use serde_json::{Map, Value};

use super::entry::{self, ListKind, StatusRef};
use super::signer::about;
use super::source::StatusSource;
use super::{ledger, list, token};
use crate::engine::VerifyContext;
use crate::report::Outcome;

/// Most status entries checked for one credential (medcred issues two).
pub(crate) const MAX_ENTRIES: usize = 8;

/// Whether `claims` (of a credential in `format`) carry status entries.
pub(crate) fn has_status(format: Format, claims: &Map<String, Value>) -> bool {
    claims.contains_key(entry::member(format))
}

/// The status outcome of a credential in `format` with verified `claims` from `issuer`, and the
/// detail of what was checked.
pub(crate) async fn check(
    format: Format,
    claims: &Map<String, Value>,
    issuer: &str,
    ctx: &VerifyContext<'_>,
) -> (Outcome, Option<String>) {
    if !has_status(format, claims) {
        return (Outcome::NotApplicable, None);
    }
    let Some(source) = ctx.status else {
        return (Outcome::could_not_check("status lists are not checked: no status source was given"), None);
    };
    let entries = entry::read(format, claims);
    if entries.is_empty() {
        return (Outcome::NotApplicable, None);
    }
    if entries.len() > MAX_ENTRIES {
        let why = format!("{} status entries; at most {MAX_ENTRIES} are checked", entries.len());
        return (Outcome::could_not_check(why), None);
    }
    let mut results = Vec::with_capacity(entries.len());
    for e in entries {
        results.push(match e {
            Ok(e) => check_entry(&e, issuer, source, ctx).await,
            Err(outcome) => Err(outcome),
        });
    }
    combine(results)
}

/// One entry: the detail of a pass, or the outcome that stands for it.
async fn check_entry(
    entry: &StatusRef,
    issuer: &str,
    source: &dyn StatusSource,
    ctx: &VerifyContext<'_>,
) -> Result<String, Outcome> {
    let fetched = source
        .fetch(entry.url.as_str())
        .map_err(|e| Outcome::could_not_check(format!("status list {} could not be had: {e}", entry.url)))?;
    let read = match entry.kind {
        ListKind::Bitstring(purpose) => list::open(&fetched.document, entry, purpose, issuer, ctx).await?,
        ListKind::Token => token::open(&fetched.document, entry, issuer, ctx)?,
    };
    if let Some(problem) = read.problem {
        return Err(Outcome::failed(format!("{problem} ({entry})")));
    }
    match ledger::prove(entry, fetched.tlog_proof.as_deref(), &read.expected, issuer, ctx) {
        Ok(proof) => Ok(format!("{entry}: not set; {proof}")),
        Err(Outcome::CouldNotCheck { reason }) if ctx.danger.accept_unproven_status => Ok(format!(
            "{entry}: not set, but NOT PROVEN ({reason}); accepted only because danger.accept_unproven_status is set"
        )),
        Err(outcome) => Err(about(entry, outcome)),
    }
}

/// Failed if any entry failed, else could not check if any could not be checked, else passed;
/// reasons and details joined with "; ".
fn combine(results: Vec<Result<String, Outcome>>) -> (Outcome, Option<String>) {
    let reasons = |failed: bool| -> Vec<String> {
        results
            .iter()
            .filter_map(|r| match r {
                Err(Outcome::Failed { reason }) if failed => Some(reason.clone()),
                Err(Outcome::CouldNotCheck { reason }) if !failed => Some(reason.clone()),
                _ => None,
            })
            .collect()
    };
    let passed: Vec<String> = results.iter().filter_map(|r| r.as_ref().ok().cloned()).collect();
    let detail = (!passed.is_empty()).then(|| passed.join("; "));
    let failed = reasons(true);
    if !failed.is_empty() {
        return (Outcome::failed(failed.join("; ")), detail);
    }
    let unchecked = reasons(false);
    if !unchecked.is_empty() || passed.len() != results.len() {
        let why = if unchecked.is_empty() { "a status entry was not checked".to_owned() } else { unchecked.join("; ") };
        return (Outcome::could_not_check(why), detail);
    }
    (Outcome::Passed, detail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_beats_could_not_check_beats_passed() {
        let ok = || Ok("fine".to_owned());
        let (o, d) = combine(vec![ok(), Err(Outcome::could_not_check("offline")), Err(Outcome::failed("revoked"))]);
        assert_eq!((o, d.as_deref()), (Outcome::failed("revoked"), Some("fine")));
        let (o, _) = combine(vec![ok(), Err(Outcome::could_not_check("a")), Err(Outcome::could_not_check("b"))]);
        assert_eq!(o, Outcome::could_not_check("a; b"));
        assert_eq!(combine(vec![ok(), ok()]), (Outcome::Passed, Some("fine; fine".to_owned())));
        // An entry whose outcome carries no reason is never taken for a pass.
        assert!(matches!(combine(vec![ok(), Err(Outcome::Passed)]).0, Outcome::CouldNotCheck { .. }));
    }
}
