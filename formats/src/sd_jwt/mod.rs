//! IETF SD-JWT (RFC 9901) and SD-JWT VC (`typ` `dc+sd-jwt`): issue with selectively disclosable
//! claims named by JSON pointers, present a subset with an optional key-binding JWT, verify.
//!
//! Pointers name claims in the fully disclosed credential (for [`issue`] and [`present`]) or in
//! the reassembled claims (for [`VerifiedSdJwt::disclosed`]); they differ only for arrays with
//! undisclosed elements. Only the compact serialization is supported.

mod conceal;
mod disclosure;
mod kb;
mod pointer;
mod reassemble;

use rand::RngCore;
use serde_json::{json, Map, Value};

pub use kb::{sd_hash, KbExpectation, KbParams, KeyBinding, KB_FUTURE_LEEWAY_SECS, TYP_KB_JWT};

use crate::error::FormatError;
use crate::jwt::{decode, sign_compact, verify as verify_jws, DecodedJws, VerifierKey, MAX_JWS_LEN};
use crate::keys::IssuerKey;
use disclosure::Disclosure;
use reassemble::reassemble;

/// The `typ` of an SD-JWT VC.
pub const TYP_DC_SD_JWT: &str = "dc+sd-jwt";
/// The hash algorithm this implementation uses and accepts.
pub const SD_ALG: &str = "sha-256";
/// How deep claims may nest; deeper input is refused rather than recursed into.
pub(crate) const MAX_DEPTH: usize = 64;

/// A JSON object.
pub type JsonObject = Map<String, Value>;

/// Issuance choices beyond the claims.
#[derive(Debug, Clone, Default)]
pub struct IssueOptions {
    /// Decoy digests added to each `_sd` array (RFC 9901 §4.2.5), hiding how many claims exist.
    pub decoys_per_object: usize,
}

/// Issue an SD-JWT VC: header `{alg: EdDSA, typ: dc+sd-jwt, kid}`, `_sd_alg: sha-256`,
/// `cnf: {jwk}` when a holder key is given, and each claim named in `disclosable` replaced by a
/// digest. Returns `<issuer-jwt>~<disclosure>~…~`. No decoys; see [`issue_with`].
pub fn issue(
    claims: Map<String, Value>,
    disclosable: &[String],
    holder_jwk: Option<&Value>,
    key: &IssuerKey,
    salt_source: &mut impl RngCore,
) -> Result<String, FormatError> {
    issue_with(claims, disclosable, holder_jwk, key, salt_source, &IssueOptions::default())
}

/// [`issue`] with options.
pub fn issue_with(
    claims: Map<String, Value>,
    disclosable: &[String],
    holder_jwk: Option<&Value>,
    key: &IssuerKey,
    salt_source: &mut impl RngCore,
    options: &IssueOptions,
) -> Result<String, FormatError> {
    let mut root = Value::Object(claims);
    conceal::check_no_reserved(&root, 0)?;
    let disclosures = conceal::conceal(&mut root, disclosable, options.decoys_per_object, salt_source)?;
    let Value::Object(mut payload) = root else {
        return Err(FormatError::Signing("claims stopped being an object".into()));
    };
    if payload.insert("_sd_alg".into(), json!(SD_ALG)).is_some() {
        return Err(FormatError::malformed("claims", "_sd_alg is set by the issuer function"));
    }
    if let Some(jwk) = holder_jwk {
        if jwk.get("d").is_some() {
            return Err(FormatError::malformed("holder JWK", "contains a private key"));
        }
        VerifierKey::from_jwk(jwk)?;
        if payload.insert("cnf".into(), json!({"jwk": jwk})).is_some() {
            return Err(FormatError::malformed("claims", "cnf is set from the holder key"));
        }
    }
    let header = json!({"alg": "EdDSA", "typ": TYP_DC_SD_JWT, "kid": key.verification_method()});
    let payload = serde_json::to_vec(&payload).map_err(|e| FormatError::Signing(e.to_string()))?;
    let mut out = sign_compact(&header, &payload, key)?;
    out.push('~');
    for d in disclosures {
        out.push_str(&d.encoded);
        out.push('~');
    }
    Ok(out)
}

/// The digest by which an issuer-signed JWT references `disclosure` (RFC 9901 §4.2.3):
/// base64url(SHA-256(ASCII(disclosure))).
pub fn disclosure_digest(disclosure: &str) -> String {
    disclosure::sha256_b64(disclosure)
}

