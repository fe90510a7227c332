//! Rate limits on the endpoints that cost work or invite guessing: sign-in, issuance, status
//! changes, verification and the OpenID4VC endpoints. A token bucket per (limit, who), where who
//! is either the client (its address) or an account: the API token a request carries, the person
//! signed in, or the e-mail address being signed in to — so one account cannot be hammered from
//! many addresses, nor one address spread over many accounts. Past a bucket the answer is 429
//! with `Retry-After` and a JSON `{code: "rate_limited", message}`.
//!
//! Accounts are keyed by a SHA-256 of what names them (token, user id, normalised e-mail): the
//! limiter never holds a token or an address in the clear, and nothing here is logged.
//!
//! Only `POST` requests are limited: what is read with `GET` (DID documents, status lists, tiles)
//! is cacheable and guarded by the in-flight limit instead.

use std::collections::HashMap;
use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

/// Buckets kept before idle ones are dropped.
const MAX_BUCKETS: usize = 100_000;

/// The endpoints that share one limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LimitClass {
    /// Signing in to the web app.
    SignIn,
    /// Issuing credentials (one or in bulk) and offering them to wallets.
    Issue,
    /// Revoking, suspending and reinstating credentials.
    Status,
    /// Verifying credentials and presentations, asking for them, watching them.
    Verify,
    /// OpenID4VCI token / nonce / credential, OpenID4VP responses.
    Oid4vc,
}

/// Whom a bucket counts: the client's address or an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Per {
    /// The TCP peer's address.
    Client,
    /// An API token, a signed-in person, or the e-mail address a sign-in names.
    Account,
}

impl Per {
    /// The name used in settings and metrics.
    pub fn name(self) -> &'static str {
        match self {
            Per::Client => "client",
            Per::Account => "account",
        }
    }
}

impl LimitClass {
    /// Every class, in a fixed order.
    pub const ALL: [LimitClass; 5] = [Self::SignIn, Self::Issue, Self::Status, Self::Verify, Self::Oid4vc];

    /// The name used in flags, metrics and errors.
    pub fn name(self) -> &'static str {
        match self {
            Self::SignIn => "signin",
            Self::Issue => "issue",
            Self::Status => "status",
            Self::Verify => "verify",
            Self::Oid4vc => "oid4vc",
        }
    }

    /// The class of a `POST` to `path`, if it is limited.
    pub fn of_post(path: &str) -> Option<Self> {
        let path = path.trim_end_matches('/');
        let board_credential = |tail: &str| path.starts_with("/boards/") && path.ends_with(tail);
        let hospital = |tail: &str| path.starts_with("/hospitals/") && path.ends_with(tail);
        if path.contains("signin") || path.contains("sign_in") || path.contains("sign-in") {
            Some(Self::SignIn)
        } else if path == "/credentials/issue"
            || path == "/board/actions/issue"
            || path == "/board/actions/batch"
            || path == "/board/actions/offer"
            || board_credential("/credentials/bulk")
            || board_credential("/offer")
        {
            Some(Self::Issue)
        } else if path == "/board/actions/status" || board_credential("/status") {
            Some(Self::Status)
        } else if path == "/credentials/verify"
            || path == "/presentations/verify"
            || path.starts_with("/api/verify")
            || path == "/hospital/actions/ask"
            || path == "/hospital/actions/watch"
            || hospital("/verifications")
            || hospital("/presentation-requests")
            || hospital("/watches")
            || hospital("/monitor")
        {
            Some(Self::Verify)
        } else if path.starts_with("/oid4vci/") || path.starts_with("/oid4vp/") {
            Some(Self::Oid4vc)
        } else {
            None
        }
    }

    /// The limit when none is configured. Per account it is the per-client rate (one account
    /// spread over many addresses gets no more than one client), except for sign-in, where an
    /// e-mail address gets fewer tries than an address that may be a whole hospital behind one
    /// proxy; wallets have no account.
    pub fn default_rate(self, per: Per) -> Option<Rate> {
        let (n, every) = match (self, per) {
            (Self::SignIn, Per::Client) => (30, 60),
            (Self::SignIn, Per::Account) => (10, 60),
            (Self::Issue, Per::Client) => (200, 1),
            (Self::Issue, Per::Account) => (200, 1),
            (Self::Status, Per::Client) => (100, 1),
            (Self::Status, Per::Account) => (100, 1),
            (Self::Verify, Per::Client) => (500, 1),
            (Self::Verify, Per::Account) => (500, 1),
            (Self::Oid4vc, Per::Client) => (50, 1),
            (Self::Oid4vc, Per::Account) => return None,
        };
        Some(Rate { per: n, every: Duration::from_secs(every) })
    }
}

