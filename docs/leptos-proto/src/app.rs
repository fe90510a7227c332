use leptos::prelude::*;
use leptos_router::{
    components::{Route, Router, Routes, A},
    hooks::use_params_map,
    path, SsrMode,
};

/// The HTML shell rendered by the server around <App/>.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <title>"leptos-proto"</title>
                // no-op unless LEPTOS_WATCH is set (cargo-leptos watch); harmless here
                <AutoReload options=options.clone()/>
                // emits <link rel=modulepreload href=/pkg/leptos_proto.js>,
                // <link rel=preload href=/pkg/leptos_proto_bg.wasm> and the
                // inline module that imports the JS, inits the wasm and calls hydrate()
                <HydrationScripts options/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[cfg(feature = "ssr")]
static MESSAGES: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

/// Server function: append a message (works as a plain form POST before hydration,
/// and via fetch after hydration).
#[server]
pub async fn add_message(text: String) -> Result<(), ServerFnError> {
    let text = text.trim().to_string();
    if text.is_empty() {
        return Err(ServerFnError::new("empty message"));
    }
    MESSAGES.lock().unwrap().push(text);
    Ok(())
}

#[server]
pub async fn get_messages() -> Result<Vec<String>, ServerFnError> {
    Ok(MESSAGES.lock().unwrap().clone())
}

#[component]
pub fn App() -> impl IntoView {
    view! {
        <Router>
            <nav>
                <A href="/">"Home"</A>
                " | "
                <A href="/hello/world">"Hello, world"</A>
                " | "
                <A href="/hello/leptos">"Hello, leptos"</A>
            </nav>
            <main>
                <Routes fallback=|| view! { <p id="notfound">"Page not found."</p> }>
                    // InOrder: Suspense content is streamed in place, so the page (and the
                    // form's result list) is complete even with JavaScript disabled. The
                    // default OutOfOrder mode sends the fallback first and swaps the real
                    // content in with an inline <script> (needs JS, though not wasm).
                    <Route path=path!("/") view=HomePage ssr=SsrMode::InOrder/>
                    <Route path=path!("/hello/:name") view=Hello/>
                </Routes>
            </main>
        </Router>
    }
}

#[component]
fn HomePage() -> impl IntoView {
    let (count, set_count) = signal(0);
    // Effects only run in the browser, after hydration: a visible hydration marker.
    let (hydrated, set_hydrated) = signal(false);
    Effect::new(move |_| set_hydrated.set(true));

    let add = ServerAction::<AddMessage>::new();
    let messages = Resource::new(move || add.version().get(), |_| get_messages());

    view! {
        <h1>"Leptos 0.8 SSR + hydration prototype"</h1>
        <p id="status" data-hydrated=move || hydrated.get().to_string()>
            {move || if hydrated.get() { "hydrated" } else { "server-rendered, not hydrated" }}
        </p>
        <button id="counter" on:click=move |_| *set_count.write() += 1>
            "Clicked " {count} " times"
        </button>
        <h2>"Messages (ActionForm + #[server] fn)"</h2>
        <ActionForm action=add>
            <input type="text" name="text" id="msg-input" placeholder="a message"/>
            <button type="submit" id="msg-submit">"Add message"</button>
        </ActionForm>
        <Transition fallback=|| view! { <p>"Loading messages..."</p> }>
            <ul id="messages">
                {move || Suspend::new(async move {
                    messages
                        .await
                        .unwrap_or_default()
                        .into_iter()
                        .map(|m| view! { <li>{m}</li> })
                        .collect_view()
                })}
            </ul>
        </Transition>
    }
}

#[component]
fn Hello() -> impl IntoView {
    let params = use_params_map();
    let name = move || params.read().get("name").unwrap_or_default();
    view! { <h2 id="hello">"Hello, " {name} "!"</h2> }
}
