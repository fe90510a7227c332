//! `/hospital/alerts`: what monitoring found about the credentials the hospital watches
//! (revoked, suspended, expiring, …), newest first.

use leptos::prelude::*;

use super::model::AlertsView;
use super::{hospital_guarded, AlertTable, HospitalNav};
use crate::pages::board::model::Guarded;

/// The alerts' data.
#[server(endpoint = "hospital-alerts")]
pub async fn hospital_alerts() -> Result<Guarded<AlertsView>, ServerFnError> {
    crate::portal::hospital::alert_list().await
}

/// The alerts page.
#[component]
pub fn AlertsPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| hospital_alerts());
    view! {
        <Suspense fallback=|| view! { <p role="status">"Loading…"</p> }>
            {move || Suspend::new(async move {
                hospital_guarded(data.await, |d| {
                    let body = if d.rows.is_empty() {
                        view! { <p id="no-alerts">"No alerts. Watch a license from its verification page to be told here when it changes."</p> }.into_any()
                    } else {
                        view! { <AlertTable rows=d.rows/> }.into_any()
                    };
                    view! { <h1>"Alerts"</h1><HospitalNav current="alerts"/>{body} }.into_any()
                })
            })}
        </Suspense>
    }
}
