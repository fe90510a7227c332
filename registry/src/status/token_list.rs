//! IETF Token Status List (draft-ietf-oauth-status-list) §4 Status List and §4.2 its JSON form,
//! `{"bits": 1|2|4|8, "lst": base64url(ZLIB(bytes))}`.
//!
//! The bit order is NOT the W3C one: here index 0 is the **least** significant bit of byte 0 (§4:
//! "The bits within an array are counted from least significant bit "0" to the most significant
//! bit ("7")"). The same revocations produce different bytes in the two formats.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{json, Value};

use super::compress::{self, CompressError, Container, InflateError, MAX_COMPRESSED, MAX_DECOMPRESSED};
use super::packed::{self, BitOrder};
use super::size::{StatusSize, UnsupportedStatusSize};

/// Status Type values (§7.1).
pub mod token_status {
    /// 0x00 `VALID`.
    pub const VALID: u8 = 0x00;
    /// 0x01 `INVALID`: revoked, irreversible.
    pub const INVALID: u8 = 0x01;
    /// 0x02 `SUSPENDED`: temporarily invalid, reversible.
    pub const SUSPENDED: u8 = 0x02;
}

/// A Token Status List: entries of `bits` bits, index 0 in the least significant bit of byte 0.
/// Unlike the W3C list there is no minimum length; at most [`MAX_DECOMPRESSED`] bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenStatusList {
    bytes: Vec<u8>,
    bits: StatusSize,
}

/// A token status list could not be made or changed as asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenListError {
    /// More than [`MAX_DECOMPRESSED`] bytes.
    #[error("token status list would be larger than {MAX_DECOMPRESSED} bytes")]
    TooLarge,
    /// The index is not below the number of entries.
    #[error("status index {index} is not below the list length {len}")]
    IndexOutOfRange {
        /// The index asked for.
        index: u64,
        /// Entries in the list.
        len: u64,
    },
    /// The value does not fit in an entry.
    #[error("status value {value} does not fit in {bits} bits")]
    ValueOutOfRange {
        /// The value given.
        value: u8,
        /// Bits per entry.
        bits: StatusSize,
    },
}

