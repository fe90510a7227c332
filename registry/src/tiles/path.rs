//! C2SP tlog-tiles §Merkle Tree and §Log entries resource paths: `tile/<L>/<N>[.p/<W>]` and
//! `tile/entries/<N>[.p/<W>]`, with `<N>` in 3-digit groups (`x001/x234/067`). Parsing is strict:
//! only the one canonical spelling of each tile is accepted.

use std::fmt;
use std::str::FromStr;

use super::coords::{EntriesTile, Tile, TileError, TILE_WIDTH};

/// Longest path [`TilePath::parse`] looks at; every canonical tile path is shorter.
pub const MAX_PATH_LEN: usize = 64;
/// Highest level the path grammar allows (`<L>` is 0 to 63).
const MAX_PATH_LEVEL: u8 = 63;
/// A `u64` has at most 20 decimal digits: 7 groups of 3.
const MAX_INDEX_GROUPS: usize = 7;

/// Why a path is not a canonical tile or entry bundle path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    /// The path is longer than [`MAX_PATH_LEN`].
    #[error("tile path has {0} bytes, more than any tile path")]
    TooLong(usize),
    /// The path does not start with `tile/`.
    #[error("path does not start with tile/")]
    Prefix,
    /// `<L>` is not a decimal 0 to 63 without leading zeroes.
    #[error("tile level is not a decimal 0 to 63 without leading zeroes")]
    Level,
    /// `<N>` is missing or one of its elements is not `xDDD` (all but the last) or `DDD` (the
    /// last); elements counted from 1.
    #[error("tile index element {0} is malformed")]
    IndexElement(usize),
    /// `<N>` starts with an `x000` element or has more elements than a 64-bit index needs.
    #[error("tile index is not in canonical form")]
    NonCanonicalIndex,
    /// `<N>` does not fit in 64 bits.
    #[error("tile index does not fit in 64 bits")]
    IndexOverflow,
    /// The `.p/<W>` suffix is malformed, or `<W>` is not a decimal 1 to 255 without leading
    /// zeroes.
    #[error("partial tile width is not a decimal 1 to 255 without leading zeroes")]
    Width,
    /// The path is well formed but names no tile of a tree of fewer than 2^64 leaves.
    #[error(transparent)]
    OutOfRange(#[from] TileError),
}

/// A parsed tile resource path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TilePath {
    /// `tile/<L>/<N>[.p/<W>]`: Merkle tree hashes.
    Hashes(Tile),
    /// `tile/entries/<N>[.p/<W>]`: an entry bundle.
    Entries(EntriesTile),
}

impl TilePath {
    /// Parses a path relative to the log prefix, without a leading slash. Accepts exactly the
    /// strings that [`TilePath`]'s `Display` produces.
    pub fn parse(path: &str) -> Result<TilePath, PathError> {
        if path.len() > MAX_PATH_LEN {
            return Err(PathError::TooLong(path.len()));
        }
        let rest = path.strip_prefix("tile/").ok_or(PathError::Prefix)?;
        let (level, rest) = match rest.strip_prefix("entries/") {
            Some(rest) => (None, rest),
            None => {
                let (level, rest) = rest.split_once('/').ok_or(PathError::Level)?;
                (Some(parse_level(level)?), rest)
            }
        };
        let (index, width) = match rest.split_once(".p/") {
            Some((index, width)) => (index, parse_width(width)?),
            None => (rest, TILE_WIDTH),
        };
        let index = parse_index(index)?;
        Ok(match level {
            Some(level) => TilePath::Hashes(Tile::new(level, index, width)?),
            None => TilePath::Entries(EntriesTile::new(index, width)?),
        })
    }
}

impl FromStr for TilePath {
    type Err = PathError;

    fn from_str(s: &str) -> Result<TilePath, PathError> {
        TilePath::parse(s)
    }
}

impl fmt::Display for TilePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TilePath::Hashes(t) => t.fmt(f),
            TilePath::Entries(e) => e.fmt(f),
        }
    }
}

