//! The server side of the hospital's pages (`ssr`): what their server functions return, read in
//! process through the hospital service (`medcred_hospital::Hospitals`), and the form posts
//! (`actions.rs`). Everything is scoped to the signed-in person's own hospital: another
//! hospital's request or verification is "not found", exactly as if it did not exist, and
//! anyone who is not hospital staff gets 403.

pub(crate) mod actions;

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use leptos::prelude::*;
use medcred_hospital::oid4vp::{PresentationRequest, RequestStatus};
use medcred_hospital::{HospitalError, Hospitals};
use medcred_model::dcql::Template;
use medcred_store::{HospitalRow, OrgKind, StoreError, VerificationRow};
use medcred_verifier::{PresentationReport, Report};

use super::data::when;
use super::flash::Flash;
use super::{current_target, viewer};
use crate::auth::SignedIn;
use crate::pages::board::model::Guarded;
use crate::pages::hospital::model::{
    AlertView, AlertsView, AskView, Choice, HistoryView, HomeView, RequestView, VerificationPageView,
    VerificationRowView,
};
use crate::server::{from_credential, from_presentation, AppState};
use crate::verdict::VerdictView;

/// Latest verifications on the home page.
const RECENT: i64 = 8;
/// Rows on the history and alerts pages.
const PAGE: i64 = 200;
/// Alerts younger than this are shown on the home page.
const ALERT_DAYS: i64 = 30;
/// How long one long poll of a request's page waits (the service caps it at 25 s).
const WAIT: Duration = Duration::from_secs(20);
/// Templates for clinicians and for patients.
pub(crate) const CLINICIAN: [Template; 2] = [Template::RnLicense, Template::PractitionerLicense];
pub(crate) const PATIENT: [Template; 2] = [Template::PatientIdentity, Template::AgeOver18];

fn status(code: axum::http::StatusCode) {
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(code);
    }
}

/// A fault of ours: logged once (no personal data), a generic message for the page, 503.
fn unavailable(e: impl std::fmt::Display) -> ServerFnError {
    tracing::error!(error = %e, "hospital page data unavailable");
    status(axum::http::StatusCode::SERVICE_UNAVAILABLE);
    ServerFnError::new("The service is unavailable just now. Try again in a moment.")
}

/// The hospital staff member signed in, or why the page is not shown: nobody signed in
/// (redirect to the sign-in page), or someone from a board (403).
fn hospital_member<T>() -> Result<SignedIn, Guarded<T>> {
    let next = current_target();
    match viewer() {
        None => {
            if !next.starts_with("/api/") {
                leptos_axum::redirect(&format!("/signin?next={}", super::respond::encode(&next)));
            }
            Err(Guarded::SignIn { next })
        }
        Some(w) if w.org.kind != OrgKind::Hospital => {
            status(axum::http::StatusCode::FORBIDDEN);
            Err(Guarded::Forbidden(format!("This page is for hospital staff. You are signed in for {}.", w.org.name)))
        }
        Some(w) => Ok(w),
    }
}

fn missing<T>(what: &str) -> Guarded<T> {
    status(axum::http::StatusCode::NOT_FOUND);
    Guarded::Missing(format!("There is no such {what} at your hospital."))
}

fn state() -> Result<(AppState, Hospitals), ServerFnError> {
    let state = use_context::<AppState>().ok_or_else(|| ServerFnError::new("the app is not set up"))?;
    let hospitals = state.hospitals.clone().ok_or_else(|| ServerFnError::new("the hospital pages are not set up"))?;
    Ok((state, hospitals))
}

/// The signed-in person's hospital.
pub(crate) async fn own_hospital(h: &Hospitals, who: &SignedIn) -> Result<HospitalRow, StoreError> {
    h.db().hospital_by_id(&who.org.id).await
}

/// A verification's id in URLs: the UUID of `urn:uuid:…`.
pub(crate) fn short_id(id: &str) -> String {
    id.strip_prefix("urn:uuid:").unwrap_or(id).to_owned()
}

