//! Random status index allocation for herd privacy (W3C Bitstring Status List v1.0 §2.1
//! `statusListIndex`: "Implementations SHOULD assign indexes randomly", and §6.2 group privacy).
//!
//! The index is drawn **uniformly among the free indexes** of a list, however full it is:
//! up to [`MAX_PROBES`] uniform probes over the whole list (each hit on a free index is uniform
//! among free indexes), then, if all probes hit used indexes, an exact fallback that draws `r`
//! uniformly below the free count and takes the `r`-th free index. A mixture of two uniform
//! choices is uniform, so nothing about an index reveals when it was issued. A "random start then
//! scan forward" fallback would not be: it favours indexes just after long used runs.
//!
//! Indexes are never given back: a revoked credential's index must not be reused, so there is no
//! "release". When a list is full the caller opens a new list.

use rand::{Rng as _, RngCore};

use super::compress::MAX_DECOMPRESSED;

/// Uniform probes tried before the exact scan. With a fraction `f` of the list free, the scan runs
/// with probability `(1 - f)^MAX_PROBES` (≈ 3% at 90% full).
pub const MAX_PROBES: u32 = 32;

/// Longest list an [`AllocationMap`] covers: a 16 MiB one-bit list (the decompression limit).
pub const MAX_MAP_ENTRIES: u64 = (MAX_DECOMPRESSED as u64) * 8;

/// Pick a uniformly random free index in `0..len`, asking `is_used` about candidates; `None` when
/// the list is full.
///
/// `used_count` is the number of used indexes (a database keeps it with the list). It makes the
/// fallback a single pass; if it is wrong the answer is still never a used index, only less
/// uniform. For an in-memory list use [`AllocationMap`], whose fallback is word-at-a-time.
pub fn pick_free_index<R: RngCore + ?Sized>(
    len: u64,
    used_count: u64,
    mut is_used: impl FnMut(u64) -> bool,
    rng: &mut R,
) -> Option<u64> {
    if used_count >= len {
        return None;
    }
    for _ in 0..MAX_PROBES {
        let candidate = rng.gen_range(0..len);
        if !is_used(candidate) {
            return Some(candidate);
        }
    }
    let mut rank = rng.gen_range(0..len - used_count);
    let mut first_free = None;
    for index in 0..len {
        if !is_used(index) {
            if rank == 0 {
                return Some(index);
            }
            rank -= 1;
            first_free.get_or_insert(index);
        }
    }
    // `used_count` was too high: fewer free indexes than promised.
    first_free
}

/// Which indexes of one list are allocated: a bitmap in the same layout as a one-bit W3C bitstring
/// (index 0 is the most significant bit of byte 0), so a store can keep it as a 16 KiB blob next
/// to the list.
#[derive(Clone, PartialEq, Eq)]
pub struct AllocationMap {
    bits: Vec<u8>,
    len: u64,
    used: u64,
}

/// An allocation bitmap read from storage does not fit its list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AllocationMapError {
    /// The byte length is not `ceil(len / 8)`.
    #[error("allocation map has {actual} bytes, expected {expected}")]
    WrongLength {
        /// Bytes needed for the list length.
        expected: u64,
        /// Bytes given.
        actual: u64,
    },
    /// More entries than the largest list ([`MAX_MAP_ENTRIES`]).
    #[error("a list of {len} entries is longer than the largest list, {MAX_MAP_ENTRIES}")]
    TooLong {
        /// The length asked for.
        len: u64,
    },
    /// A bit past the end of the list is set.
    #[error("allocation map marks an index past the end of the list")]
    PaddingSet,
    /// The index is not below the list length.
    #[error("index {index} is not below the list length {len}")]
    IndexOutOfRange {
        /// The index given.
        index: u64,
        /// The list length.
        len: u64,
    },
}

