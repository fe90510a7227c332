//! `/verify`: paste (or load from a file) a credential or presentation and verify it under this
//! deployment's policy (issuer trust required); `/verify/{id}`: the verdict. The form posts to a
//! server function that redirects to the result, so it works before hydration too.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::verdict::{Verdict, VerdictView};

/// Largest input the page accepts, in bytes.
pub const MAX_INPUT: usize = 1024 * 1024;

/// Verify `input` and go to its result page.
#[server(endpoint = "verify")]
pub async fn verify_input(input: String) -> Result<(), ServerFnError> {
    let id = match crate::server::verify_and_keep(&input).await {
        Ok(id) => id,
        Err(why) => {
            // The client's mistake: 400, not the 500 server functions answer errors with.
            if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
                resp.set_status(axum::http::StatusCode::BAD_REQUEST);
            }
            return Err(ServerFnError::new(why));
        }
    };
    leptos_axum::redirect(&format!("/verify/{id}"));
    Ok(())
}

/// A kept result (results are kept in memory for a few minutes, never stored).
#[server(endpoint = "verify-result")]
pub async fn verify_result(id: String) -> Result<Option<VerdictView>, ServerFnError> {
    Ok(crate::server::kept(&id))
}

/// The form.
#[component]
pub fn VerifyPage() -> impl IntoView {
    let action = ServerAction::<VerifyInput>::new();
    let error = move || {
        action.value().get().and_then(Result::err).map(|e| {
            let text = e.to_string();
            let text = text.strip_prefix("error running server function: ").unwrap_or(&text).to_owned();
            view! { <p class="error" role="alert" id="verify-error">{text}</p> }
        })
    };
    view! {
        <h1>"Verify a credential"</h1>
        <p>"Paste a credential or a presentation in any format medcred reads: Data Integrity JSON "
           "(eddsa-rdfc-2022, eddsa-jcs-2022), vc+jwt, dc+sd-jwt (with or without key binding)."</p>
        <ActionForm action=action attr:id="verify-form">
            <label for="verify-input">"Credential or presentation"</label>
            <textarea id="verify-input" name="input" rows="10" required=true spellcheck="false"
                placeholder="{\"@context\": … } or eyJ…"></textarea>
            <label for="verify-file">"…or choose a file"</label>
            <input type="file" id="verify-file" accept=".json,.jwt,.sd-jwt,.txt,application/json"
                on:change=load_file/>
            <button type="submit" id="verify-submit">"Verify"</button>
        </ActionForm>
        {error}
    }
}

/// Put the chosen file's text into the textarea (in the browser; without JavaScript, paste).
#[allow(unused_variables)]
fn load_file(ev: leptos::ev::Event) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        use web_sys::{FileReader, HtmlInputElement, HtmlTextAreaElement};
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) else { return };
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        let Ok(reader) = FileReader::new() else { return };
        let r = reader.clone();
        let done = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
            let text = r.result().ok().and_then(|v| v.as_string()).unwrap_or_default();
            let area = leptos::prelude::document()
                .get_element_by_id("verify-input")
                .and_then(|e| e.dyn_into::<HtmlTextAreaElement>().ok());
            if let Some(area) = area {
                area.set_value(&text);
            }
        });
        reader.set_onload(Some(done.as_ref().unchecked_ref()));
        done.forget();
        let _ = reader.read_as_text(&file);
    }
}

/// The result page.
#[component]
pub fn VerifyResult() -> impl IntoView {
    let params = use_params_map();
    let result = Resource::new(move || params.read().get("id").unwrap_or_default(), verify_result);
    view! {
        <Suspense fallback=|| view! { <p class="verdict pending" role="status">"Checking…"</p> }>
            {move || Suspend::new(async move {
                match result.await {
                    Ok(Some(v)) => view! { <Verdict view=v/> }.into_any(),
                    Ok(None) => view! {
                        <p>"This result is no longer kept (results stay a few minutes). "
                           <a href="/verify">"Verify again"</a></p>
                    }.into_any(),
                    Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
        <p><a href="/verify" class="button secondary">"Verify another"</a></p>
    }
}
