//! The wallet directory: `holder.jwk` (private key, created 0600; a group- or world-readable key
//! is refused) and `wallet.json` (the holder's DID and the credentials), replaced atomically.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::WalletError;
use crate::key::HolderKey;
use crate::received::StoredCredential;

const KEY_FILE: &str = "holder.jwk";
const WALLET_FILE: &str = "wallet.json";
const VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
struct WalletFile {
    version: u32,
    holder: String,
    credentials: Vec<StoredCredential>,
}

/// An open wallet.
#[derive(Debug)]
pub struct Wallet {
    dir: PathBuf,
    key: HolderKey,
    credentials: Vec<StoredCredential>,
}

fn storage(path: &Path, why: impl std::fmt::Display) -> WalletError {
    WalletError::Storage { path: path.display().to_string(), why: why.to_string() }
}

/// Write `bytes` to a new file readable by the owner only.
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), WalletError> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options.open(path).map_err(|e| storage(path, e))?;
    f.write_all(bytes).and_then(|()| f.sync_all()).map_err(|e| storage(path, e))
}

#[cfg(unix)]
fn check_private(path: &Path) -> Result<(), WalletError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = fs::metadata(path).map_err(|e| storage(path, e))?.permissions().mode();
    if mode & 0o077 != 0 {
        return Err(storage(path, format!("mode {:o} lets others read the key; chmod 600 it", mode & 0o777)));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_: &Path) -> Result<(), WalletError> {
    Ok(())
}

impl Wallet {
    /// Create a wallet in `dir` (created if needed) with a new holder key. Refuses an existing one.
    pub fn init(dir: &Path) -> Result<Self, WalletError> {
        fs::create_dir_all(dir).map_err(|e| storage(dir, e))?;
        let (key_path, wallet_path) = (dir.join(KEY_FILE), dir.join(WALLET_FILE));
        if key_path.exists() || wallet_path.exists() {
            return Err(storage(dir, "a wallet already exists here"));
        }
        let key = HolderKey::generate();
        write_private(&key_path, key.to_private_jwk().as_bytes())?;
        let wallet = Wallet { dir: dir.to_owned(), key, credentials: Vec::new() };
        wallet.save()?;
        Ok(wallet)
    }

    /// Open the wallet in `dir`.
    pub fn open(dir: &Path) -> Result<Self, WalletError> {
        let (key_path, wallet_path) = (dir.join(KEY_FILE), dir.join(WALLET_FILE));
        if !key_path.exists() {
            return Err(storage(dir, "no wallet here; run `medcred wallet init` first"));
        }
        check_private(&key_path)?;
        let key_text = zeroize::Zeroizing::new(fs::read_to_string(&key_path).map_err(|e| storage(&key_path, e))?);
        let key = HolderKey::from_private_jwk(&key_text)?;
        let text = fs::read_to_string(&wallet_path).map_err(|e| storage(&wallet_path, e))?;
        let file: WalletFile = serde_json::from_str(&text).map_err(|e| storage(&wallet_path, e))?;
        if file.version != VERSION {
            return Err(storage(&wallet_path, format!("version {} is not {VERSION}", file.version)));
        }
        if file.holder != key.did() {
            return Err(storage(&wallet_path, "the holder DID is not the key's"));
        }
        Ok(Wallet { dir: dir.to_owned(), key, credentials: file.credentials })
    }

    /// The holder key.
    pub fn key(&self) -> &HolderKey {
        &self.key
    }

    /// The credentials, oldest first.
    pub fn credentials(&self) -> &[StoredCredential] {
        &self.credentials
    }

    /// Keep `credential` (written to disk before this returns).
    pub fn add(&mut self, credential: StoredCredential) -> Result<(), WalletError> {
        self.credentials.push(credential);
        if let Err(e) = self.save() {
            self.credentials.pop();
            return Err(e);
        }
        Ok(())
    }

    /// Record what the board's list said of credential `id` (saved before this returns).
    pub fn set_status(&mut self, id: &str, status: crate::status::KnownStatus) -> Result<(), WalletError> {
        let Some(c) = self.credentials.iter_mut().find(|c| c.id == id) else {
            return Err(storage(&self.dir, format!("no credential {id}")));
        };
        let before = c.status.replace(status);
        if let Err(e) = self.save() {
            if let Some(c) = self.credentials.iter_mut().find(|c| c.id == id) {
                c.status = before;
            }
            return Err(e);
        }
        Ok(())
    }

    /// Write `wallet.json`: to a temporary file (0600: credentials are personal data), then
    /// renamed over the old one.
    fn save(&self) -> Result<(), WalletError> {
        let path = self.dir.join(WALLET_FILE);
        let tmp = self.dir.join(format!("{WALLET_FILE}.{}.tmp", uuid::Uuid::new_v4().simple()));
        let file =
            WalletFile { version: VERSION, holder: self.key.did().to_owned(), credentials: self.credentials.clone() };
        let text = serde_json::to_vec_pretty(&file).map_err(|e| storage(&path, e))?;
        write_private(&tmp, &text)?;
        fs::rename(&tmp, &path).map_err(|e| {
            let _ = fs::remove_file(&tmp);
            storage(&path, e)
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn init_open_add_and_refuse_a_readable_key() {
        let dir = tempfile::tempdir().expect("tmp");
        let mut w = Wallet::init(dir.path()).expect("init");
        assert!(Wallet::init(dir.path()).is_err(), "never overwrites");
        let c = StoredCredential {
            id: "1".into(),
            format: "ldp_vc".into(),
            configuration_id: "c".into(),
            credential_issuer: "https://i.example".into(),
            issuer: "did:web:b".into(),
            types: vec!["VerifiableCredential".into()],
            received_at: "2026-01-01T00:00:00Z".into(),
            status: None,
            credential: json!({"a": 1}),
        };
        w.add(c.clone()).expect("add");
        let again = Wallet::open(dir.path()).expect("open");
        assert_eq!(again.credentials(), &[c]);
        assert_eq!(again.key().did(), w.key().did());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let key = dir.path().join(KEY_FILE);
            assert_eq!(fs::metadata(&key).expect("meta").permissions().mode() & 0o777, 0o600);
            fs::set_permissions(&key, fs::Permissions::from_mode(0o644)).expect("chmod");
            assert!(Wallet::open(dir.path()).is_err(), "a readable key is refused");
        }
        assert!(Wallet::open(&dir.path().join("nope")).is_err());
    }
}
