//! The benchmark's inputs, built once before anything is measured: a license in every format by
//! a did:key issuer (what ssi can resolve offline), the same license by the board with status
//! entries in its ledger world, a presentation of each shape, and the trust list that accredits
//! both issuers. Built with the engine tests' fixtures (`tests/common`), read in place.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use medcred_formats::di_jcs::ProofOptions;
use medcred_formats::jwt::{sign_vp_jwt, SignerKey, VpJwtBinding};
use medcred_formats::sd_jwt::{self, KbParams};
use medcred_formats::{di_jcs, di_rdfc, Format, IssuerKey};
use medcred_model::document::sd_jwt_claims;
use medcred_model::IssuerRef;
use medcred_verifier::trust::{Accreditation, TrustList};
use medcred_verifier::{MemoryStatusSource, MemoryVerifiedLists, OfflineResolver, PresentationExpectations};
use rand::SeedableRng;
use serde_json::{json, Value};

use crate::common::ledger::{url, World, INDEX};
use crate::common::{board_key, did_key, envelope, issue, issue_edited, license, now, BOARD};

/// The verifier's challenge (nonce) and domain (audience) in every presentation.
const CHALLENGE: &str = "c-7f3a9e";
const DOMAIN: &str = "https://hospital.example";

/// A presentation shape and its input.
pub(crate) struct Presentation {
    /// `di-<suite>` (carrying a credential in the same suite), `vp+jwt` or `sd-jwt+kb`.
    pub(crate) shape: &'static str,
    pub(crate) input: String,
}

/// Everything the measured calls read.
pub(crate) struct Fixtures {
    /// A license in each format by [`issuer`], without status.
    pub(crate) plain: Vec<(Format, String)>,
    /// A license in each format by the board, with status entries at [`INDEX`].
    pub(crate) with_status: Vec<(Format, String)>,
    pub(crate) presentations: Vec<Presentation>,
    /// Derives did:key and did:jwk documents.
    pub(crate) resolver: OfflineResolver,
    /// The board's DID document (with its `MedcredLedger` service) and its lists with tlog-proofs.
    pub(crate) ledger_resolver: OfflineResolver,
    pub(crate) source: MemoryStatusSource,
    /// The memo of checked status list signatures the verifier service keeps across requests.
    pub(crate) memo: MemoryVerifiedLists,
    pub(crate) trust: TrustList,
}

/// The did:key issuer of the credentials without status.
pub(crate) fn issuer() -> IssuerKey {
    did_key(1)
}

pub(crate) fn expectations() -> PresentationExpectations {
    PresentationExpectations::new(Some(CHALLENGE.into()), Some(DOMAIN.into()))
}

impl Fixtures {
    pub(crate) async fn build() -> Fixtures {
        let key = issuer();
        let mut plain = Vec::new();
        let mut with_status = Vec::new();
        for format in Format::ALL {
            plain.push((format, issue(format, &license(), key.did(), &key).await));
            with_status.push((format, status_credential(format).await));
        }
        let (ledger_resolver, source) = World::default().build().await;
        Fixtures {
            plain,
            with_status,
            presentations: presentations().await,
            resolver: OfflineResolver::new(),
            ledger_resolver,
            source,
            memo: MemoryVerifiedLists::new(64),
            trust: trust_list(&[key.did(), BOARD]),
        }
    }
}

/// A trust list accrediting `dids` for licenses in US-NJ.
fn trust_list(dids: &[&str]) -> TrustList {
    let entry = |did: &str| Accreditation {
        did: did.into(),
        name: "State Board of Nursing".into(),
        credential_types: vec!["MedicalLicenseCredential".into()],
        jurisdictions: vec!["US-NJ".into()],
        valid_from: None,
        valid_until: None,
    };
    TrustList {
        iss: "did:web:federation.example".into(),
        iat: 0,
        exp: i64::MAX,
        sequence: 3,
        entries: dids.iter().map(|d| entry(d)).collect(),
    }
}