impl AllocationMap {
    /// An empty map for a list of `len` entries.
    pub fn new(len: u64) -> Result<Self, AllocationMapError> {
        if len > MAX_MAP_ENTRIES {
            return Err(AllocationMapError::TooLong { len });
        }
        Ok(AllocationMap { bits: vec![0; len.div_ceil(8) as usize], len, used: 0 })
    }

    /// A map read from storage (see [`AllocationMap::as_bytes`]).
    pub fn from_bytes(len: u64, bits: Vec<u8>) -> Result<Self, AllocationMapError> {
        if len > MAX_MAP_ENTRIES {
            return Err(AllocationMapError::TooLong { len });
        }
        let expected = len.div_ceil(8);
        let actual = bits.len() as u64;
        if actual != expected {
            return Err(AllocationMapError::WrongLength { expected, actual });
        }
        let tail = (len % 8) as u32;
        if tail != 0 && bits.last().is_some_and(|last| last & (0xff >> tail) != 0) {
            return Err(AllocationMapError::PaddingSet);
        }
        let used = bits.iter().map(|b| u64::from(b.count_ones())).sum();
        Ok(AllocationMap { bits, len, used })
    }

    /// The bitmap to store.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bits
    }

    /// Entries in the list.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether the list has no entries at all.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Allocated indexes.
    pub fn used(&self) -> u64 {
        self.used
    }

    /// Free indexes.
    pub fn free(&self) -> u64 {
        self.len - self.used
    }

    /// Whether every index is allocated.
    pub fn is_full(&self) -> bool {
        self.used == self.len
    }

    /// Whether `index` is allocated (`false` past the end).
    pub fn is_used(&self, index: u64) -> bool {
        index < self.len && self.bits[(index / 8) as usize] & (0x80 >> (index % 8)) != 0
    }

    /// Mark `index` allocated (e.g. replaying a database); `Ok(false)` if it already was.
    pub fn mark_used(&mut self, index: u64) -> Result<bool, AllocationMapError> {
        if index >= self.len {
            return Err(AllocationMapError::IndexOutOfRange { index, len: self.len });
        }
        let byte = &mut self.bits[(index / 8) as usize];
        let mask = 0x80 >> (index % 8);
        if *byte & mask != 0 {
            return Ok(false);
        }
        *byte |= mask;
        self.used += 1;
        Ok(true)
    }

    /// Pick a uniformly random free index without allocating it; `None` when full.
    pub fn pick<R: RngCore + ?Sized>(&self, rng: &mut R) -> Option<u64> {
        if self.is_full() {
            return None;
        }
        for _ in 0..MAX_PROBES {
            let candidate = rng.gen_range(0..self.len);
            if !self.is_used(candidate) {
                return Some(candidate);
            }
        }
        self.nth_free(rng.gen_range(0..self.free()))
    }

    /// Pick a uniformly random free index and allocate it; `None` when full (open a new list).
    pub fn allocate<R: RngCore + ?Sized>(&mut self, rng: &mut R) -> Option<u64> {
        let index = self.pick(rng)?;
        self.mark_used(index).ok()?;
        Some(index)
    }

    /// The `rank`-th free index (0-based), counting a byte at a time.
    fn nth_free(&self, mut rank: u64) -> Option<u64> {
        for (i, &byte) in self.bits.iter().enumerate() {
            let start = i as u64 * 8;
            let valid = (self.len - start).min(8) as u32;
            // Free bits among the valid (high) bits of this byte.
            let free_bits = !byte & !(0xffu8.checked_shr(valid).unwrap_or(0));
            let free = u64::from(free_bits.count_ones());
            if rank >= free {
                rank -= free;
                continue;
            }
            // The rank-th set bit of `free_bits`, from the most significant end.
            return (0..valid)
                .filter(|bit| free_bits & (0x80 >> bit) != 0)
                .nth(rank as usize)
                .map(|bit| start + u64::from(bit));
        }
        None
    }
}

