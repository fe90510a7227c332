//! W3C Bitstring Status List v1.0 §2.2 (`encodedList`), §3.2 (validate) and §3.3–3.4 (bitstring
//! generation and expansion): the status bitstring and its multibase-base64url-GZIP encoding.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

use super::compress::{self, CompressError, Container, InflateError, MAX_COMPRESSED, MAX_DECOMPRESSED};
use super::packed::{self, BitOrder};
use super::size::StatusSize;

/// Smallest list: 131,072 entries (§3.2 `minimumNumberOfEntries`; 16 KiB of one-bit entries).
pub const MIN_ENTRIES: u64 = 131_072;

/// The multibase prefix of base64url without padding.
const MULTIBASE_BASE64URL: char = 'u';

/// A status bitstring of entries of [`StatusSize`] bits each. Entry 0 is the left-most, most
/// significant bit of byte 0 (§2.2); a multi-bit entry reads as a big-endian number.
///
/// Always holds at least [`MIN_ENTRIES`] entries and at most [`MAX_DECOMPRESSED`] bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct BitstringStatusList {
    bytes: Vec<u8>,
    size: StatusSize,
}

/// A bitstring could not be made or changed as asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BitstringError {
    /// Fewer entries than [`MIN_ENTRIES`] (§3.2 `STATUS_LIST_LENGTH_ERROR`).
    #[error("status list has {entries} entries, fewer than the minimum {MIN_ENTRIES}")]
    TooShort {
        /// Entries the list would have.
        entries: u64,
    },
    /// More than [`MAX_DECOMPRESSED`] bytes.
    #[error("status list would be larger than {MAX_DECOMPRESSED} bytes")]
    TooLarge,
    /// The index is not below the number of entries (§3.2 `RANGE_ERROR`).
    #[error("status index {index} is not below the list length {len}")]
    IndexOutOfRange {
        /// The index asked for.
        index: u64,
        /// Entries in the list.
        len: u64,
    },
    /// The value does not fit in an entry.
    #[error("status value {value} does not fit in {size} bits")]
    ValueOutOfRange {
        /// The value given.
        value: u8,
        /// Bits per entry.
        size: StatusSize,
    },
}

/// An `encodedList` could not be decoded (§3.4 Bitstring Expansion Algorithm).
#[derive(Debug, thiserror::Error)]
pub enum DecodeListError {
    /// The value does not start with the multibase prefix `u` (base64url, no padding).
    #[error("encodedList must start with the multibase prefix 'u'")]
    Multibase,
    /// The text after `u` is not canonical base64url without padding.
    #[error("encodedList is not valid base64url without padding")]
    Base64,
    /// Decompression failed or hit a limit.
    #[error(transparent)]
    Inflate(#[from] InflateError),
    /// The expanded bitstring is too short or too long.
    #[error(transparent)]
    Length(BitstringError),
}

impl BitstringStatusList {
    /// An all-zero list of at least `entries` entries (rounded up to whole bytes).
    pub fn new(entries: u64, size: StatusSize) -> Result<Self, BitstringError> {
        if entries < MIN_ENTRIES {
            return Err(BitstringError::TooShort { entries });
        }
        let per_byte = u64::from(size.per_byte());
        let len = usize::try_from(entries.div_ceil(per_byte)).map_err(|_| BitstringError::TooLarge)?;
        if len > MAX_DECOMPRESSED {
            return Err(BitstringError::TooLarge);
        }
        Ok(BitstringStatusList { bytes: vec![0; len], size })
    }

    /// An all-zero list of the minimum length, [`MIN_ENTRIES`] entries.
    pub fn with_min_entries(size: StatusSize) -> Self {
        let len = (MIN_ENTRIES / u64::from(size.per_byte())) as usize;
        BitstringStatusList { bytes: vec![0; len], size }
    }

    /// A list over raw bitstring bytes (as stored), checking the length limits.
    pub fn from_bytes(bytes: Vec<u8>, size: StatusSize) -> Result<Self, BitstringError> {
        if bytes.len() > MAX_DECOMPRESSED {
            return Err(BitstringError::TooLarge);
        }
        let entries = packed::entries(bytes.len(), size);
        if entries < MIN_ENTRIES {
            return Err(BitstringError::TooShort { entries });
        }
        Ok(BitstringStatusList { bytes, size })
    }

    /// Number of entries.
    pub fn len(&self) -> u64 {
        packed::entries(self.bytes.len(), self.size)
    }

    /// Always `false`: a list has at least [`MIN_ENTRIES`] entries.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// Bits per entry.
    pub fn status_size(&self) -> StatusSize {
        self.size
    }

