//! `/wallet`: the browser wallet for clinicians and patients — the holder key and credentials are
//! kept in this browser ([`browser`], wasm only), never on the server, which serves only the page.
//! It receives credentials from a board's offer (OpenID4VCI, with the PIN) and presents them to a
//! hospital's request (OpenID4VP), showing who asks, what and why, and sharing only what is asked
//! once the holder consents. `/wallet?credential_offer_uri=…` and `/wallet?client_id=…&request_uri=…`
//! (the query of the `openid-credential-offer://` and `openid4vp://` links, which the board's and
//! the hospital's pages also show as a web-wallet QR code) open the offer or the request directly.
//! Laid out for a phone first.

#[cfg(feature = "hydrate")]
mod browser;
pub mod model;

use leptos::prelude::*;

use model::{CredentialCard, OfferCard, RequestCard, Task};

/// The web wallet's address for an `openid-credential-offer://` or `openid4vp://` link: `/wallet`
/// with the link's query (the wallet rebuilds the link from it).
pub fn web_wallet_href(link: &str) -> String {
    match link.find('?') {
        Some(i) => format!("/wallet{}", &link[i..]),
        None => "/wallet".into(),
    }
}

/// The same as an absolute URL on the deployment at `public_url` (for a QR code a phone's camera
/// opens in its browser).
pub fn web_wallet_url(public_url: &str, link: &str) -> String {
    format!("{}{}", public_url.trim_end_matches('/'), web_wallet_href(link))
}

/// Run `f` (a wallet step, in the browser) and put what it returns in `task`.
#[cfg(feature = "hydrate")]
fn run<F>(task: RwSignal<Task>, cards: RwSignal<Option<Vec<CredentialCard>>>, busy: &str, f: F)
where
    F: std::future::Future<Output = Task> + 'static,
{
    task.set(Task::Busy(busy.to_owned()));
    leptos::task::spawn_local(async move {
        let next = f.await;
        task.try_set(next);
        if let Ok((_, list)) = browser::load_cards() {
            cards.try_set(Some(list));
        }
    });
}

/// The link in this page's address, if it came from an offer or a request.
#[cfg(feature = "hydrate")]
fn link_in_address() -> Option<String> {
    let search = leptos::prelude::window().location().search().ok()?;
    let link = if search.contains("credential_offer") {
        format!("openid-credential-offer://{search}")
    } else if search.contains("request_uri") {
        format!("openid4vp://{search}")
    } else {
        return None;
    };
    // Drop it from the address so that reloading does not open it again.
    if let Ok(history) = leptos::prelude::window().history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some("/wallet"));
    }
    Some(link)
}

/// The page.
#[component]
pub fn WalletPage() -> impl IntoView {
    let task = RwSignal::new(Task::Idle);
    // `None` until the browser half has read the wallet (the server cannot see it).
    let cards = RwSignal::new(None::<Vec<CredentialCard>>);
    let did = RwSignal::new(String::new());
    let link = RwSignal::new(String::new());
    let pin = RwSignal::new(String::new());

    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        {
            match browser::load_cards() {
                Ok((holder, list)) => {
                    did.set(holder);
                    cards.set(Some(list));
                }
                Err(why) => task.set(Task::Failed(why)),
            }
            if let Some(l) = link_in_address() {
                link.set(l.clone());
                run(task, cards, "Reading the link…", browser::open_link(l));
            }
        }
    });

    let open = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        run(task, cards, "Reading the link…", browser::open_link(link.get_untracked()));
    };

    view! {
        <div class="wallet">
            <h1>"Your wallet"</h1>
            <p class="lede">"Credentials you hold, kept in this browser on this device. Your key never leaves it."</p>
            <noscript>
                <p class="notice">"The wallet needs JavaScript: it keeps your key and credentials in this browser, not on the server."</p>
            </noscript>
            <section class="wallet-task" id="wallet-task" aria-live="polite">
                {move || task.get().view(task, cards, pin, link)}
            </section>
            <form class="wallet-open" on:submit=open>
                <label for="wallet-link">"Link from a QR code (a credential offer or a request)"</label>
                <div class="row">
                    <input type="text" id="wallet-link" name="link" autocomplete="off" spellcheck="false"
                        placeholder="openid4vp://… or openid-credential-offer://…"
                        prop:value=move || link.get() on:input=move |ev| link.set(event_target_value(&ev))/>
                    <button type="submit" id="wallet-open">"Open"</button>
                </div>
            </form>
            <h2>"Credentials"</h2>
            {move || match cards.get() {
                None => view! { <p role="status" id="wallet-loading">"Opening your wallet…"</p> }.into_any(),
                Some(list) if list.is_empty() => view! {
                    <p id="wallet-empty">"No credentials yet. When a board offers you one, open its link or scan its code here."</p>
                }.into_any(),
                Some(list) => view! {
                    <ul class="cards" id="wallet-credentials">
                        {list.into_iter().enumerate().map(|(i, c)| view! { <Card c n=i + 1 cards task/> }).collect_view()}
                    </ul>
                }.into_any(),
            }}
            <details class="about">
                <summary>"About this wallet"</summary>
                <p>"Your holder identifier: " <code id="wallet-did">{move || did.get()}</code></p>
                <p>"The key that proves these credentials are yours is stored in this browser only. "
                   "Clearing this site's data deletes the wallet, its key and its credentials."</p>
            </details>
        </div>
    }
}

