//! A memo of status list signatures already checked: the caller may keep one across
//! verifications ([`VerifiedLists`]), so a warm verification does not check the same list's
//! signature again. Only the signature check is skipped: the issuer binding runs every time, and
//! the memo key covers the exact list bytes and the exact key that verified them.

use std::collections::HashMap;
use std::sync::Mutex;

use medcred_formats::jwt::VerifierKey;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// Lists whose signature verified, by [`memo_key`].
pub trait VerifiedLists: Send + Sync {
    /// The verified claims remembered under `key`.
    fn get(&self, key: &[u8; 32]) -> Option<Map<String, Value>>;
    /// Remember `claims` under `key`.
    fn put(&self, key: [u8; 32], claims: Map<String, Value>);
}

/// SHA-256 over the verification method, the key (as its JWK) and the document, each
/// length-prefixed.
pub(crate) fn memo_key(document: &str, vm: &str, key: &VerifierKey) -> [u8; 32] {
    let mut h = Sha256::new();
    for part in [vm.as_bytes(), key.to_jwk().to_string().as_bytes(), document.as_bytes()] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part);
    }
    h.finalize().into()
}

/// A bounded in-memory [`VerifiedLists`] (cleared when it reaches its capacity).
#[derive(Debug)]
pub struct MemoryVerifiedLists {
    entries: Mutex<HashMap<[u8; 32], Map<String, Value>>>,
    capacity: usize,
}

impl MemoryVerifiedLists {
    /// A memo of at most `capacity` lists.
    pub fn new(capacity: usize) -> Self {
        Self { entries: Mutex::new(HashMap::new()), capacity }
    }
}

impl VerifiedLists for MemoryVerifiedLists {
    fn get(&self, key: &[u8; 32]) -> Option<Map<String, Value>> {
        self.entries.lock().ok()?.get(key).cloned()
    }

    fn put(&self, key: [u8; 32], claims: Map<String, Value>) {
        if let Ok(mut e) = self.entries.lock() {
            if e.len() >= self.capacity {
                e.clear();
            }
            e.insert(key, claims);
        }
    }
}
