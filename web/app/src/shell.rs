//! The HTML document around the app: metadata, the stylesheet, and the hydration scripts (which
//! load `/pkg/medcred_app.js` and `/pkg/medcred_app_bg.wasm`).

use leptos::prelude::*;

use crate::app::App;

/// The styles: large, high-contrast verdicts that never rely on colour alone; a layout that holds
/// down to a phone's width.
pub(crate) const STYLE: &str = include_str!("style.css");

/// The whole page, rendered by the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::server::provide_csp_nonce();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <title>"medcred"</title>
                <style>{STYLE}</style>
                <HydrationScripts options/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}
