//! The status check against a board's real ledger: lists signed by the board, a Merkle log with a
//! snapshot leaf, a log-signed and witness-cosigned checkpoint, and the tlog-proof of the snapshot
//! (built in `common::ledger`). Each test breaks one thing and expects one outcome.

mod common;

use chrono::Duration;
use common::ledger::{policy, url, World, INDEX};
use common::*;
use medcred_formats::{Format, IssuerKey};
use medcred_verifier::{
    verify_credential_with, CheckName, Danger, MemoryStatusSource, MemoryVerifiedLists, OfflineResolver, Outcome,
    Report, StatusSource, Verdict, VerifyContext,
};
use serde_json::json;

/// A license by the board with the two W3C entries at `index` (or the SD-JWT VC `status` claim).
async fn credential(format: Format, index: u64) -> String {
    issue_edited(format, &license(), BOARD, &board_key(1), |c| {
        if format == Format::SdJwtVc {
            c.insert("status".into(), json!({"status_list": {"idx": index, "uri": url("token")}}));
        } else {
            let entry = |purpose: &str| {
                json!({"id": format!("{}#{index}", url(purpose)), "type": "BitstringStatusListEntry",
                       "statusPurpose": purpose, "statusListIndex": index.to_string(),
                       "statusListCredential": url(purpose)})
            };
            c.insert("credentialStatus".into(), json!([entry("revocation"), entry("suspension")]));
        }
    })
    .await
}

/// Verify `credential` in `world` with the witness policy and the default freshness.
async fn check(credential: &str, world: &World) -> Report {
    let (resolver, source) = world.build().await;
    check_with(credential, &resolver, &source, |ctx| ctx.with_witness_policy(policy())).await
}

