//! `/hospital/verifications/{id}`: one recorded verification — the verdict screen, who asked,
//! the receipt the hospital signs (a download), and "watch this license" (monitoring).

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::model::VerificationPageView;
use super::{hospital_guarded, HospitalNav};
use crate::pages::board::model::Guarded;
use crate::verdict::Verdict;

/// The verification `id`, and what a post just did (`f`).
#[server(endpoint = "hospital-verification")]
pub async fn hospital_verification(
    id: String,
    f: Option<String>,
) -> Result<Guarded<VerificationPageView>, ServerFnError> {
    crate::portal::hospital::verification(id, f).await
}

/// The page.
#[component]
pub fn VerificationPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || (params.read().get("id").unwrap_or_default(), query.read().get("f")),
        |(id, f)| hospital_verification(id, f),
    );
    view! {
        <Suspense fallback=|| view! { <p role="status">"Loading…"</p> }>
            {move || Suspend::new(async move { hospital_guarded(data.await, |v| view! { <Body v/> }.into_any()) })}
        </Suspense>
    }
}

#[component]
fn Body(v: VerificationPageView) -> impl IntoView {
    let thing = if v.view.what.as_deref().is_some_and(|w| w.contains("license")) { "license" } else { "credential" };
    let watch = if v.watched {
        view! { <p id="watched">{format!("This {thing} is watched: if it is revoked, suspended or about to expire, an alert appears under Alerts.")}</p> }
            .into_any()
    } else {
        view! {
            <form method="post" action="/hospital/actions/watch" class="inline" id="watch-form">
                <input type="hidden" name="csrf" value=v.csrf.clone()/>
                <input type="hidden" name="verification" value=v.id.clone()/>
                <button type="submit" id="watch">{format!("Watch this {thing}")}</button>
            </form>
            <p class="hint">{format!("Watching re-checks the {thing} regularly and tells you here when its standing changes.")}</p>
        }
        .into_any()
    };
    view! {
        <h1>"Verification"</h1>
        <HospitalNav current=""/>
        {v.notice.clone().map(|n| view! { <p class="notice" role="status">{n}</p> })}
        <Verdict view=v.view.clone()/>
        <p>{format!("Asked by {}.", v.by)}</p>
        <p><a href=format!("/hospital/verifications/{}/receipt", v.id) class="button" id="receipt" download="">
            "Download the signed receipt"</a></p>
        <p class="hint">"The receipt is a credential your hospital signs: what was presented, every check, and "
            "the ledger checkpoint the status was proven against — evidence for the credentialing file."</p>
        {watch}
    }
}