impl Task {
    fn view(
        self,
        task: RwSignal<Task>,
        cards: RwSignal<Option<Vec<CredentialCard>>>,
        pin: RwSignal<String>,
        link: RwSignal<String>,
    ) -> AnyView {
        let _ = (cards, link);
        match self {
            Task::Idle => ().into_any(),
            Task::Busy(what) => view! { <p role="status" class="busy">{what}</p> }.into_any(),
            Task::Done(what) => view! { <p role="status" class="flash ok" id="wallet-done">{what}</p> }.into_any(),
            Task::Failed(why) => view! { <p role="alert" class="flash error" id="wallet-error">{why}</p> }.into_any(),
            Task::Offer(o) => view! { <Offer o task cards pin/> }.into_any(),
            Task::Request(r) => view! { <Request r task cards/> }.into_any(),
        }
    }
}

#[component]
fn Offer(
    o: OfferCard,
    task: RwSignal<Task>,
    cards: RwSignal<Option<Vec<CredentialCard>>>,
    pin: RwSignal<String>,
) -> impl IntoView {
    let _ = cards;
    let accept = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        run(task, cards, "Receiving…", browser::accept_offer(pin.get_untracked()));
    };
    let not_now = move |_| {
        #[cfg(feature = "hydrate")]
        browser::dismiss();
        task.set(Task::Idle);
    };
    let pin_field = o.pin.clone().map(|p| {
        let hint =
            p.description.clone().unwrap_or_else(|| "The board gave it to you separately, not with the code.".into());
        view! {
            <label for="wallet-pin">"PIN"</label>
            <p class="hint">{hint}</p>
            <input type="text" id="wallet-pin" name="pin" autocomplete="one-time-code" required=true
                inputmode=if p.numeric { "numeric" } else { "text" }
                maxlength=p.length.map(|n| n.to_string())
                prop:value=move || pin.get() on:input=move |ev| pin.set(event_target_value(&ev))/>
        }
    });
    view! {
        <form class="card task" id="wallet-offer" on:submit=accept>
            <h2>"A credential is offered to you"</h2>
            <dl class="facts-list">
                <dt>"From"</dt><dd id="wallet-offer-issuer">{o.issuer.clone()}</dd>
                <dt>"What"</dt><dd>{o.offered.join(", ")}</dd>
            </dl>
            {pin_field}
            <div class="actions">
                <button type="submit" id="wallet-accept">"Add to my wallet"</button>
                <button type="button" class="secondary" on:click=not_now>"Not now"</button>
            </div>
        </form>
    }
}

