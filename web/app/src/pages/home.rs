//! `/`: what medcred is, and where to start.

use leptos::prelude::*;
use leptos_router::components::A;

/// The home page.
#[component]
pub fn Home() -> impl IntoView {
    view! {
        <h1>"Verifiable medical credentials"</h1>
        <p class="lead">
            "Licensing boards issue licenses and patient identities as W3C Verifiable Credentials; "
            "hospitals check them here in seconds: the signature, that the key is the board's, that the "
            "board is accredited, the dates, and the status proven against the board's public ledger."
        </p>
        <p><A href="/verify" attr:class="button">"Verify a credential"</A></p>
    }
}
