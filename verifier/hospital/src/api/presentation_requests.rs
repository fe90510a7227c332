//! OpenID4VP requests, the hospital's side: `POST /hospitals/{slug}/presentation-requests`
//! (create from a template or a DCQL query), `GET …/presentation-requests/{id}[?wait=SECONDS]`
//! (state; long poll until it changes, at most 25 s) and `GET …/presentation-requests/{id}/events`
//! (the same as server-sent events: one `state` event now and one per change, until it is final).

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::Json;
use futures::stream::{self, Stream};
use medcred_model::dcql::Template;
use serde::Deserialize;
use serde_json::{json, Value};

use super::auth::Caller;
use super::json::ApiJson;
use crate::error::HospitalError;
use crate::oid4vp::{NewPresentationRequest, PresentationRequest, ResponseMode};
use crate::service::Hospitals;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewBody {
    template: Option<String>,
    format: Option<String>,
    dcql_query: Option<Value>,
    purpose: Option<String>,
    response_mode: Option<String>,
    expires_in: Option<i64>,
}

/// `POST /hospitals/{slug}/presentation-requests`: 201 with the pending request.
pub(crate) async fn create(
    State(h): State<Hospitals>,
    caller: Caller,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<NewBody>,
) -> Result<(StatusCode, Json<Value>), HospitalError> {
    let hospital = caller.hospital(&h, &slug).await?;
    let template = match body.template.as_deref() {
        None => None,
        Some(name) => Some(Template::from_name(name).ok_or_else(|| {
            let names: Vec<&str> = Template::ALL.iter().map(|t| t.name()).collect();
            HospitalError::bad_request("unknown_template", format!("template must be one of {}", names.join(", ")))
        })?),
    };
    let response_mode = match body.response_mode.as_deref() {
        None => ResponseMode::default(),
        Some(m) => ResponseMode::parse(m).ok_or_else(|| {
            HospitalError::bad_request(
                "unsupported_response_mode",
                "response_mode must be direct_post or direct_post.jwt",
            )
        })?,
    };
    let new = NewPresentationRequest {
        template,
        format: body.format,
        dcql_query: body.dcql_query,
        purpose: body.purpose,
        response_mode,
        lifetime_secs: body.expires_in,
    };
    let created = h.create_presentation_request(&hospital, new, &caller.actor()).await?;
    Ok((StatusCode::CREATED, Json(created.to_json())))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Wait {
    wait: Option<u64>,
}

/// `GET /hospitals/{slug}/presentation-requests/{id}[?wait=SECONDS]`.
pub(crate) async fn show(
    State(h): State<Hospitals>,
    caller: Caller,
    Path((slug, id)): Path<(String, String)>,
    q: Result<Query<Wait>, QueryRejection>,
) -> Result<Json<Value>, HospitalError> {
    let Query(q) = q.map_err(|_| HospitalError::bad_request("invalid_request", "wait must be a number of seconds"))?;
    let hospital = caller.hospital(&h, &slug).await?;
    let state = match q.wait {
        Some(secs) if secs > 0 => h.await_presentation_request(&hospital, &id, Duration::from_secs(secs)).await?,
        _ => h.presentation_request(&hospital, &id).await?,
    };
    Ok(Json(state.to_json()))
}

fn event(state: &PresentationRequest) -> Event {
    Event::default().event("state").data(json!(state.to_json()).to_string())
}

/// `GET /hospitals/{slug}/presentation-requests/{id}/events`: `state` events until final.
pub(crate) async fn events(
    State(h): State<Hospitals>,
    caller: Caller,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, HospitalError> {
    let hospital = caller.hospital(&h, &slug).await?;
    let first = h.presentation_request(&hospital, &id).await?;
    // (what to send next, whether the stream is over)
    let start = (Some(first), false);
    let stream = stream::unfold(start, move |(next, done)| {
        let (h, hospital, id) = (h.clone(), hospital.clone(), id.clone());
        async move {
            if done {
                return None;
            }
            let state = match next {
                Some(s) => s,
                None => match h.await_presentation_request(&hospital, &id, crate::oid4vp::MAX_WAIT).await {
                    Ok(s) => s,
                    Err(_) => return None,
                },
            };
            let is_final = state.status.is_final();
            Some((Ok(event(&state)), (None, is_final)))
        }
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}
