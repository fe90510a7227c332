//! `/board/credentials/{id}/offer?f=…`: the offer just made, for the holder to scan — a QR code
//! of the `openid-credential-offer://` link (server-rendered SVG), the link itself, and the PIN,
//! shown apart (give it to the holder by another channel than the QR code).

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::model::{Guarded, OfferView};
use super::{guarded, BoardNav};

/// The offer `f` for credential `id`.
#[server(endpoint = "board-offer")]
pub async fn board_offer(id: String, f: String) -> Result<Guarded<OfferView>, ServerFnError> {
    crate::portal::data::offer(id, f).await
}

/// The offer page.
#[component]
pub fn OfferPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || (params.read().get("id").unwrap_or_default(), query.read().get("f").unwrap_or_default()),
        |(id, f)| board_offer(id, f),
    );
    view! {
        <Suspense fallback=|| view! { <p role="status">"Loading…"</p> }>
            {move || Suspend::new(async move { guarded(data.await, |o| view! { <Offer o/> }.into_any()) })}
        </Suspense>
    }
}

#[component]
fn Offer(o: OfferView) -> impl IntoView {
    view! {
        <h1>{format!("Offer for {}", o.name)}</h1>
        <BoardNav current=""/>
        <div class="offer">
            <div class="qr" role="img" aria-label="QR code of the credential offer" inner_html=o.qr_svg.clone()></div>
            <div class="offer-text">
                <p>"Ask the holder to scan this code with their wallet, or to open the link on their phone."</p>
                <h2>"PIN"</h2>
                <p class="pin" id="offer-pin" aria-label=format!("PIN {}", o.pin.chars().map(String::from).collect::<Vec<_>>().join(" "))>{o.pin.clone()}</p>
                <p class="hint">"Tell the holder the PIN separately — by phone or in person, not with the QR code. "
                    "The wallet asks for it."</p>
                <p>{format!("Valid until {} · {}", o.expires, o.configuration)}</p>
            </div>
        </div>
        <label for="offer-link">"Offer link"</label>
        <input type="text" id="offer-link" readonly=true value=o.link.clone()/>
        <p><a href=o.link.clone() class="button secondary">"Open in a wallet on this device"</a>" "
            <a href=crate::pages::wallet::web_wallet_href(&o.link) class="button secondary" id="open-in-web-wallet">
                "Open in the medcred web wallet"</a></p>
        <details class="web-wallet-qr">
            <summary>"No wallet app? Use the web wallet"</summary>
            <p class="hint">"The holder scans this with the phone's camera: it opens the offer in the medcred web wallet in the phone's browser."</p>
            <div class="qr small" role="img" aria-label="QR code of the offer for the web wallet"
                id="offer-web-wallet-qr" inner_html=o.web_wallet_qr_svg.clone()></div>
        </details>
        <p><a href=format!("/board/credentials/{}", o.credential_id)>"Back to the credential"</a></p>
    }
}
