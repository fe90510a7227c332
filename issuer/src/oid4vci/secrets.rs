//! The flow's secrets: offer references, pre-authorized codes, transaction codes, access tokens
//! and nonces — how they are made and how they are hashed for storage.
//!
//! The pre-authorized code is derived from the offer reference, so an offer can be served by
//! reference (`GET /oid4vci/offers/{reference}`) while the database keeps only hashes. The
//! transaction code is hashed together with the pre-authorized code: six digits alone could be
//! found from a stolen hash in a million tries, but not without the code, which is not stored.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::{Rng, RngCore};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// Digits in a transaction code.
pub const TX_CODE_DIGITS: usize = 6;
/// Prefix of access tokens (easy to spot in secret scanners; board tokens are `mcb_`).
pub const ACCESS_TOKEN_PREFIX: &str = "mca_";

/// 256 random bits, base64url.
pub fn random_secret() -> Zeroizing<String> {
    let mut raw = Zeroizing::new([0u8; 32]);
    rand::rngs::OsRng.fill_bytes(raw.as_mut());
    Zeroizing::new(URL_SAFE_NO_PAD.encode(raw.as_ref()))
}

/// A new access token.
pub fn access_token() -> Zeroizing<String> {
    Zeroizing::new(format!("{ACCESS_TOKEN_PREFIX}{}", *random_secret()))
}

/// A new transaction code: six uniformly random digits.
pub fn tx_code() -> Zeroizing<String> {
    let n: u32 = rand::rngs::OsRng.gen_range(0..1_000_000);
    Zeroizing::new(format!("{n:0width$}", width = TX_CODE_DIGITS))
}

/// Hex SHA-256 of a high-entropy secret (reference, code, token).
pub fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// The pre-authorized code of the offer with this reference.
pub fn pre_authorized_code(reference: &str) -> Zeroizing<String> {
    let d = Sha256::new().chain_update(b"medcred/oid4vci/pre-authorized-code/v1\0").chain_update(reference).finalize();
    Zeroizing::new(URL_SAFE_NO_PAD.encode(d))
}

/// The stored hash of a transaction code, bound to its pre-authorized code.
pub fn tx_code_hash(code: &str, tx_code: &str) -> String {
    let d = Sha256::new()
        .chain_update(b"medcred/oid4vci/tx-code/v1\0")
        .chain_update(code)
        .chain_update(b"\0")
        .chain_update(tx_code)
        .finalize();
    hex::encode(d)
}

/// Compare two hashes in constant time.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_fresh_and_codes_derive_stably() {
        let (a, b) = (random_secret(), random_secret());
        assert_ne!(*a, *b);
        assert_eq!(a.len(), 43);
        assert_eq!(*pre_authorized_code(&a), *pre_authorized_code(&a));
        assert_ne!(*pre_authorized_code(&a), *pre_authorized_code(&b));
        assert_ne!(*pre_authorized_code(&a), *a);
        assert!(access_token().starts_with(ACCESS_TOKEN_PREFIX));
        for _ in 0..50 {
            let t = tx_code();
            assert_eq!(t.len(), 6);
            assert!(t.bytes().all(|c| c.is_ascii_digit()));
        }
    }

    #[test]
    fn tx_code_hash_depends_on_the_code() {
        let h = tx_code_hash("code-a", "123456");
        assert!(same(&h, &tx_code_hash("code-a", "123456")));
        assert!(!same(&h, &tx_code_hash("code-b", "123456")));
        assert!(!same(&h, &tx_code_hash("code-a", "123457")));
        assert!(!same(&h, &h[1..]));
    }
}
