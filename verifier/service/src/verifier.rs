//! The verifier service's state and its two operations: verify a credential, verify a
//! presentation. Each runs the pure engine over a [`Snapshot`]; what the engine asked for and did
//! not find is fetched (concurrently, cached, single-flight) and the engine runs again, at most
//! [`MAX_ROUNDS`] times. A warm verification is one run with no I/O.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use chrono::{DateTime, Duration, Utc};
use medcred_registry::witness::WitnessPolicy;
use medcred_verifier::trust::TrustList;
use medcred_verifier::{
    verify_credential_with, verify_presentation, CheckName, MemoryVerifiedLists, PresentationExpectations,
    PresentationReport, Report, Verdict, VerifyContext, DEFAULT_MAX_CHECKPOINT_AGE, DEFAULT_SKEW,
};

use crate::snapshot::Snapshot;
use crate::sources::Sources;

/// Engine runs per verification: issuer documents, then status lists and the issuers' DID
/// Configurations (domain linkage), then what a presentation's credentials add.
pub const MAX_ROUNDS: usize = 4;

/// Where time comes from (tests pin it).
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// How this verifier judges what it is shown.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Allowed clock difference on validity bounds.
    pub skew: Duration,
    /// How old ledger evidence for a status list may be.
    pub max_checkpoint_age: Duration,
    /// The witnesses whose cosignatures a checkpoint needs; `None`: the log's signature only.
    pub witness_policy: Option<WitnessPolicy>,
}

impl Default for Settings {
    fn default() -> Self {
        Self { skew: DEFAULT_SKEW, max_checkpoint_age: DEFAULT_MAX_CHECKPOINT_AGE, witness_policy: None }
    }
}

/// What one verification counts: which checks are advisory and whether trust is required.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policy {
    /// Issuer trust counts toward the verdict (a hospital's own flows).
    pub require_trust: bool,
    /// Checks reported but not counted (VC-API `options.checks` left them out).
    pub advisory: Vec<CheckName>,
}

/// The verifier service. Cheap to clone.
#[derive(Clone)]
pub struct Verifier {
    inner: Arc<Inner>,
}

struct Inner {
    sources: Sources,
    verified_lists: MemoryVerifiedLists,
    settings: Settings,
    trust: RwLock<Option<Arc<TrustList>>>,
    clock: Clock,
    counts: VerdictCounts,
}

/// Verifications done so far, by kind and verdict (for metrics).
#[derive(Debug, Default)]
struct VerdictCounts {
    /// Credentials: valid, invalid, could not check.
    credentials: [AtomicU64; 3],
    /// Presentations: valid, invalid, could not check.
    presentations: [AtomicU64; 3],
}

/// Verifications counted by verdict: `[valid, invalid, could not check]`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct VerdictTally {
    /// Credentials verified on their own.
    pub credentials: [u64; 3],
    /// Presentations verified.
    pub presentations: [u64; 3],
}

fn slot(v: Verdict) -> usize {
    match v {
        Verdict::Valid => 0,
        Verdict::Invalid => 1,
        Verdict::CouldNotCheck => 2,
    }
}

fn load(a: &[AtomicU64; 3]) -> [u64; 3] {
    [a[0].load(Ordering::Relaxed), a[1].load(Ordering::Relaxed), a[2].load(Ordering::Relaxed)]
}

impl Verifier {
    /// A verifier over `sources`, judging by `settings`, with time from `clock`.
    pub fn new(sources: Sources, settings: Settings, clock: Clock) -> Self {
        let verified_lists = MemoryVerifiedLists::new(4096);
        let trust = RwLock::new(None);
        let counts = VerdictCounts::default();
        Self { inner: Arc::new(Inner { sources, verified_lists, settings, trust, clock, counts }) }
    }

    /// Use `list` (already checked: signature, expiry, sequence) for issuer trust from now on.
    pub fn set_trust_list(&self, list: TrustList) {
        if let Ok(mut t) = self.inner.trust.write() {
            *t = Some(Arc::new(list));
        }
    }

