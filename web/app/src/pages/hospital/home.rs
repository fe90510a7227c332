//! `/hospital`: the hospital's home — two big actions ("Verify a clinician", "Verify a
//! patient"), a way to paste or upload a credential, alerts of the last 30 days and the latest
//! verifications.

use leptos::prelude::*;

use super::model::HomeView;
use super::{hospital_guarded, AlertTable, HospitalNav, VerificationTable};
use crate::pages::board::model::Guarded;

/// The home page's data.
#[server(endpoint = "hospital-home")]
pub async fn hospital_home() -> Result<Guarded<HomeView>, ServerFnError> {
    crate::portal::hospital::home().await
}

/// The home page.
#[component]
pub fn HospitalHome() -> impl IntoView {
    let data = Resource::new(|| (), |_| hospital_home());
    view! {
        <Suspense fallback=|| view! { <p role="status">"Loading…"</p> }>
            {move || Suspend::new(async move { hospital_guarded(data.await, |d| view! { <HomeBody d/> }.into_any()) })}
        </Suspense>
    }
}

#[component]
fn HomeBody(d: HomeView) -> impl IntoView {
    let alerts = if d.alerts.is_empty() {
        view! { <p id="no-alerts">"No alerts in the last 30 days."</p> }.into_any()
    } else {
        view! { <AlertTable rows=d.alerts.clone()/> }.into_any()
    };
    view! {
        <h1>{d.hospital_name.clone()}</h1>
        <HospitalNav current="home"/>
        <section class="big-actions" aria-label="Verify">
            <a class="big-action" href="/hospital/ask/clinician" id="verify-clinician">
                <span class="title">"Verify a clinician"</span>
                <span class="what">"Ask their wallet for a license: they scan a QR code."</span>
            </a>
            <a class="big-action" href="/hospital/ask/patient" id="verify-patient">
                <span class="title">"Verify a patient"</span>
                <span class="what">"Ask only what check-in needs: name and date of birth, or just “over 18”."</span>
            </a>
        </section>
        <p>"Have a credential as a file or text? "<a href="/verify" id="paste-link">"Paste or upload it"</a>"."</p>
        <h2>"Alerts"</h2>
        {alerts}
        <p><a href="/hospital/alerts">"All alerts"</a></p>
        <h2>"Latest verifications"</h2>
        <VerificationTable rows=d.recent.clone()/>
        <p><a href="/hospital/verifications">"All verifications"</a></p>
    }
}