impl FromStr for LimitClass {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|c| c.name() == s)
            .ok_or_else(|| format!("unknown rate limit {s:?} (expected one of: signin, issue, status, verify, oid4vc)"))
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

/// One limit setting from the command line: `CLASS=RATE` (per client), `CLASS.account=RATE`
/// (per account), where RATE is `N/s`, `N/min`, `N/h` or `off`; `CLASS=off` lifts both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimitSetting {
    /// Which endpoints.
    pub class: LimitClass,
    /// Per client or per account; `None` for both (only `CLASS=off`).
    pub per: Option<Per>,
    /// The rate, or `None` for no limit.
    pub rate: Option<Rate>,
}

impl FromStr for LimitSetting {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let (name, rate) = s
            .split_once('=')
            .ok_or_else(|| format!("{s:?} is not CLASS=RATE (e.g. verify=500/s, issue.account=100/s)"))?;
        let (class, per) = match name.trim().split_once('.') {
            None => (name.trim(), None),
            Some((class, "client")) => (class, Some(Per::Client)),
            Some((class, "account")) => (class, Some(Per::Account)),
            Some((_, other)) => return Err(format!("{other:?} is not client or account")),
        };
        let class: LimitClass = class.parse()?;
        let rate = rate.trim();
        if rate == "off" {
            return Ok(Self { class, per, rate: None });
        }
        let (n, unit) = rate.split_once('/').ok_or_else(|| format!("{rate:?} is not N/s, N/min, N/h or off"))?;
        let per_n: u32 = n.parse().map_err(|_| format!("{n:?} is not a whole number of requests"))?;
        let every = match unit {
            "s" => Duration::from_secs(1),
            "min" => Duration::from_secs(60),
            "h" => Duration::from_secs(3600),
            _ => return Err(format!("{unit:?} is not a unit (s, min or h)")),
        };
        if per_n == 0 {
            return Err("a rate of 0 would refuse every request; use CLASS=off for no limit".into());
        }
        Ok(Self { class, per: Some(per.unwrap_or(Per::Client)), rate: Some(Rate { per: per_n, every }) })
    }
}

/// The limits in force, each class at its default unless set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    rates: HashMap<(LimitClass, Per), Option<Rate>>,
}

fn every_bucket() -> impl Iterator<Item = (LimitClass, Per)> {
    LimitClass::ALL.into_iter().flat_map(|c| [(c, Per::Client), (c, Per::Account)])
}

impl Default for Limits {
    fn default() -> Self {
        Self { rates: every_bucket().map(|(c, p)| ((c, p), c.default_rate(p))).collect() }
    }
}

impl Limits {
    /// The defaults with `settings` applied in order.
    pub fn with(settings: &[LimitSetting]) -> Self {
        let mut l = Self::default();
        for s in settings {
            match s.per {
                Some(per) => {
                    l.rates.insert((s.class, per), s.rate);
                }
                None => {
                    l.rates.insert((s.class, Per::Client), s.rate);
                    l.rates.insert((s.class, Per::Account), s.rate);
                }
            }
        }
        l
    }

    /// No limits at all.
    pub fn off() -> Self {
        Self { rates: every_bucket().map(|k| (k, None)).collect() }
    }

    /// The rate of `class` per client or per account, if limited.
    pub fn rate(&self, class: LimitClass, per: Per) -> Option<Rate> {
        self.rates.get(&(class, per)).copied().flatten()
    }
}

/// An account as the limiter knows it: the first 16 bytes of a SHA-256 over what names it, so a
/// token or an e-mail address is never kept (nor printed) in the clear.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccountKey([u8; 16]);

impl AccountKey {
    fn of(kind: &str, value: &str) -> Self {
        let digest = Sha256::new()
            .chain_update(b"medcred rate limit\0")
            .chain_update(kind.as_bytes())
            .chain_update(b"\0")
            .chain_update(value.as_bytes())
            .finalize();
        let mut key = [0u8; 16];
        key.copy_from_slice(&digest[..16]);
        Self(key)
    }

