//! `medcred witness key | follow | show`: the witness role's key and the logs it follows, managed
//! directly on the database (safe beside a running server).

use std::sync::Arc;

use medcred_issuer::SystemClock;
use medcred_registry::note::VerifierKey;
use medcred_registry_service::witness::WitnessService;

use crate::cli::{Global, WitnessCommand};
use crate::config;
use crate::roles::witness_cosigner;

pub(crate) async fn run(g: &Global, c: WitnessCommand) -> anyhow::Result<()> {
    let public_url = config::public_url(g, None, false);
    let cosigner = witness_cosigner(&g.data_dir, &public_url)?;
    if let WitnessCommand::Key = c {
        println!("{}", cosigner.verifier_key());
        return Ok(());
    }
    let issuer = config::issuer(g, public_url).await?;
    let svc = WitnessService::new(issuer.db().clone(), cosigner, Arc::new(SystemClock));
    match c {
        WitnessCommand::Key => {}
        WitnessCommand::Follow { origin, key } => {
            let key: VerifierKey = key.parse().map_err(|e| anyhow::anyhow!("bad log key: {e}"))?;
            svc.follow(&origin, &key).await?;
            println!("following {origin}");
        }
        WitnessCommand::Show => {
            for log in issuer.db().witness_logs().await? {
                println!("{}\tsize {}\t{}", log.origin, log.size, log.log_key);
            }
            for fork in issuer.db().witness_forks(100).await? {
                println!("FORK {}\tsize {} (cosigned {})\t{}", fork.origin, fork.size, fork.known_size, fork.reason);
            }
        }
    }
    issuer.db().close().await;
    Ok(())
}
