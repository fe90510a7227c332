//! W3C Data Integrity `eddsa-jcs-2022` ("Data Integrity EdDSA Cryptosuites v1.0" §3.3): the
//! signature covers SHA-256(JCS(proof configuration)) ‖ SHA-256(JCS(document without proof)).
//!
//! Also home of what both EdDSA suites share: [`ProofInfo`] and the reading, checking and
//! attaching of a single embedded `DataIntegrityProof` ([`crate::di_rdfc`] uses them).

use chrono::{DateTime, NaiveDateTime, Utc};
use ed25519_dalek::{Signature, VerifyingKey};
use medcred_model::request::xsd_date_time;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::error::FormatError;
use crate::jcs;
use crate::keys::IssuerKey;

/// The cryptosuite name.
pub const CRYPTOSUITE: &str = "eddsa-jcs-2022";
/// The proof type of both EdDSA cryptosuites.
pub const PROOF_TYPE: &str = "DataIntegrityProof";
/// The proof purpose medcred signs credentials with.
pub const ASSERTION_METHOD: &str = "assertionMethod";
/// The proof purpose of a presentation signed by its holder.
pub const AUTHENTICATION: &str = "authentication";

/// What a proof is made for: its purpose and, for a presentation, the verifier's `challenge`
/// and `domain` (Data Integrity §2.1), which bind the proof to one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProofOptions {
    /// The proof purpose ([`ASSERTION_METHOD`] or [`AUTHENTICATION`]).
    pub purpose: String,
    /// The verifier's challenge (a nonce), for a presentation.
    pub challenge: Option<String>,
    /// The verifier's domain (who the presentation is for).
    pub domain: Option<String>,
}

impl ProofOptions {
    /// A credential's proof: `assertionMethod`, no challenge or domain.
    pub fn assertion() -> Self {
        Self { purpose: ASSERTION_METHOD.into(), challenge: None, domain: None }
    }

    /// A presentation's proof: `authentication`, with the verifier's `challenge` and `domain`.
    pub fn authentication(challenge: Option<String>, domain: Option<String>) -> Self {
        Self { purpose: AUTHENTICATION.into(), challenge, domain }
    }
}

/// What a proof says about itself. From [`verify`] it describes a proof whose signature checked
/// out against the given key; from [`proof_of`] nothing is verified yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProofInfo {
    /// The verification method (a DID URL) the verifier must resolve and trust.
    pub verification_method: String,
    /// The proof's `created` timestamp, as written.
    pub created: Option<String>,
    /// The proof purpose (medcred issues with `assertionMethod`); the caller decides if it fits.
    pub proof_purpose: String,
    /// The cryptosuite.
    pub cryptosuite: String,
    /// The proof's `challenge`, as written.
    pub challenge: Option<String>,
    /// The proof's `domain` (a string, or each string of an array), as written.
    pub domain: Vec<String>,
}

/// Sign `unsigned` (a JSON object without `proof`) and return it with an embedded proof, whose
/// `@context` is a copy of the document's (as in the W3C test vector).
pub fn sign(unsigned: &Value, key: &IssuerKey, created: DateTime<Utc>) -> Result<Value, FormatError> {
    sign_with(unsigned, key, created, &ProofOptions::assertion())
}

/// [`sign`] with the proof's purpose, challenge and domain from `options` (a presentation).
pub fn sign_with(
    unsigned: &Value,
    key: &IssuerKey,
    created: DateTime<Utc>,
    options: &ProofOptions,
) -> Result<Value, FormatError> {
    let document = unsigned_document(unsigned)?;
    let mut config = proof_options(CRYPTOSUITE, key, created, options);
    if let Some(ctx) = document.get("@context") {
        config.insert("@context".into(), ctx.clone());
    }
    let hash = hash_data(&Value::Object(document.clone()), &Value::Object(config.clone()))?;
    Ok(attach_proof(document, config, &key.sign(&hash)))
}

