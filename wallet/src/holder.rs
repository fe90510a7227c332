//! What receiving needs of a wallet, wherever it keeps things: the holder key to bind credentials
//! to and a place to put what arrives. The CLI's [`crate::Wallet`] keeps both in a directory; the
//! browser wallet in the web app keeps them in the browser's storage.

use crate::error::WalletError;
use crate::key::HolderKey;
use crate::received::StoredCredential;

/// A holder: its key, and where received credentials go.
pub trait Holder {
    /// The key credentials are bound to.
    fn key(&self) -> &HolderKey;
    /// Keep a received credential (durably, before the caller reports success).
    fn add(&mut self, credential: StoredCredential) -> Result<(), WalletError>;
}

impl Holder for crate::Wallet {
    fn key(&self) -> &HolderKey {
        crate::Wallet::key(self)
    }

    fn add(&mut self, credential: StoredCredential) -> Result<(), WalletError> {
        crate::Wallet::add(self, credential)
    }
}
