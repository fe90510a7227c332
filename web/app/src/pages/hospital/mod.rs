//! The hospital's pages (`/hospital/…`, hospital staff only): home, "verify a clinician" and
//! "verify a patient" (an OpenID4VP request shown as a QR code, whose result appears without a
//! reload), a recorded verification with its signed receipt, the history, and monitoring
//! alerts. Every page renders completely on the server (`SsrMode::Async`) and every action is a
//! plain form post, so all of it works before hydration.

pub mod alerts;
pub mod ask;
pub mod history;
pub mod home;
pub mod model;
pub mod request;
pub mod verification;

use leptos::prelude::*;

use super::board::model::Guarded;
use super::board::{encode_query, plain_error};
use model::{AlertView, VerificationRowView};

/// A page's data shown by `shown`, or the page that says why it is not shown.
pub fn hospital_guarded<T>(data: Result<Guarded<T>, ServerFnError>, shown: impl FnOnce(T) -> AnyView) -> AnyView {
    match data {
        Ok(Guarded::Shown(t)) => shown(t),
        Ok(Guarded::SignIn { next }) => view! {
            <h1>"Sign in first"</h1>
            <p><a href=format!("/signin?next={}", encode_query(&next)) class="button">"Sign in"</a></p>
        }
        .into_any(),
        Ok(Guarded::Forbidden(why)) => view! {
            <h1>"Not allowed"</h1>
            <p class="error" role="alert" id="forbidden" data-status="403">{why}</p>
            <p><a href="/">"Back to the start"</a></p>
        }
        .into_any(),
        Ok(Guarded::Missing(why)) => view! {
            <h1>"Not found"</h1>
            <p class="error" role="alert" id="missing" data-status="404">{why}</p>
            <p><a href="/hospital">"Back to the hospital's page"</a></p>
        }
        .into_any(),
        Err(e) => view! { <p class="error" role="alert">{plain_error(&e)}</p> }.into_any(),
    }
}

/// The hospital's own navigation; `current` is marked for assistive technology.
#[component]
pub fn HospitalNav(current: &'static str) -> impl IntoView {
    let link = move |href: &'static str, name: &'static str, label: &'static str| {
        view! { <a href=href aria-current=(current == name).then_some("page")>{label}</a> }
    };
    view! {
        <nav class="subnav" aria-label="Hospital">
            {link("/hospital", "home", "Hospital")}
            {link("/hospital/ask/clinician", "clinician", "Verify a clinician")}
            {link("/hospital/ask/patient", "patient", "Verify a patient")}
            {link("/hospital/verifications", "history", "History")}
            {link("/hospital/alerts", "alerts", "Alerts")}
            {link("/verify", "paste", "Paste or upload")}
        </nav>
    }
}

/// A verdict in words with a mark that does not rely on colour.
#[component]
pub fn VerdictBadge(verdict: String, words: String) -> impl IntoView {
    let (mark, class) = match verdict.as_str() {
        "valid" => ("✓", "badge ok"),
        "invalid" => ("✗", "badge bad"),
        _ => ("?", "badge warn"),
    };
    view! { <span class=class data-verdict=verdict.clone()><span aria-hidden="true">{mark}" "</span>{words}</span> }
}

/// A table of verifications, newest first.
#[component]
pub fn VerificationTable(rows: Vec<VerificationRowView>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p>"No verifications yet."</p> }.into_any();
    }
    let rows = rows
        .into_iter()
        .map(|r| {
            view! {
                <tr>
                    <td>{r.at.clone()}</td>
                    <td>{r.who.clone().unwrap_or_else(|| "—".into())}</td>
                    <td>{r.what.clone()}</td>
                    <td><VerdictBadge verdict=r.verdict.clone() words=r.verdict_words.clone()/></td>
                    <td><a href=format!("/hospital/verifications/{}", r.id)>"Open"</a></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap"><table class="verifications">
            <thead><tr><th scope="col">"When"</th><th scope="col">"Who"</th><th scope="col">"What"</th>
                <th scope="col">"Verdict"</th><th scope="col"><span class="visually-hidden">"Details"</span></th></tr></thead>
            <tbody>{rows}</tbody>
        </table></div>
    }
    .into_any()
}

/// A table of monitoring alerts, newest first.
#[component]
pub fn AlertTable(rows: Vec<AlertView>) -> impl IntoView {
    let rows = rows
        .into_iter()
        .map(|a| {
            let (mark, class) = match a.standing.as_str() {
                "revoked" | "invalid" => ("✗", "badge bad"),
                "good" => ("✓", "badge ok"),
                _ => ("!", "badge warn"),
            };
            view! {
                <tr>
                    <td>{a.at.clone()}</td>
                    <td><span class=class data-standing=a.standing.clone()><span aria-hidden="true">{mark}" "</span>
                        {a.standing.clone()}</span>" "<span class="hint">{format!("(was {})", a.previous)}</span></td>
                    <td>{a.label.clone()}</td>
                    <td>{a.detail.clone()}</td>
                    <td>{a.verification.clone().map(|v| view! { <a href=format!("/hospital/verifications/{v}")>"Open"</a> })}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap"><table class="alerts">
            <thead><tr><th scope="col">"When"</th><th scope="col">"Now"</th><th scope="col">"Credential"</th>
                <th scope="col">"What was found"</th><th scope="col"><span class="visually-hidden">"Verification"</span></th></tr></thead>
            <tbody>{rows}</tbody>
        </table></div>
    }
}