/// An SD-JWT split at its `~`s.
struct Parts<'a> {
    issuer_jwt: &'a str,
    disclosures: Vec<&'a str>,
    /// Everything up to and including the last `~` (what `sd_hash` covers).
    presented: &'a str,
    kb_jwt: Option<&'a str>,
}

fn split(sd_jwt: &str) -> Result<Parts<'_>, FormatError> {
    if sd_jwt.len() > MAX_JWS_LEN {
        return Err(FormatError::malformed("SD-JWT", format!("longer than {MAX_JWS_LEN} bytes")));
    }
    let last = sd_jwt.rfind('~').ok_or_else(|| FormatError::malformed("SD-JWT", "no ~ separator"))?;
    let (presented, kb) = (&sd_jwt[..=last], &sd_jwt[last + 1..]);
    let mut pieces = sd_jwt[..last].split('~');
    let issuer_jwt = pieces.next().unwrap_or_default();
    let disclosures: Vec<&str> = pieces.collect();
    if issuer_jwt.is_empty() || disclosures.iter().any(|d| d.is_empty()) {
        return Err(FormatError::malformed("SD-JWT", "empty part between ~ separators"));
    }
    Ok(Parts { issuer_jwt, disclosures, presented, kb_jwt: (!kb.is_empty()).then_some(kb) })
}

/// A presentation split at its last `~`: the issuer JWT with the chosen disclosures (ending in
/// `~`, what `sd_hash` covers), and the key-binding JWT after it, if there is one.
pub fn split_key_binding(sd_jwt: &str) -> Result<(&str, Option<&str>), FormatError> {
    let parts = split(sd_jwt)?;
    Ok((parts.presented, parts.kb_jwt))
}

/// Check `kb_jwt`, the key-binding JWT of a presentation whose disclosed part is `presented`:
/// `typ`, the signature by `holder_key` (the verified credential's `cnf.jwk`), `sd_hash`, and
/// with `expect` the `aud`, `nonce` and `iat`.
pub fn check_key_binding(
    kb_jwt: &str,
    presented: &str,
    holder_key: &VerifierKey,
    expect: Option<&KbExpectation>,
) -> Result<KeyBinding, FormatError> {
    kb::check(kb_jwt, presented, holder_key, expect)
}

fn parse_disclosures(parts: &Parts<'_>) -> Result<Vec<Disclosure>, FormatError> {
    parts.disclosures.iter().map(|d| Disclosure::parse(d)).collect()
}

/// Read the issuer-signed JWT's header and (concealed) payload without verifying anything, so a
/// verifier can find `iss` and `kid` and resolve the key first.
pub fn issuer_header_and_payload(sd_jwt: &str) -> Result<(JsonObject, JsonObject), FormatError> {
    let decoded = decode(split(sd_jwt)?.issuer_jwt)?;
    let claims = decoded.claims()?;
    Ok((decoded.header, claims))
}

/// The holder's view of an issued SD-JWT (nothing verified): every claim with all disclosures
/// applied, and the pointer of each disclosable claim.
pub fn disclosable_claims(sd_jwt: &str) -> Result<(Map<String, Value>, Vec<String>), FormatError> {
    let parts = split(sd_jwt)?;
    let r = reassemble(&decode(parts.issuer_jwt)?.claims()?, &parse_disclosures(&parts)?)?;
    Ok((r.claims, r.pointers))
}

/// Keep only the disclosures needed to reveal the claims at `keep` (each pointer, everything
/// inside it, and the disclosures of its enclosing claims), and append a key-binding JWT when
/// `kb` is given. `sd_jwt` is an issued SD-JWT (ending in `~`).
pub fn present(sd_jwt: &str, keep: &[String], kb: Option<&KbParams>) -> Result<String, FormatError> {
    let parts = split(sd_jwt)?;
    if parts.kb_jwt.is_some() {
        return Err(FormatError::malformed("SD-JWT", "already carries a key-binding JWT"));
    }
    let payload = decode(parts.issuer_jwt)?.claims()?;
    let r = reassemble(&payload, &parse_disclosures(&parts)?)?;
    let full = Value::Object(r.claims);
    if let Some(k) = keep.iter().find(|k| full.pointer(k).is_none()) {
        return Err(FormatError::malformed("pointer", format!("the credential has no claim at {k}")));
    }
    let mut out = format!("{}~", parts.issuer_jwt);
    for (d, p) in parts.disclosures.iter().zip(&r.pointers) {
        if keep.iter().any(|k| pointer::related(k, p)) {
            out.push_str(d);
            out.push('~');
        }
    }
    if let Some(kb) = kb {
        let cnf = full.pointer("/cnf/jwk").ok_or_else(|| FormatError::malformed("SD-JWT", "no cnf.jwk to bind to"))?;
        if VerifierKey::from_jwk(cnf)? != kb.holder.verifier_key() {
            return Err(FormatError::Signing("the holder key is not the credential's cnf key".into()));
        }
        out.push_str(&kb::sign(&out, kb)?);
    }
    Ok(out)
}

