//! `medcred anchor --board SLUG`: anchor the board's newest checkpoint on the chain now.

use anyhow::Context;
use medcred_registry_service::anchoring::{outcome_json, Anchorer};

use crate::cli::{AnchorNowArgs, Global};
use crate::config;
use crate::roles::anchor_settings;

pub(crate) async fn run(g: &Global, args: AnchorNowArgs) -> anyhow::Result<()> {
    let settings =
        anchor_settings(&args.anchor)?.context("no chain configured: give --anchor-rpc-url and --anchor-key-file")?;
    let issuer = config::issuer(g, config::public_url(g, None, false)).await?;
    let board = issuer.db().board_by_slug(&args.board).await.context("board")?;
    let outcome = Anchorer::new(settings).anchor_board(&issuer, &board).await?;
    println!("{}", serde_json::to_string_pretty(&outcome_json(&outcome))?);
    issuer.db().close().await;
    Ok(())
}
