//! W3C CCG VC-API verification: `POST /credentials/verify` and `POST /presentations/verify`.
//!
//! Request: `{"verifiableCredential": <credential>, "options": {"checks": [...]}}` or
//! `{"verifiablePresentation": <presentation>, "options": {"challenge", "domain", "checks"}}`; a
//! secured document is a JSON object, a compact one (`vc+jwt`, SD-JWT) a string or an
//! `Enveloped…` object. `options.checks` chooses what counts toward `verified` — `proof` (always,
//! with the issuer binding), `validity`, `status`, `issuer_trust`, `schema`; by default `proof`,
//! `validity` and `status`. Checks not chosen still run and show as warnings when they do not
//! pass. Issuer trust is therefore a warning here unless asked for: any standards-following
//! issuer's credential can be checked.
//!
//! Answer: 200 when verified; 422 with the same body when not (invalid or could not check); 400
//! when the input is not a credential (or presentation) at all. The body: `verified`, `checks`
//! (passed), `warnings`, `errors`, `problemDetails` (VC-API's newer form of the errors), the
//! `verdict` and the engine's full `report`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use medcred_verifier::{Check, CheckName, Outcome, PresentationExpectations, Verdict};
use serde_json::{json, Map, Value};

use crate::error::ApiError;
use crate::json::JsonBody;
use crate::verifier::{Policy, Verifier};

/// Checks a caller may choose, by their VC-API names (and ours).
const CHOOSABLE: &[(&str, CheckName)] = &[
    ("validity", CheckName::ValidityPeriod),
    ("validity_period", CheckName::ValidityPeriod),
    ("expiration", CheckName::ValidityPeriod),
    ("status", CheckName::Status),
    ("credentialStatus", CheckName::Status),
    ("issuer_trust", CheckName::IssuerTrust),
    ("schema", CheckName::Schema),
];

/// `POST /credentials/verify`.
pub(crate) async fn verify_credential(
    State(v): State<Verifier>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let input = document(&body, "verifiableCredential")?;
    let options = options(&body)?;
    let policy = policy(options)?;
    let report = v.credential(&input, &policy).await;
    let syntax_failed = matches!(report.outcome(CheckName::Syntax), Some(Outcome::Failed { .. }));
    let value = serde_json::to_value(&report).unwrap_or(Value::Null);
    Ok(answer(report.verdict, &report.checks, syntax_failed, value))
}

/// `POST /presentations/verify`.
pub(crate) async fn verify_presentation(
    State(v): State<Verifier>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let input = document(&body, "verifiablePresentation")?;
    let options = options(&body)?;
    let policy = policy(options)?;
    let text = |name: &str| -> Result<Option<String>, ApiError> {
        match options.and_then(|o| o.get(name)) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(ApiError::bad_request("invalid_request", format!("options.{name} must be a string"))),
        }
    };
    let expect = PresentationExpectations::new(text("challenge")?, text("domain")?);
    let report = v.presentation(&input, &expect, &policy).await;
    let syntax_failed =
        report.checks.iter().any(|c| c.name == CheckName::Syntax && matches!(c.outcome, Outcome::Failed { .. }));
    // The presentation's problems, then each credential's, named by position.
    let mut checks = report.checks.clone();
    for (i, credential) in report.credentials.iter().enumerate() {
        for c in &credential.checks {
            let mut c = c.clone();
            c.detail = Some(format!("credential {}", i + 1));
            if c.outcome.reason().is_some() || c.outcome == Outcome::Passed {
                checks.push(c);
            }
        }
    }
    let value = serde_json::to_value(&report).unwrap_or(Value::Null);
    Ok(answer(report.verdict, &checks, syntax_failed, value))
}

/// The document under `member`, as text for the engine.
fn document(body: &Map<String, Value>, member: &str) -> Result<String, ApiError> {
    match body.get(member) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(v @ Value::Object(_)) => Ok(v.to_string()),
        Some(_) => Err(ApiError::bad_request("invalid_request", format!("{member} must be an object or a string"))),
        None => Err(ApiError::bad_request(
            if member == "verifiableCredential" { "missing_credential" } else { "missing_presentation" },
            format!("the body has no {member}"),
        )),
    }
}

fn options(body: &Map<String, Value>) -> Result<Option<&Map<String, Value>>, ApiError> {
    match body.get("options") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(o)) => Ok(Some(o)),
        Some(_) => Err(ApiError::bad_request("invalid_request", "options must be an object")),
    }
}

/// The policy `options.checks` asks for.
fn policy(options: Option<&Map<String, Value>>) -> Result<Policy, ApiError> {
    let mut chosen = vec![CheckName::ValidityPeriod, CheckName::Status];
    if let Some(checks) = options.and_then(|o| o.get("checks")) {
        let names = checks
            .as_array()
            .filter(|a| a.len() <= 16)
            .ok_or_else(|| ApiError::bad_request("invalid_request", "options.checks must be a list of check names"))?;
        chosen.clear();
        for name in names {
            let name = name.as_str().unwrap_or_default();
            if name == "proof" {
                continue;
            }
            let check = CHOOSABLE.iter().find(|(n, _)| *n == name).map(|(_, c)| *c).ok_or_else(|| {
                ApiError::bad_request(
                    "unknown_check",
                    format!("unknown check {name:?}; known: proof, validity, status, issuer_trust, schema"),
                )
            })?;
            chosen.push(check);
        }
    }
    let advisory = [CheckName::ValidityPeriod, CheckName::Status, CheckName::IssuerTrust, CheckName::Schema]
        .into_iter()
        .filter(|c| !chosen.contains(c))
        .collect();
    Ok(Policy { require_trust: chosen.contains(&CheckName::IssuerTrust), advisory })
}

fn answer(verdict: Verdict, checks: &[Check], syntax_failed: bool, report: Value) -> Response {
    let entry = |c: &Check| {
        let mut e = json!({"check": c.name.as_str(), "outcome": outcome_name(&c.outcome),
                           "message": c.outcome.reason().unwrap_or_default()});
        if let Some(d) = &c.detail {
            e["where"] = json!(d);
        }
        e
    };
    let passed: Vec<&str> =
        checks.iter().filter(|c| !c.advisory && c.outcome == Outcome::Passed).map(|c| c.name.as_str()).collect();
    let errors: Vec<Value> = checks.iter().filter(|c| !c.advisory && c.outcome.reason().is_some()).map(entry).collect();
    let warnings: Vec<Value> =
        checks.iter().filter(|c| c.advisory && c.outcome.reason().is_some()).map(entry).collect();
    let problems: Vec<Value> = errors
        .iter()
        .map(|e| {
            json!({"type": format!("https://medcred.org/problems#{}", e["check"].as_str().unwrap_or_default()),
                   "title": format!("{} {}", e["check"].as_str().unwrap_or_default(), e["outcome"].as_str().unwrap_or_default()),
                   "detail": e["message"]})
        })
        .collect();
    let verified = verdict == Verdict::Valid;
    let status = if verified {
        StatusCode::OK
    } else if syntax_failed {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let body = json!({"verified": verified, "verdict": verdict, "checks": passed, "warnings": warnings,
                      "errors": errors, "problemDetails": problems, "report": report});
    (status, Json(body)).into_response()
}

fn outcome_name(o: &Outcome) -> &'static str {
    match o {
        Outcome::Passed => "passed",
        Outcome::Failed { .. } => "failed",
        Outcome::CouldNotCheck { .. } => "could_not_check",
        Outcome::NotApplicable => "not_applicable",
    }
}
