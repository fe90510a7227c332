//! Compression of status lists with hostile-input limits: GZIP (RFC 1952) for W3C Bitstring Status
//! List v1.0 §2.2 `encodedList`, ZLIB (RFC 1950) for IETF Token Status List §4.1 `lst`.
//!
//! Decompression reads through a `take` limit, so a gzip bomb stops at [`MAX_DECOMPRESSED`] bytes,
//! and it accepts exactly one stream with nothing after it: a second concatenated gzip member, which
//! some decoders (Node's `zlib.gunzip`) would expand and others ignore, is an error rather than a
//! way to show two verifiers two different lists.

use std::io::{Read, Write};

use flate2::bufread::{GzDecoder, ZlibDecoder};
use flate2::write::{GzEncoder, ZlibEncoder};
use flate2::Compression;

/// Largest compressed list accepted (1 MiB).
pub const MAX_COMPRESSED: usize = 1 << 20;
/// Largest decompressed list accepted or produced (16 MiB: 134,217,728 one-bit entries).
pub const MAX_DECOMPRESSED: usize = 16 << 20;

/// Compressing a list failed (only possible if the in-memory writer fails: reported, not hidden).
#[derive(Debug, thiserror::Error)]
#[error("status list compression failed")]
pub struct CompressError(#[source] pub std::io::Error);

/// A compressed list could not be expanded.
#[derive(Debug, thiserror::Error)]
pub enum InflateError {
    /// The compressed input is larger than [`MAX_COMPRESSED`].
    #[error("compressed status list is larger than {MAX_COMPRESSED} bytes")]
    CompressedTooLarge,
    /// The input expands to more than [`MAX_DECOMPRESSED`] bytes (a bomb, or simply too big).
    #[error("status list expands to more than {MAX_DECOMPRESSED} bytes")]
    DecompressedTooLarge,
    /// The stream is not valid GZIP / ZLIB, is truncated, or fails its checksum.
    #[error("status list is not a valid compressed stream")]
    Corrupt(#[source] std::io::Error),
    /// Bytes follow the end of the compressed stream.
    #[error("status list has data after the end of the compressed stream")]
    TrailingData,
}

/// Which container wraps the DEFLATE data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Container {
    /// RFC 1952 GZIP (W3C): header with mtime 0 and no file name, so output is deterministic.
    Gzip,
    /// RFC 1950 ZLIB (IETF Token Status List).
    Zlib,
}

/// Compress `data` at the best level (Token Status List §4.1 recommends it; it is also smallest).
pub(super) fn compress(container: Container, data: &[u8]) -> Result<Vec<u8>, CompressError> {
    let out = Vec::with_capacity(64 + data.len() / 64);
    match container {
        Container::Gzip => {
            let mut enc = GzEncoder::new(out, Compression::best());
            enc.write_all(data).map_err(CompressError)?;
            enc.finish().map_err(CompressError)
        }
        Container::Zlib => {
            let mut enc = ZlibEncoder::new(out, Compression::best());
            enc.write_all(data).map_err(CompressError)?;
            enc.finish().map_err(CompressError)
        }
    }
}

/// Expand `data`, enforcing [`MAX_COMPRESSED`], [`MAX_DECOMPRESSED`] and a single stream.
pub(super) fn decompress(container: Container, data: &[u8]) -> Result<Vec<u8>, InflateError> {
    if data.len() > MAX_COMPRESSED {
        return Err(InflateError::CompressedTooLarge);
    }
    let limit = MAX_DECOMPRESSED as u64 + 1;
    let mut out = Vec::new();
    let rest: &[u8] = match container {
        Container::Gzip => {
            let mut dec = GzDecoder::new(data);
            (&mut dec).take(limit).read_to_end(&mut out).map_err(InflateError::Corrupt)?;
            dec.into_inner()
        }
        Container::Zlib => {
            let mut dec = ZlibDecoder::new(data);
            (&mut dec).take(limit).read_to_end(&mut out).map_err(InflateError::Corrupt)?;
            dec.into_inner()
        }
    };
    if out.len() > MAX_DECOMPRESSED {
        return Err(InflateError::DecompressedTooLarge);
    }
    if !rest.is_empty() {
        return Err(InflateError::TrailingData);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_both_containers() {
        let data: Vec<u8> = (0..5000u32).map(|i| (i * 31 % 251) as u8).collect();
        for c in [Container::Gzip, Container::Zlib] {
            let z = compress(c, &data).expect("in memory");
            assert_eq!(decompress(c, &z).expect("valid"), data);
            assert_eq!(compress(c, &data).expect("in memory"), z, "deterministic");
        }
    }

    #[test]
    fn gzip_header_has_no_time_or_name() {
        let z = compress(Container::Gzip, &[0u8; 16]).expect("in memory");
        assert_eq!(&z[..3], &[0x1f, 0x8b, 0x08]);
        assert_eq!(&z[3..8], &[0, 0, 0, 0, 0], "no flags, mtime 0");
    }

    #[test]
    fn bombs_stop_at_the_limit() {
        // 17 MiB of zeros compresses to ~17 KiB: small input, too large output.
        let zeros = vec![0u8; MAX_DECOMPRESSED + (1 << 20)];
        for c in [Container::Gzip, Container::Zlib] {
            let z = compress(c, &zeros).expect("in memory");
            assert!(z.len() < MAX_COMPRESSED);
            assert!(matches!(decompress(c, &z), Err(InflateError::DecompressedTooLarge)));
        }
        // Exactly at the limit is fine.
        let z = compress(Container::Gzip, &zeros[..MAX_DECOMPRESSED]).expect("in memory");
        assert_eq!(decompress(Container::Gzip, &z).expect("at limit").len(), MAX_DECOMPRESSED);
    }

    #[test]
    fn rejects_oversized_truncated_corrupt_and_concatenated_input() {
        assert!(matches!(
            decompress(Container::Gzip, &vec![0u8; MAX_COMPRESSED + 1]),
            Err(InflateError::CompressedTooLarge)
        ));
        for c in [Container::Gzip, Container::Zlib] {
            let z = compress(c, b"some status bytes").expect("in memory");
            for cut in 0..z.len() {
                assert!(matches!(decompress(c, &z[..cut]), Err(InflateError::Corrupt(_))), "{c:?} cut {cut}");
            }
            let mut flipped = z.clone();
            let last = flipped.len() - 1;
            flipped[last] ^= 0x01; // checksum or size byte
            assert!(matches!(decompress(c, &flipped), Err(InflateError::Corrupt(_))), "{c:?}");
            let mut twice = z.clone();
            twice.extend_from_slice(&z);
            assert!(matches!(decompress(c, &twice), Err(InflateError::TrailingData)), "{c:?}");
            let mut junk = z.clone();
            junk.push(0);
            assert!(matches!(decompress(c, &junk), Err(InflateError::TrailingData)), "{c:?}");
        }
        // A ZLIB stream is not a GZIP stream and vice versa.
        let z = compress(Container::Zlib, b"x").expect("in memory");
        assert!(decompress(Container::Gzip, &z).is_err());
        let g = compress(Container::Gzip, b"x").expect("in memory");
        assert!(decompress(Container::Zlib, &g).is_err());
    }
}
