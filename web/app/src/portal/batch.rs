//! Batch issuance from CSV (board staff): `POST /board/actions/batch` starts the issuer's bulk
//! import (`Issuer::issue_bulk`, as the API and the CLI) in the background and sends the browser
//! to `/board/batch?job=…`, which shows its progress until it is done; `GET
//! /board/batch/errors.csv?job=…` downloads the per-row error report. The CSV comes in the form
//! (pasted, or read from a chosen file in the browser), so the form's body limit applies.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Extension, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use medcred_formats::Format;
use medcred_store::OrgKind;

use super::flash::{BatchJob, Flash};
use super::respond;
use super::{checked_post, Viewer};
use crate::server::AppState;

/// Refused rows listed on the page (all of them are in the downloadable report).
const ROWS_SHOWN: usize = 50;

pub(super) async fn start(
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
    let issuer = accounts.issuer().clone();
    let csv = form.get("csv").cloned().unwrap_or_default();
    let refuse = |message: String| {
        let id = state.flash.put(&who.session_hash, Flash::Error(message));
        respond::see_other(&format!("/board/batch?f={id}"))
    };
    if csv.trim().is_empty() {
        return refuse("Paste the CSV, or choose a file, first.".into());
    }
    let format = match form.get("format").map(String::as_str).filter(|f| !f.is_empty()) {
        None => Format::EddsaRdfc2022,
        Some(f) => match f.parse::<Format>() {
            Ok(f) => f,
            Err(e) => return refuse(e.to_string()),
        },
    };
    let board = match issuer.db().board(&who.org.id).await {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, "board look-up failed");
            return respond::unavailable();
        }
    };
    let job = Arc::new(Mutex::new(BatchJob::default()));
    let id = state.flash.put(&who.session_hash, Flash::Batch(job.clone()));
    let user = who.user_id.clone();
    tokio::spawn(async move {
        let progress = job.clone();
        let on_progress = move |p: medcred_issuer::bulk::Progress| {
            if let Ok(mut j) = progress.lock() {
                (j.total, j.issued, j.skipped, j.failed) = (p.total, p.issued, p.skipped, p.failed);
            }
        };
        let result = issuer.issue_bulk(&board, csv.as_bytes(), format, &on_progress).await;
        let Ok(mut j) = job.lock() else { return };
        match result {
            Ok(report) => {
                let p = report.progress;
                (j.total, j.issued, j.skipped, j.failed) = (p.total, p.issued, p.skipped, p.failed);
                j.rows = report
                    .errors
                    .iter()
                    .take(ROWS_SHOWN)
                    .map(|r| {
                        let why: Vec<String> = r.errors.iter().map(|e| e.message.clone()).collect();
                        (r.line, r.license_number.clone(), why.join(" "))
                    })
                    .collect();
                j.errors_csv = (!report.errors.is_empty()).then(|| report.errors_csv());
                tracing::info!(board = %board.slug, user = %user, issued = p.issued, failed = p.failed, "batch issued from the web app");
            }
            Err(e) => {
                tracing::warn!(board = %board.slug, error = %e, "batch from the web app stopped");
                j.error = Some(match e {
                    medcred_issuer::IssuerError::BadRequest { message, .. } => message,
                    medcred_issuer::IssuerError::Invalid(errors) => errors.to_string(),
                    _ => "The batch stopped because of a problem on our side; rows stored before it are kept. Run it again to finish.".into(),
                });
            }
        }
        j.done = true;
    });
    respond::see_other(&format!("/board/batch?job={id}"))
}

pub(super) async fn errors_csv(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    let Some(who) = viewer.0 else { return respond::see_other("/signin") };
    let job = q.get("job").and_then(|id| state.flash.get(&who.session_hash, id));
    let csv = match job {
        Some(Flash::Batch(j)) => j.lock().ok().and_then(|j| j.errors_csv.clone()),
        _ => None,
    };
    match csv {
        Some(csv) => (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (header::CONTENT_DISPOSITION, "attachment; filename=\"batch-errors.csv\""),
                (header::CACHE_CONTROL, "no-store"),
            ],
            csv,
        )
            .into_response(),
        None => respond::not_found("There is no error report for this batch (reports are kept for ten minutes)."),
    }
}
