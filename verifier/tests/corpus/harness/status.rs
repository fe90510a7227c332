//! The status cases: licenses by the board with status entries into list 3 (`common::ledger`),
//! each verified in a ledger world that breaks one thing (or, for the reinstated case, none).

use medcred_formats::Format;
use medcred_verifier::CheckName::Status;
use serde_json::json;

use super::credentials::ext;
use super::generate::Made;
use super::manifest::{fails, filed, passes, unchecked, Expect, Kind};
use super::worlds::WorldName::{self, *};
use crate::common::ledger::{url, INDEX};
use crate::common::{board_key, issue_edited, license, BOARD};

/// A license by the board with the two W3C entries at `index` (or the SD-JWT VC `status` claim).
pub(crate) async fn credential(format: Format, index: u64) -> String {
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

/// One status case: a credential in `format` at `index`, verified in `world`.
async fn case(name: &str, format: Format, index: u64, world: WorldName, what: &str, e: Expect) -> Made {
    let c = filed("cases", name, ext(format), Kind::Credential, world, what, e);
    (c, credential(format, index).await.into_bytes())
}

/// The status cases.
pub(crate) async fn cases() -> Vec<Made> {
    vec![
        case("revoked_rdfc", Format::EddsaRdfc2022, INDEX, LedgerRevoked,
            "a license whose revocation bit is set in the board's (ledger-proven) list",
            fails(Status, "revoked")).await,
        case("revoked_sd_jwt", Format::SdJwtVc, INDEX, LedgerRevoked,
            "an SD-JWT VC whose Token Status List value is 1 (invalid)", fails(Status, "revoked")).await,
        case("suspended_jcs", Format::EddsaJcs2022, INDEX, LedgerSuspended,
            "a license whose suspension bit is set", fails(Status, "suspended")).await,
        case("reinstated_vc_jwt", Format::VcJwt, INDEX, LedgerReinstated,
            "a license suspended and then reinstated: the bit is clear again and the ledger proves it (the one valid case)",
            passes(Status)).await,
        case("status_list_by_another_issuer_rdfc", Format::EddsaRdfc2022, INDEX, LedgerForeignListSigner,
            "the status lists served are issued and signed by a did:key, not by the credential's issuer",
            fails(Status, "not by the credential's issuer")).await,
        case("status_list_by_another_issuer_sd_jwt", Format::SdJwtVc, INDEX, LedgerForeignListSigner,
            "the Token Status List served is issued and signed by a did:key",
            fails(Status, "not by the credential's issuer")).await,
        case("status_list_forged_signature_jcs", Format::EddsaJcs2022, INDEX, LedgerForgedListSignature,
            "the lists name the board's key-1 but were signed with another private key",
            fails(Status, "proof: Ed25519 signature does not match")).await,
        case("status_index_out_of_range_jcs", Format::EddsaJcs2022, 131_072, Ledger,
            "statusListIndex 131072 in lists of 131072 entries",
            fails(Status, "not below the list length 131072")).await,
        case("status_index_out_of_range_sd_jwt", Format::SdJwtVc, 131_072, Ledger,
            "status_list.idx 131072 in a token list of 131072 entries",
            fails(Status, "not below the list length 131072")).await,
        case("forged_inclusion_proof_rdfc", Format::EddsaRdfc2022, INDEX, LedgerForgedPath,
            "the tlog-proof's inclusion path was altered: the log-signed checkpoint does not include the snapshot",
            fails(Status, "inclusion")).await,
        case("forged_inclusion_proof_sd_jwt", Format::SdJwtVc, INDEX, LedgerForgedPath,
            "the token list's tlog-proof has an altered inclusion path", fails(Status, "inclusion")).await,
        case("stale_checkpoint_jcs", Format::EddsaJcs2022, INDEX, LedgerStale,
            "the newest ledger evidence (snapshot, cosignatures) is three days old; 24 h are allowed",
            unchecked(Status, "stale, its newest evidence")).await,
        case("under_cosigned_checkpoint_sd_jwt", Format::SdJwtVc, INDEX, LedgerUnderCosigned,
            "the checkpoint is cosigned by one of the two witnesses the policy requires",
            unchecked(Status, "witness policy not met")).await,
    ]
}

/// A license with status entries that verifies valid in the honest ledger, for the controls.
pub(crate) async fn controls() -> Vec<Made> {
    let c = filed(
        "controls",
        "valid_with_status_rdfc",
        "json",
        Kind::Credential,
        Ledger,
        "the board's eddsa-rdfc-2022 license with status entries, active and ledger-proven",
        passes(Status),
    );
    vec![(c, credential(Format::EddsaRdfc2022, INDEX).await.into_bytes())]
}