/// Writes `<N>` in 3-digit groups, then `.p/<W>` for a partial width.
pub(super) fn write_index_and_width(f: &mut fmt::Formatter<'_>, index: u64, width: u16) -> fmt::Result {
    let mut groups = [0u64; MAX_INDEX_GROUPS];
    let mut count = 0;
    let mut n = index;
    for slot in groups.iter_mut() {
        *slot = n % 1000;
        count += 1;
        n /= 1000;
        if n == 0 {
            break;
        }
    }
    for (i, group) in groups[..count].iter().rev().enumerate() {
        if i + 1 < count {
            write!(f, "x{group:03}/")?;
        } else {
            write!(f, "{group:03}")?;
        }
    }
    if width < TILE_WIDTH {
        write!(f, ".p/{width}")?;
    }
    Ok(())
}

/// ASCII decimal digits only, without leading zeroes (except `0` itself), at most `max_len` long.
fn canonical_decimal(s: &str, max_len: usize) -> Option<u64> {
    let ok = !s.is_empty()
        && s.len() <= max_len
        && s.bytes().all(|b| b.is_ascii_digit())
        && (s == "0" || !s.starts_with('0'));
    ok.then(|| s.parse().ok()).flatten()
}

fn parse_level(s: &str) -> Result<u8, PathError> {
    canonical_decimal(s, 2).and_then(|l| u8::try_from(l).ok()).filter(|&l| l <= MAX_PATH_LEVEL).ok_or(PathError::Level)
}

fn parse_width(s: &str) -> Result<u16, PathError> {
    canonical_decimal(s, 3)
        .and_then(|w| u16::try_from(w).ok())
        .filter(|&w| (1..TILE_WIDTH).contains(&w))
        .ok_or(PathError::Width)
}

