//! Board secret keys at rest: sealed with XChaCha20-Poly1305 under a 32-byte master key that
//! comes from the environment (`MEDCRED_MASTER_KEY`, base64) or a key file the app creates with
//! mode 0600. The sealed form names the master key it was sealed under, so a rotation can tell
//! old from new.

use std::io::Write;
use std::path::Path;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, Zeroizing};

/// Format version byte of a sealed secret.
const SEALED_V1: u8 = 1;
const NONCE_LEN: usize = 24;
const ID_LEN: usize = 8;

/// Why a master key could not be loaded, or a secret not unsealed.
#[derive(Debug, thiserror::Error)]
pub enum KeystoreError {
    /// The key file or environment value is unreadable or not 32 bytes of base64.
    #[error("master key {0}")]
    BadMasterKey(String),
    /// The key file exists with permissions readable by others.
    #[error("master key file {0} is readable by group or others; chmod 600 it")]
    Permissions(String),
    /// The secret was sealed under another master key.
    #[error("secret sealed under master key {sealed}, but the loaded master key is {loaded}")]
    WrongMasterKey {
        /// Id of the key it was sealed under.
        sealed: String,
        /// Id of the key loaded now.
        loaded: String,
    },
    /// The sealed bytes are malformed or were tampered with.
    #[error("sealed secret is corrupt or was tampered with")]
    Corrupt,
}

/// The master key. Prints as `[redacted]`; zeroed on drop.
pub struct MasterKey {
    key: Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MasterKey({}, [redacted])", self.id())
    }
}

impl MasterKey {
    /// A new random master key.
    pub fn generate() -> Self {
        let mut key = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(key.as_mut());
        MasterKey { key }
    }

    /// Parse the base64 form (as in `MEDCRED_MASTER_KEY` or the key file).
    pub fn from_base64(s: &str) -> Result<Self, KeystoreError> {
        let mut raw = STANDARD.decode(s.trim()).map_err(|_| KeystoreError::BadMasterKey("is not base64".into()))?;
        let key: Result<[u8; 32], _> = raw.as_slice().try_into();
        raw.zeroize();
        let key = key.map_err(|_| KeystoreError::BadMasterKey("is not 32 bytes".into()))?;
        Ok(MasterKey { key: Zeroizing::new(key) })
    }

    /// The base64 form.
    pub fn to_base64(&self) -> Zeroizing<String> {
        Zeroizing::new(STANDARD.encode(self.key.as_ref()))
    }

    /// Read the key file at `path`, or create it (mode 0600) with a new key if it does not exist.
    pub fn load_or_create(path: &Path) -> Result<Self, KeystoreError> {
        let shown = path.display().to_string();
        match std::fs::read_to_string(path) {
            Ok(text) => {
                check_permissions(path)?;
                Self::from_base64(&text).map_err(|e| KeystoreError::BadMasterKey(format!("in {shown}: {e}")))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = Self::generate();
                write_private(path, key.to_base64().as_bytes())
                    .map_err(|e| KeystoreError::BadMasterKey(format!("file {shown}: {e}")))?;
                Ok(key)
            }
            Err(e) => Err(KeystoreError::BadMasterKey(format!("file {shown}: {e}"))),
        }
    }

    /// A short public fingerprint of the key (first 8 bytes of a domain-separated SHA-256, hex).
    pub fn id(&self) -> String {
        hex::encode(self.id_bytes())
    }

    fn id_bytes(&self) -> [u8; ID_LEN] {
        let h = Sha256::new().chain_update(b"medcred master key id\0").chain_update(self.key.as_ref()).finalize();
        let mut id = [0u8; ID_LEN];
        id.copy_from_slice(&h[..ID_LEN]);
        id
    }

