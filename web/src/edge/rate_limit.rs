//! Per-client rate limits on the endpoints that cost work or invite guessing: sign-in, issuance,
//! verification and the OpenID4VC endpoints. A token bucket per (limit, client address); past it
//! the answer is 429 with `Retry-After` and a JSON `{code: "rate_limited", message}`.
//!
//! Only `POST` requests are limited: what is read with `GET` (DID documents, status lists, tiles)
//! is cacheable and guarded by the in-flight limit instead ([`super::shed`]).

use std::collections::HashMap;
use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Buckets kept before idle ones are dropped.
const MAX_BUCKETS: usize = 100_000;

/// The endpoints that share one limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LimitClass {
    /// Signing in to the web app.
    SignIn,
    /// Issuing credentials (one or in bulk).
    Issue,
    /// Verifying credentials and presentations.
    Verify,
    /// OpenID4VCI token / nonce / credential, OpenID4VP responses.
    Oid4vc,
}

impl LimitClass {
    /// Every class, in a fixed order.
    pub const ALL: [LimitClass; 4] = [Self::SignIn, Self::Issue, Self::Verify, Self::Oid4vc];

    /// The name used in flags, metrics and errors.
    pub fn name(self) -> &'static str {
        match self {
            Self::SignIn => "signin",
            Self::Issue => "issue",
            Self::Verify => "verify",
            Self::Oid4vc => "oid4vc",
        }
    }

    /// The class of a `POST` to `path`, if it is limited.
    pub fn of_post(path: &str) -> Option<Self> {
        let path = path.trim_end_matches('/');
        if path.contains("signin") || path.contains("sign_in") || path.contains("sign-in") {
            Some(Self::SignIn)
        } else if path == "/credentials/issue"
            || path == "/board/actions/issue"
            || path == "/board/actions/batch"
            || (path.starts_with("/boards/") && path.ends_with("/credentials/bulk"))
        {
            Some(Self::Issue)
        } else if path == "/credentials/verify"
            || path == "/presentations/verify"
            || path.starts_with("/api/verify")
            || path == "/hospital/actions/ask"
            || (path.starts_with("/hospitals/") && path.ends_with("/verifications"))
            || (path.starts_with("/hospitals/") && path.ends_with("/presentation-requests"))
        {
            Some(Self::Verify)
        } else if path.starts_with("/oid4vci/") || path.starts_with("/oid4vp/") {
            Some(Self::Oid4vc)
        } else {
            None
        }
    }

    /// The limit when none is configured.
    pub fn default_rate(self) -> Rate {
        match self {
            Self::SignIn => Rate { per: 30, every: Duration::from_secs(60) },
            Self::Issue => Rate { per: 200, every: Duration::from_secs(1) },
            Self::Verify => Rate { per: 500, every: Duration::from_secs(1) },
            Self::Oid4vc => Rate { per: 50, every: Duration::from_secs(1) },
        }
    }
}

impl FromStr for LimitClass {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|c| c.name() == s)
            .ok_or_else(|| format!("unknown rate limit {s:?} (expected one of: signin, issue, verify, oid4vc)"))
    }
}

/// `per` requests every `every`, with a burst of `per`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    /// Requests allowed per period (also the burst).
    pub per: u32,
    /// The period.
    pub every: Duration,
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.every.as_secs() {
            1 => write!(f, "{}/s", self.per),
            60 => write!(f, "{}/min", self.per),
            3600 => write!(f, "{}/h", self.per),
            s => write!(f, "{}/{s}s", self.per),
        }
    }
}

/// One limit setting from the command line: `CLASS=N/s`, `CLASS=N/min`, `CLASS=N/h` or
/// `CLASS=off`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimitSetting {
    /// Which endpoints.
    pub class: LimitClass,
    /// The rate, or `None` for no limit.
    pub rate: Option<Rate>,
}

impl FromStr for LimitSetting {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let (class, rate) = s.split_once('=').ok_or_else(|| format!("{s:?} is not CLASS=RATE (e.g. verify=500/s)"))?;
        let class: LimitClass = class.trim().parse()?;
        let rate = rate.trim();
        if rate == "off" {
            return Ok(Self { class, rate: None });
        }
        let (n, unit) = rate.split_once('/').ok_or_else(|| format!("{rate:?} is not N/s, N/min, N/h or off"))?;
        let per: u32 = n.parse().map_err(|_| format!("{n:?} is not a whole number of requests"))?;
        let every = match unit {
            "s" => Duration::from_secs(1),
            "min" => Duration::from_secs(60),
            "h" => Duration::from_secs(3600),
            _ => return Err(format!("{unit:?} is not a unit (s, min or h)")),
        };
        if per == 0 {
            return Err("a rate of 0 would refuse every request; use CLASS=off for no limit".into());
        }
        Ok(Self { class, rate: Some(Rate { per, every }) })
    }
}

/// The limits in force, each class at its default unless set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    rates: HashMap<LimitClass, Option<Rate>>,
}

impl Default for Limits {
    fn default() -> Self {
        Self { rates: LimitClass::ALL.into_iter().map(|c| (c, Some(c.default_rate()))).collect() }
    }
}

impl Limits {
    /// The defaults with `settings` applied in order.
    pub fn with(settings: &[LimitSetting]) -> Self {
        let mut l = Self::default();
        for s in settings {
            l.rates.insert(s.class, s.rate);
        }
        l
    }