/// Three ASCII digits, leading zeroes included.
fn group(s: &str) -> Option<u64> {
    (s.len() == 3 && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
}

fn parse_index(s: &str) -> Result<u64, PathError> {
    let elements: Vec<&str> = s.split('/').collect();
    if elements.len() > MAX_INDEX_GROUPS {
        return Err(PathError::NonCanonicalIndex);
    }
    let last = elements.len() - 1;
    let mut index: u64 = 0;
    for (i, element) in elements.iter().enumerate() {
        let digits = if i < last { element.strip_prefix('x') } else { Some(*element) };
        let value = digits.and_then(group).ok_or(PathError::IndexElement(i + 1))?;
        if i == 0 && i < last && value == 0 {
            return Err(PathError::NonCanonicalIndex);
        }
        index = index.checked_mul(1000).and_then(|n| n.checked_add(value)).ok_or(PathError::IndexOverflow)?;
    }
    Ok(index)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tile(level: u8, index: u64, width: u16) -> Tile {
        Tile::new(level, index, width).expect("valid tile")
    }

    #[test]
    fn spec_examples() {
        // tlog-tiles: "index 1234067 will be encoded as x001/x234/067".
        assert_eq!(tile(0, 1_234_067, 256).path(), "tile/0/x001/x234/067");
        assert_eq!(TilePath::parse("tile/0/x001/x234/067"), Ok(TilePath::Hashes(tile(0, 1_234_067, 256))));
        // A tree of 70,000 leaves: the partial tiles are 273 (112 wide), 1 (17) and 0 (1).
        assert_eq!(tile(0, 273, 112).path(), "tile/0/273.p/112");
        assert_eq!(tile(1, 1, 17).path(), "tile/1/001.p/17");
        assert_eq!(tile(2, 0, 1).path(), "tile/2/000.p/1");
        let e = EntriesTile::new(273, 112).expect("valid");
        assert_eq!(e.path(), "tile/entries/273.p/112");
        assert_eq!(TilePath::parse("tile/entries/273.p/112"), Ok(TilePath::Entries(e)));
    }

    #[test]
    fn index_grouping() {
        for (index, text) in [
            (0, "000"),
            (7, "007"),
            (999, "999"),
            (1000, "x001/000"),
            (123_456_789, "x123/x456/789"),
            ((1 << 56) - 1, "x072/x057/x594/x037/x927/935"),
        ] {
            assert_eq!(tile(0, index, 256).path(), format!("tile/0/{text}"));
            let parsed = TilePath::parse(&format!("tile/0/{text}"));
            assert_eq!(parsed, Ok(TilePath::Hashes(tile(0, index, 256))));
        }
    }

    #[test]
    fn hostile_paths_are_rejected() {
        use PathError::*;
        let long = format!("tile/0/{}", "x000/".repeat(20));
        let cases: &[(&str, PathError)] = &[
            ("", Prefix),
            ("tile", Prefix),
            ("/tile/0/000", Prefix),
            ("tiles/0/000", Prefix),
            ("tile/", Level),
            ("tile/0", Level),
            ("tile/00/000", Level),
            ("tile/01/000", Level),
            ("tile/64/000", Level),
            ("tile/+1/000", Level),
            ("tile/-0/000", Level),
            ("tile/８/000", Level),
            ("tile/8/000", OutOfRange(TileError::Level(8))),
            ("tile/63/000", OutOfRange(TileError::Level(63))),
            ("tile/7/001", OutOfRange(TileError::Index { level: 7, index: 1 })),
            ("tile/0/", IndexElement(1)),
            ("tile/0/00", IndexElement(1)),
            ("tile/0/0000", IndexElement(1)),
            ("tile/0/x000", IndexElement(1)),
            ("tile/0/1234", IndexElement(1)),
            ("tile/0/x001/", IndexElement(2)),
            ("tile/0/001/002", IndexElement(1)),
            ("tile/0/x001/02", IndexElement(2)),
            ("tile/0/x001//002", IndexElement(2)),
            ("tile/0/x00a/002", IndexElement(1)),
            ("tile/0/X001/002", IndexElement(1)),
            ("tile/0/x+01/002", IndexElement(1)),
            ("tile/0/x000/002", NonCanonicalIndex),
            ("tile/0/x000/x001/002", NonCanonicalIndex),
            ("tile/0/x001/x002/x003/x004/x005/x006/x007/008", NonCanonicalIndex),
            ("tile/0/x018/x446/x744/x073/x709/x551/616", IndexOverflow),
            ("tile/0/x018/x446/x744/x073/x709/x551/615", OutOfRange(TileError::Index { level: 0, index: u64::MAX })),
            ("tile/0/x072/x057/x594/x037/x927/936", OutOfRange(TileError::Index { level: 0, index: 1 << 56 })),
            ("tile/0/000.p/", Width),
            ("tile/0/000.p/0", Width),
            ("tile/0/000.p/00", Width),
            ("tile/0/000.p/01", Width),
            ("tile/0/000.p/256", Width),
            ("tile/0/000.p/1000", Width),
            ("tile/0/000.p/5/", Width),
            ("tile/0/000.p/5/000", Width),
            ("tile/0/000.p/+5", Width),
            ("tile/0/000.p", IndexElement(1)),
            ("tile/0/000.p.p/5", IndexElement(1)),
            ("tile/0/x001.p/5/000", Width),
            ("tile/0/000?x=1", IndexElement(1)),
            ("tile/0/000 ", IndexElement(1)),
            ("tile/entries/", IndexElement(1)),
            ("tile/entries", Level),
            ("tile/entries/x000/001", NonCanonicalIndex),
            ("tile/entries/000.p/256", Width),
            ("tile/data/000", Level),
            (long.as_str(), TooLong(long.len())),
        ];
        for (path, want) in cases {
            assert_eq!(TilePath::parse(path), Err(*want), "{path:?}");
        }
    }

    #[test]
    fn canonical_paths_round_trip() {
        for level in 0..=7u8 {
            let max = (1u64 << (56 - 8 * u32::from(level))) - 1;
            for index in [0, 1, 999, 1000, 1001, 65_535, max / 3, max] {
                for width in [1, 2, 100, 255, 256] {
                    let Ok(t) = Tile::new(level, index, width) else {
                        continue;
                    };
                    let path = t.path();
                    assert!(path.len() <= MAX_PATH_LEN);
                    assert_eq!(path.parse::<TilePath>(), Ok(TilePath::Hashes(t)), "{path}");
                    if level == 0 {
                        let e = EntriesTile::for_tile(t).expect("level 0");
                        assert_eq!(e.path().parse::<TilePath>(), Ok(TilePath::Entries(e)));
                    }
                }
            }
        }
    }
}
