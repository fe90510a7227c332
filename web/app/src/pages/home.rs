//! `/`: what medcred is, and where to start (with links to the boards' public pages).

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
        <p><A href="/verify" attr:class="button">"Verify a credential"</A>" "
            <A href="/wallet" attr:class="button secondary">"Open your wallet"</A></p>
        <p class="hint">"Clinicians and patients: the wallet keeps your credentials on your phone or computer, "
            "receives them from your board and shows them to a hospital when you agree."</p>
        <PublicBoards/>
    }
}

/// The boards served here: (slug, name).
#[server(endpoint = "public-boards")]
pub async fn public_boards() -> Result<Vec<(String, String)>, ServerFnError> {
    crate::portal::public::boards().await
}

/// Links to the boards' public pages (nothing when this deployment serves no board).
#[component]
fn PublicBoards() -> impl IntoView {
    let boards = Resource::new(|| (), |_| public_boards());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let boards = boards.await.unwrap_or_default();
                (!boards.is_empty()).then(|| {
                    let links = boards
                        .into_iter()
                        .map(|(slug, name)| view! { <li><a href=format!("/public/boards/{slug}")>{name}</a></li> })
                        .collect_view();
                    view! {
                        <h2>"Licensing boards"</h2>
                        <p>"Each board's public page: its DID document, status lists and ledger, with a proof check anyone can run."</p>
                        <ul id="public-boards">{links}</ul>
                    }
                })
            })}
        </Suspense>
    }
}
