use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use leptos_proto::app::{shell, App};

#[tokio::main]
async fn main() {
    let leptos_options = if std::env::var_os("LEPTOS_OUTPUT_NAME").is_some() {
        // Alternative A: everything from LEPTOS_* env vars at *run* time (what
        // cargo-leptos does): LEPTOS_OUTPUT_NAME, LEPTOS_SITE_ROOT (default
        // "target/site"), LEPTOS_SITE_PKG_DIR (default "pkg"), LEPTOS_SITE_ADDR ...
        get_configuration(None).expect("LEPTOS_* env").leptos_options
    } else {
        // Alternative B (default here): LeptosOptions built in code. No cargo-leptos,
        // no [package.metadata.leptos]. LeptosOptions is #[non_exhaustive]: use the builder.
        let addr: std::net::SocketAddr = std::env::var("LEPTOS_SITE_ADDR")
            .unwrap_or_else(|_| "127.0.0.1:3000".into())
            .parse()
            .expect("LEPTOS_SITE_ADDR");
        LeptosOptions::builder()
            // must equal the wasm-bindgen output stem: <site_root>/<site_pkg_dir>/<output_name>.js
            // and (LEPTOS_OUTPUT_NAME unset at *compile* time) <output_name>_bg.wasm
            .output_name("leptos_proto")
            .site_root(std::env::var("LEPTOS_SITE_ROOT").unwrap_or_else(|_| "site".into()))
            .site_pkg_dir("pkg")
            .site_addr(addr)
            .build()
    };
    let addr = leptos_options.site_addr;

    let routes = generate_route_list(App);
    let app = Router::new()
        // SSR routes + all #[server] fns (POST /api/...) are registered here
        .leptos_routes(&leptos_options, routes, {
            let o = leptos_options.clone();
            move || shell(o.clone())
        })
        // serves <site_root>/pkg/*.js|*.wasm (tower-http ServeDir) and renders 404s
        .fallback(leptos_axum::file_and_error_handler(shell))
        .with_state(leptos_options);

    let listener = tokio::net::TcpListener::bind(&addr).await.unwrap();
    println!("listening on http://{addr}");
    axum::serve(listener, app.into_make_service()).await.unwrap();
}