    /// No limits at all.
    pub fn off() -> Self {
        Self { rates: LimitClass::ALL.into_iter().map(|c| (c, None)).collect() }
    }

    /// The rate of `class`, if limited.
    pub fn rate(&self, class: LimitClass) -> Option<Rate> {
        self.rates.get(&class).copied().flatten()
    }
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// The buckets. Cheap to clone.
#[derive(Clone)]
pub struct RateLimiter {
    limits: Arc<Limits>,
    buckets: Arc<Mutex<HashMap<(LimitClass, IpAddr), Bucket>>>,
}

impl RateLimiter {
    /// A limiter enforcing `limits`.
    pub fn new(limits: Limits) -> Self {
        Self { limits: Arc::new(limits), buckets: Arc::new(Mutex::new(HashMap::new())) }
    }

    /// Take one request of `class` from `client` at `now`: `Ok` to go ahead, `Err(wait)` with how
    /// long until the next one would be allowed.
    pub fn check(&self, class: LimitClass, client: IpAddr, now: Instant) -> Result<(), Duration> {
        let Some(rate) = self.limits.rate(class) else { return Ok(()) };
        let capacity = f64::from(rate.per);
        let per_sec = capacity / rate.every.as_secs_f64();
        let Ok(mut buckets) = self.buckets.lock() else { return Ok(()) };
        if buckets.len() >= MAX_BUCKETS {
            // Drop the buckets that have refilled: forgetting them changes nothing.
            let limits = &self.limits;
            buckets.retain(|(c, _), b| match limits.rate(*c) {
                Some(r) => {
                    let cap = f64::from(r.per);
                    b.tokens + now.saturating_duration_since(b.at).as_secs_f64() * cap / r.every.as_secs_f64() < cap
                }
                None => false,
            });
        }
        let b = buckets.entry((class, client)).or_insert(Bucket { tokens: capacity, at: now });
        let refill = now.saturating_duration_since(b.at).as_secs_f64() * per_sec;
        b.tokens = (b.tokens + refill).min(capacity);
        b.at = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - b.tokens) / per_sec))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    #[test]
    fn settings_parse_and_refuse_nonsense() {
        let s: LimitSetting = "verify=20/s".parse().expect("parse");
        assert_eq!(s.rate, Some(Rate { per: 20, every: Duration::from_secs(1) }));
        assert_eq!("signin=off".parse::<LimitSetting>().expect("off").rate, None);
        assert_eq!(
            "signin=5/min".parse::<LimitSetting>().expect("min").rate.map(|r| r.to_string()),
            Some("5/min".into())
        );
        for bad in ["verify", "verify=20", "verify=0/s", "verify=x/s", "verify=20/week", "login=5/s"] {
            assert!(bad.parse::<LimitSetting>().is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn classes_of_paths() {
        assert_eq!(LimitClass::of_post("/credentials/verify"), Some(LimitClass::Verify));
        assert_eq!(LimitClass::of_post("/hospitals/st-mary/verifications"), Some(LimitClass::Verify));
        assert_eq!(LimitClass::of_post("/credentials/issue"), Some(LimitClass::Issue));
        assert_eq!(LimitClass::of_post("/boards/nj-bon/credentials/bulk"), Some(LimitClass::Issue));
        assert_eq!(LimitClass::of_post("/oid4vci/token"), Some(LimitClass::Oid4vc));
        assert_eq!(LimitClass::of_post("/session/signin"), Some(LimitClass::SignIn));
        assert_eq!(LimitClass::of_post("/board/actions/issue"), Some(LimitClass::Issue));
        assert_eq!(LimitClass::of_post("/hospital/actions/ask"), Some(LimitClass::Verify));
        assert_eq!(LimitClass::of_post("/hospitals/st-mary/presentation-requests"), Some(LimitClass::Verify));
        assert_eq!(LimitClass::of_post("/boards/nj-bon/credentials/x/status"), None);
    }

    #[test]
    fn burst_then_refusal_then_refill_per_client() {
        let limiter = RateLimiter::new(Limits::with(&["verify=3/s".parse().expect("setting")]));
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(limiter.check(LimitClass::Verify, ip("10.0.0.1"), t0).is_ok());
        }
        let wait = limiter.check(LimitClass::Verify, ip("10.0.0.1"), t0).expect_err("fourth refused");
        assert!(wait > Duration::from_millis(300) && wait <= Duration::from_millis(334), "{wait:?}");
        // Another client and another class are not affected.
        assert!(limiter.check(LimitClass::Verify, ip("10.0.0.2"), t0).is_ok());
        assert!(limiter.check(LimitClass::Issue, ip("10.0.0.1"), t0).is_ok());
        // After a third of a second one more is allowed, and only one.
        let t1 = t0 + Duration::from_millis(334);
        assert!(limiter.check(LimitClass::Verify, ip("10.0.0.1"), t1).is_ok());
        assert!(limiter.check(LimitClass::Verify, ip("10.0.0.1"), t1).is_err());
    }

    #[test]
    fn off_means_unlimited() {
        let limiter = RateLimiter::new(Limits::off());
        let t0 = Instant::now();
        for _ in 0..10_000 {
            assert!(limiter.check(LimitClass::SignIn, ip("10.0.0.1"), t0).is_ok());
        }
    }
}
