//! `GET /trust-list`: the accredited boards this verifier trusts — who signed the list, its
//! sequence and expiry, and each board's DID, credential types and jurisdictions. Public: it is
//! what a hospital's verdicts mean by "accredited".

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::verifier::Verifier;

/// `GET /trust-list`.
pub(crate) async fn show(State(v): State<Verifier>) -> Result<Json<Value>, ApiError> {
    let list = v.trust_list().ok_or(ApiError {
        status: StatusCode::NOT_FOUND,
        code: "no_trust_list",
        message: "this verifier has no trust list: issuer trust is reported as could not check".into(),
    })?;
    Ok(Json(json!({
        "iss": list.iss,
        "sequence": list.sequence,
        "iat": list.iat,
        "exp": list.exp,
        "entries": list.entries,
    })))
}