    /// The trust list in use.
    pub fn trust_list(&self) -> Option<Arc<TrustList>> {
        self.inner.trust.read().ok().and_then(|t| t.clone())
    }

    /// Where DID documents and status lists come from.
    pub fn sources(&self) -> &Sources {
        &self.inner.sources
    }

    /// The verifier's current time.
    pub fn now(&self) -> DateTime<Utc> {
        (self.inner.clock)()
    }

    /// Verifications done by this verifier so far, by verdict.
    pub fn tally(&self) -> VerdictTally {
        let c = &self.inner.counts;
        VerdictTally { credentials: load(&c.credentials), presentations: load(&c.presentations) }
    }

    /// Verify one credential under `policy`.
    pub async fn credential(&self, input: &str, policy: &Policy) -> Report {
        let report = match self.run(Job::Credential(input), policy).await {
            Done::Credential(r) => r,
            Done::Presentation(_) => unreachable_report(),
        };
        self.inner.counts.credentials[slot(report.verdict)].fetch_add(1, Ordering::Relaxed);
        report
    }

    /// Verify one presentation against `expect` under `policy` (applied to its credentials).
    pub async fn presentation(
        &self,
        input: &str,
        expect: &PresentationExpectations,
        policy: &Policy,
    ) -> PresentationReport {
        let report = match self.run(Job::Presentation(input, expect), policy).await {
            Done::Presentation(r) => r,
            Done::Credential(_) => PresentationReport::new(Vec::new(), Vec::new()),
        };
        self.inner.counts.presentations[slot(report.verdict)].fetch_add(1, Ordering::Relaxed);
        report
    }

    async fn run(&self, job: Job<'_>, policy: &Policy) -> Done {
        let trust = self.trust_list();
        let now = self.now();
        let mut snapshot = Snapshot::new(&self.inner.sources);
        let mut round = 1;
        loop {
            let done = {
                let ctx = self.context(&snapshot, trust.as_deref(), now, policy);
                match job {
                    Job::Credential(input) => Done::Credential(verify_credential_with(input, &ctx).await),
                    Job::Presentation(input, expect) => {
                        Done::Presentation(verify_presentation(input, &ctx, expect).await)
                    }
                }
            };
            let needs = snapshot.take_missing();
            if needs.is_empty() || round >= MAX_ROUNDS || !snapshot.fill(needs).await {
                return done;
            }
            round += 1;
        }
    }

    fn context<'a>(
        &'a self,
        snapshot: &'a Snapshot<'a>,
        trust: Option<&'a TrustList>,
        now: DateTime<Utc>,
        policy: &Policy,
    ) -> VerifyContext<'a> {
        let s = &self.inner.settings;
        let mut ctx = VerifyContext::new(snapshot, now)
            .with_status_source(snapshot)
            .with_linkage_source(snapshot)
            .with_skew(s.skew)
            .with_max_checkpoint_age(s.max_checkpoint_age)
            .with_verified_lists(&self.inner.verified_lists)
            .with_advisory_checks(policy.advisory.clone());
        if let Some(w) = &s.witness_policy {
            ctx = ctx.with_witness_policy(w.clone());
        }
        if let Some(t) = trust {
            ctx = ctx.with_trust_list(t);
        }
        if policy.require_trust {
            ctx = ctx.requiring_trust();
        }
        ctx
    }
}

#[derive(Clone, Copy)]
enum Job<'a> {
    Credential(&'a str),
    Presentation(&'a str, &'a PresentationExpectations),
}

enum Done {
    Credential(Report),
    Presentation(PresentationReport),
}

/// Never produced: `run` answers a credential job with a credential report. An empty report's
/// verdict is "could not check", never "valid".
fn unreachable_report() -> Report {
    Report::new(Vec::new())
}
