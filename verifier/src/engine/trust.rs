//! The issuer trust check: the trust list accredits the credential's issuer for its type and
//! jurisdiction at the time of verification, and (when looked at) the origin of a did:web issuer
//! does not refute its DID (domain linkage, [`crate::linkage`]; what it confirms goes into the
//! detail). Advisory unless the context requires trust.

use medcred_formats::Format;
use medcred_model::CredentialKind;
use serde_json::{Map, Value};

use super::VerifyContext;
use crate::linkage::Linkage;
use crate::report::{Check, CheckName, Outcome};
use crate::trust::TrustDecision;

/// The trust check of a credential from `issuer` with `types` (for SD-JWT VC, `[vct]`) and
/// verified (or, when the proof failed, claimed) `claims`, with the issuer's domain `linkage` when
/// it was looked at.
pub(crate) fn check(
    format: Format,
    issuer: &str,
    types: &[String],
    claims: &Map<String, Value>,
    linkage: Option<&Linkage>,
    ctx: &VerifyContext<'_>,
) -> Check {
    let (outcome, detail) = match ctx.trust {
        None => (Outcome::could_not_check("no trust list of accredited boards is configured"), None),
        Some(list) => match list.decide(issuer, &type_names(types), jurisdiction(format, claims), ctx.now) {
            TrustDecision::Accredited(name) => (
                Outcome::Passed,
                Some(format!("{name} ({issuer}), per the trust list of {} (sequence {})", list.iss, list.sequence)),
            ),
            TrustDecision::NotListed => (Outcome::failed(format!("{issuer} is not an accredited board")), None),
            TrustDecision::NotForType(t) => (Outcome::failed(format!("{issuer} is not accredited to issue {t}")), None),
            TrustDecision::NotForJurisdiction(j) => {
                (Outcome::failed(format!("{issuer} is not accredited for the jurisdiction {j}")), None)
            }
            TrustDecision::NotInForce => {
                (Outcome::failed(format!("the accreditation of {issuer} is not in force at this time")), None)
            }
        },
    };
    let (outcome, detail) = match linkage {
        Some(l) => with_linkage(outcome, detail, l),
        None => (outcome, detail),
    };
    let check = Check::new(CheckName::IssuerTrust, outcome).with_detail(detail);
    if ctx.require_trust {
        check
    } else {
        check.advisory()
    }
}

/// The trust outcome and detail with what the domain linkage adds: a refuted link fails the
/// check (next to any other failure); anything else is told in the detail.
fn with_linkage(outcome: Outcome, detail: Option<String>, linkage: &Linkage) -> (Outcome, Option<String>) {
    if let Some(why) = linkage.refutation() {
        let reason = match outcome {
            Outcome::Failed { reason } => format!("{reason}; {why}"),
            _ => why,
        };
        return (Outcome::failed(reason), detail);
    }
    let note = linkage.detail();
    let detail = match detail {
        Some(d) => format!("{d}; {note}"),
        None => note,
    };
    (outcome, Some(detail))
}

/// W3C type names; an SD-JWT VC `vct` of a medcred type becomes its type name.
fn type_names(types: &[String]) -> Vec<String> {
    types
        .iter()
        .map(|t| {
            [CredentialKind::License, CredentialKind::Patient]
                .into_iter()
                .find(|k| k.vct() == t)
                .map_or_else(|| t.clone(), |k| k.type_name().to_owned())
        })
        .collect()
}

/// The jurisdiction a credential names (`credentialSubject.jurisdiction`, SD-JWT `jurisdiction`).
fn jurisdiction(format: Format, claims: &Map<String, Value>) -> Option<&str> {
    let holder = if format == Format::SdJwtVc { Some(claims) } else { claims.get("credentialSubject")?.as_object() };
    holder?.get("jurisdiction")?.as_str()
}
