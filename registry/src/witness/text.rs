//! Line-level pieces shared by the C2SP tlog-witness and tlog-proof text formats: canonical ASCII
//! decimals and canonical standard base64 hashes.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;

use crate::merkle::Hash;

/// An ASCII decimal `u64` with no sign and no leading zeroes (unless it is `0`).
pub(crate) fn decimal(s: &str) -> Option<u64> {
    let canonical =
        !s.is_empty() && s.len() <= 20 && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'));
    canonical.then(|| s.parse().ok()).flatten()
}

/// A 32-byte hash in standard padded base64, in its one canonical spelling.
pub(crate) fn hash(s: &str) -> Option<Hash> {
    let h = Hash::from_base64(s).ok()?;
    (h.to_base64() == s).then_some(h)
}

/// Bytes in standard padded base64, in their one canonical spelling.
pub(crate) fn base64(s: &str) -> Option<Vec<u8>> {
    let bytes = B64.decode(s).ok()?;
    (B64.encode(&bytes) == s).then_some(bytes)
}

/// Standard padded base64.
pub(crate) fn to_base64(bytes: &[u8]) -> String {
    B64.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_canonical() {
        assert_eq!(decimal("0"), Some(0));
        assert_eq!(decimal("20852014"), Some(20_852_014));
        assert_eq!(decimal("18446744073709551615"), Some(u64::MAX));
        for bad in ["", "00", "01", "+1", "-1", " 1", "1 ", "1_000", "18446744073709551616", "１"] {
            assert_eq!(decimal(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn base64_is_canonical() {
        let h = Hash::leaf(b"x");
        assert_eq!(hash(&h.to_base64()), Some(h));
        let unpadded = h.to_base64().trim_end_matches('=').to_owned();
        assert_eq!(hash(&unpadded), None);
        assert_eq!(hash("AAAA"), None);
        assert_eq!(base64("YQ=="), Some(b"a".to_vec()));
        assert_eq!(base64("YR=="), None); // non-zero trailing bits
        assert_eq!(base64("YQ"), None);
        assert_eq!(base64(""), Some(Vec::new()));
    }
}
