//! `medcred revoke | suspend | reinstate | status`: change or show a credential's status directly
//! on the database, through the same committer (and ledger) as the HTTP API. Safe beside a running
//! server: batches take the board's lock in the database.

use anyhow::Context;
use medcred_registry_service::committer::bit;
use medcred_registry_service::status_api::change as apply;
use medcred_registry_service::{Action, Registry, RegistryError};

use crate::cli::{Global, StatusArgs, StatusShowArgs};
use crate::config;
use crate::server::STATUS_LIST_TTL_MS;

pub(crate) async fn change(g: &Global, args: StatusArgs, action: Action) -> anyhow::Result<()> {
    let issuer = config::issuer(g, config::public_url(g, None, false)).await?;
    let board = issuer.db().board_by_slug(&args.board).await.context("board")?;
    let cred = issuer.db().credential(&args.credential).await.context("credential")?;
    if cred.board_id != board.id {
        anyhow::bail!("credential {} is not a credential of board {}", args.credential, args.board);
    }
    let registry = Registry::new(issuer, STATUS_LIST_TTL_MS);
    match apply(&registry, board, &cred, action, args.reason, format!("cli:{}", args.actor)).await {
        Ok(o) => {
            let state = if o.revoked {
                "revoked"
            } else if o.suspended {
                "suspended"
            } else {
                "active"
            };
            let what = if o.changed { "now" } else { "already" };
            println!("{} is {what} {state} (ledger size {})", o.credential_id, o.checkpoint_size);
            Ok(())
        }
        Err(RegistryError::Conflict { message, .. }) => anyhow::bail!("refused: {message}"),
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn show(g: &Global, args: StatusShowArgs) -> anyhow::Result<()> {
    let issuer = config::issuer(g, config::public_url(g, None, false)).await?;
    let board = issuer.db().board_by_slug(&args.board).await.context("board")?;
    let cred = issuer.db().credential(&args.credential).await.context("credential")?;
    if cred.board_id != board.id {
        anyhow::bail!("credential {} is not a credential of board {}", args.credential, args.board);
    }
    match (cred.status_list, cred.status_index) {
        (Some(list), Some(index)) => {
            let row = issuer.db().status_list(&board.id, list).await?;
            let at = u64::try_from(index)?;
            let set = |bits: &[u8]| bit(bits, at).unwrap_or(false);
            println!("{}: list {list} index {index}", cred.id);
            println!("revoked: {}  suspended: {}", set(&row.revocation), set(&row.suspension));
        }
        _ => println!("{}: issued without status", cred.id),
    }
    for c in issuer.db().status_changes(&cred.id).await? {
        println!("{}\t{}={}\t{}\t{}", c.at, c.purpose, c.value, c.actor, c.reason);
    }
    Ok(())
}
