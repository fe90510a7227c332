//! Regression cases from fuzzing (`scripts/fuzz.sh`): inputs that crashed the engine, kept so the
//! crash cannot come back unnoticed. While a bug is open its entry carries `known_panic`; none is
//! open now.

use medcred_formats::Format;
use medcred_verifier::CheckName::Proof;
use serde_json::{json, Value};

use super::generate::Made;
use super::manifest::{fails, filed, Kind};
use super::presentations::di_vp;
use super::worlds::{WorldName, CHALLENGE, DOMAIN};
use crate::common::{board_key, issue, license, BOARD};

/// How the eddsa-rdfc-2022 cases used to panic: ssi's JSON-LD expansion hashes IRIs with pct-str
/// 2.0.0, whose Hash impl unwraps the UTF-8 decoding of percent-escapes, so an IRI holding `%dc`
/// (a lone byte 0xDC) panicked (pct-str-2.0.0/src/lib.rs:200). Found by the fuzz target `signed`;
/// `medcred_formats` now refuses such documents before ssi sees them, with this reason.
const REASON: &str = "percent-escapes that are not UTF-8";

/// An IRI whose percent-escape decodes to a byte that is not UTF-8.
const BAD_IRI: &str = "https://x%dc.example/1";

fn case(name: &str, kind: Kind, what: &str, input: String) -> Made {
    (filed("cases", name, "json", kind, WorldName::Board, what, fails(Proof, REASON)), input.into_bytes())
}

/// The board's eddsa-rdfc-2022 license with `edit` applied after signing.
async fn edited_license(edit: impl FnOnce(&mut Value)) -> String {
    let mut v: Value =
        serde_json::from_str(&issue(Format::EddsaRdfc2022, &license(), BOARD, &board_key(1)).await).expect("json");
    edit(&mut v);
    v.to_string()
}

/// The regression cases.
pub(crate) async fn cases() -> Vec<Made> {
    let context = edited_license(|v| v["@context"][1] = json!("https://me%dcred.org/ns/credentials/v1")).await;
    let subject = edited_license(|v| v["credentialSubject"]["id"] = json!(BAD_IRI)).await;
    let mut vp: Value = serde_json::from_str(&di_vp(Format::EddsaRdfc2022, CHALLENGE, DOMAIN).await).expect("json");
    vp["verifiableCredential"][0]["credentialSubject"]["id"] = json!(BAD_IRI);
    vec![
        case("fuzz_rdfc_context_iri_bad_percent_escape", Kind::Credential,
            "eddsa-rdfc-2022 license whose second @context IRI is https://me%dcred.org/... (the fuzzer's find, as a credential)",
            context),
        case("fuzz_rdfc_subject_iri_bad_percent_escape", Kind::Credential,
            "eddsa-rdfc-2022 license whose credentialSubject.id was changed to an IRI with the escape %dc",
            subject),
        case("fuzz_rdfc_vp_embedded_iri_bad_percent_escape", Kind::Presentation,
            "eddsa-rdfc-2022 presentation whose embedded credential's subject id was changed to an IRI with %dc",
            vp.to_string()),
    ]
}
