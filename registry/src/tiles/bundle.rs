//! C2SP tlog-tiles §Log entries: entry bundle contents, a sequence of entries each preceded by
//! its length as a big-endian uint16. Entry `i` hashes (RFC 9162 leaf hash) to hash `i` of the
//! level-0 tile of the same index and width.

use super::coords::{EntriesTile, TILE_WIDTH};
use crate::merkle::Hash;

/// Largest entry an entry bundle can carry.
pub const MAX_ENTRY_SIZE: usize = u16::MAX as usize;

/// Why entries cannot be bundled, or bytes are not the bundle expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EntryBundleError {
    /// An entry is longer than [`MAX_ENTRY_SIZE`] (entries counted from 0).
    #[error("entry {entry} has {len} bytes, more than 65535")]
    EntryTooLarge {
        /// Position in the bundle.
        entry: usize,
        /// Its length.
        len: usize,
    },
    /// More entries than the bundle's width (at most 256).
    #[error("bundle has more than {0} entries")]
    TooManyEntries(u16),
    /// Fewer entries than the bundle's width.
    #[error("bundle has {actual} entries, expected {expected}")]
    TooFewEntries {
        /// The width.
        expected: u16,
        /// Entries found.
        actual: usize,
    },
    /// The bytes end inside a length prefix or an entry (entries counted from 0).
    #[error("bundle is truncated in entry {0}")]
    Truncated(usize),
}

/// Serializes up to 256 entries as a bundle.
pub fn encode_entry_bundle<'a>(entries: impl IntoIterator<Item = &'a [u8]>) -> Result<Vec<u8>, EntryBundleError> {
    let mut out = Vec::new();
    for (entry, data) in entries.into_iter().enumerate() {
        if entry >= usize::from(TILE_WIDTH) {
            return Err(EntryBundleError::TooManyEntries(TILE_WIDTH));
        }
        let len = u16::try_from(data.len()).map_err(|_| EntryBundleError::EntryTooLarge { entry, len: data.len() })?;
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(data);
    }
    Ok(out)
}

/// Splits the bundle `bundle` into exactly its `width` entries; nothing may follow the last.
pub fn parse_entry_bundle(bundle: EntriesTile, bytes: &[u8]) -> Result<Vec<&[u8]>, EntryBundleError> {
    let width = bundle.width();
    let mut entries = Vec::with_capacity(usize::from(width));
    let mut rest = bytes;
    while !rest.is_empty() {
        let entry = entries.len();
        if entry == usize::from(width) {
            return Err(EntryBundleError::TooManyEntries(width));
        }
        let (len, after) = match rest {
            [hi, lo, after @ ..] => (usize::from(u16::from_be_bytes([*hi, *lo])), after),
            _ => return Err(EntryBundleError::Truncated(entry)),
        };
        let data = after.get(..len).ok_or(EntryBundleError::Truncated(entry))?;
        entries.push(data);
        rest = after.get(len..).unwrap_or_default();
    }
    if entries.len() != usize::from(width) {
        return Err(EntryBundleError::TooFewEntries { expected: width, actual: entries.len() });
    }
    Ok(entries)
}

/// The RFC 9162 leaf hashes of a bundle's entries: the content of its level-0 tile.
pub fn entry_leaf_hashes(entries: &[&[u8]]) -> Vec<Hash> {
    entries.iter().map(|e| Hash::leaf(e)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_exact_width() {
        let entries: Vec<&[u8]> = vec![b"", b"a", &[7u8; 300]];
        let bytes = encode_entry_bundle(entries.iter().copied()).expect("small");
        assert_eq!(&bytes[..5], &[0, 0, 0, 1, b'a']);
        let tile = EntriesTile::new(0, 3).expect("valid");
        assert_eq!(parse_entry_bundle(tile, &bytes), Ok(entries.clone()));
        let narrow = EntriesTile::new(0, 2).expect("valid");
        assert_eq!(parse_entry_bundle(narrow, &bytes), Err(EntryBundleError::TooManyEntries(2)));
        let wide = EntriesTile::new(0, 4).expect("valid");
        assert_eq!(parse_entry_bundle(wide, &bytes), Err(EntryBundleError::TooFewEntries { expected: 4, actual: 3 }));
        assert_eq!(entry_leaf_hashes(&entries)[1], Hash::leaf(b"a"));
    }

    #[test]
    fn truncations_and_limits() {
        let bytes = encode_entry_bundle([&b"abc"[..], b"de"]).expect("small");
        let tile = EntriesTile::new(0, 2).expect("valid");
        for cut in 0..bytes.len() {
            let got = parse_entry_bundle(tile, &bytes[..cut]);
            assert!(got.is_err(), "cut at {cut}");
        }
        let big = vec![0u8; MAX_ENTRY_SIZE + 1];
        assert_eq!(encode_entry_bundle([&big[..]]), Err(EntryBundleError::EntryTooLarge { entry: 0, len: 65_536 }));
        let many = vec![&b"x"[..]; 257];
        assert_eq!(encode_entry_bundle(many), Err(EntryBundleError::TooManyEntries(256)));
    }
}
