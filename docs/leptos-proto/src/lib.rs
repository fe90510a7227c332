pub mod app;

/// Entry point called by the hydration script (`mod.hydrate()`) that
/// `<HydrationScripts/>` injects into the SSR'd <head>.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