/// A verification's stored id from its id in a URL (either spelling).
pub(crate) fn full_id(id: &str) -> String {
    if id.starts_with("urn:") {
        id.to_owned()
    } else {
        format!("urn:uuid:{id}")
    }
}

/// The verdict screen of a recorded verification.
fn verdict_view(row: &VerificationRow) -> Result<VerdictView, serde_json::Error> {
    let at = Utc
        .timestamp_opt(row.at, 0)
        .single()
        .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_default();
    if row.kind == "presentation" {
        let r: PresentationReport = serde_json::from_str(&row.report)?;
        Ok(from_presentation(&r, &at))
    } else {
        let r: Report = serde_json::from_str(&row.report)?;
        Ok(from_credential(&r, &at))
    }
}

fn claim<'a>(v: &'a VerdictView, name: &str) -> Option<&'a str> {
    v.claims.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// The verdict in words, with the first reason when it is not valid.
pub(crate) fn verdict_words(v: &VerdictView) -> String {
    let reason = |outcome: &str| {
        v.checks
            .iter()
            .find(|c| c.outcome == outcome && !c.advisory && c.reason.is_some())
            .and_then(|c| c.reason.clone())
    };
    match v.verdict.as_str() {
        "valid" => "Valid".into(),
        "invalid" => match reason("failed") {
            Some(r) => format!("Not valid: {r}"),
            None => "Not valid".into(),
        },
        _ => match reason("could_not_check") {
            Some(r) => format!("Could not check: {r}"),
            None => "Could not check".into(),
        },
    }
}

fn row_view(row: &VerificationRow) -> VerificationRowView {
    let view = verdict_view(row).ok();
    let who = view.as_ref().and_then(|v| {
        claim(v, "Name").map(str::to_owned).or_else(|| match (claim(v, "Given name"), claim(v, "Family name")) {
            (Some(g), Some(f)) => Some(format!("{g} {f}")),
            (g, f) => g.or(f).map(str::to_owned),
        })
    });
    let what = view
        .as_ref()
        .map(|v| {
            let mut parts = vec![v.what.clone().unwrap_or_else(|| "A credential".into())];
            parts.extend(
                ["License type", "License number", "Jurisdiction"]
                    .iter()
                    .filter_map(|k| claim(v, k).map(str::to_owned)),
            );
            if claim(v, "Over 18").is_some() && who.is_none() {
                parts.push("over 18".into());
            }
            parts.join(" · ")
        })
        .unwrap_or_else(|| "A credential (its record cannot be read)".into());
    VerificationRowView {
        id: short_id(&row.id),
        at: when(row.at),
        who,
        what,
        verdict: row.verdict.clone(),
        verdict_words: view.as_ref().map(verdict_words).unwrap_or_else(|| row.verdict.replace('_', " ")),
    }
}

async fn alerts(
    h: &Hospitals,
    hospital: &HospitalRow,
    limit: i64,
    since: Option<i64>,
) -> Result<Vec<AlertView>, ServerFnError> {
    let rows = h.db().notifications(&hospital.id, limit).await.map_err(unavailable)?;
    let watches: BTreeMap<String, (String, String)> = h
        .db()
        .watches(&hospital.id, false)
        .await
        .map_err(unavailable)?
        .into_iter()
        .map(|w| (w.id, (w.label, w.verification_id)))
        .collect();
    Ok(rows
        .iter()
        .filter(|n| since.is_none_or(|s| n.at >= s))
        .map(|n| {
            let watch = watches.get(&n.watch_id);
            AlertView {
                at: when(n.at),
                standing: n.kind.clone(),
                previous: n.previous.clone(),
                label: watch.map(|(l, _)| l.clone()).unwrap_or_else(|| "a watched credential".into()),
                detail: n.detail.clone(),
                verification: watch.map(|(_, v)| short_id(v)),
            }
        })
        .collect())
}

