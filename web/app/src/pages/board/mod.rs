//! The licensing board's pages (`/board/…`, board staff only): dashboard, issue one license or a
//! batch from CSV, find a credential, a credential's page with its history and status changes, and an offer to
//! the holder's wallet. Every page renders completely on the server (`SsrMode::Async`), and every
//! action is a plain form post, so all of it works before hydration.

pub mod batch;
pub mod credential;
pub mod dashboard;
pub mod find;
pub mod issue;
pub mod model;
pub mod offer;

use leptos::prelude::*;

use model::Guarded;

/// Percent-encode a query value (RFC 3986 unreserved characters pass).
pub fn encode_query(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A server function's error for people (without the framework's prefix).
pub fn plain_error(e: &ServerFnError) -> String {
    let text = e.to_string();
    text.strip_prefix("error running server function: ").unwrap_or(&text).to_owned()
}

/// A page's data shown by `shown`, or the page that says why it is not shown.
pub fn guarded<T>(data: Result<Guarded<T>, ServerFnError>, shown: impl FnOnce(T) -> AnyView) -> AnyView {
    match data {
        Ok(Guarded::Shown(t)) => shown(t),
        Ok(Guarded::SignIn { next }) => view! {
            <h1>"Sign in first"</h1>
            <p><a href=format!("/signin?next={}", encode_query(&next)) class="button">"Sign in"</a></p>
        }
        .into_any(),
        Ok(Guarded::Forbidden(why)) => view! {
            <h1>"Not allowed"</h1>
            <p class="error" role="alert" id="forbidden" data-status="403">{why}</p>
            <p><a href="/">"Back to the start"</a></p>
        }
        .into_any(),
        Ok(Guarded::Missing(why)) => view! {
            <h1>"Not found"</h1>
            <p class="error" role="alert">{why}</p>
            <p><a href="/board/credentials">"Find a credential"</a></p>
        }
        .into_any(),
        Err(e) => view! { <p class="error" role="alert">{plain_error(&e)}</p> }.into_any(),
    }
}

/// The board's own navigation; `current` is marked for assistive technology.
#[component]
pub fn BoardNav(current: &'static str) -> impl IntoView {
    let link = move |href: &'static str, name: &'static str, label: &'static str| {
        view! { <a href=href aria-current=(current == name).then_some("page")>{label}</a> }
    };
    view! {
        <nav class="subnav" aria-label="Board">
            {link("/board", "dashboard", "Dashboard")}
            {link("/board/issue", "issue", "Issue a license")}
            {link("/board/credentials", "find", "Find a credential")}
            {link("/board/batch", "batch", "Batch from CSV")}
        </nav>
    }
}

/// The state of a credential in words, with a mark that does not rely on colour.
#[component]
pub fn StateBadge(state: String) -> impl IntoView {
    let (mark, class) = match state.as_str() {
        "active" => ("✓", "badge ok"),
        "revoked" => ("✗", "badge bad"),
        "suspended" => ("‖", "badge warn"),
        "expired" => ("⌛", "badge warn"),
        _ => ("–", "badge"),
    };
    view! { <span class=class data-state=state.clone()><span aria-hidden="true">{mark}" "</span>{state.clone()}</span> }
}
