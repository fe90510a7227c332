//! W3C Bitstring Status List v1.0 §2.1 `statusPurpose`: the two purposes a licensing board uses.

use std::fmt;
use std::str::FromStr;

/// Why a status list exists. `refresh` and `message` (§2.1) are not used by medcred and are
/// rejected as unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StatusPurpose {
    /// `revocation`: a set bit cancels the credential for good.
    Revocation,
    /// `suspension`: a set bit holds the credential back until it is cleared.
    Suspension,
}

/// A `statusPurpose` string that is not `revocation` or `suspension`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown status purpose {0:?}")]
pub struct UnknownPurpose(pub String);

/// Longest purpose text kept in an [`UnknownPurpose`] error (hostile input is cut short).
const MAX_ECHO: usize = 64;

impl StatusPurpose {
    /// Both purposes, in ledger order.
    pub const ALL: [StatusPurpose; 2] = [StatusPurpose::Revocation, StatusPurpose::Suspension];

    /// The JSON value: `revocation` or `suspension`.
    pub const fn as_str(self) -> &'static str {
        match self {
            StatusPurpose::Revocation => "revocation",
            StatusPurpose::Suspension => "suspension",
        }
    }

    /// The one-byte code in ledger leaves (see [`crate::status::snapshot`]).
    pub const fn code(self) -> u8 {
        match self {
            StatusPurpose::Revocation => 1,
            StatusPurpose::Suspension => 2,
        }
    }

    /// The purpose with ledger code `code`, if any.
    pub const fn from_code(code: u8) -> Option<StatusPurpose> {
        match code {
            1 => Some(StatusPurpose::Revocation),
            2 => Some(StatusPurpose::Suspension),
            _ => None,
        }
    }
}

impl FromStr for StatusPurpose {
    type Err = UnknownPurpose;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "revocation" => Ok(StatusPurpose::Revocation),
            "suspension" => Ok(StatusPurpose::Suspension),
            other => Err(UnknownPurpose(other.chars().take(MAX_ECHO).collect())),
        }
    }
}

impl fmt::Display for StatusPurpose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_code_round_trip() {
        for p in StatusPurpose::ALL {
            assert_eq!(p.as_str().parse::<StatusPurpose>(), Ok(p));
            assert_eq!(StatusPurpose::from_code(p.code()), Some(p));
        }
        assert_eq!(StatusPurpose::from_code(0), None);
        assert_eq!(StatusPurpose::from_code(3), None);
    }

    #[test]
    fn unknown_purposes_are_rejected_and_cut_short() {
        for s in ["refresh", "message", "Revocation", "", " revocation"] {
            assert!(s.parse::<StatusPurpose>().is_err(), "{s:?}");
        }
        let long = "x".repeat(10_000);
        let err = long.parse::<StatusPurpose>().expect_err("unknown");
        assert_eq!(err.0.len(), MAX_ECHO);
    }
}