/// `/hospital`: the latest verifications and recent alerts.
pub async fn home() -> Result<Guarded<HomeView>, ServerFnError> {
    let who = match hospital_member() {
        Ok(w) => w,
        Err(g) => return Ok(g),
    };
    let (_, h) = state()?;
    let hospital = own_hospital(&h, &who).await.map_err(unavailable)?;
    let recent = h.db().verifications(&hospital.id, RECENT).await.map_err(unavailable)?;
    let since = h.now().timestamp() - ALERT_DAYS * 86_400;
    let alerts = alerts(&h, &hospital, 20, Some(since)).await?;
    Ok(Guarded::Shown(HomeView { hospital_name: hospital.name, recent: recent.iter().map(row_view).collect(), alerts }))
}

/// `/hospital/verifications`: every verification, newest first (the latest 200).
pub async fn history() -> Result<Guarded<HistoryView>, ServerFnError> {
    let who = match hospital_member() {
        Ok(w) => w,
        Err(g) => return Ok(g),
    };
    let (_, h) = state()?;
    let hospital = own_hospital(&h, &who).await.map_err(unavailable)?;
    let rows = h.db().verifications(&hospital.id, PAGE).await.map_err(unavailable)?;
    Ok(Guarded::Shown(HistoryView { rows: rows.iter().map(row_view).collect() }))
}

/// `/hospital/alerts`: monitoring notifications, newest first (the latest 200).
pub async fn alert_list() -> Result<Guarded<AlertsView>, ServerFnError> {
    let who = match hospital_member() {
        Ok(w) => w,
        Err(g) => return Ok(g),
    };
    let (_, h) = state()?;
    let hospital = own_hospital(&h, &who).await.map_err(unavailable)?;
    Ok(Guarded::Shown(AlertsView { rows: alerts(&h, &hospital, PAGE, None).await? }))
}

/// The "what to ask" page for `kind` (`clinician` or `patient`), with what a refused post left.
pub async fn ask(kind: String, flash: Option<String>) -> Result<Guarded<AskView>, ServerFnError> {
    let who = match hospital_member() {
        Ok(w) => w,
        Err(g) => return Ok(g),
    };
    let (state, _) = state()?;
    let templates: &[Template] = match kind.as_str() {
        "clinician" => &CLINICIAN,
        "patient" => &PATIENT,
        _ => return Ok(missing("page")),
    };
    let error = match flash.and_then(|f| state.flash.get(&who.session_hash, &f)) {
        Some(Flash::Error(e)) => Some(e),
        _ => None,
    };
    Ok(Guarded::Shown(AskView {
        kind,
        choices: templates
            .iter()
            .map(|t| Choice { template: t.name().into(), title: t.title().into(), purpose: t.purpose().into() })
            .collect(),
        csrf: who.csrf.clone(),
        error,
    }))
}

async fn request_view(
    h: &Hospitals,
    hospital: &HospitalRow,
    who: &SignedIn,
    r: PresentationRequest,
) -> Result<RequestView, ServerFnError> {
    let (qr_svg, web_wallet_qr_svg) = if r.status == RequestStatus::Pending {
        let web_wallet = crate::pages::wallet::web_wallet_url(h.public_url(), &r.authorization_request);
        (
            crate::qr::svg(&r.authorization_request, 288).map_err(unavailable)?,
            crate::qr::svg(&web_wallet, 200).map_err(unavailable)?,
        )
    } else {
        (String::new(), String::new())
    };
    let result = match &r.verification_id {
        Some(id) => {
            let row = h.db().verification(&hospital.id, id).await.map_err(unavailable)?;
            Some(verdict_view(&row).map_err(unavailable)?)
        }
        None => None,
    };
    let asked = r
        .template
        .as_deref()
        .and_then(Template::from_name)
        .map_or_else(|| "What the hospital's own query names".to_owned(), |t| t.title().to_owned());
    Ok(RequestView {
        id: r.id,
        status: r.status.as_str().to_owned(),
        template: r.template,
        asked,
        purpose: r.purpose,
        expires: when(r.expires_at),
        link: r.authorization_request,
        qr_svg,
        web_wallet_qr_svg,
        verification: r.verification_id.as_deref().map(short_id),
        error: r.error,
        result,
        csrf: who.csrf.clone(),
    })
}