    /// The account of an API bearer token (board, hospital or OpenID4VCI access token).
    pub fn bearer(token: &str) -> Self {
        Self::of("bearer", token.trim())
    }

    /// A signed-in person, by user id.
    pub fn user(user_id: &str) -> Self {
        Self::of("user", user_id)
    }

    /// The e-mail address a sign-in names, without regard to case or surrounding space (as
    /// accounts are matched), whether or not an account has it.
    pub fn email(email: &str) -> Self {
        Self::of("email", &email.trim().to_lowercase())
    }
}

impl fmt::Debug for AccountKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AccountKey({:02x}{:02x}{:02x}{:02x}…)", self.0[0], self.0[1], self.0[2], self.0[3])
    }
}

/// Who a request is counted against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Subject {
    /// A client address.
    Client(IpAddr),
    /// An account.
    Account(AccountKey),
}

impl Subject {
    /// Per client or per account.
    pub fn per(&self) -> Per {
        match self {
            Subject::Client(_) => Per::Client,
            Subject::Account(_) => Per::Account,
        }
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
    buckets: Arc<Mutex<HashMap<(LimitClass, Subject), Bucket>>>,
}

impl RateLimiter {
    /// A limiter enforcing `limits`.
    pub fn new(limits: Limits) -> Self {
        Self { limits: Arc::new(limits), buckets: Arc::new(Mutex::new(HashMap::new())) }
    }

    /// Whether `class` is limited per `per` at all.
    pub fn limits(&self, class: LimitClass, per: Per) -> bool {
        self.limits.rate(class, per).is_some()
    }