    /// The raw bitstring (what the ledger snapshot hashes).
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The raw bitstring, consuming the list.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    /// The status value at `index`.
    pub fn get(&self, index: u64) -> Result<u8, BitstringError> {
        packed::get(&self.bytes, BitOrder::MsbFirst, self.size, index)
            .ok_or(BitstringError::IndexOutOfRange { index, len: self.len() })
    }

    /// Set the status value at `index`.
    pub fn set(&mut self, index: u64, value: u8) -> Result<(), BitstringError> {
        if value > self.size.max_value() {
            return Err(BitstringError::ValueOutOfRange { value, size: self.size });
        }
        let len = self.len();
        packed::set(&mut self.bytes, BitOrder::MsbFirst, self.size, index, value)
            .ok_or(BitstringError::IndexOutOfRange { index, len })
    }

    /// The `encodedList` value: `u` + base64url (no padding) of the GZIP-compressed bitstring
    /// (§3.3). Deterministic: the GZIP header carries no time or file name.
    pub fn encode_list(&self) -> Result<String, CompressError> {
        let gz = compress::compress(Container::Gzip, &self.bytes)?;
        let mut out = String::with_capacity(1 + gz.len().div_ceil(3) * 4);
        out.push(MULTIBASE_BASE64URL);
        URL_SAFE_NO_PAD.encode_string(&gz, &mut out);
        Ok(out)
    }

    /// Decode an `encodedList` whose entries are `size` bits (§3.4): at most [`MAX_COMPRESSED`]
    /// (1 MiB) compressed, [`MAX_DECOMPRESSED`] (16 MiB) expanded, exactly one GZIP member, and at
    /// least [`MIN_ENTRIES`] entries.
    pub fn decode_list(encoded: &str, size: StatusSize) -> Result<Self, DecodeListError> {
        let b64 = encoded.strip_prefix(MULTIBASE_BASE64URL).ok_or(DecodeListError::Multibase)?;
        // Refuse before allocating: 4 characters per 3 bytes.
        if b64.len() > MAX_COMPRESSED.div_ceil(3) * 4 {
            return Err(InflateError::CompressedTooLarge.into());
        }
        let gz = URL_SAFE_NO_PAD.decode(b64).map_err(|_| DecodeListError::Base64)?;
        let bytes = compress::decompress(Container::Gzip, &gz)?;
        BitstringStatusList::from_bytes(bytes, size).map_err(DecodeListError::Length)
    }
}

impl std::fmt::Debug for BitstringStatusList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let set = self.bytes.iter().map(|b| b.count_ones() as u64).sum::<u64>();
        f.debug_struct("BitstringStatusList")
            .field("entries", &self.len())
            .field("status_size", &self.size)
            .field("bits_set", &set)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// W3C Bitstring Status List v1.0 (Recommendation, 15 May 2025), Example 3: an all-zero list
    /// of 131,072 entries.
    const SPEC_EXAMPLE: &str = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA";

    #[test]
    fn decodes_the_spec_example() {
        let list = BitstringStatusList::decode_list(SPEC_EXAMPLE, StatusSize::One).expect("spec example");
        assert_eq!(list.len(), MIN_ENTRIES);
        assert_eq!(list.as_bytes().len(), 16 * 1024);
        assert!(list.as_bytes().iter().all(|&b| b == 0));
        assert_eq!(list.get(0), Ok(0));
        assert_eq!(list.get(MIN_ENTRIES - 1), Ok(0));
        assert_eq!(
            list.get(MIN_ENTRIES),
            Err(BitstringError::IndexOutOfRange { index: MIN_ENTRIES, len: MIN_ENTRIES })
        );
        // Re-encoding decodes to the same bits (our GZIP bytes may differ from the example's).
        let ours = list.encode_list().expect("in memory");
        assert!(ours.starts_with("uH4sI"));
        assert_eq!(BitstringStatusList::decode_list(&ours, StatusSize::One).expect("ours"), list);
    }

    #[test]
    fn index_zero_is_the_leftmost_bit() {
        let mut list = BitstringStatusList::with_min_entries(StatusSize::One);
        list.set(0, 1).expect("in range");
        list.set(9, 1).expect("in range");
        list.set(MIN_ENTRIES - 1, 1).expect("in range");
        assert_eq!(list.as_bytes()[0], 0b1000_0000);
        assert_eq!(list.as_bytes()[1], 0b0100_0000);
        assert_eq!(list.as_bytes()[16 * 1024 - 1], 0b0000_0001);
        list.set(0, 0).expect("in range");
        assert_eq!(list.get(0), Ok(0));
        assert_eq!(list.get(9), Ok(1));
    }