/// A presentation request of the hospital's: as it stands now, or (`wait`) once it is no
/// longer pending or after a long poll's time.
pub async fn request(id: String, wait: bool) -> Result<Guarded<RequestView>, ServerFnError> {
    let who = match hospital_member() {
        Ok(w) => w,
        Err(g) => return Ok(g),
    };
    let (_, h) = state()?;
    let hospital = own_hospital(&h, &who).await.map_err(unavailable)?;
    let found = if wait {
        h.await_presentation_request(&hospital, &id, WAIT).await
    } else {
        h.presentation_request(&hospital, &id).await
    };
    match found {
        Ok(r) => Ok(Guarded::Shown(request_view(&h, &hospital, &who, r).await?)),
        Err(HospitalError::NotFound(_)) => Ok(missing("request")),
        Err(e) => Err(unavailable(e)),
    }
}

async fn actor_name(h: &Hospitals, actor: &str) -> String {
    match actor.strip_prefix("user:") {
        Some(id) => h.db().user(id).await.map(|u| u.display_name).unwrap_or_else(|_| "a former user".into()),
        None if actor.starts_with("token:") => "an API token".into(),
        None => actor.to_owned(),
    }
}

/// A recorded verification of the hospital's, and what a post just did (`flash`).
pub async fn verification(id: String, flash: Option<String>) -> Result<Guarded<VerificationPageView>, ServerFnError> {
    let who = match hospital_member() {
        Ok(w) => w,
        Err(g) => return Ok(g),
    };
    let (state, h) = state()?;
    let hospital = own_hospital(&h, &who).await.map_err(unavailable)?;
    let row = match h.db().verification(&hospital.id, &full_id(&id)).await {
        Ok(r) => r,
        Err(StoreError::NotFound(_)) => return Ok(missing("verification")),
        Err(e) => return Err(unavailable(e)),
    };
    let view = verdict_view(&row).map_err(unavailable)?;
    let watched =
        h.db().watches(&hospital.id, true).await.map_err(unavailable)?.iter().any(|w| w.verification_id == row.id);
    let notice = match flash.and_then(|f| state.flash.get(&who.session_hash, &f)) {
        Some(Flash::Notice(t)) => Some(t),
        _ => None,
    };
    Ok(Guarded::Shown(VerificationPageView {
        id: short_id(&row.id),
        view,
        by: actor_name(&h, &row.actor).await,
        watched,
        csrf: who.csrf.clone(),
        notice,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verdict::CheckView;

    fn check(outcome: &str, reason: Option<&str>, advisory: bool) -> CheckView {
        CheckView {
            name: "status".into(),
            label: "Not revoked or suspended".into(),
            outcome: outcome.into(),
            reason: reason.map(str::to_owned),
            detail: None,
            advisory,
        }
    }

    fn view(verdict: &str, checks: Vec<CheckView>) -> VerdictView {
        VerdictView {
            verdict: verdict.into(),
            kind: "presentation".into(),
            format: None,
            what: None,
            issuer: None,
            issuer_did: None,
            claims: Vec::new(),
            portrait: None,
            valid_until: None,
            status_as_of: None,
            checked_at: String::new(),
            checks,
        }
    }

    #[test]
    fn ids_in_urls_are_the_uuid() {
        assert_eq!(short_id("urn:uuid:0f0e"), "0f0e");
        assert_eq!(full_id("0f0e"), "urn:uuid:0f0e");
        assert_eq!(full_id("urn:uuid:0f0e"), "urn:uuid:0f0e");
    }

    #[test]
    fn verdicts_in_words_name_the_first_counted_reason() {
        assert_eq!(verdict_words(&view("valid", vec![])), "Valid");
        let revoked = view(
            "invalid",
            vec![check("failed", Some("issuer not listed"), true), check("failed", Some("revoked (list 0)"), false)],
        );
        assert_eq!(verdict_words(&revoked), "Not valid: revoked (list 0)");
        let unknown = view("could_not_check", vec![check("could_not_check", Some("status list unreachable"), false)]);
        assert_eq!(verdict_words(&unknown), "Could not check: status list unreachable");
        assert_eq!(verdict_words(&view("invalid", vec![])), "Not valid");
    }
}