/// A license by the board with the two W3C entries (or the SD-JWT VC `status` claim) at [`INDEX`],
/// as in `tests/status.rs`.
async fn status_credential(format: Format) -> String {
    issue_edited(format, &license(), BOARD, &board_key(1), |c| {
        if format == Format::SdJwtVc {
            c.insert("status".into(), json!({"status_list": {"idx": INDEX, "uri": url("token")}}));
        } else {
            let entry = |purpose: &str| {
                json!({"id": format!("{}#{INDEX}", url(purpose)), "type": "BitstringStatusListEntry",
                       "statusPurpose": purpose, "statusListIndex": INDEX.to_string(),
                       "statusListCredential": url(purpose)})
            };
            c.insert("credentialStatus".into(), json!([entry("revocation"), entry("suspension")]));
        }
    })
    .await
}

/// The Data Integrity holder (did:key, Ed25519).
fn holder() -> IssuerKey {
    did_key(5)
}

/// The `vp+jwt` and SD-JWT holder (did:jwk, P-256).
fn p256_holder() -> (SignerKey, String) {
    let key = SignerKey::P256(p256::ecdsa::SigningKey::from_slice(&[6u8; 32]).expect("key"));
    let did = format!("did:jwk:{}", URL_SAFE_NO_PAD.encode(key.verifier_key().to_jwk().to_string()));
    (key, did)
}

/// When the holder signed (30 s before the verifier's clock).
fn created() -> DateTime<Utc> {
    now() - Duration::seconds(30)
}

/// A license by [`issuer`] about `subject`, in `format`.
async fn license_about(format: Format, subject: &str) -> String {
    let key = issuer();
    issue_edited(format, &license(), key.did(), &key, |c| {
        c["credentialSubject"]["id"] = json!(subject);
    })
    .await
}

fn vp(holder: &str, credential: Value) -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": holder,
        "verifiableCredential": [credential]
    })
}

fn json(s: &str) -> Value {
    serde_json::from_str(s).expect("JSON")
}

async fn presentations() -> Vec<Presentation> {
    let h = holder();
    let auth = ProofOptions::authentication(Some(CHALLENGE.into()), Some(DOMAIN.into()));
    let jcs_vp = vp(h.did(), json(&license_about(Format::EddsaJcs2022, h.did()).await));
    let jcs = di_jcs::sign_with(&jcs_vp, &h, created(), &auth).expect("jcs VP").to_string();
    let rdfc_vp = vp(h.did(), json(&license_about(Format::EddsaRdfc2022, h.did()).await));
    let rdfc = di_rdfc::sign_with(&rdfc_vp, &h, created(), &auth).await.expect("rdfc VP").to_string();

    let (key, did) = p256_holder();
    let enveloped = json(&envelope(Format::VcJwt, &license_about(Format::VcJwt, &did).await));
    let binding = VpJwtBinding {
        kid: format!("{did}#0"),
        nonce: Some(CHALLENGE.into()),
        aud: Some(DOMAIN.into()),
        iat: created().timestamp(),
    };
    let vp_jwt = sign_vp_jwt(&vp(&did, enveloped), &key, &binding).expect("vp+jwt");

    let issuer_key = issuer();
    let issuer_ref = IssuerRef { id: issuer_key.did().into(), name: "State Board of Nursing".into() };
    let (mut claims, disclosable) = sd_jwt_claims(&license(), crate::common::ID, &issuer_ref);
    claims.insert("sub".into(), json!(did));
    let mut rng = rand::rngs::StdRng::seed_from_u64(3);
    let jwk = key.verifier_key().to_jwk();
    let issued = sd_jwt::issue(claims, &disclosable, Some(&jwk), &issuer_key, &mut rng).expect("sd-jwt");
    let kb = KbParams { aud: DOMAIN.into(), nonce: CHALLENGE.into(), iat: created().timestamp(), holder: key };
    let keep = ["/name".to_owned(), "/license_type".to_owned(), "/jurisdiction".to_owned()];
    let sd_kb = sd_jwt::present(&issued, &keep, Some(&kb)).expect("present");

    vec![
        Presentation { shape: "di-eddsa-jcs-2022", input: jcs },
        Presentation { shape: "di-eddsa-rdfc-2022", input: rdfc },
        Presentation { shape: "vp+jwt", input: vp_jwt },
        Presentation { shape: "sd-jwt+kb", input: sd_kb },
    ]
}