/// Verify the single embedded `eddsa-jcs-2022` proof of `signed` against `public_key`.
///
/// Fails on a missing proof, a proof set (array: [`FormatError::Unsupported`]), another suite,
/// a malformed `proofValue`, a proof `@context` that differs from the document's, or a signature
/// that does not cover exactly this document and proof configuration.
pub fn verify(signed: &Value, public_key: &VerifyingKey) -> Result<ProofInfo, FormatError> {
    let parts = SignedParts::split(signed, CRYPTOSUITE)?;
    let config = parts.proof_config()?;
    let hash = hash_data(&Value::Object(parts.document.clone()), &Value::Object(config))?;
    check_signature(public_key, &hash, &parts.signature)?;
    Ok(parts.info)
}

/// Read the proof of `signed` without verifying it (to learn which key to resolve).
pub fn proof_of(signed: &Value) -> Result<ProofInfo, FormatError> {
    SignedParts::split(signed, CRYPTOSUITE).map(|p| p.info)
}

/// The signed bytes: SHA-256(JCS(`proof_config`)) ‖ SHA-256(JCS(`document`)), §3.3.4.
pub fn hash_data(document: &Value, proof_config: &Value) -> Result<[u8; 64], FormatError> {
    Ok(concat_hashes(&jcs::canonical_bytes(proof_config)?, &jcs::canonical_bytes(document)?))
}

/// SHA-256(`proof_config`) ‖ SHA-256(`document`): the hash data of both EdDSA suites.
pub(crate) fn concat_hashes(proof_config: &[u8], document: &[u8]) -> [u8; 64] {
    let mut out = [0u8; 64];
    out[..32].copy_from_slice(&Sha256::digest(proof_config));
    out[32..].copy_from_slice(&Sha256::digest(document));
    out
}

/// The document to sign: a JSON object that carries no proof yet.
pub(crate) fn unsigned_document(unsigned: &Value) -> Result<Map<String, Value>, FormatError> {
    let document = unsigned.as_object().ok_or_else(|| FormatError::malformed("document", "not a JSON object"))?;
    if document.contains_key("proof") {
        return Err(FormatError::Unsupported("the document already has a proof (proof sets are not supported)".into()));
    }
    Ok(document.clone())
}

/// The proof options medcred signs with (§2.2.1 `DataIntegrityProof`, in the vectors' order).
pub(crate) fn proof_options(
    cryptosuite: &str,
    key: &IssuerKey,
    created: DateTime<Utc>,
    options: &ProofOptions,
) -> Map<String, Value> {
    let mut proof = Map::new();
    proof.insert("type".into(), PROOF_TYPE.into());
    proof.insert("cryptosuite".into(), cryptosuite.into());
    proof.insert("created".into(), xsd_date_time(created).into());
    proof.insert("verificationMethod".into(), key.verification_method().into());
    proof.insert("proofPurpose".into(), options.purpose.clone().into());
    if let Some(challenge) = &options.challenge {
        proof.insert("challenge".into(), challenge.clone().into());
    }
    if let Some(domain) = &options.domain {
        proof.insert("domain".into(), domain.clone().into());
    }
    proof
}

/// `document` with `proof` (plus its multibase base58btc `proofValue`) embedded.
pub(crate) fn attach_proof(
    mut document: Map<String, Value>,
    mut proof: Map<String, Value>,
    signature: &[u8; 64],
) -> Value {
    proof.insert("proofValue".into(), format!("z{}", bs58::encode(signature).into_string()).into());
    document.insert("proof".into(), Value::Object(proof));
    Value::Object(document)
}

/// Ed25519 verification (strict: rejects small-order keys and non-canonical signatures).
pub(crate) fn check_signature(key: &VerifyingKey, msg: &[u8], signature: &Signature) -> Result<(), FormatError> {
    key.verify_strict(msg, signature).map_err(|_| FormatError::BadSignature("Ed25519 signature does not match".into()))
}

