//! Presentations: a holder's package of credentials for one verifier request, verified with the
//! verifier's expectations (challenge / nonce, domain / audience).
//!
//! Checks of the presentation itself (DESIGN.md, Verification, holder binding):
//! 1. `syntax` — a Data Integrity `VerifiablePresentation`, a `vp+jwt`, or an SD-JWT with a
//!    key-binding JWT;
//! 2. `proof` — the holder's signature: the Data Integrity proof or JWS with the holder's key
//!    (for an SD-JWT, the key-binding JWT with the credential's `cnf` key, over its `sd_hash`);
//! 3. `holder_binding` — the key is listed under the holder DID's `authentication` (a Data
//!    Integrity proof has purpose `authentication`), the proof carries this request's challenge
//!    and domain (`nonce`/`aud`; the KB-JWT's `nonce`, `aud`, `iat`), and each credential is about
//!    the holder (`credentialSubject.id`, `sub`, or `cnf` the holder's key);
//! 4. `credentials` — every embedded credential verified by [`crate::engine`] (a W3C
//!    presentation carries them under `verifiableCredential`: Data Integrity credentials or
//!    `EnvelopedVerifiableCredential`s; an SD-JWT is its own credential).
//!
//! ssi checks none of the holder binding (notes/ssi-0.16.md). Whether a presentation answers the
//! right request *once* is the caller's state (OpenID4VP responses are accepted once).

mod detect;
mod holder;
mod report;

pub use report::{PresentationFormat, PresentationReport};

use chrono::Duration;
use medcred_formats::jwt::{jwk_thumbprint, verify_vp_jwt, vp::holder_id, VerifierKey};
use medcred_formats::sd_jwt::check_key_binding;
use medcred_formats::{di_jcs, di_rdfc, Format};
use serde_json::{Map, Value};

use crate::engine::proof::outcome as format_outcome;
use crate::engine::{verify_detailed, Verified, VerifyContext};
use crate::report::{Check, CheckName, Outcome, Report, Verdict};
use detect::Shape;
use holder::{holder_key, issued_at, request_binding, subject_binding, Findings};

/// How long after its `iat` a presentation (a KB-JWT, a `vp+jwt`) is accepted unless told otherwise.
pub const DEFAULT_MAX_PRESENTATION_AGE: Duration = Duration::minutes(10);

/// Most credentials verified in one presentation.
pub const MAX_CREDENTIALS: usize = 16;

/// What the verifier asked the holder for.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PresentationExpectations {
    /// The challenge (OpenID4VP `nonce`) this request issued; when set, the presentation must
    /// carry exactly it. Without one, replay is not prevented and the detail says so.
    pub challenge: Option<String>,
    /// The verifier's domain (OpenID4VP `client_id`: the audience); when set, required.
    pub domain: Option<String>,
    /// How old a presentation's `iat` may be.
    pub max_age: Duration,
}

impl Default for PresentationExpectations {
    fn default() -> Self {
        Self { challenge: None, domain: None, max_age: DEFAULT_MAX_PRESENTATION_AGE }
    }
}

impl PresentationExpectations {
    /// Expect `challenge` and `domain` (either may be absent).
    pub fn new(challenge: Option<String>, domain: Option<String>) -> Self {
        Self { challenge, domain, ..Self::default() }
    }
}

/// Verify a presentation with what `ctx` gives (each credential is verified with it too) against
/// `expect`. Never panics; every input ends in a report.
pub async fn verify_presentation(
    input: &str,
    ctx: &VerifyContext<'_>,
    expect: &PresentationExpectations,
) -> PresentationReport {
    match detect::detect(input) {
        Err(e) => unreadable(None, Outcome::failed(e.to_string())),
        Ok(Shape::SdJwtKb { presented, kb_jwt }) => sd_jwt(&presented, &kb_jwt, ctx, expect).await,
        Ok(shape) => w3c(shape, ctx, expect).await,
    }
}

