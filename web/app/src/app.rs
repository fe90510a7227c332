//! The router: which page answers which path.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::{path, SsrMode};

use crate::pages::home::Home;
use crate::pages::not_found::NotFound;
use crate::pages::verify::{VerifyPage, VerifyResult};

/// The app. Pages render in order on the server (`SsrMode::InOrder`) so that their content is
/// complete without JavaScript.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <Router>
            <header class="top">
                <A href="/" attr:class="brand">"medcred"</A>
                <nav aria-label="Main">
                    <A href="/verify">"Verify a credential"</A>
                </nav>
            </header>
            <main id="main">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=Home ssr=SsrMode::InOrder/>
                    <Route path=path!("/verify") view=VerifyPage ssr=SsrMode::InOrder/>
                    <Route path=path!("/verify/:id") view=VerifyResult ssr=SsrMode::InOrder/>
                </Routes>
            </main>
        </Router>
    }
}
