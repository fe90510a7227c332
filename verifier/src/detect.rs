//! Format detection: which securing format an input string is in, parsed just far enough to say
//! (nothing verified). Size and JSON depth limits are checked before anything is parsed deeply.
//!
//! - a JSON object whose `proof.cryptosuite` is `eddsa-rdfc-2022` or `eddsa-jcs-2022` (W3C Data
//!   Integrity);
//! - a JSON `EnvelopedVerifiableCredential` whose `id` is `data:application/vc+jwt,<jwt>` or
//!   `data:application/dc+sd-jwt,<sd-jwt>` (VC-JOSE-COSE §3.1.1 / VC DM 2.0 §4.13), unwrapped;
//! - a compact JWS with header `typ` `vc+jwt`;
//! - an SD-JWT (`~`-separated) whose issuer JWT has `typ` `dc+sd-jwt` (or the former `vc+sd-jwt`).

use medcred_formats::jwt::jws;
use medcred_formats::{di_jcs, di_rdfc, Format};
use serde_json::{Map, Value};

use crate::limits::{check_depth, check_len};

/// Why an input is not a credential in a supported format.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SyntaxError {
    /// The input is empty (or only whitespace).
    #[error("the input is empty")]
    Empty,
    /// The input is larger than [`crate::limits::MAX_INPUT_LEN`].
    #[error("the input is {len} bytes; at most {max} are accepted")]
    TooLarge {
        /// The input's length in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// JSON (the input, or a JWT payload) nests deeper than [`crate::limits::MAX_JSON_DEPTH`].
    #[error("JSON nests deeper than {max} levels")]
    TooDeep {
        /// The limit.
        max: usize,
    },
    /// The input starts like JSON but is not well-formed JSON.
    #[error("not well-formed JSON: {0}")]
    Json(String),
    /// A malformed compact JWS or SD-JWT (parts, base64url, header, payload).
    #[error("malformed compact JWS or SD-JWT: {0}")]
    Compact(String),
    /// A JWS whose `typ` is not the one its shape calls for.
    #[error("JWS typ {found:?} where {expected} was expected")]
    UnexpectedTyp {
        /// The `typ` found (empty when absent).
        found: String,
        /// The `typ` expected.
        expected: &'static str,
    },
    /// A JSON credential with a proof this engine does not verify (another cryptosuite, a proof set).
    #[error("unsupported proof: {0}")]
    UnsupportedProof(String),
    /// A malformed `EnvelopedVerifiableCredential`.
    #[error("malformed EnvelopedVerifiableCredential: {0}")]
    Envelope(String),
    /// Well-formed, in a supported format, but not a credential the engine can verify (no issuer,
    /// no verification method, a presentation...).
    #[error("not a verifiable credential: {0}")]
    Credential(String),
    /// None of the supported shapes.
    #[error("not a credential in a supported format: {0}")]
    Unrecognized(String),
}

/// A detected credential, nothing verified.
#[derive(Debug, Clone, PartialEq)]
pub struct Detected {
    /// The securing format.
    pub format: Format,
    /// Whether it came wrapped in a JSON `EnvelopedVerifiableCredential`.
    pub enveloped: bool,
    /// The credential, parsed as far as detection needed.
    pub content: Content,
}

/// A detected credential's content.
#[derive(Debug, Clone, PartialEq)]
pub enum Content {
    /// A Data Integrity secured document (a JSON object with an embedded `proof`).
    Document(Value),
    /// A compact `vc+jwt` or `dc+sd-jwt`, with the issuer JWT's decoded header and payload.
    Compact {
        /// The compact serialization (for an SD-JWT, with its disclosures).
        serialization: String,
        /// The issuer JWT's protected header.
        header: Map<String, Value>,
        /// The issuer JWT's payload (for an SD-JWT, with digests in place of undisclosed claims).
        payload: Map<String, Value>,
    },
}

const TYPE_ENVELOPED: &str = "EnvelopedVerifiableCredential";

/// Detect the format of `input` (leading and trailing whitespace ignored).
pub fn detect(input: &str) -> Result<Detected, SyntaxError> {
    check_len(input.as_bytes())?;
    let s = input.trim_start_matches('\u{feff}').trim();
    if s.is_empty() {
        return Err(SyntaxError::Empty);
    }
    if s.starts_with('{') || s.starts_with('[') {
        return detect_json(s);
    }
    if !s.contains('.') {
        return Err(SyntaxError::Unrecognized("neither JSON nor a compact JWS or SD-JWT".into()));
    }
    let (format, content) = detect_compact(s)?;
    Ok(Detected { format, enveloped: false, content })
}

