//! The worlds a case is verified in, by name: the DID documents the resolver knows, the status
//! lists and ledger proofs the status source serves (`common::ledger` variants), the trust list,
//! and — for presentations — the verifier's request. All are rebuilt from seeded keys at the
//! fixed clock `common::now()`, so a committed input meets the same world every run.

use chrono::Duration;
use medcred_verifier::trust::{Accreditation, TrustList};
use medcred_verifier::{
    verify_credential_with, verify_presentation, Check, MemoryStatusSource, OfflineResolver, PresentationExpectations,
    Verdict, VerifyContext,
};
use serde::{Deserialize, Serialize};

use super::manifest::Kind;
use crate::common::ledger::{policy, World, INDEX};
use crate::common::{board_doc, did_key, now, resolver, signing, skew, BOARD};
use medcred_formats::IssuerKey;

/// The challenge (OpenID4VP nonce) of the verifier's request, for every presentation case.
pub(crate) const CHALLENGE: &str = "c-7f3a9e";
/// The verifier's domain (audience), for every presentation case.
pub(crate) const DOMAIN: &str = "https://hospital.example";

/// A world, as the manifest names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum WorldName {
    /// The board (`did:web:board.example`) with key 1 under assertionMethod; no status source,
    /// no trust list. Presentations are checked against [`CHALLENGE`] and [`DOMAIN`].
    Board,
    /// The board publishing keys 1 and 2, only key 1 under assertionMethod.
    BoardTwoKeys,
    /// The board, and a trust list accrediting it for licenses in US-NJ; trust required.
    TrustRequired,
    /// The board's honest ledger: lists clear, fresh checkpoint cosigned by both witnesses.
    Ledger,
    /// The ledger with the credentials' index revoked.
    LedgerRevoked,
    /// The ledger with the credentials' index suspended.
    LedgerSuspended,
    /// The ledger after the suspension was lifted: the same index clear again.
    LedgerReinstated,
    /// Status lists issued and signed by another DID (a did:key).
    LedgerForeignListSigner,
    /// Status lists naming the board's key 1 but signed with another private key.
    LedgerForgedListSignature,
    /// A tlog-proof whose inclusion path was altered.
    LedgerForgedPath,
    /// Snapshot and cosignatures three days old (the limit is 24 h).
    LedgerStale,
    /// A checkpoint cosigned by one of the two required witnesses.
    LedgerUnderCosigned,
}

/// A built world: what a [`VerifyContext`] borrows.
pub(crate) struct Built {
    resolver: OfflineResolver,
    status: Option<MemoryStatusSource>,
    trust: Option<TrustList>,
}

impl WorldName {
    /// The ledger variant behind a `Ledger*` world.
    fn ledger(self) -> Option<World> {
        let old = now() - Duration::days(3);
        let stranger = did_key(9);
        Some(match self {
            WorldName::Ledger | WorldName::LedgerReinstated => World::default(),
            WorldName::LedgerRevoked => World { revoked: vec![INDEX], ..World::default() },
            WorldName::LedgerSuspended => World { suspended: vec![INDEX], ..World::default() },
            WorldName::LedgerForeignListSigner => {
                World { list_issuer: stranger.did().to_owned(), list_key: stranger, ..World::default() }
            }
            WorldName::LedgerForgedListSignature => {
                World { list_key: IssuerKey::new(signing(9), format!("{BOARD}#key-1")), ..World::default() }
            }
            WorldName::LedgerForgedPath => World { forge_path: true, ..World::default() },
            WorldName::LedgerStale => World { snapshot_time: old, cosign_time: old, ..World::default() },
            WorldName::LedgerUnderCosigned => World { cosigners: vec![41], ..World::default() },
            WorldName::Board | WorldName::BoardTwoKeys | WorldName::TrustRequired => return None,
        })
    }

    /// Build the world.
    pub(crate) async fn build(self) -> Built {
        if let Some(world) = self.ledger() {
            let (resolver, source) = world.build().await;
            return Built { resolver, status: Some(source), trust: None };
        }
        let resolver = match self {
            WorldName::BoardTwoKeys => OfflineResolver::new().with_document(board_doc(&[1, 2], &[1])),
            _ => resolver(),
        };
        let trust = (self == WorldName::TrustRequired).then(trust_list);
        Built { resolver, status: None, trust }
    }
}

/// The trust list of [`WorldName::TrustRequired`].
fn trust_list() -> TrustList {
    TrustList {
        iss: "did:web:federation.example".into(),
        iat: 0,
        exp: i64::MAX,
        sequence: 3,
        entries: vec![Accreditation {
            did: BOARD.into(),
            name: "State Board of Nursing".into(),
            credential_types: vec!["MedicalLicenseCredential".into()],
            jurisdictions: vec!["US-NJ".into()],
            valid_from: None,
            valid_until: None,
        }],
    }
}

impl Built {
    /// The verifier's context in this world, at `common::now()`.
    fn context(&self) -> VerifyContext<'_> {
        let mut ctx = VerifyContext::new(&self.resolver, now()).with_skew(skew());
        if let Some(source) = &self.status {
            ctx = ctx.with_status_source(source).with_witness_policy(policy());
        }
        if let Some(list) = &self.trust {
            ctx = ctx.with_trust_list(list).requiring_trust();
        }
        ctx
    }
}

/// What verifying an input produced: the checks, the verdict, and the report as JSON (for
/// failure messages).
pub(crate) struct Seen {
    pub(crate) checks: Vec<Check>,
    pub(crate) verdict: Verdict,
    pub(crate) json: String,
}

/// Verify `input` as a `kind` in `world`.
pub(crate) async fn verify(world: WorldName, kind: Kind, input: &str) -> Seen {
    let built = world.build().await;
    let ctx = built.context();
    match kind {
        Kind::Credential => {
            let r = verify_credential_with(input, &ctx).await;
            let json = serde_json::to_string_pretty(&r).unwrap_or_default();
            Seen { checks: r.checks, verdict: r.verdict, json }
        }
        Kind::Presentation => {
            let expect = PresentationExpectations::new(Some(CHALLENGE.into()), Some(DOMAIN.into()));
            let r = verify_presentation(input, &ctx, &expect).await;
            let json = serde_json::to_string_pretty(&r).unwrap_or_default();
            Seen { checks: r.checks, verdict: r.verdict, json }
        }
    }
}