/// A secured document taken apart: the document without its proof, the proof without its
/// value, the decoded signature, and what the proof says.
pub(crate) struct SignedParts {
    pub(crate) document: Map<String, Value>,
    pub(crate) proof: Map<String, Value>,
    pub(crate) signature: Signature,
    pub(crate) info: ProofInfo,
}

impl SignedParts {
    /// Split `signed`, checking the proof is a single well-formed `cryptosuite` proof.
    pub(crate) fn split(signed: &Value, cryptosuite: &str) -> Result<Self, FormatError> {
        let mut document =
            signed.as_object().ok_or_else(|| FormatError::malformed("document", "not a JSON object"))?.clone();
        let mut proof = match document.remove("proof") {
            None => return Err(FormatError::malformed("proof", "the document has no proof")),
            Some(Value::Array(_)) => {
                return Err(FormatError::Unsupported("proof sets and chains (a proof array)".into()))
            }
            Some(Value::Object(p)) => p,
            Some(_) => return Err(FormatError::malformed("proof", "not a JSON object")),
        };
        let text = |name: &'static str| -> Result<Option<String>, FormatError> {
            match proof.get(name) {
                None => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(FormatError::malformed("proof", format!("{name} is not a string"))),
            }
        };
        let required =
            |name: &'static str| text(name)?.ok_or_else(|| FormatError::malformed("proof", format!("no {name}")));
        let proof_type = required("type")?;
        if proof_type != PROOF_TYPE {
            return Err(FormatError::Unsupported(format!("proof type {proof_type:?}")));
        }
        let suite = required("cryptosuite")?;
        if suite != cryptosuite {
            return Err(FormatError::Unsupported(format!("cryptosuite {suite:?} (expected {cryptosuite})")));
        }
        let info = ProofInfo {
            verification_method: required("verificationMethod")?,
            created: text("created")?,
            proof_purpose: required("proofPurpose")?,
            cryptosuite: suite,
            challenge: text("challenge")?,
            domain: match proof.get("domain") {
                None => Vec::new(),
                Some(Value::String(d)) => vec![d.clone()],
                Some(Value::Array(a)) => a
                    .iter()
                    .map(|d| d.as_str().map(str::to_owned))
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| FormatError::malformed("proof", "domain lists a non-string"))?,
                Some(_) => return Err(FormatError::malformed("proof", "domain is neither a string nor an array")),
            },
        };
        if let Some(created) = &info.created {
            check_date_time(created)?;
        }
        if proof.contains_key("previousProof") {
            return Err(FormatError::Unsupported("proof chains (previousProof)".into()));
        }
        let proof_value = required("proofValue")?;
        proof.remove("proofValue");
        Ok(Self { document, proof, signature: decode_proof_value(&proof_value)?, info })
    }

    /// The proof configuration the signer hashed: the proof without its value, carrying the
    /// document's `@context`. A proof `@context` other than the document's is rejected (the spec
    /// would accept a prefix of it; medcred never appends contexts after signing).
    pub(crate) fn proof_config(&self) -> Result<Map<String, Value>, FormatError> {
        let mut config = self.proof.clone();
        match (config.get("@context"), self.document.get("@context")) {
            (Some(p), Some(d)) if p != d => {
                return Err(FormatError::BadSignature("the proof's @context differs from the document's".into()));
            }
            (Some(_), None) => {
                return Err(FormatError::BadSignature("the proof has an @context, the document none".into()))
            }
            (_, Some(d)) => {
                config.insert("@context".into(), d.clone());
            }
            (None, None) => {}
        }
        Ok(config)
    }
}

/// Decode a `proofValue`: multibase base58btc (`z…`) of a 64-byte Ed25519 signature.
fn decode_proof_value(value: &str) -> Result<Signature, FormatError> {
    let b58 = value
        .strip_prefix('z')
        .ok_or_else(|| FormatError::malformed("proofValue", "not multibase base58btc (no z prefix)"))?;
    let bytes = bs58::decode(b58).into_vec().map_err(|e| FormatError::malformed("proofValue", e))?;
    let bytes: [u8; 64] = bytes.try_into().map_err(|b: Vec<u8>| {
        FormatError::malformed("proofValue", format!("{} bytes, an Ed25519 signature has 64", b.len()))
    })?;
    Ok(Signature::from_bytes(&bytes))
}

