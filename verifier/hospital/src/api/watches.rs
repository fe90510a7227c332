//! Monitoring: `POST /hospitals/{slug}/watches` `{"verification": id}` (watch what it carried),
//! `GET …/watches`, `DELETE …/watches/{id}`, `POST …/monitor` (a round now) and
//! `GET …/notifications`.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use medcred_store::NotificationRow;
use serde::Deserialize;
use serde_json::{json, Value};

use super::auth::Caller;
use super::json::ApiJson;
use super::verifications::watch_json;
use crate::error::HospitalError;
use crate::service::Hospitals;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewWatch {
    verification: String,
}

/// `POST /hospitals/{slug}/watches`: 201 with the new watches.
pub(crate) async fn create(
    State(h): State<Hospitals>,
    caller: Caller,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<NewWatch>,
) -> Result<(StatusCode, Json<Value>), HospitalError> {
    let hospital = caller.hospital(&h, &slug).await?;
    let watches = h.watch_verification(&hospital, &body.verification).await?;
    Ok((StatusCode::CREATED, Json(json!({"watches": watches.iter().map(watch_json).collect::<Vec<_>>()}))))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct WatchFilter {
    #[serde(default)]
    all: bool,
}

/// `GET /hospitals/{slug}/watches[?all=true]`.
pub(crate) async fn list(
    State(h): State<Hospitals>,
    caller: Caller,
    Path(slug): Path<String>,
    Query(f): Query<WatchFilter>,
) -> Result<Json<Value>, HospitalError> {
    let hospital = caller.hospital(&h, &slug).await?;
    let rows = h.db().watches(&hospital.id, !f.all).await?;
    Ok(Json(json!({"watches": rows.iter().map(watch_json).collect::<Vec<_>>()})))
}

/// `DELETE /hospitals/{slug}/watches/{id}`: stop watching (204).
pub(crate) async fn stop(
    State(h): State<Hospitals>,
    caller: Caller,
    Path((slug, id)): Path<(String, String)>,
) -> Result<StatusCode, HospitalError> {
    let hospital = caller.hospital(&h, &slug).await?;
    h.db().stop_watch(&hospital.id, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /hospitals/{slug}/monitor`: check this hospital's watches now.
pub(crate) async fn run_round(
    State(h): State<Hospitals>,
    caller: Caller,
    Path(slug): Path<String>,
) -> Result<Json<Value>, HospitalError> {
    let hospital = caller.hospital(&h, &slug).await?;
    let summary = h.monitor_round(Some(&hospital)).await?;
    Ok(Json(json!(summary)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Page {
    limit: Option<i64>,
}

fn notification_json(n: &NotificationRow) -> Value {
    json!({
        "id": n.id,
        "watch": n.watch_id,
        "standing": n.kind,
        "previous": n.previous,
        "detail": n.detail,
        "at": n.at,
        "delivery": n.delivery,
        "attempts": n.attempts,
        "lastError": n.last_error,
    })
}

/// `GET /hospitals/{slug}/notifications?limit=`: newest first.
pub(crate) async fn notifications(
    State(h): State<Hospitals>,
    caller: Caller,
    Path(slug): Path<String>,
    Query(page): Query<Page>,
) -> Result<Json<Value>, HospitalError> {
    let hospital = caller.hospital(&h, &slug).await?;
    let rows = h.db().notifications(&hospital.id, page.limit.unwrap_or(50).clamp(1, 500)).await?;
    Ok(Json(json!({"notifications": rows.iter().map(notification_json).collect::<Vec<_>>()})))
}
