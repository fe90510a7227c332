//! The offline verification engine: one credential in, a [`Report`] of named checks out.
//!
//! Steps (DESIGN.md, Verification): syntax (detect the format, read what the credential claims)
//! → issuer binding (the proof's verification method is the issuer's and listed under its
//! `assertionMethod`; ssi does not check this) → proof (only with a key that passed the binding)
//! → validity period (clock passed in) → status. No I/O, no clock, no panics: every input ends in
//! a report.

mod binding;
mod claimed;
mod proof;
mod validity;

use chrono::{DateTime, Duration, Utc};
use medcred_formats::Format;
use serde_json::{Map, Value};

use crate::detect::{detect, SyntaxError};
use crate::report::{Check, CheckName, Outcome, Report};
use crate::resolve::DidResolver;
use claimed::Claimed;

/// Verify one credential (any format [`detect`] knows) at time `now`, allowing `skew` of clock
/// difference on validity bounds, with DID documents from `resolver`.
///
/// Never `Valid` unless the issuer binding, the proof and the validity period all passed. Status
/// lists are not read yet: a credential with a status entry is reported "could not check".
pub async fn verify_credential(input: &str, resolver: &dyn DidResolver, now: DateTime<Utc>, skew: Duration) -> Report {
    let detected = match detect(input) {
        Ok(d) => d,
        Err(e) => return unreadable(None, false, &e),
    };
    let claimed = match Claimed::read(&detected) {
        Ok(c) => c,
        Err(e) => return unreadable(Some(detected.format), detected.enveloped, &e),
    };
    let (binding, key) = binding::bind(&claimed, resolver);
    let (proof, verified) = match key {
        Ok(key) => match proof::verify(&detected, &key).await {
            Ok(claims) => (Outcome::Passed, Some(claims)),
            Err(outcome) => (outcome, None),
        },
        Err(outcome) => (outcome, None),
    };
    // Dates and status from the verified claims when there are any (for an SD-JWT they include
    // the disclosures); otherwise from the unverified ones, which cannot make the verdict valid.
    let claims = verified.as_ref().unwrap_or(claimed.claims);
    let checks = vec![
        Check::new(CheckName::Syntax, Outcome::Passed),
        Check::new(CheckName::IssuerBinding, binding),
        Check::new(CheckName::Proof, proof),
        Check::new(CheckName::ValidityPeriod, validity::check(detected.format, claims, now, skew)),
        Check::new(CheckName::Status, status(detected.format, claims)),
    ];
    let subject = verified.as_ref().map_or(Value::Null, |c| subject(detected.format, c));
    let mut report = Report::new(checks);
    report.format = Some(detected.format);
    report.enveloped = detected.enveloped;
    report.issuer = Some(claimed.issuer);
    report.verification_method = Some(claimed.verification_method);
    report.types = claimed.types;
    report.subject = subject;
    report
}

/// The report on an input that is not a verifiable credential: syntax failed, nothing else ran.
fn unreadable(format: Option<Format>, enveloped: bool, e: &SyntaxError) -> Report {
    let not_run = || Outcome::could_not_check("not run: the input is not a verifiable credential");
    let mut report = Report::new(vec![
        Check::new(CheckName::Syntax, Outcome::failed(e.to_string())),
        Check::new(CheckName::IssuerBinding, not_run()),
        Check::new(CheckName::Proof, not_run()),
        Check::new(CheckName::ValidityPeriod, not_run()),
        Check::new(CheckName::Status, not_run()),
    ]);
    report.format = format;
    report.enveloped = enveloped;
    report
}

/// A status entry (`credentialStatus`; SD-JWT VC `status`) cannot be checked offline yet.
fn status(format: Format, claims: &Map<String, Value>) -> Outcome {
    let member = if format == Format::SdJwtVc { "status" } else { "credentialStatus" };
    if claims.contains_key(member) {
        Outcome::could_not_check("status lists are not checked offline yet")
    } else {
        Outcome::NotApplicable
    }
}

/// SD-JWT VC claims that describe the token rather than the subject.
const SD_JWT_TECHNICAL: &[&str] = &["iss", "vct", "jti", "iat", "nbf", "exp", "cnf", "status"];

/// The subject claims of a verified credential.
fn subject(format: Format, claims: &Map<String, Value>) -> Value {
    if format == Format::SdJwtVc {
        let subject: Map<String, Value> = claims
            .iter()
            .filter(|(k, _)| !SD_JWT_TECHNICAL.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        Value::Object(subject)
    } else {
        claims.get("credentialSubject").cloned().unwrap_or(Value::Null)
    }
}
