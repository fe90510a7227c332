//! `POST /board/actions/issue` (board admin or issuer): one license from the form, checked by
//! the same `IssueRequest::from_vc_json` as the VC-API (so the messages match the API's), signed
//! and stored by `Issuer::issue`; then the credential's page, or the form again with a message
//! next to each field.

use std::collections::BTreeMap;

use axum::extract::{Extension, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Form;
use medcred_formats::Format;
use medcred_issuer::IssuerError;
use medcred_model::{IssueRequest, ValidationErrors};
use medcred_store::OrgKind;
use serde_json::{json, Map, Value};

use super::flash::Flash;
use super::respond;
use super::{checked_post, Viewer};
use crate::server::AppState;

/// The form's fields (also the keys of the VC-API `credentialSubject` they fill, except the
/// two dates and the format).
pub(crate) const FIELDS: &[&str] = &[
    "practitionerName",
    "licenseType",
    "licenseNumber",
    "jurisdiction",
    "originalIssueDate",
    "validUntil",
    "specialty",
    "restrictions",
    "npi",
    "multistatePrivilege",
    "format",
];

/// The VC-API `credential` object the form describes. Empty fields are left out (so a required
/// one is reported as required); a date from a date picker becomes the end of that day, UTC.
pub fn license_json(form: &BTreeMap<String, String>) -> Value {
    let get = |k: &str| form.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
    let mut subject = Map::new();
    for key in
        ["practitionerName", "licenseType", "licenseNumber", "jurisdiction", "originalIssueDate", "specialty", "npi"]
    {
        if let Some(v) = get(key) {
            subject.insert(key.into(), Value::String(v.to_owned()));
        }
    }
    if let Some(r) = get("restrictions") {
        let list: Vec<Value> =
            r.lines().map(str::trim).filter(|l| !l.is_empty()).map(|l| Value::String(l.to_owned())).collect();
        subject.insert("restrictions".into(), Value::Array(list));
    }
    if get("multistatePrivilege").is_some() {
        subject.insert("multistatePrivilege".into(), Value::Bool(true));
    }
    let mut credential = json!({
        "type": ["VerifiableCredential", "MedicalLicenseCredential"],
        "credentialSubject": subject,
    });
    if let Some(until) = get("validUntil") {
        let is_date = until.len() == 10
            && until.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
        let v = if is_date { format!("{until}T23:59:59Z") } else { until.to_owned() };
        credential["validUntil"] = Value::String(v);
    }
    credential
}

/// The form field a validation error belongs to (`general` when none).
fn field_of(path: &str) -> String {
    let short = path.strip_prefix("credentialSubject.").unwrap_or(path);
    let short = short.split('[').next().unwrap_or(short);
    if FIELDS.contains(&short) {
        short.to_owned()
    } else {
        "general".to_owned()
    }
}

fn errors_by_field(errors: &ValidationErrors) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for e in &errors.0 {
        let entry = out.entry(field_of(&e.field)).or_default();
        if !entry.is_empty() {
            entry.push(' ');
        }
        entry.push_str(&e.message);
    }
    out
}

fn back_to_form(
    state: &AppState,
    session: &str,
    form: &BTreeMap<String, String>,
    errors: BTreeMap<String, String>,
) -> Response {
    let values =
        form.iter().filter(|(k, _)| FIELDS.contains(&k.as_str())).map(|(k, v)| (k.clone(), v.clone())).collect();
    let id = state.flash.put(session, Flash::IssueForm { values, errors });
    respond::see_other(&format!("/board/issue?f={id}"))
}

pub(super) async fn issue(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    headers: HeaderMap,
    Form(form): Form<BTreeMap<String, String>>,
) -> Response {
    let who = match checked_post(&state, &headers, &viewer, &form) {
        Ok(who) => who,
        Err(resp) => return resp,
    };
    if who.org.kind != OrgKind::Board {
        return respond::forbidden("Only board staff can issue licenses.");
    }
    let Some(accounts) = &state.accounts else { return respond::unavailable() };
    let issuer = accounts.issuer();
    let format = match form.get("format").map(String::as_str).filter(|f| !f.is_empty()) {
        None => Format::EddsaRdfc2022,
        Some(f) => match f.parse::<Format>() {
            Ok(f) => f,
            Err(e) => {
                let errors = BTreeMap::from([("format".to_owned(), e.to_string())]);
                return back_to_form(&state, &who.session_hash, &form, errors);
            }
        },
    };
    let now = issuer.clock().now();
    let req = match IssueRequest::from_vc_json(&license_json(&form), now) {
        Ok(r) => r,
        Err(errors) => return back_to_form(&state, &who.session_hash, &form, errors_by_field(&errors)),
    };
    let board = match issuer.db().board(&who.org.id).await {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, "board look-up failed");
            return respond::unavailable();
        }
    };
    match issuer.issue(&board, &req, format).await {
        Ok(issued) => {
            tracing::info!(credential = %issued.id, board = %board.slug, user = %who.user_id, "issued from the web app");
            let note = state.flash.put(
                &who.session_hash,
                Flash::Notice(format!("Issued. The license is signed ({}) and stored.", format.as_str())),
            );
            respond::see_other(&format!("/board/credentials/{}?f={}", issued.id, note))
        }
        Err(IssuerError::Invalid(errors)) => back_to_form(&state, &who.session_hash, &form, errors_by_field(&errors)),
        Err(IssuerError::BadRequest { message, .. }) => {
            back_to_form(&state, &who.session_hash, &form, BTreeMap::from([("general".to_owned(), message)]))
        }
        Err(e) => {
            tracing::error!(error = %e, "issuance from the web app failed");
            respond::unavailable()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_becomes_the_vc_api_credential() {
        let form: BTreeMap<String, String> = [
            ("practitionerName", " Ada Nurse "),
            ("licenseType", "RN"),
            ("licenseNumber", ""),
            ("validUntil", "2030-06-30"),
            ("restrictions", "No night shifts\n\n  Supervised practice "),
            ("multistatePrivilege", "yes"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let v = license_json(&form);
        assert_eq!(v["validUntil"], "2030-06-30T23:59:59Z");
        assert_eq!(v["credentialSubject"]["practitionerName"], "Ada Nurse");
        assert!(v["credentialSubject"].get("licenseNumber").is_none(), "empty fields are left out");
        assert_eq!(v["credentialSubject"]["restrictions"], json!(["No night shifts", "Supervised practice"]));
        assert_eq!(v["credentialSubject"]["multistatePrivilege"], true);
    }

    #[test]
    fn model_errors_land_next_to_their_fields() {
        let now = chrono::Utc::now();
        let form: BTreeMap<String, String> = [("licenseType", "XX"), ("validUntil", "2030-01-01")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        let errors = IssueRequest::from_vc_json(&license_json(&form), now).expect_err("invalid");
        let by_field = errors_by_field(&errors);
        assert!(by_field["licenseType"].contains("unknown license type"), "{by_field:?}");
        assert!(by_field["practitionerName"].contains("required"), "{by_field:?}");
        assert!(by_field.contains_key("licenseNumber") && by_field.contains_key("originalIssueDate"));
        assert_eq!(field_of("credentialSubject.restrictions[2]"), "restrictions");
        assert_eq!(field_of("@context"), "general");
    }
}
