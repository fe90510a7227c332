//! The `medcred` application: composes the issuer, registry and verifier (and later the web UI)
//! routers into one server, and implements the command line. `main.rs` only calls [`main`].

mod cli;
mod cmd;
mod config;
mod config_file;
pub mod edge;
mod roles;
pub mod server;
mod trust;

use clap::{CommandFactory, FromArgMatches};

/// Read the configuration file if one is named, parse the command line over it (flag >
/// environment > file > default), set up tracing, run the subcommand.
pub async fn main() -> std::process::ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let file = match config_file::config_path(&args, std::env::var_os("MEDCRED_CONFIG")) {
        Some(path) => match config_file::load(&path) {
            Ok(file) => Some(file),
            Err(e) => {
                eprintln!("error: {e}");
                return std::process::ExitCode::FAILURE;
            }
        },
        None => None,
    };
    let mut command = cli::Cli::command().arg(config_file::config_arg());
    if let Some(file) = &file {
        command = config_file::apply(command, file);
    }
    let matches = command.try_get_matches_from_mut(args).unwrap_or_else(|e| e.exit());
    let cli = cli::Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let effective = cmd::config::Effective::of(&command, &matches, file.as_ref());
    server::init_tracing(cli.log_json);
    match cmd::run(cli, &effective).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
