//! What a verification runs with: where DID documents and status lists come from, the clock, and
//! the policies that decide how much proof is enough.

use std::fmt;

use chrono::{DateTime, Duration, Utc};
use medcred_registry::witness::WitnessPolicy;

use crate::danger::Danger;
use crate::linkage::LinkageSource;
use crate::report::CheckName;
use crate::resolve::DidResolver;
use crate::status::{StatusSource, VerifiedLists};
use crate::trust::TrustList;

/// Clock skew allowed on validity bounds unless told otherwise.
pub const DEFAULT_SKEW: Duration = Duration::minutes(5);

/// How old the newest ledger evidence for a status list (its snapshot leaf's time, or the newest
/// witness cosignature) may be unless told otherwise.
pub const DEFAULT_MAX_CHECKPOINT_AGE: Duration = Duration::hours(24);

/// The inputs of [`crate::verify_credential_with`] besides the credential.
///
/// Start from [`VerifyContext::new`] and add what the caller has; without a status source,
/// credentials with a status entry are reported "could not check"; without a trust list, issuer
/// trust could not be checked (which counts only when trust is required).
#[derive(Clone)]
#[non_exhaustive]
pub struct VerifyContext<'a> {
    /// Resolves issuers' DIDs (their keys, and their `MedcredLedger` service).
    pub resolver: &'a dyn DidResolver,
    /// Gives the status lists (and their ledger proofs) that credentials point at.
    pub status: Option<&'a dyn StatusSource>,
    /// Gives the DID Configuration resources of did:web issuers' origins (domain linkage,
    /// reported in the issuer trust check). Without one, domain linkage is not looked at.
    pub linkage: Option<&'a dyn LinkageSource>,
    /// The verifier's clock (never read by the engine itself).
    pub now: DateTime<Utc>,
    /// Allowed clock difference on validity bounds (its absolute value is used).
    pub skew: Duration,
    /// The witnesses that must have cosigned a ledger checkpoint. Without one only the log's own
    /// signature is checked, and the status detail says "no witness policy".
    pub witness_policy: Option<WitnessPolicy>,
    /// How old the newest ledger evidence for a list may be before its status is "could not
    /// check" (stale).
    pub max_checkpoint_age: Duration,
    /// The accredited boards, already checked (signature, expiry, sequence) by the caller.
    pub trust: Option<&'a TrustList>,
    /// Whether issuer trust counts toward the verdict (a hospital's own flows). Otherwise the
    /// check is reported as advisory: a warning, as on the generic VC-API endpoint.
    pub require_trust: bool,
    /// Checks the caller did not ask for (VC-API `options.checks`): reported, as warnings when
    /// they do not pass, but not counted toward the verdict. Syntax, issuer binding and proof
    /// always count.
    pub advisory: Vec<CheckName>,
    /// Status list signatures already checked, kept by the caller across verifications.
    pub verified_lists: Option<&'a dyn VerifiedLists>,
    /// Options that weaken verification.
    pub danger: Danger,
}

impl<'a> VerifyContext<'a> {
    /// Verify at `now` with DID documents from `resolver`, no status source, [`DEFAULT_SKEW`],
    /// no witness policy, [`DEFAULT_MAX_CHECKPOINT_AGE`] and no dangerous option.
    pub fn new(resolver: &'a dyn DidResolver, now: DateTime<Utc>) -> Self {
        Self {
            resolver,
            status: None,
            linkage: None,
            now,
            skew: DEFAULT_SKEW,
            witness_policy: None,
            max_checkpoint_age: DEFAULT_MAX_CHECKPOINT_AGE,
            trust: None,
            require_trust: false,
            advisory: Vec::new(),
            verified_lists: None,
            danger: Danger::default(),
        }
    }

    /// Remember checked status list signatures in `memo`.
    pub fn with_verified_lists(self, memo: &'a dyn VerifiedLists) -> Self {
        Self { verified_lists: Some(memo), ..self }
    }

    /// Report `checks` without counting them toward the verdict.
    pub fn with_advisory_checks(self, checks: Vec<CheckName>) -> Self {
        Self { advisory: checks, ..self }
    }

    /// Decide issuer trust with `list` (reported as advisory unless [`Self::requiring_trust`]).
    pub fn with_trust_list(self, list: &'a TrustList) -> Self {
        Self { trust: Some(list), ..self }
    }

    /// Make issuer trust count toward the verdict: an issuer the trust list does not accredit
    /// (or no trust list at all) leaves the credential invalid (could not check).
    pub fn requiring_trust(self) -> Self {
        Self { require_trust: true, ..self }
    }

    /// Read status lists from `source`.
    pub fn with_status_source(self, source: &'a dyn StatusSource) -> Self {
        Self { status: Some(source), ..self }
    }

    /// Check did:web issuers' domain linkage with DID Configuration resources from `source`.
    pub fn with_linkage_source(self, source: &'a dyn LinkageSource) -> Self {
        Self { linkage: Some(source), ..self }
    }

    /// Allow `skew` of clock difference on validity bounds.
    pub fn with_skew(self, skew: Duration) -> Self {
        Self { skew, ..self }
    }

    /// Require ledger checkpoints to be cosigned per `policy`.
    pub fn with_witness_policy(self, policy: WitnessPolicy) -> Self {
        Self { witness_policy: Some(policy), ..self }
    }

    /// Accept ledger evidence up to `age` old.
    pub fn with_max_checkpoint_age(self, age: Duration) -> Self {
        Self { max_checkpoint_age: age, ..self }
    }

    /// Use the dangerous options `danger`.
    pub fn with_danger(self, danger: Danger) -> Self {
        Self { danger, ..self }
    }
}

impl fmt::Debug for VerifyContext<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyContext")
            .field("status", &self.status.is_some())
            .field("linkage", &self.linkage.is_some())
            .field("now", &self.now)
            .field("skew", &self.skew)
            .field("witness_policy", &self.witness_policy)
            .field("max_checkpoint_age", &self.max_checkpoint_age)
            .field("trust", &self.trust.map(|t| (&t.iss, t.sequence)))
            .field("require_trust", &self.require_trust)
            .field("advisory", &self.advisory)
            .field("verified_lists", &self.verified_lists.is_some())
            .field("danger", &self.danger)
            .finish_non_exhaustive()
    }
}
