//! `/signin`: the sign-in form (a plain form post to `/session/signin`, so it works without
//! JavaScript). After a failure it says so next to the fields — the same words whether the email
//! is unknown, the password wrong or the account locked.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// What a failed sign-in says, whatever the cause.
pub const SIGN_IN_FAILED: &str = "That email and password do not match an account that can sign in now. After 5 \
                                  failed attempts an account is locked for 15 minutes.";

/// The sign-in page.
#[component]
pub fn SignInPage() -> impl IntoView {
    let query = use_query_map();
    let failed = move || query.read().get("failed").is_some();
    let signed_out = move || query.read().get("signed_out").is_some();
    let next = move || query.read().get("next").unwrap_or_default();
    view! {
        <h1>"Sign in"</h1>
        <p>"For licensing board and hospital staff. Ask your administrator for an account."</p>
        {move || signed_out().then(|| view! { <p class="notice" role="status">"You are signed out."</p> })}
        <form method="post" action="/session/signin" class="stack narrow" id="signin-form">
            <input type="hidden" name="next" value=next/>
            <label for="signin-email">"Email"</label>
            <input id="signin-email" name="email" type="email" autocomplete="username" required=true
                aria-invalid=move || failed().then_some("true")
                aria-describedby=move || failed().then_some("signin-error")/>
            <label for="signin-password">"Password"</label>
            <input id="signin-password" name="password" type="password" autocomplete="current-password"
                required=true aria-invalid=move || failed().then_some("true")
                aria-describedby=move || failed().then_some("signin-error")/>
            {move || failed().then(|| view! {
                <p class="field-error" role="alert" id="signin-error">{SIGN_IN_FAILED}</p>
            })}
            <button type="submit" id="signin-submit">"Sign in"</button>
        </form>
    }
}