/// The credentials a presentation carries, each as text the credential engine verifies on its
/// own (for an SD-JWT, the issuer JWT with the disclosures the holder chose, without the
/// key-binding JWT). Empty when `input` is not a readable presentation. Nothing is verified: use
/// it to keep watching what a verified presentation carried.
pub fn presented_credentials(input: &str) -> Vec<String> {
    match detect::detect(input) {
        Ok(Shape::SdJwtKb { presented, .. }) => vec![presented],
        Ok(Shape::DataIntegrity { document, .. }) => {
            document.as_object().and_then(|vp| embedded_credentials(vp).ok()).unwrap_or_default()
        }
        Ok(Shape::VpJwt { payload, .. }) => embedded_credentials(&payload).unwrap_or_default(),
        Err(_) => Vec::new(),
    }
}

/// A report whose syntax check is `syntax` and whose other checks did not run.
fn unreadable(format: Option<PresentationFormat>, syntax: Outcome) -> PresentationReport {
    let not_run = || Outcome::could_not_check("not run: the input is not a verifiable presentation");
    let mut r = PresentationReport::new(
        vec![
            Check::new(CheckName::Syntax, syntax),
            Check::new(CheckName::Proof, not_run()),
            Check::new(CheckName::HolderBinding, not_run()),
            Check::new(CheckName::Credentials, not_run()),
        ],
        Vec::new(),
    );
    r.format = format;
    r
}

/// What a W3C presentation (Data Integrity or `vp+jwt`) says about itself before verification.
struct W3cClaims<'a> {
    format: PresentationFormat,
    vp: &'a Map<String, Value>,
    holder: String,
    vm: String,
}

fn read_w3c(shape: &Shape) -> Result<W3cClaims<'_>, (Option<PresentationFormat>, String)> {
    let (format, vp, vm) = match shape {
        Shape::DataIntegrity { format, document } => {
            let format = match format {
                Format::EddsaRdfc2022 => PresentationFormat::EddsaRdfc2022,
                _ => PresentationFormat::EddsaJcs2022,
            };
            let vp = document.as_object().ok_or((Some(format), "not a JSON object".to_owned()))?;
            let info = match format {
                PresentationFormat::EddsaRdfc2022 => di_rdfc::proof_of(document),
                _ => di_jcs::proof_of(document),
            }
            .map_err(|e| (Some(format), e.to_string()))?;
            (format, vp, info.verification_method)
        }
        Shape::VpJwt { header, payload, .. } => {
            let vm = header.get("kid").and_then(Value::as_str).ok_or((
                Some(PresentationFormat::VpJwt),
                "the JWS header has no kid naming the holder's key".to_owned(),
            ))?;
            (PresentationFormat::VpJwt, payload, vm.to_owned())
        }
        Shape::SdJwtKb { .. } => return Err((Some(PresentationFormat::SdJwtKb), "not a W3C presentation".into())),
    };
    let holder = match (vp.get("holder"), holder_id(vp)) {
        (None, _) => vm.split_once('#').map_or(vm.as_str(), |(did, _)| did).to_owned(),
        (Some(_), Some(h)) => h.to_owned(),
        (Some(_), None) => return Err((Some(format), "holder is neither a string nor an object with an id".into())),
    };
    Ok(W3cClaims { format, vp, holder, vm })
}

