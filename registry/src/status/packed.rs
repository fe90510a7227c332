//! Packed status entries in a byte array, in either bit order: W3C Bitstring Status List v1.0 §2.2
//! (index 0 is the left-most, most significant bit of byte 0) or IETF Token Status List §4 (index 0
//! is the least significant bit of byte 0).

use super::size::StatusSize;

/// Where entry 0 sits inside byte 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum BitOrder {
    /// W3C Bitstring Status List: the most significant bit first. A multi-bit entry reads as a
    /// big-endian number, left to right.
    MsbFirst,
    /// IETF Token Status List: the least significant bit first.
    LsbFirst,
}

/// Number of entries of `size` bits in `len` bytes.
pub(super) fn entries(len: usize, size: StatusSize) -> u64 {
    // usize fits in u64 on every supported target; saturate rather than panic.
    u64::try_from(len).unwrap_or(u64::MAX).saturating_mul(u64::from(size.per_byte()))
}

/// The byte offset of entry `index` and the right shift that brings it to the low bits, or `None`
/// when `index` is beyond `len` bytes.
fn locate(len: usize, order: BitOrder, size: StatusSize, index: u64) -> Option<(usize, u32)> {
    let per_byte = u64::from(size.per_byte());
    let byte = usize::try_from(index / per_byte).ok().filter(|&b| b < len)?;
    // `slot` < per_byte ≤ 8, so the casts below cannot truncate.
    let slot = (index % per_byte) as u32;
    let bits = u32::from(size.bits());
    let shift = match order {
        BitOrder::MsbFirst => 8 - bits * (slot + 1),
        BitOrder::LsbFirst => bits * slot,
    };
    Some((byte, shift))
}

/// Entry `index`, or `None` when out of range.
pub(super) fn get(bytes: &[u8], order: BitOrder, size: StatusSize, index: u64) -> Option<u8> {
    let (byte, shift) = locate(bytes.len(), order, size, index)?;
    Some((bytes[byte] >> shift) & size.max_value())
}

/// Store `value` (already checked to fit `size`) at `index`; `None` when out of range.
pub(super) fn set(bytes: &mut [u8], order: BitOrder, size: StatusSize, index: u64, value: u8) -> Option<()> {
    let (byte, shift) = locate(bytes.len(), order, size, index)?;
    let mask = size.max_value() << shift;
    bytes[byte] = (bytes[byte] & !mask) | ((value << shift) & mask);
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn msb_first_one_bit() {
        let mut b = [0u8; 2];
        set(&mut b, BitOrder::MsbFirst, StatusSize::One, 0, 1).expect("in range");
        set(&mut b, BitOrder::MsbFirst, StatusSize::One, 9, 1).expect("in range");
        assert_eq!(b, [0b1000_0000, 0b0100_0000]);
        assert_eq!(get(&b, BitOrder::MsbFirst, StatusSize::One, 0), Some(1));
        assert_eq!(get(&b, BitOrder::MsbFirst, StatusSize::One, 1), Some(0));
        assert_eq!(get(&b, BitOrder::MsbFirst, StatusSize::One, 16), None);
        assert_eq!(set(&mut b, BitOrder::MsbFirst, StatusSize::One, 16, 1), None);
    }

    #[test]
    fn lsb_first_one_bit() {
        let mut b = [0u8; 2];
        set(&mut b, BitOrder::LsbFirst, StatusSize::One, 0, 1).expect("in range");
        set(&mut b, BitOrder::LsbFirst, StatusSize::One, 9, 1).expect("in range");
        assert_eq!(b, [0b0000_0001, 0b0000_0010]);
    }

    #[test]
    fn multi_bit_entries_do_not_disturb_neighbours() {
        for order in [BitOrder::MsbFirst, BitOrder::LsbFirst] {
            for size in [StatusSize::Two, StatusSize::Four, StatusSize::Eight] {
                let mut b = [0u8; 4];
                let n = entries(b.len(), size);
                for i in 0..n {
                    let v = (i as u8).wrapping_mul(7) & size.max_value();
                    set(&mut b, order, size, i, v).expect("in range");
                }
                for i in 0..n {
                    let v = (i as u8).wrapping_mul(7) & size.max_value();
                    assert_eq!(get(&b, order, size, i), Some(v), "{order:?} {size} {i}");
                }
                assert_eq!(get(&b, order, size, n), None);
            }
        }
    }

    #[test]
    fn msb_first_two_bits_read_big_endian() {
        let mut b = [0u8; 1];
        set(&mut b, BitOrder::MsbFirst, StatusSize::Two, 0, 0b01).expect("in range");
        set(&mut b, BitOrder::MsbFirst, StatusSize::Two, 3, 0b10).expect("in range");
        assert_eq!(b, [0b0100_0010]);
    }

    #[test]
    fn huge_indexes_are_out_of_range() {
        let b = [0u8; 2];
        for size in [StatusSize::One, StatusSize::Eight] {
            assert_eq!(get(&b, BitOrder::MsbFirst, size, u64::MAX), None);
        }
    }
}
