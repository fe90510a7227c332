//! `POST /hospitals/{slug}/verifications` (verify a credential or presentation under the
//! hospital's policy, record it, optionally watch it), `GET …/verifications` (history),
//! `GET …/verifications/{id}` and `GET …/verifications/{id}/receipt` (the signed receipt).

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use medcred_store::{VerificationRow, WatchRow};
use serde::Deserialize;
use serde_json::{json, Value};

use super::auth::Caller;
use super::json::ApiJson;
use crate::error::HospitalError;
use crate::service::Hospitals;
use crate::verify::Presented;

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct VerifyBody {
    verifiable_credential: Option<Value>,
    verifiable_presentation: Option<Value>,
    #[serde(default)]
    options: Options,
    #[serde(default)]
    watch: bool,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct Options {
    challenge: Option<String>,
    domain: Option<String>,
}

/// A JSON credential as its text; a compact one (a string) as is.
fn text(v: Value) -> String {
    match v {
        Value::String(s) => s,
        other => other.to_string(),
    }
}

pub(crate) fn watch_json(w: &WatchRow) -> Value {
    json!({
        "id": w.id,
        "verification": w.verification_id,
        "label": w.label,
        "issuer": w.issuer,
        "validUntil": w.valid_until,
        "standing": w.standing,
        "checkedAt": w.checked_at,
        "active": w.active,
    })
}

fn summary(v: &VerificationRow) -> Value {
    json!({"id": v.id, "kind": v.kind, "verdict": v.verdict, "at": v.at, "actor": v.actor})
}

/// `POST /hospitals/{slug}/verifications`: 201 with the verdict and the report (whatever the
/// verdict), 400 `malformed_credential` with the report when the input is not a credential.
pub(crate) async fn verify(
    State(h): State<Hospitals>,
    caller: Caller,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<VerifyBody>,
) -> Result<(StatusCode, Json<Value>), HospitalError> {
    let hospital = caller.hospital(&h, &slug).await?;
    let presented = match (body.verifiable_credential, body.verifiable_presentation) {
        (Some(c), None) => Presented::Credential(text(c)),
        (None, Some(p)) => {
            Presented::Presentation { text: text(p), challenge: body.options.challenge, domain: body.options.domain }
        }
        _ => {
            return Err(HospitalError::bad_request(
                "invalid_request",
                "give exactly one of verifiableCredential and verifiablePresentation",
            ))
        }
    };
    let done = h.verify(&hospital, presented, &caller.actor(), body.watch).await?;
    let watches: Vec<Value> = done.watches.iter().map(watch_json).collect();
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "id": done.row.id,
            "verdict": done.row.verdict,
            "at": done.row.at,
            "report": done.report,
            "watches": watches,
            "receipt": format!("/hospitals/{slug}/verifications/{}/receipt", done.row.id),
        })),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Page {
    limit: Option<i64>,
}

/// `GET /hospitals/{slug}/verifications?limit=`: newest first.
pub(crate) async fn list(
    State(h): State<Hospitals>,
    caller: Caller,
    Path(slug): Path<String>,
    Query(page): Query<Page>,
) -> Result<Json<Value>, HospitalError> {
    let hospital = caller.hospital(&h, &slug).await?;
    let limit = page.limit.unwrap_or(50).clamp(1, 500);
    let rows = h.db().verifications(&hospital.id, limit).await?;
    Ok(Json(json!({"verifications": rows.iter().map(summary).collect::<Vec<_>>()})))
}

/// `GET /hospitals/{slug}/verifications/{id}`: the record with its report.
pub(crate) async fn show(
    State(h): State<Hospitals>,
    caller: Caller,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Json<Value>, HospitalError> {
    let hospital = caller.hospital(&h, &slug).await?;
    let row = h.db().verification(&hospital.id, &id).await?;
    let report: Value = serde_json::from_str(&row.report).unwrap_or(Value::Null);
    let mut out = summary(&row);
    out["report"] = report;
    out["presentedSha256"] = json!(row.presented_sha256);
    Ok(Json(out))
}

/// `GET /hospitals/{slug}/verifications/{id}/receipt`: the receipt, a credential signed by the
/// hospital (`eddsa-jcs-2022`), as a download.
pub(crate) async fn receipt(
    State(h): State<Hospitals>,
    caller: Caller,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Response, HospitalError> {
    let hospital = caller.hospital(&h, &slug).await?;
    let signed = h.receipt(&hospital, &id).await?;
    let file = format!("attachment; filename=\"receipt-{}.json\"", id.trim_start_matches("urn:uuid:"));
    Ok((
        [(header::CONTENT_TYPE, "application/vc+ld+json".to_owned()), (header::CONTENT_DISPOSITION, file)],
        signed.to_string(),
    )
        .into_response())
}