    /// Take one request of `class` from `who` at `now`: `Ok` to go ahead, `Err(wait)` with how
    /// long until the next one would be allowed.
    pub fn check(&self, class: LimitClass, who: Subject, now: Instant) -> Result<(), Duration> {
        let Some(rate) = self.limits.rate(class, who.per()) else { return Ok(()) };
        let capacity = f64::from(rate.per);
        let per_sec = capacity / rate.every.as_secs_f64();
        let Ok(mut buckets) = self.buckets.lock() else { return Ok(()) };
        if buckets.len() >= MAX_BUCKETS {
            // Drop the buckets that have refilled: forgetting them changes nothing.
            let limits = &self.limits;
            buckets.retain(|(c, s), b| match limits.rate(*c, s.per()) {
                Some(r) => {
                    let cap = f64::from(r.per);
                    b.tokens + now.saturating_duration_since(b.at).as_secs_f64() * cap / r.every.as_secs_f64() < cap
                }
                None => false,
            });
        }
        let b = buckets.entry((class, who)).or_insert(Bucket { tokens: capacity, at: now });
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

    fn ip(s: &str) -> Subject {
        Subject::Client(s.parse().expect("ip"))
    }

    #[test]
    fn settings_parse_and_refuse_nonsense() {
        let s: LimitSetting = "verify=20/s".parse().expect("parse");
        assert_eq!((s.per, s.rate), (Some(Per::Client), Some(Rate { per: 20, every: Duration::from_secs(1) })));
        let s: LimitSetting = "issue.account=5/min".parse().expect("account");
        assert_eq!((s.class, s.per), (LimitClass::Issue, Some(Per::Account)));
        assert_eq!(s.rate.map(|r| r.to_string()), Some("5/min".into()));
        assert_eq!("status.client=7/h".parse::<LimitSetting>().expect("client").per, Some(Per::Client));
        let off: LimitSetting = "signin=off".parse().expect("off");
        assert_eq!((off.per, off.rate), (None, None));
        assert_eq!("signin.account=off".parse::<LimitSetting>().expect("off").per, Some(Per::Account));
        for bad in [
            "verify",
            "verify=20",
            "verify=0/s",
            "verify=x/s",
            "verify=20/week",
            "login=5/s",
            "verify.ip=5/s",
            "issue.account=0/min",
        ] {
            assert!(bad.parse::<LimitSetting>().is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn off_lifts_a_class_for_clients_and_accounts_alike() {
        let settings: Vec<LimitSetting> =
            ["issue=off", "verify.account=off", "status=9/s"].iter().map(|s| s.parse().expect("setting")).collect();
        let l = Limits::with(&settings);
        assert_eq!((l.rate(LimitClass::Issue, Per::Client), l.rate(LimitClass::Issue, Per::Account)), (None, None));
        assert!(
            l.rate(LimitClass::Verify, Per::Client).is_some() && l.rate(LimitClass::Verify, Per::Account).is_none()
        );
        assert_eq!(l.rate(LimitClass::Status, Per::Client).map(|r| r.per), Some(9));
        assert_eq!(l.rate(LimitClass::Status, Per::Account), LimitClass::Status.default_rate(Per::Account));
        assert_eq!(Limits::default().rate(LimitClass::Oid4vc, Per::Account), None, "wallets have no account");
    }

    #[test]
    fn classes_of_paths() {
        let cases = [
            ("/credentials/verify", Some(LimitClass::Verify)),
            ("/hospitals/st-mary/verifications", Some(LimitClass::Verify)),
            ("/hospitals/st-mary/presentation-requests", Some(LimitClass::Verify)),
            ("/hospitals/st-mary/watches", Some(LimitClass::Verify)),
            ("/hospitals/st-mary/monitor", Some(LimitClass::Verify)),
            ("/hospital/actions/ask", Some(LimitClass::Verify)),
            ("/hospital/actions/watch", Some(LimitClass::Verify)),
            ("/credentials/issue", Some(LimitClass::Issue)),
            ("/boards/nj-bon/credentials/bulk", Some(LimitClass::Issue)),
            ("/boards/nj-bon/credentials/urn:uuid:1/offer", Some(LimitClass::Issue)),
            ("/board/actions/issue", Some(LimitClass::Issue)),
            ("/board/actions/offer", Some(LimitClass::Issue)),
            ("/boards/nj-bon/credentials/urn:uuid:1/status", Some(LimitClass::Status)),
            ("/board/actions/status", Some(LimitClass::Status)),
            ("/oid4vci/token", Some(LimitClass::Oid4vc)),
            ("/session/signin", Some(LimitClass::SignIn)),
            ("/session/signout", None),
            ("/boards/nj-bon/tokens", None),
        ];
        for (path, class) in cases {
            assert_eq!(LimitClass::of_post(path), class, "{path}");
        }
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
    fn an_account_has_one_bucket_whatever_the_address() {
        let settings: Vec<LimitSetting> =
            ["issue=1000/s", "issue.account=2/min"].iter().map(|s| s.parse().expect("setting")).collect();
        let limiter = RateLimiter::new(Limits::with(&settings));
        let t0 = Instant::now();
        let token = Subject::Account(AccountKey::bearer("mcb_secret"));
        for client in ["10.0.0.1", "10.0.0.2"] {
            assert!(limiter.check(LimitClass::Issue, ip(client), t0).is_ok());
            assert!(limiter.check(LimitClass::Issue, token, t0).is_ok());
        }
        assert!(limiter.check(LimitClass::Issue, ip("10.0.0.3"), t0).is_ok(), "a fresh address is welcome");
        let wait = limiter.check(LimitClass::Issue, token, t0).expect_err("the token is spent");
        assert!(wait > Duration::from_secs(29) && wait <= Duration::from_secs(30), "{wait:?}");
        // Another token, a person and an e-mail address each have their own bucket.
        assert!(limiter.check(LimitClass::Issue, Subject::Account(AccountKey::bearer("mcb_other")), t0).is_ok());
        assert!(limiter.check(LimitClass::Issue, Subject::Account(AccountKey::user("mcb_secret")), t0).is_ok());
    }

    #[test]
    fn account_keys_hash_and_normalise() {
        assert_eq!(AccountKey::email(" Admin@Board.EXAMPLE "), AccountKey::email("admin@board.example"));
        assert_ne!(AccountKey::email("a@b.example"), AccountKey::user("a@b.example"));
        assert_ne!(AccountKey::bearer("x"), AccountKey::user("x"));
        let shown = format!("{:?}", Subject::Account(AccountKey::email("admin@board.example")));
        assert!(!shown.contains("admin") && !shown.contains("board"), "{shown}");
    }

    #[test]
    fn off_means_unlimited() {
        let limiter = RateLimiter::new(Limits::off());
        let t0 = Instant::now();
        for _ in 0..10_000 {
            assert!(limiter.check(LimitClass::SignIn, ip("10.0.0.1"), t0).is_ok());
            assert!(limiter.check(LimitClass::SignIn, Subject::Account(AccountKey::email("a@b.example")), t0).is_ok());
        }
    }
}
