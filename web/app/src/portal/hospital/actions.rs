//! The hospital's form posts and its one download, each checked for a hospital session (and the
//! post's origin and CSRF token) and scoped to the person's own hospital:
//! `POST /hospital/actions/ask` (template) creates an OpenID4VP presentation request and goes to
//! its page; `POST /hospital/actions/watch` (verification) watches what a verification carried;
//! `GET /hospital/verifications/{id}/receipt` downloads the receipt the hospital signs.

use std::collections::BTreeMap;

use axum::extract::{Extension, Path, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use medcred_hospital::oid4vp::NewPresentationRequest;
use medcred_hospital::{HospitalError, Hospitals};
use medcred_model::dcql::Template;
use medcred_store::{HospitalRow, OrgKind, StoreError};

use super::{full_id, own_hospital, short_id, PATIENT};
use crate::auth::SignedIn;
use crate::portal::flash::Flash;
use crate::portal::{checked_post, respond, Viewer};
use crate::server::AppState;

/// The routes (merged into the portal's, under its session middleware).
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/hospital/actions/ask", post(ask))
        .route("/hospital/actions/watch", post(watch))
        .route("/hospital/verifications/{id}/receipt", get(receipt))
}

/// The hospital service and the person's hospital, or the response that says why not.
async fn hospital_of(state: &AppState, who: &SignedIn) -> Result<(Hospitals, HospitalRow), Response> {
    if who.org.kind != OrgKind::Hospital {
        return Err(respond::forbidden("This is for hospital staff."));
    }
    let Some(h) = state.hospitals.clone() else { return Err(respond::unavailable()) };
    match own_hospital(&h, who).await {
        Ok(row) => Ok((h, row)),
        Err(e) => {
            tracing::error!(error = %e, "hospital look-up failed");
            Err(respond::unavailable())
        }
    }
}

async fn ask(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    headers: HeaderMap,
    Form(form): Form<BTreeMap<String, String>>,
) -> Response {
    let who = match checked_post(&state, &headers, &viewer, &form) {
        Ok(who) => who,
        Err(resp) => return resp,
    };
    let (h, hospital) = match hospital_of(&state, &who).await {
        Ok(x) => x,
        Err(resp) => return resp,
    };
    let Some(template) = form.get("template").and_then(|t| Template::from_name(t)) else {
        return respond::bad_request("Choose what to ask for, then try again.");
    };
    let kind = if PATIENT.contains(&template) { "patient" } else { "clinician" };
    match h.create_presentation_request(&hospital, NewPresentationRequest::from_template(template), &who.actor()).await
    {
        Ok(r) => respond::see_other(&format!("/hospital/requests/{}", r.id)),
        Err(HospitalError::BadRequest { message, .. }) => {
            let f = state.flash.put(&who.session_hash, Flash::Error(format!("Nothing was asked: {message}")));
            respond::see_other(&format!("/hospital/ask/{kind}?f={f}"))
        }
        Err(e) => {
            tracing::error!(error = %e, "presentation request from the web app failed");
            respond::unavailable()
        }
    }
}

async fn watch(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    headers: HeaderMap,
    Form(form): Form<BTreeMap<String, String>>,
) -> Response {
    let who = match checked_post(&state, &headers, &viewer, &form) {
        Ok(who) => who,
        Err(resp) => return resp,
    };
    let (h, hospital) = match hospital_of(&state, &who).await {
        Ok(x) => x,
        Err(resp) => return resp,
    };
    let id = full_id(form.get("verification").map(String::as_str).unwrap_or_default());
    match h.watch_verification(&hospital, &id).await {
        Ok(_) => {
            let f = state.flash.put(
                &who.session_hash,
                Flash::Notice(
                    "Watching it now: if it is revoked, suspended or about to expire, an alert appears under Alerts."
                        .into(),
                ),
            );
            respond::see_other(&format!("/hospital/verifications/{}?f={f}", short_id(&id)))
        }
        Err(HospitalError::NotFound(_)) => respond::not_found("There is no such verification at your hospital."),
        Err(e) => {
            tracing::error!(error = %e, "watch from the web app failed");
            respond::unavailable()
        }
    }
}

/// Only letters, digits and `-` of `id`, for a file name.
fn file_part(id: &str) -> String {
    id.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').take(64).collect()
}

async fn receipt(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
) -> Response {
    let Some(who) = viewer.0 else {
        return respond::to_sign_in(&format!("/hospital/verifications/{}", file_part(&id)));
    };
    let (h, hospital) = match hospital_of(&state, &who).await {
        Ok(x) => x,
        Err(resp) => return resp,
    };
    match h.receipt(&hospital, &full_id(&id)).await {
        Ok(signed) => {
            let file = format!("attachment; filename=\"receipt-{}.json\"", file_part(&short_id(&id)));
            (
                [
                    (header::CONTENT_TYPE, "application/vc+ld+json".to_owned()),
                    (header::CONTENT_DISPOSITION, file),
                    (header::CACHE_CONTROL, "no-store".to_owned()),
                ],
                signed.to_string(),
            )
                .into_response()
        }
        Err(HospitalError::NotFound(_) | HospitalError::Store(StoreError::NotFound(_))) => {
            respond::not_found("There is no such verification at your hospital.")
        }
        Err(e) => {
            tracing::error!(error = %e, "receipt from the web app failed");
            respond::unavailable()
        }
    }
}
