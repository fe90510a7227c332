//! Bits per status entry: W3C Bitstring Status List v1.0 §2.1 `statusSize`, and IETF Token Status
//! List (draft-ietf-oauth-status-list) §4 `bits` — both limited here to 1, 2, 4 or 8.

use std::fmt;

/// Number of bits each status entry takes: 1, 2, 4 or 8.
///
/// Token Status List allows exactly these; Bitstring Status List allows any positive size, but
/// "conforming processors MAY choose to only support bitstring entry sizes of 1" (§1.3), and sizes
/// that divide a byte keep every entry inside one byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum StatusSize {
    /// One bit per entry (the default of both specifications).
    #[default]
    One,
    /// Two bits per entry.
    Two,
    /// Four bits per entry.
    Four,
    /// Eight bits per entry.
    Eight,
}

/// A `statusSize` / `bits` value other than 1, 2, 4 or 8.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("status size {0} is not supported (1, 2, 4 or 8 bits)")]
pub struct UnsupportedStatusSize(pub u64);

impl StatusSize {
    /// The number of bits per entry.
    pub const fn bits(self) -> u8 {
        match self {
            StatusSize::One => 1,
            StatusSize::Two => 2,
            StatusSize::Four => 4,
            StatusSize::Eight => 8,
        }
    }

    /// The largest value an entry can hold (`2^bits - 1`).
    pub const fn max_value(self) -> u8 {
        match self {
            StatusSize::One => 0x01,
            StatusSize::Two => 0x03,
            StatusSize::Four => 0x0f,
            StatusSize::Eight => 0xff,
        }
    }

    /// Number of entries that fit in one byte.
    pub const fn per_byte(self) -> u8 {
        8 / self.bits()
    }
}

impl TryFrom<u64> for StatusSize {
    type Error = UnsupportedStatusSize;

    fn try_from(bits: u64) -> Result<Self, Self::Error> {
        match bits {
            1 => Ok(StatusSize::One),
            2 => Ok(StatusSize::Two),
            4 => Ok(StatusSize::Four),
            8 => Ok(StatusSize::Eight),
            other => Err(UnsupportedStatusSize(other)),
        }
    }
}

impl From<StatusSize> for u8 {
    fn from(size: StatusSize) -> u8 {
        size.bits()
    }
}

impl fmt::Display for StatusSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.bits())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_round_trip_and_others_are_rejected() {
        for bits in [1u64, 2, 4, 8] {
            let size = StatusSize::try_from(bits).expect("supported");
            assert_eq!(u64::from(size.bits()), bits);
            assert_eq!(u32::from(size.max_value()), (1u32 << bits) - 1);
            assert_eq!(size.per_byte() * size.bits(), 8);
        }
        for bits in [0u64, 3, 5, 7, 16, u64::MAX] {
            assert_eq!(StatusSize::try_from(bits), Err(UnsupportedStatusSize(bits)));
        }
        assert_eq!(StatusSize::default(), StatusSize::One);
    }
}