async fn w3c(shape: Shape, ctx: &VerifyContext<'_>, expect: &PresentationExpectations) -> PresentationReport {
    let claims = match read_w3c(&shape) {
        Ok(c) => c,
        Err((format, why)) => {
            return unreadable(format, Outcome::failed(format!("not a verifiable presentation: {why}")))
        }
    };
    let embedded = match embedded_credentials(claims.vp) {
        Ok(e) => e,
        Err(why) => return unreadable(Some(claims.format), Outcome::failed(why)),
    };
    let mut findings = Findings::default();
    let key = match holder_key(&claims.holder, &claims.vm, ctx.resolver) {
        Ok(key) => {
            findings.pass("signed with a key under the holder's authentication");
            Some(key)
        }
        Err(outcome) => {
            findings.add(outcome, "");
            None
        }
    };
    let proof = match &key {
        None => Outcome::could_not_check("not checked: the signing key is not bound to the holder"),
        Some(key) => match w3c_proof(&shape, key, &mut findings, ctx, expect).await {
            Ok(()) => Outcome::Passed,
            Err(outcome) => outcome,
        },
    };
    let verified = verify_all(&embedded, ctx).await;
    if proof == Outcome::Passed {
        for (i, v) in verified.iter().enumerate() {
            if let Some(c) = &v.claims {
                subject_binding(&mut findings, i + 1, c, &claims.holder, key.as_ref());
            }
        }
    } else {
        findings.unchecked("not checked: the presentation's proof did not pass");
    }
    let (binding, detail) = findings.outcome();
    let credentials: Vec<Report> = verified.into_iter().map(|v| v.report).collect();
    let mut r = PresentationReport::new(
        vec![
            Check::new(CheckName::Syntax, Outcome::Passed),
            Check::new(CheckName::Proof, proof),
            Check::new(CheckName::HolderBinding, binding).with_detail(detail),
            Check::new(CheckName::Credentials, credentials_outcome(&credentials)),
        ],
        credentials,
    );
    r.format = Some(claims.format);
    r.holder = Some(claims.holder);
    r.verification_method = Some(absolute_vm(&claims.vm, r.holder.as_deref()));
    r
}

fn absolute_vm(vm: &str, holder: Option<&str>) -> String {
    holder.map_or_else(|| vm.to_owned(), |h| crate::engine::claimed::absolute(h, vm))
}

/// Verify the holder's proof of a W3C presentation and, from the verified proof, compare its
/// request binding with `expect`.
async fn w3c_proof(
    shape: &Shape,
    key: &VerifierKey,
    findings: &mut Findings,
    ctx: &VerifyContext<'_>,
    expect: &PresentationExpectations,
) -> Result<(), Outcome> {
    match shape {
        Shape::DataIntegrity { format, document } => {
            let VerifierKey::Ed25519(ed) = key else {
                return Err(Outcome::failed(format!(
                    "an {format} proof needs an Ed25519 key; the holder's is {}",
                    key.alg()
                )));
            };
            let info = match format {
                Format::EddsaRdfc2022 => di_rdfc::verify(document, ed).await,
                _ => di_jcs::verify(document, ed),
            }
            .map_err(format_outcome)?;
            if info.proof_purpose != di_jcs::AUTHENTICATION {
                findings.fail(format!(
                    "the proof purpose is {:?}; a presentation is signed for authentication",
                    info.proof_purpose
                ));
            }
            request_binding(findings, expect, info.challenge.as_deref(), &info.domain, ("challenge", "domain"));
            Ok(())
        }
        Shape::VpJwt { serialization, .. } => {
            let claims = verify_vp_jwt(serialization, key).map_err(format_outcome)?;
            let audiences: Vec<String> = match claims.get("aud") {
                Some(Value::String(a)) => vec![a.clone()],
                Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
                _ => Vec::new(),
            };
            request_binding(
                findings,
                expect,
                claims.get("nonce").and_then(Value::as_str),
                &audiences,
                ("nonce", "audience"),
            );
            issued_at(findings, claims.get("iat").and_then(Value::as_i64), ctx.now, expect.max_age, ctx.skew);
            Ok(())
        }
        Shape::SdJwtKb { .. } => Err(Outcome::could_not_check("not a W3C presentation")),
    }
}

/// The embedded credentials of a W3C presentation, each as text for the credential engine.
fn embedded_credentials(vp: &Map<String, Value>) -> Result<Vec<String>, String> {
    let items: Vec<&Value> = match vp.get("verifiableCredential") {
        None => Vec::new(),
        Some(Value::Array(a)) => a.iter().collect(),
        Some(v) => vec![v],
    };
    if items.len() > MAX_CREDENTIALS {
        return Err(format!("{} credentials; at most {MAX_CREDENTIALS} are verified in one presentation", items.len()));
    }
    items
        .into_iter()
        .map(|v| match v {
            Value::String(s) => Ok(s.clone()),
            Value::Object(_) => Ok(v.to_string()),
            _ => Err("verifiableCredential holds something that is neither an object nor a string".to_owned()),
        })
        .collect()
}

