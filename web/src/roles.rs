//! The registry's optional roles, from `serve` flags: witnessing other logs (a cosigning key kept in
//! the data directory), asking witnesses to cosign ours, and anchoring checkpoints on a chain.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context};
use medcred_anchor::{ChainConfig, SignerKey};
use medcred_issuer::keystore::write_private;
use medcred_issuer::sequencer::{default_node_id, MIN_LEASE};
use medcred_issuer::{Issuer, Sequencer, SystemClock};
use medcred_registry::note::{Cosigner, KeyName, VerifierKey};
use medcred_registry_service::anchoring::AnchorSettings;
use medcred_registry_service::cosign::WitnessPeer;
use medcred_registry_service::witness::WitnessService;
use medcred_registry_service::RegistryOptions;

use crate::cli::{AnchorArgs, ServeArgs};
use crate::server::STATUS_LIST_TTL_MS;

/// File (in the data directory, mode 0600) holding the witness's cosigning key.
const WITNESS_KEY_FILE: &str = "witness.key";

/// The witness cosigning key: read from `<data dir>/witness.key`, or created there (named
/// `<host>/witness` after the public URL) on first use.
pub(crate) fn witness_cosigner(data_dir: &Path, public_url: &str) -> anyhow::Result<Cosigner> {
    let path = data_dir.join(WITNESS_KEY_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => Cosigner::from_secret_string(text.trim())
            .map_err(|e| anyhow::anyhow!("{} does not hold a witness key: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(data_dir).with_context(|| format!("creating {}", data_dir.display()))?;
            let name = KeyName::new(format!("{}/witness", host_of(public_url)))
                .map_err(|e| anyhow::anyhow!("witness key name from {public_url}: {e}"))?;
            let cosigner = Cosigner::new(name, ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng));
            write_private(&path, cosigner.to_secret_string().as_bytes())
                .with_context(|| format!("writing {}", path.display()))?;
            Ok(cosigner)
        }
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}

/// The host (and port) of a URL: `https://a.example:8443/x` → `a.example:8443`.
fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split('/').next().unwrap_or(rest)
}

/// The witness role over `issuer`'s database, when `--witness` is given.
pub(crate) fn witness_service(
    issuer: &Issuer,
    data_dir: &Path,
    args: &ServeArgs,
) -> anyhow::Result<Option<WitnessService>> {
    if !args.witness {
        return Ok(None);
    }
    let cosigner = witness_cosigner(data_dir, issuer.public_url())?;
    Ok(Some(WitnessService::new(issuer.db().clone(), cosigner, Arc::new(SystemClock))))
}

/// Parse `URL=KEY` witness peers.
pub(crate) fn witness_peers(specs: &[String]) -> anyhow::Result<Vec<WitnessPeer>> {
    specs
        .iter()
        .filter(|s| !s.trim().is_empty())
        .map(|spec| {
            let Some((url, key)) = spec.trim().split_once('=') else {
                bail!("--witness-peer {spec:?}: expected URL=KEY");
            };
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                bail!("--witness-peer {spec:?}: the URL must be http:// or https://");
            }
            let key: VerifierKey = key.parse().map_err(|e| anyhow::anyhow!("--witness-peer {spec:?}: bad key: {e}"))?;
            Ok(WitnessPeer { url: url.trim_end_matches('/').to_owned(), key })
        })
        .collect()
}

/// The chain to anchor on, when `--anchor-rpc-url` is given.
pub(crate) fn anchor_settings(args: &AnchorArgs) -> anyhow::Result<Option<AnchorSettings>> {
    let Some(rpc_url) = &args.anchor_rpc_url else { return Ok(None) };
    let Some(key_file) = &args.anchor_key_file else { bail!("--anchor-rpc-url needs --anchor-key-file") };
    let text = std::fs::read_to_string(key_file).with_context(|| format!("reading {}", key_file.display()))?;
    let signer: SignerKey =
        text.parse().with_context(|| format!("{} does not hold a signer key", key_file.display()))?;
    let mut chain = ChainConfig::new(rpc_url.clone(), signer);
    chain.chain_id = args.anchor_chain_id;
    if args.anchor_every == 0 {
        bail!("--anchor-every must be at least 1 second");
    }
    Ok(Some(AnchorSettings { chain, every: Duration::from_secs(args.anchor_every) }))
}

