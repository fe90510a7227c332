//! W3C Data Integrity `eddsa-rdfc-2022` ("Data Integrity EdDSA Cryptosuites v1.0" §3.2): the
//! signature covers SHA-256(RDFC-1.0(proof configuration)) ‖ SHA-256(RDFC-1.0(document)).
//!
//! ssi 0.16 does the JSON-LD expansion (strict: an undefined term is an error, not silently left
//! unsigned) and the RDF canonicalization; the proof handling is shared with [`crate::di_jcs`],
//! and ed25519-dalek signs and verifies. So no DID resolver is involved: the caller resolves the
//! key. Contexts come only from ssi's bundled set (credentials v2, the W3C examples v2, ...) and
//! medcred's own [`CONTEXT_JSON`]; an unknown context is an error, nothing is ever fetched.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use ed25519_dalek::VerifyingKey;
use medcred_model::context::{CONTEXT_JSON, CONTEXT_URL};
use serde_json::Value;
use ssi::json_ld::syntax::{Parse, Value as LdValue};
use ssi::json_ld::{CompactJsonLd, ContextLoader, Expandable};
use ssi::rdf::{AnyLdEnvironment, LdEnvironment};

use crate::di_jcs::{
    attach_proof, check_signature, concat_hashes, proof_options, unsigned_document, ProofInfo, ProofOptions,
    SignedParts,
};
use crate::error::FormatError;
use crate::iri_escapes;
use crate::keys::IssuerKey;

/// The cryptosuite name.
pub const CRYPTOSUITE: &str = "eddsa-rdfc-2022";

/// Sign `unsigned` (a JSON-LD object without `proof`) and return it with an embedded proof. As in
/// the W3C vector, the proof carries no `@context`; its configuration is canonicalized under
/// the document's.
pub async fn sign(unsigned: &Value, key: &IssuerKey, created: DateTime<Utc>) -> Result<Value, FormatError> {
    sign_with(unsigned, key, created, &ProofOptions::assertion()).await
}

/// [`sign`] with the proof's purpose, challenge and domain from `options` (a presentation).
pub async fn sign_with(
    unsigned: &Value,
    key: &IssuerKey,
    created: DateTime<Utc>,
    options: &ProofOptions,
) -> Result<Value, FormatError> {
    let document = unsigned_document(unsigned)?;
    let proof = proof_options(CRYPTOSUITE, key, created, options);
    let mut config = proof.clone();
    if let Some(ctx) = document.get("@context") {
        config.insert("@context".into(), ctx.clone());
    }
    let hash = hash_data(&Value::Object(document.clone()), &Value::Object(config)).await?;
    Ok(attach_proof(document, proof, &key.sign(&hash)))
}

/// Verify the single embedded `eddsa-rdfc-2022` proof of `signed` against `public_key`.
///
/// Besides what [`crate::di_jcs::verify`] rejects, fails when the document or the proof does not
/// expand under the bundled contexts (an unknown context, an undefined term).
pub async fn verify(signed: &Value, public_key: &VerifyingKey) -> Result<ProofInfo, FormatError> {
    let parts = SignedParts::split(signed, CRYPTOSUITE)?;
    let config = parts.proof_config()?;
    let hash = hash_data(&Value::Object(parts.document.clone()), &Value::Object(config)).await?;
    check_signature(public_key, &hash, &parts.signature)?;
    Ok(parts.info)
}

/// Read the proof of `signed` without verifying it (to learn which key to resolve).
pub fn proof_of(signed: &Value) -> Result<ProofInfo, FormatError> {
    SignedParts::split(signed, CRYPTOSUITE).map(|p| p.info)
}

/// The signed bytes: SHA-256(RDFC(`proof_config`)) ‖ SHA-256(RDFC(`document`)), §3.2.4.
pub async fn hash_data(document: &Value, proof_config: &Value) -> Result<[u8; 64], FormatError> {
    let config = canonicalize(proof_config).await?;
    let document = canonicalize(document).await?;
    Ok(concat_hashes(config.as_bytes(), document.as_bytes()))
}

/// The RDFC-1.0 canonical N-Quads of a JSON-LD document (one sorted line per quad).
///
/// A document holding a string whose percent-escapes are not UTF-8 is refused before ssi sees
/// it (ssi's IRI handling panics on those: see [`crate::iri_escapes`]).
pub async fn canonicalize(document: &Value) -> Result<String, FormatError> {
    if let Some(s) = iri_escapes::first_bad_escape(document) {
        let shown: String = s.chars().take(64).collect();
        return Err(FormatError::malformed(
            "JSON-LD document",
            format!("percent-escapes that are not UTF-8 in {shown:?}"),
        ));
    }
    let text = serde_json::to_string(document).map_err(|e| FormatError::malformed("document", e))?;
    let (json, _) = LdValue::parse_str(&text).map_err(|e| FormatError::malformed("document", e))?;
    let loader = loader()?;
    let mut ld = LdEnvironment::default();
    let expanded = CompactJsonLd(json)
        .expand_with(&mut ld, &loader)
        .await
        .map_err(|e| FormatError::malformed("JSON-LD document", e))?;
    let lines = ld.canonical_form_of(&expanded).map_err(|e| FormatError::malformed("JSON-LD document", e))?;
    Ok(lines.concat())
}

/// ssi's bundled contexts plus medcred's; nothing else resolves.
fn loader() -> Result<ContextLoader, FormatError> {
    let map = HashMap::from([(CONTEXT_URL.to_owned(), CONTEXT_JSON.to_owned())]);
    ContextLoader::default()
        .with_context_map_from(map)
        .map_err(|e| FormatError::malformed("medcred JSON-LD context", e))
}

#[cfg(test)]
mod tests {
    use ed25519_dalek::SigningKey;
    use medcred_model::context::VC_V2;
    use serde_json::json;

    use super::*;

    fn key() -> IssuerKey {
        IssuerKey::new(SigningKey::from_bytes(&[5u8; 32]), "did:web:board.example#key-1")
    }

    fn created() -> DateTime<Utc> {
        "2026-03-01T12:00:00Z".parse().expect("time")
    }

    fn doc() -> Value {
        json!({
            "@context": [VC_V2, CONTEXT_URL],
            "type": ["VerifiableCredential", "MedicalLicenseCredential"],
            "issuer": "did:web:board.example",
            "credentialSubject": {"type": "LicensedPractitioner", "licenseNumber": "RN-1"}
        })
    }

    fn assert_send<T: Send>(t: T) -> T {
        t
    }

    #[tokio::test]
    async fn signs_and_verifies_under_a_did_web_key_offline() {
        let signed = assert_send(sign(&doc(), &key(), created())).await.expect("sign");
        assert!(signed["proof"].get("@context").is_none());
        let info = assert_send(verify(&signed, &key().verifying_key())).await.expect("verify");
        assert_eq!(info.verification_method, "did:web:board.example#key-1");
        assert_eq!(proof_of(&signed).expect("proof_of"), info);
    }

    #[tokio::test]
    async fn unknown_contexts_and_undefined_terms_are_errors() {
        let mut d = doc();
        d["@context"] = json!([VC_V2, "https://example.org/not-bundled"]);
        assert!(canonicalize(&d).await.is_err());
        let mut d = json!({"@context": {"@version": 1.1}, "unmapped": 1});
        assert!(canonicalize(&d).await.is_err());
        d = json!({"unmapped": 1});
        assert!(canonicalize(&d).await.is_err());
    }

    #[test]
    fn medcred_context_loads() {
        loader().expect("bundled context parses");
    }
}
