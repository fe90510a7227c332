//! The `medcred` application: composes the issuer, registry and verifier (and later the web UI)
//! routers into one server, and implements the command line. `main.rs` only calls [`main`].

mod cli;
mod cmd;
mod config;
pub mod edge;
mod roles;
pub mod server;
mod trust;

use clap::Parser;

/// Parse the command line, set up tracing, run the subcommand.
pub async fn main() -> std::process::ExitCode {
    let cli = cli::Cli::parse();
    server::init_tracing(cli.log_json);
    match cmd::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
