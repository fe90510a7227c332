//! `/hospital/verifications`: every verification the hospital recorded, newest first.

use leptos::prelude::*;

use super::model::HistoryView;
use super::{hospital_guarded, HospitalNav, VerificationTable};
use crate::pages::board::model::Guarded;

/// The history's data.
#[server(endpoint = "hospital-history")]
pub async fn hospital_history() -> Result<Guarded<HistoryView>, ServerFnError> {
    crate::portal::hospital::history().await
}

/// The history page.
#[component]
pub fn HistoryPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| hospital_history());
    view! {
        <Suspense fallback=|| view! { <p role="status">"Loading…"</p> }>
            {move || Suspend::new(async move {
                hospital_guarded(data.await, |d| view! {
                    <h1>"Verifications"</h1>
                    <HospitalNav current="history"/>
                    <VerificationTable rows=d.rows/>
                }.into_any())
            })}
        </Suspense>
    }
}