/// A verified SD-JWT: only [`verify`] makes one.
#[derive(Debug, Clone)]
pub struct VerifiedSdJwt {
    header: Map<String, Value>,
    claims: Map<String, Value>,
    disclosed: Vec<String>,
    key_binding: Option<KeyBinding>,
}

impl VerifiedSdJwt {
    /// The issuer-signed JWT's header.
    pub fn header(&self) -> &Map<String, Value> {
        &self.header
    }
    /// The plain and disclosed claims, without `_sd`, `_sd_alg` or undisclosed array elements.
    pub fn claims(&self) -> &Map<String, Value> {
        &self.claims
    }
    /// Pointers (into [`Self::claims`]) of the selectively disclosed claims, in presentation order.
    pub fn disclosed(&self) -> &[String] {
        &self.disclosed
    }
    /// The checked key-binding JWT, if the presentation had one.
    pub fn key_binding(&self) -> Option<&KeyBinding> {
        self.key_binding.as_ref()
    }
    /// The claims, by value.
    pub fn into_claims(self) -> Map<String, Value> {
        self.claims
    }
}

/// Verify an SD-JWT presentation (RFC 9901 §7.1, §7.3): the issuer signature with `issuer_key`,
/// `_sd_alg` (sha-256 only), the disclosures, and the key-binding JWT. With `expect`, a
/// key-binding JWT is required and its `aud`, `nonce` and `iat` are checked; without, one that is
/// present is still checked for signature and `sd_hash`. Does not check `typ` (see
/// [`verify_sd_jwt_vc`]) nor validity dates (`exp`, `nbf`): the caller holds the clock.
pub fn verify(
    presentation: &str,
    issuer_key: &VerifierKey,
    expect: Option<&KbExpectation>,
) -> Result<VerifiedSdJwt, FormatError> {
    let parts = split(presentation)?;
    let jwt: DecodedJws = decode(parts.issuer_jwt)?;
    verify_jws(&jwt, issuer_key)?;
    let payload = jwt.claims()?;
    match payload.get("_sd_alg") {
        None => {}
        Some(Value::String(a)) if a == SD_ALG => {}
        Some(other) => return Err(FormatError::Unsupported(format!("_sd_alg {other}"))),
    }
    let r = reassemble(&payload, &parse_disclosures(&parts)?)?;
    let key_binding = match (parts.kb_jwt, expect) {
        (None, None) => None,
        (None, Some(_)) => {
            return Err(FormatError::BadSignature("key binding: required but the presentation has none".into()))
        }
        (Some(kb_jwt), expect) => {
            let cnf = r.claims.get("cnf").and_then(|c| c.get("jwk"));
            let holder = VerifierKey::from_jwk(
                cnf.ok_or_else(|| FormatError::BadSignature("key binding: the credential has no cnf.jwk".into()))?,
            )?;
            Some(kb::check(kb_jwt, parts.presented, &holder, expect)?)
        }
    };
    Ok(VerifiedSdJwt { header: jwt.header, claims: r.claims, disclosed: r.pointers, key_binding })
}

/// [`verify`] for an IETF SD-JWT VC: additionally `typ` must be `dc+sd-jwt` (or the former
/// `vc+sd-jwt`) and `vct` a string.
pub fn verify_sd_jwt_vc(
    presentation: &str,
    issuer_key: &VerifierKey,
    expect: Option<&KbExpectation>,
) -> Result<VerifiedSdJwt, FormatError> {
    let v = verify(presentation, issuer_key, expect)?;
    let typ = v.header.get("typ").and_then(Value::as_str).unwrap_or_default();
    if typ != TYP_DC_SD_JWT && typ != "vc+sd-jwt" {
        return Err(FormatError::Unsupported(format!("typ {typ:?} where dc+sd-jwt was expected")));
    }
    if !v.claims.get("vct").is_some_and(Value::is_string) {
        return Err(FormatError::malformed("SD-JWT VC", "no string vct"));
    }
    Ok(v)
}
