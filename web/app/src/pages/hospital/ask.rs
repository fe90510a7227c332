//! `/hospital/ask/{clinician|patient}`: choose what to ask the holder's wallet for (a template),
//! then a form post to `/hospital/actions/ask` creates the OpenID4VP request and shows its QR
//! code.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::model::AskView;
use super::{hospital_guarded, HospitalNav};
use crate::pages::board::model::Guarded;

/// The choices for `kind`, and what a refused post left (`f`).
#[server(endpoint = "hospital-ask")]
pub async fn hospital_ask(kind: String, f: Option<String>) -> Result<Guarded<AskView>, ServerFnError> {
    crate::portal::hospital::ask(kind, f).await
}

/// The page.
#[component]
pub fn AskPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || (params.read().get("kind").unwrap_or_default(), query.read().get("f")),
        |(kind, f)| hospital_ask(kind, f),
    );
    view! {
        <Suspense fallback=|| view! { <p role="status">"Loading…"</p> }>
            {move || Suspend::new(async move { hospital_guarded(data.await, |a| view! { <Ask a/> }.into_any()) })}
        </Suspense>
    }
}

#[component]
fn Ask(a: AskView) -> impl IntoView {
    let (title, current, intro) = if a.kind == "patient" {
        ("Verify a patient", "patient", "Ask only what check-in needs. The patient's wallet shows them who asks, what and why, and sends nothing else.")
    } else {
        ("Verify a clinician", "clinician", "The clinician's wallet shows them who asks, what and why; they agree, and the license is checked against the board's ledger.")
    };
    let choices = a
        .choices
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let id = format!("template-{}", c.template);
            let first = i == 0;
            view! {
                <div class="choice">
                    <input type="radio" name="template" id=id.clone() value=c.template.clone() checked=first/>
                    <label for=id>{c.title.clone()}
                        <span class="hint">{format!("The holder sees why: “{}”", c.purpose)}</span></label>
                </div>
            }
        })
        .collect_view();
    view! {
        <h1>{title}</h1>
        <HospitalNav current=current/>
        <p>{intro}</p>
        {a.error.clone().map(|e| view! { <p class="error" role="alert" id="ask-error">{e}</p> })}
        <form method="post" action="/hospital/actions/ask" id="ask-form">
            <input type="hidden" name="csrf" value=a.csrf.clone()/>
            <fieldset class="choices">
                <legend>"What to ask for"</legend>
                {choices}
            </fieldset>
            <button type="submit" id="ask-submit">"Show the QR code"</button>
        </form>
    }
}
