//! The offline verification engine: one credential in, a [`Report`] of named checks out.
//!
//! Steps (DESIGN.md, Verification): syntax (detect the format, read what the credential claims)
//! → issuer binding (the proof's verification method is the issuer's and listed under its
//! `assertionMethod`; ssi does not check this) → proof (only with a key that passed the binding)
//! → issuer trust (the trust list accredits the issuer for this type and jurisdiction, and a
//! did:web issuer's origin does not refute its DID, see [`crate::linkage`]; advisory unless the
//! context requires it) → validity period (clock passed in) → status (lists from a
//! [`crate::StatusSource`], proven against the issuer's ledger; see [`crate::status`]) → schema
//! (the credential type's own rules). No I/O, no clock, no panics: every input ends in a report.
//! Presentations are verified in [`crate::presentation`], each credential through this engine.

pub(crate) mod binding;
pub(crate) mod claimed;
mod context;
pub(crate) mod proof;
mod schema;
mod trust;
pub(crate) mod validity;

pub use context::{VerifyContext, DEFAULT_MAX_CHECKPOINT_AGE, DEFAULT_SKEW};

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
/// Status lists are not read: a credential with a status entry is reported "could not check".
/// [`verify_credential_with`] takes a status source and the ledger policies.
pub async fn verify_credential(input: &str, resolver: &dyn DidResolver, now: DateTime<Utc>, skew: Duration) -> Report {
    verify_credential_with(input, &VerifyContext::new(resolver, now).with_skew(skew)).await
}

/// Verify one credential (any format [`detect`] knows) with what `ctx` gives: DID documents,
/// status lists and their ledger proofs, the clock, and the witness and freshness policies.
///
/// Never `Valid` unless the issuer binding, the proof, the validity period, (for a credential
/// with a status entry) the status, (when the context requires it) issuer trust and the type's
/// rules all passed.
pub async fn verify_credential_with(input: &str, ctx: &VerifyContext<'_>) -> Report {
    verify_detailed(input, ctx).await.report
}

/// A credential's report and, when its proof verified, its verified claims (for an SD-JWT VC,
/// with the disclosures applied; `cnf` included).
#[derive(Debug)]
pub(crate) struct Verified {
    pub(crate) report: Report,
    pub(crate) claims: Option<Map<String, Value>>,
}

/// [`verify_credential_with`], keeping the verified claims (for holder binding).
pub(crate) async fn verify_detailed(input: &str, ctx: &VerifyContext<'_>) -> Verified {
    let detected = match detect(input) {
        Ok(d) => d,
        Err(e) => return Verified { report: unreadable(None, false, &e), claims: None },
    };
    let claimed = match Claimed::read(&detected) {
        Ok(c) => c,
        Err(e) => return Verified { report: unreadable(Some(detected.format), detected.enveloped, &e), claims: None },
    };
    let (binding, key) = binding::bind(&claimed, ctx.resolver);
    let (proof, verified) = match key {
        Ok(key) => match proof::verify(&detected, &key).await {
            Ok(claims) => (Outcome::Passed, Some(claims)),
            Err(outcome) => (outcome, None),
        },
        Err(outcome) => (outcome, None),
    };
    // Dates from the verified claims when there are any (for an SD-JWT they include the
    // disclosures); otherwise from the unverified ones, which cannot make the verdict valid.
    let claims = verified.as_ref().unwrap_or(claimed.claims);
    let validity = validity::check(detected.format, claims, ctx.now, ctx.skew);
    // Status lists are read only for a credential whose proof verified.
    let status = match &verified {
        Some(claims) => crate::status::check(detected.format, claims, &claimed.issuer, ctx).await,
        None => (unverified_status(detected.format, claims), None),
    };
    let schema = match &verified {
        Some(claims) => schema::check(detected.format, &claimed.types, claims, ctx.now),
        None => Outcome::could_not_check("not checked: the credential's proof did not pass"),
    };
    // Domain linkage is looked at only for a credential whose proof verified.
    let linkage = verified.as_ref().and_then(|_| crate::linkage::check(&claimed.issuer, ctx));
    let checks = vec![
        Check::new(CheckName::Syntax, Outcome::Passed),
        Check::new(CheckName::IssuerBinding, binding),
        Check::new(CheckName::Proof, proof),
        trust::check(detected.format, &claimed.issuer, &claimed.types, claims, linkage.as_ref(), ctx),
        Check::new(CheckName::ValidityPeriod, validity),
        Check::new(CheckName::Status, status.0).with_detail(status.1),
        Check::new(CheckName::Schema, schema),
    ];
    let checks = checks
        .into_iter()
        .map(|c| {
            let always = matches!(c.name, CheckName::Syntax | CheckName::IssuerBinding | CheckName::Proof);
            if !always && ctx.advisory.contains(&c.name) {
                c.advisory()
            } else {
                c
            }
        })
        .collect();
    let subject = verified.as_ref().map_or(Value::Null, |c| subject(detected.format, c));
    let mut report = Report::new(checks);
    report.format = Some(detected.format);
    report.enveloped = detected.enveloped;
    report.issuer = Some(claimed.issuer);
    report.verification_method = Some(claimed.verification_method);
    report.types = claimed.types;
    report.subject = subject;
    if let Some(c) = &verified {
        report.id = c.get("id").or_else(|| c.get("jti")).and_then(Value::as_str).map(str::to_owned);
        report.valid_until = validity::valid_until(detected.format, c);
    }
    Verified { report, claims: verified }
}

/// The report on an input that is not a verifiable credential: syntax failed, nothing else ran.
fn unreadable(format: Option<Format>, enveloped: bool, e: &SyntaxError) -> Report {
    let not_run = || Outcome::could_not_check("not run: the input is not a verifiable credential");
    let mut report = Report::new(vec![
        Check::new(CheckName::Syntax, Outcome::failed(e.to_string())),
        Check::new(CheckName::IssuerBinding, not_run()),
        Check::new(CheckName::Proof, not_run()),
        Check::new(CheckName::IssuerTrust, not_run()).advisory(),
        Check::new(CheckName::ValidityPeriod, not_run()),
        Check::new(CheckName::Status, not_run()),
        Check::new(CheckName::Schema, not_run()),
    ]);
    report.format = format;
    report.enveloped = enveloped;
    report
}

/// The status of a credential whose proof did not verify: its status entries are not trusted
/// enough to fetch anything for.
fn unverified_status(format: Format, claims: &Map<String, Value>) -> Outcome {
    if crate::status::has_status(format, claims) {
        Outcome::could_not_check("not checked: the credential's proof did not pass")
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
