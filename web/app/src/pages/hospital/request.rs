//! `/hospital/requests/{id}`: an OpenID4VP presentation request waiting for the holder's wallet
//! — a large QR code of the `openid4vp://` link (server-rendered SVG, with the link as text and
//! as a button for a wallet on the same device), what is asked, why, and until when. After
//! hydration the page long-polls the request (the service wakes it on the answer; nothing polls
//! the database) and shows the verdict in place, in the space the waiting banner holds; without
//! JavaScript the page reloads itself every few seconds while it waits. An expired or failed
//! request says so, with a button to ask again.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::model::RequestView;
use super::{hospital_guarded, HospitalNav};
use crate::pages::board::model::Guarded;
use crate::verdict::Verdict;

/// Seconds between reloads of a waiting page without JavaScript.
const NOSCRIPT_REFRESH: &str = r#"<meta http-equiv="refresh" content="4">"#;

/// The request `id` as it stands; with `wait`, once it is answered (or after a long poll).
#[server(endpoint = "hospital-request")]
pub async fn hospital_request(id: String, wait: bool) -> Result<Guarded<RequestView>, ServerFnError> {
    crate::portal::hospital::request(id, wait).await
}

/// The page.
#[component]
pub fn RequestPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new(move || params.read().get("id").unwrap_or_default(), |id| hospital_request(id, false));
    view! {
        <Suspense fallback=|| view! { <p role="status">"Loading…"</p> }>
            {move || Suspend::new(async move { hospital_guarded(data.await, |r| view! { <Request r/> }.into_any()) })}
        </Suspense>
    }
}

fn is_patient(template: Option<&str>) -> bool {
    matches!(template, Some("patient_identity" | "age_over_18"))
}

#[component]
fn Request(r: RequestView) -> impl IntoView {
    let title = if is_patient(r.template.as_deref()) { "Verify a patient" } else { "Verify a clinician" };
    let current = if is_patient(r.template.as_deref()) { "patient" } else { "clinician" };
    let state = RwSignal::new(r);
    // In the browser only (effects do not run on the server): wait for the answer, then show it.
    let round = RwSignal::new(0u32);
    Effect::new(move |_| {
        round.track();
        let Some((id, pending)) = state.try_with_untracked(|r| (r.id.clone(), r.status == "pending")) else { return };
        if !pending {
            return;
        }
        leptos::task::spawn_local(async move {
            match hospital_request(id, true).await {
                Ok(Guarded::Shown(next)) => {
                    let again = next.status == "pending";
                    state.try_set(next);
                    if again {
                        round.try_update(|n| *n += 1);
                    }
                }
                // Signed out, or gone: the page as it is says enough; stop.
                Ok(_) => {}
                // The network or the server: try again in a moment.
                Err(_) => set_timeout(
                    move || {
                        round.try_update(|n| *n += 1);
                    },
                    std::time::Duration::from_secs(3),
                ),
            }
        });
    });
    let status = move || state.with(|r| r.status.clone());
    view! {
        <h1>{title}</h1>
        <HospitalNav current=current/>
        // One live region for the whole wait: screen readers announce the verdict when it comes.
        <div class="request-result" id="request-result" aria-live="polite" data-status=status>
            {move || state.with(|r| view! { <Banner r=r.clone()/> })}
        </div>
        {move || state.with(|r| view! { <Below r=r.clone()/> })}
    }
}

/// What the result area shows: waiting, the verdict screen, or why there is none.
#[component]
fn Banner(r: RequestView) -> impl IntoView {
    match r.status.as_str() {
        "verified" => r.result.clone().map(|v| view! { <Verdict view=v/> }).into_any(),
        "pending" => view! {
            <div class="verdict pending" role="status" data-verdict="pending">
                <span class="symbol" aria-hidden="true">"…"</span>
                <span class="words">"WAITING"</span>
                <p class="summary">"Waiting for the wallet's answer. The result appears here by itself."</p>
            </div>
        }
        .into_any(),
        status => {
            let (words, summary) = if status == "expired" {
                ("EXPIRED", format!("Nobody answered before {}. Nothing was checked. Ask again.", r.expires))
            } else {
                (
                    "NOT ANSWERED",
                    format!(
                        "The wallet sent no usable answer, or the holder declined ({}). Nothing was checked. Ask again.",
                        r.error.clone().unwrap_or_else(|| "no reason given".into())
                    ),
                )
            };
            view! {
                <div class="verdict unknown" role="status" data-verdict=status.to_owned()>
                    <span class="symbol" aria-hidden="true">"!"</span>
                    <span class="words">{words}</span>
                    <p class="summary">{summary}</p>
                </div>
            }
            .into_any()
        }
    }
}

/// Below the result area: the QR code while the request waits, then what to do next.
#[component]
fn Below(r: RequestView) -> impl IntoView {
    match r.status.as_str() {
        "pending" => view! {
            <noscript inner_html=NOSCRIPT_REFRESH></noscript>
            <div class="offer request">
                <div class="qr" role="img" aria-label="QR code of the request. The same link is below as text."
                    id="request-qr" inner_html=r.qr_svg.clone()></div>
                <div class="offer-text">
                    <p>"Ask the holder to scan this code with their wallet app."</p>
                    <dl class="facts-list">
                        <dt>"Asked for"</dt><dd id="request-asked">{r.asked.clone()}</dd>
                        <dt>"Why"</dt><dd>{r.purpose.clone().unwrap_or_else(|| "not said".into())}</dd>
                        <dt>"Answer by"</dt><dd id="request-expires">{r.expires.clone()}</dd>
                    </dl>
                    <p><a href=r.link.clone() class="button secondary" id="open-in-wallet">"Open in a wallet on this device"</a></p>
                    <p><a href=crate::pages::wallet::web_wallet_href(&r.link) class="button secondary" id="open-in-web-wallet">
                        "Open in the medcred web wallet"</a></p>
                    <details class="web-wallet-qr">
                        <summary>"No wallet app? Use the web wallet"</summary>
                        <p class="hint">"Scan this with the phone's camera: it opens the request in the medcred web wallet in the phone's browser."</p>
                        <div class="qr small" role="img" aria-label="QR code of the request for the web wallet"
                            id="request-web-wallet-qr" inner_html=r.web_wallet_qr_svg.clone()></div>
                    </details>
                </div>
            </div>
            <label for="request-link">"Request link (the QR code's text)"</label>
            <input type="text" id="request-link" readonly=true value=r.link.clone()/>
        }
        .into_any(),
        _ => {
            let open = r.verification.clone().map(|v| {
                view! {
                    <p><a href=format!("/hospital/verifications/{v}") class="button" id="open-verification">
                        "Open the verification: receipt and monitoring"</a></p>
                }
            });
            view! { {open}{again_form(&r)} }.into_any()
        }
    }
}

/// "Ask again": the same template, a new request.
fn again_form(r: &RequestView) -> AnyView {
    match r.template.clone() {
        Some(t) => view! {
            <form method="post" action="/hospital/actions/ask" class="inline" id="ask-again">
                <input type="hidden" name="csrf" value=r.csrf.clone()/>
                <input type="hidden" name="template" value=t/>
                <button type="submit" class="button secondary">"Ask again"</button>
            </form>
        }
        .into_any(),
        None => {
            view! { <p><a href="/hospital" class="button secondary">"Back to the hospital's page"</a></p> }.into_any()
        }
    }
}