async fn check_with(
    credential: &str,
    resolver: &OfflineResolver,
    source: &MemoryStatusSource,
    edit: impl FnOnce(VerifyContext<'_>) -> VerifyContext<'_>,
) -> Report {
    let ctx = edit(VerifyContext::new(resolver, now()).with_skew(skew()).with_status_source(source));
    let r = verify_credential_with(credential, &ctx).await;
    assert_eq!(outcome(&r, CheckName::Proof), Outcome::Passed, "the credential itself verifies: {}", show(&r));
    r
}

/// The context with the dangerous flag that accepts unproven status.
fn danger(ctx: VerifyContext<'_>) -> VerifyContext<'_> {
    ctx.with_danger(Danger::default().accepting_unproven_status())
}

/// The status outcome's reason (empty for a pass) and detail.
fn status(r: &Report) -> (Outcome, String, String) {
    let check = r.checks.iter().find(|c| c.name == CheckName::Status).expect("status check");
    let reason = check.outcome.reason().unwrap_or_default().to_owned();
    (check.outcome.clone(), reason, check.detail.clone().unwrap_or_default())
}

#[tokio::test]
async fn active_credentials_pass_with_the_proof_in_the_detail() {
    for format in [Format::EddsaRdfc2022, Format::EddsaJcs2022, Format::VcJwt, Format::SdJwtVc] {
        let r = check(&credential(format, INDEX).await, &World::default()).await;
        let (outcome, _, detail) = status(&r);
        assert_eq!(outcome, Outcome::Passed, "{format}: {}", show(&r));
        assert_eq!(r.verdict, Verdict::Valid);
        let list = if format == Format::SdJwtVc { url("token") } else { url("suspension") };
        for part in [list.as_str(), "index 94", "checkpoint size 5", "board.example/log", "w41.example, w42.example"] {
            assert!(detail.contains(part), "{format}: {part:?} in {detail}");
        }
    }
}

#[tokio::test]
async fn revoked_and_suspended_credentials_fail() {
    let revoked = World { revoked: vec![INDEX], ..World::default() };
    let suspended = World { suspended: vec![INDEX], ..World::default() };
    for format in [Format::EddsaRdfc2022, Format::SdJwtVc] {
        let credential = credential(format, INDEX).await;
        for (world, why) in [(&revoked, "revoked"), (&suspended, "suspended")] {
            let r = check(&credential, world).await;
            let (outcome, reason, _) = status(&r);
            assert!(matches!(outcome, Outcome::Failed { .. }), "{format} {why}: {}", show(&r));
            assert!(reason.starts_with(why), "{format}: {reason}");
            assert_eq!(r.verdict, Verdict::Invalid);
        }
    }
    // Another credential's revocation does not touch this one, and is proven too.
    let r =
        check(&credential(Format::EddsaRdfc2022, INDEX).await, &World { revoked: vec![95], ..World::default() }).await;
    assert_eq!(r.verdict, Verdict::Valid, "{}", show(&r));
}

#[tokio::test]
async fn lists_not_signed_by_the_credential_issuer_fail() {
    let stranger = did_key(9);
    let other_issuer = World { list_issuer: stranger.did().to_owned(), list_key: stranger.clone(), ..World::default() };
    let other_key = World { list_key: IssuerKey::new(signing(9), format!("{BOARD}#key-1")), ..World::default() };
    for format in [Format::EddsaRdfc2022, Format::SdJwtVc] {
        let credential = credential(format, INDEX).await;
        let (outcome, reason, _) = status(&check(&credential, &other_issuer).await);
        assert!(matches!(outcome, Outcome::Failed { .. }), "{format}: {reason}");
        assert!(reason.contains("not by the credential's issuer"), "{reason}");
        let (outcome, reason, _) = status(&check(&credential, &other_key).await);
        assert!(matches!(outcome, Outcome::Failed { .. }), "{format} forged signature: {reason}");
    }
}

#[tokio::test]
async fn an_index_out_of_range_fails() {
    for format in [Format::EddsaJcs2022, Format::SdJwtVc] {
        let (outcome, reason, _) = status(&check(&credential(format, 131_072).await, &World::default()).await);
        assert!(matches!(outcome, Outcome::Failed { .. }), "{format}: {reason}");
        assert!(reason.contains("not below the list length 131072"), "{reason}");
    }
}

#[tokio::test]
async fn a_forged_inclusion_path_fails() {
    let world = World { forge_path: true, ..World::default() };
    for format in [Format::EddsaRdfc2022, Format::SdJwtVc] {
        let (outcome, reason, _) = status(&check(&credential(format, INDEX).await, &world).await);
        assert!(matches!(outcome, Outcome::Failed { .. }), "{format}: {reason}");
        assert!(reason.contains("contradicts the issuer's ledger") && reason.contains("inclusion"), "{reason}");
    }
}

#[tokio::test]
async fn a_list_the_snapshot_does_not_record_fails() {
    // The server hides a revocation: the list shows index 94 clear, the ledger recorded it set.
    let world = World { snapshot_revoked: Some(vec![INDEX]), ..World::default() };
    let (resolver, source) = world.build().await;
    for format in [Format::EddsaRdfc2022, Format::SdJwtVc] {
        let credential = credential(format, INDEX).await;
        for r in [check(&credential, &world).await, check_with(&credential, &resolver, &source, danger).await] {
            let (outcome, reason, _) = status(&r);
            assert!(matches!(outcome, Outcome::Failed { .. }), "{format}: {reason}");
            assert!(reason.contains("revocation bits") && reason.contains("contradicts"), "{reason}");
        }
    }
}

#[tokio::test]
async fn a_missing_list_could_not_be_checked() {
    let (resolver, mut source) = World::default().build().await;
    source.remove(&url("suspension"));
    let r = check_with(&credential(Format::EddsaRdfc2022, INDEX).await, &resolver, &source, |c| c).await;
    let (outcome, reason, detail) = status(&r);
    assert!(matches!(outcome, Outcome::CouldNotCheck { .. }), "{}", show(&r));
    assert!(reason.contains(&url("suspension")), "{reason}");
    assert!(detail.contains(&url("revocation")), "the entry that passed is still described: {detail}");
    assert_eq!(r.verdict, Verdict::CouldNotCheck);
}

#[tokio::test]
async fn stale_ledger_evidence_could_not_be_checked() {
    let old = now() - Duration::days(3);
    let stale = World { snapshot_time: old, cosign_time: old, ..World::default() };
    let credential = credential(Format::EddsaRdfc2022, INDEX).await;
    let (outcome, reason, _) = status(&check(&credential, &stale).await);
    assert!(matches!(outcome, Outcome::CouldNotCheck { .. }), "{reason}");
    assert!(reason.contains("stale") && reason.contains("3d old"), "{reason}");
    // A fresh cosignature on a checkpoint over an old snapshot is fresh evidence.
    let recosigned = World { snapshot_time: old, ..World::default() };
    assert_eq!(status(&check(&credential, &recosigned).await).0, Outcome::Passed);
    // So is an old snapshot under a generous maximum age.
    let (resolver, source) = stale.build().await;
    let generous = check_with(&credential, &resolver, &source, |c| c.with_max_checkpoint_age(Duration::days(4))).await;
    assert_eq!(status(&generous).0, Outcome::Passed);
}

#[tokio::test]
async fn an_unmet_witness_policy_could_not_be_checked() {
    // Chosen: too few cosignatures leave the status unproven (the log may show others another
    // view), they do not prove the credential bad.
    let credential = credential(Format::EddsaRdfc2022, INDEX).await;
    for cosigners in [vec![], vec![41], vec![41, 43]] {
        let world = World { cosigners: cosigners.clone(), ..World::default() };
        let (outcome, reason, _) = status(&check(&credential, &world).await);
        assert!(matches!(outcome, Outcome::CouldNotCheck { .. }), "{cosigners:?}: {reason}");
        assert!(reason.contains("witness policy not met"), "{reason}");
    }
    // Without a policy only the log's signature counts, and the detail says so.
    let (resolver, source) = World { cosigners: vec![], ..World::default() }.build().await;
    let (outcome, _, detail) = status(&check_with(&credential, &resolver, &source, |c| c).await);
    assert_eq!(outcome, Outcome::Passed);
    assert!(detail.contains("no witness policy"), "{detail}");
}

#[tokio::test]
async fn the_danger_flag_passes_unproven_status_and_says_so() {
    let credential = credential(Format::EddsaRdfc2022, INDEX).await;
    let (resolver, mut source) = World::default().build().await;
    for purpose in ["revocation", "suspension"] {
        let mut list = source.remove(&url(purpose)).expect("list");
        list.tlog_proof = None;
        source.insert(url(purpose), list);
    }
    let (outcome, reason, _) = status(&check_with(&credential, &resolver, &source, |c| c).await);
    assert!(matches!(outcome, Outcome::CouldNotCheck { .. }), "{reason}");
    assert!(reason.contains("no tlog-proof"), "{reason}");

    let r = check_with(&credential, &resolver, &source, danger).await;
    let (outcome, _, detail) = status(&r);
    assert_eq!(outcome, Outcome::Passed, "{}", show(&r));
    assert!(detail.contains("NOT PROVEN") && detail.contains("danger.accept_unproven_status"), "{detail}");
    assert_eq!(r.verdict, Verdict::Valid);
    // It does not turn a revocation into a pass.
    let (resolver, source) = World { revoked: vec![INDEX], ..World::default() }.build().await;
    let r = check_with(&credential, &resolver, &source, danger).await;
    assert_eq!(r.verdict, Verdict::Invalid, "{}", show(&r));
}

#[tokio::test]
async fn an_issuer_without_a_ledger_could_not_be_checked() {
    let world = World { ledger_service: false, ..World::default() };
    let (outcome, reason, _) = status(&check(&credential(Format::SdJwtVc, INDEX).await, &world).await);
    assert!(matches!(outcome, Outcome::CouldNotCheck { .. }), "{reason}");
    assert!(reason.contains("MedcredLedger"), "{reason}");
}

#[tokio::test]
async fn without_a_status_source_status_could_not_be_checked() {
    let (resolver, _) = World::default().build().await;
    let ctx = VerifyContext::new(&resolver, now());
    let r = verify_credential_with(&credential(Format::SdJwtVc, INDEX).await, &ctx).await;
    let (outcome, reason, _) = status(&r);
    assert!(matches!(outcome, Outcome::CouldNotCheck { .. }) && reason.contains("no status source"), "{reason}");
}

#[tokio::test]
async fn a_list_served_for_another_url_fails() {
    let (resolver, mut source) = World::default().build().await;
    let suspension = source.fetch(&url("suspension")).expect("list");
    source.insert(url("revocation"), suspension);
    let r = check_with(&credential(Format::EddsaRdfc2022, INDEX).await, &resolver, &source, |c| c).await;
    let (outcome, reason, _) = status(&r);
    assert!(matches!(outcome, Outcome::Failed { .. }), "{reason}");
    assert!(
        reason.contains(&format!("fetched for {} has the id {}", url("revocation"), url("suspension"))),
        "{reason}"
    );
}

#[tokio::test]
async fn a_token_list_cannot_prove_suspensions_hidden_by_revocations() {
    // Entry 95 is revoked and suspended: the token shows 1 there, so the token's suspension bits
    // cannot be matched to the ledger; the W3C suspension list can.
    let world = World { revoked: vec![95], suspended: vec![95], ..World::default() };
    let (outcome, reason, _) = status(&check(&credential(Format::SdJwtVc, INDEX).await, &world).await);
    assert!(matches!(outcome, Outcome::CouldNotCheck { .. }), "{reason}");
    assert!(reason.contains("use the W3C suspension list"), "{reason}");
    let r = check(&credential(Format::EddsaRdfc2022, INDEX).await, &world).await;
    assert_eq!(r.verdict, Verdict::Valid, "{}", show(&r));
}

/// Verify with `memo` kept across calls.
async fn check_memo(credential: &str, world: World, memo: &MemoryVerifiedLists) -> Report {
    let (resolver, source) = world.build().await;
    let ctx =
        VerifyContext::new(&resolver, now()).with_skew(skew()).with_status_source(&source).with_verified_lists(memo);
    verify_credential_with(credential, &ctx).await
}

#[tokio::test]
async fn a_memo_of_checked_list_signatures_changes_no_verdict() {
    let memo = MemoryVerifiedLists::new(16);
    let credential = credential(Format::EddsaRdfc2022, INDEX).await;
    for _ in 0..2 {
        let r = check_memo(&credential, World::default(), &memo).await;
        assert_eq!(r.verdict, Verdict::Valid, "{}", show(&r));
    }
    // A list with the same content signed by a key the issuer does not have is other bytes: the
    // memo of the good list does not vouch for it.
    let forged = World { list_key: IssuerKey::new(signing(9), format!("{BOARD}#key-1")), ..World::default() };
    let r = check_memo(&credential, forged, &memo).await;
    assert!(matches!(status(&r).0, Outcome::Failed { .. }), "{}", show(&r));
    // A revocation published after the memo was filled is read from the new list.
    let r = check_memo(&credential, World { revoked: vec![INDEX], ..World::default() }, &memo).await;
    assert_eq!(r.verdict, Verdict::Invalid, "{}", show(&r));
}
