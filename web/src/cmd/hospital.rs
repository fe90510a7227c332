//! `medcred hospital …`: create, list, mint tokens.

use anyhow::{anyhow, Context};
use medcred_hospital::{create_hospital, create_hospital_token};
use medcred_store::HospitalRole;

use crate::cli::{Global, HospitalCommand};
use crate::config;

pub(crate) async fn run(g: &Global, c: HospitalCommand) -> anyhow::Result<()> {
    let issuer = config::issuer(g, config::public_url(g, None, false)).await?;
    match c {
        HospitalCommand::Create { slug, name } => {
            let created = create_hospital(&issuer, &slug, &name).await?;
            println!("hospital:    {}", created.hospital.slug);
            println!("DID:         {}", created.hospital.did);
            println!("admin token: {} (shown once; keep it secret)", *created.admin_token);
        }
        HospitalCommand::List => {
            for h in issuer.db().hospitals().await? {
                println!("{}\t{}\t{}", h.slug, h.did, h.name);
            }
        }
        HospitalCommand::Token { slug, role, label } => {
            let h = issuer.db().hospital_by_slug(&slug).await.context("hospital")?;
            let role = HospitalRole::parse(&role).ok_or_else(|| anyhow!("role must be admin or verifier"))?;
            let (row, secret) = create_hospital_token(&issuer, &h, role, &label).await?;
            println!("token {} ({}): {}", row.id, row.role.as_str(), *secret);
        }
    }
    Ok(())
}
