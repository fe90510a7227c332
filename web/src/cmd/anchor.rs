//! `medcred anchor --board SLUG`: anchor the board's newest checkpoint on the chain now. Like a
//! server, it anchors only while holding the anchoring account's lease: when a server holds it,
//! the command waits for it (a stopped server's lease runs out) and then gives it back.

use std::time::Duration;

use anyhow::{bail, Context};
use medcred_issuer::sequencer::{ANCHORING_LEASE, DEFAULT_LEASE};
use medcred_issuer::Sequencer;
use medcred_registry_service::anchoring::{outcome_json, Anchorer};

use crate::cli::{AnchorNowArgs, Global};
use crate::config;
use crate::roles::anchor_settings;

pub(crate) async fn run(g: &Global, args: AnchorNowArgs) -> anyhow::Result<()> {
    let settings =
        anchor_settings(&args.anchor)?.context("no chain configured: give --anchor-rpc-url and --anchor-key-file")?;
    let issuer = config::issuer(g, config::public_url(g, None, false)).await?;
    let board = issuer.db().board_by_slug(&args.board).await.context("board")?;
    let lease = Sequencer::new(issuer.db().clone(), format!("cli-{}", std::process::id()), DEFAULT_LEASE);
    if !lease.claim_within(ANCHORING_LEASE, DEFAULT_LEASE + Duration::from_secs(5)).await? {
        let holder = issuer.db().lease(ANCHORING_LEASE).await?.map(|l| l.holder).unwrap_or_default();
        bail!(
            "a running server ({holder}) holds the anchoring lease: use POST /boards/{}/log/anchor there",
            board.slug
        );
    }
    let outcome = Anchorer::new(settings).with_lease(Some(lease.clone())).anchor_board(&issuer, &board).await;
    lease.release_all().await;
    println!("{}", serde_json::to_string_pretty(&outcome_json(&outcome?))?);
    issuer.db().close().await;
    Ok(())
}
