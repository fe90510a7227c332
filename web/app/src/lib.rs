//! The medcred web app: Leptos pages rendered on the server (`ssr`, inside the `medcred` binary)
//! and hydrated in the browser (`hydrate`, compiled to wasm32 by `scripts/build-app.sh`). Every
//! form is a plain HTML form first, so the pages work before (and without) hydration.

// The board's pages nest deep view types; the wasm build's layout queries need the room.
#![recursion_limit = "256"]

pub mod app;
pub mod pages;
pub mod shell;
pub mod verdict;

#[cfg(feature = "ssr")]
pub mod auth;
#[cfg(feature = "ssr")]
pub mod portal;
#[cfg(feature = "ssr")]
pub mod qr;
#[cfg(feature = "ssr")]
pub mod server;

pub use app::App;
pub use shell::shell;

/// The browser entry point: hydrate the server-rendered page (the name `hydrate` is what
/// Leptos's hydration script calls).
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
    // A marker for people and browser tests: the page is now interactive.
    if let Some(body) = leptos::prelude::document().body() {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}
