//! `medcred user …`: add people who sign in to the web app, reset a password, list them.
//! Passwords come from standard input (`--password-stdin`) or are generated and printed once;
//! they never appear on the command line.

use std::io::BufRead;

use anyhow::{anyhow, Context};
use medcred_app::auth::{Accounts, NewUser};
use medcred_store::{OrgKind, UserRole};
use zeroize::Zeroizing;

use crate::cli::{Global, UserCommand};
use crate::config;

fn read_password() -> anyhow::Result<Zeroizing<String>> {
    let mut line = Zeroizing::new(String::new());
    std::io::stdin().lock().read_line(&mut line).context("reading the password from standard input")?;
    let trimmed = line.trim_end_matches(['\n', '\r']);
    Ok(Zeroizing::new(trimmed.to_owned()))
}

pub(crate) async fn run(g: &Global, c: UserCommand) -> anyhow::Result<()> {
    let issuer = config::issuer(g, config::public_url(g, None, false)).await?;
    let accounts = Accounts::new(issuer.clone());
    match c {
        UserCommand::Add { board, hospital, email, role, name, password_stdin } => {
            let (org_kind, org_slug) = match (board, hospital) {
                (Some(b), None) => (OrgKind::Board, b),
                (None, Some(h)) => (OrgKind::Hospital, h),
                _ => return Err(anyhow!("give exactly one of --board SLUG or --hospital SLUG")),
            };
            let role = UserRole::parse(&role).ok_or_else(|| {
                anyhow!("role must be one of board_admin, board_issuer, hospital_admin, hospital_verifier")
            })?;
            let password = if password_stdin { Some(read_password()?) } else { None };
            let (user, generated) =
                accounts.add_user(NewUser { org_kind, org_slug, email, name, role, password }).await?;
            println!("user:     {} ({}, {})", user.email, user.role.as_str(), user.display_name);
            if let Some(p) = generated {
                println!("password: {} (shown once; give it to them privately)", *p);
            }
        }
        UserCommand::Password { email, password_stdin } => {
            let password = if password_stdin { Some(read_password()?) } else { None };
            if let Some(p) = accounts.reset_password(&email, password).await? {
                println!("password: {} (shown once; give it to them privately)", *p);
            } else {
                println!("password changed");
            }
        }
        UserCommand::List => {
            let db = issuer.db();
            for u in db.users().await? {
                let org = match u.org_kind {
                    OrgKind::Board => db.board(&u.org_id).await.map(|b| format!("board:{}", b.slug)),
                    OrgKind::Hospital => db.hospital_by_id(&u.org_id).await.map(|h| format!("hospital:{}", h.slug)),
                }
                .unwrap_or_else(|_| "(organisation gone)".into());
                let locked = u.locked_until.filter(|t| *t > issuer.clock().now().timestamp()).map(|_| "\tlocked");
                println!("{org}\t{}\t{}\t{}{}", u.email, u.role.as_str(), u.display_name, locked.unwrap_or(""));
            }
        }
    }
    Ok(())
}
