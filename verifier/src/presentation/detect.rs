//! Which shape a presentation arrives in, parsed just far enough to say (nothing verified):
//!
//! - a JSON `VerifiablePresentation` with an `eddsa-rdfc-2022` or `eddsa-jcs-2022` proof;
//! - a compact JWS with `typ` `vp+jwt`, bare or in an `EnvelopedVerifiablePresentation`
//!   (`id` `data:application/vp+jwt,<jws>`);
//! - an SD-JWT followed by its key-binding JWT (what OpenID4VP sends for `dc+sd-jwt`).

use medcred_formats::jwt::{jws, TYP_VP_JWT};
use medcred_formats::sd_jwt::{split_key_binding, TYP_KB_JWT};
use medcred_formats::Format;
use serde_json::{Map, Value};

use crate::detect::{data_integrity_suite, has_type, SyntaxError};
use crate::limits::{check_depth, check_len};

/// A detected presentation.
#[derive(Debug, Clone)]
pub(crate) enum Shape {
    /// A Data Integrity secured `VerifiablePresentation`.
    DataIntegrity {
        /// `eddsa-rdfc-2022` or `eddsa-jcs-2022`.
        format: Format,
        /// The presentation, proof included.
        document: Value,
    },
    /// A `vp+jwt`.
    VpJwt {
        /// The compact JWS.
        serialization: String,
        /// Its protected header.
        header: Map<String, Value>,
        /// Its payload: the presentation.
        payload: Map<String, Value>,
    },
    /// An SD-JWT with a key-binding JWT.
    SdJwtKb {
        /// The issuer JWT and the disclosures, ending in `~` (what `sd_hash` covers).
        presented: String,
        /// The key-binding JWT.
        kb_jwt: String,
    },
}

/// Detect the shape of `input` (leading and trailing whitespace ignored).
pub(crate) fn detect(input: &str) -> Result<Shape, SyntaxError> {
    check_len(input.as_bytes())?;
    let s = input.trim_start_matches('\u{feff}').trim();
    if s.is_empty() {
        return Err(SyntaxError::Empty);
    }
    if s.starts_with('{') || s.starts_with('[') {
        check_depth(s.as_bytes())?;
        let value: Value = serde_json::from_str(s).map_err(|e| SyntaxError::Json(e.to_string()))?;
        let Some(obj) = value.as_object() else {
            return Err(SyntaxError::Unrecognized("JSON that is not an object".into()));
        };
        if has_type(obj, "EnvelopedVerifiablePresentation") {
            let id =
                obj.get("id").and_then(Value::as_str).ok_or_else(|| SyntaxError::Envelope("no string id".into()))?;
            let jwt = id
                .strip_prefix("data:application/vp+jwt,")
                .ok_or_else(|| SyntaxError::Envelope("id is not a data:application/vp+jwt, URL".into()))?;
            return vp_jwt(jwt);
        }
        if !has_type(obj, "VerifiablePresentation") {
            return Err(SyntaxError::Unrecognized("a JSON object whose type is not VerifiablePresentation".into()));
        }
        let proof = obj.get("proof").ok_or_else(|| {
            SyntaxError::UnsupportedProof("the presentation has no proof (an unsecured presentation)".into())
        })?;
        let format = data_integrity_suite(proof)?;
        return Ok(Shape::DataIntegrity { format, document: value });
    }
    if s.contains('~') {
        let (presented, kb) = split_key_binding(s).map_err(|e| SyntaxError::Compact(e.to_string()))?;
        let Some(kb) = kb else {
            return Err(SyntaxError::Credential(
                "an SD-JWT without a key-binding JWT is a credential, not a presentation".into(),
            ));
        };
        let decoded = jws::decode(kb).map_err(|e| SyntaxError::Compact(format!("key-binding JWT: {e}")))?;
        if decoded.typ() != Some(TYP_KB_JWT) {
            let found = decoded.typ().unwrap_or_default().to_owned();
            return Err(SyntaxError::UnexpectedTyp { found, expected: TYP_KB_JWT });
        }
        return Ok(Shape::SdJwtKb { presented: presented.to_owned(), kb_jwt: kb.to_owned() });
    }
    if s.contains('.') {
        return vp_jwt(s);
    }
    Err(SyntaxError::Unrecognized("neither JSON nor a compact JWS or SD-JWT".into()))
}

fn vp_jwt(s: &str) -> Result<Shape, SyntaxError> {
    let decoded = jws::decode(s).map_err(|e| SyntaxError::Compact(e.to_string()))?;
    check_depth(&decoded.payload)?;
    let payload = decoded.claims().map_err(|e| SyntaxError::Compact(e.to_string()))?;
    let typ = decoded.typ().unwrap_or_default().to_ascii_lowercase();
    if typ.strip_prefix("application/").unwrap_or(&typ) != TYP_VP_JWT {
        return Err(SyntaxError::UnexpectedTyp { found: typ, expected: TYP_VP_JWT });
    }
    Ok(Shape::VpJwt { serialization: s.to_owned(), header: decoded.header, payload })
}
