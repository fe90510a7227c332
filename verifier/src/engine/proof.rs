//! The proof check: the secured credential verifies with the bound issuer key, per format.

use medcred_formats::jwt::{verify_vc_jwt, VerifierKey};
use medcred_formats::sd_jwt::verify_sd_jwt_vc;
use medcred_formats::{di_jcs, di_rdfc, Format, FormatError};
use serde_json::{Map, Value};

use super::binding::BoundKey;
use crate::detect::{Content, Detected};
use crate::report::Outcome;

/// Verify `detected` with `key`; on success, the verified claims (the W3C credential, or the
/// SD-JWT VC claims with the presented disclosures applied).
pub(crate) async fn verify(detected: &Detected, key: &BoundKey) -> Result<Map<String, Value>, Outcome> {
    let claims = match (&detected.content, detected.format) {
        (Content::Document(doc), Format::EddsaJcs2022) => {
            di_jcs::verify(doc, ed25519(key, di_jcs::CRYPTOSUITE)?).map_err(outcome)?;
            doc.clone()
        }
        (Content::Document(doc), Format::EddsaRdfc2022) => {
            di_rdfc::verify(doc, ed25519(key, di_rdfc::CRYPTOSUITE)?).await.map_err(outcome)?;
            doc.clone()
        }
        (Content::Compact { serialization, .. }, Format::VcJwt) => {
            verify_vc_jwt(serialization, key.key()).map_err(outcome)?
        }
        (Content::Compact { serialization, .. }, Format::SdJwtVc) => {
            Value::Object(verify_sd_jwt_vc(serialization, key.key(), None).map_err(outcome)?.into_claims())
        }
        (_, format) => return Err(Outcome::could_not_check(format!("no proof check for {format} in this form"))),
    };
    match claims {
        Value::Object(m) => Ok(m),
        _ => Err(Outcome::failed("the verified credential is not a JSON object")),
    }
}

/// The Ed25519 key both EdDSA cryptosuites need.
fn ed25519<'k>(key: &'k BoundKey, suite: &str) -> Result<&'k ed25519_dalek::VerifyingKey, Outcome> {
    match key.key() {
        VerifierKey::Ed25519(k) => Ok(k),
        other => Err(Outcome::failed(format!(
            "an {suite} proof needs an Ed25519 key; the verification method holds a key for {}",
            other.alg()
        ))),
    }
}

/// A signature that does not verify, or a malformed proof, fails; an unsupported feature is
/// "could not check".
pub(crate) fn outcome(e: FormatError) -> Outcome {
    match e {
        FormatError::BadSignature(why) => Outcome::failed(why),
        e @ FormatError::Malformed { .. } => Outcome::failed(e.to_string()),
        e @ (FormatError::Unsupported(_) | FormatError::Signing(_)) => Outcome::could_not_check(e.to_string()),
    }
}