async fn verify_all(credentials: &[String], ctx: &VerifyContext<'_>) -> Vec<Verified> {
    let mut out = Vec::with_capacity(credentials.len());
    for c in credentials {
        out.push(verify_detailed(c, ctx).await);
    }
    out
}

/// The `credentials` outcome: failed if any credential is invalid, could not check if any could
/// not be checked, passed if all are valid, not applicable without credentials.
fn credentials_outcome(reports: &[Report]) -> Outcome {
    if reports.is_empty() {
        return Outcome::NotApplicable;
    }
    let describe = |verdict: Verdict| -> Vec<String> {
        reports
            .iter()
            .enumerate()
            .filter(|(_, r)| r.verdict == verdict)
            .map(|(i, r)| {
                let problems: Vec<String> =
                    r.problems().map(|c| format!("{}: {}", c.name, c.outcome.reason().unwrap_or_default())).collect();
                format!("credential {} — {}", i + 1, problems.join("; "))
            })
            .collect()
    };
    let invalid = describe(Verdict::Invalid);
    if !invalid.is_empty() {
        return Outcome::failed(invalid.join(" | "));
    }
    let unchecked = describe(Verdict::CouldNotCheck);
    if !unchecked.is_empty() {
        return Outcome::could_not_check(unchecked.join(" | "));
    }
    Outcome::Passed
}

async fn sd_jwt(
    presented: &str,
    kb_jwt: &str,
    ctx: &VerifyContext<'_>,
    expect: &PresentationExpectations,
) -> PresentationReport {
    let credential = verify_detailed(presented, ctx).await;
    let mut findings = Findings::default();
    let cnf = credential.claims.as_ref().map(|c| c.get("cnf").and_then(|c| c.get("jwk")).cloned());
    let (proof, thumbprint) = match cnf {
        None => {
            (Outcome::could_not_check("not checked: the credential did not verify, so its cnf key is unknown"), None)
        }
        Some(None) => {
            findings.fail("the credential has no cnf key: it is not bound to a holder");
            (Outcome::failed("no holder key (cnf.jwk) to check the key-binding JWT with"), None)
        }
        Some(Some(jwk)) => {
            let thumbprint = jwk_thumbprint(&jwk).ok();
            match VerifierKey::from_jwk(&jwk) {
                Err(e) => (Outcome::failed(format!("the credential's cnf key is unusable: {e}")), thumbprint),
                Ok(key) => match check_key_binding(kb_jwt, presented, &key, None) {
                    Err(e) => (format_outcome(e), thumbprint),
                    Ok(kb) => {
                        findings.pass("the key-binding JWT is signed by the credential's cnf key");
                        request_binding(
                            &mut findings,
                            expect,
                            Some(&kb.nonce),
                            std::slice::from_ref(&kb.aud),
                            ("nonce", "audience"),
                        );
                        issued_at(&mut findings, Some(kb.iat), ctx.now, expect.max_age, ctx.skew);
                        (Outcome::Passed, thumbprint)
                    }
                },
            }
        }
    };
    if proof != Outcome::Passed && cnf_known(&credential) {
        findings.unchecked("not checked: the key-binding JWT did not verify");
    }
    let (binding, detail) = findings.outcome();
    let holder = credential.claims.as_ref().and_then(|c| c.get("sub")).and_then(Value::as_str).map(str::to_owned);
    let credentials = vec![credential.report];
    let mut r = PresentationReport::new(
        vec![
            Check::new(CheckName::Syntax, Outcome::Passed),
            Check::new(CheckName::Proof, proof),
            Check::new(CheckName::HolderBinding, binding).with_detail(detail),
            Check::new(CheckName::Credentials, credentials_outcome(&credentials)),
        ],
        credentials,
    );
    r.format = Some(PresentationFormat::SdJwtKb);
    r.holder = holder;
    r.verification_method = thumbprint.map(|t| format!("urn:ietf:params:oauth:jwk-thumbprint:sha-256:{t}"));
    r
}

fn cnf_known(v: &Verified) -> bool {
    v.claims.as_ref().is_some_and(|c| c.get("cnf").is_some())
}