fn detect_json(s: &str) -> Result<Detected, SyntaxError> {
    check_depth(s.as_bytes())?;
    let value: Value = serde_json::from_str(s).map_err(|e| SyntaxError::Json(e.to_string()))?;
    let Some(obj) = value.as_object() else {
        return Err(SyntaxError::Unrecognized("JSON that is not an object".into()));
    };
    if let Some(proof) = obj.get("proof") {
        let format = data_integrity_suite(proof)?;
        return Ok(Detected { format, enveloped: false, content: Content::Document(value) });
    }
    if has_type(obj, TYPE_ENVELOPED) {
        let (format, content) = unwrap_envelope(obj)?;
        return Ok(Detected { format, enveloped: true, content });
    }
    Err(SyntaxError::Unrecognized(
        "a JSON object with neither a Data Integrity proof nor an EnvelopedVerifiableCredential (an unsecured credential?)".into(),
    ))
}

/// The Data Integrity format of a `proof` member.
pub(crate) fn data_integrity_suite(proof: &Value) -> Result<Format, SyntaxError> {
    let proof = match proof {
        Value::Object(p) => p,
        Value::Array(_) => return Err(SyntaxError::UnsupportedProof("proof sets and chains (a proof array)".into())),
        _ => return Err(SyntaxError::UnsupportedProof("proof is not a JSON object".into())),
    };
    match proof.get("cryptosuite").and_then(Value::as_str) {
        Some(di_rdfc::CRYPTOSUITE) => Ok(Format::EddsaRdfc2022),
        Some(di_jcs::CRYPTOSUITE) => Ok(Format::EddsaJcs2022),
        Some(other) => Err(SyntaxError::UnsupportedProof(format!(
            "cryptosuite {other:?}; eddsa-rdfc-2022 and eddsa-jcs-2022 are supported"
        ))),
        None => {
            let ty = proof.get("type").and_then(Value::as_str).unwrap_or_default();
            Err(SyntaxError::UnsupportedProof(format!(
                "proof type {ty:?} without a cryptosuite; only DataIntegrityProof is supported"
            )))
        }
    }
}

pub(crate) fn has_type(obj: &Map<String, Value>, name: &str) -> bool {
    match obj.get("type") {
        Some(Value::String(s)) => s == name,
        Some(Value::Array(a)) => a.iter().any(|t| t.as_str() == Some(name)),
        _ => false,
    }
}

/// The compact credential inside an `EnvelopedVerifiableCredential`'s `data:` URL `id`.
fn unwrap_envelope(obj: &Map<String, Value>) -> Result<(Format, Content), SyntaxError> {
    let id = obj.get("id").and_then(Value::as_str).ok_or_else(|| SyntaxError::Envelope("no string id".into()))?;
    let rest = id.strip_prefix("data:").ok_or_else(|| SyntaxError::Envelope("id is not a data: URL".into()))?;
    let (media_type, data) =
        rest.split_once(',').ok_or_else(|| SyntaxError::Envelope("data: URL without a comma".into()))?;
    let expected = match media_type {
        "application/vc+jwt" => Format::VcJwt,
        "application/dc+sd-jwt" => Format::SdJwtVc,
        other => {
            return Err(SyntaxError::Envelope(format!(
                "media type {other:?}; application/vc+jwt and application/dc+sd-jwt are supported (no parameters, no base64)"
            )))
        }
    };
    let (format, content) = detect_compact(data)?;
    if format != expected {
        return Err(SyntaxError::Envelope(format!("the data: URL says {expected} but holds a {format}")));
    }
    Ok((format, content))
}

/// A `vc+jwt` (no `~`) or `dc+sd-jwt` (issuer JWT before the first `~`).
fn detect_compact(s: &str) -> Result<(Format, Content), SyntaxError> {
    let (issuer_jwt, format) = match s.split_once('~') {
        Some((jwt, _)) => (jwt, Format::SdJwtVc),
        None => (s, Format::VcJwt),
    };
    let decoded = jws::decode(issuer_jwt).map_err(|e| SyntaxError::Compact(e.to_string()))?;
    check_depth(&decoded.payload)?;
    let payload = decoded.claims().map_err(|e| SyntaxError::Compact(e.to_string()))?;
    let typ = decoded.typ().unwrap_or_default().to_ascii_lowercase();
    let typ = typ.strip_prefix("application/").unwrap_or(&typ);
    let expected = match format {
        Format::SdJwtVc => medcred_formats::sd_jwt::TYP_DC_SD_JWT,
        _ => medcred_formats::jwt::TYP_VC_JWT,
    };
    let typ_ok = match format {
        Format::SdJwtVc => typ == expected || typ == "vc+sd-jwt",
        _ => typ == expected,
    };
    if !typ_ok {
        return Err(SyntaxError::UnexpectedTyp { found: typ.to_owned(), expected });
    }
    let header = decoded.header;
    Ok((format, Content::Compact { serialization: s.to_owned(), header, payload }))
}

#[cfg(test)]
mod tests {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    use serde_json::json;

    use super::*;

    fn b64(v: &Value) -> String {
        URL_SAFE_NO_PAD.encode(v.to_string())
    }

