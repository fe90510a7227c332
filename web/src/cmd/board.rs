//! `medcred board …`: create, list, show, rotate keys, respond to a stolen key (compromise-key,
//! reissue), mint tokens.

use anyhow::{anyhow, Context};
use medcred_issuer::NewBoard;
use medcred_store::Role;

use medcred_registry_service::{reissue, Registry};

use crate::cli::{BoardCommand, Global};
use crate::config;
use crate::server::STATUS_LIST_TTL_MS;

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
        BoardCommand::CompromiseKey { slug, key_id, since } => {
            let b = issuer.db().board_by_slug(&slug).await.context("board")?;
            let since = match since {
                Some(text) => reissue::parse_since(&text)?,
                None => issuer.db().keys(&b.id).await?.iter().find(|k| k.key_id == key_id).context("key")?.created_at,
            };
            let registry = Registry::new(issuer.clone(), STATUS_LIST_TTL_MS);
            let r = reissue::compromise(&registry, &b, &key_id, since, "cli").await?;
            println!("removed from the DID document: {}#{key_id}", b.did);
            if let Some(k) = &r.new_key {
                println!("new active key: {}#{} ({})", b.did, k.key_id, k.public_multibase);
            }
            println!("queued for re-issuance: {} (run `medcred board reissue {}`)", r.queued, b.slug);
        }
        BoardCommand::Reissue { slug } => {
            let b = issuer.db().board_by_slug(&slug).await.context("board")?;
            let registry = Registry::new(issuer.clone(), STATUS_LIST_TTL_MS);
            let mut total = reissue::ReissueReport::default();
            loop {
                let r = reissue::reissue_batch(&registry, &b, reissue::DEFAULT_BATCH, "cli").await?;
                for (old, new) in &r.replaced {
                    println!("{old} -> {new}");
                }
                total.reissued += r.reissued;
                total.revoked += r.revoked;
                total.skipped += r.skipped;
                if r.remaining == 0 || (r.replaced.is_empty() && r.skipped == 0) {
                    total.remaining = r.remaining;
                    break;
                }
            }
            println!(
                "re-issued {}, revoked {}, skipped (already revoked) {}, remaining {}",
                total.reissued, total.revoked, total.skipped, total.remaining
            );
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
