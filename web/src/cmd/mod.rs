//! Subcommand dispatch.

mod anchor;
mod backup;
mod board;
mod bulk;
pub(crate) mod config;
mod demo;
mod demo_people;
mod hospital;
mod issue;
mod master_key;
mod serve;
mod status;
mod user;
mod verify;
pub(crate) mod wallet;
mod witness;

use medcred_registry_service::Action;

use crate::cli::{Cli, Command};

/// Run the chosen subcommand (`effective`: what `config check` reports).
pub(crate) async fn run(cli: Cli, effective: &config::Effective) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(args) => serve::run(&cli.global, args).await,
        Command::Demo(args) => demo::run(&cli.global, args).await,
        Command::Board(c) => board::run(&cli.global, c).await,
        Command::Hospital(c) => hospital::run(&cli.global, c).await,
        Command::Issue(args) => issue::run(&cli.global, args).await,
        Command::IssueBulk(args) => bulk::run(&cli.global, args).await,
        Command::Verify(args) => verify::run(args).await,
        Command::Revoke(args) => status::change(&cli.global, args, Action::Revoke).await,
        Command::Suspend(args) => status::change(&cli.global, args, Action::Suspend).await,
        Command::Reinstate(args) => status::change(&cli.global, args, Action::Reinstate).await,
        Command::Status(args) => status::show(&cli.global, args).await,
        Command::MasterKey(c) => master_key::run(&cli.global, c).await,
        Command::Witness(c) => witness::run(&cli.global, c).await,
        Command::Anchor(args) => anchor::run(&cli.global, args).await,
        Command::Wallet(args) => wallet::run(&cli.global, args).await,
        Command::User(c) => user::run(&cli.global, c).await,
        Command::Backup(args) => backup::backup(&cli.global, &args.file).await,
        Command::Restore(args) => backup::restore(&cli.global, &args.file, args.force).await,
        Command::Config(c) => config::run(&cli.global, c, effective).await,
    }
}