impl std::fmt::Debug for AllocationMap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AllocationMap").field("len", &self.len).field("used", &self.used).finish()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use rand::rngs::StdRng;
    use rand::SeedableRng;

    use super::*;

    fn rng(seed: u64) -> StdRng {
        StdRng::seed_from_u64(seed)
    }

    /// Pearson's chi-square statistic of `counts` against a uniform expectation.
    fn chi_square(counts: &[u64]) -> f64 {
        let total: u64 = counts.iter().sum();
        let expected = total as f64 / counts.len() as f64;
        counts.iter().map(|&c| (c as f64 - expected).powi(2) / expected).sum()
    }

    /// A loose upper bound for chi-square with `df` degrees of freedom: mean + 6 standard
    /// deviations (the fixed seeds make the tests deterministic; the bound only says "uniform").
    fn bound(df: usize) -> f64 {
        df as f64 + 6.0 * (2.0 * df as f64).sqrt()
    }

    #[test]
    fn allocates_every_index_once_then_reports_full() {
        let mut map = AllocationMap::new(1000).expect("small");
        let mut r = rng(1);
        let mut seen = BTreeSet::new();
        while let Some(i) = map.allocate(&mut r) {
            assert!(i < 1000);
            assert!(seen.insert(i), "index {i} given twice");
        }
        assert_eq!(seen.len(), 1000);
        assert!(map.is_full());
        assert_eq!(map.allocate(&mut r), None);
        assert_eq!(map.pick(&mut r), None);
    }

    #[test]
    fn never_returns_a_used_index_at_any_fill() {
        let mut r = rng(2);
        let len = 4099; // not a multiple of 8: the tail byte has padding bits
        let mut map = AllocationMap::new(len).expect("small");
        for round in 0..len {
            let i = map.pick(&mut r).expect("not full");
            assert!(!map.is_used(i), "round {round}");
            let j = pick_free_index(len, map.used(), |k| map.is_used(k), &mut r).expect("not full");
            assert!(!map.is_used(j), "round {round}");
            assert_eq!(map.mark_used(i), Ok(true));
        }
        assert_eq!(map.pick(&mut r), None);
        assert_eq!(pick_free_index(len, map.used(), |k| map.is_used(k), &mut r), None);
    }

    #[test]
    fn uniform_over_buckets_when_sparse() {
        // A 131,072-entry list, a fixed used set covering the first quarter; draws without marking.
        let len = 131_072u64;
        let mut map = AllocationMap::new(len).expect("small");
        for i in (0..len / 4).step_by(3) {
            map.mark_used(i).expect("in range");
        }
        let mut r = rng(3);
        let buckets = 64usize;
        // Free indexes per bucket differ (the first quarter is a third used), so weight by them.
        let mut free_per_bucket = vec![0u64; buckets];
        for i in 0..len {
            if !map.is_used(i) {
                free_per_bucket[(i * buckets as u64 / len) as usize] += 1;
            }
        }
        let draws = 200_000u64;
        let mut counts = vec![0u64; buckets];
        for _ in 0..draws {
            let i = map.pick(&mut r).expect("not full");
            counts[(i * buckets as u64 / len) as usize] += 1;
        }
        let free = map.free() as f64;
        let chi: f64 = counts
            .iter()
            .zip(&free_per_bucket)
            .map(|(&c, &f)| {
                let e = draws as f64 * f as f64 / free;
                (c as f64 - e).powi(2) / e
            })
            .sum();
        assert!(chi < bound(buckets - 1), "chi-square {chi}");
    }

    #[test]
    fn uniform_over_free_indexes_when_nearly_full() {
        // 64 free indexes left out of 8192, clustered so that a random-start scan would be biased:
        // 32 right after one long used run, 32 spread evenly. Every pick takes the exact fallback
        // most of the time.
        let len = 8192u64;
        let mut free: Vec<u64> = (5000..5032).collect();
        free.extend((0..32).map(|k| k * 128 + 7));
        let mut map = AllocationMap::new(len).expect("small");
        for i in 0..len {
            if !free.contains(&i) {
                map.mark_used(i).expect("in range");
            }
        }
        assert_eq!(map.free(), 64);
        let mut r = rng(4);
        let per = 500u64;
        let mut counts = vec![0u64; free.len()];
        let mut counts_fn = vec![0u64; free.len()];
        for _ in 0..per * free.len() as u64 {
            let i = map.pick(&mut r).expect("not full");
            counts[free.iter().position(|&f| f == i).expect("a free index")] += 1;
            let j = pick_free_index(len, map.used(), |k| map.is_used(k), &mut r).expect("not full");
            counts_fn[free.iter().position(|&f| f == j).expect("a free index")] += 1;
        }
        assert!(chi_square(&counts) < bound(free.len() - 1), "map chi-square {}", chi_square(&counts));
        // The test has teeth: "random start, scan forward" fails the same bound by far.
        let mut naive = vec![0u64; free.len()];
        for _ in 0..per * free.len() as u64 {
            let start = r.gen_range(0..len);
            let i = (0..len).map(|k| (start + k) % len).find(|&k| !map.is_used(k)).expect("not full");
            naive[free.iter().position(|&f| f == i).expect("a free index")] += 1;
        }
        assert!(chi_square(&naive) > 100.0 * bound(free.len() - 1), "naive chi-square {}", chi_square(&naive));
        assert!(chi_square(&counts_fn) < bound(free.len() - 1), "fn chi-square {}", chi_square(&counts_fn));
    }

    #[test]
    fn index_order_is_not_issuance_order() {
        let mut map = AllocationMap::new(131_072).expect("small");
        let mut r = rng(5);
        let issued: Vec<u64> = (0..2000).map(|_| map.allocate(&mut r).expect("not full")).collect();
        let ascending = issued.windows(2).filter(|w| w[0] < w[1]).count();
        // About half of consecutive pairs ascend for a random order; all would for sequential.
        assert!((900..1100).contains(&ascending), "{ascending} of 1999 ascend");
        assert!(issued.iter().any(|&i| i > 100_000), "spread over the whole list");
    }

    #[test]
    fn wrong_used_count_never_yields_a_used_index() {
        let len = 100u64;
        let used = |i: u64| i != 42; // one free index
        let mut r = rng(6);
        for claimed in [0u64, 50, 99] {
            assert_eq!(pick_free_index(len, claimed, used, &mut r), Some(42), "claimed {claimed}");
        }
        assert_eq!(pick_free_index(len, 100, used, &mut r), None, "caller says full");
        assert_eq!(pick_free_index(len, 0, |_| true, &mut r), None, "actually full");
        assert_eq!(pick_free_index(0, 0, |_| false, &mut r), None, "empty list");
    }

    #[test]
    fn storage_round_trip_and_checks() {
        let mut map = AllocationMap::new(20).expect("small");
        map.mark_used(0).expect("in range");
        map.mark_used(19).expect("in range");
        assert_eq!(map.mark_used(19), Ok(false));
        assert_eq!(map.mark_used(20), Err(AllocationMapError::IndexOutOfRange { index: 20, len: 20 }));
        assert_eq!(map.as_bytes(), &[0x80, 0x00, 0x10]);
        let back = AllocationMap::from_bytes(20, map.as_bytes().to_vec()).expect("valid");
        assert_eq!(back, map);
        assert_eq!(back.used(), 2);
        assert_eq!(
            AllocationMap::from_bytes(20, vec![0; 2]),
            Err(AllocationMapError::WrongLength { expected: 3, actual: 2 })
        );
        assert_eq!(AllocationMap::from_bytes(20, vec![0, 0, 0x08]), Err(AllocationMapError::PaddingSet));
        assert!(!map.is_used(u64::MAX));
        assert!(AllocationMap::new(0).expect("empty").pick(&mut rng(7)).is_none());
        assert_eq!(AllocationMap::new(u64::MAX), Err(AllocationMapError::TooLong { len: u64::MAX }));
        assert!(AllocationMap::new(MAX_MAP_ENTRIES).is_ok());
    }
}
