//! The issuer binding check: the proof's verification method belongs to the credential's issuer
//! and is listed under `assertionMethod` in the issuer's DID document. Only a [`BoundKey`] (made
//! here, after those checks) can be used to check the proof.

use medcred_formats::di_jcs::ASSERTION_METHOD;
use medcred_formats::jwt::VerifierKey;
use serde_json::Value;

use super::claimed::Claimed;
use crate::report::Outcome;
use crate::resolve::{assertion_method, verification_key, BindingError, DidResolver};

/// A public key found to speak for the credential's issuer.
#[derive(Debug)]
pub(crate) struct BoundKey(VerifierKey);

impl BoundKey {
    /// The key.
    pub(crate) fn key(&self) -> &VerifierKey {
        &self.0
    }
}

/// The issuer binding outcome, and either the bound key or the outcome the proof check gets
/// instead (it cannot run without a bound key).
pub(crate) fn bind(claimed: &Claimed<'_>, resolver: &dyn DidResolver) -> (Outcome, Result<BoundKey, Outcome>) {
    let refused = |why: String| {
        (Outcome::failed(why), Err(Outcome::could_not_check("not checked: the signing key is not bound to the issuer")))
    };
    let unchecked = |why: String| (Outcome::could_not_check(why.clone()), Err(Outcome::could_not_check(why)));
    let issuer = claimed.issuer.as_str();
    let vm = claimed.verification_method.as_str();

    if let Some(purpose) = claimed.proof_purpose.as_deref().filter(|p| *p != ASSERTION_METHOD) {
        return refused(format!("the proof purpose is {purpose:?}; a credential is signed for assertionMethod"));
    }
    let vm_did = vm.split_once('#').map_or(vm, |(did, _)| did);
    if vm_did != issuer {
        return refused(format!("signed with verification method {vm}, which does not belong to the issuer {issuer}"));
    }
    let doc = match resolver.resolve(issuer) {
        Ok(doc) => doc,
        Err(e) => return unchecked(format!("could not resolve the issuer {issuer}: {e}")),
    };
    if doc.get("id").and_then(Value::as_str) != Some(issuer) {
        return unchecked(format!("the resolver answered {issuer} with the DID document of another DID"));
    }
    let method = match assertion_method(&doc, vm) {
        Ok(m) => m,
        Err(e @ BindingError::MalformedDocument(_)) => {
            return unchecked(format!("the issuer's DID document is unusable: {e}"))
        }
        Err(e) => return refused(e.to_string()),
    };
    match verification_key(method) {
        Ok(key) => (Outcome::Passed, Ok(BoundKey(key))),
        Err(e) => (Outcome::Passed, Err(Outcome::could_not_check(format!("the issuer's key cannot be used: {e}")))),
    }
}
