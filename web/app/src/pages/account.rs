//! Who is signed in: the header's badge (name, role, organisation, sign-out) and the `whoami`
//! server function the pages share.

use leptos::prelude::*;

use crate::pages::board::model::Me;

/// The person signed in, if anyone.
#[server(endpoint = "whoami")]
pub async fn whoami() -> Result<Option<Me>, ServerFnError> {
    Ok(crate::portal::data::whoami())
}

/// The header's account area: who is signed in and for which organisation, with a sign-out
/// button (a form post carrying the CSRF token); else a link to sign in.
#[component]
pub fn UserBadge() -> impl IntoView {
    let me = Resource::new(|| (), |_| whoami());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(Some(m)) => {
                        let board = (m.org_kind == "board").then(|| view! { <a href="/board">"Board"</a> });
                        let hospital = (m.org_kind == "hospital").then(|| view! { <a href="/hospital">"Hospital"</a> });
                        view! {
                            {board}
                            {hospital}
                            <div class="account" id="account">
                                <span class="who">
                                    <span id="account-name">{m.name.clone()}</span>
                                    <span class="role">{format!("{} · {}", m.role_label, m.org_name)}</span>
                                </span>
                                <form method="post" action="/session/signout" class="inline">
                                    <input type="hidden" name="csrf" value=m.csrf.clone()/>
                                    <button type="submit" class="link" id="signout">"Sign out"</button>
                                </form>
                            </div>
                        }
                        .into_any()
                    }
                    _ => view! { <a href="/signin" id="signin-link">"Sign in"</a> }.into_any(),
                }
            })}
        </Suspense>
    }
}
