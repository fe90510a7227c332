//! The trust list of accredited boards this deployment verifies against: loaded from a signed
//! file at start (`--trust-list`, checked with `--trust-list-key`; a list older than the last one
//! accepted is refused, the sequence is kept in the database), or — for the demo — signed by a
//! deployment key of its own that accredits the demo board.

use std::path::{Path, PathBuf};

use anyhow::Context;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use ed25519_dalek::{SigningKey, VerifyingKey};
use medcred_formats::keys::{decode_multibase_public, multibase_public};
use medcred_formats::IssuerKey;
use medcred_issuer::Issuer;
use medcred_store::BoardRow;
use medcred_verifier::trust::{Accreditation, TrustList};

/// The setting holding the sequence of the newest trust list accepted.
const SEQUENCE_SETTING: &str = "trust_list_sequence";

/// A trust key: Multikey (`z6Mk…`) or a `did:key:z6Mk…`.
pub(crate) fn parse_key(s: &str) -> anyhow::Result<VerifyingKey> {
    let mb = s.trim().strip_prefix("did:key:").unwrap_or(s.trim());
    let mb = mb.split('#').next().unwrap_or(mb);
    decode_multibase_public(mb).with_context(|| format!("trust list key {s:?} is not an Ed25519 Multikey"))
}

/// Load the signed list at `file`, verified with `keys`, refusing a rollback.
pub(crate) async fn load(issuer: &Issuer, file: &Path, keys: &[String]) -> anyhow::Result<TrustList> {
    if keys.is_empty() {
        anyhow::bail!("--trust-list needs at least one --trust-list-key to check its signature");
    }
    let keys: Vec<VerifyingKey> = keys.iter().map(|k| parse_key(k)).collect::<anyhow::Result<_>>()?;
    let jws = std::fs::read_to_string(file).with_context(|| format!("reading the trust list {}", file.display()))?;
    let db = issuer.db();
    let held = db.setting(SEQUENCE_SETTING).await?.and_then(|s| s.parse::<u64>().ok());
    let list = TrustList::from_signed(&jws, &keys, issuer.clock().now(), held)
        .with_context(|| format!("the trust list {}", file.display()))?;
    // A read-only process (a replica) checks against the sequence held and records nothing: the
    // primary's processes record what they accept.
    if !db.read_only() {
        let mut tx = db.begin().await?;
        tx.put_setting(SEQUENCE_SETTING, &list.sequence.to_string()).await?;
        tx.commit().await?;
    }
    Ok(list)
}

/// The demo's own trust list: a deployment key in `<data dir>/trust.key` (created 0600) signs a
/// list accrediting `board` for licenses and patient identities in US-NJ, written to
/// `<data dir>/trust-list.jws`. Returns the file and the key (Multikey).
pub(crate) fn demo_list(issuer: &Issuer, data_dir: &Path, board: &BoardRow) -> anyhow::Result<(PathBuf, String)> {
    let key_path = data_dir.join("trust.key");
    if !key_path.exists() {
        let secret: [u8; 32] = rand::random();
        medcred_issuer::keystore::write_private(&key_path, STANDARD.encode(secret).as_bytes())?;
    }
    let text = std::fs::read_to_string(&key_path)?;
    let bytes: [u8; 32] = STANDARD
        .decode(text.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .with_context(|| format!("{} is not a base64 Ed25519 secret", key_path.display()))?;
    let signing = IssuerKey::did_key(SigningKey::from_bytes(&bytes));
    let now = issuer.clock().now();
    let list = TrustList {
        iss: signing.did().to_owned(),
        iat: now.timestamp(),
        exp: (now + chrono::Duration::days(365)).timestamp(),
        // Seconds since the epoch: a list signed later never rolls back an earlier one.
        sequence: u64::try_from(now.timestamp()).unwrap_or(0),
        entries: vec![Accreditation {
            did: board.did.clone(),
            name: board.name.clone(),
            credential_types: vec!["MedicalLicenseCredential".into(), "PatientIdentityCredential".into()],
            jurisdictions: vec!["US-NJ".into()],
            valid_from: None,
            valid_until: None,
        }],
    };
    let file = data_dir.join("trust-list.jws");
    std::fs::write(&file, list.sign(&signing)?)?;
    Ok((file, multibase_public(&signing.verifying_key())))
}
