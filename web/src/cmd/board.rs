//! `medcred board …`: create, list, show, rotate keys, mint tokens.

use anyhow::{anyhow, Context};
use medcred_issuer::NewBoard;
use medcred_store::Role;

use crate::cli::{BoardCommand, Global};
use crate::config;

pub(crate) async fn run(g: &Global, c: BoardCommand) -> anyhow::Result<()> {
    let issuer = config::issuer(g, config::public_url(g, None, false)).await?;
    match c {
        BoardCommand::Create { slug, name, did_key, host_did } => {
            let created = issuer.create_board(&NewBoard { slug, name, did_key, host_did }).await?;
            println!("board:       {}", created.board.slug);
            println!("DID:         {}", created.board.did);
            println!("admin token: {} (shown once; keep it secret)", *created.admin_token);
        }
        BoardCommand::List => {
            for b in issuer.db().boards().await? {
                println!("{}\t{}\t{}", b.slug, b.did, b.name);
            }
        }
        BoardCommand::Show { slug } => {
            let b = issuer.db().board_by_slug(&slug).await.context("board")?;
            println!("{}", serde_json::to_string_pretty(&issuer.did_document_of(&b).await?)?);
        }
        BoardCommand::RotateKey { slug } => {
            let b = issuer.db().board_by_slug(&slug).await.context("board")?;
            let k = issuer.rotate_key(&b).await?;
            println!("new active key: {}#{} ({})", b.did, k.key_id, k.public_multibase);
        }
        BoardCommand::Token { slug, role, label } => {
            let b = issuer.db().board_by_slug(&slug).await.context("board")?;
            let role = Role::parse(&role).ok_or_else(|| anyhow!("role must be admin or issuer"))?;
            let (row, secret) = issuer.create_token(&b, role, &label).await?;
            println!("token {} ({}): {}", row.id, row.role.as_str(), *secret);
        }
    }
    Ok(())
}
