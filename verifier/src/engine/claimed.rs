//! What a detected credential claims about itself before anything is verified: its issuer, the
//! verification method its proof names, its types, and its (unverified) claims.

use medcred_formats::{di_jcs, di_rdfc, Format};
use serde_json::{Map, Value};

use crate::detect::{Content, Detected, SyntaxError};

/// A credential's unverified self-description. Nothing here may be trusted until the issuer
/// binding and proof checks pass.
#[derive(Debug)]
pub(crate) struct Claimed<'a> {
    /// The issuer's id (`issuer`, `issuer.id`, or `iss`).
    pub(crate) issuer: String,
    /// The verification method the proof names, made absolute against the issuer if relative.
    pub(crate) verification_method: String,
    /// The Data Integrity proof purpose (none for JOSE formats, whose purpose is implied).
    pub(crate) proof_purpose: Option<String>,
    /// `type` (W3C formats) or `[vct]` (SD-JWT VC).
    pub(crate) types: Vec<String>,
    /// The credential (W3C formats) or issuer JWT payload (SD-JWT VC, digests undisclosed).
    pub(crate) claims: &'a Map<String, Value>,
}

fn bad(why: impl Into<String>) -> SyntaxError {
    SyntaxError::Credential(why.into())
}

impl<'a> Claimed<'a> {
    /// Read `detected`; fails when it lacks what verification needs.
    pub(crate) fn read(detected: &'a Detected) -> Result<Self, SyntaxError> {
        match (&detected.content, detected.format) {
            (Content::Document(doc), format) => {
                let claims = doc.as_object().ok_or_else(|| bad("not a JSON object"))?;
                let info = match format {
                    Format::EddsaRdfc2022 => di_rdfc::proof_of(doc),
                    _ => di_jcs::proof_of(doc),
                }
                .map_err(|e| bad(e.to_string()))?;
                let issuer = issuer_id(claims)?.ok_or_else(|| bad("no issuer"))?;
                Ok(Claimed {
                    verification_method: absolute(&issuer, &info.verification_method),
                    issuer,
                    proof_purpose: Some(info.proof_purpose),
                    types: w3c_types(claims)?,
                    claims,
                })
            }
            (Content::Compact { header, payload, .. }, format) => {
                let kid = header
                    .get("kid")
                    .and_then(Value::as_str)
                    .ok_or_else(|| bad("the JWS header has no kid naming the verification method"))?;
                let iss = match payload.get("iss") {
                    None => None,
                    Some(Value::String(s)) => Some(s.clone()),
                    Some(_) => return Err(bad("iss is not a string")),
                };
                let (issuer, types) = if format == Format::SdJwtVc {
                    let vct = payload.get("vct").and_then(Value::as_str).ok_or_else(|| bad("no string vct"))?;
                    (iss.ok_or_else(|| bad("no iss"))?, vec![vct.to_owned()])
                } else {
                    let issuer = match (issuer_id(payload)?, iss) {
                        (Some(a), Some(b)) if a != b => return Err(bad("iss and issuer disagree")),
                        (Some(a), _) | (None, Some(a)) => a,
                        (None, None) => return Err(bad("no issuer")),
                    };
                    (issuer, w3c_types(payload)?)
                };
                Ok(Claimed {
                    verification_method: absolute(&issuer, kid),
                    issuer,
                    proof_purpose: None,
                    types,
                    claims: payload,
                })
            }
        }
    }
}

/// `issuer` as a string or as an object's `id`.
fn issuer_id(vc: &Map<String, Value>) -> Result<Option<String>, SyntaxError> {
    match vc.get("issuer") {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(Value::Object(o)) => match o.get("id") {
            Some(Value::String(s)) => Ok(Some(s.clone())),
            _ => Err(bad("issuer has no string id")),
        },
        Some(_) => Err(bad("issuer is neither a string nor an object")),
    }
}

/// A credential's `type`, which must include `VerifiableCredential`.
fn w3c_types(vc: &Map<String, Value>) -> Result<Vec<String>, SyntaxError> {
    let types: Vec<String> = match vc.get("type") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .map(|t| t.as_str().map(str::to_owned).ok_or_else(|| bad("type lists a non-string")))
            .collect::<Result<_, _>>()?,
        _ => return Err(bad("no type")),
    };
    if types.iter().any(|t| t == "VerifiablePresentation") {
        return Err(bad("a presentation; this engine verifies credentials only (for now)"));
    }
    if !types.iter().any(|t| t == "VerifiableCredential") {
        return Err(bad("type does not include VerifiableCredential"));
    }
    Ok(types)
}

/// `vm` made absolute against `issuer` when it is a bare `#fragment`.
pub(crate) fn absolute(issuer: &str, vm: &str) -> String {
    if vm.starts_with('#') {
        format!("{issuer}{vm}")
    } else {
        vm.to_owned()
    }
}
