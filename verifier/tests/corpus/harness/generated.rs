//! Inputs the test makes instead of committing: a 10 MiB body and 1,000-deep JSON nesting (in a
//! credential, in a presentation, and inside a compact JWT's payload).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};

/// 10 MiB, ten times the engine's input limit.
pub(crate) const TEN_MIB: usize = 10 << 20;
/// Nesting depth of the deep inputs (the engine's limit is 64).
pub(crate) const DEPTH: usize = 1000;

/// A generated input, as the manifest names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Generated {
    /// A Data Integrity credential shape padded to 10 MiB with one string claim.
    TenMibCredential,
    /// A Data Integrity presentation shape padded to 10 MiB.
    TenMibPresentation,
    /// A Data Integrity credential shape whose subject nests 1,000 objects deep.
    Deep1000Credential,
    /// A Data Integrity presentation shape whose credential list nests 1,000 arrays deep.
    Deep1000Presentation,
    /// A `vc+jwt` (fake signature) whose payload nests 1,000 objects deep.
    Deep1000JwtPayload,
}

fn deep_object() -> String {
    format!("{}1{}", "{\"a\":".repeat(DEPTH), "}".repeat(DEPTH))
}

fn deep_array() -> String {
    format!("{}{}", "[".repeat(DEPTH), "]".repeat(DEPTH))
}

const PROOF: &str = r#"{"type":"DataIntegrityProof","cryptosuite":"eddsa-jcs-2022","proofPurpose":"assertionMethod","verificationMethod":"did:web:board.example#key-1","proofValue":"z1111"}"#;

impl Generated {
    /// The input.
    pub(crate) fn make(self) -> String {
        match self {
            Generated::TenMibCredential => format!(
                r#"{{"type":["VerifiableCredential"],"issuer":"did:web:board.example","padding":"{}","proof":{PROOF}}}"#,
                "x".repeat(TEN_MIB)
            ),
            Generated::TenMibPresentation => {
                format!(r#"{{"type":["VerifiablePresentation"],"padding":"{}","proof":{PROOF}}}"#, "x".repeat(TEN_MIB))
            }
            Generated::Deep1000Credential => format!(
                r#"{{"type":["VerifiableCredential"],"issuer":"did:web:board.example","credentialSubject":{},"proof":{PROOF}}}"#,
                deep_object()
            ),
            Generated::Deep1000Presentation => format!(
                r#"{{"type":["VerifiablePresentation"],"verifiableCredential":{},"proof":{PROOF}}}"#,
                deep_array()
            ),
            Generated::Deep1000JwtPayload => {
                let header = r#"{"alg":"EdDSA","typ":"vc+jwt","kid":"did:web:board.example#key-1"}"#;
                let b64 = |b: &[u8]| URL_SAFE_NO_PAD.encode(b);
                format!("{}.{}.{}", b64(header.as_bytes()), b64(deep_object().as_bytes()), b64(&[0u8; 64]))
            }
        }
    }
}
