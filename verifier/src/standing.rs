//! A credential's standing, in the words monitoring uses (good, expiring, expired, suspended,
//! revoked, invalid, unknown), read from its verification report.

use std::fmt;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::engine::validity::EXPIRED;
use crate::report::{CheckName, Outcome, Report, Verdict};
use crate::status::{REVOKED, SUSPENDED};

/// Where a credential stands now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// Valid, and not near its end.
    Good,
    /// Valid, but its validity ends within the warning window.
    Expiring,
    /// Past its end of validity.
    Expired,
    /// Suspended by its issuer.
    Suspended,
    /// Revoked by its issuer.
    Revoked,
    /// Invalid for another reason (its issuer is no longer accredited, a proof fails, ...).
    Invalid,
    /// Could not be checked (the issuer's registry was unreachable, ...).
    Unknown,
}

impl Standing {
    /// The standing `report` shows at `now`; a valid credential whose validity ends within
    /// `warn_before` is [`Standing::Expiring`].
    pub fn of(report: &Report, now: DateTime<Utc>, warn_before: Duration) -> Self {
        let failed_with = |name: CheckName, prefix: &str| matches!(report.outcome(name), Some(Outcome::Failed { reason }) if reason.starts_with(prefix));
        if failed_with(CheckName::Status, REVOKED) {
            return Standing::Revoked;
        }
        if failed_with(CheckName::Status, SUSPENDED) {
            return Standing::Suspended;
        }
        if failed_with(CheckName::ValidityPeriod, EXPIRED) {
            return Standing::Expired;
        }
        match report.verdict {
            Verdict::Invalid => Standing::Invalid,
            Verdict::CouldNotCheck => Standing::Unknown,
            Verdict::Valid => match report.valid_until {
                Some(end) if end <= now.checked_add_signed(warn_before).unwrap_or(DateTime::<Utc>::MAX_UTC) => {
                    Standing::Expiring
                }
                _ => Standing::Good,
            },
        }
    }

    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Standing::Good => "good",
            Standing::Expiring => "expiring",
            Standing::Expired => "expired",
            Standing::Suspended => "suspended",
            Standing::Revoked => "revoked",
            Standing::Invalid => "invalid",
            Standing::Unknown => "unknown",
        }
    }

    /// Parse a snake_case name.
    pub fn parse(s: &str) -> Option<Self> {
        [
            Standing::Good,
            Standing::Expiring,
            Standing::Expired,
            Standing::Suspended,
            Standing::Revoked,
            Standing::Invalid,
            Standing::Unknown,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

impl fmt::Display for Standing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Check;

    fn report(status: Outcome, validity: Outcome, valid_until: Option<&str>) -> Report {
        let mut r = Report::new(vec![
            Check::new(CheckName::Proof, Outcome::Passed),
            Check::new(CheckName::ValidityPeriod, validity),
            Check::new(CheckName::Status, status),
        ]);
        r.valid_until = valid_until.map(|s| s.parse().expect("time"));
        r
    }

    fn now() -> DateTime<Utc> {
        "2026-06-01T12:00:00Z".parse().expect("time")
    }

    #[test]
    fn reads_status_validity_and_verdict() {
        let of = |r: &Report| Standing::of(r, now(), Duration::days(30));
        let ok = || Outcome::Passed;
        assert_eq!(of(&report(Outcome::failed("revoked (list 0, index 7)"), ok(), None)), Standing::Revoked);
        assert_eq!(of(&report(Outcome::failed("suspended (list 0, index 7)"), ok(), None)), Standing::Suspended);
        assert_eq!(of(&report(ok(), Outcome::failed("expired: validUntil is 2026-05-01"), None)), Standing::Expired);
        assert_eq!(of(&report(Outcome::failed("the list contradicts the ledger"), ok(), None)), Standing::Invalid);
        assert_eq!(of(&report(Outcome::could_not_check("registry unreachable"), ok(), None)), Standing::Unknown);
        assert_eq!(of(&report(ok(), ok(), Some("2026-06-20T00:00:00Z"))), Standing::Expiring);
        assert_eq!(of(&report(ok(), ok(), Some("2026-09-01T00:00:00Z"))), Standing::Good);
        assert_eq!(of(&report(ok(), ok(), None)), Standing::Good);
        // Revoked wins over expired: the board's decision is the stronger news.
        let both = report(Outcome::failed("revoked (x)"), Outcome::failed("expired: x"), None);
        assert_eq!(of(&both), Standing::Revoked);
    }

    #[test]
    fn names_round_trip() {
        for s in ["good", "expiring", "expired", "suspended", "revoked", "invalid", "unknown"] {
            assert_eq!(Standing::parse(s).map(Standing::as_str), Some(s));
        }
        assert_eq!(Standing::parse("fine"), None);
    }
}