/// Why a `status_list` JSON object could not be read.
#[derive(Debug, thiserror::Error)]
pub enum StatusListClaimError {
    /// `status_list` is not a JSON object.
    #[error("status_list is not a JSON object")]
    NotAnObject,
    /// `bits` or `lst` is absent.
    #[error("status_list has no {0}")]
    Missing(&'static str),
    /// `bits` is not an integer, or `lst` is not a string.
    #[error("status_list.{field} must be {expected}")]
    WrongJsonType {
        /// The member.
        field: &'static str,
        /// What it must be.
        expected: &'static str,
    },
    /// `bits` is not 1, 2, 4 or 8.
    #[error(transparent)]
    Bits(#[from] UnsupportedStatusSize),
    /// `lst` is not base64url without padding.
    #[error("status_list.lst is not valid base64url without padding")]
    Base64,
    /// Decompression failed or hit a limit.
    #[error(transparent)]
    Inflate(#[from] InflateError),
}

impl TokenStatusList {
    /// An all-`VALID` list of at least `entries` entries (rounded up to whole bytes).
    pub fn new(entries: u64, bits: StatusSize) -> Result<Self, TokenListError> {
        let len =
            usize::try_from(entries.div_ceil(u64::from(bits.per_byte()))).map_err(|_| TokenListError::TooLarge)?;
        if len > MAX_DECOMPRESSED {
            return Err(TokenListError::TooLarge);
        }
        Ok(TokenStatusList { bytes: vec![0; len], bits })
    }

    /// A list over raw bytes (as stored).
    pub fn from_bytes(bytes: Vec<u8>, bits: StatusSize) -> Result<Self, TokenListError> {
        if bytes.len() > MAX_DECOMPRESSED {
            return Err(TokenListError::TooLarge);
        }
        Ok(TokenStatusList { bytes, bits })
    }

    /// Number of entries.
    pub fn len(&self) -> u64 {
        packed::entries(self.bytes.len(), self.bits)
    }

    /// Whether the list has no entries.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// Bits per entry.
    pub fn bits(&self) -> StatusSize {
        self.bits
    }

    /// The raw byte array.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The status value at `index`.
    pub fn get(&self, index: u64) -> Result<u8, TokenListError> {
        packed::get(&self.bytes, BitOrder::LsbFirst, self.bits, index)
            .ok_or(TokenListError::IndexOutOfRange { index, len: self.len() })
    }

    /// Set the status value at `index`.
    pub fn set(&mut self, index: u64, value: u8) -> Result<(), TokenListError> {
        if value > self.bits.max_value() {
            return Err(TokenListError::ValueOutOfRange { value, bits: self.bits });
        }
        let len = self.len();
        packed::set(&mut self.bytes, BitOrder::LsbFirst, self.bits, index, value)
            .ok_or(TokenListError::IndexOutOfRange { index, len })
    }

    /// The `lst` value: base64url (no padding) of the ZLIB-compressed bytes, best compression.
    pub fn encode_lst(&self) -> Result<String, CompressError> {
        Ok(URL_SAFE_NO_PAD.encode(compress::compress(Container::Zlib, &self.bytes)?))
    }

    /// The `status_list` JSON object (§4.2).
    pub fn to_json(&self) -> Result<Value, CompressError> {
        Ok(json!({ "bits": self.bits.bits(), "lst": self.encode_lst()? }))
    }

    /// Read a `status_list` JSON object received from outside, within the decompression limits.
    /// Other members (such as `aggregation_uri`) are ignored.
    pub fn from_json(value: &Value) -> Result<Self, StatusListClaimError> {
        use StatusListClaimError as E;
        let obj = value.as_object().ok_or(E::NotAnObject)?;
        let bits = obj
            .get("bits")
            .ok_or(E::Missing("bits"))?
            .as_u64()
            .ok_or(E::WrongJsonType { field: "bits", expected: "an integer" })?;
        let bits = StatusSize::try_from(bits)?;
        let lst = obj
            .get("lst")
            .ok_or(E::Missing("lst"))?
            .as_str()
            .ok_or(E::WrongJsonType { field: "lst", expected: "a string" })?;
        if lst.len() > MAX_COMPRESSED.div_ceil(3) * 4 {
            return Err(InflateError::CompressedTooLarge.into());
        }
        let z = URL_SAFE_NO_PAD.decode(lst).map_err(|_| E::Base64)?;
        let bytes = compress::decompress(Container::Zlib, &z)?;
        // `decompress` caps the output at MAX_DECOMPRESSED, so this cannot fail.
        Ok(TokenStatusList { bytes, bits })
    }
}

impl std::fmt::Debug for TokenStatusList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenStatusList").field("entries", &self.len()).field("bits", &self.bits).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// draft-ietf-oauth-status-list §4.1: sixteen one-bit statuses, bytes `b9 a3`.
    const STATUS_1BIT: [u8; 16] = [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1];
    /// draft-ietf-oauth-status-list §4.1: twelve two-bit statuses, bytes `c9 44 f9`.
    const STATUS_2BIT: [u8; 12] = [1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3];

    fn from_values(values: &[u8], bits: StatusSize) -> TokenStatusList {
        let mut list = TokenStatusList::new(values.len() as u64, bits).expect("small");
        for (i, &v) in values.iter().enumerate() {
            list.set(i as u64, v).expect("in range");
        }
        list
    }

    #[test]
    fn one_bit_example_of_the_draft() {
        let list = from_values(&STATUS_1BIT, StatusSize::One);
        assert_eq!(list.as_bytes(), &[0xb9, 0xa3]);
        // The draft's lst (ZLIB at the highest level, as the draft recommends).
        assert_eq!(list.to_json().expect("in memory"), json!({"bits": 1, "lst": "eNrbuRgAAhcBXQ"}));
        let parsed = TokenStatusList::from_json(&json!({"bits": 1, "lst": "eNrbuRgAAhcBXQ"})).expect("draft example");
        assert_eq!(parsed, list);
        for (i, &v) in STATUS_1BIT.iter().enumerate() {
            assert_eq!(parsed.get(i as u64), Ok(v), "index {i}");
        }
        assert_eq!(parsed.get(16), Err(TokenListError::IndexOutOfRange { index: 16, len: 16 }));
    }

    #[test]
    fn two_bit_example_of_the_draft() {
        let list = from_values(&STATUS_2BIT, StatusSize::Two);
        assert_eq!(list.as_bytes(), &[0xc9, 0x44, 0xf9]);
        assert_eq!(list.to_json().expect("in memory"), json!({"bits": 2, "lst": "eNo76fITAAPfAgc"}));
        let parsed = TokenStatusList::from_json(&json!({"bits": 2, "lst": "eNo76fITAAPfAgc"})).expect("draft example");
        for (i, &v) in STATUS_2BIT.iter().enumerate() {
            assert_eq!(parsed.get(i as u64), Ok(v), "index {i}");
        }
    }

    #[test]
    fn round_trips_every_size() {
        for bits in [StatusSize::One, StatusSize::Two, StatusSize::Four, StatusSize::Eight] {
            let mut list = TokenStatusList::new(100_000, bits).expect("small");
            for i in (0..list.len()).step_by(101) {
                list.set(i, (i % 7) as u8 & bits.max_value()).expect("in range");
            }
            let back = TokenStatusList::from_json(&list.to_json().expect("in memory")).expect("round trip");
            assert_eq!(back, list);
            assert_eq!(back.bits(), bits);
        }
    }

    #[test]
    fn not_the_w3c_bit_order() {
        let mut list = TokenStatusList::new(8, StatusSize::One).expect("small");
        list.set(0, token_status::INVALID).expect("in range");
        assert_eq!(list.as_bytes(), &[0x01]);
    }

    #[test]
    fn limits_and_typed_errors() {
        assert_eq!(TokenStatusList::new(u64::MAX, StatusSize::One), Err(TokenListError::TooLarge));
        assert!(TokenStatusList::new(0, StatusSize::One).expect("empty").is_empty());
        let mut list = TokenStatusList::new(16, StatusSize::Two).expect("small");
        assert_eq!(list.set(0, 4), Err(TokenListError::ValueOutOfRange { value: 4, bits: StatusSize::Two }));
        assert!(list.set(16, 1).is_err());

        use StatusListClaimError as E;
        let parse = |v: Value| TokenStatusList::from_json(&v);
        assert!(matches!(parse(json!("x")), Err(E::NotAnObject)));
        assert!(matches!(parse(json!({"lst": "eNrbuRgAAhcBXQ"})), Err(E::Missing("bits"))));
        assert!(matches!(parse(json!({"bits": 1})), Err(E::Missing("lst"))));
        assert!(matches!(parse(json!({"bits": "1", "lst": "eNrbuRgAAhcBXQ"})), Err(E::WrongJsonType { .. })));
        assert!(matches!(parse(json!({"bits": 1.0, "lst": "eNrbuRgAAhcBXQ"})), Err(E::WrongJsonType { .. })));
        assert!(matches!(parse(json!({"bits": 3, "lst": "eNrbuRgAAhcBXQ"})), Err(E::Bits(UnsupportedStatusSize(3)))));
        assert!(matches!(parse(json!({"bits": 1, "lst": 5})), Err(E::WrongJsonType { .. })));
        assert!(matches!(parse(json!({"bits": 1, "lst": "eNrbuRgAAhcBXQ=="})), Err(E::Base64)));
        assert!(matches!(parse(json!({"bits": 1, "lst": "eNrbuRgAAhcBXQ+/"})), Err(E::Base64)));
        assert!(matches!(parse(json!({"bits": 1, "lst": "eNrbuRgAAhcB"})), Err(E::Inflate(_))));
        // W3C's GZIP is not ZLIB.
        assert!(matches!(
            parse(json!({"bits": 1, "lst": "H4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"})),
            Err(E::Inflate(_))
        ));
        let huge = "A".repeat(MAX_COMPRESSED / 3 * 4 + 8);
        assert!(matches!(parse(json!({"bits": 1, "lst": huge})), Err(E::Inflate(InflateError::CompressedTooLarge))));
        let bomb = URL_SAFE_NO_PAD
            .encode(compress::compress(Container::Zlib, &vec![0u8; MAX_DECOMPRESSED + 1]).expect("in memory"));
        assert!(matches!(parse(json!({"bits": 1, "lst": bomb})), Err(E::Inflate(InflateError::DecompressedTooLarge))));
        // Unknown members are ignored.
        assert!(parse(json!({"bits": 1, "lst": "eNrbuRgAAhcBXQ", "aggregation_uri": "https://x.example/a"})).is_ok());
    }
}