    /// A compact JWS with a fake signature (detection does not verify).
    fn jws(header: Value, payload: Value) -> String {
        format!("{}.{}.{}", b64(&header), b64(&payload), URL_SAFE_NO_PAD.encode([0u8; 64]))
    }

    #[test]
    fn data_integrity_by_cryptosuite() {
        for (suite, format) in [("eddsa-rdfc-2022", Format::EddsaRdfc2022), ("eddsa-jcs-2022", Format::EddsaJcs2022)] {
            let doc = json!({"type": ["VerifiableCredential"], "proof": {"type": "DataIntegrityProof", "cryptosuite": suite}});
            let d = detect(&format!("  {doc}\n")).expect("detected");
            assert_eq!((d.format, d.enveloped), (format, false));
            assert_eq!(d.content, Content::Document(doc));
        }
        let other = json!({"proof": {"type": "DataIntegrityProof", "cryptosuite": "ecdsa-rdfc-2019"}});
        assert!(matches!(detect(&other.to_string()), Err(SyntaxError::UnsupportedProof(_))));
        let legacy = json!({"proof": {"type": "Ed25519Signature2020"}});
        assert!(matches!(detect(&legacy.to_string()), Err(SyntaxError::UnsupportedProof(_))));
        let set = json!({"proof": [{"cryptosuite": "eddsa-jcs-2022"}]});
        assert!(matches!(detect(&set.to_string()), Err(SyntaxError::UnsupportedProof(_))));
    }

    #[test]
    fn compact_by_typ() {
        let jwt = jws(json!({"alg": "EdDSA", "typ": "vc+jwt"}), json!({"iss": "did:example:1"}));
        let d = detect(&jwt).expect("vc+jwt");
        assert_eq!(d.format, Format::VcJwt);
        let Content::Compact { payload, header, .. } = d.content else { unreachable!("compact") };
        assert_eq!(payload["iss"], "did:example:1");
        assert_eq!(header["typ"], "vc+jwt");

        let sd = jws(json!({"alg": "EdDSA", "typ": "dc+sd-jwt"}), json!({"iss": "did:example:1"}));
        assert_eq!(detect(&format!("{sd}~")).expect("sd-jwt").format, Format::SdJwtVc);
        assert_eq!(
            detect(&format!("{sd}~WyJzYWx0IiwibmFtZSIsInYiXQ~")).expect("with a disclosure").format,
            Format::SdJwtVc
        );

        let plain = jws(json!({"alg": "EdDSA", "typ": "JWT"}), json!({}));
        assert!(matches!(detect(&plain), Err(SyntaxError::UnexpectedTyp { expected: "vc+jwt", .. })));
        assert!(matches!(detect(&sd), Err(SyntaxError::UnexpectedTyp { .. })), "dc+sd-jwt needs its ~");
        assert!(matches!(detect(&format!("{jwt}~")), Err(SyntaxError::UnexpectedTyp { .. })));
    }

    #[test]
    fn envelopes_are_unwrapped_and_must_agree() {
        let jwt = jws(json!({"alg": "EdDSA", "typ": "vc+jwt"}), json!({}));
        let env = |id: String| json!({"@context": "https://www.w3.org/ns/credentials/v2", "type": "EnvelopedVerifiableCredential", "id": id});
        let d = detect(&env(format!("data:application/vc+jwt,{jwt}")).to_string()).expect("envelope");
        assert_eq!((d.format, d.enveloped), (Format::VcJwt, true));
        for bad in [
            format!("data:application/dc+sd-jwt,{jwt}"),
            format!("data:application/vc+jwt;base64,{jwt}"),
            jwt.clone(),
            "data:".into(),
        ] {
            assert!(matches!(detect(&env(bad).to_string()), Err(SyntaxError::Envelope(_))));
        }
    }

    #[test]
    fn garbage_is_a_typed_error() {
        assert_eq!(detect(""), Err(SyntaxError::Empty));
        assert_eq!(detect(" \n\t"), Err(SyntaxError::Empty));
        assert!(matches!(detect("{}"), Err(SyntaxError::Unrecognized(_))));
        assert!(matches!(detect("[1]"), Err(SyntaxError::Unrecognized(_))));
        assert!(matches!(detect("{\"a\":"), Err(SyntaxError::Json(_))));
        assert!(matches!(detect("hello"), Err(SyntaxError::Unrecognized(_))));
        assert!(matches!(detect("a.b.c"), Err(SyntaxError::Compact(_))));
        assert!(matches!(detect(&"[".repeat(1000)), Err(SyntaxError::TooDeep { .. })));
        assert!(matches!(detect(&" ".repeat(2 << 20)), Err(SyntaxError::TooLarge { .. })));
        let deep_payload = jws(
            json!({"alg": "EdDSA", "typ": "vc+jwt"}),
            serde_json::from_str(&format!("{}{}", "[".repeat(100), "]".repeat(100))).expect("json"),
        );
        assert!(matches!(detect(&deep_payload), Err(SyntaxError::TooDeep { .. })));
    }
}