    /// Seal `secret`, bound to `context` (e.g. the board and key id) so a sealed value cannot be
    /// moved to another row.
    pub fn seal(&self, secret: &[u8], context: &str) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let cipher = XChaCha20Poly1305::new(self.key.as_ref().into());
        // Encryption with a 32-byte key and 24-byte nonce cannot fail for inputs of this size.
        let ct = cipher
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: secret, aad: context.as_bytes() })
            .unwrap_or_default();
        let mut out = Vec::with_capacity(1 + ID_LEN + NONCE_LEN + ct.len());
        out.push(SEALED_V1);
        out.extend_from_slice(&self.id_bytes());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        out
    }

    /// Open what [`MasterKey::seal`] produced with the same `context`.
    pub fn open(&self, sealed: &[u8], context: &str) -> Result<Zeroizing<Vec<u8>>, KeystoreError> {
        if sealed.len() < 1 + ID_LEN + NONCE_LEN + 16 || sealed[0] != SEALED_V1 {
            return Err(KeystoreError::Corrupt);
        }
        let (id, rest) = sealed[1..].split_at(ID_LEN);
        if id != self.id_bytes() {
            return Err(KeystoreError::WrongMasterKey { sealed: hex::encode(id), loaded: self.id() });
        }
        let (nonce, ct) = rest.split_at(NONCE_LEN);
        let cipher = XChaCha20Poly1305::new(self.key.as_ref().into());
        cipher
            .decrypt(XNonce::from_slice(nonce), Payload { msg: ct, aad: context.as_bytes() })
            .map(Zeroizing::new)
            .map_err(|_| KeystoreError::Corrupt)
    }
}

/// The sealing context of a hospital's signing key (so a sealed value cannot move to another row).
pub fn hospital_key_context(hospital_id: &str, key_id: &str) -> String {
    format!("medcred/hospital-key/v1/{hospital_id}#{key_id}")
}

/// The master key id a sealed secret names, if it is well-formed.
pub fn sealed_under(sealed: &[u8]) -> Option<String> {
    (sealed.len() > 1 + ID_LEN && sealed[0] == SEALED_V1).then(|| hex::encode(&sealed[1..1 + ID_LEN]))
}

#[cfg(unix)]
fn check_permissions(path: &Path) -> Result<(), KeystoreError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).map_err(|e| KeystoreError::BadMasterKey(e.to_string()))?.permissions().mode();
    if mode & 0o077 != 0 {
        return Err(KeystoreError::Permissions(path.display().to_string()));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_permissions(_path: &Path) -> Result<(), KeystoreError> {
    Ok(())
}

/// Create `path` with mode 0600 (failing if it exists) and write `bytes`.
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options.open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_open_round_trip_and_binding() {
        let k = MasterKey::generate();
        let sealed = k.seal(b"secret bytes", "board/a#key-1");
        assert_eq!(&*k.open(&sealed, "board/a#key-1").expect("open"), b"secret bytes");
        assert!(matches!(k.open(&sealed, "board/b#key-1"), Err(KeystoreError::Corrupt)));
        let mut tampered = sealed.clone();
        let last = tampered.len() - 1;
        tampered[last] ^= 1;
        assert!(matches!(k.open(&tampered, "board/a#key-1"), Err(KeystoreError::Corrupt)));
        assert!(matches!(
            MasterKey::generate().open(&sealed, "board/a#key-1"),
            Err(KeystoreError::WrongMasterKey { .. })
        ));
        assert!(matches!(k.open(&[1, 2, 3], "x"), Err(KeystoreError::Corrupt)));
        assert_eq!(sealed_under(&sealed), Some(k.id()));
        assert!(!format!("{k:?}").contains(&*k.to_base64()));
    }

    #[test]
    fn key_file_is_created_private_and_reloaded() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("master.key");
        let a = MasterKey::load_or_create(&path).expect("create");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777, 0o600);
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
            assert!(matches!(MasterKey::load_or_create(&path), Err(KeystoreError::Permissions(_))));
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        }
        let b = MasterKey::load_or_create(&path).expect("reload");
        assert_eq!(a.id(), b.id());
        assert!(MasterKey::from_base64("dG9vIHNob3J0").is_err());
    }
}