#[component]
fn Request(r: RequestCard, task: RwSignal<Task>, cards: RwSignal<Option<Vec<CredentialCard>>>) -> impl IntoView {
    let _ = (cards, task);
    let answerable = r.answerable();
    let share = move |_| {
        #[cfg(feature = "hydrate")]
        run(task, cards, "Sending…", browser::share());
    };
    let decline = move |_| {
        #[cfg(feature = "hydrate")]
        run(task, cards, "Telling the verifier…", browser::decline());
    };
    let who = r.name.clone().unwrap_or_else(|| "A verifier".into());
    view! {
        <div class="card task" id="wallet-request">
            <h2>{format!("{who} asks for your credentials")}</h2>
            <dl class="facts-list">
                <dt>"Verifier"</dt>
                <dd><code id="wallet-request-did">{r.did.clone()}</code>" — the request is signed by its key"
                    {r.name.as_ref().map(|_| " (the name is its own)")}</dd>
                <dt>"Why"</dt><dd id="wallet-request-purpose">{r.purpose.clone().unwrap_or_else(|| "not said".into())}</dd>
            </dl>
            <ul class="asks">
                {r.asks.iter().map(|a| {
                    let answer = match &a.answer {
                        Some(title) if a.disclose.is_empty() => format!("Your {title} (no optional details)"),
                        Some(title) => format!("Your {title}, showing: {}", a.disclose.join(", ")),
                        None => "You hold nothing that answers this.".into(),
                    };
                    view! { <li><strong>{a.what.clone()}</strong><br/><span class="answer">{answer}</span></li> }
                }).collect_view()}
            </ul>
            <div class="actions">
                <button type="button" id="wallet-share" disabled=!answerable on:click=share>"Share"</button>
                <button type="button" class="secondary" id="wallet-decline" on:click=decline>"Decline"</button>
            </div>
        </div>
    }
}

#[component]
fn Card(
    c: CredentialCard,
    n: usize,
    cards: RwSignal<Option<Vec<CredentialCard>>>,
    task: RwSignal<Task>,
) -> impl IntoView {
    let _ = (cards, task);
    let (state, checked) = c.status.clone().unwrap_or_else(|| ("unchecked".into(), String::new()));
    let badge = match state.as_str() {
        "active" => "Active".to_owned(),
        "suspended" => "SUSPENDED".to_owned(),
        "revoked" => "REVOKED".to_owned(),
        _ => "Status not checked".to_owned(),
    };
    let id = c.id.clone();
    let refresh = move |_| {
        #[cfg(feature = "hydrate")]
        {
            let id = id.clone();
            task.set(Task::Busy("Checking with the board…".into()));
            leptos::task::spawn_local(async move {
                match browser::refresh(id).await {
                    Ok(card) => {
                        task.try_set(Task::Done(format!(
                            "{}: {}",
                            card.title,
                            card.status.map(|s| s.0).unwrap_or_default()
                        )));
                        if let Ok((_, list)) = browser::load_cards() {
                            cards.try_set(Some(list));
                        }
                    }
                    Err(why) => {
                        task.try_set(Task::Failed(why));
                    }
                }
            });
        }
        let _ = &id;
    };
    let id = c.id.clone();
    let remove = move |_| {
        #[cfg(feature = "hydrate")]
        {
            let sure = leptos::prelude::window()
                .confirm_with_message("Remove this credential from this browser? The board can offer it again.")
                .unwrap_or(false);
            if sure {
                match browser::remove(&id) {
                    Ok(()) => {
                        if let Ok((_, list)) = browser::load_cards() {
                            cards.set(Some(list));
                        }
                    }
                    Err(why) => task.set(Task::Failed(why)),
                }
            }
        }
        let _ = &id;
    };
    view! {
        <li class="card credential" data-status=state.clone() id=format!("wallet-credential-{n}")>
            <div class="head">
                <h3>{c.title.clone()}</h3>
                <span class=format!("badge {state}")>{badge}</span>
            </div>
            <dl class="facts-list">
                {c.facts.iter().map(|(k, v)| view! { <dt>{k.clone()}</dt><dd>{v.clone()}</dd> }).collect_view()}
                <dt>"Issuer"</dt><dd><code>{c.issuer.clone()}</code></dd>
                <dt>"Format"</dt><dd>{c.format.clone()}</dd>
                <dt>"Received"</dt><dd>{c.received_at.clone()}</dd>
                {(!checked.is_empty()).then(|| view! { <dt>"Status checked"</dt><dd>{checked.clone()}</dd> })}
            </dl>
            <div class="actions">
                <button type="button" class="secondary" id=format!("wallet-refresh-{n}") on:click=refresh>"Check status"</button>
                <button type="button" class="secondary danger" on:click=remove>"Remove"</button>
            </div>
        </li>
    }
}
