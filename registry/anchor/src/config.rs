//! Where and as whom to anchor: [`ChainConfig`] and the secret [`SignerKey`] (prints `[redacted]`).

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use alloy::primitives::Address;
use alloy::signers::local::PrivateKeySigner;
use zeroize::Zeroizing;

use crate::error::AnchorError;

/// How long [`anchor`](crate::anchor) waits for the receipt unless configured otherwise.
pub const DEFAULT_RECEIPT_TIMEOUT: Duration = Duration::from_secs(120);

/// The secp256k1 secret key that signs anchor transactions. `Debug` prints `[redacted]`; the key
/// material is zeroized on drop (by `k256`).
#[derive(Clone)]
pub struct SignerKey(PrivateKeySigner);

impl SignerKey {
    /// The key from its 32 raw bytes.
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<Self, AnchorError> {
        PrivateKeySigner::from_slice(bytes)
            .map(Self)
            .map_err(|_| AnchorError::BadConfig("signer key is not a valid secp256k1 secret key".into()))
    }

    /// The Ethereum address of this key.
    pub fn address(&self) -> Address {
        self.0.address()
    }

    pub(crate) fn signer(&self) -> PrivateKeySigner {
        self.0.clone()
    }
}

/// Parses 64 hex digits, with or without a `0x` prefix.
impl FromStr for SignerKey {
    type Err = AnchorError;

    fn from_str(s: &str) -> Result<Self, AnchorError> {
        let digits = s.trim().strip_prefix("0x").unwrap_or(s.trim());
        let mut bytes = Zeroizing::new([0u8; 32]);
        hex::decode_to_slice(digits, bytes.as_mut())
            .map_err(|_| AnchorError::BadConfig("signer key must be 32 bytes as 64 hex digits".into()))?;
        Self::from_bytes(&bytes)
    }
}

impl fmt::Debug for SignerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SignerKey([redacted])")
    }
}

/// The chain to anchor on and the account that pays for it.
#[derive(Clone, Debug)]
pub struct ChainConfig {
    /// JSON-RPC URL of an EVM node (`http://` or `https://`).
    pub rpc_url: String,
    /// The chain id to insist on; `None` accepts whatever the node reports.
    pub chain_id: Option<u64>,
    /// The account that signs and pays for anchor transactions.
    pub signer: SignerKey,
    /// Recipient of the (0-value) anchor transactions; `None` sends them to the signer's own address.
    pub to: Option<Address>,
    /// How long to wait for the anchor transaction's receipt.
    pub receipt_timeout: Duration,
}

impl ChainConfig {
    /// A configuration with no chain id check, self-addressed transactions and the default timeout.
    pub fn new(rpc_url: impl Into<String>, signer: SignerKey) -> Self {
        Self { rpc_url: rpc_url.into(), chain_id: None, signer, to: None, receipt_timeout: DEFAULT_RECEIPT_TIMEOUT }
    }

    /// The address anchor transactions go to.
    pub fn recipient(&self) -> Address {
        self.to.unwrap_or_else(|| self.signer.address())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    // Anvil's first well-known dev key and its address.
    const DEV_KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
    const DEV_ADDRESS: &str = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

    #[test]
    fn parses_hex_keys_and_derives_the_address() {
        let key: SignerKey = DEV_KEY.parse().unwrap();
        assert_eq!(key.address(), DEV_ADDRESS.parse::<Address>().unwrap());
        let bare: SignerKey = DEV_KEY.trim_start_matches("0x").parse().unwrap();
        assert_eq!(bare.address(), key.address());
    }

    #[test]
    fn rejects_bad_keys() {
        for bad in ["", "0x", "zz", &DEV_KEY[..64], &format!("{DEV_KEY}00"), &format!("0x{}", "00".repeat(32))] {
            assert!(matches!(bad.parse::<SignerKey>(), Err(AnchorError::BadConfig(_))), "{bad}");
        }
    }

    #[test]
    fn debug_redacts_the_key() {
        let config = ChainConfig::new("http://127.0.0.1:8545", DEV_KEY.parse().unwrap());
        let printed = format!("{config:?}");
        assert!(printed.contains("[redacted]"), "{printed}");
        assert!(!printed.to_lowercase().contains("ac0974bec39a"), "{printed}");
        assert_eq!(config.recipient(), DEV_ADDRESS.parse::<Address>().unwrap());
    }
}
