//! The router: which page answers which path.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::{path, SsrMode};

use crate::pages::account::UserBadge;
use crate::pages::board::batch::BatchPage;
use crate::pages::board::credential::CredentialPage;
use crate::pages::board::dashboard::Dashboard;
use crate::pages::board::find::FindPage;
use crate::pages::board::issue::IssuePage;
use crate::pages::board::offer::OfferPage;
use crate::pages::home::Home;
use crate::pages::hospital::alerts::AlertsPage;
use crate::pages::hospital::ask::AskPage;
use crate::pages::hospital::history::HistoryPage;
use crate::pages::hospital::home::HospitalHome;
use crate::pages::hospital::request::RequestPage;
use crate::pages::hospital::verification::VerificationPage;
use crate::pages::not_found::NotFound;
use crate::pages::public_board::PublicBoardPage;
use crate::pages::signin::SignInPage;
use crate::pages::verify::{VerifyPage, VerifyResult};
use crate::pages::wallet::WalletPage;

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
                    <A href="/wallet">"Wallet"</A>
                    <UserBadge/>
                </nav>
            </header>
            <main id="main">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=Home ssr=SsrMode::InOrder/>
                    <Route path=path!("/verify") view=VerifyPage ssr=SsrMode::InOrder/>
                    <Route path=path!("/verify/:id") view=VerifyResult ssr=SsrMode::InOrder/>
                    // The browser wallet: the page only; what it holds stays in the browser.
                    <Route path=path!("/wallet") view=WalletPage ssr=SsrMode::InOrder/>
                    // Accounts and the board's pages: rendered whole before sending (`Async`), so
                    // that a redirect to the sign-in page or a 403 can still set the status.
                    <Route path=path!("/signin") view=SignInPage ssr=SsrMode::Async/>
                    <Route path=path!("/board") view=Dashboard ssr=SsrMode::Async/>
                    <Route path=path!("/board/issue") view=IssuePage ssr=SsrMode::Async/>
                    <Route path=path!("/board/batch") view=BatchPage ssr=SsrMode::Async/>
                    <Route path=path!("/board/credentials") view=FindPage ssr=SsrMode::Async/>
                    <Route path=path!("/board/credentials/:id") view=CredentialPage ssr=SsrMode::Async/>
                    <Route path=path!("/board/credentials/:id/offer") view=OfferPage ssr=SsrMode::Async/>
                    // A board's public page (no sign-in), rendered whole so an unknown board is a 404.
                    <Route path=path!("/public/boards/:slug") view=PublicBoardPage ssr=SsrMode::Async/>
                    // The hospital's pages (hospital staff only), rendered whole like the board's.
                    <Route path=path!("/hospital") view=HospitalHome ssr=SsrMode::Async/>
                    <Route path=path!("/hospital/ask/:kind") view=AskPage ssr=SsrMode::Async/>
                    <Route path=path!("/hospital/requests/:id") view=RequestPage ssr=SsrMode::Async/>
                    <Route path=path!("/hospital/verifications") view=HistoryPage ssr=SsrMode::Async/>
                    <Route path=path!("/hospital/verifications/:id") view=VerificationPage ssr=SsrMode::Async/>
                    <Route path=path!("/hospital/alerts") view=AlertsPage ssr=SsrMode::Async/>
                </Routes>
            </main>
        </Router>
    }
}
