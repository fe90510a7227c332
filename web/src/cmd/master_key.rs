//! `medcred master-key`: show the loaded key's id, or rotate to a new key.

use medcred_issuer::keystore::write_private;
use medcred_issuer::MasterKey;

use crate::cli::{Global, MasterKeyCommand};
use crate::config;

pub(crate) async fn run(g: &Global, c: MasterKeyCommand) -> anyhow::Result<()> {
    let issuer = config::issuer(g, config::public_url(g, None, false)).await?;
    match c {
        MasterKeyCommand::Id => println!("{}", config::master_key(&g.data_dir)?.id()),
        MasterKeyCommand::Rotate { new_key_file } => {
            let new = MasterKey::generate();
            write_private(&new_key_file, new.to_base64().as_bytes())?;
            let n = issuer.reseal_all(&new).await?;
            println!("re-sealed {n} board keys under master key {}", new.id());
            println!("now replace the old key file (or MEDCRED_MASTER_KEY) with {}", new_key_file.display());
        }
    }
    Ok(())
}