    #[test]
    fn round_trips_every_size() {
        for size in [StatusSize::One, StatusSize::Two, StatusSize::Four, StatusSize::Eight] {
            let mut list = BitstringStatusList::new(MIN_ENTRIES, size).expect("valid");
            assert_eq!(list.len(), MIN_ENTRIES);
            for i in (0..MIN_ENTRIES).step_by(997) {
                list.set(i, (i % 251) as u8 & size.max_value()).expect("in range");
            }
            let encoded = list.encode_list().expect("in memory");
            assert_eq!(list.encode_list().expect("in memory"), encoded, "deterministic");
            let back = BitstringStatusList::decode_list(&encoded, size).expect("round trip");
            assert_eq!(back, list);
            for i in (0..MIN_ENTRIES).step_by(997) {
                assert_eq!(back.get(i), Ok((i % 251) as u8 & size.max_value()));
            }
        }
    }

    #[test]
    fn construction_limits() {
        assert_eq!(
            BitstringStatusList::new(MIN_ENTRIES - 1, StatusSize::One),
            Err(BitstringError::TooShort { entries: MIN_ENTRIES - 1 })
        );
        assert_eq!(BitstringStatusList::new(u64::MAX, StatusSize::One), Err(BitstringError::TooLarge));
        let max = BitstringStatusList::new(MAX_DECOMPRESSED as u64 * 8, StatusSize::One).expect("at limit");
        assert_eq!(max.as_bytes().len(), MAX_DECOMPRESSED);
        // Rounded up to whole bytes.
        assert_eq!(BitstringStatusList::new(MIN_ENTRIES + 3, StatusSize::One).expect("valid").len(), MIN_ENTRIES + 8);
        assert!(matches!(
            BitstringStatusList::from_bytes(vec![0; 16 * 1024 - 1], StatusSize::One),
            Err(BitstringError::TooShort { .. })
        ));
        assert!(BitstringStatusList::from_bytes(vec![0; 32 * 1024], StatusSize::Two).is_ok());
        assert!(matches!(
            BitstringStatusList::from_bytes(vec![0; 16 * 1024], StatusSize::Two),
            Err(BitstringError::TooShort { entries: 65_536 })
        ));
    }

    #[test]
    fn value_and_index_errors() {
        let mut list = BitstringStatusList::with_min_entries(StatusSize::One);
        assert_eq!(list.set(0, 2), Err(BitstringError::ValueOutOfRange { value: 2, size: StatusSize::One }));
        assert_eq!(list.set(u64::MAX, 1), Err(BitstringError::IndexOutOfRange { index: u64::MAX, len: MIN_ENTRIES }));
        assert!(list.get(u64::MAX).is_err());
    }

    #[test]
    fn hostile_encoded_lists_are_typed_errors() {
        let short = {
            let gz = compress::compress(Container::Gzip, &[0u8; 100]).expect("in memory");
            format!("u{}", URL_SAFE_NO_PAD.encode(gz))
        };
        assert!(matches!(
            BitstringStatusList::decode_list(&short, StatusSize::One),
            Err(DecodeListError::Length(BitstringError::TooShort { entries: 800 }))
        ));
        assert!(matches!(
            BitstringStatusList::decode_list(&SPEC_EXAMPLE[1..], StatusSize::One),
            Err(DecodeListError::Multibase)
        ));
        let base64_with_prefix = format!("m{}", &SPEC_EXAMPLE[1..]);
        assert!(matches!(
            BitstringStatusList::decode_list(&base64_with_prefix, StatusSize::One),
            Err(DecodeListError::Multibase)
        ));
        for bad in ["u", "u!!!!", "uH4sI=", "uH4sIAAAAAAAAA+3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"] {
            assert!(BitstringStatusList::decode_list(bad, StatusSize::One).is_err(), "{bad}");
        }
        let huge = format!("u{}", "A".repeat(MAX_COMPRESSED / 3 * 4 + 8));
        assert!(matches!(
            BitstringStatusList::decode_list(&huge, StatusSize::One),
            Err(DecodeListError::Inflate(InflateError::CompressedTooLarge))
        ));
        let bomb = {
            let gz = compress::compress(Container::Gzip, &vec![0u8; MAX_DECOMPRESSED + 1]).expect("in memory");
            format!("u{}", URL_SAFE_NO_PAD.encode(gz))
        };
        assert!(matches!(
            BitstringStatusList::decode_list(&bomb, StatusSize::One),
            Err(DecodeListError::Inflate(InflateError::DecompressedTooLarge))
        ));
    }
}