/// This process's leases: `--node-id` (or a generated one) for `--lease-ms`.
pub(crate) fn sequencer(issuer: &Issuer, args: &ServeArgs) -> anyhow::Result<Sequencer> {
    let node = args.node_id.clone().unwrap_or_else(default_node_id);
    if node.trim().is_empty() || node.len() > 200 || node.chars().any(char::is_control) {
        bail!("--node-id must be 1-200 printable characters");
    }
    let lease = Duration::from_millis(args.lease_ms);
    if lease < MIN_LEASE {
        bail!("--lease-ms must be at least {}", MIN_LEASE.as_millis());
    }
    Ok(Sequencer::new(issuer.db().clone(), node, lease))
}

/// `--read-only` runs no roles: the flags that ask for one are refused rather than ignored.
pub(crate) fn check_read_only(args: &ServeArgs) -> anyhow::Result<()> {
    let roles = [
        (args.witness, "--witness (witness.enabled)"),
        (!args.witness_peers.iter().all(|p| p.trim().is_empty()), "--witness-peer (witness.peers)"),
        (args.anchor.anchor_rpc_url.is_some(), "--anchor-rpc-url (anchor.rpc_url)"),
    ];
    let asked: Vec<&str> = roles.iter().filter(|(on, _)| *on).map(|(_, flag)| *flag).collect();
    if !asked.is_empty() {
        bail!(
            "--read-only runs no roles (a replica cannot write what they record): drop {}, and give them to a \
             process on the primary",
            asked.join(", ")
        );
    }
    head_watch_every(args).map(|_| ())
}

/// How often a read-only process reads the log heads: a quarter of `--lease-ms`, as often as a
/// lease loop looks.
pub(crate) fn head_watch_every(args: &ServeArgs) -> anyhow::Result<Duration> {
    let lease = Duration::from_millis(args.lease_ms);
    if lease < MIN_LEASE {
        bail!("--lease-ms must be at least {}", MIN_LEASE.as_millis());
    }
    Ok(lease / 4)
}

/// Everything the registry needs from the `serve` flags.
pub(crate) fn registry_options(issuer: &Issuer, args: &ServeArgs) -> anyhow::Result<RegistryOptions> {
    Ok(RegistryOptions {
        ttl_ms: STATUS_LIST_TTL_MS,
        peers: witness_peers(&args.witness_peers)?,
        anchor: anchor_settings(&args.anchor)?,
        sequencer: Some(sequencer(issuer, args)?),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn host_of_urls() {
        assert_eq!(host_of("https://a.example:8443/x/y"), "a.example:8443");
        assert_eq!(host_of("http://localhost:8080"), "localhost:8080");
        assert_eq!(host_of("bare.example"), "bare.example");
    }

    #[test]
    fn witness_key_is_created_once_and_reloaded() {
        let dir = tempfile::tempdir().unwrap();
        let a = witness_cosigner(dir.path(), "http://127.0.0.2:9000").unwrap();
        let b = witness_cosigner(dir.path(), "http://elsewhere").unwrap();
        assert_eq!(a.verifier_key().to_string(), b.verifier_key().to_string());
        assert_eq!(a.verifier_key().name().as_str(), "127.0.0.2:9000/witness");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(WITNESS_KEY_FILE)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn peers_parse_and_bad_ones_are_refused() {
        let key =
            Cosigner::new(KeyName::new("w.example/witness").unwrap(), ed25519_dalek::SigningKey::from_bytes(&[3; 32]))
                .verifier_key()
                .to_string();
        let peers = witness_peers(&[format!("http://127.0.0.2:1/witness/={key}")]).unwrap();
        assert_eq!(peers[0].url, "http://127.0.0.2:1/witness");
        assert_eq!(peers[0].key.to_string(), key);
        for bad in ["nokey", "ftp://x=abc", &format!("http://x={key}garbage")] {
            assert!(witness_peers(&[bad.to_owned()]).is_err(), "{bad}");
        }
    }
}