/// `created` must be an XML Schema dateTime (§2.2.1); accept RFC 3339 and the zone-less form.
fn check_date_time(s: &str) -> Result<(), FormatError> {
    let ok =
        DateTime::parse_from_rfc3339(s).is_ok() || NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f").is_ok();
    if ok {
        Ok(())
    } else {
        Err(FormatError::malformed("proof", format!("created {s:?} is not an XML Schema dateTime")))
    }
}

#[cfg(test)]
mod tests {
    use ed25519_dalek::SigningKey;
    use serde_json::json;

    use super::*;

    fn key() -> IssuerKey {
        IssuerKey::did_key(SigningKey::from_bytes(&[9u8; 32]))
    }

    fn created() -> DateTime<Utc> {
        "2026-03-01T12:00:00Z".parse().expect("time")
    }

    fn doc() -> Value {
        json!({"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"], "n": 1.5})
    }

    #[test]
    fn signs_and_verifies() {
        let signed = sign(&doc(), &key(), created()).expect("sign");
        let info = verify(&signed, &key().verifying_key()).expect("verify");
        assert_eq!(info.verification_method, key().verification_method());
        assert_eq!(info.created.as_deref(), Some("2026-03-01T12:00:00Z"));
        assert_eq!(info.proof_purpose, ASSERTION_METHOD);
        assert_eq!(info.cryptosuite, CRYPTOSUITE);
        assert_eq!(proof_of(&signed).expect("proof_of"), info);
        assert_eq!(signed["proof"]["@context"], doc()["@context"]);
    }

    #[test]
    fn key_order_does_not_matter_but_values_do() {
        let signed = sign(&doc(), &key(), created()).expect("sign");
        let mut reordered = Map::new();
        for (k, v) in signed.as_object().expect("object").iter().rev() {
            reordered.insert(k.clone(), v.clone());
        }
        verify(&Value::Object(reordered), &key().verifying_key()).expect("same document");
        let mut changed = signed.clone();
        changed["n"] = json!(1.25);
        assert!(matches!(verify(&changed, &key().verifying_key()), Err(FormatError::BadSignature(_))));
    }

    #[test]
    fn signing_twice_is_refused() {
        let signed = sign(&doc(), &key(), created()).expect("sign");
        assert!(matches!(sign(&signed, &key(), created()), Err(FormatError::Unsupported(_))));
    }

    #[test]
    fn proof_context_must_match_document_context() {
        let mut signed = sign(&doc(), &key(), created()).expect("sign");
        signed["proof"]["@context"] = json!(["https://www.w3.org/ns/credentials/v2", "https://example.org/x"]);
        assert!(matches!(verify(&signed, &key().verifying_key()), Err(FormatError::BadSignature(_))));
    }

    #[test]
    fn proof_value_shapes() {
        let signed = sign(&doc(), &key(), created()).expect("sign");
        let pv = signed["proof"]["proofValue"].as_str().expect("string").to_owned();
        for (bad, why) in [
            (json!(pv.trim_start_matches('z')), "no multibase prefix"),
            (json!(format!("u{}", &pv[1..])), "base64url multibase"),
            (json!("z0OIl"), "not base58"),
            (json!(&pv[..40]), "too short"),
            (json!(42), "not a string"),
        ] {
            let mut s = signed.clone();
            s["proof"]["proofValue"] = bad;
            assert!(matches!(verify(&s, &key().verifying_key()), Err(FormatError::Malformed { .. })), "{why}");
        }
        let mut s = signed;
        s["proof"]["created"] = json!("yesterday");
        assert!(matches!(proof_of(&s), Err(FormatError::Malformed { .. })));
    }
}
