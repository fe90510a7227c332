//! Holder binding: the presentation's key is the holder's (listed under the holder DID's
//! `authentication`), the proof carries this request's challenge and domain, and each credential
//! is about the holder (its subject id, or for an SD-JWT VC its `cnf` key).

use chrono::{DateTime, Duration, Utc};
use medcred_formats::jwt::VerifierKey;
use serde_json::{Map, Value};

use super::PresentationExpectations;
use crate::engine::claimed::absolute;
use crate::report::Outcome;
use crate::resolve::{related_method, verification_key, BindingError, DidResolver};

/// Findings that make up the holder binding check: the failures, what could not be checked,
/// and what passed (for the detail).
#[derive(Debug, Default)]
pub(crate) struct Findings {
    failed: Vec<String>,
    unchecked: Vec<String>,
    passed: Vec<String>,
}

impl Findings {
    pub(crate) fn fail(&mut self, why: impl Into<String>) {
        self.failed.push(why.into());
    }
    pub(crate) fn unchecked(&mut self, why: impl Into<String>) {
        self.unchecked.push(why.into());
    }
    pub(crate) fn pass(&mut self, what: impl Into<String>) {
        self.passed.push(what.into());
    }
    /// Add an outcome about one finding.
    pub(crate) fn add(&mut self, outcome: Outcome, what: &str) {
        match outcome {
            Outcome::Failed { reason } => self.fail(reason),
            Outcome::CouldNotCheck { reason } => self.unchecked(reason),
            Outcome::Passed => self.pass(what),
            Outcome::NotApplicable => {}
        }
    }
    /// Failed if anything failed, else could not check if anything could not be checked, else
    /// passed; with the passed findings as the detail.
    pub(crate) fn outcome(self) -> (Outcome, Option<String>) {
        let detail = (!self.passed.is_empty()).then(|| self.passed.join("; "));
        if !self.failed.is_empty() {
            (Outcome::failed(self.failed.join("; ")), detail)
        } else if !self.unchecked.is_empty() {
            (Outcome::could_not_check(self.unchecked.join("; ")), detail)
        } else {
            (Outcome::Passed, detail)
        }
    }
}

/// The holder's key for `vm` if `vm` belongs to `holder` and is listed under its
/// `authentication`: `Err` is the binding outcome (failed or could not check).
pub(crate) fn holder_key(holder: &str, vm: &str, resolver: &dyn DidResolver) -> Result<VerifierKey, Outcome> {
    let vm = absolute(holder, vm);
    let vm_did = vm.split_once('#').map_or(vm.as_str(), |(did, _)| did);
    if vm_did != holder {
        return Err(Outcome::failed(format!("signed with {vm}, which does not belong to the holder {holder}")));
    }
    let doc = resolver
        .resolve(holder)
        .map_err(|e| Outcome::could_not_check(format!("could not resolve the holder {holder}: {e}")))?;
    if doc.get("id").and_then(Value::as_str) != Some(holder) {
        return Err(Outcome::could_not_check(format!("the resolver answered {holder} with another DID's document")));
    }
    let method = match related_method(&doc, &vm, "authentication") {
        Ok(m) => m,
        Err(e @ BindingError::MalformedDocument(_)) => {
            return Err(Outcome::could_not_check(format!("the holder's DID document is unusable: {e}")))
        }
        Err(e) => return Err(Outcome::failed(e.to_string())),
    };
    verification_key(method).map_err(|e| Outcome::could_not_check(format!("the holder's key cannot be used: {e}")))
}

/// Compare the presentation's challenge (nonce) and domains (audiences) with what the verifier
/// asked for. Only values from a verified proof may be passed here.
pub(crate) fn request_binding(
    findings: &mut Findings,
    expect: &PresentationExpectations,
    challenge: Option<&str>,
    domains: &[String],
    what: (&str, &str),
) {
    let (challenge_name, domain_name) = what;
    match (&expect.challenge, challenge) {
        (Some(want), Some(got)) if want == got => findings.pass(format!("{challenge_name} matches this request")),
        (Some(_), Some(_)) => findings.fail(format!(
            "the {challenge_name} is not this request's: a presentation made for another request (or replayed)"
        )),
        (Some(_), None) => findings.fail(format!("the presentation carries no {challenge_name}")),
        (None, _) => findings.pass(format!("no {challenge_name} was required, so replay is not prevented")),
    }
    match &expect.domain {
        Some(want) if domains.iter().any(|d| d == want) => findings.pass(format!("{domain_name} is this verifier")),
        Some(want) if domains.is_empty() => {
            findings.fail(format!("the presentation names no {domain_name}; {want} was expected"))
        }
        Some(want) => findings.fail(format!("the presentation is for {}, not for {want}", domains.join(", "))),
        None => {}
    }
}

/// Whether `iat` (seconds) lies within `[now - max_age - skew, now + skew]`.
pub(crate) fn issued_at(
    findings: &mut Findings,
    iat: Option<i64>,
    now: DateTime<Utc>,
    max_age: Duration,
    skew: Duration,
) {
    let Some(iat) = iat else { return };
    let now_s = now.timestamp();
    let skew = skew.abs().num_seconds();
    if iat > now_s.saturating_add(skew) {
        findings.fail("the presentation is dated in the future (iat)");
    } else if iat < now_s.saturating_sub(max_age.num_seconds()).saturating_sub(skew) {
        findings.fail(format!("the presentation is older than {}s (iat)", max_age.num_seconds()));
    } else {
        findings.pass("issued just now (iat)");
    }
}

/// Whether a verified credential (claims of format W3C or SD-JWT VC) is about `holder`, who
/// signed with `holder_key`: credential `n` (1-based) for the messages.
pub(crate) fn subject_binding(
    findings: &mut Findings,
    n: usize,
    claims: &Map<String, Value>,
    holder: &str,
    holder_key: Option<&VerifierKey>,
) {
    let subject_ids: Vec<&str> = match claims.get("credentialSubject") {
        Some(Value::Object(o)) => o.get("id").and_then(Value::as_str).into_iter().collect(),
        Some(Value::Array(a)) => a.iter().filter_map(|s| s.get("id").and_then(Value::as_str)).collect(),
        _ => claims.get("sub").and_then(Value::as_str).into_iter().collect(),
    };
    if subject_ids.contains(&holder) {
        findings.pass(format!("credential {n} is about the holder"));
        return;
    }
    let cnf = claims.get("cnf").and_then(|c| c.get("jwk")).and_then(|j| VerifierKey::from_jwk(j).ok());
    if let (Some(cnf), Some(key)) = (cnf, holder_key) {
        if &cnf == key {
            findings.pass(format!("credential {n} is bound to the holder's key (cnf)"));
            return;
        }
    }
    if subject_ids.is_empty() {
        findings.unchecked(format!(
            "credential {n} names no subject id or holder key, so it cannot be bound to the holder (a bearer credential)"
        ));
    } else {
        findings.fail(format!("credential {n} is about {}, not about the holder {holder}", subject_ids.join(", ")));
    }
}
